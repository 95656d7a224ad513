// A message no retry can cure must not block its FIFO group (account#symbol): it is rejected once,
// with its reason in the audit trail, deleted, and the next message of the group executes. Through
// the real executor, fauxqs (FIFO) and dynalite, whose number checks are DynamoDB's.
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { SqsPoller } from '../../bin/local/sqs-poller';
import type { Signal } from '../../shared/core/signal/types';
import { notificationOf } from '../../shared/core/notify/from-audit';
import { createHarness, type Harness } from './harness';

jest.setTimeout(60_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ visibilityTimeoutSeconds: 2 });
});

const BTC = { unified: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' };
const signalFor = (accountId: string, signalId: string, extra: Partial<Signal> = {}): Signal => ({
  v: 1,
  signalId,
  accountId,
  intent: 'enter_long',
  symbol: BTC,
  receivedAt: Date.now(),
  source: 'webhook',
  ...extra,
});

/** Queued as the webhook queues it: group account#SYMBOL, one dedup id per signal. */
async function enqueue(signal: Signal): Promise<void> {
  await h.sqs.send(
    new SendMessageCommand({
      QueueUrl: h.queueUrl,
      MessageBody: JSON.stringify(signal),
      MessageGroupId: `${signal.accountId}#${signal.symbol.compact}`,
      MessageDeduplicationId: signal.signalId,
    }),
  );
}

test('a signal with a number no database or exchange can take (size 1e-320) is rejected after ONE attempt; the next signal of its group executes', async () => {
  const { accountId } = await h.createAccount();
  const poison = signalFor(accountId, 'spoisonunderflow0000000000000001', {
    size: { kind: 'contracts', value: 1e-320 },
  });
  const next = signalFor(accountId, 'spoisonnext000000000000000000001');
  await enqueue(poison);
  await enqueue(next);
  const delivered: string[] = [];
  const poller = new SqsPoller({
    sqs: h.sqs,
    queueUrl: h.queueUrl,
    waitTimeSeconds: 0,
    handler: async (event, context) => {
      delivered.push(...event.Records.map((r) => (JSON.parse(r.body) as Signal).signalId));
      return h.executor(event, context);
    },
  });

  while ((await poller.pollOnce(0, 0)) > 0);

  expect(delivered.filter((id) => id === poison.signalId)).toHaveLength(1);
  // Sized to nothing before any write could refuse its number (the risk engine's audit event, the
  // one that carried it, now waits for protection: protection first). Whatever the terminal code,
  // the point is one attempt and a free lane; NUMBER_OUT_OF_RANGE's mapping is unit-tested.
  expect(await h.runtime.repos.signals.getSignal(accountId, poison.signalId)).toMatchObject({
    status: 'rejected',
    outcome: expect.stringMatching(/^(NUMBER_OUT_OF_RANGE|BELOW_MIN_AMOUNT):/),
  });
  expect(await h.runtime.repos.signals.getSignal(accountId, next.signalId)).toMatchObject({ status: 'executed' });
  // 10 % of 10,000 sized at the fill 50,010 (2 bps over 50,000): 0.019996 → 0.019 BTC
  expect(await h.runtime.repos.positions.list(accountId)).toEqual([
    expect.objectContaining({ side: 'long', quantity: '0.019' }),
  ]);
  const rejected = (await h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === 'signal.rejected');
  expect(rejected).toEqual([expect.objectContaining({ signalId: poison.signalId })]);
  // the owner is told, once: the notifier turns one of the poison's events into a message (a
  // sizing refusal is told as the risk engine's refusal, its twin signal.rejected is dropped)
  const events = (await h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.signalId === poison.signalId);
  expect(events.map((e) => notificationOf(e as never)).filter((n) => n !== undefined)).toHaveLength(1);
  const attrs = await h.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: h.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  expect(attrs.Attributes).toMatchObject({
    ApproximateNumberOfMessages: '0',
    ApproximateNumberOfMessagesNotVisible: '0',
  });
});

test('a message of a known signal that breaks the message schema is rejected once, naming the field; the next signal of its group executes', async () => {
  const { accountId } = await h.createAccount();
  const broken = {
    ...signalFor(accountId, 'spoisonschema00000000000000001'),
    intent: 'buy_the_dip',
  } as unknown as Signal;
  const next = signalFor(accountId, 'spoisonschemanext0000000000001');
  await enqueue(broken);
  await enqueue(next);
  const poller = new SqsPoller({ sqs: h.sqs, queueUrl: h.queueUrl, waitTimeSeconds: 0, handler: h.executor });

  while ((await poller.pollOnce(0, 0)) > 0);

  expect(await h.runtime.repos.signals.getSignal(accountId, broken.signalId)).toMatchObject({
    status: 'rejected',
    outcome: expect.stringContaining('INVALID_MESSAGE: message field intent must be one of'),
  });
  expect(await h.runtime.repos.signals.getSignal(accountId, next.signalId)).toMatchObject({ status: 'executed' });
  const rejected = (await h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === 'signal.rejected');
  expect(rejected).toEqual([expect.objectContaining({ signalId: broken.signalId, data: { code: 'INVALID_MESSAGE' } })]);
  expect(notificationOf(rejected[0] as never)).toMatchObject({ kind: 'signal_rejected' });
});
