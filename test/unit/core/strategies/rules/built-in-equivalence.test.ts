// The seven built-ins as rule files (strategies/*.json) are the same strategies: on the real
// XRPUSDT 1h candles shipped in data/candles, the backtest engine gives identical trades and an
// identical equity curve for the coded built-in and its compiled rule file, with the defaults and
// with other parameters (protection, longOnly, other periods), and both declare the same
// parameters and the same warm-up.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCandlesCsv, parseCandlesJson } from '../../../../../shared/core/backtest/candle-parsers';
import { runBacktest } from '../../../../../shared/core/backtest/engine';
import type { BacktestConfig, Candles } from '../../../../../shared/core/backtest/types';
import { getStrategy, resolveParams } from '../../../../../shared/core/strategies/registry';
import { compileRules, parseRuleFile } from '../../../../../shared/core/strategies/rules';
import type { StrategyDefinition } from '../../../../../shared/core/strategies/types';

const ROOT = join(__dirname, '../../../../..');
// The candles shipped in the repository: real XRP/USDT perpetual 1h (data/candles, 100 candles)
// and real ETH/BTC 5m (test/fixtures/backtest, 600 candles: long enough for the slow indicators).
const DATA: readonly [string, Candles][] = [
  [
    'XRPUSDT-1h',
    parseCandlesJson(JSON.parse(readFileSync(join(ROOT, 'data/candles/XRPUSDT-1h.json'), 'utf8')), 'XRPUSDT-1h.json'),
  ],
  [
    'ETHBTC-5m',
    parseCandlesCsv(readFileSync(join(ROOT, 'test/fixtures/backtest/ETHBTC-5m.csv'), 'utf8'), 'ETHBTC-5m.csv'),
  ],
];

// A paper account's costs and sizing: stop-losses and take-profits change the held position too.
const CONFIG: BacktestConfig = {
  cash: 10_000,
  takerFee: 0.0005,
  makerFee: 0.0005,
  slippageBps: 2,
  fillOn: 'next_open',
  size: { kind: 'percent', value: 10 },
  leverage: 1,
  lotStep: 0.1,
  maintenanceMarginRate: 0.004,
  longOnly: false,
};

function ruleStrategy(id: string): StrategyDefinition {
  const file = `strategies/${id}.json`;
  const parsed = parseRuleFile(readFileSync(join(ROOT, file), 'utf8'), file);
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  return compileRules(parsed.rules);
}

/** Per built-in: parameter sets besides the defaults (as `--param` would give them). */
const VARIANTS: Readonly<Record<string, Record<string, string>[]>> = {
  'sma-cross': [{ fast: '5', slow: '20', slPct: '2', tpPct: '4' }, { longOnly: 'true' }],
  'ema-cross': [
    { fast: '8', slow: '21', slPct: '3' },
    { longOnly: 'true', tpPct: '6' },
  ],
  'bb-reversion': [{ period: '30', mult: '2', slPct: '0', tpPct: '0' }, { longOnly: 'true' }],
  'rsi-ema': [
    { rsiPeriod: '7', emaPeriod: '50', oversold: '35', overbought: '65', slPct: '2' },
    { longOnly: 'true', rsiPeriod: '7', emaPeriod: '50' },
  ],
  'macd-stoch': [
    { fast: '8', slow: '30', signal: '5', kPeriod: '9', oversold: '30', overbought: '70' },
    { longOnly: 'true', slPct: '2', tpPct: '4' },
  ],
  supertrend: [{ period: '7', mult: '2', tpPct: '6' }, { longOnly: 'true' }],
  'ichimoku-cloud': [{ tenkan: '7', kijun: '22', senkouB: '44', displacement: '22', slPct: '3' }, { longOnly: 'true' }],
};

describe.each(Object.keys(VARIANTS))('%s as a rule file', (id) => {
  const coded = getStrategy(id);
  const rules = ruleStrategy(id);

  it('declares the same parameters', () => {
    expect(rules.id).toBe(coded.id);
    expect(rules.params).toEqual(coded.params);
  });

  it.each([{}, ...VARIANTS[id]!])('gives identical trades and equity with %j', (overrides) => {
    const params = resolveParams(coded, overrides);
    expect(rules.warmup(params)).toBe(coded.warmup(params));
    let trades = 0;
    for (const [name, candles] of DATA) {
      const expected = runBacktest(candles, coded, params, CONFIG);
      const actual = runBacktest(candles, rules, params, CONFIG);
      trades += expected.trades.length;
      expect({ name, trades: actual.trades }).toEqual({ name, trades: expected.trades });
      expect(actual.equity).toEqual(expected.equity);
      expect(actual.metrics).toEqual(expected.metrics);
    }
    // Not vacuous: the strategy traded on this data.
    expect(trades).toBeGreaterThan(0);
  });

  it('refuses the same contradictory parameters, naming them', () => {
    const contradictory: Record<string, Record<string, string>> = {
      'sma-cross': { fast: '30', slow: '20' },
      'ema-cross': { fast: '30', slow: '20' },
      'rsi-ema': { oversold: '70', overbought: '30' },
      'macd-stoch': { fast: '30', slow: '26' },
    };
    const overrides = contradictory[id];
    if (overrides === undefined) return;
    const params = resolveParams(coded, overrides);
    expect(() => coded.create(params)).toThrow();
    const message = (() => {
      try {
        coded.create(params);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(() => rules.create(params)).toThrow(message);
  });
});
