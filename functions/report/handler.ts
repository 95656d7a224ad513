// Lambda entry: EventBridge Scheduler, daily and weekly. Channel secrets are read once per container.
import { loadEnv } from '../../shared/platform/config';
import { createLogger } from '../../shared/platform/logger';
import { reportEnvSchema } from '../../shared/platform/notify-config';
import { marketSummaryEnvSchema } from '../../shared/platform/ensemble-config';
import { advisorEnvSchema } from '../../shared/platform/advisor-config';
import { buildSendReports } from '../../shared/runtime/report';
import { createReportHandler } from './app';

const env = loadEnv(reportEnvSchema);
const logger = createLogger('report');
export const handler = createReportHandler(
  await buildSendReports(env, {
    logger,
    marketSummary: loadEnv(marketSummaryEnvSchema),
    llm: loadEnv(advisorEnvSchema),
  }),
  logger,
);
