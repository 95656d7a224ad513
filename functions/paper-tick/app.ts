// Paper-trigger job: on a schedule, paper accounts' resting stop-loss and take-profit orders are
// checked against current prices and what filled is booked. Composed in shared/runtime/executor.ts.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SettlePaperTriggers, SettlementReport } from '../../shared/core/execution/settle-paper-triggers';
import { createLogger } from '../../shared/platform/logger';

export function createPaperTickHandler(useCase: SettlePaperTriggers, logger: Logger = createLogger('paper-tick')) {
  return async (): Promise<SettlementReport> => {
    const report = await useCase.run();
    if (report.fills || report.foreign) logger.info('paper triggers settled', { ...report });
    return report;
  };
}
