// The funding-arbitrage backtest on the shipped XRP/USDT series (test/fixtures/funding: real
// Binance funding every 8 h and 1 h perpetual candles). Its figures are recomputed here from the
// raw JSON rows with plain arithmetic, not with the code under test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCandlesText, parseFundingSeries } from '../../../../shared/core/backtest/candle-parsers';
import {
  FUNDING_ARB_DEFAULTS,
  runFundingArbBacktest,
  type FundingArbConfig,
} from '../../../../shared/core/funding/funding-arb-backtest';

const DIR = join(__dirname, '../../../fixtures/funding');
const candleText = readFileSync(join(DIR, 'XRP_USDT_USDT-1h-futures.json'), 'utf8');
const fundingText = readFileSync(join(DIR, 'XRP_USDT_USDT-8h-funding_rate.json'), 'utf8');
const rawCandles = JSON.parse(candleText) as number[][];
const rawFunding = JSON.parse(fundingText) as number[][];
const candles = parseCandlesText(candleText, 'candles');
const funding = parseFundingSeries(JSON.parse(fundingText), 'funding');

const HOUR = 3_600_000;
const base: FundingArbConfig = { ...FUNDING_ARB_DEFAULTS, mode: 'always-in' };

describe('always-in on the shipped series', () => {
  const report = runFundingArbBacktest(candles, funding, base);
  const notional = 5000;
  const s = 2 / 10_000;
  const fp = 5 / 10_000;
  const fs = 10 / 10_000;
  const o0 = rawCandles[0]![1]!;
  const lastClose = rawCandles.at(-1)![4]!;
  const amount = notional / o0;
  const start = rawCandles[0]![0]!;
  const end = rawCandles.at(-1)![0]! + HOUR;

  it('receives, on the short perp, amount × the open of the candle holding each settlement × its rate', () => {
    let expected = 0;
    let settlements = 0;
    for (const [t, rate] of rawFunding) {
      if (t! < start || t! >= end) continue;
      const candle = rawCandles.find((c) => c[0]! <= t! && t! < c[0]! + HOUR)!;
      expected += amount * candle[1]! * rate!;
      settlements++;
    }
    expect(settlements).toBe(10); // 2021-11-18 00:00 → 2021-11-21 00:00, every 8 h
    expect(report.settlementsHeld).toBe(10);
    expect(Number(report.totalFunding)).toBeCloseTo(expected, 9);
    expect(Number(report.totalFunding)).toBeGreaterThan(0);
  });

  it('pays taker fees on both legs in and out; the legs cancel but for the slippage; one round trip, always in', () => {
    // in: short perp at o0(1 − s), buy spot at o0(1 + s); out at the last close: buy perp c(1 + s), sell spot c(1 − s)
    const fees =
      amount * o0 * (1 - s) * fp +
      amount * o0 * (1 + s) * fs +
      amount * lastClose * (1 + s) * fp +
      amount * lastClose * (1 - s) * fs;
    const slippage = amount * s * 2 * (o0 + lastClose);
    expect(Number(report.totalFees)).toBeCloseTo(fees, 9);
    expect(Number(report.totalSlippage)).toBeCloseTo(slippage, 9);
    expect(Number(report.netPnl)).toBeCloseTo(Number(report.totalFunding) - fees - slippage, 9);
    expect(Number(report.finalEquity)).toBeCloseTo(10_000 + Number(report.netPnl), 9);
    expect(report.roundTrips).toBe(1);
    expect(report.timeInMarketPct).toBe(100);
    expect(report.trades[0]).toMatchObject({ side: 'short-perp', exitReason: 'end of data', settlements: 10 });
    expect(report.equity.value).toHaveLength(rawCandles.length);
    expect(report.maxDrawdownPct).toBeGreaterThan(0); // the entry's fees and slippage at least
  });
});

describe('decision-driven on the shipped series', () => {
  // Projected bps at settlement j, recomputed from the raw rows: mean of the last 3 rates × 9 settlements (3 d / 8 h).
  const projectedAt = (time: number): number => {
    const j = rawFunding.findIndex((r) => r[0] === time);
    const last = rawFunding.slice(j - 2, j + 1).map((r) => r[1]!);
    return ((last[0]! + last[1]! + last[2]!) / 3) * 9 * 10_000;
  };
  // cost = 2 × (perp + spot fee) + 4 × slippage + exit cost
  const run = (perpFeeBps: string, spotFeeBps: string) =>
    runFundingArbBacktest(candles, funding, { ...base, mode: 'decision', perpFeeBps, spotFeeBps, slippageBps: '0' });

  it('at a 10 bps round trip, enters only at the settlement whose projection beats it (10.1586 bps), stays out at 9 and 9.9138', () => {
    const report = run('2.5', '2.5');
    const entries = report.decisions.filter((d) => d.action === 'enter');
    const stayOuts = report.decisions.filter((d) => d.action === 'stay-out');
    expect(entries.length).toBeGreaterThan(0);
    expect(stayOuts.length).toBeGreaterThan(0);
    for (const d of report.decisions) {
      if (d.action !== 'enter' && d.action !== 'stay-out') continue;
      expect(d.costBps).toBe('10');
      expect(Number(d.projectedBps)).toBeCloseTo(projectedAt(d.time), 9);
      expect(d.action === 'enter').toBe(projectedAt(d.time) > 10);
    }
    expect(entries.map((d) => Number(d.projectedBps))[0]).toBeCloseTo(((0.0001 + 0.0001 + 0.00013862) / 3) * 90_000, 9);
    // it fills at the open of the candle after the settlement, never on the settlement's own candle
    const t = report.trades[0]!;
    expect(t.entryTime).toBe(rawCandles.find((c) => c[0]! > entries[0]!.time)![0]);
  });

  it('at 8 bps it enters at the first full lookback (9 bps) and holds while the projection stays ≥ 0', () => {
    const report = run('2', '2');
    expect(report.roundTrips).toBe(1);
    expect(report.trades[0]).toMatchObject({ side: 'short-perp', settlements: 7, exitReason: 'end of data' });
    expect(report.decisions.filter((d) => d.action === 'hold')).toHaveLength(7);
    expect(Number(report.totalFunding)).toBeGreaterThan(0);
  });

  it('costs above every projection in the window: no trade, equity untouched', () => {
    const report = run('5', '10');
    expect(report.roundTrips).toBe(0);
    expect(report.finalEquity).toBe('10000');
    expect(report.decisions.every((d) => d.action === 'stay-out')).toBe(true);
  });
});

describe('bad input', () => {
  it('names the field and the bound', () => {
    expect(() => runFundingArbBacktest(candles, funding, { ...base, notional: '0' })).toThrow(
      /notional must be > 0, got 0/,
    );
    expect(() => runFundingArbBacktest(candles, funding, { ...base, horizonMs: HOUR })).toThrow(
      /horizonMs must be ≥ fundingIntervalMs/,
    );
    expect(() => runFundingArbBacktest(candles, funding, { ...base, spotFeeBps: 'abc' })).toThrow(
      /otherFeeBps must be a decimal number of bps, got abc/,
    );
  });
});
