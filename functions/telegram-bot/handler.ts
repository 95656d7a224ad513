// Lambda entry: POST /telegram (the bot's webhook). The token and the webhook secret are read on the
// first request and kept for the container's life.
import { loadEnv } from '../../shared/platform/config';
import { telegramBotEnvSchema } from '../../shared/platform/telegram-config';
import { buildTelegramBot } from '../../shared/runtime/telegram-bot';
import { createTelegramBotHandler } from './app';

export const handler = createTelegramBotHandler(buildTelegramBot(loadEnv(telegramBotEnvSchema)));
