// Display of the API's numbers. Money arrives as decimal strings (as the book stores it) and is shown
// as given, with thousands separators put in by hand: never through a float, so "0.1" + nothing
// stays "0.1" and 18 significant digits stay 18. Charts may use floats (they only draw).
import type { PositionFunding } from './api-types';

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** "1234567.891" → "1,234,567.891"; anything that is not a plain decimal is shown unchanged. */
export function formatDecimal(value: string | null | undefined, options: { sign?: boolean } = {}): string {
  if (value === null || value === undefined || value === '') return '—';
  const match = DECIMAL.exec(value.trim());
  if (!match) return value;
  const [, sign = '', whole = '0', fraction] = match;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const zero = /^0*$/.test(whole) && (!fraction || /^0*$/.test(fraction));
  const shownSign = sign === '-' && !zero ? '−' : options.sign && !zero ? '+' : '';
  return `${shownSign}${grouped}${fraction ? `.${fraction}` : ''}`;
}

/**
 * A decimal string rounded half away from zero to `digits` places, on its digits (no float): for
 * figures whose last digits are a float's noise (a backtest's P&L). Not a plain decimal: unchanged.
 */
export function roundDecimal(value: string | null | undefined, digits: number): string | null | undefined {
  const match = DECIMAL.exec((value ?? '').trim());
  if (!match) return value;
  const [, sign = '', whole = '0', fraction = ''] = match;
  if (fraction.length <= digits) return value;
  const up = Number(fraction[digits]) >= 5;
  const scaled = (BigInt(whole + fraction.slice(0, digits)) + (up ? 1n : 0n)).toString().padStart(digits + 1, '0');
  const rounded = digits > 0 ? `${scaled.slice(0, -digits)}.${scaled.slice(-digits)}` : scaled;
  return /^[0.]*$/.test(rounded) ? rounded : `${sign === '-' ? '-' : ''}${rounded}`;
}

/** -1, 0 or 1 for a decimal string, read from its digits (colouring P&L). */
export function signOf(value: string | null | undefined): -1 | 0 | 1 {
  const match = DECIMAL.exec((value ?? '').trim());
  if (!match) return 0;
  if (/^0*$/.test(match[2] ?? '') && /^0*$/.test(match[3] ?? '')) return 0;
  return match[1] === '-' ? -1 : 1;
}

/** A ratio (0.53) as a percentage ("53.0 %"); a plain number, not money. */
export function formatPercent(ratio: number | null | undefined, alreadyPercent = false): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(alreadyPercent ? ratio : ratio * 100).toFixed(1)} %`;
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toFixed(digits);
}

/** epoch ms → "2026-12-07 11:45:58 UTC" */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "3 s ago", "5 min ago": how old the data is */
export function formatAge(ms: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/**
 * Where a position's mark comes from and how old it is: "live · 2 s ago" for the price watcher's
 * tick, "as of 12:01:05 UTC · 1 min ago" for the risk-check job's snapshot; "" without a mark.
 */
export function formatMarkAge(
  source: 'live' | 'snapshot' | null | undefined,
  at: number | null | undefined,
  now: number,
): string {
  if (at === null || at === undefined || !Number.isFinite(at)) return '';
  const age = formatAge(at, now);
  return source === 'live' ? `live · ${age}` : `as of ${formatTime(at).slice(11)} · ${age}`;
}

/** A price or amount typed by the owner: a plain positive decimal, or undefined. */
export function parsePositiveDecimal(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed) || /^0*(\.0*)?$/.test(trimmed)) return undefined;
  return trimmed;
}

/**
 * A settings object as "path = value" lines, nested keys joined with dots as `risk set` names them
 * (maxLeverage, dailyLoss.percent); arrays and scalars shown as JSON, so nothing is rounded.
 */
export function settingLines(value: unknown, prefix = ''): [path: string, shown: string][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return prefix ? [[prefix, typeof value === 'string' ? value : JSON.stringify(value)]] : [];
  return Object.entries(value as Record<string, unknown>)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([key, inner]) => settingLines(inner, prefix ? `${prefix}.${key}` : key));
}

/** "2h 13m", "45m", "3d 4h": a span ahead, to the minute */
export function formatSpan(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** "8h", "30m" */
const intervalText = (ms: number): string =>
  ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.round(ms / 60_000)}m`;

/** The settlement currency of a unified symbol: "BTC/USDT:USDT" → "USDT", "BTC/USD:BTC" → "BTC". */
export const settleOf = (symbol: string): string => symbol.split(':')[1] ?? symbol.split('/')[1] ?? '';

/**
 * A position's funding in one line and its detail (`payment` and `when` apart, for two lines):
 * "+1.00 bp / 8h" and "you receive ≈ 0.52 USDT at 16:00 UTC (in 2h 13m)"; "unknown" without a
 * reading, "paper: no funding" on paper. The payment is rounded here, for display only (2 places,
 * or 6 when 2 would show a non-zero amount as 0.00).
 */
export function formatFunding(
  funding: PositionFunding | null | undefined,
  mode: 'paper' | 'live' | undefined,
  symbol: string,
  now: number,
): { rate: string; detail: string; payment: string; when: string; stale: boolean } {
  const none = { detail: '', payment: '', when: '', stale: false };
  if (mode === 'paper') return { rate: 'paper: no funding', ...none };
  if (!funding || !Number.isFinite(funding.bpsPerInterval)) return { rate: 'unknown', ...none };
  const bps = funding.bpsPerInterval;
  const per = funding.intervalMs ? intervalText(funding.intervalMs) : 'interval';
  const rate = `${bps > 0 ? '+' : bps < 0 ? '−' : ''}${Math.abs(bps).toFixed(2)} bp / ${per}`;
  let payment = '';
  if (funding.nextPayment !== undefined) {
    const sign = signOf(funding.nextPayment);
    const magnitude = funding.nextPayment.replace(/^[+-]/, '');
    let shown = roundDecimal(magnitude, 2) ?? magnitude;
    if (sign !== 0 && signOf(shown) === 0) shown = roundDecimal(magnitude, 6) ?? magnitude;
    const amount = `≈ ${formatDecimal(shown)} ${settleOf(symbol)}`;
    payment = sign > 0 ? `you receive ${amount}` : sign < 0 ? `you pay ${amount}` : `nothing to pay (${amount})`;
  }
  let when = '';
  const next = funding.nextFundingTime;
  if (next !== undefined && Number.isFinite(next)) {
    const at = `${formatTime(next).slice(11, 16)} UTC`;
    when = `${payment ? 'at' : 'next'} ${at} ${next > now ? `(in ${formatSpan(next - now)})` : '(passed)'}`;
  }
  const detail = [payment, when].filter(Boolean).join(' ');
  return { rate, detail, payment, when, stale: funding.stale === true };
}
