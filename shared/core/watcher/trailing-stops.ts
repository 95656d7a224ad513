// Emulated trailing stops (Bybit, Upbit, paper: exchanges without a native trailing order the
// executor can use, docs/RISK.md) moved on the tick that makes a new best price, through the same
// ProtectionManager.trailStop the risk-check job uses, instead of on the job's next minute.
//
// Coordination with the job: every move happens under the account's lease in the risk table, the
// one the job holds for its whole run. The lease is taken only when the tick would move the stop
// by at least one price step (judged on what this process knows); a lease held by the job means
// "busy": the move is skipped, the best price is kept in memory, and the next tick (or the job
// itself) moves it. So there are never two movers at once, and the job's own trailing mark and the
// watcher's never overwrite each other: under the lease, the position and the risk state are read
// fresh, the best is the larger of the stored mark and the watcher's, and the mark is saved with
// the state's conditional write.
import { Big } from '../domain/money';
import type { PositionSide } from '../domain/trade';
import { ConditionalConflictError } from '../errors';
import { emulatedTrailSlot, trailBest, triggerPrice, type ProtectionManager } from '../execution';
import { emptyRiskState } from '../risk/state';
import type { AccountExchanges } from './account-exchanges';
import type { Clock, PositionBook, PriceGap, PriceTick, RiskStore } from './ports';
import type { TickHandler } from './price-watcher';
import type { ExchangeWatch, WatchedPosition } from './watch-list';

export interface TrailMove {
  /** the accounts' exchange id */
  exchange: string;
  accountId: string;
  symbol: string;
  tradeId: string;
  best: number;
  /** the new stop trigger */
  trigger: string;
  /** when this process received the price that made the best (a gap's: when it was read) */
  tickAt: number;
  movedAt: number;
}

export interface TrailingStopsDeps {
  risk: Pick<RiskStore, 'getState' | 'saveState' | 'acquireLease' | 'releaseLease'>;
  positions: Pick<PositionBook, 'get'>;
  exchanges: Pick<AccountExchanges, 'forAccount'>;
  protection: Pick<ProtectionManager, 'trailStop'>;
  clock: Clock;
  /** this process's lease owner id */
  owner: string;
  /** the lease's length, ms (default 15 s: a move is two orders and a write; a crash frees it soon) */
  leaseMs?: number;
  onMoved?: (move: TrailMove) => void;
}

interface Mark {
  best: number;
  bestAt: number;
  /** the trigger this handler last set (the watch list's copy of the book is a few seconds old) */
  trigger?: string;
}

export interface TrailingStats {
  moved: number;
  /** moves skipped because the risk-check job held the account's lease */
  busy: number;
}

export class TrailingStops implements TickHandler {
  readonly name = 'trailing-stops';
  private readonly marks = new Map<string, Mark>();
  readonly stats: TrailingStats = { moved: 0, busy: 0 };

  constructor(private readonly deps: TrailingStopsDeps) {}

  async onTicks(exchange: string, ticks: readonly PriceTick[], watch: ExchangeWatch): Promise<void> {
    const extremes = new Map<string, { high: PriceTick; low: PriceTick }>();
    for (const tick of ticks) {
      if (!(tick.last > 0)) continue;
      const seen = extremes.get(tick.symbol);
      if (!seen) extremes.set(tick.symbol, { high: tick, low: tick });
      else {
        if (tick.last > seen.high.last) seen.high = tick;
        if (tick.last < seen.low.last) seen.low = tick;
      }
    }
    for (const [symbol, { high, low }] of extremes)
      await this.follow(
        exchange,
        watch.positions.get(symbol) ?? [],
        high.last,
        high.receivedAt,
        low.last,
        low.receivedAt,
      );
  }

  /**
   * The best price the gap reached (its high for a long, its low for a short) is followed as a
   * tick, for positions opened before the gap began (a later one's best may not include it).
   */
  async onGap(exchange: string, gap: PriceGap, watch: ExchangeWatch): Promise<void> {
    const at = this.deps.clock.now();
    const before = (watch.positions.get(gap.symbol) ?? []).filter((w) => (w.position.openedAt ?? Infinity) <= gap.from);
    await this.follow(exchange, before, gap.high, at, gap.low, at);
  }

  private async follow(
    exchange: string,
    positions: readonly WatchedPosition[],
    high: number,
    highAt: number,
    low: number,
    lowAt: number,
  ): Promise<void> {
    for (const watched of positions) {
      if (!emulatedTrailSlot(watched.position)) continue;
      const long = watched.position.side === 'long';
      await this.consider(exchange, watched, long ? high : low, long ? highAt : lowAt);
    }
  }

  private async consider(exchangeId: string, watched: WatchedPosition, price: number, at: number): Promise<void> {
    const { account, position } = watched;
    const slot = emulatedTrailSlot(position);
    const ref = slot && position[slot];
    if (!ref || ref.trailingPercent === undefined || !(price > 0)) return;
    const key = `${account.accountId}|${position.tradeId}`;
    const mark = this.marks.get(key) ?? { best: Number(position.entryPrice), bestAt: at };
    if (better(position.side, price, mark.best)) {
      mark.best = price;
      mark.bestAt = at;
    }
    this.marks.set(key, mark);
    const exchange = await this.deps.exchanges.forAccount(account);
    const market = await exchange.loadMarket(position.symbol);
    const trigger = triggerPrice(
      { kind: 'percent', value: ref.trailingPercent },
      'sl',
      position.side,
      new Big(mark.best),
      market.priceStep,
    );
    const current = [ref.triggerPrice, mark.trigger].filter((t): t is string => t !== undefined);
    if (!current.every((c) => tighter(position.side, trigger, c))) return;
    await this.move(exchangeId, watched, mark);
  }

  private async move(exchangeId: string, watched: WatchedPosition, mark: Mark): Promise<void> {
    const { account } = watched;
    const { accountId } = account;
    const now = this.deps.clock.now();
    if (!(await this.deps.risk.acquireLease(accountId, this.deps.owner, now + (this.deps.leaseMs ?? 15_000), now))) {
      this.stats.busy++;
      return;
    }
    try {
      // Fresh under the lease: the job or the executor may have moved, closed or replaced it.
      const position = await this.deps.positions.get(accountId, watched.position.symbol);
      if (!position?.side || position.tradeId !== watched.position.tradeId || !emulatedTrailSlot(position)) {
        this.marks.delete(`${accountId}|${watched.position.tradeId}`);
        return;
      }
      const held = position as typeof position & { side: PositionSide; tradeId: string };
      const state = (await this.deps.risk.getState(accountId)) ?? emptyRiskState(accountId, now);
      const stored = state.trailing[held.symbol];
      const best = trailBest(held.side, stored, held, mark.best);
      mark.best = best;
      const exchange = await this.deps.exchanges.forAccount(account);
      const market = await exchange.loadMarket(held.symbol);
      const trigger = await this.deps.protection.trailStop(exchange, held, market, best);
      if (stored?.best !== best || stored.tradeId !== held.tradeId) {
        const at = this.deps.clock.now();
        const next = { ...state, trailing: { ...state.trailing, [held.symbol]: { tradeId: held.tradeId, best } } };
        await this.deps.risk
          .saveState({ ...next, updatedAt: at, version: state.version + 1 }, state.version)
          .catch((error: unknown) => {
            // The owner reset a switch meanwhile: the mark is written by the next move or by the job.
            if (!(error instanceof ConditionalConflictError)) throw error;
          });
      }
      if (!trigger) return;
      mark.trigger = trigger;
      this.stats.moved++;
      this.deps.onMoved?.({
        exchange: exchangeId,
        accountId,
        symbol: held.symbol,
        tradeId: held.tradeId,
        best,
        trigger,
        tickAt: mark.bestAt,
        movedAt: this.deps.clock.now(),
      });
    } finally {
      await this.deps.risk.releaseLease(accountId, this.deps.owner).catch(() => undefined);
    }
  }
}

const better = (side: PositionSide, price: number, than: number): boolean =>
  side === 'long' ? price > than : price < than;

const tighter = (side: PositionSide, trigger: string, than: string): boolean =>
  side === 'long' ? new Big(trigger).gt(than) : new Big(trigger).lt(than);
