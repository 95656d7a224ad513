// Byte readers for the CSV hot loop: a decimal or a candle time read straight from the file's
// bytes between two offsets, without making a string per field. Each accepts only ASCII forms
// whose value provably equals what Number() / epochMsFromText give for the same text and returns
// NaN for anything else, so the caller falls back to those (which then decide, and word the error).
import { epochMsFromNumber } from './time-values';

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
const SLASH = 47;
const COLON = 58;
const SPACE = 32;
const T_UPPER = 84;
const Z_UPPER = 90;

// 10^0 … 10^22 are exact doubles. Number('d…d.f…f') is the correctly rounded value of the decimal;
// when the digits, read as an integer m, are below 2^53 (15 significant digits always are) and
// there are at most 22 after the point, m and 10^k are exact, and IEEE division rounds m / 10^k
// correctly: the same double (Clinger's fast path).
const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_SIGNIFICANT = 15;

/** [+-]?digits[.digits] in bytes[start, end) with ≤ 15 significant digits, as Number() reads it; else NaN. */
export function readDecimal(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  let ch = i < end ? bytes[i]! : -1;
  if (ch === MINUS || ch === PLUS) {
    negative = ch === MINUS;
    ch = ++i < end ? bytes[i]! : -1;
  }
  let mantissa = 0;
  let digits = 0;
  let significant = 0;
  let fraction = -1; // digits after the point; -1 before the point
  for (; i < end; i++) {
    ch = bytes[i]!;
    if (ch >= ZERO && ch <= NINE) {
      mantissa = mantissa * 10 + (ch - ZERO);
      digits++;
      if (mantissa !== 0) significant++;
      if (fraction >= 0) fraction++;
    } else if (ch === DOT && fraction < 0) fraction = 0;
    else return Number.NaN;
  }
  if (digits === 0 || significant > MAX_SIGNIFICANT || fraction > 22) return Number.NaN;
  const value = fraction > 0 ? mantissa / POW10[fraction]! : mantissa;
  return negative ? -value : value;
}

/** Epoch ms from an unsigned integer epoch (s/ms/µs, ≤ 15 digits) in bytes[start, end); else NaN. */
function readEpochInteger(bytes: Uint8Array, start: number, end: number): number {
  if (end - start > MAX_SIGNIFICANT || end === start) return Number.NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const ch = bytes[i]!;
    if (ch < ZERO || ch > NINE) return Number.NaN;
    value = value * 10 + (ch - ZERO);
  }
  return epochMsFromNumber(value);
}

const digitAt = (bytes: Uint8Array, i: number): number => {
  const d = bytes[i]! - ZERO;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};

const twoDigits = (bytes: Uint8Array, i: number): number => digitAt(bytes, i) * 10 + digitAt(bytes, i + 1);

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to a valid proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS` (`/` for `-` too), optionally with a
 * trailing `Z`, in bytes[start, end): epoch ms (UTC), as epochMsFromText reads it; else NaN (an
 * out-of-range field included: epochMsFromText refuses those too, and the caller asks it).
 */
function readDateTime(bytes: Uint8Array, start: number, end: number): number {
  let length = end - start;
  if (length === 20 && bytes[end - 1]! === Z_UPPER) length = 19;
  if (length !== 10 && length !== 19) return Number.NaN;
  const sep1 = bytes[start + 4]!;
  const sep2 = bytes[start + 7]!;
  if ((sep1 !== MINUS && sep1 !== SLASH) || (sep2 !== MINUS && sep2 !== SLASH)) return Number.NaN;
  const year = twoDigits(bytes, start) * 100 + twoDigits(bytes, start + 2);
  const month = twoDigits(bytes, start + 5);
  const day = twoDigits(bytes, start + 8);
  // Years below 100 are left to Date.UTC's own reading (it maps them to 19xx, then refuses).
  if (!(year >= 100 && month >= 1 && month <= 12 && day >= 1)) return Number.NaN;
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return Number.NaN;
  let ms = daysFromCivil(year, month, day) * 86_400_000;
  if (length === 19) {
    const sep = bytes[start + 10]!;
    if (sep !== SPACE && sep !== T_UPPER) return Number.NaN;
    if (bytes[start + 13]! !== COLON || bytes[start + 16]! !== COLON) return Number.NaN;
    const hour = twoDigits(bytes, start + 11);
    const minute = twoDigits(bytes, start + 14);
    const second = twoDigits(bytes, start + 17);
    if (!(hour <= 23 && minute <= 59 && second <= 59)) return Number.NaN;
    ms += hour * 3_600_000 + minute * 60_000 + second * 1000;
  }
  return ms;
}

/** Epoch ms of a candle time in bytes[start, end) in the common forms (see above); else NaN. */
export function readTime(bytes: Uint8Array, start: number, end: number): number {
  const ms = readEpochInteger(bytes, start, end);
  return Number.isNaN(ms) ? readDateTime(bytes, start, end) : ms;
}
