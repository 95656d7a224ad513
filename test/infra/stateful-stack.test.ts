import { Match, Template } from 'aws-cdk-lib/assertions';
import { TABLE_NAMES, tableName } from '../../shared/platform/resource-names';
import { TABLE_SPECS } from '../../shared/platform/tables';
import { bareApp, builtApp, logicalId, TEST_ALARM_EMAIL, TEST_NOTIFY_EMAIL } from './support';

const dev = () => Template.fromStack(builtApp('dev').stateful);
const prod = () => Template.fromStack(builtApp('prod').stateful);

describe('stateful stack', () => {
  it('creates one table per table spec, named for the stage, with its key schema', () => {
    const template = prod();
    template.resourceCountIs('AWS::DynamoDB::Table', TABLE_NAMES.length);
    for (const name of TABLE_NAMES) {
      const spec = TABLE_SPECS[name];
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: tableName('prod', name),
        KeySchema: [
          { AttributeName: spec.partitionKey, KeyType: 'HASH' },
          ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' }] : []),
        ],
      });
    }
  });

  it('creates the risk table: accountId + itemKey, expiring snapshots and leases by the ttl attribute', () => {
    const template = prod();
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'tvat-prod-risk',
      KeySchema: [
        { AttributeName: 'accountId', KeyType: 'HASH' },
        { AttributeName: 'itemKey', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'accountId', AttributeType: 'S' },
        { AttributeName: 'itemKey', AttributeType: 'S' },
      ]),
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      DeletionProtectionEnabled: true,
    });
    expect(TABLE_NAMES).toContain('risk');
  });

  it('bills every table on demand', () => {
    const tables = prod().findResources('AWS::DynamoDB::Table');
    for (const t of Object.values(tables)) expect(t.Properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('turns point-in-time recovery on for every table', () => {
    const tables = dev().findResources('AWS::DynamoDB::Table');
    for (const t of Object.values(tables))
      expect(t.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('encrypts every table with the AWS-managed DynamoDB key', () => {
    const tables = dev().findResources('AWS::DynamoDB::Table');
    for (const t of Object.values(tables)) expect(t.Properties.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('sets TTL exactly where the spec has a ttl attribute', () => {
    const template = dev();
    for (const name of TABLE_NAMES) {
      const ttl = TABLE_SPECS[name].ttlAttribute;
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: tableName('dev', name),
        TimeToLiveSpecification: ttl ? { AttributeName: ttl, Enabled: true } : Match.absent(),
      });
    }
  });

  it('protects and retains the prod tables', () => {
    const tables = prod().findResources('AWS::DynamoDB::Table');
    for (const t of Object.values(tables)) {
      expect(t.Properties.DeletionProtectionEnabled).toBe(true);
      expect(t.DeletionPolicy).toBe('Retain');
    }
  });

  it('lets the dev tables be deleted', () => {
    const tables = dev().findResources('AWS::DynamoDB::Table');
    for (const t of Object.values(tables)) {
      expect(t.Properties.DeletionProtectionEnabled).toBe(false);
      expect(t.DeletionPolicy).toBe('Delete');
    }
  });

  it('rotates the credentials key', () => {
    const { stateful } = builtApp('prod');
    const key = prod().toJSON().Resources[logicalId(stateful, stateful.credentialsKey.node.defaultChild)];

    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('names the credentials key with the stage alias', () => {
    const { stateful } = builtApp('prod');
    prod().hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/tvat-prod-credentials',
      TargetKeyId: { 'Fn::GetAtt': [logicalId(stateful, stateful.credentialsKey.node.defaultChild), 'Arn'] },
    });
  });

  it('rotates every key it creates', () => {
    const keys = dev().findResources('AWS::KMS::Key');
    expect(Object.keys(keys)).toHaveLength(2);
    for (const k of Object.values(keys)) expect(k.Properties.EnableKeyRotation).toBe(true);
  });

  it('encrypts the alarm topic with its own key', () => {
    const { stateful } = builtApp('dev');
    dev().hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stateful, stateful.alarmTopicKey.node.defaultChild), 'Arn'] },
    });
  });

  it('lets CloudWatch use the topic key so alarms can publish', () => {
    dev().hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Effect: 'Allow',
          }),
        ]),
      },
    });
  });

  it('denies publishing to the alarm topic without TLS', () => {
    dev().hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it("allows this account's CloudWatch alarms to publish to the topic", () => {
    dev().hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { ArnLike: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it("subscribes the stage's alarm e-mail to the topic", () => {
    dev().hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: TEST_ALARM_EMAIL });
  });

  it('streams the new images of exactly the tables whose spec asks for it: the audit table, for the notifier', () => {
    const template = prod();
    expect(TABLE_SPECS.audit.stream).toBe('NEW_IMAGE');
    for (const name of TABLE_NAMES) {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: tableName('prod', name),
        StreamSpecification: TABLE_SPECS[name].stream ? { StreamViewType: 'NEW_IMAGE' } : Match.absent(),
      });
    }
  });
});

describe('stateful stack: notification e-mail identity and secrets', () => {
  const secret = (pick: (b: ReturnType<typeof builtApp>) => { node: { defaultChild?: unknown } }) => {
    const b = builtApp('prod');
    return prod().toJSON().Resources[logicalId(b.stateful, pick(b).node.defaultChild)];
  };

  it('creates the Telegram bot token and the Discord webhook secrets empty: no value passes through CloudFormation', () => {
    for (const s of [
      secret((b) => b.stateful.telegramBotTokenSecret),
      secret((b) => b.stateful.discordWebhookSecret),
    ]) {
      expect(s.Type).toBe('AWS::SecretsManager::Secret');
      expect(s.Properties.SecretString).toBeUndefined();
      expect(s.Properties.GenerateSecretString).toBeUndefined();
    }
  });

  it("generates the webhook secret in Telegram's secret_token alphabet (64 letters and digits)", () => {
    expect(secret((b) => b.stateful.telegramWebhookSecret).Properties.GenerateSecretString).toEqual({
      PasswordLength: 64,
      ExcludePunctuation: true,
      IncludeSpace: false,
    });
  });

  it('retains the secrets in prod and lets dev delete them', () => {
    const secrets = Object.values(prod().findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(3);
    for (const s of secrets) expect(s.DeletionPolicy).toBe('Retain');
    for (const s of Object.values(dev().findResources('AWS::SecretsManager::Secret')))
      expect(s.DeletionPolicy).toBe('Delete');
  });

  it('outputs each secret ARN with the command that fills or uses it', () => {
    const template = prod();
    template.hasOutput('TelegramBotTokenSecretArn', {
      Description: Match.stringLikeRegexp('aws secretsmanager put-secret-value --secret-id'),
    });
    template.hasOutput('DiscordWebhookSecretArn', {
      Description: Match.stringLikeRegexp('aws secretsmanager put-secret-value --secret-id'),
    });
    template.hasOutput('TelegramWebhookSecretArn', { Description: Match.stringLikeRegexp('setWebhook.*secret_token') });
  });

  it('creates an SES e-mail identity for the notification e-mail when the stage has one (SES mails it a verification link), and none otherwise', () => {
    const { stateful } = builtApp('prod');
    const identities = prod().findResources('AWS::SES::EmailIdentity');
    expect(Object.keys(identities)).toEqual([logicalId(stateful, stateful.notifyEmailIdentity!.node.defaultChild)]);
    // the address alone: no domain, DKIM or MAIL FROM settings (those are for domain identities)
    expect(Object.values(identities)[0]?.Properties).toEqual({
      EmailIdentity: TEST_NOTIFY_EMAIL,
      Tags: expect.any(Array),
    });
    expect(bareApp('prod').stateful.notifyEmailIdentity).toBeUndefined();
    Template.fromStack(bareApp('prod').stateful).resourceCountIs('AWS::SES::EmailIdentity', 0);
  });

  it('outputs the identity with what to do: open the verification mail; from = to works in the SES sandbox', () => {
    const { stateful } = builtApp('prod');
    prod().hasOutput('NotifyEmailAddress', {
      Value: { Ref: logicalId(stateful, stateful.notifyEmailIdentity!.node.defaultChild) },
      Description: Match.stringLikeRegexp('verification link.*sandbox allows: no production access'),
    });
    expect(Template.fromStack(bareApp('prod').stateful).findOutputs('NotifyEmailAddress')).toEqual({});
  });

  it('has no notification topic any more: the alarm topic is the only topic, the alarm e-mail its only subscription', () => {
    for (const b of [builtApp('prod'), bareApp('prod'), builtApp('dev')]) {
      const t = Template.fromStack(b.stateful);
      expect(Object.keys(t.findResources('AWS::SNS::Topic'))).toEqual([
        logicalId(b.stateful, b.stateful.alarmTopic.node.defaultChild),
      ]);
      expect(Object.values(t.findResources('AWS::SNS::Subscription')).map((s) => s.Properties.Endpoint)).toEqual([
        TEST_ALARM_EMAIL,
      ]);
    }
  });
});

describe('stateful stack: reports bucket', () => {
  const bucketOf = (stage: 'dev' | 'prod') => {
    const b = builtApp(stage);
    const t = Template.fromStack(b.stateful);
    const id = logicalId(b.stateful, b.stateful.reportsBucket.node.defaultChild);
    return { t, id, resource: t.toJSON().Resources[id] };
  };

  it('is the one bucket, named for the stage, account and region', () => {
    const { t, resource } = bucketOf('prod');
    t.resourceCountIs('AWS::S3::Bucket', 1);
    expect(resource.Properties.BucketName).toEqual({
      'Fn::Join': ['', ['tvat-prod-reports-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]],
    });
  });

  it('encrypts objects with S3-managed keys (a presigned GET needs no KMS permission)', () => {
    expect(bucketOf('prod').resource.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  it('blocks every kind of public access and disables ACLs', () => {
    const { Properties } = bucketOf('prod').resource;
    expect(Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  it('denies every request without TLS, on the bucket and its objects', () => {
    const { t, id } = bucketOf('prod');
    const policies = Object.values(t.findResources('AWS::S3::BucketPolicy')).filter(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: id }),
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Resource: [{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] }],
        }),
      ]),
    );
  });

  it('expires every object after 30 days', () => {
    expect(bucketOf('prod').resource.Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'ExpireCharts',
        Status: 'Enabled',
        ExpirationInDays: 30,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
  });

  it('is retained in prod and deleted with the dev stack, like the tables', () => {
    expect(bucketOf('prod').resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(bucketOf('dev').resource).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });
});
