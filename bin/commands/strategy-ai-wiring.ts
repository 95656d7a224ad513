// The composition behind `strategy draft | improve | review`: the rule format's validator and
// compiler, and the Advisor the environment configures (docs/AI.md): LLM_PROVIDER=bedrock|openai
// (unset: no model, the switch), LLM_MODEL, OPENAI_BASE_URL, OPENAI_API_KEY, LLM_DAILY_TOKENS,
// LLM_TIMEOUT_MS, LLM_PRICES. The commands run offline, so the Advisor's audit trail is a file
// beside the drafts (model-asked.jsonl, 0600: every question and answer) and its token budget is
// counted in that same file (the day's model.asked events of the account). Everything loads only
// when a command runs: `--help` and the other commands never load a provider.
import { appendFile, chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuleCodec } from '../../shared/core/advisor/strategy-drafts';
import type { Advisor } from '../../shared/core/advisor/types';
import type { AuditEvent, StoredAuditEvent } from '../../shared/core/domain/audit';
import type { TokenBudget } from '../../shared/core/ports/model';
import type { AuditLog } from '../../shared/core/ports/repositories';
import type { RuleFile } from '../../shared/core/strategies/rules';
import { systemClock } from '../../shared/core/ports/runtime';
import { CliError } from '../cli-target';
import { toJson } from './draft-files';

export type CliRuleCodec = RuleCodec<RuleFile> & { guide: string };

export async function ruleCodec(): Promise<CliRuleCodec> {
  const [{ compileRules, parseRuleFile }, { ruleFormatGuide }] = await Promise.all([
    import('../../shared/core/strategies/rules'),
    import('../../shared/core/advisor/rule-guide'),
  ]);
  return { parse: (text) => parseRuleFile(text), compile: compileRules, guide: ruleFormatGuide() };
}

const DEFAULT_DAILY_TOKENS = 200_000;
const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_OUTPUT_TOKENS = 4_000;

/** The Advisor of LLM_PROVIDER; refused when none is set (no provider, no model call). */
export async function advisorFromEnv(env: NodeJS.ProcessEnv, draftsDir: string): Promise<Advisor> {
  const provider = env.LLM_PROVIDER;
  if (!provider) throw new CliError('no model: set LLM_PROVIDER=bedrock|openai and LLM_MODEL (docs/AI.md)');
  if (provider !== 'bedrock' && provider !== 'openai')
    throw new CliError(`LLM_PROVIDER "${provider}": use bedrock or openai`);
  const model = env.LLM_MODEL?.trim();
  if (!model) throw new CliError('LLM_MODEL: the model id is required with LLM_PROVIDER');
  const [{ createAdvisor }, port] = await Promise.all([
    import('../../shared/core/advisor/advisor'),
    provider === 'openai' ? openAi(env, model) : bedrock(env, model),
  ]);
  const trail = new FileAuditTrail(join(draftsDir, 'model-asked.jsonl'));
  return createAdvisor({
    model: port,
    budget: trail,
    audit: trail,
    clock: systemClock,
    prices: pricesOf(env.LLM_PRICES),
    defaults: {
      dailyTokens: wholeEnv(env, 'LLM_DAILY_TOKENS', DEFAULT_DAILY_TOKENS, 0),
      maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS,
      timeoutMs: wholeEnv(env, 'LLM_TIMEOUT_MS', DEFAULT_TIMEOUT_MS, 1),
    },
    ...(env.OPENAI_API_KEY ? { secrets: [env.OPENAI_API_KEY] } : {}),
  });
}

async function openAi(env: NodeJS.ProcessEnv, model: string) {
  const { OpenAiChatModel } = await import('../../shared/adapters/model/openai-chat');
  try {
    return new OpenAiChatModel({
      model,
      ...(env.OPENAI_BASE_URL ? { baseUrl: env.OPENAI_BASE_URL } : {}),
      ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}),
    });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

async function bedrock(env: NodeJS.ProcessEnv, model: string) {
  const { BedrockConverseModel, createBedrockClient } = await import('../../shared/adapters/model/bedrock-converse');
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new CliError('AWS_REGION: Bedrock needs the region of the model');
  return new BedrockConverseModel({ model, client: createBedrockClient(region) });
}

function wholeEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new CliError(`${name} "${text}": a whole number ≥ ${min}`);
  return value;
}

/** LLM_PRICES: {"model": {"input": "0.15", "output": "0.60"}} (USD per million tokens); absent: costs shown as 0. */
function pricesOf(text: string | undefined): Record<string, { input: string; output: string }> {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as Record<string, { input: unknown; output: unknown }>;
    return Object.fromEntries(
      Object.entries(parsed).map(([model, p]) => {
        if (!/^\d+(\.\d+)?$/.test(String(p.input)) || !/^\d+(\.\d+)?$/.test(String(p.output))) throw new Error(model);
        return [model, { input: String(p.input), output: String(p.output) }];
      }),
    );
  } catch (error) {
    throw new CliError(`LLM_PRICES: not {"model": {"input": "USD", "output": "USD"}} (${(error as Error).message})`);
  }
}

/**
 * The offline audit trail and budget: one JSON line per model.asked event, appended; the day's
 * tokens of an account are the sum of its events' tokens that UTC day. Owner-only (0600): the
 * prompts are the user's.
 */
export class FileAuditTrail implements AuditLog, TokenBudget {
  constructor(private readonly file: string) {}

  async append(event: AuditEvent): Promise<void> {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(this.file, '..'), { recursive: true });
    await appendFile(this.file, `${toJson(event)}\n`, { mode: 0o600 });
    await chmod(this.file, 0o600);
  }

  async listByAccount(accountId: string, limit = 100): Promise<StoredAuditEvent[]> {
    return (await this.read())
      .filter((e) => e.accountId === accountId)
      .reverse()
      .slice(0, limit);
  }

  async spent(accountId: string, at: number): Promise<number> {
    const day = new Date(at).toISOString().slice(0, 10);
    let tokens = 0;
    for (const e of await this.read()) {
      if (e.accountId !== accountId || e.type !== 'model.asked' || new Date(e.at).toISOString().slice(0, 10) !== day)
        continue;
      const data = e.data as { inputTokens?: number; outputTokens?: number } | undefined;
      tokens += (data?.inputTokens ?? 0) + (data?.outputTokens ?? 0);
    }
    return tokens;
  }

  /** The tokens are in the model.asked event the Advisor appends for the same ask: counted there. */
  async charge(accountId: string, _tokens: number, at: number): Promise<number> {
    return this.spent(accountId, at);
  }

  private async read(): Promise<StoredAuditEvent[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as StoredAuditEvent);
  }
}
