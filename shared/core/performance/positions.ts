// An open position as the console shows it: the book's row, priced at its mark (the price
// watcher's live tick when fresher, else the risk-check job's last mark: live-marks.ts). Money
// stays decimal text computed with big.js; a missing mark leaves the priced fields null.
import { Big, type Decimal } from '../domain/money';
import type { BookPosition, PositionSide, ProtectiveOrderRef, TradeRecord } from '../domain/trade';
import type { ChosenMark, MarkSource } from './live-marks';
import { fundingView, type FundingView } from './position-funding';
import type { FundingReading } from './ports';

export interface PositionView {
  accountId: string;
  accountName: string;
  symbol: string;
  side: PositionSide;
  quantity: Decimal;
  entryPrice: Decimal;
  markPrice: Decimal | null;
  unrealizedPnl: Decimal | null;
  liquidationPrice: Decimal | null;
  breakEvenPrice: Decimal;
  leverage: number;
  /** quantity × mark (× entry without a mark) */
  notional: Decimal;
  stop: StopView | null;
  /** the trailing stop resting beside a fixed stop (a trail alone is the `stop`) */
  trail: StopView | null;
  targets: { clientOrderId: string; triggerPrice: Decimal; amount: Decimal | null }[];
  openedAt: number | null;
  tradeId: string | null;
  strategy: string | null;
  /** when the mark was read: the live tick's arrival, or the snapshot's time */
  markAt: number | null;
  /** `live`: the price watcher's tick; `snapshot`: the risk-check job's mark "as of" markAt; null without a mark */
  markSource: MarkSource | null;
  /** the account's mode: a paper account pays no funding (the replay has none) */
  mode: 'paper' | 'live';
  /** the rate the risk-check job last recorded for the market; null without a reading, and on paper */
  funding: FundingView | null;
}

/** What a position's funding is judged with: the account's mode, the recorded reading, the read's time. */
export interface PositionFundingInput {
  mode: 'paper' | 'live';
  reading?: FundingReading;
  now: number;
}

export interface StopView {
  clientOrderId: string;
  /** "" for a native trailing stop (the exchange moves its trigger) */
  triggerPrice: Decimal;
  trailingPercent?: number;
}

const stopView = (ref: ProtectiveOrderRef | undefined): StopView | null =>
  ref
    ? {
        clientOrderId: ref.clientOrderId,
        triggerPrice: ref.triggerPrice,
        ...(ref.trailingPercent !== undefined ? { trailingPercent: ref.trailingPercent } : {}),
      }
    : null;

/** Price P&L of `quantity` from `entry` to `mark`: (mark − entry) × q long, (entry − mark) × q short. */
export function unrealizedPnl(
  side: PositionSide,
  quantity: Big.BigSource,
  entry: Big.BigSource,
  mark: Big.BigSource,
): Big {
  const move = new Big(mark).minus(entry).times(quantity);
  return side === 'long' ? move : move.neg();
}

/**
 * The price at which closing what is left makes the whole trade break even: the trade's realized
 * P&L so far (exited quantity's price P&L minus every fee and funding paid, entry fees included)
 * must be won back by the open quantity. Long: entry − realized / q; short: entry + realized / q.
 * So fees paid push a long's break-even up and a short's down. The closing fee is not in it (its
 * rate depends on how the position is closed). Without a trade record: the entry price.
 */
export function breakEvenPrice(
  side: PositionSide,
  quantity: Big.BigSource,
  entry: Big.BigSource,
  realized: Big.BigSource,
): Big {
  const q = new Big(quantity);
  if (q.lte(0)) return new Big(entry);
  const shift = new Big(realized).div(q);
  return side === 'long' ? new Big(entry).minus(shift) : new Big(entry).plus(shift);
}

export function positionView(
  position: BookPosition & { side: PositionSide },
  accountName: string,
  trade: TradeRecord | undefined,
  mark: ChosenMark | undefined,
  funding: PositionFundingInput = { mode: 'live', now: 0 },
): PositionView {
  const { side, quantity, entryPrice } = position;
  const price = mark ? mark.markPrice : undefined;
  return {
    accountId: position.accountId,
    accountName,
    symbol: position.symbol,
    side,
    quantity,
    entryPrice,
    markPrice: price ?? null,
    unrealizedPnl: price !== undefined ? unrealizedPnl(side, quantity, entryPrice, price).toString() : null,
    liquidationPrice: mark?.liquidationPrice ?? null,
    breakEvenPrice: breakEvenPrice(
      side,
      quantity,
      entryPrice,
      trade?.status === 'open' ? trade.realizedPnl : 0,
    ).toString(),
    leverage: position.leverage,
    notional: new Big(quantity).times(price ?? entryPrice).toString(),
    stop: stopView(position.stopLoss),
    trail: stopView(position.trailingStop),
    targets: (position.takeProfits ?? []).map((t) => ({
      clientOrderId: t.clientOrderId,
      triggerPrice: t.triggerPrice,
      amount: t.amount ?? null,
    })),
    openedAt: position.openedAt ?? null,
    tradeId: position.tradeId ?? null,
    strategy: position.strategy ?? trade?.strategy ?? null,
    markAt: mark?.markAt ?? null,
    markSource: mark?.markSource ?? null,
    mode: funding.mode,
    funding: funding.mode === 'paper' ? null : fundingView(funding.reading, side, quantity, price, funding.now),
  };
}
