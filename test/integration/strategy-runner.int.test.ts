// The strategy runner on the local stack's pieces: a subscription stored on a paper account
// (DynamoDB stand-in), the runner reading the replayed XRPUSDT candles, its signal on the real SQS
// FIFO stand-in, and the executor filling it on the paper exchange; a re-run of the same candle
// close trades nothing more.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReplayCandleSource } from '../../shared/adapters/candles/replay-candle-source';
import { paperMarkets } from '../../shared/adapters/paper/markets';
import { ReplayPriceSource } from '../../shared/adapters/prices/replay-price-source';
import { getStrategy } from '../../shared/core/strategies/registry';
import { parseRuleFile } from '../../shared/core/strategies/rules';
import { signalOnLastCandle } from '../../shared/core/strategies/last-candle-signal';
import { candlesNeeded } from '../../shared/core/strategies/run-strategies';
import { StrategySubscriptions } from '../../shared/core/control/strategy-subscriptions';
import { loadEnv } from '../../shared/platform/config';
import { strategyRunnerEnvSchema } from '../../shared/platform/strategy-runner-config';
import { buildRunStrategies } from '../../shared/runtime/strategy-runner';
import { createHarness, endpoints, region, type Harness } from './harness';

jest.setTimeout(60_000);

const SYMBOL = 'XRP/USDT:USDT';
const MS_PER_CANDLE = 1_000;
// The replay clock starts at a recent date, so every record carries a plausible time.
const EPOCH = Date.UTC(2026, 0, 5);

let h: Harness;
/** The replay's time: the executor runs on the same clock as the runner, as both run on the system clock in the cloud (an entry is refused once it is older than its lag). */
let replayNow = Date.now();
beforeAll(async () => {
  h = await createHarness({ clock: { now: () => replayNow } });
});

function runnerEnv() {
  const ep = endpoints();
  return loadEnv(strategyRunnerEnvSchema, {
    STAGE: h.stage,
    AWS_REGION: region,
    DYNAMODB_ENDPOINT: ep.dynamo,
    SQS_ENDPOINT: ep.sqs,
    SIGNAL_QUEUE_URL: h.queueUrl,
  });
}

const candles = new ReplayCandleSource(
  new ReplayPriceSource({
    dir: join(__dirname, '../../data/candles'),
    msPerCandle: MS_PER_CANDLE,
    epochStart: EPOCH,
    markets: paperMarkets,
  }),
);

/** The first candle close on the replay clock at which sma-cross (defaults) enters from flat. */
async function firstEntryClose(): Promise<{ now: number; action: string }> {
  const definition = getStrategy('sma-cross');
  const params = Object.fromEntries(definition.params.map((p) => [p.name, p.default]));
  const limit = candlesNeeded(definition.warmup(params));
  for (let slot = limit; slot < limit + 300; slot++) {
    const now = EPOCH + slot * MS_PER_CANDLE;
    const signal = signalOnLastCandle(
      definition,
      params,
      await candles.closedCandles(SYMBOL, '1h', limit, now),
      'flat',
    );
    if (signal?.action === 'long' || signal?.action === 'short') return { now, action: signal.action };
  }
  throw new Error('no sma-cross entry within 300 replayed candles');
}

test('a subscription on a paper account produces a queued strategy signal that the executor fills, once', async () => {
  const { accountId } = await h.createAccount(10_000);
  const { now, action } = await firstEntryClose();
  replayNow = now + 50;
  const clock = { now: () => replayNow };
  const subscription = await new StrategySubscriptions({ accounts: h.runtime.repos.accounts, clock }).enable({
    accountId,
    strategy: 'sma-cross',
    symbol: 'XRPUSDT',
    timeframe: '1h',
    size: '10%',
    leverage: 2,
  });
  expect((await h.runtime.repos.accounts.get(accountId))?.settings.strategies).toEqual([subscription]);

  const runner = buildRunStrategies(runnerEnv(), clock, candles);
  const report = await runner.run('1h', now);
  // The same candle close again before the executor ran (a retried or doubled schedule): the
  // book is still flat, the strategy says the same, and the dedup record gives it the same signal
  // id and SQS deduplication id: sent again, kept once by the queue (one order below).
  const again = await runner.run('1h', now);

  expect(report).toMatchObject({ evaluated: 1, queued: 1, failed: 0 });
  const signalId = report.results[0]?.signalId as string;
  expect(again.results[0]).toMatchObject({ outcome: 'queued', signalId });
  // both audited, the second saying it was sent again (the two share a timestamp: no order)
  const accepted = (await h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === 'signal.accepted');
  expect(accepted.map((e) => e.signalId)).toEqual([signalId, signalId]);
  expect(
    accepted.map((e) => e.message.startsWith('sent again, same signal: ') && e.data?.resent === true).sort(),
  ).toEqual([false, true]);
  await h.drain();

  expect(await h.runtime.repos.orders.listByAccount(accountId)).toHaveLength(1);
  const [position] = await h.runtime.repos.positions.list(accountId);
  expect(position).toMatchObject({ symbol: SYMBOL, side: action, leverage: 2, strategy: 'sma-cross' });
  expect(Number(position?.quantity)).toBeGreaterThan(0);
  const trades = await h.runtime.repos.trades.listByAccount(accountId);
  expect(trades).toHaveLength(1);
  expect(trades[0]).toMatchObject({ strategy: 'sma-cross', side: action, status: 'open', openSignalId: signalId });
  expect(await h.runtime.repos.signals.getSignal(accountId, signalId)).toMatchObject({
    status: 'executed',
    strategy: 'sma-cross',
    intent: action === 'long' ? 'enter_long' : 'enter_short',
  });
  const events = await h.runtime.repos.audit.listByAccount(accountId);
  expect(events.filter((e) => e.type === 'signal.accepted')).toEqual(
    Array(2).fill(
      expect.objectContaining({
        signalId,
        data: expect.objectContaining({ source: 'strategy', subscriptionId: 'sma-cross.XRPUSDT.1h' }),
      }),
    ),
  );

  // After the fill the book holds the position: the same close now holds instead of entering again.
  const afterFill = await runner.run('1h', now);
  expect(afterFill.results[0]?.outcome).toBe('hold');
});

test('a disabled subscription is not run, and the repository refuses an unknown account', async () => {
  const { accountId } = await h.createAccount(10_000);
  const { now } = await firstEntryClose();
  const subs = new StrategySubscriptions({ accounts: h.runtime.repos.accounts, clock: { now: () => now } });
  const enabled = await subs.enable({ accountId, strategy: 'sma-cross', symbol: 'XRPUSDT', timeframe: '1h' });
  await subs.disable(accountId, enabled.id);

  const report = await buildRunStrategies(runnerEnv(), { now: () => now }, candles).run('1h', now);

  expect(report.results.filter((r) => r.accountId === accountId)).toEqual([]);
  await expect(h.runtime.repos.accounts.setStrategies('acc-missing', [], now)).rejects.toThrow(
    'account acc-missing does not exist',
  );
});

test('a rule-file subscription is stored with its file, read back whole, and traded as the built-in it mirrors', async () => {
  const { accountId } = await h.createAccount(10_000);
  const { now, action } = await firstEntryClose();
  replayNow = now + 50;
  const clock = { now: () => replayNow };
  const parsed = parseRuleFile(readFileSync(join(__dirname, '../../strategies/sma-cross.json'), 'utf8'));
  if (!parsed.ok) throw new Error('strategies/sma-cross.json must parse');
  const rules = { ...parsed.rules, id: 'my-sma', protection: { sl: 3, tp: '$tpPct' } };
  const subscription = await new StrategySubscriptions({ accounts: h.runtime.repos.accounts, clock }).enable({
    accountId,
    rules,
    symbol: 'XRPUSDT',
    timeframe: '1h',
    size: '10%',
  });
  // Through the DynamoDB stand-in with the real SDK: the nested file comes back as it was stored.
  const stored = (await h.runtime.repos.accounts.get(accountId))?.settings.strategies;
  expect(stored).toEqual([subscription]);
  expect(stored?.[0]?.rules).toEqual(rules);

  const report = await buildRunStrategies(runnerEnv(), clock, candles).run('1h', now);
  expect(report.results.filter((r) => r.accountId === accountId)).toEqual([
    expect.objectContaining({ outcome: 'queued', strategy: 'my-sma', subscriptionId: 'my-sma.XRPUSDT.1h' }),
  ]);
  await h.drain();

  const trades = await h.runtime.repos.trades.listByAccount(accountId);
  expect(trades).toEqual([expect.objectContaining({ strategy: 'my-sma', side: action, status: 'open' })]);
  const signalId = report.results.find((r) => r.accountId === accountId)?.signalId as string;
  expect(await h.runtime.repos.signals.getSignal(accountId, signalId)).toMatchObject({
    status: 'executed',
    strategy: 'my-sma',
  });
  // The file's own stop (3 %, not the sma-cross default of none) rests on the exchange and the book.
  const [position] = await h.runtime.repos.positions.list(accountId);
  const entry = Number(position?.entryPrice);
  const stop = Number(position?.stopLoss?.triggerPrice);
  expect(stop / entry).toBeCloseTo(action === 'long' ? 0.97 : 1.03, 3);
  expect(await h.runtime.repos.orders.listByAccount(accountId)).toContainEqual(
    expect.objectContaining({ leg: 'sl', reduceOnly: true, status: 'open', strategy: 'my-sma' }),
  );
}, 120_000);
