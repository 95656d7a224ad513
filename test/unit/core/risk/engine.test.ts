// RiskEngine.decideEntry end to end over the default checks: switches first, then gates, leverage,
// sizing, amount caps and the market minimums. Every expected figure is worked out by hand in the
// comment next to it (equity 10 000 USDT, BTC at 100 USDT, step 0.001 unless said otherwise).
import { Big } from '../../../../shared/core/domain/money';
import type { TradeRecord } from '../../../../shared/core/domain/trade';
import type { RiskOverrides } from '../../../../shared/core/risk/config';
import {
  RiskEngine,
  summarizeChecks,
  type EngineInputs,
  type EntryRequest,
  type RiskDecision,
} from '../../../../shared/core/risk/engine';
import { emptyRiskState, type RiskState } from '../../../../shared/core/risk/state';
import type { CheckResult, CheckStage, OpenExposure, RiskCheck } from '../../../../shared/core/risk/types';
import { BTC, closedBtcTrade as trade, ETH, MINUTE, riskContext, type RiskContextSetup } from './fixtures';

const NOW = Date.UTC(2026, 2, 10, 9);

type Setup = Omit<RiskContextSetup, 'stats' | 'now'> & { state?: RiskState; trades?: TradeRecord[] };

function inputs(setup: Setup = {}): EngineInputs {
  const { state, trades, ...context } = setup;
  return {
    // No market data: volatility, correlation and VaR skip, so the figures below depend on the
    // caps and sizing alone.
    ...riskContext({ ...context, now: NOW }),
    state: state ?? emptyRiskState('acc-1', NOW),
    trades: trades ?? [],
  };
}

const request = (over: Partial<EntryRequest> = {}): EntryRequest => ({
  symbol: BTC,
  side: 'long',
  price: 100,
  leverage: 5,
  ...over,
});

function accepted(decision: RiskDecision): Extract<RiskDecision, { accepted: true }> {
  if (!decision.accepted) throw new Error(`expected acceptance, got ${decision.code}: ${decision.reason}`);
  return decision;
}

function refused(decision: RiskDecision, code: string): Extract<RiskDecision, { accepted: false }> {
  if (decision.accepted) throw new Error(`expected ${code}, got an acceptance of ${decision.amount.toString()}`);
  expect(decision.code).toBe(code);
  expect(decision.reason.length).toBeGreaterThan(0);
  return decision;
}

const names = (decision: RiskDecision): string[] => decision.checks.map((c) => c.check);
const checkNamed = (decision: RiskDecision, name: string) => {
  const found = decision.checks.find((c) => c.check === name);
  if (!found) throw new Error(`no record for ${name}`);
  return found;
};

/** A check that only counts its calls and passes. */
function spyCheck(name: string, stage: CheckStage): RiskCheck & { evaluate: jest.Mock } {
  return { name, stage, evaluate: jest.fn((): CheckResult => ({ outcome: 'pass', reason: 'spy', numbers: {} })) };
}

const ALL_CHECKS = [
  'long_only',
  'regime_sides',
  'max_open_positions',
  'max_leverage',
  'liquidation_distance',
  'volatility_regime',
  'regime_leverage',
  'sizing',
  'max_position',
  'regime_size',
  'max_exposure',
  'correlation',
  'var',
];

describe('RiskEngine.decideEntry: kill switches', () => {
  it('refuses with KILL_SWITCH_DRAWDOWN first when the drawdown switch is tripped, before any check or sizing', () => {
    const gate = spyCheck('spy_gate', 'gate');
    const amount = spyCheck('spy_amount', 'amount');
    const state: RiskState = {
      ...emptyRiskState('acc-1', NOW),
      switches: {
        drawdown: {
          tripped: true,
          trippedAt: NOW - 60 * MINUTE,
          trips: 1,
          reason: 'drawdown 21%',
          numbers: { drawdownPct: 21, limitPct: 20 },
        },
      },
    };

    const decision = refused(
      new RiskEngine([gate, amount]).decideEntry(request(), inputs({ state })),
      'KILL_SWITCH_DRAWDOWN',
    );

    expect(names(decision)).toEqual(['switch:drawdown']);
    expect(decision.checks[0]).toMatchObject({ outcome: 'refuse', code: 'KILL_SWITCH_DRAWDOWN' });
    // The drawdown switch has no `until` (only the owner releases it): none is reported.
    expect(decision.numbers).toEqual({ drawdownPct: 21, limitPct: 20 });
    expect(gate.evaluate).not.toHaveBeenCalled();
    expect(amount.evaluate).not.toHaveBeenCalled();
  });

  it('refuses with KILL_SWITCH_DAILY_LOSS while the tripped daily-loss pause runs, and reports its until', () => {
    const until = NOW + 15 * 60 * MINUTE;
    const state: RiskState = {
      ...emptyRiskState('acc-1', NOW),
      switches: {
        daily_loss: {
          tripped: true,
          trippedAt: NOW - 60 * MINUTE,
          until,
          trips: 1,
          numbers: { lossPct: 5.5, limitPct: 5 },
        },
      },
    };

    const decision = refused(new RiskEngine().decideEntry(request(), inputs({ state })), 'KILL_SWITCH_DAILY_LOSS');

    expect(names(decision)).toEqual(['switch:daily_loss']);
    expect(decision.numbers).toEqual({ lossPct: 5.5, limitPct: 5, until });
  });

  it('lets the entry through once the daily-loss pause has run out (until in the past)', () => {
    const state: RiskState = {
      ...emptyRiskState('acc-1', NOW),
      switches: { daily_loss: { tripped: true, trippedAt: NOW - 120 * MINUTE, until: NOW - 1, trips: 1 } },
    };

    const decision = accepted(new RiskEngine().decideEntry(request(), inputs({ state })));

    expect(names(decision)).toEqual(ALL_CHECKS);
  });
});

describe('RiskEngine.decideEntry: gates and leverage', () => {
  it('refuses a short on a long-only account with LONG_ONLY, and lets a long through', () => {
    const overrides: RiskOverrides = { limits: { longOnly: true } };

    const short = refused(new RiskEngine().decideEntry(request({ side: 'short' }), inputs({ overrides })), 'LONG_ONLY');
    expect(names(short)).toEqual(['long_only']);
    expect(short.numbers).toEqual({ side: 'short' });

    expect(accepted(new RiskEngine().decideEntry(request({ side: 'long' }), inputs({ overrides }))).leverage).toBe(5);
  });

  // config cap 20 (default); the lowest of config, account, symbol and market caps applies.
  it.each([
    { what: 'account', account: 10, symbol: undefined, market: 125, leverage: 11, cap: 10 },
    { what: 'symbol', account: 10, symbol: 8, market: 125, leverage: 9, cap: 8 },
    { what: 'market', account: 10, symbol: 8, market: 6, leverage: 7, cap: 6 },
  ])(
    'refuses leverage above the $what cap of $cap with LEVERAGE_CAP and accepts it at the cap',
    ({ what, account, symbol, market, leverage, cap }) => {
      const setup: Setup = {
        accountMaxLeverage: account,
        market: { maxLeverage: market },
        overrides: symbol === undefined ? {} : { limits: { symbolMaxLeverage: { [BTC]: symbol } } },
      };

      const over = refused(new RiskEngine().decideEntry(request({ leverage }), inputs(setup)), 'LEVERAGE_CAP');
      expect(over.numbers).toEqual({ leverage, cap, boundBy: what });
      expect(names(over)).toEqual(['long_only', 'regime_sides', 'max_open_positions', 'max_leverage']);

      expect(accepted(new RiskEngine().decideEntry(request({ leverage: cap }), inputs(setup))).leverage).toBe(cap);
    },
  );

  it('lowers the leverage so the liquidation is two stop distances away, and sizes with the lowered leverage', () => {
    // Price 33 000, stop 31 350: stop distance d = 1650 / 33000 = 5 %. With minStopMultiple 2 and
    // maintenance margin 0.5 %: L ≤ 1 / (2·0.05 + 0.005) = 1 / 0.105 = 9.52 → 9x (asked 15x).
    // Percent sizing (10 %): 10 000 × 10/100 × 9 / 33 000 = 0.272727… → floored to 0.001: 0.272.
    // (At the asked 15x it would have been 10 000 × 0.1 × 15 / 33 000 = 0.454545… → 0.454.)
    const decision = accepted(
      new RiskEngine().decideEntry(request({ price: 33_000, stopPrice: 31_350, leverage: 15 }), inputs()),
    );

    expect(decision.leverage).toBe(9);
    expect(decision.amount.toString()).toBe('0.272');
    expect(decision.mode).toBe('percent');
    // 0.272 × 33 000 = 8976
    expect(decision.notional).toBe('8976');
    expect(checkNamed(decision, 'liquidation_distance')).toMatchObject({
      outcome: 'adjust',
      leverage: 9,
      numbers: { leverage: 15, leverageAfter: 9, stopDistancePct: 5 },
    });
    expect(checkNamed(decision, 'sizing').numbers).toMatchObject({ leverage: 9, amount: '0.272' });
  });

  it('refuses LIQUIDATION_DISTANCE when even 1x would be liquidated before the stop', () => {
    // d = 60 %: 1 / (2·0.6 + 0.005) = 0.83 < 1.
    refused(new RiskEngine().decideEntry(request({ stopPrice: 40, leverage: 2 }), inputs()), 'LIQUIDATION_DISTANCE');
  });

  it('keeps the leverage when a check answers with a higher one: adjustments only ever lower it', () => {
    const raise: RiskCheck = {
      name: 'raise',
      stage: 'leverage',
      evaluate: () => ({ outcome: 'adjust', leverage: 50, reason: 'more', numbers: {} }),
    };

    // 10 000 × 0.1 × 5 / 100 = 50 (it would be 500 at 50x)
    const decision = accepted(new RiskEngine([raise]).decideEntry(request(), inputs()));

    expect(decision.leverage).toBe(5);
    expect(decision.amount.toString()).toBe('50');
  });
});

describe('RiskEngine.decideEntry: amount caps and market minimums', () => {
  it('shrinks the amount to the room left under the position cap, counting the same-side position on the symbol', () => {
    // Cap 5 % of 10 000 = 500; an open long worth 123 leaves 377 → 377 / 100 = 3.77 BTC (sized 50).
    // The short on ETH is not this position and does not count.
    const open: OpenExposure[] = [
      { symbol: BTC, side: 'long', quantity: 1.23, notional: '123' },
      { symbol: ETH, side: 'short', quantity: 1, notional: '2000' },
    ];

    const decision = accepted(
      new RiskEngine().decideEntry(request(), inputs({ overrides: { limits: { maxPositionPct: 5 } }, open })),
    );

    expect(decision.amount.toString()).toBe('3.77');
    expect(decision.notional).toBe('377');
    expect(checkNamed(decision, 'sizing').numbers).toMatchObject({ amount: '50' });
    expect(checkNamed(decision, 'max_position')).toMatchObject({
      outcome: 'adjust',
      numbers: { cap: '500', existing: '123', headroom: '377', amountAfter: '3.77', adjustedAmount: '3.77' },
    });
  });

  it('refuses MAX_EXPOSURE when the open positions already fill the exposure cap', () => {
    // Cap 50 % of 10 000 = 5000, already 5000 open on ETH: no headroom.
    const open: OpenExposure[] = [{ symbol: ETH, side: 'long', quantity: 2.5, notional: '5000' }];

    const decision = refused(
      new RiskEngine().decideEntry(request(), inputs({ overrides: { limits: { maxExposurePct: 50 } }, open })),
      'MAX_EXPOSURE',
    );

    expect(decision.numbers).toMatchObject({ cap: '5000', existing: '5000', headroom: '0' });
    expect(names(decision)).toEqual([
      'long_only',
      'regime_sides',
      'max_open_positions',
      'max_leverage',
      'liquidation_distance',
      'volatility_regime',
      'regime_leverage',
      'sizing',
      'max_position',
      'regime_size',
      'max_exposure',
    ]);
  });

  it('refuses MAX_EXPOSURE when the headroom is less than one amount step', () => {
    // 5000 − 4999.95 = 0.05 of room = 0.0005 BTC at 100, below the 0.001 step.
    const open: OpenExposure[] = [{ symbol: ETH, side: 'long', quantity: 2.5, notional: '4999.95' }];
    refused(
      new RiskEngine().decideEntry(request(), inputs({ overrides: { limits: { maxExposurePct: 50 } }, open })),
      'MAX_EXPOSURE',
    );
  });

  it('shrinks under the exposure cap when some room is left', () => {
    // 5000 − 4000 = 1000 of room → 10 BTC at 100 (sized 50).
    const open: OpenExposure[] = [{ symbol: ETH, side: 'long', quantity: 2, notional: '4000' }];
    const decision = accepted(
      new RiskEngine().decideEntry(request(), inputs({ overrides: { limits: { maxExposurePct: 50 } }, open })),
    );
    expect(decision.amount.toString()).toBe('10');
  });

  it('ignores an amount check that answers with a larger amount', () => {
    const grow: RiskCheck = {
      name: 'grow',
      stage: 'amount',
      evaluate: () => ({ outcome: 'adjust', amount: new Big(500), reason: 'more', numbers: {} }),
    };
    // 10 000 × 0.1 × 5 / 100 = 50
    const decision = accepted(new RiskEngine([grow]).decideEntry(request(), inputs()));
    expect(decision.amount.toString()).toBe('50');
    expect(checkNamed(decision, 'grow').numbers).toEqual({ adjustedAmount: '500' });
  });

  it('refuses BELOW_MIN_AMOUNT when the final amount is under the market minimum', () => {
    // Equity 100: 100 × 10/100 × 5 / 100 = 0.5 BTC < the minimum of 1.
    const decision = refused(
      new RiskEngine().decideEntry(request(), inputs({ equity: '100', market: { minAmount: '1' } })),
      'BELOW_MIN_AMOUNT',
    );
    expect(decision.numbers).toEqual({ amount: '0.5', minAmount: '1', step: '0.001' });
    // Every check ran and accepted it: the minimum is the engine's last word.
    expect(names(decision)).toEqual(ALL_CHECKS);
  });

  it('refuses MIN_NOTIONAL when the final notional is under the market minimum', () => {
    // 0.5 BTC × 100 = 50 USDT < 100.
    const decision = refused(
      new RiskEngine().decideEntry(request(), inputs({ equity: '100', market: { minNotional: '100' } })),
      'MIN_NOTIONAL',
    );
    expect(decision.numbers).toEqual({ notional: '50', minNotional: '100' });
  });

  it('accepts exactly at the minimum amount and notional', () => {
    // 0.5 BTC, 50 USDT: both minimums reached, none exceeded.
    const decision = accepted(
      new RiskEngine().decideEntry(
        request(),
        inputs({ equity: '100', market: { minAmount: '0.5', minNotional: '50' } }),
      ),
    );
    expect(decision.amount.toString()).toBe('0.5');
  });
});

describe('RiskEngine.decideEntry: the record', () => {
  it('carries every check’s record in pipeline order, JSON-serialisable, with adjusted amounts as strings', () => {
    const open: OpenExposure[] = [{ symbol: BTC, side: 'long', quantity: 1.23, notional: '123' }];
    const decision = accepted(
      new RiskEngine().decideEntry(request(), inputs({ overrides: { limits: { maxPositionPct: 5 } }, open })),
    );

    expect(names(decision)).toEqual(ALL_CHECKS);
    expect(JSON.parse(JSON.stringify(decision.checks))).toEqual(decision.checks);
    const position = checkNamed(decision, 'max_position');
    expect(position).not.toHaveProperty('amount');
    expect(typeof position.numbers.adjustedAmount).toBe('string');
    for (const record of decision.checks) {
      for (const value of Object.values(record.numbers)) expect(['number', 'string']).toContain(typeof value);
    }
    expect(summarizeChecks(decision.checks)).toBe(
      'long_only=pass regime_sides=skip max_open_positions=pass max_leverage=pass liquidation_distance=skip volatility_regime=skip regime_leverage=skip sizing=pass max_position=adjust regime_size=skip max_exposure=pass correlation=skip var=skip',
    );
  });
});

describe('RiskEngine.decideEntry: sizing', () => {
  it('applies the strategy’s sizing overrides when the request names the strategy', () => {
    const overrides: RiskOverrides = {
      strategySizing: { scalp: { percent: 2 }, swing: { mode: 'quote', quote: 250 } },
    };
    const engine = new RiskEngine();

    // account sizing, 10 %: 10 000 × 0.1 × 5 / 100 = 50
    expect(accepted(engine.decideEntry(request(), inputs({ overrides }))).amount.toString()).toBe('50');
    // scalp, 2 %: 10 000 × 0.02 × 5 / 100 = 10
    expect(accepted(engine.decideEntry(request({ strategy: 'scalp' }), inputs({ overrides }))).amount.toString()).toBe(
      '10',
    );
    // swing, quote 250 margin: 250 × 5 / 100 = 12.5
    const swing = accepted(engine.decideEntry(request({ strategy: 'swing' }), inputs({ overrides })));
    expect(swing.amount.toString()).toBe('12.5');
    expect(swing.mode).toBe('quote');
    // a strategy without overrides sizes like the account
    expect(accepted(engine.decideEntry(request({ strategy: 'other' }), inputs({ overrides }))).amount.toString()).toBe(
      '50',
    );
  });

  it('lets the signal’s explicit size win over the configured mode', () => {
    // Mode risk would refuse without a stop (NEEDS_STOP); the explicit size needs none.
    const overrides: RiskOverrides = { sizing: { mode: 'risk' } };
    refused(new RiskEngine().decideEntry(request(), inputs({ overrides })), 'NEEDS_STOP');

    // quote 300 of margin at 5x: 300 × 5 / 100 = 15
    const quote = accepted(
      new RiskEngine().decideEntry(request({ explicit: { kind: 'quote', value: 300 } }), inputs({ overrides })),
    );
    expect(quote.amount.toString()).toBe('15');
    expect(quote.mode).toBe('quote');
    expect(checkNamed(quote, 'sizing').numbers).toMatchObject({ source: 'signal', value: 300 });

    const contracts = accepted(
      new RiskEngine().decideEntry(request({ explicit: { kind: 'contracts', value: 0.37 } }), inputs({ overrides })),
    );
    expect(contracts.amount.toString()).toBe('0.37');
    expect(contracts.mode).toBe('contracts');
  });

  it('records a sizing refusal as the sizing check’s with its code', () => {
    const decision = refused(
      new RiskEngine().decideEntry(request(), inputs({ overrides: { sizing: { mode: 'risk' } } })),
      'NEEDS_STOP',
    );
    expect(decision.checks.at(-1)).toMatchObject({ check: 'sizing', outcome: 'refuse', code: 'NEEDS_STOP' });
  });

  it('sizes kelly mode from the closed trades (hand-computed quarter Kelly)', () => {
    // Returns on notional (entry 100 × max quantity 1 = 100), oldest to newest:
    //   −2 %, +4 %, −2 %, +6 %; emaSpan 3 → α = 0.5, weights newest first 1, 0.5, 0.25, 0.125.
    //   total weight 1.875; wins: 1 (6 %) + 0.25 (4 %) = 1.25, loss weight 0.625.
    //   W = 1.25 / 1.875 = 2/3; mean win = (0.06 + 0.01) / 1.25 = 0.056; mean loss = 0.0125 / 0.625 = 0.02
    //   f* = W − (1 − W)·loss/win = 2/3 − (1/3)(0.02 / 0.056) = 2/3 − 5/42 = 23/42
    //   shrink = 4 / (4 + 4) = 0.5; riskPct = 23/42 × 0.25 × 0.5 × 100 = 6.845238… (under the 10 cap)
    // Stop at 98: distance 2, so amount = 10 000 × 6.845238… / (2 × 100) = 342.26190… → 342.261.
    // The open trade is not a closed one and counts for nothing.
    const trades = [
      trade(0, NOW - MINUTE, { status: 'open', closedAt: undefined, realizedPnl: '-50' }),
      trade(6, NOW - 10 * MINUTE),
      trade(-2, NOW - 20 * MINUTE),
      trade(4, NOW - 30 * MINUTE),
      trade(-2, NOW - 40 * MINUTE),
    ];
    const overrides: RiskOverrides = {
      sizing: { mode: 'kelly', kelly: { fraction: 0.25, emaSpan: 3, priorTrades: 4, maxRiskPct: 10 } },
      limits: { maxPositionPct: 1000, maxExposurePct: 1000 },
    };

    const decision = accepted(new RiskEngine().decideEntry(request({ stopPrice: 98 }), inputs({ overrides, trades })));

    expect(decision.mode).toBe('kelly');
    expect(decision.amount.toString()).toBe('342.261');
    const numbers = checkNamed(decision, 'sizing').numbers;
    expect(numbers.trades).toBe(4);
    expect(numbers.shrink).toBe(0.5);
    expect(numbers.winRate as number).toBeCloseTo(2 / 3, 12);
    expect(numbers.rawKelly as number).toBeCloseTo(23 / 42, 12);
    expect(numbers.riskPct as number).toBeCloseTo(575 / 84, 10);
    expect(numbers.distanceFrom).toBe('stop');
  });

  it('refuses kelly mode with KELLY_NO_EDGE when the trades show no edge', () => {
    // One win of 1 % and one loss of 2 % at equal weight (emaSpan huge → decay ≈ 1):
    // W ≈ 1/2, f* ≈ 1/2 − (1/2)(2/1) = −1/2 < 0. Newest is the win, so no loss streak.
    const trades = [trade(1, NOW - 10 * MINUTE), trade(-2, NOW - 20 * MINUTE)];
    const overrides: RiskOverrides = {
      sizing: { mode: 'kelly', kelly: { fraction: 0.25, emaSpan: 1000, priorTrades: 0, maxRiskPct: 10 } },
    };
    refused(new RiskEngine().decideEntry(request({ stopPrice: 98 }), inputs({ overrides, trades })), 'KELLY_NO_EDGE');
  });

  it('refuses with LOSS_STREAK_COOLDOWN when the recent closed trades are a losing streak (live check)', () => {
    // Three losses, the last 10 min ago: limit 3, cooldown 60 min → blocked until last + 60 min.
    const last = NOW - 10 * MINUTE;
    const trades = [trade(-1, last), trade(-1, last - MINUTE), trade(-1, last - 2 * MINUTE)];
    const decision = refused(new RiskEngine().decideEntry(request(), inputs({ trades })), 'LOSS_STREAK_COOLDOWN');
    expect(decision.numbers).toMatchObject({ count: 3, until: last + 60 * MINUTE });
    expect(names(decision)).toEqual(['switch:loss_streak']);
  });
});
