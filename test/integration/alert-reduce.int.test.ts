// An alert's partial exit (TradingView's sell while still long: reduce_long) through the real
// webhook, SQS FIFO and the harness's executor on the paper exchange: the stop rests through the
// fill and is re-sized to what is left (new before old), the targets are trimmed to it, and the
// book's protective refs name exactly the orders resting; a reduce of all of it leaves nothing.
import { DEFAULT_PAPER_SETTINGS, type Account } from '../../shared/core/domain/account';
import type { ExchangeOrder } from '../../shared/core/ports/exchange';
import { createHarness, type Harness } from './harness';

jest.setTimeout(120_000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const BTC = 'BTC/USDT:USDT';
const paperOrders = (accountId: string): Promise<ExchangeOrder[]> =>
  h.runtime.paperExchange({ accountId, settings: { paper: DEFAULT_PAPER_SETTINGS } } as Account).fetchOpenOrders(BTC);
const book = async (accountId: string) => h.runtime.repos.positions.get(accountId, BTC);
const brief = (o: { type?: string; triggerPrice?: string; amount?: string }) =>
  `${o.type ?? ''}@${o.triggerPrice ?? ''}x${o.amount ?? ''}`;

test('an alert reduce of 40 %: one live stop for the 60 % left, targets trimmed to it, the book refs match; then 100 %: nothing rests', async () => {
  const { accountId, token } = await h.createAccount(10_000);
  h.prices.set(BTC, 50_000);
  const alert = (id: string, fields: Record<string, unknown>) =>
    h.post({ token, account: accountId, symbol: 'BTCUSDT.P', id, ...fields });

  // 0.02 BTC long at 50,010 (a fixed size: 10 % of equity sized at that fill would be 0.019): stop
  // 2 % below, targets half at +2 %, the rest at +4 %
  expect((await alert('ar-entry', { action: 'long', size: 0.02, sl: '2%', tp: '2%:50,4%' })).statusCode).toBe(202);
  await h.drain();
  expect((await paperOrders(accountId)).map((o) => brief(o)).sort()).toEqual([
    'stop_market@49009.8x0.02',
    'take_profit_market@51010.2x0.01',
    'take_profit_market@52010.4x0.01',
  ]);
  const before = await book(accountId);

  // TradingView's partial exit: sell 0.008 (40 %), still long afterwards
  expect((await alert('ar-reduce', { action: 'sell', position: 'long', size: 0.008 })).statusCode).toBe(202);
  await h.drain();
  const after = await book(accountId);
  expect(after?.quantity).toBe('0.012');
  const resting = await paperOrders(accountId);
  const stops = resting.filter((o) => o.type === 'stop_market');
  expect(stops.map((o) => brief(o))).toEqual(['stop_market@49009.8x0.012']);
  // the book names that stop, and the nearer target kept its 0.01, the further one holds the 0.002 left
  expect(after?.stopLoss).toMatchObject({ clientOrderId: stops[0]?.clientOrderId, amount: '0.012' });
  expect(after?.stopLoss?.clientOrderId).not.toBe(before?.stopLoss?.clientOrderId);
  const targets = resting.filter((o) => o.type === 'take_profit_market');
  expect(targets.map((o) => brief(o)).sort()).toEqual([
    'take_profit_market@51010.2x0.01',
    'take_profit_market@52010.4x0.002',
  ]);
  expect((after?.takeProfits ?? []).map((t) => `${t.clientOrderId}@${t.triggerPrice}x${t.amount}`).sort()).toEqual(
    targets.map((o) => `${o.clientOrderId}@${o.triggerPrice}x${o.amount}`).sort(),
  );
  expect((await h.runtime.repos.orders.get(accountId, before?.stopLoss?.clientOrderId ?? ''))?.status).toBe('canceled');

  // the rest of it by alert: flat, nothing resting, no refs on the book
  expect((await alert('ar-all', { action: 'sell', position: 'long', size: 0.012 })).statusCode).toBe(202);
  await h.drain();
  expect((await book(accountId))?.side).toBeUndefined();
  expect(await paperOrders(accountId)).toEqual([]);
  expect((await book(accountId))?.stopLoss).toBeUndefined();
  expect((await book(accountId))?.takeProfits ?? []).toEqual([]);
});
