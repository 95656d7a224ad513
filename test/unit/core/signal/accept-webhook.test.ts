// AcceptWebhook against in-memory ports: the webhook failure cases 1-8 (docs/FAILURE_CASES.md), and what the
// queued signal carries. Clock fixed at T0; the FIFO fake drops a repeated dedup id for 5 minutes.
import { createHash } from 'node:crypto';
import {
  ForbiddenSourceError,
  MalformedSignalError,
  PayloadTooLargeError,
  SignalValidationError,
  TransientError,
  UnauthorizedError,
} from '../../../../shared/core/errors';
import {
  AcceptWebhook,
  messageGroupId,
  type WebhookLimits,
  type WebhookRequest,
} from '../../../../shared/core/signal/accept-webhook';
import { errorToHttp } from '../../../../shared/platform/http';
import { accountSummary, ManualClock, MemoryAccountLookup, MemorySignalLedger, MemorySignalQueue, T0 } from '../fakes';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

const TOKEN = 'Zm9vYmFyLXRva2VuLWZvci1hY2MtMQ';
const OTHER_TOKEN = 'b3RoZXItdG9rZW4tZm9yLWFjYy0y';
const TV_IP = '52.89.214.238';
const DAY = 86_400_000;
const LIMITS: WebhookLimits = {
  maxBodyBytes: 4096,
  maxSignalAgeMs: 60_000,
  maxFutureSkewMs: 5_000,
  dedupTtlMs: 7 * DAY,
  ipAllowlist: [],
};

function setup(limits: Partial<WebhookLimits> = {}) {
  const clock = new ManualClock(T0);
  const accounts = new MemoryAccountLookup([
    accountSummary('acc-1', TOKEN, {
      settings: { defaultSizePercent: 10, defaultLeverage: 1, maxLeverage: 20, marginMode: 'isolated' },
    }),
    accountSummary('acc-2', OTHER_TOKEN),
  ]);
  const ledger = new MemorySignalLedger();
  const queue = new MemorySignalQueue(clock);
  const webhook = new AcceptWebhook({ accounts, ledger, queue, clock, limits: { ...LIMITS, ...limits } });
  const post = (body: string, extra: Partial<WebhookRequest> = {}) =>
    webhook.execute({ body, sourceIp: TV_IP, ...extra });
  return { clock, accounts, ledger, queue, webhook, post };
}

/** A JSON alert for acc-1: long BINANCE:BTCUSDT.P, with overrides (undefined removes a field). */
const alert = (fields: Record<string, unknown> = {}): string =>
  JSON.stringify({ token: TOKEN, account: 'acc-1', action: 'long', symbol: 'BINANCE:BTCUSDT.P', ...fields });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

const BTC = { unified: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' };

describe('AcceptWebhook: an accepted alert', () => {
  it('queues the normalised signal with every field the alert carried', async () => {
    const { post, queue } = setup();
    const firedAt = T0 - 2_000;

    const result = await post(
      alert({
        id: 'a-1',
        time: new Date(firedAt).toISOString(),
        size: '10%',
        leverage: '5',
        sl: '2%',
        tp: '66000',
        strategy: 'trend',
        price: '64000.5',
      }),
    );

    const signalId = `s${sha('acc-1\nid\na-1').slice(0, 31)}`;
    expect(result).toEqual({ outcome: 'queued', signalId });
    expect(queue.messages).toHaveLength(1);
    expect(queue.messages[0]?.signal).toEqual({
      v: 1,
      signalId,
      accountId: 'acc-1',
      intent: 'enter_long',
      symbol: { ...BTC, sourceExchange: 'BINANCE' },
      size: { kind: 'percent', value: 10 },
      leverage: 5,
      sl: { kind: 'percent', value: 2 },
      tp: { kind: 'price', value: 66000 },
      strategy: 'trend',
      alertId: 'a-1',
      firedAt,
      signalPrice: 64000.5,
      receivedAt: T0,
      source: 'webhook',
    });
  });

  it('queues a minimal alert with no optional keys', async () => {
    const { post, queue } = setup();

    const result = await post(alert());

    expect(queue.messages[0]?.signal).toEqual({
      v: 1,
      signalId: result.signalId,
      accountId: 'acc-1',
      intent: 'enter_long',
      symbol: { ...BTC, sourceExchange: 'BINANCE' },
      receivedAt: T0,
      source: 'webhook',
    });
  });

  it('sends to the message group account#compact symbol with the dedup key as dedup id', async () => {
    const { post, queue, ledger } = setup();

    await post(alert({ id: 'a-1' }));

    const dedupKey = `id-${sha('acc-1\nid\na-1').slice(0, 40)}`;
    expect(queue.send).toHaveBeenCalledTimes(1);
    expect(queue.send).toHaveBeenCalledWith(expect.objectContaining({ accountId: 'acc-1' }), 'acc-1#BTCUSDT', dedupKey);
    expect(messageGroupId('acc-1', 'BTCUSDT')).toBe('acc-1#BTCUSDT');
    // The claim carries the message, exactly as sent: nothing is written after the send.
    expect(ledger.dedupRecord('acc-1', dedupKey)).toEqual({
      accountId: 'acc-1',
      dedupKey,
      signalId: `s${sha('acc-1\nid\na-1').slice(0, 31)}`,
      status: 'received',
      receivedAt: T0,
      expiresAt: T0 + 7 * DAY,
      message: { groupId: 'acc-1#BTCUSDT', body: JSON.stringify(queue.send.mock.calls[0]?.[0]) },
    });
    expect(ledger.claimDedup).toHaveBeenCalledTimes(1);
  });

  it('never puts the token in the queued message or the dedup record', async () => {
    const { post, queue, ledger } = setup();

    await post(alert({ id: 'a-1', strategy: 'trend' }));

    expect(queue.messages[0]?.signal).not.toHaveProperty('token');
    expect(JSON.stringify(queue.messages)).not.toContain(TOKEN);
    expect(JSON.stringify([...ledger.dedup.values()])).not.toContain(TOKEN);
  });

  it('hashes the normalised fields without the token when there is no id (dedup key)', async () => {
    const { post, queue } = setup();

    await post(alert());

    const canonical = '{"account":"acc-1","action":"long","symbol":"BTC/USDT:USDT"}';
    expect(queue.messages[0]?.dedupId).toBe(`body-${sha(`acc-1\nbody\n${canonical}`).slice(0, 40)}`);
  });

  it('takes the account from the URL path when the body has none', async () => {
    const { post, queue, accounts } = setup();

    const result = await post(alert({ account: undefined }), { pathAccount: 'acc-1' });

    expect(result.outcome).toBe('queued');
    expect(accounts.get).toHaveBeenCalledWith('acc-1');
    expect(queue.messages[0]?.signal.accountId).toBe('acc-1');
    expect(queue.messages[0]?.groupId).toBe('acc-1#BTCUSDT');
  });

  it('accepts a text/plain key=value body', async () => {
    const { post, queue } = setup();

    const result = await post(
      `token=${TOKEN}\naccount=acc-1\naction=sell\nposition=short\nsymbol=ETHUSDT.P\nsize=0.5\nleverage=3`,
    );

    expect(result.outcome).toBe('queued');
    expect(queue.messages[0]?.groupId).toBe('acc-1#ETHUSDT');
    expect(queue.messages[0]?.signal).toMatchObject({
      intent: 'enter_short',
      symbol: { unified: 'ETH/USDT:USDT', compact: 'ETHUSDT' },
      size: { kind: 'contracts', value: 0.5 },
      leverage: 3,
    });
  });

  it.each([
    ['buy', 'flat', 'close_short'],
    ['sell', 'flat', 'close_long'],
    ['buy', 'long', 'enter_long'],
  ])('resolves TradingView %s with market_position %s to %s', async (action, position, intent) => {
    const { post, queue } = setup();

    await post(alert({ action, position }));

    expect(queue.messages[0]?.signal.intent).toBe(intent);
  });

  it('accepts leverage equal to the account cap', async () => {
    const { post } = setup();

    await expect(post(alert({ leverage: 20 }))).resolves.toMatchObject({ outcome: 'queued' });
  });
});

describe('AcceptWebhook case 1: malformed body', () => {
  it.each([
    ['broken JSON', '{"token": "abc", "action": '],
    ['a JSON array', '[1,2]'],
    ['text with no =', 'buy bitcoin now'],
    ['an empty body', '   '],
  ])('refuses %s with MalformedSignalError and touches nothing', async (_name, body) => {
    const { post, queue, ledger, accounts } = setup();

    const error = await rejection(post(body));

    expect(error).toBeInstanceOf(MalformedSignalError);
    expect(errorToHttp(error).statusCode).toBe(400);
    expect(accounts.get).not.toHaveBeenCalled();
    expect(ledger.claimDedup).not.toHaveBeenCalled();
    expect(queue.send).not.toHaveBeenCalled();
  });
});

describe('AcceptWebhook case 2: body over the size cap', () => {
  it('answers 413 before parsing: an oversized malformed body is too large, not malformed', async () => {
    const { post, accounts, queue } = setup({ maxBodyBytes: 100 });

    const error = await rejection(post('{'.repeat(101)));

    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect((error as PayloadTooLargeError).limitBytes).toBe(100);
    expect(errorToHttp(error).statusCode).toBe(413);
    expect(accounts.get).not.toHaveBeenCalled();
    expect(queue.send).not.toHaveBeenCalled();
  });

  it('counts bytes, not characters', async () => {
    const body = alert({ strategy: 'é'.repeat(30) });
    const { post } = setup({ maxBodyBytes: body.length + 10 });

    // 30 two-byte characters: 30 bytes over the character count, 20 over the cap
    const error = await rejection(post(body));

    expect(error).toBeInstanceOf(PayloadTooLargeError);
  });

  it('accepts a body of exactly the cap', async () => {
    const body = alert();
    const padded = body + ' '.repeat(200 - Buffer.byteLength(body));
    const { post } = setup({ maxBodyBytes: 200 });

    await expect(post(padded)).resolves.toMatchObject({ outcome: 'queued' });
  });

  it('refuses one byte over the cap', async () => {
    const body = alert();
    const padded = body + ' '.repeat(201 - Buffer.byteLength(body));
    const { post } = setup({ maxBodyBytes: 200 });

    await expect(post(padded)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });
});

describe('AcceptWebhook case 3: authentication', () => {
  it.each<[string, string, Partial<WebhookRequest>]>([
    ['a wrong token', alert({ token: 'wrong-token' }), {}],
    ['a missing token', alert({ token: undefined }), {}],
    ['an empty token', alert({ token: '' }), {}],
    ['a numeric token', alert({ token: 12345 }), {}],
    ['the token of another account', alert({ token: OTHER_TOKEN }), {}],
    ['an unknown account', alert({ account: 'acc-404' }), {}],
    ['an unknown path account', alert({ account: undefined }), { pathAccount: 'acc-404' }],
    ['a malformed account id', alert({ account: 'a!' }), {}],
    ['no account at all', alert({ account: undefined }), {}],
    ['a wrong token with the path account', alert({ account: undefined, token: 'wrong' }), { pathAccount: 'acc-1' }],
    ['a valid token for acc-1 sent to acc-2 in the path', alert({ account: undefined }), { pathAccount: 'acc-2' }],
    ['a text body with a wrong token', 'token=wrong account=acc-1 action=long symbol=BTCUSDT', {}],
  ])('refuses %s with a bare UnauthorizedError and queues nothing', async (_name, body, extra) => {
    const { post, queue, ledger } = setup();

    const error = await rejection(post(body, extra));

    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).message).toBe('unauthorized');
    expect((error as UnauthorizedError).code).toBe('UNAUTHORIZED');
    expect(errorToHttp(error)).toMatchObject({ statusCode: 401, body: '{"error":"unauthorized"}' });
    expect(ledger.claimDedup).not.toHaveBeenCalled();
    expect(queue.send).not.toHaveBeenCalled();
  });

  it('looks up an unknown but well-formed account (same work as a known one)', async () => {
    const { post, accounts } = setup();

    await rejection(post(alert({ account: 'acc-404' })));

    expect(accounts.get).toHaveBeenCalledWith('acc-404');
  });

  it('authenticates before validating, so a caller without the token learns nothing about the schema', async () => {
    const { post } = setup();

    const error = await rejection(post(alert({ token: 'wrong', leverage: 0, stop_loss: '2%', action: 'hold' })));

    expect(error).toBeInstanceOf(UnauthorizedError);
  });
});

describe('AcceptWebhook case 4: source IP allowlist', () => {
  const allowlist = ['52.89.214.238', '34.212.75.30', '54.218.53.128', '52.32.178.7'];

  it('refuses another IP with ForbiddenSourceError before reading the body', async () => {
    const { post, accounts, queue } = setup({ ipAllowlist: allowlist });

    const error = await rejection(post('not even a signal', { sourceIp: '203.0.113.9' }));

    expect(error).toBeInstanceOf(ForbiddenSourceError);
    expect(errorToHttp(error).statusCode).toBe(403);
    expect(accounts.get).not.toHaveBeenCalled();
    expect(queue.send).not.toHaveBeenCalled();
  });

  it('refuses a request with no source IP when the allowlist is on', async () => {
    const { post } = setup({ ipAllowlist: allowlist });

    await expect(post(alert(), { sourceIp: '' })).rejects.toBeInstanceOf(ForbiddenSourceError);
  });

  it.each(allowlist)('lets the listed IP %s through', async (ip) => {
    const { post } = setup({ ipAllowlist: allowlist });

    await expect(post(alert(), { sourceIp: ip })).resolves.toMatchObject({ outcome: 'queued' });
  });

  it('allows every source when the allowlist is empty', async () => {
    const { post } = setup({ ipAllowlist: [] });

    await expect(post(alert(), { sourceIp: '203.0.113.9' })).resolves.toMatchObject({ outcome: 'queued' });
  });
});

describe('AcceptWebhook case 5: fire time', () => {
  it('refuses a stale alert on field time and queues nothing', async () => {
    const { post, queue, ledger } = setup();

    const error = await rejection(post(alert({ time: new Date(T0 - 60_001).toISOString() })));

    expect(error).toBeInstanceOf(SignalValidationError);
    expect((error as SignalValidationError).issues).toEqual([
      { field: 'time', message: 'stale: fired 60 s ago, limit 60 s' },
    ]);
    expect(ledger.claimDedup).not.toHaveBeenCalled();
    expect(queue.send).not.toHaveBeenCalled();
  });

  it('refuses an alert dated in the future beyond the skew on field time', async () => {
    const { post, queue } = setup();

    const error = await rejection(post(alert({ time: Math.floor((T0 + 6_000) / 1000) })));

    expect((error as SignalValidationError).issues).toEqual([
      { field: 'time', message: 'in the future by 6 s, limit 5 s' },
    ]);
    expect(queue.send).not.toHaveBeenCalled();
  });

  it.each([
    ['exactly the maximum age', T0 - 60_000],
    ['within the maximum age', T0 - 30_000],
    ['now', T0],
    ['exactly the maximum future skew', T0 + 5_000],
  ])('accepts a fire time at %s', async (_name, time) => {
    const { post, queue } = setup();

    await post(alert({ time }));

    expect(queue.messages[0]?.signal.firedAt).toBe(time);
  });
});

/** What the executor's lease (beginExecution) leaves in the ledger once it has taken the signal. */
const takenByExecutor = (ledger: MemorySignalLedger, signalId: string, at = T0) =>
  ledger.beginExecution({ accountId: 'acc-1', signalId, status: 'executing', updatedAt: at }, at, 60_000);

describe('AcceptWebhook cases 6 and 7: duplicates', () => {
  it('case 7: the same alert twice, once the executor has taken the first, is a duplicate: one message, the same signal id', async () => {
    const { post, queue, ledger } = setup();

    const first = await post(alert({ id: 'a-1' }));
    await takenByExecutor(ledger, first.signalId);
    const second = await post(alert({ id: 'a-1' }));

    expect(first.outcome).toBe('queued');
    expect(second).toEqual({ outcome: 'duplicate', signalId: first.signalId });
    expect(queue.send).toHaveBeenCalledTimes(1);
    expect(queue.messages).toHaveLength(1);
  });

  it('case 7: the same alert again before the executor took the first is sent again under the same signal and dedup id; the FIFO window keeps one message', async () => {
    const { post, queue } = setup();

    const first = await post(alert({ id: 'a-1' }));
    const second = await post(alert({ id: 'a-1' }));

    // Nothing records that the first send succeeded, so the second may be the one that delivers it.
    expect(second).toEqual({ outcome: 'queued', signalId: first.signalId, resent: true });
    expect(queue.send).toHaveBeenCalledTimes(2);
    expect(queue.send.mock.calls[1]?.[2]).toBe(queue.send.mock.calls[0]?.[2]);
    expect(queue.messages).toHaveLength(1);
  });

  it('case 7: two identical alerts in flight at once give one queued message', async () => {
    const { post, queue } = setup();

    const [a, b] = await Promise.all([post(alert({ id: 'a-1' })), post(alert({ id: 'a-1' }))]);

    expect(a.signalId).toBe(b.signalId);
    expect(queue.messages).toHaveLength(1);
    for (const call of queue.send.mock.calls) expect(call[2]).toBe(queue.messages[0]?.dedupId);
  });

  it('case 6: a replay after the queue’s 5-minute window is stopped by the ledger, nothing sent', async () => {
    const { post, queue, clock, ledger } = setup();
    const first = await post(alert({ id: 'a-1' }));
    await takenByExecutor(ledger, first.signalId);

    clock.advance(10 * 60_000);
    const replay = await post(alert({ id: 'a-1' }));

    expect(replay).toEqual({ outcome: 'duplicate', signalId: first.signalId });
    expect(await ledger.claimDedup.mock.results[1]?.value).toEqual({ claim: 'duplicate', signalId: first.signalId });
    expect(queue.send).toHaveBeenCalledTimes(1);
  });

  it('an alert with a fire time is deduplicated by its body for the long TTL', async () => {
    const { post, queue, clock, ledger } = setup({ maxSignalAgeMs: DAY });
    const body = alert({ time: T0 - 1_000 });
    const first = await post(body);
    await takenByExecutor(ledger, first.signalId);

    clock.advance(10 * 60_000);
    const replay = await post(body);

    expect(replay).toEqual({ outcome: 'duplicate', signalId: first.signalId });
    expect(queue.messages).toHaveLength(1);
  });

  it('the same alert with another spelling of the symbol is the same alert', async () => {
    const { post, queue, ledger } = setup();
    const first = await post(alert({ symbol: 'BTCUSDT.P' }));
    await takenByExecutor(ledger, first.signalId);

    const second = await post(alert({ symbol: 'BTC/USDT:USDT' }));

    expect(second).toEqual({ outcome: 'duplicate', signalId: first.signalId });
    expect(queue.messages).toHaveLength(1);
  });

  it('without id or time, dedups identical bodies for 5 minutes only, then issues a new signal id', async () => {
    const { post, queue, clock, ledger } = setup();
    const first = await post(alert());
    await takenByExecutor(ledger, first.signalId);

    clock.advance(4 * 60_000);
    const within = await post(alert());
    clock.advance(2 * 60_000);
    const later = await post(alert());

    expect(within).toEqual({ outcome: 'duplicate', signalId: first.signalId });
    expect(later.outcome).toBe('queued');
    expect(later.signalId).not.toBe(first.signalId);
    expect(queue.messages.map((m) => m.signal.signalId)).toEqual([first.signalId, later.signalId]);
  });

  it('after the long dedup TTL the alert id is accepted again, under the same signal id', async () => {
    const { post, queue, clock } = setup();
    const first = await post(alert({ id: 'a-1' }));

    clock.advance(7 * DAY + 1);
    const again = await post(alert({ id: 'a-1' }));

    expect(again).toEqual({ outcome: 'queued', signalId: first.signalId });
    expect(queue.messages).toHaveLength(2);
  });
});

describe('AcceptWebhook case 8: schema and limits', () => {
  it('refuses leverage over the account cap on field leverage (422)', async () => {
    const { post, queue, ledger } = setup();

    const error = await rejection(post(alert({ leverage: 25 })));

    expect(error).toBeInstanceOf(SignalValidationError);
    expect((error as SignalValidationError).issues).toEqual([
      { field: 'leverage', message: "exceeds this account's cap of 20" },
    ]);
    expect(errorToHttp(error)).toMatchObject({ statusCode: 422 });
    expect(JSON.parse(errorToHttp(error).body as string)).toEqual({
      error: 'validation',
      issues: [{ field: 'leverage', message: "exceeds this account's cap of 20" }],
    });
    expect(ledger.claimDedup).not.toHaveBeenCalled();
    expect(queue.send).not.toHaveBeenCalled();
  });

  it('reports leverage over the cap and a stale time together', async () => {
    const { post } = setup();

    const error = await rejection(post(alert({ leverage: 21, time: T0 - 120_000 })));

    expect((error as SignalValidationError).issues).toEqual([
      { field: 'leverage', message: "exceeds this account's cap of 20" },
      { field: 'time', message: 'stale: fired 120 s ago, limit 60 s' },
    ]);
  });

  it.each([
    ['size 0', { size: 0 }, 'size'],
    ['an unknown action', { action: 'hold' }, 'action'],
    ['an unknown field', { stop_loss: '2%' }, 'stop_loss'],
    ['an unknown symbol quote', { symbol: 'BTCXYZ' }, 'symbol'],
    ['buy without position', { action: 'buy' }, 'position'],
    ['leverage over the contract maximum', { leverage: 200 }, 'leverage'],
  ])('refuses %s with 422 naming the field', async (_name, fields, field) => {
    const { post, queue } = setup();

    const error = await rejection(post(alert(fields)));

    expect(error).toBeInstanceOf(SignalValidationError);
    expect((error as SignalValidationError).issues.map((i) => i.field)).toEqual([field]);
    expect(queue.send).not.toHaveBeenCalled();
  });

  it('refuses a body account that differs from the path account, once authenticated', async () => {
    const { post } = setup();

    const error = await rejection(post(alert({ account: 'acc-2' }), { pathAccount: 'acc-1' }));

    expect((error as SignalValidationError).issues).toEqual([
      { field: 'account', message: 'does not match the account in the URL' },
    ]);
  });
});

describe('AcceptWebhook: queue failure', () => {
  it('propagates the send error, leaves the record received, and a retry sends the same signal id', async () => {
    const { post, queue, ledger } = setup();
    queue.failNext(1);

    const error = await rejection(post(alert()));

    expect(error).toBeInstanceOf(TransientError);
    expect(errorToHttp(error).statusCode).toBe(503);
    const claimed = ledger.claimDedup.mock.calls[0]?.[0];
    expect(claimed).toBeDefined();
    expect(ledger.dedupRecord('acc-1', claimed!.dedupKey)?.status).toBe('received');

    const retry = await post(alert());

    expect(await ledger.claimDedup.mock.results[1]?.value).toEqual({ claim: 'retry', signalId: claimed!.signalId });
    expect(retry).toEqual({ outcome: 'queued', signalId: claimed!.signalId, resent: true });
    expect(queue.messages).toHaveLength(1);
    expect(queue.messages[0]?.signal.signalId).toBe(claimed!.signalId);
    expect(queue.messages[0]?.dedupId).toBe(claimed!.dedupKey);
    expect(ledger.dedupRecord('acc-1', claimed!.dedupKey)?.message?.body).toBe(
      JSON.stringify(queue.messages[0]?.signal),
    );
  });

  it('propagates a ledger failure without sending', async () => {
    const { post, queue, ledger } = setup();
    ledger.claimDedup.mockRejectedValueOnce(new TransientError('table unavailable'));

    await expect(post(alert())).rejects.toBeInstanceOf(TransientError);
    expect(queue.send).not.toHaveBeenCalled();
  });
});
