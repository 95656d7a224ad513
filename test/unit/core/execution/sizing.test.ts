// sizeAtFill, the executor's sizing rule as the backtest calls it: percent of equity, quote margin,
// contracts and risk to an order amount at the fill price, hand-computed; every mode capped by what
// equity carries with the taker fee, rounded down to the lot step, then checked against the minimums.
import { SignalRejectedError } from '../../../../shared/core/errors';
import type { MarketInfo } from '../../../../shared/core/ports/exchange';
import { sizeAtFill, type FillSizingInput } from '../../../../shared/core/execution/sizing';

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

const input = (size: FillSizingInput['size'], overrides: Partial<FillSizingInput> = {}): FillSizingInput => ({
  size,
  equity: 10_000,
  price: 50_000,
  feeRate: 0,
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

describe('sizeAtFill: the size forms', () => {
  it('percent of equity as margin, times leverage: 10,000 × 10 % × 5 / 50,000 = 0.1', () => {
    const sized = sizeAtFill(input({ kind: 'percent', value: 10 }));

    expect(sized).toEqual({ amount: '0.1', notional: '5000', margin: '1000' });
  });

  it('quote margin times leverage: 250 × 4 / 50,000 = 0.02', () => {
    const sized = sizeAtFill(input({ kind: 'quote', value: 250 }, { leverage: 4 }));

    expect(sized).toEqual({ amount: '0.02', notional: '1000', margin: '250' });
  });

  it('quote sizing is capped by what equity carries: 250 × 4 on 100 of equity buys 100 × 4 / 50,000 = 0.008', () => {
    const sized = sizeAtFill(input({ kind: 'quote', value: 250 }, { leverage: 4, equity: 100 }));

    expect(sized.amount).toBe('0.008');
  });

  it('contracts are base units as TradingView counts them, whatever the exchange contract size (OKX-style market)', () => {
    const okx = market({ contractSize: '0.01', amountStep: '0.0001', minAmount: '0.0001' });

    const sized = sizeAtFill(input({ kind: 'contracts', value: 0.03 }, { market: okx, leverage: 10 }));

    expect(sized).toEqual({ amount: '0.03', notional: '1500', margin: '150' });
  });

  it('contracts with contract size 1 are base units, capped by what equity carries', () => {
    expect(sizeAtFill(input({ kind: 'contracts', value: 0.5 }, { leverage: 2 }))).toEqual({
      amount: '0.4',
      notional: '20000',
      margin: '10000',
    });
    expect(sizeAtFill(input({ kind: 'contracts', value: 0.3 }, { leverage: 2 })).amount).toBe('0.3');
  });

  it('risk: 1 % of 10,000 = 100 lost over the 1,000 to the stop: 0.1 BTC, long or short', () => {
    const risk = { kind: 'risk', value: 1 } as const;
    expect(sizeAtFill(input(risk, { stopPrice: 49_000 }))).toEqual({ amount: '0.1', notional: '5000', margin: '1000' });
    expect(sizeAtFill(input(risk, { stopPrice: 51_000 })).amount).toBe('0.1');
    // 100 / 700 = 0.142857… → 0.142
    expect(sizeAtFill(input(risk, { stopPrice: 49_300 })).amount).toBe('0.142');
    // a 10 % risk over 100 would buy 10 BTC; 1× carries 0.2
    expect(sizeAtFill(input({ kind: 'risk', value: 10 }, { stopPrice: 49_900, leverage: 1 })).amount).toBe('0.2');
  });

  it('risk refuses without a stop, and with a stop at the price', () => {
    const risk = { kind: 'risk', value: 1 } as const;
    expect(rejection(() => sizeAtFill(input(risk))).code).toBe('NEEDS_STOP');
    expect(rejection(() => sizeAtFill(input(risk, { stopPrice: 50_000 }))).code).toBe('INVALID_STOP');
  });
});

describe('sizeAtFill: at the fill, with the taker fee', () => {
  it('leaves room for the fee: 100 % at 1× of 10,000 at 50,010 with 0.05 % = 10,000 / (50,010 × 1.0005) = 0.19986… → 0.199', () => {
    const sized = sizeAtFill(input({ kind: 'percent', value: 100 }, { price: 50_010, feeRate: 0.0005, leverage: 1 }));

    expect(sized.amount).toBe('0.199');
    // margin and fee within the equity: what the paper exchange requires before it fills
    expect(Number(sized.notional) * (1 + 0.0005)).toBeLessThanOrEqual(10_000);
    // without the fee room the amount would be 0.1999… → 0.199 too; at 5× it binds: 50,000 / (50,010 × 1.0025) = 0.99729… → 0.997
    expect(
      sizeAtFill(input({ kind: 'percent', value: 100 }, { price: 50_010, feeRate: 0.0005, leverage: 5 })).amount,
    ).toBe('0.997');
    expect(sizeAtFill(input({ kind: 'percent', value: 100 }, { price: 50_010, leverage: 5 })).amount).toBe('0.999');
  });

  it("gives the same amount for the backtest's float equity as for the executor's decimal text", () => {
    const cases: [number, string][] = [
      [10_000.123456789, '10000.123456789'],
      [0.1 + 0.2, '0.3'],
      [9_876.54321, '9876.54321'],
    ];
    for (const [float, text] of cases) {
      const at = (equity: number | string) =>
        sizeAtFill(
          input(
            { kind: 'percent', value: 100 },
            {
              equity,
              price: 7.0007,
              feeRate: 0.0004,
              leverage: 3,
              market: market({ amountStep: '0.01', minAmount: '0.01', minNotional: '0' }),
            },
          ),
        ).amount;
      expect(at(float)).toBe(at(text));
    }
  });
});

describe('sizeAtFill: rounding down to the step', () => {
  it('rounds 0.0999999 down to 0.099, never up to 0.1', () => {
    const sized = sizeAtFill(input({ kind: 'contracts', value: 0.0999999 }));

    expect(sized.amount).toBe('0.099');
    expect(sized.notional).toBe('4950');
    expect(sized.margin).toBe('990');
  });

  it('rounds 0.0019999999 down to 0.001', () => {
    expect(sizeAtFill(input({ kind: 'contracts', value: 0.0019999999 })).amount).toBe('0.001');
  });

  it('rounds a non-terminating quotient down: 100 × 3 / 7 = 42.857… → 42.85 at step 0.01', () => {
    const m = market({ amountStep: '0.01', minAmount: '0.01', minNotional: '0' });

    const sized = sizeAtFill(input({ kind: 'quote', value: 100 }, { price: 7, leverage: 3, market: m }));

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
    const sized = sizeAtFill(input({ kind: 'percent', value: 1 }, { price: 0.0123, leverage: 2, market: pepe }));

    expect(sized).toEqual({ amount: '16260', notional: '199.998', margin: '99.999' });
  });

  it.each<[string, FillSizingInput, string]>([
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
    expect(sizeAtFill(sizing).amount).toBe(amount);
  });
});

describe('sizeAtFill: refusals', () => {
  it('refuses an amount that rounds to 0 as BELOW_MIN_AMOUNT, with the details', () => {
    // 1 USDT × 2 / 50,000 = 0.00004 → 0 at step 0.001
    const error = rejection(() => sizeAtFill(input({ kind: 'quote', value: 1 }, { leverage: 2 })));

    expect(error.code).toBe('BELOW_MIN_AMOUNT');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'order amount 0 BTC is below the minimum 0.001 after sizing, limits and rounding down to 0.001',
    );
    expect(error.details).toEqual({ amount: '0', minAmount: '0.001', step: '0.001' });
  });

  it('refuses a non-zero amount below the market minimum as BELOW_MIN_AMOUNT', () => {
    const m = market({ minAmount: '0.01' });

    const error = rejection(() => sizeAtFill(input({ kind: 'contracts', value: 0.005 }, { market: m })));

    expect(error.code).toBe('BELOW_MIN_AMOUNT');
    expect(error.details).toEqual({ amount: '0.005', minAmount: '0.01', step: '0.001' });
  });

  it('accepts an amount exactly at the market minimum', () => {
    expect(sizeAtFill(input({ kind: 'contracts', value: 0.001 })).amount).toBe('0.001');
  });

  it('refuses a notional below the market minimum as MIN_NOTIONAL', () => {
    const m = market({ minNotional: '100' });

    // 0.001 × 50,000 = 50 < 100
    const error = rejection(() => sizeAtFill(input({ kind: 'contracts', value: 0.001 }, { market: m })));

    expect(error.code).toBe('MIN_NOTIONAL');
    expect(error.message).toBe('order notional 50 USDT is below the minimum 100');
    expect(error.details).toEqual({ notional: '50', minNotional: '100' });
  });

  it('checks the notional after rounding down', () => {
    const m = market({ minNotional: '100' });

    // 0.0029 → 0.002; 0.002 × 50,000 = 100: exactly the minimum passes
    expect(sizeAtFill(input({ kind: 'contracts', value: 0.0029 }, { market: m }))).toEqual({
      amount: '0.002',
      notional: '100',
      margin: '20',
    });
    // 0.0019 → 0.001; 50 < 100
    expect(rejection(() => sizeAtFill(input({ kind: 'contracts', value: 0.0019 }, { market: m }))).code).toBe(
      'MIN_NOTIONAL',
    );
  });

  it.each([
    ['zero equity', 0],
    ['negative equity', -500],
  ])('refuses a percent size on %s as BELOW_MIN_AMOUNT with amount 0', (_name, equity) => {
    const error = rejection(() => sizeAtFill(input({ kind: 'percent', value: 10 }, { equity })));

    expect(error.code).toBe('BELOW_MIN_AMOUNT');
    expect(error.details.amount).toBe('0');
  });

  it.each([
    ['0', 0],
    ['negative', -1],
    ['NaN', Number.NaN],
  ])('refuses a %s price as NO_PRICE before sizing', (_name, price) => {
    const error = rejection(() => sizeAtFill(input({ kind: 'percent', value: 10 }, { price })));

    expect(error.code).toBe('NO_PRICE');
    expect(error.message).toBe('no usable price for sizing');
  });
});

describe('sizeAtFill: the market maximum per order', () => {
  it('caps an amount above the maximum to it, before the exchange refuses it (-4005)', () => {
    const sized = sizeAtFill(
      input({ kind: 'contracts', value: 120 }, { equity: 10_000_000, market: market({ maxAmount: '100' }) }),
    );

    expect(sized.amount).toBe('100');
  });

  it('accepts an amount exactly at the maximum', () => {
    expect(
      sizeAtFill(input({ kind: 'contracts', value: 100 }, { equity: 10_000_000, market: market({ maxAmount: '100' }) }))
        .amount,
    ).toBe('100');
  });
});
