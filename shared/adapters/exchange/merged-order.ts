// Several orders reported as one: a conditional order that fired can place more than one plain
// order (OKX splits a TP/SL: every id is in its ordIdList), and what it did is the sum of them.
// Amounts, fills and fees (decimal text) add exactly; the average is weighted by what each order filled.
import { InvariantError } from '../../core/errors';
import { Big } from '../../core/domain/money';
import type { ExchangeOrder, ExchangeOrderStatus } from '../../core/ports/exchange';

/** Still working while any part is; else filled when anything filled; else the parts' common end. */
function mergedStatus(parts: readonly ExchangeOrder[], filled: Big): ExchangeOrderStatus {
  if (parts.some((p) => p.status === 'open')) return 'open';
  const [first] = parts;
  if (first && parts.every((p) => p.status === first.status)) return first.status;
  return filled.gt(0) ? 'closed' : 'canceled';
}

/**
 * The orders as one, under the first one's id, side and type: exact sums of amount, filled and
 * fee, the fill-weighted average price, the latest timestamp. One order is returned unchanged.
 */
export function mergeOrders(parts: readonly ExchangeOrder[]): ExchangeOrder {
  const [first, ...rest] = parts;
  if (!first) throw new InvariantError('mergeOrders needs at least one order');
  if (!rest.length) return first;
  let amount = new Big(0);
  let filled = new Big(0);
  let cost = new Big(0);
  let fee = new Big(0);
  for (const part of parts) {
    amount = amount.plus(part.amount);
    filled = filled.plus(part.filled);
    if (part.average !== undefined) cost = cost.plus(new Big(part.average).times(part.filled));
    fee = fee.plus(part.fee);
  }
  const merged: ExchangeOrder = {
    ...first,
    status: mergedStatus(parts, filled),
    amount: amount.toString(),
    filled: filled.toString(),
    fee: fee.toString(),
    timestamp: Math.max(...parts.map((p) => p.timestamp)),
  };
  if (filled.gt(0)) merged.average = cost.div(filled).toString();
  else delete merged.average;
  return merged;
}
