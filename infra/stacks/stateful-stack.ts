// What outlives a deploy: the tables, the exchange-credentials key, the alarm topic, the
// notification secrets, the SES identity of the notification e-mail and the reports bucket (the
// stored charts). Kept apart from the functions so a stateless change can never replace or delete
// data, and the owner's secrets and verified address survive a stateless redeploy.
import { Aws, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AccountRootPrincipal, PolicyDocument, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnEIP } from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { FilterPattern, LogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { type CfnSecret, type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import {
  APP_PREFIX,
  TABLE_NAMES,
  credentialsKeyAlias,
  egressIpParameterName,
  tableName,
  type TableName,
} from '../../shared/platform/resource-names';
import { TABLE_SPECS } from '../../shared/platform/tables';
import { METRICS_NAMESPACE } from '../../shared/platform/metric-names';
import { decryptingRoleNames, operatorRoleName, roleArn } from '../config/principals';
import type { StageConfig } from '../config/stages';
import { ConsoleAuth } from '../constructs/console-auth';
import { OperatorAccess } from '../constructs/operator-access';

/**
 * The notification secrets, as the stateless stack takes them. (The e-mail channel's SES identity
 * is not among them: the stateless stack names its ARN from the stage's address, no export.)
 */
export interface NotificationResources {
  telegramBotTokenSecret: ISecret;
  telegramWebhookSecret: ISecret;
  discordWebhookSecret: ISecret;
}

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Where the fixed egress IP is published for the CLI (`account add --stage X` prints it). */

/** The metric the credentials Decrypt alarm counts (stage option keyAudit). */
export const CREDENTIALS_DECRYPT_BY_OTHERS_METRIC = 'CredentialsDecryptByOthers';

/**
 * Key administration for the account, as AWS's documented key-administrator statement, without
 * the actions that would hand out use of the key: no kms:Create* (CreateGrant; CreateAlias kept),
 * no kms:Delete* beyond DeleteAlias. Everything needed to keep the key manageable (policy,
 * rotation, enable/disable, tags, aliases, scheduled deletion) stays, so the key never becomes
 * unmanageable. PutKeyPolicy is administration too: whoever holds it can rewrite this policy;
 * that is a visible, CloudTrail-logged change (alert on it), not a silent decrypt.
 */
export const KEY_ADMIN_ACTIONS: readonly string[] = [
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/**
 * Who may do what with the exchange-credentials key. The account root stays the principal (IAM
 * policies must allow it as well), narrowed by aws:PrincipalArn to the named roles for key use:
 * Decrypt for the executor and the risk check (and the price watcher's task role when the stage
 * runs it), GenerateDataKey for the operator role, both only
 * with an encryption context naming the account, as the key vault always sends ({tenantId, accountId};
 * before tenancy {accountId}: shared/adapters/keyvault/kms-key-vault.ts). Nobody gets kms:*, ReEncrypt or CreateGrant.
 */
export function credentialsKeyPolicy(stage: string, watcher = false): PolicyDocument {
  const root = new AccountRootPrincipal();
  const withAccountContext = { StringLike: { 'kms:EncryptionContext:accountId': '*' } };
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        sid: 'KeyAdministration',
        principals: [root],
        actions: [...KEY_ADMIN_ACTIONS],
        resources: ['*'],
      }),
      new PolicyStatement({
        sid: 'DecryptByTheFunctionsThatTrade',
        principals: [root],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: {
          ...withAccountContext,
          ArnEquals: { 'aws:PrincipalArn': decryptingRoleNames(stage, watcher).map(roleArn) },
        },
      }),
      new PolicyStatement({
        sid: 'SealByTheOperator',
        principals: [root],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { ...withAccountContext, ArnEquals: { 'aws:PrincipalArn': [roleArn(operatorRoleName(stage))] } },
      }),
    ],
  });
}

/**
 * The reports bucket's name: fixed per stage, account and region (≤ 63 characters for any stage
 * name the config accepts), like the table names. The stateless stack names the bucket and its
 * objects from it instead of a cross-stack export, so the report role's grant is a stable string
 * (cdk-nag acknowledges its reports/* wildcard by that exact string).
 */
export function reportsBucketName(stage: string): string {
  return `${APP_PREFIX}-${stage}-reports-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

export class StatefulStack extends Stack {
  readonly tables: Record<TableName, Table>;
  /** envelope key for exchange API credentials: the operator role seals, only the executor and the risk check open */
  readonly credentialsKey: Key;
  /** the CLI's role and managed policy against this stage (no decrypt) */
  readonly operatorAccess: OperatorAccess;
  /** the console's user pool and app client (stateful: it holds the users and their TOTP secrets) */
  readonly consoleAuth: ConsoleAuth;
  /** the fixed outbound address of the exchange-calling functions (stage option staticEgress) */
  readonly egressIp?: CfnEIP;
  /** any other principal's Decrypt on the credentials key, from CloudTrail (stage option keyAudit) */
  readonly credentialsDecryptAlarm?: Alarm;
  /** encrypts the alarm topic; CloudWatch alarms may use it to publish */
  readonly alarmTopicKey: Key;
  readonly alarmTopic: Topic;
  /**
   * The SES identity of the stage's notification e-mail (`-c notifyEmail=...`): the notifier and the
   * report send from it to it. Absent when the stage has no notification e-mail.
   */
  readonly notifyEmailIdentity?: EmailIdentity;
  /** created empty: the owner puts the token from @BotFather (see the output's description) */
  readonly telegramBotTokenSecret: Secret;
  /** generated: the secret_token given to setWebhook, which Telegram sends with every update */
  readonly telegramWebhookSecret: Secret;
  /** created empty: the owner puts the Discord webhook URL */
  readonly discordWebhookSecret: Secret;
  /** private: the report's equity charts (reports/<accountId>/...), fetched only through presigned links */
  readonly reportsBucket: Bucket;
  /** its name (reportsBucketName): what the stateless stack takes */
  readonly reportsBucketName: string;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const stage = config.stage;

    // Table encryption: AWS_MANAGED (aws/dynamodb). The one secret we store, the exchange
    // credentials, is already envelope-encrypted by the application with the credentials CMK below,
    // and every read of it needs kms:Decrypt with an accountId encryption context. A second CMK on
    // the tables would add its cost and make every function (webhook, paper-tick) need kms
    // permissions on it, against the rule that only the executor touches KMS. AWS_MANAGED still
    // gives encryption at rest with a key in this account whose use shows in CloudTrail.
    this.tables = Object.fromEntries(
      TABLE_NAMES.map((name) => {
        const spec = TABLE_SPECS[name];
        const table = new Table(this, `${pascal(name)}Table`, {
          tableName: tableName(stage, name),
          partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
          ...(spec.sortKey ? { sortKey: { name: spec.sortKey, type: AttributeType.STRING } } : {}),
          ...(spec.ttlAttribute ? { timeToLiveAttribute: spec.ttlAttribute } : {}),
          ...(spec.stream === 'NEW_IMAGE' ? { stream: StreamViewType.NEW_IMAGE } : {}),
          billingMode: BillingMode.PAY_PER_REQUEST,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          encryption: TableEncryption.AWS_MANAGED,
          deletionProtection: config.tableDeletionProtection,
          removalPolicy: config.removalPolicy,
        });
        return [name, table];
      }),
    ) as Record<TableName, Table>;

    this.credentialsKey = new Key(this, 'CredentialsKey', {
      alias: credentialsKeyAlias(stage),
      description: `${stage}: envelope encryption of exchange API credentials (encryption context {accountId})`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
      // Given explicitly, so CDK's default (kms:* for the account root, which lets any principal
      // with broad KMS rights in its IAM policy decrypt every key) is not added.
      policy: credentialsKeyPolicy(stage, config.watcher.enabled),
    });
    if (config.staticEgress) this.egressIp = this.fixedEgressIp(stage, config);
    this.consoleAuth = new ConsoleAuth(this, 'ConsoleAuth', {
      stage,
      deletionProtection: stage === 'prod',
      removalPolicy: config.removalPolicy,
    });
    this.operatorAccess = new OperatorAccess(this, 'Operator', {
      stage,
      tables: this.tables,
      credentialsKey: this.credentialsKey,
      consoleUserPoolArn: this.consoleAuth.userPool.userPoolArn,
      ...(this.egressIp ? { egressIpParameterName: egressIpParameterName(stage) } : {}),
    });

    this.alarmTopicKey = new Key(this, 'AlarmTopicKey', {
      description: `${stage}: encrypts the alarm SNS topic`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    // CloudWatch alarms cannot publish to a topic under the AWS-managed aws/sns key; a CMK whose
    // policy lets CloudWatch use it is the documented way.
    this.alarmTopicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `tvat ${stage} alarms`,
      masterKey: this.alarmTopicKey,
      enforceSSL: true,
    });
    // enforceSSL writes a topic policy, which replaces SNS's default one (the default is what lets
    // same-account alarms publish), so the alarms of this account are allowed explicitly.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${this.region}:${this.account}:alarm:*` },
        },
      }),
    );
    this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
    if (config.keyAudit)
      this.credentialsDecryptAlarm = this.decryptByOthersAlarm(
        stage,
        config.keyAudit.trailLogGroupName,
        config.watcher.enabled,
      );

    // Notifications by e-mail go through Amazon SES, which can attach the report's chart (an SNS
    // e-mail subscription carries text only). SES sends only from a verified identity: this is the
    // owner's address, and creating it makes SES mail a verification link to that address. A new
    // account is in the SES sandbox, where it may send only to verified addresses; the functions send
    // from this address to itself (EMAIL_FROM = EMAIL_TO), which the sandbox allows, so no production
    // access request is needed. Alarms keep their own SNS topic and subscription above.
    // (This replaces an SNS notification topic whose ARN the stateless stack imported: on a stage
    // deployed with that topic, deploy the stateless stack alone first, `cdk deploy <its name>
    // --exclusively`, so the import is gone before this stack deletes the export.)
    if (config.notify.email) {
      this.notifyEmailIdentity = new EmailIdentity(this, 'NotifyEmailIdentity', {
        identity: Identity.email(config.notify.email),
      });
      new CfnOutput(this, 'NotifyEmailAddress', {
        description:
          'SES identity of the notification e-mail: SES has mailed a verification link to this address; open it, or nothing is sent ' +
          '(check: aws sesv2 get-email-identity --email-identity <this address>, VerifiedForSendingStatus true). ' +
          'Notifications and reports are sent from this address to itself, which the SES sandbox allows: no production access needed.',
        value: this.notifyEmailIdentity.emailIdentityName,
      });
    }

    // Secrets: the owner's, created empty (the values never pass through CloudFormation or the
    // repository), and the webhook secret, generated. Read by ARN, once per container.
    this.telegramBotTokenSecret = this.emptySecret(
      'TelegramBotTokenSecret',
      `${stage}: Telegram bot token (from @BotFather), the string or JSON {"token": "..."}`,
      config,
    );
    this.discordWebhookSecret = this.emptySecret(
      'DiscordWebhookSecret',
      `${stage}: Discord webhook URL of the notification channel`,
      config,
    );
    // 64 of A-Z a-z 0-9: inside Telegram's secret_token alphabet (1-256 of A-Z a-z 0-9 _ -).
    this.telegramWebhookSecret = new Secret(this, 'TelegramWebhookSecret', {
      description: `${stage}: secret_token of the Telegram bot webhook (x-telegram-bot-api-secret-token)`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: config.removalPolicy,
    });
    for (const secret of [this.telegramBotTokenSecret, this.discordWebhookSecret, this.telegramWebhookSecret]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'No automatic rotation: the bot token and the Discord webhook URL are issued by Telegram and Discord and can only be replaced there (then put-secret-value), ' +
          "and the webhook secret must be registered with Telegram's setWebhook together with a change. Functions read each value once per container, so a put takes effect on the next cold start.",
      });
    }

    // The report's charts: the report function puts each PNG under reports/ and signs a GET link,
    // which an e-mail carries only when it cannot attach the file (the SNS channel, or a file too
    // large for SES). Private (no public access, no ACLs), TLS
    // only, S3-managed encryption (a presigned GET needs no KMS permission of its signer), and
    // nothing kept past 30 days: a chart is worth a look when its report arrives.
    this.reportsBucketName = reportsBucketName(stage);
    this.reportsBucket = new Bucket(this, 'ReportsBucket', {
      bucketName: this.reportsBucketName,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [
        { id: 'ExpireCharts', expiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.reportsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No server access logs: the bucket holds only report charts (PNG images of equity curves, no credentials), written by the report function alone and expiring after 30 days; ' +
        'reads are presigned GET links mailed to the owner. A log bucket would itself be an unlogged bucket (the same finding) holding more than the data it describes; ' +
        "the writer's API calls are in CloudTrail and its role may put and get objects under reports/ only.",
    });

    new CfnOutput(this, 'TelegramBotTokenSecretArn', {
      description:
        'Put the bot token from @BotFather: aws secretsmanager put-secret-value --secret-id <this ARN> --secret-string "<token>"; then deploy with -c telegramChatIds=<your chat id>',
      value: this.telegramBotTokenSecret.secretArn,
    });
    new CfnOutput(this, 'TelegramWebhookSecretArn', {
      description:
        'Register the bot webhook once: curl -s "https://api.telegram.org/bot<token>/setWebhook" -d url=<TelegramWebhookUrl output> ' +
        '-d secret_token="$(aws secretsmanager get-secret-value --secret-id <this ARN> --query SecretString --output text)"',
      value: this.telegramWebhookSecret.secretArn,
    });
    new CfnOutput(this, 'DiscordWebhookSecretArn', {
      description:
        'Put the Discord webhook URL: aws secretsmanager put-secret-value --secret-id <this ARN> --secret-string "https://discord.com/api/webhooks/..."; then deploy with -c discord=true',
      value: this.discordWebhookSecret.secretArn,
    });
  }

  /**
   * A secret without a value: CloudFormation creates it empty when neither SecretString nor
   * GenerateSecretString is given (the L2 construct always adds a generator, removed here).
   */
  get notifications(): NotificationResources {
    return {
      telegramBotTokenSecret: this.telegramBotTokenSecret,
      telegramWebhookSecret: this.telegramWebhookSecret,
      discordWebhookSecret: this.discordWebhookSecret,
    };
  }

  /**
   * The Elastic IP the stateless stack's NAT sends from. Here, not beside the NAT: it is what users
   * whitelist on their exchange keys, so it must survive a stateless redeploy or replacement.
   * Output and SSM parameter (/tvat/<stage>/egress-ip) for `account add` to print.
   */
  private fixedEgressIp(stage: string, config: StageConfig): CfnEIP {
    const eip = new CfnEIP(this, 'EgressElasticIp', {
      domain: 'vpc',
      tags: [{ key: 'Name', value: `${APP_PREFIX}-${stage}-egress` }],
    });
    eip.applyRemovalPolicy(config.removalPolicy);
    new CfnOutput(this, 'EgressIp', {
      description:
        'The one address the executor and the risk check call the exchanges from: allow it on each exchange API key (IP restriction)',
      value: eip.attrPublicIp,
    });
    new StringParameter(this, 'EgressIpParameter', {
      parameterName: egressIpParameterName(stage),
      description: `${APP_PREFIX} ${stage}: the exchange-calling functions' fixed outbound IP`,
      stringValue: eip.attrPublicIp,
    });
    return eip;
  }

  /**
   * CloudTrail → a metric filter on the trail's log group → an alarm on the alarm topic, for any
   * Decrypt on the credentials key (refused ones included) by a principal other than the executor
   * and risk-check roles. Needs a trail that delivers management events to CloudWatch Logs, which
   * this stack does not create (one trail per account is the usual set-up; a second costs money).
   */
  private decryptByOthersAlarm(stage: string, trailLogGroupName: string, watcher: boolean): Alarm {
    const allowed = decryptingRoleNames(stage, watcher).map(
      (role) => `($.userIdentity.arn != "arn:${Aws.PARTITION}:sts::${Aws.ACCOUNT_ID}:assumed-role/${role}/*")`,
    );
    const pattern = `{ ($.eventSource = "kms.amazonaws.com") && ($.eventName = "Decrypt") && ($.resources[0].ARN = "${this.credentialsKey.keyArn}") && ${allowed.join(' && ')} }`;
    const filter = new MetricFilter(this, 'CredentialsDecryptByOthersFilter', {
      logGroup: LogGroup.fromLogGroupName(this, 'CloudTrailLogGroup', trailLogGroupName),
      filterPattern: FilterPattern.literal(pattern),
      metricNamespace: METRICS_NAMESPACE,
      metricName: CREDENTIALS_DECRYPT_BY_OTHERS_METRIC,
      metricValue: '1',
      defaultValue: 0,
    });
    const alarm = new Alarm(this, 'CredentialsDecryptByOthersAlarm', {
      alarmName: `${APP_PREFIX}-${stage}-credentials-decrypt-by-others`,
      alarmDescription:
        'Someone other than the executor or risk-check role called Decrypt on the exchange-credentials key (CloudTrail; refused attempts count too). ' +
        'Find the event in CloudTrail (eventName Decrypt, this key): userIdentity says who. If it was not you, revoke the exchange API keys on the exchanges now, then find how the principal got KMS rights.',
      metric: filter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    return alarm;
  }

  private emptySecret(id: string, description: string, config: StageConfig): Secret {
    const secret = new Secret(this, id, { description, removalPolicy: config.removalPolicy });
    (secret.node.defaultChild as CfnSecret).addPropertyDeletionOverride('GenerateSecretString');
    return secret;
  }
}
