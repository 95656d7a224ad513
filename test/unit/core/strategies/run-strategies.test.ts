// RunStrategies against in-memory ports: what a candle close queues, the dedup of a re-run, the
// book's position on the last candle, which subscriptions take part, and failure isolation.
import type { Candles } from '../../../../shared/core/backtest/types';
import { DEFAULT_ACCOUNT_SETTINGS, type Account } from '../../../../shared/core/domain/account';
import type { StrategySubscription, StrategyTimeframe } from '../../../../shared/core/domain/strategy-subscription';
import type { BookPosition } from '../../../../shared/core/domain/trade';
import type { CandleSource } from '../../../../shared/core/ports/candles';
import type { HeldPosition, StrategyDefinition } from '../../../../shared/core/strategies/types';
import { RunStrategies } from '../../../../shared/core/strategies/run-strategies';
import { ManualClock, MemorySignalLedger, MemorySignalQueue } from '../fakes';
import { MemoryAudit, MemoryPositions } from '../memory-repos';

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);

/** Candles with the given closes, one hour apart from START. */
function candlesOf(closes: readonly number[], start = START): Candles {
  const column = (f: (c: number) => number) => Float64Array.from(closes, f);
  return {
    time: Float64Array.from(closes, (_, i) => start + i * HOUR),
    open: column((c) => c),
    high: column((c) => c + 1),
    low: column((c) => c - 1),
    close: column((c) => c),
    volume: column(() => 10),
  };
}

/** Long at a close ≥ 100 unless long, close the long below 100; records the position it is shown on each call. */
function thresholdStrategy(seen: HeldPosition[][]): StrategyDefinition {
  return {
    id: 'threshold',
    description: 'test',
    params: [{ name: 'level', type: 'float', default: 100, description: 'entry level' }],
    warmup: () => 2,
    create(params) {
      const shown: HeldPosition[] = [];
      seen.push(shown);
      return {
        next(bar, position) {
          shown.push(position);
          if (bar.close >= (params.level as number) && position !== 'long')
            return { action: 'long', sl: { kind: 'percent', value: 2 } };
          if (bar.close < (params.level as number) && position === 'long') return { action: 'close_long' };
          return undefined;
        },
      };
    },
  };
}

class FakeCandles implements CandleSource {
  readonly series = new Map<string, Candles>();
  readonly failing = new Set<string>();
  readonly closedCandles = jest.fn(
    async (symbol: string, _tf: StrategyTimeframe, _limit: number, _now: number): Promise<Candles> => {
      if (this.failing.has(symbol)) throw new Error(`exchange unavailable for ${symbol}`);
      const c = this.series.get(symbol);
      if (!c) throw new Error(`no candles for ${symbol}`);
      return c;
    },
  );
  spanMs(): number {
    return HOUR;
  }
}

const sub = (overrides: Partial<StrategySubscription> = {}): StrategySubscription => ({
  id: 'threshold.BTCUSDT.1h',
  strategy: 'threshold',
  symbol: 'BTC/USDT:USDT',
  timeframe: '1h',
  params: { level: 100 },
  enabled: true,
  updatedAt: START,
  ...overrides,
});

const account = (accountId: string, strategies: StrategySubscription[], overrides: Partial<Account> = {}): Account => ({
  accountId,
  name: accountId,
  exchange: 'paper',
  testnet: false,
  status: 'active',
  webhookTokenHash: 'x',
  settings: { ...DEFAULT_ACCOUNT_SETTINGS, strategies },
  createdAt: START,
  updatedAt: START,
  ...overrides,
});

function held(accountId: string, symbol: string, side: 'long' | 'short'): BookPosition {
  return {
    accountId,
    symbol,
    side,
    quantity: '1',
    entryPrice: '100',
    leverage: 1,
    tradeId: 't-1',
    updatedAt: START,
    appliedOrderIds: [],
    version: 1,
  };
}

function setup(accounts: Account[], strategies: StrategyDefinition[] = [thresholdStrategy([])]) {
  // Just after the close of the last of 5 candles (the one opening at START + 4h).
  const now = START + 5 * HOUR;
  const clock = new ManualClock(now + 10_000);
  const ledger = new MemorySignalLedger();
  const queue = new MemorySignalQueue(clock);
  const positions = new MemoryPositions();
  const audit = new MemoryAudit();
  const candles = new FakeCandles();
  const byId = new Map(strategies.map((s) => [s.id, s]));
  const runner = new RunStrategies({
    accounts: { list: async () => accounts },
    positions,
    candles,
    ledger,
    queue,
    audit,
    clock,
    dedupTtlMs: 7 * 24 * HOUR,
    strategies: (id) => {
      const found = byId.get(id);
      if (!found) throw new Error(`unknown strategy "${id}"`);
      return found;
    },
  });
  return { now, clock, ledger, queue, positions, audit, candles, runner };
}

describe('RunStrategies: a signal on the last closed candle', () => {
  it('queues it as a strategy signal in the account#symbol group, with the subscription size and leverage and the strategy stop', async () => {
    const { runner, candles, queue, now } = setup([
      account('acc-1', [sub({ size: { kind: 'percent', value: 5 }, leverage: 3 })]),
    ]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));

    const report = await runner.run('1h', now);

    expect(report).toMatchObject({ timeframe: '1h', evaluated: 1, queued: 1, duplicates: 0, failed: 0 });
    expect(queue.messages).toHaveLength(1);
    const [message] = queue.messages;
    expect(message?.groupId).toBe('acc-1#BTCUSDT');
    expect(message?.signal).toMatchObject({
      v: 1,
      accountId: 'acc-1',
      source: 'strategy',
      strategy: 'threshold',
      intent: 'enter_long',
      symbol: { unified: 'BTC/USDT:USDT', compact: 'BTCUSDT' },
      size: { kind: 'percent', value: 5 },
      leverage: 3,
      sl: { kind: 'percent', value: 2 },
      signalPrice: 101,
      firedAt: now,
    });
    expect(message?.signal.signalId).toBe(report.results[0]?.signalId);
    expect(report.results[0]).toMatchObject({ outcome: 'queued', intent: 'enter_long', candleTime: START + 4 * HOUR });
  });

  it('audits the accepted signal with source strategy', async () => {
    const { runner, candles, audit, now } = setup([account('acc-1', [sub()])]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));

    const report = await runner.run('1h', now);

    expect(audit.events).toHaveLength(1);
    expect(audit.events[0]).toMatchObject({
      accountId: 'acc-1',
      type: 'signal.accepted',
      signalId: report.results[0]?.signalId,
      data: { source: 'strategy', subscriptionId: 'threshold.BTCUSDT.1h', intent: 'enter_long' },
    });
  });

  it('queues nothing when the strategy holds', async () => {
    const { runner, candles, queue, now } = setup([account('acc-1', [sub()])]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 99]));

    const report = await runner.run('1h', now);

    expect(queue.messages).toHaveLength(0);
    expect(report.results[0]?.outcome).toBe('hold');
  });
});

describe('RunStrategies: a re-run of the same candle close', () => {
  it('never trades twice: the second run finds the dedup record and sends nothing', async () => {
    const { runner, candles, queue, audit, now, clock, ledger } = setup([account('acc-1', [sub()])]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));

    const first = await runner.run('1h', now);
    // the executor has taken the signal (its lease is what tells a duplicate from a send to repeat)
    await ledger.beginExecution(
      { accountId: 'acc-1', signalId: first.results[0]?.signalId as string, status: 'executing', updatedAt: now },
      now,
      60_000,
    );
    clock.advance(20 * 60_000); // past SQS's own 5-minute dedup window: only the record can stop it
    const second = await runner.run('1h', now);

    expect(queue.messages).toHaveLength(1);
    expect(second.results[0]).toMatchObject({ outcome: 'duplicate', signalId: first.results[0]?.signalId });
    expect(second).toMatchObject({ queued: 0, duplicates: 1 });
    expect(audit.events).toHaveLength(1);
  });

  it('gives the next candle a new signal id', async () => {
    const { runner, candles, queue, now } = setup([account('acc-1', [sub()])]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));
    await runner.run('1h', now);
    candles.series.set('BTC/USDT:USDT', candlesOf([95, 97, 98, 99, 102], START + HOUR));

    await runner.run('1h', now + HOUR);

    expect(queue.messages).toHaveLength(2);
    expect(queue.messages[0]?.signal.signalId).not.toBe(queue.messages[1]?.signal.signalId);
  });

  it('sends again after a failed send, with the same signal id', async () => {
    const { runner, candles, queue, ledger, now } = setup([account('acc-1', [sub()])]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));
    queue.failNext(1);

    const failed = await runner.run('1h', now);
    const retried = await runner.run('1h', now);

    expect(failed.results[0]?.outcome).toBe('failed');
    expect(retried.results[0]?.outcome).toBe('queued');
    expect(queue.messages).toHaveLength(1);
    const firstClaim = ledger.claimDedup.mock.calls[0]?.[0];
    expect(queue.messages[0]?.signal.signalId).toBe(firstClaim?.signalId);
    expect(queue.messages[0]?.dedupId).toBe(firstClaim?.dedupKey);
  });
});

describe('RunStrategies: the held position', () => {
  it('simulates it from the strategy signals before the last candle and takes the book position on the last one', async () => {
    const seen: HeldPosition[][] = [];
    const { runner, candles, queue, positions, now } = setup([account('acc-1', [sub()])], [thresholdStrategy(seen)]);
    // Simulated: long on the 2nd candle, closed on the 4th; the last candle would enter again.
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 101, 102, 95, 103]));
    await positions.save(held('acc-1', 'BTC/USDT:USDT', 'long'), 0);

    const report = await runner.run('1h', now);

    expect(seen[0]).toEqual(['flat', 'flat', 'long', 'long', 'long']);
    expect(report.results[0]?.outcome).toBe('hold');
    expect(queue.messages).toHaveLength(0);
  });

  it('enters when the book is flat where the simulation would have been long', async () => {
    const seen: HeldPosition[][] = [];
    const { runner, candles, queue, now } = setup([account('acc-1', [sub()])], [thresholdStrategy(seen)]);
    // Simulated long since the 2nd candle (a stop-loss flattened the real account meanwhile).
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 101, 102, 103, 104]));

    await runner.run('1h', now);

    expect(seen[0]).toEqual(['flat', 'flat', 'long', 'long', 'flat']);
    expect(queue.messages.map((m) => m.signal.intent)).toEqual(['enter_long']);
  });

  it('closes a long the book holds', async () => {
    const { runner, candles, queue, positions, now } = setup([account('acc-1', [sub()])]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 96]));
    await positions.save(held('acc-1', 'BTC/USDT:USDT', 'long'), 0);

    await runner.run('1h', now);

    expect(queue.messages.map((m) => m.signal.intent)).toEqual(['close_long']);
  });
});

describe('RunStrategies: which subscriptions run', () => {
  it('skips disabled subscriptions, other timeframes and accounts that are not active', async () => {
    const { runner, candles, queue, now } = setup([
      account('acc-1', [
        sub({ enabled: false }),
        sub({ id: 'threshold.ETHUSDT.4h', symbol: 'ETH/USDT:USDT', timeframe: '4h' }),
      ]),
      account('acc-2', [sub()], { status: 'paused' }),
      account('acc-3', []),
    ]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));
    candles.series.set('ETH/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));

    const report = await runner.run('1h', now);

    expect(report.evaluated).toBe(0);
    expect(candles.closedCandles).not.toHaveBeenCalled();
    expect(queue.messages).toHaveLength(0);
  });

  it('reads each symbol once, as many candles as its hungriest strategy needs', async () => {
    const hungry: StrategyDefinition = { ...thresholdStrategy([]), id: 'hungry', warmup: () => 200 };
    const { runner, candles, queue, now } = setup(
      [account('acc-1', [sub()]), account('acc-2', [sub({ id: 'hungry.BTCUSDT.1h', strategy: 'hungry' })])],
      [thresholdStrategy([]), hungry],
    );
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));

    await runner.run('1h', now);

    expect(candles.closedCandles).toHaveBeenCalledTimes(1);
    expect(candles.closedCandles).toHaveBeenCalledWith('BTC/USDT:USDT', '1h', 1000, now);
    expect(queue.messages.map((m) => m.signal.accountId).sort()).toEqual(['acc-1', 'acc-2']);
  });

  it('reads at least 300 candles', async () => {
    const { runner, candles, now } = setup([account('acc-1', [sub()])]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));

    await runner.run('1h', now);

    expect(candles.closedCandles).toHaveBeenCalledWith('BTC/USDT:USDT', '1h', 300, now);
  });
});

describe('RunStrategies: failures stay with their subscription', () => {
  it('goes on with the other symbols when one symbol cannot be read', async () => {
    const { runner, candles, queue, now } = setup([
      account('acc-1', [sub(), sub({ id: 'threshold.ETHUSDT.1h', symbol: 'ETH/USDT:USDT' })]),
      account('acc-2', [sub({ id: 'threshold.ETHUSDT.1h', symbol: 'ETH/USDT:USDT' })]),
    ]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));
    candles.failing.add('ETH/USDT:USDT');

    const report = await runner.run('1h', now);

    expect(queue.messages.map((m) => `${m.signal.accountId} ${m.signal.symbol.unified}`)).toEqual([
      'acc-1 BTC/USDT:USDT',
    ]);
    expect(report.failed).toBe(2);
    expect(report.results.filter((r) => r.outcome === 'failed').map((r) => r.reason)).toEqual([
      'exchange unavailable for ETH/USDT:USDT',
      'exchange unavailable for ETH/USDT:USDT',
    ]);
  });

  it('goes on with the other subscriptions when a strategy id is unknown', async () => {
    const { runner, candles, queue, now } = setup([
      account('acc-1', [sub({ id: 'gone.BTCUSDT.1h', strategy: 'gone' })]),
      account('acc-2', [sub()]),
    ]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));

    const report = await runner.run('1h', now);

    expect(report.results.find((r) => r.accountId === 'acc-1')).toMatchObject({
      outcome: 'failed',
      reason: 'unknown strategy "gone"',
    });
    expect(queue.messages.map((m) => m.signal.accountId)).toEqual(['acc-2']);
  });

  it('refuses a subscription leverage above the account cap (the cap may have been lowered since)', async () => {
    const { runner, candles, queue, now } = setup([account('acc-1', [sub({ leverage: 50 })])]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));

    const report = await runner.run('1h', now);

    expect(report.results[0]).toMatchObject({
      outcome: 'failed',
      reason: "leverage 50 exceeds this account's cap of 20",
    });
    expect(queue.messages).toHaveLength(0);
  });

  it('does not trade on candles a whole candle behind the clock', async () => {
    const { runner, candles, queue, now } = setup([account('acc-1', [sub()])]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101], START - HOUR));

    const report = await runner.run('1h', now);

    expect(report.results[0]?.outcome).toBe('stale');
    expect(queue.messages).toHaveLength(0);
  });
});

describe('RunStrategies: a subscription with its own rule file', () => {
  // Long at a close ≥ 100 (risesTo: below on the candle before), a ladder and break-even on the entry.
  const rules = {
    format: 'strategy-rules/1',
    id: 'threshold-rules',
    params: { level: { type: 'float', default: 100 } },
    rules: { entry: { long: [{ series: 'close', risesTo: '$level' }] } },
    protection: {
      sl: 2,
      ladder: [
        { tp: 1, share: 60 },
        { tp: 3, share: 40 },
      ],
      breakEven: true,
      trail: 1.5,
    },
    sizing: { percent: 4 },
  };
  const ruleSub = (overrides: Partial<StrategySubscription> = {}) =>
    sub({ id: 'threshold-rules.BTCUSDT.1h', strategy: 'threshold-rules', rules, params: { level: 100 }, ...overrides });

  it('compiles the stored file and queues its entry with the protection and size the file declares', async () => {
    // No built-in is known to this runner: the rule file is all it runs.
    const { runner, candles, queue, now } = setup([account('acc-1', [ruleSub()])], []);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));

    const report = await runner.run('1h', now);

    expect(report).toMatchObject({ queued: 1, failed: 0 });
    expect(queue.messages[0]?.signal).toMatchObject({
      strategy: 'threshold-rules',
      intent: 'enter_long',
      size: { kind: 'percent', value: 4 },
      sl: { kind: 'percent', value: 2 },
      tpLevels: [
        { level: { kind: 'percent', value: 1 }, sharePct: 60 },
        { level: { kind: 'percent', value: 3 }, sharePct: 40 },
      ],
      breakEven: true,
      trailPct: 1.5,
    });
  });

  it("forwards the file's execution block as the entry's algo (the executor slices it)", async () => {
    const sliced = { ...rules, execution: { algo: 'twap', horizon: '4h', interval: '1h' } };
    const { runner, candles, queue, now } = setup([account('acc-1', [ruleSub({ rules: sliced })])], []);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));

    await runner.run('1h', now);

    expect(queue.messages[0]?.signal).toMatchObject({
      intent: 'enter_long',
      algo: { kind: 'twap', horizonMs: 4 * HOUR, intervalMs: HOUR },
    });
  });

  it("lets the subscription's own size win over the file's", async () => {
    const { runner, candles, queue, now } = setup(
      [account('acc-1', [ruleSub({ size: { kind: 'quote', value: 250 } })])],
      [],
    );
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));
    await runner.run('1h', now);
    expect(queue.messages[0]?.signal.size).toEqual({ kind: 'quote', value: 250 });
  });

  it('fails that subscription alone, naming the path, when its stored file is not valid', async () => {
    const broken = { ...rules, rules: { entry: { long: [{ series: 'close', risesTo: 'rsi(0)' }] } } };
    const { runner, candles, now } = setup([account('acc-1', [ruleSub({ rules: broken })]), account('acc-2', [sub()])]);
    candles.series.set('BTC/USDT:USDT', candlesOf([90, 95, 97, 98, 101]));
    const report = await runner.run('1h', now);
    expect(report).toMatchObject({ evaluated: 2, queued: 1, failed: 1 });
    expect(report.results.find((r) => r.accountId === 'acc-1')?.reason).toMatch(
      /rules\.entry\.long\[0\]\.risesTo: unknown series "rsi\(0\)"/,
    );
  });
});
