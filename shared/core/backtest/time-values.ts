// Reads the time of a candle as data files write it: epoch seconds/ms/µs/ns (told apart by
// magnitude) or ISO-8601-like text, which is UTC unless it carries an offset.

const SECONDS_BELOW = 1e11; // 1e11 s is the year 5138; 1e11 ms is 1973-03-03
const MILLIS_BELOW = 1e14;
const MICROS_BELOW = 1e17;

/** Epoch ms from an epoch number in seconds, ms, µs or ns. */
export function epochMsFromNumber(v: number): number {
  const a = Math.abs(v);
  if (a < SECONDS_BELOW) return Math.round(v * 1000);
  if (a < MILLIS_BELOW) return v;
  if (a < MICROS_BELOW) return Math.floor(v / 1000);
  return Math.floor(v / 1e6);
}

const DATE_TIME =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const NUMERIC = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** Epoch ms from text ('2004-08-19', '2017-04-19 09:00:00', '2021-11-17T01:00:00+02:00', '1637110800000'), or NaN. */
export function epochMsFromText(text: string): number {
  const s = text.trim();
  if (NUMERIC.test(s)) return epochMsFromNumber(Number(s));
  const m = DATE_TIME.exec(s);
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const ms = Date.UTC(
    year,
    month - 1,
    day,
    Number(h),
    Number(mi),
    Number(sec),
    frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0,
  );
  // Date.UTC rolls 2021-02-30 into March: a field out of range is an error, not a different day.
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(sec) > 59
  )
    return Number.NaN;
  return ms - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || /^(z|utc|gmt)$/i.test(zone)) return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

/** Epoch ms from a JSON/CSV value (number or text), or NaN. */
export function epochMs(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? epochMsFromNumber(value) : Number.NaN;
  if (typeof value === 'string') return epochMsFromText(value);
  return Number.NaN;
}
