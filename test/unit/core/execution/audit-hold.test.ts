// The audit log that holds a signal's events while its fill is being protected (execute-signal.ts,
// "PROTECTION FIRST"): held events wait, keep their order, survive a refusing table as an alert
// that names them, and what cannot be written at all is returned, never dropped silently.
import type { AuditEvent } from '../../../../shared/core/domain/audit';
import type { AuditLog } from '../../../../shared/core/ports/repositories';
import { AuditHold } from '../../../../shared/core/execution/audit-hold';

/** A table that keeps what it accepts and refuses what `refuse` says, every time. */
class Table implements AuditLog {
  written: AuditEvent[] = [];
  attempts = 0;
  constructor(private readonly refuse: (e: AuditEvent) => boolean = () => false) {}
  append(event: AuditEvent): Promise<void> {
    this.attempts++;
    if (this.refuse(event)) return Promise.reject(new Error(`refused ${event.type}`));
    this.written.push(event);
    return Promise.resolve();
  }
  listByAccount(): Promise<AuditEvent[]> {
    return Promise.resolve(this.written);
  }
}

// The hold carries any event as it is: payloads here are placeholders, not what is under test.
const ev = (type: AuditEvent['type'], signalId?: string, data?: Record<string, unknown>): AuditEvent =>
  ({
    accountId: 'a',
    type,
    at: 1,
    message: `${type} happened`,
    ...(signalId ? { signalId } : {}),
    ...(data ? { data } : {}),
  }) as AuditEvent;

test('events of a held signal wait until release and are then written in order; other events pass at once', async () => {
  const table = new Table();
  const log = new AuditHold(table);
  log.hold('s1');
  await log.append(ev('order.filled', 's1'));
  await log.append(ev('alert')); // no signal: not held
  await log.append(ev('order.filled', 's2')); // another signal: not held
  await log.append(ev('trade.opened', 's1'));
  expect(table.written.map((e) => `${e.type}:${e.signalId ?? '-'}`)).toEqual(['alert:-', 'order.filled:s2']);

  expect(await log.release('s1')).toEqual([]);
  expect(table.written.map((e) => `${e.type}:${e.signalId ?? '-'}`)).toEqual([
    'alert:-',
    'order.filled:s2',
    'order.filled:s1',
    'trade.opened:s1',
  ]);
  // released: the signal's next events go straight through
  await log.append(ev('signal.executed', 's1'));
  expect(table.written.at(-1)?.type).toBe('signal.executed');
});

test('an event the table refuses is retried, then replaced by a critical alert with its type and message but not its data', async () => {
  const table = new Table((e) => e.type === 'risk.accepted');
  const log = new AuditHold(table);
  log.hold('s1');
  await log.append(ev('risk.accepted', 's1', { size: 1e308 }));
  await log.append(ev('order.filled', 's1'));

  expect(await log.release('s1')).toEqual([]);

  expect(table.attempts).toBe(3 + 1 + 1); // three tries of the refused event, its alert, the next event
  expect(table.written).toEqual([
    {
      accountId: 'a',
      type: 'alert',
      at: 1,
      signalId: 's1',
      message: 'audit event risk.accepted could not be written (refused risk.accepted): risk.accepted happened',
      data: { severity: 'critical', lostType: 'risk.accepted' },
    },
    expect.objectContaining({ type: 'order.filled' }),
  ]);
});

test('an event lost even as an alert is returned to the caller (which must surface it)', async () => {
  const table = new Table((e) => e.signalId === 's1');
  const log = new AuditHold(table);
  log.hold('s1');
  await log.append(ev('order.filled', 's1'));

  const lost = await log.release('s1');

  expect(lost).toEqual([
    {
      event: expect.objectContaining({ type: 'order.filled' }),
      error: 'refused order.filled; its alert: refused alert',
    },
  ]);
  expect(table.written).toEqual([]);
});

test('a write that fails once passes on its retry: no alert', async () => {
  let failures = 1;
  const table = new Table(() => failures-- > 0);
  const log = new AuditHold(table);
  log.hold('s1');
  await log.append(ev('order.filled', 's1'));
  expect(await log.release('s1')).toEqual([]);
  expect(table.written.map((e) => e.type)).toEqual(['order.filled']);
});
