// Signal contract v1 (docs/SIGNALS.md): field rules, and the translation of a parsed body into a
// normalised Signal. Unknown fields are refused rather than ignored: a misspelt `stop_loss` that
// silently did nothing would leave a position without its stop.
import { z } from 'zod';
import type { FieldIssue } from '../errors';
import { resolveIntent } from './intent';
import { normalizeSymbol, SymbolFormatError } from './symbols';
import type { MarketPosition, PriceLevel, RawAction, SizeSpec, SymbolRef } from './types';

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const ACCOUNT_ID = /^[A-Za-z0-9_-]{3,64}$/;
const ALERT_ID = /^[\x21-\x7e][\x20-\x7e]{0,127}$/;

const numeric = z.union([z.number(), z.string().trim().regex(DECIMAL, 'must be a number').transform(Number)]);
const positive = numeric.pipe(z.number().finite('must be a finite number').positive('must be greater than 0'));
const lowerEnum = <T extends string>(values: readonly [T, ...T[]]) =>
  z.string().trim().toLowerCase().pipe(z.enum(values, { error: `must be one of ${values.join(', ')}` }));

const sizeField = z.union([z.number(), z.string()]).transform((v, ctx): SizeSpec => {
  const spec = parseSize(v);
  if (typeof spec === 'string') {
    ctx.addIssue({ code: 'custom', message: spec });
    return z.NEVER;
  }
  return spec;
});

const levelField = (maxPercent: number) =>
  z.union([z.number(), z.string()]).transform((v, ctx): PriceLevel => {
    const level = parseLevel(v, maxPercent);
    if (typeof level === 'string') {
      ctx.addIssue({ code: 'custom', message: level });
      return z.NEVER;
    }
    return level;
  });

const timeField = z.union([z.number(), z.string()]).transform((v, ctx): number => {
  const ms = parseTime(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 UTC time or epoch seconds/milliseconds' });
    return z.NEVER;
  }
  return ms;
});

export const signalFieldsSchema = z.strictObject({
  token: z.string().min(1).max(512),
  account: z.string().trim().regex(ACCOUNT_ID, 'must be 3-64 letters, digits, _ or -').optional(),
  action: lowerEnum(['long', 'short', 'close_long', 'close_short', 'close_all', 'buy', 'sell'] as const),
  position: lowerEnum(['long', 'flat', 'short'] as const).optional(),
  symbol: z.string().trim().min(1).max(64),
  size: sizeField.optional(),
  leverage: numeric.pipe(z.number().int('must be a whole number').min(1, 'must be at least 1').max(125, 'must be at most 125')).optional(),
  sl: levelField(99).optional(),
  tp: levelField(1000).optional(),
  strategy: z.string().trim().min(1).max(64).optional(),
  id: z.union([z.string().trim().regex(ALERT_ID, 'must be 1-128 printable ASCII characters'), z.number().transform(String)]).optional(),
  time: timeField.optional(),
  price: positive.optional(),
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
        issues.push({ field: issue.path.join('.') || '(body)', message: issue.message });
      }
    }
    return { ok: false, issues };
  }
  const fields = parsed.data;
  const accountId = pathAccount ?? fields.account;
  if (!accountId) issues.push({ field: 'account', message: 'required (in the body or the URL path)' });
  if (pathAccount && fields.account && fields.account !== pathAccount) {
    issues.push({ field: 'account', message: 'does not match the account in the URL' });
  }
  let symbol: SymbolRef | undefined;
  try {
    symbol = normalizeSymbol(fields.symbol);
  } catch (e) {
    issues.push({ field: 'symbol', message: e instanceof SymbolFormatError ? e.message : 'invalid symbol' });
  }
  const intentResult = resolveIntent(fields.action, fields.position);
  if (!intentResult.ok) issues.push({ field: intentResult.field, message: intentResult.message });
  if (intentResult.ok && (intentResult.intent === 'reduce_long' || intentResult.intent === 'reduce_short')) {
    if (!fields.size || fields.size.kind === 'percent' || fields.size.kind === 'quote') {
      issues.push({ field: 'size', message: 'a partial exit needs the contracts to close (use {{strategy.order.contracts}})' });
    }
  }
  if (issues.length || !accountId || !symbol) return { ok: false, issues };
  const value: ValidatedSignal = { accountId, action: fields.action, intentResult, symbol, fields };
  if (fields.position) value.position = fields.position;
  return { ok: true, value };
}

export function parseSize(v: number | string): SizeSpec | string {
  if (typeof v === 'number') {
    return Number.isFinite(v) && v > 0 ? { kind: 'contracts', value: v } : 'must be greater than 0';
  }
  const s = v.trim().toLowerCase();
  const pct = /^(.+?)\s*%$/.exec(s);
  if (pct) {
    const n = toDecimal(pct[1] as string);
    if (n === undefined) return 'percent must be a number, e.g. "10%"';
    if (n <= 0 || n > 100) return 'percent must be above 0 and at most 100';
    return { kind: 'percent', value: n };
  }
  const quote = /^(.+?)\s*(usdt|usdc|usd|quote)$/.exec(s);
  if (quote) {
    const n = toDecimal(quote[1] as string);
    if (n === undefined || n <= 0) return 'quote amount must be greater than 0, e.g. "250usdt"';
    return { kind: 'quote', value: n };
  }
  const n = toDecimal(s);
  if (n === undefined) return 'must be "N%", "Nusdt" or a number of contracts';
  if (n <= 0) return 'must be greater than 0';
  return { kind: 'contracts', value: n };
}

export function parseLevel(v: number | string, maxPercent: number): PriceLevel | string {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? { kind: 'price', value: v } : 'must be greater than 0';
  const s = v.trim();
  const pct = /^(.+?)\s*%$/.exec(s);
  if (pct) {
    const n = toDecimal(pct[1] as string);
    if (n === undefined || n <= 0 || n > maxPercent) return `percent must be above 0 and at most ${maxPercent}`;
    return { kind: 'percent', value: n };
  }
  const n = toDecimal(s);
  if (n === undefined || n <= 0) return 'must be a price above 0 or a percent like "2%"';
  return { kind: 'price', value: n };
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
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : undefined;
}

function toDecimal(s: string): number | undefined {
  if (!DECIMAL.test(s.trim())) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}
