// MarketRegimeSeries: the regime, its probability and the volatilities a strategy reads per
// closed bar are the component streams' own values; a strategy holding one trades through the
// backtest engine on the regime of its signal bar, and by-regime files every such trade under it.
import { runBacktest } from '../../../../shared/core/backtest/engine';
import {
  backtestByRegime,
  GarchVolStream,
  MarketRegimeSeries,
  REGIME_LABELS,
  RealizedVolatility,
  regimeSeries,
} from '../../../../shared/core/regimes';
import type { StrategyDefinition } from '../../../../shared/core/strategies/types';
import { loadSkenderQuotes } from '../../../fixtures/market-data';
import { config } from '../backtest/helpers';

const quotes = loadSkenderQuotes();
const bars = Array.from(quotes.close, (close, i) => ({ high: quotes.high[i]!, low: quotes.low[i]!, close }));

describe('MarketRegimeSeries', () => {
  it("gives, bar by bar, the regime stream's label and probability and the volatility streams' values", () => {
    const series = new MarketRegimeSeries({ realized: { window: 20, periodsPerYear: 365 } });
    const values = bars.map((bar) => series.next(bar));
    const regimes = regimeSeries(quotes);
    const garch = new GarchVolStream();
    const realized = new RealizedVolatility(20, 365);
    values.forEach((v, i) => {
      const r = regimes[i]!;
      expect(v.regime).toBe(r.label);
      expect(v.source).toBe(r.source);
      if (r.label === undefined) expect(v.probability).toBeNaN();
      else expect(v.probability).toBe(r.probabilities[REGIME_LABELS.indexOf(r.label)]);
      expect(v.garchVol).toBe(garch.next(bars[i]!.close));
      expect(v.realizedVol).toBe(realized.next(bars[i]!.close));
    });
    expect(values.filter((v) => v.regime !== undefined).length).toBeGreaterThan(300);
    expect(values.filter((v) => Number.isFinite(v.garchVol)).length).toBeGreaterThan(200);
  }, 60_000);

  it('volatilities off: NaN', () => {
    const v = new MarketRegimeSeries({ garch: false }).next(bars[0]!);
    expect([v.garchVol, v.realizedVol]).toEqual([Number.NaN, Number.NaN]);
  });

  it('a strategy long only in a BULL regime: every entry is filed under BULL by the regime at entry', () => {
    const bullOnly: StrategyDefinition = {
      id: 'bull-only',
      description: 'long while the regime is BULL, flat otherwise',
      params: [],
      warmup: () => 0,
      create: () => {
        const regimes = new MarketRegimeSeries({ garch: false });
        return {
          next: (bar, position) => {
            const { regime } = regimes.next(bar);
            if (regime === 'BULL' && position === 'flat') return { action: 'long' };
            if (regime !== 'BULL' && position === 'long') return { action: 'close_all' };
            return undefined;
          },
        };
      },
    };
    const result = runBacktest(quotes, bullOnly, {}, config({ cash: 10_000 }));
    expect(result.trades.length).toBeGreaterThan(0);
    const b = backtestByRegime(quotes, result.trades);
    expect(b.trades.map((t) => [t.regime, t.trades])).toEqual([['BULL', result.trades.length]]);
  }, 60_000);
});
