// Telegram bot webhook (POST /telegram): Telegram posts every update with the secret given to
// setWebhook in x-telegram-bot-api-secret-token. A wrong or missing secret is a 401 and nothing else
// happens (no table read, no token fetched, no reply). Once authenticated the answer is always 200,
// whatever the update or the outcome: Telegram redelivers a non-2xx answer again and again, which
// would repeat a /pause or pile up updates behind a bad one. Composed in shared/runtime/telegram-bot.ts.
import { createHash, timingSafeEqual } from 'node:crypto';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { json, requestBody } from '../../shared/platform/http';
import { createLogger } from '../../shared/platform/logger';
import type { TelegramBotRuntime } from '../../shared/runtime/telegram-bot';

export type TelegramBotHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Constant-time comparison of any two strings (hashing first makes the lengths equal). */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined || !expected) return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  // API Gateway (payload 2.0) lower-cases header names; be lenient for other callers.
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

const ok = (): APIGatewayProxyStructuredResultV2 => json(200, { ok: true });
const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'error');

export function createTelegramBotHandler(
  runtime: TelegramBotRuntime,
  logger: Logger = createLogger('telegram-bot'),
): TelegramBotHandler {
  const handle = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    let expected: string;
    try {
      expected = await runtime.webhookSecret();
    } catch (error) {
      // A configuration fault: Telegram retries, and the alarm on 5xx tells the owner.
      logger.error('webhook secret unavailable', {
        reason: runtime.scrub(`${errorName(error)}: ${error instanceof Error ? error.message : ''}`),
      });
      return json(500, { error: 'internal' });
    }
    if (!sameSecret(header(event, SECRET_HEADER), expected)) {
      logger.warn('telegram update refused: bad secret token');
      return json(401, { error: 'unauthorized' });
    }

    let update: unknown;
    try {
      update = JSON.parse(requestBody(event));
    } catch {
      logger.warn('telegram update ignored: body is not JSON');
      return ok();
    }
    if (typeof update !== 'object' || update === null || Array.isArray(update)) {
      logger.warn('telegram update ignored: not an object');
      return ok();
    }
    const updateId = (update as { update_id?: unknown }).update_id;

    try {
      const commands = await runtime.commands();
      const outcome = await commands.handle(update);
      // The outcome names the command and the chat, never the message text.
      if (outcome.kind === 'ignored') logger.info('telegram update ignored', { updateId, reason: outcome.reason });
      else if (outcome.kind !== 'link' && outcome.failed)
        logger.warn('telegram command failed', { updateId, ...outcome, failed: runtime.scrub(outcome.failed) });
      else logger.info('telegram update handled', { updateId, ...outcome });
    } catch (error) {
      logger.error('telegram update failed', {
        updateId,
        reason: runtime.scrub(`${errorName(error)}: ${error instanceof Error ? error.message : ''}`),
      });
    }
    return ok();
  };
  return middy(handle).use(injectLambdaContext(logger)) as unknown as TelegramBotHandler;
}
