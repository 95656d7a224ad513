// Append-only record of every decision the system takes, with its reason and numbers.
export type AuditType =
  | 'account.created'
  | 'account.status'
  | 'account.token_rotated'
  | 'signal.accepted'
  | 'signal.duplicate'
  | 'signal.rejected'
  | 'signal.executed'
  | 'signal.skipped'
  | 'order.intent'
  | 'order.sent'
  | 'order.filled'
  | 'order.failed'
  | 'order.adopted'
  | 'order.canceled'
  | 'trade.opened'
  | 'trade.closed'
  | 'protective.triggered'
  /** something the owner must know now (exchange ban, order the system did not place…) */
  | 'alert';

export interface AuditEvent {
  accountId: string;
  type: AuditType;
  at: number;
  signalId?: string;
  message: string;
  data?: Record<string, unknown>;
}
