// The strategy a subscription runs: its own rule file when it has one (validated and compiled
// here, on each read: a stored document is not trusted to be a valid file), else the built-in of
// that id.
import { InvalidArgumentError } from '../../errors';
import { getStrategy } from '../registry';
import type { StrategyDefinition } from '../types';
import { compileRules } from './compile';
import { formatRuleIssues, validateRuleFile } from './parse';

export function subscriptionStrategy(
  subscription: { strategy: string; rules?: unknown },
  builtIn: (id: string) => StrategyDefinition = getStrategy,
): StrategyDefinition {
  if (subscription.rules === undefined) return builtIn(subscription.strategy);
  const checked = validateRuleFile(subscription.rules);
  if (!checked.ok)
    throw new InvalidArgumentError(
      `the stored rule file of ${subscription.strategy} is not valid:\n${formatRuleIssues(checked.errors)}`,
    );
  return compileRules(checked.rules);
}
