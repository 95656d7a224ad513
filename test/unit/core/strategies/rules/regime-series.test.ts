// The market's regime in rule files: the condition `{ "regime": … }` and the series regime_p,
// garch_vol and realized_vol(N). On the shipped daily candles a compiled file decides exactly as
// MarketRegimeSeries, fed the same bars independently, says; a prefix of the candles gives the
// same signals (no look-ahead); a file that reads none of them never creates a regime stream.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Candles } from '../../../../../shared/core/backtest/types';
import { sma } from '../../../../../shared/core/indicators/sma';
import {
  GarchVolStream,
  MarketRegimeSeries,
  RegimeStream,
  type MarketRegimeOptions,
  type MarketRegimeValue,
} from '../../../../../shared/core/regimes';
import { barsPerYear, RealizedVolatility } from '../../../../../shared/core/regimes';
import { compileRules, parseRuleFile, type RuleFile } from '../../../../../shared/core/strategies/rules';
import type { StrategyDefinition } from '../../../../../shared/core/strategies/types';
import { loadSkenderQuotes } from '../../../../fixtures/market-data';
import { actions, candlesFromCloses, defaultsOf, expectedSignals, runStrategy } from '../harness';

const SMA_CROSS = readFileSync(join(__dirname, '../../../../../strategies/sma-cross.json'), 'utf8');

/** Stock.Indicators' 502 daily bars (test/fixtures/indicators/skender), as in regimes/real-candles.test.ts. */
const quotes = loadSkenderQuotes();
const n = quotes.close.length;

/** The values MarketRegimeSeries gives bar by bar, fed the candles on its own. */
function marketValues(candles: Candles, options: MarketRegimeOptions): MarketRegimeValue[] {
  const series = new MarketRegimeSeries(options);
  return Array.from(candles.close, (close, i) => series.next({ high: candles.high[i]!, low: candles.low[i]!, close }));
}

const prefix = (candles: Candles, length: number): Candles => ({
  time: candles.time.subarray(0, length),
  open: candles.open.subarray(0, length),
  high: candles.high.subarray(0, length),
  low: candles.low.subarray(0, length),
  close: candles.close.subarray(0, length),
  volume: candles.volume.subarray(0, length),
});

const file = (rules: RuleFile['rules'], extra: Partial<RuleFile> = {}): RuleFile => ({
  format: 'strategy-rules/1',
  id: 'regime-test',
  rules,
  ...extra,
});

const run = (def: StrategyDefinition, candles: Candles = quotes) => actions(runStrategy(def, defaultsOf(def), candles));

// The regime alone: what the compiled runner makes (the regime stream's defaults, no GARCH).
const regimes = marketValues(quotes, { garch: false });
const label = (i: number) => regimes[i]!.regime;

describe('rule files: the regime condition on the shipped daily candles', () => {
  const longInBull = compileRules(
    file({
      entry: { long: [{ regime: 'BULL' }, { series: 'close', above: 'sma(close,10)' }] },
      exit: { long: [{ not: { regime: 'BULL' } }] },
    }),
  );
  const close10 = sma(quotes.close, 10);

  it('"long only in BULL" enters only on bars MarketRegimeSeries calls BULL, and leaves when it stops', () => {
    const signals = run(longInBull);
    expect(signals).toEqual(
      expectedSignals(n, {
        enterLong: (i) => label(i) === 'BULL' && quotes.close[i]! > close10[i]!,
        enterShort: () => false,
        exitLong: (i) => label(i) !== undefined && label(i) !== 'BULL',
        exitShort: () => false,
      }),
    );
    const entries = signals.filter(([, action]) => action === 'long');
    expect(entries.length).toBeGreaterThan(2);
    for (const [i] of entries) expect(label(i)).toBe('BULL');
    // the data has other regimes too, so the condition filtered something
    expect(regimes.some((r) => r.regime !== undefined && r.regime !== 'BULL')).toBe(true);
  }, 60_000);

  it('no look-ahead: on a prefix of the candles, the same signals as on the whole', () => {
    const whole = run(longInBull);
    for (const length of [150, 260, 401]) {
      expect(run(longInBull, prefix(quotes, length))).toEqual(whole.filter(([i]) => i < length));
    }
  }, 120_000);

  it('a list of labels is any of them (short in BEAR or SIDEWAYS)', () => {
    const def = compileRules(file({ entry: { short: [{ regime: ['BEAR', 'SIDEWAYS'] }] } }));
    const signals = run(def);
    expect(signals).toEqual(
      expectedSignals(n, {
        enterLong: () => false,
        enterShort: (i) => label(i) === 'BEAR' || label(i) === 'SIDEWAYS',
        exitLong: () => false,
        exitShort: () => false,
      }),
    );
    expect(signals.length).toBeGreaterThan(0);
  }, 60_000);

  it('"not" of a regime is false while no regime is confirmed (not true during the warm-up)', () => {
    const def = compileRules(file({ entry: { long: [{ not: { regime: 'BULL' } }] } }));
    const first = regimes.findIndex((r) => r.regime !== undefined);
    expect(first).toBeGreaterThan(0);
    const signals = run(def);
    expect(signals).toEqual(
      expectedSignals(n, {
        enterLong: (i) => label(i) !== undefined && label(i) !== 'BULL',
        enterShort: () => false,
        exitLong: () => false,
        exitShort: () => false,
      }),
    );
    expect(signals[0]![0]).toBeGreaterThanOrEqual(first);
  }, 60_000);
});

describe('rule files: regime_p, garch_vol and realized_vol as numeric series', () => {
  it('compare as the values MarketRegimeSeries gives (annualised from the file’s timeframe)', () => {
    const def = compileRules(
      file(
        {
          entry: {
            long: [
              { series: 'regime_p', atLeast: 0.9 },
              { series: 'garch_vol', below: 'realized_vol(20)' },
            ],
          },
          exit: { long: [{ series: 'garch_vol', above: 'realized_vol(20)' }] },
        },
        { timeframe: '1d' },
      ),
    );
    const values = marketValues(quotes, {
      garch: { periodsPerYear: 365 },
      realized: { window: 20, periodsPerYear: 365 },
    });
    const v = (i: number) => values[i]!;
    const signals = run(def);
    expect(signals).toEqual(
      expectedSignals(n, {
        enterLong: (i) => v(i).probability >= 0.9 && v(i).garchVol < v(i).realizedVol,
        enterShort: () => false,
        exitLong: (i) => v(i).garchVol > v(i).realizedVol,
        exitShort: () => false,
      }),
    );
    expect(signals.length).toBeGreaterThan(1);
    expect(signals[0]![0]).toBeGreaterThanOrEqual(250); // GARCH's first fit
  }, 120_000);

  it('on a higher timeframe: annualised by its own bar length, read from its closed bars only', () => {
    // hourly candles from 2024-01-01 00:00 UTC: the 4h bar of hours 4k..4k+3 closes on hour 4k+3
    const closes = Array.from(
      { length: 400 },
      (_, i) => 100 * Math.exp(0.02 * Math.sin(i / 7) + 0.01 * Math.sin(i * 1.3)),
    );
    const fourHour = new RealizedVolatility(5, barsPerYear(4 * 3_600_000));
    const closed: number[] = []; // the value of the last closed 4h bar, per hourly bar
    let last = Number.NaN;
    closes.forEach((close, i) => {
      if (i % 4 === 3) last = fourHour.next(close);
      closed.push(last);
    });
    const defined = closed.filter((x) => x === x).sort((a, b) => a - b);
    const threshold = defined[Math.floor(defined.length / 2)]!;
    const def = compileRules(
      file(
        {
          entry: { long: [{ series: 'realized_vol(5)@4h', above: threshold }] },
          exit: { long: [{ series: 'realized_vol(5)@4h', below: threshold }] },
        },
        { timeframe: '1h' },
      ),
    );
    const signals = run(def, candlesFromCloses(closes));
    expect(signals).toEqual(
      expectedSignals(closes.length, {
        enterLong: (i) => closed[i]! > threshold,
        enterShort: () => false,
        exitLong: (i) => closed[i]! < threshold,
        exitShort: () => false,
      }),
    );
    expect(signals.length).toBeGreaterThan(2);
  });

  it('adds the streams’ warm-up to the file’s: HMM 200 returns, GARCH 250, realized_vol(N) N', () => {
    const warmup = (rules: RuleFile['rules']) => {
      const def = compileRules(file(rules, { timeframe: '1d' }));
      return def.warmup(defaultsOf(def));
    };
    expect(warmup({ entry: { long: [{ regime: 'BULL' }] } })).toBe(200);
    expect(warmup({ entry: { long: [{ regime: 'BULL', for: 3 }] } })).toBe(202);
    expect(warmup({ entry: { long: [{ series: 'regime_p', above: 0.5 }] } })).toBe(200);
    expect(warmup({ entry: { long: [{ series: 'garch_vol', above: 0.5 }] } })).toBe(250);
    expect(warmup({ entry: { long: [{ series: 'realized_vol(30)', above: 0.5 }] } })).toBe(30);
    expect(warmup({ entry: { long: [{ series: 'close', above: 'sma(close,10)' }] } })).toBe(9);
  });
});

describe('rule files without regime series', () => {
  afterEach(() => jest.restoreAllMocks());

  it('never create a regime or GARCH stream; a file that reads the regime feeds one each bar', () => {
    const regimeNext = jest.spyOn(RegimeStream.prototype, 'next');
    const garchNext = jest.spyOn(GarchVolStream.prototype, 'next');
    const plain = parseRuleFile(SMA_CROSS);
    if (!plain.ok) throw new Error('the shipped sma-cross.json must parse');
    const bars = prefix(quotes, 120);
    expect(run(compileRules(plain.rules), bars).length).toBeGreaterThan(0);
    expect(regimeNext).not.toHaveBeenCalled();
    expect(garchNext).not.toHaveBeenCalled();

    run(compileRules(file({ entry: { long: [{ regime: 'BULL' }] } })), bars);
    expect(regimeNext).toHaveBeenCalledTimes(120);
    expect(garchNext).not.toHaveBeenCalled(); // garch_vol not read: not computed

    regimeNext.mockClear();
    run(compileRules(file({ entry: { long: [{ series: 'garch_vol', above: 0.5 }] } }, { timeframe: '1d' })), bars);
    expect(regimeNext).not.toHaveBeenCalled(); // garch_vol alone: no HMM
    expect(garchNext).toHaveBeenCalledTimes(120);
  });
});

describe('parseRuleFile: the regime grammar', () => {
  const errorsOf = (doc: unknown) => {
    const result = parseRuleFile(JSON.stringify(doc));
    if (result.ok) throw new Error('expected the file to be refused');
    return result.errors;
  };
  const entry = (condition: unknown, extra: object = {}) => ({
    format: 'strategy-rules/1',
    id: 'regime-test',
    rules: { entry: { long: [condition] } },
    ...extra,
  });
  const KNOWN = 'known: BULL, BEAR, SIDEWAYS, NEUTRAL';

  it('reads the condition (a label or a list), and the numeric series on a declared timeframe', () => {
    for (const condition of [
      { regime: 'BULL' },
      { regime: ['BULL', 'SIDEWAYS'], for: 2 },
      { not: { regime: 'BEAR' } },
      { series: 'regime_p', atLeast: 0.8 },
      { series: 'garch_vol', crossesAbove: 'realized_vol(20)' },
      { series: 'sma(realized_vol(10),5)', below: 0.6 },
      { series: 'regime_p@4h', above: 0.7 },
    ])
      expect(parseRuleFile(JSON.stringify(entry(condition, { timeframe: '1h' })))).toMatchObject({ ok: true });
  });

  it.each([
    [{ regime: 'BUL' }, 'rules.entry.long[0].regime', `unknown regime "BUL"; ${KNOWN}`],
    [{ regime: ['BULL', 'bear'] }, 'rules.entry.long[0].regime[1]', `unknown regime "bear"; ${KNOWN}`],
    [{ regime: [] }, 'rules.entry.long[0].regime', `must be a label or a list of 1 to 4 labels (${KNOWN})`],
    [{ regime: 1 }, 'rules.entry.long[0].regime', `must be a regime label (${KNOWN}), got number`],
    [{ regime: 'BULL', above: 1 }, 'rules.entry.long[0].above', 'unknown field; known: regime, for'],
    [
      { regime: 'BULL', series: 'close' },
      'rules.entry.long[0]',
      'a condition is one of: a comparison (series + operator), all, any, not or regime',
    ],
    [
      { series: 'regime', above: 0 },
      'rules.entry.long[0].series',
      'unknown series "regime": the regime is a label, not a number: use the condition { "regime": "BULL" }',
    ],
    [
      { series: 'close', above: 'garch_vol(20)' },
      'rules.entry.long[0].above',
      'unknown series "garch_vol(20)": garch_vol takes no arguments',
    ],
    [
      { series: 'realized_vol(1)', above: 0.5 },
      'rules.entry.long[0].series',
      'unknown series "realized_vol(1)": realized_vol\'s window must be an integer >= 2, got 1',
    ],
  ])('refuses %j at %s', (condition, path, message) => {
    expect(errorsOf(entry(condition, { timeframe: '1d' }))).toEqual([{ path, message }]);
  });

  it('refuses an annualised volatility in a file without a timeframe, naming why', () => {
    expect(errorsOf(entry({ series: 'sma(garch_vol,5)', above: 0.5 }))).toEqual([
      {
        path: 'rules.entry.long[0].series',
        message:
          'garch_vol and realized_vol are annualised by the bar length: the file must declare its own "timeframe"',
      },
    ]);
  });

  it('a long unknown label is cut in the message, and hostile values never throw', () => {
    const [issue] = errorsOf(entry({ regime: 'X'.repeat(500) }));
    expect(issue!.message.length).toBeLessThan(120);
    for (const regime of [null, {}, [null], [[]], true, 'bull'])
      expect(() => parseRuleFile(JSON.stringify(entry({ regime })))).not.toThrow();
  });
});
