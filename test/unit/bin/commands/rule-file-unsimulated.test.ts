// A rule file's ladder, break-even, trail and sizing reach paper and live accounts but not the
// backtest's simulation (docs/STRATEGIES.md): the backtest command warns naming them, so its
// figures are never read as including them. The shipped built-ins carry none of them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuleFile, unsimulatedByBacktest } from '../../../../bin/commands/rule-file';
import type { RuleFile } from '../../../../shared/core/strategies/rules';

const STRATEGIES_DIR = join(__dirname, '..', '..', '..', '..', 'strategies');

describe('unsimulatedByBacktest', () => {
  const base = loadRuleFile(join(STRATEGIES_DIR, 'sma-cross.json')).rules;

  it('names nothing for the shipped built-ins (their sl and tp are simulated)', () => {
    const files = readdirSync(STRATEGIES_DIR).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(7);
    for (const f of files)
      expect([f, unsimulatedByBacktest(loadRuleFile(join(STRATEGIES_DIR, f)).rules)]).toEqual([f, []]);
  });

  it('names each of ladder, break-even, a non-zero trail and sizing by its path in the file', () => {
    const rules: RuleFile = {
      ...base,
      protection: {
        sl: 2,
        ladder: [
          { tp: 2, share: 50 },
          { tp: 4, share: 50 },
        ],
        breakEven: true,
        trail: 1.5,
      },
      sizing: { percent: 10 },
    };
    expect(unsimulatedByBacktest(rules)).toEqual([
      'protection.ladder',
      'protection.breakEven',
      'protection.trail',
      'sizing',
    ]);
    expect(unsimulatedByBacktest({ ...base, protection: { sl: 2, trail: 0, breakEven: false } })).toEqual([]);
  });
});
