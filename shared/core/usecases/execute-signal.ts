// The executor's use case: one queued signal → the orders it implies, exactly once.
// Order of work: lease the signal → account → credentials → live position (case 24) → legs
// (close before open) → for each leg: intent, send, result, book → protective orders → done.
import { SignalRejectedError, TransientError } from '../errors';
import type { Account } from '../domain/account';
import { Big, floorToStep, roundToStep } from '../domain/money';
import type { OrderLeg, OrderRecord, OrderSide, OrderType } from '../domain/order';
import type { BookPosition, PositionSide, ProtectiveOrderRef } from '../domain/trade';
import { closingSide, isOpen, levelSitsBelow } from '../domain/trade-math';
import type { ExchangePort, ExchangePosition, MarketInfo } from '../ports/exchange';
import type { AccountRepository, AuditLog, SignalLedger } from '../ports/repositories';
import type { Clock, ExchangeFactory, KeyVault } from '../ports/runtime';
import { clientOrderIdFor } from '../signal/ids';
import { isEntry } from '../signal/intent';
import type { PriceLevel, Signal } from '../signal/types';
import { fillFrom, type BookKeeper } from './book-keeper';
import type { LegResult, OrderSender } from './order-sender';
import { sizeEntry } from './sizing';

export interface ExecuteSignalDeps {
  accounts: AccountRepository;
  ledger: SignalLedger;
  audit: AuditLog;
  vault: KeyVault;
  exchanges: ExchangeFactory;
  sender: OrderSender;
  book: BookKeeper;
  clock: Clock;
  leaseMs: number;
}

export type ExecutionOutcome =
  | { status: 'executed'; summary: string; orders: string[] }
  | { status: 'rejected'; code: string; reason: string }
  | { status: 'skipped'; reason: string };

interface PlannedLeg {
  leg: OrderLeg;
  side: OrderSide;
  reduceOnly: boolean;
  /** fixed amount for closes; undefined for an entry (sized after the closes) */
  amount?: string;
  exitReason: 'signal' | 'reverse';
}

export class ExecuteSignal {
  constructor(private readonly deps: ExecuteSignalDeps) {}

  async execute(signal: Signal): Promise<ExecutionOutcome> {
    const { ledger, clock } = this.deps;
    const claim = await ledger.beginExecution(
      {
        accountId: signal.accountId,
        signalId: signal.signalId,
        status: 'executing',
        symbol: signal.symbol.unified,
        intent: signal.intent,
        receivedAt: signal.receivedAt,
        updatedAt: clock.now(),
        ...(signal.alertId !== undefined ? { alertId: signal.alertId } : {}),
        ...(signal.strategy ? { strategy: signal.strategy } : {}),
      },
      clock.now(),
      this.deps.leaseMs,
    );
    if (claim === 'done') return { status: 'skipped', reason: 'already executed' };
    if (claim === 'busy') throw new TransientError(`signal ${signal.signalId} is being executed by another delivery`);

    try {
      const outcome = await this.run(signal);
      await ledger.finishExecution(signal.accountId, signal.signalId, 'executed', outcome.summary, clock.now());
      await this.audit(signal, 'signal.executed', outcome.summary, { orders: outcome.orders });
      return outcome;
    } catch (error) {
      if (error instanceof SignalRejectedError) {
        await ledger.finishExecution(signal.accountId, signal.signalId, 'rejected', `${error.code}: ${error.message}`, clock.now());
        await this.audit(signal, 'signal.rejected', error.message, { code: error.code, ...error.details });
        return { status: 'rejected', code: error.code, reason: error.message };
      }
      throw error; // retryable: the message returns to the queue, the lease expires, a retry resumes
    }
  }

  private async run(signal: Signal): Promise<{ status: 'executed'; summary: string; orders: string[] }> {
    const account = await this.deps.accounts.get(signal.accountId);
    if (!account) throw new SignalRejectedError(`account ${signal.accountId} does not exist`, 'UNKNOWN_ACCOUNT');
    const entry = isEntry(signal.intent);
    if (entry && account.status !== 'active') {
      // Closes always pass; only new exposure is refused (case 25).
      throw new SignalRejectedError(`account is ${account.status}: entries refused, closes allowed`, 'ACCOUNT_NOT_ACTIVE');
    }
    const credentials = account.credentials ? await this.deps.vault.decrypt(account.accountId, account.credentials) : undefined;
    const exchange = await this.deps.exchanges.forAccount(account, credentials);
    const symbol = signal.symbol.unified;
    const market = await exchange.loadMarket(symbol);
    const live = await exchange.fetchPosition(symbol);
    const legs = planLegs(signal, live, market);
    if (legs.length === 0) return { status: 'executed', summary: `nothing to do: ${describe(live)} for ${signal.intent}`, orders: [] };

    const book = await this.deps.book.position(account.accountId, symbol);
    const leverage = entry ? this.leverageFor(signal, account, market) : book.leverage;
    if (entry && (signal.sl?.kind === 'price' || signal.tp?.kind === 'price')) {
      const side: PositionSide = signal.intent === 'enter_long' ? 'long' : 'short';
      const price = (await exchange.fetchPrice(symbol)).last;
      if (signal.sl) validateLevel('sl', signal.sl, side, price);
      if (signal.tp) validateLevel('tp', signal.tp, side, price);
    }

    const placed: string[] = [];
    for (const leg of legs) {
      // Protective orders of the old position go before it is closed or reversed.
      if (leg.reduceOnly) await this.cancelProtection(exchange, await this.deps.book.position(account.accountId, symbol));
      const amount = leg.amount ?? (await this.sizeEntry(exchange, signal, account, market, leverage));
      if (!leg.reduceOnly) await this.ensureLeverage(exchange, symbol, leverage, book);
      const record = this.orderRecord(signal, leg.leg, symbol, leg.side, 'market', amount, leg.reduceOnly, leverage);
      const result = await this.placeMarket(exchange, record, leg.exitReason);
      placed.push(result.record.clientOrderId);
    }
    const after = await this.deps.book.position(account.accountId, symbol);
    if (entry && isOpen(after) && (signal.sl || signal.tp)) {
      placed.push(...(await this.protectOrFlatten(exchange, signal, after, market)));
    }
    return { status: 'executed', summary: `${signal.intent} ${symbol}: ${describeBook(after)}`, orders: placed };
  }

  private leverageFor(signal: Signal, account: Account, market: MarketInfo): number {
    const leverage = signal.leverage ?? account.settings.defaultLeverage;
    const cap = Math.min(account.settings.maxLeverage, market.maxLeverage);
    if (leverage > cap) throw new SignalRejectedError(`leverage ${leverage} exceeds the cap ${cap}`, 'LEVERAGE_CAP', { leverage, cap });
    return leverage;
  }

  private async sizeEntry(exchange: ExchangePort, signal: Signal, account: Account, market: MarketInfo, leverage: number): Promise<string> {
    const [balance, quote] = await Promise.all([exchange.fetchBalance(), exchange.fetchPrice(market.symbol)]);
    const size = signal.size ?? { kind: 'percent' as const, value: account.settings.defaultSizePercent };
    return sizeEntry({ size, equity: balance.equity, price: quote.last, leverage, market }).amount;
  }

  private async ensureLeverage(exchange: ExchangePort, symbol: string, leverage: number, book: BookPosition): Promise<void> {
    // Set before an entry only when it changes: each call costs a request and a rate-limit weight.
    if (book.version > 0 && book.leverage === leverage && isOpen(book)) return;
    await exchange.setLeverage(symbol, leverage);
  }

  private async placeMarket(exchange: ExchangePort, record: OrderRecord, exitReason: 'signal' | 'reverse'): Promise<LegResult> {
    const result = await this.placeOrConfirmFlat(exchange, record);
    if (result.kind === 'filled') {
      await this.deps.book.book(result.record, fillFrom(record, result.order, exitReason));
    } else if (result.kind === 'resting') {
      throw new TransientError(`market order ${record.clientOrderId} is not filled yet`);
    }
    return result;
  }

  /** A reduce-only close refused because the position is already flat is a success (case 23). */
  private async placeOrConfirmFlat(exchange: ExchangePort, record: OrderRecord): Promise<LegResult> {
    try {
      return await this.deps.sender.place(exchange, record);
    } catch (error) {
      if (error instanceof SignalRejectedError && error.code === 'REDUCE_ONLY_FLAT' && record.reduceOnly) {
        const live = await exchange.fetchPosition(record.symbol);
        if (!live) return { kind: 'already-booked', record };
      }
      throw error;
    }
  }

  private async cancelProtection(exchange: ExchangePort, position: BookPosition): Promise<void> {
    const refs = [position.stopLoss, position.takeProfit].filter((r): r is ProtectiveOrderRef => !!r);
    for (const ref of refs) await exchange.cancelOrder(position.symbol, ref.clientOrderId);
    if (refs.length) {
      await this.deps.book.setProtection(position.accountId, position.symbol, undefined, undefined);
      await this.deps.audit.append({ accountId: position.accountId, type: 'order.canceled', at: this.deps.clock.now(), message: `canceled ${refs.length} protective order(s) on ${position.symbol}`, data: { clientOrderIds: refs.map((r) => r.clientOrderId) } });
    }
  }

  /**
   * A position must never stay open without the stop its signal asked for. If the exchange refuses
   * a protective order for good, the position is closed at market and the signal is rejected with
   * the reason. (A transient failure is retried: the filled entry is skipped, protection resumes.)
   */
  private async protectOrFlatten(exchange: ExchangePort, signal: Signal, position: BookPosition & { side: PositionSide }, market: MarketInfo): Promise<string[]> {
    try {
      return await this.protect(exchange, signal, position, market);
    } catch (error) {
      if (!(error instanceof SignalRejectedError)) throw error;
      await this.cancelProtection(exchange, await this.deps.book.position(position.accountId, position.symbol));
      const close = this.orderRecord(signal, 'flatten', position.symbol, closingSide(position.side), 'market', position.quantity, true, position.leverage);
      await this.placeMarket(exchange, close, 'signal');
      throw new SignalRejectedError(`protective order refused (${error.code}: ${error.message}); the position was closed at market`, 'PROTECTION_FAILED', { cause: error.code });
    }
  }

  /** Stop-loss and take-profit rest on the exchange as reduce-only conditional orders for the whole position. */
  private async protect(exchange: ExchangePort, signal: Signal, position: BookPosition & { side: PositionSide }, market: MarketInfo): Promise<string[]> {
    await this.cancelProtection(exchange, position);
    const entryPrice = new Big(position.entryPrice);
    const closeSide = closingSide(position.side);
    const amount = floorToStep(position.quantity, market.amountStep).toString();
    const placed: string[] = [];
    let stopLoss: ProtectiveOrderRef | undefined;
    let takeProfit: ProtectiveOrderRef | undefined;
    for (const [leg, level] of [['sl', signal.sl], ['tp', signal.tp]] as const) {
      if (!level) continue;
      const trigger = triggerPrice(level, leg, position.side, entryPrice, market.priceStep);
      const type: OrderType = leg === 'sl' ? 'stop_market' : 'take_profit_market';
      const record = this.orderRecord(signal, leg, position.symbol, closeSide, type, amount, true, position.leverage, trigger);
      const result = await this.deps.sender.place(exchange, record);
      if (result.kind === 'filled') {
        // Price was already through the trigger: the exchange filled it at once. Book it.
        await this.deps.book.book(result.record, fillFrom(record, result.order, leg === 'sl' ? 'stop_loss' : 'take_profit'));
      }
      const ref = { clientOrderId: record.clientOrderId, triggerPrice: trigger };
      if (leg === 'sl') stopLoss = ref;
      else takeProfit = ref;
      placed.push(record.clientOrderId);
    }
    await this.deps.book.setProtection(position.accountId, position.symbol, stopLoss, takeProfit);
    return placed;
  }

  private orderRecord(signal: Signal, leg: OrderLeg, symbol: string, side: OrderSide, type: OrderType, amount: string, reduceOnly: boolean, leverage: number, trigger?: string): OrderRecord {
    const now = this.deps.clock.now();
    const record: OrderRecord = {
      accountId: signal.accountId,
      clientOrderId: clientOrderIdFor(signal.signalId, leg),
      signalId: signal.signalId,
      leg,
      symbol,
      side,
      type,
      reduceOnly,
      amount,
      status: 'intent',
      leverage,
      createdAt: now,
      updatedAt: now,
    };
    if (trigger) record.triggerPrice = trigger;
    if (signal.signalPrice !== undefined) record.signalPrice = signal.signalPrice;
    if (signal.strategy) record.strategy = signal.strategy;
    return record;
  }

  private audit(signal: Signal, type: 'signal.executed' | 'signal.rejected', message: string, data?: Record<string, unknown>) {
    return this.deps.audit.append({ accountId: signal.accountId, type, at: this.deps.clock.now(), signalId: signal.signalId, message, data: { intent: signal.intent, symbol: signal.symbol.unified, ...data } });
  }
}

/** Close legs come first so a reverse never holds both sides; amounts come from the live position. */
export function planLegs(signal: Signal, live: ExchangePosition | undefined, market: MarketInfo): PlannedLeg[] {
  const closeLeg = (pos: ExchangePosition, exitReason: PlannedLeg['exitReason'] = 'signal'): PlannedLeg => ({ leg: 'close', side: closingSide(pos.side), reduceOnly: true, amount: pos.quantity, exitReason });
  switch (signal.intent) {
    case 'enter_long':
      return [...(live?.side === 'short' ? [closeLeg(live, 'reverse')] : []), { leg: 'open', side: 'buy', reduceOnly: false, exitReason: 'signal' }];
    case 'enter_short':
      return [...(live?.side === 'long' ? [closeLeg(live, 'reverse')] : []), { leg: 'open', side: 'sell', reduceOnly: false, exitReason: 'signal' }];
    case 'close_long':
      return live?.side === 'long' ? [closeLeg(live)] : [];
    case 'close_short':
      return live?.side === 'short' ? [closeLeg(live)] : [];
    case 'close_all':
      return live ? [closeLeg(live)] : [];
    case 'reduce_long':
    case 'reduce_short': {
      const want: PositionSide = signal.intent === 'reduce_long' ? 'long' : 'short';
      if (live?.side !== want || signal.size?.kind !== 'contracts') return [];
      const requested = floorToStep(signal.size.value, market.amountStep); // base units, as TradingView counts them
      const amount = requested.gt(live.quantity) ? new Big(live.quantity) : requested;
      if (amount.lte(0)) return [];
      return [{ leg: 'reduce', side: closingSide(want), reduceOnly: true, amount: amount.toString(), exitReason: 'signal' }];
    }
  }
}

export function triggerPrice(level: PriceLevel, leg: 'sl' | 'tp', side: PositionSide, entry: Big, priceStep: string): string {
  if (level.kind === 'price') return roundToStep(level.value, priceStep).toString();
  const factor = levelSitsBelow(leg, side) ? new Big(1).minus(new Big(level.value).div(100)) : new Big(1).plus(new Big(level.value).div(100));
  return roundToStep(entry.times(factor), priceStep).toString();
}

function validateLevel(field: 'sl' | 'tp', level: PriceLevel, side: PositionSide, price: number): void {
  if (level.kind !== 'price') return;
  const wrongSide = levelSitsBelow(field, side) ? level.value >= price : level.value <= price;
  if (wrongSide) {
    throw new SignalRejectedError(`${field} ${level.value} is on the wrong side of the price ${price} for a ${side}`, 'INVALID_STOP', { field, level: level.value, price });
  }
}

const describe = (live: ExchangePosition | undefined): string => (live ? `${live.side} ${live.quantity}` : 'flat');
const describeBook = (p: BookPosition): string => (isOpen(p) ? `${p.side} ${p.quantity} @ ${p.entryPrice}` : 'flat');
