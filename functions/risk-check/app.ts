// Risk-check job: on a schedule (EventBridge, every minute), every account is reconciled with its
// exchange, its stops guarded, its equity recorded and its kill switches enforced. Composed in
// shared/runtime/risk-check.ts; the use case is shared/core/usecases/risk-check.ts.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { RiskCheck, RiskCheckReport } from '../../shared/core/usecases/risk-check';
import { createLogger } from '../../shared/platform/logger';

export function createRiskCheckHandler(useCase: RiskCheck, logger: Logger = createLogger('risk-check')) {
  return async (): Promise<RiskCheckReport> => {
    const report = await useCase.run();
    const acted = report.protectiveFills + report.closedOutside + report.external + report.orphansCanceled + report.stopsRearmed + report.trailingMoved + report.switchEvents + report.flattened;
    if (acted) logger.info('risk check acted', { ...report });
    if (report.errors) logger.error('risk check failed for some accounts', { errors: report.errors });
    return report;
  };
}
