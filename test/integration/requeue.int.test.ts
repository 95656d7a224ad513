// The local stack's restart refill: signals queued but not executed when the in-memory queue was
// lost are queued again from their dedup records; executed and stale ones are not.
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { requeueUnfinished } from '../../bin/local/requeue';
import { SqsPoller } from '../../bin/local/sqs-poller';
import { createHarness, type Harness } from './harness';

/** A restarted stand-in: a new, empty queue with no dedup memory. */
async function freshQueue(name: string): Promise<string> {
  const out = await h.sqs.send(new CreateQueueCommand({ QueueName: `${h.stage}-${name}.fifo`, Attributes: { FifoQueue: 'true' } }));
  return out.QueueUrl as string;
}

jest.setTimeout(30_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

test('a queued signal lost with the queue is put back and executes once; an executed one is not', async () => {
  const { accountId, token } = await h.createAccount();
  const executed = await h.post({ token, account: accountId, action: 'long', symbol: 'ETHUSDT', id: 'rq-1' });
  await h.drain();
  const lost = await h.post({ token, account: accountId, action: 'long', symbol: 'BTCUSDT', id: 'rq-2' });
  expect(await h.receiveAll()).toHaveLength(1); // the "restart": the message is gone

  const restarted = await freshQueue('restart1');
  const report = await requeueUnfinished(h.runtime.repos.documentClient, h.sqs, h.stage, restarted, Date.now());
  const poller = new SqsPoller({ sqs: h.sqs, queueUrl: restarted, handler: h.executor, waitTimeSeconds: 0 });
  while ((await poller.pollOnce(0, 0)) > 0);

  expect(report).toEqual({ requeued: [lost.body.signalId], stale: [] });
  expect(report.requeued).not.toContain(executed.body.signalId);
  const symbols = (await h.runtime.repos.positions.list(accountId)).map((p) => p.symbol).sort();
  expect(symbols).toEqual(['BTC/USDT:USDT', 'ETH/USDT:USDT']);
  expect(await h.runtime.repos.orders.listByAccount(accountId)).toHaveLength(2);

  const again = await requeueUnfinished(h.runtime.repos.documentClient, h.sqs, h.stage, await freshQueue('restart2'), Date.now());
  expect(again.requeued).toEqual([]);
});

test('a signal older than the limit is reported as stale, not traded late', async () => {
  const { accountId, token } = await h.createAccount();
  const lost = await h.post({ token, account: accountId, action: 'long', symbol: 'XRPUSDT', id: 'rq-3' });
  await h.receiveAll();

  const report = await requeueUnfinished(h.runtime.repos.documentClient, h.sqs, h.stage, h.queueUrl, Date.now() + 10 * 60_000);

  expect(report.stale).toContain(lost.body.signalId);
  expect(report.requeued).not.toContain(lost.body.signalId);
  expect(await h.receiveAll()).toHaveLength(0);
});
