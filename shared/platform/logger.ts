// One logger setup for every function: Powertools JSON logs; the signal id is the correlation id.
// Keys that can hold secrets are masked in everything the logger writes, at any depth, whatever
// a caller passes (the JSON replacer sees every key of every object being serialised).
import { Logger } from '@aws-lambda-powertools/logger';

const SECRET_KEYS =
  /^(token|webhooktoken|apikey|api_key|openai_api_key|secret|password|passphrase|authorization|credentials|blob|plaintext)$/i;
export const REDACTED = '[redacted]';

export const isSecretKey = (key: string): boolean => SECRET_KEYS.test(key);

/** Deep copy with secret-named keys masked; cycles are cut. */
export function redact(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    out[k] = isSecretKey(k) ? REDACTED : redact(v, seen);
  return out;
}

export const secretReplacer = (key: string, value: unknown): unknown => (key && isSecretKey(key) ? REDACTED : value);

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, jsonReplacerFn: secretReplacer });
}
