// SettlePaperTriggers: fills reported by a paper exchange's trigger check are booked like any fill;
// an order the system did not place is reported, not booked (case 25).
import type { Account } from '../../../../shared/core/domain/account';
import type { OrderRecord } from '../../../../shared/core/domain/order';
import type { ExchangeOrder } from '../../../../shared/core/ports/exchange';
import { BookKeeper } from '../../../../shared/core/execution/book-keeper';
import { SettlePaperTriggers } from '../../../../shared/core/execution/settle-paper-triggers';
import { MemoryAudit, MemoryOrders, MemoryPositions, MemoryTrades } from '../memory-repos';

const account = { accountId: 'acc-1', exchange: 'paper', status: 'paused' } as Account;
const live = { accountId: 'acc-2', exchange: 'binanceusdm', status: 'active' } as Account;
const clock = { now: () => 1_000 };

const order = (over: Partial<OrderRecord>): OrderRecord => ({
  accountId: 'acc-1',
  clientOrderId: 'x',
  signalId: 's1',
  leg: 'open',
  symbol: 'BTC/USDT:USDT',
  side: 'buy',
  type: 'market',
  reduceOnly: false,
  amount: '0.1',
  status: 'filled',
  leverage: 2,
  createdAt: 1,
  updatedAt: 1,
  ...over,
});
const fill = (over: Partial<ExchangeOrder>): ExchangeOrder => ({
  id: 'p1',
  clientOrderId: 'sl-1',
  symbol: 'BTC/USDT:USDT',
  side: 'sell',
  type: 'stop_market',
  status: 'closed',
  amount: '0.1',
  filled: '0.1',
  average: '49000',
  reduceOnly: true,
  fee: '2.45',
  feeCurrency: 'USDT',
  timestamp: 900,
  ...over,
});

async function setup(filled: ExchangeOrder[]) {
  const orders = new MemoryOrders();
  const positions = new MemoryPositions();
  const trades = new MemoryTrades();
  const audit = new MemoryAudit();
  const book = new BookKeeper({ positions, trades, orders, audit, clock });
  // an open long of 0.1 @ 50,000 with a stop and a target resting
  await orders.putIntent(order({ clientOrderId: 'open-1' }));
  await book.book(order({ clientOrderId: 'open-1' }), {
    clientOrderId: 'open-1',
    signalId: 's1',
    side: 'buy',
    quantity: '0.1',
    price: '50000',
    fee: '2.5',
    at: 100,
    leverage: 2,
  });
  await orders.putIntent(
    order({
      clientOrderId: 'sl-1',
      leg: 'sl',
      side: 'sell',
      type: 'stop_market',
      reduceOnly: true,
      triggerPrice: '49000',
      status: 'open',
    }),
  );
  await orders.putIntent(
    order({
      clientOrderId: 'tp-1',
      leg: 'tp',
      side: 'sell',
      type: 'take_profit_market',
      reduceOnly: true,
      triggerPrice: '52000',
      status: 'open',
    }),
  );
  await book.setProtection('acc-1', 'BTC/USDT:USDT', {
    stopLoss: { clientOrderId: 'sl-1', triggerPrice: '49000' },
    takeProfits: [{ clientOrderId: 'tp-1', triggerPrice: '52000' }],
  });
  const processPrice = jest.fn(async () => filled);
  const useCase = new SettlePaperTriggers({
    accounts: { list: async () => [account, live] },
    triggersFor: () => ({ processPrice }),
    orders,
    book,
    audit,
    clock,
  });
  return { useCase, orders, positions, trades, audit, processPrice };
}

test('a triggered stop closes the trade with exit reason, P&L and fees, and marks the sibling take-profit canceled', async () => {
  const { useCase, orders, trades, positions, processPrice } = await setup([fill({})]);

  const report = await useCase.run();

  expect(report).toEqual({ accounts: 1, fills: 1, foreign: 0 }); // the live account is not a paper one
  expect(processPrice).toHaveBeenCalledTimes(1);
  const [trade] = [...trades.rows.values()];
  // (49,000 − 50,000) × 0.1 − 2.5 − 2.45 = −104.95; ROI on 50,000 × 0.1 / 2 = 2,500 margin
  expect(trade).toMatchObject({
    status: 'closed',
    exitReason: 'stop_loss',
    exitPrice: '49000',
    realizedPnl: '-104.95',
    fees: '4.95',
    roiPct: -4.198,
  });
  expect((await orders.get('acc-1', 'sl-1'))?.status).toBe('filled');
  expect((await orders.get('acc-1', 'tp-1'))?.status).toBe('canceled');
  expect(await positions.get('acc-1', 'BTC/USDT:USDT')).toMatchObject({ quantity: '0' });
});

test('an order the system did not place is reported and not booked (case 25)', async () => {
  const { useCase, trades, audit } = await setup([fill({ clientOrderId: 'manual-order' })]);

  const report = await useCase.run();

  expect(report).toEqual({ accounts: 1, fills: 0, foreign: 1 });
  expect([...trades.rows.values()][0]?.status).toBe('open');
  expect(audit.events.at(-1)).toMatchObject({
    type: 'protective.triggered',
    message: expect.stringContaining('not placed by this system'),
  });
});

test('running twice on the same fill books it once', async () => {
  const { useCase, trades } = await setup([fill({})]);

  await useCase.run();
  await useCase.run();

  expect([...trades.rows.values()][0]?.realizedPnl).toBe('-104.95');
});
