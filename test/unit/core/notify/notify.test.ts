// The notifier's core: which audit events become messages and how they read, where they go (rules,
// quiet hours), how bursts are packed, and how channel failures stay isolated and are retried.
import { readAuditEvent, type AuditEvent, type StoredAuditEvent } from '../../../../shared/core/domain/audit';
import { batchMessages } from '../../../../shared/core/notify/batch';
import type { NotifyConfig } from '../../../../shared/core/notify/config';
import { notificationOf, renderNotification } from '../../../../shared/core/notify/from-audit';
import { channelsFor, isQuiet, route } from '../../../../shared/core/notify/routing';
import {
  ChannelRateLimitedError,
  type ChannelName,
  type Message,
  type Notification,
} from '../../../../shared/core/notify/types';
import { Notifier } from '../../../../shared/core/notify/notifier';
import type { HeldNotifications, NotificationChannel } from '../../../../shared/core/notify/ports';

const T = Date.UTC(2026, 10, 21, 12, 0, 0); // 12:00 UTC, 21:00 in Seoul
// Loose records, read as the stream and the repository read them (readAuditEvent).
const event = (
  type: AuditEvent['type'],
  message: string,
  data: Record<string, unknown> = {},
  extra: { signalId?: string } = {},
): StoredAuditEvent =>
  readAuditEvent({
    accountId: 'acc-1',
    type,
    at: T,
    message,
    data,
    eventId: `${T}#${type}#${Math.random()}`,
    ...extra,
  })!;

describe('notificationOf: the events worth a message, with their numbers', () => {
  it('a closed trade says P&L and ROI with signs and units', () => {
    const n = notificationOf(
      event(
        'trade.closed',
        'closed long BTC/USDT:USDT @ 66000: P&L 95.3 (1.47% ROI, fees 4.7)',
        { symbol: 'BTC/USDT:USDT', realizedPnl: '95.3', roiPct: 1.4662 },
        { signalId: 'sig-9' },
      ),
    );
    expect(n).toMatchObject({
      kind: 'trade_closed',
      severity: 'info',
      title: 'Trade closed: +95.30 USDT (+1.47 %)',
      signalId: 'sig-9',
      accountId: 'acc-1',
    });
    expect(
      notificationOf(event('trade.closed', 'closed', { symbol: 'BTC/USDT:USDT', realizedPnl: '-12.5', roiPct: -3 })),
    ).toMatchObject({ severity: 'warning', title: 'Trade closed: -12.50 USDT (-3.00 %)' });
  });

  it('a failed order names the domain code and the exchange code', () => {
    const n = notificationOf(
      event('order.failed', 'rejected: insufficient margin', { code: 'INSUFFICIENT_MARGIN', exchangeCode: '-2019' }),
    );
    expect(n).toMatchObject({
      kind: 'order_failed',
      severity: 'warning',
      title: 'Order failed (INSUFFICIENT_MARGIN, exchange -2019)',
      lines: ['rejected: insufficient margin'],
    });
  });

  it('a drawdown trip is critical; other trips warn; expiries inform', () => {
    expect(
      notificationOf(
        event('risk.switch', 'drawdown tripped: 22.5 % from the peak', { switch: 'drawdown', kind: 'tripped' }),
      ),
    ).toMatchObject({ kind: 'kill_switch', severity: 'critical', title: 'Kill switch drawdown tripped' });
    expect(notificationOf(event('risk.switch', 'x', { switch: 'daily_loss', kind: 'tripped' }))?.severity).toBe(
      'warning',
    );
    expect(notificationOf(event('risk.switch', 'x', { switch: 'daily_loss', kind: 'expired' }))?.severity).toBe('info');
  });

  it('says each thing once: a switch trip’s twin alert and an alerted reconciliation are dropped, a risk refusal is not repeated as a rejected signal', () => {
    expect(
      notificationOf(event('alert', 'kill switch drawdown tripped', { switch: 'drawdown', severity: 'critical' })),
    ).toBeUndefined();
    expect(notificationOf(event('reconcile', 'closed outside the system', { alerted: true }))).toBeUndefined();
    expect(
      notificationOf(event('reconcile', 'cancelled sl t123, a protective order left without a position', {})),
    ).toMatchObject({ kind: 'reconciliation' });
    expect(notificationOf(event('signal.rejected', 'daily loss', { code: 'KILL_SWITCH_DAILY_LOSS' }))).toBeUndefined();
    expect(
      notificationOf(
        event('signal.rejected', 'unknown symbol', {
          code: 'UNKNOWN_SYMBOL',
          symbol: 'FOO/USDT:USDT',
          intent: 'enter_long',
        }),
      ),
    ).toMatchObject({ kind: 'signal_rejected', title: 'Signal rejected FOO/USDT:USDT enter_long: UNKNOWN_SYMBOL' });
  });

  it('bookkeeping events make no message', () => {
    for (const type of [
      'order.intent',
      'signal.accepted',
      'signal.duplicate',
      'risk.accepted',
      'trade.opened',
    ] as const)
      expect(notificationOf(event(type, 'x'))).toBeUndefined();
  });
});

const notification = (over: Partial<Notification> = {}): Notification => ({
  kind: 'order_filled',
  severity: 'info',
  at: T,
  title: 'Filled: buy 0.1 BTC',
  lines: [],
  id: `id-${Math.random()}`,
  accountId: 'acc-1',
  ...over,
});

describe('routing', () => {
  const config: NotifyConfig = {
    rules: [
      { kinds: '*', channels: ['telegram'], minSeverity: 'info' },
      { kinds: ['kill_switch', 'alert'], channels: ['email'], minSeverity: 'warning' },
    ],
    quietHours: { start: '22:00', end: '07:00', timeZone: 'Asia/Seoul' },
  };
  const all = new Set<ChannelName>(['telegram', 'email', 'console']);

  it('picks channels by kind and minimum severity', () => {
    expect(channelsFor(notification(), config)).toEqual(['telegram']);
    expect(channelsFor(notification({ kind: 'alert', severity: 'info' }), config)).toEqual(['telegram']);
    expect(channelsFor(notification({ kind: 'alert', severity: 'warning' }), config)).toEqual(['telegram', 'email']);
  });

  it('quiet hours in the owner’s zone hold non-critical messages; critical ones pass', () => {
    const nightInSeoul = Date.UTC(2026, 10, 21, 15, 0, 0); // 00:00 in Seoul
    expect(isQuiet(nightInSeoul, config.quietHours!)).toBe(true);
    expect(isQuiet(T, config.quietHours!)).toBe(false); // 21:00 in Seoul
    expect(isQuiet(Date.UTC(2026, 10, 21, 22, 0, 0), config.quietHours!)).toBe(false); // 07:00 in Seoul: over
    expect(route(notification(), config, nightInSeoul, all)).toEqual({ now: [], held: ['telegram'] });
    expect(route(notification({ kind: 'kill_switch', severity: 'critical' }), config, nightInSeoul, all)).toEqual({
      now: ['telegram', 'email'],
      held: [],
    });
    expect(route(notification(), config, T, new Set<ChannelName>(['email']))).toEqual({ now: [], held: [] }); // telegram not configured
  });
});

describe('batchMessages: a burst becomes few messages within the channel’s limit', () => {
  it('packs 50 notifications into messages of at most 4,096 characters, most severe first, every one present once', () => {
    const burst = Array.from({ length: 50 }, (_, i) =>
      notification({
        id: `n${i}`,
        title: `Filled: buy ${i + 1} BTC/USDT:USDT @ 65000 (fee 3.25)`,
        lines: ['a line of detail that makes the block longer than a title alone'],
        severity: i === 7 ? 'critical' : 'info',
      }),
    );
    const messages = batchMessages(burst, 4096);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages.length).toBeLessThanOrEqual(3);
    for (const m of messages) expect(m.text.length).toBeLessThanOrEqual(4096);
    expect(messages.flatMap((m) => m.ids).sort()).toEqual(burst.map((n) => n.id).sort());
    expect(messages[0]?.text.startsWith('50 events')).toBe(true);
    expect(messages[0]?.ids[0]).toBe('n7');
    expect(messages[0]?.severity).toBe('critical');
  });

  it('one notification is sent as itself', () => {
    const [m] = batchMessages([notification({ title: 'Trade closed: +1.00 USDT', lines: ['closed long'] })], 4096);
    expect(m?.text).toBe(
      renderNotification(notification({ title: 'Trade closed: +1.00 USDT', lines: ['closed long'] })),
    );
  });
});

class RecordingChannel implements NotificationChannel {
  readonly sent: Message[] = [];
  failWith?: Error;
  constructor(
    readonly name: ChannelName,
    readonly maxTextLength = 4096,
  ) {}
  async send(message: Message): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(message);
  }
}

class MemoryHeld implements HeldNotifications {
  readonly rows = new Map<ChannelName, Notification[]>();
  async hold(channel: ChannelName, n: Notification) {
    const list = this.rows.get(channel) ?? [];
    if (!list.some((x) => x.id === n.id)) list.push(n);
    this.rows.set(channel, list);
  }
  async list(channel: ChannelName) {
    return [...(this.rows.get(channel) ?? [])].sort((a, b) => a.at - b.at);
  }
  async release(channel: ChannelName, ids: readonly string[]) {
    this.rows.set(
      channel,
      (this.rows.get(channel) ?? []).filter((n) => !ids.includes(n.id)),
    );
  }
}

describe('Notifier', () => {
  const setup = (quiet?: NotifyConfig['quietHours']) => {
    const telegram = new RecordingChannel('telegram');
    const email = new RecordingChannel('email');
    const held = new MemoryHeld();
    const clock = {
      t: T,
      now() {
        return this.t;
      },
    };
    const errors: ChannelName[] = [];
    const config: NotifyConfig = {
      rules: [{ kinds: '*', channels: ['telegram', 'email'], minSeverity: 'info' }],
      ...(quiet ? { quietHours: quiet } : {}),
    };
    const notifier = new Notifier({
      channels: [telegram, email],
      config,
      held,
      clock,
      onChannelError: (c) => errors.push(c),
    });
    return { telegram, email, held, clock, notifier, errors };
  };

  it('a broken channel does not stop the others; what it could not send waits and goes out as a digest next run', async () => {
    const { telegram, email, held, notifier, errors } = setup();
    email.failWith = new Error('SNS down');
    const report = await notifier.dispatch([notification({ id: 'a' }), notification({ id: 'b' })]);
    expect(telegram.sent).toHaveLength(1);
    expect(report).toMatchObject({ sent: { telegram: 1 }, failed: ['email'], held: 2 });
    expect(errors).toEqual(['email']);
    expect((await held.list('email')).map((n) => n.id)).toEqual(['a', 'b']);

    email.failWith = undefined;
    const flushed = await notifier.flushHeld();
    expect(flushed.sent).toEqual({ email: 1 });
    expect(email.sent[0]?.text).toMatch(/^While you were away: 2 events/);
    expect(await held.list('email')).toEqual([]);
  });

  it('a throttled channel (429 beyond its wait budget) holds the rest', async () => {
    const { telegram, held, notifier } = setup();
    telegram.failWith = new ChannelRateLimitedError('telegram', 30_000);
    const report = await notifier.dispatch([notification({ id: 'x' })]);
    expect(report.failed).toContain('telegram');
    expect((await held.list('telegram')).map((n) => n.id)).toEqual(['x']);
  });

  it('quiet hours: held, then one digest once they end; a critical message passes at once', async () => {
    const { telegram, held, clock, notifier } = setup({ start: '22:00', end: '07:00', timeZone: 'UTC' });
    clock.t = Date.UTC(2026, 10, 21, 23, 0, 0);
    await notifier.dispatch([
      notification({ id: 'q1' }),
      notification({ id: 'q2' }),
      notification({ id: 'crit', kind: 'kill_switch', severity: 'critical', title: 'Kill switch drawdown tripped' }),
    ]);
    expect(telegram.sent.map((m) => m.text)).toEqual([expect.stringContaining('Kill switch drawdown tripped')]);
    expect((await held.list('telegram')).map((n) => n.id)).toEqual(['q1', 'q2']);
    expect((await notifier.flushHeld()).sent).toEqual({}); // still quiet
    clock.t = Date.UTC(2026, 10, 22, 7, 0, 0);
    expect((await notifier.flushHeld()).sent).toEqual({ telegram: 1, email: 1 });
    expect(telegram.sent[1]?.text).toMatch(/^While you were away: 2 events/);
  });

  it('a redelivered event is sent once; a report’s chart travels with its own message', async () => {
    const { telegram, notifier } = setup();
    const report = notification({ id: 'r', kind: 'report', title: 'Daily report' });
    const chart = { filename: 'equity.png', contentType: 'image/png', data: new Uint8Array([137, 80, 78, 71]) };
    await notifier.dispatch(
      [notification({ id: 'dup' }), notification({ id: 'dup' }), report],
      new Map([['r', chart]]),
    );
    expect(telegram.sent).toHaveLength(2);
    expect(telegram.sent[1]?.attachment).toBe(chart);
    expect(telegram.sent[0]?.text).not.toContain('Daily report');
  });
});
