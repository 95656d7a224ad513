// checkSlippage: the book walked for the amount against the mid price, hand-computed.
import { checkSlippage } from '../../../../shared/core/execution/slippage-guard';

const book = {
  bids: [[99, 1]] as [number, number][],
  asks: [
    [101, 1],
    [102, 1],
    [110, 10],
  ] as [number, number][],
};

test('a buy of 1.5: average (101 + 0.5 × 102) / 1.5 = 101.333 vs mid 100 → 133.3 bps', () => {
  const verdict = checkSlippage(book, 'buy', 1.5, { maxBps: 150, onExceed: 'reject' });
  expect(verdict.ok).toBe(true);
  expect(verdict.expectedBps).toBeCloseTo(133.333, 2);
});

test('above the maximum: refused with the numbers and the bound price for an IOC limit', () => {
  const verdict = checkSlippage(book, 'buy', 1.5, { maxBps: 100, onExceed: 'ioc_limit' });
  expect(verdict).toMatchObject({ ok: false, reference: 100, boundPrice: 101 });
  expect(verdict.ok ? '' : verdict.message).toContain('exceeds the maximum 100 bps');
});

test('a sell walks the bids; a book too thin for the amount is unbounded', () => {
  const verdict = checkSlippage(book, 'sell', 2, { maxBps: 500, onExceed: 'reject' });
  expect(verdict).toMatchObject({ ok: false, expectedBps: Infinity });
});

test('an empty book refuses a market entry', () => {
  expect(checkSlippage({ bids: [], asks: [] }, 'buy', 1, { maxBps: 50, onExceed: 'reject' }).ok).toBe(false);
});
