// What can be replaced on any deploy: the webhook API, the signal queues, the functions and their
// schedules (paper tick, risk check, strategy runner, notifier flush, reports), the notifier on the
// audit stream and the Telegram bot route. Data, keys, topics, secrets and the reports bucket come
// in from the stateful stack as props.
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventField, Rule, RuleTargetInput, Schedule, type CronOptions } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { FilterPattern, LogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import {
  type ISchedule,
  type IScheduleTarget,
  Schedule as Scheduler,
  ScheduleExpression,
  type ScheduleTargetConfig,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { APP_PREFIX, signalDlqName, signalQueueName, type TableName } from '../../shared/platform/resource-names';
import { functionRoleName } from '../config/principals';
import {
  RISK_CHECK_EVERY_MINUTES,
  telegramEnabled,
  type RunnerTimeframe,
  type StageConfig,
  type Weekday,
} from '../config/stages';
import { METRICS_NAMESPACE } from '../../shared/platform/metric-names';
import {
  functionTableGrants,
  TENANT_SCOPED_FUNCTIONS,
  tenantDataGrants,
  adminDataGrants,
  ADMIN_ATTRIBUTES,
  PUBLIC_READ_PARTITIONS,
  type FunctionName,
} from '../../shared/platform/table-access';
import { bedrockModelIds, executorAiEnvironment, reportAiEnvironment } from '../config/ai';
import { grantInvokeModel, invokeModelResources } from '../constructs/bedrock-access';
import { ConsoleApi } from '../constructs/console-api';
import { ConsoleSite } from '../constructs/console-site';
import { SecureFunction } from '../constructs/secure-function';
import { PriceWatcherService } from '../constructs/price-watcher-service';
import { StaticEgress } from '../constructs/static-egress';
import { TenantDataRole } from '../constructs/tenant-data-role';
import { AdminDataRole } from '../constructs/admin-data-role';
import { WebhookFirewall } from '../constructs/webhook-firewall';
import type { NotificationResources } from './stateful-stack';

export type { FunctionName } from '../../shared/platform/table-access';

/** EventBridge Scheduler's cron day-of-week field takes the same three letters. */
export function reportCron(dailyAt: string, weeklyDay?: Weekday): { minute: string; hour: string; weekDay?: string } {
  const [hour, minute] = dailyAt.split(':').map((part) => String(Number(part)));
  return { minute: minute ?? '0', hour: hour ?? '0', ...(weeklyDay ? { weekDay: weeklyDay } : {}) };
}

/**
 * EventBridge Scheduler → a Lambda function with a role that may invoke exactly that function
 * (the L2 LambdaInvoke target also grants every version, `<arn>:*`, which is not wanted here).
 */
class InvokeFunction implements IScheduleTarget {
  constructor(
    private readonly fn: IFunction,
    private readonly role: Role,
    private readonly input: Record<string, unknown>,
  ) {}

  bind(_schedule: ISchedule): ScheduleTargetConfig {
    return {
      arn: this.fn.functionArn,
      role: this.role,
      input: ScheduleTargetInput.fromObject(this.input),
      // A report is wanted once; a retry within the hour is still on time, later it is stale.
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
    };
  }
}

/**
 * When each timeframe's candle closes, as EventBridge cron fields (UTC, like exchange candles).
 * Cron has minute granularity: the rule fires in the close minute and the function itself waits
 * until close + settleSeconds before reading candles.
 */
export const TIMEFRAME_CRON: Record<RunnerTimeframe, CronOptions> = {
  '1m': { minute: '*' },
  '5m': { minute: '0/5' },
  '15m': { minute: '0/15' },
  '1h': { minute: '0' },
  '4h': { minute: '0', hour: '0/4' },
  '1d': { minute: '0', hour: '0' },
};

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  /** repository root, for the handler entries and esbuild */
  projectRoot: string;
  tables: Record<TableName, ITable>;
  credentialsKey: IKey;
  notifications: NotificationResources;
  /**
   * The reports bucket (StatefulStack.reportsBucketName: built from the stage and pseudo
   * parameters, not a cross-stack reference): the report function puts charts under reports/ and
   * signs links to them (mailed when an e-mail cannot attach the chart).
   */
  reportsBucketName: string;
  /** the stateful stack's Elastic IP (stage option staticEgress): the executor and risk check send from it */
  egressAllocationId?: string;
  /** the console's Cognito user pool and app client (stateful stack): the API's JWT authorizer and the page's config */
  consoleAuth: { userPoolId: string; clientId: string };
}

/** The console API function's size: reads of one owner's book, answered within API Gateway's 30 s. */
export const CONSOLE_API_FUNCTION = { timeoutSeconds: 15, memorySize: 512 } as const;

/** The slice timer's consumer reads one row and sends one message per child: seconds at most. */
export const SLICE_TIMER_TIMEOUT_SECONDS = 30;

/** The REST API's stage: the first segment of its URLs (https://<id>.execute-api.<region>.amazonaws.com/live/webhook). */
export const WEBHOOK_API_STAGE = 'live';

/** POST /telegram's own throttle, inside the stage's: a handful of people's commands. */
export const TELEGRAM_ROUTE_THROTTLE = { rateLimit: 5, burstLimit: 10 } as const;

/** The access-log metric of 429 answers (the stage throttle), per stage: metric filters take no fixed dimension. */
export const webhookApiThrottledMetricName = (stage: string): string => `WebhookApi429-${stage}`;

/** Where the report function may put and get charts in the reports bucket (shared/core/reporting/send-reports.ts chartKey). */
export const REPORTS_PREFIX = 'reports/';

/**
 * A resolved IAM resource as cdk-nag writes it in a finding id (its flattenCfnReference): joins
 * flattened, a Ref as <Name>. Only what the reports ARN contains; anything else throws.
 */
function nagResource(value: unknown): string {
  if (typeof value === 'string') return value;
  const o = value as Record<string, unknown>;
  if (typeof o.Ref === 'string') return `<${o.Ref}>`;
  const join = o['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(nagResource).join(join[0]);
  throw new Error(`cannot name ${JSON.stringify(value)} for cdk-nag`);
}

export class StatelessStack extends Stack {
  readonly signalQueue: Queue;
  readonly signalDlq: Queue;
  /** sliced entries' children waiting until due (docs/EXECUTION-ALGOS.md); standard: FIFO has no per-message delay */
  readonly sliceTimerQueue: Queue;
  readonly sliceTimerDlq: Queue;
  readonly sliceTimer: SecureFunction;
  readonly webhook: SecureFunction;
  readonly executor: SecureFunction;
  readonly paperTick: SecureFunction;
  /** the webhook (and Telegram) API: a REST API, so AWS WAF can stand in front of it */
  readonly api: RestApi;
  /** the WAF web ACL on the API's stage: per-account rate limit, source-IP allowlists */
  readonly webAcl: WebhookFirewall;
  /** the VPC and NAT behind the fixed egress IP, when the stage has one */
  readonly egress?: StaticEgress;
  readonly paperTickRule: Rule;
  readonly riskCheck: SecureFunction;
  readonly riskCheckRule: Rule;
  /** the optional always-on price watcher (stage option `watcher`): absent when off */
  readonly priceWatcher?: PriceWatcherService;
  readonly strategyRunner: SecureFunction;
  /** live funding arbitrage's coordinator (docs/FUNDING.md "Live"), every minute */
  readonly fundingArb: SecureFunction;
  readonly fundingArbRule: Rule;
  /** one per timeframe of the stage config */
  readonly strategyRunnerRules: Partial<Record<RunnerTimeframe, Rule>> = {};
  readonly notifier: SecureFunction;
  /** where the audit stream puts a batch the notifier failed on after its retries (its records' positions, not the events) */
  readonly notifierDlq: Queue;
  readonly notifierFlushRule: Rule;
  readonly report: SecureFunction;
  readonly dailyReportSchedule: Scheduler;
  readonly weeklyReportSchedule: Scheduler;
  /** POST /telegram: only when the stage names Telegram chats */
  readonly telegramBot?: SecureFunction;
  /** the console's API function (reads, and actions queued on the signal queue's lanes) */
  readonly consoleApiFunction: SecureFunction;
  /** its HTTP API with the Cognito JWT authorizer */
  readonly consoleApi: ConsoleApi;
  /** the console API's role for one tenant at a time (session tag tenant) */
  readonly tenantDataRole: TenantDataRole;
  readonly adminDataRole: AdminDataRole;
  /** the console's bucket and CloudFront distribution (the page and /api/v1 on one origin) */
  readonly consoleSite: ConsoleSite;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, tables, projectRoot } = props;
    const stage = config.stage;
    const executorTimeout = Duration.seconds(config.executor.timeoutSeconds);

    // Queue encryption: SQS_MANAGED. Messages carry signals, never credentials; SSE-SQS needs no
    // kms:* permission on producer or consumer (the webhook keeps exactly sqs:SendMessage) and no
    // KMS request cost or throttling. Queues are destroyed with the stack in every stage: their
    // content lives minutes, and a retained queue with a fixed name would block a re-deploy.
    this.signalDlq = new Queue(this, 'SignalDlq', {
      queueName: signalDlqName(stage),
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Standard FIFO mode (queue dedup scope, per-queue throughput limit): signal volume is far below
    // the 300 API calls/s per action this mode allows, and queue-level dedup is the stricter one: a
    // dedup id already seen is dropped even if a retried send picked another message group.
    // High-throughput mode (messageGroup scope, per-group limit) would only loosen that.
    // Dedup ids are explicit (the webhook's signal id), so content-based dedup stays off.
    this.signalQueue = new Queue(this, 'SignalQueue', {
      queueName: signalQueueName(stage),
      fifo: true,
      contentBasedDeduplication: false,
      deduplicationScope: DeduplicationScope.QUEUE,
      fifoThroughputLimit: FifoThroughputLimit.PER_QUEUE,
      // AWS guidance for a Lambda consumer: at least 6 x the function timeout, so a batch retried
      // by the poller is not visible again while the first attempt may still run.
      visibilityTimeout: Duration.seconds(config.executor.timeoutSeconds * 6),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.signalDlq, maxReceiveCount: config.executor.maxReceiveCount },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // The slice timer (docs/EXECUTION-ALGOS.md): a STANDARD queue, because SQS FIFO queues do not
    // support a per-message DelaySeconds. Each child of a sliced entry waits here until it is due (at
    // most 900 s a hop; the consumer delays a longer wait again), then goes onto the FIFO lane under
    // its own deduplication id. A message that fails every receive lands in the DLQ (alarmed); the
    // risk-check job's safety net re-sends an overdue child meanwhile.
    this.sliceTimerDlq = new Queue(this, 'SliceTimerDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.sliceTimerQueue = new Queue(this, 'SliceTimerQueue', {
      visibilityTimeout: Duration.seconds(SLICE_TIMER_TIMEOUT_SECONDS * 6),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.sliceTimerDlq, maxReceiveCount: 5 },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Producers of the timer: the executor (each next child), the risk-check job (the safety net)
    // and the timer's consumer itself (a wait beyond 15 minutes, delayed again). SendMessage only.
    const scheduleSlices = new PolicyStatement({
      actions: ['sqs:SendMessage'],
      resources: [this.sliceTimerQueue.queueArn],
    });

    // Fixed outbound IP (stage option): the functions that sign exchange requests run behind it.
    this.egress =
      config.staticEgress && props.egressAllocationId
        ? new StaticEgress(this, 'Egress', {
            stage,
            kind: config.staticEgress,
            eipAllocationId: props.egressAllocationId,
          })
        : undefined;
    const exchangeNetwork = this.egress
      ? { network: { vpc: this.egress.vpc, securityGroup: this.egress.functionSecurityGroup } }
      : {};

    const common = {
      projectRoot,
      logLevel: config.logLevel,
      logRetention: config.logRetentionDays,
      removalPolicy: config.removalPolicy,
    };

    // ---- webhook: TradingView -> validate -> SQS FIFO
    this.webhook = new SecureFunction(this, 'Webhook', {
      ...common,
      entry: 'functions/webhook/handler.ts',
      description: `${APP_PREFIX} ${stage}: TradingView webhook -> signal queue`,
      serviceName: 'webhook',
      timeout: Duration.seconds(config.webhook.timeoutSeconds),
      memorySize: config.webhook.memorySize,
      environment: {
        STAGE: stage,
        SIGNAL_QUEUE_URL: this.signalQueue.queueUrl,
        MAX_BODY_BYTES: String(config.webhook.maxBodyBytes),
        MAX_SIGNAL_AGE_MS: String(config.webhook.maxSignalAgeMs),
        MAX_FUTURE_SKEW_MS: String(config.webhook.maxFutureSkewMs),
        IP_ALLOWLIST: config.webhook.ipAllowlist.join(','),
        DEDUP_TTL_HOURS: String(config.webhook.dedupTtlHours),
        REQUIRE_TIME: String(config.webhook.requireTime),
      },
    });
    // Not grantSendMessages: that adds GetQueueAttributes/GetQueueUrl, which the webhook never calls.
    this.webhook.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.signalQueue.queueArn] }),
    );
    this.grantTables(this.webhook, 'webhook', tables);

    const accessLogs = new LogGroup(this, 'WebhookApiAccessLogs', {
      retention: config.logRetentionDays,
      removalPolicy: config.removalPolicy,
    });
    // A REST API, not an HTTP API: AWS WAF attaches to REST API stages only, and WAF is what refuses
    // a request before it reaches API Gateway's throttle and the function (docs/SECURITY.md). The
    // function still checks the source IP itself (defence in depth, and the local stack has no WAF).
    this.api = new RestApi(this, 'WebhookApi', {
      restApiName: `${APP_PREFIX}-${stage}-webhook`,
      description: `${APP_PREFIX} ${stage}: TradingView webhook`,
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Access and execution logs need the account's API Gateway CloudWatch role (one per account
      // and region, kept when the stack goes: another stage may rely on it).
      cloudWatchRole: true,
      deployOptions: {
        stageName: WEBHOOK_API_STAGE,
        throttlingRateLimit: config.webhook.throttle.rateLimit,
        throttlingBurstLimit: config.webhook.throttle.burstLimit,
        // Telegram updates get their own, smaller share: a flood on /telegram cannot use up the
        // stage's budget that TradingView alerts need.
        methodOptions: {
          '/telegram/POST': {
            throttlingRateLimit: TELEGRAM_ROUTE_THROTTLE.rateLimit,
            throttlingBurstLimit: TELEGRAM_ROUTE_THROTTLE.burstLimit,
          },
        },
        // Execution logs at ERROR, never the data trace: request bodies carry the account token.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // No body and no headers: the body carries the account token. The route's template
        // (resourcePath: /webhook/{account}/{secret}), never the path as sent: TradingView's default
        // message is accepted on a URL that carries the account's secret in its last segment.
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            resourcePath: '$context.resourcePath',
            protocol: '$context.protocol',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integration.status',
            integrationLatency: '$context.integration.latency',
            integrationError: '$context.integrationErrorMessage',
            error: '$context.error.message',
            waf: '$context.waf.status',
          }),
        ),
      },
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "The account-level API Gateway CloudWatch role (cloudWatchRole) carries AWS's AmazonAPIGatewayPushToCloudWatchLogs, the documented policy API Gateway needs to write REST API access and execution logs; " +
        'API Gateway assumes it for every API of the account and region, so no narrower resource can be named.',
    });
    // 429s from the stage's throttle: REST APIs publish them only inside 4XXError, so the access
    // log's status is counted (the alarm is in the monitoring stack).
    new MetricFilter(this, 'WebhookApiThrottledFilter', {
      logGroup: accessLogs,
      filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: METRICS_NAMESPACE,
      metricName: webhookApiThrottledMetricName(stage),
      metricValue: '1',
      defaultValue: 0,
    });
    const integration = new LambdaIntegration(this.webhook.fn, { proxy: true, allowTestInvoke: false });
    const webhookResource = this.api.root.addResource('webhook');
    webhookResource.addMethod('POST', integration);
    const accountResource = webhookResource.addResource('{account}');
    accountResource.addMethod('POST', integration);
    // TradingView's default strategy message (plain text, no token in it): the account's secret is
    // the URL's last segment instead, which the access log never records (resourcePath above).
    accountResource.addResource('{secret}').addMethod('POST', integration);
    this.webAcl = new WebhookFirewall(this, 'WebhookFirewall', {
      stage,
      apiStageArn: this.api.deploymentStage.stageArn,
      pathPrefix: `/${WEBHOOK_API_STAGE}`,
      tradingViewIps: config.webhook.ipAllowlist,
      telegram: telegramEnabled(config),
      accountRateLimit: config.webhook.accountRateLimit,
    });
    for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
      Validations.of(this.api).acknowledge({
        id,
        reason:
          'TradingView webhooks cannot send custom headers, signatures or credentials other than in the body, so no API Gateway authorizer can apply. ' +
          'Compensating controls: a revocable per-account token in the body, hashed and compared in constant time inside the function before anything is queued ' +
          "(POST /webhook/{account}/{secret}, opt-in per account for TradingView's default message, carries that token as the URL's last segment instead; the access log records the route template, never the path); " +
          'the TradingView source-IP allowlist enforced by AWS WAF in front of the stage (on in prod) and again in the function, read from the API Gateway request context; a body size cap checked before parsing; ' +
          'a per-account rate limit in WAF and stage throttling; POST routes only. ' +
          'Replays of a captured body: with `time` (required by default in prod, per-account setting requireTime) the body is refused once older than MAX_SIGNAL_AGE_MS (60 s) or more than 5 s ahead, ' +
          'and inside that window the stored dedup record (7 days) answers duplicate; with `id` the signal id is derived from it, so after the dedup record expires the executor finds the signal already executed and sends nothing; ' +
          'with neither (allowed only where requireTime is off: dev, local, or an account that opts out) an identical body is one signal for 5 minutes (dedup record and SQS FIFO deduplication) and a new signal after that. ' +
          'Bad input is refused before queueing: numbers bounded (docs/SIGNALS.md), identifiers printable ASCII before any case folding. ' +
          'POST /telegram (when Telegram is on): Telegram authenticates with the setWebhook secret_token in a header, compared in constant time before anything is read or answered (401 otherwise), and the bot obeys only the configured chat and user ids; ' +
          'a Lambda authorizer would be a second function doing the same comparison.',
      });
    }
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'The request body is validated in the function against the signal schema (shared/core/signal), which answers 422 naming every bad field; TradingView bodies may also be plain text. ' +
        'An API Gateway JSON-schema model would duplicate that contract in a second place and answer with a different error shape.',
    });
    new CfnOutput(this, 'WebhookUrl', {
      description:
        "Paste into the TradingView alert (POST /webhook, or /webhook/{account}; /webhook/{account}/{secret} for TradingView's default message)",
      value: this.api.urlForPath('/webhook'),
    });

    // ---- executor: SQS FIFO -> risk -> exchange
    this.executor = new SecureFunction(this, 'Executor', {
      ...common,
      entry: 'functions/executor/handler.ts',
      description: `${APP_PREFIX} ${stage}: executes queued signals on the exchange`,
      serviceName: 'executor',
      // named: the credentials key policy lets this role decrypt (infra/config/principals.ts)
      roleName: functionRoleName(stage, 'executor'),
      ...exchangeNetwork,
      timeout: executorTimeout,
      memorySize: config.executor.memorySize,
      ...(config.executor.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: config.executor.reservedConcurrency }),
      environment: {
        STAGE: stage,
        KEY_VAULT: 'kms',
        KMS_KEY_ID: props.credentialsKey.keyArn,
        PAPER_PRICE_SOURCE: config.paper.priceSource,
        SIGNAL_LEASE_MS: String(config.executor.signalLeaseMs),
        EXCHANGE_TESTNET: String(config.exchange.testnet),
        SLICE_TIMER_QUEUE_URL: this.sliceTimerQueue.queueUrl,
        // the ensemble's models (none without the stage's `ai` block)
        ...executorAiEnvironment(config.ai),
      },
    });
    this.grantModels(this.executor, config.ai?.ensembleModels ?? []);
    // The key vault encrypts every credential with the context {tenantId, accountId} (those written
    // before tenancy: {accountId}); both carry accountId, which is all this condition asks, and a
    // decrypt without one (anything that is not a credential blob) is refused.
    const decryptCredentials = new PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [props.credentialsKey.keyArn],
      conditions: { StringLike: { 'kms:EncryptionContext:accountId': '*' } },
    });
    this.executor.role.addToPrincipalPolicy(decryptCredentials);
    this.executor.role.addToPrincipalPolicy(scheduleSlices);
    this.grantTables(this.executor, 'executor', tables);
    this.signalQueue.grantConsumeMessages(this.executor.role);
    this.executor.fn.addEventSource(
      new SqsEventSource(this.signalQueue, { batchSize: config.executor.batchSize, reportBatchItemFailures: true }),
    );

    // ---- paper-tick: fills resting paper orders against live prices, every minute
    this.paperTick = new SecureFunction(this, 'PaperTick', {
      ...common,
      entry: 'functions/paper-tick/handler.ts',
      description: `${APP_PREFIX} ${stage}: paper exchange tick (resting orders, stops)`,
      serviceName: 'paper-tick',
      timeout: Duration.seconds(config.paperTick.timeoutSeconds),
      memorySize: config.paperTick.memorySize,
      // A failed tick is superseded by the next one a minute later; a retry would only overlap it.
      retryAttempts: 0,
      environment: {
        STAGE: stage,
        PAPER_PRICE_SOURCE: config.paper.priceSource,
        SIGNAL_LEASE_MS: String(config.executor.signalLeaseMs),
        EXCHANGE_TESTNET: String(config.exchange.testnet),
      },
    });
    this.grantTables(this.paperTick, 'paperTick', tables);
    this.paperTickRule = new Rule(this, 'PaperTickSchedule', {
      description: `${APP_PREFIX} ${stage}: paper-tick every ${config.paperTick.everyMinutes} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(config.paperTick.everyMinutes)),
      targets: [new LambdaFunction(this.paperTick.fn, { retryAttempts: 0 })],
    });

    // ---- risk-check: every minute, per account under a lease: protective fills booked and
    // one-cancels-other restored, book reconciled with the exchange, missing stops re-armed, equity
    // snapshot, kill switches (flatten, disable, alert). Live accounts' keys: the executor's KMS grant.
    //
    // Timeout (stage config, 50 s): below the one-minute period, so a run ends before the next is
    // started; a slower one is cut off (an error alarm) instead of piling up behind the schedule.
    // Reserved concurrency is a stage option, unset by default: 1 would keep two runs strictly apart,
    // but a new AWS account (concurrency quota 10) refuses any reservation, which is why the executor
    // has none either. Overlap is harmless anyway: each account is checked under a lease in the risk
    // table (a second run skips it as busy), and every booking is keyed and conditional.
    const risk = config.riskCheck;
    this.riskCheck = new SecureFunction(this, 'RiskCheck', {
      ...common,
      entry: 'functions/risk-check/handler.ts',
      description: `${APP_PREFIX} ${stage}: risk check (book vs exchange, stops, equity, kill switches)`,
      serviceName: 'risk-check',
      roleName: functionRoleName(stage, 'risk-check'),
      ...exchangeNetwork,
      timeout: Duration.seconds(risk.timeoutSeconds),
      memorySize: risk.memorySize,
      ...(risk.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: risk.reservedConcurrency }),
      // A failed run is superseded by the next one a minute later; a retry would only overlap it.
      retryAttempts: 0,
      environment: {
        STAGE: stage,
        KEY_VAULT: 'kms',
        KMS_KEY_ID: props.credentialsKey.keyArn,
        // paper accounts are checked too, against the paper exchange's prices
        PAPER_PRICE_SOURCE: config.paper.priceSource,
        SIGNAL_LEASE_MS: String(config.executor.signalLeaseMs),
        EXCHANGE_TESTNET: String(config.exchange.testnet),
        RISK_CANDLE_SOURCE: 'exchange',
        SLICE_TIMER_QUEUE_URL: this.sliceTimerQueue.queueUrl,
      },
    });
    this.riskCheck.role.addToPrincipalPolicy(decryptCredentials);
    this.riskCheck.role.addToPrincipalPolicy(scheduleSlices);
    this.grantTables(this.riskCheck, 'riskCheck', tables);
    this.riskCheckRule = new Rule(this, 'RiskCheckSchedule', {
      description: `${APP_PREFIX} ${stage}: risk check (stops, reconciliation, kill switches) every ${RISK_CHECK_EVERY_MINUTES} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(RISK_CHECK_EVERY_MINUTES)),
      targets: [new LambdaFunction(this.riskCheck.fn, { retryAttempts: 0 })],
    });

    // ---- price-watcher (stage option, off by default): an always-on Fargate task over the
    // exchanges' websockets. It drives the risk check's own handlers within a second of a tick
    // (trailing stops, paper fills, circuit-breaker samples), so it gets the risk check's
    // variables and grants; the one-minute jobs above stay as they are, the safety net when it is
    // down (docs/WATCHER-CLOUD.md).
    if (config.watcher.enabled)
      this.priceWatcher = new PriceWatcherService(this, 'PriceWatcher', {
        stage,
        projectRoot,
        config: config.watcher,
        logLevel: config.logLevel,
        logRetention: config.logRetentionDays,
        removalPolicy: config.removalPolicy,
        tables,
        credentialsKey: props.credentialsKey,
        environment: {
          STAGE: stage,
          KEY_VAULT: 'kms',
          KMS_KEY_ID: props.credentialsKey.keyArn,
          PAPER_PRICE_SOURCE: config.paper.priceSource,
          SIGNAL_LEASE_MS: String(config.executor.signalLeaseMs),
          EXCHANGE_TESTNET: String(config.exchange.testnet),
          RISK_CANDLE_SOURCE: 'exchange',
          // paper accounts follow an exchange's public stream in the cloud (the replay is local)
          WATCHER_PAPER_STREAM: 'exchange',
        },
        ...(this.egress ? { egress: { vpc: this.egress.vpc, securityGroup: this.egress.functionSecurityGroup } } : {}),
      });
    // ---- slice-timer: a due child of a sliced entry → the account's FIFO lane (no exchange, no keys)
    this.sliceTimer = new SecureFunction(this, 'SliceTimer', {
      ...common,
      entry: 'functions/slice-timer/handler.ts',
      description: `${APP_PREFIX} ${stage}: releases due slices of sliced entries onto the signal queue`,
      serviceName: 'slice-timer',
      timeout: Duration.seconds(SLICE_TIMER_TIMEOUT_SECONDS),
      memorySize: 256,
      environment: {
        STAGE: stage,
        SIGNAL_QUEUE_URL: this.signalQueue.queueUrl,
        SLICE_TIMER_QUEUE_URL: this.sliceTimerQueue.queueUrl,
      },
    });
    this.grantTables(this.sliceTimer, 'sliceTimer', tables);
    this.sliceTimer.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.signalQueue.queueArn, this.sliceTimerQueue.queueArn],
      }),
    );
    this.sliceTimerQueue.grantConsumeMessages(this.sliceTimer.role);
    this.sliceTimer.fn.addEventSource(
      new SqsEventSource(this.sliceTimerQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    // ---- strategy-runner: at each candle close, enabled strategies → signals on the FIFO queue
    const runner = config.strategyRunner;
    this.strategyRunner = new SecureFunction(this, 'StrategyRunner', {
      ...common,
      entry: 'functions/strategy-runner/handler.ts',
      description: `${APP_PREFIX} ${stage}: runs enabled strategies at each candle close, queues their signals`,
      serviceName: 'strategy-runner',
      timeout: Duration.seconds(runner.timeoutSeconds),
      memorySize: runner.memorySize,
      environment: {
        STAGE: stage,
        SIGNAL_QUEUE_URL: this.signalQueue.queueUrl,
        DEDUP_TTL_HOURS: String(runner.dedupTtlHours),
        CANDLE_SOURCE: 'exchange',
        CANDLE_EXCHANGE: runner.candleExchange,
        SETTLE_MS: String(runner.settleSeconds * 1000),
      },
    });
    // Like the webhook: SendMessage to the signal queue only (no GetQueueAttributes/GetQueueUrl).
    this.strategyRunner.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.signalQueue.queueArn] }),
    );
    this.grantTables(this.strategyRunner, 'strategyRunner', tables);
    for (const timeframe of runner.timeframes) {
      this.strategyRunnerRules[timeframe] = new Rule(this, `StrategyRunner${timeframe.toUpperCase()}Schedule`, {
        description: `${APP_PREFIX} ${stage}: strategy-runner at every ${timeframe} candle close`,
        schedule: Schedule.cron(TIMEFRAME_CRON[timeframe]),
        // The event's own time (the scheduled minute) rides along: the run decides on the candles
        // closed by then, so a late or retried invocation produces the same signal ids. Retries
        // (Lambda's async default) are therefore safe, and the next chance is a whole candle away.
        targets: [
          new LambdaFunction(this.strategyRunner.fn, {
            event: RuleTargetInput.fromObject({ timeframe, time: EventField.time }),
          }),
        ],
      });
    }

    // ---- funding-arb: every minute, each enabled plan's round → leg signals on the FIFO queue
    this.fundingArb = new SecureFunction(this, 'FundingArb', {
      ...common,
      entry: 'functions/funding-arb/handler.ts',
      description: `${APP_PREFIX} ${stage}: live funding arbitrage, two perpetuals on two accounts: enters, balances and exits the plans' rounds`,
      serviceName: 'funding-arb',
      timeout: Duration.seconds(50),
      memorySize: 512,
      environment: {
        STAGE: stage,
        SIGNAL_QUEUE_URL: this.signalQueue.queueUrl,
        ARB_DEDUP_TTL_HOURS: '720',
      },
    });
    // Like the strategy runner: SendMessage to the signal queue only; public exchange endpoints, no key.
    this.fundingArb.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.signalQueue.queueArn] }),
    );
    this.grantTables(this.fundingArb, 'fundingArb', tables);
    // Every run is idempotent (conditional round writes, deterministic leg ids): a retried or
    // overlapping invocation sends nothing twice, so EventBridge's async retries are safe.
    this.fundingArbRule = new Rule(this, 'FundingArbSchedule', {
      description: `${APP_PREFIX} ${stage}: funding-arb every minute`,
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.fundingArb.fn)],
    });

    // ---- notifications: the channels every notifying function shares (same variables, same grants)
    const { notifications } = props;
    const telegram = telegramEnabled(config);
    const email = config.notify.email;
    // The stateful stack's SES identity, by the ARN named here from the address and this stack's
    // partition, region and account (like the reports bucket: a stable string, no cross-stack export).
    const emailIdentityArn = email
      ? this.formatArn({ service: 'ses', resource: 'identity', resourceName: email })
      : undefined;
    const channelEnv: Record<string, string> = {
      ...(config.notify.routing ? { NOTIFY_CONFIG: JSON.stringify(config.notify.routing) } : {}),
      // A channel's variables only when it is on: an empty secret read at start would fail the function.
      ...(telegram
        ? {
            TELEGRAM_BOT_TOKEN_SECRET_ARN: notifications.telegramBotTokenSecret.secretArn,
            TELEGRAM_CHAT_IDS: config.telegram.chatIds.join(','),
          }
        : {}),
      ...(config.notify.discord ? { DISCORD_WEBHOOK_SECRET_ARN: notifications.discordWebhookSecret.secretArn } : {}),
      // E-mail through SES from the stage's address to itself (the SES sandbox allows that; see the
      // stateful stack's NotifyEmailAddress output), with the report's chart attached.
      ...(email ? { EMAIL_FROM: email, EMAIL_TO: email } : {}),
    };
    const grantChannels = (fn: SecureFunction) => {
      if (telegram) grantSecretRead(fn, notifications.telegramBotTokenSecret);
      if (config.notify.discord) grantSecretRead(fn, notifications.discordWebhookSecret);
      // SendEmail, and SendRawEmail that SES API v2 also checks for raw (attachment) content, on that
      // one identity: SES authorizes a send against the From identity (here also the only recipient).
      if (emailIdentityArn)
        fn.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['ses:SendEmail', 'ses:SendRawEmail'], resources: [emailIdentityArn] }),
        );
    };

    // ---- notifier: the audit table's stream (inserts only) → the owner's channels
    const notify = config.notify.notifier;
    this.notifier = new SecureFunction(this, 'Notifier', {
      ...common,
      entry: 'functions/notifier/handler.ts',
      description: `${APP_PREFIX} ${stage}: audit events -> Telegram, Discord, e-mail`,
      serviceName: 'notifier',
      timeout: Duration.seconds(notify.timeoutSeconds),
      memorySize: notify.memorySize,
      // The flush schedule's invocations: the next one comes 15 minutes later anyway.
      retryAttempts: 0,
      environment: { STAGE: stage, ...channelEnv },
    });
    this.grantTables(this.notifier, 'notifier', tables);
    grantChannels(this.notifier);
    this.notifierDlq = new Queue(this, 'NotifierDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.notifierDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter destination: the on-failure destination of the notifier's audit-stream event source mapping (failed batches' stream positions). " +
        'Nothing consumes it in a loop that could fail again; an alarm fires when it holds a message.',
    });
    const auditStream = tables.audit.tableStreamArn;
    if (!auditStream) throw new Error('the audit table has no stream: TABLE_SPECS.audit.stream must be NEW_IMAGE');
    // The mapping is declared directly, not through DynamoEventSource, whose grant adds
    // dynamodb:ListStreams on "*": here every stream action is on the audit stream alone.
    this.notifier.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [auditStream],
      }),
    );
    this.notifier.fn.addEventSourceMapping('AuditStream', {
      eventSourceArn: auditStream,
      startingPosition: StartingPosition.LATEST,
      // Up to 50 events or 5 s, whichever first: a burst (an order, its fills, its stops) becomes
      // one invocation and few messages, at most 5 s late.
      batchSize: notify.batchSize,
      maxBatchingWindow: Duration.seconds(notify.maxBatchingWindowSeconds),
      // A batch that fails is split in halves and retried, so one bad event cannot hold the rest;
      // after the retries its records' positions go to the DLQ and the stream moves on.
      bisectBatchOnError: true,
      retryAttempts: notify.retryAttempts,
      reportBatchItemFailures: false,
      onFailure: new SqsDlq(this.notifierDlq),
      // The audit log is append-only: inserts are the events (no invocation for a TTL delete).
      filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT') })],
    });
    // Held notifications (quiet hours over, a channel back) go out on the next run: invoked with
    // an empty event, the notifier only flushes.
    this.notifierFlushRule = new Rule(this, 'NotifierFlushSchedule', {
      description: `${APP_PREFIX} ${stage}: notifier sends held notifications every ${notify.flushEveryMinutes} minutes`,
      schedule: Schedule.rate(Duration.minutes(notify.flushEveryMinutes)),
      targets: [new LambdaFunction(this.notifier.fn, { event: RuleTargetInput.fromObject({}), retryAttempts: 0 })],
    });

    // ---- report: daily and weekly, at a local time of the owner's zone (EventBridge Scheduler
    // keeps the local time across daylight-saving changes; EventBridge rules are UTC only)
    const report = config.report;
    this.report = new SecureFunction(this, 'Report', {
      ...common,
      entry: 'functions/report/handler.ts',
      description: `${APP_PREFIX} ${stage}: daily and weekly account reports`,
      serviceName: 'report',
      timeout: Duration.seconds(report.timeoutSeconds),
      memorySize: report.memorySize,
      environment: {
        STAGE: stage,
        REPORT_TIME_ZONE: report.timeZone,
        // hourly candles for the buy-and-hold comparison: the strategy runner's public source
        CANDLE_SOURCE: 'exchange',
        CANDLE_EXCHANGE: config.strategyRunner.candleExchange,
        // the held symbols' funding rates: each account's exchange, public endpoints, no key
        REPORT_FUNDING_RATES: 'exchange',
        REPORTS_BUCKET: props.reportsBucketName,
        ...channelEnv,
        // the market summary's model (none without the stage's `ai` block)
        ...reportAiEnvironment(config.ai),
      },
    });
    this.grantModels(this.report, config.ai?.marketSummaryModel ? [config.ai.marketSummaryModel] : []);
    this.grantTables(this.report, 'report', tables);
    grantChannels(this.report);
    // The charts: PutObject, and GetObject for the presigned links it signs (a link carries its
    // signer's permissions). Not grantReadWrite: that adds List, Delete, Abort and a bucket ARN.
    // Only a bucket of this account: the name is predictable, so one held elsewhere is refused.
    const reportObjects = `arn:${Aws.PARTITION}:s3:::${props.reportsBucketName}/${REPORTS_PREFIX}*`;
    this.report.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [reportObjects],
        conditions: { StringEquals: { 's3:ResourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    Validations.of(this.report.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResource(this.resolve(reportObjects))}]`,
      reason:
        'The report stores one chart per account and period under keys it names (reports/<accountId>/<kind>-<date>.png), so its object grant is the reports/ prefix of the reports bucket, ' +
        'PutObject and GetObject only (GetObject is what the presigned links it mails carry), in this account only. No List or Delete, no other prefix or bucket.',
    });
    const schedulerRole = new Role(this, 'ReportSchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: `${APP_PREFIX} ${stage}: EventBridge Scheduler invokes the report function`,
    });
    schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.report.fn.functionArn] }),
    );
    const timeZone = TimeZone.of(report.timeZone);
    this.dailyReportSchedule = new Scheduler(this, 'DailyReportSchedule', {
      description: `${APP_PREFIX} ${stage}: daily report at ${report.dailyAt} ${report.timeZone}`,
      schedule: ScheduleExpression.cron({ ...reportCron(report.dailyAt), timeZone }),
      target: new InvokeFunction(this.report.fn, schedulerRole, { kind: 'daily' }),
    });
    this.weeklyReportSchedule = new Scheduler(this, 'WeeklyReportSchedule', {
      description: `${APP_PREFIX} ${stage}: weekly report on ${report.weeklyDay} at ${report.dailyAt} ${report.timeZone}`,
      schedule: ScheduleExpression.cron({ ...reportCron(report.dailyAt, report.weeklyDay), timeZone }),
      target: new InvokeFunction(this.report.fn, schedulerRole, { kind: 'weekly' }),
    });

    // ---- telegram-bot: POST /telegram on the same API, when the stage names Telegram chats
    if (telegram) {
      const bot = new SecureFunction(this, 'TelegramBot', {
        ...common,
        entry: 'functions/telegram-bot/handler.ts',
        description: `${APP_PREFIX} ${stage}: Telegram bot commands (webhook)`,
        serviceName: 'telegram-bot',
        timeout: Duration.seconds(config.telegram.bot.timeoutSeconds),
        memorySize: config.telegram.bot.memorySize,
        environment: {
          STAGE: stage,
          SIGNAL_QUEUE_URL: this.signalQueue.queueUrl,
          TELEGRAM_BOT_TOKEN_SECRET_ARN: notifications.telegramBotTokenSecret.secretArn,
          TELEGRAM_WEBHOOK_SECRET_ARN: notifications.telegramWebhookSecret.secretArn,
          TELEGRAM_CHAT_IDS: config.telegram.chatIds.join(','),
          TELEGRAM_USER_IDS: config.telegram.userIds.join(','),
          // /resume of a paused live account takes a live slot of the tenant's plan, as in the console
          PLANS: JSON.stringify(config.plans),
        },
      });
      this.grantTables(bot, 'telegramBot', tables);
      grantSecretRead(bot, notifications.telegramBotTokenSecret);
      grantSecretRead(bot, notifications.telegramWebhookSecret);
      // /flatten queues closes: SendMessage only, like the webhook.
      bot.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.signalQueue.queueArn] }),
      );
      this.api.root
        .addResource('telegram')
        .addMethod('POST', new LambdaIntegration(bot.fn, { proxy: true, allowTestInvoke: false }));
      new CfnOutput(this, 'TelegramWebhookUrl', {
        description:
          "The bot's webhook: give it to setWebhook with the secret_token (see the stateful stack's TelegramWebhookSecretArn output)",
        value: this.api.urlForPath('/telegram'),
      });
      this.telegramBot = bot;
    }

    // ---- console: the owner's API (JWT from the console's user pool) and the web page, one origin
    this.consoleApiFunction = new SecureFunction(this, 'ConsoleApiFunction', {
      ...common,
      entry: 'functions/console-api/handler.ts',
      description: `${APP_PREFIX} ${stage}: the owner's console API (performance reads, operator actions)`,
      serviceName: 'console-api',
      timeout: Duration.seconds(CONSOLE_API_FUNCTION.timeoutSeconds),
      memorySize: CONSOLE_API_FUNCTION.memorySize,
      environment: {
        STAGE: stage,
        SIGNAL_QUEUE_URL: this.signalQueue.queueUrl,
        SIGNAL_DLQ_URL: this.signalDlq.queueUrl,
        // the console's test alert goes through the stage's own webhook (in prod the firewall lets
        // only TradingView's addresses through, so there it is refused 403: docs/SIGNALS.md)
        WEBHOOK_URL: this.api.urlForPath('/webhook'),
        // the chart's candles: public OHLCV through ccxt, the API's one outside call (never trades)
        CANDLE_SOURCE: 'exchange',
        // the console's user pool requires TOTP at every sign-in (ConsoleAuth: Mfa.REQUIRED), so a
        // recent sign-in is a recent second factor, which money moves need (docs/TENANCY.md)
        CONSOLE_MFA: 'required',
        PLANS: JSON.stringify(config.plans),
      },
    });
    // No table access of its own: every read and write runs as the tenant data role for the
    // caller's tenant (docs/TENANCY.md), each key held to that tenant by IAM.
    this.tenantDataRole = new TenantDataRole(this, 'TenantDataRole', {
      assumedBy: this.consoleApiFunction.role,
      tables,
      grants: tenantDataGrants('consoleApi'),
      // the live prices (public market data): Query of `price#*` on the risk table, nothing else
      publicReads: PUBLIC_READ_PARTITIONS,
      description: `${APP_PREFIX} ${stage}: the console API for one tenant (session tag tenant), keys held to it`,
    });
    this.consoleApiFunction.fn.addEnvironment('TENANT_DATA_ROLE_ARN', this.tenantDataRole.role.roleArn);
    // The deployment admin's routes only (the token's admin group, checked before the role is
    // assumed): the tenants table's plan, members, index and usage, the accounts' live-slot fields.
    this.adminDataRole = new AdminDataRole(this, 'AdminDataRole', {
      assumedBy: this.consoleApiFunction.role,
      tables,
      grants: adminDataGrants(),
      attributes: ADMIN_ATTRIBUTES,
      description: `${APP_PREFIX} ${stage}: the console API for the deployment admin (plans, members, usage)`,
    });
    this.consoleApiFunction.fn.addEnvironment('ADMIN_DATA_ROLE_ARN', this.adminDataRole.role.roleArn);
    // GET /health: the queue's depth and in-flight count and the DLQ's depth.
    this.consoleApiFunction.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sqs:GetQueueAttributes'],
        resources: [this.signalQueue.queueArn, this.signalDlq.queueArn],
      }),
    );
    // The owner's actions go through the same FIFO lanes as signals (the API never calls an
    // exchange): SendMessage to the signal queue, like the webhook and the Telegram bot.
    this.consoleApiFunction.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.signalQueue.queueArn] }),
    );
    this.consoleApi = new ConsoleApi(this, 'ConsoleApi', {
      stage,
      handler: this.consoleApiFunction.fn,
      userPoolId: props.consoleAuth.userPoolId,
      clientId: props.consoleAuth.clientId,
      logRetention: config.logRetentionDays,
      removalPolicy: config.removalPolicy,
    });
    this.consoleSite = new ConsoleSite(this, 'ConsoleSite', {
      stage,
      projectRoot,
      apiDomainName: this.consoleApi.domainName,
      userPoolId: props.consoleAuth.userPoolId,
      clientId: props.consoleAuth.clientId,
      ...(config.consoleDomain ? { domain: config.consoleDomain } : {}),
      ...(config.consoleWebAclArn ? { webAclArn: config.consoleWebAclArn } : {}),
      logRetention: config.logRetentionDays,
      removalPolicy: config.removalPolicy,
    });
    new CfnOutput(this, 'ConsoleUrl', {
      description: "The owner's console (add a user first: npm run cli -- user add --stage <stage> --email <address>)",
      value: this.consoleSite.url,
    });
  }

  /**
   * Table access from the manifest (shared/platform/table-access.ts): the union of what the
   * repositories the function's runtime builds declare, which tests hold to the code. Never a
   * line kept here by hand: that is how a new repository call passed every test and failed in AWS.
   */
  private grantTables(fn: SecureFunction, name: FunctionName, tables: Record<TableName, ITable>): void {
    if (TENANT_SCOPED_FUNCTIONS.includes(name))
      throw new Error(`${name} reaches the tables as the tenant data role only`);
    for (const grant of functionTableGrants(name)) fn.grantTable(tables[grant.table], grant.actions, grant.indexes);
  }

  /**
   * bedrock:InvokeModel on each Bedrock model among `entries` ('provider:model', the stage's `ai`
   * block) and nothing else. An inference profile routes to its model in any region of its
   * geography, so that grant names the model in every region (acknowledged for cdk-nag).
   */
  private grantModels(fn: SecureFunction, entries: readonly string[]): void {
    for (const modelId of bedrockModelIds(entries)) {
      grantInvokeModel(fn.role, this, modelId);
      for (const resource of invokeModelResources(this, modelId).filter((r) => r.includes('*')))
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${nagResource(this.resolve(resource))}]`,
          reason:
            `The inference profile ${modelId} routes each request to the same foundation model in one of its geography's regions, ` +
            'chosen by Bedrock per request, so the grant names that one model in every region (bedrock:InvokeModel only, no other model).',
        });
    }
  }
}

/** GetSecretValue on exactly this secret (grantRead would add DescribeSecret, which no function calls). */
export function grantSecretRead(fn: SecureFunction, secret: ISecret): void {
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
}
