// The optional always-on price watcher (stage option `watcher`, off by default; docs/WATCHER-CLOUD.md):
// one ECS Fargate task, ARM64, running functions/price-watcher/main.ts, a Node process over the
// exchanges' websocket streams that moves emulated trailing stops, fills paper orders, feeds the
// circuit breaker and leaves live prices for the console. Not a Lambda: it holds connections open.
//
// The image is a Node 20 base with one esbuild bundle (the functions' settings, Node 20 target, and
// of their aliases only the protobufjs stub: the container needs ccxt's websockets and the SDK's
// container credentials).
// The bundle is written at synth, when bundling is on, as NodejsFunction bundles; Docker runs only
// when `cdk deploy`/`cdk-assets` publishes the image, never at synth (the infra tests synthesize
// with bundling off and no Docker engine).
//
// Network: inside the fixed-egress VPC when the stage has one (exchanges see the one allowlisted
// IP, docs/SECURITY.md), otherwise in a small VPC of its own with public subnets only and a public
// IP on the task: a NAT would cost more than the task itself, and nothing may connect in either way.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { buildSync } from 'esbuild';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type ISecurityGroup, type IVpc, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargatePlatformVersion,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { APP_PREFIX, type TableName } from '../../shared/platform/resource-names';
import { watcherTableGrants } from '../../shared/platform/table-access';
import { watcherRoleName } from '../config/principals';
import type { WatcherConfig } from '../config/stages';
import { CCXT_ALIAS, ESBUILD_SETTINGS } from './bundling';

/** The process entry the image runs (the watcher-core lane's long-running process, not a handler). */
export const WATCHER_ENTRY = 'functions/price-watcher/main.ts';

/** The image's base and the bundle's target: Node 20, the version this code runs on (docs/ARCHITECTURE.md). */
export const WATCHER_BASE_IMAGE = 'public.ecr.aws/docker/library/node:20-bookworm-slim';
export const WATCHER_ESBUILD_TARGET = 'node20';

/** POWERTOOLS_SERVICE_NAME and the `service` dimension of its metrics (the heartbeat alarm reads it). */
export const WATCHER_SERVICE_NAME = 'price-watcher';

/** The cluster's and the service's names: fixed, so the monitoring stack names them without a cross-stack export. */
export const watcherClusterName = (stage: string): string => `${APP_PREFIX}-${stage}-watcher`;
export const watcherEcsServiceName = (stage: string): string => `${APP_PREFIX}-${stage}-price-watcher`;

export interface PriceWatcherServiceProps {
  stage: string;
  projectRoot: string;
  config: WatcherConfig;
  logLevel: string;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  tables: Record<TableName, ITable>;
  credentialsKey: IKey;
  /** the container's variables (the risk check's: tables, key vault, paper prices, testnet) */
  environment: Record<string, string>;
  /** the fixed-egress VPC and its outbound-only security group, when the stage has one */
  egress?: { vpc: IVpc; securityGroup: ISecurityGroup };
}

export class PriceWatcherService extends Construct {
  readonly cluster: Cluster;
  readonly service: FargateService;
  readonly taskDefinition: FargateTaskDefinition;
  readonly taskRole: Role;
  readonly logGroup: LogGroup;
  /** true when the task sends from the fixed egress IP; false: its own public IP */
  readonly behindEgress: boolean;

  constructor(scope: Construct, id: string, props: PriceWatcherServiceProps) {
    super(scope, id);
    const { stage } = props;
    this.behindEgress = props.egress !== undefined;
    const vpc = props.egress?.vpc ?? this.ownVpc(stage);
    const securityGroup =
      props.egress?.securityGroup ??
      new SecurityGroup(this, 'SecurityGroup', {
        vpc,
        description: `${APP_PREFIX} ${stage}: the price watcher (outbound only: exchanges and AWS APIs)`,
        allowAllOutbound: true,
      });

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    // Named: the credentials key policy lets it decrypt (infra/config/principals.ts), like the risk check's.
    this.taskRole = new Role(this, 'TaskRole', {
      roleName: watcherRoleName(stage),
      assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `${APP_PREFIX} ${stage}: the price watcher's task (risk-check tables, live prices, key decrypt)`,
    });
    // From the manifest, as the functions' grants: one statement per table, exactly its actions.
    for (const grant of watcherTableGrants()) {
      const table = props.tables[grant.table];
      this.taskRole.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [...grant.actions],
          resources: [table.tableArn, ...grant.indexes.map((index) => `${table.tableArn}/index/${index}`)],
        }),
      );
    }
    // Live accounts' keys (it moves their emulated trailing stops), with the account's encryption context only.
    this.taskRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [props.credentialsKey.keyArn],
        conditions: { StringLike: { 'kms:EncryptionContext:accountId': '*' } },
      }),
    );

    this.taskDefinition = new FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.config.cpu,
      memoryLimitMiB: props.config.memoryMiB,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.ARM64, operatingSystemFamily: OperatingSystemFamily.LINUX },
      taskRole: this.taskRole,
    });
    this.taskDefinition.addContainer('Watcher', {
      image: ContainerImage.fromAsset(watcherImageDirectory(this, props.projectRoot), {
        platform: Platform.LINUX_ARM64,
      }),
      // Logs and the EMF metric lines (the heartbeat) go to its own log group; CloudWatch Logs
      // extracts EMF from any log event, no header needed.
      logging: LogDrivers.awsLogs({ streamPrefix: 'watcher', logGroup: this.logGroup }),
      readonlyRootFilesystem: true,
      // SIGTERM first: the process closes its streams and ends a move in progress
      stopTimeout: Duration.seconds(30),
      environment: {
        ...props.environment,
        AWS_REGION: Stack.of(this).region,
        POWERTOOLS_SERVICE_NAME: WATCHER_SERVICE_NAME,
        LOG_LEVEL: props.logLevel,
      },
    });

    this.cluster = new Cluster(this, 'Cluster', {
      vpc,
      clusterName: watcherClusterName(stage),
      // the running-task alarm reads AWS/ECS's own service metrics; Container Insights would add
      // billed custom metrics for one task (docs/WATCHER-CLOUD.md)
      containerInsightsV2: ContainerInsights.DISABLED,
    });
    this.service = new FargateService(this, 'Service', {
      cluster: this.cluster,
      serviceName: watcherEcsServiceName(stage),
      taskDefinition: this.taskDefinition,
      desiredCount: 1,
      platformVersion: FargatePlatformVersion.LATEST,
      // A deploy starts the new task before it stops the old one: no gap in watching. Two
      // watchers for a moment are safe (they coordinate with the risk check on each move).
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      // a task that cannot start (bad image, bad config) rolls the deploy back to the last good one
      circuitBreaker: { enable: true, rollback: true },
      securityGroups: [securityGroup],
      vpcSubnets: { subnetType: this.behindEgress ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PUBLIC },
      assignPublicIp: !this.behindEgress,
      enableExecuteCommand: false,
    });

    this.acknowledge();
  }

  /** Public subnets only, no NAT: the task's own public IP reaches the exchanges and AWS's endpoints. */
  private ownVpc(stage: string): Vpc {
    const vpc = new Vpc(this, 'Vpc', {
      vpcName: `${APP_PREFIX}-${stage}-watcher`,
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 26 }],
      restrictDefaultSecurityGroup: true,
    });
    Validations.of(vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        "No VPC flow logs: this VPC holds only the price watcher's task, whose security group allows no inbound connection; it dials out to the exchanges' websockets and AWS APIs only. " +
        'Its connections and reconnects are in its own logs and AWS API calls in CloudTrail; flow logs would bill ingestion for every websocket frame and add no decision.',
    });
    return vpc;
  }

  private acknowledge(): void {
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        "The container's environment holds names only (stage, table names through the stage, the key's ARN, paper price source, log level), the same variables the risk-check Lambda gets; " +
        'no secret is in it: exchange keys are decrypted per account at run time with KMS under the task role, so Secrets Manager or SSM would add a read and a cost for nothing secret.',
    });
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-ECS4',
      reason:
        "Container Insights is off on purpose: the cluster runs one small task, whose liveness is alarmed on its own heartbeat metric and on AWS/ECS's service CPU datapoints (sent only while a task runs), both free of Container Insights' billed per-task custom metrics (docs/WATCHER-CLOUD.md).",
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" is only on ecr:GetAuthorizationToken in the task\'s execution role, added by CDK for the image asset: ECR\'s authorization token is account-wide and takes no resource. ' +
        'The pull itself (BatchGetImage, GetDownloadUrlForLayer) is on the asset repository alone, and the task role has no "*" at all.',
    });
  }
}

/**
 * The Docker build context: a Dockerfile and, when the stack bundles, the esbuild bundle of the
 * entry. Without bundling (infra tests, `cdk synth --no-staging`-like runs) a placeholder stands in,
 * so the asset hash is computed and no Docker or esbuild run is needed; a deploy always bundles.
 */
function watcherImageDirectory(scope: Construct, projectRoot: string): string {
  if (!Stack.of(scope).bundlingRequired) {
    // one fixed directory of constant files: every unbundled synth (each test) reuses it
    const placeholder = path.join(os.tmpdir(), 'tvat-price-watcher-unbundled');
    fs.mkdirSync(placeholder, { recursive: true });
    fs.writeFileSync(path.join(placeholder, 'Dockerfile'), WATCHER_DOCKERFILE);
    fs.writeFileSync(path.join(placeholder, 'index.mjs'), '// not bundled: this synth skipped bundling\n');
    fs.writeFileSync(path.join(placeholder, 'index.mjs.map'), '{}\n');
    return placeholder;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tvat-price-watcher-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), WATCHER_DOCKERFILE);
  const entry = path.join(projectRoot, WATCHER_ENTRY);
  if (!fs.existsSync(entry))
    throw new Error(`the price watcher's entry ${WATCHER_ENTRY} is missing: it is what the image runs`);
  buildSync({
    ...watcherBundleOptions(),
    absWorkingDir: projectRoot,
    entryPoints: [entry],
    outfile: path.join(dir, 'index.mjs'),
  });
  return dir;
}

/**
 * The functions' esbuild settings for a container: Node 20 instead of Lambda's 22, and of their
 * aliases only the protobufjs stub (dYdX/MEXC only; the package is not installed, so ccxt's full
 * index cannot bundle without it). Not the env-only credentials provider (it would miss the
 * container's credentials endpoint), not the `ws` stub (ccxt's websockets are the point), not
 * ccxt-slim (it holds no `pro` classes).
 */
export function watcherBundleOptions() {
  const { outExtension: _outExtension, alias: _alias, ...settings } = ESBUILD_SETTINGS;
  return {
    ...settings,
    target: WATCHER_ESBUILD_TARGET,
    external: [...settings.external],
    mainFields: [...settings.mainFields],
    alias: { protobufjs: CCXT_ALIAS.protobufjs },
  };
}

const WATCHER_DOCKERFILE = `# The price watcher (${WATCHER_ENTRY}), bundled by esbuild at synth (infra/constructs/price-watcher-service.ts).
FROM ${WATCHER_BASE_IMAGE}
WORKDIR /app
COPY index.mjs index.mjs.map ./
ENV NODE_ENV=production
USER node
CMD ["node", "--enable-source-maps", "index.mjs"]
`;
