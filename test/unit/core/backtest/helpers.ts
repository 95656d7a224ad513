// Builders for the backtest engine tests: hand-written candles, a scripted strategy that emits
// given signals on given candles (and records what it was shown), and a cost-free base config.
import type { BacktestConfig, Candles } from '../../../../shared/core/backtest/types';
import type { Bar, HeldPosition, StrategyDefinition, StrategySignal } from '../../../../shared/core/strategies/types';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

/** [open, high, low, close] or [open, high, low, close, volume] */
export type Row = readonly [number, number, number, number] | readonly [number, number, number, number, number];

export function candles(rows: readonly Row[], intervalMs = HOUR, start = T0): Candles {
  const n = rows.length;
  const c: Candles = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  rows.forEach((row, i) => {
    c.time[i] = start + i * intervalMs;
    c.open[i] = row[0];
    c.high[i] = row[1];
    c.low[i] = row[2];
    c.close[i] = row[3];
    c.volume[i] = row[4] ?? 1_000;
  });
  return c;
}

/** A candle that opens, closes and trades at one price. */
export const at = (price: number): Row => [price, price, price, price];

export interface Seen {
  bars: Bar[];
  positions: HeldPosition[];
}

/** Emits script[i] on the i-th candle it is fed; records copies of the bars and positions it saw. */
export function scripted(
  script: Readonly<Record<number, StrategySignal>>,
  seen: Seen = { bars: [], positions: [] },
): StrategyDefinition {
  return {
    id: 'scripted',
    description: 'test script',
    params: [],
    warmup: () => 0,
    create: () => {
      let i = 0;
      return {
        next(bar, position) {
          seen.bars.push({ ...bar });
          seen.positions.push(position);
          return script[i++];
        },
      };
    },
  };
}

/** No fees, no slippage, next-open fills, 100 % of equity at 1×, whole units. */
export function config(overrides: Partial<BacktestConfig> = {}): BacktestConfig {
  return {
    cash: 1_000,
    takerFee: 0,
    makerFee: 0,
    slippageBps: 0,
    fillOn: 'next_open',
    size: { kind: 'percent', value: 100 },
    leverage: 1,
    lotStep: 1,
    maintenanceMarginRate: 0,
    longOnly: false,
    ...overrides,
  };
}

/** mulberry32: small deterministic PRNG in [0, 1). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A geometric random walk of hourly candles. */
export function randomWalk(n: number, seed = 1, start = 100): Candles {
  const rnd = random(seed);
  const rows: Row[] = [];
  let price = start;
  for (let i = 0; i < n; i++) {
    const open = price;
    price = open * Math.exp((rnd() - 0.5) * 0.04);
    rows.push([
      open,
      Math.max(open, price) * (1 + rnd() * 0.01),
      Math.min(open, price) * (1 - rnd() * 0.01),
      price,
      100 + rnd() * 1_000,
    ]);
  }
  return candles(rows);
}

/** A momentum strategy with stops: long above the close `lookback` candles ago, short below. */
export function momentum(lookback = 5): StrategyDefinition {
  return {
    id: 'momentum',
    description: 'test momentum',
    params: [],
    warmup: () => lookback,
    create: () => {
      const closes: number[] = [];
      return {
        next(bar, position) {
          closes.push(bar.close);
          const past = closes[closes.length - 1 - lookback];
          if (past === undefined) return undefined;
          if (bar.close > past * 1.01 && position !== 'long')
            return { action: 'long', sl: { kind: 'percent', value: 3 }, tp: { kind: 'percent', value: 6 } };
          if (bar.close < past * 0.99 && position !== 'short')
            return { action: 'short', sl: { kind: 'percent', value: 3 } };
          return undefined;
        },
      };
    },
  };
}
