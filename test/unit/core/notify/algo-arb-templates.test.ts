// Sliced entries and funding-arbitrage rounds as the owner reads them: one line with the numbers the
// payload carries, read as the stream delivers it (readAuditEvent), routed by its own kind so the
// owner's rules can keep or drop it. The payloads are those shared/core/domain/audit.ts declares
// (algo-control.ts writes the algo ones).
import { readAuditEvent, type AuditType, type StoredAuditEvent } from '../../../../shared/core/domain/audit';
import { readablePrice } from '../../../../shared/core/notify/algo-arb-templates';
import { DEFAULT_NOTIFY_CONFIG } from '../../../../shared/core/notify/config';
import { notificationOf, renderNotification } from '../../../../shared/core/notify/from-audit';
import { channelsFor } from '../../../../shared/core/notify/routing';
import { parseNotifyConfig } from '../../../../shared/platform/notify-config';

const T = Date.UTC(2026, 11, 7, 5, 0, 0);
const stored = (type: AuditType, data: Record<string, unknown>, message = 'm'): StoredAuditEvent =>
  readAuditEvent({ accountId: 'acc-1', type, at: T, message, data, eventId: `${T}#${type}` })!;

const twapDone = {
  parentId: 'sig-twap',
  symbol: 'BTC/USDT:USDT',
  kind: 'twap',
  slices: 5,
  slicesSent: 5,
  totalAmount: '0.5',
  filledAmount: '0.5',
  averagePrice: '64012.3',
};

describe('sliced entries', () => {
  it('algo.completed: symbol, kind, slices sent of planned, filled amount at the average price (info)', () => {
    const n = notificationOf(stored('algo.completed', twapDone))!;
    expect(n).toMatchObject({
      kind: 'sliced_entry',
      severity: 'info',
      title: 'BTC/USDT:USDT TWAP done: 5/5 slices, 0.5 filled at 64,012.3',
      lines: [],
    });
    expect(renderNotification(n)).toBe('ℹ️ BTC/USDT:USDT TWAP done: 5/5 slices, 0.5 filled at 64,012.3');
  });

  it('an average of 12 decimals (algo-control rounds it so) reads at six significant digits; a short fill says what was asked', () => {
    const n = notificationOf(
      stored('algo.completed', {
        ...twapDone,
        kind: 'adaptive',
        slices: 3,
        slicesSent: 3,
        totalAmount: '0.03',
        filledAmount: '0.028',
        averagePrice: '65133.333333333333',
      }),
    )!;
    expect(n.title).toBe('BTC/USDT:USDT ADAPTIVE done: 3/3 slices, 0.028 filled at 65,133.3');
    expect(n.lines).toEqual(['0.028 of 0.03 asked']);
  });

  it('readablePrice: grouped, half up, never more decimals than the value has', () => {
    expect(readablePrice('64012.3')).toBe('64,012.3');
    expect(readablePrice('65133.35')).toBe('65,133.4'); // half up at the sixth significant digit
    expect(readablePrice('3500.55')).toBe('3,500.55');
    expect(readablePrice('0.612345678912')).toBe('0.61235');
    expect(readablePrice('1234567')).toBe('1,234,567');
    expect(readablePrice('65000')).toBe('65,000');
    expect(readablePrice('not a number')).toBe('not a number');
  });

  it('algo.cancelled: what filled before, what was asked, and the reason (info)', () => {
    const n = notificationOf(
      stored('algo.cancelled', {
        parentId: 'sig-ad',
        symbol: 'ETH/USDT:USDT',
        kind: 'adaptive',
        slices: 4,
        slicesSent: 1,
        totalAmount: '1',
        filledAmount: '0.25',
        averagePrice: '3500.55',
        reason: 'close_all by the owner',
      }),
    )!;
    expect(n).toMatchObject({
      kind: 'sliced_entry',
      severity: 'info',
      title: 'ETH/USDT:USDT ADAPTIVE cancelled: 1/4 slices, 0.25 filled at 3,500.55',
      lines: ['0.25 of 1 asked', 'close_all by the owner'],
    });
  });

  it('a cancel before anything filled says so', () => {
    const n = notificationOf(
      stored('algo.cancelled', {
        parentId: 'sig-t',
        symbol: 'BTC/USDT:USDT',
        kind: 'twap',
        slices: 3,
        slicesSent: 1,
        totalAmount: '0.03',
        filledAmount: '0',
        reason: 'account paused (ACCOUNT_NOT_ACTIVE)',
      }),
    )!;
    expect(n.title).toBe('BTC/USDT:USDT TWAP cancelled: 1/3 slices, nothing filled');
    expect(n.lines).toEqual(['0 of 0.03 asked', 'account paused (ACCOUNT_NOT_ACTIVE)']);
  });
});

describe('funding-arbitrage rounds', () => {
  it('arb.entered: which account is short and which long, the amount, the decision’s bps (info)', () => {
    const entered = {
      planId: 'btc-bn-bb',
      round: 3,
      symbol: 'BTC/USDT:USDT',
      side: 'short-perp',
      perpAccountId: 'acc-binance',
      otherAccountId: 'acc-bybit',
      amount: '0.5',
      projectedBps: '42.5',
      costBps: '30',
      edgeBps: '12.5',
    };
    expect(notificationOf(stored('arb.entered', entered))).toMatchObject({
      kind: 'funding_arb',
      severity: 'info',
      title: 'Funding arb btc-bn-bb #3 entered BTC/USDT:USDT: short on acc-binance, long on acc-bybit, 0.5 each',
      lines: ['projected 42.5 bps vs cost 30 bps (edge 12.5 bps)'],
    });
    // long-perp: the first account is the long one
    expect(notificationOf(stored('arb.entered', { ...entered, side: 'long-perp' }))?.title).toContain(
      'short on acc-bybit, long on acc-binance',
    );
  });

  it('arb.rebalanced unwind: the filled leg closed whole because the other never filled (warning)', () => {
    const n = notificationOf(
      stored('arb.rebalanced', {
        planId: 'btc-bn-bb',
        round: 3,
        leg: 'perp',
        accountId: 'acc-binance',
        symbol: 'BTC/USDT:USDT',
        amount: '0.5',
        reason: 'unwind',
      }),
    )!;
    expect(n).toMatchObject({
      kind: 'funding_arb',
      severity: 'warning',
      title:
        'Funding arb btc-bn-bb #3 unwound: perp leg on acc-binance closed, 0.5 BTC/USDT:USDT (other leg never filled)',
    });
    expect(renderNotification(n).startsWith('⚠️ ')).toBe(true);
  });

  it('arb.rebalanced balance: the bigger leg reduced to the smaller (info)', () => {
    expect(
      notificationOf(
        stored('arb.rebalanced', {
          planId: 'btc-bn-bb',
          round: 4,
          leg: 'other',
          accountId: 'acc-bybit',
          symbol: 'BTC/USDT:USDT',
          amount: '0.1',
          reason: 'balance',
        }),
      ),
    ).toMatchObject({
      severity: 'info',
      title:
        'Funding arb btc-bn-bb #4 rebalanced: other leg on acc-bybit reduced by 0.1 BTC/USDT:USDT to match the perp leg',
    });
  });

  it('arb.exited: the round and its reason (info)', () => {
    expect(
      notificationOf(
        stored('arb.exited', { planId: 'btc-bn-bb', round: 3, symbol: 'BTC/USDT:USDT', reason: 'horizon ended' }),
      ),
    ).toMatchObject({
      kind: 'funding_arb',
      severity: 'info',
      title: 'Funding arb btc-bn-bb #3 exited BTC/USDT:USDT: horizon ended',
    });
  });

  it('a damaged record (fields missing or unfit) still gives a message with gaps, never a throw', () => {
    expect(notificationOf(stored('arb.exited', {}))?.title).toBe('Funding arb ? #? exited ?: ?');
    expect(notificationOf(stored('algo.completed', { filledAmount: 'lots' }))?.title).toBe(
      '? SLICED ENTRY done: ?/? slices, filled amount unknown',
    );
    expect(notificationOf(stored('arb.rebalanced', { reason: 'unwind', round: 'x' }))?.severity).toBe('warning');
  });
});

describe('the owner’s rules select them by kind', () => {
  const unwind = notificationOf(
    stored('arb.rebalanced', {
      planId: 'p',
      round: 1,
      leg: 'perp',
      accountId: 'a',
      symbol: 'BTC/USDT:USDT',
      amount: '1',
      reason: 'unwind',
    }),
  )!;
  const exited = notificationOf(stored('arb.exited', { planId: 'p', round: 1, symbol: 'S', reason: 'r' }))!;
  const done = notificationOf(stored('algo.completed', twapDone))!;

  it('by default everything to the chat channels; by email only an unwind (a warning)', () => {
    expect(channelsFor(unwind, DEFAULT_NOTIFY_CONFIG)).toEqual(['telegram', 'discord', 'console', 'email']);
    expect(channelsFor(exited, DEFAULT_NOTIFY_CONFIG)).toEqual(['telegram', 'discord', 'console']);
    expect(channelsFor(done, DEFAULT_NOTIFY_CONFIG)).toEqual(['telegram', 'discord', 'console']);
  });

  it('NOTIFY_CONFIG may name the new kinds; a rule without them sends them nowhere', () => {
    const config = parseNotifyConfig(
      JSON.stringify({
        rules: [
          { kinds: ['trade_closed'], channels: ['telegram'], minSeverity: 'info' },
          { kinds: ['funding_arb'], channels: ['email'], minSeverity: 'warning' },
        ],
      }),
    );
    expect(channelsFor(done, config)).toEqual([]);
    expect(channelsFor(exited, config)).toEqual([]);
    expect(channelsFor(unwind, config)).toEqual(['email']);
    expect(() =>
      parseNotifyConfig(JSON.stringify({ rules: [{ kinds: ['arb'], channels: ['email'], minSeverity: 'info' }] })),
    ).toThrow(/NOTIFY_CONFIG\.rules/);
  });
});
