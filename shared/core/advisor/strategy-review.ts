// `strategy review`: what is wrong with a rule file, as a list with severities. The static checks
// come first and need no model (deterministic, tested alone): no exit, no stop, contradictory
// conditions, pyramiding without a cap, risk settings beyond sense, over-fitting signs in a
// draft's report. A model's list, when one is asked (LLM_PROVIDER set), is merged after them,
// each finding labelled with its source: a model's word is advice, the static checks are facts.
import * as z from 'zod/mini';
import type { Comparison, Condition, ComparisonOp, Operand, RuleFile } from '../strategies/rules/types';
import { COMPARISONS } from '../strategies/rules/types';
import type { StrategyEvaluation } from './strategy-evaluation';
import type { Advisor, AdvisorRefusal } from './types';

export type Severity = 'error' | 'warning' | 'info';

export interface ReviewFinding {
  severity: Severity;
  /** where in the rule file (`rules.entry.long[0]`, `protection.sl`), '' for the whole file */
  path: string;
  message: string;
  source: 'static' | 'model';
}

/** Margin above this share of equity per entry is flagged; above 100 % it cannot be posted. */
export const SIZE_PERCENT_WARNING = 25;
/** More declared parameters than this is room to fit noise. */
export const MANY_PARAMS = 6;

export interface StaticReviewInput {
  /** a rule file the validator accepted (parseRuleFile) */
  rules: RuleFile;
  /** the leverage it would trade at (a stop beyond liquidation is an error) */
  leverage: number;
  /** a saved draft's report, for the over-fitting signs */
  report?: StrategyEvaluation;
}

/** Every static finding, errors first. Never asks a model. */
export function staticReview(input: StaticReviewInput): ReviewFinding[] {
  const findings: ReviewFinding[] = [];
  const add = (severity: Severity, path: string, message: string) =>
    findings.push({ severity, path, message, source: 'static' });
  const { rules } = input;
  // Parameters at their declared defaults: what a strategy enabled without overrides trades.
  const declared = Object.entries(rules.params ?? {});
  const defaults = Object.fromEntries(declared.map(([name, p]) => [name, p.default]));
  const value = (operand: Operand | undefined): number | undefined => {
    if (operand === undefined) return undefined;
    if (typeof operand === 'number') return operand;
    const name = /^\$([A-Za-z_]\w*)$/.exec(operand)?.[1];
    const v = name === undefined ? undefined : defaults[name];
    return typeof v === 'number' ? v : undefined;
  };

  const protection = rules.protection ?? {};
  const sl = value(protection.sl) ?? 0;
  const trail = value(protection.trail) ?? 0;
  const tp = value(protection.tp) ?? 0;
  const ladder = (protection.ladder ?? []).length > 0;
  const longOnly = rules.longOnly === true;

  for (const side of ['long', 'short'] as const) {
    const entries = rules.rules.entry[side] ?? [];
    if (entries.length === 0 || (side === 'short' && longOnly)) continue;
    const exits = rules.rules.exit?.[side] ?? [];
    const opposite = side === 'long' ? 'short' : 'long';
    const reversedBy = (rules.rules.entry[opposite] ?? []).length > 0 && !(opposite === 'short' && longOnly);
    if (exits.length === 0 && sl <= 0 && trail <= 0 && tp <= 0 && !ladder && !reversedBy)
      add(
        'error',
        `rules.exit.${side}`,
        `${side} entries have no exit: no exit rule, no stop, no target and no opposite entry to reverse them`,
      );
    else if (exits.length === 0 && !reversedBy && sl <= 0 && trail <= 0)
      add(
        'warning',
        `rules.exit.${side}`,
        `${side} positions close only at the take-profit: a loser is held until liquidation`,
      );
    else if (exits.length === 0 && reversedBy)
      add(
        'info',
        `rules.exit.${side}`,
        `${side} positions close only when an opposite entry reverses them (always in the market)`,
      );
    if (exits.length > 0 && sameConditions(entries, exits))
      add(
        'error',
        `rules.exit.${side}`,
        `the ${side} exit is the ${side} entry: every entry would be closed on the candle it opens`,
      );
    for (const [i, c] of contradictions(entries, value)) add('error', `rules.entry.${side}[${i}]`, c);
    for (const [i, c] of contradictions(exits, value)) add('error', `rules.exit.${side}[${i}]`, c);
  }
  const longs = rules.rules.entry.long ?? [];
  const shorts = rules.rules.entry.short ?? [];
  if (longs.length > 0 && !longOnly && sameConditions(longs, shorts))
    add(
      'error',
      'rules.entry',
      'long and short entries have the same conditions: one of them always wins, the other never trades',
    );
  if (longs.length === 0 && (shorts.length === 0 || longOnly))
    add('error', 'rules.entry', 'no entry can fire: the strategy never trades');

  if (sl <= 0 && trail <= 0)
    add(
      'error',
      'protection.sl',
      'entries carry no stop-loss and no trailing stop: a position without its stop (set protection.sl)',
    );
  const liquidationPct = 100 / Math.max(1, input.leverage);
  for (const [name, v] of [
    ['sl', sl],
    ['trail', trail],
  ] as const) {
    if (v > 0 && v >= liquidationPct)
      add(
        'error',
        `protection.${name}`,
        `${v} % is beyond liquidation at ×${input.leverage} (≈ ${liquidationPct.toFixed(1)} % against the entry): the stop would never fire`,
      );
    else if (v > 0 && v >= liquidationPct / 2)
      add(
        'warning',
        `protection.${name}`,
        `${v} % is over half the way to liquidation at ×${input.leverage} (≈ ${liquidationPct.toFixed(1)} %)`,
      );
  }
  if (tp > 0 && sl > 0 && tp < sl / 3)
    add(
      'warning',
      'protection.tp',
      `the target (${tp} %) is under a third of the stop (${sl} %): each loss needs three wins`,
    );

  const sizing = rules.sizing;
  if (sizing && 'percent' in sizing) {
    const pct = value(sizing.percent);
    if (pct !== undefined && pct > 100)
      add('error', 'sizing.percent', `${pct} % of equity as margin per entry: more than the account holds`);
    else if (pct !== undefined && pct > SIZE_PERCENT_WARNING)
      add(
        'warning',
        'sizing.percent',
        `${pct} % of equity as margin per entry (above ${SIZE_PERCENT_WARNING} %): one stop costs ${pct} % × stop × leverage`,
      );
  }
  if (input.leverage > 20)
    add('warning', '', `leverage ×${input.leverage}: a ${(100 / input.leverage).toFixed(1)} % move liquidates`);

  // Pyramiding: the strategy contract enters only on a change of the held position (strategies/signals.ts),
  // so a rule file cannot add to a position; a field that asks for it without a cap is named anyway.
  const raw = rules as unknown as Record<string, unknown>;
  const pyramiding = raw.pyramiding;
  if (pyramiding !== undefined && !(typeof pyramiding === 'object' && pyramiding !== null && 'max' in pyramiding))
    add('error', 'pyramiding', 'pyramiding without a cap (max entries): exposure could grow with every signal');

  const optimisable = declared.filter(([, p]) => p.type !== 'bool');
  if (optimisable.length > MANY_PARAMS)
    add(
      'warning',
      'params',
      `${optimisable.length} tunable parameters (more than ${MANY_PARAMS}): room to fit noise; prefer fewer`,
    );
  if (input.report) overfittingSigns(input.report, add);
  return sortFindings(findings);
}

function overfittingSigns(report: StrategyEvaluation, add: (s: Severity, path: string, m: string) => void): void {
  for (const [where, check] of [
    ['split', report.split.overfitting],
    ['walk-forward', report.walkForward.overfitting],
  ] as const) {
    if (check.overfitted && check.gap !== null)
      add(
        'warning',
        '',
        `over-fitting (${where}): ${check.objective} ${check.inSample.toFixed(2)} in-sample vs ${Number.isFinite(check.outOfSample) ? check.outOfSample.toFixed(2) : 'no trade'} out-of-sample, ${Math.round(check.gap * 100)} % lower (threshold ${Math.round(check.threshold * 100)} %)`,
      );
  }
  if (report.full.metrics.trades < 30)
    add(
      'warning',
      '',
      `${report.full.metrics.trades} trades in the backtest: its ratios are mostly luck (fewer than 30)`,
    );
  const chosen = new Set(report.walkForward.windows.map((w) => JSON.stringify(w.params)));
  if (report.walkForward.windows.length > 2 && chosen.size === report.walkForward.windows.length)
    add(
      'info',
      'params',
      `the walk-forward chose different parameters in each of its ${chosen.size} windows: the optimum is not stable`,
    );
}

const LOWER: readonly ComparisonOp[] = ['above', 'atLeast', 'crossesAbove', 'risesTo'];
const UPPER: readonly ComparisonOp[] = ['below', 'atMost', 'crossesBelow', 'fallsTo'];

/** Pairs of comparisons in one all-of list that cannot hold together, by the index of the second. */
function contradictions(
  list: readonly Condition[],
  value: (o: Operand | undefined) => number | undefined,
): Array<[number, string]> {
  const found: Array<[number, string]> = [];
  const comparisons = list
    .map((c, i) => [i, c] as const)
    .filter((e): e is readonly [number, Comparison] => 'series' in e[1]);
  for (let a = 0; a < comparisons.length; a++) {
    for (let b = a + 1; b < comparisons.length; b++) {
      const [, x] = comparisons[a]!;
      const [j, y] = comparisons[b]!;
      if (String(x.series) !== String(y.series)) continue;
      const [opX, rx] = opOf(x);
      const [opY, ry] = opOf(y);
      const clash = impossible(opX, rx, opY, ry, value) ?? impossible(opY, ry, opX, rx, value);
      if (clash) found.push([j, `contradicts condition ${comparisons[a]![0]}: ${x.series} ${clash}`]);
    }
  }
  for (const [i, c] of list.entries()) {
    if ('not' in c && list.some((other) => other !== c && same(other, c.not)))
      found.push([i, 'is the negation of another condition in the same list: the list can never hold']);
  }
  return found;
}

function opOf(c: Comparison): [ComparisonOp, Operand] {
  const op = COMPARISONS.find((k) => c[k] !== undefined)!;
  return [op, c[op]!];
}

/** Why `series opX rx` and `series opY ry` cannot both hold, or undefined. */
function impossible(
  opX: ComparisonOp,
  rx: Operand,
  opY: ComparisonOp,
  ry: Operand,
  value: (o: Operand | undefined) => number | undefined,
): string | undefined {
  if (!LOWER.includes(opX) || !UPPER.includes(opY)) return undefined;
  const strict = !(opX === 'atLeast' || opX === 'risesTo') || !(opY === 'atMost' || opY === 'fallsTo');
  if (String(rx) === String(ry)) return strict ? `${opX} and ${opY} ${String(rx)} at once` : undefined;
  const [lo, hi] = [value(rx), value(ry)];
  if (lo === undefined || hi === undefined) return undefined;
  if (lo > hi || (lo === hi && strict)) return `${opX} ${lo} and ${opY} ${hi} at once`;
  return undefined;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
function sameConditions(a: readonly Condition[], b: readonly Condition[]): boolean {
  const key = (l: readonly Condition[]) =>
    l
      .map((c) => JSON.stringify(c))
      .sort()
      .join('\n');
  return a.length > 0 && key(a) === key(b);
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
export const sortFindings = (list: readonly ReviewFinding[]): ReviewFinding[] =>
  [...list].sort((a, b) => RANK[a.severity] - RANK[b.severity]);

export const reviewAnswerSchema = z.strictObject({
  findings: z
    .array(
      z.strictObject({
        severity: z.enum(['info', 'warning', 'error']),
        path: z.string().check(z.maxLength(200)),
        message: z.string().check(z.minLength(1), z.maxLength(500)),
      }),
    )
    .check(z.maxLength(30)),
});

export interface ReviewReport {
  findings: ReviewFinding[];
  /** whether a model was asked, and what came of it */
  model:
    | { asked: false; why: string }
    | { asked: true; ok: true; findings: number; costUsd: string }
    | { asked: true; ok: false; reason: AdvisorRefusal; detail: string };
}

/** The static findings, then the model's (when an advisor is given), merged: errors first, each with its source. */
export async function reviewStrategy(
  input: StaticReviewInput & { ruleFile: string; accountId: string },
  advisor: Advisor | undefined,
): Promise<ReviewReport> {
  const own = staticReview(input);
  if (advisor === undefined)
    return {
      findings: own,
      model: { asked: false, why: 'no model: set LLM_PROVIDER (bedrock|openai) to add its review' },
    };
  const answer = await advisor.ask({
    accountId: input.accountId,
    purpose: 'strategy-review',
    system: REVIEW_SYSTEM,
    prompt: [
      'Rule file:',
      input.ruleFile,
      `Leverage: ×${input.leverage}`,
      'Findings already made by static checks (do not repeat them):',
      ...own.map((f) => `- ${f.severity} ${f.path}: ${f.message}`),
    ].join('\n'),
    schema: reviewAnswerSchema,
    schemaName: 'strategy_review',
  });
  if (!answer.ok)
    // The static list stands on its own: a model that fails adds nothing, and says so.
    return { findings: own, model: { asked: true, ok: false, reason: answer.reason, detail: answer.detail } };
  const theirs = answer.value.findings.map((f): ReviewFinding => ({ ...f, source: 'model' }));
  return {
    findings: sortFindings([...own, ...theirs]),
    model: { asked: true, ok: true, findings: theirs.length, costUsd: answer.costUsd },
  };
}

const REVIEW_SYSTEM = [
  'You review trading strategies written as rule files for crypto perpetual futures.',
  'List logical errors (an entry without an exit, no stop, contradictory or never-true conditions, look-ahead),',
  'risk problems (size, leverage, stop distance) and signs of over-fitting, as JSON "findings": each with "severity"',
  '(error: the strategy is broken or unsafe; warning: likely to hurt; info: worth knowing), "path" (where in the rule',
  'file, e.g. rules.entry.long[0] or protection.sl; "" for the whole file) and "message" (one sentence).',
].join('\n');
