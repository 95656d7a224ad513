// Funding-arb job: an EventBridge rule fires it every minute; one pass of the coordinator over
// every plan (docs/FUNDING.md "Live"). A plan that fails is logged and retried by the next minute's
// run: every step is idempotent (conditional round writes, deterministic leg ids).
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ArbCoordinator, PlanResult } from '../../shared/core/funding/arb-coordinator';
import { createLogger } from '../../shared/platform/logger';

export function createFundingArbHandler(useCase: Pick<ArbCoordinator, 'run'>, options: { logger?: Logger } = {}) {
  const logger = options.logger ?? createLogger('funding-arb');
  return async (): Promise<{ plans: number; failed: number; results: PlanResult[] }> => {
    const results = await useCase.run();
    const notable = results.filter((r) => r.outcome !== 'disabled' && r.outcome !== 'held' && r.outcome !== 'waiting');
    if (notable.length) logger.info('funding-arb plans', { results: notable });
    const failed = results.filter((r) => r.outcome === 'failed');
    if (failed.length) logger.error('some funding-arb plans failed', { failed });
    return { plans: results.length, failed: failed.length, results };
  };
}
