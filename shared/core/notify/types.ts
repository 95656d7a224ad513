// The notifier's vocabulary: what happened (a Notification, made from an audit event or a job),
// how it is written for a person (a Message), and where it goes (a channel: a port, ports.ts):
// Telegram, SNS email, Discord webhook, and the console/file of the local stack.
import { AdapterError } from '../errors';

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** What a notification is about: rules select on it. */
export type NotificationKind =
  | 'signal_rejected'
  | 'order_placed'
  | 'order_filled'
  | 'order_failed'
  | 'protective_hit'
  | 'trade_closed'
  | 'risk_refused'
  | 'kill_switch'
  | 'reconciliation'
  | 'alert'
  | 'function_error'
  | 'report'
  /** a sliced entry (TWAP, adaptive) done or cancelled */
  | 'sliced_entry'
  /** a funding-arbitrage round entered, rebalanced, unwound or exited */
  | 'funding_arb';

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'signal_rejected',
  'order_placed',
  'order_filled',
  'order_failed',
  'protective_hit',
  'trade_closed',
  'risk_refused',
  'kill_switch',
  'reconciliation',
  'alert',
  'function_error',
  'report',
  'sliced_entry',
  'funding_arb',
];

export interface Notification {
  kind: NotificationKind;
  severity: Severity;
  /** epoch ms UTC of the event */
  at: number;
  accountId?: string;
  /** the signal it belongs to: the correlation id from webhook to notifier */
  signalId?: string;
  /** one line, the gist ("BTC/USDT:USDT long closed: +123.45 USDT (+2.1 %)") */
  title: string;
  /** a few short lines with the numbers */
  lines: string[];
  /** stable id (the audit event's), so a redelivered event is recognised */
  id: string;
}

/** A PNG (or other file) sent with a message: the report's equity chart. */
export interface Attachment {
  filename: string;
  contentType: string;
  data: Uint8Array;
  /** where the file can be fetched (a presigned link), for channels that cannot attach */
  url?: string;
}

/** What a channel sends: text already rendered, possibly several notifications batched into one. */
export interface Message {
  text: string;
  severity: Severity;
  attachment?: Attachment;
}

export type ChannelName = 'telegram' | 'email' | 'discord' | 'console';

/** A channel refused for now and said when to come back (Telegram/Discord 429 retry_after). */
export class ChannelRateLimitedError extends AdapterError {
  constructor(
    readonly channel: ChannelName,
    readonly retryAfterMs: number,
  ) {
    super(`${channel} rate limited: retry after ${retryAfterMs} ms`, 'RATE_LIMITED', true);
    this.name = 'ChannelRateLimitedError';
  }
}
