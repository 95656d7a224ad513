// The registry: looking strategies up by id and turning "name=value" strings into typed params.
import {
  STRATEGIES,
  getStrategy,
  parseParamAssignments,
  resolveParams,
} from '../../../../shared/core/strategies/registry';
import { smaCross } from '../../../../shared/core/strategies/sma-cross';

describe('getStrategy', () => {
  it('returns the definition registered under the id', () => {
    expect(getStrategy('sma-cross')).toBe(smaCross);
    for (const [id, def] of Object.entries(STRATEGIES)) expect(def.id).toBe(id);
  });

  it('names the unknown id and lists the known ones', () => {
    expect(() => getStrategy('moon-shot')).toThrow(
      'unknown strategy "moon-shot"; known strategies: sma-cross, ema-cross, bb-reversion, rsi-ema, macd-stoch, supertrend, ichimoku-cloud',
    );
    expect(() => getStrategy('toString')).toThrow(/unknown strategy "toString"/);
  });
});

describe('resolveParams', () => {
  it('fills every default when nothing is given', () => {
    expect(resolveParams(smaCross, {})).toEqual({ fast: 10, slow: 30, slPct: 0, tpPct: 0, longOnly: false });
  });

  it('parses ints, floats and booleans', () => {
    expect(resolveParams(smaCross, { fast: '5', slow: ' 40 ', slPct: '2.5', tpPct: '1e1', longOnly: 'true' })).toEqual({
      fast: 5,
      slow: 40,
      slPct: 2.5,
      tpPct: 10,
      longOnly: true,
    });
    expect(resolveParams(smaCross, { longOnly: 'no' }).longOnly).toBe(false);
    expect(resolveParams(smaCross, { longOnly: '1' }).longOnly).toBe(true);
  });

  it('rejects an unknown parameter, naming it and the known ones', () => {
    expect(() => resolveParams(smaCross, { fats: '5' })).toThrow(
      'unknown parameter "fats" for sma-cross; known parameters: fast, slow, slPct, tpPct, longOnly',
    );
  });

  it.each([
    ['fast', '1.5', 'an integer'],
    ['fast', '', 'an integer'],
    ['fast', '10abc', 'an integer'],
    ['slPct', 'five', 'a number'],
    ['slPct', 'Infinity', 'a number'],
    ['longOnly', 'maybe', 'true or false'],
  ])('rejects %s=%p, naming the parameter', (name, value, expected) => {
    expect(() => resolveParams(smaCross, { [name]: value })).toThrow(
      `parameter "${name}" of sma-cross must be ${expected}, got "${value}"`,
    );
  });
});

describe('parseParamAssignments', () => {
  it('splits name=value pairs (the value may contain "=")', () => {
    expect(parseParamAssignments(['fast=10', 'slow = 30', 'note=a=b'])).toEqual({
      fast: '10',
      slow: ' 30',
      note: 'a=b',
    });
  });

  it('rejects a pair without a name or "=", and a name given twice', () => {
    expect(() => parseParamAssignments(['fast'])).toThrow('parameter "fast" must look like name=value');
    expect(() => parseParamAssignments(['=3'])).toThrow('parameter "=3" must look like name=value');
    expect(() => parseParamAssignments(['fast=1', 'fast=2'])).toThrow('parameter "fast" is given twice');
  });

  it('feeds resolveParams', () => {
    expect(resolveParams(smaCross, parseParamAssignments(['fast=5', 'longOnly=true']))).toMatchObject({
      fast: 5,
      slow: 30,
      longOnly: true,
    });
  });
});
