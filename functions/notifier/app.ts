// Notifier: the audit table's stream (new events only) → notifications → the owner's channels.
// Every function already records what it decided in the audit log; this one tells the owner, so
// no trading function waits on Telegram. Held notifications (quiet hours, throttling) go out as a
// digest at the first run after they may.
import type { Logger } from '@aws-lambda-powertools/logger';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { readAuditEvent } from '../../shared/core/domain/audit';
import { notificationOf } from '../../shared/core/notify/from-audit';
import type { Notification } from '../../shared/core/notify/types';
import type { DispatchReport, Notifier } from '../../shared/core/notify/notifier';
import { createLogger } from '../../shared/platform/logger';

/** The audit events of a stream batch that call for a message, oldest first. */
export function notificationsOf(event: DynamoDBStreamEvent): Notification[] {
  const out: Notification[] = [];
  for (const record of event.Records ?? []) {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue; // append-only: inserts are the events
    // Read like the repository reads: a payload that does not fit its type is kept aside, not thrown on.
    const audit = readAuditEvent(unmarshall(record.dynamodb.NewImage as Parameters<typeof unmarshall>[0]));
    const n = audit && notificationOf(audit);
    if (n) out.push(n);
  }
  return out.sort((a, b) => a.at - b.at);
}

export function createNotifierHandler(
  notifier: Pick<Notifier, 'dispatch' | 'flushHeld'>,
  logger: Logger = createLogger('notifier'),
) {
  return async (event: DynamoDBStreamEvent): Promise<{ dispatched: DispatchReport; flushed: DispatchReport }> => {
    const notifications = notificationsOf(event);
    // The signal id ties this run to the webhook, queue and executor logs of the same signal.
    const signalIds = [...new Set(notifications.map((n) => n.signalId).filter(Boolean))];
    if (signalIds.length === 1) logger.appendKeys({ correlation_id: signalIds[0] });
    const dispatched = await notifier.dispatch(notifications);
    const flushed = await notifier.flushHeld();
    if (notifications.length || flushed.sent)
      logger.info('notified', {
        events: notifications.length,
        signalIds,
        sent: dispatched.sent,
        held: dispatched.held,
        failed: dispatched.failed,
        flushed: flushed.sent,
      });
    if (dispatched.failed.length || flushed.failed.length)
      logger.warn('some channels failed; their messages are held for the next run', {
        failed: [...dispatched.failed, ...flushed.failed],
      });
    logger.removeKeys(['correlation_id']);
    return { dispatched, flushed };
  };
}
