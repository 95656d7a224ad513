// Properties every built-in strategy must have, checked on real and synthetic candles: signals only
// on transitions of the held position, nothing before warmup(), long-only never shorts, no
// look-ahead (a prefix of the candles gives the same signals), no state shared between runners,
// and signals allocated once per runner (the engine's hold path allocates nothing).
import type { Candles } from '../../../../shared/core/backtest/types';
import { STRATEGIES } from '../../../../shared/core/strategies/registry';
import type { HeldPosition, StrategyDefinition, StrategyParams } from '../../../../shared/core/strategies/types';
import { loadSkenderQuotes } from '../../../fixtures/market-data';
import { syntheticCandles } from '../../../fixtures/synthetic-candles';
import { Feed, defaultsOf, runStrategy, type EmittedSignal } from './harness';

const skender = loadSkenderQuotes();
const synthetic = syntheticCandles(20_000, { seed: 99 });
const DEFINITIONS = Object.values(STRATEGIES);

/** Every 37th candle a stop-loss or take-profit flattens whatever is held (as the engine reports). */
const stopOuts = (i: number, position: HeldPosition): HeldPosition => (i % 37 === 36 ? 'flat' : position);

function prefix(candles: Candles, length: number): Candles {
  const cut = (a: Float64Array) => a.slice(0, length);
  return {
    time: cut(candles.time),
    open: cut(candles.open),
    high: cut(candles.high),
    low: cut(candles.low),
    close: cut(candles.close),
    volume: cut(candles.volume),
  };
}

function transitionViolations(signals: readonly EmittedSignal[]): EmittedSignal[] {
  return signals.filter(({ signal, heldBefore }) => {
    switch (signal.action) {
      case 'long':
        return heldBefore === 'long';
      case 'short':
        return heldBefore === 'short';
      case 'close_long':
        return heldBefore !== 'long';
      case 'close_short':
        return heldBefore !== 'short';
      default:
        return true; // no built-in strategy says close_all
    }
  });
}

it('the registry holds the seven built-in strategies', () => {
  expect(Object.keys(STRATEGIES).sort()).toEqual([
    'bb-reversion',
    'ema-cross',
    'ichimoku-cloud',
    'macd-stoch',
    'rsi-ema',
    'sma-cross',
    'supertrend',
  ]);
});

describe.each(DEFINITIONS.map((def) => [def.id, def] as const))('%s', (_id, def: StrategyDefinition) => {
  const defaults = defaultsOf(def);

  it('declares typed params with defaults inside their optimisation ranges, and longOnly', () => {
    const names = def.params.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('longOnly');
    for (const spec of def.params) {
      expect(spec.description.length).toBeGreaterThan(0);
      if (spec.type === 'bool') {
        expect(typeof spec.default).toBe('boolean');
        continue;
      }
      expect(typeof spec.default).toBe('number');
      if (spec.type === 'int') expect(Number.isInteger(spec.default)).toBe(true);
      expect(spec.min).toBeDefined();
      expect(spec.max).toBeDefined();
      expect(spec.step).toBeGreaterThan(0);
      expect(spec.default).toBeGreaterThanOrEqual(spec.min!);
      expect(spec.default).toBeLessThanOrEqual(spec.max!);
    }
    expect(Number.isInteger(def.warmup(defaults))).toBe(true);
  });

  it.each([
    ['502 daily bars', skender],
    ['20,000 synthetic minutes', synthetic],
  ])('on %s: signals only on transitions, none before warmup, some at all', (_name, candles) => {
    const signals = runStrategy(def, defaults, candles, { override: stopOuts });
    expect(signals.length).toBeGreaterThan(0);
    expect(transitionViolations(signals)).toEqual([]);
    expect(signals[0]!.index).toBeGreaterThanOrEqual(def.warmup(defaults));
  });

  it('longOnly never opens or closes a short, and only closes a long it holds', () => {
    const signals = runStrategy(def, { ...defaults, longOnly: true }, synthetic, { override: stopOuts });
    expect(signals.some((s) => s.signal.action === 'long')).toBe(true);
    expect(signals.filter((s) => s.signal.action === 'short' || s.signal.action === 'close_short')).toEqual([]);
    expect(transitionViolations(signals)).toEqual([]);
  });

  it('without longOnly it does go short on these candles', () => {
    expect(runStrategy(def, defaults, synthetic).some((s) => s.signal.action === 'short')).toBe(true);
  });

  it('no look-ahead: the first k candles give the same signals whatever follows', () => {
    const full = runStrategy(def, defaults, synthetic);
    for (const k of [100, 1_000, 7_777]) {
      expect(runStrategy(def, defaults, prefix(synthetic, k))).toEqual(full.filter((s) => s.index < k));
    }
  });

  it('runners share no state: two fed alternately on different candles give what each gives alone', () => {
    const alone = [runStrategy(def, defaults, skender), runStrategy(def, defaults, synthetic)];
    const feeds = [new Feed(skender, def.create(defaults)), new Feed(synthetic, def.create(defaults))];
    while (feeds.some((f) => !f.done)) for (const feed of feeds) if (!feed.done) feed.next();
    expect(feeds.map((f) => f.signals)).toEqual(alone);
  });

  it('returns the same frozen signal object for every entry of a side (allocated once per runner)', () => {
    const longs = runStrategy(def, defaults, synthetic)
      .filter((s) => s.signal.action === 'long')
      .map((s) => s.signal);
    expect(longs.length).toBeGreaterThan(1);
    expect(new Set(longs).size).toBe(1);
    expect(Object.isFrozen(longs[0])).toBe(true);
  });
});

it('warmup grows with the look-back parameters', () => {
  for (const def of DEFINITIONS) {
    const defaults = defaultsOf<StrategyParams>(def);
    const longer = Object.fromEntries(def.params.map((p) => [p.name, p.type === 'int' ? p.max! : p.default]));
    expect(def.warmup(longer)).toBeGreaterThanOrEqual(def.warmup(defaults));
  }
});
