// What the watcher follows: open positions of every account the risk check checks (not a banned
// one) and paper accounts' resting orders, grouped by the accounts' exchange; read again after the
// refresh interval or when told; a failed read keeps the last set.
import { MemoryLedgerStore } from '../../../../shared/adapters/paper/memory-ledger-store';
import type { BookPosition } from '../../../../shared/core/domain/trade';
import { WatchList } from '../../../../shared/core/watcher/watch-list';
import { ManualClock } from '../fakes';
import { MemoryAccounts, MemoryPositions } from '../memory-repos';
import { accountRecord } from '../risk/fixtures';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const XRP = 'XRP/USDT:USDT';

const open = (accountId: string, symbol: string): BookPosition => ({
  accountId,
  symbol,
  side: 'long',
  quantity: '1',
  entryPrice: '10',
  leverage: 1,
  tradeId: `t-${accountId}-${symbol}`,
  updatedAt: 0,
  appliedOrderIds: [],
  version: 0,
});

test('positions and resting paper orders per exchange; banned accounts left out; refreshed when told', async () => {
  const clock = new ManualClock();
  const accounts = new MemoryAccounts();
  const positions = new MemoryPositions();
  const ledger = new MemoryLedgerStore();
  await accounts.create(accountRecord({ accountId: 'paper-1' }));
  await accounts.create(
    accountRecord({ accountId: 'bybit-1', exchange: 'bybit', credentials: { blob: 'x' } as never }),
  );
  await accounts.create(
    accountRecord({
      accountId: 'banned',
      exchange: 'bybit',
      credentials: { blob: 'x' } as never,
      haltedUntil: clock.now() + 60_000,
    }),
  );
  await positions.save(open('paper-1', BTC), 0);
  await positions.save(open('bybit-1', ETH), 0);
  await positions.save(open('banned', XRP), 0);
  await positions.save({ ...open('paper-1', XRP), side: undefined, quantity: '0' }, 0); // flat: not watched
  await ledger.putOrder({
    accountId: 'paper-1',
    clientOrderId: 'tp-1',
    symbol: ETH,
    side: 'sell',
    type: 'take_profit_market',
    amount: '1',
    filled: '0',
    status: 'open',
    triggerPrice: '12',
    reduceOnly: true,
    timestamp: 0,
    applied: false,
  } as never);
  const list = new WatchList({ accounts, positions, paperOrders: ledger, clock, refreshMs: 3_000 });
  const first = await list.current();
  expect(first.exchanges()).toEqual(['bybit', 'paper']);
  expect(first.forExchange('paper').symbols).toEqual([BTC, ETH]);
  expect(
    first
      .forExchange('paper')
      .paperOrders.get(ETH)
      ?.map((w) => [w.account.accountId, w.newestOrderAt]),
  ).toEqual([['paper-1', 0]]);
  expect(first.forExchange('bybit').symbols).toEqual([ETH]);
  expect(first.forExchange('okx').symbols).toEqual([]);

  await positions.save(open('bybit-1', XRP), 0);
  expect(await list.current()).toBe(first); // within the refresh interval: the same read
  list.refresh();
  expect((await list.current()).forExchange('bybit').symbols).toEqual([ETH, XRP]);
});
