// Numbers as a person reads them in a message: grouped thousands, a fixed number of decimals, an
// explicit sign where the number is a change, and its unit after a space ("+1,234.56 USDT",
// "-2.10 %"). A value that rounds to zero is written without a sign ("0.00 USDT", never "-0.00").

const groupers = new Map<number, Intl.NumberFormat>();

function grouper(decimals: number): Intl.NumberFormat {
  let format = groupers.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals, signDisplay: 'never' });
    groupers.set(decimals, format);
  }
  return format;
}

/** Unsigned magnitude: "1,234.56". Non-finite values read "n/a". */
export function plain(value: number, decimals = 2): string {
  if (!Number.isFinite(value)) return 'n/a';
  const text = grouper(decimals).format(Math.abs(value));
  return value < 0 && !isZero(text) ? `-${text}` : text;
}

/** A change: "+1,234.56", "-0.50", "0.00". */
export function signed(value: number, decimals = 2): string {
  if (!Number.isFinite(value)) return 'n/a';
  const text = grouper(decimals).format(Math.abs(value));
  if (isZero(text)) return text;
  return `${value < 0 ? '-' : '+'}${text}`;
}

/** "+123.45 USDT" */
export const signedMoney = (value: number, quote: string): string => `${signed(value)} ${quote}`;

/** "10,234.56 USDT" */
export const money = (value: number, quote: string): string => `${plain(value)} ${quote}`;

/** "+2.10 %" */
export const signedPct = (value: number, decimals = 2): string => `${signed(value, decimals)} %`;

/** "63.6 %" */
export const pct = (value: number, decimals = 1): string => `${plain(value, decimals)} %`;

const isZero = (text: string): boolean => /^[0.,]*$/.test(text);
