// Everything that differs between dev and prod, as one typed record (snapshot-tested), so a stack
// never branches on the stage name itself.
import { aiProblems, type AiConfig } from './ai';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { STAGES, type Stage } from '../../shared/platform/resource-names';

/** TradingView's published webhook source addresses (TradingView's published list; docs/SECURITY.md). */
export const TRADINGVIEW_WEBHOOK_IPS: readonly string[] = [
  '52.89.214.238',
  '34.212.75.30',
  '54.218.53.128',
  '52.32.178.7',
];

/** How the exchange-calling functions get one fixed public IP (docs/SECURITY.md: cost and trade-off). */
export type StaticEgressKind = 'nat-instance' | 'nat-gateway';
export const STATIC_EGRESS_KINDS: readonly StaticEgressKind[] = ['nat-instance', 'nat-gateway'];

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface ThrottleConfig {
  /** steady-state requests per second for the whole stage */
  rateLimit: number;
  /** short bursts above the rate */
  burstLimit: number;
}

/** WAF rate-based rule: at most `limit` requests per `windowSeconds` on one webhook path (one account). */
export interface AccountRateLimit {
  /** WAF allows 10..2,000,000,000 */
  limit: number;
  /** WAF evaluation windows: 60, 120, 300 or 600 s */
  windowSeconds: 60 | 120 | 300 | 600;
}

export interface WebhookConfig {
  timeoutSeconds: number;
  memorySize: number;
  maxBodyBytes: number;
  maxSignalAgeMs: number;
  maxFutureSkewMs: number;
  dedupTtlHours: number;
  /** empty = no source-IP check */
  ipAllowlist: readonly string[];
  /**
   * Replay protection: alerts must carry `time` (then the stale guard refuses a replayed body), unless
   * an account opts out (settings.requireTime). On in prod; off in dev, where hand-made alerts are sent.
   */
  requireTime: boolean;
  throttle: ThrottleConfig;
  /** per account (per /webhook/{account} path) at the WAF, before the stage throttle */
  accountRateLimit: AccountRateLimit;
}

export interface ExecutorConfig {
  timeoutSeconds: number;
  memorySize: number;
  /** unset = share the account's unreserved pool (a new account cannot reserve below 10 unreserved) */
  reservedConcurrency?: number;
  /** deliveries of one message before it moves to the DLQ */
  maxReceiveCount: number;
  /** SQS FIFO allows at most 10 */
  batchSize: number;
  /** lease on a signal while it executes; must outlive the function timeout */
  signalLeaseMs: number;
}

export interface PaperTickConfig {
  timeoutSeconds: number;
  memorySize: number;
  /** EventBridge schedule period */
  everyMinutes: number;
}

/** The risk check's EventBridge period: its kill switches and stop guard are per-minute. */
export const RISK_CHECK_EVERY_MINUTES = 1;

export interface RiskCheckConfig {
  /** one run over every account; must end before the next one-minute tick */
  timeoutSeconds: number;
  memorySize: number;
  /**
   * unset = share the account's unreserved pool. 1 would make EventBridge-started runs strictly
   * one at a time, but a new AWS account (concurrency quota 10) cannot reserve any: unset by default.
   */
  reservedConcurrency?: number;
}

/** Candle timeframes the strategy runner can be scheduled on (shared/core/domain/strategy-subscription.ts). */
export type RunnerTimeframe = '1m' | '5m' | '15m' | '1h' | '4h' | '1d';
export const RUNNER_TIMEFRAMES: readonly RunnerTimeframe[] = ['1m', '5m', '15m', '1h', '4h', '1d'];

export interface StrategyRunnerConfig {
  /** the timeframes subscriptions may use: one EventBridge rule each, at every candle close */
  timeframes: readonly RunnerTimeframe[];
  timeoutSeconds: number;
  memorySize: number;
  /** whose public candles every subscription reads (ccxt id) */
  candleExchange: 'binanceusdm' | 'okx' | 'bybit' | 'bitget' | 'upbit';
  /** how long after the candle close the run reads candles: exchanges finalise a candle a few seconds late */
  settleSeconds: number;
  /** how long a strategy signal's dedup record blocks a second send of it */
  dedupTtlHours: number;
}

export type Weekday = 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT' | 'SUN';
export const WEEKDAYS: readonly Weekday[] = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

export interface FunctionSize {
  timeoutSeconds: number;
  memorySize: number;
}

export interface TelegramConfig {
  /**
   * The chats that get notifications, reports and alarms, and whose commands the bot obeys (a
   * group's id is negative). Empty = Telegram off: no bot route, no alarm relay, no Telegram channel.
   * Given with `-c telegramChatIds=123,-456`, so the ids stay out of the repository.
   */
  chatIds: readonly string[];
  /**
   * The people whose commands the bot obeys (Telegram user ids), in the chats above: a group may
   * hold members who are not owners. Given with `-c telegramUserIds=123`; required with chat ids.
   */
  userIds: readonly string[];
  /** the bot's webhook function (POST /telegram); Telegram waits for its answer */
  bot: FunctionSize;
  /** SNS alarm topic → Telegram */
  alarmRelay: FunctionSize;
}

/** NOTIFY_CONFIG as data: the shape of NotifyConfig (shared/core/notify/config.ts), checked by its parser in test/infra. */
export interface NotifyRouting {
  rules: readonly {
    kinds: readonly string[] | '*';
    channels: readonly ('telegram' | 'email' | 'discord' | 'console')[];
    minSeverity: 'info' | 'warning' | 'critical';
  }[];
  /** non-critical messages wait until the end of these local hours */
  quietHours?: { start: string; end: string; timeZone: string };
}

export interface NotifierConfig extends FunctionSize {
  /** audit stream records per invocation: a burst becomes few messages */
  batchSize: number;
  /** how long the stream waits to fill a batch */
  maxBatchingWindowSeconds: number;
  /** retries of a failed batch (halved each time) before its records go to the notifier DLQ */
  retryAttempts: number;
  /** the schedule that sends held notifications (quiet hours over, a channel back) */
  flushEveryMinutes: number;
}

export interface NotifyConfig {
  /** the Discord channel: on once the Discord secret holds a webhook URL (`-c discord=true`) */
  discord: boolean;
  /**
   * The e-mail channel (`-c notifyEmail=...`): an SES identity for this address (verified by a link
   * SES mails to it), from which notifications and reports are sent to it; unset = no e-mail channel.
   */
  email?: string;
  /** NOTIFY_CONFIG (rules, quiet hours); unset = the notifier's defaults */
  routing?: NotifyRouting;
  notifier: NotifierConfig;
}

export interface ReportConfig extends FunctionSize {
  /** IANA time zone of the schedules and of the report's days (EventBridge Scheduler follows its DST) */
  timeZone: string;
  /** 'HH:MM' local time of the daily report, and of the weekly one on `weeklyDay` */
  dailyAt: string;
  weeklyDay: Weekday;
}

/**
 * The optional always-on price watcher (docs/WATCHER-CLOUD.md): an ECS Fargate service, one task,
 * over the exchanges' websocket streams. Off by default, and then nothing of it is synthesized:
 * the one-minute jobs (risk check, paper tick) do its work a minute later, as they always have.
 */
export interface WatcherConfig {
  /** `-c watcher=true` */
  enabled: boolean;
  /** Fargate CPU units (256 = 0.25 vCPU) */
  cpu: number;
  /** MiB; Fargate allows only certain pairs with `cpu` (validated) */
  memoryMiB: number;
}

/** 0.25 vCPU / 0.5 GB on ARM64: the smallest Fargate task; the watcher waits on sockets, not CPU. */
export const WATCHER_DEFAULTS: WatcherConfig = { enabled: false, cpu: 256, memoryMiB: 512 };

/** Fargate's CPU units and the memory each allows (MiB), for Linux tasks up to 4 vCPU. */
const FARGATE_MEMORY: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: Array.from({ length: 13 }, (_, i) => 4096 + i * 1024),
  4096: Array.from({ length: 23 }, (_, i) => 8192 + i * 1024),
};

export interface StageConfig {
  stage: Stage;
  /** both set, or both unset = environment-agnostic synth (no AWS credentials needed) */
  account?: string;
  region?: string;
  alarmEmail: string;
  logRetentionDays: RetentionDays;
  logLevel: LogLevel;
  /** tables, keys and log groups; queues are always destroyed (transient, fixed names) */
  removalPolicy: RemovalPolicy;
  tableDeletionProtection: boolean;
  webhook: WebhookConfig;
  executor: ExecutorConfig;
  paperTick: PaperTickConfig;
  riskCheck: RiskCheckConfig;
  paper: { priceSource: 'exchange' | 'replay' };
  exchange: { testnet: boolean };
  strategyRunner: StrategyRunnerConfig;
  telegram: TelegramConfig;
  notify: NotifyConfig;
  report: ReportConfig;
  /**
   * Off by default: an alarm on any Decrypt of the exchange-credentials key by a principal other
   * than the executor and risk-check roles, counted from CloudTrail. Needs a trail delivering
   * management events to this CloudWatch Logs group (`-c keyAuditTrailLogGroup=<name>`).
   */
  keyAudit?: { trailLogGroupName: string };
  /**
   * Off by default: the executor and the risk check run in a VPC behind one NAT with an Elastic
   * IP (output EgressIp), so users can restrict their exchange keys to it (`-c staticEgress=nat-instance`).
   */
  staticEgress?: StaticEgressKind;
  /**
   * Off by default (the console is at its *.cloudfront.net name, whose TLS policy CloudFront fixes):
   * the console's own host name and its ACM certificate (us-east-1, as CloudFront requires), which
   * lets the distribution refuse anything below TLS 1.2 (`-c consoleDomain=... -c consoleCertificateArn=...`).
   */
  consoleDomain?: { domainName: string; certificateArn: string };
  /** Off by default: a WAF web ACL of scope CLOUDFRONT (made in us-east-1) on the console's distribution (`-c consoleWebAclArn=...`). */
  consoleWebAclArn?: string;
  /**
   * The plans a tenant can be given (docs/TENANCY.md "Plans and usage"): name → limits, an absent
   * limit being none. `free` (new tenants) and `unlimited` (the first tenant) must exist.
   */
  plans: Readonly<Record<string, PlanLimitsConfig>>;
  /**
   * Off by default (no model variable, no Bedrock grant): the models that vote on entries and write
   * the report's market summary (infra/config/ai.ts, `-c ai='{"ensembleModels":["bedrock:…"]}'`).
   */
  ai?: AiConfig;
  /** the optional always-on price watcher; off by default (WATCHER_DEFAULTS) */
  watcher: WatcherConfig;
}

/** One plan's limits (shared/core/tenancy/ports.ts PlanLimits; infra reads no core module). */
export interface PlanLimitsConfig {
  liveAccounts?: number;
  strategies?: number;
  backtestsPerDay?: number;
  generationsPerDay?: number;
  signalsPerDay?: number;
}

/**
 * The plans' defaults: free = backtest and paper only, pro = a few live accounts, unlimited = no
 * limit. The same table as shared/core/tenancy/plans.ts DEFAULT_PLANS (a unit test holds them equal).
 */
export const DEFAULT_STAGE_PLANS: Readonly<Record<string, PlanLimitsConfig>> = {
  free: { liveAccounts: 0, strategies: 3, backtestsPerDay: 20, generationsPerDay: 5 },
  pro: { liveAccounts: 3, strategies: 20, backtestsPerDay: 200, generationsPerDay: 50 },
  unlimited: {},
};

/** Shown when no `-c alarmEmail=...` is given: synth works, the subscription goes nowhere useful. */
export const PLACEHOLDER_ALARM_EMAIL = 'alarms@example.com';

const webhookCommon = {
  timeoutSeconds: 5,
  memorySize: 512,
  maxBodyBytes: 8192,
  maxSignalAgeMs: 60_000,
  maxFutureSkewMs: 5_000,
  dedupTtlHours: 168,
  // 60 a minute per account: a strategy on dozens of symbols alerts a few times a minute at most,
  // and below the stage's rate (25/s in prod) it takes many spammed accounts to reach the budget.
  accountRateLimit: { limit: 60, windowSeconds: 60 },
} as const;

const executorCommon = {
  timeoutSeconds: 30,
  memorySize: 1024,
  maxReceiveCount: 5,
  batchSize: 10,
  signalLeaseMs: 120_000,
} as const;

const paperTickCommon = { timeoutSeconds: 50, memorySize: 1024, everyMinutes: 1 } as const;

// 50 s: the run is started every minute and loops over the accounts, a handful of exchange calls
// each (EXCHANGE_TIMEOUT_MS 5 s apiece at worst). Below the 60 s period, a run ends before the next
// starts; a slower one is cut off rather than overlapping, and its error alarm says so. The
// executor's memory: same ccxt bundle, same CPU for signing and parsing.
const riskCheckCommon = { timeoutSeconds: 50, memorySize: 1024 } as const;

// 1024 MB: replaying a strategy over up to 1,000 candles per subscription is CPU-bound, and Lambda
// CPU grows with memory. The timeout covers the settle wait plus one candle request per symbol, and
// ends a run before the next 1m close. Every timeframe `strategy enable` accepts has its rule: one
// nothing schedules would be accepted and never trade (a run a minute costs cents a day).
const strategyRunnerCommon = {
  timeframes: RUNNER_TIMEFRAMES,
  timeoutSeconds: 50,
  memorySize: 1024,
  candleExchange: 'binanceusdm',
  settleSeconds: 10,
  dedupTtlHours: 168,
} as const;

// Telegram: 10 s for a command (Telegram waits on the answer and redelivers a slow one); the
// relay sends one short message. Small functions: 256 MB is for the faster cold start, not memory.
const telegramCommon = {
  chatIds: [],
  userIds: [],
  bot: { timeoutSeconds: 10, memorySize: 256 },
  alarmRelay: { timeoutSeconds: 15, memorySize: 256 },
} as const;

// Notifier: a batch of up to 50 audit events collected for up to 5 s becomes a few messages; three
// retries (bisected) before a batch's records go to the notifier DLQ; 60 s covers a slow channel
// (each send waits out up to 5 s of Telegram flood control, and a photo upload up to 10 s).
const notifyCommon = {
  discord: false,
  notifier: {
    timeoutSeconds: 60,
    memorySize: 256,
    batchSize: 50,
    maxBatchingWindowSeconds: 5,
    retryAttempts: 3,
    flushEveryMinutes: 15,
  },
} as const;

// Report: the day closes at midnight in the owner's zone; five minutes later the last snapshot of
// the day is in. 1024 MB: the equity chart is drawn in JavaScript (CPU grows with memory).
const reportCommon = {
  timeZone: 'UTC',
  dailyAt: '00:05',
  weeklyDay: 'MON',
  timeoutSeconds: 120,
  memorySize: 1024,
} as const;

export function buildStageConfigs(env: NodeJS.ProcessEnv = process.env): Record<Stage, StageConfig> {
  // Both or neither: the CDK CLI always passes a region (us-east-1 when none is configured) but an
  // account only with credentials, and a half-pinned stack would bake that guessed region in.
  const account = env.CDK_DEFAULT_ACCOUNT || undefined;
  const region = env.CDK_DEFAULT_REGION || undefined;
  const where = account && region ? { account, region } : { account: undefined, region: undefined };
  return {
    dev: {
      stage: 'dev',
      ...where,
      alarmEmail: PLACEHOLDER_ALARM_EMAIL,
      logRetentionDays: RetentionDays.TWO_WEEKS,
      logLevel: 'DEBUG',
      removalPolicy: RemovalPolicy.DESTROY,
      tableDeletionProtection: false,
      webhook: { ...webhookCommon, ipAllowlist: [], requireTime: false, throttle: { rateLimit: 10, burstLimit: 20 } },
      executor: { ...executorCommon },
      paperTick: { ...paperTickCommon },
      riskCheck: { ...riskCheckCommon },
      paper: { priceSource: 'exchange' },
      exchange: { testnet: true },
      strategyRunner: { ...strategyRunnerCommon },
      telegram: { ...telegramCommon, chatIds: [] },
      notify: { ...notifyCommon, notifier: { ...notifyCommon.notifier } },
      report: { ...reportCommon },
      plans: DEFAULT_STAGE_PLANS,
      watcher: { ...WATCHER_DEFAULTS },
    },
    prod: {
      stage: 'prod',
      ...where,
      alarmEmail: PLACEHOLDER_ALARM_EMAIL,
      logRetentionDays: RetentionDays.THREE_MONTHS,
      logLevel: 'INFO',
      removalPolicy: RemovalPolicy.RETAIN,
      tableDeletionProtection: true,
      webhook: {
        ...webhookCommon,
        ipAllowlist: [...TRADINGVIEW_WEBHOOK_IPS],
        requireTime: true,
        throttle: { rateLimit: 25, burstLimit: 50 },
      },
      executor: { ...executorCommon },
      paperTick: { ...paperTickCommon },
      riskCheck: { ...riskCheckCommon },
      paper: { priceSource: 'exchange' },
      exchange: { testnet: false },
      strategyRunner: { ...strategyRunnerCommon },
      telegram: { ...telegramCommon, chatIds: [] },
      notify: { ...notifyCommon, notifier: { ...notifyCommon.notifier } },
      report: { ...reportCommon },
      plans: DEFAULT_STAGE_PLANS,
      watcher: { ...WATCHER_DEFAULTS },
    },
  };
}

export class StageConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StageConfigError';
  }
}

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

/** Reads the `-c stage=...` value; anything else fails naming the allowed stages. */
export function parseStage(value: unknown): Stage {
  if (isStage(value)) return value;
  const shown = value === undefined ? 'no stage' : `stage "${String(value)}"`;
  throw new StageConfigError(`${shown} given: pass -c stage=<${STAGES.join('|')}> (allowed: ${STAGES.join(', ')})`);
}

export interface StageOverrides {
  /** `-c alarmEmail=you@example.org` */
  alarmEmail?: string;
  /** `-c telegramChatIds=123,-456` */
  telegramChatIds?: readonly string[];
  /** `-c telegramUserIds=123` */
  telegramUserIds?: readonly string[];
  /** `-c notifyEmail=you@example.org` */
  notifyEmail?: string;
  /** `-c discord=true` */
  discord?: boolean;
  /** `-c keyAuditTrailLogGroup=<CloudTrail log group name>` */
  keyAuditTrailLogGroup?: string;
  /** `-c staticEgress=nat-instance|nat-gateway` */
  staticEgress?: string;
  /** `-c consoleDomain=console.example.org` (with consoleCertificateArn) */
  consoleDomain?: string;
  /** `-c consoleCertificateArn=arn:aws:acm:us-east-1:...` (with consoleDomain) */
  consoleCertificateArn?: string;
  /** `-c consoleWebAclArn=arn:aws:wafv2:us-east-1:...:global/webacl/...` */
  consoleWebAclArn?: string;
  /** `-c ai='{"ensembleModels":["bedrock:amazon.nova-micro-v1:0"]}'` (infra/config/ai.ts) */
  ai?: AiConfig;
  /** `-c watcher=true`, or `-c watcher='{"enabled":true,"cpu":512,"memoryMiB":1024}'` */
  watcher?: Partial<WatcherConfig>;
}

export function getStageConfig(
  stage: Stage,
  overrides: StageOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): StageConfig {
  const config = buildStageConfigs(env)[stage];
  const result: StageConfig = {
    ...config,
    ...(overrides.alarmEmail ? { alarmEmail: overrides.alarmEmail } : {}),
    ...(overrides.telegramChatIds || overrides.telegramUserIds
      ? {
          telegram: {
            ...config.telegram,
            ...(overrides.telegramChatIds ? { chatIds: [...overrides.telegramChatIds] } : {}),
            ...(overrides.telegramUserIds ? { userIds: [...overrides.telegramUserIds] } : {}),
          },
        }
      : {}),
    notify: {
      ...config.notify,
      ...(overrides.notifyEmail ? { email: overrides.notifyEmail } : {}),
      ...(overrides.discord !== undefined ? { discord: overrides.discord } : {}),
    },
    ...(overrides.keyAuditTrailLogGroup ? { keyAudit: { trailLogGroupName: overrides.keyAuditTrailLogGroup } } : {}),
    ...(overrides.staticEgress ? { staticEgress: overrides.staticEgress as StaticEgressKind } : {}),
    ...(overrides.consoleDomain || overrides.consoleCertificateArn
      ? {
          consoleDomain: {
            domainName: overrides.consoleDomain ?? '',
            certificateArn: overrides.consoleCertificateArn ?? '',
          },
        }
      : {}),
    ...(overrides.consoleWebAclArn ? { consoleWebAclArn: overrides.consoleWebAclArn } : {}),
    ...(overrides.ai ? { ai: overrides.ai } : {}),
    ...(overrides.watcher ? { watcher: { ...config.watcher, ...overrides.watcher } } : {}),
  };
  validateStageConfig(result);
  return result;
}

/** CloudFront takes certificates and web ACLs from us-east-1 only, whatever the stack's region. */
function consoleProblems(config: StageConfig): string[] {
  const problems: string[] = [];
  const domain = config.consoleDomain;
  if (domain) {
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain.domainName))
      problems.push(
        `consoleDomain "${domain.domainName}" is not a host name (give -c consoleDomain with -c consoleCertificateArn)`,
      );
    if (!/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(domain.certificateArn))
      problems.push(
        `consoleCertificateArn "${domain.certificateArn}" must be an ACM certificate ARN in us-east-1 (give it with -c consoleDomain)`,
      );
  }
  const acl = config.consoleWebAclArn;
  if (acl !== undefined && !/^arn:aws[\w-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/.test(acl))
    problems.push(
      `consoleWebAclArn "${acl}" must be a WAF web ACL of scope CLOUDFRONT (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)`,
    );
  return problems;
}

/** Telegram is on when the stage names at least one chat. */
export const telegramEnabled = (config: StageConfig): boolean => config.telegram.chatIds.length > 0;

/** Invariants the AWS services or the design require; a bad edit fails the synth, not the deploy. */
export function validateStageConfig(config: StageConfig): void {
  const problems: string[] = [];
  const { executor, webhook } = config;
  if (executor.batchSize < 1 || executor.batchSize > 10) problems.push('executor.batchSize must be 1..10 (SQS FIFO)');
  if (executor.maxReceiveCount < 1 || executor.maxReceiveCount > 1000)
    problems.push('executor.maxReceiveCount must be 1..1000');
  if (executor.timeoutSeconds < 1 || executor.timeoutSeconds > 900)
    problems.push('executor.timeoutSeconds must be 1..900');
  // visibility timeout = 6 x timeout and SQS caps visibility at 12 hours
  if (executor.timeoutSeconds * 6 > 43_200)
    problems.push('executor.timeoutSeconds x 6 exceeds the SQS visibility limit');
  if (executor.signalLeaseMs <= executor.timeoutSeconds * 1000)
    problems.push('executor.signalLeaseMs must exceed the executor timeout');
  if (webhook.timeoutSeconds > 29)
    problems.push('webhook.timeoutSeconds must stay under the 30 s HTTP API integration timeout');
  if (config.paperTick.timeoutSeconds >= config.paperTick.everyMinutes * 60)
    problems.push('paperTick.timeoutSeconds must be shorter than its schedule period');
  if (config.riskCheck.timeoutSeconds < 1 || config.riskCheck.timeoutSeconds >= RISK_CHECK_EVERY_MINUTES * 60)
    problems.push('riskCheck.timeoutSeconds must be 1..59 (it runs every minute)');
  if (config.riskCheck.reservedConcurrency !== undefined && config.riskCheck.reservedConcurrency < 1)
    problems.push('riskCheck.reservedConcurrency must be at least 1 when set (0 would stop the job)');
  problems.push(...strategyRunnerProblems(config.strategyRunner));
  problems.push(...notificationProblems(config));
  if (config.staticEgress !== undefined && !STATIC_EGRESS_KINDS.includes(config.staticEgress))
    problems.push(`staticEgress "${config.staticEgress}" must be one of ${STATIC_EGRESS_KINDS.join(', ')}`);
  problems.push(...consoleProblems(config));
  problems.push(...aiProblems(config.ai));
  problems.push(...watcherProblems(config.watcher));
  // CloudWatch Logs group names: 1-512 of a-z A-Z 0-9 _ - / . #
  if (config.keyAudit && !/^[\w\-/.#]{1,512}$/.test(config.keyAudit.trailLogGroupName))
    problems.push(`keyAudit.trailLogGroupName "${config.keyAudit.trailLogGroupName}" is not a log group name`);
  if (!EMAIL.test(config.alarmEmail)) problems.push(`alarmEmail "${config.alarmEmail}" is not an e-mail address`);
  if (
    !Number.isInteger(webhook.accountRateLimit.limit) ||
    webhook.accountRateLimit.limit < 10 ||
    webhook.accountRateLimit.limit > 2_000_000_000
  )
    problems.push('webhook.accountRateLimit.limit must be an integer 10..2000000000 (AWS WAF rate-based rule)');
  if (![60, 120, 300, 600].includes(webhook.accountRateLimit.windowSeconds))
    problems.push('webhook.accountRateLimit.windowSeconds must be 60, 120, 300 or 600 (AWS WAF evaluation windows)');
  for (const ip of webhook.ipAllowlist)
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) problems.push(`webhook.ipAllowlist: "${ip}" is not an IPv4 address`);
  if (problems.length > 0)
    throw new StageConfigError(`invalid stage config for ${config.stage}: ${problems.join('; ')}`);
}

/** Fargate's CPU and memory pairs; a flag that is not a boolean. */
function watcherProblems(watcher: WatcherConfig): string[] {
  const problems: string[] = [];
  if (typeof watcher.enabled !== 'boolean')
    problems.push(`watcher.enabled must be true or false (got ${JSON.stringify(watcher.enabled)})`);
  const memory = FARGATE_MEMORY[watcher.cpu];
  if (!memory)
    problems.push(
      `watcher.cpu ${String(watcher.cpu)} must be one of ${Object.keys(FARGATE_MEMORY).join(', ')} (Fargate CPU units)`,
    );
  else if (!memory.includes(watcher.memoryMiB))
    problems.push(
      `watcher.memoryMiB ${String(watcher.memoryMiB)} is not a Fargate size for cpu ${watcher.cpu}: ${memory[0]}..${memory[memory.length - 1]} MiB in its steps`,
    );
  return problems;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/** True for an IANA zone name this Node knows (EventBridge Scheduler knows the same database). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone.trim() !== '';
  } catch {
    return false;
  }
}

function notificationProblems(config: StageConfig): string[] {
  const problems: string[] = [];
  const { telegram, notify, report } = config;
  for (const id of telegram.chatIds)
    if (!/^-?\d{1,20}$/.test(id)) problems.push(`telegram.chatIds: "${id}" is not a numeric chat id`);
  if (new Set(telegram.chatIds).size !== telegram.chatIds.length)
    problems.push('telegram.chatIds: a chat is listed twice');
  for (const id of telegram.userIds)
    if (!/^\d{1,20}$/.test(id)) problems.push(`telegram.userIds: "${id}" is not a numeric user id`);
  if (new Set(telegram.userIds).size !== telegram.userIds.length)
    problems.push('telegram.userIds: a person is listed twice');
  if (telegram.chatIds.length > 0 && telegram.userIds.length === 0)
    problems.push('telegram.userIds: name at least one person the bot obeys (-c telegramUserIds=…)');
  if (telegram.bot.timeoutSeconds < 1 || telegram.bot.timeoutSeconds > 29)
    problems.push('telegram.bot.timeoutSeconds must be 1..29 (HTTP API integration timeout)');
  if (notify.email !== undefined && !EMAIL.test(notify.email))
    problems.push(`notify.email "${notify.email}" is not an e-mail address`);
  const n = notify.notifier;
  // Lambda's DynamoDB stream limits: batch 1..10,000, window 0..300 s, retries 0..10,000.
  if (n.batchSize < 1 || n.batchSize > 10_000) problems.push('notify.notifier.batchSize must be 1..10000');
  if (n.maxBatchingWindowSeconds < 0 || n.maxBatchingWindowSeconds > 300)
    problems.push('notify.notifier.maxBatchingWindowSeconds must be 0..300');
  if (n.retryAttempts < 0 || n.retryAttempts > 10_000) problems.push('notify.notifier.retryAttempts must be 0..10000');
  if (n.flushEveryMinutes < 1 || n.flushEveryMinutes > 1440)
    problems.push('notify.notifier.flushEveryMinutes must be 1..1440');
  const quiet = notify.routing?.quietHours;
  if (quiet && (!CLOCK.test(quiet.start) || !CLOCK.test(quiet.end)))
    problems.push('notify.routing.quietHours start and end must be HH:MM');
  if (quiet && !isTimeZone(quiet.timeZone))
    problems.push(`notify.routing.quietHours.timeZone "${quiet.timeZone}" is not an IANA time zone`);
  if (!isTimeZone(report.timeZone)) problems.push(`report.timeZone "${report.timeZone}" is not an IANA time zone`);
  if (!CLOCK.test(report.dailyAt)) problems.push(`report.dailyAt "${report.dailyAt}" must be HH:MM (24 h)`);
  if (!WEEKDAYS.includes(report.weeklyDay))
    problems.push(`report.weeklyDay "${report.weeklyDay}" must be one of ${WEEKDAYS.join(', ')}`);
  return problems;
}

const TIMEFRAME_SECONDS: Record<RunnerTimeframe, number> = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '1h': 3600,
  '4h': 14_400,
  '1d': 86_400,
};

function strategyRunnerProblems(runner: StrategyRunnerConfig): string[] {
  const problems: string[] = [];
  for (const tf of runner.timeframes)
    if (!RUNNER_TIMEFRAMES.includes(tf))
      problems.push(`strategyRunner.timeframes: "${tf}" is not one of ${RUNNER_TIMEFRAMES.join(', ')}`);
  if (new Set(runner.timeframes).size !== runner.timeframes.length)
    problems.push('strategyRunner.timeframes: a timeframe is listed twice');
  if (runner.settleSeconds < 0 || runner.settleSeconds > 50)
    problems.push('strategyRunner.settleSeconds must be 0..50 (the rule fires within the close minute)');
  if (runner.timeoutSeconds <= runner.settleSeconds)
    problems.push('strategyRunner.timeoutSeconds must exceed settleSeconds');
  // A run must end before the next close of its timeframe, or two runs would decide on overlapping candles.
  const shortest = Math.min(...runner.timeframes.map((tf) => TIMEFRAME_SECONDS[tf] ?? Infinity));
  if (runner.timeoutSeconds >= shortest)
    problems.push('strategyRunner.timeoutSeconds must be shorter than its shortest timeframe');
  return problems;
}
