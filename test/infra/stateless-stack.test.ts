import { Match, Template } from 'aws-cdk-lib/assertions';
import { TABLE_NAMES, type TableName } from '../../shared/platform/resource-names';
import { getStageConfig } from '../../infra/config/stages';
import type { SecureFunction } from '../../infra/constructs/secure-function';
import { StatefulStack } from '../../infra/stacks/stateful-stack';
import { StatelessStack, TABLE_ACCESS } from '../../infra/stacks/stateless-stack';
import { builtApp, grants, logicalId, PROJECT_ROOT, refersTo, roleStatements, TEST_ALARM_EMAIL, testApp, type Grant } from './support';

const built = () => builtApp('prod');
const template = () => Template.fromStack(built().stateless);

function grantsOf(fn: (b: ReturnType<typeof built>) => SecureFunction): Grant[] {
  const b = built();
  return grants(roleStatements(template(), b.stateless, fn(b).role));
}

/** table name -> sorted DynamoDB actions, for one function */
function tableAccessOf(fnGrants: Grant[]): Partial<Record<TableName, string[]>> {
  const { stateful } = built();
  const result: Partial<Record<TableName, string[]>> = {};
  for (const g of fnGrants.filter((x) => x.action.startsWith('dynamodb:'))) {
    const table = TABLE_NAMES.find((name) => refersTo(g.resource, logicalId(stateful, stateful.tables[name].node.defaultChild)));
    if (!table) throw new Error(`dynamodb grant on an unknown resource: ${JSON.stringify(g.resource)}`);
    result[table] = [...(result[table] ?? []), g.action.replace('dynamodb:', '')].sort();
  }
  return result;
}

const sortedMatrix = (m: Partial<Record<TableName, readonly string[]>>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, [...(v ?? [])].sort()]));

const queueId = () => logicalId(built().stateless, built().stateless.signalQueue.node.defaultChild);
const dlqId = () => logicalId(built().stateless, built().stateless.signalDlq.node.defaultChild);
const keyId = () => logicalId(built().stateful, built().stateful.credentialsKey.node.defaultChild);
const functionProps = (fn: (b: ReturnType<typeof built>) => SecureFunction) =>
  template().toJSON().Resources[logicalId(built().stateless, fn(built()).fn.node.defaultChild)].Properties;

describe('stateless stack: signal queues', () => {
  it('makes the signal queue FIFO with explicit dedup ids, queue-level dedup scope and per-queue throughput', () => {
    template().hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'tvat-prod-signals.fifo',
      FifoQueue: true,
      ContentBasedDeduplication: false,
      DeduplicationScope: 'queue',
      FifoThroughputLimit: 'perQueue',
    });
  });

  it('redrives to a FIFO DLQ after maxReceiveCount deliveries', () => {
    const t = template();
    t.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'tvat-prod-signals-dlq.fifo', FifoQueue: true });
    t.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'tvat-prod-signals.fifo',
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId(), 'Arn'] }, maxReceiveCount: built().config.executor.maxReceiveCount },
    });
  });

  it('keeps a message invisible for at least 6 times the executor timeout', () => {
    const queue = template().toJSON().Resources[queueId()];
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * built().config.executor.timeoutSeconds);
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * functionProps((b) => b.stateless.executor).Timeout);
  });

  it('encrypts both queues', () => {
    const queues = template().findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(2);
    for (const q of Object.values(queues)) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('denies non-TLS access to both queues', () => {
    const policies = Object.values(template().findResources('AWS::SQS::QueuePolicy'));
    const protectedQueues = policies
      .filter((p) => p.Properties.PolicyDocument.Statement.some((s: { Effect: string; Condition?: { Bool?: Record<string, string> } }) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'))
      .flatMap((p) => p.Properties.Queues);
    expect(protectedQueues).toEqual(expect.arrayContaining([{ Ref: queueId() }, { Ref: dlqId() }]));
  });
});

describe('stateless stack: executor', () => {
  it('consumes the signal queue with partial batch failures and the configured batch size', () => {
    const { stateless, config } = built();
    template().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId(), 'Arn'] },
      FunctionName: { Ref: logicalId(stateless, stateless.executor.fn.node.defaultChild) },
      BatchSize: config.executor.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('takes its timeout and memory from the stage config', () => {
    const { config } = built();
    expect(functionProps((b) => b.stateless.executor)).toMatchObject({ Timeout: config.executor.timeoutSeconds, MemorySize: config.executor.memorySize });
  });

  it('gets the key vault settings, the credentials key ARN and the paper price source', () => {
    const env = functionProps((b) => b.stateless.executor).Environment.Variables;
    expect(env).toMatchObject({ STAGE: 'prod', KEY_VAULT: 'kms', PAPER_PRICE_SOURCE: 'exchange', SIGNAL_LEASE_MS: '120000', POWERTOOLS_SERVICE_NAME: 'executor', LOG_LEVEL: 'INFO', EXCHANGE_TESTNET: 'false' });
    expect(refersTo(env.KMS_KEY_ID, keyId())).toBe(true);
  });

  it('may decrypt with the credentials key only, and only with an accountId encryption context', () => {
    const kms = grantsOf((b) => b.stateless.executor).filter((g) => g.action.startsWith('kms:'));
    expect(kms).toHaveLength(1);
    expect(kms[0]).toMatchObject({ action: 'kms:Decrypt', condition: { StringLike: { 'kms:EncryptionContext:accountId': '*' } } });
    expect(refersTo(kms[0]?.resource, keyId())).toBe(true);
  });

  it('consumes the signal queue and nothing else in SQS', () => {
    const sqs = grantsOf((b) => b.stateless.executor).filter((g) => g.action.startsWith('sqs:'));
    expect(sqs.map((g) => g.action).sort()).toEqual(['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage']);
    for (const g of sqs) expect(g.resource).toEqual({ 'Fn::GetAtt': [queueId(), 'Arn'] });
  });

  it('has exactly the table access of its matrix row (accounts read-only, no Scan)', () => {
    const access = tableAccessOf(grantsOf((b) => b.stateless.executor));
    expect(access).toEqual(sortedMatrix(TABLE_ACCESS.executor));
    expect(access.accounts).toEqual(['GetItem']);
  });

  it('reads the risk state (GetItem only, never writes it), recent trades and the open book for the entry checks', () => {
    const access = tableAccessOf(grantsOf((b) => b.stateless.executor));
    expect(access.risk).toEqual(['GetItem']);
    expect(access.trades).toEqual(expect.arrayContaining(['Query']));
    expect(access.positions).toEqual(expect.arrayContaining(['Query']));
  });
});

describe('stateless stack: webhook', () => {
  it('runs 5 s with 512 MB', () => {
    expect(functionProps((b) => b.stateless.webhook)).toMatchObject({ Timeout: 5, MemorySize: 512 });
  });

  it('gets the queue URL and the validation limits from the stage config', () => {
    const env = functionProps((b) => b.stateless.webhook).Environment.Variables;
    expect(env).toMatchObject({
      STAGE: 'prod',
      SIGNAL_QUEUE_URL: { Ref: queueId() },
      MAX_BODY_BYTES: '8192',
      MAX_SIGNAL_AGE_MS: '60000',
      MAX_FUTURE_SKEW_MS: '5000',
      IP_ALLOWLIST: '52.89.214.238,34.212.75.30,54.218.53.128,52.32.178.7',
      DEDUP_TTL_HOURS: '168',
      POWERTOOLS_SERVICE_NAME: 'webhook',
      LOG_LEVEL: 'INFO',
    });
  });

  it('passes an empty IP allowlist in dev', () => {
    const dev = builtApp('dev');
    const env = Template.fromStack(dev.stateless).toJSON().Resources[logicalId(dev.stateless, dev.stateless.webhook.fn.node.defaultChild)].Properties.Environment.Variables;
    expect(env.IP_ALLOWLIST).toBe('');
  });

  it('may only SendMessage, and only to the signal queue', () => {
    const sqs = grantsOf((b) => b.stateless.webhook).filter((g) => g.action.startsWith('sqs:'));
    expect(sqs).toEqual([{ action: 'sqs:SendMessage', resource: { 'Fn::GetAtt': [queueId(), 'Arn'] } }]);
  });

  it('has no KMS permission', () => {
    expect(grantsOf((b) => b.stateless.webhook).filter((g) => g.action.startsWith('kms:'))).toEqual([]);
  });

  it('reads accounts and reads/writes signals, nothing more', () => {
    expect(tableAccessOf(grantsOf((b) => b.stateless.webhook))).toEqual({ accounts: ['GetItem'], signals: ['GetItem', 'PutItem', 'UpdateItem'] });
  });

  it('has no permission beyond logs, X-Ray, its queue and its tables', () => {
    const services = new Set(grantsOf((b) => b.stateless.webhook).map((g) => g.action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'sqs', 'xray']);
  });
});

describe('stateless stack: paper-tick', () => {
  it('runs every minute from an EventBridge schedule', () => {
    const { stateless } = built();
    template().hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stateless, stateless.paperTick.fn.node.defaultChild), 'Arn'] } })],
    });
  });

  it('gets the executor settings without any key vault variable', () => {
    const env = functionProps((b) => b.stateless.paperTick).Environment.Variables;
    expect(env).toMatchObject({ STAGE: 'prod', PAPER_PRICE_SOURCE: 'exchange', SIGNAL_LEASE_MS: '120000', POWERTOOLS_SERVICE_NAME: 'paper-tick', LOG_LEVEL: 'INFO' });
    expect(env.KEY_VAULT).toBeUndefined();
    expect(env.KMS_KEY_ID).toBeUndefined();
  });

  it('has no KMS permission', () => {
    expect(grantsOf((b) => b.stateless.paperTick).filter((g) => g.action.startsWith('kms:'))).toEqual([]);
  });

  it('may Scan the accounts table and no other', () => {
    const access = tableAccessOf(grantsOf((b) => b.stateless.paperTick));
    expect(access).toEqual(sortedMatrix(TABLE_ACCESS.paperTick));
    expect(access.accounts).toEqual(['GetItem', 'Scan']);
    expect(access.signals).toBeUndefined();
  });
});

describe('stateless stack: IAM across functions', () => {
  const all = (): Grant[] => {
    const b = built();
    return [b.stateless.webhook, b.stateless.executor, b.stateless.paperTick, b.stateless.riskCheck, b.stateless.strategyRunner].flatMap((f) => grants(roleStatements(template(), b.stateless, f.role)));
  };

  it('lets only the executor and risk-check use KMS', () => {
    const b = built();
    const kmsUsers = [b.stateless.webhook, b.stateless.executor, b.stateless.paperTick, b.stateless.riskCheck, b.stateless.strategyRunner].filter((f) =>
      grants(roleStatements(template(), b.stateless, f.role)).some((g) => g.action.startsWith('kms:')),
    );
    expect(kmsUsers).toEqual([b.stateless.executor, b.stateless.riskCheck]);
  });

  it('lets only the scheduled jobs Scan, and only the accounts table', () => {
    const b = built();
    const accountsId = logicalId(b.stateful, b.stateful.tables.accounts.node.defaultChild);
    for (const f of [b.stateless.webhook, b.stateless.executor, b.stateless.paperTick, b.stateless.riskCheck, b.stateless.strategyRunner]) {
      const scans = grants(roleStatements(template(), b.stateless, f.role)).filter((g) => g.action === 'dynamodb:Scan');
      if (f === b.stateless.paperTick || f === b.stateless.riskCheck || f === b.stateless.strategyRunner) {
        expect(scans).toHaveLength(1);
        expect(refersTo(scans[0]?.resource, accountsId)).toBe(true);
      } else {
        expect(scans).toEqual([]);
      }
    }
  });

  it('uses no wildcard action anywhere', () => {
    expect(all().filter((g) => g.action.includes('*'))).toEqual([]);
  });

  it('uses Resource "*" only for the X-Ray actions', () => {
    const star = all().filter((g) => g.resource === '*');
    expect([...new Set(star.map((g) => g.action))].sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('grants DynamoDB on whole-table ARNs only (no index or table wildcard)', () => {
    const { stateful } = built();
    const tableIds = TABLE_NAMES.map((n) => logicalId(stateful, stateful.tables[n].node.defaultChild));
    for (const g of all().filter((x) => x.action.startsWith('dynamodb:'))) {
      expect(tableIds.some((id) => refersTo(g.resource, id))).toBe(true);
      expect(JSON.stringify(g.resource)).not.toContain('/index');
    }
  });

  it('attaches no managed policy to any role', () => {
    for (const role of Object.values(template().findResources('AWS::IAM::Role'))) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('stateless stack: HTTP API', () => {
  it('has exactly the routes POST /webhook and POST /webhook/{account}', () => {
    const t = template();
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhook' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhook/{account}' });
    t.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
  });

  it('uses the Lambda proxy integration with payload format 2.0', () => {
    const { stateless } = built();
    template().hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [logicalId(stateless, stateless.webhook.fn.node.defaultChild), 'Arn'] },
    });
  });

  it('writes JSON access logs from the $default stage to a log group', () => {
    const stage = Object.values(template().findResources('AWS::ApiGatewayV2::Stage'))[0];
    expect(stage?.Properties.StageName).toBe('$default');
    expect(stage?.Properties.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WebhookApiAccessLogs/), 'Arn'] });
    const format = JSON.parse(stage?.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', sourceIp: '$context.identity.sourceIp', status: '$context.status' });
  });

  it('throttles the stage with the configured rate and burst', () => {
    const { config } = built();
    template().hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: config.webhook.throttle.rateLimit, ThrottlingBurstLimit: config.webhook.throttle.burstLimit },
    });
  });

  it('outputs the webhook URL', () => {
    template().hasOutput('WebhookUrl', { Value: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/webhook$')])] } });
  });
});

describe('stateless stack: risk-check', () => {
  const riskCheckArn = () => {
    const { stateless } = built();
    return { 'Fn::GetAtt': [logicalId(stateless, stateless.riskCheck.fn.node.defaultChild), 'Arn'] };
  };
  const rulesOf = (arn: unknown) =>
    Object.values(template().findResources('AWS::Events::Rule'))
      .map((r) => r.Properties)
      .filter((p) => p.Targets.some((t: { Arn: unknown }) => JSON.stringify(t.Arn) === JSON.stringify(arn)));

  it('runs the risk-check handler as its own function', () => {
    const { stateless } = built();
    expect(stateless.riskCheck.fn.node.defaultChild).toBeDefined();
    expect(functionProps((b) => b.stateless.riskCheck).Description).toMatch(/risk check/);
  });

  it('is started by exactly one EventBridge rule, every minute, without retries', () => {
    const rules = rulesOf(riskCheckArn());
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED', Description: expect.stringMatching(/risk check/) });
    expect(rules[0].Targets).toEqual([expect.objectContaining({ Arn: riskCheckArn(), RetryPolicy: { MaximumRetryAttempts: 0 } })]);
  });

  it('lets EventBridge invoke it from that rule only', () => {
    const { stateless } = built();
    const rule = Object.entries(template().findResources('AWS::Events::Rule')).find(([, r]) => JSON.stringify(r.Properties.Targets).includes(logicalId(stateless, stateless.riskCheck.fn.node.defaultChild)));
    template().hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: riskCheckArn(),
      SourceArn: { 'Fn::GetAtt': [rule?.[0], 'Arn'] },
    });
  });

  it('does not retry a failed asynchronous run (the next minute supersedes it)', () => {
    const { stateless } = built();
    template().hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stateless, stateless.riskCheck.fn.node.defaultChild) },
      MaximumRetryAttempts: 0,
    });
  });

  it('ends a run before the next minute starts: the stage timeout, below 60 s, and the stage memory', () => {
    const { config } = built();
    const props = functionProps((b) => b.stateless.riskCheck);
    expect(props).toMatchObject({ Timeout: config.riskCheck.timeoutSeconds, MemorySize: config.riskCheck.memorySize });
    expect(props.Timeout).toBeLessThan(60);
    // no reservation by default: a new AWS account (quota 10) cannot reserve any
    expect(props.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('reserves concurrency when the stage config asks for it', () => {
    const config = getStageConfig('prod', { alarmEmail: TEST_ALARM_EMAIL }, {});
    const app = testApp();
    const stateful = new StatefulStack(app, 'Stateful', { config });
    const stack = new StatelessStack(app, 'Stateless', {
      config: { ...config, riskCheck: { ...config.riskCheck, reservedConcurrency: 1 } },
      projectRoot: PROJECT_ROOT,
      tables: stateful.tables,
      credentialsKey: stateful.credentialsKey,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'risk-check' }) }, ReservedConcurrentExecutions: 1 });
  });

  it('gets the executor environment: KMS key vault, testnet flag, paper prices and the risk candle source', () => {
    const env = functionProps((b) => b.stateless.riskCheck).Environment.Variables;
    expect(env).toMatchObject({
      STAGE: 'prod',
      KEY_VAULT: 'kms',
      EXCHANGE_TESTNET: 'false',
      PAPER_PRICE_SOURCE: 'exchange',
      SIGNAL_LEASE_MS: '120000',
      RISK_CANDLE_SOURCE: 'exchange',
      POWERTOOLS_SERVICE_NAME: 'risk-check',
      LOG_LEVEL: 'INFO',
    });
    expect(refersTo(env.KMS_KEY_ID, keyId())).toBe(true);
  });

  it('passes the testnet flag in dev', () => {
    const dev = builtApp('dev');
    const env = Template.fromStack(dev.stateless).toJSON().Resources[logicalId(dev.stateless, dev.stateless.riskCheck.fn.node.defaultChild)].Properties.Environment.Variables;
    expect(env.EXCHANGE_TESTNET).toBe('true');
  });

  it('decrypts with the credentials key only, and only with an accountId encryption context, like the executor', () => {
    const kms = grantsOf((b) => b.stateless.riskCheck).filter((g) => g.action.startsWith('kms:'));
    expect(kms).toHaveLength(1);
    expect(kms[0]).toMatchObject({ action: 'kms:Decrypt', condition: { StringLike: { 'kms:EncryptionContext:accountId': '*' } } });
    expect(refersTo(kms[0]?.resource, keyId())).toBe(true);
  });

  it('has exactly the table access of its matrix row', () => {
    expect(tableAccessOf(grantsOf((b) => b.stateless.riskCheck))).toEqual(sortedMatrix(TABLE_ACCESS.riskCheck));
  });

  it('lists and disables accounts, keeps the risk table (state, snapshots, lease) and reaches the paper ledger', () => {
    const access = tableAccessOf(grantsOf((b) => b.stateless.riskCheck));
    expect(access.accounts).toEqual(['GetItem', 'Scan', 'UpdateItem']);
    expect(access.risk).toEqual(['DeleteItem', 'GetItem', 'PutItem', 'Query']);
    expect(access.audit).toEqual(['PutItem']);
    expect(access.paper).toEqual(expect.arrayContaining(['GetItem', 'PutItem', 'Query']));
    for (const table of ['orders', 'trades', 'positions'] as const) expect(access[table]).toEqual(expect.arrayContaining(['GetItem', 'PutItem', 'Query']));
    expect(access.signals).toBeUndefined();
  });

  it('has no permission beyond logs, X-Ray, KMS and its tables (no queue: it never sends signals)', () => {
    const services = new Set(grantsOf((b) => b.stateless.riskCheck).map((g) => g.action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'kms', 'logs', 'xray']);
  });
});

describe('stateless stack: strategy-runner', () => {
  const rules = () => {
    const { stateless } = built();
    const fnArn = { 'Fn::GetAtt': [logicalId(stateless, stateless.strategyRunner.fn.node.defaultChild), 'Arn'] };
    return Object.values(template().findResources('AWS::Events::Rule'))
      .map((r) => r.Properties)
      .filter((p) => p.Targets.some((t: { Arn: unknown }) => JSON.stringify(t.Arn) === JSON.stringify(fnArn)));
  };

  it('has one rule per timeframe of the stage config, at each candle close (UTC cron)', () => {
    const { config } = built();
    const expected: Record<string, string> = {
      '1m': 'cron(* * * * ? *)',
      '5m': 'cron(0/5 * * * ? *)',
      '15m': 'cron(0/15 * * * ? *)',
      '1h': 'cron(0 * * * ? *)',
      '4h': 'cron(0 0/4 * * ? *)',
      '1d': 'cron(0 0 * * ? *)',
    };
    expect(config.strategyRunner.timeframes.length).toBeGreaterThan(0);
    expect(rules().map((r) => r.ScheduleExpression).sort()).toEqual(config.strategyRunner.timeframes.map((tf) => expected[tf]).sort());
  });

  it("passes the rule's timeframe and the event's own time as the input", () => {
    const { config } = built();
    const inputs = rules().map((r) => {
      const target = r.Targets[0];
      expect(target.InputTransformer.InputPathsMap).toEqual({ time: '$.time' });
      return JSON.parse(target.InputTransformer.InputTemplate.replace('<time>', '"2024-01-01T00:00:00Z"'));
    });
    expect(inputs.map((i) => i.timeframe).sort()).toEqual([...config.strategyRunner.timeframes].sort());
    for (const i of inputs) expect(i.time).toBe('2024-01-01T00:00:00Z');
  });

  it('gets the queue URL, the candle exchange and the settle time from the stage config', () => {
    const { config } = built();
    const props = functionProps((b) => b.stateless.strategyRunner);
    expect(props).toMatchObject({ Timeout: config.strategyRunner.timeoutSeconds, MemorySize: config.strategyRunner.memorySize });
    expect(props.Environment.Variables).toMatchObject({
      STAGE: 'prod',
      SIGNAL_QUEUE_URL: { Ref: queueId() },
      CANDLE_SOURCE: 'exchange',
      CANDLE_EXCHANGE: 'binanceusdm',
      SETTLE_MS: '10000',
      DEDUP_TTL_HOURS: '168',
      POWERTOOLS_SERVICE_NAME: 'strategy-runner',
    });
  });

  it('may only SendMessage, and only to the signal queue', () => {
    const sqs = grantsOf((b) => b.stateless.strategyRunner).filter((g) => g.action.startsWith('sqs:'));
    expect(sqs).toEqual([{ action: 'sqs:SendMessage', resource: { 'Fn::GetAtt': [queueId(), 'Arn'] } }]);
  });

  it('has exactly its matrix row: Scan accounts, GetItem positions, the dedup record actions, audit PutItem', () => {
    const access = tableAccessOf(grantsOf((b) => b.stateless.strategyRunner));
    expect(access).toEqual(sortedMatrix(TABLE_ACCESS.strategyRunner));
    expect(access).toEqual({ accounts: ['Scan'], positions: ['GetItem'], signals: ['GetItem', 'PutItem', 'UpdateItem'], audit: ['PutItem'] });
  });

  it('has no permission beyond logs, X-Ray, its queue and its tables (no KMS: it never reads keys)', () => {
    const services = new Set(grantsOf((b) => b.stateless.strategyRunner).map((g) => g.action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'sqs', 'xray']);
  });
});
