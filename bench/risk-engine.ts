// The risk engine's cost per entry signal, as the executor pays it once its inputs are loaded:
// kill switches, the nine checks (correlation against every same-direction position, historical
// VaR of the whole portfolio after the trade) and sizing, with 20 open positions. Market
// statistics and correlations are warm, as in a container that has served a signal before.
import { mulberry32 } from '../shared/core/backtest/prng';
import type { Candles } from '../shared/core/backtest/types';
import type { TradeRecord } from '../shared/core/domain/trade';
import type { MarketInfo } from '../shared/core/ports/exchange';
import { DEFAULT_RISK_CONFIG, resolveRiskConfig } from '../shared/core/risk/config';
import { RiskEngine } from '../shared/core/risk/engine';
import { emptyRiskState } from '../shared/core/risk/state';
import { computeMarketStats, CorrelationCache, type MarketStats } from '../shared/core/risk/stats';
import type { OpenExposure } from '../shared/core/risk/types';
import { percentile, round } from './stats';

const DAY = 86_400_000;
const OPEN = 20;

/** 120 daily candles of a random walk sharing a market factor, so correlations span 0…0.9. */
function dailyCandles(seed: number, market: Float64Array, beta: number): Candles {
  const random = mulberry32(seed);
  const n = market.length;
  const c = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let price = 100 + seed;
  for (let i = 0; i < n; i++) {
    const r = beta * (market[i] as number) + 0.02 * (random() - 0.5);
    const open = price;
    price *= 1 + r;
    c.time[i] = Date.UTC(2026, 0, 1) + i * DAY;
    c.open[i] = open;
    c.close[i] = price;
    c.high[i] = Math.max(open, price) * 1.01;
    c.low[i] = Math.min(open, price) * 0.99;
    c.volume[i] = 1;
  }
  return c;
}

export function riskEngineCost(decisions = Number(process.env.BENCH_RISK_DECISIONS ?? 5_000)): {
  p50Ms: number;
  p99Ms: number;
  openPositions: number;
  decisions: number;
  correlationPairs: number;
} {
  const random = mulberry32(7);
  const marketMoves = Float64Array.from({ length: 120 }, () => 0.04 * (random() - 0.5));
  const symbols = Array.from({ length: OPEN + 1 }, (_, i) => `S${i}/USDT:USDT`);
  const stats = new Map<string, MarketStats>(
    symbols.map((s, i) => [
      s,
      computeMarketStats(s, dailyCandles(i + 1, marketMoves, 0.2 + (i % 5) * 0.2), {
        atrPeriod: 14,
        shortDays: 7,
        longDays: 90,
      }),
    ]),
  );
  // Half long, half short, 4 % of equity each: within every cap, so every check runs to the end.
  const open: OpenExposure[] = symbols
    .slice(0, OPEN)
    .map((symbol, i) => ({ symbol, side: i % 2 ? 'short' : 'long', quantity: 4, notional: '400' }));
  const market: MarketInfo = {
    symbol: symbols[OPEN] as string,
    base: 'S',
    quote: 'USDT',
    settle: 'USDT',
    contractSize: '1',
    amountStep: '0.001',
    priceStep: '0.01',
    minAmount: '0.001',
    minNotional: '5',
    maxLeverage: 50,
  };
  const config = resolveRiskConfig({ limits: { maxOpenPositions: 50, correlation: { threshold: 0.95 } } });
  const trades: TradeRecord[] = [];
  const engine = new RiskEngine();
  const correlations = new CorrelationCache();
  const inputs = {
    config,
    accountMaxLeverage: 20,
    equity: '10000',
    market,
    open,
    stats: (s: string) => stats.get(s),
    correlations,
    now: Date.UTC(2026, 5, 1),
    state: emptyRiskState('bench'),
    trades,
  };
  const request = {
    symbol: market.symbol,
    side: 'long' as const,
    price: (stats.get(market.symbol) as MarketStats).lastClose,
    leverage: 3,
    stopPrice: (stats.get(market.symbol) as MarketStats).lastClose * 0.97,
  };
  // Warm-up: JIT and the correlation cache (a container's first signal pays the 20 correlations once).
  for (let i = 0; i < 500; i++) engine.decideEntry(request, inputs);
  const samples: number[] = [];
  let accepted = 0;
  for (let i = 0; i < decisions; i++) {
    const t0 = performance.now();
    const decision = engine.decideEntry(request, inputs);
    samples.push(performance.now() - t0);
    if (decision.accepted) accepted++;
  }
  if (!accepted) throw new Error('the bench portfolio was refused: it would not exercise every check');
  void DEFAULT_RISK_CONFIG;
  return {
    p50Ms: round(percentile(samples, 50), 4),
    p99Ms: round(percentile(samples, 99), 4),
    openPositions: OPEN,
    decisions,
    correlationPairs: correlations.size,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify({ bench: 'risk-engine', ...riskEngineCost() }));
}
