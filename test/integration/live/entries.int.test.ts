// Live entries and closes through the real executor, unmodified ccxt and the fake Binance:
// the whole webhook → SQS → executor path, and failure cases (docs/FAILURE_CASES.md) 9, 10, 17, 18, 19 and 23.
import type { Signal } from '../../../shared/core/signal/types';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import {
  BTC,
  deliver,
  liveExecutor,
  onStep,
  orderPosts,
  override,
  requestsSince,
  sid,
  signalFor,
  startLiveSuite,
  XRP,
  type LiveSuite,
} from './helpers';

jest.setTimeout(30_000);

let s: LiveSuite;
beforeAll(async () => {
  s = await startLiveSuite();
});
afterAll(() => s.close());
afterEach(() => {
  s.fake.clearFaults();
  s.fake.setPrice('BTCUSDT', 65_000);
});

const rejectedCode = async (accountId: string, signalId: string) =>
  (await s.h.runtime.repos.signals.getSignal(accountId, signalId))?.outcome?.split(':')[0];

test('a webhook alert travels through SQS to a filled market order on the exchange; the signal price is kept next to the fill', async () => {
  const { accountId, apiKey, token } = await s.newAccount();
  const post = await s.h.post({
    token,
    account: accountId,
    action: 'long',
    symbol: 'BTCUSDT.P',
    price: 64_990,
    id: 'live-entry-1',
  });
  expect(post.statusCode).toBe(202);

  await s.h.drain();

  // 10 % of 10,000 USDT at x1 on the fake's price 65,000 = 0.01538… → 0.015 (step 0.001)
  const [onExchange] = s.fake.orders(apiKey);
  expect(s.fake.orders(apiKey)).toHaveLength(1);
  expect(onExchange).toMatchObject({ type: 'MARKET', side: 'BUY', origQty: 0.015, status: 'FILLED', avgPrice: 65_000 });
  const [order] = await s.h.runtime.repos.orders.listByAccount(accountId);
  expect(order).toMatchObject({
    leg: 'open',
    status: 'filled',
    filled: '0.015',
    averagePrice: '65000',
    signalPrice: 64_990,
    clientOrderId: onExchange?.clientOrderId,
    exchangeOrderId: String(onExchange?.orderId),
  });
  // Binance's order answer carries no fee: it is read from the order's trades (0.05 % taker)
  expect(Number(order?.fee)).toBeCloseTo(0.015 * 65_000 * 0.0005, 8);
  expect(await s.h.runtime.repos.positions.list(accountId)).toEqual([
    expect.objectContaining({ side: 'long', quantity: '0.015', entryPrice: '65000' }),
  ]);
  expect(s.fake.position(apiKey, 'BTCUSDT')).toMatchObject({ amount: 0.015, leverage: 1, marginType: 'isolated' });
  const filled = (await s.h.runtime.repos.audit.listByAccount(accountId)).find((e) => e.type === 'order.filled');
  expect(filled?.data).toMatchObject({ signalPrice: 64_990 });
});

test('case 9: an unknown symbol is rejected UNKNOWN_SYMBOL for good (no retry) and no order is sent', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('unknownsymbol'), {
    symbol: { unified: 'NOPE/USDT:USDT', base: 'NOPE', quote: 'USDT', settle: 'USDT', compact: 'NOPEUSDT' },
  });
  const log = requestsSince(s.fake);

  const result = await deliver(s.h.executor, signal);

  expect(result.batchItemFailures).toEqual([]);
  expect(await rejectedCode(accountId, signal.signalId)).toBe('UNKNOWN_SYMBOL');
  expect(orderPosts(log())).toEqual([]);
  expect(s.fake.orders(apiKey)).toEqual([]);
  expect(await s.h.runtime.repos.orders.listByAccount(accountId)).toEqual([]);
});

test('case 10: SQS delivering an executed message again places no second order', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('redelivered'));

  const first = await deliver(s.h.executor, signal, 'message-1');
  const log = requestsSince(s.fake);
  const again = await deliver(s.h.executor, signal, 'message-2');

  expect(first.batchItemFailures).toEqual([]);
  expect(again.batchItemFailures).toEqual([]);
  expect(s.fake.orders(apiKey)).toHaveLength(1);
  expect(orderPosts(log())).toEqual([]);
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0.015);
  expect(await s.h.runtime.repos.orders.listByAccount(accountId)).toHaveLength(1);
});

test('case 17: -2019 insufficient margin rejects the signal for good; the audit says required against available', async () => {
  const { accountId, apiKey } = await s.newAccount();
  s.fake.setPrice('ETHUSDT', 3_500);
  // 0.1 BTC at x1 locks 6,500 USDT of the 10,000: the risk engine sizes against equity (10,000), the
  // exchange against what is free (≈3,500), so a 9,000 USDT ETH entry passes the engine and hits -2019
  await deliver(
    liveExecutor(s.h),
    signalFor(accountId, sid('marginuser'), { size: { kind: 'contracts', value: 0.1 } }),
  );
  const signal = signalFor(accountId, sid('nomargin'), {
    symbol: { unified: 'ETH/USDT:USDT', base: 'ETH', quote: 'USDT', settle: 'USDT', compact: 'ETHUSDT' },
    size: { kind: 'quote', value: 9_000 },
  });
  const log = requestsSince(s.fake);

  const result = await deliver(liveExecutor(s.h), signal);

  expect(result.batchItemFailures).toEqual([]);
  expect(orderPosts(log())).toEqual([expect.objectContaining({ status: 400 })]);
  expect(s.fake.orders(apiKey).filter((o) => o.symbol === 'ETHUSDT')).toEqual([]);
  expect(await rejectedCode(accountId, signal.signalId)).toBe('INSUFFICIENT_MARGIN');
  const rejected = (await s.h.runtime.repos.audit.listByAccount(accountId)).find((e) => e.type === 'signal.rejected');
  expect(rejected?.data).toMatchObject({ code: 'INSUFFICIENT_MARGIN', exchangeCode: '-2019' });
  // 9,000 / 3,500 = 2.571 ETH (step 0.001) → 8,998.5 required; free ≈ 10,000 − 6,500 − the entry fee
  expect(rejected?.data?.required).toBeCloseTo(2.571 * 3_500, 6);
  expect(Number(rejected?.data?.available)).toBeGreaterThan(3_490);
  expect(Number(rejected?.data?.available)).toBeLessThan(3_500);
  expect(rejected?.message).toMatch(/required margin 8998\.5, available 349\d/);
  const eth = (await s.h.runtime.repos.orders.listByAccount(accountId)).find((o) => o.symbol === 'ETH/USDT:USDT');
  expect(eth).toMatchObject({ status: 'rejected', amount: '2.571' });
});

test('case 18: an entry below the minimum notional is rejected locally: no order request reaches the exchange', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('belownotional'), { size: { kind: 'contracts', value: 0.001 } }); // 65 USDT < 100
  const log = requestsSince(s.fake);

  const result = await deliver(liveExecutor(s.h), signal);

  expect(result.batchItemFailures).toEqual([]);
  expect(await rejectedCode(accountId, signal.signalId)).toBe('MIN_NOTIONAL');
  expect(orderPosts(log())).toEqual([]);
  expect(s.fake.orders(apiKey)).toEqual([]);
  expect(await s.h.runtime.repos.orders.listByAccount(accountId)).toEqual([]);
});

test('case 18: a reduce-only close of a position now worth less than the minimum notional is exempt and goes through', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const executor = liveExecutor(s.h);
  await deliver(executor, signalFor(accountId, sid('smallopen'), { size: { kind: 'contracts', value: 0.002 } })); // 130 USDT
  s.fake.setPrice('BTCUSDT', 45_000); // 0.002 × 45,000 = 90 USDT < 100
  const log = requestsSince(s.fake);

  const result = await deliver(executor, signalFor(accountId, sid('smallclose'), { intent: 'close_long' }));

  expect(result.batchItemFailures).toEqual([]);
  expect(orderPosts(log())).toEqual([expect.objectContaining({ status: 200 })]);
  expect(s.fake.orders(apiKey)[1]).toMatchObject({
    side: 'SELL',
    reduceOnly: true,
    origQty: 0.002,
    status: 'FILLED',
    avgPrice: 45_000,
  });
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0);
  const [trade] = await s.h.runtime.repos.trades.listByAccount(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'signal', exitPrice: '45000' });
});

test('case 19: amounts are rounded down to the lot step before sending (BTC 0.001, XRP 0.1)', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const executor = liveExecutor(s.h);

  await deliver(executor, signalFor(accountId, sid('precbtc'), { size: { kind: 'contracts', value: 0.0159 } }));
  await deliver(executor, signalFor(accountId, sid('precxrp'), { symbol: XRP, size: { kind: 'quote', value: 50 } })); // 50 / 0.6 = 83.33…

  const [btc, xrp] = s.fake.orders(apiKey);
  expect(btc).toMatchObject({ symbol: 'BTCUSDT', origQty: 0.015, executedQty: 0.015 });
  expect(xrp).toMatchObject({ symbol: 'XRPUSDT', origQty: 83.3, executedQty: 83.3 });
  expect(onStep(btc?.origQty ?? Number.NaN, 0.001)).toBe(true);
  expect(onStep(xrp?.origQty ?? Number.NaN, 0.1)).toBe(true);
  const amounts = (await s.h.runtime.repos.orders.listByAccount(accountId))
    .map((o) => `${o.symbol} ${o.amount}`)
    .sort();
  expect(amounts).toEqual([`${BTC.unified} 0.015`, `${XRP.unified} 83.3`]);
});

test('case 19: an amount that rounds down to zero is rejected before anything is sent', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('preczero'), { size: { kind: 'contracts', value: 0.0004 } });
  const log = requestsSince(s.fake);

  const result = await deliver(liveExecutor(s.h), signal);

  expect(result.batchItemFailures).toEqual([]);
  expect(await rejectedCode(accountId, signal.signalId)).toBe('BELOW_MIN_AMOUNT');
  expect(orderPosts(log())).toEqual([]);
  expect(s.fake.orders(apiKey)).toEqual([]);
});

test('case 19: the exchange refusing the precision (-1111) is terminal: one request, the order and the signal rejected', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = signalFor(accountId, sid('prec1111'));
  s.fake.fault({
    match: { method: 'POST', path: '/fapi/v1/order' },
    kind: 'error',
    code: -1111,
    msg: 'Precision is over the maximum defined for this asset.',
  });
  const log = requestsSince(s.fake);

  const result = await deliver(liveExecutor(s.h), signal);

  expect(result.batchItemFailures).toEqual([]);
  expect(orderPosts(log())).toEqual([expect.objectContaining({ status: 400 })]);
  expect(s.fake.orders(apiKey)).toEqual([]);
  expect(await rejectedCode(accountId, signal.signalId)).toBe('PRECISION');
  const record = await s.h.runtime.repos.orders.get(accountId, clientOrderIdFor(signal.signalId, 'open'));
  expect(record).toMatchObject({ status: 'rejected', error: expect.stringContaining('-1111') });
});

test('case 23: a reduce-only close of a position closed by hand meanwhile (-2022) is a no-op success once flat is confirmed', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const executor = liveExecutor(s.h);
  await deliver(executor, signalFor(accountId, sid('handopen')));
  const stale = await s.h.runtime.repos.positions.get(accountId, BTC.unified);
  s.fake.setPosition(apiKey, 'BTCUSDT', 0, 0); // closed by hand on the exchange's website
  let reads = 0;
  const staleOnce = liveExecutor(s.h, {
    wrap: (adapter) =>
      override(adapter, {
        // The executor's first read still sees the position (the hand close raced the signal).
        fetchPosition: async (symbol) =>
          reads++ === 0
            ? {
                symbol,
                side: 'long',
                quantity: stale?.quantity ?? '0',
                entryPrice: '65000',
                leverage: 1,
                unrealizedPnl: '0',
              }
            : adapter.fetchPosition(symbol),
      }),
  });
  const signal: Signal = signalFor(accountId, sid('handclose'), { intent: 'close_long' });
  const log = requestsSince(s.fake);

  const result = await deliver(staleOnce, signal);

  expect(result.batchItemFailures).toEqual([]);
  expect(reads).toBe(2); // the stale read, then the confirmation that the position is flat
  expect(orderPosts(log())).toEqual([expect.objectContaining({ status: 400 })]);
  expect(s.fake.orders(apiKey)).toHaveLength(1);
  expect(await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId)).toMatchObject({ status: 'executed' });
  const failed = (await s.h.runtime.repos.audit.listByAccount(accountId)).find((e) => e.type === 'order.failed');
  expect(failed?.data).toMatchObject({ code: 'REDUCE_ONLY_FLAT', exchangeCode: '-2022' });
});

test('case 25: closing a position opened by hand (not in the book) closes it on the exchange, books no phantom position and alerts', async () => {
  const { accountId, apiKey } = await s.newAccount();
  s.fake.setPosition(apiKey, 'BTCUSDT', 0.02, 64_000);

  const signal = signalFor(accountId, sid('closeexternal'), { intent: 'close_long' });
  await deliver(s.h.executor, signal);

  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0);
  const positions = await s.h.runtime.repos.positions.list(accountId);
  expect(positions.filter((p) => p.side !== undefined)).toEqual([]);
  expect(await s.h.runtime.repos.trades.listByAccount(accountId)).toEqual([]);
  const alert = (await s.h.runtime.repos.audit.listByAccount(accountId)).find((e) => e.type === 'alert');
  expect(alert?.message).toContain('closed 0.02 BTC/USDT:USDT that the system had not opened');
  const [close] = await s.h.runtime.repos.orders.listByAccount(accountId);
  expect(close).toMatchObject({ leg: 'close', status: 'filled', filled: '0.02' });
  expect(close?.bookedAt).toBeDefined();
});
