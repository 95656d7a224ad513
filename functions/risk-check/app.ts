// Risk-check job: on a schedule (EventBridge, every minute), every account is reconciled with its
// exchange, its stops guarded, its equity recorded and its kill switches enforced. Composed in
// shared/runtime/risk-check.ts; the use case is shared/core/reconciliation/risk-check.ts.
// Metrics (EMF): kill-switch trips by switch, positions flattened, accounts whose check failed, and
// each account's equity at its snapshot.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuditEvent } from '../../shared/core/domain/audit';
import type { AuditLog, EquitySnapshot, RiskStore } from '../../shared/core/ports/repositories';
import type { RiskCheck, RiskCheckReport } from '../../shared/core/reconciliation/risk-check';
import { createLogger } from '../../shared/platform/logger';
import { afterCall, createMetrics, type Metrics } from '../../shared/platform/metrics';
import { replaceRepositories } from '../../shared/runtime/repositories';

/**
 * What the risk check counts. The run's report has totals only; a trip (as opposed to an expiry or
 * a reset, which the report counts alike) and each account's equity are read where the use case
 * writes them: its `risk.switch` audit events and its equity snapshots. `observe` wraps the
 * runtime's audit log and risk store for that.
 */
export class RiskCheckMetrics {
  constructor(readonly metrics: Metrics = createMetrics('risk-check')) {}

  /** The runtime with its audit log and risk store observed: give the result to buildRiskCheck. */
  observe<R extends { repos: { audit: AuditLog; risk: RiskStore } }>(runtime: R): R {
    const audit = afterCall(runtime.repos.audit, 'append', (event) => this.audited(event));
    const risk = afterCall(runtime.repos.risk, 'putSnapshot', (snapshot) => this.snapshot(snapshot));
    return { ...runtime, repos: replaceRepositories(runtime.repos, { audit, risk }) };
  }

  audited(event: AuditEvent): void {
    if (event.type !== 'risk.switch' || event.data.kind !== 'tripped') return;
    this.metrics.count('KillSwitchTrips', { switch: event.data.switch });
  }

  /** Equity per account only: amounts of different accounts (and quote currencies) do not add up. */
  snapshot(snapshot: EquitySnapshot): void {
    // A metric is a float by nature (CloudWatch): the exact equity becomes a number at this edge only.
    this.metrics.put('Equity', Number(snapshot.equity), {
      unit: 'None',
      by: { account: snapshot.accountId },
      aggregate: false,
    });
  }

  report(report: RiskCheckReport): void {
    if (report.flattened) this.metrics.count('PositionsFlattened', undefined, report.flattened);
    if (report.errors) this.metrics.count('RiskCheckAccountErrors', undefined, report.errors);
  }
}

export function createRiskCheckHandler(
  useCase: RiskCheck,
  logger: Logger = createLogger('risk-check'),
  metrics: RiskCheckMetrics = new RiskCheckMetrics(),
) {
  return async (_event?: unknown, context?: { getRemainingTimeInMillis(): number }): Promise<RiskCheckReport> => {
    // The run's funding recording must end before the function is stopped mid-write.
    const report = await useCase.run(context ? { deadline: Date.now() + context.getRemainingTimeInMillis() } : {});
    metrics.report(report);
    const acted =
      report.protectiveFills +
      report.closedOutside +
      report.external +
      report.orphansCanceled +
      report.stopsRearmed +
      report.trailingMoved +
      report.switchEvents +
      report.flattened;
    if (acted) logger.info('risk check acted', { ...report });
    if (report.errors) logger.error('risk check failed for some accounts', { errors: report.errors });
    return report;
  };
}
