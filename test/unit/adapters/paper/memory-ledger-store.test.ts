import { MemoryLedgerStore } from '../../../../shared/adapters/paper/memory-ledger-store';
import { ConditionalConflictError } from '../../../../shared/core/errors';
import type { PaperOrder, PaperState } from '../../../../shared/core/ports/paper';

const state = (version: number, walletBalance = '10000'): PaperState => ({
  accountId: 'a1',
  currency: 'USDT',
  walletBalance,
  positions: {},
  leverage: {},
  appliedOrderIds: [],
  version,
  updatedAt: 0,
});

const paperOrder = (clientOrderId: string, status: PaperOrder['status'] = 'open', timestamp = 1): PaperOrder => ({
  id: `id-${clientOrderId}`,
  clientOrderId,
  accountId: 'a1',
  symbol: 'BTC/USDT:USDT',
  side: 'sell',
  type: 'stop_market',
  status,
  amount: '0.1',
  filled: '0',
  triggerPrice: '49000',
  reduceOnly: true,
  fee: '0',
  feeCurrency: 'USDT',
  timestamp,
  applied: false,
});

describe('MemoryLedgerStore state', () => {
  it('creates a state only when none exists (expected version 0)', async () => {
    const store = new MemoryLedgerStore();

    await store.saveState(state(1), 0);
    const again = store.saveState(state(1), 0);

    await expect(again).rejects.toBeInstanceOf(ConditionalConflictError);
    expect(await store.getState('a1')).toEqual(state(1));
  });

  it('updates only from the version it was read at', async () => {
    const store = new MemoryLedgerStore();
    await store.saveState(state(1), 0);

    await store.saveState(state(2, '9000'), 1);
    const stale = store.saveState(state(2, '8000'), 1);

    await expect(stale).rejects.toBeInstanceOf(ConditionalConflictError);
    expect((await store.getState('a1'))?.walletBalance).toBe('9000');
  });

  it('hands out copies, so a caller cannot change what is stored', async () => {
    const store = new MemoryLedgerStore();
    await store.saveState(state(1), 0);

    const read = await store.getState('a1');
    read!.walletBalance = '1';

    expect((await store.getState('a1'))?.walletBalance).toBe('10000');
    expect(await store.getState('other')).toBeUndefined();
  });
});

describe('MemoryLedgerStore orders', () => {
  it('refuses a second order with the same client id', async () => {
    const store = new MemoryLedgerStore();

    const first = await store.putOrder(paperOrder('x'));
    const second = await store.putOrder({ ...paperOrder('x'), amount: '9' });

    expect([first, second]).toEqual([true, false]);
    expect((await store.getOrder('a1', 'x'))?.amount).toBe('0.1');
  });

  it('lists open orders oldest first and follows updates', async () => {
    const store = new MemoryLedgerStore();
    await store.putOrder(paperOrder('late', 'open', 5));
    await store.putOrder(paperOrder('early', 'open', 2));
    await store.putOrder(paperOrder('done', 'closed', 1));
    await store.putOrder({ ...paperOrder('elsewhere'), accountId: 'a2' });

    await store.updateOrder({ ...paperOrder('late', 'canceled', 5) });
    const open = await store.listOpenOrders('a1');

    expect(open.map((o) => o.clientOrderId)).toEqual(['early']);
  });
});
