// sizeFromRisk: the amount whose loss at the stop is riskPct of equity, capped by equity ×
// leverage / price, rounded down to the lot step, with sizeEntry's minimums; hand-computed.
import { SignalRejectedError } from '../../../../shared/core/errors';
import type { MarketInfo } from '../../../../shared/core/ports/exchange';
import { sizeFromRisk, type RiskSizingInput } from '../../../../shared/core/execution/sizing';

const market: MarketInfo = {
  symbol: 'BTC/USDT:USDT',
  base: 'BTC',
  quote: 'USDT',
  settle: 'USDT',
  contractSize: '1',
  amountStep: '0.001',
  priceStep: '0.1',
  minAmount: '0.001',
  minNotional: '5',
  maxLeverage: 125,
};
const input = (overrides: Partial<RiskSizingInput> = {}): RiskSizingInput => ({
  riskPct: 1,
  equity: 10_000,
  price: 50_000,
  stopPrice: 49_000,
  leverage: 5,
  market,
  ...overrides,
});

function rejection(run: () => unknown): SignalRejectedError {
  try {
    run();
  } catch (e) {
    if (e instanceof SignalRejectedError) return e;
    throw e;
  }
  throw new Error('expected a SignalRejectedError');
}

describe('sizeFromRisk', () => {
  it('1 % of 10,000 = 100 lost over a 1,000 stop distance: 0.1 BTC', () => {
    expect(sizeFromRisk(input())).toEqual({ amount: '0.1', notional: '5000', margin: '1000' });
  });

  it('a short’s stop above the price measures the same distance', () => {
    expect(sizeFromRisk(input({ stopPrice: 51_000 })).amount).toBe('0.1');
  });

  it('rounds down to the lot step: 100 / 700 = 0.142857… → 0.142', () => {
    expect(sizeFromRisk(input({ stopPrice: 49_300 })).amount).toBe('0.142');
  });

  it('is capped by equity × leverage / price: a 10 % risk over 100 would buy 10 BTC, 1× allows 0.2', () => {
    expect(sizeFromRisk(input({ riskPct: 10, stopPrice: 49_900, leverage: 1 })).amount).toBe('0.2');
  });

  it('refuses a stop equal to the price, and an amount below the minimum', () => {
    expect(rejection(() => sizeFromRisk(input({ stopPrice: 50_000 }))).code).toBe('INVALID_STOP');
    expect(rejection(() => sizeFromRisk(input({ equity: 10 }))).code).toBe('BELOW_MIN_AMOUNT');
  });
});
