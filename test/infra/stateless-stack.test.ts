import { Match, Template } from 'aws-cdk-lib/assertions';
import { TABLE_NAMES, type TableName } from '../../shared/platform/resource-names';
import { getStageConfig } from '../../infra/config/stages';
import type { SecureFunction } from '../../infra/constructs/secure-function';
import { StatefulStack } from '../../infra/stacks/stateful-stack';
import { SLICE_TIMER_TIMEOUT_SECONDS, StatelessStack } from '../../infra/stacks/stateless-stack';
import { functionTableGrants, type FunctionName } from '../../shared/platform/table-access';
import {
  bareApp,
  builtApp,
  grants,
  logicalId,
  PROJECT_ROOT,
  refersTo,
  roleStatements,
  TEST_ALARM_EMAIL,
  TEST_NOTIFY_EMAIL,
  testApp,
  type Grant,
} from './support';

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
    const table = TABLE_NAMES.find((name) =>
      refersTo(g.resource, logicalId(stateful, stateful.tables[name].node.defaultChild)),
    );
    if (!table) throw new Error(`dynamodb grant on an unknown resource: ${JSON.stringify(g.resource)}`);
    result[table] = [...(result[table] ?? []), g.action.replace('dynamodb:', '')].sort();
  }
  return result;
}

/** table name -> sorted actions without the prefix, as the manifest grants them to one function */
const manifestRow = (fn: FunctionName): Partial<Record<TableName, string[]>> =>
  Object.fromEntries(
    functionTableGrants(fn).map((g) => [g.table, g.actions.map((a) => a.replace('dynamodb:', '')).sort()]),
  );

const queueId = () => logicalId(built().stateless, built().stateless.signalQueue.node.defaultChild);
const dlqId = () => logicalId(built().stateless, built().stateless.signalDlq.node.defaultChild);
const timerId = () => logicalId(built().stateless, built().stateless.sliceTimerQueue.node.defaultChild);
const timerDlqId = () => logicalId(built().stateless, built().stateless.sliceTimerDlq.node.defaultChild);
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
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId(), 'Arn'] },
        maxReceiveCount: built().config.executor.maxReceiveCount,
      },
    });
  });

  it('keeps a message invisible for at least 6 times the executor timeout', () => {
    const queue = template().toJSON().Resources[queueId()];
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * built().config.executor.timeoutSeconds);
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(
      6 * functionProps((b) => b.stateless.executor).Timeout,
    );
  });

  it('encrypts every queue: the signal queue, its DLQ, the notifier DLQ, the slice timer and its DLQ', () => {
    const queues = template().findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(5);
    for (const q of Object.values(queues)) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('denies non-TLS access to both queues', () => {
    const policies = Object.values(template().findResources('AWS::SQS::QueuePolicy'));
    const protectedQueues = policies
      .filter((p) =>
        p.Properties.PolicyDocument.Statement.some(
          (s: { Effect: string; Condition?: { Bool?: Record<string, string> } }) =>
            s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        ),
      )
      .flatMap((p) => p.Properties.Queues);
    expect(protectedQueues).toEqual(
      expect.arrayContaining([{ Ref: queueId() }, { Ref: dlqId() }, { Ref: timerId() }, { Ref: timerDlqId() }]),
    );
  });
});

describe('stateless stack: slice timer (docs/EXECUTION-ALGOS.md)', () => {
  it('is a STANDARD queue (FIFO has no per-message delay) with a DLQ after 5 receives', () => {
    const queue = template().toJSON().Resources[timerId()].Properties;
    expect(queue.FifoQueue).toBeUndefined();
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [timerDlqId(), 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(queue.VisibilityTimeout).toBe(SLICE_TIMER_TIMEOUT_SECONDS * 6);
  });

  it('its function consumes it with partial batch failures and sends to the signal queue and the timer only', () => {
    const { stateless } = built();
    template().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [timerId(), 'Arn'] },
      FunctionName: { Ref: logicalId(stateless, stateless.sliceTimer.fn.node.defaultChild) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const sends = grantsOf((b) => b.stateless.sliceTimer).filter((g) => g.action === 'sqs:SendMessage');
    expect(sends.map((g) => g.resource)).toEqual(
      expect.arrayContaining([{ 'Fn::GetAtt': [queueId(), 'Arn'] }, { 'Fn::GetAtt': [timerId(), 'Arn'] }]),
    );
    expect(sends).toHaveLength(2);
    expect(tableAccessOf(grantsOf((b) => b.stateless.sliceTimer))).toEqual(manifestRow('sliceTimer'));
    const services = new Set(grantsOf((b) => b.stateless.sliceTimer).map((g) => g.action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'sqs', 'xray']);
  });

  it('the executor and the risk-check job may only send to it (next slice; the safety net)', () => {
    for (const fn of [
      (b: ReturnType<typeof built>) => b.stateless.executor,
      (b: ReturnType<typeof built>) => b.stateless.riskCheck,
    ]) {
      const sends = grantsOf(fn).filter((g) => g.action === 'sqs:SendMessage');
      expect(sends.map((g) => g.resource)).toEqual([{ 'Fn::GetAtt': [timerId(), 'Arn'] }]);
      expect(functionProps(fn).Environment.Variables.SLICE_TIMER_QUEUE_URL).toEqual({ Ref: timerId() });
    }
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
    expect(functionProps((b) => b.stateless.executor)).toMatchObject({
      Timeout: config.executor.timeoutSeconds,
      MemorySize: config.executor.memorySize,
    });
  });

  it('gets the key vault settings, the credentials key ARN and the paper price source', () => {
    const env = functionProps((b) => b.stateless.executor).Environment.Variables;
    expect(env).toMatchObject({
      STAGE: 'prod',
      KEY_VAULT: 'kms',
      PAPER_PRICE_SOURCE: 'exchange',
      SIGNAL_LEASE_MS: '120000',
      POWERTOOLS_SERVICE_NAME: 'executor',
      LOG_LEVEL: 'INFO',
      EXCHANGE_TESTNET: 'false',
    });
    expect(refersTo(env.KMS_KEY_ID, keyId())).toBe(true);
  });

  it('may decrypt with the credentials key only, and only with an accountId encryption context', () => {
    const kms = grantsOf((b) => b.stateless.executor).filter((g) => g.action.startsWith('kms:'));
    expect(kms).toHaveLength(1);
    expect(kms[0]).toMatchObject({
      action: 'kms:Decrypt',
      condition: { StringLike: { 'kms:EncryptionContext:accountId': '*' } },
    });
    expect(refersTo(kms[0]?.resource, keyId())).toBe(true);
  });

  it('consumes the signal queue and nothing else in SQS (besides scheduling slices on the timer)', () => {
    const sqs = grantsOf((b) => b.stateless.executor).filter(
      (g) => g.action.startsWith('sqs:') && g.action !== 'sqs:SendMessage',
    );
    expect(sqs.map((g) => g.action).sort()).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ]);
    for (const g of sqs) expect(g.resource).toEqual({ 'Fn::GetAtt': [queueId(), 'Arn'] });
  });

  // The account repository whole: a 418 ban halts the account (setHalt: UpdateItem), which the
  // hand-kept row (GetItem only) refused in AWS.
  it('has exactly the table access of its manifest row, accounts writable for the ban halt', () => {
    const access = tableAccessOf(grantsOf((b) => b.stateless.executor));
    expect(access).toEqual(manifestRow('executor'));
    expect(access.accounts).toEqual(expect.arrayContaining(['GetItem', 'UpdateItem']));
  });

  it('reads the risk state, recent trades and the open book for the entry checks', () => {
    const access = tableAccessOf(grantsOf((b) => b.stateless.executor));
    expect(access.risk).toEqual(expect.arrayContaining(['GetItem']));
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
      REQUIRE_TIME: 'true',
      POWERTOOLS_SERVICE_NAME: 'webhook',
      LOG_LEVEL: 'INFO',
    });
  });

  it('passes an empty IP allowlist in dev', () => {
    const dev = builtApp('dev');
    const env = Template.fromStack(dev.stateless).toJSON().Resources[
      logicalId(dev.stateless, dev.stateless.webhook.fn.node.defaultChild)
    ].Properties.Environment.Variables;
    expect(env.IP_ALLOWLIST).toBe('');
  });

  it('may only SendMessage, and only to the signal queue', () => {
    const sqs = grantsOf((b) => b.stateless.webhook).filter((g) => g.action.startsWith('sqs:'));
    expect(sqs).toEqual([{ action: 'sqs:SendMessage', resource: { 'Fn::GetAtt': [queueId(), 'Arn'] } }]);
  });

  it('has no KMS permission', () => {
    expect(grantsOf((b) => b.stateless.webhook).filter((g) => g.action.startsWith('kms:'))).toEqual([]);
  });

  it('reads accounts (GetItem only), reads/writes signals, appends to the alert log (PutItem only), nothing more', () => {
    expect(tableAccessOf(grantsOf((b) => b.stateless.webhook))).toEqual(manifestRow('webhook'));
    expect(tableAccessOf(grantsOf((b) => b.stateless.webhook))).toEqual({
      accounts: ['GetItem'],
      alerts: ['PutItem'],
      signals: ['GetItem', 'PutItem', 'Query', 'UpdateItem'],
    });
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
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(stateless, stateless.paperTick.fn.node.defaultChild), 'Arn'] },
        }),
      ],
    });
  });

  it('gets the executor settings without any key vault variable', () => {
    const env = functionProps((b) => b.stateless.paperTick).Environment.Variables;
    expect(env).toMatchObject({
      STAGE: 'prod',
      PAPER_PRICE_SOURCE: 'exchange',
      SIGNAL_LEASE_MS: '120000',
      POWERTOOLS_SERVICE_NAME: 'paper-tick',
      LOG_LEVEL: 'INFO',
    });
    expect(env.KEY_VAULT).toBeUndefined();
    expect(env.KMS_KEY_ID).toBeUndefined();
  });

  it('has no KMS permission', () => {
    expect(grantsOf((b) => b.stateless.paperTick).filter((g) => g.action.startsWith('kms:'))).toEqual([]);
  });

  it('has its manifest row: no signals, no risk table', () => {
    const access = tableAccessOf(grantsOf((b) => b.stateless.paperTick));
    expect(access).toEqual(manifestRow('paperTick'));
    expect(access.accounts).toEqual(expect.arrayContaining(['Scan']));
    expect(access.signals).toBeUndefined();
    expect(access.risk).toBeUndefined();
  });
});

describe('stateless stack: IAM across functions', () => {
  const functions = (b: ReturnType<typeof built>): SecureFunction[] =>
    [
      b.stateless.webhook,
      b.stateless.executor,
      b.stateless.paperTick,
      b.stateless.riskCheck,
      b.stateless.strategyRunner,
      b.stateless.notifier,
      b.stateless.report,
      b.stateless.telegramBot,
    ].filter((f): f is SecureFunction => f !== undefined);
  const all = (): Grant[] => {
    const b = built();
    return functions(b).flatMap((f) => grants(roleStatements(template(), b.stateless, f.role)));
  };
  const STREAM_ACTIONS = [
    'dynamodb:DescribeStream',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
  ];

  it('covers the eight functions of the stack', () => {
    expect(functions(built())).toHaveLength(8);
  });

  it('lets only the executor and risk-check use KMS', () => {
    const b = built();
    const kmsUsers = functions(b).filter((f) =>
      grants(roleStatements(template(), b.stateless, f.role)).some((g) => g.action.startsWith('kms:')),
    );
    expect(kmsUsers).toEqual([b.stateless.executor, b.stateless.riskCheck]);
  });

  // The executor is wired with the whole account repository (its ban halt writes the account), so
  // its role carries the repository's Scan too; the webhook, the notifier and the Telegram bot (its
  // tenant's accounts come from the tenant's index) have none.
  it('lets only the functions that list accounts or hold the account repository Scan, and only the accounts table', () => {
    const b = built();
    const accountsId = logicalId(b.stateful, b.stateful.tables.accounts.node.defaultChild);
    const scanners = [
      b.stateless.executor,
      b.stateless.paperTick,
      b.stateless.riskCheck,
      b.stateless.strategyRunner,
      b.stateless.report,
    ];
    for (const f of functions(b)) {
      const scans = grants(roleStatements(template(), b.stateless, f.role)).filter((g) => g.action === 'dynamodb:Scan');
      if (scanners.includes(f)) {
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
    expect([...new Set(star.map((g) => g.action))].sort()).toEqual([
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('grants DynamoDB item actions on whole-table ARNs only (no index or table wildcard), stream actions on the audit stream only', () => {
    const { stateful } = built();
    const tableIds = TABLE_NAMES.map((n) => logicalId(stateful, stateful.tables[n].node.defaultChild));
    const dynamo = all().filter((x) => x.action.startsWith('dynamodb:'));
    for (const g of dynamo.filter((x) => !STREAM_ACTIONS.includes(x.action))) {
      expect(tableIds.some((id) => refersTo(g.resource, id))).toBe(true);
      expect(JSON.stringify(g.resource)).not.toContain('/index');
    }
    const auditId = logicalId(stateful, stateful.tables.audit.node.defaultChild);
    const stream = dynamo.filter((x) => STREAM_ACTIONS.includes(x.action));
    expect(stream.map((g) => g.action).sort()).toEqual([...STREAM_ACTIONS].sort());
    for (const g of stream) expect(JSON.stringify(g.resource)).toMatch(new RegExp(`${auditId}StreamArn`));
  });

  it('reads secrets with GetSecretValue only, each on one secret ARN', () => {
    const secrets = all().filter((g) => g.action.startsWith('secretsmanager:'));
    expect(secrets.length).toBeGreaterThan(0);
    for (const g of secrets) {
      expect(g.action).toBe('secretsmanager:GetSecretValue');
      expect(typeof g.resource).not.toBe('string');
    }
  });

  it("attaches no managed policy to any role but API Gateway's logging role, which has only AWS's documented one", () => {
    for (const role of Object.values(template().findResources('AWS::IAM::Role'))) {
      const trusted = JSON.stringify(role.Properties.AssumeRolePolicyDocument);
      if (trusted.includes('apigateway.amazonaws.com'))
        expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toMatch(
          /^\[\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":iam::aws:policy\/service-role\/AmazonAPIGatewayPushToCloudWatchLogs"\]\]\}\]$/,
        );
      else expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

/** Every REST API method as "<METHOD> <path>" with the function its proxy integration invokes (its logical id). */
function restMethods(t: Template): { route: string; integration: Record<string, unknown> }[] {
  const resources = t.findResources('AWS::ApiGateway::Resource') as Record<
    string,
    { Properties: { PathPart: string; ParentId: unknown } }
  >;
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    const r = id ? resources[id] : undefined;
    return r ? `${pathOf(r.Properties.ParentId)}/${r.Properties.PathPart}` : '';
  };
  return Object.values(t.findResources('AWS::ApiGateway::Method')).map((m) => ({
    route: `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId) || '/'}`,
    integration: m.Properties.Integration,
  }));
}

describe('stateless stack: webhook REST API', () => {
  it('has exactly the methods POST /webhook, POST /webhook/{account}, POST /webhook/{account}/{secret} and, with Telegram on, POST /telegram', () => {
    expect(
      restMethods(template())
        .map((m) => m.route)
        .sort(),
    ).toEqual(['POST /telegram', 'POST /webhook', 'POST /webhook/{account}', 'POST /webhook/{account}/{secret}']);
  });

  it('has no /telegram method when the stage names no Telegram chat', () => {
    expect(
      restMethods(Template.fromStack(bareApp('prod').stateless))
        .map((m) => m.route)
        .sort(),
    ).toEqual(['POST /webhook', 'POST /webhook/{account}', 'POST /webhook/{account}/{secret}']);
  });

  it('sends every webhook method to the webhook function through the Lambda proxy integration', () => {
    const { stateless } = built();
    const webhookFn = logicalId(stateless, stateless.webhook.fn.node.defaultChild);
    for (const m of restMethods(template()).filter((x) => x.route.includes('/webhook'))) {
      expect(m.integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(refersTo(m.integration.Uri, webhookFn)).toBe(true);
    }
  });

  it('is a regional endpoint (a WAF web ACL of REGIONAL scope attaches to its stage)', () => {
    template().hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'tvat-prod-webhook',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  it('writes JSON access logs of the stage to a log group, without bodies or headers, and execution logs at ERROR without data trace', () => {
    const stage = Object.values(template().findResources('AWS::ApiGateway::Stage'))[0];
    expect(stage?.Properties.StageName).toBe('live');
    expect(JSON.stringify(stage?.Properties.AccessLogSetting.DestinationArn)).toMatch(
      /:log-group:",\{"Ref":"WebhookApiAccessLogs[0-9A-F]+"\}/,
    );
    const format = JSON.parse(stage?.Properties.AccessLogSetting.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      sourceIp: '$context.identity.sourceIp',
      status: '$context.status',
    });
    expect(JSON.stringify(format)).not.toMatch(/\$input|requestOverride|\.header/);
    expect(stage?.Properties.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        }),
      ]),
    );
  });

  it('throttles the stage with the configured rate and burst, and POST /telegram below it', () => {
    const { config } = built();
    const settings = Object.values(template().findResources('AWS::ApiGateway::Stage'))[0]?.Properties
      .MethodSettings as Record<string, unknown>[];
    expect(settings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: config.webhook.throttle.rateLimit,
          ThrottlingBurstLimit: config.webhook.throttle.burstLimit,
        }),
        expect.objectContaining({
          HttpMethod: 'POST',
          ResourcePath: '/~1telegram',
          ThrottlingRateLimit: 5,
          ThrottlingBurstLimit: 10,
        }),
      ]),
    );
  });

  it('outputs the webhook URL', () => {
    const { stateless } = built();
    const url = template().findOutputs('WebhookUrl').WebhookUrl?.Value['Fn::Join'][1] as unknown[];
    expect(url.slice(-3)).toEqual([
      '/',
      { Ref: logicalId(stateless, stateless.api.deploymentStage.node.defaultChild) },
      '/webhook',
    ]);
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
    expect(rules[0]).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Description: expect.stringMatching(/risk check/),
    });
    expect(rules[0].Targets).toEqual([
      expect.objectContaining({ Arn: riskCheckArn(), RetryPolicy: { MaximumRetryAttempts: 0 } }),
    ]);
  });

  it('lets EventBridge invoke it from that rule only', () => {
    const { stateless } = built();
    const rule = Object.entries(template().findResources('AWS::Events::Rule')).find(([, r]) =>
      JSON.stringify(r.Properties.Targets).includes(logicalId(stateless, stateless.riskCheck.fn.node.defaultChild)),
    );
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
      notifications: stateful.notifications,
      reportsBucketName: stateful.reportsBucketName,
      consoleAuth: {
        userPoolId: stateful.consoleAuth.userPool.userPoolId,
        clientId: stateful.consoleAuth.client.userPoolClientId,
      },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'risk-check' }) },
      ReservedConcurrentExecutions: 1,
    });
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
    const env = Template.fromStack(dev.stateless).toJSON().Resources[
      logicalId(dev.stateless, dev.stateless.riskCheck.fn.node.defaultChild)
    ].Properties.Environment.Variables;
    expect(env.EXCHANGE_TESTNET).toBe('true');
  });

  it('decrypts with the credentials key only, and only with an accountId encryption context, like the executor', () => {
    const kms = grantsOf((b) => b.stateless.riskCheck).filter((g) => g.action.startsWith('kms:'));
    expect(kms).toHaveLength(1);
    expect(kms[0]).toMatchObject({
      action: 'kms:Decrypt',
      condition: { StringLike: { 'kms:EncryptionContext:accountId': '*' } },
    });
    expect(refersTo(kms[0]?.resource, keyId())).toBe(true);
  });

  it('has exactly the table access of its manifest row', () => {
    expect(tableAccessOf(grantsOf((b) => b.stateless.riskCheck))).toEqual(manifestRow('riskCheck'));
  });

  it('lists and disables accounts, keeps the risk table (state, snapshots, lease) and reaches the paper ledger', () => {
    const access = tableAccessOf(grantsOf((b) => b.stateless.riskCheck));
    expect(access.accounts).toEqual(expect.arrayContaining(['GetItem', 'Scan', 'UpdateItem']));
    expect(access.risk).toEqual(['DeleteItem', 'GetItem', 'PutItem', 'Query']);
    // Query: the alert for a stop that could not be armed is looked up first (told once); the
    // hand-kept row had PutItem only, so that alert failed in AWS.
    expect(access.audit).toEqual(['PutItem', 'Query']);
    expect(access.paper).toEqual(expect.arrayContaining(['GetItem', 'PutItem', 'Query']));
    for (const table of ['orders', 'trades', 'positions'] as const)
      expect(access[table]).toEqual(expect.arrayContaining(['GetItem', 'PutItem', 'Query']));
    expect(access.signals).toBeUndefined();
  });

  it('has no permission beyond logs, X-Ray, KMS, its tables and the slice timer (it never sends signals)', () => {
    const grants = grantsOf((b) => b.stateless.riskCheck);
    const services = new Set(grants.map((g) => g.action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'kms', 'logs', 'sqs', 'xray']);
    // the safety net re-sends an overdue slice to the timer; the signal queue stays out of reach
    expect(grants.filter((g) => g.action.startsWith('sqs:'))).toEqual([
      expect.objectContaining({ action: 'sqs:SendMessage', resource: { 'Fn::GetAtt': [timerId(), 'Arn'] } }),
    ]);
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
    expect(
      rules()
        .map((r) => r.ScheduleExpression)
        .sort(),
    ).toEqual(config.strategyRunner.timeframes.map((tf) => expected[tf]).sort());
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
    expect(props).toMatchObject({
      Timeout: config.strategyRunner.timeoutSeconds,
      MemorySize: config.strategyRunner.memorySize,
    });
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

  it('has exactly its manifest row: accounts and positions read-only, the dedup record actions, audit', () => {
    const access = tableAccessOf(grantsOf((b) => b.stateless.strategyRunner));
    expect(access).toEqual(manifestRow('strategyRunner'));
    expect(access).toEqual({
      accounts: ['GetItem', 'Scan'],
      positions: ['GetItem', 'Query'],
      signals: ['GetItem', 'PutItem', 'Query', 'UpdateItem'],
      audit: ['PutItem', 'Query'],
    });
  });

  it('has no permission beyond logs, X-Ray, its queue and its tables (no KMS: it never reads keys)', () => {
    const services = new Set(grantsOf((b) => b.stateless.strategyRunner).map((g) => g.action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'sqs', 'xray']);
  });
});

const secretId = (pick: (b: ReturnType<typeof built>) => { node: { defaultChild?: unknown } }) =>
  logicalId(built().stateful, pick(built()).node.defaultChild);
const tokenSecretId = () => secretId((b) => b.stateful.telegramBotTokenSecret);
const discordSecretId = () => secretId((b) => b.stateful.discordWebhookSecret);
const webhookSecretId = () => secretId((b) => b.stateful.telegramWebhookSecret);
/** The SES identity of the notification e-mail, as the stateless stack names it (no cross-stack export). */
const notifyIdentityArn = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':ses:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:identity/${TEST_NOTIFY_EMAIL}`,
    ],
  ],
};
const fnArn = (pick: (b: ReturnType<typeof built>) => SecureFunction) => ({
  'Fn::GetAtt': [logicalId(built().stateless, pick(built()).fn.node.defaultChild), 'Arn'],
});

describe('stateless stack: notifier', () => {
  const mapping = () => {
    const { stateless } = built();
    const found = Object.values(template().findResources('AWS::Lambda::EventSourceMapping')).filter((m) =>
      JSON.stringify(m.Properties.FunctionName).includes(logicalId(stateless, stateless.notifier.fn.node.defaultChild)),
    );
    expect(found).toHaveLength(1);
    return found[0]?.Properties;
  };

  it("reads the audit table's stream: batches of 50 over up to 5 s, bisected and retried 3 times, then the notifier DLQ", () => {
    const { config, stateful, stateless } = built();
    expect(mapping()).toMatchObject({
      BatchSize: config.notify.notifier.batchSize,
      MaximumBatchingWindowInSeconds: config.notify.notifier.maxBatchingWindowSeconds,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: config.notify.notifier.retryAttempts,
      StartingPosition: 'LATEST',
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalId(stateless, stateless.notifierDlq.node.defaultChild), 'Arn'] },
        },
      },
    });
    expect(config.notify.notifier).toMatchObject({ batchSize: 50, maxBatchingWindowSeconds: 5, retryAttempts: 3 });
    expect(JSON.stringify(mapping()?.EventSourceArn)).toContain(
      `${logicalId(stateful, stateful.tables.audit.node.defaultChild)}StreamArn`,
    );
  });

  it('is invoked for inserts only, and reports no partial batch failures (a batch is retried whole, bisected)', () => {
    expect(mapping()?.FilterCriteria).toEqual({ Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] });
    expect(mapping()?.FunctionResponseTypes).toBeUndefined();
  });

  it('runs every 15 minutes with an empty event, to send held notifications', () => {
    const rules = Object.values(template().findResources('AWS::Events::Rule')).filter(
      (r) => JSON.stringify(r.Properties.Targets[0].Arn) === JSON.stringify(fnArn((b) => b.stateless.notifier)),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' });
    expect(rules[0]?.Properties.Targets[0]).toMatchObject({ Input: '{}', RetryPolicy: { MaximumRetryAttempts: 0 } });
  });

  it('keeps held notifications in the risk table (Query, PutItem, DeleteItem) and reads only the tenants’ channels besides', () => {
    const access = tableAccessOf(
      grantsOf((b) => b.stateless.notifier).filter(
        (g) =>
          !g.action.includes('Stream') &&
          g.action !== 'dynamodb:GetRecords' &&
          g.action !== 'dynamodb:GetShardIterator',
      ),
    );
    expect(access).toEqual(manifestRow('notifier'));
    // each tenant's own channels: its `notify` item (docs/TENANCY.md, Notifications)
    expect(access).toEqual({ risk: ['DeleteItem', 'PutItem', 'Query'], tenants: ['GetItem'] });
  });

  it('gets every channel the stage turns on: the Telegram token and chats, the Discord secret, SES e-mail from the notification address to itself', () => {
    const env = functionProps((b) => b.stateless.notifier).Environment.Variables;
    expect(env).toMatchObject({
      STAGE: 'prod',
      TELEGRAM_CHAT_IDS: '123456789,-1001234567890',
      POWERTOOLS_SERVICE_NAME: 'notifier',
    });
    expect(refersTo(env.TELEGRAM_BOT_TOKEN_SECRET_ARN, tokenSecretId())).toBe(true);
    expect(refersTo(env.DISCORD_WEBHOOK_SECRET_ARN, discordSecretId())).toBe(true);
    expect(env).toMatchObject({ EMAIL_FROM: TEST_NOTIFY_EMAIL, EMAIL_TO: TEST_NOTIFY_EMAIL });
    expect(env.EMAIL_TOPIC_ARN).toBeUndefined(); // the SNS e-mail channel is not used in the cloud
    expect(env.NOTIFY_CONFIG).toBeUndefined(); // the notifier's defaults
  });

  it('may read exactly those two secrets, and send e-mail (SendEmail, SendRawEmail) through the notification identity only', () => {
    const g = grantsOf((b) => b.stateless.notifier);
    const secrets = g.filter((x) => x.action.startsWith('secretsmanager:'));
    expect(secrets).toHaveLength(2);
    expect(secrets.some((x) => refersTo(x.resource, tokenSecretId()))).toBe(true);
    expect(secrets.some((x) => refersTo(x.resource, discordSecretId()))).toBe(true);
    expect(secrets.some((x) => refersTo(x.resource, webhookSecretId()))).toBe(false);
    expect(g.filter((x) => x.action.startsWith('sns:'))).toEqual([]);
    expect(g.filter((x) => x.action.startsWith('ses:'))).toEqual([
      { action: 'ses:SendEmail', resource: notifyIdentityArn },
      { action: 'ses:SendRawEmail', resource: notifyIdentityArn },
    ]);
  });

  it("grants on the very identity the stateful stack creates: same address, this stack's account and region", () => {
    const { stateful } = built();
    const identity =
      Template.fromStack(stateful).toJSON().Resources[
        logicalId(stateful, stateful.notifyEmailIdentity!.node.defaultChild)
      ];
    expect(identity.Properties.EmailIdentity).toBe(TEST_NOTIFY_EMAIL);
    // named, not imported: no export ties the stateless stack to the identity (either deploys alone)
    expect(JSON.stringify(template().toJSON())).not.toContain(
      logicalId(stateful, stateful.notifyEmailIdentity!.node.defaultChild),
    );
  });

  it('has no permission beyond logs, X-Ray, its tables and stream, its secrets, SES sending and its DLQ', () => {
    const services = new Set(grantsOf((b) => b.stateless.notifier).map((g) => g.action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'secretsmanager', 'ses', 'sqs', 'xray']);
    const sqs = grantsOf((b) => b.stateless.notifier).filter((g) => g.action.startsWith('sqs:'));
    for (const g of sqs)
      expect(refersTo(g.resource, logicalId(built().stateless, built().stateless.notifierDlq.node.defaultChild))).toBe(
        true,
      );
  });

  it('gets no channel variable and no secret when the stage turns no channel on (an empty secret read at start would fail it)', () => {
    const bare = bareApp('prod');
    const t = Template.fromStack(bare.stateless);
    const env =
      t.toJSON().Resources[logicalId(bare.stateless, bare.stateless.notifier.fn.node.defaultChild)].Properties
        .Environment.Variables;
    for (const name of [
      'TELEGRAM_BOT_TOKEN_SECRET_ARN',
      'TELEGRAM_CHAT_IDS',
      'DISCORD_WEBHOOK_SECRET_ARN',
      'EMAIL_FROM',
      'EMAIL_TO',
      'EMAIL_TOPIC_ARN',
    ])
      expect(env[name]).toBeUndefined();
    const g = grants(roleStatements(t, bare.stateless, bare.stateless.notifier.role));
    expect(g.filter((x) => /^(secretsmanager|sns|ses):/.test(x.action))).toEqual([]);
  });

  it('passes the routing rules as NOTIFY_CONFIG when the stage has them', () => {
    const config = getStageConfig('prod', { alarmEmail: TEST_ALARM_EMAIL }, {});
    const routing = {
      rules: [{ kinds: '*' as const, channels: ['telegram' as const], minSeverity: 'info' as const }],
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
    };
    const app = testApp();
    const stateful = new StatefulStack(app, 'Stateful', { config });
    const stack = new StatelessStack(app, 'Stateless', {
      config: { ...config, notify: { ...config.notify, routing } },
      projectRoot: PROJECT_ROOT,
      tables: stateful.tables,
      credentialsKey: stateful.credentialsKey,
      notifications: stateful.notifications,
      reportsBucketName: stateful.reportsBucketName,
      consoleAuth: {
        userPoolId: stateful.consoleAuth.userPool.userPoolId,
        clientId: stateful.consoleAuth.client.userPoolClientId,
      },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'notifier', NOTIFY_CONFIG: JSON.stringify(routing) }),
      },
    });
  });
});

describe('stateless stack: report', () => {
  const schedules = (t = template()) =>
    Object.values(t.findResources('AWS::Scheduler::Schedule')).map((r) => r.Properties);

  it('is invoked by two EventBridge Scheduler schedules in the stage time zone: daily at 00:05, weekly on Monday at 00:05', () => {
    const { config } = built();
    expect(config.report).toMatchObject({ timeZone: 'UTC', dailyAt: '00:05', weeklyDay: 'MON' });
    const found = schedules();
    expect(found).toHaveLength(2);
    const daily = found.find((s) => s.Target.Input === JSON.stringify({ kind: 'daily' }));
    const weekly = found.find((s) => s.Target.Input === JSON.stringify({ kind: 'weekly' }));
    expect(daily).toMatchObject({
      ScheduleExpression: 'cron(5 0 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    expect(weekly).toMatchObject({
      ScheduleExpression: 'cron(5 0 ? * MON *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
    });
    for (const s of [daily, weekly]) {
      expect(s?.Target.Arn).toEqual(fnArn((b) => b.stateless.report));
      expect(s?.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
    }
  });

  it("follows the stage's time zone, time and weekday", () => {
    const config = getStageConfig('prod', { alarmEmail: TEST_ALARM_EMAIL }, {});
    const app = testApp();
    const stateful = new StatefulStack(app, 'Stateful', { config });
    const stack = new StatelessStack(app, 'Stateless', {
      config: {
        ...config,
        report: { ...config.report, timeZone: 'Europe/Berlin', dailyAt: '07:30', weeklyDay: 'SUN' },
      },
      projectRoot: PROJECT_ROOT,
      tables: stateful.tables,
      credentialsKey: stateful.credentialsKey,
      notifications: stateful.notifications,
      reportsBucketName: stateful.reportsBucketName,
      consoleAuth: {
        userPoolId: stateful.consoleAuth.userPool.userPoolId,
        clientId: stateful.consoleAuth.client.userPoolClientId,
      },
    });
    const t = Template.fromStack(stack);
    expect(
      schedules(t)
        .map((s) => [s.ScheduleExpression, s.ScheduleExpressionTimezone])
        .sort(),
    ).toEqual([
      ['cron(30 7 * * ? *)', 'Europe/Berlin'],
      ['cron(30 7 ? * SUN *)', 'Europe/Berlin'],
    ]);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'report', REPORT_TIME_ZONE: 'Europe/Berlin' }),
      },
    });
  });

  it('lets the scheduler invoke the report function and nothing else, from this account only', () => {
    const { stateless } = built();
    const schedule = schedules()[0];
    const roleId = schedule?.Target.RoleArn['Fn::GetAtt'][0] as string;
    const role = template().toJSON().Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    const statements = Object.values(template().findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(grants(statements)).toEqual([
      {
        action: 'lambda:InvokeFunction',
        resource: { 'Fn::GetAtt': [logicalId(stateless, stateless.report.fn.node.defaultChild), 'Arn'] },
      },
    ]);
  });

  it('has exactly its manifest row: accounts and trades read-only, snapshots, held messages and the token budget in the risk table, audit', () => {
    const access = tableAccessOf(grantsOf((b) => b.stateless.report));
    expect(access).toEqual(manifestRow('report'));
    expect(access).toEqual({
      accounts: ['GetItem', 'Scan'],
      trades: ['GetItem', 'Query'],
      // UpdateItem: the market summary's token budget (llm#<day>), when the stage names a model
      risk: ['DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
      audit: ['PutItem', 'Query'],
      // each report to its tenant's own channels
      tenants: ['GetItem'],
    });
  });

  it("sends through the notifier's channels: same variables, same secrets, same SES identity", () => {
    const { config } = built();
    const env = functionProps((b) => b.stateless.report).Environment.Variables;
    const notifierEnv = functionProps((b) => b.stateless.notifier).Environment.Variables;
    for (const name of [
      'TELEGRAM_BOT_TOKEN_SECRET_ARN',
      'TELEGRAM_CHAT_IDS',
      'DISCORD_WEBHOOK_SECRET_ARN',
      'EMAIL_FROM',
      'EMAIL_TO',
    ])
      expect(env[name]).toEqual(notifierEnv[name]);
    expect(env).toMatchObject({ EMAIL_FROM: TEST_NOTIFY_EMAIL, EMAIL_TO: TEST_NOTIFY_EMAIL });
    expect(env.EMAIL_TOPIC_ARN).toBeUndefined();
    expect(env).toMatchObject({
      STAGE: 'prod',
      REPORT_TIME_ZONE: 'UTC',
      CANDLE_SOURCE: 'exchange',
      CANDLE_EXCHANGE: config.strategyRunner.candleExchange,
      REPORT_FUNDING_RATES: 'exchange',
    });
    const channelGrants = (pick: (b: ReturnType<typeof built>) => SecureFunction) =>
      grantsOf(pick)
        .filter((g) => /^(secretsmanager|sns|ses):/.test(g.action))
        .map((g) => `${g.action} ${JSON.stringify(g.resource)}`)
        .sort();
    expect(channelGrants((b) => b.stateless.report)).toHaveLength(4);
    expect(channelGrants((b) => b.stateless.report).filter((g) => g.startsWith('ses:'))).toEqual([
      `ses:SendEmail ${JSON.stringify(notifyIdentityArn)}`,
      `ses:SendRawEmail ${JSON.stringify(notifyIdentityArn)}`,
    ]);
    expect(channelGrants((b) => b.stateless.report)).toEqual(channelGrants((b) => b.stateless.notifier));
  });

  it('takes its timeout and memory from the stage config', () => {
    const { config } = built();
    expect(functionProps((b) => b.stateless.report)).toMatchObject({
      Timeout: config.report.timeoutSeconds,
      MemorySize: config.report.memorySize,
    });
  });

  // The name as both stacks synthesize it: the stateful stack's bucket, no cross-stack export.
  const reportsBucketName = {
    'Fn::Join': ['', ['tvat-prod-reports-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]],
  };

  it("gets the reports bucket's name in REPORTS_BUCKET: the stateful stack's bucket", () => {
    const b = built();
    const bucket = Template.fromStack(b.stateful).toJSON().Resources[
      logicalId(b.stateful, b.stateful.reportsBucket.node.defaultChild)
    ];
    expect(bucket.Properties.BucketName).toEqual(reportsBucketName);
    expect(functionProps((b) => b.stateless.report).Environment.Variables.REPORTS_BUCKET).toEqual(reportsBucketName);
  });

  it('may put and get objects under reports/ of that bucket in this account, and nothing else in S3', () => {
    const s3 = grantsOf((b) => b.stateless.report).filter((g) => g.action.startsWith('s3:'));
    const objects = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':s3:::tvat-prod-reports-',
          { Ref: 'AWS::AccountId' },
          '-',
          { Ref: 'AWS::Region' },
          '/reports/*',
        ],
      ],
    };
    const condition = { StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } };
    expect([...s3].sort((a, b) => a.action.localeCompare(b.action))).toEqual([
      { action: 's3:GetObject', resource: objects, condition },
      { action: 's3:PutObject', resource: objects, condition },
    ]);
  });

  it('is the only function with the bucket or any S3 permission', () => {
    const b = built();
    const others = [
      b.stateless.webhook,
      b.stateless.executor,
      b.stateless.paperTick,
      b.stateless.riskCheck,
      b.stateless.strategyRunner,
      b.stateless.notifier,
      b.stateless.telegramBot as SecureFunction,
    ];
    for (const f of others) {
      expect(grants(roleStatements(template(), b.stateless, f.role)).filter((g) => g.action.startsWith('s3:'))).toEqual(
        [],
      );
      expect(functionProps(() => f).Environment.Variables.REPORTS_BUCKET).toBeUndefined();
    }
  });
});

describe('stateless stack: telegram bot', () => {
  const bot = (b: ReturnType<typeof built>) => b.stateless.telegramBot as SecureFunction;

  it('answers POST /telegram through its own Lambda proxy integration', () => {
    const telegram = restMethods(template()).find((m) => m.route === 'POST /telegram');
    expect(telegram?.integration).toMatchObject({ Type: 'AWS_PROXY' });
    expect(refersTo(telegram?.integration.Uri, logicalId(built().stateless, bot(built()).fn.node.defaultChild))).toBe(
      true,
    );
  });

  it('gets the chats, the queue and both secrets by ARN (never the values)', () => {
    const env = functionProps(bot).Environment.Variables;
    expect(env).toMatchObject({
      STAGE: 'prod',
      TELEGRAM_CHAT_IDS: '123456789,-1001234567890',
      TELEGRAM_USER_IDS: '123456789',
      SIGNAL_QUEUE_URL: { Ref: queueId() },
      POWERTOOLS_SERVICE_NAME: 'telegram-bot',
    });
    expect(refersTo(env.TELEGRAM_BOT_TOKEN_SECRET_ARN, tokenSecretId())).toBe(true);
    expect(refersTo(env.TELEGRAM_WEBHOOK_SECRET_ARN, webhookSecretId())).toBe(true);
    expect(env.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(env.TELEGRAM_WEBHOOK_SECRET).toBeUndefined();
  });

  it('answers within the HTTP API integration timeout', () => {
    const { config } = built();
    expect(functionProps(bot)).toMatchObject({
      Timeout: config.telegram.bot.timeoutSeconds,
      MemorySize: config.telegram.bot.memorySize,
    });
    expect(functionProps(bot).Timeout).toBeLessThan(30);
  });

  it('has exactly its manifest row: accounts read and status, positions and trades read-only, risk state and confirmations, dedup claims, audit, the Telegram links and tenant index', () => {
    const access = tableAccessOf(grantsOf(bot));
    expect(access).toEqual(manifestRow('telegramBot'));
    expect(access).toEqual({
      // no Scan: the bot lists a tenant's accounts from its index (docs/TENANCY.md "Telegram")
      accounts: ['GetItem', 'PutItem', 'UpdateItem'],
      positions: ['GetItem', 'Query'],
      trades: ['GetItem', 'Query'],
      risk: ['DeleteItem', 'GetItem', 'PutItem', 'Query'],
      audit: ['PutItem', 'Query'],
      signals: ['GetItem', 'PutItem', 'Query', 'UpdateItem'],
      // links (GetItem, PutItem, DeleteItem; UpdateItem: the attempt counter) and the index (Query)
      tenants: ['DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
    });
  });

  it('may only SendMessage to the signal queue (flatten) and read its two secrets', () => {
    const g = grantsOf(bot);
    expect(g.filter((x) => x.action.startsWith('sqs:'))).toEqual([
      { action: 'sqs:SendMessage', resource: { 'Fn::GetAtt': [queueId(), 'Arn'] } },
    ]);
    const secrets = g.filter((x) => x.action.startsWith('secretsmanager:'));
    expect(secrets.map((x) => x.action)).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValue']);
    expect(
      secrets.some((x) => refersTo(x.resource, tokenSecretId())) &&
        secrets.some((x) => refersTo(x.resource, webhookSecretId())),
    ).toBe(true);
    expect([...new Set(g.map((x) => x.action.split(':')[0]))].sort()).toEqual([
      'dynamodb',
      'logs',
      'secretsmanager',
      'sqs',
      'xray',
    ]);
  });

  it('outputs the webhook URL to register with setWebhook', () => {
    const url = template().findOutputs('TelegramWebhookUrl').TelegramWebhookUrl?.Value['Fn::Join'][1] as unknown[];
    expect(url[url.length - 1]).toBe('/telegram');
  });

  it('does not exist when the stage names no Telegram chat', () => {
    const bare = bareApp('prod');
    expect(bare.stateless.telegramBot).toBeUndefined();
    const fns = Object.values(Template.fromStack(bare.stateless).findResources('AWS::Lambda::Function'));
    expect(fns.some((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'telegram-bot')).toBe(
      false,
    );
  });
});

describe('stateless stack: funding-arb', () => {
  it('runs every minute (EventBridge rate), targeting the function', () => {
    const { stateless } = built();
    const fnArn = { 'Fn::GetAtt': [logicalId(stateless, stateless.fundingArb.fn.node.defaultChild), 'Arn'] };
    const rules = Object.values(template().findResources('AWS::Events::Rule'))
      .map((r) => r.Properties)
      .filter((p) => p.Targets.some((t: { Arn: unknown }) => JSON.stringify(t.Arn) === JSON.stringify(fnArn)));
    expect(rules.map((r) => r.ScheduleExpression)).toEqual(['rate(1 minute)']);
  });

  it('gets the queue URL and the legs’ dedup lifetime; no key, no exchange override', () => {
    const vars = functionProps((b) => b.stateless.fundingArb).Environment.Variables;
    expect(vars).toMatchObject({
      STAGE: 'prod',
      SIGNAL_QUEUE_URL: { Ref: queueId() },
      ARB_DEDUP_TTL_HOURS: '720',
      POWERTOOLS_SERVICE_NAME: 'funding-arb',
    });
    expect(vars.ARB_EXCHANGE_API_URLS).toBeUndefined();
    expect(vars.KMS_KEY_ID).toBeUndefined();
  });

  it('may only SendMessage, and only to the signal queue', () => {
    const sqs = grantsOf((b) => b.stateless.fundingArb).filter((g) => g.action.startsWith('sqs:'));
    expect(sqs).toEqual([{ action: 'sqs:SendMessage', resource: { 'Fn::GetAtt': [queueId(), 'Arn'] } }]);
    expect(grantsOf((b) => b.stateless.fundingArb).filter((g) => g.action.startsWith('kms:'))).toEqual([]);
  });

  it('has exactly its manifest row: reads accounts, book, orders; its rounds on risk; dedup records; audit', () => {
    const access = tableAccessOf(grantsOf((b) => b.stateless.fundingArb));
    expect(access).toEqual(manifestRow('fundingArb'));
    expect(access).toEqual({
      accounts: ['GetItem', 'Scan'],
      positions: ['GetItem', 'Query'],
      orders: ['GetItem'],
      risk: ['GetItem', 'PutItem'],
      signals: ['GetItem', 'PutItem', 'Query', 'UpdateItem'],
      audit: ['PutItem', 'Query'],
    });
  });
});
