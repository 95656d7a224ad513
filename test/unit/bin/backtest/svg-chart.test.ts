// Chart helpers: min/max downsampling keeps every extreme, ticks are round and readable.
import { decimalsFor, minMaxIndices, niceTicks, timeTicks } from '../../../../bin/backtest/svg-chart';

describe('minMaxIndices', () => {
  test('keeps first, last and each bucket extreme, in order', () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 50) * 10);
    values[1234] = 99;
    values[8765] = -99;
    const idx = minMaxIndices(values, 100);
    expect(idx.length).toBeLessThanOrEqual(400);
    expect(idx).toContain(1234);
    expect(idx).toContain(8765);
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(9999);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
  });

  test('short series are kept whole', () => {
    expect(minMaxIndices([3, 1, 2], 100)).toEqual([0, 1, 2]);
  });
});

describe('ticks', () => {
  test('value ticks fall on 1, 2, 2.5 or 5 × 10^k inside the range', () => {
    expect(niceTicks(1.01, 1.17, 7)).toEqual([1.025, 1.05, 1.075, 1.1, 1.125, 1.15]);
    expect(niceTicks(9_480, 10_760, 6)).toEqual([9_500, 9_750, 10_000, 10_250, 10_500, 10_750]);
  });

  test('decimals tell the ticks apart', () => {
    expect([0.025, 0.05, 0.1, 1, 2.5, 250].map(decimalsFor)).toEqual([3, 2, 1, 0, 1, 0]);
  });

  test('time ticks: hours within days, calendar quarters over a year, all UTC', () => {
    expect(timeTicks(Date.UTC(2021, 10, 17, 1), Date.UTC(2021, 10, 21, 5), 9).map((t) => t.label)).toEqual([
      '11-17 12:00',
      '11-18 00:00',
      '11-18 12:00',
      '11-19 00:00',
      '11-19 12:00',
      '11-20 00:00',
      '11-20 12:00',
      '11-21 00:00',
    ]);
    expect(timeTicks(Date.UTC(2023, 0, 1), Date.UTC(2024, 0, 1), 9).map((t) => t.label)).toEqual([
      '2023-01',
      '2023-04',
      '2023-07',
      '2023-10',
      '2024-01',
    ]);
    expect(timeTicks(Date.UTC(2004, 7, 19), Date.UTC(2013, 2, 1), 9)[0]!.label).toBe('2005');
  });
});
