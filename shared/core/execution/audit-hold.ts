// An audit log that can hold one signal's events back while its fill is being protected. After an
// entry fills, the stop must rest on the exchange before anything else is written: an audit write
// that fails (a number DynamoDB refuses, a throttled table) or hangs must never stand between a
// fill and its stop. Held events are written, in order, once the protection is armed (release).
import type { AuditEvent, StoredAuditEvent } from '../domain/audit';
import type { AuditAppender, AuditLog } from './ports';

/** An event that could not be written even after retries, with why. */
export interface LostAuditEvent {
  event: AuditEvent;
  error: string;
}

/** Attempts per held event when it is released (a throttled write usually passes the second time). */
const ATTEMPTS = 3;

export class AuditHold implements AuditLog {
  /** signal id → its events appended while held, oldest first */
  private readonly held = new Map<string, AuditEvent[]>();

  constructor(private readonly inner: AuditLog) {}

  /** Events of this signal are kept in memory from now until `release`. */
  hold(signalId: string): void {
    if (!this.held.has(signalId)) this.held.set(signalId, []);
  }

  append(event: AuditEvent): Promise<void> {
    const queue = event.signalId !== undefined ? this.held.get(event.signalId) : undefined;
    if (!queue) return this.inner.append(event);
    queue.push(event);
    return Promise.resolve();
  }

  listByAccount(accountId: string, limit?: number): Promise<StoredAuditEvent[]> {
    return this.inner.listByAccount(accountId, limit);
  }

  /**
   * Writes the signal's held events in order and stops holding. An event refused after its
   * attempts is replaced by an `alert` that carries its type and message but not its data (the data
   * is what the table refused), so the trail still says what happened. Returns what could not be
   * written at all, not even as that alert: the caller must surface it.
   */
  async release(signalId: string): Promise<LostAuditEvent[]> {
    const events = this.held.get(signalId) ?? [];
    this.held.delete(signalId);
    const lost: LostAuditEvent[] = [];
    for (const event of events) {
      const error = await writeWithRetries(this.inner, event);
      if (error === undefined) continue;
      const stand = standIn(event, error);
      const again = await writeWithRetries(this.inner, stand);
      if (again !== undefined) lost.push({ event, error: `${error}; its alert: ${again}` });
    }
    return lost;
  }
}

/** The alert written in place of an event the audit table refused. */
export function standIn(
  event: Pick<AuditEvent, 'accountId' | 'type' | 'at' | 'signalId' | 'message'>,
  error: string,
): AuditEvent {
  return {
    accountId: event.accountId,
    type: 'alert',
    at: event.at,
    ...(event.signalId !== undefined ? { signalId: event.signalId } : {}),
    message: `audit event ${event.type} could not be written (${error}): ${event.message}`,
    data: { severity: 'critical', lostType: event.type },
  };
}

/** undefined when written; else the last error's message. */
export async function writeWithRetries(
  log: AuditAppender,
  event: AuditEvent,
  attempts = ATTEMPTS,
): Promise<string | undefined> {
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await log.append(event);
      return undefined;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
  }
  return last;
}
