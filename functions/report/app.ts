// Report job: EventBridge Scheduler (daily and weekly, in the owner's time zone) → one report per
// account with its equity chart, through the notifier's channels. Composed in shared/runtime/report.ts.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ReportKind, ReportRun, SendReports } from '../../shared/core/reporting/send-reports';
import { createLogger } from '../../shared/platform/logger';

export interface ReportEvent {
  /** the schedule's input: which report (default daily) */
  kind?: ReportKind;
}

export function createReportHandler(useCase: SendReports, logger: Logger = createLogger('report')) {
  return async (event: ReportEvent = {}): Promise<ReportRun> => {
    const kind: ReportKind = event.kind === 'weekly' ? 'weekly' : 'daily';
    const run = await useCase.run(kind);
    logger.info('reports sent', {
      kind,
      from: new Date(run.from).toISOString(),
      to: new Date(run.to).toISOString(),
      accounts: run.accounts,
      failed: run.dispatch.flatMap((d) => d.failed),
    });
    return run;
  };
}
