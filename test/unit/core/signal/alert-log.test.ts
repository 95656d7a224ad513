// AcceptWebhook's alert log (every call for a known account, with the text the caller got), the
// account's own URL (/webhook/<account>/<token>) with TradingView's default strategy message, and
// alert test's one-time token. The refusal text comes from the real HTTP mapping
// (shared/platform/http.ts), so "the same text the caller got" is checked against errorToHttp.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Account } from '../../../../shared/core/domain/account';
import type { AlertLog, AlertRecord } from '../../../../shared/core/ports/repositories';
import { AcceptWebhook, type WebhookLimits, type WebhookRequest } from '../../../../shared/core/signal/accept-webhook';
import type { AccountLookup } from '../../../../shared/core/signal/ports';
import { readDefaultStrategyMessage } from '../../../../shared/core/signal/tradingview-default';
import { describeRefusal, errorToHttp } from '../../../../shared/platform/http';
import { accountSummary, ManualClock, MemorySignalLedger, MemorySignalQueue, T0 } from '../fakes';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const TOKEN = 'Zm9vYmFyLXRva2VuLWZvci1hY2MtMQ';
const WRONG = 'd3JvbmctdG9rZW4tZ3Vlc3NlZA';
const IP = '52.89.214.238';
const LIMITS: WebhookLimits = {
  maxBodyBytes: 4096,
  maxSignalAgeMs: 60_000,
  maxFutureSkewMs: 5_000,
  dedupTtlMs: 86_400_000,
  ipAllowlist: [],
};

type Summary = Pick<Account, 'accountId' | 'webhookTokenHash' | 'status' | 'settings' | 'alertTest'>;

/** The alert log as the table keeps it: one item per key, a put replaces. */
class MemoryAlertLog implements Pick<AlertLog, 'record'> {
  readonly items = new Map<string, AlertRecord>();
  async record(alert: AlertRecord): Promise<void> {
    this.items.set(alert.alertKey, structuredClone(alert));
  }
  get all(): AlertRecord[] {
    return [...this.items.values()];
  }
}

/** Accounts behind a cache: `stored` is the table, `get` answers what it cached; `refresh` reads the table. */
class CachedLookup implements AccountLookup {
  readonly stored = new Map<string, Summary>();
  private readonly cached = new Map<string, Summary | undefined>();
  refreshes = 0;
  constructor(accounts: Summary[]) {
    for (const a of accounts) this.stored.set(a.accountId, a);
  }
  async get(id: string): Promise<Summary | undefined> {
    if (!this.cached.has(id)) this.cached.set(id, this.stored.get(id));
    return this.cached.get(id);
  }
  async refresh(id: string): Promise<Summary | undefined> {
    this.refreshes += 1;
    this.cached.set(id, this.stored.get(id));
    return this.cached.get(id);
  }
}

function setup(options: { defaultMessage?: boolean; alerts?: Pick<AlertLog, 'record'>; budgetMs?: number } = {}) {
  const clock = new ManualClock(T0);
  const accounts = new CachedLookup([
    accountSummary('acc-1', TOKEN, {
      settings: {
        defaultSizePercent: 10,
        defaultLeverage: 1,
        maxLeverage: 20,
        marginMode: 'isolated',
        ...(options.defaultMessage ? { defaultMessage: true } : {}),
      },
    }),
  ]);
  const ledger = new MemorySignalLedger();
  const queue = new MemorySignalQueue(clock);
  const log = new MemoryAlertLog();
  const webhook = new AcceptWebhook({
    accounts,
    ledger,
    queue,
    clock,
    limits: LIMITS,
    alerts: options.alerts ?? log,
    describeRefusal,
    ...(options.budgetMs !== undefined ? { alertBudgetMs: options.budgetMs } : {}),
  });
  let n = 0;
  const post = (body: string, extra: Partial<WebhookRequest> = {}) =>
    webhook.execute({ body, sourceIp: IP, requestId: `req-${++n}`, ...extra });
  return { clock, accounts, ledger, queue, log, post };
}

const alert = (fields: Record<string, unknown> = {}): string =>
  JSON.stringify({ token: TOKEN, account: 'acc-1', action: 'long', symbol: 'BINANCE:BTCUSDT.P', ...fields });

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('the alert log: calls for a known account', () => {
  it('records an accepted alert with the signal it became, what it asked, and neither token nor body', async () => {
    const { post, log } = setup();
    const body = alert({ id: 'a-1', sl: '2%' });

    const result = await post(body);

    expect(log.all).toEqual([
      {
        accountId: 'acc-1',
        alertKey: `${T0}#req-1`,
        receivedAt: T0,
        requestId: 'req-1',
        outcome: 'accepted',
        httpStatus: 202,
        signalId: result.signalId,
        action: 'long',
        symbol: 'BINANCE:BTCUSDT.P',
        format: 'json',
        sourceIp: IP,
      },
    ]);
    expect(JSON.stringify(log.all)).not.toContain(TOKEN);
  });

  it('records a repeat, once the executor has the first, as a duplicate of the same signal, answered 200', async () => {
    const { post, log, ledger } = setup();
    const first = await post(alert({ id: 'a-1' }));
    await ledger.beginExecution(
      { accountId: 'acc-1', signalId: first.signalId, status: 'executing', updatedAt: T0 },
      T0,
      60_000,
    );
    await post(alert({ id: 'a-1' }));
    expect(log.all.map((a) => [a.outcome, a.httpStatus, a.signalId])).toEqual([
      ['accepted', 202, first.signalId],
      ['duplicate', 200, first.signalId],
    ]);
  });

  it('records a refused alert with the code, field and reason the caller was answered', async () => {
    const { post, log } = setup();
    const error = await refusal(post(alert({ stop_loss: '2%', leverage: '0.5' })));

    const answered = JSON.parse(String(errorToHttp(error).body)) as { issues: { field: string; message: string }[] };
    expect(log.all).toHaveLength(1);
    expect(log.all[0]).toMatchObject({
      outcome: 'refused',
      httpStatus: 422,
      code: 'validation',
      field: answered.issues[0]?.field,
      reason: answered.issues.map((i) => `${i.field}: ${i.message}`).join('; '),
      action: 'long',
    });
    expect(log.all[0]?.reason).toContain('stop_loss: unknown field');
    expect(log.all[0]?.reason).toContain('leverage: must be a whole number');
  });

  it('records a wrong token on a known account (401) without the token it was given', async () => {
    const { post, log } = setup();
    await refusal(post(alert({ token: WRONG })));
    expect(log.all).toEqual([
      expect.objectContaining({ accountId: 'acc-1', outcome: 'refused', httpStatus: 401, code: 'unauthorized' }),
    ]);
    expect(JSON.stringify(log.all)).not.toContain(WRONG);
  });

  it('records an unreadable body when the URL names a known account, and nothing when it names none', async () => {
    const { post, log } = setup();
    await refusal(post('this is not an alert', { pathAccount: 'acc-1' }));
    await refusal(post('this is not an alert'));
    expect(log.all).toEqual([
      expect.objectContaining({ accountId: 'acc-1', outcome: 'refused', httpStatus: 400, code: 'malformed' }),
    ]);
  });

  it('records nothing for an unknown account, whatever the token (a stranger cannot fill the table)', async () => {
    const { post, log } = setup();
    await refusal(post(alert({ account: 'nobody-here', token: WRONG })));
    await refusal(post(alert({ account: 'nobody-here', token: TOKEN })));
    await refusal(post(alert({ token: WRONG }), { pathAccount: 'nobody-here' }));
    await refusal(post('x'.repeat(5000), { pathAccount: 'nobody-here' }));
    expect(log.all).toEqual([]);
  });

  it('rewrites the record as refused when the send fails after the claim (the answer was 503)', async () => {
    const { post, log, queue } = setup();
    queue.failNext();
    const error = await refusal(post(alert({ id: 'a-1' })));
    expect(errorToHttp(error).statusCode).toBe(503);
    expect(log.all).toEqual([expect.objectContaining({ outcome: 'refused', httpStatus: 503, code: 'unavailable' })]);
  });

  it('answers although the log never finishes its write (bounded wait), and although it throws', async () => {
    const hanging = { record: () => new Promise<void>(() => undefined) };
    const { post: postHanging, queue } = setup({ alerts: hanging, budgetMs: 5 });
    await expect(postHanging(alert({ id: 'h-1' }))).resolves.toMatchObject({ outcome: 'queued' });
    expect(queue.messages).toHaveLength(1);

    const broken = { record: () => Promise.reject(new Error('table gone')) };
    const { post: postBroken } = setup({ alerts: broken });
    await expect(postBroken(alert({ id: 'b-1' }))).resolves.toMatchObject({ outcome: 'queued' });
    const error = await refusal(postBroken(alert({ token: WRONG })));
    expect(errorToHttp(error).statusCode).toBe(401);
  });
});

interface Rendered {
  body: string;
  intent: string;
  size?: number;
  symbol: string;
}
const FIXTURE = JSON.parse(
  readFileSync(join(__dirname, '../../../fixtures/tradingview/default-strategy-message.json'), 'utf8'),
) as { rendered: Rendered[] };

describe("TradingView's default strategy message on the account's own URL", () => {
  it.each(FIXTURE.rendered.map((r) => [r.body, r] as const))('%s', async (_body, rendered) => {
    const { post, queue, log } = setup({ defaultMessage: true });
    await post(rendered.body, { pathAccount: 'acc-1', pathSecret: TOKEN });
    const signal = queue.messages[0]?.signal;
    expect({ intent: signal?.intent, symbol: signal?.symbol.unified }).toEqual({
      intent: rendered.intent,
      symbol: rendered.symbol,
    });
    if (rendered.size !== undefined) expect(signal?.size).toEqual({ kind: 'contracts', value: rendered.size });
    expect(log.all[0]).toMatchObject({ outcome: 'accepted', format: 'tradingview-default' });
  });

  it('is refused (422, field "message") while the account has not opted in, and the refusal is logged', async () => {
    const { post, queue, log } = setup();
    const error = await refusal(
      post('buy @ 0.5 filled on BTCUSDT.P. New strategy position is 0.5', { pathAccount: 'acc-1', pathSecret: TOKEN }),
    );
    expect(errorToHttp(error).statusCode).toBe(422);
    expect(queue.messages).toEqual([]);
    expect(log.all[0]).toMatchObject({ outcome: 'refused', field: 'message', format: 'tradingview-default' });
    expect(log.all[0]?.reason).toContain('--default-message on');
  });

  it('is refused (400) on a URL without the secret, saying which URL reads it', async () => {
    const { post, queue } = setup({ defaultMessage: true });
    const error = await refusal(
      post('buy @ 0.5 filled on BTCUSDT.P. New strategy position is 0.5', { pathAccount: 'acc-1' }),
    );
    expect(errorToHttp(error)).toMatchObject({ statusCode: 400 });
    expect(String(errorToHttp(error).body)).toContain("account's own URL");
    expect(queue.messages).toEqual([]);
  });

  it('is refused (401) with a wrong secret in the URL, and the log holds neither secret', async () => {
    const { post, queue, log } = setup({ defaultMessage: true });
    const error = await refusal(
      post('buy @ 0.5 filled on BTCUSDT.P. New strategy position is 0.5', { pathAccount: 'acc-1', pathSecret: WRONG }),
    );
    expect(errorToHttp(error).statusCode).toBe(401);
    expect(queue.messages).toEqual([]);
    expect(JSON.stringify(log.all)).not.toMatch(new RegExp(`${WRONG}|${TOKEN}`));
  });

  it('names the field when a number is out of bounds (a zero order)', async () => {
    const { post } = setup({ defaultMessage: true });
    const error = await refusal(
      post('sell @ 0 filled on BTCUSDT.P. New strategy position is 0.5', { pathAccount: 'acc-1', pathSecret: TOKEN }),
    );
    expect(JSON.parse(String(errorToHttp(error).body))).toEqual({
      error: 'validation',
      issues: [{ field: 'size', message: 'must be greater than 0' }],
    });
  });

  it('takes a JSON alert on the same URL, the URL carrying the token', async () => {
    const { post, queue } = setup();
    await post(JSON.stringify({ action: 'short', symbol: 'ETHUSDT.P' }), { pathAccount: 'acc-1', pathSecret: TOKEN });
    expect(queue.messages[0]?.signal.intent).toBe('enter_short');
  });
});

describe("alert test's one-time token", () => {
  const stored = (lookup: CachedLookup, testToken: string, expiresAt: number) => {
    const account = lookup.stored.get('acc-1') as Summary;
    lookup.stored.set('acc-1', { ...account, alertTest: { tokenHash: sha(testToken), expiresAt } });
  };

  it('is accepted while it lives, read past the account cache, and refused once expired', async () => {
    const { post, accounts, clock, queue } = setup();
    await post(alert({ id: 'warm-up' })); // the account is now cached without a test token
    stored(accounts, 'test-token-1', T0 + 60_000);

    await expect(post(alert({ token: 'test-token-1', id: 't-1' }))).resolves.toMatchObject({ outcome: 'queued' });
    expect(accounts.refreshes).toBe(1);

    clock.advance(60_000);
    const error = await refusal(post(alert({ token: 'test-token-1', id: 't-2' })));
    expect(errorToHttp(error).statusCode).toBe(401);
    expect(queue.messages).toHaveLength(2);
  });
});

describe('readDefaultStrategyMessage: the reverse is judged on the exact decimals', () => {
  it.each([
    ['sell @ 0.30000000000000001 filled on BTCUSDT.P. New strategy position is -0.3', 'short', '0.3'],
    ['buy @ 0.3 filled on BTCUSDT.P. New strategy position is 0.30000000000000001', 'long', '0.3'],
    ['buy @ 1.50 filled on BTCUSDT.P. New strategy position is 1.5', 'long', '1.50'],
    ['SELL @ 2 filled on BTCUSDT.P. New strategy position is -0.000000000000000001.', 'short', '0.000000000000000001'],
    ['sell @ 1 filled on BTCUSDT.P. New strategy position is 1e-8', '1e-8', '1'],
  ])('%s → position %s, size %s', (body, position, size) => {
    expect(readDefaultStrategyMessage(body)).toMatchObject({ position, size });
  });

  it('is not the default message with anything around it', () => {
    expect(readDefaultStrategyMessage('{"action":"buy"}')).toBeUndefined();
    expect(readDefaultStrategyMessage('buy @ 1 filled on X. New strategy position is 1 and more')).toBeUndefined();
  });
});
