// `strategy review`'s static checks, without any model: each logical error, risk setting and
// over-fitting sign on a rule file the real validator accepted; then a model's findings merged
// after them, labelled by source, and a failing model adding nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reviewStrategy, staticReview, type ReviewFinding } from '../../../../shared/core/advisor/strategy-review';
import type { StrategyEvaluation } from '../../../../shared/core/advisor/strategy-evaluation';
import { parseRuleFile, type RuleFile } from '../../../../shared/core/strategies/rules';
import { replayAdvisor } from './replay-advisor';

const SMA_CROSS = readFileSync(join(__dirname, '../../../../strategies/sma-cross.json'), 'utf8');

/** A rule file through the real validator: the review only ever sees accepted files. */
function rules(doc: Record<string, unknown>): RuleFile {
  const parsed = parseRuleFile(JSON.stringify({ format: 'strategy-rules/1', id: 'test-rules', ...doc }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.rules;
}

const RSI_LONG = [{ series: 'rsi(close,14)', crossesAbove: 30 }];
const SAFE = { protection: { sl: 3, tp: 6 } };
const review = (r: RuleFile, leverage = 1, report?: StrategyEvaluation) =>
  staticReview({ rules: r, leverage, ...(report ? { report } : {}) });
const at = (findings: ReviewFinding[], path: string) => findings.filter((f) => f.path === path);

describe('staticReview', () => {
  test('a clean long-only rule file with an exit, a stop and a target has no finding', () => {
    const clean = rules({
      rules: { entry: { long: RSI_LONG }, exit: { long: [{ series: 'rsi(close,14)', atLeast: 70 }] } },
      ...SAFE,
    });
    expect(review(clean)).toEqual([]);
  });

  test('entries without any exit, stop, target or reversing entry: an error on that side, and no stop', () => {
    const findings = review(rules({ rules: { entry: { long: RSI_LONG } } }));
    expect(at(findings, 'rules.exit.long')).toEqual([
      expect.objectContaining({ severity: 'error', source: 'static', message: expect.stringMatching(/no exit/) }),
    ]);
    expect(at(findings, 'protection.sl')).toEqual([
      expect.objectContaining({
        severity: 'error',
        message: expect.stringMatching(/no stop-loss and no trailing stop/),
      }),
    ]);
  });

  test('the shipped sma-cross (defaults: no stop) is always in the market and has no stop', () => {
    const parsed = parseRuleFile(SMA_CROSS);
    if (!parsed.ok) throw new Error('sma-cross.json should parse');
    const findings = review(parsed.rules);
    expect(findings.map((f) => [f.severity, f.path])).toEqual([
      ['error', 'protection.sl'],
      ['info', 'rules.exit.long'],
      ['info', 'rules.exit.short'],
    ]);
  });

  test('contradictory conditions: the same operand above and below, thresholds that cannot both hold, a not of a sibling', () => {
    const findings = review(
      rules({
        params: { lo: { type: 'float', default: 30, min: 10, max: 40 } },
        rules: {
          entry: {
            long: [
              { series: 'close', above: 'sma(close,20)' },
              { series: 'close', below: 'sma(close,20)' },
            ],
            short: [
              { series: 'rsi(close,14)', above: 70 },
              { series: 'rsi(close,14)', below: '$lo' },
            ],
          },
          exit: {
            long: [{ series: 'close', atMost: 'ema(close,10)' }, { not: { series: 'close', atMost: 'ema(close,10)' } }],
          },
        },
        ...SAFE,
      }),
    );
    expect(at(findings, 'rules.entry.long[1]')[0]).toMatchObject({
      severity: 'error',
      message: expect.stringMatching(/contradicts condition 0: close above and below sma\(close,20\)/),
    });
    expect(at(findings, 'rules.entry.short[1]')[0]!.message).toMatch(/above 70 and below 30 at once/);
    expect(at(findings, 'rules.exit.long[1]')[0]!.message).toMatch(/negation of another condition/);
  });

  test('conditions that can hold together are not contradictions (atLeast x and atMost x; a band between thresholds)', () => {
    const findings = review(
      rules({
        rules: {
          entry: {
            long: [
              { series: 'rsi(close,14)', atLeast: 40 },
              { series: 'rsi(close,14)', atMost: 40 },
              { series: 'close', above: 1 },
              { series: 'close', below: 2 },
            ],
          },
          exit: { long: [{ series: 'rsi(close,14)', above: 70 }] },
        },
        ...SAFE,
      }),
    );
    expect(findings).toEqual([]);
  });

  test('an exit equal to the entry, and long and short on the same conditions, are errors', () => {
    const findings = review(
      rules({ rules: { entry: { long: RSI_LONG, short: RSI_LONG }, exit: { long: RSI_LONG } }, ...SAFE }),
    );
    expect(at(findings, 'rules.exit.long')[0]!.message).toMatch(/closed on the candle it opens/);
    expect(at(findings, 'rules.entry')[0]!.message).toMatch(/same conditions/);
  });

  test('risk settings: a stop beyond liquidation at the leverage, half way to it, sizing beyond equity, high leverage', () => {
    const base = { rules: { entry: { long: RSI_LONG }, exit: { long: [{ series: 'rsi(close,14)', above: 70 }] } } };
    const beyond = review(rules({ ...base, protection: { sl: 12, tp: 20 } }), 10);
    expect(at(beyond, 'protection.sl')[0]).toMatchObject({
      severity: 'error',
      message: expect.stringMatching(/beyond liquidation at ×10/),
    });
    const halfWay = review(rules({ ...base, protection: { sl: 6, tp: 20 } }), 10);
    expect(at(halfWay, 'protection.sl')[0]).toMatchObject({ severity: 'warning' });
    expect(review(rules({ ...base, protection: { sl: 6, tp: 20 } }), 1)).toEqual([]);
    // a literal above 100 % is the validator's refusal; a parameter's default can still carry one
    const sized = review(
      rules({
        ...base,
        ...SAFE,
        params: { size: { type: 'float', default: 150, min: 50, max: 200 } },
        sizing: { percent: '$size' },
      }),
    );
    expect(at(sized, 'sizing.percent')[0]).toMatchObject({ severity: 'error' });
    expect(at(review(rules({ ...base, ...SAFE, sizing: { percent: 40 } })), 'sizing.percent')[0]).toMatchObject({
      severity: 'warning',
    });
    expect(at(review(rules({ ...base, protection: { sl: 1, tp: 2 } }), 50), '')[0]!.message).toMatch(/leverage ×50/);
  });

  test("a draft's report: over-fitting and few trades are warnings", () => {
    const check = {
      objective: 'sharpe' as const,
      inSample: 2,
      outOfSample: 0.2,
      gap: 0.9,
      threshold: 0.5,
      overfitted: true,
    };
    const report = {
      full: { metrics: { trades: 12 } },
      split: { overfitting: check },
      walkForward: { overfitting: { ...check, overfitted: false, gap: 0.1 }, windows: [] },
    } as unknown as StrategyEvaluation;
    const base = {
      rules: { entry: { long: RSI_LONG }, exit: { long: [{ series: 'rsi(close,14)', above: 70 }] } },
      ...SAFE,
    };
    const messages = review(rules(base), 1, report).map((f) => `${f.severity} ${f.message}`);
    expect(messages).toEqual([
      expect.stringMatching(
        /^warning over-fitting \(split\): sharpe 2.00 in-sample vs 0.20 out-of-sample, 90 % lower \(threshold 50 %\)/,
      ),
      expect.stringMatching(/^warning 12 trades/),
    ]);
  });
});

describe('reviewStrategy', () => {
  const noExit = rules({ rules: { entry: { long: RSI_LONG } } });
  const input = { rules: noExit, leverage: 1, ruleFile: '{}', accountId: 'acc-1' };

  test('without an advisor: the static list alone, and the report says no model was asked', async () => {
    const report = await reviewStrategy(input, undefined);
    expect(report.model).toMatchObject({ asked: false });
    expect(report.findings.every((f) => f.source === 'static')).toBe(true);
  });

  test("the model's findings merged after the static ones, errors first, each labelled by its source", async () => {
    const advisor = replayAdvisor([
      JSON.stringify({
        findings: [
          { severity: 'info', path: '', message: 'RSI(14) on 5m candles is noisy' },
          { severity: 'error', path: 'rules.entry.long[0]', message: 'no trend filter' },
        ],
      }),
    ]);
    const report = await reviewStrategy(input, advisor);
    expect(advisor.asked[0]).toMatchObject({ purpose: 'strategy-review', accountId: 'acc-1' });
    expect(report.model).toEqual({ asked: true, ok: true, findings: 2, costUsd: '0.0042' });
    expect(report.findings.map((f) => [f.severity, f.source, f.path])).toEqual([
      ['error', 'static', 'rules.exit.long'],
      ['error', 'static', 'protection.sl'],
      ['error', 'model', 'rules.entry.long[0]'],
      ['info', 'model', ''],
    ]);
  });

  test('a malformed answer adds nothing: the static list stands and the refusal is reported', async () => {
    const advisor = replayAdvisor([JSON.stringify({ findings: [{ severity: 'fatal', path: '', message: 'x' }] })]);
    const report = await reviewStrategy(input, advisor);
    expect(report.model).toMatchObject({ asked: true, ok: false, reason: 'invalid-answer' });
    expect(report.findings).toEqual(await reviewStrategy(input, undefined).then((r) => r.findings));
  });
});
