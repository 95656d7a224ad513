// The paper exchange: a simulated Binance USDⓈ-M-like account (one-way mode, isolated margin)
// behind the same ExchangePort as a live exchange. Market orders fill at once at the current price
// with adverse slippage and the taker fee; stop-market and take-profit-market orders rest until
// processPrice() sees their trigger crossed (or fill at once when placed with the price already
// through the trigger).
//
// Idempotency follows the live exchange's contract: the order is written first under its client
// order id (a second write with the same id fails), then its fill is applied to the ledger state
// with an optimistic version check. The state remembers the last applied order ids, so a fill that
// is applied again (after a crash between the two writes) is recognised and booked once.
//
// Not simulated here: liquidation (positions can lose more than their margin; liquidationPrice is
// only reported), funding payments, partial fills, maker fees and limit orders.
import { createHash } from 'node:crypto';
import { Big, type Decimal } from '../../core/domain/money';
import { AmbiguousOrderError, ConditionalConflictError, SignalRejectedError, TransientError } from '../../core/errors';
import { num, roundToStep } from '../../core/domain/money';
import type { PaperSettings } from '../../core/domain/account';
import type { OrderSide } from '../../core/domain/order';
import type { PositionSide } from '../../core/domain/trade';
import {
  DuplicateClientOrderIdError,
  type AccountBalance,
  type ExchangeCapabilities,
  type ExchangeOrder,
  type ExchangePort,
  type ExchangePosition,
  type FundingPayment,
  type MarketFillModel,
  type MarketInfo,
  type OrderRequest,
  type PriceQuote,
} from '../../core/ports/exchange';
import type {
  MarketCatalog,
  PaperLedgerStore,
  PaperOrder,
  PaperPosition,
  PaperState,
  PriceSource,
} from '../../core/ports/paper';
import type { Clock } from '../../core/ports/runtime';

/**
 * Maintenance margin rate for the liquidation price estimate: Binance's first bracket for BTCUSDT
 * is 0.4 %. Other markets and larger positions have higher rates, so the estimate is optimistic.
 */
export const MAINTENANCE_MARGIN_RATE = '0.004';
/** How many applied order ids the state keeps to recognise a re-applied fill. */
export const APPLIED_IDS_KEPT = 200;
/** Attempts at a state write that loses the optimistic version check before giving up. */
export const STATE_WRITE_ATTEMPTS = 5;

export interface PaperExchangeOptions {
  accountId: string;
  store: PaperLedgerStore;
  prices: PriceSource;
  markets: MarketCatalog;
  settings: PaperSettings;
  clock: Clock;
}

/** What applying one fill did to the state. */
interface FillEffect {
  /** base quantity actually booked (a reduce-only fill is clamped to the position) */
  filled: Big;
  fee: Decimal;
  realizedPnl: Big;
}

const ZERO = num(0);
const str = (v: Big): string => v.toFixed();
const positionSideOf = (side: OrderSide): PositionSide => (side === 'buy' ? 'long' : 'short');
const direction = (side: PositionSide): number => (side === 'long' ? 1 : -1);
const money = (v: Big): Big => v.round(8, Big.roundHalfUp);

export class PaperExchange implements ExchangePort {
  readonly exchangeId = 'paper';
  /** Stops and targets rest and cancel each other when flat; no native trailing stop (the risk-check job emulates it). */
  readonly capabilities: ExchangeCapabilities = {
    derivatives: true,
    conditionalOrders: true,
    trailingStop: false,
    linkedProtection: true,
    sizedProtection: true,
  };
  /**
   * Market orders fill as prepareMarket does: the executor sizes entries at that fill. An own
   * property (not a getter), so a wrapper that spreads the exchange keeps it.
   */
  readonly marketFill: MarketFillModel;
  private readonly accountId: string;
  private readonly store: PaperLedgerStore;
  private readonly prices: PriceSource;
  private readonly markets: MarketCatalog;
  private readonly settings: PaperSettings;
  private readonly clock: Clock;

  constructor(options: PaperExchangeOptions) {
    this.accountId = options.accountId;
    this.store = options.store;
    this.prices = options.prices;
    this.markets = options.markets;
    this.settings = options.settings;
    this.clock = options.clock;
    this.marketFill = { slippageBps: options.settings.slippageBps, takerFeeRate: options.settings.takerFeeRate };
  }

  async loadMarket(symbol: string): Promise<MarketInfo> {
    return this.market(symbol);
  }

  async fetchPrice(symbol: string): Promise<PriceQuote> {
    this.market(symbol);
    return this.prices.getPrice(symbol);
  }

  async fetchBalance(): Promise<AccountBalance> {
    const state = await this.readState();
    const marks = await this.marks(Object.keys(state.positions));
    const { equity, used } = balanceOf(state, marks);
    return {
      currency: state.currency,
      equity: str(money(equity)),
      used: str(money(used)),
      free: str(money(equity.minus(used))),
    };
  }

  async fetchPosition(symbol: string): Promise<ExchangePosition | undefined> {
    const state = await this.readState();
    const position = state.positions[symbol];
    if (!position) return undefined;
    const marks = await this.marks([symbol]);
    return this.toExchangePosition(symbol, position, marks);
  }

  async fetchPositions(): Promise<ExchangePosition[]> {
    const state = await this.readState();
    const symbols = Object.keys(state.positions).sort();
    const marks = await this.marks(symbols);
    return symbols.map((s) => this.toExchangePosition(s, state.positions[s] as PaperPosition, marks));
  }

  /**
   * Leverage applies to what is opened from now on; an open position keeps the margin it locked.
   * Throws SignalRejectedError('LEVERAGE') outside 1..maxLeverage or for a non-integer.
   */
  async setLeverage(symbol: string, leverage: number): Promise<void> {
    const market = this.market(symbol);
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > market.maxLeverage) {
      throw new SignalRejectedError(`leverage ${leverage} outside 1..${market.maxLeverage} for ${symbol}`, 'LEVERAGE', {
        leverage,
        maxLeverage: market.maxLeverage,
      });
    }
    await this.mutateState((state) => {
      if (state.leverage[symbol] === leverage) return { save: false, value: undefined };
      state.leverage[symbol] = leverage;
      return { save: true, value: undefined };
    });
  }

  async createOrder(request: OrderRequest): Promise<ExchangeOrder> {
    const market = this.market(request.symbol);
    // A known id is a duplicate whatever else is wrong with the request (the caller adopts the
    // existing order); putOrder below stays the guard against a concurrent twin.
    if (await this.store.getOrder(this.accountId, request.clientOrderId))
      throw new DuplicateClientOrderIdError(request.clientOrderId);
    const amount = validAmount(request.amount, market);
    const order =
      request.type === 'market'
        ? await this.prepareMarketFill(request, market, amount)
        : this.prepareResting(request, market, amount);

    let stored: boolean;
    try {
      stored = await this.store.putOrder(order);
    } catch (e) {
      // The write may or may not have landed: only a look-up by client order id can tell.
      throw new AmbiguousOrderError(
        `paper order ${request.clientOrderId} not confirmed stored: ${errorText(e)}`,
        request.clientOrderId,
      );
    }
    if (!stored) throw new DuplicateClientOrderIdError(request.clientOrderId);
    if (order.status === 'open') return this.triggerIfCrossed(order, market);

    try {
      return toExchangeOrder(await this.applyAndMark(order));
    } catch (e) {
      // Filled but not (known to be) applied: fetchOrderByClientId applies it exactly once.
      throw new AmbiguousOrderError(
        `paper fill ${request.clientOrderId} stored but not applied: ${errorText(e)}`,
        request.clientOrderId,
      );
    }
  }

  /** The stored order; a fill that was stored but never applied (crash between writes) is applied first. */
  async fetchOrderByClientId(symbol: string, clientOrderId: string): Promise<ExchangeOrder | undefined> {
    const order = await this.store.getOrder(this.accountId, clientOrderId);
    if (!order || order.symbol !== symbol) return undefined;
    if (order.status === 'closed' && !order.applied) return toExchangeOrder(await this.applyAndMark(order));
    return toExchangeOrder(order);
  }

  async fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    const open = await this.store.listOpenOrders(this.accountId);
    return open
      .filter((o) => o.status === 'open' && (symbol === undefined || o.symbol === symbol))
      .map(toExchangeOrder);
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<void> {
    const order = await this.store.getOrder(this.accountId, clientOrderId);
    if (!order || order.symbol !== symbol || order.status !== 'open') return;
    await this.store.updateOrder({ ...order, status: 'canceled' });
  }

  /**
   * Paper charges no funding, so there is none to report. (fetchMyTrades is left out: nothing
   * trades on a paper account outside the system, and the order store has no by-time listing.)
   */
  async fetchFundingPayments(symbol: string, _since: number): Promise<FundingPayment[]> {
    this.market(symbol);
    return [];
  }

  /**
   * Reads the current price of `symbol` (or of every symbol with resting orders) and fills the
   * resting orders whose trigger it crossed. A sell stop triggers at price <= trigger, a sell
   * take-profit at price >= trigger; buys mirror them. Stops fill at the worse of the trigger with
   * slippage and the current price (a gap through the stop fills at the current price);
   * take-profits fill at the trigger. When a fill leaves the position flat, the symbol's other
   * resting reduce-only orders are canceled (one-cancels-other). A triggered order whose position
   * is already flat (or on the other side) expires, as a reduce-only order does on Binance.
   * Returns the orders it filled.
   */
  async processPrice(symbol?: string): Promise<ExchangeOrder[]> {
    const filled: ExchangeOrder[] = [];
    const errors: unknown[] = [];
    // First repair fills an earlier call marked but never applied (it failed between the two
    // writes): otherwise a triggered stop would be neither open nor applied, and lost. Triggered
    // orders are returned so the caller books them; market orders are only repaired (the
    // executor's look-up by client id books those).
    for (const stuck of await this.store.listUnappliedFills(this.accountId)) {
      if (symbol !== undefined && stuck.symbol !== symbol) continue;
      try {
        const repaired = await this.applyAndMark(stuck);
        if (repaired.type !== 'market' && repaired.status === 'closed') filled.push(toExchangeOrder(repaired));
      } catch (e) {
        errors.push(e);
      }
    }
    const open = (await this.store.listOpenOrders(this.accountId)).filter(
      (o) => o.status === 'open' && (symbol === undefined || o.symbol === symbol),
    );
    const symbols = [...new Set(open.map((o) => o.symbol))].sort();
    for (const sym of symbols) {
      let market: MarketInfo;
      let last: Big;
      try {
        market = this.market(sym);
        last = num((await this.prices.getPrice(sym)).last);
      } catch (e) {
        errors.push(e); // no price for this symbol now: its orders wait for the next call
        continue;
      }
      for (const candidate of open.filter((o) => o.symbol === sym)) {
        if (!isTriggered(candidate, last)) continue;
        try {
          // Re-read: an earlier fill in this loop may have canceled it (OCO).
          const order = await this.store.getOrder(this.accountId, candidate.clientOrderId);
          if (!order || order.status !== 'open') continue;
          const done = await this.triggerOrder(order, last, market);
          if (!done) continue;
          filled.push(toExchangeOrder(done));
          await this.cancelSiblingsIfFlat(sym);
        } catch (e) {
          errors.push(e);
        }
      }
    }
    // Fills already made must reach the caller, which books them: an error is only raised when
    // nothing filled. An order left filled-but-unapplied by an error is repaired by the next call
    // (and by fetchOrderByClientId).
    if (errors.length > 0 && filled.length === 0) throw errors[0];
    return filled;
  }

  // ---- internals ----

  private market(symbol: string): MarketInfo {
    const market = this.markets.get(symbol);
    if (!market) throw new SignalRejectedError(`unknown symbol ${symbol} on paper`, 'UNKNOWN_SYMBOL', { symbol });
    return market;
  }

  private freshState(): PaperState {
    return {
      accountId: this.accountId,
      currency: this.settings.quoteCurrency,
      walletBalance: str(num(this.settings.initialBalance)),
      positions: {},
      leverage: {},
      appliedOrderIds: [],
      version: 0,
      updatedAt: this.clock.now(),
    };
  }

  private async readState(): Promise<PaperState> {
    return (await this.store.getState(this.accountId)) ?? this.freshState();
  }

  /** Read-modify-write under the version check; re-reads and retries when another write won. */
  private async mutateState<T>(change: (state: PaperState) => { save: boolean; value: T }): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const state = await this.readState();
      const expectedVersion = state.version;
      const { save, value } = change(state);
      if (!save) return value;
      state.version = expectedVersion + 1;
      state.updatedAt = this.clock.now();
      try {
        await this.store.saveState(state, expectedVersion);
        return value;
      } catch (e) {
        if (!(e instanceof ConditionalConflictError)) throw e;
        if (attempt >= STATE_WRITE_ATTEMPTS) {
          throw new TransientError(`paper ledger ${this.accountId}: ${attempt} conflicting writes in a row`, e);
        }
      }
    }
  }

  /** Prices of `symbols`, one look-up each. */
  private async marks(symbols: string[]): Promise<Map<string, Big>> {
    const marks = new Map<string, Big>();
    for (const s of symbols) marks.set(s, num((await this.prices.getPrice(s)).last));
    return marks;
  }

  /** Validates a market order against the current state and prices it; nothing is written. */
  private async prepareMarketFill(request: OrderRequest, market: MarketInfo, amount: Big): Promise<PaperOrder> {
    const { symbol, side } = request;
    const state = await this.readState();
    const position = state.positions[symbol];
    const quote = await this.prices.getPrice(symbol);
    const last = num(quote.last);

    let quantity = amount;
    if (request.reduceOnly) {
      if (!position) {
        throw new SignalRejectedError(`reduce-only ${side} on ${symbol}: no open position`, 'REDUCE_ONLY_FLAT', {
          symbol,
        });
      }
      if (position.side === positionSideOf(side)) {
        throw new SignalRejectedError(
          `reduce-only ${side} would increase the ${position.side} position on ${symbol}`,
          'REDUCE_ONLY_SIDE',
          {
            symbol,
            positionSide: position.side,
          },
        );
      }
      quantity = minBig(amount, num(position.quantity));
    } else {
      const notional = amount.times(last);
      if (amount.lt(market.minAmount) || notional.lt(market.minNotional)) {
        throw new SignalRejectedError(
          `order ${str(amount)} ${symbol} (notional ${str(money(notional))}) below minimum amount ${market.minAmount} / notional ${market.minNotional}`,
          'MIN_NOTIONAL',
          {
            amount: str(amount),
            notional: str(money(notional)),
            minAmount: market.minAmount,
            minNotional: market.minNotional,
          },
        );
      }
    }

    const price = roundToStep(withSlippage(last, side, this.settings.slippageBps), market.priceStep);
    const fee = this.feeOf(quantity, price);
    const opposite = position !== undefined && position.side !== positionSideOf(side);
    const closeQuantity = opposite ? minBig(quantity, num(position.quantity)) : ZERO;
    const openQuantity = quantity.minus(closeQuantity);

    if (openQuantity.gt(0)) {
      // Free margin after the closing part (if any) is booked, at current prices.
      const after = structuredClone(state);
      if (closeQuantity.gt(0)) applyToState(after, symbol, side, closeQuantity, price, '0', true);
      const marks = await this.marks(Object.keys(after.positions).filter((s) => s !== symbol));
      marks.set(symbol, last);
      const { equity, used } = balanceOf(after, marks);
      const available = money(equity.minus(used));
      const leverage = state.leverage[symbol] ?? 1;
      const required = money(openQuantity.times(price).div(leverage)).plus(fee);
      if (required.gt(available)) {
        throw new SignalRejectedError(
          `insufficient margin: required ${str(required)}, available ${str(available)}`,
          'INSUFFICIENT_MARGIN',
          {
            required: toNum(required),
            available: toNum(available),
          },
        );
      }
    }

    return {
      ...this.baseOrder(request, amount),
      status: 'closed',
      filled: str(quantity),
      average: str(price),
      fee,
    };
  }

  /** A stop-market or take-profit-market order: reduce-only, resting until its trigger is crossed. */
  private prepareResting(request: OrderRequest, market: MarketInfo, amount: Big): PaperOrder {
    if (!request.reduceOnly) {
      throw new SignalRejectedError(`${request.type} orders must be reduce-only on paper`, 'UNSUPPORTED_ORDER', {
        type: request.type,
      });
    }
    let trigger: Big;
    try {
      trigger = num(request.triggerPrice ?? '');
    } catch {
      throw new SignalRejectedError(`${request.type} needs a numeric triggerPrice`, 'INVALID_ORDER', {
        triggerPrice: request.triggerPrice,
      });
    }
    if (trigger.lte(0)) {
      throw new SignalRejectedError(`triggerPrice ${str(trigger)} must be positive`, 'INVALID_ORDER', {
        triggerPrice: request.triggerPrice,
      });
    }
    if (!trigger.mod(market.priceStep).eq(0)) {
      throw new SignalRejectedError(
        `triggerPrice ${str(trigger)} is not a multiple of ${market.priceStep}`,
        'PRECISION',
        {
          triggerPrice: request.triggerPrice,
          priceStep: market.priceStep,
        },
      );
    }
    return { ...this.baseOrder(request, amount), status: 'open', filled: '0', triggerPrice: str(trigger), fee: '0' };
  }

  private baseOrder(request: OrderRequest, amount: Big): PaperOrder {
    return {
      id: orderId(this.accountId, request.clientOrderId),
      clientOrderId: request.clientOrderId,
      accountId: this.accountId,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      status: 'open',
      amount: str(amount),
      filled: '0',
      reduceOnly: request.reduceOnly,
      fee: '0',
      feeCurrency: this.settings.quoteCurrency,
      timestamp: this.clock.now(),
      applied: false,
    };
  }

  private feeOf(quantity: Big, price: Big): Decimal {
    return str(money(quantity.times(price).times(this.settings.takerFeeRate)));
  }

  /**
   * Applies a stored fill to the state (once: the state remembers applied order ids), then marks
   * the order applied. A reduce-only fill is clamped to what is still open when it is applied.
   */
  private async applyAndMark(order: PaperOrder): Promise<PaperOrder> {
    const effect = await this.mutateState<FillEffect | undefined>((state) => {
      if (state.appliedOrderIds.includes(order.clientOrderId)) return { save: false, value: undefined };
      const price = num(order.average ?? '0');
      let quantity = num(order.filled);
      const position = state.positions[order.symbol];
      if (order.reduceOnly) {
        const reducible = position && position.side !== positionSideOf(order.side) ? num(position.quantity) : ZERO;
        quantity = minBig(quantity, reducible);
      }
      const fee = quantity.eq(order.filled) ? order.fee : this.feeOf(quantity, price);
      const realizedPnl = applyToState(
        state,
        order.symbol,
        order.side,
        quantity,
        price,
        fee,
        false,
        state.leverage[order.symbol] ?? 1,
      );
      state.appliedOrderIds = [...state.appliedOrderIds, order.clientOrderId].slice(-APPLIED_IDS_KEPT);
      return { save: true, value: { filled: quantity, fee, realizedPnl } };
    });
    const applied: PaperOrder = { ...order, applied: true };
    if (effect && !effect.filled.eq(order.filled)) {
      // The position shrank between pricing and booking: the order filled what was left.
      applied.filled = str(effect.filled);
      applied.fee = effect.fee;
      if (effect.filled.eq(0)) applied.status = 'expired';
    }
    await this.store.updateOrder(applied);
    return applied;
  }

  /**
   * A conditional order placed when the price is already through its trigger fills at once (the
   * protection is not left waiting for the next processPrice); otherwise it rests.
   */
  private async triggerIfCrossed(order: PaperOrder, market: MarketInfo): Promise<ExchangeOrder> {
    let last: Big;
    try {
      last = num((await this.prices.getPrice(order.symbol)).last);
    } catch {
      return toExchangeOrder(order); // it rests; processPrice checks it on the next price
    }
    if (!isTriggered(order, last)) return toExchangeOrder(order);
    let done: PaperOrder | undefined;
    try {
      done = await this.triggerOrder(order, last, market);
    } catch (e) {
      throw new AmbiguousOrderError(
        `paper trigger ${order.clientOrderId} stored but not applied: ${errorText(e)}`,
        order.clientOrderId,
      );
    }
    if (!done) return toExchangeOrder({ ...order, status: 'expired' });
    try {
      await this.cancelSiblingsIfFlat(order.symbol);
    } catch {
      // The fill stands; a sibling left resting expires when it triggers on the flat position.
    }
    return toExchangeOrder(done);
  }

  /** One-cancels-other: once the position is flat, the symbol's other resting reduce-only orders go. */
  private async cancelSiblingsIfFlat(symbol: string): Promise<void> {
    const state = await this.readState();
    if (state.positions[symbol]) return;
    for (const o of await this.store.listOpenOrders(this.accountId)) {
      if (o.symbol === symbol && o.status === 'open' && o.reduceOnly)
        await this.store.updateOrder({ ...o, status: 'canceled' });
    }
  }

  /** Fills a triggered resting order against the position it protects; undefined when it expired. */
  private async triggerOrder(order: PaperOrder, last: Big, market: MarketInfo): Promise<PaperOrder | undefined> {
    const state = await this.readState();
    const position = state.positions[order.symbol];
    if (!position || position.side === positionSideOf(order.side)) {
      await this.store.updateOrder({ ...order, status: 'expired' });
      return undefined;
    }
    const trigger = num(order.triggerPrice ?? '0');
    let price: Big;
    if (order.type === 'stop_market') {
      const slipped = withSlippage(trigger, order.side, this.settings.slippageBps);
      // The worse of the two for the trader: lower for a sell, higher for a buy.
      price = roundToStep(order.side === 'sell' ? minBig(slipped, last) : maxBig(slipped, last), market.priceStep);
    } else {
      price = trigger;
    }
    const quantity = minBig(num(order.amount), num(position.quantity));
    const filled: PaperOrder = {
      ...order,
      status: 'closed',
      filled: str(quantity),
      average: str(price),
      fee: this.feeOf(quantity, price),
      applied: false,
    };
    await this.store.updateOrder(filled);
    return this.applyAndMark(filled);
  }

  private toExchangePosition(symbol: string, position: PaperPosition, marks: Map<string, Big>): ExchangePosition {
    const mark = marks.get(symbol) ?? num(position.entryPrice);
    const result: ExchangePosition = {
      symbol,
      side: position.side,
      quantity: position.quantity,
      entryPrice: position.entryPrice,
      leverage: position.leverage,
      unrealizedPnl: str(money(unrealizedOf(position, mark))),
    };
    const market = this.markets.get(symbol);
    const liquidation = liquidationPriceOf(position);
    if (market && liquidation.gt(0)) result.liquidationPrice = toNum(roundToStep(liquidation, market.priceStep));
    return result;
  }
}

// ---- pure helpers ----

/**
 * Books `quantity` at `price` on the one-way position of `symbol`: the opposite side is reduced
 * first (realizing P&L, releasing margin pro rata), the remainder opens or adds (averaging the
 * entry, locking quantity × price / leverage). `closeOnly` never opens. Returns the realized P&L.
 */
function applyToState(
  state: PaperState,
  symbol: string,
  side: OrderSide,
  quantity: Big,
  price: Big,
  fee: Decimal,
  closeOnly: boolean,
  leverage = 1,
): Big {
  let remaining = quantity;
  let realized = ZERO;
  const position = state.positions[symbol];
  if (position && position.side !== positionSideOf(side) && remaining.gt(0)) {
    const open = num(position.quantity);
    const closing = minBig(remaining, open);
    realized = money(price.minus(position.entryPrice).times(closing).times(direction(position.side)));
    const left = open.minus(closing);
    if (left.eq(0)) {
      delete state.positions[symbol];
    } else {
      const released = money(num(position.margin).times(closing).div(open));
      position.quantity = str(left);
      position.margin = str(num(position.margin).minus(released));
    }
    remaining = remaining.minus(closing);
  }
  if (!closeOnly && remaining.gt(0)) {
    const margin = money(remaining.times(price).div(leverage));
    const current = state.positions[symbol];
    if (current) {
      const total = num(current.quantity).plus(remaining);
      current.entryPrice = str(num(current.entryPrice).times(current.quantity).plus(remaining.times(price)).div(total));
      current.quantity = str(total);
      current.margin = str(num(current.margin).plus(margin));
      current.leverage = leverage;
    } else {
      state.positions[symbol] = {
        side: positionSideOf(side),
        quantity: str(remaining),
        entryPrice: str(price),
        leverage,
        margin: str(margin),
      };
    }
  }
  state.walletBalance = str(num(state.walletBalance).plus(realized).minus(fee));
  return realized;
}

function unrealizedOf(position: PaperPosition, mark: Big): Big {
  return mark.minus(position.entryPrice).times(position.quantity).times(direction(position.side));
}

/** equity = wallet + unrealized P&L at `marks`; used = the margins locked. */
function balanceOf(state: PaperState, marks: Map<string, Big>): { equity: Big; used: Big } {
  let equity = num(state.walletBalance);
  let used = ZERO;
  for (const [symbol, position] of Object.entries(state.positions)) {
    equity = equity.plus(unrealizedOf(position, marks.get(symbol) ?? num(position.entryPrice)));
    used = used.plus(position.margin);
  }
  return { equity, used };
}

/**
 * Isolated-margin liquidation estimate: the price at which margin + unrealized P&L equals the
 * maintenance margin (MAINTENANCE_MARGIN_RATE × price × quantity). Fees, funding and Binance's
 * maintenance amount are ignored. Long: (entry·q − margin) / (q·(1 − mmr)); short: (entry·q + margin) / (q·(1 + mmr)).
 */
function liquidationPriceOf(position: PaperPosition): Big {
  const q = num(position.quantity);
  const cost = num(position.entryPrice).times(q);
  return position.side === 'long'
    ? cost.minus(position.margin).div(q.times(num(1).minus(MAINTENANCE_MARGIN_RATE)))
    : cost.plus(position.margin).div(q.times(num(1).plus(MAINTENANCE_MARGIN_RATE)));
}

function isTriggered(order: PaperOrder, last: Big): boolean {
  if (order.triggerPrice === undefined) return false;
  const trigger = num(order.triggerPrice);
  const fallsThrough = last.lte(trigger);
  const risesThrough = last.gte(trigger);
  if (order.type === 'stop_market') return order.side === 'sell' ? fallsThrough : risesThrough;
  if (order.type === 'take_profit_market') return order.side === 'sell' ? risesThrough : fallsThrough;
  return false;
}

function withSlippage(price: Big, side: OrderSide, slippageBps: number): Big {
  const rate = num(slippageBps).div(10_000);
  return side === 'buy' ? price.times(num(1).plus(rate)) : price.times(num(1).minus(rate));
}

function validAmount(amount: string, market: MarketInfo): Big {
  let value: Big;
  try {
    value = num(amount);
  } catch {
    throw new SignalRejectedError(`amount "${amount}" is not a decimal number`, 'INVALID_AMOUNT', { amount });
  }
  if (value.lte(0)) throw new SignalRejectedError(`amount ${amount} must be positive`, 'INVALID_AMOUNT', { amount });
  if (!value.mod(market.amountStep).eq(0)) {
    throw new SignalRejectedError(`amount ${amount} is not a multiple of the step ${market.amountStep}`, 'PRECISION', {
      amount,
      amountStep: market.amountStep,
    });
  }
  return value;
}

function orderId(accountId: string, clientOrderId: string): string {
  return `paper-${createHash('sha256').update(`${accountId}\u0000${clientOrderId}`).digest('hex').slice(0, 20)}`;
}

function toExchangeOrder(order: PaperOrder): ExchangeOrder {
  const { accountId: _accountId, applied: _applied, ...rest } = order;
  return rest;
}

const minBig = (a: Big, b: Big): Big => (a.lte(b) ? a : b);
const maxBig = (a: Big, b: Big): Big => (a.gte(b) ? a : b);
const toNum = (v: Big): number => Number(v.toFixed());
const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
