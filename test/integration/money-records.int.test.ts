// Records written before exact money hold numbers in their money fields. The DynamoDB repositories
// read them back as decimal text (converted once, on read), and the book keeps adding to them
// exactly: an old open trade closed by a new fill ends with decimal totals.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { BookKeeper } from '../../shared/core/execution/book-keeper';
import type { OrderRecord } from '../../shared/core/domain/order';
import { tableName } from '../../shared/platform/resource-names';
import { createHarness, MutableClock, type Harness } from './harness';

jest.setTimeout(60_000);

const clock = new MutableClock(Date.UTC(2026, 11, 1));
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ clock });
});

const put = (table: 'trades' | 'orders' | 'risk' | 'positions' | 'accounts', item: Record<string, unknown>) =>
  h.runtime.repos.documentClient.send(new PutCommand({ TableName: tableName(h.stage, table), Item: item }));

test('a trade, an order, a risk state, a snapshot and a paper account stored with numbers read back as decimal text', async () => {
  await put('trades', {
    accountId: 'old-1',
    tradeId: '0000000001000-o1',
    symbol: 'BTC/USDT:USDT',
    side: 'long',
    status: 'closed',
    leverage: 2,
    quantity: '0',
    maxQuantity: '0.1',
    entryPrice: '50000',
    exitPrice: '50100',
    exitedQuantity: '0.1',
    openedAt: 1000,
    closedAt: 2000,
    fees: 5.005,
    funding: -0.1,
    realizedPnl: 5.095,
    roiPct: 0.2038,
    openSignalId: 's1',
    updatedAt: 2000,
  });
  await put('orders', {
    accountId: 'old-1',
    clientOrderId: 'o1',
    signalId: 's1',
    leg: 'open',
    symbol: 'BTC/USDT:USDT',
    side: 'buy',
    type: 'market',
    reduceOnly: false,
    amount: '0.1',
    status: 'filled',
    fee: 2.5,
    createdAt: 1000,
    updatedAt: 1000,
  });
  await put('risk', {
    accountId: 'old-1',
    itemKey: `equity#${String(1500).padStart(13, '0')}`,
    at: 1500,
    equity: 10_000.25,
    free: 9_000.5,
    unrealizedPnl: -0.75,
    openPositions: 1,
    exposure: 5_000,
  });

  const trade = await h.runtime.repos.trades.get('old-1', '0000000001000-o1');
  expect(trade).toMatchObject({ fees: '5.005', funding: '-0.1', realizedPnl: '5.095', roiPct: 0.2038 });
  expect((await h.runtime.repos.trades.listByAccount('old-1'))[0]).toMatchObject({
    fees: '5.005',
    realizedPnl: '5.095',
  });
  expect(await h.runtime.repos.orders.get('old-1', 'o1')).toMatchObject({ fee: '2.5' });
  expect((await h.runtime.repos.orders.listByAccount('old-1'))[0]).toMatchObject({ fee: '2.5' });
  await put('risk', {
    accountId: 'old-1',
    itemKey: 'state',
    day: '2026-11-30',
    dayStartEquity: 10_000,
    peakEquity: 10_500.5,
    lastEquity: 9_999.99,
    switches: {},
    priceSamples: {},
    exchangeCalls: [],
    trailing: {},
    version: 3,
    updatedAt: 1500,
  });
  expect(await h.runtime.repos.risk.getState('old-1')).toMatchObject({
    dayStartEquity: '10000',
    peakEquity: '10500.5',
    lastEquity: '9999.99',
    version: 3,
  });
  await put('accounts', {
    accountId: 'old-1',
    name: 'old',
    exchange: 'paper',
    status: 'active',
    webhookTokenHash: 'x',
    settings: {
      defaultSizePercent: 5,
      defaultLeverage: 1,
      maxLeverage: 5,
      paper: { quoteCurrency: 'USDT', initialBalance: 5_000.5, takerFeeRate: 0.0005, slippageBps: 2 },
    },
    createdAt: 1,
    updatedAt: 1,
  });
  expect((await h.runtime.repos.accounts.get('old-1'))?.settings.paper?.initialBalance).toBe('5000.5');
  const snapshots = await h.runtime.repos.risk.listSnapshots('old-1', 0, 10_000);
  expect(snapshots.map((s) => [s.equity, s.free, s.unrealizedPnl, s.exposure, s.openPositions])).toEqual([
    ['10000.25', '9000.5', '-0.75', '5000', 1],
  ]);
});

test('an old open trade closed by a new fill: exact decimal totals, stored as strings', async () => {
  const accountId = 'old-2';
  const tradeId = '0000000001000-o1';
  // An open long of 0.1 @ 50,000 as the float-era executor stored it (no notionals, number money).
  await put('trades', {
    accountId,
    tradeId,
    symbol: 'BTC/USDT:USDT',
    side: 'long',
    status: 'open',
    leverage: 1,
    quantity: '0.1',
    maxQuantity: '0.1',
    entryPrice: '50000',
    exitedQuantity: '0',
    openedAt: 1000,
    fees: 2.5,
    funding: 0.1,
    realizedPnl: -2.6,
    openSignalId: 's1',
    updatedAt: 1000,
  });
  await put('positions', {
    accountId,
    symbol: 'BTC/USDT:USDT',
    side: 'long',
    quantity: '0.1',
    entryPrice: '50000',
    leverage: 1,
    tradeId,
    openedAt: 1000,
    updatedAt: 1000,
    appliedOrderIds: ['o1'],
    version: 1,
  });
  const { trades, positions, orders, audit } = h.runtime.repos;
  const close: OrderRecord = {
    accountId,
    clientOrderId: 'c1',
    signalId: 's2',
    leg: 'close',
    symbol: 'BTC/USDT:USDT',
    side: 'sell',
    type: 'market',
    reduceOnly: true,
    amount: '0.1',
    status: 'filled',
    createdAt: 2000,
    updatedAt: 2000,
  };
  await orders.putIntent(close);
  await new BookKeeper({ trades, positions, orders, audit, clock }).book(close, {
    clientOrderId: 'c1',
    signalId: 's2',
    side: 'sell',
    quantity: '0.1',
    price: '50000.3',
    fee: '2.500015',
    at: 2000,
    leverage: 1,
  });

  // (50,000.3 − 50,000) × 0.1 = 0.03; realized −2.6 + 0.03 − 2.500015 = −5.070015
  expect(await trades.get(accountId, tradeId)).toMatchObject({
    status: 'closed',
    fees: '5.000015',
    funding: '0.1',
    realizedPnl: '-5.070015',
  });
  const booked = (await audit.listByAccount(accountId)).filter((e) => e.type === 'trade.booked');
  expect(booked.map((e) => e.data)).toEqual([
    { tradeId, cause: 'c1', fee: '2.500015', funding: '0', pricePnl: '0.03', realizedPnl: '-2.470015' },
  ]);
});
