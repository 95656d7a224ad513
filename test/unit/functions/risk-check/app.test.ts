// The risk-check handler's metrics: kill-switch trips (not expiries or resets) by switch, each
// account's equity at its snapshot, positions flattened, accounts whose check failed.
import { createRiskCheckHandler, RiskCheckMetrics } from '../../../../functions/risk-check/app';
import type { AuditEvent } from '../../../../shared/core/domain/audit';
import type { AuditLog, EquitySnapshot, RiskStore } from '../../../../shared/core/ports/repositories';
import type { RiskCheck, RiskCheckReport } from '../../../../shared/core/reconciliation/risk-check';
import { capturedMetrics, captureStdout, testLogger } from '../log-capture';

const NOW = 1_700_000_000_000;
const emptyReport = (patch: Partial<RiskCheckReport> = {}): RiskCheckReport => ({
  accounts: 0,
  busy: 0,
  protectiveFills: 0,
  entriesArmed: 0,
  closedOutside: 0,
  external: 0,
  orphansCanceled: 0,
  stopsRearmed: 0,
  trailingMoved: 0,
  fundingBooked: 0,
  fundingRatesRead: 0,
  snapshots: 0,
  switchEvents: 0,
  flattened: 0,
  slicesResent: 0,
  errors: 0,
  ...patch,
});
const switchEvent = (kind: 'tripped' | 'expired' | 'reset', name: string): AuditEvent => ({
  accountId: 'acc-1',
  type: 'risk.switch',
  at: NOW,
  message: `${name} ${kind}`,
  data: { switch: name, kind },
});
const snapshot = (accountId: string, equity: number): EquitySnapshot => ({
  accountId,
  at: NOW,
  equity: String(equity),
  free: String(equity),
  unrealizedPnl: '0',
  openPositions: 0,
  exposure: '0',
});

function setup(run: (runtime: { repos: { audit: AuditLog; risk: RiskStore } }) => Promise<RiskCheckReport>) {
  const m = capturedMetrics('risk-check');
  const observer = new RiskCheckMetrics(m.metrics);
  const stored: { events: AuditEvent[]; snapshots: EquitySnapshot[] } = { events: [], snapshots: [] };
  const audit = {
    append: async (e: AuditEvent) => void stored.events.push(e),
    listByAccount: async () => [],
  } as AuditLog;
  const risk = {
    putSnapshot: async (s: EquitySnapshot) => void stored.snapshots.push(s),
    getState: async () => undefined,
  } as unknown as RiskStore;
  const runtime = observer.observe({ repos: { audit, risk } });
  const handler = createRiskCheckHandler(
    { run: () => run(runtime) } as unknown as RiskCheck,
    testLogger('risk-check'),
    observer,
  );
  return { handler, stored, ...m };
}

describe('risk-check handler: metrics', () => {
  it('counts kill-switch trips by switch, and neither expiries nor resets', async () => {
    const { handler, named, stored } = setup(async ({ repos }) => {
      await repos.audit.append(switchEvent('tripped', 'drawdown'));
      await repos.audit.append(switchEvent('expired', 'loss_streak'));
      await repos.audit.append(switchEvent('reset', 'daily_loss'));
      await repos.audit.append({
        accountId: 'acc-1',
        type: 'alert',
        at: NOW,
        message: 'kill switch drawdown tripped',
        data: { severity: 'critical', switch: 'drawdown' },
      });
      return emptyReport({ switchEvents: 3 });
    });
    await captureStdout(() => handler());
    expect(stored.events).toHaveLength(4);
    const trips = named('KillSwitchTrips');
    expect(trips).toEqual([expect.objectContaining({ KillSwitchTrips: 1, switch: 'drawdown' })]);
    expect(trips[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'stage'],
      ['service', 'stage', 'switch'],
    ]);
  });

  it("records each account's equity at its snapshot, per account only (no aggregate)", async () => {
    const { handler, named, stored } = setup(async ({ repos }) => {
      await repos.risk.putSnapshot(snapshot('acc-1', 10_250.5));
      await repos.risk.putSnapshot(snapshot('acc-2', 980));
      return emptyReport({ accounts: 2, snapshots: 2 });
    });
    await captureStdout(() => handler());
    expect(stored.snapshots).toHaveLength(2);
    const equity = named('Equity');
    expect(equity.map((d) => [d.account, d.Equity])).toEqual([
      ['acc-1', 10_250.5],
      ['acc-2', 980],
    ]);
    for (const d of equity)
      expect(d._aws.CloudWatchMetrics[0]).toMatchObject({
        Dimensions: [['service', 'stage', 'account']],
        Metrics: [{ Name: 'Equity', Unit: 'None' }],
      });
  });

  it('counts positions flattened and accounts whose check failed, from the report', async () => {
    const { handler, named } = setup(async () =>
      emptyReport({ accounts: 3, flattened: 2, errors: 1, switchEvents: 1 }),
    );
    await captureStdout(() => handler());
    expect(named('PositionsFlattened')).toEqual([expect.objectContaining({ PositionsFlattened: 2 })]);
    expect(named('RiskCheckAccountErrors')).toEqual([expect.objectContaining({ RiskCheckAccountErrors: 1 })]);
  });

  it('writes nothing for a quiet run', async () => {
    const { handler, docs } = setup(async () => emptyReport({ accounts: 2 }));
    await captureStdout(() => handler());
    expect(docs).toEqual([]);
  });

  it('does not count a snapshot whose write failed', async () => {
    const m = capturedMetrics('risk-check');
    const observer = new RiskCheckMetrics(m.metrics);
    const risk = {
      putSnapshot: async () => {
        throw new Error('throttled');
      },
    } as unknown as RiskStore;
    const runtime = observer.observe({ repos: { audit: {} as AuditLog, risk } });
    await expect(runtime.repos.risk.putSnapshot(snapshot('acc-1', 1))).rejects.toThrow('throttled');
    expect(m.docs).toEqual([]);
  });
});

describe('risk-check handler: deadline', () => {
  it("hands the run the Lambda's own deadline (now + the time it has left)", async () => {
    const seen: unknown[] = [];
    const handler = createRiskCheckHandler(
      {
        run: async (options: unknown) => {
          seen.push(options);
          return emptyReport({});
        },
      } as unknown as RiskCheck,
      testLogger('risk-check'),
      new RiskCheckMetrics(capturedMetrics('risk-check').metrics),
    );
    const before = Date.now();
    await captureStdout(() => handler({}, { getRemainingTimeInMillis: () => 42_000 }));
    const { deadline } = seen[0] as { deadline: number };
    expect(deadline).toBeGreaterThanOrEqual(before + 42_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 42_000);
    await captureStdout(() => handler());
    expect(seen[1]).toEqual({});
  });
});
