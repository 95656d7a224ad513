// An entry with both a stop-loss and a trailing stop on a paper account, as `npm start` runs it:
// webhook → SQS FIFO → executor → DynamoDB on the stand-ins, the risk-check job moving the
// emulated trail (paper has no native trailing stop), then a close. The book keeps both refs; the
// risk-check job moves the trail in its own slot and leaves the fixed stop; the close leaves no
// protective order open, on the paper exchange or in the order records.
import { DEFAULT_PAPER_SETTINGS, type Account } from '../../../shared/core/domain/account';
import { isConditional } from '../../../shared/core/domain/order';
import type { BookPosition } from '../../../shared/core/domain/trade';
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { createHarness, type Harness } from '../harness';

jest.setTimeout(60_000);

const BTC = 'BTC/USDT:USDT';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
beforeEach(() => {
  h.prices.set(BTC, 50_000);
});

const book = async (accountId: string) => (await h.runtime.repos.positions.get(accountId, BTC)) as BookPosition;
const paperOf = (accountId: string) =>
  h.runtime.paperExchange({ accountId, settings: { paper: DEFAULT_PAPER_SETTINGS } } as Account);
async function riskCheck(accountId: string) {
  const account = await h.runtime.repos.accounts.get(accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  return buildRiskCheck(h.executorEnv, h.runtime, h.vault).checkAccount(account);
}

test('paper: sl + trail booked apart, the trail moved in its slot by the risk-check job, nothing left open after the close', async () => {
  const { accountId, token } = await h.createAccount(10_000);
  const post = (id: string, fields: Record<string, unknown>) =>
    h.post({ token, account: accountId, symbol: 'BTCUSDT.P', id, ...fields });

  expect((await post('pt-entry', { action: 'long', sl: '2%', trail: '1%' })).statusCode).toBe(202);
  await h.drain();
  const armed = await book(accountId);
  // filled at 50,010 (2 bps slippage): the stop 2 % under it, the emulated trail 1 % under it; the
  // default 10 % of 10,000 sized at that fill with the taker fee within it: 0.019 BTC (docs/METRICS.md)
  expect(armed.stopLoss).toMatchObject({ triggerPrice: '49009.8', amount: '0.019' });
  expect(armed.stopLoss?.trailingPercent).toBeUndefined();
  expect(armed.trailingStop).toMatchObject({
    triggerPrice: '49509.9',
    amount: '0.019',
    trailingPercent: 1,
    emulatedTrail: true,
  });
  const resting = async () =>
    (await paperOf(accountId).fetchOpenOrders(BTC)).map((o) => `${o.clientOrderId}@${o.triggerPrice}`).sort();
  expect(await resting()).toEqual(
    [
      `${armed.stopLoss?.clientOrderId}@${armed.stopLoss?.triggerPrice}`,
      `${armed.trailingStop?.clientOrderId}@${armed.trailingStop?.triggerPrice}`,
    ].sort(),
  );

  h.prices.set(BTC, 52_000);
  expect((await riskCheck(accountId)).trailingMoved).toBe(1);
  const trailed = await book(accountId);
  expect(trailed.trailingStop).toMatchObject({ triggerPrice: '51480', trailingPercent: 1, emulatedTrail: true }); // 52,000 × 0.99
  expect(trailed.stopLoss).toEqual(armed.stopLoss);
  expect(await resting()).toEqual(
    [
      `${trailed.stopLoss?.clientOrderId}@${trailed.stopLoss?.triggerPrice}`,
      `${trailed.trailingStop?.clientOrderId}@51480`,
    ].sort(),
  );

  expect((await post('pt-close', { action: 'close_long' })).statusCode).toBe(202);
  await h.drain();
  const closed = await book(accountId);
  expect(closed.side).toBeUndefined();
  expect(closed.stopLoss).toBeUndefined();
  expect(closed.trailingStop).toBeUndefined();
  expect(await paperOf(accountId).fetchOpenOrders(BTC)).toEqual([]);
  const protective = (await h.runtime.repos.orders.listByAccount(accountId)).filter((o) => isConditional(o.type));
  expect(protective.map((o) => `${o.leg}:${o.status}`).sort()).toEqual([
    'sl:canceled',
    'trail-514800:canceled', // the moved trail: 51,480 in ticks of 0.1
    'trail:canceled',
  ]);
});

test('paper: a trail cancelled on the exchange beside a resting stop is placed again in its slot by the risk-check job', async () => {
  const { accountId, token } = await h.createAccount(10_000);
  expect(
    (
      await h.post({
        token,
        account: accountId,
        symbol: 'BTCUSDT.P',
        id: 'pr-entry',
        action: 'long',
        sl: '2%',
        trail: '1%',
      })
    ).statusCode,
  ).toBe(202);
  await h.drain();
  const armed = await book(accountId);
  await paperOf(accountId).cancelOrder(BTC, armed.trailingStop?.clientOrderId as string); // by hand

  expect((await riskCheck(accountId)).stopsRearmed).toBe(1);

  const after = await book(accountId);
  expect(after.stopLoss).toEqual(armed.stopLoss);
  expect(after.trailingStop).toMatchObject({ triggerPrice: '49509.9', trailingPercent: 1, emulatedTrail: true });
  expect(after.trailingStop?.clientOrderId).not.toBe(armed.trailingStop?.clientOrderId);
  const resting = (await paperOf(accountId).fetchOpenOrders(BTC)).map((o) => o.clientOrderId).sort();
  expect(resting).toEqual([after.stopLoss?.clientOrderId, after.trailingStop?.clientOrderId].sort());
  const events = await h.runtime.repos.audit.listByAccount(accountId);
  expect(events.filter((e) => e.type === 'reconcile').map((e) => e.message)).toContain(
    'BTC/USDT:USDT: the trailing stop 49509.9 was missing on the exchange; placed again',
  );
});
