// The orders a fired conditional order placed, reported as one (OKX's split TP/SL: several ids in
// ordIdList): exact decimal sums, the fill-weighted average, and a status that never calls a
// still-working part done.
import { mergeOrders } from '../../../../shared/adapters/exchange/merged-order';
import type { ExchangeOrder } from '../../../../shared/core/ports/exchange';

const part = (fields: Partial<ExchangeOrder>): ExchangeOrder => ({
  id: 'o1',
  clientOrderId: '',
  symbol: 'BTC/USDT:USDT',
  side: 'sell',
  type: 'market',
  status: 'closed',
  amount: '0.1',
  filled: '0.1',
  average: '60000',
  reduceOnly: true,
  fee: '0.1',
  feeCurrency: 'USDT',
  timestamp: 1_000,
  ...fields,
});

describe('mergeOrders', () => {
  it('adds amounts, fills and fees exactly (0.1 + 0.2 is 0.3, not 0.30000000000000004) and weights the average by what each filled', () => {
    const merged = mergeOrders([
      part({ id: 'a', amount: '0.1', filled: '0.1', average: '60000', fee: '0.1', timestamp: 2_000 }),
      part({ id: 'b', amount: '0.2', filled: '0.2', average: '60003', fee: '0.2', timestamp: 1_500 }),
    ]);

    // (0.1 × 60000 + 0.2 × 60003) / 0.3 = 60002
    expect(merged).toMatchObject({
      id: 'a',
      amount: '0.3',
      filled: '0.3',
      average: '60002',
      fee: '0.3',
      status: 'closed',
      timestamp: 2_000,
    });
  });

  it('an unfilled part counts in the amount, not in the average', () => {
    const merged = mergeOrders([
      part({ amount: '0.1', filled: '0.1', average: '60000' }),
      part({ id: 'b', amount: '0.1', filled: '0', status: 'canceled', fee: '0' }),
    ]);

    expect(merged).toMatchObject({ amount: '0.2', filled: '0.1', average: '60000', status: 'closed' });
  });

  it('a part still working keeps the whole open', () => {
    expect(mergeOrders([part({}), part({ id: 'b', status: 'open', filled: '0.05' })]).status).toBe('open');
  });

  it("nothing filled: no average, and the parts' common end (all canceled) stands", () => {
    const merged = mergeOrders([
      part({ status: 'canceled', filled: '0', fee: '0' }),
      part({ id: 'b', status: 'canceled', filled: '0', fee: '0' }),
    ]);

    expect(merged.status).toBe('canceled');
    expect(merged).not.toHaveProperty('average');
  });

  it('nothing filled and different ends (canceled, expired): canceled', () => {
    expect(
      mergeOrders([part({ status: 'canceled', filled: '0' }), part({ id: 'b', status: 'expired', filled: '0' })])
        .status,
    ).toBe('canceled');
  });

  it('one order is returned as it is; none is an error', () => {
    const only = part({ average: '61234.5' });
    expect(mergeOrders([only])).toBe(only);
    expect(() => mergeOrders([])).toThrow(/at least one order/);
  });
});
