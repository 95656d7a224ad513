// Deterministic identifiers. The same alert always gives the same signal id, and the same signal
// and leg always give the same client order id, so every retry finds what an earlier try did.
import { createHash, randomBytes } from 'node:crypto';

const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Canonical JSON: keys sorted at every level, so field order in the alert does not matter. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface SignalIdentity {
  /** key of the webhook's dedup record (also the SQS MessageDeduplicationId) */
  dedupKey: string;
  signalId: string;
  /** how long the dedup record blocks a replay */
  dedupTtlMs: number;
}

/**
 * With an alert id or a fire time, the identity is stable forever: a replay is the same signal.
 * With neither, two identical bodies can be legitimately distinct alerts hours apart, so the dedup
 * only spans SQS's 5-minute window and every accepted body gets a fresh signal id.
 */
export function signalIdentity(
  accountId: string,
  canonicalBody: string,
  alertId: string | undefined,
  hasTime: boolean,
  longTtlMs: number,
): SignalIdentity {
  if (alertId !== undefined) {
    const h = sha256hex(`${accountId}\nid\n${alertId}`).slice(0, 40);
    return { dedupKey: `id-${h}`, signalId: `s${h.slice(0, 31)}`, dedupTtlMs: longTtlMs };
  }
  const h = sha256hex(`${accountId}\nbody\n${canonicalBody}`).slice(0, 40);
  if (hasTime) return { dedupKey: `body-${h}`, signalId: `s${h.slice(0, 31)}`, dedupTtlMs: longTtlMs };
  return {
    dedupKey: `body-${h}`,
    signalId: `s${randomBytes(16).toString('hex').slice(0, 31)}`,
    dedupTtlMs: 5 * 60_000,
  };
}

/**
 * Client order id for one leg of a signal: 32 lower-case alphanumerics, which every supported
 * exchange accepts (Binance ≤36 of [.A-Z:/a-z0-9_-], OKX ≤32 alphanumerics, Bybit ≤36, Bitget ≤50).
 */
export function clientOrderIdFor(signalId: string, leg: string): string {
  return `t${sha256hex(`${signalId}\n${leg}`).slice(0, 31)}`;
}

export const hashToken = (token: string): string => sha256hex(token);

/**
 * The identity of a strategy runner's signal: one per account, subscription and candle, so a
 * re-run of the same candle close (a retried schedule, a second runner) is the same signal.
 */
export function strategySignalIdentity(
  accountId: string,
  subscriptionId: string,
  candleOpenTime: number,
  ttlMs: number,
): SignalIdentity {
  const h = sha256hex(`${accountId}\nstrategy\n${subscriptionId}\n${candleOpenTime}`).slice(0, 40);
  return { dedupKey: `st-${h}`, signalId: `s${h.slice(0, 31)}`, dedupTtlMs: ttlMs };
}
