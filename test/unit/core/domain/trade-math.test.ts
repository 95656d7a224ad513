// applyFill: how one fill changes a position and its trade, with hand-computed prices, fees, P&L
// and ROI. Exact decimals: every expected number below is written out by hand.
import { applyFill, flatPosition, isOpen, tradeIdFor, type Fill } from '../../../../shared/core/domain/trade-math';
import type { BookPosition, TradeRecord } from '../../../../shared/core/domain/trade';

const ACCOUNT = 'acc-1';
const BTC = 'BTC/USDT:USDT';

const fill = (
  overrides: Partial<Fill> & Pick<Fill, 'clientOrderId' | 'side' | 'quantity' | 'price' | 'fee' | 'at'>,
): Fill => ({
  signalId: `sig-${overrides.clientOrderId}`,
  leverage: 5,
  ...overrides,
});

/** Opens a long 0.1 BTC at 50,000 (fee 2.5) at t=1000 with leverage 5. */
function openLong(extra: Partial<Fill> = {}) {
  const position = flatPosition(ACCOUNT, BTC, 0);
  const update = applyFill(
    position,
    undefined,
    fill({ clientOrderId: 'o1', side: 'buy', quantity: '0.1', price: '50000', fee: '2.5', at: 1000, ...extra }),
  );
  return { position: update.position, trade: update.opened as TradeRecord, update };
}

describe('flatPosition / isOpen / tradeIdFor', () => {
  it('builds a flat, never-written position', () => {
    expect(flatPosition(ACCOUNT, BTC, 5)).toEqual({
      accountId: ACCOUNT,
      symbol: BTC,
      quantity: '0',
      entryPrice: '0',
      leverage: 1,
      updatedAt: 5,
      appliedOrderIds: [],
      version: 0,
    });
  });

  it('is open only with a side and a positive quantity', () => {
    expect(isOpen(undefined)).toBe(false);
    expect(isOpen(flatPosition(ACCOUNT, BTC, 0))).toBe(false);
    expect(isOpen({ ...flatPosition(ACCOUNT, BTC, 0), side: 'long', quantity: '0' })).toBe(false);
    expect(isOpen({ ...flatPosition(ACCOUNT, BTC, 0), side: 'long', quantity: '0.001', tradeId: 't' })).toBe(true);
  });

  it('pads the open time to 13 digits so trade ids sort by time', () => {
    expect(tradeIdFor(1000, 'o1')).toBe('0000000001000-o1');
    expect(tradeIdFor(1_700_000_000_000, 'tabc')).toBe('1700000000000-tabc');
  });
});

describe('applyFill: opening from flat', () => {
  it('creates an open trade whose realized P&L is minus the fee', () => {
    const { update } = openLong({ strategy: 'trend' });

    const trade: TradeRecord = {
      accountId: ACCOUNT,
      tradeId: '0000000001000-o1',
      symbol: BTC,
      side: 'long',
      status: 'open',
      leverage: 5,
      quantity: '0.1',
      maxQuantity: '0.1',
      entryPrice: '50000',
      exitedQuantity: '0',
      openedAt: 1000,
      fees: '2.5',
      funding: '0',
      realizedPnl: '-2.5',
      // 0.1 × 50,000 entered, nothing exited yet
      entryNotional: '5000',
      exitNotional: '0',
      openSignalId: 'sig-o1',
      updatedAt: 1000,
      strategy: 'trend',
    };
    expect(update.trades).toEqual([trade]);
    expect(update.opened).toEqual(trade);
    expect(update.closed).toBeUndefined();
    expect(update.position).toEqual({
      accountId: ACCOUNT,
      symbol: BTC,
      side: 'long',
      quantity: '0.1',
      entryPrice: '50000',
      leverage: 5,
      tradeId: '0000000001000-o1',
      openedAt: 1000,
      updatedAt: 1000,
      strategy: 'trend',
      appliedOrderIds: ['o1'],
      version: 0,
    });
  });

  it('opens a short on a sell from flat and drops stale protective orders and strategy', () => {
    const stale: BookPosition = {
      ...flatPosition(ACCOUNT, BTC, 0),
      strategy: 'old',
      stopLoss: { clientOrderId: 'sl-old', triggerPrice: '1' },
      takeProfits: [{ clientOrderId: 'tp-old', triggerPrice: '2' }],
    };

    const update = applyFill(
      stale,
      undefined,
      fill({ clientOrderId: 's1', side: 'sell', quantity: '2', price: '3000', fee: '3', at: 7, leverage: 3 }),
    );

    expect(update.position.side).toBe('short');
    expect(update.position.quantity).toBe('2');
    expect(update.position).not.toHaveProperty('stopLoss');
    expect(update.position).not.toHaveProperty('takeProfits');
    expect(update.position).not.toHaveProperty('strategy');
    expect(update.opened).toMatchObject({
      side: 'short',
      entryPrice: '3000',
      fees: '3',
      realizedPnl: '-3',
      leverage: 3,
    });
    expect(update.opened).not.toHaveProperty('strategy');
  });

  it('marks a zero-quantity fill as applied without touching the book', () => {
    const position = flatPosition(ACCOUNT, BTC, 0);

    const update = applyFill(
      position,
      undefined,
      fill({ clientOrderId: 'z1', side: 'buy', quantity: '0', price: '50000', fee: '0', at: 1 }),
    );

    expect(update).toEqual({ position: { ...position, appliedOrderIds: ['z1'] }, trades: [], entries: [] });
  });
});

describe('applyFill: adding to a position', () => {
  it('averages the entry: (0.1 × 50,000 + 0.3 × 54,000) / 0.4 = 53,000, and adds the fee', () => {
    const { position, trade } = openLong();

    const update = applyFill(
      position,
      trade,
      fill({ clientOrderId: 'o2', side: 'buy', quantity: '0.3', price: '54000', fee: '8.1', at: 2000, leverage: 10 }),
    );

    expect(update.trades).toEqual([
      {
        ...trade,
        quantity: '0.4',
        maxQuantity: '0.4',
        entryPrice: '53000',
        leverage: 10,
        fees: '10.6',
        realizedPnl: '-10.6',
        entryNotional: '21200',
        updatedAt: 2000,
      },
    ]);
    expect(update.opened).toBeUndefined();
    expect(update.position).toEqual({
      ...position,
      quantity: '0.4',
      entryPrice: '53000',
      leverage: 10,
      updatedAt: 2000,
      appliedOrderIds: ['o1', 'o2'],
    });
  });

  it('keeps 12 decimals of a non-terminating average entry', () => {
    const { position, trade } = openLong();

    // (0.1 × 50,000 + 0.2 × 50,001) / 0.3 = 50,000.666…
    const update = applyFill(
      position,
      trade,
      fill({ clientOrderId: 'o2', side: 'buy', quantity: '0.2', price: '50001', fee: '0', at: 2000 }),
    );

    expect(update.position.entryPrice).toBe('50000.666666666667');
    expect(update.trades[0]?.entryPrice).toBe('50000.666666666667');
  });
});

describe('applyFill: reducing and closing', () => {
  /** long 0.4 at 53,000 after an add; fees 10.6 */
  function addedLong() {
    const { position, trade } = openLong();
    const added = applyFill(
      position,
      trade,
      fill({ clientOrderId: 'o2', side: 'buy', quantity: '0.3', price: '54000', fee: '8.1', at: 2000 }),
    );
    return { position: added.position, trade: added.trades[0] as TradeRecord };
  }

  it('realizes P&L on the reduced part only: (55,000 − 53,000) × 0.1 − fees', () => {
    const { position, trade } = addedLong();

    const update = applyFill(
      position,
      trade,
      fill({ clientOrderId: 'o3', side: 'sell', quantity: '0.1', price: '55000', fee: '2.75', at: 3000 }),
    );

    // realized = −10.6 + 200 − 2.75 = 186.65
    expect(update.trades).toEqual([
      {
        ...trade,
        quantity: '0.3',
        exitedQuantity: '0.1',
        exitPrice: '55000',
        fees: '13.35',
        realizedPnl: '186.65',
        exitNotional: '5500',
        updatedAt: 3000,
      },
    ]);
    expect(update.closed).toBeUndefined();
    expect(update.position).toEqual({
      ...position,
      quantity: '0.3',
      updatedAt: 3000,
      appliedOrderIds: ['o1', 'o2', 'o3'],
    });
    expect(update.position.entryPrice).toBe('53000');
  });

  it('closes the rest: average exit, total fees, P&L, ROI over the initial margin, exit reason', () => {
    const { position, trade } = addedLong();
    const reduced = applyFill(
      position,
      trade,
      fill({ clientOrderId: 'o3', side: 'sell', quantity: '0.1', price: '55000', fee: '2.75', at: 3000 }),
    );

    const update = applyFill(
      reduced.position,
      reduced.trades[0],
      fill({
        clientOrderId: 'o4',
        side: 'sell',
        quantity: '0.3',
        price: '51000',
        fee: '7.65',
        at: 4000,
        exitReason: 'take_profit',
      }),
    );

    // price P&L of this exit (51,000 − 53,000) × 0.3 = −600; realized = 186.65 − 600 − 7.65 = −421
    // average exit (0.1 × 55,000 + 0.3 × 51,000) / 0.4 = 52,000
    // ROI = −421 / (53,000 × 0.4 / 5 = 4,240) × 100 = −9.929245… → −9.9292
    expect(update.closed).toEqual({
      ...trade,
      status: 'closed',
      quantity: '0',
      exitedQuantity: '0.4',
      exitPrice: '52000',
      fees: '21',
      realizedPnl: '-421',
      exitNotional: '20800',
      roiPct: -9.9292,
      closedAt: 4000,
      closeSignalId: 'sig-o4',
      exitReason: 'take_profit',
      updatedAt: 4000,
    });
    expect(update.trades).toEqual([update.closed]);
    expect(update.position).toEqual({
      accountId: ACCOUNT,
      symbol: BTC,
      quantity: '0',
      entryPrice: '0',
      leverage: 5,
      updatedAt: 4000,
      appliedOrderIds: ['o1', 'o2', 'o3', 'o4'],
      version: 0,
    });
    expect(isOpen(update.position)).toBe(false);
  });

  it('closes a long with a profit: (51,000 − 50,000) × 0.1 − 2.5 − 2.55 = 94.95, ROI 18.99 % at x10', () => {
    const { position, trade } = openLong({ leverage: 10 });

    const update = applyFill(
      position,
      trade,
      fill({ clientOrderId: 'c1', side: 'sell', quantity: '0.1', price: '51000', fee: '2.55', at: 2000 }),
    );

    // initial margin 50,000 × 0.1 / 10 = 500; 94.95 / 500 = 18.99 %
    expect(update.closed).toMatchObject({
      status: 'closed',
      realizedPnl: '94.95',
      fees: '5.05',
      roiPct: 18.99,
      exitPrice: '51000',
      exitReason: 'signal',
    });
  });

  it('closes a short with a profit: (3,000 − 2,900) × 0.2 − 0.3 − 0.29 = 19.41, ROI 9.705 % at x3', () => {
    const flat = flatPosition(ACCOUNT, 'ETH/USDT:USDT', 0);
    const opened = applyFill(
      flat,
      undefined,
      fill({ clientOrderId: 's1', side: 'sell', quantity: '0.2', price: '3000', fee: '0.3', at: 10, leverage: 3 }),
    );

    const update = applyFill(
      opened.position,
      opened.opened,
      fill({
        clientOrderId: 's2',
        side: 'buy',
        quantity: '0.2',
        price: '2900',
        fee: '0.29',
        at: 20,
        exitReason: 'stop_loss',
      }),
    );

    // initial margin 3,000 × 0.2 / 3 = 200; 19.41 / 200 = 9.705 %
    expect(update.closed).toMatchObject({
      side: 'short',
      status: 'closed',
      realizedPnl: '19.41',
      fees: '0.59',
      roiPct: 9.705,
      exitPrice: '2900',
      exitReason: 'stop_loss',
      closedAt: 20,
      closeSignalId: 'sig-s2',
    });
    expect(update.position.quantity).toBe('0');
  });

  it('closes a short with a loss: (3,000 − 3,150) × 0.2 − fees', () => {
    const flat = flatPosition(ACCOUNT, 'ETH/USDT:USDT', 0);
    const opened = applyFill(
      flat,
      undefined,
      fill({ clientOrderId: 's1', side: 'sell', quantity: '0.2', price: '3000', fee: '0.3', at: 10, leverage: 3 }),
    );

    const update = applyFill(
      opened.position,
      opened.opened,
      fill({ clientOrderId: 's2', side: 'buy', quantity: '0.2', price: '3150', fee: '0.315', at: 20 }),
    );

    // −30 − 0.3 − 0.315 = −30.615; ROI −30.615 / 200 = −15.3075 %
    expect(update.closed).toMatchObject({ realizedPnl: '-30.615', fees: '0.615', roiPct: -15.3075 });
  });
});

describe('applyFill: reversing', () => {
  it('closes the long and opens a short with the rest, splitting the fee by quantity', () => {
    const { position, trade } = openLong();

    const update = applyFill(
      position,
      trade,
      fill({ clientOrderId: 'r1', side: 'sell', quantity: '0.3', price: '49000', fee: '7.35', at: 5000, leverage: 4 }),
    );

    // close share of the fee 7.35 × 0.1 / 0.3 = 2.45, the rest 4.9
    // closed: (49,000 − 50,000) × 0.1 − 2.5 − 2.45 = −104.95; ROI −104.95 / (50,000 × 0.1 / 5 = 1,000) = −10.495 %
    expect(update.closed).toEqual({
      ...trade,
      status: 'closed',
      quantity: '0',
      exitedQuantity: '0.1',
      exitPrice: '49000',
      fees: '4.95',
      realizedPnl: '-104.95',
      exitNotional: '4900',
      roiPct: -10.495,
      closedAt: 5000,
      closeSignalId: 'sig-r1',
      exitReason: 'signal',
      updatedAt: 5000,
    });
    expect(update.opened).toEqual({
      accountId: ACCOUNT,
      tradeId: '0000000005000-r1',
      symbol: BTC,
      side: 'short',
      status: 'open',
      leverage: 4,
      quantity: '0.2',
      maxQuantity: '0.2',
      entryPrice: '49000',
      exitedQuantity: '0',
      openedAt: 5000,
      fees: '4.9',
      funding: '0',
      realizedPnl: '-4.9',
      entryNotional: '9800',
      exitNotional: '0',
      openSignalId: 'sig-r1',
      updatedAt: 5000,
    });
    expect(update.trades).toEqual([update.closed, update.opened]);
    // one audit line per trade touched: the two fee shares add up to the 7.35 charged
    expect(update.entries).toEqual([
      { tradeId: '0000000001000-o1', cause: 'r1', fee: '2.45', funding: '0', pricePnl: '-100', realizedPnl: '-102.45' },
      { tradeId: '0000000005000-r1', cause: 'r1', fee: '4.9', funding: '0', pricePnl: '0', realizedPnl: '-4.9' },
    ]);
    expect(update.position).toEqual({
      accountId: ACCOUNT,
      symbol: BTC,
      side: 'short',
      quantity: '0.2',
      entryPrice: '49000',
      leverage: 4,
      tradeId: '0000000005000-r1',
      openedAt: 5000,
      updatedAt: 5000,
      appliedOrderIds: ['o1', 'r1'],
      version: 0,
    });
  });

  it('an opposite fill equal to the position closes it and opens nothing', () => {
    const { position, trade } = openLong();

    const update = applyFill(
      position,
      trade,
      fill({ clientOrderId: 'c1', side: 'sell', quantity: '0.1', price: '50000', fee: '2.5', at: 2000 }),
    );

    expect(update.opened).toBeUndefined();
    expect(update.closed).toMatchObject({ realizedPnl: '-5', roiPct: -0.5 });
    expect(update.position.quantity).toBe('0');
    expect(update.position).not.toHaveProperty('side');
  });
});

describe('applyFill: idempotency and bookkeeping', () => {
  it('applying the same client order id twice changes nothing', () => {
    const { position, trade } = openLong();
    const close = fill({ clientOrderId: 'c1', side: 'sell', quantity: '0.1', price: '51000', fee: '2.55', at: 2000 });
    const first = applyFill(position, trade, close);

    const again = applyFill(first.position, first.closed, close);

    expect(again).toEqual({ position: first.position, trades: [], entries: [] });
    expect(again.position).toBe(first.position);
  });

  it('ignores a replay of the opening fill', () => {
    const { position, trade } = openLong();

    const again = applyFill(
      position,
      trade,
      fill({ clientOrderId: 'o1', side: 'buy', quantity: '0.1', price: '50000', fee: '2.5', at: 1000 }),
    );

    expect(again.trades).toEqual([]);
    expect(again.position.quantity).toBe('0.1');
  });

  it('keeps only the 50 newest applied order ids', () => {
    let { position, trade } = openLong();
    for (let i = 2; i <= 55; i += 1) {
      const update = applyFill(
        position,
        trade,
        fill({ clientOrderId: `o${i}`, side: 'buy', quantity: '0.001', price: '50000', fee: '0', at: 1000 + i }),
      );
      position = update.position;
      trade = update.trades[0] as TradeRecord;
    }

    expect(position.appliedOrderIds).toHaveLength(50);
    expect(position.appliedOrderIds[0]).toBe('o6');
    expect(position.appliedOrderIds[49]).toBe('o55');
    expect(position.quantity).toBe('0.154');
  });

  it('throws on an open position whose open trade is missing when reducing', () => {
    const { position } = openLong();

    expect(() =>
      applyFill(
        position,
        undefined,
        fill({ clientOrderId: 'c1', side: 'sell', quantity: '0.1', price: '51000', fee: '0', at: 2000 }),
      ),
    ).toThrow('book inconsistency: open position BTC/USDT:USDT has no matching open trade');
  });

  it('throws when the open trade given is not the position’s trade', () => {
    const { position, trade } = openLong();

    expect(() =>
      applyFill(
        position,
        { ...trade, tradeId: 'other' },
        fill({ clientOrderId: 'c1', side: 'sell', quantity: '0.1', price: '51000', fee: '0', at: 2000 }),
      ),
    ).toThrow('book inconsistency: open position BTC/USDT:USDT has no matching open trade');
  });

  it('throws on an open position whose open trade is missing when adding', () => {
    const { position } = openLong();

    expect(() =>
      applyFill(
        position,
        undefined,
        fill({ clientOrderId: 'o2', side: 'buy', quantity: '0.1', price: '51000', fee: '0', at: 2000 }),
      ),
    ).toThrow('book inconsistency: open position BTC/USDT:USDT has no matching open trade');
  });
});
