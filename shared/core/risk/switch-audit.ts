// What a kill-switch event writes to the audit trail, whoever judged it: the risk-check job, or the
// price watcher tripping the circuit breaker between the job's runs. One shape, so the notifier
// and the console read a trip the same way from either.
import type { AuditEvent } from '../domain/audit';
import type { SwitchEvent } from './switches';

/** The switch's own event, and for a trip the alert that tells the owner (drawdown: critical). */
export function switchAuditEvents(accountId: string, event: SwitchEvent, at: number): AuditEvent[] {
  const events: AuditEvent[] = [
    {
      accountId,
      type: 'risk.switch',
      at,
      message: `${event.switch} ${event.kind}: ${event.reason}`,
      data: { switch: event.switch, kind: event.kind, ...event.numbers },
    },
  ];
  if (event.kind === 'tripped') {
    const severity = event.switch === 'drawdown' ? 'critical' : 'warning';
    events.push({
      accountId,
      type: 'alert',
      at,
      message: `kill switch ${event.switch} tripped: ${event.reason}`,
      data: { severity, switch: event.switch, ...event.numbers },
    });
  }
  return events;
}
