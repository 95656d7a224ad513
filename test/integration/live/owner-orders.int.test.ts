// The owner's orders on the fake Binance USDⓈ-M through the real queue, the harness's executor
// (buildExecuteSignal, unmodified ccxt) and the conditional-order calls the protection already uses
// (docs/EXCHANGES.md): move-stop places the new STOP_MARKET before it cancels the old one, so the
// exchange holds exactly one live stop at the new price; move-target, reduce (stop re-sized), a
// refused cancel of the protecting stop, and close of the symbol.
import type { FakeAlgoOrder } from '../../../bin/local/fake-binance';
import { SqsSignalQueue } from '../../../shared/adapters/sqs/signal-queue';
import type { Actor } from '../../../shared/core/control/operator-action-types';
import { OwnerActions } from '../../../shared/core/control/operator-actions';
import { BTC, deliver, liveExecutor, sid, signalFor, startLiveSuite, type LiveSuite } from './helpers';

jest.setTimeout(180_000);

let s: LiveSuite;
let actions: OwnerActions;
const owner = (): Actor => ({ userId: 'u-it', tenantId: 'acc', role: 'owner', authTime: Date.now(), via: 'cli' });

beforeAll(async () => {
  s = await startLiveSuite();
  const { accounts, positions, orders, risk, audit, signals } = s.h.runtime.repos;
  actions = new OwnerActions({
    accounts,
    positions,
    orders,
    risk,
    audit,
    clock: { now: () => Date.now() },
    ledger: signals,
    queue: new SqsSignalQueue(s.h.sqs, s.h.queueUrl),
  });
});
afterAll(() => s.close());

/** The fake's conditional orders of a key, as type@trigger×qty:status, oldest first. */
const algos = (apiKey: string) =>
  s.fake.algoOrders(apiKey).map((a: FakeAlgoOrder) => `${a.orderType}@${a.triggerPrice}x${a.quantity}:${a.algoStatus}`);
const live = (apiKey: string) => algos(apiKey).filter((a) => a.endsWith(':NEW'));
const book = async (accountId: string) => s.h.runtime.repos.positions.get(accountId, BTC.unified);
const outcome = async (accountId: string, signalId: string | undefined) =>
  s.h.runtime.repos.signals.getSignal(accountId, signalId ?? '');

test('move-stop, move-target, reduce, a refused cancel of the stop, and close on Binance', async () => {
  s.fake.setPrice('BTCUSDT', 65_000);
  const { accountId, apiKey } = await s.newAccount();
  const entry = await deliver(
    liveExecutor(s.h),
    signalFor(accountId, sid('ownerentry'), { sl: { kind: 'percent', value: 2 }, tp: { kind: 'percent', value: 4 } }),
  );
  expect(entry.batchItemFailures).toEqual([]);
  expect(live(apiKey)).toEqual(['STOP_MARKET@63700x0.015:NEW', 'TAKE_PROFIT_MARKET@67600x0.015:NEW']);

  const moved = await actions.run('move-stop', { account: accountId, symbol: 'BTCUSDT', price: '64000' }, owner());
  await s.h.drain();
  expect((await outcome(accountId, moved.signalIds?.[0]))?.status).toBe('executed');
  expect(algos(apiKey)).toEqual([
    'STOP_MARKET@63700x0.015:CANCELED',
    'TAKE_PROFIT_MARKET@67600x0.015:NEW',
    'STOP_MARKET@64000x0.015:NEW',
  ]);
  expect((await book(accountId))?.stopLoss).toMatchObject({ triggerPrice: '64000', amount: '0.015' });

  const target = await actions.run('move-target', { account: accountId, symbol: 'BTCUSDT', price: '68000' }, owner());
  await s.h.drain();
  expect((await outcome(accountId, target.signalIds?.[0]))?.status).toBe('executed');
  expect(live(apiKey)).toEqual(['STOP_MARKET@64000x0.015:NEW', 'TAKE_PROFIT_MARKET@68000x0.015:NEW']);

  const reduced = await actions.run('reduce', { account: accountId, symbol: 'BTCUSDT', percent: 40 }, owner());
  await s.h.drain();
  expect((await outcome(accountId, reduced.signalIds?.[0]))?.status).toBe('executed');
  expect((await book(accountId))?.quantity).toBe('0.009'); // 40 % of 0.015 = 0.006 sold
  const stopsNow = live(apiKey).filter((a) => a.startsWith('STOP_MARKET'));
  expect(stopsNow).toEqual(['STOP_MARKET@64000x0.009:NEW']);

  const stopId = (await book(accountId))?.stopLoss?.clientOrderId as string;
  const refused = await actions.run('cancel-order', { account: accountId, clientOrderId: stopId }, owner());
  await s.h.drain();
  expect((await outcome(accountId, refused.signalIds?.[0]))?.outcome).toContain('STOP_PROTECTS_POSITION');
  expect(live(apiKey).filter((a) => a.startsWith('STOP_MARKET'))).toEqual(['STOP_MARKET@64000x0.009:NEW']);

  await actions.run('close', { account: accountId, symbol: 'BTCUSDT' }, owner());
  await s.h.drain();
  expect((await book(accountId))?.side).toBeUndefined();
  expect(live(apiKey)).toEqual([]);
});
