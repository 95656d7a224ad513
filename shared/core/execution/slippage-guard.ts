// Expected slippage of a market entry, read from the order book before sending: the average price
// of walking the book for the amount, against the best price on the other side of the spread.
export interface SlippagePolicy {
  /** largest expected slippage accepted, basis points */
  maxBps: number;
  /** above it: refuse the entry with the numbers, or send an IOC limit at the bound */
  onExceed: 'reject' | 'ioc_limit';
}

export type SlippageVerdict =
  | { ok: true; expectedBps: number }
  | { ok: false; expectedBps: number; reference: number; expectedPrice: number; boundPrice: number; message: string };

export function checkSlippage(
  book: { bids: [number, number][]; asks: [number, number][] },
  side: 'buy' | 'sell',
  amount: number,
  policy: SlippagePolicy,
): SlippageVerdict {
  const levels = side === 'buy' ? book.asks : book.bids;
  const best = levels[0]?.[0];
  const opposite = (side === 'buy' ? book.bids : book.asks)[0]?.[0];
  if (best === undefined) {
    return {
      ok: false,
      expectedBps: Infinity,
      reference: Number.NaN,
      expectedPrice: Number.NaN,
      boundPrice: Number.NaN,
      message: 'the order book is empty: no market entry',
    };
  }
  // Reference: the mid price when both sides exist, so a wide spread counts as slippage too.
  const reference = opposite !== undefined ? (best + opposite) / 2 : best;
  let left = amount;
  let cost = 0;
  for (const [price, size] of levels) {
    const take = Math.min(left, size);
    cost += take * price;
    left -= take;
    if (left <= 0) break;
  }
  const direction = side === 'buy' ? 1 : -1;
  const bound = reference * (1 + (direction * policy.maxBps) / 10_000);
  if (left > 0) {
    return {
      ok: false,
      expectedBps: Infinity,
      reference,
      expectedPrice: Number.NaN,
      boundPrice: bound,
      message: `the visible book holds less than ${amount}: expected slippage unbounded (max ${policy.maxBps} bps)`,
    };
  }
  const expectedPrice = cost / amount;
  const expectedBps = ((expectedPrice - reference) / reference) * 10_000 * direction;
  if (expectedBps <= policy.maxBps) return { ok: true, expectedBps };
  return {
    ok: false,
    expectedBps,
    reference,
    expectedPrice,
    boundPrice: bound,
    message: `expected slippage ${expectedBps.toFixed(1)} bps (avg ${expectedPrice} vs mid ${reference}) exceeds the maximum ${policy.maxBps} bps`,
  };
}
