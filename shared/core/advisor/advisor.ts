// The Advisor (docs/AI.md): the one way anything here asks a language model. Per question: the
// prompt is checked for secrets (none is ever sent), the account's daily token budget is checked
// (spent: no call), the answer's JSON Schema comes from the caller's zod schema, the provider is
// asked once with a deadline, the tokens it reports are charged, and the answer is parsed and
// validated with the same schema. Every ask, answered or refused, leaves one 'model.asked' audit
// event with the prompt, the answer, the tokens, the estimated cost and the outcome. A refusal
// changes nothing but that event and the budget; the caller gets either a value that passed the
// schema or the reason it did not.
import * as z from 'zod/mini';
import type { ModelAskedPayload } from '../domain/audit';
import { DomainError, InvalidArgumentError, ModelTimeoutError } from '../errors';
import { askCost, type ModelPrices } from './model-prices';
import type { AuditLog, Clock, ModelPort, ModelReply, TokenBudget } from './ports';
import { findSecret } from './secret-guard';
import type { Advisor, AdvisorRefusal, StructuredAnswer, StructuredAsk } from './types';

export interface AdvisorDefaults {
  /** tokens (input + output) one account may use per UTC day; 0 refuses every ask */
  dailyTokens: number;
  /** an ask's output cap when it names none */
  maxOutputTokens: number;
  /** an ask's deadline when it names none */
  timeoutMs: number;
}

export interface AdvisorDeps {
  model: ModelPort;
  budget: TokenBudget;
  audit: AuditLog;
  clock: Clock;
  prices: ModelPrices;
  defaults: AdvisorDefaults;
  /** exact values that must never reach a model (OPENAI_API_KEY's); shapes are checked regardless */
  secrets?: readonly string[];
}

/** Bounds an ask must stay inside: a caller's mistake, not a model's, so they throw. */
export const ASK_LIMITS = {
  maxOutputTokens: 32_000,
  timeoutMs: 300_000,
  /**
   * system + prompt, UTF-8 bytes: what one question may carry into a provider and the audit trail.
   * With the answer's audit copy (below) the event stays well inside DynamoDB's 400 KB item.
   */
  promptBytes: 150_000,
} as const;

/** The answer's copy in the audit event, UTF-8 bytes; beyond it the copy is cut and says so. */
export const AUDIT_ANSWER_BYTES = 100_000;

const SCHEMA_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** How much of a validation failure goes into `detail`. */
const DETAIL_LIMIT = 500;

type Outcome = 'ok' | AdvisorRefusal;

export function createAdvisor(deps: AdvisorDeps): Advisor {
  const { model, budget, audit, clock, prices, defaults } = deps;
  const secrets = deps.secrets ?? [];
  checkWhole('defaults.dailyTokens', defaults.dailyTokens, 0, Number.MAX_SAFE_INTEGER);
  checkWhole('defaults.maxOutputTokens', defaults.maxOutputTokens, 1, ASK_LIMITS.maxOutputTokens);
  checkWhole('defaults.timeoutMs', defaults.timeoutMs, 1, ASK_LIMITS.timeoutMs);

  return {
    async ask<T>(ask: StructuredAsk<T>): Promise<StructuredAnswer<T>> {
      const maxOutputTokens = ask.maxOutputTokens ?? defaults.maxOutputTokens;
      const timeoutMs = ask.timeoutMs ?? defaults.timeoutMs;
      if (!ask.accountId) throw new InvalidArgumentError('accountId: required');
      if (!SCHEMA_NAME.test(ask.schemaName))
        throw new InvalidArgumentError(
          'schemaName: 1-64 of a-z A-Z 0-9 _ - (the provider tool / response-format name)',
        );
      checkWhole('maxOutputTokens', maxOutputTokens, 1, ASK_LIMITS.maxOutputTokens);
      checkWhole('timeoutMs', timeoutMs, 1, ASK_LIMITS.timeoutMs);
      const promptBytes = utf8Bytes(ask.system) + utf8Bytes(ask.prompt);
      if (promptBytes > ASK_LIMITS.promptBytes)
        throw new InvalidArgumentError(
          `prompt: system + prompt is ${promptBytes} bytes, over ${ASK_LIMITS.promptBytes} (UTF-8)`,
        );
      const jsonSchema = answerSchema(ask.schema);
      const at = clock.now();

      /** The one audit event of this ask. */
      const record = async (
        outcome: Outcome,
        fields: { reply?: ModelReply; error?: string; latencyMs?: number; withheld?: string },
      ) => {
        const inputTokens = fields.reply?.inputTokens ?? 0;
        const outputTokens = fields.reply?.outputTokens ?? 0;
        const cost = askCost(prices, model.model, inputTokens, outputTokens);
        const answer = fields.reply ? (fields.reply.refusal ?? fields.reply.text) : undefined;
        const data: ModelAskedPayload = {
          purpose: ask.purpose,
          provider: model.provider,
          model: model.model,
          outcome,
          // A prompt that looked like it held a secret is not kept either: the audit trail is read by people.
          system: fields.withheld ? `[withheld: looks like ${fields.withheld}]` : ask.system,
          prompt: fields.withheld ? `[withheld: looks like ${fields.withheld}]` : ask.prompt,
          ...(answer !== undefined ? { answer: auditCopy(answer) } : {}),
          ...(fields.error ? { error: fields.error } : {}),
          inputTokens,
          outputTokens,
          costUsd: cost.usd,
          latencyMs: fields.latencyMs ?? 0,
        };
        const unpriced =
          fields.reply && !cost.priced ? `; cost unknown: no price for model ${model.model} (counted 0)` : '';
        await audit.append({
          type: 'model.asked',
          accountId: ask.accountId,
          at,
          message: `${ask.purpose} asked ${model.provider} ${model.model}: ${outcome}${unpriced}`,
          data,
        });
        return cost.usd;
      };
      const refuse = async (
        reason: AdvisorRefusal,
        detail: string,
        fields: { reply?: ModelReply; latencyMs?: number; withheld?: string } = {},
      ): Promise<StructuredAnswer<T>> => {
        await record(reason, { ...fields, error: detail });
        return { ok: false, reason, detail, ...(fields.reply ? { reply: fields.reply } : {}) };
      };

      const secret = findSecret(`${ask.system}\n${ask.prompt}`, secrets);
      if (secret)
        return refuse('unsafe-prompt', `prompt: looks like it holds ${secret}; refused before sending`, {
          withheld: secret,
        });

      const spent = await budget.spent(ask.accountId, at);
      if (spent >= defaults.dailyTokens)
        return refuse(
          'budget-spent',
          `daily token budget spent: ${spent} of ${defaults.dailyTokens} tokens used today (UTC); asks resume at 00:00 UTC`,
        );

      let reply: ModelReply;
      const started = clock.now();
      try {
        reply = await model.ask({
          system: ask.system,
          prompt: ask.prompt,
          jsonSchema,
          schemaName: ask.schemaName,
          maxOutputTokens,
          timeoutMs,
        });
      } catch (error) {
        const latencyMs = clock.now() - started;
        if (error instanceof ModelTimeoutError) return refuse('timeout', error.message, { latencyMs });
        // Adapters' errors are scrubbed where they are made; anything else is named by its class only.
        const detail =
          error instanceof DomainError ? `${error.code}: ${error.message}` : `unexpected ${errorName(error)}`;
        return refuse('provider-error', detail, { latencyMs });
      }
      const latencyMs = clock.now() - started;
      const used = reply.inputTokens + reply.outputTokens;
      // Charged whatever the answer is worth: the provider billed these tokens.
      if (used > 0) await budget.charge(ask.accountId, used, at);

      if (reply.refusal)
        return refuse('invalid-answer', `the model declined: ${reply.refusal.slice(0, 200)}`, { reply, latencyMs });
      let parsed: unknown;
      try {
        parsed = JSON.parse(reply.text);
      } catch {
        return refuse('invalid-answer', '(root): the answer is not JSON', { reply, latencyMs });
      }
      const checked = ask.schema.safeParse(parsed);
      if (!checked.success) return refuse('invalid-answer', describeIssues(checked.error.issues), { reply, latencyMs });
      const costUsd = await record('ok', { reply, latencyMs });
      return { ok: true, value: checked.data, reply, costUsd };
    },
  };
}

/**
 * The JSON Schema a provider is given, from the same zod schema the answer is validated with, so
 * the two cannot drift. `$schema` is left out: OpenAI's strict mode and Bedrock's tool schema take
 * the schema body only.
 */
function answerSchema(schema: z.ZodMiniType): Record<string, unknown> {
  let json: Record<string, unknown>;
  try {
    json = z.toJSONSchema(schema) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidArgumentError(`schema: has no JSON Schema form (${errorName(error)})`);
  }
  const { $schema: _dialect, ...body } = json;
  return body;
}

/** Each failed rule with the path it failed at ("steps.0.output: Invalid input: expected string"). */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const text = issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.map(String).join('.') : '(root)';
      const expected =
        'expected' in issue && issue.expected !== undefined ? ` (expected ${String(issue.expected)})` : '';
      return `${where}: ${issue.message}${expected}`;
    })
    .join('; ');
  return text.length > DETAIL_LIMIT ? `${text.slice(0, DETAIL_LIMIT - 1)}…` : text;
}

const encoder = new TextEncoder();
const utf8Bytes = (text: string): number => encoder.encode(text).length;

/** The answer as the audit event keeps it: whole up to AUDIT_ANSWER_BYTES, else cut and marked. */
function auditCopy(answer: string): string {
  const bytes = encoder.encode(answer);
  if (bytes.length <= AUDIT_ANSWER_BYTES) return answer;
  // A character cut in half decodes as U+FFFD: the copy is for reading, the answer itself is untouched.
  const kept = new TextDecoder().decode(bytes.subarray(0, AUDIT_ANSWER_BYTES));
  return `${kept}…[cut: ${bytes.length - AUDIT_ANSWER_BYTES} more bytes]`;
}

function checkWhole(field: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new InvalidArgumentError(`${field}: must be a whole number from ${min} to ${max} (got ${String(value)})`);
}

const errorName = (error: unknown): string =>
  error !== null && typeof error === 'object' && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : 'error';
