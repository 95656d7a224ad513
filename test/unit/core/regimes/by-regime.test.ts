// The backtest by regime: time in each regime and P&L by the regime at entry. The entry's regime
// is the last closed bar's before the fill (no look-ahead): shown on hand-made readings whose label
// changes exactly at the fill bar, and on a real backtest (Stock.Indicators' 502 daily bars through
// the engine), where each trade's regime must equal the stream's reading on the candles cut just
// before its fill.
import { regimeLines } from '../../../../bin/backtest/human-output';
import { runBacktest } from '../../../../shared/core/backtest/engine';
import type { StrategySignal } from '../../../../shared/core/strategies/types';
import {
  backtestByRegime,
  breakdownByRegime,
  entryRegimes,
  regimeSeries,
  type RegimeLabel,
} from '../../../../shared/core/regimes';
import { loadSkenderQuotes } from '../../../fixtures/market-data';
import { config, scripted } from '../backtest/helpers';

const DAY = 86_400_000;
const times = (n: number) => Float64Array.from({ length: n }, (_, i) => i * DAY);
const readings = (labels: (RegimeLabel | undefined)[]) => labels.map((label) => ({ label }));

describe('breakdownByRegime on hand-made readings', () => {
  // bars 0–1 warm-up, 2–4 BULL, 5–9 BEAR
  const labels: (RegimeLabel | undefined)[] = [
    undefined,
    undefined,
    'BULL',
    'BULL',
    'BULL',
    'BEAR',
    'BEAR',
    'BEAR',
    'BEAR',
    'BEAR',
  ];
  const candles = { time: times(10) };

  it("a fill at bar i's open or inside bar i takes bar i − 1's regime, never bar i's", () => {
    const keys = entryRegimes(candles, readings(labels), [
      { entryTime: 0 }, // before any bar closed
      { entryTime: 2 * DAY }, // bar 1 closed: still warming up
      { entryTime: 5 * DAY }, // bar 4 (BULL) closed; bar 5 (BEAR) is the one being filled in
      { entryTime: 5 * DAY + 1 }, // inside bar 5: it has not closed, so still bar 4's BULL
      { entryTime: 6 * DAY }, // bar 5 closed: BEAR
    ]);
    expect(keys).toEqual(['none', 'none', 'BULL', 'BULL', 'BEAR']);
  });

  it('time in each regime over all bars, and trades grouped by entry regime', () => {
    const b = breakdownByRegime(candles, readings(labels), [
      { entryTime: 3 * DAY, pnl: 10, returnPct: 2 },
      { entryTime: 4 * DAY, pnl: -4, returnPct: -1 },
      { entryTime: 7 * DAY, pnl: 6, returnPct: 1.5 },
    ]);
    expect(b.bars).toBe(10);
    expect(b.time).toEqual([
      { regime: 'BULL', bars: 3, pct: 30 },
      { regime: 'BEAR', bars: 5, pct: 50 },
      { regime: 'SIDEWAYS', bars: 0, pct: 0 },
      { regime: 'NEUTRAL', bars: 0, pct: 0 },
      { regime: 'none', bars: 2, pct: 20 },
    ]);
    expect(b.trades).toEqual([
      { regime: 'BULL', trades: 2, wins: 1, winRatePct: 50, pnl: 6, avgReturnPct: 0.5 },
      { regime: 'BEAR', trades: 1, wins: 1, winRatePct: 100, pnl: 6, avgReturnPct: 1.5 },
    ]);
    expect(regimeLines(b, 'USDT')).toEqual([
      'regimes over 10 bars: BULL 30.0 %  BEAR 50.0 %  SIDEWAYS 0.0 %  NEUTRAL 0.0 %  none 20.0 %',
      'entered in BULL        2 trades  win rate 50.00 %  P&L 6.00 USDT  avg return 0.50 %',
      'entered in BEAR        1 trades  win rate 100.00 %  P&L 6.00 USDT  avg return 1.50 %',
    ]);
  });

  it('refuses readings that are not one per candle', () => {
    expect(() => breakdownByRegime(candles, readings(labels.slice(1)), [])).toThrow(
      'readings (9) must be one per candle (10)',
    );
  });
});

describe('backtestByRegime on a real backtest', () => {
  const quotes = loadSkenderQuotes();
  const LONG: StrategySignal = { action: 'long' };
  const SHORT: StrategySignal = { action: 'short' };
  const CLOSE: StrategySignal = { action: 'close_all' };
  // signals at these bars' close, filled at the next bar's open
  const script = { 240: LONG, 260: CLOSE, 300: SHORT, 330: CLOSE, 400: LONG, 450: CLOSE, 480: SHORT, 500: CLOSE };

  it('each trade is filed under the regime read on the candles cut before its fill', () => {
    const result = runBacktest(quotes, scripted(script), {}, config({ cash: 10_000 }));
    expect(result.trades.map((t) => t.entryTime)).toEqual([241, 301, 401, 481].map((i) => quotes.time[i]));

    const b = backtestByRegime(quotes, result.trades);
    // Independently: the stream on the bars up to the signal bar only, its last reading.
    const expected = [240, 300, 400, 480].map(
      (i) =>
        regimeSeries({
          high: quotes.high.slice(0, i + 1),
          low: quotes.low.slice(0, i + 1),
          close: quotes.close.slice(0, i + 1),
        }).at(-1)!.label ?? 'none',
    );
    expect(expected.filter((k) => k !== 'none').length).toBeGreaterThan(0);
    expect(entryRegimes(quotes, regimeSeries(quotes), result.trades)).toEqual(expected);
    const pnlByKey = new Map<string, number>();
    expected.forEach((k, i) => pnlByKey.set(k, (pnlByKey.get(k) ?? 0) + result.trades[i]!.pnl));
    expect(new Map(b.trades.map((t) => [t.regime, t.pnl]))).toEqual(pnlByKey);
    expect(b.trades.reduce((n, t) => n + t.trades, 0)).toBe(4);
    expect(b.time.reduce((n, t) => n + t.bars, 0)).toBe(quotes.close.length);
    // the real market named some regime for most of its 502 bars once warmed up
    expect(b.time.find((t) => t.regime === 'none')!.bars).toBeLessThan(100);
  }, 60_000);
});
