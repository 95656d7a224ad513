// One typed reading of the environment per function, done once at cold start. A missing or bad
// variable throws an error that names it, before any request is served.
import { z } from 'zod';

const int = (def: number) => z.coerce.number().int().min(0).default(def);
const csv = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const common = {
  STAGE: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/, 'lower-case stage name'),
  AWS_REGION: z.string().default('us-east-1'),
  /** local stack only: dynalite / fauxqs endpoints */
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  SQS_ENDPOINT: z.string().url().optional(),
};

export const webhookEnvSchema = z.object({
  ...common,
  SIGNAL_QUEUE_URL: z.string().min(1),
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
});

export const executorEnvSchema = z.object({
  ...common,
  KEY_VAULT: z.enum(['kms', 'local']).default('kms'),
  KMS_KEY_ID: z.string().optional(),
  LOCAL_KEY_FILE: z.string().optional(),
  PAPER_PRICE_SOURCE: z.enum(['replay', 'exchange']).default('exchange'),
  PAPER_REPLAY_DIR: z.string().optional(),
  /** wall-clock milliseconds per replayed candle */
  PAPER_REPLAY_MS_PER_CANDLE: int(5_000),
  /** executor lease on a signal: longer than the function timeout */
  SIGNAL_LEASE_MS: int(120_000),
});

export type WebhookEnv = z.output<typeof webhookEnvSchema>;
export type ExecutorEnv = z.output<typeof executorEnvSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join('.')} (${i.message})`).join(', ');
    throw new ConfigError(`invalid configuration: ${names}`);
  }
  const value = parsed.data as z.output<S> & { KEY_VAULT?: string; KMS_KEY_ID?: string; LOCAL_KEY_FILE?: string };
  if (value.KEY_VAULT === 'kms' && !value.KMS_KEY_ID) throw new ConfigError('invalid configuration: KMS_KEY_ID (required when KEY_VAULT=kms)');
  if (value.KEY_VAULT === 'local' && !value.LOCAL_KEY_FILE) throw new ConfigError('invalid configuration: LOCAL_KEY_FILE (required when KEY_VAULT=local)');
  return value;
}
