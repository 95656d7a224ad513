import { Match, Template } from 'aws-cdk-lib/assertions';
import { TABLE_NAMES, tableName } from '../../shared/platform/resource-names';
import { TABLE_SPECS } from '../../shared/platform/tables';
import { builtApp, logicalId, TEST_ALARM_EMAIL } from './support';

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
    for (const t of Object.values(tables)) expect(t.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
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
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow' }),
        ]),
      },
    });
  });

  it('denies publishing to the alarm topic without TLS', () => {
    dev().hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
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
});
