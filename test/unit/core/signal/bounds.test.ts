// Each bound of the signal contract (docs/SIGNALS.md, "Bounds"), at its edge and just past it, as
// a string and as the JSON number JavaScript would hold; and printable ASCII on every field that
// names something, before any case folding.
import {
  AMOUNT_MAX,
  boundedDecimal,
  LEVERAGE_MAX,
  MAX_DECIMALS,
  PRICE_MAX,
} from '../../../../shared/core/signal/bounds';
import { parseSignalBody } from '../../../../shared/core/signal/parse-body';
import { parseLevel, parseSize, parseTakeProfits, validateSignalFields } from '../../../../shared/core/signal/schema';
import { normalizeSymbol } from '../../../../shared/core/signal/symbols';

const minimal = { token: 't', account: 'acc-1', action: 'long', symbol: 'BTCUSDT' };
const issuesOf = (fields: Record<string, unknown>) => {
  const r = validateSignalFields({ ...minimal, ...fields }, undefined);
  return r.ok ? [] : r.issues;
};

describe('boundedDecimal: (0, max], at most 18 decimal places, judged on the text', () => {
  test.each<[number | string, number, number]>([
    ['1', 100, 1],
    ['100', 100, 100],
    ['1e2', 100, 100],
    ['0.000000000000000001', 1, 1e-18],
    ['1e-18', 1, 1e-18],
    ['1.5e-17', 1, 1.5e-17],
    ['123456789012.123456', AMOUNT_MAX, 123456789012.12346],
    [' 2.50 ', 10, 2.5],
    ['+3', 10, 3],
    ['.5', 10, 0.5],
    ['5.', 10, 5],
    ['1E12', AMOUNT_MAX, 1e12],
    ['100.000000000000000000000000', 100, 100],
    [`1.${'0'.repeat(17)}1`, 2, 1],
    [1e-18, 1, 1e-18],
    [0.1 + 0.2, 1, 0.30000000000000004],
    [1e12, AMOUNT_MAX, 1e12],
  ])('%j ≤ %d → %d', (input, max, expected) => {
    expect(boundedDecimal(input, max)).toBe(expected);
  });

  test.each<[number | string, number, string]>([
    // past the maximum, in every spelling, including what a double cannot hold
    ['100.0000000000000001', 100, 'must be at most 100'],
    ['1e308', PRICE_MAX, 'must be at most 10000000000'],
    ['1e400', PRICE_MAX, 'must be at most 10000000000'],
    ['1e99999999999999999999', PRICE_MAX, 'must be at most 10000000000'],
    ['9'.repeat(400), AMOUNT_MAX, 'must be at most 1000000000000'],
    [1e308, PRICE_MAX, 'must be at most 10000000000'],
    [1e21, PRICE_MAX, 'must be at most 10000000000'],
    [Number.POSITIVE_INFINITY, PRICE_MAX, 'must be at most 10000000000'],
    // below the finest step any exchange has: denormals, underflow, and what Number() reads as 0
    ['1e-19', 1, 'must have at most 18 decimal places'],
    ['0.0000000000000000001', 1, 'must have at most 18 decimal places'],
    ['1e-320', 1, 'must have at most 18 decimal places'],
    ['1e-400', 1, 'must have at most 18 decimal places'],
    [`0.${'0'.repeat(398)}1`, 1, 'must have at most 18 decimal places'],
    ['1e-99999999999999999999', 1, 'must have at most 18 decimal places'],
    [1e-320, 1, 'must have at most 18 decimal places'],
    [5e-324, 1, 'must have at most 18 decimal places'],
    [`1.${'1'.repeat(400)}`, 2, 'must have at most 18 decimal places'],
    // zero and below
    ['0', 1, 'must be greater than 0'],
    ['-0', 1, 'must be greater than 0'],
    ['0e5', 1, 'must be greater than 0'],
    [-0, 1, 'must be greater than 0'],
    ['-1e-320', 1, 'must be greater than 0'],
    ['-5', 10, 'must be greater than 0'],
    // not decimals
    ['NaN', 1, 'must be a number'],
    ['Infinity', 1, 'must be a number'],
    ['0x10', 100, 'must be a number'],
    ['1_000', 10_000, 'must be a number'],
    ['١٢٣', 1000, 'must be a number'],
    ['１２', 100, 'must be a number'],
    ['e5', 1, 'must be a number'],
    ['1e', 1, 'must be a number'],
    ['.', 1, 'must be a number'],
    ['', 1, 'must be a number'],
    [Number.NaN, 1, 'must be a number'],
  ])('%j (max %d) → "%s"', (input, max, message) => {
    expect(boundedDecimal(input, max)).toBe(message);
  });

  it('keeps every accepted value a normal double that DynamoDB stores (1e-130 ≤ |n| < 1e126)', () => {
    for (const text of ['1e-18', '0.000000000000000001', '1e12', '99.999999999999999999', '123456789.123456789']) {
      const n = boundedDecimal(text, AMOUNT_MAX) as number;
      expect(n).toBeGreaterThanOrEqual(1e-18);
      expect(n).toBeLessThanOrEqual(AMOUNT_MAX);
      expect(Number.isFinite(n)).toBe(true);
    }
    expect(MAX_DECIMALS).toBe(18);
  });
});

describe('size bounds', () => {
  test.each<[number | string, string]>([
    ['100.5%', 'percent must be at most 100'],
    ['1e-19%', 'percent must have at most 18 decimal places'],
    ['1000000000001usdt', 'quote amount must be at most 1000000000000'],
    ['1e-320 usdt', 'quote amount must have at most 18 decimal places'],
    [1e12 + 1, 'must be at most 1000000000000'],
    ['1e13', 'must be at most 1000000000000'],
    [1e-19, 'must have at most 18 decimal places'],
  ])('%j → "%s"', (input, message) => {
    expect(parseSize(input)).toBe(message);
  });

  test.each<[number | string, unknown]>([
    ['100%', { kind: 'percent', value: 100 }],
    ['1e12usdt', { kind: 'quote', value: 1e12 }],
    ['1000000000000', { kind: 'contracts', value: 1e12 }],
    [1e-18, { kind: 'contracts', value: 1e-18 }],
  ])('%j at the edge → %j', (input, expected) => {
    expect(parseSize(input)).toEqual(expected);
  });
});

describe('price and percent levels (sl, tp, limit, trail)', () => {
  test.each<[number | string, number, unknown]>([
    [PRICE_MAX, 99, { kind: 'price', value: 1e10 }],
    ['10000000000', 99, { kind: 'price', value: 1e10 }],
    ['0.000000000000000001', 99, { kind: 'price', value: 1e-18 }],
    ['99%', 99, { kind: 'percent', value: 99 }],
  ])('%j (max %d%%) → %j', (input, max, expected) => {
    expect(parseLevel(input, max)).toEqual(expected);
  });

  test.each<[number | string, number, string]>([
    [1e10 + 1, 99, 'price must be at most 10000000000'],
    ['1.8e19', 99, 'price must be at most 10000000000'],
    [1e21, 1000, 'price must be at most 10000000000'],
    ['1e-320', 99, 'price must have at most 18 decimal places'],
    ['99.000000000000000001%', 99, 'percent must be at most 99'],
    ['1e-19%', 99, 'percent must have at most 18 decimal places'],
  ])('%j (max %d%%) → "%s"', (input, max, message) => {
    expect(parseLevel(input, max)).toBe(message);
  });

  it('bounds every ladder level and share', () => {
    expect(parseTakeProfits('2%:50,1e21')).toBe('price must be at most 10000000000');
    expect(parseTakeProfits('2%:1e-320,4%')).toBe('share must have at most 18 decimal places');
    expect(parseTakeProfits('2%:100.5')).toBe('share must be at most 100');
    expect(parseTakeProfits('1001%:50,2%')).toBe('percent must be at most 1000');
  });

  it('names the field of each in the schema', () => {
    expect(issuesOf({ sl: '1e308' })).toEqual([{ field: 'sl', message: 'price must be at most 10000000000' }]);
    expect(issuesOf({ trail: '50.5%' })).toEqual([{ field: 'trail', message: 'percent must be at most 50' }]);
    expect(issuesOf({ trail: 100 })).toEqual([{ field: 'trail', message: 'must be a percent like "1.5%"' }]);
    expect(issuesOf({ type: 'limit', limit: '50.5%' })).toEqual([
      { field: 'limit', message: 'percent must be at most 50' },
    ]);
    expect(issuesOf({ type: 'limit', limit: 1e21 })).toEqual([
      { field: 'limit', message: 'price must be at most 10000000000' },
    ]);
    expect(issuesOf({ price: '10000000000.5' })).toEqual([{ field: 'price', message: 'must be at most 10000000000' }]);
    expect(issuesOf({ price: 1e-19 })).toEqual([{ field: 'price', message: 'must have at most 18 decimal places' }]);
  });

  it('refuses a take-profit of 100 % or more on a short (the price would be 0 or below), and keeps it for a long', () => {
    expect(issuesOf({ action: 'short', tp: '100%' })).toEqual([
      { field: 'tp', message: 'percent must be below 100 for a short' },
    ]);
    expect(issuesOf({ action: 'sell', position: 'short', tp: '1%:50,150%' })).toEqual([
      { field: 'tp', message: 'percent must be below 100 for a short' },
    ]);
    expect(issuesOf({ action: 'short', tp: '99.9%' })).toEqual([]);
    expect(issuesOf({ action: 'long', tp: '150%' })).toEqual([]);
  });
});

describe('leverage: a whole number from 1 to 125', () => {
  test.each<[unknown, unknown]>([
    ['5.0', 5],
    ['1e1', 10],
    [125, 125],
    [1, 1],
  ])('%j → %j', (input, expected) => {
    const r = validateSignalFields({ ...minimal, leverage: input }, undefined);
    expect(r.ok && r.value.fields.leverage).toBe(expected);
  });

  test.each<[unknown, string]>([
    [0, 'must be at least 1'],
    [-0, 'must be at least 1'],
    ['0.5', 'must be a whole number'],
    [126, `must be at most ${LEVERAGE_MAX}`],
    [1e308, 'must be at most 125'],
    ['1e-320', 'must have at most 18 decimal places'],
    ['5.0000000000000000001', 'must have at most 18 decimal places'],
  ])('%j → "%s"', (input, message) => {
    expect(issuesOf({ leverage: input })).toEqual([{ field: 'leverage', message }]);
  });
});

describe('printable ASCII on every field that names something, before any folding', () => {
  test.each<[string, string, string]>([
    ['symbol', 'ſolusdt', 'U+017F'],
    ['symbol', 'ＢＴＣＵＳＤＴ', 'U+FF22'],
    ['symbol', 'BTCUSDT\u200b', 'U+200B'],
    ['symbol', '\ufeffBTCUSDT', 'U+FEFF'],
    ['symbol', 'BTCUSDT\t', 'U+0009'],
    ['symbol', 'BTC\ud83d\ude00USDT', 'U+1F600'],
    ['action', 'ſhort', 'U+017F'],
    ['action', 'LONG\u0000', 'U+0000'],
    ['position', 'ſhort', 'U+017F'],
    ['type', 'ｍarket', 'U+FF4D'],
    ['tif', 'ioc\u00a0', 'U+00A0'],
    ['strategy', 'trend\u202e', 'U+202E'],
    ['id', 'ﬀ-1', 'U+FB00'],
    ['account', 'acc-1\u017f', 'U+017F'],
    ['size', '１０%', 'U+FF11'],
    ['time', '2023-11-14T22:13:20\u2212', 'U+2212'],
  ])('%s %j → found %s', (field, value, codePoint) => {
    const extra =
      field === 'type' || field === 'tif'
        ? { type: 'limit', limit: '0.1%' }
        : field === 'position'
          ? { action: 'buy' }
          : {};
    const issues = issuesOf({ ...extra, [field]: value });
    expect(issues).toContainEqual({ field, message: `must be printable ASCII (found ${codePoint})` });
  });

  it('normalizeSymbol refuses a non-ASCII symbol itself (the strategy runner calls it directly)', () => {
    expect(() => normalizeSymbol('ſolusdt')).toThrow('must be printable ASCII');
    expect(normalizeSymbol('solusdt').unified).toBe('SOL/USDT:USDT');
  });

  it('splits text bodies on ASCII whitespace only: a U+3000 or U+00A0 stays inside the value for the schema to refuse', () => {
    expect(parseSignalBody('symbol=ETHUSDT\u3000\naction=long')).toEqual({ symbol: 'ETHUSDT\u3000', action: 'long' });
    expect(parseSignalBody('symbol=ETHUSDT\u00a0size=5')).toEqual({ symbol: 'ETHUSDT\u00a0size=5' });
    expect(parseSignalBody('a=1\tb=2\r\nc=3')).toEqual({ a: '1', b: '2', c: '3' });
  });
});
