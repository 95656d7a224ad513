// Numbers as a person reads them in a message: grouped thousands, a fixed number of decimals, an
// explicit sign where the number is a change, and its unit after a space ("+1,234.56 USDT",
// "-2.10 %"). A value that rounds to zero is written without a sign ("0.00 USDT", never "-0.00").

import { Big, type Decimal } from '../domain/money';

const groupers = new Map<number, Intl.NumberFormat>();

function grouper(decimals: number): Intl.NumberFormat {
  let format = groupers.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
      signDisplay: 'never',
    });
    groupers.set(decimals, format);
  }
  return format;
}

/**
 * An amount rounded exactly (half up) to the decimals shown, then as a number for the grouping
 * only: what is written is the decimal's own rounding, not a float's. Unreadable text is NaN.
 */
function shown(value: number | Decimal, decimals: number): number {
  if (typeof value === 'number') return value;
  try {
    return Number(new Big(value).round(decimals, Big.roundHalfUp).toString());
  } catch {
    return Number.NaN;
  }
}

/** Unsigned magnitude: "1,234.56". Non-finite values read "n/a". */
export function plain(amount: number | Decimal, decimals = 2): string {
  const value = shown(amount, decimals);
  if (!Number.isFinite(value)) return 'n/a';
  const text = grouper(decimals).format(Math.abs(value));
  return value < 0 && !isZero(text) ? `-${text}` : text;
}

/** A change: "+1,234.56", "-0.50", "0.00". */
export function signed(amount: number | Decimal, decimals = 2): string {
  const value = shown(amount, decimals);
  if (!Number.isFinite(value)) return 'n/a';
  const text = grouper(decimals).format(Math.abs(value));
  if (isZero(text)) return text;
  return `${value < 0 ? '-' : '+'}${text}`;
}

/** "+123.45 USDT" */
export const signedMoney = (value: number | Decimal, quote: string): string => `${signed(value)} ${quote}`;

/** "10,234.56 USDT" */
export const money = (value: number | Decimal, quote: string): string => `${plain(value)} ${quote}`;

/** "+2.10 %" */
export const signedPct = (value: number, decimals = 2): string => `${signed(value, decimals)} %`;

/** "63.6 %" */
export const pct = (value: number, decimals = 1): string => `${plain(value, decimals)} %`;

const isZero = (text: string): boolean => /^[0.,]*$/.test(text);
