// Signal contract v1 (docs/SIGNALS.md): field rules, and the translation of a parsed body into a
// normalised Signal. Unknown fields are refused rather than ignored: a misspelt `stop_loss` that
// silently did nothing would leave a position without its stop.
import * as z from 'zod/mini';
import type { FieldIssue } from '../errors';
import { resolveIntent } from './intent';
import { AMOUNT_MAX, boundedDecimal, DECIMAL, LEVERAGE_MAX, NOT_A_NUMBER, NOT_POSITIVE, PRICE_MAX } from './bounds';
import { normalizeSymbol, SymbolFormatError } from './symbols';
import type { MarketPosition, PriceLevel, RawAction, SizeSpec, SymbolRef, TakeProfitLevel } from './types';
import { ALGO_BOUNDS, type AlgoKind, type AlgoSpec } from './algo';

// zod/mini rather than classic zod: the same engine at 17 KB instead of 440 KB of bundle, which
// is most of the webhook's cold start. Each field is a scalar parsed by a small function that
// returns the value or the message to report.

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ACCOUNT_ID = /^[A-Za-z0-9_-]{3,64}$/;
const ALERT_ID = /^[\x21-\x7e][\x20-\x7e]{0,127}$/;

type Parsed<T> = { ok: T } | { error: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: value });
const fail = (error: string): Parsed<never> => ({ error });

/**
 * A field given as a JSON number or string, parsed by `parse`; its message names what is wrong.
 * Strings must be printable ASCII before anything reads them: case folding and trim() are
 * Unicode-aware ("ſolusdt".toUpperCase() is "SOLUSDT", U+00A0 trims away), so a look-alike would
 * otherwise become a real ticker or action.
 */
function field<T>(parse: (v: number | string) => Parsed<T>, asciiOnly = true) {
  return z.pipe(
    z.union([z.number(), z.string()], { error: 'must be a string or a finite number' }),
    z.transform((v: number | string, ctx) => {
      const r = asciiOnly && typeof v === 'string' && !PRINTABLE_ASCII.test(v) ? fail(nonAscii(v)) : parse(v);
      if ('error' in r) {
        ctx.issues.push({ code: 'custom', message: r.error, input: v });
        return z.NEVER;
      }
      return r.ok;
    }),
  );
}

const text = (min: number, max: number, pattern?: RegExp, patternMessage?: string) =>
  field((v) => {
    if (typeof v !== 'string') return fail('must be a string');
    const s = v.trim();
    if (s.length < min) return fail(min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
    if (s.length > max) return fail(`must be at most ${max} characters`);
    if (pattern && !pattern.test(s)) return fail(patternMessage ?? 'has an invalid format');
    return ok(s);
  });

const oneOf = <T extends string>(values: readonly T[]) =>
  field((v) => {
    const s = String(v).trim().toLowerCase();
    return (values as readonly string[]).includes(s) ? ok(s as T) : fail(`must be one of ${values.join(', ')}`);
  });

/** Names the first character outside printable ASCII by its code point (it may be invisible). */
function nonAscii(v: string): string {
  const code = v.codePointAt(v.search(/[^\x20-\x7e]/)) ?? 0;
  return `must be printable ASCII (found U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

const leverageField = field((v) => {
  const n = boundedDecimal(v, LEVERAGE_MAX);
  if (typeof n === 'string') return fail(n === NOT_POSITIVE ? 'must be at least 1' : n);
  if (!Number.isInteger(n)) return fail('must be a whole number');
  return n < 1 ? fail('must be at least 1') : ok(n);
});

const asParsed = <T>(r: T | string): Parsed<T> => (typeof r === 'string' ? fail(r) : ok(r));

export const signalFieldsSchema = z.strictObject({
  // Not checked for ASCII: a message naming one of the token's characters would put it in the logs.
  token: field(
    (v) =>
      typeof v === 'string' && v.length >= 1 && v.length <= 512 ? ok(v) : fail('must be a string of 1-512 characters'),
    false,
  ),
  account: z.optional(text(3, 64, ACCOUNT_ID, 'must be 3-64 letters, digits, _ or -')),
  action: oneOf(['long', 'short', 'close_long', 'close_short', 'close_all', 'buy', 'sell'] as const),
  position: z.optional(oneOf(['long', 'flat', 'short'] as const)),
  symbol: text(1, 64),
  size: z.optional(field((v) => asParsed<SizeSpec>(parseSize(v)))),
  leverage: z.optional(leverageField),
  sl: z.optional(field((v) => asParsed<PriceLevel>(parseLevel(v, 99)))),
  tp: z.optional(field((v) => asParsed<TakeProfitLevel[]>(parseTakeProfits(v)))),
  breakeven: z.optional(
    z.union([z.boolean(), field((v) => asParsed<boolean>(parseBool(v)))], { error: 'must be true or false' }),
  ),
  trail: z.optional(
    field((v) => {
      const level = parseLevel(v, 50);
      if (typeof level === 'string' && level.startsWith('percent')) return fail(level);
      if (typeof level === 'string' || level.kind !== 'percent') return fail('must be a percent like "1.5%"');
      return ok(level.value);
    }),
  ),
  type: z.optional(oneOf(['market', 'limit'] as const)),
  limit: z.optional(field((v) => asParsed<PriceLevel>(parseLevel(v, 50)))),
  tif: z.optional(
    field((v) => {
      const s = String(v).trim().toLowerCase();
      const map: Record<string, 'GTC' | 'IOC' | 'PO'> = { gtc: 'GTC', ioc: 'IOC', post_only: 'PO', po: 'PO' };
      return map[s] ? ok(map[s]) : fail('must be one of gtc, ioc, post_only');
    }),
  ),
  strategy: z.optional(text(1, 64)),
  id: z.optional(
    field((v) =>
      ALERT_ID.test(String(v).trim()) ? ok(String(v).trim()) : fail('must be 1-128 printable ASCII characters'),
    ),
  ),
  time: z.optional(
    field((v) => {
      const ms = parseTime(v);
      return ms === undefined ? fail('must be an ISO-8601 UTC time or epoch seconds/milliseconds') : ok(ms);
    }),
  ),
  price: z.optional(field((v) => asParsed(boundedDecimal(v, PRICE_MAX)))),
  // A sliced entry (docs/EXECUTION-ALGOS.md): the kind, the time it spans and the time between slices.
  algo: z.optional(oneOf(['twap', 'adaptive'] as const)),
  horizon: z.optional(field((v) => asParsed(parseDuration(v)))),
  interval: z.optional(field((v) => asParsed(parseDuration(v)))),
  maxSlippageBps: z.optional(field((v) => asParsed(boundedDecimal(v, MAX_SLICE_SLIPPAGE_BPS)))),
});

export type SignalFields = z.output<typeof signalFieldsSchema>;

export interface ValidatedSignal {
  accountId: string;
  action: RawAction;
  position?: MarketPosition;
  intentResult: ReturnType<typeof resolveIntent>;
  symbol: SymbolRef;
  fields: SignalFields;
}

/** Applies the schema; returns every bad field at once so the sender can fix them in one go. */
export function validateSignalFields(
  raw: Record<string, unknown>,
  pathAccount: string | undefined,
): { ok: true; value: ValidatedSignal } | { ok: false; issues: FieldIssue[] } {
  const parsed = signalFieldsSchema.safeParse(raw);
  const issues: FieldIssue[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) issues.push({ field: key, message: 'unknown field' });
      } else {
        const field = issue.path.join('.') || '(body)';
        issues.push({ field, message: raw[field] === undefined ? 'required' : issue.message });
      }
    }
  }
  // Cross-field rules run on every field that parsed on its own, so one reply names every problem.
  const flagged = new Set(issues.map((i) => i.field));
  const fields = parsed.success ? parsed.data : parseEachField(raw);
  const report = (field: string, message: string) => {
    if (!flagged.has(field)) issues.push({ field, message });
  };

  const accountId = pathAccount ?? fields.account;
  if (!accountId && !flagged.has('account')) report('account', 'required (in the body or the URL path)');
  if (pathAccount && fields.account && fields.account !== pathAccount)
    report('account', 'does not match the account in the URL');
  let symbol: SymbolRef | undefined;
  if (fields.symbol !== undefined) {
    try {
      symbol = normalizeSymbol(fields.symbol);
    } catch (e) {
      report('symbol', e instanceof SymbolFormatError ? e.message : 'invalid symbol');
    }
  }
  const intentResult = fields.action ? resolveIntent(fields.action, fields.position) : undefined;
  if (intentResult && !intentResult.ok) report(intentResult.field, intentResult.message);
  if (intentResult?.ok && (intentResult.intent === 'reduce_long' || intentResult.intent === 'reduce_short')) {
    if (!fields.size || fields.size.kind !== 'contracts')
      report('size', 'a partial exit needs the contracts to close (use {{strategy.order.contracts}})');
  }
  // A short's target below the entry: 100 % or more would be a price at or below 0.
  if (
    intentResult?.ok &&
    intentResult.intent === 'enter_short' &&
    fields.tp?.some((l) => l.level.kind === 'percent' && l.level.value >= 100)
  ) {
    report('tp', 'percent must be below 100 for a short');
  }
  if (fields.type === 'limit' && !fields.limit)
    report('limit', 'required with type "limit" (a price, or a percent below/above the price)');
  if (fields.limit && fields.type !== 'limit') report('type', 'must be "limit" when limit is given');
  if (fields.tif && fields.type !== 'limit') report('tif', 'applies to limit orders only');
  if (intentResult?.ok && !flagged.has('algo')) algoRules(fields, intentResult.intent.startsWith('enter_'), report);
  if (!parsed.success || issues.length || !accountId || !symbol || !intentResult) return { ok: false, issues };
  const value: ValidatedSignal = { accountId, action: parsed.data.action, intentResult, symbol, fields: parsed.data };
  if (parsed.data.position) value.position = parsed.data.position;
  return { ok: true, value };
}

/** Largest `maxSlippageBps` of an adaptive slice: 10 %; beyond it the bound guards nothing. */
export const MAX_SLICE_SLIPPAGE_BPS = 1000;

const seconds = (ms: number): string => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 1000}s`);

/**
 * A sliced entry's fields, checked together: entries only, horizon and interval both given, the
 * interval at least ALGO_BOUNDS.minIntervalMs, the horizon at most ALGO_BOUNDS.maxHorizonMs, and
 * horizon ÷ interval between ALGO_BOUNDS.minSlices and maxSlices slices. Each message names the bound.
 */
function algoRules(
  fields: Partial<SignalFields>,
  entry: boolean,
  report: (field: string, message: string) => void,
): void {
  const { algo, horizon, interval, maxSlippageBps } = fields;
  if (algo === undefined) {
    for (const name of ['horizon', 'interval', 'maxSlippageBps'] as const)
      if (fields[name] !== undefined) report(name, 'applies only with algo ("twap" or "adaptive")');
    return;
  }
  if (!entry) {
    report('algo', 'applies to entries only (long, short): a close is never sliced');
    return;
  }
  if (fields.type === 'limit') report('algo', 'slices are market orders: not with type "limit"');
  if (horizon === undefined) report('horizon', 'required with algo (e.g. "30m")');
  if (interval === undefined) report('interval', 'required with algo (e.g. "60s")');
  if (interval !== undefined && interval < ALGO_BOUNDS.minIntervalMs)
    report('interval', `must be at least ${seconds(ALGO_BOUNDS.minIntervalMs)}`);
  if (horizon !== undefined && horizon > ALGO_BOUNDS.maxHorizonMs)
    report('horizon', `must be at most ${seconds(ALGO_BOUNDS.maxHorizonMs)}`);
  if (horizon !== undefined && interval !== undefined && interval >= ALGO_BOUNDS.minIntervalMs) {
    const n = Math.ceil(horizon / interval);
    if (n < ALGO_BOUNDS.minSlices || n > ALGO_BOUNDS.maxSlices)
      report(
        'horizon',
        `horizon ÷ interval makes ${n} slice(s): must make ${ALGO_BOUNDS.minSlices}-${ALGO_BOUNDS.maxSlices}`,
      );
  }
  if (algo === 'adaptive' && maxSlippageBps === undefined)
    report('maxSlippageBps', `required with algo "adaptive" (0-${MAX_SLICE_SLIPPAGE_BPS} bps)`);
  if (algo === 'twap' && maxSlippageBps !== undefined) report('maxSlippageBps', 'applies only with algo "adaptive"');
}

/** The AlgoSpec a validated signal asks for (undefined: one order, as always). */
export function algoSpecOf(
  fields: Pick<SignalFields, 'algo' | 'horizon' | 'interval' | 'maxSlippageBps'>,
): AlgoSpec | undefined {
  if (fields.algo === undefined || fields.horizon === undefined || fields.interval === undefined) return undefined;
  const spec: AlgoSpec = { kind: fields.algo as AlgoKind, horizonMs: fields.horizon, intervalMs: fields.interval };
  if (fields.maxSlippageBps !== undefined) spec.maxSlippageBps = fields.maxSlippageBps;
  return spec;
}

/** Longest duration a field may name before the algo's own bounds judge it: a week. */
const DURATION_MAX_MS = 7 * 86_400_000;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "30m", "90s", "1h", "500ms", or a number of seconds → milliseconds (whole ms, > 0, ≤ a week). */
export function parseDuration(v: number | string): number | string {
  const m = typeof v === 'string' ? /^(.+?)\s*(ms|s|m|h)?$/.exec(v.trim().toLowerCase()) : null;
  const n = boundedDecimal(m ? (m[1] as string) : v, DURATION_MAX_MS / 1000);
  if (typeof n === 'string') return n === NOT_A_NUMBER ? 'must be a duration like "30m", "90s", "1h" or seconds' : n;
  const ms = Math.round(n * (UNIT_MS[m?.[2] ?? 's'] ?? 1000));
  if (ms < 1) return NOT_POSITIVE;
  return ms > DURATION_MAX_MS ? 'must be at most 7 days' : ms;
}

/** Each field on its own, for the cross-field rules when the whole object did not parse. */
function parseEachField(raw: Record<string, unknown>): Partial<SignalFields> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(signalFieldsSchema.shape)) {
    if (raw[key] === undefined) continue;
    const r = (schema as z.ZodMiniType).safeParse(raw[key]);
    if (r.success) out[key] = r.data;
  }
  return out as Partial<SignalFields>;
}

// A number with an optional unit: "10%", "250usdt", "0.5"; the lazy number leaves the unit to the group.
const SIZE = /^(.+?)\s*(%|usdt|usdc|usd|quote)?$/;

export function parseSize(v: number | string): SizeSpec | string {
  const m = typeof v === 'string' ? SIZE.exec(v.trim().toLowerCase()) : null;
  const kind = !m?.[2] ? 'contracts' : m[2] === '%' ? 'percent' : 'quote';
  const n = boundedDecimal(m ? (m[1] as string) : v, kind === 'percent' ? 100 : AMOUNT_MAX);
  if (typeof n === 'number') return { kind, value: n };
  if (kind !== 'contracts') return `${kind === 'percent' ? 'percent' : 'quote amount'} ${n}`;
  return n === NOT_A_NUMBER ? 'must be "N%", "Nusdt" or a number of contracts' : n;
}

/** A percent from the entry in (0, maxPercent], or an absolute price in (0, PRICE_MAX]. */
export function parseLevel(v: number | string, maxPercent: number): PriceLevel | string {
  const pct = typeof v === 'string' ? /^(.+?)\s*%$/.exec(v.trim()) : null;
  const n = boundedDecimal(pct ? (pct[1] as string) : v, pct ? maxPercent : PRICE_MAX);
  if (typeof n === 'number') return { kind: pct ? 'percent' : 'price', value: n };
  if (pct) return `percent ${n}`;
  return n === NOT_A_NUMBER ? 'must be a price above 0 or a percent like "2%"' : `price ${n}`;
}

/**
 * One level (`"4%"`, a price) or several with their shares: `"2%:50,4%:30,6%"`; a level without a
 * share takes what is left, split evenly. Shares must sum to 100.
 */
export function parseTakeProfits(v: number | string): TakeProfitLevel[] | string {
  const parts =
    typeof v === 'number'
      ? [String(v)]
      : v
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
  if (parts.length === 0) return 'must be a price, a percent like "4%", or levels like "2%:50,4%:50"';
  if (parts.length > 5) return 'at most 5 take-profit levels';
  const levels: { level: PriceLevel; share?: number }[] = [];
  for (const part of parts) {
    const [levelText, shareText] = part.split(':').map((x) => x.trim()) as [string, string | undefined];
    const level = parseLevel(typeof v === 'number' ? v : levelText, 1000);
    if (typeof level === 'string') return level;
    if (shareText === undefined) {
      levels.push({ level });
      continue;
    }
    const share = boundedDecimal(shareText.replace(/%$/, ''), 100);
    if (typeof share === 'string') return `share ${share}`;
    levels.push({ level, share });
  }
  const given = levels.reduce((sum, l) => sum + (l.share ?? 0), 0);
  const open = levels.filter((l) => l.share === undefined).length;
  if (given > 100 + 1e-9) return 'shares add up to more than 100';
  if (open === 0 && Math.abs(given - 100) > 1e-9) return 'shares must add up to 100';
  return levels.map((l) => ({ level: l.level, sharePct: l.share ?? (100 - given) / open }));
}

function parseBool(v: number | string): boolean | string {
  const s = String(v).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  return 'must be true or false';
}

export function parseTime(v: number | string): number | undefined {
  if (typeof v === 'number' || DECIMAL.test(v.trim())) {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) return undefined;
    return n < 1e11 ? Math.round(n * 1000) : Math.round(n); // epoch seconds vs milliseconds
  }
  const s = v.trim();
  // Require an explicit date; Date.parse alone accepts loose forms that differ between runtimes.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) return undefined;
  const [year, month, day] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
  // Date.parse rolls 2023-02-30 over to March 2nd: refuse days the month does not have.
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : undefined;
}
