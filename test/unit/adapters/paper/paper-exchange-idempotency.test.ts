// Client order ids, crash repair and the optimistic lock of the paper exchange.
import { MemoryLedgerStore } from '../../../../shared/adapters/paper/memory-ledger-store';
import { STATE_WRITE_ATTEMPTS } from '../../../../shared/adapters/paper/paper-exchange';
import { AmbiguousOrderError, ConditionalConflictError } from '../../../../shared/core/errors';
import { DuplicateClientOrderIdError } from '../../../../shared/core/ports/exchange';
import type { PaperOrder, PaperState } from '../../../../shared/core/ports/paper';
import { ACCOUNT, BTC, ETH, conditional, order, rejection, setup } from './helpers';

/** A store that fails on demand, as a crashed or contended DynamoDB write would. */
class FaultyStore extends MemoryLedgerStore {
  saveCalls = 0;
  failSaves = 0;
  conflictSaves = 0;
  failAppliedMarks = 0;
  /** runs before the next save, as a concurrent writer would */
  beforeNextSave: (() => Promise<void>) | undefined;

  override async saveState(state: PaperState, expectedVersion: number): Promise<void> {
    this.saveCalls++;
    const interfere = this.beforeNextSave;
    this.beforeNextSave = undefined;
    if (interfere) await interfere();
    if (this.failSaves > 0) {
      this.failSaves--;
      throw new Error('connection reset');
    }
    if (this.conflictSaves > 0) {
      this.conflictSaves--;
      throw new ConditionalConflictError('version moved');
    }
    return super.saveState(state, expectedVersion);
  }

  override async updateOrder(o: PaperOrder): Promise<void> {
    if (o.applied && this.failAppliedMarks > 0) {
      this.failAppliedMarks--;
      throw new Error('connection reset');
    }
    return super.updateOrder(o);
  }
}

describe('PaperExchange client order ids', () => {
  it('refuses a second order with the same client order id and leaves the first one booked once', async () => {
    const { exchange } = setup();
    await exchange.createOrder(order({ clientOrderId: 'dup-1' }));

    const error = await rejection(exchange.createOrder(order({ clientOrderId: 'dup-1' })));

    expect(error).toBeInstanceOf(DuplicateClientOrderIdError);
    expect((await exchange.fetchPosition(BTC))?.quantity).toBe('0.1');
  });

  it('finds an order by client id, and not under another symbol', async () => {
    const { exchange } = setup();
    const placed = await exchange.createOrder(order({ clientOrderId: 'find-me' }));

    const found = await exchange.fetchOrderByClientId(BTC, 'find-me');
    const wrongSymbol = await exchange.fetchOrderByClientId(ETH, 'find-me');
    const unknown = await exchange.fetchOrderByClientId(BTC, 'never-sent');

    expect(found).toEqual(placed);
    expect(wrongSymbol).toBeUndefined();
    expect(unknown).toBeUndefined();
  });
});

describe('PaperExchange crash repair', () => {
  it('applies a fill stored before a crash exactly once, when the order is looked up', async () => {
    const store = new FaultyStore();
    const { exchange } = setup(store);
    store.failSaves = 1;

    const error = await rejection(exchange.createOrder(order({ clientOrderId: 'crash-1' })));
    const before = await store.getOrder(ACCOUNT, 'crash-1');
    const positionBefore = await exchange.fetchPosition(BTC);
    const first = await exchange.fetchOrderByClientId(BTC, 'crash-1');
    const second = await exchange.fetchOrderByClientId(BTC, 'crash-1');

    expect(error).toBeInstanceOf(AmbiguousOrderError);
    expect(before).toMatchObject({ status: 'closed', filled: '0.1', applied: false });
    expect(positionBefore).toBeUndefined();
    expect(first).toMatchObject({ status: 'closed', filled: '0.1', average: '50010' });
    expect(second).toEqual(first);
    expect(await exchange.fetchPosition(BTC)).toMatchObject({ quantity: '0.1', entryPrice: '50010' });
    expect((await exchange.fetchBalance()).equity).toBe('9996.4995'); // one fee, one position
    expect((await store.getOrder(ACCOUNT, 'crash-1'))?.applied).toBe(true);
  });

  it('does not apply twice a fill whose state write landed but whose order was never marked applied', async () => {
    const store = new FaultyStore();
    const { exchange } = setup(store);
    store.failAppliedMarks = 1;

    const error = await rejection(exchange.createOrder(order({ clientOrderId: 'crash-2' })));
    const unmarked = await store.getOrder(ACCOUNT, 'crash-2');
    const repaired = await exchange.fetchOrderByClientId(BTC, 'crash-2');

    expect(error).toBeInstanceOf(AmbiguousOrderError);
    expect(unmarked?.applied).toBe(false);
    expect(repaired?.status).toBe('closed');
    expect(await exchange.fetchPosition(BTC)).toMatchObject({ quantity: '0.1' });
    expect((await store.getState(ACCOUNT))?.appliedOrderIds).toEqual(['crash-2']);
    expect((await store.getOrder(ACCOUNT, 'crash-2'))?.applied).toBe(true);
  });

  it('repairs a reduce-only fill to nothing when the position closed meanwhile', async () => {
    const store = new FaultyStore();
    const { exchange } = setup(store);
    await exchange.createOrder(order());
    store.failSaves = 1;
    await rejection(exchange.createOrder(order({ side: 'sell', reduceOnly: true, clientOrderId: 'close-a' })));
    await exchange.createOrder(order({ side: 'sell', reduceOnly: true, clientOrderId: 'close-b' }));
    const equity = (await exchange.fetchBalance()).equity;

    const repaired = await exchange.fetchOrderByClientId(BTC, 'close-a');

    expect(repaired).toMatchObject({ status: 'expired', filled: '0', fee: '0' });
    expect((await exchange.fetchBalance()).equity).toBe(equity);
    expect(await exchange.fetchPosition(BTC)).toBeUndefined();
  });

  it('keeps only the last 200 applied order ids', async () => {
    const { exchange, store } = setup();
    for (let i = 0; i < 205; i++) {
      await exchange.createOrder(
        order({ side: i % 2 === 0 ? 'buy' : 'sell', amount: '0.002', clientOrderId: `k${i}` }),
      );
    }

    const state = await store.getState(ACCOUNT);

    expect(state?.appliedOrderIds).toHaveLength(200);
    expect(state?.appliedOrderIds[0]).toBe('k5');
    expect(state?.appliedOrderIds[199]).toBe('k204');
  });
});

describe('PaperExchange trigger crash repair', () => {
  it('a stop whose fill was marked but never applied is applied and reported by the next processPrice, once', async () => {
    const store = new FaultyStore();
    const { exchange, prices } = setup(store);
    await exchange.createOrder(order({ clientOrderId: 'entry' }));
    await exchange.createOrder(conditional('stop_market', 'sell', '49000', { clientOrderId: 'stop' }));
    prices.set(BTC, 48_900);
    store.failSaves = 1; // the trigger's state write fails: the order is marked filled, not applied

    await rejection(exchange.processPrice());
    const stuck = await store.getOrder(ACCOUNT, 'stop');
    const repaired = await exchange.processPrice();
    const again = await exchange.processPrice();

    expect(stuck).toMatchObject({ status: 'closed', applied: false });
    expect(repaired).toEqual([expect.objectContaining({ clientOrderId: 'stop', status: 'closed', filled: '0.1' })]);
    expect(again).toEqual([]);
    expect(await exchange.fetchPosition(BTC)).toBeUndefined();
  });

  it('repairs a stuck market fill without reporting it as a trigger', async () => {
    const store = new FaultyStore();
    const { exchange } = setup(store);
    store.failSaves = 1;
    await rejection(exchange.createOrder(order({ clientOrderId: 'mkt' })));

    const reported = await exchange.processPrice();

    expect(reported).toEqual([]);
    expect(await exchange.fetchPosition(BTC)).toMatchObject({ quantity: '0.1' });
  });
});

describe('PaperExchange optimistic lock', () => {
  it('re-reads and retries when another writer changed the state in between', async () => {
    const store = new FaultyStore();
    const { exchange } = setup(store);
    await exchange.createOrder(order({ amount: '0.05', clientOrderId: 'first' }));
    const saves = store.saveCalls;
    store.beforeNextSave = async () => {
      // Another writer (say, a leverage change from another invocation) lands first.
      const other = (await store.getState(ACCOUNT)) as PaperState;
      await MemoryLedgerStore.prototype.saveState.call(
        store,
        { ...other, leverage: { [ETH]: 3 }, version: other.version + 1 },
        other.version,
      );
    };

    await exchange.createOrder(order({ amount: '0.05', clientOrderId: 'second' }));

    const state = await store.getState(ACCOUNT);
    expect(store.saveCalls - saves).toBe(2); // the lost write and its retry
    expect(state?.leverage).toEqual({ [ETH]: 3 });
    expect(state?.positions[BTC]).toMatchObject({ quantity: '0.1' });
    expect(state?.appliedOrderIds).toEqual(['first', 'second']);
    expect(state?.version).toBe(3);
  });

  it('gives up after repeated conflicts with an ambiguous outcome that a look-up resolves', async () => {
    const store = new FaultyStore();
    const { exchange } = setup(store);
    store.conflictSaves = STATE_WRITE_ATTEMPTS;

    const error = await rejection(exchange.createOrder(order({ clientOrderId: 'busy' })));
    const found = await exchange.fetchOrderByClientId(BTC, 'busy');

    expect(error).toBeInstanceOf(AmbiguousOrderError);
    expect((error as AmbiguousOrderError).clientOrderId).toBe('busy');
    expect(store.saveCalls).toBe(STATE_WRITE_ATTEMPTS + 1);
    expect(found?.status).toBe('closed');
    expect(await exchange.fetchPosition(BTC)).toMatchObject({ quantity: '0.1' });
  });

  it('stores leverage with the same version check', async () => {
    const { exchange, store } = setup();

    await exchange.setLeverage(BTC, 20);
    await exchange.setLeverage(BTC, 20); // unchanged: no write

    const state = await store.getState(ACCOUNT);
    expect(state).toMatchObject({ leverage: { [BTC]: 20 }, version: 1, walletBalance: '10000' });
  });
});
