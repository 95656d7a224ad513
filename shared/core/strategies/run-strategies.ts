// The paper/live strategy runner's use case: on a timeframe's candle close, every active account's
// enabled subscriptions of that timeframe are evaluated on the latest closed candles, and each
// signal goes onto the webhook's FIFO queue (same dedup record, same group), so it executes
// through the normal executor on a paper or live account.
import type { Candles } from '../backtest/types';
import type { Account } from '../domain/account';
import { subscriptionParams, type StrategySubscription, type StrategyTimeframe } from '../domain/strategy-subscription';
import { isOpen } from '../domain/trade-math';
import type { AccountRepository, AuditLog, CandleSource, Clock, DedupLedger, PositionBook, SignalQueue } from './ports';
import { strategySignalIdentity } from '../signal/ids';
import { resolveIntent } from '../signal/intent';
import { normalizeSymbol } from '../signal/symbols';
import type { Intent, Signal } from '../signal/types';
import { getStrategy } from './registry';
import type { HeldPosition, StrategyDefinition, StrategyParams, StrategySignal } from './types';
import { enqueueSignal } from '../signal/enqueue-signal';
import { signalOnLastCandle } from './last-candle-signal';
import { subscriptionStrategy } from './rules/subscription';

export interface RunStrategiesDeps {
  accounts: Pick<AccountRepository, 'list'>;
  positions: Pick<PositionBook, 'get'>;
  candles: CandleSource;
  ledger: DedupLedger;
  queue: SignalQueue;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
  /** how long a strategy signal's dedup record blocks a second send of it */
  dedupTtlMs: number;
  /** strategy look-up; the built-in registry when absent */
  strategies?: (id: string) => StrategyDefinition;
}

export type SubscriptionOutcome = 'queued' | 'duplicate' | 'hold' | 'stale' | 'failed';

export interface SubscriptionResult {
  accountId: string;
  subscriptionId: string;
  strategy: string;
  symbol: string;
  outcome: SubscriptionOutcome;
  /** open time of the candle decided on */
  candleTime?: number;
  intent?: Intent;
  signalId?: string;
  /** why it was stale or failed */
  reason?: string;
}

export interface StrategyRunReport {
  timeframe: StrategyTimeframe;
  now: number;
  evaluated: number;
  queued: number;
  duplicates: number;
  failed: number;
  results: SubscriptionResult[];
}

/** Closed candles fetched per decision: enough for the indicators to settle past their warm-up. */
export const candlesNeeded = (warmup: number): number => Math.max(Math.ceil(warmup) * 5, 300);

interface Job {
  account: Account;
  subscription: StrategySubscription;
}

interface Prepared extends Job {
  definition: StrategyDefinition;
  params: StrategyParams;
}

export class RunStrategies {
  private readonly strategyFor: (id: string) => StrategyDefinition;

  constructor(private readonly deps: RunStrategiesDeps) {
    this.strategyFor = deps.strategies ?? getStrategy;
  }

  async run(timeframe: StrategyTimeframe, now: number): Promise<StrategyRunReport> {
    const jobs = (await this.deps.accounts.list())
      .filter((account) => account.status === 'active')
      .flatMap((account) =>
        (account.settings.strategies ?? [])
          .filter((s) => s.enabled && s.timeframe === timeframe)
          .map((subscription) => ({ account, subscription })),
      );

    const results: SubscriptionResult[] = [];
    const prepared: Prepared[] = [];
    for (const job of jobs) {
      try {
        const definition = subscriptionStrategy(job.subscription, this.strategyFor);
        prepared.push({ ...job, definition, params: subscriptionParams(definition, job.subscription.params) });
      } catch (error) {
        results.push(failed(job, error));
      }
    }

    // One fetch per symbol (the timeframe is this run's), long enough for its hungriest strategy.
    const limits = new Map<string, number>();
    for (const p of prepared)
      limits.set(
        p.subscription.symbol,
        Math.max(limits.get(p.subscription.symbol) ?? 0, candlesNeeded(p.definition.warmup(p.params))),
      );
    const candles = new Map<string, Promise<Candles>>();
    for (const [symbol, limit] of limits) {
      const fetched = this.deps.candles.closedCandles(symbol, timeframe, limit, now);
      fetched.catch(() => undefined); // reported by each subscription that needs it
      candles.set(symbol, fetched);
    }

    // Each subscription on its own: one failing account or symbol never stops the others.
    const settled = await Promise.all(
      prepared.map((p) =>
        this.evaluate(p, candles.get(p.subscription.symbol) as Promise<Candles>, timeframe, now).catch(
          (error: unknown) => failed(p, error),
        ),
      ),
    );
    results.push(...settled);
    return {
      timeframe,
      now,
      evaluated: jobs.length,
      queued: results.filter((r) => r.outcome === 'queued').length,
      duplicates: results.filter((r) => r.outcome === 'duplicate').length,
      failed: results.filter((r) => r.outcome === 'failed').length,
      results,
    };
  }

  private async evaluate(
    p: Prepared,
    candlesPromise: Promise<Candles>,
    timeframe: StrategyTimeframe,
    now: number,
  ): Promise<SubscriptionResult> {
    const { account, subscription, definition, params } = p;
    const base = resultBase(p);
    const candles = await candlesPromise;
    const n = candles.time.length;
    if (n === 0) return { ...base, outcome: 'stale', reason: 'no closed candles' };
    const candleTime = candles.time[n - 1]!;
    const span = this.deps.candles.spanMs(timeframe);
    // A source a whole candle behind (exchange maintenance, a delisted market) would make the
    // strategy trade on old prices; the next tick tries again.
    if (now - (candleTime + span) >= span)
      return {
        ...base,
        outcome: 'stale',
        candleTime,
        reason: `latest closed candle opened ${new Date(candleTime).toISOString()}`,
      };

    const book = await this.deps.positions.get(account.accountId, subscription.symbol);
    const held: HeldPosition = isOpen(book) ? book.side : 'flat';
    const signal = signalOnLastCandle(definition, params, candles, held);
    if (signal === undefined) return { ...base, outcome: 'hold', candleTime };

    if (subscription.leverage !== undefined && subscription.leverage > account.settings.maxLeverage) {
      return {
        ...base,
        outcome: 'failed',
        candleTime,
        reason: `leverage ${subscription.leverage} exceeds this account's cap of ${account.settings.maxLeverage}`,
      };
    }
    const resolved = resolveIntent(signal.action, undefined);
    if (!resolved.ok) return { ...base, outcome: 'failed', candleTime, reason: resolved.message };
    const intent = resolved.intent;
    const symbol = normalizeSymbol(subscription.symbol);
    const identity = strategySignalIdentity(account.accountId, subscription.id, candleTime, this.deps.dedupTtlMs);
    const receivedAt = this.deps.clock.now();
    const close = candles.close[n - 1]!;
    const outcome = await enqueueSignal(this.deps, account.accountId, identity, receivedAt, (signalId) =>
      buildSignal({
        signalId,
        account,
        subscription,
        definition,
        signal,
        intent,
        symbol,
        receivedAt,
        now,
        candleTime,
        close,
      }),
    );
    if (outcome.outcome === 'queued') {
      // A re-run that sent the signal again says so: the first send may or may not have gone through.
      const again = outcome.resent ? 'sent again, same signal: ' : '';
      await this.deps.audit.append({
        accountId: account.accountId,
        type: 'signal.accepted',
        at: receivedAt,
        signalId: outcome.signalId,
        message: `${again}${definition.id} on ${subscription.symbol} ${timeframe}: ${intent} on the close of the candle opened ${new Date(candleTime).toISOString()}`,
        data: {
          source: 'strategy',
          subscriptionId: subscription.id,
          strategy: definition.id,
          symbol: subscription.symbol,
          timeframe,
          intent,
          candleTime,
          close,
          held,
          ...(outcome.resent ? { resent: true } : {}),
        },
      });
    }
    return { ...base, outcome: outcome.outcome, candleTime, intent, signalId: outcome.signalId };
  }
}

interface SignalParts {
  signalId: string;
  account: Account;
  subscription: StrategySubscription;
  definition: StrategyDefinition;
  signal: StrategySignal;
  intent: Intent;
  symbol: Signal['symbol'];
  receivedAt: number;
  now: number;
  candleTime: number;
  close: number;
}

/** The normalised signal, as the webhook would build it from an alert with an explicit action. */
function buildSignal(p: SignalParts): Signal {
  const signal: Signal = {
    v: 1,
    signalId: p.signalId,
    accountId: p.account.accountId,
    intent: p.intent,
    symbol: p.symbol,
    receivedAt: p.receivedAt,
    source: 'strategy',
    strategy: p.definition.id,
    alertId: `${p.subscription.id}@${p.candleTime}`,
    firedAt: p.now,
    signalPrice: p.close,
  };
  // The subscription's size (the owner's, given at enable) wins over the strategy's own.
  const size = p.subscription.size ?? p.signal.size;
  if (size) signal.size = size;
  if (p.subscription.leverage !== undefined) signal.leverage = p.subscription.leverage;
  if (p.signal.sl) signal.sl = p.signal.sl;
  if (p.signal.tp) signal.tp = p.signal.tp;
  if (p.signal.tpLevels) signal.tpLevels = p.signal.tpLevels;
  if (p.signal.breakEven) signal.breakEven = true;
  if (p.signal.trailPct !== undefined) signal.trailPct = p.signal.trailPct;
  if (p.signal.algo) signal.algo = p.signal.algo;
  return signal;
}

const resultBase = ({ account, subscription }: Job) => ({
  accountId: account.accountId,
  subscriptionId: subscription.id,
  strategy: subscription.strategy,
  symbol: subscription.symbol,
});

const failed = (job: Job, error: unknown): SubscriptionResult => ({
  ...resultBase(job),
  outcome: 'failed',
  reason: error instanceof Error ? error.message : String(error),
});
