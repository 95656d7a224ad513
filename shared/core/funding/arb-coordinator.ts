// Live funding arbitrage between two perpetuals on two accounts of one owner (docs/FUNDING.md
// "Live"), run once a minute. Per enabled plan: out of a round, read both exchanges' settled
// funding and enter when the projected spread beats the round trip's cost; in a round, follow each
// leg's entry order, balance the legs (leg-balance), and exit on the horizon, a turned spread, a leg
// closed by its stop, or the plan switched off. Every leg is an ordinary signal (source 'arb') on
// its account's FIFO lane, executed by the unchanged executor path (risk engine, client order id,
// book, stop). Every decision is written to the round's row conditionally (version) before any
// signal is sent, so two overlapping runs never both act, and a crash is repaired by the next run.
import type { Account } from '../domain/account';
import { InvariantError } from '../errors';
import type { ArbPlan } from '../domain/arb-plan';
import { ASSUMED_FUNDING_INTERVAL_MS } from '../domain/arb-plan';
import type { AuditEvent } from '../domain/audit';
import { Big, floorToStep, type Decimal } from '../domain/money';
import { tenantOfAccount } from '../domain/tenant';
import { isOpen } from '../domain/trade-math';
import type { PositionSide } from '../domain/trade';
import { enqueueSignal } from '../signal/enqueue-signal';
import { clientOrderIdFor } from '../signal/ids';
import { normalizeSymbol } from '../signal/symbols';
import type { Signal } from '../signal/types';
import { legNetworksDiffer } from './arb-plans';
import { legSignalId, type ArbOrder, type ArbRound } from './arb-round';
import {
  decideTwoPerpEntry,
  decideTwoPerpExit,
  type ArbSide,
  type ArbitrageCosts,
  type FundingProjection,
} from './arbitrage-decision';
import { evaluatePair, LEG_IDS, netAmount, openPair, recordFill, recordOrderDone, type LegId } from './leg-balance';
import type {
  AccountRepository,
  ArbMarketData,
  ArbRoundStore,
  AuditLog,
  Clock,
  OrderRepository,
  PositionBook,
  RiskStore,
  SignalLedger,
  SignalQueue,
} from './ports';

export interface ArbCoordinatorDeps {
  accounts: Pick<AccountRepository, 'list'>;
  positions: Pick<PositionBook, 'get'>;
  risk: Pick<RiskStore, 'getState'>;
  rounds: ArbRoundStore;
  signals: Pick<SignalLedger, 'claimDedup' | 'getSignal'>;
  orders: Pick<OrderRepository, 'get'>;
  queue: SignalQueue;
  audit: Pick<AuditLog, 'append'>;
  market: ArbMarketData;
  clock: Clock;
  /** how long a leg's dedup record blocks a second send of it (default 30 days: longer than any round) */
  dedupTtlMs?: number;
}

export type PlanOutcome =
  'entered' | 'stay-out' | 'disabled' | 'held' | 'waiting' | 'rebalanced' | 'exiting' | 'ended' | 'conflict' | 'failed';

export interface PlanResult {
  planId: string;
  outcome: PlanOutcome;
  round?: number;
  reason?: string;
  /** signal ids sent (or sent again) by this run */
  sent: string[];
}

const DEFAULT_DEDUP_TTL_MS = 30 * 86_400_000;

/** The side each leg holds: short-perp shorts the perp account and longs the other, long-perp the reverse. */
export const legSide = (side: ArbSide, leg: LegId): PositionSide =>
  (side === 'short-perp') === (leg === 'perp') ? 'short' : 'long';

export class ArbCoordinator {
  constructor(private readonly deps: ArbCoordinatorDeps) {}

  /** One pass over every plan; one plan failing never stops the others. */
  async run(): Promise<PlanResult[]> {
    const accounts = await this.deps.accounts.list();
    const byId = new Map(accounts.map((a) => [a.accountId, a]));
    const plans = accounts.flatMap((a) => a.settings.arbPlans ?? []);
    return Promise.all(
      plans.map((plan) =>
        this.runPlan(plan, byId).catch((error: unknown): PlanResult => ({
          planId: plan.planId,
          outcome: 'failed',
          reason: error instanceof Error ? error.message : String(error),
          sent: [],
        })),
      ),
    );
  }

  async runPlan(plan: ArbPlan, accounts: ReadonlyMap<string, Account>): Promise<PlanResult> {
    const sent: string[] = [];
    let row = await this.deps.rounds.get(plan.perpAccountId, plan.planId);
    // This run read the plan before `arb remove` fenced it off (ArbRound.removedAt).
    if (row?.removedAt !== undefined && plan.createdAt <= row.removedAt)
      return { planId: plan.planId, outcome: 'stay-out', reason: 'the plan was removed', sent };
    // An ended row may still hold the audit of its last decision (a crash before the append).
    if (row && (row.status !== 'ended' || row.pendingAudit?.length)) row = await this.flush(row, sent);
    if (!row || row.status === 'ended') return this.maybeEnter(plan, row, accounts, sent);
    if (row.status === 'open') return this.manage(plan, row, accounts, sent);
    return this.finishExit(row, sent);
  }

  // ── out of a round ──────────────────────────────────────────────────────────────────────────

  private async maybeEnter(
    plan: ArbPlan,
    last: ArbRound | undefined,
    accounts: ReadonlyMap<string, Account>,
    sent: string[],
  ): Promise<PlanResult> {
    const result = (outcome: PlanOutcome, reason?: string): PlanResult => ({
      planId: plan.planId,
      outcome,
      ...(reason ? { reason } : {}),
      sent,
    });
    if (!plan.enabled) return result('disabled');
    const now = this.deps.clock.now();
    const perp = accounts.get(plan.perpAccountId);
    const other = accounts.get(plan.otherAccountId);
    if (!perp || !other)
      return result('stay-out', `account ${perp ? plan.otherAccountId : plan.perpAccountId} not found`);
    if (tenantOfAccount(perp.accountId) !== tenantOfAccount(other.accountId))
      return result('stay-out', 'the two accounts belong to different owners');
    const mixed = legNetworksDiffer(perp, other);
    if (mixed) return result('stay-out', mixed);
    for (const a of [perp, other]) {
      const blocked = await this.blocked(a, plan.symbol, now);
      if (blocked) return result('stay-out', blocked);
    }

    const [a, b] = await Promise.all([this.projection(plan, perp, now), this.projection(plan, other, now)]);
    if (typeof a === 'string') return result('stay-out', a);
    if (typeof b === 'string') return result('stay-out', b);
    const decision = decideTwoPerpEntry(a, b, costsOf(plan));
    if (decision.action === 'stay-out') return result('stay-out', decision.reason);

    const [qa, qb] = await Promise.all([
      this.deps.market.quote(perp, plan.symbol),
      this.deps.market.quote(other, plan.symbol),
    ]);
    const sized = legAmount(plan.notional, qa.mark, [qa, qb]);
    if ('refused' in sized) return result('stay-out', sized.refused);
    const amount = sized.amount;

    const round = (last?.round ?? 0) + 1;
    const side = decision.side;
    const entry = (leg: LegId, account: Account): ArbOrder => ({
      signalId: legSignalId(plan.planId, round, leg),
      leg,
      accountId: account.accountId,
      kind: 'entry',
      intent: legSide(side, leg) === 'short' ? 'enter_short' : 'enter_long',
      amount,
      createdAt: now,
      queued: false,
    });
    const row: ArbRound = {
      accountId: plan.perpAccountId,
      planId: plan.planId,
      round,
      symbol: plan.symbol,
      perpAccountId: plan.perpAccountId,
      otherAccountId: plan.otherAccountId,
      side,
      amount,
      enteredAt: now,
      horizonMs: plan.horizonMs,
      stopPct: plan.stopPct,
      status: 'open',
      pair: openPair({ perp: amount, other: amount, sentAt: now, unwindAfterMs: plan.unwindAfterSeconds * 1000 }),
      outbox: [entry('perp', perp), entry('other', other)],
      exitAttempts: 0,
      version: (last?.version ?? 0) + 1,
      updatedAt: now,
    };
    row.pendingAudit = [
      {
        accountId: plan.perpAccountId,
        type: 'arb.entered',
        at: now,
        message: `funding arb ${plan.planId} #${round}: ${side} ${amount} ${plan.symbol} on ${plan.perpAccountId} and ${plan.otherAccountId} (projected ${decision.projectedBps} bps > cost ${decision.costBps} bps)`,
        data: {
          planId: plan.planId,
          round,
          symbol: plan.symbol,
          side,
          perpAccountId: plan.perpAccountId,
          otherAccountId: plan.otherAccountId,
          amount,
          projectedBps: decision.projectedBps,
          costBps: decision.costBps,
          edgeBps: decision.edgeBps,
        },
      },
    ];
    // The round exists before any leg is sent: a concurrent run loses this write and sends nothing.
    if (!(await this.deps.rounds.save(row, last?.version ?? 0))) return result('conflict', 'another run wrote first');
    await this.flush(row, sent);
    return { planId: plan.planId, outcome: 'entered', round, reason: `projected ${decision.projectedBps} bps`, sent };
  }

  /** Why the account cannot take a new leg now, or undefined. */
  private async blocked(account: Account, symbol: string, now: number): Promise<string | undefined> {
    if (account.status !== 'active') return `${account.accountId} is ${account.status}`;
    if (account.haltedUntil !== undefined && account.haltedUntil > now)
      return `${account.accountId} is halted (${account.haltReason ?? 'exchange ban'})`;
    const state = await this.deps.risk.getState(account.accountId);
    const tripped = Object.entries(state?.switches ?? {}).find(
      ([, s]) => s?.tripped && (s.until === undefined || s.until > now),
    );
    if (tripped) return `${account.accountId} kill switch ${tripped[0]} is tripped`;
    if (isOpen(await this.deps.positions.get(account.accountId, symbol)))
      return `${account.accountId} already holds ${symbol}`;
    return undefined;
  }

  /** The account's funding projection over the plan's horizon, or why there is none. */
  private async projection(plan: ArbPlan, account: Account, now: number): Promise<FundingProjection | string> {
    // Twice the lookback at the assumed 8 h: enough rates whatever the interval up to 8 h.
    const since = now - plan.lookback * ASSUMED_FUNDING_INTERVAL_MS * 2;
    const history = await this.deps.market.fundingHistory(account).settled(plan.symbol, since);
    // Binance and OKX state no interval, and Binance runs symbols on 4 h and 1 h: taken as 8 h, such
    // a symbol's funding would be projected at half or an eighth and the pair entered the wrong way.
    const intervalMs = history.intervalMs ?? settledSpacingMs(history.rates) ?? ASSUMED_FUNDING_INTERVAL_MS;
    const settlementsInHorizon = Math.floor(plan.horizonMs / intervalMs);
    if (settlementsInHorizon < 1)
      return `the horizon ${plan.horizonMs} ms holds no settlement of ${account.exchange}'s ${intervalMs} ms interval`;
    if (history.rates.length < plan.lookback)
      return `${account.exchange} has ${history.rates.length} settled rate(s) of ${plan.symbol} since ${new Date(since).toISOString()}, lookback needs ${plan.lookback}`;
    return { recentRates: history.rates.map((r) => r.rate), lookback: plan.lookback, settlementsInHorizon };
  }

  // ── in a round ──────────────────────────────────────────────────────────────────────────────

  private async manage(
    plan: ArbPlan,
    row: ArbRound,
    accounts: ReadonlyMap<string, Account>,
    sent: string[],
  ): Promise<PlanResult> {
    const now = this.deps.clock.now();
    const base = { planId: plan.planId, round: row.round, sent };
    let pair = row.pair;
    const working = new Map<LegId, string>();
    for (const leg of LEG_IDS) {
      const entry = entryOf(row, leg);
      const fact = await this.legFact(entry);
      if (fact.filled !== undefined) pair = recordFill(pair, leg, fact.filled);
      if (fact.done) pair = recordOrderDone(pair, leg);
      else if (fact.restingOrderId) working.set(leg, fact.restingOrderId);
    }
    // A late fill after an unwind is closed too: a timed-out pair is evaluated on every run.
    const evaluation = evaluatePair(pair, now);
    const added: ArbOrder[] = [];
    for (const action of evaluation.actions) {
      const account = legAccount(row, action.leg);
      if (action.type === 'cancel') {
        // Entries are market orders: only one the exchange left resting can be cancelled; a signal
        // still in its lane is refused by the executor once it is older than the account's entry lag.
        const orderId = working.get(action.leg);
        if (orderId)
          added.push({
            signalId: legSignalId(plan.planId, row.round, action.leg, 'c'),
            leg: action.leg,
            accountId: account,
            kind: 'cancel',
            intent: 'cancel_order',
            clientOrderId: orderId,
            createdAt: now,
            queued: false,
          });
        continue;
      }
      const n = row.outbox.filter((o) => o.kind === 'reduce' && o.leg === action.leg).length + 1;
      added.push({
        signalId: legSignalId(plan.planId, row.round, action.leg, `r${n}`),
        leg: action.leg,
        accountId: account,
        kind: 'reduce',
        intent: legSide(row.side, action.leg) === 'long' ? 'reduce_long' : 'reduce_short',
        amount: action.amount,
        reason: action.reason,
        createdAt: now,
        queued: false,
      });
    }

    const settled = LEG_IDS.every((l) => evaluation.state.legs[l].done) || now >= pair.sentAt + pair.unwindAfterMs;
    const perpNet = netAmount(evaluation.state.legs.perp);
    const otherNet = netAmount(evaluation.state.legs.other);
    let exitReason: string | undefined;
    let ended = false;
    if (settled && added.length === 0 && perpNet.eq(otherNet)) {
      const reduces = await this.reduceOutcomes(row);
      if (perpNet.eq(0)) {
        // Nothing is held (both refused, or one refused and the other unwound once its reduce ran).
        ended = await this.legsFlat(row);
        if (ended) exitReason = 'no position left';
        // A leg is still open though the pair counts none: an unwind refused (leg-balance counts a
        // reduce as asked, not as filled), or fills the round never saw. Only a close ends it.
        else if (reduces.every((r) => r !== 'pending')) exitReason = 'a leg is still open after its unwind';
      } else if (reduces.includes('rejected')) {
        // The legs are unequal on the exchange although the pair counts them balanced.
        exitReason = 'a balancing reduce was refused';
      } else {
        exitReason = await this.exitReason(plan, row, accounts, now);
      }
    }

    if (added.length === 0 && exitReason === undefined && pair === row.pair) {
      return { ...base, outcome: settled ? 'held' : 'waiting' };
    }
    const next: ArbRound = {
      ...row,
      pair: evaluation.state,
      outbox: [...row.outbox, ...added],
      version: row.version + 1,
      updatedAt: now,
    };
    if (exitReason !== undefined && ended) {
      next.status = 'ended';
      next.exitReason = exitReason;
      next.endedAt = now;
    } else if (exitReason !== undefined) {
      next.status = 'exiting';
      next.exitReason = exitReason;
      next.exitAttempts = 1;
      next.outbox.push(...exitOrders(row, 1, now));
    }
    const events = added.filter((o) => o.kind === 'reduce').map((order) => rebalancedEvent(row, order, now));
    if (exitReason !== undefined) events.push(exitedEvent(row, exitReason, now));
    if (events.length) next.pendingAudit = [...(row.pendingAudit ?? []), ...events];
    if (!(await this.deps.rounds.save(next, row.version))) return { ...base, outcome: 'conflict' };
    await this.flush(next, sent);
    if (next.status === 'ended') return { ...base, outcome: 'ended', reason: exitReason };
    if (next.status === 'exiting') return { ...base, outcome: 'exiting', reason: exitReason };
    return { ...base, outcome: added.length ? 'rebalanced' : settled ? 'held' : 'waiting' };
  }

  /** Why a balanced, open pair should be closed now, or undefined to hold it. */
  private async exitReason(
    plan: ArbPlan,
    row: ArbRound,
    accounts: ReadonlyMap<string, Account>,
    now: number,
  ): Promise<string | undefined> {
    if (!plan.enabled) return 'plan disabled';
    // A kill switch that flattened and disabled one leg's account, or an owner who disabled it,
    // means that account is not to hold positions: the pair is closed rather than kept one-sided
    // or hedged on an account nobody trades. (A pause only stops entries: the pair is held.)
    for (const leg of LEG_IDS) {
      const account = accounts.get(legAccount(row, leg));
      if (account?.status === 'disabled') return `the ${leg} leg's account ${account.accountId} is disabled`;
      if (account?.deletedAt !== undefined) return `the ${leg} leg's account ${account.accountId} was deleted`;
    }
    // A leg's stop (or a liquidation, or a close by hand) left the other unhedged: close it.
    for (const leg of LEG_IDS) {
      if (!isOpen(await this.deps.positions.get(legAccount(row, leg), row.symbol)))
        return `the ${leg} leg was closed outside the round (its stop, a liquidation or by hand)`;
    }
    if (now >= row.enteredAt + row.horizonMs) return 'horizon ended';
    const perp = accounts.get(row.perpAccountId);
    const other = accounts.get(row.otherAccountId);
    if (!perp || !other) return 'a leg account no longer exists';
    const [a, b] = await Promise.all([this.projection(plan, perp, now), this.projection(plan, other, now)]);
    // No projection (too few rates read): hold; the horizon still bounds the round.
    if (typeof a === 'string' || typeof b === 'string') return undefined;
    const decision = decideTwoPerpExit(
      a,
      b,
      { side: row.side, enteredAt: row.enteredAt, horizonMs: row.horizonMs },
      now,
    );
    return decision.action === 'exit' ? decision.reason : undefined;
  }

  /** Exiting: ended once both legs are flat; a close that ended without flattening is sent again. */
  private async finishExit(row: ArbRound, sent: string[]): Promise<PlanResult> {
    const now = this.deps.clock.now();
    const base = { planId: row.planId, round: row.round, sent };
    if (await this.legsFlat(row)) {
      const next: ArbRound = { ...row, status: 'ended', endedAt: now, version: row.version + 1, updatedAt: now };
      if (!(await this.deps.rounds.save(next, row.version))) return { ...base, outcome: 'conflict' };
      return { ...base, outcome: 'ended', ...(row.exitReason ? { reason: row.exitReason } : {}) };
    }
    const current = row.outbox.filter((o) => o.kind === 'exit' && o.signalId.endsWith(`:x${row.exitAttempts}`));
    const finished = await Promise.all(current.map((o) => this.finished(o)));
    if (!finished.every(Boolean)) return { ...base, outcome: 'exiting', reason: row.exitReason };
    // Every close of this attempt ended and a leg is still open (a close refused, a late entry fill): again,
    // first after a minute, then ever more slowly up to hourly. A close refused for hours (an
    // exchange ban, revoked keys) must not add two orders a minute to the row (DynamoDB's 400 KB
    // item limit would then stop every write of the plan); the leg keeps its stop meanwhile.
    const sentAt = Math.max(...current.map((o) => o.createdAt));
    if (now < sentAt + exitRetryDelayMs(row.exitAttempts))
      return { ...base, outcome: 'exiting', reason: row.exitReason };
    const attempt = row.exitAttempts + 1;
    const next: ArbRound = {
      ...row,
      exitAttempts: attempt,
      outbox: [...row.outbox, ...exitOrders(row, attempt, now)],
      version: row.version + 1,
      updatedAt: now,
    };
    if (!(await this.deps.rounds.save(next, row.version))) return { ...base, outcome: 'conflict' };
    await this.flush(next, sent);
    return { ...base, outcome: 'exiting', reason: `close attempt ${attempt}` };
  }

  private async legsFlat(row: ArbRound): Promise<boolean> {
    for (const leg of LEG_IDS) {
      if (isOpen(await this.deps.positions.get(legAccount(row, leg), row.symbol))) return false;
    }
    return true;
  }

  /**
   * What the executor made of a leg's entry: its order's cumulative fill, and whether the order can
   * fill any more (the signal was refused, or it executed and its order is not resting).
   */
  private async legFact(entry: ArbOrder): Promise<{ filled?: Decimal; done: boolean; restingOrderId?: string }> {
    const [record, order] = await Promise.all([
      this.deps.signals.getSignal(entry.accountId, entry.signalId),
      this.deps.orders.get(entry.accountId, clientOrderIdFor(entry.signalId, 'open')),
    ]);
    const filled = order?.filled;
    const resting = order !== undefined && (order.status === 'open' || order.status === 'partially_filled');
    const orderEnded =
      order !== undefined && (order.status === 'filled' || order.status === 'canceled' || order.status === 'rejected');
    const done =
      record?.status === 'rejected' ||
      orderEnded ||
      (record?.status === 'executed' && (order === undefined || !resting));
    return {
      ...(filled !== undefined ? { filled } : {}),
      done,
      ...(resting && !done ? { restingOrderId: order.clientOrderId } : {}),
    };
  }

  /** The executor's outcome of each reduce this round asked for (none read when there is none). */
  private async reduceOutcomes(row: ArbRound): Promise<('executed' | 'rejected' | 'pending')[]> {
    return Promise.all(
      row.outbox
        .filter((o) => o.kind === 'reduce')
        .map(async (o) => {
          const status = (await this.deps.signals.getSignal(o.accountId, o.signalId))?.status;
          return status === 'executed' || status === 'rejected' ? status : 'pending';
        }),
    );
  }

  private async finished(order: ArbOrder): Promise<boolean> {
    const record = await this.deps.signals.getSignal(order.accountId, order.signalId);
    return record?.status === 'executed' || record?.status === 'rejected';
  }

  // ── sending ─────────────────────────────────────────────────────────────────────────────────

  /**
   * Sends every outbox entry not yet known queued, then records them queued. Each goes through the
   * normal enqueue path with its dedup record (dedup key = signal id), so a second send of the same
   * entry, by a re-run or a concurrent run, is dropped there or by SQS and the executor's lease.
   */
  private async flush(row: ArbRound, sent: string[]): Promise<ArbRound> {
    const pending = row.outbox.filter((o) => !o.queued);
    const audits = row.pendingAudit ?? [];
    if (pending.length === 0 && audits.length === 0) return row;
    for (const event of audits) await this.deps.audit.append(event);
    for (const order of pending) {
      const outcome = await enqueueSignal(
        { ledger: this.deps.signals, queue: this.deps.queue },
        order.accountId,
        {
          dedupKey: order.signalId,
          signalId: order.signalId,
          dedupTtlMs: this.deps.dedupTtlMs ?? DEFAULT_DEDUP_TTL_MS,
        },
        order.createdAt,
        (signalId) => signalOf(row, order, signalId),
      );
      if (outcome.outcome === 'queued') sent.push(order.signalId);
    }
    const now = this.deps.clock.now();
    const { pendingAudit: _appended, ...rest } = row;
    const next: ArbRound = {
      ...rest,
      outbox: row.outbox.map((o) => (o.queued ? o : { ...o, queued: true })),
      version: row.version + 1,
      updatedAt: now,
    };
    // Lost to a concurrent run: it holds the newer row; what was sent here was sent under the same ids.
    return (await this.deps.rounds.save(next, row.version))
      ? next
      : ((await this.deps.rounds.get(row.accountId, row.planId)) ?? row);
  }
}

function rebalancedEvent(row: ArbRound, order: ArbOrder, now: number): AuditEvent {
  const reason = order.reason ?? 'balance';
  return {
    accountId: order.accountId,
    type: 'arb.rebalanced',
    at: now,
    signalId: order.signalId,
    message: `funding arb ${row.planId} #${row.round}: ${reason === 'unwind' ? 'unwind' : 'reduce'} the ${order.leg} leg by ${order.amount ?? '0'} ${row.symbol} (reduce-only)`,
    data: {
      planId: row.planId,
      round: row.round,
      leg: order.leg,
      accountId: order.accountId,
      symbol: row.symbol,
      amount: order.amount ?? '0',
      reason,
    },
  };
}

function exitedEvent(row: ArbRound, reason: string, now: number): AuditEvent {
  return {
    accountId: row.perpAccountId,
    type: 'arb.exited',
    at: now,
    message: `funding arb ${row.planId} #${row.round}: closing both legs of ${row.symbol} (${reason})`,
    data: { planId: row.planId, round: row.round, symbol: row.symbol, reason },
  };
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────

const costsOf = (plan: ArbPlan): ArbitrageCosts => ({
  perpFeeBps: plan.perpFeeBps,
  otherFeeBps: plan.otherFeeBps,
  slippageBps: plan.slippageBps,
  exitCostBps: plan.exitCostBps,
  marginBps: plan.marginBps,
});

/**
 * The interval the settled rows themselves show: the smallest gap between the newest four
 * settlements, to the minute (settlement times carry a few ms of jitter; a missing row doubles one
 * gap, not the smallest of three). Undefined with fewer than two rows.
 */
export function settledSpacingMs(rates: readonly { time: number }[]): number | undefined {
  const newest = rates.slice(-4).map((r) => r.time);
  let smallest: number | undefined;
  for (let i = 1; i < newest.length; i++) {
    const gap = Math.round((newest[i]! - newest[i - 1]!) / 60_000) * 60_000;
    if (gap > 0 && (smallest === undefined || gap < smallest)) smallest = gap;
  }
  return smallest;
}

const legAccount = (row: ArbRound, leg: LegId): string => (leg === 'perp' ? row.perpAccountId : row.otherAccountId);

function entryOf(row: ArbRound, leg: LegId): ArbOrder {
  const entry = row.outbox.find((o) => o.kind === 'entry' && o.leg === leg);
  if (!entry) throw new InvariantError(`round ${row.planId} #${row.round} has no ${leg} entry`);
  return entry;
}

/**
 * The base amount of each leg: notional / mark, rounded down to the coarser of the two markets'
 * steps so that both legs are the same amount; or why it cannot be (below a minimum, steps that do
 * not share the amount).
 */
export function legAmount(
  notional: Decimal,
  mark: Decimal,
  markets: readonly { amountStep: Decimal; minAmount: Decimal }[],
): { amount: Decimal } | { refused: string } {
  if (!new Big(mark).gt(0)) return { refused: `no usable mark price (${mark})` };
  const coarsest = markets.reduce((s, m) => (new Big(m.amountStep).gt(s) ? new Big(m.amountStep) : s), new Big(0));
  const amount = floorToStep(new Big(notional).div(mark), coarsest);
  for (const m of markets) {
    if (!floorToStep(amount, m.amountStep).eq(amount))
      return {
        refused: `the markets' amount steps (${markets.map((x) => x.amountStep).join(', ')}) cannot give both legs ${amount.toString()}`,
      };
    if (amount.lt(m.minAmount) || amount.eq(0))
      return {
        refused: `notional ${notional} at ${mark} is ${amount.toString()} base, below a market's minimum ${m.minAmount}`,
      };
  }
  return { amount: amount.toString() };
}

/** How long after close attempt `attempt` the next is sent: 1, 2, 4 … minutes, at most an hour. */
export const exitRetryDelayMs = (attempt: number): number =>
  Math.min(60_000 * 2 ** Math.max(0, Math.min(attempt - 1, 10)), 3_600_000);

function exitOrders(row: ArbRound, attempt: number, now: number): ArbOrder[] {
  return LEG_IDS.map((leg) => ({
    signalId: legSignalId(row.planId, row.round, leg, `x${attempt}`),
    leg,
    accountId: legAccount(row, leg),
    kind: 'exit' as const,
    intent: legSide(row.side, leg) === 'long' ? ('close_long' as const) : ('close_short' as const),
    createdAt: now,
    queued: false,
  }));
}

/** The leg's signal, as the executor takes any other: an entry carries its stop. */
export function signalOf(row: ArbRound, order: ArbOrder, signalId: string): Signal {
  const signal: Signal = {
    v: 1,
    signalId,
    accountId: order.accountId,
    intent: order.intent,
    symbol: normalizeSymbol(row.symbol),
    receivedAt: order.createdAt,
    firedAt: order.createdAt,
    source: 'arb',
    arb: { planId: row.planId, round: row.round, leg: order.leg },
  };
  if (order.kind === 'entry' || order.kind === 'reduce')
    signal.size = { kind: 'contracts', value: Number(order.amount ?? '0') };
  // Every open position has a stop: the plan's catastrophe stop, percent from the entry.
  if (order.kind === 'entry') signal.sl = { kind: 'percent', value: row.stopPct };
  if (order.kind === 'cancel' && order.clientOrderId) signal.owner = { clientOrderId: order.clientOrderId };
  return signal;
}
