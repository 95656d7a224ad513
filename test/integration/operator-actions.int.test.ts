// The owner's actions end to end on the stand-ins: OwnerActions queues owner signals on the real
// SQS FIFO queue, the real executor (buildExecuteSignal) runs them against the paper exchange, and
// the book, the order table and the exchange's own open orders say what happened. The position is
// never seen without its stop: exactly one live stop after a move, a reduce and a refused cancel.
import { randomBytes } from 'node:crypto';
import { SqsSignalQueue } from '../../shared/adapters/sqs/signal-queue';
import { DEFAULT_PAPER_SETTINGS, type Account } from '../../shared/core/domain/account';
import type { Actor } from '../../shared/core/control/operator-action-types';
import { OwnerActions } from '../../shared/core/control/operator-actions';
import type { ExchangeOrder } from '../../shared/core/ports/exchange';
import type { Signal } from '../../shared/core/signal/types';
import { createHarness, type Harness } from './harness';

jest.setTimeout(120_000);

let h: Harness;
let actions: OwnerActions;
const owner = (): Actor => ({ userId: 'u-it', tenantId: 'acc', role: 'owner', authTime: Date.now(), via: 'cli' });

beforeAll(async () => {
  h = await createHarness();
  const { accounts, positions, orders, risk, audit, signals } = h.runtime.repos;
  actions = new OwnerActions({
    accounts,
    positions,
    orders,
    risk,
    audit,
    clock: { now: () => Date.now() },
    ledger: signals,
    queue: new SqsSignalQueue(h.sqs, h.queueUrl),
  });
});

const BTC = 'BTC/USDT:USDT';

/**
 * An open long of 0.02 BTC at 50,010 with its stop at 49,009.8 and its target at 52,010.4. The size
 * is fixed (contracts): 10 % of equity sized at the fill 50,010 would be 0.019.
 */
async function protectedLong(): Promise<string> {
  const { accountId } = await h.createAccount(10_000);
  h.prices.set(BTC, 50_000);
  const signal: Signal = {
    v: 1,
    signalId: `s${randomBytes(15).toString('hex')}`,
    accountId,
    intent: 'enter_long',
    symbol: { unified: BTC, base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
    size: { kind: 'contracts', value: 0.02 },
    sl: { kind: 'percent', value: 2 },
    tp: { kind: 'percent', value: 4 },
    receivedAt: Date.now(),
    source: 'webhook',
  };
  // The entry goes through the same queue the owner's signals use, on the account#symbol lane.
  await new SqsSignalQueue(h.sqs, h.queueUrl).send(signal, `${accountId}#BTCUSDT`, signal.signalId);
  await h.drain();
  return accountId;
}

const paperOrders = (accountId: string): Promise<ExchangeOrder[]> =>
  h.runtime.paperExchange({ accountId, settings: { paper: DEFAULT_PAPER_SETTINGS } } as Account).fetchOpenOrders(BTC);
const stops = async (accountId: string) => (await paperOrders(accountId)).filter((o) => o.type === 'stop_market');
const targets = async (accountId: string) =>
  (await paperOrders(accountId)).filter((o) => o.type === 'take_profit_market');
const book = async (accountId: string) => h.runtime.repos.positions.get(accountId, BTC);
const outcome = async (accountId: string, signalId: string | undefined) =>
  (await h.runtime.repos.signals.getSignal(accountId, signalId ?? ''))?.status;

test('move-stop: exactly one live stop, at the new price, and the book refers to it; the old one is cancelled', async () => {
  const accountId = await protectedLong();
  const before = await book(accountId);
  expect(before?.stopLoss?.triggerPrice).toBe('49009.8');

  const result = await actions.run('move-stop', { account: accountId, symbol: 'BTCUSDT', price: '49500' }, owner());
  expect(result.status).toBe(202);
  await h.drain();

  expect(await outcome(accountId, result.signalIds?.[0])).toBe('executed');
  const live = await stops(accountId);
  expect(live).toHaveLength(1);
  expect(live[0]).toMatchObject({ triggerPrice: '49500', amount: '0.02', reduceOnly: true });
  const after = await book(accountId);
  expect(after?.stopLoss).toMatchObject({ clientOrderId: live[0]?.clientOrderId, triggerPrice: '49500' });
  expect(after?.takeProfits).toEqual(before?.takeProfits);
  const old = await h.runtime.repos.orders.get(accountId, before?.stopLoss?.clientOrderId ?? '');
  expect(old?.status).toBe('canceled');

  // a stop above the price of a long is refused by the executor; the stop in place stays
  const wrong = await actions.run('move-stop', { account: accountId, symbol: 'BTCUSDT', price: '51000' }, owner());
  await h.drain();
  expect(await outcome(accountId, wrong.signalIds?.[0])).toBe('rejected');
  expect((await stops(accountId)).map((o) => o.triggerPrice)).toEqual(['49500']);

  // the moved stop protects: a price through it closes the trade at the stop
  h.prices.set(BTC, 49_400);
  await h.settle.run();
  const [trade] = await h.runtime.repos.trades.listByAccount(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'stop_loss' });
  expect(await paperOrders(accountId)).toEqual([]);
});

test('move-target, reduce, cancel-order and close, each through the lane', async () => {
  const accountId = await protectedLong();

  const moved = await actions.run('move-target', { account: accountId, symbol: BTC, price: 53000 }, owner());
  await h.drain();
  expect(await outcome(accountId, moved.signalIds?.[0])).toBe('executed');
  expect((await targets(accountId)).map((o) => o.triggerPrice)).toEqual(['53000']);
  expect((await book(accountId))?.takeProfits?.map((t) => t.triggerPrice)).toEqual(['53000']);

  // reduce by half: 0.01 left, its stop re-sized to 0.01 (placed before the old one went)
  const reduced = await actions.run('reduce', { account: accountId, symbol: 'BTCUSDT.P', percent: 50 }, owner());
  await h.drain();
  expect(await outcome(accountId, reduced.signalIds?.[0])).toBe('executed');
  expect((await book(accountId))?.quantity).toBe('0.01');
  const resized = await stops(accountId);
  expect(resized).toHaveLength(1);
  expect(resized[0]).toMatchObject({ amount: '0.01', triggerPrice: '49009.8' });
  expect((await book(accountId))?.stopLoss?.clientOrderId).toBe(resized[0]?.clientOrderId);

  // cancelling the stop of the open position is refused without force; the stop stays
  const stopId = resized[0]?.clientOrderId as string;
  const refused = await actions.run('cancel-order', { account: accountId, clientOrderId: stopId }, owner());
  await h.drain();
  expect(await outcome(accountId, refused.signalIds?.[0])).toBe('rejected');
  expect((await h.runtime.repos.signals.getSignal(accountId, refused.signalIds?.[0] ?? ''))?.outcome).toContain(
    'STOP_PROTECTS_POSITION',
  );
  expect((await stops(accountId)).map((o) => o.clientOrderId)).toEqual([stopId]);

  // the target can go
  const targetId = (await book(accountId))?.takeProfits?.[0]?.clientOrderId as string;
  await actions.run('cancel-order', { account: accountId, clientOrderId: targetId }, owner());
  await h.drain();
  expect(await targets(accountId)).toEqual([]);
  expect((await book(accountId))?.takeProfits ?? []).toEqual([]);
  expect((await h.runtime.repos.orders.get(accountId, targetId))?.status).toBe('canceled');
  expect((await book(accountId))?.stopLoss?.clientOrderId).toBe(stopId);

  // close the symbol: flat, nothing left resting
  await actions.run('close', { account: accountId, symbol: 'BTCUSDT' }, owner());
  await h.drain();
  expect((await book(accountId))?.side).toBeUndefined();
  expect(await paperOrders(accountId)).toEqual([]);
  const events = await h.runtime.repos.audit.listByAccount(accountId, 100);
  expect(events.filter((e) => e.type === 'account.control').map((e) => e.data?.action)).toEqual(
    expect.arrayContaining(['move-target', 'reduce', 'cancel-order', 'close']),
  );
});

test('rename and soft delete on the DynamoDB table: the name changes; deleted, the webhook refuses the old token', async () => {
  const { accountId, token } = await h.createAccount(1_000);
  await actions.run('rename', { account: accountId, name: 'swing-2' }, owner());
  expect((await h.runtime.repos.accounts.get(accountId))?.name).toBe('swing-2');

  await actions.run('pause', { account: accountId }, owner());
  await actions.run('delete', { account: accountId }, owner());
  const stored = await h.runtime.repos.accounts.get(accountId);
  expect(stored).toMatchObject({ name: 'swing-2', status: 'disabled', webhookTokenHash: '' });
  expect(stored?.deletedAt).toEqual(expect.any(Number));
  const alert = await h.post({ token, account: accountId, action: 'long', symbol: 'BTCUSDT.P', id: 'after-delete' });
  expect(alert.statusCode).toBe(401);
});
