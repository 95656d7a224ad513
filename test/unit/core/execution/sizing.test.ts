// sizeEntry: percent of equity, quote margin and contracts to an order amount, hand-computed;
// amounts always rounded down to the lot step, then checked against the minimums.
import { SignalRejectedError } from '../../../../shared/core/errors';
import type { MarketInfo } from '../../../../shared/core/ports/exchange';
import type { SizeSpec } from '../../../../shared/core/signal/types';
import { sizeEntry, type SizingInput } from '../../../../shared/core/execution/sizing';

const market = (overrides: Partial<MarketInfo> = {}): MarketInfo => ({
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
  ...overrides,
});

const input = (size: SizeSpec, overrides: Partial<SizingInput> = {}): SizingInput => ({
  size,
  equity: 10_000,
  price: 50_000,
  leverage: 5,
  market: market(),
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

describe('sizeEntry: the three size forms', () => {
  it('percent of equity as margin, times leverage: 10,000 × 10 % × 5 / 50,000 = 0.1', () => {
    const sized = sizeEntry(input({ kind: 'percent', value: 10 }));

    expect(sized).toEqual({ amount: '0.1', notional: '5000', margin: '1000' });
  });

  it('quote margin times leverage: 250 × 4 / 50,000 = 0.02', () => {
    const sized = sizeEntry(input({ kind: 'quote', value: 250 }, { leverage: 4 }));

    expect(sized).toEqual({ amount: '0.02', notional: '1000', margin: '250' });
  });

  it('quote sizing ignores equity', () => {
    const sized = sizeEntry(input({ kind: 'quote', value: 250 }, { leverage: 4, equity: 0 }));

    expect(sized.amount).toBe('0.02');
  });

  it('contracts are base units as TradingView counts them, whatever the exchange contract size (OKX-style market)', () => {
    const okx = market({ contractSize: '0.01', amountStep: '0.0001', minAmount: '0.0001' });

    const sized = sizeEntry(input({ kind: 'contracts', value: 0.03 }, { market: okx, leverage: 10 }));

    expect(sized).toEqual({ amount: '0.03', notional: '1500', margin: '150' });
  });

  it('contracts with contract size 1 are base units, and ignore equity and leverage for the amount', () => {
    const sized = sizeEntry(input({ kind: 'contracts', value: 0.5 }, { equity: 0, leverage: 2 }));

    expect(sized).toEqual({ amount: '0.5', notional: '25000', margin: '12500' });
  });
});

describe('sizeEntry: rounding down to the step', () => {
  it('rounds 0.0999999 down to 0.099, never up to 0.1', () => {
    const sized = sizeEntry(input({ kind: 'contracts', value: 0.0999999 }));

    expect(sized.amount).toBe('0.099');
    expect(sized.notional).toBe('4950');
    expect(sized.margin).toBe('990');
  });

  it('rounds 0.0019999999 down to 0.001', () => {
    expect(sizeEntry(input({ kind: 'contracts', value: 0.0019999999 })).amount).toBe('0.001');
  });

  it('rounds a non-terminating quotient down: 100 × 3 / 7 = 42.857… → 42.85 at step 0.01', () => {
    const m = market({ amountStep: '0.01', minAmount: '0.01', minNotional: '0' });

    const sized = sizeEntry(input({ kind: 'quote', value: 100 }, { price: 7, leverage: 3, market: m }));

    expect(sized).toEqual({ amount: '42.85', notional: '299.95', margin: '99.983333333333333333' });
  });

  it('rounds to a whole-unit step (1000PEPE-style market)', () => {
    const pepe = market({
      symbol: '1000PEPE/USDT:USDT',
      base: '1000PEPE',
      amountStep: '1',
      minAmount: '1',
      priceStep: '0.0000001',
    });

    // 10,000 × 1 % × 2 / 0.0123 = 16,260.16… → 16,260
    const sized = sizeEntry(input({ kind: 'percent', value: 1 }, { price: 0.0123, leverage: 2, market: pepe }));

    expect(sized).toEqual({ amount: '16260', notional: '199.998', margin: '99.999' });
  });

  it.each<[string, SizingInput, string]>([
    [
      '0.1 + 0.2 contracts (float gives 0.30000000000000004)',
      input({ kind: 'contracts', value: 0.1 + 0.2 }, { market: market({ amountStep: '0.01', minAmount: '0.01' }) }),
      '0.3',
    ],
    [
      '7 steps of 0.1 (float gives 0.7000000000000001)',
      input({ kind: 'contracts', value: 0.7 }, { market: market({ amountStep: '0.1', minAmount: '0.1' }) }),
      '0.7',
    ],
    [
      '1,000.1 × 3 % × 7 / 0.7 = 300.03',
      input(
        { kind: 'percent', value: 3 },
        { equity: 1000.1, leverage: 7, price: 0.7, market: market({ amountStep: '0.01', minAmount: '0.01' }) },
      ),
      '300.03',
    ],
    [
      '0.1 + 0.2 USDT margin × 1 / 0.01 = 30',
      input(
        { kind: 'quote', value: 0.30000000000000004 },
        { leverage: 1, price: 0.01, market: market({ amountStep: '1', minAmount: '1', minNotional: '0' }) },
      ),
      '30',
    ],
  ])('has no float artefacts: %s', (_name, sizing, amount) => {
    expect(sizeEntry(sizing).amount).toBe(amount);
  });
});

describe('sizeEntry: refusals', () => {
  it('refuses an amount that rounds to 0 as BELOW_MIN_AMOUNT, with the details', () => {
    // 1 USDT × 2 / 50,000 = 0.00004 → 0 at step 0.001
    const error = rejection(() => sizeEntry(input({ kind: 'quote', value: 1 }, { leverage: 2 })));

    expect(error.code).toBe('BELOW_MIN_AMOUNT');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('order amount 0 is below the minimum 0.001 BTC after rounding down to 0.001');
    expect(error.details).toEqual({ amount: '0', minAmount: '0.001', step: '0.001' });
  });

  it('refuses a non-zero amount below the market minimum as BELOW_MIN_AMOUNT', () => {
    const m = market({ minAmount: '0.01' });

    const error = rejection(() => sizeEntry(input({ kind: 'contracts', value: 0.005 }, { market: m })));

    expect(error.code).toBe('BELOW_MIN_AMOUNT');
    expect(error.details).toEqual({ amount: '0.005', minAmount: '0.01', step: '0.001' });
  });

  it('accepts an amount exactly at the market minimum', () => {
    expect(sizeEntry(input({ kind: 'contracts', value: 0.001 })).amount).toBe('0.001');
  });

  it('refuses a notional below the market minimum as MIN_NOTIONAL', () => {
    const m = market({ minNotional: '100' });

    // 0.001 × 50,000 = 50 < 100
    const error = rejection(() => sizeEntry(input({ kind: 'contracts', value: 0.001 }, { market: m })));

    expect(error.code).toBe('MIN_NOTIONAL');
    expect(error.message).toBe('order notional 50 USDT is below the minimum 100');
    expect(error.details).toEqual({ notional: '50', minNotional: '100' });
  });

  it('checks the notional after rounding down', () => {
    const m = market({ minNotional: '100' });

    // 0.0029 → 0.002; 0.002 × 50,000 = 100: exactly the minimum passes
    expect(sizeEntry(input({ kind: 'contracts', value: 0.0029 }, { market: m }))).toEqual({
      amount: '0.002',
      notional: '100',
      margin: '20',
    });
    // 0.0019 → 0.001; 50 < 100
    expect(rejection(() => sizeEntry(input({ kind: 'contracts', value: 0.0019 }, { market: m }))).code).toBe(
      'MIN_NOTIONAL',
    );
  });

  it.each([
    ['zero equity', 0],
    ['negative equity', -500],
  ])('refuses a percent size on %s as BELOW_MIN_AMOUNT with amount 0', (_name, equity) => {
    const error = rejection(() => sizeEntry(input({ kind: 'percent', value: 10 }, { equity })));

    expect(error.code).toBe('BELOW_MIN_AMOUNT');
    expect(error.details.amount).toBe('0');
  });

  it.each([
    ['0', 0],
    ['negative', -1],
    ['NaN', Number.NaN],
  ])('refuses a %s price as NO_PRICE before sizing', (_name, price) => {
    const error = rejection(() => sizeEntry(input({ kind: 'percent', value: 10 }, { price })));

    expect(error.code).toBe('NO_PRICE');
    expect(error.message).toBe('no usable price for sizing');
  });
});

describe('sizeEntry: the market maximum per order', () => {
  it('refuses an amount above the maximum with both numbers, before the exchange does (-4005)', () => {
    const oversized = () =>
      sizeEntry(input({ kind: 'contracts', value: 120 }, { market: market({ maxAmount: '100' }) }));

    expect(oversized).toThrow(SignalRejectedError);
    expect(oversized).toThrow("order amount 120 BTC is above the market's maximum 100 per order");
  });

  it('accepts an amount exactly at the maximum', () => {
    expect(sizeEntry(input({ kind: 'contracts', value: 100 }, { market: market({ maxAmount: '100' }) })).amount).toBe(
      '100',
    );
  });
});
