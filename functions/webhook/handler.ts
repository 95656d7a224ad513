// Lambda entry: POST /webhook and POST /webhook/{account}.
import { buildAcceptWebhook } from '../../shared/runtime/webhook';
import { loadEnv, webhookEnvSchema } from '../../shared/platform/config';
import { createWebhookHandler } from './app';

export const handler = createWebhookHandler(buildAcceptWebhook(loadEnv(webhookEnvSchema)));
