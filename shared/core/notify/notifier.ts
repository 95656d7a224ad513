// Fan-out of notifications to the owner's channels. Each channel is isolated: a broken or throttled
// one never blocks another (nor, since this runs in its own function, a trade). What cannot go now
// (quiet hours, a 429 beyond the channel's wait budget, a failure) is held and sent later as one
// digest by flushHeld(), which every notifier run calls.
import { batchMessages } from './batch';
import type { NotifyConfig } from './config';
import { isQuiet, route } from './routing';
import type { Attachment, ChannelName, Notification } from './types';
import type { Clock, HeldNotifications, NotificationChannel } from './ports';

export interface NotifierDeps {
  channels: readonly NotificationChannel[];
  config: NotifyConfig;
  held: HeldNotifications;
  clock: Clock;
  /** where a channel failure is reported (the logger): never the message's secrets, only the error */
  onChannelError?: (channel: ChannelName, error: unknown) => void;
  /** held notifications older than this are dropped rather than sent (default 24 h) */
  maxHoldMs?: number;
}

export interface DispatchReport {
  /** messages sent per channel */
  sent: Partial<Record<ChannelName, number>>;
  held: number;
  failed: ChannelName[];
}

export class Notifier {
  private readonly byName: Map<ChannelName, NotificationChannel>;

  constructor(private readonly deps: NotifierDeps) {
    this.byName = new Map(deps.channels.map((c) => [c.name, c]));
  }

  /** Sends what the rules route now; holds the rest. `attachments` by notification id (the report's chart). */
  async dispatch(
    notifications: readonly Notification[],
    attachments: ReadonlyMap<string, Attachment> = new Map(),
  ): Promise<DispatchReport> {
    const report: DispatchReport = { sent: {}, held: 0, failed: [] };
    const now = this.deps.clock.now();
    const seen = new Set<string>();
    const perChannel = new Map<ChannelName, Notification[]>();
    const available = new Set(this.byName.keys());
    for (const n of notifications) {
      if (seen.has(n.id)) continue; // a redelivered stream record
      seen.add(n.id);
      const r = route(n, this.deps.config, now, available);
      for (const c of r.held) {
        await this.deps.held.hold(c, n);
        report.held++;
      }
      for (const c of r.now) perChannel.set(c, [...(perChannel.get(c) ?? []), n]);
    }
    await Promise.all([...perChannel].map(([name, list]) => this.deliver(name, list, attachments, report)));
    return report;
  }

  /** Sends each channel's held notifications as one digest, unless it is still quiet. */
  async flushHeld(): Promise<DispatchReport> {
    const report: DispatchReport = { sent: {}, held: 0, failed: [] };
    const now = this.deps.clock.now();
    if (this.deps.config.quietHours && isQuiet(now, this.deps.config.quietHours)) return report;
    const maxAge = this.deps.maxHoldMs ?? 24 * 3_600_000;
    await Promise.all(
      [...this.byName.values()].map(async (channel) => {
        const held = await this.deps.held.list(channel.name);
        if (!held.length) return;
        const fresh = held.filter((n) => now - n.at <= maxAge);
        if (!fresh.length) {
          await this.deps.held.release(
            channel.name,
            held.map((n) => n.id),
          );
          return;
        }
        try {
          for (const message of batchMessages(
            fresh,
            channel.maxTextLength,
            `While you were away: ${fresh.length} event${fresh.length > 1 ? 's' : ''}`,
          )) {
            await channel.send(message);
            report.sent[channel.name] = (report.sent[channel.name] ?? 0) + 1;
          }
          await this.deps.held.release(
            channel.name,
            held.map((n) => n.id),
          );
        } catch (error) {
          report.failed.push(channel.name);
          this.deps.onChannelError?.(channel.name, error);
        }
      }),
    );
    return report;
  }

  private async deliver(
    name: ChannelName,
    list: Notification[],
    attachments: ReadonlyMap<string, Attachment>,
    report: DispatchReport,
  ): Promise<void> {
    const channel = this.byName.get(name) as NotificationChannel;
    const plain = list.filter((n) => !attachments.has(n.id));
    const withFiles = list.filter((n) => attachments.has(n.id));
    const undelivered = new Map(list.map((n) => [n.id, n]));
    try {
      for (const { ids, ...message } of batchMessages(plain, channel.maxTextLength)) {
        await channel.send(message);
        for (const id of ids) undelivered.delete(id);
        report.sent[name] = (report.sent[name] ?? 0) + 1;
      }
      for (const n of withFiles) {
        const [batch] = batchMessages([n], channel.maxTextLength);
        if (batch)
          await channel.send({
            text: batch.text,
            severity: batch.severity,
            attachment: attachments.get(n.id) as Attachment,
          });
        undelivered.delete(n.id);
        report.sent[name] = (report.sent[name] ?? 0) + 1;
      }
    } catch (error) {
      // Throttled (429 beyond the channel's wait budget) or failing: what did not go waits for the
      // next run's digest (a report's text is held; its chart is not stored).
      report.failed.push(name);
      this.deps.onChannelError?.(name, error);
      for (const n of undelivered.values()) {
        await this.deps.held.hold(name, n);
        report.held++;
      }
    }
  }
}
