// What an accepted signal must satisfy so that nothing after the 202 can fail on its values: every
// number finite and inside the contract's bounds (docs/SIGNALS.md, "Bounds"), storable as a DynamoDB
// number, and every identifier plain ASCII. Written from the documents, not from the code: the
// DynamoDB range is AWS's (Naming rules and data types: Number, 38 significant digits, positive
// 1E-130 to 9.9999999999999999999999999999999999999E+125), the marshalling is the SDK's own
// (@aws-sdk/util-dynamodb refuses NaN, Infinity and integers beyond MAX_SAFE_INTEGER).
import { marshall } from '@aws-sdk/util-dynamodb';
import type { PriceLevel, Signal } from '../../shared/core/signal/types';

const ASSET = /^[A-Z0-9]{1,20}$/;
const PRINTABLE = /^[\x20-\x7e]*$/;

/** Significant digits and decimal places of a number as JavaScript (and the SDK) writes it. */
function digitsOf(n: number): { significant: number; decimals: number } {
  const [mantissa = '', exp = '0'] = String(Math.abs(n)).split('e');
  const [int = '', frac = ''] = mantissa.split('.');
  const all = (int + frac).replace(/^0+/, '');
  const significant = all.replace(/0+$/, '').length;
  return { significant, decimals: Math.max(0, frac.replace(/0+$/, '').length - Number(exp)) };
}

function dynamoNumberProblem(path: string, n: unknown): string | undefined {
  if (typeof n !== 'number') return `${path} is not a number`;
  if (!Number.isFinite(n)) return `${path} = ${n} is not finite`;
  if (n === 0) return undefined;
  const a = Math.abs(n);
  if (a < 1e-130) return `${path} = ${n} underflows a DynamoDB number`;
  if (a >= 1e126) return `${path} = ${n} overflows a DynamoDB number`;
  if (digitsOf(n).significant > 38) return `${path} = ${n} has more than 38 significant digits`;
  return undefined;
}

/** n in (min, max]; `given`: a value the sender wrote (at most 18 decimals), not one computed from them. */
function within(path: string, n: number | undefined, min: number, max: number, problems: string[], given = true): void {
  if (n === undefined) return;
  if (!(n > min && n <= max)) problems.push(`${path} = ${n} outside (${min}, ${max}]`);
  if (given && digitsOf(n).decimals > 18) problems.push(`${path} = ${n} has more than 18 decimal places`);
}

function level(path: string, l: PriceLevel | undefined, maxPercent: number, problems: string[]): void {
  if (!l) return;
  if (l.kind === 'percent') within(`${path}%`, l.value, 0, maxPercent, problems);
  else if (l.kind === 'price') within(path, l.value, 0, 1e10, problems);
  else problems.push(`${path} has kind ${(l as { kind: string }).kind}`);
}

/** Every number anywhere in the object, with its path. */
function numbers(value: unknown, path: string, out: [string, number][]): void {
  if (typeof value === 'number') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => numbers(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) numbers(v, path ? `${path}.${k}` : k, out);
}

/** Everything wrong with an accepted signal; empty when it cannot fail later on its values. */
export function signalProblems(
  signal: Signal,
  bounds: { now: number; maxLeverage: number; maxAgeMs: number; maxFutureMs: number },
): string[] {
  const problems: string[] = [];
  const all: [string, number][] = [];
  numbers(signal, '', all);
  for (const [path, n] of all) {
    const p = dynamoNumberProblem(path, n);
    if (p) problems.push(p);
  }
  try {
    marshall(signal, { removeUndefinedValues: true });
  } catch (e) {
    problems.push(`DynamoDB marshalling fails: ${(e as Error).message}`);
  }

  const { size } = signal;
  if (size) within(`size(${size.kind})`, size.value, 0, size.kind === 'percent' ? 100 : 1e12, problems);
  if (
    signal.leverage !== undefined &&
    !(Number.isInteger(signal.leverage) && signal.leverage >= 1 && signal.leverage <= bounds.maxLeverage)
  ) {
    problems.push(`leverage = ${signal.leverage} not a whole number in [1, ${bounds.maxLeverage}]`);
  }
  level('sl', signal.sl, 99, problems);
  const short = signal.intent === 'enter_short';
  const target = (path: string, l: PriceLevel | undefined) => {
    level(path, l, 1000, problems);
    if (short && l?.kind === 'percent' && l.value >= 100)
      problems.push(`${path}% = ${l.value}: a short's target must be below 100 %`);
  };
  target('tp', signal.tp);
  let shares = 0;
  for (const [i, l] of (signal.tpLevels ?? []).entries()) {
    target(`tpLevels[${i}]`, l.level);
    // A level without a share gets (100 - given) / open: computed, so any double in range.
    within(`tpLevels[${i}].sharePct`, l.sharePct, 0, 100, problems, false);
    shares += l.sharePct;
  }
  if (signal.tpLevels && Math.abs(shares - 100) > 1e-6) problems.push(`tp shares add up to ${shares}`);
  within('trailPct', signal.trailPct, 0, 50, problems);
  level('order.limit', signal.order?.limit, 50, problems);
  within('signalPrice', signal.signalPrice, 0, 1e10, problems);
  if (
    signal.firedAt !== undefined &&
    !(
      Number.isSafeInteger(signal.firedAt) &&
      signal.firedAt >= bounds.now - bounds.maxAgeMs &&
      signal.firedAt <= bounds.now + bounds.maxFutureMs
    )
  ) {
    problems.push(`firedAt = ${signal.firedAt} outside the allowed skew`);
  }

  const { symbol } = signal;
  for (const part of [symbol.base, symbol.quote, symbol.settle])
    if (!ASSET.test(part)) problems.push(`symbol part ${JSON.stringify(part)} is not [A-Z0-9]{1,20}`);
  if (
    symbol.unified !== `${symbol.base}/${symbol.quote}:${symbol.settle}` ||
    symbol.compact !== `${symbol.base}${symbol.quote}`
  )
    problems.push(`symbol ${JSON.stringify(symbol)} is inconsistent`);
  for (const [name, text] of [
    ['sourceExchange', symbol.sourceExchange],
    ['strategy', signal.strategy],
    ['alertId', signal.alertId],
    ['accountId', signal.accountId],
  ] as const) {
    if (text !== undefined && !PRINTABLE.test(text))
      problems.push(`${name} ${JSON.stringify(text)} is not printable ASCII`);
  }
  return problems;
}

/**
 * An accepted body must have been printable ASCII in every key and value: a look-alike that was
 * accepted was folded into something else ("ſolusdt" → SOLUSDT), which the signal alone cannot show.
 */
export function acceptedBodyProblems(body: string): string[] {
  const text = body.trim();
  let strings: string[];
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    strings = Object.entries(parsed).flatMap(([k, v]) => (typeof v === 'string' ? [k, v] : [k]));
  } else {
    strings = text.split(/[\t\n\r &,;]+/);
  }
  return strings.filter((s) => !PRINTABLE.test(s)).map((s) => `accepted a non-ASCII key or value ${JSON.stringify(s)}`);
}
