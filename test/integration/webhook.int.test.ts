// The webhook function against the stand-ins (real DynamoDB and SQS SDK clients): what is queued,
// what is refused and with which status, for failure cases (docs/FAILURE_CASES.md) 1-8.
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { createWebhookHandler } from '../../functions/webhook/app';
import { buildAcceptWebhook } from '../../shared/runtime/webhook';
import { createHarness, silentLogger, type Harness } from './harness';

jest.setTimeout(30_000);

let h: Harness;
let account: { accountId: string; token: string };

beforeAll(async () => {
  h = await createHarness({ webhookEnv: { IP_ALLOWLIST: '52.89.214.238,34.212.75.30,54.218.53.128,52.32.178.7' } });
  account = await h.createAccount(10_000, { maxLeverage: 10 });
});

beforeEach(async () => {
  await h.receiveAll(); // each test starts from an empty queue
});

const alert = (extra: Record<string, unknown> = {}) => ({
  token: account.token,
  account: account.accountId,
  action: 'long',
  symbol: 'BTCUSDT.P',
  ...extra,
});

test('a valid alert is queued in its account#symbol group with the dedup id and answers 202 with the signal id', async () => {
  const res = await h.post(
    alert({ id: 'w-1', size: '5%', leverage: 3, sl: '2%', tp: 65000, strategy: 'bb', price: '50123.5' }),
  );

  expect(res.statusCode).toBe(202);
  const [message, ...rest] = await h.receiveAll();
  expect(rest).toHaveLength(0);
  expect(message?.Attributes?.MessageGroupId).toBe(`${account.accountId}#BTCUSDT`);
  const signal = JSON.parse(message?.Body ?? '{}');
  expect(signal).toMatchObject({
    v: 1,
    signalId: res.body.signalId,
    accountId: account.accountId,
    intent: 'enter_long',
    size: { kind: 'percent', value: 5 },
    leverage: 3,
    sl: { kind: 'percent', value: 2 },
    tp: { kind: 'price', value: 65000 },
    strategy: 'bb',
    alertId: 'w-1',
    signalPrice: 50123.5,
  });
  expect(signal.symbol.unified).toBe('BTC/USDT:USDT');
  expect(message?.Attributes?.MessageDeduplicationId).toMatch(/^id-[0-9a-f]{40}$/);
  expect(message?.Body).not.toContain(account.token);
});

test('case 1: malformed JSON and unknown text answer 400 and queue nothing', async () => {
  expect((await h.post('{"token":')).statusCode).toBe(400);
  expect((await h.post('buy BTC now please')).statusCode).toBe(400);
  expect(await h.receiveAll()).toHaveLength(0);
});

test('case 2: a body over 8 KB answers 413 before parsing (even when it is not JSON)', async () => {
  const big = JSON.stringify(alert({ id: 'big', strategy: 'x'.repeat(9000) }));
  expect((await h.post(big)).statusCode).toBe(413);
  expect((await h.post('{'.repeat(9000))).statusCode).toBe(413);
  expect(await h.receiveAll()).toHaveLength(0);
});

test('case 3: wrong, missing or unknown-account tokens answer 401 with no detail', async () => {
  const wrong = await h.post(
    alert({ token: account.token.slice(0, -1) + (account.token.endsWith('a') ? 'b' : 'a'), id: 'w-3a' }),
  );
  const missing = await h.post({ account: account.accountId, action: 'long', symbol: 'BTCUSDT', id: 'w-3b' });
  const unknown = await h.post(alert({ account: 'acc-000000000000', id: 'w-3c' }));

  for (const res of [wrong, missing, unknown]) {
    expect(res.statusCode).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized' });
  }
  expect(await h.receiveAll()).toHaveLength(0);
});

test('case 4: with the allowlist on, another source IP answers 403 (X-Forwarded-For is ignored)', async () => {
  const res = await h.post(alert({ id: 'w-4' }), { ip: '203.0.113.9' });
  expect(res.statusCode).toBe(403);
  expect(await h.receiveAll()).toHaveLength(0);
});

test('case 5: a stale or future-dated alert is refused with 422 on `time`; a fresh one passes', async () => {
  const now = Date.now();
  const stale = await h.post(alert({ id: 'w-5a', time: new Date(now - 5 * 60_000).toISOString() }));
  const future = await h.post(alert({ id: 'w-5b', time: new Date(now + 60_000).toISOString() }));
  const fresh = await h.post(alert({ id: 'w-5c', time: new Date(now - 2_000).toISOString() }));

  expect(stale.statusCode).toBe(422);
  expect(stale.body.issues).toEqual([expect.objectContaining({ field: 'time' })]);
  expect(future.statusCode).toBe(422);
  expect(fresh.statusCode).toBe(202);
  expect(await h.receiveAll()).toHaveLength(1);
});

test('case 6: a replay after the SQS dedup window is stopped by the DynamoDB records once the executor took the signal', async () => {
  const first = await h.post(alert({ id: 'w-6', action: 'close_long' }));
  expect(first.statusCode).toBe(202);
  await h.drain();
  expect(await h.runtime.repos.signals.getSignal(account.accountId, first.body.signalId as string)).toMatchObject({
    status: expect.stringMatching(/^(executed|rejected)$/),
  });
  // A fresh queue has no memory of the first message, exactly like SQS after its 5 minutes.
  const fresh = await h.sqs.send(
    new CreateQueueCommand({ QueueName: `${h.stage}-replay.fifo`, Attributes: { FifoQueue: 'true' } }),
  );
  const replayWebhook = createWebhookHandler(
    buildAcceptWebhook({ ...h.webhookEnv, IP_ALLOWLIST: [], SIGNAL_QUEUE_URL: fresh.QueueUrl as string }),
    silentLogger(),
  );

  const replay = await replayWebhook(
    { body: JSON.stringify(alert({ id: 'w-6' })), requestContext: { http: { sourceIp: '127.0.0.1' } } } as never,
    {} as never,
  );

  expect(replay.statusCode).toBe(200);
  expect(JSON.parse(replay.body ?? '{}')).toEqual({ status: 'duplicate', signalId: first.body.signalId });
  const { ReceiveMessageCommand } = await import('@aws-sdk/client-sqs');
  const out = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: fresh.QueueUrl, WaitTimeSeconds: 0 }));
  expect(out.Messages ?? []).toHaveLength(0);
});

test('case 7: the same alert twice at once gives one message with one signal id', async () => {
  // While the first is still being queued the second may also try to queue it (safer than
  // answering "duplicate" for a send that may yet fail); SQS's dedup id keeps one message.
  const [a, b] = await Promise.all([h.post(alert({ id: 'w-7' })), h.post(alert({ id: 'w-7' }))]);
  expect([a.statusCode, b.statusCode].every((s) => s === 200 || s === 202)).toBe(true);
  expect(a.body.signalId).toBe(b.body.signalId);
  expect(await h.receiveAll()).toHaveLength(1);
});

test('case 7: the same alert again once the executor took the first answers 200 duplicate and sends nothing', async () => {
  const first = await h.post(alert({ id: 'w-7b', action: 'close_long' }));
  await h.drain();
  const second = await h.post(alert({ id: 'w-7b', action: 'close_long' }));
  expect(first.statusCode).toBe(202);
  expect(second).toEqual({ statusCode: 200, body: { status: 'duplicate', signalId: first.body.signalId } });
  expect(await h.receiveAll()).toHaveLength(0);
});

test('case 7: the same alert again before the executor took the first is sent again with the same signal and dedup id: SQS keeps one message', async () => {
  // No write follows the send, so the record cannot tell a delivered message from a failed send:
  // the repeat is sent, and the FIFO dedup id (then the executor's lease) keeps it to one.
  const first = await h.post(alert({ id: 'w-7c' }));
  const second = await h.post(alert({ id: 'w-7c' }));
  expect(first.statusCode).toBe(202);
  expect(second).toEqual({ statusCode: 202, body: { status: 'queued', signalId: first.body.signalId } });
  expect(await h.receiveAll()).toHaveLength(1);
});

test('identical alerts without id or time are deduplicated within the SQS window', async () => {
  const a = await h.post(alert({ action: 'close_long' }));
  const b = await h.post(alert({ action: 'close_long' }));
  expect(a.statusCode).toBe(202);
  expect(b.body.signalId).toBe(a.body.signalId);
  expect(await h.receiveAll()).toHaveLength(1);
});

test('case 8: schema and limit breaches answer 422 naming each field, and nothing is queued', async () => {
  const res = await h.post(alert({ id: 'w-8', action: 'moon', size: -5, leverage: 11, stop_loss: '2%' }));
  expect(res.statusCode).toBe(422);
  const fields = (res.body.issues as { field: string }[]).map((i) => i.field).sort();
  expect(fields).toEqual(expect.arrayContaining(['action', 'size', 'stop_loss']));
  const cap = await h.post(alert({ id: 'w-8b', leverage: 11 }));
  expect(cap.statusCode).toBe(422);
  expect(cap.body.issues).toEqual([{ field: 'leverage', message: "exceeds this account's cap of 10" }]);
  expect(await h.receiveAll()).toHaveLength(0);
});

test('TradingView text/plain strategy alert (buy + flat) is queued as close_short; the account can come from the URL', async () => {
  const body = `token=${account.token}\naction=buy\nposition=flat\nsymbol=BINANCE:ETHUSDT.P\nid=tv-9`;
  const res = await h.post(body, { path: account.accountId });
  expect(res.statusCode).toBe(202);
  const [message] = await h.receiveAll();
  expect(JSON.parse(message?.Body ?? '{}')).toMatchObject({
    intent: 'close_short',
    symbol: { unified: 'ETH/USDT:USDT' },
  });
  expect(message?.Attributes?.MessageGroupId).toBe(`${account.accountId}#ETHUSDT`);
});

test('base64-encoded bodies are decoded before validation', async () => {
  const res = await h.post(alert({ id: 'w-10' }), { base64: true });
  expect(res.statusCode).toBe(202);
});

test('an SQS failure answers 503 so TradingView retries, and the retry queues the same signal id', async () => {
  const broken = createWebhookHandler(
    buildAcceptWebhook({ ...h.webhookEnv, IP_ALLOWLIST: [], SIGNAL_QUEUE_URL: `${h.queueUrl}-missing` }),
    silentLogger(),
  );
  const event = {
    body: JSON.stringify(alert({ id: 'w-11' })),
    requestContext: { http: { sourceIp: '52.89.214.238' } },
  } as never;

  const failed = await broken(event, {} as never);
  const retried = await h.post(alert({ id: 'w-11' }));

  expect(failed.statusCode).toBe(503);
  expect(retried.statusCode).toBe(202);
  const [message] = await h.receiveAll();
  expect(JSON.parse(message?.Body ?? '{}').signalId).toBe(retried.body.signalId);
});

test('a rotated token replaces the old one: the old answers 401, the new one is accepted', async () => {
  const { RotateWebhookToken } = await import('../../shared/core/control/accounts');
  const own = await h.createAccount();
  const uncached = createWebhookHandler(
    buildAcceptWebhook({ ...h.webhookEnv, IP_ALLOWLIST: [], ACCOUNT_CACHE_MS: 0 }),
    silentLogger(),
  );
  const send = async (token: string, id: string) =>
    (
      await uncached(
        {
          body: JSON.stringify({ token, account: own.accountId, action: 'long', symbol: 'BTCUSDT', id }),
          requestContext: { http: { sourceIp: '127.0.0.1' } },
        } as never,
        {} as never,
      )
    ).statusCode;

  expect(await send(own.token, 'rot-1')).toBe(202);
  const rotated = await new RotateWebhookToken({
    accounts: h.runtime.repos.accounts,
    audit: h.runtime.repos.audit,
    clock: { now: () => Date.now() },
  }).execute(own.accountId);

  expect(rotated.token).not.toBe(own.token);
  expect(await send(own.token, 'rot-2')).toBe(401);
  expect(await send(rotated.token, 'rot-3')).toBe(202);
  const events = await h.runtime.repos.audit.listByAccount(own.accountId);
  expect(events.map((e) => e.type)).toContain('account.token_rotated');
  expect(JSON.stringify(events)).not.toContain(rotated.token);
});
