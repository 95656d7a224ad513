// The executor's execution bounds against the stand-ins (paper exchange, dynalite): an entry that
// waited past the account's maximum lag is rejected as expired (closes always run), and absolute
// prices far from the market are refused before any order. docs/RISK.md "Execution bounds".
import { createExecutorHandler } from '../../functions/executor/app';
import { notificationOf } from '../../shared/core/notify/from-audit';
import { RoutingExchangeFactory } from '../../shared/adapters/exchange/exchange-factory';
import type { ExchangePort } from '../../shared/core/ports/exchange';
import { clientOrderIdFor } from '../../shared/core/signal/ids';
import type { Signal } from '../../shared/core/signal/types';
import { BookKeeper } from '../../shared/core/execution/book-keeper';
import { ExecuteSignal } from '../../shared/core/execution/execute-signal';
import { OrderSender } from '../../shared/core/execution/order-sender';
import { ProtectionManager } from '../../shared/core/execution/protection';
import { buildEntryRisk } from '../../shared/runtime/executor';
import { createHarness, MutableClock, silentLogger, type Harness } from './harness';

jest.setTimeout(60_000);

const clock = new MutableClock();
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ clock, leaseMs: 200 });
});
beforeEach(() => {
  h.prices.set('BTC/USDT:USDT', 50_000);
});

const BTC = { unified: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' };
let n = 0;
const signalFor = (accountId: string, extra: Partial<Signal> = {}): Signal => ({
  v: 1,
  signalId: `sbounds${process.pid}x${n++}`.padEnd(32, '0'),
  accountId,
  intent: 'enter_long',
  symbol: BTC,
  receivedAt: clock.now(),
  source: 'webhook',
  ...extra,
});

async function deliver(signal: Signal, handler = h.executor) {
  const record = {
    messageId: signal.signalId,
    receiptHandle: signal.signalId,
    body: JSON.stringify(signal),
    attributes: { MessageGroupId: `${signal.accountId}#BTCUSDT`, ApproximateReceiveCount: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn',
    awsRegion: 'us-east-1',
  };
  return handler({ Records: [record as never] }, {} as never);
}

async function outcomeOf(accountId: string, signal: Signal) {
  const events = await h.runtime.repos.audit.listByAccount(accountId);
  return {
    status: (await h.runtime.repos.signals.getSignal(accountId, signal.signalId))?.status,
    rejected: events.filter((e) => e.type === 'signal.rejected' && e.signalId === signal.signalId),
    orders: (await h.runtime.repos.orders.listByAccount(accountId)).filter((o) => o.signalId === signal.signalId),
  };
}

describe('maximum execution lag of entries', () => {
  test('an entry that waited 61 s (default bound 60 s) is rejected SIGNAL_EXPIRED with the lag and the bound, audited and told; no order', async () => {
    const { accountId } = await h.createAccount();
    const signal = signalFor(accountId);
    clock.advance(61_000);

    const result = await deliver(signal);

    expect(result.batchItemFailures).toEqual([]); // rejected once: the message is deleted, the lane free
    const out = await outcomeOf(accountId, signal);
    expect(out.status).toBe('rejected');
    expect(out.orders).toEqual([]);
    expect(out.rejected).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("waited 61.0 s since receipt, over the account's bound of 60 s"),
        data: expect.objectContaining({ code: 'SIGNAL_EXPIRED', lagMs: 61_000, maxLagMs: 60_000 }),
      }),
    ]);
    expect(notificationOf(out.rejected[0] as never)).toMatchObject({
      kind: 'signal_rejected',
      title: expect.stringContaining('SIGNAL_EXPIRED'),
    });
  });

  test("an entry within the bound executes; the bound is the account's own setting", async () => {
    const { accountId } = await h.createAccount(10_000, { risk: { execution: { maxEntryLagSeconds: 600 } } });
    const signal = signalFor(accountId);
    clock.advance(300_000);

    await deliver(signal);

    expect((await outcomeOf(accountId, signal)).status).toBe('executed');
    expect(await h.runtime.repos.positions.list(accountId)).toEqual([expect.objectContaining({ side: 'long' })]);
  });

  test('a close always executes, however late', async () => {
    const { accountId } = await h.createAccount();
    await deliver(signalFor(accountId));
    const close = signalFor(accountId, { intent: 'close_long' });
    clock.advance(3_600_000);

    await deliver(close);

    const out = await outcomeOf(accountId, close);
    expect(out.status).toBe('executed');
    expect(out.orders).toEqual([expect.objectContaining({ leg: 'close', status: 'filled' })]);
    expect(await h.runtime.repos.positions.list(accountId)).toEqual([expect.objectContaining({ quantity: '0' })]);
  });

  test('an expired entry whose order an earlier delivery recorded is resolved, not abandoned: the order is sent once and booked', async () => {
    const { accountId } = await h.createAccount();
    const signal = signalFor(accountId);
    const creates: string[] = [];
    // First delivery: the send fails in an unknown way and the look-ups fail too (the intent stays).
    const broken = executorWith((paper) => ({
      ...bind(paper),
      createOrder: async () => {
        throw new Error('ECONNRESET');
      },
      fetchOrderByClientId: async () => {
        throw new Error('network down');
      },
    }));
    expect((await deliver(signal, createExecutorHandler(broken, silentLogger()))).batchItemFailures).toHaveLength(1);
    clock.advance(120_000); // past the 60 s bound, and the lease

    const retry = await deliver(
      signal,
      createExecutorHandler(
        executorWith((paper) => ({
          ...bind(paper),
          createOrder: async (req) => {
            creates.push(req.clientOrderId);
            return paper.createOrder(req);
          },
        })),
        silentLogger(),
      ),
    );

    expect(retry.batchItemFailures).toEqual([]);
    expect(creates).toEqual([clientOrderIdFor(signal.signalId, 'open')]);
    const out = await outcomeOf(accountId, signal);
    expect(out.status).toBe('executed');
    expect(out.orders).toEqual([expect.objectContaining({ status: 'filled', bookedAt: expect.any(Number) })]);
  });
});

describe('price band around the last price (factor 10 by default)', () => {
  test.each([
    ['price', { signalPrice: 1e308 }],
    ['sl', { sl: { kind: 'price' as const, value: 4_000 } }],
    ['tp', { tp: { kind: 'price' as const, value: 600_000 } }],
    [
      'tp level 2',
      {
        tpLevels: [
          { level: { kind: 'price' as const, value: 51_000 }, sharePct: 50 },
          { level: { kind: 'price' as const, value: 5e6 }, sharePct: 50 },
        ],
      },
    ],
    ['limit', { order: { type: 'limit' as const, limit: { kind: 'price' as const, value: 1 } } }],
  ])('an entry with %s outside 5,000–500,000 is refused PRICE_OUT_OF_BAND before any order', async (field, extra) => {
    const { accountId } = await h.createAccount();
    const signal = signalFor(accountId, extra);

    const result = await deliver(signal);

    expect(result.batchItemFailures).toEqual([]);
    const out = await outcomeOf(accountId, signal);
    expect(out.status).toBe('rejected');
    expect(out.orders).toEqual([]);
    expect(out.rejected).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          new RegExp(`^${field} \\S+ is outside the band 5000–500000 \\(10× either side of the last price 50000`),
        ),
        data: expect.objectContaining({ code: 'PRICE_OUT_OF_BAND', field, low: 5_000, high: 500_000 }),
      }),
    ]);
  });

  test("prices inside the band trade; a narrower band is the account's setting", async () => {
    const { accountId } = await h.createAccount(10_000, { risk: { execution: { priceBandFactor: 1.5 } } });
    const inside = signalFor(accountId, { signalPrice: 50_100, sl: { kind: 'price', value: 40_000 } });
    await deliver(inside);
    expect((await outcomeOf(accountId, inside)).status).toBe('executed');

    const other = await h.createAccount(10_000, { risk: { execution: { priceBandFactor: 1.5 } } });
    const outside = signalFor(other.accountId, { sl: { kind: 'price', value: 30_000 } });
    await deliver(outside);
    expect((await outcomeOf(other.accountId, outside)).rejected[0]?.data).toMatchObject({
      code: 'PRICE_OUT_OF_BAND',
      field: 'sl',
      low: 50_000 / 1.5,
    });
  });

  test('a close with a wild price still closes; the price is left off its order record', async () => {
    const { accountId } = await h.createAccount();
    await deliver(signalFor(accountId));
    const close = signalFor(accountId, { intent: 'close_long', signalPrice: 1e308 });

    await deliver(close);

    const out = await outcomeOf(accountId, close);
    expect(out.status).toBe('executed');
    expect(out.orders).toEqual([expect.objectContaining({ leg: 'close', status: 'filled' })]);
    expect(out.orders[0]?.signalPrice).toBeUndefined();
  });

  test('a reverse whose entry is out of band closes the old position and reports the refused entry', async () => {
    const { accountId } = await h.createAccount();
    await deliver(signalFor(accountId, { intent: 'enter_short' }));
    const reverse = signalFor(accountId, { sl: { kind: 'price', value: 1 } });

    await deliver(reverse);

    const out = await outcomeOf(accountId, reverse);
    expect(out.status).toBe('executed');
    expect(out.orders.map((o) => o.leg)).toEqual(['close']);
    expect((await h.runtime.repos.signals.getSignal(accountId, reverse.signalId))?.outcome).toContain(
      'entry refused (PRICE_OUT_OF_BAND: sl 1 is outside the band',
    );
  });
});

describe('every order record ends in a final state', () => {
  test('a signal rejected while its order from an earlier delivery is still an intent (outcome unknown) closes that order as failed, with its event and a critical alert', async () => {
    const { accountId } = await h.createAccount();
    const signal = signalFor(accountId);
    const broken = executorWith((paper) => ({
      ...bind(paper),
      createOrder: async () => {
        throw new Error('ECONNRESET');
      },
      fetchOrderByClientId: async () => {
        throw new Error('network down');
      },
    }));
    expect((await deliver(signal, createExecutorHandler(broken, silentLogger()))).batchItemFailures).toHaveLength(1);
    const clientOrderId = clientOrderIdFor(signal.signalId, 'open');
    expect(await h.runtime.repos.orders.get(accountId, clientOrderId)).toMatchObject({ status: 'intent' });
    // the exchange bans the IP before the retry: the signal is refused without calling it
    await h.runtime.repos.accounts.setHalt(accountId, clock.now() + 3_600_000, 'banned in test', clock.now());
    clock.advance(1_000);

    expect((await deliver(signal)).batchItemFailures).toEqual([]);

    expect((await outcomeOf(accountId, signal)).status).toBe('rejected');
    expect(await h.runtime.repos.orders.get(accountId, clientOrderId)).toMatchObject({
      status: 'rejected',
      error: expect.stringContaining('outcome unknown, the signal was rejected (ACCOUNT_HALTED)'),
    });
    const events = (await h.runtime.repos.audit.listByAccount(accountId)).filter(
      (e) => e.data !== undefined && 'clientOrderId' in e.data && e.data.clientOrderId === clientOrderId,
    );
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['order.failed', 'alert']));
    expect(events.find((e) => e.type === 'alert')?.data).toMatchObject({ severity: 'critical' });
    expect(notificationOf(events.find((e) => e.type === 'alert') as never)).toMatchObject({
      kind: 'alert',
      severity: 'critical',
    });
  });
});

/** ExecuteSignal on the harness's clock, whose paper exchange can be wrapped to inject failures. */
function executorWith(wrap: (paper: ExchangePort) => ExchangePort): ExecuteSignal {
  const repos = h.runtime.repos;
  const sender = new OrderSender({ orders: repos.orders, audit: repos.audit, clock, lookupBackoffMs: [10, 20] });
  const book = new BookKeeper({
    positions: repos.positions,
    trades: repos.trades,
    orders: repos.orders,
    audit: repos.audit,
    clock,
  });
  return new ExecuteSignal({
    accounts: repos.accounts,
    ledger: repos.signals,
    audit: repos.audit,
    vault: h.vault,
    exchanges: new RoutingExchangeFactory({ paper: (account) => wrap(h.runtime.paperExchange(account)) }),
    sender,
    book,
    protection: new ProtectionManager({ sender, book, orders: repos.orders, audit: repos.audit, clock }),
    risk: buildEntryRisk(h.executorEnv, h.runtime),
    clock,
    leaseMs: 200,
  });
}

/** The paper exchange's methods bound to it, so single ones can be replaced. */
function bind(paper: ExchangePort): ExchangePort {
  const proto = Object.getPrototypeOf(paper) as Record<string, unknown>;
  const out: Record<string, unknown> = { exchangeId: paper.exchangeId };
  for (const key of Object.getOwnPropertyNames(proto)) {
    const value = (paper as unknown as Record<string, unknown>)[key];
    if (key !== 'constructor' && typeof value === 'function')
      out[key] = (value as (...a: unknown[]) => unknown).bind(paper);
  }
  return out as unknown as ExchangePort;
}
