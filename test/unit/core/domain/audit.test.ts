// Typed audit events: a misspelt payload field does not compile, and stored items (older records
// included) are read into the typed union without ever failing a reader.
import {
  auditMoney,
  isAuditOf,
  readAuditEvent,
  type AuditEvent,
  type AuditEventOf,
  type StoredAuditEvent,
} from '../../../../shared/core/domain/audit';
import { settleCurrencyOf } from '../../../../shared/core/domain/currency';

const T = Date.UTC(2026, 11, 7, 5, 0, 0);

describe('the payload of each kind is checked by the compiler', () => {
  it('rejects a misspelt field where an event is written and where it is read', () => {
    const closed: AuditEventOf<'trade.closed'> = {
      accountId: 'acc-1',
      type: 'trade.closed',
      at: T,
      message: 'closed long BTC/USDT:USDT',
      // @ts-expect-error realisedPnl is not a field of trade.closed (realizedPnl is)
      data: { tradeId: 't-1', symbol: 'BTC/USDT:USDT', currency: 'USDT', realisedPnl: '1' },
    };
    const event: AuditEvent = {
      ...closed,
      data: { tradeId: 't-1', symbol: 'BTC/USDT:USDT', currency: 'USDT', realizedPnl: '12.5' },
    };
    if (event.type !== 'trade.closed') throw new Error('narrowing failed');
    // @ts-expect-error a misspelt field cannot be read either
    const misspelt: unknown = event.data.realisedPnl;
    expect(misspelt).toBeUndefined();
    expect(event.data.realizedPnl).toBe('12.5');
    // @ts-expect-error money is Decimal text, not a float
    const asNumber: AuditEventOf<'order.filled'>['data'] = { clientOrderId: 'o-1', leg: 'open', fee: 0.25 };
    expect(asNumber.fee).toBe(0.25);
  });
});

describe('readAuditEvent: stored items as the typed union, tolerant of older records', () => {
  it('reads a record written by older code: money stored as a number becomes exact decimal text', () => {
    const read = readAuditEvent({
      accountId: 'acc-1',
      type: 'trade.closed',
      at: T,
      eventId: `${T}#ab`,
      message: 'closed long BTC/USDT:USDT',
      data: { tradeId: 't-1', realizedPnl: 95.3, roiPct: 1.4662 },
    });
    expect(read).toEqual({
      accountId: 'acc-1',
      type: 'trade.closed',
      at: T,
      eventId: `${T}#ab`,
      message: 'closed long BTC/USDT:USDT',
      data: { tradeId: 't-1', realizedPnl: '95.3', roiPct: 1.4662 },
    });
    expect(
      readAuditEvent({
        accountId: 'acc-1',
        type: 'order.filled',
        at: T,
        message: 'm',
        data: { clientOrderId: 'o-1', leg: 'open', fee: 0.0325 },
      })?.data,
    ).toEqual({ clientOrderId: 'o-1', leg: 'open', fee: '0.0325' });
    expect(
      readAuditEvent({
        accountId: 'acc-1',
        type: 'report.sent',
        at: T,
        message: 'm',
        data: { kind: 'daily', from: 1, to: 2, startEquity: 10_000, endEquity: 10_075.5, realizedPnl: 75, trades: 3 },
      })?.data,
    ).toMatchObject({ startEquity: '10000', endEquity: '10075.5', realizedPnl: '75' });
  });

  it('keeps a field whose value does not fit its type aside in unfit, and every field no type declares in data', () => {
    const read = readAuditEvent({
      accountId: 'acc-1',
      type: 'alert',
      at: T,
      message: 'm',
      data: { severity: 'loud', switch: 'drawdown', lostType: 'no.such', peakEquity: 9_500, note: { any: 'shape' } },
    });
    expect(read?.data).toEqual({ switch: 'drawdown', peakEquity: 9_500, note: { any: 'shape' } });
    expect(read?.unfit).toEqual({ severity: 'loud', lostType: 'no.such' });
    const money = readAuditEvent({
      accountId: 'acc-1',
      type: 'trade.closed',
      at: T,
      message: 'm',
      data: { realizedPnl: 'not a number', roiPct: '3' },
    });
    expect(money?.data).toEqual({});
    expect(money?.unfit).toEqual({ realizedPnl: 'not a number', roiPct: '3' });
    expect(
      readAuditEvent({
        accountId: 'acc-1',
        type: 'risk.switch',
        at: T,
        message: 'm',
        data: { switch: 'drawdown', kind: 'exploded' },
      })?.unfit,
    ).toEqual({ kind: 'exploded' });
    expect(readAuditEvent({ accountId: 'acc-1', type: 'reconcile', at: T, message: 'm', data: 'a string' })).toEqual({
      accountId: 'acc-1',
      type: 'reconcile',
      at: T,
      message: 'm',
      unfit: { data: 'a string' },
    });
  });

  it('never throws: an item that is not an audit event of a known kind reads as undefined, a missing message as empty', () => {
    for (const junk of [
      null,
      undefined,
      'x',
      42,
      [],
      {},
      { accountId: 'a', type: 'trade.closed' },
      { accountId: 'a', type: 'no.such', at: T, message: 'm' },
      { type: 'alert', at: T, message: 'm' },
    ]) {
      expect(readAuditEvent(junk)).toBeUndefined();
    }
    expect(readAuditEvent({ accountId: 'a', type: 'account.token_rotated', at: T })).toEqual({
      accountId: 'a',
      type: 'account.token_rotated',
      at: T,
      message: '',
    });
  });

  it('narrows read events to one kind with isAuditOf', () => {
    const events = [
      readAuditEvent({
        accountId: 'a',
        type: 'alert',
        at: T,
        message: 'm',
        data: { severity: 'critical', key: 'k-1' },
      }),
      readAuditEvent({
        accountId: 'a',
        type: 'order.sent',
        at: T,
        message: 'm',
        data: { clientOrderId: 'o', leg: 'sl' },
      }),
    ].filter((e): e is StoredAuditEvent => e !== undefined);
    expect(events.filter(isAuditOf('alert')).map((e) => e.data?.key)).toEqual(['k-1']);
  });
});

describe('auditMoney: money for an event written after a fill', () => {
  it('is exact text, and undefined instead of a throw for what is no number', () => {
    expect(auditMoney(0.0325)).toBe('0.0325');
    expect(auditMoney('12.50')).toBe('12.5');
    expect(auditMoney(undefined)).toBeUndefined();
    expect(auditMoney(Number.NaN)).toBeUndefined();
    expect(auditMoney('abc')).toBeUndefined();
  });
});

describe('settleCurrencyOf: the currency of a market’s money', () => {
  it('is the settle currency of a derivative, else the quote of a spot market', () => {
    expect(settleCurrencyOf('BTC/USDT:USDT')).toBe('USDT');
    expect(settleCurrencyOf('BTC/USD:BTC')).toBe('BTC');
    expect(settleCurrencyOf('BTC/USDT:USDT-261225')).toBe('USDT');
    expect(settleCurrencyOf('BTC/KRW')).toBe('KRW');
    expect(settleCurrencyOf('BTCUSDT')).toBeUndefined();
    expect(settleCurrencyOf('/USDT')).toBeUndefined();
  });
});
