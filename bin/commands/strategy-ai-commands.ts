// `strategy draft | improve | review`: a model drafts, improves or reviews a rule-file strategy
// (docs/AI-strategies.md). Nothing here reaches an account's strategies or an order: a draft is a
// pair of files in a local folder, and trading it is `strategy enable --rules FILE`, a human act
// (with the second factor for `--user` on a live account). A model is asked only when LLM_PROVIDER
// is set; `review` without it gives the static checks alone. Input errors are one line and exit 2;
// a refused draft or improvement (a malformed answer, an invalid rule file) exits 1, nothing kept.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { OBJECTIVES, isObjective, type Objective } from '../../shared/core/backtest/objective';
import { draftStrategy, type DraftOutcome } from '../../shared/core/advisor/strategy-draft';
import type { StrategyDraft } from '../../shared/core/advisor/strategy-drafts';
import type { EvaluationOptions, StrategyEvaluation } from '../../shared/core/advisor/strategy-evaluation';
import { improveStrategy, MAX_PROPOSALS, type ImproveReport } from '../../shared/core/advisor/strategy-improve';
import { reviewStrategy, type ReviewReport } from '../../shared/core/advisor/strategy-review';
import type { Advisor } from '../../shared/core/advisor/types';
import { systemClock } from '../../shared/core/ports/runtime';
import {
  addConfigOptions,
  addDataOptions,
  addOutputOptions,
  BacktestInputError,
  buildConfig,
  isInputError,
  loadData,
  numberOption,
  type ConfigOptions,
  type DataOptions,
  type OutputOptions,
} from '../backtest/cli-options';
import { fmt } from '../backtest/report-format';
import { CliError } from '../cli-target';
import { advisorFromEnv, ruleCodec, type CliRuleCodec } from './strategy-ai-wiring';
import { defaultDraftsDir, FileDraftStore, toJson } from './draft-files';

export interface StrategyAiDeps {
  /** the Advisor of LLM_PROVIDER / LLM_MODEL, its audit trail beside the drafts; refuses (CliError) without a provider */
  advisor(draftsDir: string): Promise<Advisor>;
  /** whether a model may be asked at all: the explicit switch */
  modelEnabled(): boolean;
  rules(): Promise<CliRuleCodec>;
}

const defaultDeps: StrategyAiDeps = {
  advisor: (draftsDir) => advisorFromEnv(process.env, draftsDir),
  modelEnabled: () => Boolean(process.env.LLM_PROVIDER),
  rules: ruleCodec,
};

type EvalOptions = DataOptions &
  ConfigOptions &
  OutputOptions & { objective: string; account: string; drafts?: string };

/** Adds draft, improve and review to the `strategy` command (registered before by strategy-commands.ts). */
export function registerStrategyAiCommands(program: Command, deps: StrategyAiDeps = defaultDeps): void {
  const strategy = program.commands.find((c) => c.name() === 'strategy');
  if (!strategy) throw new Error('registerStrategyAiCommands: register the strategy commands first');

  evaluationCommand(
    strategy
      .command('draft')
      .description(
        'a model writes a rule-file strategy from your words; it is validated, backtested and walked forward on --data, then kept as a draft (never enabled)',
      )
      .requiredOption('--prompt <text>', 'what the strategy should do, in your words'),
  ).action(guard((o: EvalOptions & { prompt: string }) => draftAction(deps, o)));

  evaluationCommand(
    strategy
      .command('improve')
      .description(
        'a model proposes changes to a draft or rule file for a goal; each is re-tested, the best out of sample is shown beside the original',
      )
      .option('--draft <id>', 'a saved draft (see the drafts folder)')
      .option('--rules <file>', 'a rule file instead of a draft')
      .requiredOption('--goal <text>', 'what to improve, e.g. "lower drawdown"')
      .option('--proposals <n>', `how many proposals to ask for (1–${MAX_PROPOSALS})`, '3')
      .option('--save', 'keep the best proposal as a new draft when it beats the original out of sample'),
  ).action(
    guard((o: EvalOptions & { draft?: string; rules?: string; goal: string; proposals: string; save?: boolean }) =>
      improveAction(deps, o),
    ),
  );

  strategy
    .command('review')
    .description(
      'logical errors, risk settings and over-fitting signs of a draft or rule file, with severities (static checks; a model’s review too when LLM_PROVIDER is set)',
    )
    .option('--draft <id>', 'a saved draft (its report adds the over-fitting signs)')
    .option('--rules <file>', 'a rule file instead of a draft')
    .option('--leverage <x>', 'the leverage it would trade at', '1')
    .option('--no-model', 'static checks only, even with LLM_PROVIDER set')
    .option('--account <id>', 'whose model budget pays and whose audit trail keeps the question', 'local')
    .option('--drafts <dir>', 'drafts folder (default: DRAFTS_DIR, else DATA_DIR/drafts)')
    .option('--json', 'print one JSON object on stdout')
    .action(
      guard(
        (o: {
          draft?: string;
          rules?: string;
          leverage: string;
          model: boolean;
          account: string;
          drafts?: string;
          json?: boolean;
        }) => reviewAction(deps, o),
      ),
    );
}

function evaluationCommand(cmd: Command): Command {
  addDataOptions(cmd);
  addConfigOptions(cmd);
  addOutputOptions(cmd);
  return cmd
    .option('--objective <metric>', `what "better" means out of sample (${OBJECTIVES.join(', ')})`, 'sharpe')
    .option('--account <id>', 'whose model budget pays and whose audit trail keeps the question', 'local')
    .option('--drafts <dir>', 'drafts folder (default: DRAFTS_DIR, else DATA_DIR/drafts)');
}

/** Input errors (the backtest's, ours) as one line, exit 2, as the backtest commands do. */
function guard<T>(action: (options: T) => Promise<void>): (options: T) => Promise<void> {
  return async (options) => {
    try {
      await action(options);
    } catch (error) {
      if (!isInputError(error)) throw error;
      console.error(`error: ${error.message.split('\n')[0]}`);
      process.exit(2);
    }
  };
}

function objectiveOf(name: string): Objective {
  if (!isObjective(name)) throw new BacktestInputError(`--objective "${name}": use one of ${OBJECTIVES.join(', ')}`);
  return name;
}

/** The model is asked only when the switch is on, and the user asked by running the command. */
async function requireAdvisor(deps: StrategyAiDeps, command: string, draftsDir: string): Promise<Advisor> {
  if (!deps.modelEnabled())
    throw new CliError(`strategy ${command} asks a model: set LLM_PROVIDER=bedrock|openai and LLM_MODEL (docs/AI.md)`);
  return deps.advisor(draftsDir);
}

async function evaluationInput(o: EvalOptions) {
  const objective = objectiveOf(o.objective);
  const config = await buildConfig(o);
  const data = await loadData(o);
  const evaluation: EvaluationOptions = { config, objective };
  return {
    candles: data.candles,
    data: {
      source: data.source,
      ...(data.symbol ? { symbol: data.symbol } : {}),
      ...(data.timeframe ? { timeframe: data.timeframe } : {}),
    },
    evaluation,
  };
}

async function draftAction(deps: StrategyAiDeps, o: EvalOptions & { prompt: string }): Promise<void> {
  // Everything the user typed is checked before the model is asked: a bad option costs no tokens.
  const input = await evaluationInput(o);
  const rules = await deps.rules();
  const store = new FileDraftStore(o.drafts ?? defaultDraftsDir());
  const advisor = await requireAdvisor(deps, 'draft', store.dir);
  const outcome = await draftStrategy(
    { advisor, rules, drafts: store, clock: systemClock },
    { accountId: o.account, prompt: o.prompt, ...input },
  );
  if (!outcome.ok) return refused(o, outcome);
  const { draft } = outcome;
  const rulesFile = store.rulesPath(draft.id);
  if (o.json) {
    console.log(
      toJson({ ok: true, draft: { ...draft, files: { draft: `${store.dir}/${draft.id}.json`, rules: rulesFile } } }),
    );
    return;
  }
  console.log(`draft ${draft.id} (${draft.name}): kept, not enabled`);
  console.log(`  ${draft.rationale}`);
  for (const line of evaluationLines(draft.report)) console.log(line);
  console.log(`rule file: ${rulesFile}`);
  console.log(
    `to trade it (a human decision): npm run cli -- strategy enable --rules ${rulesFile} --account … --symbol … --timeframe …`,
  );
}

function refused(
  o: { json?: boolean },
  outcome:
    | Exclude<DraftOutcome, { ok: true }>
    | { ok: false; stage: string; reason: string; detail: string; errors?: unknown[] },
): void {
  if (o.json) console.log(toJson(outcome));
  else console.error(`refused (${outcome.stage}: ${outcome.reason}): ${outcome.detail}; nothing was kept`);
  process.exitCode = 1;
}

async function strategyText(
  store: FileDraftStore,
  o: { draft?: string; rules?: string },
): Promise<{ text: string; draft?: StrategyDraft }> {
  if ((o.draft === undefined) === (o.rules === undefined))
    throw new BacktestInputError('give one of --draft <id> or --rules <file>');
  if (o.rules !== undefined) {
    try {
      return { text: await readFile(o.rules, 'utf8') };
    } catch (error) {
      throw new BacktestInputError(
        `--rules ${o.rules}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  const draft = await store.get(o.draft!);
  if (!draft) throw new BacktestInputError(`--draft ${o.draft}: no such draft in ${store.dir}`);
  return { text: draft.ruleFile, draft };
}

async function improveAction(
  deps: StrategyAiDeps,
  o: EvalOptions & { draft?: string; rules?: string; goal: string; proposals: string; save?: boolean },
): Promise<void> {
  const store = new FileDraftStore(o.drafts ?? defaultDraftsDir());
  const { text } = await strategyText(store, o);
  const maxProposals = numberOption('--proposals', o.proposals, { min: 1, max: MAX_PROPOSALS, integer: true });
  const input = await evaluationInput(o);
  const rules = await deps.rules();
  const advisor = await requireAdvisor(deps, 'improve', store.dir);
  const outcome = await improveStrategy(
    { advisor, rules, drafts: store, clock: systemClock },
    {
      accountId: o.account,
      goal: o.goal,
      original: { ruleFile: text, ...(o.draft ? { draftId: o.draft } : {}) },
      maxProposals,
      save: Boolean(o.save),
      ...input,
    },
  );
  if (!outcome.ok) return refused(o, outcome);
  if (o.json) {
    console.log(toJson({ ok: true, ...outcome.report }));
    return;
  }
  for (const line of improveLines(outcome.report)) console.log(line);
}

async function reviewAction(
  deps: StrategyAiDeps,
  o: {
    draft?: string;
    rules?: string;
    leverage: string;
    model: boolean;
    account: string;
    drafts?: string;
    json?: boolean;
  },
): Promise<void> {
  const store = new FileDraftStore(o.drafts ?? defaultDraftsDir());
  const { text, draft } = await strategyText(store, o);
  const leverage = numberOption('--leverage', o.leverage, { above: 0, max: 1000 });
  const codec = await deps.rules();
  const parsed = codec.parse(text);
  if (!parsed.ok) {
    // An invalid file is its own review: the validator's errors, each with its path.
    const report: ReviewReport = {
      findings: parsed.errors.map((e) => ({ severity: 'error', path: e.path, message: e.message, source: 'static' })),
      model: { asked: false, why: 'the rule file is invalid: fix it first' },
    };
    printReview(o, report);
    process.exitCode = 1;
    return;
  }
  // A file the compiler refuses (a constraint its own defaults break) is not worth a model's time.
  try {
    codec.compile(parsed.rules);
  } catch (error) {
    throw new BacktestInputError(`the rule file does not compile: ${(error as Error).message}`);
  }
  const advisor = o.model && deps.modelEnabled() ? await deps.advisor(store.dir) : undefined;
  const report = await reviewStrategy(
    {
      rules: parsed.rules,
      leverage,
      ruleFile: text,
      accountId: o.account,
      ...(draft ? { report: draft.report } : {}),
    },
    advisor,
  );
  printReview(o, report);
}

function printReview(o: { json?: boolean }, report: ReviewReport): void {
  if (o.json) {
    console.log(toJson(report));
    return;
  }
  if (report.findings.length === 0) console.log('no findings');
  for (const f of report.findings)
    console.log(`${f.severity.padEnd(7)} ${f.source.padEnd(6)} ${f.path || '(file)'}: ${f.message}`);
  const m = report.model;
  console.log(
    !m.asked
      ? `model: not asked (${m.why})`
      : m.ok
        ? `model: ${m.findings} findings, cost ${m.costUsd} USD`
        : `model: refused (${m.reason}): ${m.detail}`,
  );
}

function evaluationLines(r: StrategyEvaluation): string[] {
  const row = (label: string, m: StrategyEvaluation['full']['metrics'], candles: number) =>
    `  ${label.padEnd(26)} return ${fmt(m.returnPct).padStart(8)} %  max DD ${fmt(m.maxDrawdownPct).padStart(7)} %  ${r.objective} ${fmt(m[r.objective]).padStart(7)}  trades ${String(m.trades).padStart(4)}  (${candles} candles)`;
  return [
    row('whole period', r.full.metrics, r.full.candles),
    row(
      `in-sample (${Math.round(r.split.inSampleFraction * 100)} %)`,
      r.split.inSample.metrics,
      r.split.inSample.candles,
    ),
    row('out-of-sample', r.split.outOfSample.metrics, r.split.outOfSample.candles),
    row(
      `walk-forward (${r.walkForward.windows.length} windows)`,
      r.walkForward.metrics,
      r.walkForward.windows.reduce((n, w) => n + w.outOfSample.candles, 0),
    ),
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
}

function improveLines(r: ImproveReport): string[] {
  const lines = [
    `goal: ${r.goal}; best out of sample by ${r.objective}`,
    'original:',
    ...evaluationLines(r.original.evaluation),
  ];
  for (const p of r.proposals) {
    const mark = p.index === r.best ? ' (best out of sample)' : '';
    lines.push(`proposal ${p.index + 1}${mark}: ${p.title} [${p.kind}]`);
    if (p.status === 'refused') lines.push(`  refused: ${p.reason}`);
    else if (p.evaluation) lines.push(...evaluationLines(p.evaluation));
  }
  lines.push(
    r.best === null
      ? 'no proposal was tested'
      : r.bestBeatsOriginal
        ? `proposal ${r.best + 1} beats the original out of sample`
        : 'no proposal beats the original out of sample',
  );
  if (r.savedDraft) lines.push(`kept as draft ${r.savedDraft} (not enabled)`);
  return [...lines, ...r.warnings.map((w) => `warning: ${w}`)];
}
