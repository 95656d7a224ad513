// Strategies as data (docs/STRATEGIES.md): the rule-file format, its validator and its compiler.
export { formatRuleIssues, MAX_RULE_FILE_BYTES, parseRuleFile, validateRuleFile } from './parse';
export { INDICATORS, PRICES } from './series';
export * from './types';
export { compileRules, ruleFileOf } from './compile';
export { subscriptionStrategy } from './subscription';
