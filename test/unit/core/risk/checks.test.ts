// Each risk check: a passing case and a tripping case, with the exact adjusted or refused figures
// (equity 10 000 USDT, account cap 20x, the BTC perpetual of ./fixtures unless said otherwise).
import { Big } from '../../../../shared/core/domain/money';
import type { PositionSide } from '../../../../shared/core/domain/trade';
import {
  CorrelationCheck,
  defaultChecks,
  ExposureCapCheck,
  LeverageCapCheck,
  LiquidationDistanceCheck,
  LongOnlyCheck,
  MaxOpenPositionsCheck,
  PositionCapCheck,
  VarCheck,
  VolatilityRegimeCheck,
} from '../../../../shared/core/risk/checks/index';
import type { RiskOverrides } from '../../../../shared/core/risk/config';
import type { MarketStats } from '../../../../shared/core/risk/stats';
import type { CheckResult, OpenExposure, Proposal, RiskContext } from '../../../../shared/core/risk/types';
import { BTC, DAY, ETH, riskContext, SOL, type RiskContextSetup } from './fixtures';

type Setup = Omit<RiskContextSetup, 'overrides' | 'now'> & { limits?: RiskOverrides['limits'] };

function context({ limits, ...setup }: Setup = {}): RiskContext {
  return riskContext({ ...setup, overrides: { limits: limits ?? {} }, now: Date.UTC(2024, 5, 1) });
}

const proposal = (over: Partial<Proposal> = {}): Proposal => ({
  symbol: BTC,
  side: 'long',
  price: 100,
  leverage: 5,
  ...over,
});
const position = (symbol: string, side: PositionSide, notional: number, price = 100): OpenExposure => ({
  symbol,
  side,
  quantity: notional / price,
  notional: String(notional),
});
const stats = (symbol: string, returns: number[], extra: Partial<MarketStats> = {}): MarketStats => ({
  symbol,
  asOf: returns.length * DAY,
  times: Float64Array.from(returns.map((_, i) => (i + 1) * DAY)),
  returns: Float64Array.from(returns),
  lastClose: 100,
  ...extra,
});

function expectRefusal(result: CheckResult, code: string): Extract<CheckResult, { outcome: 'refuse' }> {
  expect(result.outcome).toBe('refuse');
  if (result.outcome !== 'refuse') throw new Error('not refused');
  expect(result.code).toBe(code);
  expect(result.reason.length).toBeGreaterThan(0);
  return result;
}

function expectAdjust(result: CheckResult): Extract<CheckResult, { outcome: 'adjust' }> {
  expect(result.outcome).toBe('adjust');
  if (result.outcome !== 'adjust') throw new Error('not adjusted');
  return result;
}

describe('defaultChecks', () => {
  it('lists every check once, gates before leverage before amount', () => {
    const checks = defaultChecks();
    expect(checks.map((c) => c.name)).toEqual([
      'long_only',
      'regime_sides',
      'max_open_positions',
      'max_leverage',
      'liquidation_distance',
      'volatility_regime',
      'regime_leverage',
      'max_position',
      'regime_size',
      'max_exposure',
      'correlation',
      'var',
    ]);
    expect(checks.map((c) => c.stage)).toEqual([
      'gate',
      'gate',
      'gate',
      'leverage',
      'leverage',
      'leverage',
      'leverage',
      'amount',
      'amount',
      'amount',
      'amount',
      'amount',
    ]);
  });
});

describe('LongOnlyCheck', () => {
  const check = new LongOnlyCheck();

  it('refuses a short on a long-only account', () => {
    expectRefusal(check.evaluate(proposal({ side: 'short' }), context({ limits: { longOnly: true } })), 'LONG_ONLY');
  });

  it('passes a long on a long-only account and a short otherwise', () => {
    expect(check.evaluate(proposal({ side: 'long' }), context({ limits: { longOnly: true } })).outcome).toBe('pass');
    expect(check.evaluate(proposal({ side: 'short' }), context()).outcome).toBe('pass');
  });
});

describe('MaxOpenPositionsCheck', () => {
  const check = new MaxOpenPositionsCheck();
  const limits = { maxOpenPositions: 2 };

  it('refuses a new symbol when the limit is reached', () => {
    const result = expectRefusal(
      check.evaluate(proposal(), context({ limits, open: [position(ETH, 'long', 500), position(SOL, 'short', 500)] })),
      'MAX_OPEN_POSITIONS',
    );
    expect(result.numbers).toEqual({ openElsewhere: 2, maxOpenPositions: 2 });
  });

  it('does not count the entry’s own symbol: adding to it opens nothing new', () => {
    const result = check.evaluate(
      proposal(),
      context({ limits, open: [position(BTC, 'long', 500), position(ETH, 'long', 500)] }),
    );
    expect(result.outcome).toBe('pass');
    expect(result.numbers.openElsewhere).toBe(1);
  });
});

describe('LeverageCapCheck', () => {
  const check = new LeverageCapCheck();

  it('refuses above the lowest cap and names it: symbol', () => {
    const ctx = context({ limits: { maxLeverage: 10, symbolMaxLeverage: { [BTC]: 5 } }, accountMaxLeverage: 20 });
    const result = expectRefusal(check.evaluate(proposal({ leverage: 6 }), ctx), 'LEVERAGE_CAP');
    expect(result.numbers).toEqual({ leverage: 6, cap: 5, boundBy: 'symbol' });
    expect(check.evaluate(proposal({ leverage: 5 }), ctx).outcome).toBe('pass');
  });

  it('the account, the market and the config can each be the binding cap', () => {
    expect(check.evaluate(proposal({ leverage: 4 }), context({ accountMaxLeverage: 3 })).numbers).toEqual({
      leverage: 4,
      cap: 3,
      boundBy: 'account',
    });
    expect(check.evaluate(proposal({ leverage: 4 }), context({ market: { maxLeverage: 2 } })).numbers).toEqual({
      leverage: 4,
      cap: 2,
      boundBy: 'market',
    });
    const byConfig = check.evaluate(
      proposal({ leverage: 11 }),
      context({ limits: { maxLeverage: 10 }, accountMaxLeverage: 20 }),
    );
    expectRefusal(byConfig, 'LEVERAGE_CAP');
    expect(byConfig.numbers).toEqual({ leverage: 11, cap: 10, boundBy: 'config' });
  });

  it('passes at or below the cap; another symbol’s cap does not apply', () => {
    const result = check.evaluate(
      proposal({ leverage: 10 }),
      context({ limits: { maxLeverage: 10, symbolMaxLeverage: { [ETH]: 2 } } }),
    );
    expect(result.outcome).toBe('pass');
    expect(result.numbers.cap).toBe(10);
  });
});

describe('LiquidationDistanceCheck', () => {
  const check = new LiquidationDistanceCheck();
  const limits = { liquidation: { minStopMultiple: 2, maintenanceMarginRate: 0.005 } };

  it('lowers the leverage to the largest whose liquidation is 2 stop distances away: floor(1 / (0.1 + 0.005)) = 9', () => {
    const result = expectAdjust(
      check.evaluate(proposal({ price: 100, stopPrice: 95, leverage: 20 }), context({ limits })),
    );
    expect(result.leverage).toBe(9);
    expect(result.numbers).toMatchObject({
      stopDistancePct: 5,
      leverage: 20,
      leverageAfter: 9,
      liquidationDistancePct: 4.5,
    });
    // 1/9 − 0.005 = 10.6111 % ≥ 2 × 5 %
    expect(result.numbers.liquidationDistancePctAfter).toBeCloseTo(10.611111, 6);
  });

  it('works the same for a short (stop above the price)', () => {
    expect(
      expectAdjust(
        check.evaluate(proposal({ side: 'short', price: 100, stopPrice: 105, leverage: 20 }), context({ limits })),
      ).leverage,
    ).toBe(9);
  });

  it('passes a leverage within the bound, including one exactly on it', () => {
    expect(check.evaluate(proposal({ price: 100, stopPrice: 95, leverage: 9 }), context({ limits })).outcome).toBe(
      'pass',
    );
    // d = 4.75 %: 1 / (0.095 + 0.005) = 10 exactly
    expect(check.evaluate(proposal({ price: 100, stopPrice: 95.25, leverage: 10 }), context({ limits })).outcome).toBe(
      'pass',
    );
    expect(
      expectAdjust(check.evaluate(proposal({ price: 100, stopPrice: 95.25, leverage: 11 }), context({ limits })))
        .leverage,
    ).toBe(10);
  });

  it('refuses when even 1x would be liquidated before twice the stop distance', () => {
    // d = 60 %: 1 / (1.2 + 0.005) < 1
    const result = expectRefusal(
      check.evaluate(proposal({ price: 100, stopPrice: 40, leverage: 3 }), context({ limits })),
      'LIQUIDATION_DISTANCE',
    );
    expect(result.numbers.stopDistancePct).toBe(60);
  });

  it('refuses rather than adjusts when the distance cannot be measured (price 0)', () => {
    expectRefusal(
      check.evaluate(proposal({ price: 0, stopPrice: 95, leverage: 20 }), context({ limits })),
      'LIQUIDATION_DISTANCE',
    );
  });

  it('skips without a stop-loss', () => {
    expect(check.evaluate(proposal({ leverage: 100 }), context({ limits }))).toEqual({
      outcome: 'skip',
      reason: 'no stop-loss',
      numbers: {},
    });
  });
});

describe('VolatilityRegimeCheck', () => {
  const check = new VolatilityRegimeCheck();
  const limits = { volatility: { shortDays: 7, longDays: 90, threshold: 1.5 } };
  const regime = (volShort: number, volLong: number) => [stats(BTC, [0.01], { volShort, volLong })];

  it('scales leverage by long/short in a spike: 10x at ratio 3 → floor(10 / 3) = 3x', () => {
    const result = expectAdjust(
      check.evaluate(proposal({ leverage: 10 }), context({ limits, stats: regime(0.06, 0.02) })),
    );
    expect(result.leverage).toBe(3);
    expect(result.numbers).toMatchObject({ volShortPct: 6, volLongPct: 2, ratio: 3, leverage: 10, leverageAfter: 3 });
  });

  it('never goes below 1x, and leaves 1x alone', () => {
    expect(
      expectAdjust(check.evaluate(proposal({ leverage: 2 }), context({ limits, stats: regime(0.06, 0.02) }))).leverage,
    ).toBe(1);
    expect(check.evaluate(proposal({ leverage: 1 }), context({ limits, stats: regime(0.06, 0.02) })).outcome).toBe(
      'pass',
    );
  });

  it('passes at or below the threshold', () => {
    const result = check.evaluate(proposal({ leverage: 10 }), context({ limits, stats: regime(0.03, 0.02) }));
    expect(result.outcome).toBe('pass');
    expect(result.numbers.ratio).toBe(1.5);
  });

  it('skips without stats or without both volatilities', () => {
    expect(check.evaluate(proposal(), context({ limits })).outcome).toBe('skip');
    expect(
      check.evaluate(proposal(), context({ limits, stats: [stats(BTC, [0.01], { volShort: 0.05 })] })).reason,
    ).toBe('no market data');
  });
});

describe('PositionCapCheck', () => {
  const check = new PositionCapCheck();
  // equity 1,000 × 50 % = 500 per position
  const setup = (open: OpenExposure[]): Setup => ({ equity: '1000', limits: { maxPositionPct: 50 }, open });

  it('shrinks the amount to the headroom, rounded down to the step: (500 − 376.544) / 100 = 1.23456 → 1.234', () => {
    const result = expectAdjust(
      check.evaluate(proposal({ amount: new Big('3') }), context(setup([position(BTC, 'long', 376.544)]))),
    );
    expect(result.amount!.toString()).toBe('1.234');
    expect(result.numbers).toMatchObject({
      cap: '500',
      existing: '376.544',
      notional: '300',
      headroom: '123.456',
      amount: '3',
      amountAfter: '1.234',
    });
  });

  it('counts only the same-side position on the same symbol', () => {
    const open = [position(BTC, 'short', 400), position(ETH, 'long', 400)];
    expect(check.evaluate(proposal({ amount: new Big('5') }), context(setup(open))).outcome).toBe('pass');
    expect(
      expectAdjust(check.evaluate(proposal({ amount: new Big('5.5') }), context(setup(open)))).amount!.toString(),
    ).toBe('5');
  });

  it('refuses when no headroom is left, or less than one step', () => {
    expectRefusal(
      check.evaluate(proposal({ amount: new Big('1') }), context(setup([position(BTC, 'long', 500)]))),
      'MAX_POSITION',
    );
    // 0.05 of headroom at 100 = 0.0005 BTC: below the 0.001 step
    const result = expectRefusal(
      check.evaluate(proposal({ amount: new Big('1') }), context(setup([position(BTC, 'long', 499.95)]))),
      'MAX_POSITION',
    );
    expect(result.numbers.headroom).toBe('0.05');
  });
});

describe('ExposureCapCheck', () => {
  const check = new ExposureCapCheck();
  // equity 1,000 × 200 % = 2,000 in total
  const setup = (open: OpenExposure[]): Setup => ({ equity: '1000', limits: { maxExposurePct: 200 }, open });

  it('shrinks to what the total allows: 2,000 − 1,700 = 300 → 3 at 100', () => {
    const result = expectAdjust(
      check.evaluate(
        proposal({ amount: new Big('5') }),
        context(setup([position(ETH, 'long', 1200), position(SOL, 'short', 500)])),
      ),
    );
    expect(result.amount!.toString()).toBe('3');
    expect(result.numbers).toMatchObject({
      cap: '2000',
      existing: '1700',
      notional: '500',
      headroom: '300',
      amountAfter: '3',
    });
  });

  it('passes within the cap and refuses when it is full', () => {
    expect(
      check.evaluate(proposal({ amount: new Big('3') }), context(setup([position(ETH, 'long', 1700)]))).outcome,
    ).toBe('pass');
    expectRefusal(
      check.evaluate(
        proposal({ amount: new Big('0.01') }),
        context(setup([position(ETH, 'long', 1500), position(BTC, 'long', 500)])),
      ),
      'MAX_EXPOSURE',
    );
  });
});

describe('CorrelationCheck', () => {
  const check = new CorrelationCheck();
  const base = Array.from({ length: 30 }, (_, i) => Math.sin(i * 1.3) * 0.02 + (i % 4) * 0.003);
  const other = Array.from({ length: 30 }, (_, i) => Math.cos(i * 0.7 + 2) * 0.02);
  const all = [
    stats(BTC, base),
    stats(
      ETH,
      base.map((r) => 2 * r),
    ),
    stats(SOL, other),
  ];
  const limits = (action: 'refuse' | 'shrink') => ({
    correlation: { threshold: 0.8, lookbackDays: 30, action, shrinkFactor: 0.5 },
  });

  it('shrinks the amount next to a correlated same-direction position: 1.001 × 0.5 = 0.5005 → 0.5', () => {
    const result = expectAdjust(
      check.evaluate(
        proposal({ amount: new Big('1.001') }),
        context({
          limits: limits('shrink'),
          stats: all,
          open: [position(ETH, 'long', 500), position(SOL, 'long', 500)],
        }),
      ),
    );
    expect(result.amount!.toString()).toBe('0.5');
    expect(result.numbers).toMatchObject({
      symbol: ETH,
      correlation: 1,
      amount: '1.001',
      amountAfter: '0.5',
      compared: 2,
    });
  });

  it('refuses in refuse mode, naming the symbol and the correlation', () => {
    const result = expectRefusal(
      check.evaluate(
        proposal({ amount: new Big('1') }),
        context({ limits: limits('refuse'), stats: all, open: [position(ETH, 'long', 500)] }),
      ),
      'CORRELATED',
    );
    expect(result.numbers).toMatchObject({ symbol: ETH, correlation: 1, threshold: 0.8 });
  });

  it('ignores opposite-direction positions and uncorrelated ones', () => {
    const result = check.evaluate(
      proposal({ amount: new Big('1') }),
      context({
        limits: limits('refuse'),
        stats: all,
        open: [position(ETH, 'short', 500), position(SOL, 'long', 500)],
      }),
    );
    expect(result.outcome).toBe('pass');
    expect(result.numbers.symbol).toBe(SOL);
    expect(result.numbers.correlation as number).toBeLessThan(0.8);
  });

  it('skips a pair without stats, and notes it', () => {
    const result = check.evaluate(
      proposal({ amount: new Big('1') }),
      context({ limits: limits('refuse'), stats: all, open: [position('XRP/USDT:USDT', 'long', 500)] }),
    );
    expect(result.outcome).toBe('pass');
    expect(result.numbers.noData).toBe('XRP/USDT:USDT');
    expect(
      check.evaluate(
        proposal({ amount: new Big('1') }),
        context({ limits: limits('refuse'), stats: [stats(ETH, base)], open: [position(ETH, 'long', 500)] }),
      ).outcome,
    ).toBe('skip');
  });
});

describe('VarCheck', () => {
  const check = new VarCheck();
  // Daily returns −0.1 % … −10 %, scrambled: a long of notional N loses N·k/1000, k = 1…100 →
  // type-7 quantiles 95.05 ‰ and 99.01 ‰ of N.
  const returns = Array.from({ length: 100 }, (_, i) => -(((i * 37) % 100) + 1) / 1000);
  const limits = { var: { lookbackDays: 100, maxPct95: 5, maxPct99: 10 } };
  const setup = (open: OpenExposure[] = [], extra: MarketStats[] = []): Setup => ({
    equity: '10000',
    limits,
    open,
    stats: [stats(BTC, returns), ...extra],
  });

  it('refuses when the 95 % VaR after the trade is above its limit: 10,000 long → 950.5 = 9.505 %', () => {
    const result = expectRefusal(check.evaluate(proposal({ amount: new Big('100') }), context(setup())), 'VAR_LIMIT');
    expect(result.numbers.var95).toBeCloseTo(950.5, 6);
    expect(result.numbers.var99).toBeCloseTo(990.1, 6);
    expect(result.numbers.var95Pct).toBeCloseTo(9.505, 6);
    expect(result.numbers.var99Pct).toBeCloseTo(9.901, 6);
    expect(result.numbers.days).toBe(100);
  });

  it('passes below both limits: 5,000 long → 4.7525 % / 4.9505 %', () => {
    const result = check.evaluate(proposal({ amount: new Big('50') }), context(setup()));
    expect(result.outcome).toBe('pass');
    expect(result.numbers.var95Pct).toBeCloseTo(4.7525, 6);
    expect(result.numbers.var99Pct).toBeCloseTo(4.9505, 6);
  });

  it('refuses on the 99 % limit alone', () => {
    const result = check.evaluate(
      proposal({ amount: new Big('50') }),
      context({ ...setup(), limits: { var: { lookbackDays: 100, maxPct95: 5, maxPct99: 4.9 } } }),
    );
    expectRefusal(result, 'VAR_LIMIT');
  });

  it('nets the entry with an open position on the same symbol and adds the others', () => {
    // open short 5,000 + new long 10,000 = net long 5,000
    expect(
      check.evaluate(proposal({ amount: new Big('100') }), context(setup([position(BTC, 'short', 5000)]))).numbers
        .var95Pct,
    ).toBeCloseTo(4.7525, 6);
    // an ETH long on the same returns adds its 5,000: 10,000 in all
    const eth = stats(ETH, returns);
    expectRefusal(
      check.evaluate(proposal({ amount: new Big('50') }), context(setup([position(ETH, 'long', 5000)], [eth]))),
      'VAR_LIMIT',
    );
  });

  it('skips with fewer than 20 common days or no stats for the symbol', () => {
    const short: Setup = { equity: '10000', limits, stats: [stats(BTC, returns.slice(0, 19))] };
    const result = check.evaluate(proposal({ amount: new Big('100') }), context(short));
    expect(result.outcome).toBe('skip');
    expect(result.numbers.days).toBe(19);
    expect(check.evaluate(proposal({ amount: new Big('100') }), context({ equity: '10000', limits })).outcome).toBe(
      'skip',
    );
  });
});

describe('amount-stage contract', () => {
  it('an amount-stage check without an amount is a wiring bug and throws', () => {
    expect(() => new PositionCapCheck().evaluate(proposal(), context())).toThrow(/needs proposal.amount/);
  });
});
