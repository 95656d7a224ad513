// Money: margin in use, available balance, and what one fill does to the position (entry
// averaging, flips), the wallet (realized P&L, commission, both also in the income history) and
// the order (executed, average).
import { round } from './decimals';
import { recordIncome } from './income';
import type { Account, ExchangeState, Position } from './state';
import type { FakeOrder, PositionSide, Side } from './types';

export const TAKER_FEE = 0.0005;
export const MAKER_FEE = 0.0002;

export function unrealizedPnl(position: Position, mark: number): number {
  return position.amount === 0 ? 0 : round(position.amount * (mark - position.entryPrice), 8);
}

export interface MarginSummary {
  wallet: number;
  unrealized: number;
  positionInitialMargin: number;
  openOrderInitialMargin: number;
  /** Wallet locked in isolated positions (their margin at entry). */
  isolatedWallet: number;
  available: number;
}

/** Margin an isolated position holds: its entry notional over leverage. */
export function isolatedWalletOf(position: Position, leverage: number): number {
  return round((Math.abs(position.amount) * position.entryPrice) / leverage, 8);
}

export function marginSummary(state: ExchangeState, account: Account): MarginSummary {
  let unrealized = 0;
  let crossUnrealized = 0;
  let positionInitialMargin = 0;
  let crossInitialMargin = 0;
  let isolatedWallet = 0;
  for (const position of account.positions.values()) {
    if (position.amount === 0) continue;
    const market = state.market(position.symbol);
    const { leverage, marginType } = state.settings(account, position.symbol);
    const pnl = unrealizedPnl(position, market.price);
    const initial = (Math.abs(position.amount) * market.price) / leverage;
    unrealized += pnl;
    positionInitialMargin += initial;
    if (marginType === 'isolated') isolatedWallet += isolatedWalletOf(position, leverage);
    else {
      crossUnrealized += pnl;
      crossInitialMargin += initial;
    }
  }
  let openOrderInitialMargin = 0;
  for (const order of state.openOrders(account.apiKey)) {
    if (order.reduceOnly) continue;
    const { leverage } = state.settings(account, order.symbol);
    openOrderInitialMargin += ((order.origQty - order.executedQty) * order.price) / leverage;
  }
  const available = account.wallet + crossUnrealized - crossInitialMargin - isolatedWallet - openOrderInitialMargin;
  return {
    wallet: round(account.wallet, 8),
    unrealized: round(unrealized, 8),
    positionInitialMargin: round(positionInitialMargin, 8),
    openOrderInitialMargin: round(openOrderInitialMargin, 8),
    isolatedWallet: round(isolatedWallet, 8),
    available: round(Math.max(0, available), 8),
  };
}

/**
 * How much of the slot an order on this side would close: in one-way mode a sell closes a long and
 * a buy a short; in hedge mode SELL closes LONG and BUY closes SHORT.
 */
export function closableQty(
  state: ExchangeState,
  account: Account,
  symbol: string,
  side: Side,
  positionSide: PositionSide,
): number {
  const position = state.position(account, symbol, positionSide);
  if (positionSide === 'LONG') return side === 'SELL' ? position.amount : 0;
  if (positionSide === 'SHORT') return side === 'BUY' ? -position.amount : 0;
  if (side === 'SELL') return Math.max(0, position.amount);
  return Math.max(0, -position.amount);
}

/** Initial margin plus taker fee the opening part of an order needs, at the given price. */
export function marginNeeded(
  state: ExchangeState,
  account: Account,
  symbol: string,
  qty: number,
  price: number,
  closing: number,
): number {
  const { leverage } = state.settings(account, symbol);
  const opening = Math.max(0, qty - closing);
  return (opening * price) / leverage + qty * price * TAKER_FEE;
}

/** Books one fill: position, wallet, order totals, and a trade record. */
export function applyFill(
  state: ExchangeState,
  account: Account,
  order: FakeOrder,
  qty: number,
  price: number,
  maker: boolean,
): void {
  const now = state.now();
  const position = state.position(account, order.symbol, order.positionSide);
  const signed = order.side === 'BUY' ? qty : -qty;
  let realized = 0;
  if (position.amount === 0 || Math.sign(position.amount) === Math.sign(signed)) {
    const total = Math.abs(position.amount) + qty;
    position.entryPrice = round((Math.abs(position.amount) * position.entryPrice + qty * price) / total, 8);
    position.amount = round(position.amount + signed, 8);
  } else {
    const closing = Math.min(qty, Math.abs(position.amount));
    realized = round(closing * (price - position.entryPrice) * Math.sign(position.amount), 8);
    position.amount = round(position.amount + signed, 8);
    if (position.amount === 0) position.entryPrice = 0;
    else if (Math.sign(position.amount) === Math.sign(signed)) position.entryPrice = price;
  }
  position.updateTime = now;

  const quote = round(qty * price, 8);
  const commission = round(quote * (maker ? MAKER_FEE : TAKER_FEE), 8);
  account.wallet = round(account.wallet + realized - commission, 8);

  const executed = round(order.executedQty + qty, 8);
  order.cumQuote = round(order.cumQuote + quote, 8);
  order.avgPrice = round(order.cumQuote / executed, 8);
  order.executedQty = executed;
  order.updateTime = now;

  const tradeId = state.newTradeId();
  state.trades.push({
    apiKey: account.apiKey,
    id: tradeId,
    orderId: order.orderId,
    symbol: order.symbol,
    side: order.side,
    positionSide: order.positionSide,
    price,
    qty,
    quoteQty: quote,
    commission,
    commissionAsset: 'USDT',
    realizedPnl: realized,
    maker,
    time: now,
  });
  if (realized !== 0)
    recordIncome(state, account, {
      symbol: order.symbol,
      incomeType: 'REALIZED_PNL',
      income: realized,
      time: now,
      tradeId,
    });
  if (commission !== 0)
    recordIncome(state, account, {
      symbol: order.symbol,
      incomeType: 'COMMISSION',
      income: -commission,
      time: now,
      tradeId,
    });
}
