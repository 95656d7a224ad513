// The risk-check job against the fake Binance through the real ccxt adapter: the book follows the
// exchange when a stop fills there, when the owner closes or opens a position by hand in the
// exchange's app, and when a stop disappears; every finding is booked once and audited.
import type { FakeAlgoOrder } from '../../../bin/local/fake-binance';
import { Big } from '../../../shared/core/domain/money';
import type { AuditEvent } from '../../../shared/core/domain/audit';
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import {
  BTC,
  deliver,
  fakeKey,
  liveExecutor,
  protectionOf,
  requestsSince,
  sid,
  signalFor,
  startLiveSuite,
  tradeByHand,
  type LiveSuite,
} from './helpers';

jest.setTimeout(30_000);

let s: LiveSuite;
beforeAll(async () => {
  s = await startLiveSuite();
});
afterAll(() => s.close());
afterEach(() => {
  s.fake.setPrice('BTCUSDT', 65_000);
  s.fake.setPrice('ETHUSDT', 3_500);
});

const ETH = 'ETH/USDT:USDT';
const algos = (apiKey: string) =>
  s.fake.algoOrders(apiKey).map((a: FakeAlgoOrder) => `${a.orderType}@${a.triggerPrice}:${a.algoStatus}`);

/** The risk-check job on one account (the harness's tables hold other tests' accounts too). */
async function riskCheck(accountId: string) {
  const account = await s.h.runtime.repos.accounts.get(accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  return buildRiskCheck(s.h.executorEnv, s.h.runtime, s.h.vault).checkAccount(account);
}

const events = async (accountId: string, type: AuditEvent['type']) =>
  (await s.h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === type);
const trades = (accountId: string) => s.h.runtime.repos.trades.listByAccount(accountId);

/** The fills the fake made for a key, with their price and commission (what the P&L must come from). */
function fills(apiKey: string) {
  return s.fake
    .trades(apiKey)
    .map((t) => ({ side: t.side, qty: Number(t.qty), price: Number(t.price), fee: Number(t.commission) }));
}

test('a stop filled on the exchange closes the trade on the next risk check, with the P&L of the real fills', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await deliver(
    liveExecutor(s.h),
    signalFor(accountId, sid('stopfill'), {
      size: { kind: 'contracts', value: 0.1 },
      sl: { kind: 'percent', value: 2 },
    }),
  );
  expect(algos(apiKey)).toEqual(['STOP_MARKET@63700:NEW']);

  s.fake.setPrice('BTCUSDT', 63_500); // through the stop: the fake triggers it
  const report = await riskCheck(accountId);

  expect(report.protectiveFills).toBe(1);
  expect(report.closedOutside).toBe(0); // a stop of ours, booked as a stop: not a manual close
  const [trade] = await trades(accountId);
  const [entry, exit] = fills(apiKey);
  // P&L = (exit − entry) × 0.1 − both commissions, from the fake's own fills
  const expected = new Big(exit!.price).minus(entry!.price).times(0.1).minus(entry!.fee).minus(exit!.fee);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'stop_loss', exitPrice: String(exit!.price) });
  expect(Number(trade?.realizedPnl)).toBeCloseTo(Number(expected.toString()), 8);
  expect(await s.h.runtime.repos.positions.get(accountId, BTC.unified)).toMatchObject({ quantity: '0' });
});

test('a position closed by hand is detected: the trade closes at the hand fill with its fee, the stop is cancelled, the owner is alerted', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await deliver(
    liveExecutor(s.h),
    signalFor(accountId, sid('handclose'), {
      size: { kind: 'contracts', value: 0.1 },
      sl: { kind: 'percent', value: 2 },
    }),
  );
  s.fake.setPrice('BTCUSDT', 66_000);
  await tradeByHand(s.fake, fakeKey(apiKey), BTC.unified, 'sell', 0.1, { reduceOnly: true });

  const report = await riskCheck(accountId);

  expect(report.closedOutside).toBe(1);
  const [trade] = await trades(accountId);
  const [entry, exit] = fills(apiKey);
  expect(exit?.price).toBe(66_000);
  const expected = new Big(66_000).minus(entry!.price).times(0.1).minus(entry!.fee).minus(exit!.fee);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'manual', exitPrice: '66000' });
  expect(Number(trade?.realizedPnl)).toBeCloseTo(Number(expected.toString()), 8);
  expect(Number(trade?.fees)).toBeCloseTo(entry!.fee + exit!.fee, 8);
  expect(algos(apiKey)).toEqual(['STOP_MARKET@63700:CANCELED']);
  expect((await events(accountId, 'alert')).map((e) => e.message)).toEqual([
    expect.stringMatching(/BTC\/USDT:USDT: closed outside the system.*66000/),
  ]);

  // A second run finds nothing new: booked once, alerted once.
  const again = await riskCheck(accountId);
  expect(again.closedOutside).toBe(0);
  expect(await events(accountId, 'alert')).toHaveLength(1);
});

test('a position the system did not open is recorded as external, counted, and reported once', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await tradeByHand(s.fake, fakeKey(apiKey), ETH, 'buy', 1);

  const report = await riskCheck(accountId);

  expect(report.external).toBe(1);
  expect(await s.h.runtime.repos.positions.get(accountId, ETH)).toMatchObject({
    side: 'long',
    quantity: '1',
    entryPrice: '3500',
    strategy: 'external',
  });
  const alerts = await events(accountId, 'alert');
  expect(alerts.map((e) => e.message)).toEqual([
    expect.stringMatching(/ETH\/USDT:USDT: a long of 1 @ 3500 that the system did not open/),
  ]);
  expect((await riskCheck(accountId)).external).toBe(0);
  expect(await events(accountId, 'alert')).toHaveLength(1);
  // its exposure now counts: the snapshot of the second run carries it
  const snaps = await s.h.runtime.repos.risk.listSnapshots(accountId, 0, Date.now() + 1000);
  expect(snaps.at(-1)).toMatchObject({ openPositions: 1, exposure: '3500' });
});

test('a stop cancelled on the exchange is placed again at the same trigger on the next risk check', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await deliver(
    liveExecutor(s.h),
    signalFor(accountId, sid('rearm'), { size: { kind: 'contracts', value: 0.1 }, sl: { kind: 'percent', value: 2 } }),
  );
  const before = await s.h.runtime.repos.positions.get(accountId, BTC.unified);
  const { exchange } = await protectionOf(s.h, accountId);
  await exchange.cancelOrder(BTC.unified, before?.stopLoss?.clientOrderId ?? '', { conditional: true }); // as the owner would, by hand

  const report = await riskCheck(accountId);

  expect(report.stopsRearmed).toBe(1);
  expect(algos(apiKey)).toEqual(['STOP_MARKET@63700:CANCELED', 'STOP_MARKET@63700:NEW']);
  const after = await s.h.runtime.repos.positions.get(accountId, BTC.unified);
  expect(after?.stopLoss).toMatchObject({ triggerPrice: '63700', amount: '0.1' });
  expect(after?.stopLoss?.clientOrderId).not.toBe(before?.stopLoss?.clientOrderId);
  const log = requestsSince(s.fake);
  expect((await riskCheck(accountId)).stopsRearmed).toBe(0);
  expect(algos(apiKey)).toHaveLength(2);
  // The protective sync reads the resting stop once; the stop guard uses that read, not a second one.
  expect(log().filter((r) => r.method === 'GET' && r.path === '/fapi/v1/algoOrder')).toHaveLength(1);
});

test('the risk check writes an equity snapshot and keeps the day start and peak in the risk state', async () => {
  const { accountId } = await s.newAccount();
  await riskCheck(accountId);
  const state = await s.h.runtime.repos.risk.getState(accountId);
  expect(state).toMatchObject({ dayStartEquity: '10000', peakEquity: '10000', lastEquity: '10000', version: 1 });
  const [snap] = await s.h.runtime.repos.risk.listSnapshots(accountId, 0, Date.now() + 1000);
  expect(snap).toMatchObject({ accountId, equity: '10000', openPositions: 0, exposure: '0' });
});

test('funding paid on an open position is counted once by the risk check and carried into the closed trade', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await deliver(liveExecutor(s.h), signalFor(accountId, sid('funding'), { size: { kind: 'contracts', value: 0.1 } }));
  s.fake.chargeFunding('BTCUSDT', 0.0001); // a long pays 0.01 % of its notional: 0.1 × 65,000 × 0.0001 = 0.65
  const paid = s.fake
    .income(apiKey)
    .filter((r) => r.incomeType === 'FUNDING_FEE')
    .reduce((sum, r) => sum + Number(r.income), 0);
  expect(paid).toBeCloseTo(-0.65, 8);
  const [before] = await trades(accountId);

  expect((await riskCheck(accountId)).fundingBooked).toBe(1);
  const [after] = await trades(accountId);
  expect(Number(after?.funding)).toBeCloseTo(0.65, 8);
  // Exact: the funding is booked as the exchange's decimal, not a float that lands close to it.
  expect(after?.realizedPnl).toBe(new Big(before?.realizedPnl ?? 0).minus('0.65').toString());
  expect((await riskCheck(accountId)).fundingBooked).toBe(0); // counted once

  await deliver(liveExecutor(s.h), signalFor(accountId, sid('fundingclose'), { intent: 'close_long' }));
  const [closed] = await trades(accountId);
  const [entry, exit] = fills(apiKey);
  const expected = new Big(exit!.price).minus(entry!.price).times(0.1).minus(entry!.fee).minus(exit!.fee).minus(0.65);
  expect(closed).toMatchObject({ status: 'closed', funding: '0.65' });
  expect(Number(closed?.realizedPnl)).toBeCloseTo(Number(expected.toString()), 8);
});

test('a stop of ours left resting on a symbol the exchange is flat on is cancelled (the book had lost its reference)', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await deliver(
    liveExecutor(s.h),
    signalFor(accountId, sid('orphan'), { size: { kind: 'contracts', value: 0.1 }, sl: { kind: 'percent', value: 2 } }),
  );
  // A crash between placing the stop and recording it: the book does not know the stop.
  await s.h.runtime.book.setProtection(accountId, BTC.unified, {});
  await tradeByHand(s.fake, fakeKey(apiKey), BTC.unified, 'sell', 0.1, { reduceOnly: true });

  const report = await riskCheck(accountId);

  expect(report.closedOutside).toBe(1);
  expect(report.orphansCanceled).toBe(1);
  expect(algos(apiKey)).toEqual(['STOP_MARKET@63700:CANCELED']);
  const stop = (await s.h.runtime.repos.orders.listByAccount(accountId)).find((o) => o.leg === 'sl');
  expect(stop?.status).toBe('canceled');
  expect((await events(accountId, 'reconcile')).map((e) => e.message)).toEqual(
    expect.arrayContaining([expect.stringMatching(/cancelled sl .*left without a position/)]),
  );
});

test('a second run while another holds the account lease leaves the account alone; it runs once the lease is released', async () => {
  const { accountId } = await s.newAccount();
  const now = Date.now();
  expect(await s.h.runtime.repos.risk.acquireLease(accountId, 'another-run', now + 60_000, now)).toBe(true);
  const job = buildRiskCheck(s.h.executorEnv, s.h.runtime, s.h.vault);

  const busy = await job.run();
  expect(busy.busy).toBeGreaterThanOrEqual(1);
  expect(await s.h.runtime.repos.risk.getState(accountId)).toBeUndefined();

  await s.h.runtime.repos.risk.releaseLease(accountId, 'another-run');
  await job.run();
  expect(await s.h.runtime.repos.risk.getState(accountId)).toMatchObject({ lastEquity: '10000' });
});
