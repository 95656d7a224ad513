import { InvalidArgumentError } from '../errors';
// The trading day of the daily-loss switch: the calendar day in the account's IANA time zone, with
// its first instant and the next day's first instant in epoch ms. A DST day lasts 23 or 25 hours,
// so each day's start is found from the zone's own wall clock, never as "start + 24 h".

export interface TradingDay {
  /** YYYY-MM-DD in the time zone */
  day: string;
  /** epoch ms of the day's first instant */
  start: number;
  /** epoch ms of the next day's first instant */
  next: number;
}

const HOUR = 3_600_000;

// Building an Intl.DateTimeFormat costs far more than using one, and the executor asks on every entry.
const formatters = new Map<string, Intl.DateTimeFormat>();
// The last day answered per zone: within that day the answer needs no Intl call at all.
const lastDays = new Map<string, TradingDay>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (error) {
    throw new InvalidArgumentError(
      `Unknown time zone "${timeZone}": expected an IANA name such as "UTC", "Asia/Seoul" or "America/New_York"`,
      undefined,
      { cause: error },
    );
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

/** The wall-clock time at `at` (to the second) in the formatter's zone, written as if it were UTC epoch ms. */
function wallClock(formatter: Intl.DateTimeFormat, at: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = NaN, month = NaN, day = NaN, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The zone's UTC offset at `at`, ms (wall clock minus UTC). */
function offsetAt(formatter: Intl.DateTimeFormat, at: number): number {
  const wholeSecond = Math.floor(at / 1000) * 1000;
  return wallClock(formatter, wholeSecond) - wholeSecond;
}

/**
 * The first instant whose local date is the one whose midnight is `midnight` (that date at 00:00,
 * written as UTC epoch ms). Offsets lie within −12 h…+14 h, so the instant lies within
 * [midnight − 14 h, midnight + 12 h]; the offsets on both sides of that window give the candidates
 * (one offset change at most in a day's span). When a DST change skips midnight itself (America/
 * Santiago), no candidate shows 00:00 and the day starts at the change, found by bisection.
 */
function firstInstantOf(formatter: Intl.DateTimeFormat, midnight: number): number {
  const candidates = [
    midnight - offsetAt(formatter, midnight - 15 * HOUR),
    midnight - offsetAt(formatter, midnight + 13 * HOUR),
  ];
  const valid = candidates.filter((at) => wallClock(formatter, at) === midnight);
  if (valid.length > 0) return Math.min(...valid);

  // Before `low` the wall clock shows the previous day, from `high` on it shows this one.
  let low = Math.min(...candidates) / 1000;
  let high = Math.max(...candidates) / 1000;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallClock(formatter, middle * 1000) >= midnight) high = middle;
    else low = middle;
  }
  return high * 1000;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The trading day containing `now` (epoch ms) in `timeZone`; throws on an unknown zone. */
export function tradingDay(now: number, timeZone: string): TradingDay {
  if (!Number.isFinite(now)) throw new InvalidArgumentError(`tradingDay: now must be epoch milliseconds, got ${now}`);
  const formatter = formatterFor(timeZone);
  const last = lastDays.get(timeZone);
  if (last && now >= last.start && now < last.next) return last;

  const wall = new Date(wallClock(formatter, now));
  const [year, month, day] = [wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate()];
  const answer: TradingDay = Object.freeze({
    day: `${pad(year, 4)}-${pad(month + 1)}-${pad(day)}`,
    start: firstInstantOf(formatter, Date.UTC(year, month, day)),
    // Date.UTC carries day 32 into the next month, and so on.
    next: firstInstantOf(formatter, Date.UTC(year, month, day + 1)),
  });
  lastDays.set(timeZone, answer);
  return answer;
}
