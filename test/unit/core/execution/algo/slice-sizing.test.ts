// Slice sizing: TWAP shares on exact decimals (step, minimum, the last takes the rest) and the
// adaptive walk over a real order book (Bybit's BTCUSDT book as ccxt captured and parsed it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adaptiveSlice, twapSlice, walkBps } from '../../../../../shared/core/execution/algo/slice-sizing';

const market = { amountStep: '0.001', minAmount: '0.001', minNotional: '5' };
const parent = (total: string, filled: string, slices: number) => ({
  totalAmount: total,
  filledAmount: filled,
  slices,
  side: 'buy' as const,
});

describe('twapSlice', () => {
  test('what is left over the slices left, rounded down to the step; the last takes the rest', () => {
    const p = parent('1', '0', 3);
    expect(twapSlice(p, 0, market)).toEqual({ amount: '0.333', last: false });
    expect(twapSlice({ ...p, filledAmount: '0.333' }, 1, market)).toEqual({ amount: '0.333', last: false });
    expect(twapSlice({ ...p, filledAmount: '0.666' }, 2, market)).toEqual({ amount: '0.334', last: true });
  });

  test('a slice that filled short is made up by the next ones (sized on what filled)', () => {
    // slice 0 asked 0.5 of 1.0 and filled 0.2: 0.8 left over 1 slice
    expect(twapSlice(parent('1', '0.2', 2), 1, market)).toEqual({ amount: '0.8', last: true });
  });

  test('a share below the market minimum sends everything left now', () => {
    expect(twapSlice(parent('0.003', '0', 5), 0, market)).toEqual({ amount: '0.003', last: true });
  });

  test('a remainder below the minimum notional joins the slice being sent', () => {
    // 0.0105 over 2 slices at 1000: share 0.005 and rest 0.0055 both clear 5 USDT. Over 3 at 1500 the
    // share 0.003 (4.5 USDT) is under the minimum notional: all of it goes now
    expect(twapSlice(parent('0.0105', '0', 2), 0, market, 1000)).toEqual({ amount: '0.005', last: false });
    expect(twapSlice(parent('0.0105', '0', 3), 0, market, 1500)).toEqual({ amount: '0.0105', last: true });
  });

  test('nothing left: an empty last slice', () => {
    expect(twapSlice(parent('1', '1', 4), 2, market)).toEqual({ amount: '0', last: true });
  });
});

describe('adaptiveSlice on a captured book', () => {
  // ccxt's static response fixture: Bybit's BTCUSDT linear book (parsedResponse), two levels a side.
  const fixture = JSON.parse(
    readFileSync(join(__dirname, '../../../../fixtures/exchange/ccxt-static/bybit.response.json'), 'utf8'),
  ) as {
    methods: {
      fetchOrderBook: { description: string; parsedResponse: { bids: [number, number][]; asks: [number, number][] } }[];
    };
  };
  const entry = fixture.methods.fetchOrderBook.find((e) => e.description === 'swap orderbook');
  if (!entry) throw new Error('fixture missing: swap orderbook');
  const book = entry.parsedResponse; // asks 108.998 @ 42548, 75.008 @ 42548.2; bids 42544.7, 42544.5
  const btc = { amountStep: '0.001', minAmount: '0.001', minNotional: '100' };

  test('the largest amount whose walk stays within the bound: one step more exceeds it', () => {
    const bound = 0.4; // the best ask alone costs (42548 − mid 42546.35) / mid = 0.388 bps
    const size = adaptiveSlice(parent('1000', '0', 10), 0, btc, book, bound);
    const amount = Number(size.amount);
    expect(amount).toBeGreaterThan(108.998); // into the second level
    expect(walkBps(book, 'buy', amount)).toBeLessThanOrEqual(bound);
    expect(walkBps(book, 'buy', amount + 0.001)).toBeGreaterThan(bound);
  });

  test('at least the TWAP share when the book takes it within the bound', () => {
    const size = adaptiveSlice(parent('20', '0', 10), 0, btc, book, 0.4);
    // TWAP share 2; the book takes far more within 0.4 bps, but never more than remains
    expect(Number(size.amount)).toBeGreaterThanOrEqual(2);
    expect(Number(size.amount)).toBeLessThanOrEqual(20);
  });

  test('a thin book shrinks the slice below the TWAP share to what fits the bound', () => {
    // Even the best ask costs 0.388 bps: under a 0.38 bps bound nothing fits, so the market minimum goes
    expect(adaptiveSlice(parent('1000', '0', 10), 0, btc, book, 0.38).amount).toBe('0.001');
    // 300 over 2: a TWAP share of 150 would cost more than 0.39 bps; the slice is what the book takes within it
    const size = adaptiveSlice(parent('300', '0', 2), 0, btc, book, 0.39);
    expect(size.last).toBe(false);
    expect(Number(size.amount)).toBeGreaterThan(108.998);
    expect(Number(size.amount)).toBeLessThan(150);
    expect(walkBps(book, 'buy', 150)).toBeGreaterThan(0.39);
    expect(walkBps(book, 'buy', Number(size.amount))).toBeLessThanOrEqual(0.39);
    expect(walkBps(book, 'buy', Number(size.amount) + 0.001)).toBeGreaterThan(0.39);
  });

  test('the last slice takes the rest whatever the book', () => {
    expect(adaptiveSlice(parent('500', '400', 3), 2, btc, book, 0.1)).toEqual({ amount: '100', last: true });
  });

  test('beyond the visible book the walk is unbounded', () => {
    expect(walkBps(book, 'buy', 200)).toBe(Infinity);
  });
});
