// Numeric bounds of the signal contract (docs/SIGNALS.md, "Bounds"). Every number a signal carries
// ends up in a DynamoDB item and an exchange request after the fill, where an absurd value fails on
// every retry and jams its FIFO lane. So a value is judged on its decimal text before it becomes a
// double: "1e-400" would read as 0 and "1e400" as Infinity, and 1e-320 is a denormal that DynamoDB
// refuses as an underflow. JSON numbers are judged by the text of the value JSON.parse gave.

/** No exchange trades finer than 1e-18 (ERC-20 base units); the finest real ticks and lots are ~1e-10. */
export const MAX_DECIMALS = 18;
/** Highest absolute price (price, limit, sl, tp): BTC quotes ~1.5e8 KRW on Upbit; 1e10 leaves 60× room. */
export const PRICE_MAX = 1e10;
/** Highest size in base units or quote currency: 1e12 units of a 1e-7 coin, or 1e12 KRW of margin. */
export const AMOUNT_MAX = 1e12;
export const LEVERAGE_MAX = 125;

export const NOT_A_NUMBER = 'must be a number';
export const NOT_POSITIVE = 'must be greater than 0';

/** Sign, integer digits, fraction digits, exponent (digits checked by the caller). \d is ASCII-only without the u flag. */
export const DECIMAL = /^([+-]?)(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/;

/**
 * The value of a decimal in (0, max] with at most MAX_DECIMALS decimal places, or what is wrong
 * with it. Magnitude and decimal places are counted on the digits, so no parse can overflow,
 * underflow or round before the check.
 */
export function boundedDecimal(v: number | string, max: number): number | string {
  // JSON.parse turns a number beyond ~1.8e308 into Infinity: it exceeds any bound.
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? NOT_A_NUMBER : `must be at most ${max}`;
  const text = typeof v === 'number' ? String(v) : v.trim();
  const m = DECIMAL.exec(text);
  const digits = m ? `${m[2]}${m[3]}` : '';
  if (!m || !digits) return NOT_A_NUMBER;
  const first = digits.search(/[1-9]/);
  if (first < 0 || m[1] === '-') return NOT_POSITIVE;
  const point = (m[2] as string).length + Number(m[4] ?? 0); // where the decimal point sits in `digits`
  // Compared on the digits, not the double: 100.0000000000000001 reads as 100 but exceeds 100.
  // Past 15 digits before the point no bound here can hold (and the whole part stops being exact).
  const whole = point - first > 15 ? Infinity : Number(digits.padEnd(point, '0').slice(0, Math.max(point, 0)) || 0);
  if (whole > max || (whole === max && /[1-9]/.test(digits.slice(point)))) return `must be at most ${max}`;
  if (digits.search(/0*$/) - point > MAX_DECIMALS) return `must have at most ${MAX_DECIMALS} decimal places`;
  return Number(text);
}
