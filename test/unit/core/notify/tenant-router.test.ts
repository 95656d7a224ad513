// Each tenant's notifications reach its own channels and nobody else's: the deployment's channels
// get the first tenant `acc`'s events and those of no account; a tenant without channels gets
// nothing (counted), never the deployment's owner. The real Notifier behind the router; channels
// and held stores record what they were given.
import fc from 'fast-check';
import type { NotifyConfig } from '../../../../shared/core/notify/config';
import { Notifier } from '../../../../shared/core/notify/notifier';
import type { HeldNotifications, NotificationChannel } from '../../../../shared/core/notify/ports';
import { TenantRouter } from '../../../../shared/core/notify/tenant-router';
import type { TenantNotifySettings } from '../../../../shared/core/notify/tenant-settings';
import type { Attachment, ChannelName, Message, Notification } from '../../../../shared/core/notify/types';

const T = Date.UTC(2026, 10, 21, 12, 0, 0); // 12:00 UTC
const A = 't0000000aaa';
const B = 't0000000bbb';
const NONE = 't0000000ccc'; // a tenant that set no channels

class RecordingChannel implements NotificationChannel {
  readonly sent: Message[] = [];
  readonly maxTextLength = 4096;
  constructor(readonly name: ChannelName) {}
  async send(message: Message): Promise<void> {
    this.sent.push(message);
  }
  get text(): string {
    return this.sent.map((m) => m.text).join('\n');
  }
}

class MemoryHeld implements HeldNotifications {
  readonly rows = new Map<ChannelName, Notification[]>();
  async hold(channel: ChannelName, n: Notification) {
    this.rows.set(channel, [...(this.rows.get(channel) ?? []).filter((x) => x.id !== n.id), n]);
  }
  async list(channel: ChannelName) {
    return [...(this.rows.get(channel) ?? [])];
  }
  async release(channel: ChannelName, ids: readonly string[]) {
    this.rows.set(
      channel,
      (this.rows.get(channel) ?? []).filter((n) => !ids.includes(n.id)),
    );
  }
}

const config: NotifyConfig = { rules: [{ kinds: '*', channels: ['telegram', 'discord'], minSeverity: 'info' }] };

function setup(stored: Record<string, TenantNotifySettings | undefined> = {}) {
  const clock = { t: T, now: () => clock.t };
  const deployment = new RecordingChannel('telegram');
  const channels = new Map<string, RecordingChannel[]>();
  const helds = new Map<string, MemoryHeld>();
  const reads: string[] = [];
  const unrouted: Array<[string | undefined, number]> = [];
  const settings: Record<string, TenantNotifySettings | undefined> = {
    [A]: { telegramChatIds: ['111'], emails: [], updatedAt: 0 },
    [B]: { telegramChatIds: [], emails: [], discordWebhookUrl: 'https://discord.com/api/webhooks/1/x', updatedAt: 0 },
    ...stored,
  };
  let failRead = false;
  const router = new TenantRouter({
    deployment: new Notifier({ channels: [deployment], config, held: new MemoryHeld(), clock }),
    settings: {
      get: async (tenantId) => {
        reads.push(tenantId);
        if (failRead) throw new Error('throttled');
        return settings[tenantId];
      },
    },
    notifierFor: async (tenantId, s) => {
      const own = [
        ...(s.telegramChatIds.length ? [new RecordingChannel('telegram')] : []),
        ...(s.discordWebhookUrl ? [new RecordingChannel('discord')] : []),
      ];
      if (!own.length) return undefined;
      channels.set(tenantId, [...(channels.get(tenantId) ?? []), ...own]);
      const held = helds.get(tenantId) ?? new MemoryHeld();
      helds.set(tenantId, held);
      return new Notifier({
        channels: own,
        config: { ...config, ...(s.quietHours ? { quietHours: s.quietHours } : {}) },
        held,
        clock,
      });
    },
    clock,
    // the stored marks: every tenant whose held store has been used
    heldTenants: async () => [...helds.keys()],
    onUnrouted: (tenantId, count) => unrouted.push([tenantId, count]),
  });
  const textOf = (tenantId: string) => (channels.get(tenantId) ?? []).map((c) => c.text).join('\n');
  return {
    router,
    clock,
    deployment,
    channels,
    textOf,
    reads,
    unrouted,
    helds,
    settings,
    failReads: () => (failRead = true),
  };
}

let seq = 0;
const note = (accountId: string | undefined, title: string): Notification => ({
  kind: 'trade_closed',
  severity: 'info',
  at: T,
  ...(accountId === undefined ? {} : { accountId }),
  title,
  lines: [],
  id: `n-${seq++}`,
});

describe('TenantRouter', () => {
  it("sends A's events to A's channels only, B's to B's, acc's and the system's to the deployment's, and a tenant without channels nowhere", async () => {
    const s = setup();
    const report = await s.router.dispatch([
      note(`${A}-000000000001`, 'A-fill'),
      note(`${B}-000000000001`, 'B-fill'),
      note('acc-000000000001', 'acc-fill'),
      note(undefined, 'alarm'),
      note(`${NONE}-000000000001`, 'C-fill'),
      note('legacy1', 'no-tenant'), // an id that carries no tenant belongs to nobody
    ]);
    expect(s.textOf(A)).toContain('A-fill');
    expect(s.textOf(A)).not.toMatch(/B-fill|acc-fill|alarm|C-fill|no-tenant/);
    expect(s.textOf(B)).toContain('B-fill');
    expect(s.textOf(B)).not.toMatch(/A-fill|acc-fill|alarm|C-fill|no-tenant/);
    expect(s.deployment.text).toContain('acc-fill');
    expect(s.deployment.text).toContain('alarm');
    expect(s.deployment.text).not.toMatch(/A-fill|B-fill|C-fill|no-tenant/);
    expect(report.unrouted).toBe(2);
    expect(s.unrouted).toEqual([
      [NONE, 1],
      [undefined, 1],
    ]);
  });

  it('never lets a title cross tenants, whatever the mix of a batch (fixed-seed fuzz)', async () => {
    const tenants = ['acc', A, B, NONE];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...tenants), fc.nat(999)), { minLength: 1, maxLength: 30 }),
        async (events) => {
          const s = setup();
          await s.router.dispatch(events.map(([t, i]) => note(`${t}-${String(i).padStart(12, '0')}`, `<${t}:${i}>`)));
          const owners = (text: string) => new Set([...text.matchAll(/<([a-z0-9]+):\d+>/g)].map((m) => m[1]));
          for (const t of [A, B]) for (const o of owners(s.textOf(t))) expect(o).toBe(t);
          for (const o of owners(s.deployment.text)) expect(o).toBe('acc');
          // and nothing of a tenant with channels is lost
          for (const [t, i] of events) {
            const where = t === 'acc' ? s.deployment.text : t === NONE ? undefined : s.textOf(t);
            if (where !== undefined) expect(where).toContain(`<${t}:${i}>`);
          }
        },
      ),
      { seed: 15, numRuns: 100 },
    );
  });

  it("reads a tenant's settings once a minute at most, and again after", async () => {
    const s = setup();
    await s.router.dispatch([note(`${A}-000000000001`, 'one')]);
    s.clock.t += 59_000;
    await s.router.dispatch([note(`${A}-000000000002`, 'two')]);
    expect(s.reads).toEqual([A]);
    // a changed chat list takes effect after the minute
    s.settings[A] = { telegramChatIds: [], emails: [], updatedAt: 1 };
    s.clock.t += 1_000;
    const report = await s.router.dispatch([note(`${A}-000000000003`, 'three')]);
    expect(s.reads).toEqual([A, A]);
    expect(report.unrouted).toBe(1);
  });

  it('sends nothing when a settings read fails, so the retried batch tells nothing twice', async () => {
    const s = setup();
    s.failReads();
    await expect(
      s.router.dispatch([note('acc-000000000001', 'acc-fill'), note(`${A}-000000000001`, 'A-fill')]),
    ).rejects.toThrow('throttled');
    expect(s.deployment.sent).toEqual([]);
  });

  it("holds a tenant's events in its own quiet hours, in its own store, and flushes them to its own channel", async () => {
    const s = setup({
      [A]: {
        telegramChatIds: ['111'],
        emails: [],
        quietHours: { start: '11:00', end: '13:00', timeZone: 'UTC' },
        updatedAt: 0,
      },
    });
    await s.router.dispatch([note(`${A}-000000000001`, 'A-quiet'), note('acc-000000000001', 'acc-now')]);
    expect(s.textOf(A)).toBe('');
    expect(s.deployment.text).toContain('acc-now');
    expect((await s.helds.get(A)!.list('telegram')).map((n) => n.title)).toEqual(['A-quiet']);
    s.clock.t = Date.UTC(2026, 10, 21, 13, 0, 30);
    await s.router.flushHeld();
    expect(s.textOf(A)).toContain('A-quiet');
    expect(s.deployment.text).not.toContain('A-quiet');
  });

  it("flushes a tenant's digest from a cold function that never saw the tenant", async () => {
    const quiet = { start: '11:00', end: '13:00', timeZone: 'UTC' };
    const warm = setup({ [A]: { telegramChatIds: ['111'], emails: [], quietHours: quiet, updatedAt: 0 } });
    await warm.router.dispatch([note(`${A}-000000000001`, 'A-quiet')]);
    // a new container: same stored settings and held store, an empty cache
    const cold = setup({ [A]: { telegramChatIds: ['111'], emails: [], quietHours: quiet, updatedAt: 0 } });
    cold.helds.set(A, warm.helds.get(A)!);
    cold.clock.t = Date.UTC(2026, 10, 21, 13, 0, 30);
    await cold.router.flushHeld();
    expect(cold.textOf(A)).toContain('A-quiet');
    expect(cold.deployment.text).toBe('');
  });

  it("gives a report's chart only to its own tenant's notifier", async () => {
    const s = setup();
    const chart: Attachment = { filename: 'a.png', contentType: 'image/png', data: new Uint8Array([1]) };
    const a = note(`${A}-000000000001`, 'A-report');
    await s.router.dispatch([a, note('acc-000000000001', 'acc-report')], new Map([[a.id, chart]]));
    expect(s.deployment.sent.every((m) => m.attachment === undefined)).toBe(true);
    expect(s.channels.get(A)![0]!.sent.map((m) => m.attachment)).toEqual([chart]);
  });
});
