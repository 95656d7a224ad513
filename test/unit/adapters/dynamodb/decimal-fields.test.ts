// A stored number read as money must be the same text big.js gives (the rest of the book computes
// with Big from it), without the webhook bundling big.js for it.
import fc from 'fast-check';
import { plainDecimal, withDecimals } from '../../../../shared/adapters/dynamodb/decimal-fields';
import { toDecimal } from '../../../../shared/core/domain/money';

it('matches big.js on every finite double between 1e-30 and 1e30, exponent notation included', () => {
  const magnitude = fc.double({ min: 1e-30, max: 1e30, noNaN: true, noDefaultInfinity: true });
  fc.assert(
    fc.property(magnitude, fc.boolean(), (m, negative) => {
      const value = negative ? -m : m;
      expect(plainDecimal(value)).toBe(toDecimal(value));
    }),
    { numRuns: 5000 },
  );
});

it.each([
  [1e-7, '0.0000001'],
  [1.5e21, '1500000000000000000000'],
  [-2.5e-8, '-0.000000025'],
  [95.3, '95.3'],
  [0, '0'],
  [-0, '0'],
  [123456789012345680000, '123456789012345680000'],
])('%p reads as %p', (value, text) => {
  expect(plainDecimal(value)).toBe(text);
});

it('converts only the named fields that hold numbers; text and absent fields stay as they are', () => {
  const item = { fee: 0.00000192, funding: '1.5', realizedPnl: undefined as number | undefined, qty: 2 };
  expect(withDecimals(item, ['fee', 'funding', 'realizedPnl'])).toEqual({
    fee: '0.00000192',
    funding: '1.5',
    realizedPnl: undefined,
    qty: 2,
  });
});
