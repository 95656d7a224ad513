// parseRuleFile: a valid file is read, every problem is named by its path in the file, nothing
// throws on bad input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { formatRuleIssues, parseRuleFile } from '../../../../../shared/core/strategies/rules';

const SMA_CROSS = readFileSync(join(__dirname, '../../../../../strategies/sma-cross.json'), 'utf8');

// A parsed rule file edited freely by the tests (its shape is what is under test).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

/** The sma-cross file with `edit` applied to its parsed JSON, as text. */
function edited(edit: (file: Doc) => void): string {
  const file = JSON.parse(SMA_CROSS) as Doc;
  edit(file);
  return JSON.stringify(file);
}

function errorsOf(text: string, source?: string) {
  const result = parseRuleFile(text, source);
  if (result.ok) throw new Error('expected the file to be refused');
  return result.errors;
}

describe('parseRuleFile', () => {
  it('reads a shipped rule file', () => {
    const result = parseRuleFile(SMA_CROSS);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.rules.id).toBe('sma-cross');
  });

  it('names the path of an unknown series (the issue example)', () => {
    const text = edited((f) => {
      f.params.rsiPeriod = { type: 'int', default: 14 };
      f.rules.entry.long.push({ series: 'rsi(close,$rsiPeriod)', above: 'rsi(0)' });
    });
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe('rules.entry.long[1].above');
    expect(errors[0]!.message).toMatch(/^unknown series "rsi\(0\)"/);
    expect(formatRuleIssues(errors)).toMatch(/^rules\.entry\.long\[1\]\.above: unknown series "rsi\(0\)"/);
  });

  it('refuses a misspelt field instead of ignoring it (a stop that silently does nothing)', () => {
    const text = edited((f) => {
      f.protecton = f.protection;
      delete f.protection;
    });
    expect(errorsOf(text)).toEqual([
      { path: 'protecton', message: expect.stringMatching(/^unknown field; known: .*protection/) },
    ]);
  });

  it.each([
    [
      'an undeclared parameter',
      (f: Doc) => (f.rules.entry.short[0].series = 'sma(close,$fsat)'),
      'rules.entry.short[0].series',
      /unknown parameter "\$fsat".*declared: fast, slow, slPct, tpPct/,
    ],
    [
      'an unknown indicator',
      (f: Doc) => (f.rules.entry.long[0].crossesAbove = 'wma(close,3)'),
      'rules.entry.long[0].crossesAbove',
      /no indicator "wma"/,
    ],
    [
      'an unknown output',
      (f: Doc) => (f.rules.entry.long[0].series = 'bb(close,20,2).low'),
      'rules.entry.long[0].series',
      /bb has no output "low"; it has middle, upper, lower/,
    ],
    [
      'a zero period',
      (f: Doc) => (f.rules.entry.long[0].series = 'sma(close,0)'),
      'rules.entry.long[0].series',
      /sma's period must be an integer >= 1, got 0/,
    ],
    [
      'two operators',
      (f: Doc) => (f.rules.entry.long[0].above = 'close'),
      'rules.entry.long[0]',
      /exactly one operator.*got above, crossesAbove/,
    ],
    [
      'a float param as a period',
      (f: Doc) => (f.rules.entry.long[0].series = 'sma(close,$slPct)'),
      'rules.entry.long[0].series',
      /"\$slPct" is used as a period: it must be an int/,
    ],
    [
      'a higher timeframe without a base one',
      (f: Doc) => (f.rules.entry.long[0].series = 'sma(close,$fast)@4h'),
      'rules.entry.long[0].series',
      /must declare its own "timeframe"/,
    ],
    ['a bad "for"', (f: Doc) => (f.rules.entry.long[0].for = 0), 'rules.entry.long[0].for', /integer from 1 to 1000/],
    [
      'a series in a constraint',
      (f: Doc) => (f.constraints[0].series = 'close'),
      'constraints[0].series',
      /\$parameters and numbers only/,
    ],
    [
      'a negative stop',
      (f: Doc) => (f.protection.sl = -1),
      'protection.sl',
      /must be a number >= 0 and <= 1000, got -1/,
    ],
    [
      'a ladder whose shares miss 100',
      (f: Doc) => {
        delete f.protection.tp;
        f.protection.ladder = [
          { tp: 2, share: 50 },
          { tp: 4, share: 40 },
        ];
      },
      'protection.ladder',
      /shares must sum to 100, got 90/,
    ],
    [
      'the reserved longOnly param',
      (f: Doc) => (f.params.longOnly = { type: 'bool', default: true }),
      'params.longOnly',
      /top-level "longOnly"/,
    ],
    [
      'a zero size',
      (f: Doc) => (f.sizing = { percent: 0 }),
      'sizing.percent',
      /must be a number > 0 and <= 100, got 0/,
    ],
  ])('refuses %s, naming its path', (_, edit, path, message) => {
    const errors = errorsOf(edited(edit));
    expect(errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('reports every problem of a file, not only the first', () => {
    const text = edited((f) => {
      f.format = 'v2';
      f.rules.entry.long[0].series = 'nope';
      f.params.fast.type = 'integer';
    });
    expect(errorsOf(text).map((e) => e.path)).toEqual(['format', 'params.fast.type', 'rules.entry.long[0].series']);
  });

  it('reads YAML as it reads JSON: the same file gives the same rules, and its problems the same paths', () => {
    const json = JSON.parse(edited(() => undefined)) as Record<string, unknown>;
    const yaml = stringifyYaml(json);
    const fromYaml = parseRuleFile(yaml, 'mine.yaml');
    expect(fromYaml).toEqual(parseRuleFile(JSON.stringify(json), 'mine.json'));
    expect(fromYaml.ok).toBe(true);
    // YAML 1.2 core schema: an unquoted `on` stays the string "on", refused with its path like any wrong type
    const bad = yaml.replace(/^format: .*$/m, 'format: on');
    expect(errorsOf(bad, 'mine.yml').map((e) => e.path)).toEqual(['format']);
    expect(errorsOf('{ "id": ', 'mine.json')[0]!.message).toMatch(/^not valid JSON/);
    expect(errorsOf('id: [unclosed', 'mine.yaml')[0]!.message).toMatch(/^not valid YAML/);
  });

  it('refuses a YAML file with a repeated key and an alias bomb, naming why', () => {
    expect(errorsOf('id: a\nid: b\n', 'mine.yaml')[0]!.message).toMatch(/^not valid YAML/);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill('*' + String.fromCharCode(97 + i))
          .join(', ')}]`,
      );
    expect(errorsOf(bomb.join('\n'), 'bomb.yaml')[0]!.message).toMatch(/^not valid YAML/);
  });

  it('never throws on hostile input', () => {
    for (const text of [
      'null',
      '[]',
      '"x"',
      '{"rules":{"entry":{"long":[null, 3, {"all":[]}]}}}',
      '{"rules":{"entry":{"long":[{"series":{}}]}}}',
    ])
      expect(parseRuleFile(text).ok).toBe(false);
    const deep = { series: 'close', above: 1 } as Record<string, unknown>;
    let condition: Record<string, unknown> = deep;
    for (let i = 0; i < 50; i++) condition = { not: condition };
    const text = edited((f) => f.rules.entry.long.push(condition));
    expect(errorsOf(text)[0]!.message).toMatch(/nest at most 8 deep/);
  });
});

describe('parseRuleFile: timeframes', () => {
  const withTimeframe = (timeframe: string, series: string) =>
    edited((f) => {
      f.timeframe = timeframe;
      f.rules.entry.long.push({ series: 'close', above: series });
    });

  it('reads a higher timeframe of the file’s own', () => {
    expect(parseRuleFile(withTimeframe('1h', 'ema(close,50)@4h')).ok).toBe(true);
  });

  it.each([
    ['1h', 'ema(close,50)@1h', /whole multiple above the file's timeframe 1h/],
    ['4h', 'ema(close,50)@1h', /whole multiple above/],
    ['1h', 'ema(close,50)@2h', /timeframe "2h" must be one of/],
  ])('refuses %s with %s', (timeframe, series, message) => {
    expect(errorsOf(withTimeframe(timeframe, series))).toEqual([
      { path: 'rules.entry.long[1].above', message: expect.stringMatching(message) },
    ]);
  });
});
