// Which notifications go where, from what severity, and when to stay quiet. One configuration per
// deployment (the owner's), from the stage config (NOTIFY_RULES) or, locally, the defaults.
import type { ChannelName, NotificationKind, Severity } from './types';

export interface NotifyRule {
  /** the kinds this rule sends, or '*' for all */
  kinds: readonly NotificationKind[] | '*';
  channels: readonly ChannelName[];
  minSeverity: Severity;
}

export interface QuietHours {
  /** 'HH:MM' local time in `timeZone`; the window may cross midnight (22:00 → 07:00) */
  start: string;
  end: string;
  timeZone: string;
}

export interface NotifyConfig {
  rules: readonly NotifyRule[];
  /** non-critical messages are held during these hours and sent as one digest after; critical always pass */
  quietHours?: QuietHours;
}

/**
 * Defaults a trader would pick: everything that happens to the money to Telegram (and the console
 * locally); by email only what must not be missed (warnings and worse) and the reports.
 */
export const DEFAULT_NOTIFY_CONFIG: NotifyConfig = {
  rules: [
    { kinds: '*', channels: ['telegram', 'discord', 'console'], minSeverity: 'info' },
    {
      // funding_arb reaches this rule only as a warning: a round unwound because one leg never filled.
      kinds: ['alert', 'kill_switch', 'function_error', 'order_failed', 'reconciliation', 'funding_arb'],
      channels: ['email'],
      minSeverity: 'warning',
    },
    { kinds: ['report'], channels: ['email'], minSeverity: 'info' },
  ],
};
