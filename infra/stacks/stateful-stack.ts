// What outlives a deploy: the tables, the exchange-credentials key and the alarm topic. Kept apart
// from the functions so a stateless change can never replace or delete data.
import { Aws, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { TABLE_NAMES, credentialsKeyAlias, tableName, type TableName } from '../../shared/platform/resource-names';
import { TABLE_SPECS } from '../../shared/platform/tables';
import type { StageConfig } from '../config/stages';

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export class StatefulStack extends Stack {
  readonly tables: Record<TableName, Table>;
  /** envelope key for exchange API credentials: the CLI encrypts, only the executor decrypts */
  readonly credentialsKey: Key;
  /** encrypts the alarm topic; CloudWatch alarms may use it to publish */
  readonly alarmTopicKey: Key;
  readonly alarmTopic: Topic;

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
        conditions: { ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${this.region}:${this.account}:alarm:*` } },
      }),
    );
    this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
  }
}
