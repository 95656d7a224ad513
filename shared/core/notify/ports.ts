// What the notifier needs from the outside: the channels a message goes out on (Telegram, email,
// Discord, the local console), the store of notifications held for later, and the clock. Files in
// notify/ import ports from here only.
import type { TenantNotifySettings } from './tenant-settings';
import type { ChannelName, Message, Notification } from './types';

export type { Clock } from '../ports/runtime';

export interface NotificationChannel {
  readonly name: ChannelName;
  /** the largest text one message may carry (Telegram 4,096; Discord 2,000) */
  readonly maxTextLength: number;
  /** Sends one message; honours the service's rate limits itself up to its own budget. */
  send(message: Message): Promise<void>;
}

/** Notifications waiting for a channel (quiet hours, throttling, a failed send). */
export interface HeldNotifications {
  hold(channel: ChannelName, notification: Notification): Promise<void>;
  /** oldest first */
  list(channel: ChannelName): Promise<Notification[]>;
  release(channel: ChannelName, ids: readonly string[]): Promise<void>;
}

/** A tenant's own channels (the tenants table's `notify` item), or undefined when it has set none. */
export interface TenantNotifySettingsReader {
  get(tenantId: string): Promise<TenantNotifySettings | undefined>;
}
