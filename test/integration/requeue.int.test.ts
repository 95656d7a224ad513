// The local stack's restart refill: signals queued but not executed when the in-memory queue was
// lost are queued again from their dedup records, in receipt order; executed ones are not. None is
// dropped: an entry that waited past its account's lag is rejected by the executor (SIGNAL_EXPIRED:
// ledger, audit, notification) and a close executes however late.
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { requeueUnfinished } from '../../bin/local/requeue';
import { SqsPoller } from '../../bin/local/sqs-poller';
import { notificationOf } from '../../shared/core/notify/from-audit';
import { tableName } from '../../shared/platform/resource-names';
import { createHarness, MutableClock, type Harness } from './harness';

jest.setTimeout(60_000);

const clock = new MutableClock(Date.now());
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ clock });
});

/** A restarted stand-in: a new, empty queue with no dedup memory. */
async function freshQueue(name: string): Promise<string> {
  const out = await h.sqs.send(new CreateQueueCommand({ QueueName: `${h.stage}-${name}.fifo`, Attributes: { FifoQueue: 'true' } }));
  return out.QueueUrl as string;
}

/** The stack's executor on the restarted queue, until it is empty. */
async function runQueue(queueUrl: string, seen: string[] = []): Promise<void> {
  const poller = new SqsPoller({ sqs: h.sqs, queueUrl, waitTimeSeconds: 0, handler: (event, context) => {
    seen.push(...event.Records.map((r) => (JSON.parse(r.body) as { signalId: string }).signalId));
    return h.executor(event, context);
  } });
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
  expect(await ledger.getSignal(accountId, ids[0] as string)).toMatchObject({ status: 'rejected', outcome: expect.stringContaining('SIGNAL_EXPIRED') });
  expect(await ledger.getSignal(accountId, ids[1] as string)).toMatchObject({ status: 'executed' });
  expect(await ledger.getSignal(accountId, ids[2] as string)).toMatchObject({ status: 'rejected', outcome: expect.stringContaining('SIGNAL_EXPIRED') });
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
  const dedup = await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'accountId = :a AND begins_with(signalId, :d)', ExpressionAttributeValues: { ':a': accountId, ':d': 'd#' } }));
  expect(dedup.Items).toHaveLength(1);
  await db.send(new UpdateCommand({ TableName: table, Key: { accountId, signalId: dedup.Items?.[0]?.signalId }, UpdateExpression: 'REMOVE body' }));

  const report = await requeueUnfinished(h.runtime.repos, h.sqs, h.stage, await freshQueue('restart4'), clock.now());

  expect(report).toEqual({ requeued: [], rejected: [lost.body.signalId] });
  expect(await h.runtime.repos.signals.getSignal(accountId, lost.body.signalId as string)).toMatchObject({ status: 'rejected', outcome: expect.stringContaining('LOST_IN_QUEUE') });
  expect((await h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === 'signal.rejected')).toEqual([expect.objectContaining({ signalId: lost.body.signalId, data: expect.objectContaining({ code: 'LOST_IN_QUEUE' }) })]);
});
