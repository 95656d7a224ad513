// The circuit breaker fed by the stream: each tick is judged by the breaker's own decision code
// (checkStreamedPrices in risk/switches.ts: the job's price tiers and volatility index) against the
// samples the risk state keeps, so a crash pauses entries within a second, not at the job's next
// minute. Each account with a position on the symbol is judged (as the job judges the symbols of
// its positions).
//
// Writes are few: the state is read at most every `stateTtlMs` and judged in memory; it is written
// (under the account's lease, as the job writes it: busy → the next tick tries again) only when a
// tick trips or expires a switch, or when a sample is due (one per symbol every `sampleEveryMs`:
// the stream is far denser than the job's minute samples, and the state is one item). Prices are
// judged in market time (marketTime): the local replay runs faster than the wall clock, as the
// job's samples do.
import { ConditionalConflictError } from '../errors';
import type { KillSwitchConfig } from '../risk/config';
import { marketTime } from '../risk/market-time';
import { emptyRiskState, type RiskState } from '../risk/state';
import { switchAuditEvents } from '../risk/switch-audit';
import { checkStreamedPrices } from '../risk/switches';
import type { Account, AuditLog, Clock, PriceGap, PriceTick, RiskStore } from './ports';
import type { TickHandler } from './price-watcher';
import type { ExchangeWatch } from './watch-list';

export interface CircuitBreakerFeedDeps {
  risk: Pick<RiskStore, 'getState' | 'saveState' | 'acquireLease' | 'releaseLease'>;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
  /** the account's kill-switch settings (accountRiskConfig(account).switches) */
  configFor: (account: Account) => KillSwitchConfig;
  owner: string;
  leaseMs?: number;
  /** market minutes per wall minute (RISK_MARKET_SPEED; 1 in the cloud) */
  marketSpeed?: number;
  /** one kept sample per account and symbol this often, wall ms (default 10 s) */
  sampleEveryMs?: number;
  /** the in-memory copy of an account's risk state is read again after this long (default 5 s) */
  stateTtlMs?: number;
}

export interface BreakerStats {
  trips: number;
  samples: number;
  busy: number;
}

export class CircuitBreakerFeed implements TickHandler {
  readonly name = 'circuit-breaker';
  private readonly states = new Map<string, { at: number; state: RiskState }>();
  private readonly sampledAt = new Map<string, number>();
  readonly stats: BreakerStats = { trips: 0, samples: 0, busy: 0 };

  constructor(private readonly deps: CircuitBreakerFeedDeps) {}

  async onTicks(_exchange: string, ticks: readonly PriceTick[], watch: ExchangeWatch): Promise<void> {
    const latest = new Map<string, number>();
    for (const tick of ticks) if (tick.last > 0) latest.set(tick.symbol, tick.last);
    for (const [symbol, price] of latest) await this.judge(watch, symbol, [price]);
  }

  /** Both extremes of the gap are judged (the move that would have tripped it while the stream was down). */
  async onGap(_exchange: string, gap: PriceGap, watch: ExchangeWatch): Promise<void> {
    await this.judge(
      watch,
      gap.symbol,
      [gap.low, gap.high].filter((p) => p > 0),
    );
  }

  private async judge(watch: ExchangeWatch, symbol: string, prices: readonly number[]): Promise<void> {
    const accounts = new Map<string, Account>();
    for (const { account } of watch.positions.get(symbol) ?? []) accounts.set(account.accountId, account);
    for (const account of accounts.values())
      for (const price of prices) await this.judgeAccount(account, symbol, price);
  }

  private async judgeAccount(account: Account, symbol: string, price: number): Promise<void> {
    const { accountId } = account;
    const now = this.deps.clock.now();
    const config = this.deps.configFor(account);
    const key = `${accountId}|${symbol}`;
    const record = now - (this.sampledAt.get(key) ?? -Infinity) >= (this.deps.sampleEveryMs ?? 10_000);
    const inputs = {
      config,
      now,
      prices: { [symbol]: price },
      priceTimes: { [symbol]: marketTime(now, this.deps.marketSpeed) },
      record,
    };
    if (!record) {
      const state = await this.cachedState(accountId, now);
      if (checkStreamedPrices({ ...inputs, state }).events.length === 0) return;
    }
    if (!(await this.deps.risk.acquireLease(accountId, this.deps.owner, now + (this.deps.leaseMs ?? 15_000), now))) {
      this.stats.busy++;
      return;
    }
    try {
      const state = (await this.deps.risk.getState(accountId)) ?? emptyRiskState(accountId, now);
      const outcome = checkStreamedPrices({ ...inputs, state });
      const next: RiskState = { ...outcome.state, updatedAt: now, version: state.version + 1 };
      try {
        await this.deps.risk.saveState(next, state.version);
      } catch (error) {
        // The owner reset a switch meanwhile: judged again on the next tick, from what they wrote.
        if (!(error instanceof ConditionalConflictError)) throw error;
        this.states.delete(accountId);
        return;
      }
      this.states.set(accountId, { at: now, state: next });
      if (record) {
        this.sampledAt.set(key, now);
        this.stats.samples++;
      }
      for (const event of outcome.events) {
        if (event.kind === 'tripped') this.stats.trips++;
        for (const audit of switchAuditEvents(accountId, event, now)) await this.deps.audit.append(audit);
      }
    } finally {
      await this.deps.risk.releaseLease(accountId, this.deps.owner).catch(() => undefined);
    }
  }

  private async cachedState(accountId: string, now: number): Promise<RiskState> {
    const kept = this.states.get(accountId);
    if (kept && now - kept.at < (this.deps.stateTtlMs ?? 5_000)) return kept.state;
    const state = (await this.deps.risk.getState(accountId)) ?? emptyRiskState(accountId, now);
    this.states.set(accountId, { at: now, state });
    return state;
  }
}
