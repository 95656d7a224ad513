// Lambda entry: DynamoDB stream of the audit table (new events). Channel secrets are read once.
import { notifierEnvSchema } from '../../shared/platform/notify-config';
import { loadEnv } from '../../shared/platform/config';
import { createLogger } from '../../shared/platform/logger';
import { buildNotifier } from '../../shared/runtime/notifier';
import { createNotifierHandler } from './app';

const env = loadEnv(notifierEnvSchema);
const logger = createLogger('notifier');
export const handler = createNotifierHandler(await buildNotifier(env, { logger }), logger);
