// Unrealized P&L and break-even of a position, against the arithmetic written out.
import { breakEvenPrice, positionView, unrealizedPnl } from '../../../../shared/core/performance/positions';
import { BOOK, OPEN_BTC } from './fixtures';

describe('position figures', () => {
  it('long: (mark − entry) × quantity; short: (entry − mark) × quantity', () => {
    expect(unrealizedPnl('long', '0.5', '40000', '41000').toString()).toBe('500');
    expect(unrealizedPnl('short', '2', '2000', '1900').toString()).toBe('200');
    expect(unrealizedPnl('short', '2', '2000', '2100').toString()).toBe('-200');
  });

  it('break-even: fees paid move a long up and a short down by fees / quantity', () => {
    expect(breakEvenPrice('long', '0.5', '40000', '-10').toString()).toBe('40020'); // 40000 + 10 / 0.5
    expect(breakEvenPrice('short', '2', '2000', '-3').toString()).toBe('1998.5'); // 2000 − 3 / 2
    // a partial exit at a profit lowers a long's break-even: 40000 − 100 / 0.5
    expect(breakEvenPrice('long', '0.5', '40000', '100').toString()).toBe('39800');
  });

  it('the view carries the mark, the liquidation price, the stop and the targets', () => {
    const view = positionView(
      OPEN_BTC as typeof OPEN_BTC & { side: 'long' },
      'Main',
      BOOK.find((t) => t.tradeId === 't4'),
      { markPrice: '41000', liquidationPrice: '20100', markAt: 123, markSource: 'snapshot' },
    );
    expect(view).toMatchObject({
      markPrice: '41000',
      unrealizedPnl: '500',
      liquidationPrice: '20100',
      breakEvenPrice: '40020',
      notional: '20500', // 0.5 × 41000
      stop: { clientOrderId: 'sl-1', triggerPrice: '39000' },
      targets: [
        { clientOrderId: 'tp-1', triggerPrice: '42000', amount: '0.25' },
        { clientOrderId: 'tp-2', triggerPrice: '44000', amount: '0.25' },
      ],
      markAt: 123,
      markSource: 'snapshot',
    });
  });

  it('a trailing stop beside the fixed stop is shown as the trail; a position without one shows none', () => {
    const both = {
      ...OPEN_BTC,
      trailingStop: { clientOrderId: 'trail-1', triggerPrice: '', amount: '0.5', trailingPercent: 1.5 },
    };
    const view = positionView(both as typeof both & { side: 'long' }, 'Main', undefined, undefined);
    expect(view.stop).toEqual({ clientOrderId: 'sl-1', triggerPrice: '39000' });
    expect(view.trail).toEqual({ clientOrderId: 'trail-1', triggerPrice: '', trailingPercent: 1.5 });
    const plain = positionView(OPEN_BTC as typeof OPEN_BTC & { side: 'long' }, 'Main', undefined, undefined);
    expect(plain.trail).toBeNull();
  });

  it('without a mark: the priced fields are null and the notional is at entry', () => {
    const view = positionView(OPEN_BTC as typeof OPEN_BTC & { side: 'long' }, 'Main', undefined, undefined);
    expect(view).toMatchObject({
      markPrice: null,
      unrealizedPnl: null,
      liquidationPrice: null,
      notional: '20000',
      breakEvenPrice: '40000',
    });
  });
});
