// sizePosition: each mode on hand-computed numbers, the caps (margin, market maximum), the
// signal's own size winning, rounding down to the step, and the refusals with their codes.
import { DEFAULT_RISK_CONFIG, type SizingConfig } from '../../../../shared/core/risk/config';
import { sizePosition, type PositionSizingInput } from '../../../../shared/core/risk/sizing';
import { SignalRejectedError } from '../../../../shared/core/errors';
import { BTC_PERP, tradeReturning as closed } from './fixtures';

function sizing(overrides: Partial<SizingConfig> = {}): SizingConfig {
  return { ...DEFAULT_RISK_CONFIG.sizing, ...overrides };
}

function input(overrides: Partial<PositionSizingInput> = {}): PositionSizingInput {
  return { sizing: sizing(), equity: '10000', price: 50_000, leverage: 5, market: BTC_PERP, ...overrides };
}

const amountOf = (i: PositionSizingInput): string => sizePosition(i).amount.toString();

function rejection(i: PositionSizingInput): SignalRejectedError {
  try {
    sizePosition(i);
  } catch (error) {
    expect(error).toBeInstanceOf(SignalRejectedError);
    return error as SignalRejectedError;
  }
  throw new Error('expected a SignalRejectedError');
}

// See kelly.test.ts: with emaSpan 3 and priorTrades 4, riskPct = 287.5/42 ≈ 6.845 %, avgLossPct = 1 %.
const HISTORY = [closed(-0.01, 1), closed(0.02, 2), closed(-0.01, 3), closed(0.03, 4)];
const KELLY = { fraction: 0.25, emaSpan: 3, priorTrades: 4, maxRiskPct: 10 };

describe('sizePosition: modes', () => {
  it('percent: equity × percent/100 × leverage / price', () => {
    // 10,000 × 10 % × 5 / 50,000 = 0.1
    const sized = sizePosition(input({ sizing: sizing({ mode: 'percent', percent: 10 }) }));
    expect(sized.amount.toString()).toBe('0.1');
    expect(sized.mode).toBe('percent');
    expect(sized.numbers).toMatchObject({
      mode: 'percent',
      source: 'config',
      percent: 10,
      equity: '10000',
      cappedBy: 'none',
      amount: '0.1',
    });
  });

  it('quote: quote × leverage / price', () => {
    // 100 × 10 / 50,000 = 0.02
    expect(amountOf(input({ leverage: 10, sizing: sizing({ mode: 'quote', quote: 100 }) }))).toBe('0.02');
  });

  it('risk: equity × riskPct / |price − stop|, for a stop on either side', () => {
    // 10,000 × 1 % / 1,000 = 0.1
    const long = sizePosition(input({ sizing: sizing({ mode: 'risk', riskPct: 1 }), stopPrice: 49_000 }));
    expect(long.amount.toString()).toBe('0.1');
    expect(long.numbers).toMatchObject({ mode: 'risk', riskPct: 1, distance: '1000' });
    expect(amountOf(input({ sizing: sizing({ mode: 'risk', riskPct: 1 }), stopPrice: 51_000 }))).toBe('0.1');
  });

  it('risk: rounds down to the step', () => {
    // 10,000 × 1 % / 700 = 0.142857… → 0.142
    expect(amountOf(input({ sizing: sizing({ mode: 'risk', riskPct: 1 }), stopPrice: 49_300 }))).toBe('0.142');
    // non-power step 0.005 → 0.14
    expect(
      amountOf(
        input({
          sizing: sizing({ mode: 'risk', riskPct: 1 }),
          stopPrice: 49_300,
          market: { ...BTC_PERP, amountStep: '0.005' },
        }),
      ),
    ).toBe('0.14');
  });

  it('atr: riskPct over multiplier × ATR, or over the stop when the stop is farther', () => {
    const atr = sizing({ mode: 'atr', atr: { period: 14, multiplier: 2, riskPct: 1 } });
    // 2 × 500 = 1,000 → 100 / 1,000 = 0.1
    const plain = sizePosition(input({ sizing: atr, stats: { atr: 500 } }));
    expect(plain.amount.toString()).toBe('0.1');
    expect(plain.numbers).toMatchObject({ mode: 'atr', atrDistance: '1000', distance: '1000' });
    // stop 500 away is inside the normal swing: the ATR distance stays → 0.1
    expect(amountOf(input({ sizing: atr, stats: { atr: 500 }, stopPrice: 49_500 }))).toBe('0.1');
    // stop 2,000 away is farther: sized on it so that hitting it loses 1 % → 100 / 2,000 = 0.05
    expect(amountOf(input({ sizing: atr, stats: { atr: 500 }, stopPrice: 52_000 }))).toBe('0.05');
  });

  it('kelly: the estimate’s riskPct over the average recorded loss, or over the stop', () => {
    const kelly = sizing({ mode: 'kelly', kelly: KELLY });
    // distance 1 % × 50,000 = 500; 10,000 × 6.845238… % / 500 = 1.369047… → 1.369 (margin cap at 10×: 2)
    const byLoss = sizePosition(input({ sizing: kelly, leverage: 10, trades: HISTORY }));
    expect(byLoss.amount.toString()).toBe('1.369');
    expect(byLoss.numbers).toMatchObject({ mode: 'kelly', trades: 4, distanceFrom: 'avgLoss', cappedBy: 'none' });
    // capped at 2 %: 200 / 500 = 0.4
    expect(
      amountOf(input({ sizing: sizing({ mode: 'kelly', kelly: { ...KELLY, maxRiskPct: 2 } }), trades: HISTORY })),
    ).toBe('0.4');
    // with a stop 1,000 away: 200 / 1,000 = 0.2
    const byStop = sizePosition(
      input({
        sizing: sizing({ mode: 'kelly', kelly: { ...KELLY, maxRiskPct: 2 } }),
        trades: HISTORY,
        stopPrice: 49_000,
      }),
    );
    expect(byStop.amount.toString()).toBe('0.2');
    expect(byStop.numbers).toMatchObject({ distanceFrom: 'stop', distance: '1000' });
  });
});

describe('sizePosition: caps', () => {
  it('never commits more margin than equity: amount ≤ equity × leverage / price', () => {
    // risk wants 100 / 10 = 10 BTC; 10,000 × 5 / 50,000 = 1 BTC of margin
    const sized = sizePosition(input({ sizing: sizing({ mode: 'risk', riskPct: 1 }), stopPrice: 49_990 }));
    expect(sized.amount.toString()).toBe('1');
    expect(sized.numbers).toMatchObject({ cappedBy: 'margin', marginCap: '1' });
    // percent above 100 % of equity is capped the same way
    expect(amountOf(input({ sizing: sizing({ mode: 'percent', percent: 250 }) }))).toBe('1');
  });

  it('caps by the market maximum, rounded to the step', () => {
    const sized = sizePosition(input({ market: { ...BTC_PERP, maxAmount: '0.0505' } }));
    // percent 10 % → 0.1, maximum 0.0505 → 0.05 on the 0.001 step
    expect(sized.amount.toString()).toBe('0.05');
    expect(sized.numbers).toMatchObject({ cappedBy: 'maxAmount', maxAmount: '0.0505' });
  });

  it('returns 0 rather than refusing when the amount rounds below one step (the engine refuses minimums)', () => {
    expect(amountOf(input({ equity: '10', sizing: sizing({ mode: 'percent', percent: 1 }) }))).toBe('0');
    expect(amountOf(input({ market: { ...BTC_PERP, amountStep: '25' }, price: 2, equity: '10' }))).toBe('0');
  });

  it('sizes negative equity to 0', () => {
    expect(amountOf(input({ equity: '-500' }))).toBe('0');
    expect(amountOf(input({ equity: '-500', explicit: { kind: 'contracts', value: 1 } }))).toBe('0');
  });
});

describe('sizePosition: the signal’s own size', () => {
  it('wins over the configured mode, even one that would refuse', () => {
    const risk = sizing({ mode: 'risk' });
    const pct = sizePosition(input({ sizing: risk, explicit: { kind: 'percent', value: 20 } }));
    expect(pct.amount.toString()).toBe('0.2');
    expect(pct.mode).toBe('percent');
    expect(pct.numbers).toMatchObject({ source: 'signal', value: 20 });
    // quote 200 × 5 / 50,000 = 0.02
    expect(amountOf(input({ sizing: risk, explicit: { kind: 'quote', value: 200 } }))).toBe('0.02');
  });

  it('contracts are base units, rounded down to the step and capped by margin', () => {
    expect(amountOf(input({ explicit: { kind: 'contracts', value: 0.12345 } }))).toBe('0.123');
    const big = sizePosition(input({ explicit: { kind: 'contracts', value: 3 } }));
    expect(big.amount.toString()).toBe('1');
    expect(big.numbers.cappedBy).toBe('margin');
  });
});

describe('sizePosition: refusals', () => {
  it('NO_PRICE for a price that is not a positive number', () => {
    for (const price of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(rejection(input({ price })).code).toBe('NO_PRICE');
  });

  it('NEEDS_STOP naming the mode when risk sizing has no stop', () => {
    const error = rejection(input({ sizing: sizing({ mode: 'risk' }) }));
    expect(error.code).toBe('NEEDS_STOP');
    expect(error.message).toContain('risk');
    expect(error.details).toMatchObject({ mode: 'risk' });
  });

  it('INVALID_STOP when the stop equals the price', () => {
    expect(rejection(input({ sizing: sizing({ mode: 'risk' }), stopPrice: 50_000 })).code).toBe('INVALID_STOP');
    expect(rejection(input({ sizing: sizing({ mode: 'risk' }), stopPrice: Number.NaN })).code).toBe('INVALID_STOP');
  });

  it('NO_MARKET_DATA when ATR sizing has no ATR', () => {
    const atr = sizing({ mode: 'atr' });
    expect(rejection(input({ sizing: atr })).code).toBe('NO_MARKET_DATA');
    expect(rejection(input({ sizing: atr, stats: {} })).code).toBe('NO_MARKET_DATA');
    expect(rejection(input({ sizing: atr, stats: { atr: Number.NaN }, stopPrice: 49_000 })).code).toBe(
      'NO_MARKET_DATA',
    );
  });

  it('KELLY_NO_EDGE with the estimate’s numbers when the history shows no edge', () => {
    const losing = [closed(0.01, 1), closed(-0.03, 2), closed(-0.03, 3)];
    const error = rejection(
      input({ sizing: sizing({ mode: 'kelly', kelly: KELLY }), trades: losing, stopPrice: 49_000 }),
    );
    expect(error.code).toBe('KELLY_NO_EDGE');
    expect(error.details).toMatchObject({ mode: 'kelly', trades: 3, riskPct: 0 });
    expect(error.details.rawKelly).toBeLessThan(0);
    expect(rejection(input({ sizing: sizing({ mode: 'kelly' }) })).code).toBe('KELLY_NO_EDGE');
  });

  it('NEEDS_STOP for kelly when no loss was ever recorded and the signal has no stop', () => {
    const wins = [closed(0.01, 1), closed(0.02, 2)];
    const kelly = sizing({ mode: 'kelly', kelly: KELLY });
    expect(rejection(input({ sizing: kelly, trades: wins })).code).toBe('NEEDS_STOP');
    // with a stop: riskPct = 1 × 0.25 × 2/6 × 100 = 8.33 % → 833.3 / 1,000 = 0.833
    expect(amountOf(input({ sizing: kelly, trades: wins, stopPrice: 49_000 }))).toBe('0.833');
  });

  it('INVALID_MARKET for an unusable step', () => {
    expect(rejection(input({ market: { ...BTC_PERP, amountStep: '0' } })).code).toBe('INVALID_MARKET');
    expect(rejection(input({ market: { ...BTC_PERP, amountStep: 'abc' } })).code).toBe('INVALID_MARKET');
  });
});
