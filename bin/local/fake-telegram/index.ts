// The fake Telegram Bot API: start it, give its url to TelegramBotClient as baseUrl, read back
// what the bot sent, script refusals (flood control, 401, 5xx), and post updates to a webhook.
export { startFakeTelegram, FAKE_BOT } from './server';
export type {
  FakeTelegram,
  FakeTelegramCall,
  FakeTelegramFailure,
  FakeTelegramMessage,
  FakeTelegramOptions,
  TelegramUpdate,
} from './types';
