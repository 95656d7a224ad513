// A Lambda function with this project's secure defaults: ARM64, X-Ray active tracing, its own log
// group with a retention, its own role with no managed policy, and the shared esbuild settings.
// Table access is granted per action, never with a wildcard or a table-wide grant helper.
import { type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type ISecurityGroup, type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import * as path from 'node:path';
import type { IamTableAction } from '../../shared/platform/table-access';
import { bundlingFor, ESBUILD_TARGET, FUNCTION_RUNTIME } from './bundling';

/** The DynamoDB actions a role may be granted, as shared/platform/table-access.ts names them. */
export type { TableAction } from '../../shared/platform/table-access';

export interface SecureFunctionProps {
  /** handler file relative to projectRoot, e.g. functions/webhook/handler.ts */
  entry: string;
  /** repository root: esbuild's working directory and where package-lock.json lives */
  projectRoot: string;
  description: string;
  /** POWERTOOLS_SERVICE_NAME */
  serviceName: string;
  logLevel: string;
  timeout: Duration;
  memorySize: number;
  logRetention: RetentionDays;
  /** of the log group */
  removalPolicy: RemovalPolicy;
  environment?: Record<string, string>;
  reservedConcurrentExecutions?: number;
  /** retries of an asynchronous invocation (Lambda's default is 2) */
  retryAttempts?: number;
  /** a fixed role name, for a role another stack's policy names by ARN (infra/config/principals.ts); unset: generated */
  roleName?: string;
  /** run in these private subnets (the fixed-egress VPC, infra/constructs/static-egress.ts); unset: no VPC */
  network?: { vpc: IVpc; securityGroup: ISecurityGroup };
}

export class SecureFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: SecureFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    // Our own role instead of the default one: the default attaches the AWSLambdaBasicExecutionRole
    // managed policy (logs on every log group of the account); this one may write its log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
      ...(props.roleName === undefined ? {} : { roleName: props.roleName }),
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(props.projectRoot, props.entry),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      bundling: bundlingFor(props.entry),
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        LOG_LEVEL: props.logLevel,
      },
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      ...(props.retryAttempts === undefined ? {} : { retryAttempts: props.retryAttempts }),
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: [props.network.securityGroup],
          }
        : {}),
    });
    // With our own role, Lambda's VPC permissions are not added for us: the network interfaces it
    // creates in the subnets. EC2 takes no resource for these actions (as AWSLambdaVPCAccessExecutionRole).
    if (props.network) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      );
    }

    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        `Runtime pinned to ${FUNCTION_RUNTIME.name} on purpose (a supported Lambda runtime): bundles target ${ESBUILD_TARGET} and cold starts are measured on it. ` +
        'The rule asks for the newest runtime this aws-cdk-lib knows (nodejs24.x); moving is one change of FUNCTION_RUNTIME and ESBUILD_TARGET in infra/constructs/bundling.ts, after which this acknowledgement should go.',
    });
    // cdk-nag finding ids are "Rule[finding]": this acknowledges Resource "*" only, not other wildcards.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" is only on xray:PutTraceSegments/PutTelemetryRecords, added by Lambda active tracing; X-Ray has no resource-level permissions for these actions' +
        (props.network
          ? ', and on the EC2 network-interface actions Lambda needs to run in the fixed-egress VPC (as its AWSLambdaVPCAccessExecutionRole: these take no resource). '
          : '. ') +
        'A test asserts no other statement of this role uses "*".',
    });
  }

  /** One statement: exactly these actions on exactly this table and the named indexes (no wildcard). */
  grantTable(table: ITable, actions: readonly IamTableAction[], indexes: readonly string[] = []): void {
    if (actions.length === 0) return;
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...new Set(actions)],
        resources: [table.tableArn, ...indexes.map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
  }
}
