// What a person watches: alarms on the failures that need one, a dashboard per stage, and the relay
// that puts every alarm on Telegram as well as in the alarm e-mail.
//
// Alarms: dead-lettered signals, function errors and throttles, webhook 5xx (TradingView re-sends
// those), an executor running close to its timeout, a risk check that stopped running, orders
// failing, a kill switch tripping, slow signals, lost notifications and a missed daily report.
// Every alarm notifies the stateful stack's SNS topic and says what to do in its description; the
// thresholds and why they are what they are are next to each.
import { METRIC, METRICS_NAMESPACE } from '../../shared/platform/metric-names';
import { Aws, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { APP_PREFIX, TABLE_NAMES, tableName } from '../../shared/platform/resource-names';
import { telegramEnabled, type StageConfig } from '../config/stages';
import { SecureFunction } from '../constructs/secure-function';
import { WATCHER_SERVICE_NAME, watcherClusterName, watcherEcsServiceName } from '../constructs/price-watcher-service';

export interface MonitoredFunction {
  /** short name used in alarm names: webhook, executor, paper-tick, risk-check… */
  name: string;
  fn: IFunction;
}

export interface MonitoringStackProps extends StackProps {
  config: StageConfig;
  /** repository root, for the alarm relay's entry and esbuild */
  projectRoot: string;
  alarmTopic: ITopic;
  signalQueue: IQueue;
  signalDlq: IQueue;
  /** failed audit-stream batches of the notifier */
  notifierDlq: IQueue;
  /** sliced entries' timer messages that failed every receive (docs/EXECUTION-ALGOS.md) */
  sliceTimerDlq: IQueue;
  /** the webhook REST API (its metrics are by ApiName) */
  webhookApi: RestApi;
  /** the access-log metric of its 429 answers (stateless stack's metric filter) */
  webhookApiThrottledMetricName: string;
  /** the WAF web ACL's and its per-account rate rule's metric names (AWS/WAFV2 dimensions WebACL, Rule, Region) */
  webAclMetricName: string;
  accountRateMetricName: string;
  functions: readonly MonitoredFunction[];
  executor: IFunction;
  /** the every-minute risk check: alarmed when it stops being invoked */
  riskCheck: IFunction;
  /** the daily report: alarmed when a day passes without it */
  report: IFunction;
  /** read by the alarm relay */
  telegramBotTokenSecret: ISecret;
  /** the stage runs the always-on price watcher (stage option `watcher`): its two alarms */
  watcher?: boolean;
}

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);
/** executor p99 duration alarms above this share of its timeout */
export const EXECUTOR_DURATION_ALARM_SHARE = 0.8;
/**
 * More than this many failed executions in 5 minutes alarm. One signal that keeps failing comes
 * back after the queue's visibility timeout (6 × 30 s), so it fails at most twice in 5 minutes;
 * a single rejection (a bad symbol, a minimum notional) is already told by the notifier. Three or
 * more is several signals: the exchange, the keys or the margin, not one alert.
 */
export const ORDERS_FAILED_THRESHOLD = 2;
/**
 * Signal → order p99 above this for 3 periods of 5 minutes in a row alarms. The measured path is
 * well under a second (bench: live overhead p95 ≈ 22 ms plus the exchange's own answer); a retried
 * signal waits a visibility timeout, which one period may show but three in a row only when
 * signals are delayed for a quarter of an hour.
 */
export const SIGNAL_LATENCY_P99_THRESHOLD_MS = 2_000;
export const SIGNAL_LATENCY_PERIODS = 3;
/**
 * The daily report's alarm: no invocation for this many hours. A day plus the hour a daylight-saving
 * change moves a local-time schedule, plus an hour of slack for the scheduler's retries.
 */
export const REPORT_MISSED_HOURS = 26;
/**
 * The price watcher's alarms: its heartbeat (one a minute) or its running task missing for this
 * many one-minute periods in a row. Three: one missed minute is a deploy's task swap or a late
 * log line; three is a watcher that is gone, and the one-minute jobs are then the only guard.
 */
export const WATCHER_DOWN_MINUTES = 3;

/** The signal-queue age alarm: older than this many visibility timeouts (each 6 × the executor timeout). */
export const SIGNAL_QUEUE_AGE_VISIBILITY_TIMEOUTS = 2;

interface AlarmOptions {
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  treatMissingData?: TreatMissingData;
}

export class MonitoringStack extends Stack {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  /** SNS alarm topic → Telegram, when the stage names Telegram chats */
  readonly alarmRelay?: SecureFunction;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config } = props;
    const stage = config.stage;
    const prefix = `${APP_PREFIX}-${stage}`;
    const action = new SnsAction(props.alarmTopic);

    const alarm = (
      alarmId: string,
      name: string,
      metric: IMetric,
      threshold: number,
      comparison: ComparisonOperator,
      description: string,
      options: AlarmOptions = {},
    ) => {
      const evaluationPeriods = options.evaluationPeriods ?? 1;
      const created = new Alarm(this, alarmId, {
        alarmName: `${prefix}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: comparison,
        evaluationPeriods,
        datapointsToAlarm: options.datapointsToAlarm ?? evaluationPeriods,
        treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };
    /** a business metric of one function, aggregated over its breakdowns */
    const appMetric = (
      service: string,
      metricName: string,
      statistic: string,
      period: Duration = FIVE_MINUTES,
      label?: string,
    ) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service, stage },
        statistic,
        period,
        ...(label ? { label } : {}),
      });

    // ---- the alarm relay: every alarm on Telegram too (the e-mail subscription stays the fallback)
    const functions: MonitoredFunction[] = [...props.functions];
    if (telegramEnabled(config)) {
      const relay = new SecureFunction(this, 'AlarmRelay', {
        projectRoot: props.projectRoot,
        entry: 'functions/alarm-relay/handler.ts',
        description: `${APP_PREFIX} ${stage}: CloudWatch alarms -> Telegram`,
        serviceName: 'alarm-relay',
        logLevel: config.logLevel,
        logRetention: config.logRetentionDays,
        removalPolicy: config.removalPolicy,
        timeout: Duration.seconds(config.telegram.alarmRelay.timeoutSeconds),
        memorySize: config.telegram.alarmRelay.memorySize,
        environment: {
          STAGE: stage,
          TELEGRAM_BOT_TOKEN_SECRET_ARN: props.telegramBotTokenSecret.secretArn,
          TELEGRAM_CHAT_IDS: config.telegram.chatIds.join(','),
        },
      });
      relay.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [props.telegramBotTokenSecret.secretArn],
        }),
      );
      props.alarmTopic.addSubscription(new LambdaSubscription(relay.fn));
      functions.push({ name: 'alarm-relay', fn: relay.fn });
      this.alarmRelay = relay;
    }

    // ---- alarms
    alarm(
      'SignalDlqNotEmptyAlarm',
      'signal-dlq-not-empty',
      props.signalDlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      1,
      ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      'A signal failed execution maxReceiveCount times and was dead-lettered: it was NOT traded. ' +
        'Read the executor logs for its signal id, check the account and exchange state (open position? order placed?), ' +
        'fix the cause, then redrive the DLQ to the signal queue only if the signal is still wanted (it may be stale), or delete it.',
    );

    // Any error (the notifier's and the relay's included): each is an unhandled failure or a timeout.
    for (const { name, fn } of functions) {
      alarm(
        `${pascal(name)}ErrorsAlarm`,
        `${name}-errors`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        `The ${name} function failed at least once in 5 minutes (unhandled error or timeout). ` +
          `Open its log group, filter on level ERROR, and follow the correlation_id (signal id) / request id; ${ERROR_HINTS[name] ?? 'check its configuration and dependencies.'}`,
      );
      alarm(
        `${pascal(name)}ThrottlesAlarm`,
        `${name}-throttles`,
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        `The ${name} function was throttled: invocations were refused for lack of concurrency. ` +
          'Check the account concurrency limit and any reserved concurrency in the stage config; raise the limit (Service Quotas) or the reservation.',
      );
    }

    alarm(
      'WebhookApi5xxAlarm',
      'webhook-api-5xx',
      props.webhookApi.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      1,
      ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      'The webhook API answered 5xx: TradingView re-sends such alerts up to 3 times, and alerts may be lost. ' +
        'Check the webhook function errors and its access log group (integrationError), and the signal queue; dedup stops the re-sends from trading twice.',
    );

    // 429 from the stage throttle: real alerts (closes included) were refused. TradingView does not
    // re-send a 4xx, so each one is an alert that never traded. Counted from the access log.
    alarm(
      'WebhookApi429Alarm',
      'webhook-api-429',
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: props.webhookApiThrottledMetricName,
        statistic: 'Sum',
        period: FIVE_MINUTES,
      }),
      1,
      ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      "The webhook API's stage throttle answered 429: alerts that passed the firewall were refused, and TradingView does not re-send them. " +
        "Read the access log group (status 429: sourceIp, path): a flood from TradingView's addresses means someone aims alerts at this URL (rotate the webhook tokens and paths), " +
        'a burst of real alerts means webhook.throttle in the stage config is too low. Check the positions on the exchange: a refused close left a position open.',
    );

    // WAF's per-account rule (429 too): one account's path got more than its share.
    alarm(
      'WebhookAccountRateLimitedAlarm',
      'webhook-account-rate-limited',
      new Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        dimensionsMap: { WebACL: props.webAclMetricName, Rule: props.accountRateMetricName, Region: Aws.REGION },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      }),
      1,
      ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      `One webhook path (one account) went over its rate limit (${config.webhook.accountRateLimit.limit} per ${config.webhook.accountRateLimit.windowSeconds} s) and WAF answered 429: that account's alerts beyond it were NOT traded; other accounts are unaffected. ` +
        "Open the web ACL's sampled requests (WAF console, rule AccountRateLimit) for the path: a misfiring alert loop in TradingView, or someone aiming alerts at that account's URL (rotate its token).",
    );

    // Signals waiting: the executor is not consuming (mapping disabled, throttled, failing), so
    // alerts are acknowledged but not traded. One retry of a failed message waits one visibility
    // timeout (6 × the executor timeout); older than two of those is a stuck queue, not a retry.
    const visibilitySeconds = config.executor.timeoutSeconds * 6;
    alarm(
      'SignalQueueAgeAlarm',
      'signal-queue-age',
      props.signalQueue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum' }),
      visibilitySeconds * SIGNAL_QUEUE_AGE_VISIBILITY_TIMEOUTS,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
      `The oldest signal on the FIFO queue has waited more than ${visibilitySeconds * SIGNAL_QUEUE_AGE_VISIBILITY_TIMEOUTS} s (${SIGNAL_QUEUE_AGE_VISIBILITY_TIMEOUTS} visibility timeouts): acknowledged alerts are not being traded. ` +
        "Check the executor's SQS event source mapping (enabled?), its errors and throttles, and the logs for the failing group (account#SYMBOL): FIFO holds every later signal of that group behind it.",
    );

    const executorTimeoutMs = config.executor.timeoutSeconds * 1000;
    alarm(
      'ExecutorDurationAlarm',
      'executor-duration-p99',
      props.executor.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }),
      Math.round(executorTimeoutMs * EXECUTOR_DURATION_ALARM_SHARE),
      ComparisonOperator.GREATER_THAN_THRESHOLD,
      `Executor p99 duration is above ${EXECUTOR_DURATION_ALARM_SHARE * 100}% of its ${config.executor.timeoutSeconds} s timeout: ` +
        'a timeout after sending an order leaves it unrecorded until the retry reconciles. ' +
        'Look for slow exchange calls or rate-limit waits in the traces (X-Ray) and logs; raise executor.timeoutSeconds in the stage config if the exchange is slow.',
    );

    // A silent risk check is the dangerous failure: no kill switch, no stop re-arming, no protective
    // fill booked, and no error alarm either, because nothing ran to fail (rule disabled or deleted,
    // target or invoke permission lost, function throttled away). It is started every minute, so
    // fewer than one invocation in 5 minutes is an outage; Lambda publishes no Invocations datapoint
    // for a function that was not invoked, hence missing data counts as breaching here.
    alarm(
      'RiskCheckNotRunningAlarm',
      'risk-check-not-running',
      props.riskCheck.metricInvocations({ period: FIVE_MINUTES, statistic: 'Sum' }),
      1,
      ComparisonOperator.LESS_THAN_THRESHOLD,
      'The risk-check function was not invoked for 5 minutes although its EventBridge rule fires every minute: kill switches, stop re-arming and protective-fill booking are NOT running. ' +
        'Check the rule (enabled? target the risk-check function?), the function (throttles, reserved concurrency 0, deleted) and its resource policy; ' +
        'until it runs again, watch open positions and their stops on the exchange by hand.',
      { treatMissingData: TreatMissingData.BREACHING },
    );

    // Failed executions (terminal rejections other than risk refusals, and attempts that threw and
    // went back to the queue), summed over exchanges and reasons. Threshold: see ORDERS_FAILED_THRESHOLD.
    alarm(
      'OrdersFailedAlarm',
      'orders-failed',
      appMetric('executor', METRIC.ordersFailed, 'Sum'),
      ORDERS_FAILED_THRESHOLD,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
      `More than ${ORDERS_FAILED_THRESHOLD} signal executions failed in 5 minutes: signals are not being traded. ` +
        'Open the dashboard (orders failed by exchange and reason): INSUFFICIENT_MARGIN or REJECTED point at the account, TRANSIENT or AMBIGUOUS at the exchange (status page, rate limits, keys). ' +
        'Check the executor logs by correlation_id and the positions on the exchange; pause the account (Telegram /pause or the CLI) if orders keep failing.',
    );

    // A trip is rare and always wanted in front of the owner at once: the notifier tells it on
    // Telegram, this alarm makes sure it also reaches the alarm e-mail. One-minute period: the
    // risk check runs every minute.
    alarm(
      'KillSwitchTrippedAlarm',
      'kill-switch-tripped',
      appMetric('risk-check', METRIC.killSwitchTrips, 'Sum', ONE_MINUTE),
      1,
      ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      'A kill switch tripped (daily loss, drawdown, loss streak or circuit breaker): entries are refused, and on drawdown the positions were flattened and the account disabled. ' +
        'Read the audit log (risk.switch events) or /status on Telegram for which switch and its numbers; check the exchange positions; resume or reset the switch with the CLI once understood.',
    );

    // p99 of the signal → order latency; threshold and periods: see SIGNAL_LATENCY_P99_THRESHOLD_MS.
    alarm(
      'SignalLatencyAlarm',
      'signal-order-latency-p99',
      appMetric('executor', METRIC.signalToOrderLatency, 'p99'),
      SIGNAL_LATENCY_P99_THRESHOLD_MS,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
      `Signal → order p99 latency was above ${SIGNAL_LATENCY_P99_THRESHOLD_MS} ms for ${SIGNAL_LATENCY_PERIODS} periods of 5 minutes: signals trade late. ` +
        'Look at the signal queue age and the executor duration and throttles on the dashboard, at retries in the executor logs, and at slow exchange calls in X-Ray traces.',
      { evaluationPeriods: SIGNAL_LATENCY_PERIODS },
    );

    // The notifier's stream batches that failed every retry: those notifications were not sent.
    alarm(
      'NotifierDlqNotEmptyAlarm',
      'notifier-dlq-not-empty',
      props.notifierDlq.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      1,
      ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      'A batch of audit events failed the notifier after every retry: those notifications were NOT sent. Nothing was lost from the audit table itself. ' +
        'Read the notifier errors in its log group; each DLQ message names the stream shard and sequence numbers of the batch; read the events from the audit table (CLI) and delete the message once handled.',
    );

    // A sliced entry's child that failed the timer's consumer on every receive: the risk-check job's
    // safety net re-sends it (overdue by an interval and a minute), but a consumer failing for good
    // needs a look.
    alarm(
      'SliceTimerDlqNotEmptyAlarm',
      'slice-timer-dlq-not-empty',
      props.sliceTimerDlq.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      1,
      ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      'A slice of a sliced entry (TWAP/adaptive) failed the slice-timer function on every receive. The risk-check job re-sends overdue slices (same ids: never a second order), so the entry may still complete. Read the slice-timer errors in its log group, then delete the message once handled.',
    );

    // The report is invoked once a day: no invocation for REPORT_MISSED_HOURS hours means the
    // schedule or the function is gone, and a missing day cannot be told apart from a missing
    // datapoint, hence hourly periods, all of them, missing data breaching. Right after the first
    // deploy it is in ALARM until the first daily report runs.
    alarm(
      'ReportMissedAlarm',
      'report-missed',
      props.report.metricInvocations({ period: Duration.hours(1), statistic: 'Sum' }),
      1,
      ComparisonOperator.LESS_THAN_THRESHOLD,
      `The report function was not invoked for ${REPORT_MISSED_HOURS} hours although a daily report is scheduled (${config.report.dailyAt} ${config.report.timeZone}). ` +
        'Check the EventBridge Scheduler schedules (enabled? target and role?) and the function (deleted, throttled); invoke it by hand with {"kind": "daily"} to send the missed report.',
      { evaluationPeriods: REPORT_MISSED_HOURS, treatMissingData: TreatMissingData.BREACHING },
    );

    if (props.watcher) this.watcherAlarms(stage, alarm, appMetric);

    this.dashboard = this.buildDashboard(props, functions, appMetric);
  }

  /**
   * The always-on price watcher is down: no heartbeat (the process is gone or stuck: it emits one
   * each minute it is alive), or no running task (ECS publishes a service's CPU datapoints only
   * while a task runs, so their count is the running tasks, free of Container Insights). Missing
   * data is the failure itself here, hence breaching. Its work is then done by the one-minute
   * jobs, a minute late: the alarm says the watcher is down, not that protection is.
   */
  private watcherAlarms(
    stage: string,
    alarm: (
      id: string,
      name: string,
      metric: IMetric,
      threshold: number,
      comparison: ComparisonOperator,
      description: string,
      options?: AlarmOptions,
    ) => Alarm,
    appMetric: (service: string, name: string, statistic: string, period?: Duration) => Metric,
  ): void {
    const down = { evaluationPeriods: WATCHER_DOWN_MINUTES, treatMissingData: TreatMissingData.BREACHING };
    const fallback =
      'Until it is back, the one-minute jobs do its work a minute later (risk check: trailing stops, circuit breaker; paper tick: paper fills), and the console shows the risk check\'s marks "as of" their time.';
    alarm(
      'WatcherHeartbeatMissingAlarm',
      'watcher-heartbeat-missing',
      appMetric(WATCHER_SERVICE_NAME, METRIC.watcherHeartbeat, 'Sum', ONE_MINUTE),
      1,
      ComparisonOperator.LESS_THAN_THRESHOLD,
      `The price watcher sent no heartbeat for ${WATCHER_DOWN_MINUTES} minutes: it is not running or is stuck. ` +
        `Open its log group (ECS service ${watcherEcsServiceName(stage)}, stream prefix watcher): reconnect loops, a config error at start, or no log at all (task stopped: see the service's events). ` +
        fallback,
      down,
    );
    alarm(
      'WatcherNotRunningAlarm',
      'watcher-not-running',
      new Metric({
        namespace: 'AWS/ECS',
        metricName: 'CPUUtilization',
        dimensionsMap: { ClusterName: watcherClusterName(stage), ServiceName: watcherEcsServiceName(stage) },
        statistic: 'SampleCount',
        period: ONE_MINUTE,
      }),
      1,
      ComparisonOperator.LESS_THAN_THRESHOLD,
      `The price watcher's ECS service ${watcherEcsServiceName(stage)} has had no running task for ${WATCHER_DOWN_MINUTES} minutes. ` +
        "Read the service's events and the last stopped task's reason in the ECS console (image pull, out of memory, the deployment circuit breaker rolled back); " +
        fallback,
      down,
    );
  }

  private buildDashboard(
    props: MonitoringStackProps,
    functions: readonly MonitoredFunction[],
    appMetric: (service: string, name: string, statistic: string, period?: Duration, label?: string) => Metric,
  ): Dashboard {
    const stage = props.config.stage;
    const period = FIVE_MINUTES;
    /** every series of a metric, one per value of `by` (SEARCH: accounts and reasons appear by themselves) */
    const search = (name: string, by: readonly string[], statistic: string, label: string) =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},${[...by, 'service', 'stage'].join(',')}} MetricName="${name}" stage="${stage}"', '${statistic}', ${period.toSeconds()})`,
        usingMetrics: {},
        label,
        period,
      });
    const dim = (name: string) => `\${PROP('Dim.${name}')}`;
    const graph = (
      title: string,
      left: IMetric[],
      width = 8,
      extra: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {},
    ) => new GraphWidget({ title, left, width, height: 6, period, ...extra });
    const tables = TABLE_NAMES.map((t) => `TableName="${tableName(stage, t)}"`).join(' OR ');
    const api = (metricName: string, statistic: string, label = metricName) =>
      props.webhookApi.metric(metricName, { statistic, period, label });

    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${APP_PREFIX}-${stage}`,
      defaultInterval: Duration.days(1),
    });
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${APP_PREFIX} ${stage}\nSignals, orders and risk from the functions' metrics (namespace \`${METRICS_NAMESPACE}\`), then the health of functions, queues, tables and the API.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      graph('Webhooks', [
        appMetric('webhook', METRIC.webhooksReceived, 'Sum', period, 'received'),
        appMetric('webhook', METRIC.signalsQueued, 'Sum', period, 'queued'),
        appMetric('webhook', METRIC.signalsDuplicate, 'Sum', period, 'duplicate'),
        appMetric('webhook', METRIC.webhooksRejected, 'Sum', period, 'rejected'),
      ]),
      graph('Webhooks rejected by reason', [search(METRIC.webhooksRejected, ['reason'], 'Sum', dim('reason'))]),
      graph(
        'Signal → order latency (ms)',
        [
          appMetric('executor', METRIC.signalToOrderLatency, 'p50', period, 'p50'),
          appMetric('executor', METRIC.signalToOrderLatency, 'p99', period, 'p99'),
        ],
        8,
        {
          leftAnnotations: [{ value: SIGNAL_LATENCY_P99_THRESHOLD_MS, label: 'p99 alarm' }],
        },
      ),
    );
    dashboard.addWidgets(
      graph('Orders placed by exchange', [search(METRIC.ordersPlaced, ['exchange'], 'Sum', dim('exchange'))], 6),
      graph(
        'Orders failed by exchange and reason',
        [search(METRIC.ordersFailed, ['exchange', 'reason'], 'Sum', `${dim('exchange')} ${dim('reason')}`)],
        6,
        {
          leftAnnotations: [{ value: ORDERS_FAILED_THRESHOLD, label: 'alarm above' }],
        },
      ),
      graph('Risk refusals by reason', [search(METRIC.riskRefusals, ['reason'], 'Sum', dim('reason'))], 6),
      graph(
        'Kill switches',
        [
          search(METRIC.killSwitchTrips, ['switch'], 'Sum', `tripped: ${dim('switch')}`),
          appMetric('risk-check', METRIC.positionsFlattened, 'Sum', period, 'positions flattened'),
        ],
        6,
      ),
    );
    if (props.watcher)
      dashboard.addWidgets(
        graph(
          'Price watcher: heartbeats per 5 minutes',
          [appMetric(WATCHER_SERVICE_NAME, METRIC.watcherHeartbeat, 'Sum', period, 'heartbeats (5 expected)')],
          24,
        ),
      );
    dashboard.addWidgets(
      graph('Equity per account', [search(METRIC.equity, ['account'], 'Average', dim('account'))], 16),
      graph('Risk check and alarm relay', [
        appMetric('risk-check', METRIC.riskCheckAccountErrors, 'Sum', period, 'accounts whose check failed'),
        appMetric('alarm-relay', METRIC.alarmsRelayed, 'Sum', period, 'alarms relayed to Telegram'),
      ]),
    );
    dashboard.addWidgets(
      graph(
        'Lambda errors',
        functions.map((f) => f.fn.metricErrors({ period, statistic: 'Sum', label: f.name })),
      ),
      graph(
        'Lambda throttles',
        functions.map((f) => f.fn.metricThrottles({ period, statistic: 'Sum', label: f.name })),
      ),
      graph(
        'Lambda duration p99 (ms)',
        functions.map((f) => f.fn.metricDuration({ period, statistic: 'p99', label: f.name })),
      ),
    );
    dashboard.addWidgets(
      graph('Signal queue: age of oldest message (s)', [
        props.signalQueue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum', label: 'signal queue' }),
      ]),
      graph('Dead-letter queues (messages)', [
        props.signalDlq.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'signal DLQ' }),
        props.notifierDlq.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: 'Maximum',
          label: 'notifier DLQ',
        }),
      ]),
      graph('Signal queue: messages', [
        props.signalQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: 'visible' }),
        props.signalQueue.metricApproximateNumberOfMessagesNotVisible({
          period,
          statistic: 'Maximum',
          label: 'in flight',
        }),
      ]),
    );
    dashboard.addWidgets(
      graph(
        'DynamoDB throttled requests',
        [
          new MathExpression({
            expression: `SEARCH('{AWS/DynamoDB,Operation,TableName} MetricName="ThrottledRequests" (${tables})', 'Sum', ${period.toSeconds()})`,
            usingMetrics: {},
            label: `${dim('TableName')} ${dim('Operation')}`,
            period,
          }),
        ],
        12,
      ),
      graph(
        'DynamoDB system errors',
        [
          new MathExpression({
            expression: `SEARCH('{AWS/DynamoDB,Operation,TableName} MetricName="SystemErrors" (${tables})', 'Sum', ${period.toSeconds()})`,
            usingMetrics: {},
            label: `${dim('TableName')} ${dim('Operation')}`,
            period,
          }),
        ],
        12,
      ),
    );
    dashboard.addWidgets(
      graph('API requests and errors', [
        api('Count', 'Sum', 'requests'),
        api('4XXError', 'Sum', '4xx'),
        api('5XXError', 'Sum', '5xx'),
      ]),
      graph('API latency (ms)', [
        api('Latency', 'p50', 'latency p50'),
        api('Latency', 'p99', 'latency p99'),
        api('IntegrationLatency', 'p99', 'integration p99'),
      ]),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 8, height: 6 }),
    );
    return dashboard;
  }
}

/** What to look at first when a function errs, by function. */
const ERROR_HINTS: Record<string, string> = {
  executor: 'check the DLQ and open orders on the exchange.',
  notifier:
    'channel failures are held and retried, so an error is a bug or a bad secret (an empty bot token, a wrong Discord URL): check the secrets and NOTIFY_CONFIG.',
  report: 'a missed report can be sent by invoking the function with {"kind": "daily"} or {"kind": "weekly"}.',
  'telegram-bot': "Telegram re-sends updates answered with an error: check the bot's secrets and its table access.",
  'alarm-relay':
    'alarms still reach the alarm e-mail; check the bot token secret and the chat ids (a blocked bot or a wrong chat answers 403/400).',
};

function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]/)
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}
