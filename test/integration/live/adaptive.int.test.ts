// Adaptive slicing (docs/EXECUTION-ALGOS.md "Sizing") on the fake Binance with unmodified ccxt: the
// alert's `algo: adaptive` goes webhook → FIFO → executor (slice 1), then each next slice waits on the
// STANDARD timer queue (10 s, the interval's lower bound) → slice-timer handler → FIFO → executor, as
// in twap.int.test.ts. Here the book is seeded (`setBook`: Binance's depth body, ccxt's capture in
// test/fixtures/exchange/ccxt-static/binance.response.json) so the walk of the book, not the TWAP
// share, sets each slice: the amounts follow the book, ONE parent trade, the stop re-sized after each
// fill. The fake fills market orders at its last price (65,000): the book is what the sizing reads.
import { SqsPoller } from '../../../bin/local/sqs-poller';
import { provisionSliceTimer } from '../../../bin/local/provision';
import { createSliceTimerHandler } from '../../../functions/slice-timer/app';
import { childSignalId } from '../../../shared/core/execution/algo/types';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { loadEnv, sliceTimerEnvSchema } from '../../../shared/platform/config';
import { buildReleaseSlice } from '../../../shared/runtime/algo';
import { silentLogger } from '../harness';
import { startLiveSuite, type LiveSuite } from './helpers';

jest.setTimeout(120_000);

let s: LiveSuite;
let pump: SqsPoller;

beforeAll(async () => {
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: process.env.IT_SQS_ENDPOINT });
  const timer = await provisionSliceTimer(sqs, `ad${Date.now().toString(36)}`);
  s = await startLiveSuite({ executorEnv: { SLICE_TIMER_QUEUE_URL: timer.queueUrl } });
  const env = loadEnv(sliceTimerEnvSchema, {
    STAGE: s.h.stage,
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: process.env.IT_DYNAMODB_ENDPOINT,
    SQS_ENDPOINT: process.env.IT_SQS_ENDPOINT,
    SIGNAL_QUEUE_URL: s.h.queueUrl,
    SLICE_TIMER_QUEUE_URL: timer.queueUrl,
  });
  pump = new SqsPoller({
    sqs,
    queueUrl: timer.queueUrl,
    queueArn: timer.queueArn,
    handler: createSliceTimerHandler(buildReleaseSlice(env), silentLogger()),
  });
});
afterAll(() => s.close());

/** Waits (up to 30 s) for the timer to release the next slice onto the FIFO lane, then runs the lane. */
async function nextSlice(): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) if ((await pump.pollOnce(0, 5)) > 0) break;
  await s.h.drain();
}

const entries = (apiKey: string) => s.fake.orders(apiKey).filter((o) => o.type === 'MARKET' && !o.reduceOnly);
const restingStops = (apiKey: string) =>
  s.fake
    .algoOrders(apiKey)
    .filter((a) => a.orderType === 'STOP_MARKET' && a.algoStatus === 'NEW')
    .map((a) => Number(a.quantity.toFixed(9)));

test('adaptive: each slice as large as the seeded book takes within 1 bps; one trade; the stop follows each fill', async () => {
  // Mid (64,999 + 65,001) / 2 = 65,000; 1 bps of it is 6.5. Taking a = 0.004 + x BTC (x from the 65,013
  // level) averages 65,000 + (0.004 × 1 + x × 13) / a, so within 1 bps: 0.004 + 13x ≤ 6.5 × (0.004 + x)
  // → x ≤ 0.022 / 6.5 = 0.00338: 0.003 in whole 0.001 steps, slice 1 = 0.007 (avg +6.14, 0.945 bps;
  // 0.008 would average +7.0, 1.077 bps). The TWAP share 0.03 / 3 = 0.01 would cost 1.26 bps: not taken.
  s.fake.setBook('BTCUSDT', {
    bids: [[64_999, 1]],
    asks: [
      [65_001, 0.004],
      [65_013, 0.006],
      [65_130, 1],
    ],
  });
  const { accountId, apiKey, token } = await s.newAccount();
  const post = await s.h.post({
    token,
    account: accountId,
    action: 'long',
    symbol: 'BTCUSDT.P',
    size: '0.03',
    sl: '2%',
    algo: 'adaptive',
    horizon: '30s',
    interval: '10s',
    maxSlippageBps: 1,
    id: 'adaptive-three',
  });
  expect(post.statusCode).toBe(202);
  const parentId = post.body.signalId as string;
  const depthReads = () => s.fake.requests().filter((r) => r.path === '/fapi/v1/depth' && r.status === 200).length;
  const readsBefore = depthReads();
  await s.h.drain();
  expect(depthReads()).toBeGreaterThan(readsBefore); // the slice was sized on the book the fake served
  expect(entries(apiKey).map((o) => o.origQty)).toEqual([0.007]);
  expect(restingStops(apiKey)).toEqual([0.007]);

  // A deeper book for slice 2: 0.020 at 65,001 then 65,100. Left 0.023 over 2 slices (TWAP 0.011).
  // a = 0.020 + x: (0.020 × 1 + 100x) / a ≤ 6.5 → 93.5x ≤ 0.11 → x ≤ 0.00118: x = 0.001, slice 2 = 0.021
  // (avg +5.71, 0.879 bps; 0.022 averages +10, 1.54 bps). What is left, 0.002 (130 USDT ≥ the 100
  // minimum notional), can go alone: slice 2 is not the last.
  s.fake.setBook('BTCUSDT', {
    bids: [[64_999, 1]],
    asks: [
      [65_001, 0.02],
      [65_100, 1],
    ],
  });
  await nextSlice();
  expect(entries(apiKey).map((o) => o.origQty)).toEqual([0.007, 0.021]);
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBeCloseTo(0.028, 9);
  expect(restingStops(apiKey)).toEqual([0.028]);

  // The last slice takes the rest, whatever the book.
  await nextSlice();
  expect(entries(apiKey).map((o) => o.origQty)).toEqual([0.007, 0.021, 0.002]);
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBeCloseTo(0.03, 9);
  expect(restingStops(apiKey)).toEqual([0.03]);

  expect(entries(apiKey).map((o) => o.clientOrderId)).toEqual(
    [0, 1, 2].map((i) => clientOrderIdFor(childSignalId(parentId, i), 'open')),
  );
  const trades = await s.h.runtime.repos.trades.listByAccount(accountId);
  expect(trades).toHaveLength(1);
  expect(trades[0]).toMatchObject({
    quantity: '0.03',
    algo: { parentId, kind: 'adaptive', slices: 3, filledSlices: 3 },
  });
  const completed = (await s.h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === 'algo.completed');
  expect(completed).toHaveLength(1);
  expect(completed[0]?.data).toMatchObject({ kind: 'adaptive', slicesSent: 3, filledAmount: '0.03' });
});
