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
  /** what one fill or funding settlement added to a trade's fees, funding and P&L (exact decimal text) */
  | 'trade.booked'
  | 'protective.triggered'
  /** the risk engine accepted an entry (with the size, leverage and every check's numbers) */
  | 'risk.accepted'
  | 'risk.refused'
  /** a kill switch tripped, expired or was reset */
  | 'risk.switch'
  /** what the scheduled reconciliation found and did (manual close, external position, re-armed stop…) */
  | 'reconcile'
  /** the owner paused, resumed or flattened the account */
  | 'account.control'
  /** a daily or weekly report went out (its numbers) */
  | 'report.sent'
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
