// One typed reading of the environment per function, done once at cold start. A missing or bad
// variable throws an error that names it, before any request is served. (zod/mini: see schema.ts.)
import * as z from 'zod/mini';
import { ConfigError } from '../core/errors';
import { STAGES } from './resource-names';

export const int = (def: number) =>
  z._default(
    z.pipe(
      z.string(),
      z.transform((s: string, ctx) => {
        const n = Number(s);
        if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(n)) {
          ctx.issues.push({ code: 'custom', message: 'must be a whole number', input: s });
          return z.NEVER;
        }
        return n;
      }),
    ),
    // zod 4 returns a default as the *output*, without running the pipe: give the number itself.
    def,
  );
export const csv = z._default(
  z.pipe(
    z.string(),
    z.transform((s: string) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  ),
  [] as string[],
);
export const oneOf = <T extends string>(values: readonly [T, ...T[]], def: T) => z._default(z.enum(values), def);

/** Fields every function reads. */
export const common = {
  STAGE: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,20}$/, 'lower-case stage name')),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  /** local stack only: dynalite / fauxqs endpoints */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  SQS_ENDPOINT: z.optional(z.url()),
};

export const webhookEnvSchema = z.object({
  ...common,
  SIGNAL_QUEUE_URL: z.string().check(z.minLength(1)),
  MAX_BODY_BYTES: int(8192),
  /** oldest accepted alert fire time, relative to now */
  MAX_SIGNAL_AGE_MS: int(60_000),
  /** how far in the future an alert's time may be (clock skew) */
  MAX_FUTURE_SKEW_MS: int(5_000),
  /** how long a signal id blocks a replay */
  DEDUP_TTL_HOURS: int(168),
  /** comma-separated source IPs; empty = allow all */
  IP_ALLOWLIST: csv,
  /** how long a warm function trusts a cached account (token hash, limits) */
  ACCOUNT_CACHE_MS: int(30_000),
  /** alerts must carry `time` unless the account opts out (the stage's webhook.requireTime) */
  REQUIRE_TIME: oneOf(['true', 'false'], 'false'),
});

/** What every function that trades or books needs (executor, paper-trigger job). */
const trading = {
  ...common,
  PAPER_PRICE_SOURCE: oneOf(['replay', 'exchange'], 'exchange'),
  PAPER_REPLAY_DIR: z.optional(z.string()),
  /** wall-clock milliseconds per replayed candle */
  PAPER_REPLAY_MS_PER_CANDLE: int(5_000),
};

/** The paper-trigger job: no key vault, since paper accounts have no keys (and it has no KMS grant). */
export const tradingEnvSchema = z.object(trading);

export const executorEnvSchema = z.object({
  ...trading,
  KEY_VAULT: oneOf(['kms', 'local'], 'kms'),
  KMS_KEY_ID: z.optional(z.string()),
  LOCAL_KEY_FILE: z.optional(z.string()),
  /** executor lease on a signal: longer than the function timeout */
  SIGNAL_LEASE_MS: int(120_000),
  /** a local fake exchange (Binance dialect) for live accounts: tests and the local stack only */
  EXCHANGE_API_URL: z.optional(z.url()),
  /** per-request exchange timeout: an order without an answer by then is looked up by client id */
  EXCHANGE_TIMEOUT_MS: int(5_000),
  /** markets are reloaded after this long (a new listing, a changed step) */
  MARKETS_TTL_MS: int(3_600_000),
  /** a 429 with a Retry-After up to this is waited out in the function; longer goes back to the queue */
  MAX_RETRY_AFTER_MS: int(3_000),
  /** slippage guard for market entries, basis points against the mid price (0 = off) */
  SLIPPAGE_MAX_BPS: int(50),
  SLIPPAGE_ON_EXCEED: oneOf(['reject', 'ioc_limit'], 'reject'),
  /** a testnet stage (dev) refuses live accounts on mainnet: it never trades real money */
  EXCHANGE_TESTNET: oneOf(['true', 'false'], 'false'),
  /** daily candles for the risk checks (volatility, correlation, VaR, ATR sizing): an exchange's public API, the replay, or none */
  RISK_CANDLE_SOURCE: oneOf(['exchange', 'replay', 'none'], 'exchange'),
  /** whose daily candles describe the market (USDⓈ-M symbols are the same on every swap exchange) */
  RISK_CANDLE_EXCHANGE: oneOf(['binanceusdm', 'okx', 'bybit', 'bitget', 'upbit'], 'binanceusdm'),
  /** how long a warm function keeps a symbol's daily statistics */
  RISK_STATS_TTL_MS: int(3_600_000),
  /** market minutes per wall minute for the circuit breaker's windows: 1, except a local replay running faster */
  RISK_MARKET_SPEED: int(1),
  /**
   * The risk-check job records the live accounts' held markets' funding rates for the console
   * (docs/FUNDING.md "In the console"): each account's exchange, public endpoints, no key; `none`: not.
   */
  RISK_FUNDING_RATES: oneOf(['exchange', 'none'], 'exchange'),
  /** how long one run's funding-rate reads may take together, after the safety work */
  RISK_FUNDING_TIME_BOX_MS: int(3_000),
  /**
   * The slice timer (docs/EXECUTION-ALGOS.md): the standard queue sliced entries' children wait on.
   * Absent: no entry is sliced (an alert's `algo` goes as one order) and the safety net is off.
   */
  SLICE_TIMER_QUEUE_URL: z.optional(z.string().check(z.minLength(1))),
});

/** The slice timer's consumer: reads a child's parent, puts the child on the FIFO lane, delays a long wait again. */
export const sliceTimerEnvSchema = z.object({
  ...common,
  SIGNAL_QUEUE_URL: z.string().check(z.minLength(1)),
  SLICE_TIMER_QUEUE_URL: z.string().check(z.minLength(1)),
});

export type SliceTimerEnv = z.output<typeof sliceTimerEnvSchema>;

/** The console API: reads the book and the risk table, the queue's depth, and public candles (never trades). */
export const consoleApiEnvSchema = z.object({
  ...common,
  SIGNAL_QUEUE_URL: z.string().check(z.minLength(1)),
  /** the signal queue's dead-letter queue, for /health (absent: its depth reads 0) */
  SIGNAL_DLQ_URL: z.optional(z.string().check(z.minLength(1))),
  /** the stage's webhook (…/webhook), for the console's test alert through it (absent: alert-test refused) */
  WEBHOOK_URL: z.optional(
    z.string().check(z.regex(/^https?:\/\/\S+\/webhook$/, 'must be the webhook URL ending in /webhook')),
  ),
  /** the chart's candles: an exchange's public OHLCV (the stage sets it), or none (tests, benches: no outside call) */
  CANDLE_SOURCE: oneOf(['exchange', 'none'], 'none'),
  /** whose public candles chart a paper account (the paper prices' market); live accounts chart their own exchange's */
  CANDLE_EXCHANGE: oneOf(['binanceusdm', 'okx', 'bybit', 'bitget', 'upbit'], 'binanceusdm'),
  /** how long the console waits for an exchange's candles before answering without them */
  CANDLE_TIMEOUT_MS: int(2_000),
  /** how long a symbol's candles are reused between console requests */
  CANDLE_CACHE_MS: int(30_000),
  /**
   * The tenant data role the function assumes per tenant (docs/TENANCY.md); required in the
   * deployed stages, absent locally (no STS: the tenant guard alone holds the line).
   */
  TENANT_DATA_ROLE_ARN: z.optional(
    z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN')),
  ),
  /**
   * The admin data role the function assumes for the deployment admin's routes only (docs/TENANCY.md
   * "The deployment's admin"); required in the deployed stages, absent locally.
   */
  ADMIN_DATA_ROLE_ARN: z.optional(
    z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN')),
  ),
  /**
   * 'required': the user pool requires TOTP at every sign-in (the cloud stacks; `CONSOLE_MFA=required
   * npm start` locally), so money moves accept a recent sign-in as their second factor; 'off': they
   * are refused (docs/TENANCY.md "Second factor")
   */
  CONSOLE_MFA: oneOf(['required', 'off'], 'off'),
  /** the stage's plans, JSON (docs/TENANCY.md "Plans and usage"); absent: the defaults */
  PLANS: z.optional(z.string()),
});

export type ConsoleApiEnv = z.output<typeof consoleApiEnvSchema>;
export type WebhookEnv = z.output<typeof webhookEnvSchema>;
export type ExecutorEnv = z.output<typeof executorEnvSchema>;
export type TradingEnv = z.output<typeof tradingEnvSchema>;

/** Lives with the other domain errors (retryable: false); exported here too for the callers that know it from here. */
export { ConfigError };

/**
 * Variables that point a client somewhere else than the real service: the fake exchange and fake
 * Telegram of the tests and the local stack (EXCHANGE_API_URL, TELEGRAM_API_URL, any *_API_URL),
 * the local DynamoDB and SQS stand-ins (*_ENDPOINT), and the AWS SDK's own endpoint variables
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), which the SDK reads by itself.
 */
export const isEndpointOverride = (name: string): boolean => /_API_URL$|_ENDPOINT$|^AWS_ENDPOINT_URL/.test(name);

/**
 * A deployed function never honours an endpoint override: with one set, a live function would send
 * signed exchange requests (keys, orders) or the bot token to whatever the variable names. Refused
 * in the deployed stages and anywhere inside Lambda, at cold start, naming each variable (not its
 * value); the local stack ('local'), the tests and the bench run under other stage names, off Lambda.
 * Terse on purpose: the webhook bundle had 0.3 KB left under its 300 KB goal.
 */
export function refuseEndpointOverrides(env: NodeJS.ProcessEnv): void {
  const set = Object.keys(env).filter((name) => env[name] && isEndpointOverride(name));
  if (set[0] && (env.AWS_LAMBDA_FUNCTION_NAME || (STAGES as readonly (string | undefined)[]).includes(env.STAGE))) {
    throw new ConfigError(`invalid configuration: ${set.join()} (test-only endpoint)`);
  }
}

export function loadEnv<S extends z.ZodMiniType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  refuseEndpointOverrides(env);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join('.')} (${i.message})`).join(', ');
    throw new ConfigError(`invalid configuration: ${names}`);
  }
  const value = parsed.data as z.output<S> & { KEY_VAULT?: string; KMS_KEY_ID?: string; LOCAL_KEY_FILE?: string };
  if (value.KEY_VAULT === 'kms' && !value.KMS_KEY_ID)
    throw new ConfigError('invalid configuration: KMS_KEY_ID (required when KEY_VAULT=kms)');
  if (value.KEY_VAULT === 'local' && !value.LOCAL_KEY_FILE)
    throw new ConfigError('invalid configuration: LOCAL_KEY_FILE (required when KEY_VAULT=local)');
  return value;
}
