// The optional always-on price watcher (stage option `watcher`, docs/WATCHER-CLOUD.md): absent from
// the default templates; when enabled, one ARM64 Fargate task with the deployment circuit breaker,
// the risk check's table grants plus the live prices' write, Decrypt named in the credentials key
// policy, logs with the stage's retention, behind the fixed egress IP when the stage has one, and
// two alarms on the stage's topic with missing data breaching. Synthesized with bundling off: no
// Docker engine and no esbuild run are needed (the image is built only when a deploy publishes it).
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp, type BuiltApp } from '../../infra/app-factory';
import { getStageConfig, StageConfigError } from '../../infra/config/stages';
import { watcherBundleOptions } from '../../infra/constructs/price-watcher-service';
import { METRIC, METRICS_NAMESPACE } from '../../shared/platform/metric-names';
import { TABLE_NAMES, type Stage } from '../../shared/platform/resource-names';
import { watcherTableGrants } from '../../shared/platform/table-access';
import {
  bareApp,
  grants,
  logicalId,
  PROJECT_ROOT,
  refersTo,
  roleStatements,
  TEST_ALARM_EMAIL,
  testApp,
} from './support';

const nag = (scope: IConstruct) => new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope).violations;

const cache = new Map<string, BuiltApp>();
function watcherApp(stage: Stage, staticEgress?: 'nat-instance'): BuiltApp {
  const key = `${stage}:${staticEgress ?? 'public'}`;
  let built = cache.get(key);
  if (!built) {
    built = buildApp(stage, testApp({ watcher: 'true' }), {
      env: {},
      alarmEmail: TEST_ALARM_EMAIL,
      projectRoot: PROJECT_ROOT,
      ...(staticEgress ? { staticEgress } : {}),
    });
    cache.set(key, built);
  }
  return built;
}

const ECS_TYPES = ['AWS::ECS::Cluster', 'AWS::ECS::Service', 'AWS::ECS::TaskDefinition'];

describe('off by default', () => {
  it.each(['dev', 'prod'] as const)('%s: no watcher resource, alarm or key-policy entry in any stack', (stage) => {
    const built = bareApp(stage);
    expect(built.config.watcher).toEqual({ enabled: false, cpu: 256, memoryMiB: 512 });
    expect(built.stateless.priceWatcher).toBeUndefined();
    for (const stack of [built.stateful, built.stateless, built.monitoring]) {
      const template = Template.fromStack(stack);
      for (const type of ECS_TYPES)
        expect({ type, n: Object.keys(template.findResources(type)).length }).toEqual({ type, n: 0 });
      expect(JSON.stringify(template.toJSON())).not.toMatch(/price-watcher|WatcherHeartbeat|watcher-not-running/);
    }
  });
});

describe.each(['dev', 'prod'] as const)('%s with -c watcher=true', (stage) => {
  const built = () => watcherApp(stage);
  const stateless = () => Template.fromStack(built().stateless);

  it('one ARM64 Fargate task of the stage size, desired 1, circuit breaker with rollback, no gap on deploy', () => {
    stateless().hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '256',
      Memory: '512',
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    stateless().hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 1,
      ServiceName: `tvat-${stage}-price-watcher`,
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      },
      EnableExecuteCommand: false,
    });
  });

  it('the container: logs to its own group with the stage retention, read-only root, the risk check’s variables', () => {
    const template = stateless();
    const defs = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as {
      Properties: { ContainerDefinitions: Record<string, unknown>[] };
    }[];
    const [container] = defs[0]!.Properties.ContainerDefinitions as [
      {
        ReadonlyRootFilesystem: boolean;
        LogConfiguration: { LogDriver: string; Options: Record<string, unknown> };
        Environment: { Name: string; Value: unknown }[];
      },
    ];
    expect(container.ReadonlyRootFilesystem).toBe(true);
    expect(container.LogConfiguration.LogDriver).toBe('awslogs');
    const group = logicalId(built().stateless, built().stateless.priceWatcher!.logGroup.node.defaultChild);
    expect(refersTo(container.LogConfiguration.Options['awslogs-group'], group)).toBe(true);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: built().config.logRetentionDays,
    });
    const env = Object.fromEntries(container.Environment.map((e) => [e.Name, e.Value]));
    expect(env).toMatchObject({
      STAGE: stage,
      KEY_VAULT: 'kms',
      POWERTOOLS_SERVICE_NAME: 'price-watcher',
      PAPER_PRICE_SOURCE: 'exchange',
      EXCHANGE_TESTNET: String(stage === 'dev'),
      WATCHER_PAPER_STREAM: 'exchange',
    });
    // nothing that would point it at another server, and no secret
    expect(Object.keys(env).filter((k) => /ENDPOINT|_URL$|SECRET|TOKEN|PASSWORD/.test(k))).toEqual([]);
  });

  it('the task role: exactly the watcher manifest’s table actions, Decrypt with an account context, no "*"', () => {
    const { stateful, stateless: stack } = built();
    const statements = roleStatements(Template.fromStack(stack), stack, stack.priceWatcher!.taskRole);
    const all = grants(statements);
    const dynamo = all.filter((g) => g.action.startsWith('dynamodb:'));
    const pairs = dynamo
      .map((g) => {
        const table = TABLE_NAMES.find((t) =>
          refersTo(g.resource, logicalId(stateful, stateful.tables[t].node.defaultChild)),
        );
        return `${table} ${g.action}`;
      })
      .sort();
    const want = watcherTableGrants()
      .flatMap((g) => g.actions.map((a) => `${g.table} ${a}`))
      .sort();
    expect(pairs).toEqual(want);
    // the risk check's reads and writes, and the live prices' write
    expect(want).toEqual(
      expect.arrayContaining([
        'accounts dynamodb:GetItem',
        'risk dynamodb:PutItem',
        'orders dynamodb:PutItem',
        'audit dynamodb:PutItem',
      ]),
    );
    const kms = all.filter((g) => g.action.startsWith('kms:'));
    expect(kms.map((g) => ({ action: g.action, condition: g.condition }))).toEqual([
      { action: 'kms:Decrypt', condition: { StringLike: { 'kms:EncryptionContext:accountId': '*' } } },
    ]);
    expect(all.filter((g) => g.resource === '*')).toEqual([]);
    expect(all.map((g) => g.action).filter((a) => !/^(dynamodb|kms):/.test(a))).toEqual([]);
  });

  it('the credentials key policy lets the named task role decrypt, beside the executor and the risk check', () => {
    const policy = JSON.stringify(Template.fromStack(built().stateful).findResources('AWS::KMS::Key'));
    expect(policy).toContain(`tvat-${stage}-price-watcher-`);
    expect(JSON.stringify(Template.fromStack(bareApp(stage).stateful).findResources('AWS::KMS::Key'))).not.toContain(
      'price-watcher',
    );
  });

  it('without static egress: its own public subnets, a public IP, a security group with no ingress, no NAT', () => {
    const template = stateless();
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' } },
    });
    expect(Object.keys(template.findResources('AWS::EC2::NatGateway'))).toHaveLength(0);
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup')) as {
      Properties: { SecurityGroupIngress?: unknown[] };
    }[];
    for (const g of groups) expect(g.Properties.SecurityGroupIngress ?? []).toEqual([]);
  });

  it('two alarms on the stage topic, missing data breaching: no heartbeat, no running task (3 minutes)', () => {
    const { monitoring, stateful } = built();
    const template = Template.fromStack(monitoring);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: Record<string, unknown> & { AlarmActions: unknown[] };
    }[];
    const byName = (name: string) => alarms.find((a) => a.Properties.AlarmName === `tvat-${stage}-${name}`)!.Properties;
    const topic = logicalId(stateful, stateful.alarmTopic.node.defaultChild);
    expect(byName('watcher-heartbeat-missing')).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.watcherHeartbeat,
      Dimensions: expect.arrayContaining([
        { Name: 'service', Value: 'price-watcher' },
        { Name: 'stage', Value: stage },
      ]),
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
    });
    expect(byName('watcher-not-running')).toMatchObject({
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Dimensions: expect.arrayContaining([
        { Name: 'ClusterName', Value: `tvat-${stage}-watcher` },
        { Name: 'ServiceName', Value: `tvat-${stage}-price-watcher` },
      ]),
      Statistic: 'SampleCount',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      TreatMissingData: 'breaching',
    });
    for (const name of ['watcher-heartbeat-missing', 'watcher-not-running'])
      expect(refersTo(byName(name).AlarmActions, topic)).toBe(true);
    // and its heartbeats on the stage dashboard
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('Price watcher: heartbeats per 5 minutes');
  });

  it('the one-minute jobs are unchanged: the same rules and functions as with the watcher off', () => {
    const rules = (b: BuiltApp) =>
      Object.values(Template.fromStack(b.stateless).findResources('AWS::Events::Rule'))
        .map((r) =>
          JSON.stringify((r as { Properties: { ScheduleExpression?: string } }).Properties.ScheduleExpression),
        )
        .sort();
    expect(rules(built())).toEqual(rules(bareApp(stage)));
    // the risk check and the paper tick: the same function, schedule input and variables
    const fn = (b: BuiltApp, pick: (s: BuiltApp['stateless']) => IConstruct) =>
      Template.fromStack(b.stateless).toJSON().Resources[
        logicalId(b.stateless, pick(b.stateless).node.defaultChild)
      ] as {
        Properties: Record<string, unknown>;
      };
    for (const pick of [(s: BuiltApp['stateless']) => s.riskCheck.fn, (s: BuiltApp['stateless']) => s.paperTick.fn]) {
      const on = fn(built(), pick).Properties;
      const off = fn(bareApp(stage), pick).Properties;
      for (const key of ['Environment', 'Timeout', 'MemorySize', 'Handler', 'Runtime'])
        expect({ key, value: on[key] }).toEqual({ key, value: off[key] });
    }
  });

  it('cdk-nag: no unacknowledged finding in any stack', () => {
    const { stateful, stateless: stack, monitoring } = built();
    const findings = [stateful, stack, monitoring].flatMap((s) => nag(s));
    expect(
      findings.map((f) => `${f.ruleName} @ ${f.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
  });
});

describe('behind the fixed egress IP', () => {
  it('runs in the egress VPC’s private subnets with its outbound-only group and no public IP', () => {
    const built = watcherApp('prod', 'nat-instance');
    const template = Template.fromStack(built.stateless);
    expect(built.stateless.priceWatcher!.behindEgress).toBe(true);
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
    });
    const service = Object.values(template.findResources('AWS::ECS::Service'))[0] as {
      Properties: { NetworkConfiguration: { AwsvpcConfiguration: { SecurityGroups: unknown[]; Subnets: unknown[] } } };
    };
    const sg = logicalId(built.stateless, built.stateless.egress!.functionSecurityGroup.node.defaultChild);
    expect(refersTo(service.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups, sg)).toBe(true);
    const privateSubnets = built.stateless.egress!.vpc.privateSubnets.map((s) =>
      logicalId(built.stateless, s.node.defaultChild),
    );
    for (const id of privateSubnets)
      expect(refersTo(service.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets, id)).toBe(true);
    // one VPC only: the egress one
    expect(Object.keys(template.findResources('AWS::EC2::VPC'))).toHaveLength(1);
    expect(nag(built.stateless).map((f) => f.ruleName)).toEqual([]);
  });
});

describe('the key audit (stage option keyAudit)', () => {
  it('does not count the watcher’s own Decrypt as someone else’s, only when the watcher runs', () => {
    const pattern = (watcher: boolean) => {
      const built = buildApp('prod', testApp(watcher ? { watcher: 'true' } : {}), {
        env: {},
        alarmEmail: TEST_ALARM_EMAIL,
        projectRoot: PROJECT_ROOT,
        keyAuditTrailLogGroup: 'org-trail',
      });
      const filters = Template.fromStack(built.stateful).findResources('AWS::Logs::MetricFilter');
      return JSON.stringify(Object.values(filters).map((f) => (f as { Properties: unknown }).Properties));
    };
    expect(pattern(true)).toContain('assumed-role/tvat-prod-price-watcher-');
    expect(pattern(false)).not.toContain('price-watcher');
  });
});

describe('stage config', () => {
  it('takes a size from -c watcher JSON and refuses a pair Fargate does not run, naming it', () => {
    const sized = buildApp('dev', testApp({ watcher: '{"enabled":true,"cpu":512,"memoryMiB":1024}' }), {
      env: {},
      alarmEmail: TEST_ALARM_EMAIL,
      projectRoot: PROJECT_ROOT,
    });
    expect(sized.config.watcher).toEqual({ enabled: true, cpu: 512, memoryMiB: 1024 });
    expect(() => getStageConfig('dev', { watcher: { enabled: true, cpu: 256, memoryMiB: 4096 } }, {})).toThrow(
      new StageConfigError(
        'invalid stage config for dev: watcher.memoryMiB 4096 is not a Fargate size for cpu 256: 512..2048 MiB in its steps',
      ),
    );
    expect(() => getStageConfig('dev', { watcher: { cpu: 300 } }, {})).toThrow(
      /watcher\.cpu 300 must be one of 256, 512, 1024, 2048, 4096/,
    );
  });

  it('bundles for Node 20 without the Lambda aliases but the protobufjs stub (websockets and container credentials stay real)', () => {
    const options = watcherBundleOptions();
    expect(options).toMatchObject({ bundle: true, platform: 'node', format: 'esm', target: 'node20' });
    expect(options.alias).toEqual({ protobufjs: './infra/constructs/stubs/protobufjs' });
  });
});
