// The scheduled risk job (every minute): for each account, under a per-account lease, read the
// exchange (balance, positions, prices), book protective fills and restore one-cancels-other,
// reconcile the book with the exchange, re-arm a missing stop, move emulated trailing stops, write
// an equity snapshot, then run the kill switches and act on them (flatten, disable, alert). Safe
// to run while the executor trades the same account: every booking is keyed by a client order id
// and every table write is conditional; the lease only keeps two runs of this job apart.
import type { Account } from '../domain/account';
import { Big, type Decimal } from '../domain/money';
import { applyFunding, isOpen } from '../domain/trade-math';
import type { BookPosition, PositionSide } from '../domain/trade';
import { ConditionalConflictError } from '../errors';
import type {
  AccountRepository,
  AuditLog,
  Clock,
  ExchangeFactory,
  ExchangePort,
  ExchangePosition,
  KeyVault,
  OrderReads,
  OrderRepository,
  PositionBook,
  PositionMark,
  RiskStore,
  TradeRepository,
} from './ports';
import { accountRiskConfig } from '../risk/account-config';
import { marketTime } from '../risk/market-time';
import { emptyRiskState, type ExchangeCall, type RiskState } from '../risk/state';
import { runScheduledSwitches, type ScheduledOutcome, type SwitchEvent } from '../risk/switches';
import { switchAuditEvents } from '../risk/switch-audit';
import { emulatedTrailSlot, entryEvent, refsOf, trailBest, wantsStop, type ProtectionManager } from '../execution';
import type { ReconcileBook, ReconcileFindings } from './reconcile-book';
import type { FundingRecorder, HeldMarkets } from './funding-recorder';
import { VolatilityIndexReader } from './volatility-index';
import type { ExchangeVolatility } from '../risk/switches';

export interface RiskCheckDeps {
  accounts: Pick<AccountRepository, 'list' | 'setStatus'>;
  positions: Pick<PositionBook, 'list'>;
  orders: Pick<OrderRepository, 'listByAccount' | 'get'>;
  trades: Pick<TradeRepository, 'listByAccount' | 'get' | 'replace'>;
  risk: RiskStore;
  vault: KeyVault;
  exchanges: ExchangeFactory;
  protection: ProtectionManager;
  reconcile: ReconcileBook;
  audit: AuditLog;
  clock: Clock;
  /** this run's lease owner (request id) and how long the lease lasts: longer than one run */
  owner: string;
  leaseMs: number;
  /**
   * Market minutes per wall-clock minute (1 in the cloud). The local stack replays hourly candles
   * every few seconds: its circuit-breaker windows are judged in replayed minutes.
   */
  marketSpeed?: number;
  /**
   * An open position without the stop its entry asked for is left alone this long after its last
   * book change (default 1 min): the executor arms right after booking, and arming it here at the
   * same moment would place a second set of orders.
   */
  unprotectedGraceMs?: number;
  /**
   * The price watcher takes an account's lease for a moment to move an emulated trail or write a
   * breaker sample (docs/WATCHER.md): a lease found held is asked for again this many times, `ms`
   * apart, before the account counts as busy, so a watcher's sub-second move does not cost the
   * account its whole check for the minute. Absent: busy at once.
   */
  leaseWait?: { attempts: number; ms: number; sleep: (ms: number) => Promise<void> };
  /**
   * The safety net of sliced entries (docs/EXECUTION-ALGOS.md, execution/algo AlgoControl): a running
   * parent whose next child is overdue by more than an interval and a minute has it scheduled again
   * (same child id, so never a second order). Absent: the stage has no slice timer.
   */
  slices?: { resendOverdue(accountId: string): Promise<string[]> };
  /**
   * Records the funding rates of the markets the live accounts hold, for the console
   * (docs/FUNDING.md "In the console"): once every account's check is done, time-boxed, never
   * failing the run. Absent: nothing recorded.
   */
  funding?: Pick<FundingRecorder, 'record'>;
  /**
   * The exchange's own volatility index (docs/REGIMES.md), read when the account's volatility
   * trigger is on and its exchange exposes one. Absent: one reader for this job's life, 15-minute
   * reuse, 3 s time box, skips unsaid.
   */
  volatilityIndex?: Pick<VolatilityIndexReader, 'read'>;
}

const UNPROTECTED_GRACE_MS = 60_000;

export interface RiskCheckReport {
  accounts: number;
  /** accounts another run held the lease of */
  busy: number;
  protectiveFills: number;
  entriesArmed: number;
  closedOutside: number;
  external: number;
  orphansCanceled: number;
  stopsRearmed: number;
  trailingMoved: number;
  /** open trades whose funding payments were counted this run */
  fundingBooked: number;
  snapshots: number;
  switchEvents: number;
  flattened: number;
  /** sliced entries' children re-sent by the safety net */
  slicesResent: number;
  /** markets whose funding rate was read and recorded (after the safety work) */
  fundingRatesRead: number;
  errors: number;
}

const emptyReport = (): RiskCheckReport => ({
  accounts: 0,
  busy: 0,
  protectiveFills: 0,
  entriesArmed: 0,
  closedOutside: 0,
  external: 0,
  orphansCanceled: 0,
  stopsRearmed: 0,
  trailingMoved: 0,
  fundingBooked: 0,
  snapshots: 0,
  switchEvents: 0,
  flattened: 0,
  slicesResent: 0,
  fundingRatesRead: 0,
  errors: 0,
});

export class RiskCheck {
  private readonly volatilityIndex: Pick<VolatilityIndexReader, 'read'>;
  /** the current run's deadline: the volatility index read starts only with time left */
  private deadline: number | undefined;

  constructor(private readonly deps: RiskCheckDeps) {
    this.volatilityIndex = deps.volatilityIndex ?? new VolatilityIndexReader();
  }

  /** `deadline` (epoch ms): when the run must be over (the Lambda's timeout); funding recording fits before it. */
  async run(options: { deadline?: number } = {}): Promise<RiskCheckReport> {
    const report = emptyReport();
    this.deadline = options.deadline;
    const now = this.deps.clock.now();
    // Paused and disabled accounts too: their stops, books and snapshots still matter. Banned ones
    // wait for the ban to end (every call would lengthen it).
    const accounts = (await this.deps.accounts.list()).filter(
      (a) => !(a.haltedUntil !== undefined && now < a.haltedUntil) && (a.exchange === 'paper' || a.credentials),
    );
    const held: HeldMarkets[] = [];
    for (const account of accounts) {
      report.accounts++;
      if (!(await this.lease(account.accountId))) {
        report.busy++;
        continue;
      }
      try {
        const symbols = await this.check(account, report);
        if (account.exchange !== 'paper') held.push({ exchange: account.exchange, testnet: account.testnet, symbols });
      } catch (error) {
        // One account's failure (keys revoked, exchange down) must not stop the others.
        report.errors++;
        await this.deps.audit.append({
          accountId: account.accountId,
          type: 'alert',
          at: this.deps.clock.now(),
          message: `risk check failed: ${error instanceof Error ? error.message : String(error)}`,
          data: { severity: 'warning' },
        });
      } finally {
        await this.deps.risk.releaseLease(account.accountId, this.deps.owner).catch(() => undefined);
      }
    }
    // Last: every account's stops and switches are done before an exchange is asked for market data.
    if (this.deps.funding && held.length > 0)
      report.fundingRatesRead += (
        await this.deps.funding.record(held, options.deadline).catch(() => ({ read: 0 }))
      ).read;
    return report;
  }

  private async lease(accountId: string): Promise<boolean> {
    const wait = this.deps.leaseWait;
    for (let attempt = 0; ; attempt++) {
      const now = this.deps.clock.now();
      if (await this.deps.risk.acquireLease(accountId, this.deps.owner, now + this.deps.leaseMs, now)) return true;
      if (!wait || attempt >= wait.attempts) return false;
      await wait.sleep(wait.ms);
    }
  }

  /** One account, in order: read the exchange, protective fills, reconcile, stops, snapshot, switches. */
  async checkAccount(account: Account, report: RiskCheckReport = emptyReport()): Promise<RiskCheckReport> {
    await this.check(account, report);
    return report;
  }

  /** The check itself; answers the symbols the account holds (its book's and its exchange's). */
  private async check(account: Account, report: RiskCheckReport): Promise<string[]> {
    const { accountId } = account;
    // First, and without the exchange: a sliced entry's lost child must not wait for a healthy exchange.
    if (this.deps.slices) report.slicesResent += (await this.deps.slices.resendOverdue(accountId)).length;
    const credentials = account.credentials ? await this.deps.vault.decrypt(accountId, account.credentials) : undefined;
    const exchange = await this.deps.exchanges.forAccount(account, credentials);
    const calls: ExchangeCall[] = [];
    const timed = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
      const started = this.deps.clock.now();
      const t0 = performance.now();
      try {
        const value = await call();
        calls.push({ at: started, ok: true, ms: Math.round(performance.now() - t0) });
        return value;
      } catch {
        calls.push({ at: started, ok: false, ms: Math.round(performance.now() - t0) });
        return undefined;
      }
    };

    // Protective fills first: a stop the exchange filled is booked as a stop, not as a manual close.
    // Paper accounts too: the paper trigger job books them at once, but a run that died between
    // the trigger and the booking leaves the fill to this one (bookings are idempotent).
    // The stops read here are not read again when guardStops checks they still rest.
    const reads: OrderReads = new Map();
    await this.syncProtection(account, exchange, report, reads);

    const [balance, live] = await Promise.all([
      timed(() => exchange.fetchBalance()),
      timed(() => exchange.fetchPositions()),
    ]);
    let findings: ReconcileFindings | undefined;
    if (live) {
      findings = await this.deps.reconcile.run(accountId, exchange, live);
      report.closedOutside += findings.closedOutside + findings.reducedOutside;
      report.external += findings.external;
      report.orphansCanceled += findings.orphansCanceled;
    }

    const book = (await this.deps.positions.list(accountId)).filter(isOpen);
    const symbols = [...new Set([...book.map((p) => p.symbol), ...(live ?? []).map((p) => p.symbol)])];
    const quotes = new Map<string, { last: number; at: number; spreadBps?: number }>();
    for (const symbol of symbols) {
      const quote = await timed(() => exchange.fetchPrice(symbol));
      if (!quote) continue;
      const spreadBps =
        quote.bid && quote.ask && quote.ask >= quote.bid
          ? ((quote.ask - quote.bid) / ((quote.ask + quote.bid) / 2)) * 10_000
          : undefined;
      quotes.set(symbol, {
        last: quote.last,
        at: marketTime(this.deps.clock.now(), this.deps.marketSpeed),
        ...(spreadBps !== undefined ? { spreadBps } : {}),
      });
    }

    if (exchange.fetchFundingPayments) report.fundingBooked += await this.bookFunding(exchange, book);
    let state = (await this.deps.risk.getState(accountId)) ?? emptyRiskState(accountId, this.deps.clock.now());
    if (live) state = await this.guardStops(account, exchange, book, quotes, state, report, reads);

    if (balance) {
      const unrealizedPnl = (live ?? []).reduce((sum, p) => sum.plus(p.unrealizedPnl || 0), new Big(0));
      const exposure = (live ?? []).reduce(
        (sum, p) => sum.plus(new Big(p.quantity).times(quotes.get(p.symbol)?.last ?? p.entryPrice).abs()),
        new Big(0),
      );
      await this.deps.risk.putSnapshot({
        accountId,
        at: this.deps.clock.now(),
        equity: balance.equity,
        free: balance.free,
        unrealizedPnl: unrealizedPnl.toString(),
        openPositions: (live ?? []).length,
        exposure: exposure.toString(),
        marks: positionMarks(live ?? [], quotes),
      });
      report.snapshots++;
    }

    // After the stops and the snapshot: the index is a slow figure and its read must not delay them.
    const exchangeVolatility = await this.readVolatilityIndex(account, exchange, [...quotes.keys()]);
    const outcome = await this.runSwitches(account, state, balance?.equity, quotes, calls, exchangeVolatility);
    report.switchEvents += outcome.events.length;
    await this.act(account, exchange, outcome, report);
    return symbols;
  }

  private async syncProtection(
    account: Account,
    exchange: ExchangePort,
    report: RiskCheckReport,
    reads: OrderReads,
  ): Promise<void> {
    const guarded = (await this.deps.positions.list(account.accountId)).filter(
      (p) => isOpen(p) && refsOf(p).length > 0,
    );
    // Resting limit entries whose sl/tp wait for the fill (recent orders: entries rest hours, not months).
    const waiting = (await this.deps.orders.listByAccount(account.accountId, 200)).filter(
      (o) => o.protection && !o.bookedAt && (o.status === 'open' || o.status === 'partially_filled'),
    );
    if (waiting.length)
      report.entriesArmed += await this.deps.protection.armFilledEntries(exchange, waiting, (symbol) =>
        exchange.loadMarket(symbol),
      );
    for (const position of guarded) {
      const result = await this.deps.protection.sync(
        exchange,
        position,
        await exchange.loadMarket(position.symbol),
        reads,
      );
      report.protectiveFills += result.fills;
    }
  }

  /**
   * Funding paid or received on open positions since the last payment counted: the trade's P&L
   * carries it when it closes. Conditional on the trade being unchanged since read; a trade the
   * executor touched meanwhile is counted on the next run.
   */
  private async bookFunding(exchange: ExchangePort, positions: readonly BookPosition[]): Promise<number> {
    let booked = 0;
    for (const position of positions) {
      if (!position.tradeId || !exchange.fetchFundingPayments) continue;
      const trade = await this.deps.trades.get(position.accountId, position.tradeId);
      if (!trade || trade.status !== 'open') continue;
      const payments = await exchange
        .fetchFundingPayments(position.symbol, trade.fundingSyncedAt ?? trade.openedAt)
        .catch(() => []);
      const next = applyFunding(trade, payments, this.deps.clock.now());
      if (!next) continue;
      try {
        await this.deps.trades.replace(next.trade, trade.updatedAt);
        await this.deps.audit.append(entryEvent(position.accountId, next.entry, this.deps.clock.now()));
        booked++;
      } catch (error) {
        if (!(error instanceof ConditionalConflictError)) throw error;
      }
    }
    return booked;
  }

  /** A stop that vanished is placed again; emulated trailing stops follow the best price. */
  private async guardStops(
    account: Account,
    exchange: ExchangePort,
    positions: readonly BookPosition[],
    quotes: Map<string, { last: number }>,
    state: RiskState,
    report: RiskCheckReport,
    reads: OrderReads,
  ): Promise<RiskState> {
    const trailing: RiskState['trailing'] = {};
    for (const position of positions) {
      if (!isOpen(position)) continue;
      if (!position.stopLoss && !position.trailingStop) {
        const last = quotes.get(position.symbol)?.last;
        if (last !== undefined && (await this.armUnprotected(account, exchange, position, last))) report.stopsRearmed++;
        continue;
      }
      const last = quotes.get(position.symbol)?.last;
      if (last === undefined) {
        const kept = state.trailing[position.symbol];
        if (kept) trailing[position.symbol] = kept; // no price this run: keep the mark
        continue;
      }
      const market = await exchange.loadMarket(position.symbol);
      const held = position as BookPosition & { side: PositionSide };
      // The fixed stop first, then the trail beside it. Each re-arm rewrites the book's protection,
      // so after one the rest waits for the next run (on a fresh read); the position has a stop.
      let rearmed = false;
      for (const slot of ['stopLoss', 'trailingStop'] as const) {
        const ref = position[slot];
        if (!ref) continue;
        const status = await this.deps.protection.rearmStop(exchange, held, market, last, reads, slot);
        if (status !== 'rearmed' && status !== 'closed') continue;
        report.stopsRearmed++;
        rearmed = true;
        await this.deps.audit.append({
          accountId: account.accountId,
          type: 'reconcile',
          at: this.deps.clock.now(),
          message: `${position.symbol}: the ${slot === 'trailingStop' ? 'trailing stop' : 'stop'} ${ref.triggerPrice} was missing on the exchange; ${status === 'rearmed' ? 'placed again' : 'price already through it: closed at market'}`,
          data: { symbol: position.symbol, trigger: ref.triggerPrice, action: status },
        });
        break;
      }
      if (rearmed) continue;
      if (emulatedTrailSlot(position)) {
        const best = trailBest(held.side, state.trailing[position.symbol], position, last);
        trailing[position.symbol] = { tradeId: position.tradeId as string, best };
        const moved = await this.deps.protection.trailStop(exchange, held, market, best);
        if (moved) report.trailingMoved++;
      }
    }
    return { ...state, trailing };
  }

  /**
   * A position whose entry asked for a stop and that has none on the book (never armed: the
   * process died after the fill, or arming failed for good and nothing retried it). The stop the
   * entry recorded is armed (or the position closed, see ProtectionManager.armMissing) and one
   * critical alert says so (then the position has a stop: the next run does not find it again). A
   * failure is alerted once per trade and book version, then retried quietly every run. True when
   * something was done.
   */
  private async armUnprotected(
    account: Account,
    exchange: ExchangePort,
    position: BookPosition & { side: PositionSide; tradeId: string },
    last: number,
  ): Promise<boolean> {
    if (this.deps.clock.now() - position.updatedAt < (this.deps.unprotectedGraceMs ?? UNPROTECTED_GRACE_MS))
      return false;
    const opening = await this.deps.orders.get(account.accountId, openingOrderIdOf(position.tradeId));
    const spec = opening?.protection;
    if (!opening || !wantsStop(spec)) return false; // never asked for a stop (or opened outside the system)
    const key = `unprotected:${position.tradeId}:${position.version}`;
    const base = {
      symbol: position.symbol,
      tradeId: position.tradeId,
      side: position.side,
      quantity: position.quantity,
      key,
    };
    try {
      const market = await exchange.loadMarket(position.symbol);
      const done = await this.deps.protection.armMissing(exchange, position, market, last, spec);
      const what =
        done.action === 'armed'
          ? `stop armed at ${done.trigger}`
          : done.action === 'closed'
            ? `price ${last} already through the stop ${done.trigger}: closed at market`
            : `no stop could be placed (${done.reason}): closed at market`;
      await this.deps.audit.append({
        accountId: account.accountId,
        type: 'alert',
        at: this.deps.clock.now(),
        signalId: opening.signalId,
        message: `${position.symbol}: the ${position.side} ${position.quantity} had no stop on the exchange; ${what}`,
        data: { ...base, action: done.action, trigger: done.trigger, severity: 'critical' },
      });
      return true;
    } catch (error) {
      // Not rethrown: the account's other checks still run, and a per-run failure alert would repeat.
      const recent = await this.deps.audit.listByAccount(account.accountId, 100);
      if (recent.some((e) => e.type === 'alert' && e.data?.key === key)) return false;
      await this.deps.audit.append({
        accountId: account.accountId,
        type: 'alert',
        at: this.deps.clock.now(),
        signalId: opening.signalId,
        message: `${position.symbol}: the ${position.side} ${position.quantity} has no stop and arming it failed (${error instanceof Error ? error.message : String(error)}); retrying every run`,
        data: { ...base, action: 'failed', severity: 'critical' },
      });
      return false;
    }
  }

  /**
   * The exchange's volatility index for the base coins of the symbols priced this run, by symbol;
   * read only while the account's volatility trigger is on and where the exchange exposes one.
   * Not counted among the run's exchange calls: a slow or failed read of it is no anomaly of the
   * exchange's trading side, and it is skipped, never tripping anything.
   */
  private async readVolatilityIndex(
    account: Account,
    exchange: ExchangePort,
    symbols: readonly string[],
  ): Promise<Record<string, ExchangeVolatility>> {
    if (accountRiskConfig(account).switches.volatilityPct <= 0 || !exchange.fetchVolatilityIndex || !symbols.length)
      return {};
    const baseOf = (symbol: string): string => symbol.split('/')[0] ?? symbol;
    const venue = `${account.exchange}:${account.testnet ? 'testnet' : 'live'}`;
    const readings = await this.volatilityIndex.read(
      venue,
      exchange,
      symbols.map(baseOf),
      this.deps.clock.now(),
      this.deadline,
    );
    const bySymbol: Record<string, ExchangeVolatility> = {};
    for (const symbol of symbols) {
      const reading = readings.get(baseOf(symbol));
      if (reading)
        bySymbol[symbol] = {
          pct: Number(reading.valuePct),
          source: reading.source,
          base: reading.base,
          time: reading.time,
        };
    }
    return bySymbol;
  }

  private async runSwitches(
    account: Account,
    initial: RiskState,
    equity: Decimal | undefined,
    quotes: Map<string, { last: number; at: number; spreadBps?: number }>,
    calls: ExchangeCall[],
    exchangeVolatility: Record<string, ExchangeVolatility> = {},
  ): Promise<ScheduledOutcome> {
    const config = accountRiskConfig(account).switches;
    const closedTrades = (await this.deps.trades.listByAccount(account.accountId, 100)).filter(
      (t) => t.status === 'closed',
    );
    const prices: Record<string, number> = {};
    const priceTimes: Record<string, number> = {};
    const spreadsBps: Record<string, number> = {};
    for (const [symbol, q] of quotes) {
      prices[symbol] = q.last;
      priceTimes[symbol] = q.at;
      if (q.spreadBps !== undefined) spreadsBps[symbol] = q.spreadBps;
    }
    let state = initial;
    for (let attempt = 1; ; attempt++) {
      const now = this.deps.clock.now();
      const outcome = runScheduledSwitches({
        config,
        state,
        now,
        closedTrades,
        prices,
        priceTimes,
        spreadsBps,
        calls,
        exchangeVolatility,
        ...(equity !== undefined ? { equity } : {}),
      });
      try {
        // Saved before acting: a crash after it leaves a tripped switch whose actions the next run repeats.
        await this.deps.risk.saveState({ ...outcome.state, updatedAt: now, version: state.version + 1 }, state.version);
        return outcome;
      } catch (error) {
        // The owner reset a switch meanwhile (CLI): decide again from what they wrote.
        if (!(error instanceof ConditionalConflictError) || attempt >= 3) throw error;
        const fresh = await this.deps.risk.getState(account.accountId);
        state = { ...(fresh ?? emptyRiskState(account.accountId, now)), trailing: initial.trailing };
      }
    }
  }

  private async act(
    account: Account,
    exchange: ExchangePort,
    outcome: ScheduledOutcome,
    report: RiskCheckReport,
  ): Promise<void> {
    const { accountId } = account;
    for (const event of outcome.events) await this.recordSwitchEvent(accountId, event);
    if (outcome.disableAccount && account.status !== 'disabled') {
      await this.deps.accounts.setStatus(accountId, 'disabled', this.deps.clock.now());
      await this.deps.audit.append({
        accountId,
        type: 'account.status',
        at: this.deps.clock.now(),
        message: 'account disabled by the drawdown kill switch: entries refused until the owner resumes it',
        data: { status: 'disabled', by: 'drawdown' },
      });
    }
    if (!outcome.flattenAll) return;
    const trip = outcome.state.switches.drawdown?.trippedAt ?? this.deps.clock.now();
    for (const position of (await this.deps.positions.list(accountId)).filter(isOpen)) {
      // One close per trip and symbol: the id repeats on a retry of the same trip, never across symbols.
      const origin = {
        accountId,
        signalId: `kill-${trip}-${position.symbol}`,
        leverage: position.leverage,
        ...(position.strategy ? { strategy: position.strategy } : {}),
      };
      const fill = await this.deps.protection.closeAtMarket(
        exchange,
        origin,
        position as BookPosition & { side: PositionSide },
        'flatten',
      );
      report.flattened++;
      await this.deps.audit.append({
        accountId,
        type: 'reconcile',
        at: this.deps.clock.now(),
        message: `kill switch: closed ${position.side} ${position.quantity} ${position.symbol}${fill?.average ? ` @ ${fill.average}` : ''}`,
        data: { symbol: position.symbol, quantity: position.quantity, average: fill?.average },
      });
    }
    // Anything the exchange still holds that the book did not (recorded as external next run) is closed then.
    const leftovers: ExchangePosition[] = await exchange.fetchPositions().catch(() => []);
    if (leftovers.length)
      await this.deps.audit.append({
        accountId,
        type: 'alert',
        at: this.deps.clock.now(),
        message: `kill switch: ${leftovers.length} position(s) still open on the exchange after flattening; retrying next minute`,
        data: { severity: 'critical', symbols: leftovers.map((p) => p.symbol) },
      });
  }

  private async recordSwitchEvent(accountId: string, event: SwitchEvent): Promise<void> {
    for (const audit of switchAuditEvents(accountId, event, this.deps.clock.now())) await this.deps.audit.append(audit);
  }
}

/** The opening order's client id inside a trade id (`tradeIdFor`: 13-digit time, dash, client id). */
export const openingOrderIdOf = (tradeId: string): string => tradeId.slice(tradeId.indexOf('-') + 1);

/**
 * The mark of each open position as this run saw it, for the console (which never calls an
 * exchange): the last price read above (a paper account's exchange is the paper price source, so
 * its mark is that source's price) and the liquidation price the exchange reported.
 */
function positionMarks(
  live: readonly ExchangePosition[],
  quotes: ReadonlyMap<string, { last: number }>,
): PositionMark[] {
  const marks: PositionMark[] = [];
  for (const p of live) {
    const last = quotes.get(p.symbol)?.last;
    if (last === undefined || !Number.isFinite(last)) continue;
    marks.push({
      symbol: p.symbol,
      markPrice: new Big(last).toString(),
      ...(p.liquidationPrice !== undefined && Number.isFinite(p.liquidationPrice) && p.liquidationPrice > 0
        ? { liquidationPrice: new Big(p.liquidationPrice).toString() }
        : {}),
    });
  }
  return marks;
}
