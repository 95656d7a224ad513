// Sliced entries (docs/EXECUTION-ALGOS.md) on the fake Binance with unmodified ccxt, parents on
// dynalite and the slice timer on fauxqs: the alert's TWAP goes webhook → FIFO → executor (slice 1),
// then each next slice waits on the STANDARD timer queue for its real DelaySeconds (10 s, the
// interval's lower bound) → slice-timer handler → FIFO → executor. Shown: N slices, ONE parent trade
// at the average entry, the stop on the exchange re-sized to the position after every fill, a flatten
// mid-way that cancels the rest (no order after it), and a crash between a slice's send and its
// parent's row that resumes without a second order (the fake's entries: N, distinct client ids).
// The slice timer runs on wall time (10 s a hop): the waits below are sized for that on a busy machine.
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createSliceTimerHandler } from '../../../functions/slice-timer/app';
import { provisionSliceTimer } from '../../../bin/local/provision';
import { SqsPoller } from '../../../bin/local/sqs-poller';
import { DynamoAlgoParentStore } from '../../../shared/adapters/dynamodb/algo-parent-store';
import type { AlgoParent } from '../../../shared/core/execution/algo/types';
import { AlgoControl } from '../../../shared/core/execution/algo/algo-control';
import { childSignal } from '../../../shared/core/execution/algo/parent';
import { childSignalId } from '../../../shared/core/execution/algo/types';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { loadEnv, sliceTimerEnvSchema } from '../../../shared/platform/config';
import { tableName } from '../../../shared/platform/resource-names';
import { buildReleaseSlice } from '../../../shared/runtime/algo';
import { silentLogger } from '../harness';
import {
  AFTER_LEASE_MS,
  deliver,
  laterClock,
  liveExecutor,
  sid,
  signalFor,
  startLiveSuite,
  type LiveSuite,
} from './helpers';

jest.setTimeout(120_000);

let s: LiveSuite;
let timer: { queueUrl: string; queueArn: string };
let pump: SqsPoller;

beforeAll(async () => {
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: process.env.IT_SQS_ENDPOINT });
  timer = await provisionSliceTimer(sqs, `tw${Date.now().toString(36)}`);
  s = await startLiveSuite({ executorEnv: { SLICE_TIMER_QUEUE_URL: timer.queueUrl } });
  const env = loadEnv(sliceTimerEnvSchema, {
    STAGE: s.h.stage,
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: process.env.IT_DYNAMODB_ENDPOINT,
    SQS_ENDPOINT: process.env.IT_SQS_ENDPOINT,
    SIGNAL_QUEUE_URL: s.h.queueUrl,
    SLICE_TIMER_QUEUE_URL: timer.queueUrl,
  });
  // The slice timer's event source, polled by the test: one receive at a time.
  pump = new SqsPoller({
    sqs,
    queueUrl: timer.queueUrl,
    queueArn: timer.queueArn,
    handler: createSliceTimerHandler(buildReleaseSlice(env), silentLogger()),
  });
});
afterAll(() => s.close());
afterEach(() => s.fake.setPrice('BTCUSDT', 65_000));

/** Waits (up to 30 s) for the timer to release the next slice onto the FIFO lane, then runs the lane. */
async function nextSlice(): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) if ((await pump.pollOnce(0, 5)) > 0) break;
  await s.h.drain();
}

const parentOf = (accountId: string, parentId: string) =>
  new DynamoAlgoParentStore(DynamoDBDocumentClient.from(s.h.dynamo), tableName(s.h.stage, 'risk')).get(
    accountId,
    parentId,
  );

const entries = (apiKey: string) => s.fake.orders(apiKey).filter((o) => o.type === 'MARKET' && !o.reduceOnly);
const restingStops = (apiKey: string) =>
  s.fake
    .algoOrders(apiKey)
    .filter((a) => a.orderType === 'STOP_MARKET' && a.algoStatus === 'NEW')
    .map((a) => a.quantity);

test('a TWAP alert: 3 slices 10 s apart, one parent trade at the average entry, the stop growing with each fill', async () => {
  const { accountId, apiKey, token } = await s.newAccount();
  const post = await s.h.post({
    token,
    account: accountId,
    action: 'long',
    symbol: 'BTCUSDT.P',
    size: '0.03',
    sl: '2%',
    algo: 'twap',
    horizon: '30s',
    interval: '10s',
    id: 'twap-three',
  });
  expect(post.statusCode).toBe(202);
  const parentId = post.body.signalId as string;
  await s.h.drain();
  expect(entries(apiKey).map((o) => o.origQty)).toEqual([0.01]);
  expect(restingStops(apiKey)).toEqual([0.01]);

  for (const [i, price] of [65_100, 65_300].entries()) {
    s.fake.setPrice('BTCUSDT', price);
    await nextSlice();
    const held = (i + 2) * 0.01;
    expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBeCloseTo(held, 9);
    // the stop on the exchange covers the whole position after this fill; the old one was cancelled
    expect(restingStops(apiKey).map((q) => Number(q.toFixed(9)))).toEqual([Number(held.toFixed(9))]);
  }
  // N entry orders, each its child's deterministic client id
  expect(entries(apiKey).map((o) => o.clientOrderId)).toEqual(
    [0, 1, 2].map((i) => clientOrderIdFor(childSignalId(parentId, i), 'open')),
  );
  const trades = await s.h.runtime.repos.trades.listByAccount(accountId);
  expect(trades).toHaveLength(1);
  expect(trades[0]).toMatchObject({ quantity: '0.03', algo: { parentId, kind: 'twap', slices: 3, filledSlices: 3 } });
  // the fills were at 65,000, 65,100 and 65,300: the trade's entry is their average
  expect(Number(trades[0]?.entryPrice)).toBeCloseTo((65_000 + 65_100 + 65_300) / 3, 6);
  expect(await parentOf(accountId, parentId)).toMatchObject({
    status: 'completed',
    filledAmount: '0.03',
    nextIndex: 3,
  });
  const completed = (await s.h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === 'algo.completed');
  expect(completed).toHaveLength(1);
});

test('a flatten mid-way cancels the remaining slices before closing: no order after it', async () => {
  const { accountId, apiKey, token } = await s.newAccount();
  const post = await s.h.post({
    token,
    account: accountId,
    action: 'long',
    symbol: 'BTCUSDT.P',
    size: '0.03',
    sl: '2%',
    algo: 'twap',
    horizon: '30s',
    interval: '10s',
    id: 'twap-flatten',
  });
  const parentId = post.body.signalId as string;
  await s.h.drain();
  // The owner's flatten of the symbol: a close_all on the account's lane (AccountControl queues the same)
  await deliver(s.h.executor, signalFor(accountId, sid('twapflatten'), { intent: 'close_all', source: 'owner' }));
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0);
  const parent = (await parentOf(accountId, parentId)) as AlgoParent;
  expect(parent).toMatchObject({ status: 'cancelled', nextIndex: 1 });
  expect(parent.reason).toContain('close_all by the owner');
  const ordersAfterFlatten = s.fake.orders(apiKey).length;
  await nextSlice(); // slice 2 was already on the timer: it arrives and is skipped
  expect(s.fake.orders(apiKey)).toHaveLength(ordersAfterFlatten);
  expect(entries(apiKey)).toHaveLength(1);
  expect(await s.h.runtime.repos.signals.getSignal(accountId, childSignalId(parentId, 1))).toMatchObject({
    status: 'executed',
  });
});

test('a crash after a slice was sent, before its parent row moved, resumes without a duplicate slice', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const store = new DynamoAlgoParentStore(DynamoDBDocumentClient.from(s.h.dynamo), tableName(s.h.stage, 'risk'));
  // The seam: the process dies at the parent's write after slice 2's order and book, once.
  let crashes = 0;
  const crashing = Object.assign(Object.create(store) as DynamoAlgoParentStore, {
    update: async (parent: AlgoParent, version: number) => {
      if (parent.nextIndex === 2 && crashes++ === 0) throw new Error('process killed between send and parent row');
      return store.update(parent, version);
    },
  });
  const scheduled: { index: number; dueAt: number }[] = [];
  const algoFor = (clock = s.h.runtime.clock) =>
    new AlgoControl({
      parents: crashing,
      scheduler: { schedule: async (child, dueAt) => void scheduled.push({ index: child.slice.index, dueAt }) },
      audit: s.h.runtime.repos.audit,
      clock,
    });
  const parentSignal = signalFor(accountId, sid('twapcrash'), {
    size: { kind: 'contracts', value: 0.03 },
    sl: { kind: 'percent', value: 2 },
    algo: { kind: 'twap', horizonMs: 30_000, intervalMs: 10_000 },
  });
  await deliver(liveExecutor(s.h, { algo: algoFor() }), parentSignal);
  const parent = (await store.get(accountId, parentSignal.signalId)) as AlgoParent;
  const slice2 = childSignal(parent, 1, Date.now());

  const crashed = await deliver(liveExecutor(s.h, { algo: algoFor() }), slice2);
  expect(crashed.batchItemFailures).toHaveLength(1); // back to the queue
  expect(entries(apiKey)).toHaveLength(2);
  // Redelivered after the lease, by a new container: the order is adopted, the row advances.
  const later = laterClock(s.h, AFTER_LEASE_MS);
  const again = await deliver(liveExecutor(s.h, { algo: algoFor(later), clock: later }), slice2);
  expect(again.batchItemFailures).toEqual([]);
  expect(entries(apiKey)).toHaveLength(2);
  expect((await store.get(accountId, parentSignal.signalId))?.nextIndex).toBe(2);

  const slice3 = childSignal(parent, 2, Date.now());
  await deliver(liveExecutor(s.h, { algo: algoFor(later), clock: later }), slice3);
  const ids = entries(apiKey).map((o) => o.clientOrderId);
  expect(ids).toHaveLength(3);
  expect(new Set(ids).size).toBe(3);
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBeCloseTo(0.03, 9);
  expect(restingStops(apiKey).map((q) => Number(q.toFixed(9)))).toEqual([0.03]);
  expect((await store.get(accountId, parentSignal.signalId))?.status).toBe('completed');
  expect(scheduled.map((x) => x.index)).toEqual([1, 2]);
});
