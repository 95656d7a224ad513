// Each notification template renders from a typed event, built with the payload its producer
// writes; the money of a trade is named in its market's currency (KRW on Upbit), never assumed.
import type { AuditEvent, AuditEventOf, AuditType } from '../../../../shared/core/domain/audit';
import type { OrderRecord } from '../../../../shared/core/domain/order';
import { BookKeeper } from '../../../../shared/core/execution/book-keeper';
import { notificationOf, renderNotification, signedDecimal } from '../../../../shared/core/notify/from-audit';
import { MemoryAudit, MemoryOrders, MemoryPositions, MemoryTrades } from '../memory-repos';

const T = Date.UTC(2026, 11, 7, 5, 0, 0);
const typed = <K extends AuditType>(event: Omit<AuditEventOf<K>, 'accountId' | 'at'>): AuditEvent =>
  ({ accountId: 'acc-1', at: T, ...event }) as AuditEvent;

describe('templates, one per kind worth a message', () => {
  it('signal.rejected names symbol, intent and code', () => {
    const n = notificationOf(
      typed<'signal.rejected'>({
        type: 'signal.rejected',
        message: 'unknown symbol',
        data: { code: 'UNKNOWN_SYMBOL', intent: 'enter_long', symbol: 'FOO/USDT:USDT' },
      }),
    );
    expect(n).toMatchObject({
      kind: 'signal_rejected',
      severity: 'warning',
      title: 'Signal rejected FOO/USDT:USDT enter_long: UNKNOWN_SYMBOL',
      lines: ['unknown symbol'],
    });
  });

  it('order.sent, order.filled (with the fee and its currency) and order.failed', () => {
    expect(
      notificationOf(
        typed<'order.sent'>({
          type: 'order.sent',
          message: 'stop_market sell 0.01 BTC/USDT:USDT resting at 64000',
          data: { clientOrderId: 'o-1', leg: 'sl' },
        }),
      ),
    ).toMatchObject({
      kind: 'order_placed',
      title: 'Order placed: stop_market sell 0.01 BTC/USDT:USDT resting at 64000',
    });
    expect(
      notificationOf(
        typed<'order.filled'>({
          type: 'order.filled',
          message: 'buy 0.01 BTC/KRW @ 100000000',
          data: { clientOrderId: 'o-2', leg: 'open', fee: '500', feeCurrency: 'KRW' },
        }),
      ),
    ).toMatchObject({ kind: 'order_filled', title: 'Filled: buy 0.01 BTC/KRW @ 100000000', lines: ['fee 500 KRW'] });
    expect(
      notificationOf(
        typed<'order.filled'>({ type: 'order.filled', message: 'buy', data: { clientOrderId: 'o-3', leg: 'open' } }),
      )?.lines,
    ).toEqual([]);
    expect(
      notificationOf(
        typed<'order.failed'>({
          type: 'order.failed',
          message: 'rejected: margin',
          data: { clientOrderId: 'o-4', leg: 'open', code: 'INSUFFICIENT_MARGIN', exchangeCode: '-2019' },
        }),
      ),
    ).toMatchObject({ kind: 'order_failed', title: 'Order failed (INSUFFICIENT_MARGIN, exchange -2019)' });
    expect(
      notificationOf(
        typed<'order.failed'>({ type: 'order.failed', message: 'could not move the stop', data: { error: 'timeout' } }),
      )?.title,
    ).toBe('Order failed');
  });

  it('protective.triggered gives trigger and fill', () => {
    const n = notificationOf(
      typed<'protective.triggered'>({
        type: 'protective.triggered',
        message: 'stop-loss filled: sell 0.1 BTC/USDT:USDT @ 48990',
        data: { clientOrderId: 'sl-1', trigger: '49000', fill: '48990' },
      }),
    );
    expect(n).toMatchObject({
      kind: 'protective_hit',
      title: 'Stop-loss filled: sell 0.1 BTC/USDT:USDT @ 48990',
      lines: ['trigger 49000, fill 48990'],
    });
  });

  it('trade.closed: P&L in the market’s currency, ROI, and a loss warns', () => {
    const usdt = notificationOf(
      typed<'trade.closed'>({
        type: 'trade.closed',
        message: 'closed long',
        data: { tradeId: 't-1', symbol: 'BTC/USDT:USDT', currency: 'USDT', realizedPnl: '95.305', roiPct: 1.4662 },
      }),
    );
    expect(usdt).toMatchObject({
      kind: 'trade_closed',
      severity: 'info',
      title: 'Trade closed: +95.31 USDT (+1.47 %)',
    });
    const krw = notificationOf(
      typed<'trade.closed'>({
        type: 'trade.closed',
        message: 'closed long',
        data: { tradeId: 't-2', symbol: 'BTC/KRW', currency: 'KRW', realizedPnl: '-15000', roiPct: -1.5 },
      }),
    );
    expect(krw).toMatchObject({ severity: 'warning', title: 'Trade closed: -15000.00 KRW (-1.50 %)' });
    // a record that names its market but not its currency: the currency is read from the symbol
    expect(
      notificationOf(
        typed<'trade.closed'>({
          type: 'trade.closed',
          message: 'closed',
          data: { tradeId: 't-3', symbol: 'ETH/KRW', realizedPnl: '1' },
        }),
      )?.title,
    ).toBe('Trade closed: +1.00 KRW');
  });

  it('risk.refused, risk.switch, reconcile, alert and account.status', () => {
    const base = {
      intent: 'enter_long' as const,
      symbol: 'BTC/USDT:USDT',
      equity: '10000',
      price: 65_000,
      requestedLeverage: 5,
      checks: [],
    };
    expect(
      notificationOf(
        typed<'risk.refused'>({
          type: 'risk.refused',
          message: 'entry refused: daily loss',
          data: { ...base, code: 'KILL_SWITCH_DAILY_LOSS', numbers: {} },
        }),
      ),
    ).toMatchObject({
      kind: 'risk_refused',
      title: 'Entry refused by risk: KILL_SWITCH_DAILY_LOSS BTC/USDT:USDT',
      lines: ['daily loss'],
    });
    expect(
      notificationOf(
        typed<'risk.switch'>({
          type: 'risk.switch',
          message: 'drawdown tripped',
          data: { switch: 'drawdown', kind: 'tripped', drawdownPct: 22.5 },
        }),
      ),
    ).toMatchObject({ kind: 'kill_switch', severity: 'critical', title: 'Kill switch drawdown tripped' });
    expect(
      notificationOf(
        typed<'reconcile'>({
          type: 'reconcile',
          message: 'cancelled sl o-1',
          data: { symbol: 'BTC/USDT:USDT', clientOrderId: 'o-1', leg: 'sl' },
        }),
      ),
    ).toMatchObject({ kind: 'reconciliation', title: 'Reconciliation: cancelled sl o-1' });
    expect(
      notificationOf(
        typed<'reconcile'>({
          type: 'reconcile',
          message: 'closed outside',
          data: { symbol: 'BTC/USDT:USDT', alerted: true },
        }),
      ),
    ).toBeUndefined();
    expect(
      notificationOf(
        typed<'alert'>({ type: 'alert', message: 'exchange banned the IP', data: { severity: 'critical', until: T } }),
      ),
    ).toMatchObject({ kind: 'alert', severity: 'critical', title: 'exchange banned the IP' });
    expect(
      notificationOf(
        typed<'alert'>({
          type: 'alert',
          message: 'kill switch drawdown tripped',
          data: { severity: 'critical', switch: 'drawdown' },
        }),
      ),
    ).toBeUndefined();
    expect(
      notificationOf(
        typed<'account.status'>({
          type: 'account.status',
          message: 'paused: by the owner',
          data: { status: 'paused' },
        }),
      ),
    ).toMatchObject({ kind: 'alert', severity: 'info', title: 'Account acc-1: paused: by the owner' });
  });

  it('signedDecimal rounds exact text half up and never writes -0.00', () => {
    expect(signedDecimal('0.005')).toBe('+0.01');
    expect(signedDecimal('-0.004')).toBe('0.00');
    expect(signedDecimal('1234567890123.455')).toBe('+1234567890123.46');
  });
});

describe('an Upbit KRW trade, from the book keeper that closes it to the message', () => {
  it('says KRW, the market’s currency, and no USDT', async () => {
    const audit = new MemoryAudit();
    const orders = new MemoryOrders();
    const book = new BookKeeper({
      positions: new MemoryPositions(),
      trades: new MemoryTrades(),
      orders,
      audit,
      clock: { now: () => T },
    });
    const order = (clientOrderId: string, side: 'buy' | 'sell'): OrderRecord => ({
      accountId: 'acc-up',
      clientOrderId,
      signalId: `sig-${clientOrderId}`,
      leg: side === 'buy' ? 'open' : 'close',
      symbol: 'BTC/KRW',
      side,
      type: 'market',
      reduceOnly: side === 'sell',
      amount: '0.01',
      status: 'filled',
      leverage: 1,
      createdAt: T,
      updatedAt: T,
    });
    for (const id of ['o-1', 'o-2']) await orders.putIntent(order(id, id === 'o-1' ? 'buy' : 'sell'));
    await book.book(order('o-1', 'buy'), {
      clientOrderId: 'o-1',
      signalId: 'sig-o-1',
      side: 'buy',
      quantity: '0.01',
      price: '100000000',
      fee: '500',
      at: T,
      leverage: 1,
    });
    await book.book(order('o-2', 'sell'), {
      clientOrderId: 'o-2',
      signalId: 'sig-o-2',
      side: 'sell',
      quantity: '0.01',
      price: '101000000',
      fee: '505',
      at: T,
      leverage: 1,
      exitReason: 'signal',
    });

    const closed = audit.events.find((e) => e.type === 'trade.closed');
    expect(closed?.data).toMatchObject({ symbol: 'BTC/KRW', currency: 'KRW', realizedPnl: '8995' }); // 10,000 − 500 − 505
    const text = renderNotification(notificationOf(closed!)!);
    expect(text).toContain('Trade closed: +8995.00 KRW');
    expect(text).not.toContain('USDT');
  });
});
