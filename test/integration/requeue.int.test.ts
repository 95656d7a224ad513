// The local stack's restart refill: signals queued but not executed when the in-memory queue was
// lost are queued again from their dedup records (the claim carries the message), in receipt order;
// executed ones are not. None is dropped: an entry that waited past its account's lag is rejected
// by the executor (SIGNAL_EXPIRED: ledger, audit, notification) and a close executes however late.
// No write follows the send, so a record cannot tell a sent message from a failed send: both are
// put back, and the executor's lease keeps a message that is there twice to one execution.
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { requeueUnfinished } from '../../bin/local/requeue';
import { SqsPoller } from '../../bin/local/sqs-poller';
import { createWebhookHandler } from '../../functions/webhook/app';
import { notificationOf } from '../../shared/core/notify/from-audit';
import { tableName } from '../../shared/platform/resource-names';
import { buildAcceptWebhook } from '../../shared/runtime/webhook';
import { createHarness, MutableClock, silentLogger, type Harness } from './harness';

jest.setTimeout(60_000);

const clock = new MutableClock(Date.now());
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ clock });
});

/** A restarted stand-in: a new, empty queue with no dedup memory. */
async function freshQueue(name: string): Promise<string> {
  const out = await h.sqs.send(
    new CreateQueueCommand({ QueueName: `${h.stage}-${name}.fifo`, Attributes: { FifoQueue: 'true' } }),
  );
  return out.QueueUrl as string;
}

/** The stack's executor on the restarted queue, until it is empty. */
async function runQueue(queueUrl: string, seen: string[] = []): Promise<void> {
  const poller = new SqsPoller({
    sqs: h.sqs,
    queueUrl,
    waitTimeSeconds: 0,
    handler: (event, context) => {
      seen.push(...event.Records.map((r) => (JSON.parse(r.body) as { signalId: string }).signalId));
      return h.executor(event, context);
    },
  });
  while ((await poller.pollOnce(0, 0)) > 0);
}

test('a queued signal lost with the queue is put back and executes once; an executed one is not', async () => {
  const { accountId, token } = await h.createAccount();
  const executed = await h.post({ token, account: accountId, action: 'long', symbol: 'ETHUSDT', id: 'rq-1' });
  await h.drain();
  const lost = await h.post({ token, account: accountId, action: 'long', symbol: 'BTCUSDT', id: 'rq-2' });
  expect(await h.receiveAll()).toHaveLength(1); // the "restart": the message is gone

  const restarted = await freshQueue('restart1');
  const report = await requeueUnfinished(h.runtime.repos, h.sqs, h.stage, restarted, clock.now());
  await runQueue(restarted);

  expect(report).toEqual({ requeued: [lost.body.signalId], rejected: [] });
  expect(report.requeued).not.toContain(executed.body.signalId);
  const symbols = (await h.runtime.repos.positions.list(accountId)).map((p) => p.symbol).sort();
  expect(symbols).toEqual(['BTC/USDT:USDT', 'ETH/USDT:USDT']);
  expect(await h.runtime.repos.orders.listByAccount(accountId)).toHaveLength(2);

  const again = await requeueUnfinished(h.runtime.repos, h.sqs, h.stage, await freshQueue('restart2'), clock.now());
  expect(again.requeued).toEqual([]);
});

test('a restart with a backlog older than 5 minutes: the entries are rejected SIGNAL_EXPIRED and told, the close executes, in receipt order; nothing is dropped', async () => {
  const { accountId, token } = await h.createAccount();
  await h.post({ token, account: accountId, action: 'long', symbol: 'BTCUSDT', id: 'rq-open' });
  await h.drain();
  const entry = await h.post({ token, account: accountId, action: 'long', symbol: 'XRPUSDT', id: 'rq-3' });
  clock.advance(1_000);
  const close = await h.post({ token, account: accountId, action: 'close_long', symbol: 'BTCUSDT', id: 'rq-4' });
  clock.advance(1_000);
  const entry2 = await h.post({ token, account: accountId, action: 'short', symbol: 'ETHUSDT', id: 'rq-5' });
  expect(await h.receiveAll()).toHaveLength(3); // lost with the restart
  clock.advance(6 * 60_000);

  const restarted = await freshQueue('restart3');
  const report = await requeueUnfinished(h.runtime.repos, h.sqs, h.stage, restarted, clock.now());
  const seen: string[] = [];
  await runQueue(restarted, seen);

  const ids = [entry, close, entry2].map((r) => r.body.signalId as string);
  expect(report.requeued).toEqual(ids);
  expect(seen).toEqual(ids);
  const ledger = h.runtime.repos.signals;
  expect(await ledger.getSignal(accountId, ids[0] as string)).toMatchObject({
    status: 'rejected',
    outcome: expect.stringContaining('SIGNAL_EXPIRED'),
  });
  expect(await ledger.getSignal(accountId, ids[1] as string)).toMatchObject({ status: 'executed' });
  expect(await ledger.getSignal(accountId, ids[2] as string)).toMatchObject({
    status: 'rejected',
    outcome: expect.stringContaining('SIGNAL_EXPIRED'),
  });
  const rejected = (await h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === 'signal.rejected');
  expect(rejected.map((e) => e.signalId).sort()).toEqual([ids[0], ids[2]].sort());
  for (const event of rejected) {
    expect(event.data).toMatchObject({ code: 'SIGNAL_EXPIRED', maxLagMs: 60_000 });
    expect(notificationOf(event)).toMatchObject({ kind: 'signal_rejected', severity: 'warning' });
  }
  expect((await h.runtime.repos.positions.list(accountId)).filter((p) => p.quantity !== '0')).toEqual([]);
});

test('a queued record that kept no copy of its message is rejected with its reason, not skipped', async () => {
  const { accountId, token } = await h.createAccount();
  const lost = await h.post({ token, account: accountId, action: 'long', symbol: 'BTCUSDT', id: 'rq-6' });
  await h.receiveAll();
  // a record written before the dedup record kept the message
  const db = h.runtime.repos.documentClient;
  const table = tableName(h.stage, 'signals');
  const dedup = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'accountId = :a AND begins_with(signalId, :d)',
      ExpressionAttributeValues: { ':a': accountId, ':d': 'd#' },
    }),
  );
  expect(dedup.Items).toHaveLength(1);
  await db.send(
    new UpdateCommand({
      TableName: table,
      Key: { accountId, signalId: dedup.Items?.[0]?.signalId },
      UpdateExpression: 'SET #s = :q REMOVE body',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':q': 'queued' },
    }),
  );

  const report = await requeueUnfinished(h.runtime.repos, h.sqs, h.stage, await freshQueue('restart4'), clock.now());

  expect(report).toEqual({ requeued: [], rejected: [lost.body.signalId] });
  expect(await h.runtime.repos.signals.getSignal(accountId, lost.body.signalId as string)).toMatchObject({
    status: 'rejected',
    outcome: expect.stringContaining('LOST_IN_QUEUE'),
  });
  expect((await h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === 'signal.rejected')).toEqual([
    expect.objectContaining({ signalId: lost.body.signalId, data: expect.objectContaining({ code: 'LOST_IN_QUEUE' }) }),
  ]);
});

test('a signal whose message is still queued when the restart sends it again executes once: the second copy finds the signal done', async () => {
  const { accountId, token } = await h.createAccount();
  const accepted = await h.post({ token, account: accountId, action: 'long', symbol: 'ETHUSDT', id: 'rq-7' });
  expect(accepted.statusCode).toBe(202);

  // The restart's copy goes to a queue with no memory of the first (as SQS after its window), and
  // the first copy is still on the original queue: two deliveries of the same signal.
  const restarted = await freshQueue('restart5');
  const report = await requeueUnfinished(h.runtime.repos, h.sqs, h.stage, restarted, clock.now());
  const seen: string[] = [];
  await h.drain();
  await runQueue(restarted, seen);

  expect(report.requeued).toEqual([accepted.body.signalId]);
  expect(seen).toEqual([accepted.body.signalId]);
  expect(await h.runtime.repos.signals.getSignal(accountId, accepted.body.signalId as string)).toMatchObject({
    status: 'executed',
  });
  expect(await h.runtime.repos.orders.listByAccount(accountId)).toHaveLength(1);
  expect((await h.runtime.repos.positions.list(accountId)).map((p) => p.symbol)).toEqual(['ETH/USDT:USDT']);
  expect(
    (await requeueUnfinished(h.runtime.repos, h.sqs, h.stage, await freshQueue('restart6'), clock.now())).requeued,
  ).toEqual([]);
});

test('a signal whose SendMessage failed (answered 503) is put back from its claim at restart and executes once', async () => {
  const { accountId, token } = await h.createAccount();
  const missingQueue = h.webhookEnv.SIGNAL_QUEUE_URL.replace(/[^/]+$/, `${h.stage}-no-such-queue.fifo`);
  const failing = createWebhookHandler(
    buildAcceptWebhook({ ...h.webhookEnv, IP_ALLOWLIST: [], SIGNAL_QUEUE_URL: missingQueue }, clock),
    silentLogger(),
  );
  const body = JSON.stringify({ token, account: accountId, action: 'long', symbol: 'BTCUSDT', id: 'rq-8' });

  const refused = await failing({ body, requestContext: { http: { sourceIp: '127.0.0.1' } } } as never, {} as never);
  expect(refused.statusCode).toBe(503);
  expect(await h.receiveAll()).toHaveLength(0);

  const restarted = await freshQueue('restart7');
  const report = await requeueUnfinished(h.runtime.repos, h.sqs, h.stage, restarted, clock.now());
  await runQueue(restarted);

  expect(report.requeued).toHaveLength(1);
  const signalId = report.requeued[0] as string;
  expect(await h.runtime.repos.signals.getSignal(accountId, signalId)).toMatchObject({ status: 'executed' });
  expect(await h.runtime.repos.orders.listByAccount(accountId)).toHaveLength(1);
  expect((await h.runtime.repos.positions.list(accountId)).map((p) => p.symbol)).toEqual(['BTC/USDT:USDT']);
  // TradingView's own retry after that: the executor took it, so it is a duplicate, nothing sent
  const retried = await h.post(JSON.parse(body) as Record<string, unknown>);
  expect(retried).toEqual({ statusCode: 200, body: { status: 'duplicate', signalId } });
  expect(await h.receiveAll()).toHaveLength(0);
});
