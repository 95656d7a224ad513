// The console's read models: every GET of the console API (docs/API.md) answered from the book,
// the risk-check job's last readings and the alert log. Never an exchange: prices are the marks
// the job stored (`dataAsOf` says when), or the price watcher's live ticks where fresher
// (`markSource`, `markAt` per position). One query per table and account per request, read in
// parallel. A trades page is read from the table page by page (trade-pages.ts); the aggregates
// read each account's history through TradeHistory, which a warm function refreshes by key range
// and re-reads whole at least every minute (`historyAsOf` says when it last did).
import type { Account, ExchangeId } from '../domain/account';
import type { StoredAuditEvent } from '../domain/audit';
import { Big, type Decimal } from '../domain/money';
import type { Candles } from '../backtest/types';
import type { OrderRecord } from '../domain/order';
import type { TradeRecord } from '../domain/trade';
import type { StrategyTimeframe } from '../domain/strategy-subscription';
import { isOpen } from '../domain/trade-math';
import { InvalidArgumentError, NotFoundError } from '../errors';
import { RiskReport } from '../reporting/risk-report';
import {
  backtestForCompare,
  CompareInputError,
  compareCandleCount,
  compareWithBacktest,
  subscriptionCompareInput,
  type CompareBacktest,
  type CompareMarket,
  type CompareMemo,
  type StrategyCompareInput,
} from '../reporting/strategy-compare';
import {
  backtestForQuality,
  qualityWithTrades,
  type QualityBacktest,
  type QualityMemo,
} from '../reporting/strategy-quality';
import { accountRiskConfig } from '../risk/account-config';
import { SWITCH_NAMES } from '../risk/state';
import {
  byStrategy,
  DAY_MS,
  FEW_TRADES,
  periodPnl,
  profitLossSeries,
  dailyEquity,
  ratios,
  realizedAt,
  bucketStart,
  decimalsOf,
  type PeriodPnl,
} from './figures';
import type {
  AccountRepository,
  AlertLog,
  AuditLog,
  CandleSource,
  Clock,
  EquitySnapshot,
  FundingReading,
  FundingReadingStore,
  HistoricalPrices,
  LivePriceStore,
  OrderRepository,
  PriceTick,
  PositionBook,
  QueueDepth,
  QueueGauge,
  RiskStore,
  SignalLedger,
  TradeRangeReader,
  TradeRepository,
} from './ports';
import { fundingSourceOf } from './ports';
import { chooseMark } from './live-marks';
import { positionView, type PositionView } from './positions';
import { paginate, QueryError, sortKey, type Page, type ReadQuery } from './query';
import { TradeHistory } from './trade-history';
import { tradePage } from './trade-pages';

/** How much of an account's history one request reads (the console's window on it). */
export const HISTORY_LIMIT = 5_000;
/** how many trades the open positions' one range read may take before falling back to reads by key */
const OPEN_TRADES_READ_LIMIT = 200;
const ALERT_LOG_PAGE_MAX = 1_000;
/** The most candles one strategy compare reads, the strategy's warm-up included (a few exchange pages). */
export const MAX_COMPARE_CANDLES = 5_000;
/** A compare's default range: this far back from `to`, or as far as MAX_COMPARE_CANDLES reach. */
const COMPARE_DEFAULT_MS = 30 * 24 * 3_600_000;
/** How many backtests a warm function keeps for compares opened again (each a few hundred KB at most). */
const COMPARE_MEMO_SIZE = 16;
/** A live account's backtest cash without a balance reading (the CLI's --cash default). */
const COMPARE_DEFAULT_CASH = 10_000;
/** A reconcile older than this marks the account not ok in /health. */
export const STALE_RECONCILE_MS = 5 * 60_000;

export interface ConsoleReadsDeps {
  accounts: Pick<AccountRepository, 'get' | 'list'>;
  /** with the range reads (the Dynamo reader), pages and refreshes read only what they need */
  trades: Pick<TradeRepository, 'get' | 'listByAccount'> & Partial<TradeRangeReader>;
  positions: Pick<PositionBook, 'list'>;
  orders: Pick<OrderRepository, 'listByAccount'>;
  audit: Pick<AuditLog, 'listByAccount'>;
  risk: Pick<RiskStore, 'getState' | 'latestSnapshot'>;
  signals: Pick<SignalLedger, 'listSignals'>;
  /** absent until the alerts lane's adapter is wired: /alerts answers an empty list */
  alerts?: AlertLog;
  /** the price watcher's latest ticks (docs/WATCHER-CLOUD.md); absent: positions are marked at the risk-check job's marks */
  livePrices?: Pick<LivePriceStore, 'latest'>;
  /** the funding rates the risk-check job records (docs/FUNDING.md "In the console"); absent: every position's funding is null */
  funding?: Pick<FundingReadingStore, 'read'>;
  queue?: QueueGauge;
  prices?: HistoricalPrices;
  /**
   * The candles of an account's exchange (public market data; locally the replay the paper
   * exchange fills from). Absent, or failing: /candles answers no candles and a warning, and
   * buy-and-hold is null.
   */
  candles?: (exchange: ExchangeId) => CandleSource | undefined;
  /** a symbol's lot step and minimum notional, for the compare's backtest (absent: 0.001 and none) */
  markets?: (symbol: string) => CompareMarket | undefined;
  /** the stage's webhook (…/webhook): each account's own URL is this plus its id */
  webhookUrl?: string;
  clock: Clock;
}

export type TradeItem = TradeRecord & { accountName: string };

const currencyOf = (a: Account): string => a.settings.paper?.quoteCurrency ?? 'USDT';
const modeOf = (a: Account): 'paper' | 'live' => (a.exchange === 'paper' ? 'paper' : 'live');
const fundingEntry = (reading: FundingReading | undefined) => (reading ? { reading } : {});

export class ConsoleReads {
  private readonly history: TradeHistory;
  private readonly compareMemo: CompareMemo = new BoundedMemo<CompareBacktest>(COMPARE_MEMO_SIZE);
  private readonly qualityMemo: QualityMemo = new BoundedMemo<QualityBacktest>(COMPARE_MEMO_SIZE);

  constructor(private readonly deps: ConsoleReadsDeps) {
    this.history = new TradeHistory({ trades: deps.trades, clock: deps.clock }, HISTORY_LIMIT);
  }

  private now(): number {
    return this.deps.clock.now();
  }

  /** The accounts a query covers: one (404 when unknown) or all. */
  private async scope(query: Pick<ReadQuery, 'accountId'>): Promise<Account[]> {
    if (query.accountId === undefined)
      return (await this.deps.accounts.list()).sort((a, b) => a.accountId.localeCompare(b.accountId));
    const account = await this.deps.accounts.get(query.accountId);
    if (!account) throw new NotFoundError('account', `account ${query.accountId} not found`);
    return [account];
  }

  private async tradesOf(accounts: readonly Account[], query: ReadQuery): Promise<TradeItem[]> {
    const names = new Map(accounts.map((a) => [a.accountId, a.name]));
    return (await this.historyOf(accounts, query)).trades.map((t) => ({
      ...t,
      accountName: names.get(t.accountId) ?? '',
    }));
  }

  /** The matching trades of the accounts' histories, and when the oldest of them was last read whole. */
  private async historyOf(
    accounts: readonly Account[],
    query: ReadQuery,
  ): Promise<{ trades: TradeRecord[]; historyAsOf: number | null }> {
    const reads = await Promise.all(accounts.map((a) => this.history.read(a.accountId)));
    const historyAsOf = reads.length > 0 ? Math.min(...reads.map((r) => r.fullReadAt)) : null;
    // the stored records themselves, not copies: the figures' parsed decimals are kept per record
    const trades = reads
      .flatMap((r) => r.trades)
      .filter(
        (t) =>
          (query.symbol === undefined || t.symbol === query.symbol) &&
          (query.strategy === undefined || (t.strategy ?? 'manual') === query.strategy) &&
          (query.from === undefined || t.openedAt >= query.from) &&
          (query.to === undefined || t.openedAt <= query.to),
      );
    return { trades, historyAsOf };
  }

  async accountsOverview(): Promise<{ asOf: number; items: unknown[] }> {
    const asOf = this.now();
    const accounts = await this.scope({});
    const items = await Promise.all(
      accounts.map(async (a) => {
        const [snapshot, state, positions] = await Promise.all([
          this.deps.risk.latestSnapshot(a.accountId, asOf),
          this.deps.risk.getState(a.accountId),
          this.deps.positions.list(a.accountId),
        ]);
        return {
          accountId: a.accountId,
          name: a.name,
          exchange: a.exchange,
          mode: modeOf(a),
          status: a.status,
          currency: currencyOf(a),
          balance: snapshot
            ? { equity: snapshot.equity, free: snapshot.free, walletBalance: walletOf(snapshot) }
            : null,
          dataAsOf: snapshot?.at ?? null,
          killSwitches: SWITCH_NAMES.map((name) => {
            const s = state?.switches[name];
            return {
              name,
              tripped: s?.tripped ?? false,
              ...(s?.reason !== undefined ? { reason: s.reason } : {}),
              ...(s?.trippedAt !== undefined ? { at: s.trippedAt } : {}),
            };
          }),
          ...(a.haltedUntil !== undefined && a.haltedUntil > asOf
            ? { halt: { until: a.haltedUntil, reason: a.haltReason ?? '' } }
            : {}),
          openPositions: positions.filter(isOpen).length,
          ...(state?.lastEquityAt !== undefined ? { lastReconcileAt: state.lastEquityAt } : {}),
          // the base form only: the token-carrying URL is shown once, when the token is rotated
          ...(this.deps.webhookUrl ? { webhookUrl: `${this.deps.webhookUrl}/${encodeURIComponent(a.accountId)}` } : {}),
        };
      }),
    );
    return { asOf, items };
  }

  async positions(query: ReadQuery): Promise<{ asOf: number; dataAsOf: number | null; items: PositionView[] }> {
    const asOf = this.now();
    const accounts = await this.scope(query);
    let dataAsOf: number | null = null;
    const books = await Promise.all(
      accounts.map(async (a) => {
        const [book, snapshot] = await Promise.all([
          this.deps.positions.list(a.accountId),
          this.deps.risk.latestSnapshot(a.accountId, asOf),
        ]);
        const open = book.filter(isOpen).filter((p) => query.symbol === undefined || p.symbol === query.symbol);
        if (snapshot && open.length > 0) dataAsOf = dataAsOf === null ? snapshot.at : Math.min(dataAsOf, snapshot.at);
        return { account: a, open, snapshot };
      }),
    );
    const [trades, live, funding] = await Promise.all([
      Promise.all(books.map(({ account, open }) => this.openTradesOf(account.accountId, open))),
      this.livePricesOf(
        books.flatMap(({ account, open }) => open.map((p) => ({ exchange: account.exchange, symbol: p.symbol }))),
      ),
      this.fundingReadingsOf(
        books
          .filter(({ account }) => modeOf(account) === 'live')
          .flatMap(({ account, open }) => open.map((p) => ({ source: fundingSourceOf(account), symbol: p.symbol }))),
      ),
    ]);
    const items = books
      .flatMap(({ account, open, snapshot }, i) =>
        open.map((p, j) =>
          positionView(
            p,
            account.name,
            trades[i]?.[j],
            chooseMark(
              snapshot?.marks?.find((m) => m.symbol === p.symbol),
              snapshot?.at,
              live.get(`${account.exchange} ${p.symbol}`),
              asOf,
            ),
            {
              mode: modeOf(account),
              ...fundingEntry(funding.get(`${fundingSourceOf(account)} ${p.symbol}`)),
              now: asOf,
            },
          ),
        ),
      )
      .filter((p) => query.strategy === undefined || (p.strategy ?? 'manual') === query.strategy);
    return { asOf, dataAsOf, items };
  }

  /**
   * The watcher's latest tick of each market, keyed `<exchange> <symbol>`: one read per exchange.
   * Without a watcher (or when the read fails) none: the positions keep the risk-check job's marks.
   */
  private async livePricesOf(
    markets: readonly { exchange: string; symbol: string }[],
  ): Promise<Map<string, PriceTick>> {
    const found = new Map<string, PriceTick>();
    const store = this.deps.livePrices;
    if (!store || markets.length === 0) return found;
    const byExchange = new Map<string, Set<string>>();
    for (const { exchange, symbol } of markets)
      byExchange.set(exchange, (byExchange.get(exchange) ?? new Set()).add(symbol));
    await Promise.all(
      [...byExchange].map(async ([exchange, symbols]) => {
        const ticks = await store.latest(exchange, [...symbols]).catch(() => []);
        for (const tick of ticks) found.set(`${exchange} ${tick.symbol}`, tick);
      }),
    );
    return found;
  }

  /**
   * The funding rates the risk-check job recorded, keyed `<source> <symbol>`: one read per exchange
   * and network. Without a store (or when the read fails) none: the positions' funding is null.
   */
  private async fundingReadingsOf(
    markets: readonly { source: string; symbol: string }[],
  ): Promise<Map<string, FundingReading>> {
    const found = new Map<string, FundingReading>();
    const store = this.deps.funding;
    if (!store || markets.length === 0) return found;
    const bySource = new Map<string, Set<string>>();
    for (const { source, symbol } of markets) bySource.set(source, (bySource.get(source) ?? new Set()).add(symbol));
    await Promise.all(
      [...bySource].map(async ([source, symbols]) => {
        const stored = await store.read(source, [...symbols]).catch(() => []);
        for (const s of stored) if (s.reading) found.set(`${source} ${s.symbol}`, s.reading);
      }),
    );
    return found;
  }

  /**
   * The trades the open positions point at: one key-range Query from the oldest of them (trade ids
   * sort by opening time) instead of one GetItem each; a position whose trade the bounded range did
   * not reach is read by its key.
   */
  private async openTradesOf(
    accountId: string,
    open: readonly { tradeId: string }[],
  ): Promise<(TradeRecord | undefined)[]> {
    const reader = this.deps.trades;
    if (open.length < 2 || !reader.listSince) return Promise.all(open.map((p) => reader.get(accountId, p.tradeId)));
    const oldest = open.reduce((min, p) => (p.tradeId < min ? p.tradeId : min), open[0]!.tradeId);
    const since = await reader.listSince(accountId, oldest, OPEN_TRADES_READ_LIMIT);
    const byId = new Map(since.map((t) => [t.tradeId, t]));
    return Promise.all(open.map((p) => byId.get(p.tradeId) ?? reader.get(accountId, p.tradeId)));
  }

  async trades(query: ReadQuery): Promise<{ asOf: number } & Page<TradeItem>> {
    const asOf = this.now();
    const accounts = await this.scope(query);
    const reader = this.deps.trades;
    if (reader.listBefore) {
      const names = new Map(accounts.map((a) => [a.accountId, a.name]));
      const page = await tradePage(
        { listBefore: reader.listBefore.bind(reader) },
        accounts.map((a) => a.accountId),
        query,
        (t) => ({ ...t, accountName: names.get(t.accountId) ?? '' }),
      );
      return { asOf, ...page };
    }
    const trades = await this.tradesOf(accounts, query);
    return { asOf, ...paginate(trades, (t) => sortKey(t.openedAt, t.accountId, t.tradeId), query) };
  }

  /** Every trade the filters match, newest first (the CSV export: all pages). */
  async allTrades(query: ReadQuery): Promise<TradeItem[]> {
    const trades = await this.tradesOf(await this.scope(query), query);
    return paginate(trades, (t) => sortKey(t.openedAt, t.accountId, t.tradeId), { limit: Number.MAX_SAFE_INTEGER })
      .items;
  }

  async trade(
    accountId: string,
    tradeId: string,
  ): Promise<{ asOf: number; trade: TradeItem; orders: OrderRecord[]; events: StoredAuditEvent[] }> {
    const asOf = this.now();
    const [account] = await this.scope({ accountId });
    const trade = await this.deps.trades.get(accountId, tradeId);
    if (!account || !trade) throw new NotFoundError('trade', `trade ${tradeId} not found`);
    const signals = new Set([trade.openSignalId, ...(trade.closeSignalId ? [trade.closeSignalId] : [])]);
    const end = trade.closedAt ?? asOf;
    const [orders, events] = await Promise.all([
      this.deps.orders.listByAccount(accountId, HISTORY_LIMIT),
      this.deps.audit.listByAccount(accountId, HISTORY_LIMIT),
    ]);
    const inTrade = (at: number, signalId: string | undefined, symbol: string | undefined): boolean =>
      (signalId !== undefined && signals.has(signalId)) ||
      (symbol === trade.symbol && at >= trade.openedAt && at <= end);
    return {
      asOf,
      trade: { ...trade, accountName: account.name },
      orders: orders.filter((o) => inTrade(o.createdAt, o.signalId, o.symbol)),
      events: events.filter((e) => inTrade(e.at, e.signalId, (e.data as { symbol?: string } | undefined)?.symbol)),
    };
  }

  async byStrategy(
    query: ReadQuery,
  ): Promise<{ asOf: number; historyAsOf: number | null; items: ReturnType<typeof byStrategy> }> {
    const asOf = this.now();
    const { trades, historyAsOf } = await this.historyOf(await this.scope(query), query);
    return { asOf, historyAsOf, items: byStrategy(trades) };
  }

  async profitLoss(query: ReadQuery): Promise<unknown> {
    const asOf = this.now();
    const period = query.period ?? 'day';
    const accounts = await this.scope(query);
    const [{ trades: all, historyAsOf }, snapshots] = await Promise.all([
      this.historyOf(accounts, { ...query, from: undefined, to: undefined }),
      this.snapshotsOf(accounts, asOf),
    ]);
    const trades = all.filter(
      (t) =>
        (query.from === undefined || realizedAt(t) >= query.from) &&
        (query.to === undefined || realizedAt(t) <= query.to),
    );
    const start = this.startEquity(accounts, trades, snapshots);
    return {
      asOf,
      historyAsOf,
      period,
      items: profitLossSeries(trades, period),
      equity: dailyEquity(trades, start.start, asOf).map((p) => ({ at: p.at, equity: p.equity })),
    };
  }

  private snapshotsOf(accounts: readonly Account[], asOf: number): Promise<(EquitySnapshot | undefined)[]> {
    return Promise.all(accounts.map((a) => this.deps.risk.latestSnapshot(a.accountId, asOf)));
  }

  /**
   * Equity before the trades listed: a paper account's initial balance; a live one's equity now
   * less what the book says it made (realized and unrealized), since deposits are not recorded.
   */
  private startEquity(
    accounts: readonly Account[],
    trades: readonly TradeRecord[],
    snapshots: readonly (EquitySnapshot | undefined)[],
  ): { start: Big; equity: Big; unrealized: Big; dataAsOf: number | null; missing: number } {
    let start = new Big(0);
    let equity = new Big(0);
    let unrealized = new Big(0);
    let dataAsOf: number | null = null;
    let missing = 0;
    accounts.forEach((a, i) => {
      const snapshot = snapshots[i];
      const realized = trades
        .filter((t) => t.accountId === a.accountId)
        .reduce((sum, t) => sum.plus(decimalsOf(t).pnl), new Big(0));
      const upnl = new Big(snapshot?.unrealizedPnl ?? 0);
      const initial = a.settings.paper ? new Big(a.settings.paper.initialBalance) : undefined;
      if (snapshot) dataAsOf = dataAsOf === null ? snapshot.at : Math.min(dataAsOf, snapshot.at);
      else missing++;
      const now = snapshot ? new Big(snapshot.equity) : (initial ?? new Big(0)).plus(realized);
      start = start.plus(initial ?? now.minus(realized).minus(upnl));
      equity = equity.plus(now);
      unrealized = unrealized.plus(upnl);
    });
    return { start, equity, unrealized, dataAsOf, missing };
  }

  async summary(query: ReadQuery): Promise<unknown> {
    const asOf = this.now();
    const accounts = await this.scope(query);
    // the history and the balances in parallel: one Query per table and account
    const [{ trades, historyAsOf }, snapshots] = await Promise.all([
      this.historyOf(accounts, query),
      this.snapshotsOf(accounts, asOf),
    ]);
    const { start, equity, unrealized, dataAsOf, missing } = this.startEquity(accounts, trades, snapshots);
    const currencies = [...new Set(accounts.map(currencyOf))];
    const closed = trades.filter((t) => t.status === 'closed').length;
    const r = ratios(trades, start, asOf);
    const warnings: string[] = [];
    if (closed < FEW_TRADES)
      warnings.push(
        `${closed} closed trade${closed === 1 ? '' : 's'}: too few for the ratios to mean much (${FEW_TRADES} or more)`,
      );
    if (missing > 0)
      warnings.push(`${missing} account${missing === 1 ? ' has' : 's have'} no balance reading yet (risk-check job)`);
    if (currencies.length > 1)
      warnings.push(`accounts settle in ${currencies.join(', ')}: totals add them as they are`);
    const pnl = (from: number): PeriodPnl => periodPnl(trades, from, unrealized);
    return {
      asOf,
      dataAsOf,
      historyAsOf,
      currency: currencies.length === 1 ? currencies[0] : currencies.join('+') || 'USDT',
      equity: equity.toString(),
      startEquity: start.toString(),
      pnl: {
        today: pnl(bucketStart(asOf, 'day')),
        d7: pnl(asOf - 7 * DAY_MS),
        d30: pnl(asOf - 30 * DAY_MS),
        all: pnl(0),
      },
      winRate: r.winRate,
      trades: closed,
      sharpe: r.sharpe,
      sortino: r.sortino,
      calmar: r.calmar,
      maxDrawdownPct: r.maxDrawdownPct,
      returnPct: start.gt(0) ? Number(equity.div(start).minus(1).times(100).round(4).toString()) : null,
      buyAndHoldPct: await this.buyAndHold(accounts, trades, asOf),
      warnings,
    };
  }

  /**
   * Holding the most-traded symbol from the first trade's open to now, percent; null without a
   * price source or a price at either end.
   */
  private async buyAndHold(
    accounts: readonly Account[],
    trades: readonly TradeRecord[],
    asOf: number,
  ): Promise<number | null> {
    if (trades.length === 0) return null;
    const counts = new Map<string, number>();
    for (const t of trades) counts.set(t.symbol, (counts.get(t.symbol) ?? 0) + 1);
    const symbol = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    const prices = this.deps.prices ?? this.candlePrices(this.candleSourceFor(accounts, trades, symbol));
    if (!prices) return null;
    const first = Math.min(...trades.map((t) => t.openedAt));
    const [p0, p1] = await Promise.all([prices.priceAt(symbol, first), prices.priceAt(symbol, asOf)]);
    if (!p0 || !p1) return null;
    return Number(new Big(p1).div(p0).minus(1).times(100).round(4).toString());
  }

  async orders(query: ReadQuery): Promise<{ asOf: number } & Page<OrderRecord>> {
    const asOf = this.now();
    const accounts = await this.scope(query);
    const lists = await Promise.all(accounts.map((a) => this.deps.orders.listByAccount(a.accountId, HISTORY_LIMIT)));
    const items = lists
      .flat()
      .filter(
        (o) =>
          (query.symbol === undefined || o.symbol === query.symbol) &&
          (query.status === undefined || o.status === query.status) &&
          (query.from === undefined || o.createdAt >= query.from) &&
          (query.to === undefined || o.createdAt <= query.to),
      );
    return { asOf, ...paginate(items, (o) => sortKey(o.createdAt, o.accountId, o.clientOrderId), query) };
  }

  async events(query: ReadQuery): Promise<{ asOf: number } & Page<StoredAuditEvent>> {
    const asOf = this.now();
    const accounts = await this.scope(query);
    const lists = await Promise.all(accounts.map((a) => this.deps.audit.listByAccount(a.accountId, HISTORY_LIMIT)));
    const items = lists
      .flat()
      .filter(
        (e) =>
          (query.type === undefined || e.type === query.type) &&
          (query.from === undefined || e.at >= query.from) &&
          (query.to === undefined || e.at <= query.to),
      );
    return {
      asOf,
      ...paginate(items, (e) => sortKey(e.at, e.accountId, e.eventId ?? e.type, e.signalId ?? ''), query),
    };
  }

  /** The alert log, each accepted alert joined with what became of its signal (the ledger's status). */
  async alerts(query: ReadQuery): Promise<{ asOf: number } & Page<unknown>> {
    const asOf = this.now();
    const accounts = await this.scope(query);
    const alerts = this.deps.alerts;
    if (!alerts) return { asOf, items: [] };
    const lists = await Promise.all(
      accounts.map(async (a) => {
        const [page, signals] = await Promise.all([
          alerts.list(a.accountId, {
            ...(query.from !== undefined ? { from: query.from } : {}),
            ...(query.to !== undefined ? { to: query.to } : {}),
            // the alert log's page bound (AlertLog.list takes 1..1000): the newest 1,000 per account
            limit: Math.min(HISTORY_LIMIT, ALERT_LOG_PAGE_MAX),
          }),
          this.deps.signals.listSignals(a.accountId, HISTORY_LIMIT),
        ]);
        const bySignal = new Map(signals.map((s) => [s.signalId, s]));
        return page.items.map((alert) => {
          const { sourceIp: _ip, alertKey: _key, ...shown } = alert;
          const signal = alert.signalId !== undefined ? bySignal.get(alert.signalId) : undefined;
          return {
            ...shown,
            ...(signal ? { signalStatus: signal.status } : {}),
            ...(signal?.status === 'rejected' && signal.outcome ? { rejectReason: signal.outcome } : {}),
            // what an executed signal did (the ensemble's vote on an entry included)
            ...(signal?.status === 'executed' && signal.outcome ? { signalOutcome: signal.outcome } : {}),
          };
        });
      }),
    );
    const items = lists.flat().filter((a) => query.symbol === undefined || a.symbol === query.symbol);
    return { asOf, ...paginate(items, (a) => sortKey(a.receivedAt, a.accountId, a.requestId), query) };
  }

  async candles(query: ReadQuery): Promise<unknown> {
    const asOf = this.now();
    if (query.symbol === undefined) throw new NotFoundError('symbol', 'symbol is required');
    const accounts = await this.scope(query);
    const timeframe = (query.timeframe ?? '1h') as StrategyTimeframe;
    const to = query.to ?? asOf;
    const from = query.from ?? to - 30 * DAY_MS;
    const trades = (await this.tradesOf(accounts, { ...query, from: undefined, to: undefined })).filter(
      (t) => t.openedAt <= to && (t.closedAt ?? asOf) >= from,
    );
    const positions = (await Promise.all(accounts.map((a) => this.deps.positions.list(a.accountId))))
      .flat()
      .filter(isOpen)
      .filter((p) => p.symbol === query.symbol);
    const markers = trades.flatMap((t) => [
      {
        time: t.openedAt,
        kind: 'entry',
        side: t.side,
        price: t.entryPrice,
        tradeId: t.tradeId,
        label: `${t.side} ${t.maxQuantity}`,
      },
      ...(t.status === 'closed' && t.closedAt !== undefined
        ? [
            {
              time: t.closedAt,
              kind: t.exitReason === 'stop_loss' ? 'stop' : t.exitReason === 'take_profit' ? 'target' : 'exit',
              side: t.side,
              price: t.exitPrice ?? t.entryPrice,
              tradeId: t.tradeId,
              label: `${t.exitReason ?? 'exit'} ${new Big(t.realizedPnl).round(2).toString()}`,
            },
          ]
        : []),
    ]);
    const levels = positions.flatMap((p) => [
      { kind: 'entry', price: p.entryPrice, from: p.openedAt ?? from },
      ...(p.stopLoss ? [{ kind: 'stop', price: p.stopLoss.triggerPrice, from: p.openedAt ?? from }] : []),
      // the trail beside a fixed stop: a line where it rests now (a native one has no trigger to draw)
      ...(p.trailingStop?.triggerPrice
        ? [{ kind: 'stop', price: p.trailingStop.triggerPrice, from: p.openedAt ?? from }]
        : []),
      ...(p.takeProfits ?? []).map((t) => ({ kind: 'target', price: t.triggerPrice, from: p.openedAt ?? from })),
    ]);
    const source = this.candleSourceFor(accounts, trades, query.symbol);
    const warnings: string[] = [];
    let candles: CandleBar[] = [];
    let span: number | undefined;
    if (!source) warnings.push('no candle source for this account');
    else {
      try {
        span = source.spanMs(timeframe);
        const limit = Math.min(MAX_CANDLES, Math.max(1, Math.ceil((to - from) / span)));
        candles = candleBars(await source.closedCandles(query.symbol, timeframe, limit, to)).filter(
          (x) => x.time >= from,
        );
      } catch (error) {
        // A slow or failing exchange costs the chart its candles, never the answer.
        candles = [];
        warnings.push(`candles unavailable: ${error instanceof Error ? error.message.slice(0, 160) : 'unknown'}`);
      }
    }
    return {
      asOf,
      symbol: query.symbol,
      timeframe,
      candles,
      markers: placeMarkers(markers, candles, span).sort((a, b) => a.time - b.time),
      levels,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }

  /**
   * Whose candles a chart of `symbol` shows: the exchange of the first account in scope that
   * traded it (else the first account's), so markers and candles come from the same market.
   */
  private candleSourceFor(
    accounts: readonly Account[],
    trades: readonly TradeRecord[],
    symbol: string,
  ): CandleSource | undefined {
    if (!this.deps.candles || accounts.length === 0) return undefined;
    const traded = accounts.find((a) => trades.some((t) => t.accountId === a.accountId && t.symbol === symbol));
    return this.deps.candles((traded ?? accounts[0]!).exchange);
  }

  /** A price at a moment: the close of the last hourly candle that ended by then. */
  private candlePrices(source: CandleSource | undefined): HistoricalPrices | undefined {
    if (!source) return undefined;
    return {
      priceAt: async (symbol, at) => {
        try {
          const c = await source.closedCandles(symbol, '1h', 1, at);
          const close = c.close[c.close.length - 1];
          return close !== undefined && close > 0 ? close : undefined;
        } catch {
          return undefined; // no market data: no comparison
        }
      },
    };
  }

  /** Each account's strategy subscriptions as the runner trades them (settings.strategies). */
  async strategies(query: Pick<ReadQuery, 'accountId' | 'strategy'>): Promise<{ asOf: number; items: unknown[] }> {
    const asOf = this.now();
    const accounts = await this.scope(query);
    const items = accounts.flatMap((a) =>
      (a.settings.strategies ?? [])
        .filter((s) => query.strategy === undefined || s.strategy === query.strategy)
        .map((s) => ({
          accountId: a.accountId,
          accountName: a.name,
          id: s.id,
          strategy: s.strategy,
          symbol: s.symbol,
          timeframe: s.timeframe,
          params: s.params,
          size: s.size ?? null,
          ...(s.leverage !== undefined ? { leverage: s.leverage } : {}),
          enabled: s.enabled,
          updatedAt: s.updatedAt,
        })),
    );
    return { asOf, items };
  }

  /**
   * What a compare and a quality report of one subscription share: its account, the candle
   * source, the backtest's starting cash and the range (default: the last 30 days, or as many
   * candles as the bound leaves after the warm-up). No source: `run` is absent.
   */
  private async subscriptionRange(
    accountId: string,
    subscriptionId: string,
    query: Pick<ReadQuery, 'from' | 'to'>,
  ): Promise<{
    head: Record<string, unknown>;
    warnings: string[];
    run?: { source: CandleSource; input: StrategyCompareInput; span: number; account: Account; to: number };
  }> {
    const asOf = this.now();
    const [account] = await this.scope({ accountId });
    const subscription = (account!.settings.strategies ?? []).find((s) => s.id === subscriptionId);
    if (!subscription)
      throw new NotFoundError('strategy', `account ${accountId} has no strategy subscription ${subscriptionId}`);
    const warnings: string[] = [];
    const head = {
      asOf,
      accountId,
      accountName: account!.name,
      id: subscription.id,
      strategy: subscription.strategy,
      symbol: subscription.symbol,
      timeframe: subscription.timeframe,
    };
    const source = this.deps.candles?.(account!.exchange);
    if (!source) return { head, warnings: ['no candle source for this account'] };

    let cash = COMPARE_DEFAULT_CASH;
    if (!account!.settings.paper) {
      const snapshot = await this.deps.risk.latestSnapshot(accountId, asOf);
      if (snapshot && Number(snapshot.equity) > 0) cash = Number(snapshot.equity);
      else warnings.push(`no balance reading yet: the backtest starts from ${COMPARE_DEFAULT_CASH}`);
    }
    const to = query.to ?? asOf;
    const span = source.spanMs(subscription.timeframe);
    const base = subscriptionCompareInput(account!, subscription, {
      from: query.from ?? 0,
      to,
      cash,
      market: this.deps.markets?.(subscription.symbol),
      maxCandles: MAX_COMPARE_CANDLES,
    });
    // the default range: the last 30 days, or as many candles as the bound leaves after the warm-up
    const warmup = compareCandleCount({ ...base, from: to, to }, span);
    const input = {
      ...base,
      from: query.from ?? Math.max(to - COMPARE_DEFAULT_MS, to - (MAX_COMPARE_CANDLES - warmup) * span),
    };
    return { head, warnings, run: { source, input, span, account: account!, to } };
  }

  /** A backtest for a compare or a quality report: input errors as the query's, a failing exchange as a warning. */
  private async backtestOrReason<T>(run: () => Promise<T>): Promise<T | { unavailable: string }> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof CompareInputError) throw new QueryError(error.field, `${error.field}: ${error.message}`);
      if (error instanceof InvalidArgumentError) throw error;
      // A slow or failing exchange costs the compare its backtest, never the API.
      const reason = error instanceof Error ? error.message.slice(0, 160) : 'unknown';
      return { unavailable: `candles unavailable: ${reason}` };
    }
  }

  /**
   * One subscription's results next to a backtest of it over the same candles (reporting's
   * strategy compare, the CLI's `strategy compare`): computed when asked, never polled; the
   * backtest of a range whose candles were already read is kept (a warm function's memo), the
   * account's trades are read fresh each time.
   */
  async strategyCompare(
    accountId: string,
    subscriptionId: string,
    query: Pick<ReadQuery, 'from' | 'to'>,
  ): Promise<unknown> {
    const { head, warnings, run: setup } = await this.subscriptionRange(accountId, subscriptionId, query);
    if (!setup) return { ...head, comparison: null, warnings };
    const { source, input, span, account, to } = setup;
    const run = await this.backtestOrReason(() => backtestForCompare(source, input, this.compareMemo));
    if ('unavailable' in run)
      return { ...head, from: input.from, to, comparison: null, warnings: [...warnings, run.unavailable] };
    const { trades } = await this.historyOf([account], { limit: HISTORY_LIMIT });
    const result = compareWithBacktest(run, trades, input, span);
    const c = result.comparison;
    return {
      ...head,
      from: input.from,
      to,
      params: input.params,
      candles: result.candles,
      config: compareConfigView(result.config),
      comparison: c,
      // account − backtest: what the paper (or live) account did differently from the backtest
      difference: {
        trades: c.account.trades - c.backtest.trades,
        pnl: new Big(c.account.pnl).minus(c.backtest.pnl).toString(),
        returnPct: c.account.returnPct - c.backtest.returnPct,
        winRatePct: c.account.winRatePct - c.backtest.winRatePct,
        maxDrawdownPct: c.account.maxDrawdownPct - c.backtest.maxDrawdownPct,
      },
      warnings: [...warnings, ...result.warnings],
    };
  }

  /**
   * One subscription's quality score (reporting's strategy quality, the CLI's `strategy quality`):
   * the backtest of the range, a walk-forward over it and the account's trades beside the
   * backtest. Same range, bound and keeping as the compare; the account's trades read fresh.
   */
  async strategyQuality(
    accountId: string,
    subscriptionId: string,
    query: Pick<ReadQuery, 'from' | 'to'>,
  ): Promise<unknown> {
    const { head, warnings, run: setup } = await this.subscriptionRange(accountId, subscriptionId, query);
    if (!setup) return { ...head, quality: null, warnings };
    const { source, input, span, account, to } = setup;
    const run = await this.backtestOrReason(() => backtestForQuality(source, input, this.qualityMemo));
    if ('unavailable' in run)
      return { ...head, from: input.from, to, quality: null, warnings: [...warnings, run.unavailable] };
    const { trades } = await this.historyOf([account], { limit: HISTORY_LIMIT });
    const result = qualityWithTrades(run, trades, input, span);
    return {
      ...head,
      from: input.from,
      to,
      params: input.params,
      candles: result.candles,
      config: compareConfigView(result.config),
      metrics: result.metrics,
      walkForward: result.walkForward ?? null,
      live: {
        account: result.comparison.account,
        backtest: result.comparison.backtest,
        pairs: result.comparison.pairs.length,
      },
      quality: result.quality,
      warnings,
    };
  }

  /**
   * One account's risk settings: what it overrides, what the risk engine applies (the defaults
   * merged), each kill switch, and the usage `risk show` prints (RiskReport, the same code).
   */
  async risk(accountId: string): Promise<unknown> {
    const asOf = this.now();
    const [account] = await this.scope({ accountId });
    const view = await new RiskReport({ ...this.deps }).show(accountId);
    return {
      asOf,
      accountId,
      status: view.status,
      entries: view.entries,
      ...(view.blockedBy ? { blockedBy: view.blockedBy } : {}),
      overrides: account!.settings.risk ?? {},
      effective: accountRiskConfig(account!),
      switches: view.switches,
      usage: view.usage,
    };
  }

  async health(): Promise<{ asOf: number; accounts: unknown[]; queue: QueueDepth | null }> {
    const asOf = this.now();
    const accounts = await this.scope({});
    const [states, queue] = await Promise.all([
      Promise.all(accounts.map((a) => this.deps.risk.getState(a.accountId))),
      this.deps.queue ? this.deps.queue.read().catch(() => null) : Promise.resolve(null),
    ]);
    return {
      asOf,
      accounts: accounts.map((a, i) => {
        const at = states[i]?.lastEquityAt;
        return {
          accountId: a.accountId,
          lastReconcileAt: at ?? null,
          ageSeconds: at !== undefined ? Math.max(0, Math.round((asOf - at) / 1000)) : null,
          ok: a.status !== 'active' || (at !== undefined && asOf - at <= STALE_RECONCILE_MS),
        };
      }),
      queue,
    };
  }
}

/** The most candles one chart request reads. */
export const MAX_CANDLES = 1_000;

export interface CandleBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const candleBars = (c: Candles): CandleBar[] =>
  [...c.time].map((time, i) => ({
    time,
    open: c.open[i]!,
    high: c.high[i]!,
    low: c.low[i]!,
    close: c.close[i]!,
    volume: c.volume[i]!,
  }));

/**
 * Each marker with `candleTime`: the open time of the candle its fill falls in (a chart library
 * draws a marker on a bar, so it must name one). The candles answered decide where one can be
 * (a replay's candles are not aligned to the epoch); before, between or after them the marker's
 * time is bucketed by the span; without a span (no candles) it keeps its own time.
 */
export function placeMarkers<M extends { time: number }>(
  markers: readonly M[],
  candles: readonly CandleBar[],
  span: number | undefined,
): (M & { candleTime: number })[] {
  return markers.map((m) => {
    const bar = candles.find((c) => span !== undefined && m.time >= c.time && m.time < c.time + span);
    const origin = candles[0]?.time ?? 0;
    const candleTime =
      bar?.time ?? (span !== undefined ? origin + Math.floor((m.time - origin) / span) * span : m.time);
    return { ...m, candleTime };
  });
}

/** The settings of a compare's backtest the console shows. */
const compareConfigView = (config: CompareBacktest['config']) => ({
  cash: config.cash,
  takerFee: config.takerFee,
  slippageBps: config.slippageBps,
  size: config.size,
  leverage: config.leverage,
});

/** The last `size` backtests a compare (or a quality report) ran, the oldest dropped first. */
class BoundedMemo<T> {
  private readonly runs = new Map<string, T>();
  constructor(private readonly size: number) {}
  get(key: string): T | undefined {
    const run = this.runs.get(key);
    if (run) {
      // a hit becomes the newest
      this.runs.delete(key);
      this.runs.set(key, run);
    }
    return run;
  }
  set(key: string, run: T): void {
    this.runs.set(key, run);
    while (this.runs.size > this.size) this.runs.delete(this.runs.keys().next().value as string);
  }
}

/** Wallet balance = equity − unrealized P&L (the snapshot keeps equity and unrealized). */
const walletOf = (s: EquitySnapshot): Decimal => new Big(s.equity).minus(s.unrealizedPnl).toString();
