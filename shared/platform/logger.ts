// One logger setup for every function: Powertools JSON logs; the signal id is the correlation id.
// Keys that can hold secrets are masked before anything is written, whatever a caller passes.
import { Logger } from '@aws-lambda-powertools/logger';

const SECRET_KEYS = /^(token|webhooktoken|apikey|api_key|secret|password|passphrase|authorization|credentials|blob|plaintext)$/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO' });
}
