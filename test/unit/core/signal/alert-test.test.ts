// AlertTester against the real webhook use case (AcceptWebhook with the real HTTP mapping), the
// "HTTP sender" being a call into it: the one-time token is what authenticates the alert, it is
// cleared after the answer and never stored, audited or printed; the result follows the signal to
// its final state through the ledger, with its orders, or gives the webhook's own refusal.
import { createHash } from 'node:crypto';
import type { Account } from '../../../../shared/core/domain/account';
import type { OrderRecord } from '../../../../shared/core/domain/order';
import { InvalidArgumentError } from '../../../../shared/core/errors';
import type { AlertRecord, AuditLog } from '../../../../shared/core/ports/repositories';
import { AcceptWebhook } from '../../../../shared/core/signal/accept-webhook';
import { AlertTester, TOKEN_LIFETIME_MS, type AlertSender } from '../../../../shared/core/signal/alert-test';
import { describeRefusal, errorToHttp } from '../../../../shared/platform/http';
import { accountSummary, ManualClock, MemorySignalLedger, MemorySignalQueue, T0 } from '../fakes';

const OWN_TOKEN = 'dGhlLWFjY291bnRzLW93bi10b2tlbg';
type Stored = Pick<Account, 'accountId' | 'webhookTokenHash' | 'status' | 'settings' | 'alertTest' | 'exchange'>;

function setup(exchange: Account['exchange'] = 'paper') {
  const clock = new ManualClock(T0);
  const rows = new Map<string, Stored>([['acc-1', { ...accountSummary('acc-1', OWN_TOKEN), exchange }]]);
  const accounts = {
    get: async (id: string) => rows.get(id),
    refresh: async (id: string) => rows.get(id),
    setAlertTest: jest.fn(async (id: string, test: Stored['alertTest'], _at: number) => {
      const row = rows.get(id) as Stored;
      const { alertTest: _old, ...rest } = row;
      rows.set(id, test ? { ...rest, alertTest: test } : rest);
    }),
  };
  const log: AlertRecord[] = [];
  const alerts = {
    record: async (a: AlertRecord) => void log.push(a),
    list: async (id: string, q: { from?: number }) => ({
      items: log.filter((a) => a.accountId === id && a.receivedAt >= (q.from ?? 0)).reverse(),
    }),
  };
  const ledger = new MemorySignalLedger();
  const queue = new MemorySignalQueue(clock);
  const webhook = new AcceptWebhook({
    accounts,
    ledger,
    queue,
    clock,
    alerts,
    describeRefusal,
    limits: {
      maxBodyBytes: 4096,
      maxSignalAgeMs: 60_000,
      maxFutureSkewMs: 5_000,
      dedupTtlMs: 86_400_000,
      ipAllowlist: [],
    },
  });
  const bodies: string[] = [];
  const send: AlertSender = jest.fn(async (_url: string, body: string) => {
    bodies.push(body);
    try {
      const result = await webhook.execute({ body, sourceIp: '127.0.0.1', requestId: `req-${bodies.length}` });
      return {
        status: result.outcome === 'queued' ? 202 : 200,
        body: JSON.stringify({ status: result.outcome, signalId: result.signalId }),
      };
    } catch (error) {
      const http = errorToHttp(error);
      return { status: http.statusCode ?? 500, body: String(http.body) };
    }
  });
  const orders: OrderRecord[] = [];
  const events: Parameters<AuditLog['append']>[0][] = [];
  /** what the executor does while the tester waits: set per test */
  let executor: () => Promise<void> = async () => undefined;
  const tester = new AlertTester({
    accounts,
    alerts,
    signals: ledger,
    orders: { listByAccount: async () => orders },
    audit: { append: async (e) => void events.push(e) },
    clock,
    send,
    webhookUrl: 'http://127.0.0.1:1/webhook',
    sleep: async (ms) => {
      clock.advance(ms);
      await executor();
    },
  });
  return {
    rows,
    accounts,
    queue,
    ledger,
    orders,
    events,
    bodies,
    send,
    webhook,
    tester,
    onWait: (f: () => Promise<void>) => (executor = f),
  };
}

describe('AlertTester', () => {
  it('sends the paper sample with a one-time token, follows it to executed with its orders, and clears the token', async () => {
    const t = setup();
    t.onWait(async () => {
      const signalId = t.queue.messages[0]?.signal.signalId as string;
      await t.ledger.beginExecution({ accountId: 'acc-1', signalId, status: 'executing', updatedAt: T0 }, T0, 60_000);
      await t.ledger.finishExecution('acc-1', signalId, 'executed', 'filled', T0);
      t.orders.push({
        accountId: 'acc-1',
        clientOrderId: 'co-1',
        signalId,
        leg: 'open',
        symbol: 'BTC/USDT:USDT',
        side: 'buy',
        type: 'market',
        reduceOnly: false,
        amount: '0.002',
        status: 'filled',
        filled: '0.002',
        averagePrice: '50000',
        createdAt: T0,
        updatedAt: T0,
      } as OrderRecord);
    });

    const result = await t.tester.execute({ accountId: 'acc-1' });

    expect(result).toMatchObject({
      outcome: 'executed',
      httpStatus: 202,
      final: true,
      signalStatus: 'executed',
      orders: [{ clientOrderId: 'co-1', side: 'buy', amount: '0.002', status: 'filled' }],
      alert: { outcome: 'accepted', signalId: result.signalId },
    });
    expect(t.queue.messages[0]?.signal).toMatchObject({ intent: 'enter_long', sl: { kind: 'percent', value: 2 } });
    // the token: stored as a hash for at most TOKEN_LIFETIME_MS, cleared after, never in the result or audit
    const token = JSON.parse(t.bodies[0] as string).token as string;
    expect(t.accounts.setAlertTest.mock.calls[0]?.[1]).toEqual({
      tokenHash: createHash('sha256').update(token).digest('hex'),
      expiresAt: T0 + TOKEN_LIFETIME_MS,
    });
    expect(t.rows.get('acc-1')?.alertTest).toBeUndefined();
    expect(JSON.stringify([result, t.events])).not.toContain(token);
    expect(t.events.map((e) => e.data)).toEqual([
      { setting: 'alertTest', expiresAt: T0 + TOKEN_LIFETIME_MS },
      { setting: 'alertTest', expiresAt: T0 + TOKEN_LIFETIME_MS, result: 'executed' },
    ]);
  });

  it('the one-time token is good for nothing once the test is over', async () => {
    const t = setup();
    t.onWait(async () => undefined);
    await t.tester.execute({ accountId: 'acc-1', timeoutMs: 1_000 });
    const replay = await t.send('url', t.bodies[0] as string);
    expect(replay.status).toBe(401);
  });

  it("gives the webhook's own reason for a refused alert, from the alert log", async () => {
    const t = setup();
    const result = await t.tester.execute({
      accountId: 'acc-1',
      body: JSON.stringify({ action: 'long', symbol: 'BTCUSDT.P', stop_loss: '2%' }),
    });
    expect(result).toMatchObject({
      outcome: 'refused',
      httpStatus: 422,
      reason: 'stop_loss: unknown field',
      alert: { outcome: 'refused', field: 'stop_loss' },
      final: true,
    });
    expect(t.rows.get('acc-1')?.alertTest).toBeUndefined();
  });

  it('reports a signal the executor rejected with its reason, and one still queued at the timeout as not final', async () => {
    const t = setup();
    t.onWait(async () => {
      const signalId = t.queue.messages[0]?.signal.signalId as string;
      await t.ledger.finishExecution('acc-1', signalId, 'rejected', 'PAUSED: the account is paused', T0);
    });
    expect(await t.tester.execute({ accountId: 'acc-1' })).toMatchObject({
      outcome: 'rejected',
      reason: 'PAUSED: the account is paused',
    });

    const q = setup();
    expect(await q.tester.execute({ accountId: 'acc-1', timeoutMs: 2_000 })).toMatchObject({
      outcome: 'queued',
      final: false,
    });
  });

  it('refuses, before storing anything: no body on a live account, a body with a token, a body that is not an object', async () => {
    const live = setup('binanceusdm');
    await expect(live.tester.execute({ accountId: 'acc-1' })).rejects.toThrow(/body is required on a live account/);
    const t = setup();
    await expect(
      t.tester.execute({ accountId: 'acc-1', body: JSON.stringify({ action: 'long', symbol: 'X', token: 'a' }) }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(t.tester.execute({ accountId: 'acc-1', body: '[1]' })).rejects.toThrow(/body must be a JSON object/);
    await expect(t.tester.execute({ accountId: 'nope' })).rejects.toThrow(/no account nope/);
    expect([...live.accounts.setAlertTest.mock.calls, ...t.accounts.setAlertTest.mock.calls]).toEqual([]);
    expect(t.send).not.toHaveBeenCalled();
  });
});
