// The executor function against the stand-ins: webhook → SQS FIFO → executor → DynamoDB with the
// paper exchange, and failure cases (docs/FAILURE_CASES.md) 10, 12, 13, 14, 15, 24 and 25.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createExecutorHandler } from '../../functions/executor/app';
import { RoutingExchangeFactory } from '../../shared/adapters/exchange/exchange-factory';
import { MemoryLedgerStore } from '../../shared/adapters/paper/memory-ledger-store';
import { StaticMarketCatalog } from '../../shared/adapters/paper/markets';
import { PaperExchange } from '../../shared/adapters/paper/paper-exchange';
import { DEFAULT_PAPER_SETTINGS, type Account } from '../../shared/core/domain/account';
import { AdapterError } from '../../shared/core/errors';
import type { ExchangePort } from '../../shared/core/ports/exchange';
import { BookKeeper } from '../../shared/core/execution/book-keeper';
import { ExecuteSignal } from '../../shared/core/execution/execute-signal';
import { OrderSender } from '../../shared/core/execution/order-sender';
import { ProtectionManager } from '../../shared/core/execution/protection';
import { clientOrderIdFor } from '../../shared/core/signal/ids';
import type { Signal } from '../../shared/core/signal/types';
import { buildRepositories, dynamoClient } from '../../shared/runtime/repositories';
import { buildEntryRisk } from '../../shared/runtime/executor';
import { createHarness, silentLogger, type Harness } from './harness';

jest.setTimeout(30_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
beforeEach(() => {
  h.prices.set('BTC/USDT:USDT', 50_000).set('ETH/USDT:USDT', 2_500);
});

const signalFor = (accountId: string, signalId: string, extra: Partial<Signal> = {}): Signal => ({
  v: 1,
  signalId,
  accountId,
  intent: 'enter_long',
  symbol: { unified: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
  receivedAt: Date.now(),
  source: 'webhook',
  ...extra,
});

async function execute(
  useCase: ExecuteSignal | ReturnType<typeof createExecutorHandler>,
  signal: Signal,
  messageId = signal.signalId,
) {
  const handler = useCase instanceof ExecuteSignal ? createExecutorHandler(useCase, silentLogger()) : useCase;
  return handler({ Records: [record(signal, messageId)] }, {} as never);
}

const record = (signal: Signal, messageId: string) =>
  ({
    messageId,
    receiptHandle: messageId,
    body: JSON.stringify(signal),
    attributes: { MessageGroupId: `${signal.accountId}#${signal.symbol.compact}`, ApproximateReceiveCount: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn',
    awsRegion: 'us-east-1',
  }) as never;

/** The paper exchange of an account, seen directly (not through the book). */
function paperOf(accountId: string): PaperExchange {
  return h.runtime.paperExchange({ accountId, settings: { paper: DEFAULT_PAPER_SETTINGS } } as Account);
}

/** The executors' signal lease here. */
const LEASE_MS = 200;
/** A redelivery this much later finds the lease lapsed, as after the visibility timeout. */
const AFTER_LEASE_MS = LEASE_MS + 50;

/**
 * An ExecuteSignal whose exchange can be wrapped to inject failures. `laterMs` starts its clock that
 * far ahead of the wall clock: the Lambda container of a redelivery, without the wait for the lease.
 */
function executorWith(
  wrap: (paper: ExchangePort) => ExchangePort,
  { repos = h.runtime.repos, laterMs = 0 } = {},
): ExecuteSignal {
  const clock = { now: () => Date.now() + laterMs };
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
    leaseMs: LEASE_MS,
  });
}

test('a webhook alert becomes a filled market order, an open trade and a book position sized at 10% of equity', async () => {
  const { accountId, token } = await h.createAccount(10_000);
  h.prices.set('BTC/USDT:USDT', 50_000);

  expect((await h.post({ token, account: accountId, action: 'long', symbol: 'BTCUSDT.P', id: 'e-1' })).statusCode).toBe(
    202,
  );
  await h.drain();

  const [position] = await h.runtime.repos.positions.list(accountId);
  // Sized at the fill (docs/RISK.md): the last price 50,000 with the paper's 2 bps slippage fills at
  // 50,010; 10% of 10,000 at x1 = 1,000 USDT / 50,010 = 0.019996 → 0.019 BTC, whole lots down
  // (at the last price it was 0.02, which took 1,000.2 of margin for the 1,000 asked)
  expect(position).toMatchObject({ side: 'long', quantity: '0.019', entryPrice: '50010', leverage: 1 });
  const orders = await h.runtime.repos.orders.listByAccount(accountId);
  expect(orders).toHaveLength(1);
  expect(orders[0]).toMatchObject({ status: 'filled', filled: '0.019', averagePrice: '50010', leg: 'open' });
  expect(orders[0]?.bookedAt).toBeDefined();
  const [trade] = await h.runtime.repos.trades.listByAccount(accountId);
  expect(trade).toMatchObject({ status: 'open', side: 'long', quantity: '0.019', fees: '0.475095' }); // 0.019 × 50010 × 0.0005
});

test('case 10: a message delivered again after execution places no new order', async () => {
  const { accountId } = await h.createAccount();
  const signal = signalFor(accountId, 'sredelivery000000000000000000001');

  const first = await execute(h.executor, signal);
  const again = await execute(h.executor, signal, 'another-message-id');

  expect(first.batchItemFailures).toEqual([]);
  expect(again.batchItemFailures).toEqual([]);
  expect(await h.runtime.repos.orders.listByAccount(accountId)).toHaveLength(1);
  // 1,000 USDT at the fill 50,010: 0.019 BTC (sized at the fill, as in the first test)
  expect(await paperOf(accountId).fetchPosition('BTC/USDT:USDT')).toMatchObject({ quantity: '0.019' });
});

test('case 12: the function dies after the exchange filled, before recording: the retry finds the order by client id and sends nothing', async () => {
  const { accountId } = await h.createAccount();
  const signal = signalFor(accountId, 'scrashaftersend00000000000000001');
  let creates = 0;
  const crashing = executorWith((paper) => ({
    ...bind(paper),
    createOrder: async (req) => {
      creates++;
      await paper.createOrder(req);
      throw new Error('Task timed out after 30.00 seconds');
    },
    fetchOrderByClientId: async () => {
      throw new Error('still down');
    },
  }));

  const failed = await execute(crashing, signal);
  expect(failed.batchItemFailures).toEqual([{ itemIdentifier: signal.signalId }]);
  const retry = await execute(
    executorWith(
      (paper) => {
        const wrapped = bind(paper);
        return {
          ...wrapped,
          createOrder: async (req) => {
            creates++;
            return paper.createOrder(req);
          },
        };
      },
      { laterMs: AFTER_LEASE_MS },
    ),
    signal,
  );

  expect(retry.batchItemFailures).toEqual([]);
  expect(creates).toBe(1);
  const orders = await h.runtime.repos.orders.listByAccount(accountId);
  expect(orders).toHaveLength(1);
  expect(orders[0]).toMatchObject({ status: 'filled', filled: '0.02' });
  expect(await h.runtime.repos.positions.list(accountId)).toEqual([
    expect.objectContaining({ quantity: '0.02', side: 'long' }),
  ]);
  const events = await h.runtime.repos.audit.listByAccount(accountId);
  expect(events.map((e) => e.type)).toContain('order.adopted');
});

test('case 13: a crash after recording the intent, before sending: the retry sends exactly once with the same client id', async () => {
  const { accountId } = await h.createAccount();
  const signal = signalFor(accountId, 'scrashbeforesend0000000000000001');
  const sent: string[] = [];
  const crashing = executorWith((paper) => ({
    ...bind(paper),
    createOrder: async () => {
      throw Object.assign(new Error('ECONNRESET'), { name: 'ECONNRESET' });
    },
    fetchOrderByClientId: async () => {
      throw new Error('network down');
    },
  }));

  expect((await execute(crashing, signal)).batchItemFailures).toHaveLength(1);
  const intent = await h.runtime.repos.orders.get(accountId, clientOrderIdFor(signal.signalId, 'open'));
  expect(intent?.status).toBe('intent');
  const ok = await execute(
    executorWith(
      (paper) => ({
        ...bind(paper),
        createOrder: async (req) => {
          sent.push(req.clientOrderId);
          return paper.createOrder(req);
        },
      }),
      { laterMs: AFTER_LEASE_MS },
    ),
    signal,
  );

  expect(ok.batchItemFailures).toEqual([]);
  expect(sent).toEqual([clientOrderIdFor(signal.signalId, 'open')]);
  expect(await paperOf(accountId).fetchPosition('BTC/USDT:USDT')).toMatchObject({ quantity: '0.02' });
});

test('case 14: a conditional-write conflict on the order intent is treated as already done', async () => {
  const { accountId } = await h.createAccount();
  const signal = signalFor(accountId, 'sconflict00000000000000000000001');
  await execute(h.executor, signal);
  // Forget the signal's execution record: only the order's conditional write can stop a second order.
  const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
  const db = dynamoClient({ stage: h.stage, region: 'us-east-1', endpoint: h.executorEnv.DYNAMODB_ENDPOINT });
  await db.send(
    new DeleteCommand({ TableName: `tvat-${h.stage}-signals`, Key: { accountId, signalId: signal.signalId } }),
  );

  const again = await execute(h.executor, signal);

  expect(again.batchItemFailures).toEqual([]);
  expect(await h.runtime.repos.orders.listByAccount(accountId)).toHaveLength(1);
  // sized at the fill 50,010: 0.019 BTC
  expect(await paperOf(accountId).fetchPosition('BTC/USDT:USDT')).toMatchObject({ quantity: '0.019' });
});

test('case 15: with the database unavailable before sending, the message fails and nothing reaches the exchange', async () => {
  const { accountId } = await h.createAccount();
  const deadRepos = buildRepositories(
    dynamoClient({ stage: h.stage, region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }),
    h.stage,
  );
  const store = new MemoryLedgerStore();
  const isolated = new PaperExchange({
    accountId,
    store,
    prices: h.prices,
    markets: new StaticMarketCatalog(),
    settings: DEFAULT_PAPER_SETTINGS,
    clock: { now: () => Date.now() },
  });
  const useCase = executorWith(() => isolated, { repos: deadRepos });

  const result = await execute(useCase, signalFor(accountId, sid('dbdown')));

  expect(result.batchItemFailures).toHaveLength(1);
  expect(await store.listOpenOrders(accountId)).toEqual([]);
  expect(await isolated.fetchPositions()).toEqual([]);
});

test('case 24: opposite signals in flight are serialised by the group; the executor reads the live position and reverses', async () => {
  const { accountId, token } = await h.createAccount();
  await h.post({ token, account: accountId, action: 'long', symbol: 'BTCUSDT', id: 'o-1' });
  await h.post({ token, account: accountId, action: 'short', symbol: 'BTCUSDT', id: 'o-2' });
  await h.drain();

  const live = await paperOf(accountId).fetchPosition('BTC/USDT:USDT');
  expect(live?.side).toBe('short');
  const trades = await h.runtime.repos.trades.listByAccount(accountId);
  expect(trades.map((t) => `${t.side}:${t.status}:${t.exitReason ?? ''}`).sort()).toEqual([
    'long:closed:reverse',
    'short:open:',
  ]);
  const [position] = await h.runtime.repos.positions.list(accountId);
  expect(position).toMatchObject({ side: 'short', quantity: live?.quantity });
});

test('case 25: a failing message fails the rest of its group but not other groups', async () => {
  const { accountId } = await h.createAccount();
  const btc1 = signalFor(accountId, sid('g1a'));
  const poison = { ...signalFor(accountId, sid('g1b')), intent: 'enter_long' as const };
  const btc3 = signalFor(accountId, sid('g1c'), { intent: 'close_long' });
  const eth = signalFor(accountId, sid('g2a'), {
    symbol: { unified: 'ETH/USDT:USDT', base: 'ETH', quote: 'USDT', settle: 'USDT', compact: 'ETHUSDT' },
  });
  let calls = 0;
  const failingSecond = executorWith((paper) => ({
    ...bind(paper),
    createOrder: async (req) => {
      calls++;
      if (calls === 2) throw new Error('exchange unreachable');
      return paper.createOrder(req);
    },
    fetchOrderByClientId: async (s, id) =>
      calls === 2 ? Promise.reject(new Error('down')) : paper.fetchOrderByClientId(s, id),
  }));
  const handler = createExecutorHandler(failingSecond, silentLogger());

  const result = await handler(
    { Records: [record(btc1, 'm1'), record(poison, 'm2'), record(btc3, 'm3'), record(eth, 'm4')] },
    {} as never,
  );

  expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m2', 'm3']);
  expect(await paperOf(accountId).fetchPosition('ETH/USDT:USDT')).toMatchObject({ side: 'long' });
});

test('case 25: a KMS/key-vault decrypt failure sends nothing, and rejects the signal once (the vault refuses for good: a retry would only block the group)', async () => {
  const { accountId } = await h.createAccount();
  const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  const db = dynamoClient({ stage: h.stage, region: 'us-east-1', endpoint: h.executorEnv.DYNAMODB_ENDPOINT });
  await db.send(
    new UpdateCommand({
      TableName: `tvat-${h.stage}-accounts`,
      Key: { accountId },
      UpdateExpression: 'SET credentials = :c',
      ExpressionAttributeValues: {
        ':c': { vault: 'local', blob: Buffer.from('{"v":1,"iv":"AAAA","tag":"AAAA","ct":"AAAA"}').toString('base64') },
      },
    }),
  );

  const result = await execute(h.executor, signalFor(accountId, sid('kmsfail')));

  expect(result.batchItemFailures).toEqual([]);
  expect(await h.runtime.repos.signals.getSignal(accountId, sid('kmsfail'))).toMatchObject({
    status: 'rejected',
    outcome: expect.stringMatching(/^KEY_VAULT: /),
  });
  expect(await h.runtime.repos.orders.listByAccount(accountId)).toEqual([]);
  expect(await paperOf(accountId).fetchPositions()).toEqual([]);
});

describe('retry or reject is decided by the error class', () => {
  /** The account's exchange, whose live-position read (before anything is sent) throws `error` on its first call. */
  function failingOnce(error: Error, reads: { count: number }): ExecuteSignal {
    return executorWith((paper) => ({
      ...bind(paper),
      fetchPosition: async (symbol) => {
        reads.count++;
        if (reads.count === 1) throw error;
        return paper.fetchPosition(symbol);
      },
    }));
  }

  test('a terminal adapter error rejects the signal once: no retry, nothing sent, the reason kept', async () => {
    const { accountId } = await h.createAccount();
    const signal = signalFor(accountId, sid('terminaladapter'));
    const reads = { count: 0 };
    const useCase = failingOnce(
      new AdapterError('paper fetch position failed: the account may not trade this market', 'EXCHANGE_REFUSED', false),
      reads,
    );

    const first = await execute(useCase, signal);
    const again = await execute(useCase, signal); // a redelivery (had SQS sent it again) does nothing

    expect(first.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    expect(reads.count).toBe(1);
    expect(await h.runtime.repos.signals.getSignal(accountId, signal.signalId)).toMatchObject({
      status: 'rejected',
      outcome: 'EXCHANGE_REFUSED: paper fetch position failed: the account may not trade this market',
    });
    const rejected = (await h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === 'signal.rejected');
    expect(rejected).toEqual([
      expect.objectContaining({
        signalId: signal.signalId,
        data: expect.objectContaining({ code: 'EXCHANGE_REFUSED', cause: 'AdapterError' }),
      }),
    ]);
    expect(await h.runtime.repos.orders.listByAccount(accountId)).toEqual([]);
    expect(await paperOf(accountId).fetchPositions()).toEqual([]);
  });

  test('a retryable adapter error returns the message to the queue; the retry executes it', async () => {
    const { accountId } = await h.createAccount();
    const signal = signalFor(accountId, sid('retryableadapter'));
    const reads = { count: 0 };
    const useCase = failingOnce(
      new AdapterError('paper fetch position failed: 503 Service Unavailable', 'EXCHANGE_UNAVAILABLE', true),
      reads,
    );

    const first = await execute(useCase, signal);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: signal.signalId }]);
    expect(await h.runtime.repos.signals.getSignal(accountId, signal.signalId)).toMatchObject({ status: 'executing' });
    await new Promise((resolve) => setTimeout(resolve, 250)); // the first delivery's lease (200 ms) runs out, as a visibility timeout would
    const retry = await execute(useCase, signal);

    expect(retry.batchItemFailures).toEqual([]);
    expect(await h.runtime.repos.signals.getSignal(accountId, signal.signalId)).toMatchObject({ status: 'executed' });
    expect(await paperOf(accountId).fetchPosition('BTC/USDT:USDT')).toMatchObject({ side: 'long', quantity: '0.02' });
  });
});

test('case 25: a paused account refuses entries but lets closes through', async () => {
  const { accountId } = await h.createAccount();
  await execute(h.executor, signalFor(accountId, sid('pause-open')));
  await h.runtime.repos.accounts.setStatus(accountId, 'paused', Date.now());

  await execute(
    h.executor,
    signalFor(accountId, sid('pause-eth'), {
      symbol: { unified: 'ETH/USDT:USDT', base: 'ETH', quote: 'USDT', settle: 'USDT', compact: 'ETHUSDT' },
    }),
  );
  await execute(h.executor, signalFor(accountId, sid('pause-close'), { intent: 'close_long' }));

  expect(await paperOf(accountId).fetchPositions()).toEqual([]);
  const rejected = await h.runtime.repos.signals.getSignal(accountId, sid('pause-eth'));
  expect(rejected).toMatchObject({ status: 'rejected', outcome: expect.stringContaining('ACCOUNT_NOT_ACTIVE') });
  const [trade] = await h.runtime.repos.trades.listByAccount(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'signal' });
});

test('case 9: an unknown symbol is rejected terminally (no retry) and nothing is sent', async () => {
  const { accountId } = await h.createAccount();
  const result = await execute(
    h.executor,
    signalFor(accountId, sid('nosymbol'), {
      symbol: { unified: 'NOPE/USDT:USDT', base: 'NOPE', quote: 'USDT', settle: 'USDT', compact: 'NOPEUSDT' },
    }),
  );

  expect(result.batchItemFailures).toEqual([]);
  expect(await h.runtime.repos.signals.getSignal(accountId, sid('nosymbol'))).toMatchObject({
    status: 'rejected',
    outcome: expect.stringContaining('UNKNOWN_SYMBOL'),
  });
  expect(await h.runtime.repos.orders.listByAccount(accountId)).toEqual([]);
});

test('stop-loss and take-profit rest on the paper exchange; a price through the stop closes the trade with its P&L and cancels the take-profit', async () => {
  const { accountId } = await h.createAccount(10_000);
  h.prices.set('BTC/USDT:USDT', 50_000);
  await execute(
    h.executor,
    signalFor(accountId, sid('protect'), { sl: { kind: 'percent', value: 2 }, tp: { kind: 'percent', value: 4 } }),
  );
  const [position] = await h.runtime.repos.positions.list(accountId);
  // entry 50,010 → SL 49,009.8, TP 52,010.4 (tick 0.1)
  expect(position?.stopLoss?.triggerPrice).toBe('49009.8');
  expect(position?.takeProfits?.[0]?.triggerPrice).toBe('52010.4');

  h.prices.set('BTC/USDT:USDT', 48_900);
  const report = await h.settle.run();

  expect(report.fills).toBeGreaterThanOrEqual(1);
  const [trade] = await h.runtime.repos.trades.listByAccount(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'stop_loss' });
  // gap through the stop: fills at the worse of trigger−2 bps (49,000.0) and the price 48,900
  expect(trade?.exitPrice).toBe('48900');
  // 0.019 BTC (sized at the fill 50,010): (48,900 − 50,010) × 0.019 − 0.019 × 50,010 × 0.0005 −
  // 0.019 × 48,900 × 0.0005 = −21.09 − 0.475095 − 0.46455, exactly
  expect(trade?.realizedPnl).toBe('-22.029645');
  const tp = await h.runtime.repos.orders.get(accountId, position?.takeProfits?.[0]?.clientOrderId ?? '');
  expect(tp?.status).toBe('canceled');
  expect(await paperOf(accountId).fetchOpenOrders()).toEqual([]);
});

test('a reverse cancels the old protective orders before closing', async () => {
  const { accountId } = await h.createAccount(10_000);
  h.prices.set('BTC/USDT:USDT', 50_000);
  await execute(h.executor, signalFor(accountId, sid('rev-open'), { sl: { kind: 'percent', value: 2 } }));
  await execute(h.executor, signalFor(accountId, sid('rev-short'), { intent: 'enter_short' }));

  expect(await paperOf(accountId).fetchOpenOrders()).toEqual([]);
  expect(await paperOf(accountId).fetchPosition('BTC/USDT:USDT')).toMatchObject({ side: 'short' });
});

test('the whole path through the real queue: a message sent to SQS is executed once even if sent twice', async () => {
  const { accountId } = await h.createAccount();
  const signal = signalFor(accountId, sid('queue-twice'));
  for (let i = 0; i < 2; i++) {
    await h.sqs.send(
      new SendMessageCommand({
        QueueUrl: h.queueUrl,
        MessageBody: JSON.stringify(signal),
        MessageGroupId: `${accountId}#BTCUSDT`,
        MessageDeduplicationId: `dup-${i}`,
      }),
    );
  }
  await h.drain();
  expect(await h.runtime.repos.orders.listByAccount(accountId)).toHaveLength(1);
});

/** Signal ids are 32 characters in production; tests build readable ones of the same shape. */
function sid(name: string): string {
  return `s${name.replace(/[^a-z0-9]/gi, '').padEnd(31, '0')}`.slice(0, 32);
}

/** Methods of a class instance as an own-property object, so a test can override some. */
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

test('a protective order the exchange refuses for good closes the position at market; the signal is rejected with the reason', async () => {
  const { accountId } = await h.createAccount(10_000);
  const refusing = executorWith((paper) => ({
    ...bind(paper),
    createOrder: async (req) => {
      if (req.type === 'stop_market') {
        const { SignalRejectedError } = await import('../../shared/core/errors');
        throw new SignalRejectedError('stop price would trigger immediately', 'INVALID_STOP');
      }
      return paper.createOrder(req);
    },
  }));

  const result = await execute(
    refusing,
    signalFor(accountId, sid('protect-refused'), {
      sl: { kind: 'percent', value: 2 },
      tp: { kind: 'percent', value: 4 },
    }),
  );

  expect(result.batchItemFailures).toEqual([]);
  expect(await paperOf(accountId).fetchPositions()).toEqual([]);
  expect(await paperOf(accountId).fetchOpenOrders()).toEqual([]);
  expect(await h.runtime.repos.signals.getSignal(accountId, sid('protect-refused'))).toMatchObject({
    status: 'rejected',
    outcome: expect.stringContaining('PROTECTION_FAILED'),
  });
  const legs = (await h.runtime.repos.orders.listByAccount(accountId)).map((o) => `${o.leg}:${o.status}`).sort();
  expect(legs).toEqual(['flatten:filled', 'open:filled', 'sl:rejected']);
});

test('an absolute stop or target on the wrong side of the price rejects the entry before anything is sent', async () => {
  const { accountId } = await h.createAccount(10_000);

  await execute(h.executor, signalFor(accountId, sid('bad-tp'), { tp: { kind: 'price', value: 40_000 } }));

  expect(await h.runtime.repos.orders.listByAccount(accountId)).toEqual([]);
  expect(await h.runtime.repos.signals.getSignal(accountId, sid('bad-tp'))).toMatchObject({
    status: 'rejected',
    outcome: expect.stringContaining('INVALID_STOP'),
  });
});

test("the ledger's lease on DynamoDB: 'run' on the first claim, 'resume' once an earlier claim lapsed (what makes a first delivery skip the sliced-entry read)", async () => {
  const ledger = h.runtime.repos.signals;
  const seed = { accountId: 'acc-lease', signalId: `sig-${Date.now()}`, status: 'executing' as const, updatedAt: 0 };
  const t0 = Date.now();
  expect(await ledger.beginExecution(seed, t0, 1_000)).toBe('run');
  expect(await ledger.beginExecution(seed, t0 + 500, 1_000)).toBe('busy');
  expect(await ledger.beginExecution(seed, t0 + 1_001, 1_000)).toBe('resume');
  await ledger.finishExecution(seed.accountId, seed.signalId, 'executed', 'ok', t0 + 1_100);
  expect(await ledger.beginExecution(seed, t0 + 5_000, 1_000)).toBe('done');
});
