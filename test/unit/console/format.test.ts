// The console shows the API's decimal strings as given, with thousands separators put in without
// a float: digits a float would lose stay, and the sign is read from the text.
import {
  formatDecimal,
  formatFunding,
  formatMarkAge,
  formatSpan,
  parsePositiveDecimal,
  roundDecimal,
  settingLines,
  signOf,
} from '../../../console/src/format';

describe('formatDecimal', () => {
  it('groups the whole part and keeps every digit of the fraction', () => {
    expect(formatDecimal('1234567.891')).toBe('1,234,567.891');
    expect(formatDecimal('100')).toBe('100');
    expect(formatDecimal('1000')).toBe('1,000');
    // 17 significant digits: a float would print 12345678901234.568
    expect(formatDecimal('12345678901234.5678')).toBe('12,345,678,901,234.5678');
    expect(formatDecimal('0.00000001')).toBe('0.00000001');
  });

  it('shows a negative with a minus sign and a positive with + when asked', () => {
    expect(formatDecimal('-2500.5')).toBe('−2,500.5');
    expect(formatDecimal('2500.5', { sign: true })).toBe('+2,500.5');
    expect(formatDecimal('-0.00', { sign: true })).toBe('0.00');
  });

  it('shows anything that is not a plain decimal unchanged, and a dash for nothing', () => {
    expect(formatDecimal('1e-7')).toBe('1e-7');
    expect(formatDecimal(null)).toBe('—');
    expect(formatDecimal('')).toBe('—');
  });
});

it('signOf reads the sign from the digits', () => {
  expect(signOf('-0.0001')).toBe(-1);
  expect(signOf('0.000')).toBe(0);
  expect(signOf('-0')).toBe(0);
  expect(signOf('12')).toBe(1);
  expect(signOf(undefined)).toBe(0);
});

it('parsePositiveDecimal accepts a plain positive decimal only', () => {
  expect(parsePositiveDecimal(' 64250.5 ')).toBe('64250.5');
  for (const bad of ['0', '0.0', '-1', '1e3', '1,000', 'abc', '', '.5'])
    expect(parsePositiveDecimal(bad)).toBeUndefined();
});

describe('settingLines', () => {
  it('names nested settings by their dotted path, sorted, with values as given', () => {
    expect(
      settingLines({ maxLeverage: 20, dailyLoss: { percent: '5', enabled: true }, symbols: ['BTC/USDT:USDT'] }),
    ).toEqual([
      ['dailyLoss.enabled', 'true'],
      ['dailyLoss.percent', '5'],
      ['maxLeverage', '20'],
      ['symbols', '["BTC/USDT:USDT"]'],
    ]);
  });

  it('gives nothing for an absent or scalar top level (no override)', () => {
    expect(settingLines(undefined)).toEqual([]);
    expect(settingLines({})).toEqual([]);
    expect(settingLines(null)).toEqual([]);
  });
});

it('roundDecimal rounds half away from zero on the digits, keeping what is short enough', () => {
  expect(roundDecimal('-696.987057920279804', 4)).toBe('-696.9871');
  expect(roundDecimal('164.0816047222830012', 4)).toBe('164.0816');
  expect(roundDecimal('9.99995', 4)).toBe('10.0000');
  expect(roundDecimal('-0.00004', 4)).toBe('0.0000');
  expect(roundDecimal('0.00005', 4)).toBe('0.0001');
  // 20 digits a float would not keep
  expect(roundDecimal('12345678901234567.89', 1)).toBe('12345678901234567.9');
  expect(roundDecimal('23.25', 4)).toBe('23.25');
  expect(roundDecimal('1e-7', 4)).toBe('1e-7');
  expect(roundDecimal(null, 4)).toBeNull();
});

it('formatMarkAge says live or "as of" with the mark’s age, and nothing without a mark', () => {
  const now = Date.UTC(2026, 0, 5, 12, 1, 5);
  expect(formatMarkAge('live', now - 2_000, now)).toBe('live · 2 s ago');
  expect(formatMarkAge('snapshot', now - 65_000, now)).toBe('as of 12:00:00 UTC · 65 s ago');
  expect(formatMarkAge('snapshot', now - 30 * 60_000, now)).toBe('as of 11:31:05 UTC · 30 min ago');
  // a server from before live prices sends markAt without a source: the job's snapshot
  expect(formatMarkAge(undefined, now - 1_000, now)).toBe('as of 12:01:04 UTC · 1 s ago');
  expect(formatMarkAge('live', null, now)).toBe('');
});

describe('formatFunding', () => {
  const NOW = Date.UTC(2026, 11, 7, 13, 47, 0);
  const at16 = Date.UTC(2026, 11, 7, 16, 0, 0);
  const f = (patch: Record<string, unknown> = {}) => ({
    rate: '0.0001',
    bpsPerInterval: 1,
    annualPct: 10.95,
    nextFundingTime: at16,
    intervalMs: 8 * 3_600_000,
    asOf: NOW - 60_000,
    stale: false,
    nextPayment: '0.5175',
    ...patch,
  });

  it('a short receiving a positive rate: the rate per interval, the rounded payment, when and in how long', () => {
    expect(formatFunding(f(), 'live', 'ETH/USDT:USDT', NOW)).toEqual({
      rate: '+1.00 bp / 8h',
      detail: 'you receive ≈ 0.52 USDT at 16:00 UTC (in 2h 13m)',
      payment: 'you receive ≈ 0.52 USDT',
      when: 'at 16:00 UTC (in 2h 13m)',
      stale: false,
    });
  });

  it('a long paying; a negative rate; a tiny amount keeps a non-zero figure', () => {
    expect(formatFunding(f({ nextPayment: '-2.05' }), 'live', 'BTC/USDT:USDT', NOW).detail).toBe(
      'you pay ≈ 2.05 USDT at 16:00 UTC (in 2h 13m)',
    );
    expect(formatFunding(f({ bpsPerInterval: -0.25 }), 'live', 'BTC/USDT:USDT', NOW).rate).toBe('−0.25 bp / 8h');
    expect(formatFunding(f({ nextPayment: '-0.000003' }), 'live', 'BTC/USDT:USDT', NOW).detail).toMatch(
      /^you pay ≈ 0\.000003 USDT/,
    );
  });

  it('without interval, payment or next time it says less; a passed settlement says so; stale is passed on', () => {
    const bare = formatFunding(
      { rate: '0.0001', bpsPerInterval: 1, asOf: NOW, stale: true },
      'live',
      'BTC/USDT:USDT',
      NOW,
    );
    expect(bare).toMatchObject({ rate: '+1.00 bp / interval', detail: '', stale: true });
    expect(formatFunding(f({ nextPayment: undefined }), 'live', 'BTC/USDT:USDT', NOW).detail).toBe(
      'next 16:00 UTC (in 2h 13m)',
    );
    expect(formatFunding(f(), 'live', 'BTC/USDT:USDT', at16 + 1).detail).toBe(
      'you receive ≈ 0.52 USDT at 16:00 UTC (passed)',
    );
  });

  it('unknown without a reading; paper has none', () => {
    expect(formatFunding(null, 'live', 'BTC/USDT:USDT', NOW).rate).toBe('unknown');
    expect(formatFunding(undefined, undefined, 'BTC/USDT:USDT', NOW).rate).toBe('unknown');
    expect(formatFunding(f(), 'paper', 'BTC/USDT:USDT', NOW).rate).toBe('paper: no funding');
  });

  it('spans to the minute', () => {
    expect(formatSpan(45 * 60_000 + 59_000)).toBe('45m');
    expect(formatSpan((2 * 60 + 13) * 60_000)).toBe('2h 13m');
    expect(formatSpan(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
  });
});
