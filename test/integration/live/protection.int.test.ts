// Protective orders on the fake Binance through the real executor and unmodified ccxt: a stop
// and a take-profit ladder sized to what filled (case 16, docs/FAILURE_CASES.md), then ProtectionManager.sync
// after the fake's price crosses them: a first target moves or resizes the stop, a filled stop
// cancels the targets (Binance does not link them) and closes the trade with its P&L.
import type { FakeAlgoOrder } from '../../../bin/local/fake-binance';
import type { BookPosition } from '../../../shared/core/domain/trade';
import type { Signal } from '../../../shared/core/signal/types';
import {
  BTC,
  deliver,
  liveExecutor,
  protectionOf,
  sid,
  signalFor,
  startLiveSuite,
  START_BALANCE,
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

const TAKER = 0.0005;
const ladder: Partial<Signal> = {
  sl: { kind: 'percent', value: 2 },
  tp: { kind: 'percent', value: 2 },
  tpLevels: [
    { level: { kind: 'percent', value: 2 }, sharePct: 50 },
    { level: { kind: 'percent', value: 4 }, sharePct: 50 },
  ],
};

/** The fake's conditional orders of a key, as type@trigger×qty:status, oldest first. */
const algos = (apiKey: string) =>
  s.fake.algoOrders(apiKey).map((a: FakeAlgoOrder) => `${a.orderType}@${a.triggerPrice}x${a.quantity}:${a.algoStatus}`);

async function bookPosition(accountId: string): Promise<BookPosition> {
  return (await s.h.runtime.repos.positions.get(accountId, BTC.unified)) as BookPosition;
}

async function syncProtection(accountId: string) {
  const { exchange, market, protection } = await protectionOf(s.h, accountId);
  return protection.sync(exchange, await bookPosition(accountId), market);
}

test('case 16: a partial fill books the filled amount and average; the stop and both targets are sized to it (reduce-only)', async () => {
  const { accountId, apiKey } = await s.newAccount();
  s.fake.fault({ match: { method: 'POST', path: '/fapi/v1/order' }, kind: 'partial-fill', fraction: 0.5 });

  const result = await deliver(
    liveExecutor(s.h),
    signalFor(accountId, sid('partialladder'), { ...ladder, signalPrice: 64_980 }),
  );

  expect(result.batchItemFailures).toEqual([]);
  // asked 0.015; half fills (0.0075 → 0.007 on the step), the rest expires
  expect(s.fake.orders(apiKey)).toEqual([
    expect.objectContaining({ origQty: 0.015, executedQty: 0.007, status: 'EXPIRED' }),
  ]);
  const entry = (await s.h.runtime.repos.orders.listByAccount(accountId)).find((o) => o.leg === 'open');
  expect(entry).toMatchObject({
    status: 'partially_filled',
    amount: '0.015',
    filled: '0.007',
    averagePrice: '65000',
    signalPrice: 64_980,
  });
  expect(await bookPosition(accountId)).toMatchObject({ side: 'long', quantity: '0.007', entryPrice: '65000' });
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0.007);

  // SL = the filled amount; TP1 = 50 % rounded down to the step, TP2 = the remainder
  expect(algos(apiKey)).toEqual([
    'STOP_MARKET@63700x0.007:NEW',
    'TAKE_PROFIT_MARKET@66300x0.003:NEW',
    'TAKE_PROFIT_MARKET@67600x0.004:NEW',
  ]);
  expect(s.fake.algoOrders(apiKey).every((a) => a.reduceOnly && a.side === 'SELL' && !a.closePosition)).toBe(true);
  const position = await bookPosition(accountId);
  expect(position.stopLoss).toMatchObject({ triggerPrice: '63700', amount: '0.007' });
  expect(position.takeProfits?.map((t) => `${t.triggerPrice}x${t.amount}`)).toEqual(['66300x0.003', '67600x0.004']);
});

test('the first target filling with breakeven (via the webhook ladder) moves the stop to the entry price for the remainder; the second target stays', async () => {
  const { accountId, apiKey, token } = await s.newAccount();
  expect(
    (
      await s.h.post({
        token,
        account: accountId,
        action: 'long',
        symbol: 'BTCUSDT.P',
        sl: '2%',
        tp: '2%:50,4%:50',
        breakeven: 'true',
        id: 'ladder-be-1',
      })
    ).statusCode,
  ).toBe(202);
  await s.h.drain();
  expect(algos(apiKey)).toEqual([
    'STOP_MARKET@63700x0.015:NEW',
    'TAKE_PROFIT_MARKET@66300x0.007:NEW',
    'TAKE_PROFIT_MARKET@67600x0.008:NEW',
  ]);
  const before = await bookPosition(accountId);

  s.fake.setPrice('BTCUSDT', 66_300); // through TP1: the fake sells 0.007 at 66,300
  const report = await syncProtection(accountId);

  expect(report).toEqual({ fills: 1, canceled: 1, stopMoved: true });
  expect(algos(apiKey)).toEqual([
    'STOP_MARKET@63700x0.015:CANCELED',
    'TAKE_PROFIT_MARKET@66300x0.007:FINISHED',
    'TAKE_PROFIT_MARKET@67600x0.008:NEW',
    'STOP_MARKET@65000x0.008:NEW',
  ]);
  const after = await bookPosition(accountId);
  expect(after).toMatchObject({ side: 'long', quantity: '0.008' });
  expect(after.stopLoss).toMatchObject({ triggerPrice: '65000', amount: '0.008' });
  expect(after.takeProfits).toEqual([before.takeProfits?.[1]]);
  expect(after.breakEven).toBeUndefined();
  const [trade] = await s.h.runtime.repos.trades.listByAccount(accountId);
  expect(trade).toMatchObject({ status: 'open', quantity: '0.008', exitedQuantity: '0.007' });
  expect(await s.h.runtime.repos.orders.get(accountId, before.stopLoss?.clientOrderId ?? '')).toMatchObject({
    status: 'canceled',
  });

  s.fake.setPrice('BTCUSDT', 67_600); // through TP2: flat; the moved stop is cancelled
  expect(await syncProtection(accountId)).toEqual({ fills: 1, canceled: 1, stopMoved: false });
  expect(algos(apiKey).slice(2)).toEqual([
    'TAKE_PROFIT_MARKET@67600x0.008:FINISHED',
    'STOP_MARKET@65000x0.008:CANCELED',
  ]);
  const [closed] = await s.h.runtime.repos.trades.listByAccount(accountId);
  expect(closed).toMatchObject({ status: 'closed', exitReason: 'take_profit', quantity: '0', exitedQuantity: '0.015' });
  expect(Number(closed?.realizedPnl)).toBeCloseTo(s.fake.walletBalance(apiKey) - START_BALANCE, 8);
});

test('the first target filling without breakeven keeps the stop at its price, resized to the remainder', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await deliver(liveExecutor(s.h), signalFor(accountId, sid('ladderplain'), ladder));

  s.fake.setPrice('BTCUSDT', 66_400);
  const report = await syncProtection(accountId);

  expect(report).toEqual({ fills: 1, canceled: 1, stopMoved: false });
  expect(algos(apiKey)).toEqual([
    'STOP_MARKET@63700x0.015:CANCELED',
    'TAKE_PROFIT_MARKET@66300x0.007:FINISHED',
    'TAKE_PROFIT_MARKET@67600x0.008:NEW',
    'STOP_MARKET@63700x0.008:NEW',
  ]);
  expect((await bookPosition(accountId)).stopLoss).toMatchObject({ triggerPrice: '63700', amount: '0.008' });
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0.008);
});

test('the stop filling cancels both targets on the exchange; the trade closes as stop_loss with its P&L and fees', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await deliver(liveExecutor(s.h), signalFor(accountId, sid('stopfills'), ladder));

  s.fake.setPrice('BTCUSDT', 63_000); // through the stop at 63,700: the fake sells 0.015 at 63,000
  expect(algos(apiKey).filter((a) => a.endsWith(':NEW'))).toHaveLength(2); // the fake leaves the targets resting
  const report = await syncProtection(accountId);

  expect(report).toEqual({ fills: 1, canceled: 2, stopMoved: false });
  expect(algos(apiKey)).toEqual([
    'STOP_MARKET@63700x0.015:FINISHED',
    'TAKE_PROFIT_MARKET@66300x0.007:CANCELED',
    'TAKE_PROFIT_MARKET@67600x0.008:CANCELED',
  ]);
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0);
  const position = await bookPosition(accountId);
  expect(position).toMatchObject({ quantity: '0' });
  expect(position.stopLoss).toBeUndefined();
  expect(position.takeProfits).toBeUndefined();
  const [trade] = await s.h.runtime.repos.trades.listByAccount(accountId);
  const fees = 0.015 * 65_000 * TAKER + 0.015 * 63_000 * TAKER;
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'stop_loss', exitPrice: '63000', entryPrice: '65000' });
  expect(Number(trade?.fees)).toBeCloseTo(fees, 8);
  expect(Number(trade?.realizedPnl)).toBeCloseTo((63_000 - 65_000) * 0.015 - fees, 8);
  // the book agrees with the exchange's wallet to the cent
  expect(Number(trade?.realizedPnl)).toBeCloseTo(s.fake.walletBalance(apiKey) - START_BALANCE, 8);
  const legs = (await s.h.runtime.repos.orders.listByAccount(accountId)).map((o) => `${o.leg}:${o.status}`).sort();
  expect(legs).toEqual(['open:filled', 'sl:filled', 'tp2:canceled', 'tp:canceled']);
});
