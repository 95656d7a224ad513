// The composition behind `strategy draft | improve | review`: the rule format's validator and
// compiler, and the Advisor the environment configures (docs/AI.md "Configuration": LLM_PROVIDER
// unset = no model, the switch; LLM_MODEL, OPENAI_BASE_URL, OPENAI_API_KEY, LLM_DAILY_TOKENS, …),
// built by shared/runtime/advisor.ts as every part that asks builds it. The commands run offline,
// so the Advisor's audit trail is a file beside the drafts (model-asked.jsonl, 0600: every
// question and answer) and its token budget is counted in that same file (the day's model.asked
// events of the account). Everything loads only when a command runs: `--help` and the other
// commands never load a provider.
import { appendFile, chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import type { RuleCodec } from '../../shared/core/advisor/strategy-drafts';
import type { Advisor } from '../../shared/core/advisor/types';
import type { AuditEvent, StoredAuditEvent } from '../../shared/core/domain/audit';
import type { TokenBudget } from '../../shared/core/ports/model';
import type { AuditLog } from '../../shared/core/ports/repositories';
import type { RuleFile } from '../../shared/core/strategies/rules';
import { ConfigError, InvalidArgumentError } from '../../shared/core/errors';
import { advisorEnv, advisorEnvCheck } from '../../shared/platform/advisor-config';
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

/** The advisor's variables (shared/platform/advisor-config.ts), without the stage a function has. */
const cliAdvisorEnv = z
  .object({ AWS_REGION: z._default(z.string(), 'us-east-1'), ...advisorEnv })
  .check(advisorEnvCheck);

/**
 * The Advisor of LLM_PROVIDER (shared/runtime/advisor.ts), its audit trail and budget in the
 * drafts folder; refused when no provider is set (no provider, no model call).
 */
export async function advisorFromEnv(env: NodeJS.ProcessEnv, draftsDir: string): Promise<Advisor> {
  if (!env.LLM_PROVIDER) throw new CliError('no model: set LLM_PROVIDER=bedrock|openai and LLM_MODEL (docs/AI.md)');
  const parsed = cliAdvisorEnv.safeParse(env);
  // Names and rules only: OPENAI_API_KEY's value is never in a message.
  if (!parsed.success)
    throw new CliError(
      `invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')} (${i.message})`).join(', ')}`,
    );
  const { buildAdvisor } = await import('../../shared/runtime/advisor');
  const trail = new FileAuditTrail(join(draftsDir, 'model-asked.jsonl'));
  try {
    return buildAdvisor(parsed.data, { audit: trail, budget: trail })!.advisor;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof InvalidArgumentError) throw new CliError(error.message);
    throw error;
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
