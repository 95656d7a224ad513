// The live exchange adapter: ccxt behind the exchange port. Sizes cross this boundary in base
// units (coins) and leave in the exchange's own contracts; errors leave as domain errors; every
// retry inside it reuses the same client order id, so no path here can place an order twice.
import { Big, toDecimal, type Decimal } from '../../core/domain/money';
import type { ExchangeCredentials } from '../../core/domain/account';
import { isConditional } from '../../core/domain/order';
import { SignalRejectedError, TransientError } from '../../core/errors';
import type {
  AccountBalance,
  ExchangeCapabilities,
  ExchangeOrder,
  ExchangeOrderStatus,
  ExchangePort,
  ExchangePosition,
  ExchangeTrade,
  FundingPayment,
  MarketInfo,
  OrderLookup,
  OrderRequest,
  PriceQuote,
  VolatilityIndexReading,
} from '../../core/ports/exchange';
import { RateLimitedError } from '../../core/ports/exchange';
import type { Clock } from '../../core/ports/runtime';
import { ClockSkewError, OrderNotFoundError, PositionModeError, translateCcxtError } from './ccxt-errors';
import {
  createCcxtExchange,
  type CcxtExchange,
  type CcxtExchangeId,
  type CcxtFundingHistory,
  type CcxtMarket,
  type CcxtOrder,
  type CcxtPosition,
  type CcxtTrade,
} from './ccxt-lib';
import {
  DIALECTS,
  minNotionalOf,
  type Dialect,
  type DialectContext,
  type KeyPermissions,
  type OrderPlan,
} from './dialects';
import { sharedMarkets } from './market-cache';
import { mergeOrders } from './merged-order';

export interface CcxtExchangeConfig {
  id: CcxtExchangeId;
  credentials?: ExchangeCredentials;
  testnet: boolean;
  marginMode: 'isolated' | 'cross';
  /** base URL of a local fake exchange (tests, local stack): every API host is rewritten to it */
  apiUrl?: string;
  /** markets are shared by every instance in the process and reloaded after this long */
  marketsTtlMs?: number;
  /** per-request timeout; an order whose answer does not come back in time is ambiguous */
  timeoutMs?: number;
  /** a 429 whose Retry-After fits in this budget is waited out here; longer ones go back to the queue */
  maxRetryAfterMs?: number;
  clock: Clock;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_MARKETS_TTL_MS = 60 * 60_000;
/** Widest range one history request covers: Binance's fills and Bybit's executions refuse or cut wider ones. */
const HISTORY_WINDOW_MS = 7 * 24 * 60 * 60_000;
/** Rows asked of one history request: the most OKX, Bybit and Bitget answer (Binance up to 1,000). */
const HISTORY_LIMIT = 100;
/** A page this long may have been cut: Bybit answers its funding list 50 rows at a time, whatever ccxt asks. */
const HISTORY_MAYBE_CUT = 50;
/** Requests one history read may make: a year of quiet weeks, or some thousands of rows. */
const HISTORY_MAX_REQUESTS = 80;
/** Where exchanges put the client order id inside a fill (Binance's and Bitget's fills have none). */
const FILL_CLIENT_ID_FIELDS = ['clientOrderId', 'clOrdId', 'orderLinkId', 'clientOid'];

type CallContext = { operation: string; clientOrderId?: string };

export class CcxtExchangeAdapter implements ExchangePort {
  readonly exchangeId: string;
  readonly capabilities: ExchangeCapabilities;
  private readonly dialect: Dialect;
  private readonly ex: CcxtExchange;
  private readonly ctx: DialectContext;
  private readonly sleep: (ms: number) => Promise<void>;
  /** leverage and margin mode already set per symbol in this warm container */
  private readonly leverageSet = new Map<string, number>();
  private readonly marginModeSet = new Set<string>();
  private timeSynced = false;

  constructor(private readonly config: CcxtExchangeConfig) {
    this.dialect = DIALECTS[config.id];
    this.exchangeId = config.id;
    this.capabilities = this.dialect.capabilities;
    this.sleep = config.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const creds = config.credentials;
    this.ex = createCcxtExchange(config.id, {
      ...(creds
        ? { apiKey: creds.apiKey, secret: creds.secret, ...(creds.password ? { password: creds.password } : {}) }
        : {}),
      timeout: config.timeoutMs ?? 5000,
      // ccxt's in-process throttle spaces requests by their weight (positionRisk, balance: 5 × 50 ms):
      // measured ≈400 ms per signal before the order leaves. One Lambda container cannot see the
      // IP-wide budget anyway (2,400 weight/min); the exchange's 429/Retry-After is honoured instead.
      enableRateLimit: false,
      enableLastResponseHeaders: true,
      options: { ...this.dialect.options, disableFuturesSandboxWarning: true },
    });
    this.ctx = { ex: this.ex, marginMode: config.marginMode };
    // ccxt reads currencies whenever `has.fetchCurrencies` is true, whatever the option says: with
    // keys, OKX's and Bybit's are signed calls that make loading markets fail on a skewed clock or a
    // key without wallet rights. Currencies are unused here.
    if (this.dialect.options.fetchCurrencies === false)
      (this.ex.has as Record<string, unknown>).fetchCurrencies = false;
    if (config.testnet) {
      if (!this.dialect.hasTestnet)
        throw new SignalRejectedError(`${config.id} has no testnet: use a paper account`, 'TESTNET_UNSUPPORTED');
      this.ex.setSandboxMode(true);
    }
    if (config.apiUrl) pointAtBaseUrl(this.ex, config.apiUrl);
  }

  /** The ccxt instance, for account checks that have no port method (permissions). */
  get raw(): CcxtExchange {
    return this.ex;
  }

  async loadMarket(symbol: string): Promise<MarketInfo> {
    const market = await this.market(symbol);
    return marketInfo(market, this.dialect);
  }

  async fetchPrice(symbol: string): Promise<PriceQuote> {
    const market = await this.market(symbol);
    const t = await this.call({ operation: 'fetch ticker' }, () => this.ex.fetchTicker(market.symbol));
    const last = t.last ?? t.close ?? (t.bid !== undefined && t.ask !== undefined ? (t.bid + t.ask) / 2 : undefined);
    if (last === undefined || !(last > 0)) throw new TransientError(`${this.exchangeId} gave no price for ${symbol}`);
    const quote: PriceQuote = { symbol, last, timestamp: t.timestamp ?? this.config.clock.now() };
    if (t.bid) quote.bid = t.bid;
    if (t.ask) quote.ask = t.ask;
    return quote;
  }

  async fetchBook(symbol: string, depth: number): Promise<{ bids: [number, number][]; asks: [number, number][] }> {
    const market = await this.market(symbol);
    const book = await this.call({ operation: 'fetch order book' }, () => this.ex.fetchOrderBook(market.symbol, depth));
    const size = (levels: unknown[][]): [number, number][] =>
      levels.map((l) => [Number(l[0]), Number(new Big(String(l[1])).times(contractSize(market)))]);
    return { bids: size(book.bids as unknown[][]), asks: size(book.asks as unknown[][]) };
  }

  async fetchBalance(): Promise<AccountBalance> {
    const balance = await this.call({ operation: 'fetch balance' }, () => this.ex.fetchBalance());
    const currency = this.dialect.balanceCurrency;
    const entry =
      (balance as unknown as Record<string, { free?: number; used?: number; total?: number } | undefined>)[currency] ??
      {};
    const info = balance.info as Record<string, unknown> | undefined;
    // Binance reports the margin balance (wallet + unrealized P&L): the equity sizing is based on.
    // The exchange's own text is kept as it is; ccxt's parsed numbers become decimals once, here.
    const marginBalance = exactText(info?.totalMarginBalance ?? this.dialect.balanceEquity?.(info, currency));
    return {
      currency,
      equity: marginBalance ?? toDecimal(entry.total ?? 0),
      free: toDecimal(entry.free ?? 0),
      used: toDecimal(entry.used ?? 0),
    };
  }

  async fetchPosition(symbol: string): Promise<ExchangePosition | undefined> {
    const market = await this.market(symbol);
    if (!this.capabilities.derivatives) return this.spotHolding(market);
    const positions = await this.call({ operation: 'fetch positions' }, () => this.ex.fetchPositions([market.symbol]));
    return positions.map((p) => toPosition(p, market, symbol)).find((p) => p !== undefined);
  }

  async fetchPositions(): Promise<ExchangePosition[]> {
    if (!this.capabilities.derivatives) return [];
    await this.ensureMarkets();
    const positions = await this.call({ operation: 'fetch positions' }, () => this.ex.fetchPositions());
    const out: ExchangePosition[] = [];
    for (const p of positions) {
      const market = p.symbol ? this.knownMarkets()[p.symbol] : undefined;
      const position = market ? toPosition(p, market, market.symbol) : undefined;
      if (position) out.push(position);
    }
    return out;
  }

  async setLeverage(symbol: string, leverage: number): Promise<void> {
    const market = await this.market(symbol);
    if (!this.capabilities.derivatives) {
      if (leverage !== 1)
        throw new SignalRejectedError(`${this.exchangeId} is spot: leverage must be 1`, 'LEVERAGE_UNSUPPORTED', {
          leverage,
        });
      return;
    }
    await this.ensureMarginMode(market, leverage);
    if (this.leverageSet.get(market.symbol) === leverage) return;
    try {
      await this.call({ operation: 'set leverage' }, () => this.dialect.setLeverage(this.ctx, market, leverage));
    } catch (error) {
      // "Leverage not modified" (Bybit 110043) means it already is what we asked for.
      if (!(error instanceof SignalRejectedError && error.code === 'NO_CHANGE')) throw error;
    }
    this.leverageSet.set(market.symbol, leverage);
  }

  async createOrder(request: OrderRequest): Promise<ExchangeOrder> {
    const market = await this.market(request.symbol);
    if (!this.dialect.clientIdPattern.test(request.clientOrderId)) {
      throw new SignalRejectedError(
        `client order id ${request.clientOrderId} does not fit ${this.exchangeId}'s format`,
        'CLIENT_ID_FORMAT',
      );
    }
    if (!this.capabilities.derivatives && request.side === 'sell' && !request.reduceOnly) {
      throw new SignalRejectedError(`${this.exchangeId} is spot: short selling is not possible`, 'SPOT_LONG_ONLY');
    }
    const amount = this.toExchangeAmount(market, request.amount);
    // Built before the call: their refusals and the price read are ours, not the order's exchange errors.
    const { type, price, params } = this.orderParams(await this.withActivationPrice(request), market);
    // Upbit buys at market by cost (KRW), not by amount.
    const cost =
      !this.capabilities.derivatives && request.side === 'buy' && type === 'market'
        ? await this.spotBuyCost(market, request.amount)
        : undefined;
    const ctx = { operation: `create ${request.type} order`, clientOrderId: request.clientOrderId };
    const order = await this.call(ctx, () =>
      cost !== undefined
        ? this.ex.createMarketBuyOrderWithCost(market.symbol, cost, params)
        : this.ex.createOrder(market.symbol, type, request.side, amount, price, params),
    );
    // Where the placement answer carries ids only (Bybit, Bitget), an order that fills at once
    // (market, IOC) is read back by client id so its fill is booked, and protected, in this
    // invocation. Resting orders (GTC/post-only limits, stops, targets) need only the answer; a
    // read-back would cost a request on the protection's critical path.
    const fillsAtOnce = request.type === 'market' || (request.type === 'limit' && request.timeInForce === 'IOC');
    const placed =
      this.dialect.createAnswersIdsOnly && fillsAtOnce ? await this.readBack(order, market, request) : order;
    return this.withFees(this.toOrder(placed, market, request), market);
  }

  async fetchOrderByClientId(
    symbol: string,
    clientOrderId: string,
    lookup?: OrderLookup,
  ): Promise<ExchangeOrder | undefined> {
    const market = await this.market(symbol);
    try {
      const order = await this.call({ operation: 'fetch order' }, () =>
        this.dialect.fetchOrder(this.ctx, market, clientOrderId, lookup ?? {}),
      );
      const triggered = lookup?.conditional ? await this.triggeredOrder(order, market) : undefined;
      const found = triggered ?? this.toOrder(order, market);
      // OKX's algo answers keep the client id where ccxt does not read it: it is the one asked for.
      return this.withFees(found.clientOrderId ? found : { ...found, clientOrderId }, market);
    } catch (error) {
      if (error instanceof OrderNotFoundError) return undefined;
      throw error;
    }
  }

  async fetchOpenOrders(symbol?: string): Promise<ExchangeOrder[]> {
    const market = symbol ? await this.market(symbol) : undefined;
    if (!market) await this.ensureMarkets();
    const plain = await this.call({ operation: 'fetch open orders' }, () =>
      this.dialect.fetchOpenOrders(this.ctx, market, {}),
    );
    const conditional = this.capabilities.conditionalOrders
      ? await this.call({ operation: 'fetch open conditional orders' }, () =>
          this.dialect.fetchOpenOrders(this.ctx, market, { conditional: true }),
        )
      : [];
    const out: ExchangeOrder[] = [];
    for (const o of [...plain, ...conditional]) {
      const m = market ?? (o.symbol ? this.knownMarkets()[o.symbol] : undefined);
      if (m) out.push(this.toOrder(o, m));
    }
    return out;
  }

  async cancelOrder(symbol: string, clientOrderId: string, lookup?: OrderLookup): Promise<void> {
    const market = await this.market(symbol);
    try {
      await this.call({ operation: 'cancel order' }, () =>
        this.dialect.cancelOrder(this.ctx, market, clientOrderId, lookup ?? {}),
      );
    } catch (error) {
      if (error instanceof OrderNotFoundError) return; // already gone: filled, cancelled or never placed
      throw error;
    }
  }

  /**
   * The account's fills on the symbol since `since`, oldest first, ours and those made by hand:
   * sizes in base units, fees in the quote currency, each with its order's client id.
   */
  async fetchMyTrades(symbol: string, since: number): Promise<ExchangeTrade[]> {
    const market = await this.market(symbol);
    // ccxt's Upbit lists fills only inside single orders: an empty answer would read as "nothing traded".
    if (!this.ex.has.fetchMyTrades)
      throw new SignalRejectedError(`${this.exchangeId} cannot list the account's fills`, 'TRADES_UNSUPPORTED');
    const fills = await this.history<CcxtTrade>(
      'fetch my trades',
      since,
      (from, until) => this.ex.fetchMyTrades(market.symbol, from, HISTORY_LIMIT, until === undefined ? {} : { until }),
      (t) => t.id ?? `${t.order}|${t.timestamp}|${t.amount}`,
    );
    const clientIds = new Map<string, string | undefined>();
    const out: ExchangeTrade[] = [];
    for (const fill of fills) out.push(await this.toTrade(fill, market, symbol, clientIds));
    return out;
  }

  /** Funding settled on the symbol since `since`, oldest first: negative paid, positive received. */
  async fetchFundingPayments(symbol: string, since: number): Promise<FundingPayment[]> {
    const market = await this.market(symbol);
    // Spot holds nothing that pays funding; an exchange ccxt cannot ask for it reports none either.
    if (!this.capabilities.derivatives || !this.ex.has.fetchFundingHistory) return [];
    const rows = await this.history<CcxtFundingHistory>(
      'fetch funding history',
      since,
      (from, until) =>
        this.ex.fetchFundingHistory(market.symbol, from, HISTORY_LIMIT, this.fundingRangeParams(market, from, until)),
      (r) => r.id ?? `${r.timestamp}|${r.amount}`,
    );
    const sign = this.dialect.fundingAsFee ? -1 : 1;
    const out: FundingPayment[] = [];
    for (const row of rows) {
      if (row.amount === undefined || (row.symbol && row.symbol !== market.symbol)) continue;
      const payment: FundingPayment = {
        symbol,
        amount: new Big(row.amount).times(sign).toString(),
        timestamp: row.timestamp ?? since,
      };
      if (row.id) payment.id = String(row.id);
      out.push(payment);
    }
    return out;
  }

  /**
   * The latest reading of the exchange's own volatility index for `base` (public), where the
   * dialect declares one; undefined where the exchange exposes none, or has none for this coin.
   * ccxt's parser gives the time and a float; the value is taken from the entry's own decimal
   * string (ccxt's `info` is the whole list) so the percent stays exact.
   */
  async fetchVolatilityIndex(base: string): Promise<VolatilityIndexReading | undefined> {
    const index = this.dialect.volatilityIndex;
    if (!index || !this.ex.has.fetchVolatilityHistory) return undefined;
    const rows = (await this.call({ operation: 'fetch volatility history' }, () =>
      this.ex.fetchVolatilityHistory(base, { period: index.periodDays }),
    )) as { timestamp?: number; info?: unknown }[];
    let latest: { time: number; value: string; period: number } | undefined;
    for (const row of rows) {
      const entries = Array.isArray(row.info) ? (row.info as Record<string, unknown>[]) : [];
      const entry = entries.find((e) => Number(e.time) === row.timestamp);
      const value = typeof entry?.value === 'string' ? entry.value : undefined;
      if (row.timestamp === undefined || value === undefined || !/^\d+(\.\d+)?$/.test(value)) continue;
      if (latest && latest.time >= row.timestamp) continue;
      latest = { time: row.timestamp, value, period: Number(entry?.period ?? index.periodDays) };
    }
    if (!latest) return undefined;
    return {
      base,
      periodDays: latest.period,
      valuePct: new Big(latest.value).times(100).toString(),
      time: latest.time,
      source: index.source,
    };
  }

  /** One-way position mode: read it, and set it where the exchange allows (no open positions). */
  async ensureOneWayMode(): Promise<'one-way' | 'switched'> {
    const setOneWay = this.dialect.setOneWay;
    if (!setOneWay || (await this.positionMode()) === 'one-way') return 'one-way';
    await this.call({ operation: 'set one-way position mode' }, () => setOneWay(this.ctx));
    return 'switched';
  }

  /** The account's position mode, read only ('one-way' where the exchange has no position mode). */
  async positionMode(): Promise<'one-way' | 'hedge'> {
    const fetchHedged = this.dialect.fetchHedged;
    if (!fetchHedged) return 'one-way';
    await this.ensureMarkets();
    return (await this.call({ operation: 'fetch position mode' }, () => fetchHedged(this.ctx))) ? 'hedge' : 'one-way';
  }

  /** What the exchange says of the keys' rights, where it says anything (Binance). */
  async keyPermissions(): Promise<KeyPermissions | undefined> {
    const read = this.dialect.keyPermissions;
    return read
      ? this.call({ operation: 'fetch key permissions' }, () => read(this.ctx, this.config.testnet))
      : undefined;
  }

  // ---- internals ----

  /** The order as the exchange now reports it; the acknowledgement when that read fails (the order stands). */
  private async readBack(ack: CcxtOrder, market: CcxtMarket, request: OrderRequest): Promise<CcxtOrder> {
    const lookup: OrderLookup = { conditional: isConditional(request.type) };
    try {
      // Found by our client id, so it is ours, whatever id field the exchange's answer fills in.
      const read = await this.call({ operation: 'read back order' }, () =>
        this.dialect.fetchOrder(this.ctx, market, request.clientOrderId, lookup),
      );
      return { ...read, clientOrderId: request.clientOrderId };
    } catch {
      return ack;
    }
  }

  private knownMarkets(): Record<string, CcxtMarket> {
    return (this.ex.markets ?? {}) as Record<string, CcxtMarket>;
  }

  private orderParams(request: OrderRequest, market: CcxtMarket): OrderPlan {
    return this.dialect.orderPlan(this.unifiedOrderPlan(request, market), request, this.ctx);
  }

  private unifiedOrderPlan(request: OrderRequest, market: CcxtMarket): OrderPlan {
    const params: Record<string, unknown> = { clientOrderId: request.clientOrderId };
    if (request.reduceOnly && this.capabilities.derivatives) params.reduceOnly = true;
    const trigger =
      request.triggerPrice !== undefined ? this.ex.priceToPrecision(market.symbol, request.triggerPrice) : undefined;
    switch (request.type) {
      case 'market':
        return { type: 'market', price: undefined, params };
      case 'limit': {
        if (request.price === undefined) throw new SignalRejectedError('a limit order needs a price', 'INVALID_ORDER');
        if (request.timeInForce === 'PO') params.postOnly = true;
        else params.timeInForce = request.timeInForce ?? 'GTC';
        return { type: 'limit', price: Number(this.ex.priceToPrecision(market.symbol, request.price)), params };
      }
      case 'stop_market':
        this.requireConditional();
        // Reduce-only as asked: protective stops always ask it; a stop entry (the smoke check's
        // far stop, which must rest without a position) does not.
        return { type: 'market', price: undefined, params: { ...params, stopLossPrice: trigger } };
      case 'take_profit_market':
        this.requireConditional();
        return { type: 'market', price: undefined, params: { ...params, takeProfitPrice: trigger, reduceOnly: true } };
      case 'trailing_stop_market':
        if (!this.capabilities.trailingStop) {
          throw new SignalRejectedError(
            `${this.exchangeId} has no native trailing stop (the risk engine emulates it)`,
            'TRAILING_UNSUPPORTED',
          );
        }
        return {
          type: 'market',
          price: undefined,
          params: {
            ...params,
            trailingPercent: request.trailingPercent,
            reduceOnly: true,
            ...(trigger ? { trailingTriggerPrice: trigger } : {}),
          },
        };
    }
  }

  /** An exchange that refuses a trailing stop without an activation price (Bitget) trails from the current price. */
  private async withActivationPrice(request: OrderRequest): Promise<OrderRequest> {
    if (
      !this.dialect.trailingNeedsActivation ||
      request.type !== 'trailing_stop_market' ||
      request.triggerPrice !== undefined
    )
      return request;
    const quote = await this.fetchPrice(request.symbol);
    return { ...request, triggerPrice: new Big(quote.last).toString() };
  }

  private requireConditional(): void {
    if (!this.capabilities.conditionalOrders) {
      throw new SignalRejectedError(
        `${this.exchangeId} cannot rest stop-loss or take-profit orders`,
        'PROTECTION_UNSUPPORTED',
      );
    }
  }

  /**
   * Every exchange call goes through here: errors become domain errors, and the three failures a
   * retry with the same request cures are retried once — clock skew (resync first, case 20),
   * position mode (switch to one-way first) and a 429 whose Retry-After fits the budget (case 21).
   */
  private async call<T>(ctx: CallContext, fn: () => Promise<T>): Promise<T> {
    let retried = false;
    for (;;) {
      try {
        return await fn();
      } catch (raw) {
        const error = translateCcxtError(raw, {
          exchange: this.config.id,
          operation: ctx.operation,
          ...(ctx.clientOrderId ? { clientOrderId: ctx.clientOrderId } : {}),
          ...this.retryAfter(),
          now: this.config.clock.now(),
        });
        if (retried) throw error;
        retried = true;
        if (error instanceof ClockSkewError) {
          await this.syncTime();
          continue;
        }
        if (error instanceof PositionModeError && this.dialect.setOneWay) {
          await this.dialect.setOneWay(this.ctx).catch(() => undefined);
          continue;
        }
        if (error instanceof RateLimitedError && error.retryAfterMs <= (this.config.maxRetryAfterMs ?? 3000)) {
          await this.sleep(error.retryAfterMs);
          continue;
        }
        throw error;
      }
    }
  }

  private retryAfter(): { retryAfterMs?: number } {
    const headers = (this.ex as unknown as { last_response_headers?: Record<string, string> }).last_response_headers;
    const value = headers?.['Retry-After'] ?? headers?.['retry-after'];
    const seconds = value !== undefined ? Number(value) : Number.NaN;
    return Number.isFinite(seconds) ? { retryAfterMs: Math.max(0, seconds * 1000) } : {};
  }

  private async syncTime(): Promise<void> {
    const ex = this.ex as unknown as { loadTimeDifference?: () => Promise<unknown>; options: Record<string, unknown> };
    if (typeof ex.loadTimeDifference === 'function') {
      await ex.loadTimeDifference();
      ex.options.adjustForTimeDifference = true;
      this.timeSynced = true;
    }
  }

  private async ensureMarkets(): Promise<void> {
    const key = `${this.config.id}|${this.config.testnet}|${this.config.apiUrl ?? ''}`;
    const markets = await sharedMarkets.get(
      key,
      this.config.marketsTtlMs ?? DEFAULT_MARKETS_TTL_MS,
      this.config.clock.now(),
      async () => {
        await this.call({ operation: 'load markets' }, () => this.ex.loadMarkets(true));
        return this.knownMarkets();
      },
    );
    if (this.ex.markets !== markets) this.ex.setMarkets(markets);
  }

  /** The ccxt market for our unified symbol; spot exchanges drop the ":SETTLE" suffix. */
  private async market(symbol: string): Promise<CcxtMarket> {
    await this.ensureMarkets();
    const candidates = this.capabilities.derivatives ? [symbol] : [symbol, symbol.split(':')[0] as string];
    for (const candidate of candidates) {
      const market = this.knownMarkets()[candidate];
      if (market && market.active !== false) return market;
    }
    throw new SignalRejectedError(`${this.exchangeId} does not list ${symbol}`, 'UNKNOWN_SYMBOL', {
      symbol,
      exchange: this.exchangeId,
    });
  }

  private async ensureMarginMode(market: CcxtMarket, leverage: number): Promise<void> {
    const setMarginMode = this.dialect.setMarginMode;
    if (!setMarginMode || this.marginModeSet.has(market.symbol)) return;
    try {
      await this.call({ operation: 'set margin mode' }, () => setMarginMode(this.ctx, market, leverage));
    } catch (error) {
      // "No need to change margin type" is success.
      if (!(error instanceof SignalRejectedError && error.code === 'NO_CHANGE')) throw error;
    }
    this.marginModeSet.add(market.symbol);
  }

  private toExchangeAmount(market: CcxtMarket, baseAmount: string): number {
    const contracts = new Big(baseAmount).div(contractSize(market));
    let rounded: string | undefined;
    try {
      rounded = this.ex.amountToPrecision(market.symbol, contracts.toString());
    } catch {
      // ccxt throws when the amount rounds below one step: the same refusal as rounding to zero.
    }
    if (!(Number(rounded) > 0)) {
      throw new SignalRejectedError(
        `amount ${baseAmount} ${market.base} is below one step of ${market.symbol}`,
        'BELOW_MIN_AMOUNT',
        { amount: baseAmount },
      );
    }
    return Number(rounded);
  }

  private async spotBuyCost(market: CcxtMarket, baseAmount: string): Promise<number> {
    const quote = await this.fetchPrice(market.symbol);
    const cost = new Big(baseAmount).times(quote.ask ?? quote.last).round(0, Big.roundDown);
    const min = new Big(minNotionalOf(this.dialect, market.quote, market.limits.cost?.min));
    if (cost.lt(min))
      throw new SignalRejectedError(
        `order cost ${cost.toString()} ${market.quote} is below the minimum ${min.toString()}`,
        'MIN_NOTIONAL',
      );
    return Number(cost.toString());
  }

  private async spotHolding(market: CcxtMarket): Promise<ExchangePosition | undefined> {
    const balance = await this.call({ operation: 'fetch balance' }, () => this.ex.fetchBalance());
    const holding = (balance as unknown as Record<string, { total?: number } | undefined>)[market.base]?.total ?? 0;
    const minAmount = market.limits.amount?.min ?? market.precision.amount ?? 0;
    if (!(holding > 0) || holding < minAmount) return undefined;
    return {
      symbol: market.symbol,
      side: 'long',
      quantity: new Big(holding).toString(),
      entryPrice: '0',
      leverage: 1,
      unrealizedPnl: '0',
    };
  }

  private toOrder(o: CcxtOrder, market: CcxtMarket, request?: OrderRequest): ExchangeOrder {
    const size = contractSize(market);
    const filled = new Big(o.filled ?? 0).times(size);
    // An acknowledgement without a size (Bybit's ids-only answer) was placed for the requested amount.
    const amount = o.amount !== undefined ? new Big(o.amount).times(size) : request ? new Big(request.amount) : filled;
    const out: ExchangeOrder = {
      id: String(o.id),
      clientOrderId: o.clientOrderId ?? request?.clientOrderId ?? '',
      symbol: request?.symbol ?? market.symbol,
      side: (o.side ?? request?.side ?? 'buy') as ExchangeOrder['side'],
      type: request?.type ?? this.dialect.orderType?.(o) ?? orderTypeOf(o),
      status: statusOf(o.status),
      amount: amount.toString(),
      filled: filled.toString(),
      reduceOnly: o.reduceOnly ?? request?.reduceOnly ?? false,
      fee: '0',
      feeCurrency: market.quote,
      timestamp: o.lastTradeTimestamp ?? o.timestamp ?? this.config.clock.now(),
    };
    // The cost of the fills over their amount where ccxt gives no average: it drops an order's
    // trades whose time it cannot read (Upbit's documented examples carry no zone), and with them
    // the average, while the order's own cost stands.
    if (filled.gt(0) && o.average !== undefined) out.average = new Big(o.average).toString();
    else if (filled.gt(0) && o.cost !== undefined && o.cost > 0) out.average = new Big(o.cost).div(filled).toString();
    const trigger = o.triggerPrice ?? o.stopPrice;
    if (trigger !== undefined) out.triggerPrice = new Big(trigger).toString();
    const fee = this.feeInQuote(o, market, out.average);
    if (fee !== undefined) out.fee = fee;
    return out;
  }

  /**
   * A conditional order that fired became plain market orders with their own ids (Binance's
   * actualOrderId; OKX's ordIdList, several when a TP/SL is split): their fills are read there,
   * merged (./merged-order.ts) and reported under the conditional order's client id.
   */
  private async triggeredOrder(algo: CcxtOrder, market: CcxtMarket): Promise<ExchangeOrder | undefined> {
    const ids = this.dialect.triggeredOrderIds(algo).filter((id) => id !== String(algo.id));
    // OKX's fired algo order reports its size as filled but no fill price: the fill is read on the orders it became.
    if (!ids.length || ((algo.filled ?? 0) > 0 && algo.average !== undefined)) return undefined;
    const parts: ExchangeOrder[] = [];
    for (const id of ids) {
      const actual = await this.call({ operation: 'fetch triggered order' }, () =>
        this.ex.fetchOrder(id, market.symbol),
      );
      parts.push(this.toOrder(actual, market));
    }
    const converted = mergeOrders(parts);
    const base = this.toOrder(algo, market);
    return {
      ...converted,
      clientOrderId: base.clientOrderId,
      type: base.type,
      triggerPrice: base.triggerPrice ?? converted.triggerPrice,
      id: converted.id,
    } as ExchangeOrder;
  }

  /** Fees converted to the quote currency; undefined when the order carries none (Binance market answers). */
  private feeInQuote(o: CcxtOrder, market: CcxtMarket, average: string | undefined): Decimal | undefined {
    const listed = (o as { fees?: CcxtOrder['fee'][] }).fees;
    const fees = listed?.length ? listed : o.fee ? [o.fee] : [];
    if (!fees.length) return undefined;
    let total = new Big(0);
    for (const fee of fees) {
      if (!fee || fee.cost === undefined) continue;
      const cost = new Big(fee.cost).abs();
      if (!fee.currency || fee.currency === market.quote || fee.currency === market.settle) total = total.plus(cost);
      else if (fee.currency === market.base && average) total = total.plus(cost.times(average));
      else return undefined; // a third currency (BNB): priced from the trades below
    }
    return total.toString();
  }

  /** Binance's order answers carry no fees: read them from the order's trades, priced in the quote. */
  private async withFees(order: ExchangeOrder, market: CcxtMarket): Promise<ExchangeOrder> {
    if (!new Big(order.fee).eq(0) || order.filled === '0' || order.id === '') return order;
    try {
      const trades = await this.call({ operation: 'fetch order trades' }, () =>
        this.ex.fetchMyTrades(market.symbol, undefined, 50, { orderId: order.id }),
      );
      let total = new Big(0);
      for (const trade of trades) {
        if (String(trade.order) === order.id) total = total.plus(await this.tradeFeeInQuote(trade, market));
      }
      return { ...order, fee: total.toString() };
    } catch {
      return order; // the fill stands; the fee is reconciled later rather than failing the order
    }
  }

  /** ccxt's `until`, or the exchange's own range and instrument parameters where ccxt sends none (OKX). */
  private fundingRangeParams(market: CcxtMarket, from: number, until: number | undefined): Record<string, unknown> {
    const query = this.dialect.fundingQuery;
    if (!query) return until === undefined ? {} : { until };
    return { [query.since]: from, [query.market]: market.id, ...(until === undefined ? {} : { [query.until]: until }) };
  }

  /** A fill's fee in the quote currency: the base coin at the fill's price, a third coin (BNB) at its ticker. */
  private async tradeFeeInQuote(trade: CcxtTrade, market: CcxtMarket): Promise<Big> {
    if (!trade.fee?.cost) return new Big(0);
    const cost = new Big(trade.fee.cost).abs();
    const currency = trade.fee.currency;
    if (!currency || currency === market.quote || currency === market.settle) return cost;
    if (currency === market.base) return cost.times(trade.price ?? 0);
    return this.convertToQuote(cost, currency, market.quote);
  }

  private async toTrade(
    fill: CcxtTrade,
    market: CcxtMarket,
    symbol: string,
    clientIds: Map<string, string | undefined>,
  ): Promise<ExchangeTrade> {
    const trade: ExchangeTrade = {
      id: String(fill.id ?? `${fill.order}-${fill.timestamp}`),
      symbol,
      side: fill.side === 'sell' ? 'sell' : 'buy',
      amount: new Big(fill.amount ?? 0).times(contractSize(market)).toString(),
      price: new Big(fill.price ?? 0).toString(),
      fee: (await this.tradeFeeInQuote(fill, market)).toString(),
      timestamp: fill.timestamp ?? 0,
    };
    if (fill.order) {
      trade.orderId = String(fill.order);
      const clientOrderId = await this.clientIdOfFill(fill, market, clientIds);
      if (clientOrderId) trade.clientOrderId = clientOrderId;
    }
    return trade;
  }

  /**
   * The client id of a fill's order: from the fill where the exchange puts it there, else read
   * from the order, once per order. An error here fails the read: a fill of ours reported without
   * its client id would pass for a trade made by hand.
   */
  private async clientIdOfFill(
    fill: CcxtTrade,
    market: CcxtMarket,
    known: Map<string, string | undefined>,
  ): Promise<string | undefined> {
    const info = (fill.info ?? {}) as Record<string, unknown>;
    for (const field of FILL_CLIENT_ID_FIELDS) {
      const value = info[field];
      if (typeof value === 'string') return value || undefined;
    }
    const orderId = String(fill.order);
    if (!known.has(orderId)) {
      try {
        const order = await this.call({ operation: 'fetch order of fill' }, () =>
          this.ex.fetchOrder(orderId, market.symbol),
        );
        known.set(orderId, order.clientOrderId || undefined);
      } catch (error) {
        if (!(error instanceof OrderNotFoundError)) throw error;
        known.set(orderId, undefined); // past the exchange's order retention: the fill stands without it
      }
    }
    return known.get(orderId);
  }

  /**
   * Every row of an account history since `since`, oldest first. Requests cover at most seven days
   * (the last range stays open, in case the exchange's clock runs ahead of ours). A page that may
   * have been cut is split around the rows it brought, because exchanges answer different ends of
   * a range first (Binance the oldest rows, OKX the newest); rows are told apart by `keyOf`.
   */
  private async history<T extends { timestamp?: number | undefined }>(
    operation: string,
    since: number,
    fetchPage: (from: number, until: number | undefined) => Promise<T[]>,
    keyOf: (row: T) => string,
  ): Promise<T[]> {
    const ranges: [from: number, until: number | undefined][] = [];
    let from = since;
    for (const now = this.config.clock.now(); from + HISTORY_WINDOW_MS <= now; from += HISTORY_WINDOW_MS)
      ranges.push([from, from + HISTORY_WINDOW_MS - 1]);
    ranges.push([from, undefined]);
    const rows = new Map<string, T>();
    for (let requests = 0; ; requests++) {
      const range = ranges.shift();
      if (!range) break;
      if (requests >= HISTORY_MAX_REQUESTS) {
        throw new SignalRejectedError(
          `${this.exchangeId} ${operation}: more than ${HISTORY_MAX_REQUESTS} requests since ${since}`,
          'HISTORY_TOO_LONG',
          { since },
        );
      }
      const [start, until] = range;
      const page = await this.call({ operation }, () => fetchPage(start, until));
      let fresh = 0;
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      for (const row of page) {
        const at = row.timestamp ?? start;
        if (at < since) continue;
        first = Math.min(first, at);
        last = Math.max(last, at);
        const key = keyOf(row);
        if (rows.has(key)) continue;
        rows.set(key, row);
        fresh++;
      }
      // A range asked again brings nothing fresh and ends there.
      if (page.length < HISTORY_MAYBE_CUT || fresh === 0) continue;
      ranges.unshift([last, until]);
      if (first > start) ranges.unshift([start, first]);
    }
    return [...rows.values()].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  }

  private async convertToQuote(amount: Big, currency: string, quote: string): Promise<Big> {
    const symbol = `${currency}/${quote}:${quote}`;
    if (!this.knownMarkets()[symbol]) return new Big(0);
    const t = await this.call({ operation: 'fetch fee coin price' }, () => this.ex.fetchTicker(symbol));
    // A fee paid in a third coin is an estimate at its ticker: kept to 1e-8 of the quote.
    return amount.times(t.last ?? 0).round(8, Big.roundHalfUp);
  }
}

/**
 * Rewrites every API host of a ccxt instance to `baseUrl`, keeping the paths (local fake exchange).
 * ccxt picks some error tables by the request's host (Binance's linear table maps -2019 to
 * InsufficientFunds); the instance is told which production URL each local one stands for, so the
 * errors raised locally are the ones production raises.
 */
export function pointAtBaseUrl(ex: CcxtExchange, baseUrl: string): void {
  const base = baseUrl.replace(/\/$/, '');
  const roots: [local: string, production: string][] = [];
  const hostname = (ex as unknown as { hostname?: string }).hostname ?? '';
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string' && /^https?:\/\//.test(value)) {
      const url = new URL(value);
      const local = `${base}${url.pathname === '/' ? '' : url.pathname}`;
      roots.push([local, value.replace('{hostname}', hostname)]);
      return local;
    }
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = rewrite(v);
      return out;
    }
    return value;
  };
  const urls = ex.urls as Record<string, unknown>;
  urls.api = rewrite(urls.api);
  if (urls.test) urls.test = rewrite(urls.test);
  // Longest local root first, so /fapi/v2 is not taken for /fapi.
  roots.sort((a, b) => b[0].length - a[0].length);
  const target = ex as unknown as { getExceptionsByUrl?: (url: string, exactOrBroad: string) => unknown };
  const original = target.getExceptionsByUrl;
  if (typeof original !== 'function') return;
  target.getExceptionsByUrl = (url: string, exactOrBroad: string) => {
    const root = roots.find(([local]) => url.startsWith(local));
    return original.call(ex, root ? root[1] + url.slice(root[0].length) : url, exactOrBroad);
  };
}

export function contractSize(market: CcxtMarket): Big {
  return new Big(market.contract && market.contractSize ? market.contractSize : 1);
}

/** The port's market view: every size in base units (coins), whatever the exchange counts in. */
export function marketInfo(market: CcxtMarket, dialect: Dialect): MarketInfo {
  const size = contractSize(market);
  const amountStep = new Big(market.precision.amount ?? 1).times(size);
  const minContracts = market.limits.amount?.min;
  const minAmount = minContracts !== undefined ? new Big(minContracts).times(size) : amountStep;
  const minNotional = minNotionalOf(dialect, market.quote, market.limits.cost?.min);
  const maxContracts = market.limits.amount?.max;
  const info: MarketInfo = {
    symbol: market.symbol,
    base: market.base,
    quote: market.quote,
    settle: market.settle ?? market.quote,
    contractSize: size.toString(),
    amountStep: amountStep.toString(),
    priceStep: new Big(market.precision.price ?? 0.00000001).toString(),
    minAmount: minAmount.toString(),
    minNotional: new Big(minNotional).toString(),
    maxLeverage: dialect.capabilities.derivatives ? (market.limits.leverage?.max ?? 125) : 1,
  };
  if (maxContracts !== undefined && maxContracts > 0) info.maxAmount = new Big(maxContracts).times(size).toString();
  return info;
}

function toPosition(p: CcxtPosition, market: CcxtMarket, symbol: string): ExchangePosition | undefined {
  const contracts = new Big(p.contracts ?? 0).abs();
  if (contracts.eq(0) || (p.side !== 'long' && p.side !== 'short')) return undefined;
  const position: ExchangePosition = {
    symbol,
    side: p.side,
    quantity: contracts.times(contractSize(market)).toString(),
    entryPrice: new Big(p.entryPrice ?? 0).toString(),
    leverage: p.leverage ?? 1,
    unrealizedPnl: toDecimal(p.unrealizedPnl ?? 0),
  };
  if (p.liquidationPrice) position.liquidationPrice = p.liquidationPrice;
  return position;
}

/** The exchange's own decimal text (or a finite number) as a Decimal; undefined for anything else. */
function exactText(value: unknown): Decimal | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return toDecimal(value);
  } catch {
    return undefined;
  }
}

function statusOf(status: string | undefined): ExchangeOrderStatus {
  switch (status) {
    case 'closed':
    case 'canceled':
    case 'expired':
    case 'rejected':
      return status;
    default:
      return 'open';
  }
}

function orderTypeOf(o: CcxtOrder): ExchangeOrder['type'] {
  const info = JSON.stringify(o.info ?? {}).toUpperCase();
  if (info.includes('TRAILING')) return 'trailing_stop_market';
  if (o.takeProfitPrice !== undefined || info.includes('TAKE_PROFIT')) return 'take_profit_market';
  if (o.stopLossPrice !== undefined || o.triggerPrice !== undefined || info.includes('STOP')) return 'stop_market';
  return o.type === 'limit' ? 'limit' : 'market';
}
