// Protection-sync job: on a schedule, live accounts' protective orders are read back from the
// exchange; fills are booked and their siblings cancelled or moved. Composed in shared/runtime/executor.ts.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ProtectionSyncReport, SyncLiveProtection } from '../../shared/core/usecases/sync-live-protection';
import { createLogger } from '../../shared/platform/logger';

export function createProtectionSyncHandler(useCase: SyncLiveProtection, logger: Logger = createLogger('protection-sync')) {
  return async (): Promise<ProtectionSyncReport> => {
    const report = await useCase.run();
    if (report.fills || report.canceled || report.errors) logger.info('live protection synced', { ...report });
    if (report.errors) logger.error('protection sync failed for some accounts', { errors: report.errors });
    return report;
  };
}
