// What the model is told about the rule format comes from the format's own tables, and its example
// is a file the real validator accepts: the guide cannot teach a format the validator refuses.
import { ruleFormatGuide, RULE_FILE_EXAMPLE } from '../../../../shared/core/advisor/rule-guide';
import { COMPARISONS, INDICATORS, parseRuleFile } from '../../../../shared/core/strategies/rules';

test("the guide's example passes the rule validator", () => {
  expect(parseRuleFile(JSON.stringify(RULE_FILE_EXAMPLE))).toMatchObject({ ok: true });
});

test('the guide names every comparison and every indicator the validator accepts', () => {
  const guide = ruleFormatGuide();
  for (const op of COMPARISONS) expect(guide).toContain(op);
  for (const name of Object.keys(INDICATORS)) expect(guide).toContain(`${name}(`);
  expect(guide).toContain('bb(source,period,mult) outputs .middle .upper .lower');
});
