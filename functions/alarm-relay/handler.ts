// Lambda entry: subscribed to the alarm topic (SNS). The bot token is read on the first alarm.
import { loadEnv } from '../../shared/platform/config';
import { createLogger } from '../../shared/platform/logger';
import { alarmRelayEnvSchema, createAlarmRelayHandler, telegramSender } from './app';

const env = loadEnv(alarmRelayEnvSchema);
export const handler = createAlarmRelayHandler({ sender: telegramSender(env), logger: createLogger('alarm-relay') });
