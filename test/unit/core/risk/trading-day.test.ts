// tradingDay: the calendar day in an IANA zone and the epoch ms of its first instant and the next
// day's, on ordinary days and on DST days of 23 and 25 hours. Every expected instant is written out.
import { tradingDay } from '../../../../shared/core/risk/trading-day';

const HOUR = 3_600_000;

describe('tradingDay', () => {
  it('UTC: the day runs from UTC midnight to UTC midnight', () => {
    const now = Date.UTC(2026, 2, 8, 13, 45, 12, 345);
    expect(tradingDay(now, 'UTC')).toEqual({
      day: '2026-03-08',
      start: Date.UTC(2026, 2, 8),
      next: Date.UTC(2026, 2, 9),
    });
  });

  it('UTC: midnight itself belongs to the day it starts, the millisecond before to the day before', () => {
    expect(tradingDay(Date.UTC(2026, 2, 8), 'UTC').day).toBe('2026-03-08');
    expect(tradingDay(Date.UTC(2026, 2, 8) - 1, 'UTC')).toEqual({
      day: '2026-03-07',
      start: Date.UTC(2026, 2, 7),
      next: Date.UTC(2026, 2, 8),
    });
  });

  it('UTC: the last day of a year rolls into the next year', () => {
    expect(tradingDay(Date.UTC(2026, 11, 31, 23, 59), 'UTC')).toEqual({
      day: '2026-12-31',
      start: Date.UTC(2026, 11, 31),
      next: Date.UTC(2027, 0, 1),
    });
  });

  it('Asia/Seoul (UTC+9, no DST): the day starts at 15:00 UTC the evening before', () => {
    // 2026-03-08 20:00 UTC is 2026-03-09 05:00 in Seoul.
    expect(tradingDay(Date.UTC(2026, 2, 8, 20), 'Asia/Seoul')).toEqual({
      day: '2026-03-09',
      start: Date.UTC(2026, 2, 8, 15),
      next: Date.UTC(2026, 2, 9, 15),
    });
    // 14:59:59.999 UTC is still the 8th in Seoul.
    expect(tradingDay(Date.UTC(2026, 2, 8, 14, 59, 59, 999), 'Asia/Seoul').day).toBe('2026-03-08');
  });

  it('America/New_York 2026-03-08 (DST starts): a 23-hour day, EST start, EDT next start', () => {
    const answer = tradingDay(Date.UTC(2026, 2, 8, 12), 'America/New_York');
    expect(answer).toEqual({ day: '2026-03-08', start: 1772946000000, next: 1773028800000 });
    expect(answer.start).toBe(Date.UTC(2026, 2, 8, 5)); // 00:00 EST (UTC−5)
    expect(answer.next).toBe(Date.UTC(2026, 2, 9, 4)); // 00:00 EDT (UTC−4)
    expect(answer.next - answer.start).toBe(23 * HOUR);
  });

  it('America/New_York 2026-11-01 (DST ends): a 25-hour day, EDT start, EST next start', () => {
    // 06:30 UTC is the second 01:30 of the day (EST), after the clocks went back at 06:00 UTC.
    const answer = tradingDay(Date.UTC(2026, 10, 1, 6, 30), 'America/New_York');
    expect(answer).toEqual({ day: '2026-11-01', start: 1793505600000, next: 1793595600000 });
    expect(answer.start).toBe(Date.UTC(2026, 10, 1, 4)); // 00:00 EDT (UTC−4)
    expect(answer.next).toBe(Date.UTC(2026, 10, 2, 5)); // 00:00 EST (UTC−5)
    expect(answer.next - answer.start).toBe(25 * HOUR);
  });

  it('America/New_York: the day before a DST day still lasts 24 hours', () => {
    const answer = tradingDay(Date.UTC(2026, 2, 7, 12), 'America/New_York');
    expect(answer).toEqual({ day: '2026-03-07', start: Date.UTC(2026, 2, 7, 5), next: Date.UTC(2026, 2, 8, 5) });
  });

  it('America/Santiago 2026-09-06: midnight is skipped (00:00 → 01:00), so the day starts at 01:00 local', () => {
    const answer = tradingDay(Date.UTC(2026, 8, 6, 12), 'America/Santiago');
    expect(answer).toEqual({ day: '2026-09-06', start: Date.UTC(2026, 8, 6, 4), next: Date.UTC(2026, 8, 7, 3) });
    expect(answer.next - answer.start).toBe(23 * HOUR);
    // The day before ends at the same instant.
    expect(tradingDay(Date.UTC(2026, 8, 6, 3, 59), 'America/Santiago')).toEqual({
      day: '2026-09-05',
      start: Date.UTC(2026, 8, 5, 4),
      next: Date.UTC(2026, 8, 6, 4),
    });
  });

  it('answers each zone on its own when several are asked in turn (the per-zone cache never leaks)', () => {
    const now = Date.UTC(2026, 2, 8, 20);
    expect(tradingDay(now, 'UTC').day).toBe('2026-03-08');
    expect(tradingDay(now, 'Asia/Seoul').day).toBe('2026-03-09');
    expect(tradingDay(now + 10 * HOUR, 'UTC').day).toBe('2026-03-09');
    expect(tradingDay(now - 20 * HOUR, 'Asia/Seoul').day).toBe('2026-03-08');
  });

  it('throws an error naming an unknown zone', () => {
    expect(() => tradingDay(0, 'Mars/Olympus')).toThrow(/Unknown time zone "Mars\/Olympus"/);
    expect(() => tradingDay(0, '')).toThrow(/Unknown time zone ""/);
  });

  it('throws on a time that is not epoch milliseconds', () => {
    expect(() => tradingDay(Number.NaN, 'UTC')).toThrow(/epoch milliseconds/);
  });
});
