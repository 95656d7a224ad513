// What a person needs to run the CLI against a deployed stage (`--stage dev|prod`), and nothing
// more: a customer-managed policy and a role that carries it. Read from bin/cli-target.ts and the
// commands it serves (bin/cli.ts, bin/commands/*): the stage's tables through the repositories,
// the credentials key by its alias (KmsKeyVault.encrypt: GenerateDataKey with the {accountId}
// context) and the signal queue by name (GetQueueUrl, then SendMessage for `account flatten`).
// No kms:Decrypt: the CLI seals keys, it never opens them; only the executor and the risk check do.
// The console's users (`user add`) through the Cognito admin API on the stage's pool alone, found by
// the SSM parameters the console stacks write.
import { Aws, CfnOutput } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AccountPrincipal, ManagedPolicy, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  APP_PREFIX,
  consoleClientParameterName,
  consoleUrlParameterName,
  consoleUserPoolParameterName,
  signalQueueName,
  type TableName,
} from '../../shared/platform/resource-names';
import { operatorRoleName } from '../config/principals';
import type { TableAction } from './secure-function';

/**
 * Item actions per table, from the DynamoDB adapters each CLI command reaches:
 * account add/list/show/rotate-token/strategy (accounts: Get, Put, Update, Scan; audit: Put),
 * positions/orders/trades/audit listings (Query, Get), risk show/reset/pause/resume (risk: Get,
 * Put, Delete, Query), account flatten (signals: the webhook's dedup claim Get, Put, Update),
 * report (trades, risk: Query).
 */
export const OPERATOR_TABLE_ACCESS: Partial<Record<TableName, readonly TableAction[]>> = {
  accounts: ['GetItem', 'PutItem', 'UpdateItem', 'Scan'],
  audit: ['PutItem', 'Query'],
  positions: ['GetItem', 'Query'],
  orders: ['GetItem', 'Query'],
  trades: ['GetItem', 'Query'],
  risk: ['GetItem', 'PutItem', 'DeleteItem', 'Query'],
  signals: ['GetItem', 'PutItem', 'UpdateItem'],
};

export interface OperatorAccessProps {
  stage: string;
  tables: Record<TableName, ITable>;
  credentialsKey: IKey;
  /** the SSM parameter holding the fixed egress IP, when the stage has one (`account add` prints it) */
  egressIpParameterName?: string;
  /** the console's user pool: the CLI creates, lists and removes console users in it (nothing else) */
  consoleUserPoolArn: string;
}

/** What `user add` and its siblings call on the console's user pool. */
export const OPERATOR_USER_POOL_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminSetUserPassword',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:ListUsers',
] as const;

export class OperatorAccess extends Construct {
  readonly policy: ManagedPolicy;
  /** assumable by any principal of this account that IAM allows sts:AssumeRole on it */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: OperatorAccessProps) {
    super(scope, id);
    const { stage } = props;
    // The queue lives in the stateless stack, which depends on this one: named, not referenced.
    const queueArn = `arn:${Aws.PARTITION}:sqs:${Aws.REGION}:${Aws.ACCOUNT_ID}:${signalQueueName(stage)}`;
    const parameterArn = (name: string) => `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${name}`;
    const statements = [
      ...(Object.entries(OPERATOR_TABLE_ACCESS) as [TableName, readonly TableAction[]][]).map(
        ([name, actions]) =>
          new PolicyStatement({
            sid: `Table${name.charAt(0).toUpperCase()}${name.slice(1)}`,
            actions: actions.map((a) => `dynamodb:${a}`),
            resources: [props.tables[name].tableArn],
          }),
      ),
      // The key policy names this role for GenerateDataKey too: both sides must allow it.
      new PolicyStatement({
        sid: 'SealExchangeCredentials',
        actions: ['kms:GenerateDataKey'],
        resources: [props.credentialsKey.keyArn],
        conditions: { StringLike: { 'kms:EncryptionContext:accountId': '*' } },
      }),
      new PolicyStatement({
        sid: 'FlattenThroughTheSignalQueue',
        actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
        resources: [queueArn],
      }),
      new PolicyStatement({
        sid: 'ManageConsoleUsers',
        actions: [...OPERATOR_USER_POOL_ACTIONS],
        resources: [props.consoleUserPoolArn],
      }),
      // The URL's parameter is written by the stateless stack (the distribution lives there): named, not referenced.
      new PolicyStatement({
        sid: 'FindTheConsole',
        actions: ['ssm:GetParameter'],
        resources: [
          parameterArn(consoleUserPoolParameterName(stage)),
          parameterArn(consoleClientParameterName(stage)),
          parameterArn(consoleUrlParameterName(stage)),
        ],
      }),
      ...(props.egressIpParameterName
        ? [
            new PolicyStatement({
              sid: 'ReadTheEgressIp',
              actions: ['ssm:GetParameter'],
              resources: [parameterArn(props.egressIpParameterName)],
            }),
          ]
        : []),
    ];
    this.policy = new ManagedPolicy(this, 'Policy', {
      description: `${APP_PREFIX} ${stage}: what the CLI needs against the stage (tables, seal credentials, flatten, console users); no kms:Decrypt`,
      statements,
    });
    this.role = new Role(this, 'Role', {
      roleName: operatorRoleName(stage),
      assumedBy: new AccountPrincipal(Aws.ACCOUNT_ID),
      description: `${APP_PREFIX} ${stage}: the operator running the CLI with --stage ${stage}`,
      managedPolicies: [this.policy],
    });
    new CfnOutput(scope, 'OperatorRoleArn', {
      description: `Run the CLI against ${stage} as this role (aws sts assume-role, or a profile with role_arn); the only principal the credentials key lets seal keys. It cannot decrypt them.`,
      value: this.role.roleArn,
    });
    new CfnOutput(scope, 'OperatorPolicyArn', {
      description:
        'The same permissions as a managed policy (to attach elsewhere; sealing keys still needs the operator role, which the key policy names)',
      value: this.policy.managedPolicyArn,
    });
  }
}
