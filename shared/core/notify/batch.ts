// Bursts become few messages: one signal can produce an intent, a fill, a trade and protective
// orders within a second, and fifty of them would hit Telegram's flood control (about one message
// per second per chat). Notifications for one channel are packed into as few messages as its
// length limit allows, most severe first.
import { renderNotification } from './from-audit';
import { SEVERITY_RANK, type Message, type Notification, type Severity } from './types';

/** A message and the notifications it carries (so a failed send knows what is still undelivered). */
export type Batch = Message & { ids: string[] };

export function batchMessages(
  notifications: readonly Notification[],
  maxTextLength: number,
  heading?: string,
): Batch[] {
  if (!notifications.length) return [];
  const ordered = [...notifications].sort(
    (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.at - b.at,
  );
  const several = ordered.length > 1 || heading !== undefined;
  const blocks = ordered.map((n) =>
    renderNotification(n, { withAccount: several && new Set(ordered.map((o) => o.accountId)).size > 1 }),
  );
  const messages: Batch[] = [];
  let current: string[] = [];
  let ids: string[] = [];
  let severity: Severity = 'info';
  let length = 0;
  const head = heading ?? (several ? `${ordered.length} events` : undefined);
  const flush = () => {
    if (!current.length) return;
    const prefix = head && messages.length === 0 ? `${head}\n\n` : '';
    messages.push({ text: prefix + current.join('\n\n'), severity, ids });
    current = [];
    ids = [];
    length = 0;
    severity = 'info';
  };
  for (let i = 0; i < blocks.length; i++) {
    // A single block longer than the limit is cut: the channel splits nothing mid-notification.
    const block = (blocks[i] as string).slice(0, Math.max(1, maxTextLength - (head?.length ?? 0) - 4));
    const extra = block.length + (current.length ? 2 : 0);
    if (length + extra + (head && messages.length === 0 ? head.length + 2 : 0) > maxTextLength) flush();
    current.push(block);
    ids.push((ordered[i] as Notification).id);
    length += block.length + (current.length > 1 ? 2 : 0);
    const s = (ordered[i] as Notification).severity;
    if (SEVERITY_RANK[s] > SEVERITY_RANK[severity]) severity = s;
  }
  flush();
  return messages;
}
