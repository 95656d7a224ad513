// Parameter sets from --param values: each syntax, the errors naming the parameter, grid size,
// constraint filtering and seeded random search.
import {
  buildParamAxes,
  gridParamSets,
  gridSize,
  parseParamValues,
  ParamSpaceError,
  randomParamSets,
  strategyAccepts,
} from '../../../../shared/core/backtest/param-space';
import type { ParamSpec, StrategyDefinition, StrategyParams } from '../../../../shared/core/strategies/types';

const fast: ParamSpec = {
  name: 'fast',
  type: 'int',
  default: 10,
  min: 2,
  max: 50,
  step: 1,
  description: 'fast period',
};
const slow: ParamSpec = {
  name: 'slow',
  type: 'int',
  default: 30,
  min: 5,
  max: 200,
  step: 5,
  description: 'slow period',
};
const mult: ParamSpec = { name: 'mult', type: 'float', default: 2, description: 'band width' };
const longOnly: ParamSpec = { name: 'longOnly', type: 'bool', default: false, description: 'never short' };
const specs = [fast, slow, mult, longOnly];

/** A strategy that refuses fast ≥ slow the way a real one does: by throwing in create. */
const crossDef: StrategyDefinition = {
  id: 'stub-cross',
  description: 'stub',
  params: specs,
  warmup: (p) => Number(p.slow),
  create: (p: StrategyParams) => {
    if (Number(p.fast) >= Number(p.slow)) throw new RangeError('fast must be below slow');
    return { next: () => undefined };
  },
};

function errorOf(fn: () => unknown): ParamSpaceError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ParamSpaceError) return error;
    throw error;
  }
  throw new Error('expected a ParamSpaceError');
}

describe('parseParamValues: the three syntaxes', () => {
  test('a fixed value', () => {
    expect(parseParamValues(fast, '12')).toEqual([12]);
  });

  test('an inclusive range min:max:step', () => {
    expect(parseParamValues(fast, '5:50:5')).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(parseParamValues(fast, '5:12:5')).toEqual([5, 10]);
  });

  test('a float range has no binary noise', () => {
    expect(parseParamValues(mult, '0.1:0.5:0.1')).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  test('a range without a step uses the spec step', () => {
    expect(parseParamValues(slow, '10:25')).toEqual([10, 15, 20, 25]);
  });

  test('a list, duplicates dropped', () => {
    expect(parseParamValues(fast, '5,10,20,10')).toEqual([5, 10, 20]);
  });

  test('booleans: one value or a list', () => {
    expect(parseParamValues(longOnly, 'true')).toEqual([true]);
    expect(parseParamValues(longOnly, 'true,false')).toEqual([true, false]);
  });
});

describe('parseParamValues: errors name the parameter', () => {
  const cases: Array<[ParamSpec, string, RegExp]> = [
    [fast, 'ten', /--param fast: "ten" is not a number/],
    [fast, '10.5', /--param fast: "10.5" is not a whole number/],
    [fast, '5:50:0', /--param fast: the step must be > 0/],
    [fast, '50:5:5', /--param fast: min 50 is above max 5/],
    [fast, '1:2:3:4', /--param fast: a range is min:max:step/],
    [fast, '5,,10', /--param fast: "" is not a number/],
    [longOnly, 'maybe', /--param longOnly: "maybe" is not true or false/],
    [longOnly, '0:1', /--param longOnly: a boolean takes/],
  ];
  test.each(cases.map(([spec, text, message]) => [`${spec.name}=${text}`, spec, text, message] as const))(
    '%s',
    (_label, spec, text, message) => {
      const error = errorOf(() => parseParamValues(spec, text));
      expect(error.param).toBe(spec.name);
      expect(error.message).toMatch(message);
    },
  );
});

describe('buildParamAxes', () => {
  test('overridden params take the given values, the others their default', () => {
    const axes = buildParamAxes(specs, { fast: '5:15:5', longOnly: 'true' });
    expect(axes).toEqual([
      { name: 'fast', values: [5, 10, 15] },
      { name: 'slow', values: [30] },
      { name: 'mult', values: [2] },
      { name: 'longOnly', values: [true] },
    ]);
  });

  test('an unknown name is refused with the known ones listed', () => {
    const error = errorOf(() => buildParamAxes(specs, { period: '14' }));
    expect(error.param).toBe('period');
    expect(error.message).toBe('--param period: unknown parameter (this strategy has: fast, slow, mult, longOnly)');
  });
});

describe('grid', () => {
  test('the grid is the cartesian product of the axes', () => {
    const axes = buildParamAxes(specs, { fast: '5:30:5', slow: '20:100:10', longOnly: 'true,false' });
    expect(gridSize(axes)).toBe(6 * 9 * 2);
    const sets = gridParamSets(axes);
    expect(sets).toHaveLength(108);
    const keys = new Set(sets.map((s) => JSON.stringify(s)));
    expect(keys.size).toBe(108);
    expect(sets[0]).toEqual({ fast: 5, slow: 20, mult: 2, longOnly: true });
    expect(sets[107]).toEqual({ fast: 30, slow: 100, mult: 2, longOnly: false });
  });

  test('sets the strategy refuses (fast ≥ slow) are skipped', () => {
    const axes = buildParamAxes(specs, { fast: '5:30:5', slow: '10:30:10' });
    const sets = gridParamSets(axes, strategyAccepts(crossDef));
    const expected = [5, 10, 15, 20, 25, 30].flatMap((f) => [10, 20, 30].filter((s) => f < s).map((s) => [f, s]));
    expect(sets.map((s) => [s.fast, s.slow])).toEqual(expected);
  });

  test('a definition with its own validate is asked instead of create', () => {
    const create = jest.fn(() => ({ next: () => undefined }));
    const def = {
      ...crossDef,
      create,
      validate: (p: StrategyParams) => (Number(p.fast) * 2 > Number(p.slow) ? 'too close' : undefined),
    };
    const accept = strategyAccepts(def);
    expect(accept({ fast: 10, slow: 30 })).toBe(true);
    expect(accept({ fast: 20, slow: 30 })).toBe(false);
    expect(create).not.toHaveBeenCalled();
  });
});

describe('random search', () => {
  const axes = buildParamAxes(specs, { fast: '2:50:1', slow: '5:200:5', mult: '1:3:0.5' });

  test('the same seed gives the same sets; another seed other sets', () => {
    const a = randomParamSets(axes, 25, 42);
    const b = randomParamSets(axes, 25, 42);
    const c = randomParamSets(axes, 25, 7);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  test('sets are distinct, inside the axes and accepted by the strategy', () => {
    const sets = randomParamSets(axes, 40, 1, strategyAccepts(crossDef));
    expect(sets).toHaveLength(40);
    expect(new Set(sets.map((s) => JSON.stringify(s))).size).toBe(40);
    for (const s of sets) {
      expect(axes[0]!.values).toContain(s.fast);
      expect(axes[1]!.values).toContain(s.slow);
      expect(Number(s.fast)).toBeLessThan(Number(s.slow));
    }
  });

  test('asking for more than the grid holds returns the whole (filtered) grid', () => {
    const small = buildParamAxes(specs, { fast: '5,10', slow: '10,20' });
    expect(randomParamSets(small, 100, 3, strategyAccepts(crossDef))).toEqual(
      gridParamSets(small, strategyAccepts(crossDef)),
    );
  });

  test('a count below 1 is refused', () => {
    expect(errorOf(() => randomParamSets(axes, 0, 1)).param).toBe('random');
  });
});
