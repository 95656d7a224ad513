// Per-regime limits: an entry whose side the symbol's regime does not allow is refused with the
// regime named; leverage and size are capped to the regime's limits; without limits or without a
// reading the checks skip and say why. Through the engine as the executor calls it, and set from
// the CLI's `risk set` syntax.
import { Big } from '../../../../shared/core/domain/money';
import { resolveRiskConfig, type RiskOverrides } from '../../../../shared/core/risk/config';
import { RiskEngine, type EntryRequest, type RiskDecision } from '../../../../shared/core/risk/engine';
import { applyRiskSetting } from '../../../../shared/core/risk/overrides';
import { emptyRiskState } from '../../../../shared/core/risk/state';
import type { EngineInputs } from '../../../../shared/core/risk/engine';
import type { RegimeView } from '../../../../shared/core/risk/types';
import type { RegimeLabel } from '../../../../shared/core/regimes';
import { BTC, riskContext } from './fixtures';

const NOW = Date.UTC(2024, 5, 1);
const reading = (label: RegimeLabel): RegimeView => ({ label, source: 'hmm', asOf: NOW - 60_000 });

function inputs(overrides: RiskOverrides, regime: RegimeView | undefined): EngineInputs {
  return {
    ...riskContext({ overrides, now: NOW }),
    regime: (symbol) => (symbol === BTC ? regime : undefined),
    state: emptyRiskState('acc-1', NOW),
    trades: [],
  };
}

// equity 10 000, price 100, default sizing 10 % margin × leverage
const request = (over: Partial<EntryRequest> = {}): EntryRequest => ({
  symbol: BTC,
  side: 'long',
  price: 100,
  leverage: 5,
  ...over,
});
const record = (decision: RiskDecision, name: string) => decision.checks.find((c) => c.check === name);

const BEAR_SHORTS_ONLY: RiskOverrides = { regimes: { BEAR: { sides: ['short'], maxLeverage: 2, maxSizePct: 15 } } };

describe('per-regime limits in the risk engine', () => {
  const engine = new RiskEngine();

  it('refuses a long in a BEAR regime that allows shorts only, naming the regime', () => {
    const decision = engine.decideEntry(request(), inputs(BEAR_SHORTS_ONLY, reading('BEAR')));
    expect(decision.accepted).toBe(false);
    if (decision.accepted) return;
    expect(decision.code).toBe('REGIME_SIDE_BLOCKED');
    expect(decision.reason).toBe(`${BTC} is in a BEAR regime: long entries are refused (allowed: short)`);
    expect(decision.numbers).toMatchObject({ regime: 'BEAR', regimeSource: 'hmm', side: 'long', allowed: 'short' });
  });

  it('sides: none refuses every entry in that regime', () => {
    const decision = engine.decideEntry(
      request({ side: 'short' }),
      inputs({ regimes: { SIDEWAYS: { sides: [] } } }, reading('SIDEWAYS')),
    );
    expect(decision).toMatchObject({
      accepted: false,
      code: 'REGIME_SIDE_BLOCKED',
      reason: `${BTC} is in a SIDEWAYS regime: no entries are allowed in it`,
    });
  });

  it('an allowed side passes with leverage lowered to the regime cap and the amount cut to its size cap', () => {
    const decision = engine.decideEntry(
      request({ side: 'short', leverage: 5 }),
      inputs(BEAR_SHORTS_ONLY, reading('BEAR')),
    );
    expect(decision.accepted).toBe(true);
    if (!decision.accepted) return;
    // 5x → 2x; sized 10 % × 10 000 × 2 = 2 000 notional = 20 BTC; cap 15 % = 1 500 = 15 BTC
    expect(decision.leverage).toBe(2);
    expect(decision.amount.eq(new Big(15))).toBe(true);
    expect(record(decision, 'regime_leverage')).toMatchObject({
      outcome: 'adjust',
      leverage: 2,
      numbers: { regime: 'BEAR', cap: 2 },
    });
    expect(record(decision, 'regime_size')).toMatchObject({
      outcome: 'adjust',
      numbers: { regime: 'BEAR', capPct: 15, amountAfter: '15' },
    });
    expect(record(decision, 'regime_size')!.reason).toContain('in a BEAR regime');
  });

  it('the same entry in another regime is untouched by BEAR’s limits', () => {
    const decision = engine.decideEntry(request({ leverage: 5 }), inputs(BEAR_SHORTS_ONLY, reading('BULL')));
    expect(decision.accepted).toBe(true);
    if (!decision.accepted) return;
    expect(decision.leverage).toBe(5);
    expect(decision.amount.eq(new Big(50))).toBe(true); // 10 % × 10 000 × 5 / 100
    expect(record(decision, 'regime_sides')).toMatchObject({
      outcome: 'pass',
      reason: 'BULL regime: both sides allowed',
    });
  });

  it('no limits configured, or no reading for the symbol: the checks skip and say why', () => {
    const none = engine.decideEntry(request(), inputs({}, reading('BEAR')));
    expect(record(none, 'regime_sides')).toMatchObject({ outcome: 'skip', reason: 'no per-regime limits' });
    const unread = engine.decideEntry(request(), inputs(BEAR_SHORTS_ONLY, undefined));
    expect(unread.accepted).toBe(true);
    for (const name of ['regime_sides', 'regime_leverage', 'regime_size'])
      expect(record(unread, name)).toMatchObject({ outcome: 'skip', reason: `no regime reading for ${BTC}` });
  });

  it('a size cap already used up by the open same-side position refuses, naming the regime', () => {
    const context = inputs(BEAR_SHORTS_ONLY, reading('BEAR'));
    const decision = engine.decideEntry(request({ side: 'short' }), {
      ...context,
      open: [{ symbol: BTC, side: 'short', quantity: 15, notional: '1500' }],
    });
    expect(decision).toMatchObject({ accepted: false, code: 'REGIME_SIZE_CAP' });
    if (decision.accepted) return;
    expect(decision.reason).toBe(
      `in a BEAR regime, the ${BTC} short position is already at 1500 of its 1500 cap (15% of equity)`,
    );
  });
});

describe('risk set regimes.<LABEL>.<limit>', () => {
  it('sets sides, leverage and size caps per regime, and removes them with "default"', () => {
    let overrides = applyRiskSetting(undefined, 'regimes.BEAR.sides=short');
    overrides = applyRiskSetting(overrides, 'regimes.BEAR.maxLeverage=3');
    overrides = applyRiskSetting(overrides, 'regimes.SIDEWAYS.sides=none');
    overrides = applyRiskSetting(overrides, 'regimes.BULL.maxSizePct=50');
    overrides = applyRiskSetting(overrides, 'regimes.BULL.sides=long, short,long');
    expect(resolveRiskConfig(overrides).regimes).toEqual({
      BEAR: { sides: ['short'], maxLeverage: 3 },
      SIDEWAYS: { sides: [] },
      BULL: { maxSizePct: 50, sides: ['long', 'short'] },
    });
    overrides = applyRiskSetting(overrides, 'regimes.BEAR.maxLeverage=default');
    expect(resolveRiskConfig(overrides).regimes.BEAR).toEqual({ sides: ['short'] });
  });

  it('refuses an unknown regime, limit or side and an out-of-range cap, naming the field and the bound', () => {
    expect(() => applyRiskSetting(undefined, 'regimes.CRASH.sides=long')).toThrow(
      'regimes.CRASH.sides: use regimes.<BULL|BEAR|SIDEWAYS|NEUTRAL>.<maxLeverage|maxSizePct|sides>',
    );
    expect(() => applyRiskSetting(undefined, 'regimes.BEAR.minLeverage=2')).toThrow(
      'regimes.BEAR.minLeverage: use regimes.',
    );
    expect(() => applyRiskSetting(undefined, 'regimes.BEAR.sides=up')).toThrow(
      'regimes.BEAR.sides: "up" is not a side: use long, short, long,short or none',
    );
    expect(() => applyRiskSetting(undefined, 'regimes.BEAR.maxLeverage=0')).toThrow(
      'regimes.BEAR.maxLeverage: must be from 1 to 125',
    );
    expect(() => applyRiskSetting(undefined, 'regimes.BEAR.maxLeverage=2.5')).toThrow('must be a whole number');
    expect(() => applyRiskSetting(undefined, 'regimes.BULL.maxSizePct=20000')).toThrow('must be from 0.01 to 10000');
    expect(() => applyRiskSetting(undefined, 'regimes.__proto__.sides=long')).toThrow('no such risk setting');
  });
});
