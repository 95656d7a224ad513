import { Template } from 'aws-cdk-lib/assertions';
import { METRIC, METRICS_NAMESPACE } from '../../shared/platform/metric-names';
import {
  ORDERS_FAILED_THRESHOLD,
  REPORT_MISSED_HOURS,
  SIGNAL_LATENCY_P99_THRESHOLD_MS,
} from '../../infra/stacks/monitoring-stack';
import { TABLE_NAMES, tableName } from '../../shared/platform/resource-names';
import { bareApp, builtApp, grants, logicalId, refersTo, roleStatements } from './support';

const built = () => builtApp('prod');
const template = () => Template.fromStack(built().monitoring);

interface AlarmProps {
  AlarmName: string;
  AlarmDescription?: string;
  AlarmActions: unknown[];
  MetricName: string;
  Namespace: string;
  Dimensions: { Name: string; Value: unknown }[];
  Threshold: number;
  ComparisonOperator: string;
  Period: number;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  Statistic?: string;
  ExtendedStatistic?: string;
  TreatMissingData: string;
}

const alarms = (): AlarmProps[] =>
  Object.values(template().findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as AlarmProps);
const alarmNamed = (suffix: string): AlarmProps => {
  const found = alarms().find((a) => a.AlarmName === `tvat-prod-${suffix}`);
  if (!found) throw new Error(`no alarm tvat-prod-${suffix}`);
  return found;
};
const fnId = (pick: (b: ReturnType<typeof built>) => { fn: { node: { defaultChild?: unknown } } }) =>
  logicalId(built().stateless, pick(built()).fn.node.defaultChild);

describe('monitoring stack', () => {
  it('alarms when the signal DLQ holds at least one message', () => {
    const a = alarmNamed('signal-dlq-not-empty');
    expect(a).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(refersTo(a.Dimensions, logicalId(built().stateless, built().stateless.signalDlq.node.defaultChild))).toBe(
      true,
    );
  });

  it.each([
    ['webhook', (b: ReturnType<typeof built>) => b.stateless.webhook],
    ['executor', (b: ReturnType<typeof built>) => b.stateless.executor],
    ['paper-tick', (b: ReturnType<typeof built>) => b.stateless.paperTick],
    ['risk-check', (b: ReturnType<typeof built>) => b.stateless.riskCheck],
    ['strategy-runner', (b: ReturnType<typeof built>) => b.stateless.strategyRunner],
    ['notifier', (b: ReturnType<typeof built>) => b.stateless.notifier],
    ['report', (b: ReturnType<typeof built>) => b.stateless.report],
    [
      'telegram-bot',
      (b: ReturnType<typeof built>) => b.stateless.telegramBot as NonNullable<typeof b.stateless.telegramBot>,
    ],
  ])('alarms on any %s error within 5 minutes', (name, pick) => {
    const a = alarmNamed(`${name}-errors`);
    expect(a).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(refersTo(a.Dimensions, fnId(pick))).toBe(true);
  });

  it.each([
    ['webhook', (b: ReturnType<typeof built>) => b.stateless.webhook],
    ['executor', (b: ReturnType<typeof built>) => b.stateless.executor],
    ['paper-tick', (b: ReturnType<typeof built>) => b.stateless.paperTick],
    ['risk-check', (b: ReturnType<typeof built>) => b.stateless.riskCheck],
    ['strategy-runner', (b: ReturnType<typeof built>) => b.stateless.strategyRunner],
    ['notifier', (b: ReturnType<typeof built>) => b.stateless.notifier],
    ['report', (b: ReturnType<typeof built>) => b.stateless.report],
    [
      'telegram-bot',
      (b: ReturnType<typeof built>) => b.stateless.telegramBot as NonNullable<typeof b.stateless.telegramBot>,
    ],
  ])('alarms on any %s throttle', (name, pick) => {
    const a = alarmNamed(`${name}-throttles`);
    expect(a).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(refersTo(a.Dimensions, fnId(pick))).toBe(true);
  });

  it('alarms on any webhook API 5xx within 5 minutes, by the REST API name', () => {
    const a = alarmNamed('webhook-api-5xx');
    expect(a).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(a.Dimensions).toEqual([{ Name: 'ApiName', Value: 'tvat-prod-webhook' }]);
  });

  it("alarms on any 429 of the stage throttle, counted by the stateless stack's access-log filter", () => {
    const a = alarmNamed('webhook-api-429');
    const filters = Object.values(Template.fromStack(built().stateless).findResources('AWS::Logs::MetricFilter')).map(
      (f) => f.Properties,
    );
    const throttled = filters.find((f) => f.MetricTransformations[0].MetricName === a.MetricName);
    expect(throttled?.FilterPattern).toBe('{ $.status = "429" }');
    expect(throttled?.MetricTransformations[0]).toMatchObject({ MetricNamespace: a.Namespace, MetricValue: '1' });
    expect(a.MetricName).toBe('WebhookApi429-prod');
    expect(a).toMatchObject({
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it("alarms when WAF's per-account rate rule blocks anything, on that rule's metric", () => {
    const a = alarmNamed('webhook-account-rate-limited');
    const acl = Object.values(Template.fromStack(built().stateless).findResources('AWS::WAFv2::WebACL'))[0]!.Properties;
    const rule = acl.Rules.find((r: { Name: string }) => r.Name === 'AccountRateLimit');
    expect(a).toMatchObject({ Namespace: 'AWS/WAFV2', MetricName: 'BlockedRequests', Statistic: 'Sum', Threshold: 1 });
    const dims = Object.fromEntries(a.Dimensions.map((d: { Name: string; Value: unknown }) => [d.Name, d.Value]));
    expect(dims).toEqual({
      WebACL: acl.VisibilityConfig.MetricName,
      Rule: rule.VisibilityConfig.MetricName,
      Region: { Ref: 'AWS::Region' },
    });
  });

  it('alarms when the oldest signal has waited more than two visibility timeouts', () => {
    const a = alarmNamed('signal-queue-age');
    expect(a).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Statistic: 'Maximum',
      Period: 60,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(a.Threshold).toBe(2 * 6 * built().config.executor.timeoutSeconds);
    expect(refersTo(a.Dimensions, logicalId(built().stateless, built().stateless.signalQueue.node.defaultChild))).toBe(
      true,
    );
  });

  it('alarms when executor p99 duration exceeds 80% of its timeout', () => {
    const a = alarmNamed('executor-duration-p99');
    expect(a).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      ExtendedStatistic: 'p99',
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(a.Threshold).toBe(0.8 * built().config.executor.timeoutSeconds * 1000);
    expect(
      refersTo(
        a.Dimensions,
        fnId((b) => b.stateless.executor),
      ),
    ).toBe(true);
  });

  it('alarms when the risk check was not invoked in 5 minutes, missing data included', () => {
    const a = alarmNamed('risk-check-not-running');
    expect(a).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(a.Dimensions).toHaveLength(1);
    expect(a.Dimensions[0]?.Name).toBe('FunctionName');
    expect(
      refersTo(
        a.Dimensions,
        fnId((b) => b.stateless.riskCheck),
      ),
    ).toBe(true);
    expect(a.AlarmDescription).toMatch(/kill switches/);
  });

  it('has exactly the expected alarms', () => {
    expect(
      alarms()
        .map((a) => a.AlarmName)
        .sort(),
    ).toEqual(
      [
        'signal-dlq-not-empty',
        ...[
          'webhook',
          'executor',
          'paper-tick',
          'risk-check',
          'strategy-runner',
          'funding-arb',
          'notifier',
          'report',
          'telegram-bot',
          'console-api',
          'slice-timer',
          'alarm-relay',
        ].flatMap((f) => [`${f}-errors`, `${f}-throttles`]),
        'webhook-api-5xx',
        'webhook-api-429',
        'webhook-account-rate-limited',
        'signal-queue-age',
        'executor-duration-p99',
        'risk-check-not-running',
        'orders-failed',
        'kill-switch-tripped',
        'signal-order-latency-p99',
        'notifier-dlq-not-empty',
        'slice-timer-dlq-not-empty',
        'report-missed',
      ]
        .map((n) => `tvat-prod-${n}`)
        .sort(),
    );
    expect(alarms().some((a) => a.AlarmName.includes('protection-sync'))).toBe(false);
  });

  it('has no Telegram bot or relay alarm when the stage names no Telegram chat', () => {
    const bare = Object.values(
      Template.fromStack(bareApp('prod').monitoring).findResources('AWS::CloudWatch::Alarm'),
    ).map((a) => a.Properties.AlarmName as string);
    expect(bare.filter((n) => n.includes('telegram-bot') || n.includes('alarm-relay'))).toEqual([]);
    expect(bare).toEqual(
      expect.arrayContaining(['tvat-prod-notifier-errors', 'tvat-prod-report-missed', 'tvat-prod-orders-failed']),
    );
  });

  it('notifies the alarm topic from every alarm', () => {
    const topicId = logicalId(built().stateful, built().stateful.alarmTopic.node.defaultChild);
    for (const a of alarms()) {
      expect(a.AlarmActions).toHaveLength(1);
      expect(refersTo(a.AlarmActions[0], topicId)).toBe(true);
    }
  });

  it('treats missing data as not breaching, except where no data is the failure (risk check not running, report missed)', () => {
    const silent = ['tvat-prod-risk-check-not-running', 'tvat-prod-report-missed'];
    for (const a of alarms())
      expect(a.TreatMissingData).toBe(silent.includes(a.AlarmName) ? 'breaching' : 'notBreaching');
  });

  it('tells the reader what to do in every alarm description', () => {
    for (const a of alarms()) expect(a.AlarmDescription ?? '').toMatch(/\b(Check|Read|Open|Look)\b/);
  });

  const appAlarm = (a: AlarmProps, service: string, metricName: string) => {
    expect(a.Namespace).toBe('tvat');
    expect(a.MetricName).toBe(metricName);
    expect(a.Dimensions).toEqual([
      { Name: 'service', Value: service },
      { Name: 'stage', Value: 'prod' },
    ]);
  };

  it(`alarms when more than ${ORDERS_FAILED_THRESHOLD} executions fail in 5 minutes, over every exchange and reason`, () => {
    const a = alarmNamed('orders-failed');
    appAlarm(a, 'executor', 'OrdersFailed');
    expect(a).toMatchObject({
      Statistic: 'Sum',
      Period: 300,
      Threshold: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
    });
  });

  it('alarms on any kill-switch trip within the minute', () => {
    const a = alarmNamed('kill-switch-tripped');
    appAlarm(a, 'risk-check', 'KillSwitchTrips');
    expect(a).toMatchObject({
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
    });
  });

  it('alarms when the signal → order p99 latency stays above 2 s for 3 periods of 5 minutes', () => {
    const a = alarmNamed('signal-order-latency-p99');
    appAlarm(a, 'executor', 'SignalToOrderLatency');
    expect(a).toMatchObject({
      ExtendedStatistic: 'p99',
      Period: 300,
      Threshold: SIGNAL_LATENCY_P99_THRESHOLD_MS,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
    expect(SIGNAL_LATENCY_P99_THRESHOLD_MS).toBe(2000);
  });

  it("alarms when a notifier batch lands in the notifier's DLQ", () => {
    const a = alarmNamed('notifier-dlq-not-empty');
    expect(a).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(refersTo(a.Dimensions, logicalId(built().stateless, built().stateless.notifierDlq.node.defaultChild))).toBe(
      true,
    );
  });

  it('alarms on any notifier and alarm-relay error', () => {
    expect(alarmNamed('notifier-errors')).toMatchObject({ MetricName: 'Errors', Threshold: 1, Period: 300 });
    const relay = alarmNamed('alarm-relay-errors');
    expect(relay).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(
      refersTo(relay.Dimensions, logicalId(built().monitoring, built().monitoring.alarmRelay?.fn.node.defaultChild)),
    ).toBe(true);
  });

  it(`alarms when the report was not invoked for ${REPORT_MISSED_HOURS} hours, missing data included`, () => {
    const a = alarmNamed('report-missed');
    expect(a).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(a.EvaluationPeriods * a.Period).toBe(26 * 3600);
    expect(a.DatapointsToAlarm).toBe(a.EvaluationPeriods);
    expect(
      refersTo(
        a.Dimensions,
        fnId((b) => b.stateless.report),
      ),
    ).toBe(true);
  });

  it('alarms on the very names the functions emit (one list: shared/platform/metric-names.ts)', () => {
    const business = alarms()
      .filter((a) => a.Namespace === METRICS_NAMESPACE)
      .map((a) => a.MetricName);
    // and the webhook API's 429 count, which the stateless stack's access-log filter emits (checked above)
    expect(business.sort()).toEqual(
      [METRIC.killSwitchTrips, METRIC.ordersFailed, METRIC.signalToOrderLatency, 'WebhookApi429-prod'].sort(),
    );
  });
});

describe('monitoring stack: alarm relay', () => {
  const relay = () =>
    built().monitoring.alarmRelay as NonNullable<ReturnType<typeof built>['monitoring']['alarmRelay']>;

  it('subscribes the relay function to the alarm topic', () => {
    const { stateful, monitoring } = built();
    const subscriptions = Object.values(template().findResources('AWS::SNS::Subscription')).map((s) => s.Properties);
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]).toMatchObject({
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [logicalId(monitoring, relay().fn.node.defaultChild), 'Arn'] },
    });
    expect(refersTo(subscriptions[0]?.TopicArn, logicalId(stateful, stateful.alarmTopic.node.defaultChild))).toBe(true);
    template().hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
    });
  });

  it('gets the chats and the bot token secret by ARN, and may read that secret only', () => {
    const { stateful, monitoring } = built();
    const tokenId = logicalId(stateful, stateful.telegramBotTokenSecret.node.defaultChild);
    const fn = template().toJSON().Resources[logicalId(monitoring, relay().fn.node.defaultChild)];
    expect(fn.Properties.Environment.Variables).toMatchObject({
      STAGE: 'prod',
      TELEGRAM_CHAT_IDS: '123456789,-1001234567890',
      POWERTOOLS_SERVICE_NAME: 'alarm-relay',
    });
    expect(refersTo(fn.Properties.Environment.Variables.TELEGRAM_BOT_TOKEN_SECRET_ARN, tokenId)).toBe(true);
    const g = grants(roleStatements(template(), monitoring, relay().role));
    expect([...new Set(g.map((x) => x.action.split(':')[0]))].sort()).toEqual(['logs', 'secretsmanager', 'xray']);
    const secrets = g.filter((x) => x.action.startsWith('secretsmanager:'));
    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.action).toBe('secretsmanager:GetSecretValue');
    expect(refersTo(secrets[0]?.resource, tokenId)).toBe(true);
  });

  it('does not exist when the stage names no Telegram chat (alarms then go by e-mail only)', () => {
    const bare = bareApp('prod');
    expect(bare.monitoring.alarmRelay).toBeUndefined();
    expect(Object.keys(Template.fromStack(bare.monitoring).findResources('AWS::SNS::Subscription'))).toEqual([]);
    expect(Object.keys(Template.fromStack(bare.monitoring).findResources('AWS::Lambda::Function'))).toEqual([]);
  });
});

interface Widget {
  type: string;
  properties: { title?: string; metrics?: unknown[][]; alarms?: string[]; markdown?: string };
}

/**
 * The dashboard body as JSON: its Fn::Join parts that are references (region, function names, the
 * API id, alarm ARNs) become plain placeholder text, e.g. {'Ref':'AWS::Region'}.
 */
function dashboardWidgets(t: Template): Widget[] {
  const dashboards = Object.values(t.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const parts = dashboards[0]?.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const text = parts
    .map((part) => (typeof part === 'string' ? part : JSON.stringify(part).replace(/"/g, "'")))
    .join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

describe('monitoring stack: dashboard', () => {
  const widgets = () => dashboardWidgets(template());
  const widget = (title: string): Widget => {
    const found = widgets().find((w) => w.properties.title === title);
    if (!found) throw new Error(`no widget "${title}"`);
    return found;
  };
  /** [namespace, metric name, ...dimension pairs, options] rows of a graph */
  const rows = (title: string) =>
    (widget(title).properties.metrics ?? []).filter((m) => typeof m[0] === 'string') as (
      string | Record<string, string>
    )[][];
  const expressions = (title: string) =>
    (widget(title).properties.metrics ?? [])
      .map((m) => (m[0] as { expression?: string }).expression)
      .filter((e): e is string => typeof e === 'string');

  it('is one dashboard per stage, named for it', () => {
    template().hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'tvat-prod' });
    Template.fromStack(builtApp('dev').monitoring).hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'tvat-dev',
    });
  });

  it('shows webhooks received, queued, duplicate and rejected, from the webhook', () => {
    expect(rows('Webhooks').map((r) => [r[0], r[1], r[2], r[3], r[4], r[5]])).toEqual(
      ['WebhooksReceived', 'SignalsQueued', 'SignalsDuplicate', 'WebhooksRejected'].map((name) => [
        'tvat',
        name,
        'service',
        'webhook',
        'stage',
        'prod',
      ]),
    );
  });

  it.each([
    [
      'Webhooks rejected by reason',
      `SEARCH('{tvat,reason,service,stage} MetricName="WebhooksRejected" stage="prod"', 'Sum', 300)`,
    ],
    [
      'Orders placed by exchange',
      `SEARCH('{tvat,exchange,service,stage} MetricName="OrdersPlaced" stage="prod"', 'Sum', 300)`,
    ],
    [
      'Orders failed by exchange and reason',
      `SEARCH('{tvat,exchange,reason,service,stage} MetricName="OrdersFailed" stage="prod"', 'Sum', 300)`,
    ],
    [
      'Risk refusals by reason',
      `SEARCH('{tvat,reason,service,stage} MetricName="RiskRefusals" stage="prod"', 'Sum', 300)`,
    ],
    ['Kill switches', `SEARCH('{tvat,switch,service,stage} MetricName="KillSwitchTrips" stage="prod"', 'Sum', 300)`],
    ['Equity per account', `SEARCH('{tvat,account,service,stage} MetricName="Equity" stage="prod"', 'Average', 300)`],
  ])('shows "%s" as a SEARCH over every value of the breakdown', (title, expression) => {
    expect(expressions(title)).toContain(expression);
  });

  it('shows the signal → order latency p50 and p99 with the alarm threshold', () => {
    const latency = rows('Signal → order latency (ms)');
    expect(latency.map((r) => [r[1], (r[r.length - 1] as Record<string, string>).stat])).toEqual([
      ['SignalToOrderLatency', 'p50'],
      ['SignalToOrderLatency', 'p99'],
    ]);
    expect(JSON.stringify(widget('Signal → order latency (ms)').properties)).toContain(
      `"value":${SIGNAL_LATENCY_P99_THRESHOLD_MS}`,
    );
  });

  it.each([
    ['Lambda errors', 'Errors'],
    ['Lambda throttles', 'Throttles'],
    ['Lambda duration p99 (ms)', 'Duration'],
  ])('shows %s for every function, the relay included', (title, metricName) => {
    const r = rows(title);
    expect(r.map((x) => (x[x.length - 1] as Record<string, string>).label)).toEqual([
      'webhook',
      'executor',
      'paper-tick',
      'risk-check',
      'strategy-runner',
      'funding-arb',
      'notifier',
      'report',
      'telegram-bot',
      'console-api',
      'slice-timer',
      'alarm-relay',
    ]);
    for (const x of r) expect([x[0], x[1], x[2]]).toEqual(['AWS/Lambda', metricName, 'FunctionName']);
  });

  it('shows the age of the oldest signal and the depth of both DLQs', () => {
    expect(rows('Signal queue: age of oldest message (s)').map((r) => r[1])).toEqual(['ApproximateAgeOfOldestMessage']);
    const dlq = rows('Dead-letter queues (messages)');
    expect(dlq.map((r) => [r[1], (r[r.length - 1] as Record<string, string>).label])).toEqual([
      ['ApproximateNumberOfMessagesVisible', 'signal DLQ'],
      ['ApproximateNumberOfMessagesVisible', 'notifier DLQ'],
    ]);
    const { stateless } = built();
    expect(JSON.stringify(dlq)).toContain(logicalId(stateless, stateless.signalDlq.node.defaultChild));
    expect(JSON.stringify(dlq)).toContain(logicalId(stateless, stateless.notifierDlq.node.defaultChild));
  });

  it.each([
    ['DynamoDB throttled requests', 'ThrottledRequests'],
    ['DynamoDB system errors', 'SystemErrors'],
  ])('shows %s of every table of the stage', (title, metricName) => {
    const [expression] = expressions(title);
    expect(expression).toContain(`{AWS/DynamoDB,Operation,TableName} MetricName="${metricName}"`);
    for (const name of TABLE_NAMES) expect(expression).toContain(`TableName="${tableName('prod', name)}"`);
  });

  it('shows the API requests, 4xx, 5xx and latency', () => {
    expect(rows('API requests and errors').map((r) => [r[0], r[1], r[2]])).toEqual([
      ['AWS/ApiGateway', 'Count', 'ApiName'],
      ['AWS/ApiGateway', '4XXError', 'ApiName'],
      ['AWS/ApiGateway', '5XXError', 'ApiName'],
    ]);
    expect(rows('API latency (ms)').map((r) => r[1])).toEqual(['Latency', 'Latency', 'IntegrationLatency']);
  });

  it('shows the state of every alarm', () => {
    const alarmsWidget = widgets().find((w) => w.type === 'alarm');
    expect(alarmsWidget?.properties.alarms).toHaveLength(built().monitoring.alarms.length);
    for (const a of built().monitoring.alarms)
      expect(JSON.stringify(alarmsWidget)).toContain(logicalId(built().monitoring, a.node.defaultChild));
  });
});
