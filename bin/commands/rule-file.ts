// Reading a rule file given on the command line (`--rules FILE`): its text, checked by
// parseRuleFile and compiled. A refused file is one error listing every problem by its path.
import { readFileSync, statSync } from 'node:fs';
import {
  compileRules,
  formatRuleIssues,
  MAX_RULE_FILE_BYTES,
  parseRuleFile,
  type RuleFile,
  type RuleIssue,
} from '../../shared/core/strategies/rules';
import type { StrategyDefinition } from '../../shared/core/strategies/types';

/** One line (the commands print an input error's first line), every problem in `issues`. */
export class RuleFileError extends Error {
  constructor(
    message: string,
    readonly issues: readonly RuleIssue[] = [],
  ) {
    super(message);
    this.name = 'RuleFileError';
  }
}

export interface LoadedRules {
  file: string;
  rules: RuleFile;
  definition: StrategyDefinition;
}

/**
 * What of a rule file the backtest engine does not simulate (docs/STRATEGIES.md): they reach paper
 * and live accounts on the signal, so a backtest of such a file must say its figures leave them out.
 */
export function unsimulatedByBacktest(rules: RuleFile): string[] {
  const p = rules.protection ?? {};
  return [
    ...(p.ladder !== undefined ? ['protection.ladder'] : []),
    ...(p.breakEven ? ['protection.breakEven'] : []),
    ...(p.trail !== undefined && p.trail !== 0 ? ['protection.trail'] : []),
    ...(rules.sizing !== undefined ? ['sizing'] : []),
  ];
}

export function loadRuleFile(file: string): LoadedRules {
  let text: string;
  try {
    if (statSync(file).size > MAX_RULE_FILE_BYTES)
      throw new RuleFileError(`--rules ${file}: a rule file must be at most ${MAX_RULE_FILE_BYTES} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof RuleFileError) throw error;
    throw new RuleFileError(`--rules ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const parsed = parseRuleFile(text, file);
  if (!parsed.ok)
    throw new RuleFileError(
      `--rules ${file}: ${formatRuleIssues(parsed.errors).split('\n').join('; ')}`,
      parsed.errors,
    );
  return { file, rules: parsed.rules, definition: compileRules(parsed.rules) };
}
