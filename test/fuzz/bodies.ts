// Generators of hostile webhook requests (fast-check): well-formed alerts with hostile values in
// any field, text/plain variants, truncated JSON, random bytes, Unicode look-alikes, prototype keys,
// deep nesting and huge arrays. JSON bodies are written as text, not with JSON.stringify, so raw
// number literals that JavaScript cannot hold (1e400, -0, 1e-320, 400 digits) reach the parser as
// a sender would write them.
import fc from 'fast-check';
import { FUZZ_ACCOUNT, FUZZ_T0, FUZZ_TOKEN } from './harness';

export interface FuzzRequest {
  body: string;
  base64: boolean;
  pathAccount?: string;
}

/** A field's value as JSON text (a raw number literal, a quoted string, or any JSON). */
type Raw = string;
const str = (s: string): Raw => JSON.stringify(s);

const FOUR_HUNDRED_DIGITS = '1'.repeat(400);
/** Number literals at and beyond every edge: IEEE 754, DynamoDB, the contract's bounds. */
const EXTREME_NUMBERS = [
  '1e308',
  '-1e308',
  '1.7976931348623157e308',
  '1e309',
  '1e400',
  '-1e400',
  '1e-320',
  '5e-324',
  '1e-400',
  '-0',
  '0',
  '0.0',
  '-0.0',
  '1e21',
  '1.8e19',
  '9007199254740993',
  '1e125',
  '1e126',
  '1e-130',
  '1e-131',
  '1e12',
  '1000000000001',
  '1e10',
  '10000000000.5',
  '1e-18',
  '1.5e-18',
  '1e-19',
  '0.0000000000000000001',
  `${FOUR_HUNDRED_DIGITS}`,
  `0.${FOUR_HUNDRED_DIGITS}`,
  `0.${'0'.repeat(398)}1`,
  `1.${'0'.repeat(398)}1`,
  '1e99999999999999999999',
  '1e-99999999999999999999',
  '125',
  '126',
  '125.5',
  '0.5',
  '1',
  '-1',
  '100',
  '100.0000000000000001',
  '99.99',
];
const NUMBER_WORDS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '1_000',
  '1,5',
  '١٢٣',
  '１２',
  ' 1e308 ',
  '1e308%',
  '1e-320%',
  '-0%',
  '0%',
  '100.5%',
  '1e21%',
  '1e308usdt',
  '1e-320usdt',
  '-0usdt',
  '1e12usdt',
  '1e21:50',
  '2%:1e-320,4%',
  '2%:50,1e21',
  '2%:0,4%',
  '1e10',
  '1e-18',
  '+5',
  '.5',
  '5.',
  'e5',
  '1e',
  '--1',
  '%',
  'usdt',
];
/** Look-alikes and invisible characters that Unicode-aware trim() or case folding would erase. */
const CONFUSABLES = [
  'ſolusdt',
  'ſhort',
  'BTCUSDT\u017f',
  'ﬀ',
  'ＢＴＣＵＳＤＴ',
  'BTC\u200fUSDT',
  '\u202eBTCUSDT',
  'BTCUSDT\u0000',
  '\u0000',
  '\u212Aava',
  'İ',
  'lonɡ',
  'ʟong',
  'LONG\u200b',
  'btcusdt\u00a0',
  '\ufeffBTCUSDT',
  'ß',
  'ETHUSDT\u3000',
  'clos\u0435_all',
  'BTC\u0301USDT',
  'ＬＯＮＧ',
  '\ud800',
  'BTC\tUSDT',
  'long\n',
];
const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
];

const iso = (ms: number): string => new Date(ms).toISOString();

/** Values a real sender would use, so that a good share of the generated alerts is accepted. */
const VALID: Record<string, fc.Arbitrary<Raw>> = {
  size: fc.oneof(
    fc.constantFrom(
      '"10%"',
      '"100%"',
      '"0.5%"',
      '"250usdt"',
      '"40 quote"',
      '0.5',
      '"0.001"',
      '3',
      '"1e12"',
      '1e12',
      '"0.000000000000000001"',
      '"1000000000000usdt"',
    ),
    fc.double({ min: 1e-6, max: 1e6, noNaN: true }).map((n) => String(n)),
  ),
  leverage: fc.oneof(fc.integer({ min: 1, max: 125 }).map(String), fc.constantFrom('"5"', '"5.0"', '"20"', '1e1')),
  sl: fc.oneof(
    fc.constantFrom('"2%"', '"99%"', '"0.1%"', '60000', '"1e10"', '1e10', '"0.00001234"'),
    fc.double({ min: 1e-8, max: 1e9, noNaN: true }).map(String),
  ),
  tp: fc.constantFrom(
    '"4%"',
    '"1000%"',
    '"99%"',
    '66000',
    '"2%:50,4%:30,6%"',
    '"1%,2%,3%"',
    '"2%:33.3,3%"',
    '"1e10"',
    '"70000:50,72000:50"',
  ),
  breakeven: fc.constantFrom('true', 'false', '"yes"', '"off"'),
  trail: fc.constantFrom('"1.5%"', '"50%"', '"0.1%"'),
  type: fc.constantFrom('"market"', '"limit"', '"LIMIT"'),
  limit: fc.constantFrom('"0.2%"', '"50%"', '64000', '"0.00000001"'),
  tif: fc.constantFrom('"gtc"', '"ioc"', '"post_only"', '"PO"'),
  strategy: fc.constantFrom('"trend"', '"bb-reversion"', '"a"'),
  id: fc
    .string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 40,
    })
    .map(str),
  // Mostly inside the stale/future window (-60 s, +5 s), sometimes just outside it.
  time: fc
    .oneof(
      { weight: 4, arbitrary: fc.integer({ min: -55_000, max: 4_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: -90_000, max: 15_000 }) },
    )
    .chain((offset) =>
      fc.constantFrom(
        str(iso(FUZZ_T0 + offset)),
        String(FUZZ_T0 + offset),
        String(Math.round((FUZZ_T0 + offset) / 1000)),
        str(String(FUZZ_T0 + offset)),
      ),
    ),
  price: fc.oneof(
    fc.constantFrom('"64000.5"', '0.00001234', '"1e10"'),
    fc.double({ min: 1e-8, max: 1e9, noNaN: true }).map(String),
  ),
  position: fc.constantFrom('"long"', '"flat"', '"short"'),
};
const OPTIONAL_FIELDS = Object.keys(VALID);

/** Anything at all as a field value: extreme literals, hostile strings, wrong types, nesting. */
const hostileValue: fc.Arbitrary<Raw> = fc.oneof(
  fc.constantFrom(...EXTREME_NUMBERS),
  fc.constantFrom(...EXTREME_NUMBERS, ...NUMBER_WORDS).map(str),
  fc.constantFrom(...CONFUSABLES).map(str),
  fc.constantFrom(
    'null',
    'true',
    'false',
    '[]',
    '{}',
    '[1,2]',
    '{"a":1}',
    '{"__proto__":{"x":1}}',
    '""',
    '" "',
    '"\\u0000"',
  ),
  fc.integer({ min: 1, max: 2000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1, max: 2500 }).map((n) => `[${Array(n).fill('0').join(',')}]`),
  fc.string({ unit: 'binary', maxLength: 30 }).map(str),
  fc.double().map((n) => (Object.is(n, -0) ? '-0' : Number.isFinite(n) ? String(n) : str(String(n)))),
  fc.bigInt({ min: -(10n ** 60n), max: 10n ** 60n }).map(String),
);

const action = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      '"long"',
      '"short"',
      '"close_long"',
      '"close_short"',
      '"close_all"',
      '"buy"',
      '"sell"',
      '"LONG"',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(...CONFUSABLES, 'hold', 'ſell').map(str) },
  { weight: 1, arbitrary: hostileValue },
);
const symbol = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      '"BTCUSDT"',
      '"BINANCE:BTCUSDT.P"',
      '"ETH/USDT:USDT"',
      '"solusdt"',
      '"SOLUSDT_DL"',
      '"1000PEPEUSDT.P"',
      '"BTCKRW"',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(...CONFUSABLES).map(str) },
  { weight: 1, arbitrary: hostileValue },
);

/** One field: its valid value most of the time, a hostile one otherwise. */
const fieldPair = (key: string): fc.Arbitrary<[string, Raw]> =>
  fc
    .oneof({ weight: 6, arbitrary: VALID[key] as fc.Arbitrary<Raw> }, { weight: 1, arbitrary: hostileValue })
    .map((v) => [key, v] as [string, Raw]);

const extraKey: fc.Arbitrary<[string, Raw]> = fc.tuple(
  fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom(...CONFUSABLES), fc.string({ maxLength: 12 })),
  hostileValue,
);

/** An alert for the fuzz account as [key, raw JSON value] pairs, in a random order. */
const alertPairs: fc.Arbitrary<[string, Raw][]> = fc
  .tuple(
    fc.oneof({ weight: 9, arbitrary: fc.constant(str(FUZZ_TOKEN)) }, { weight: 1, arbitrary: hostileValue }),
    fc.oneof(
      { weight: 9, arbitrary: fc.constant(str(FUZZ_ACCOUNT)) },
      { weight: 1, arbitrary: fc.constantFrom(str('acc-fuzz\u017f'), str('ACC-FUZZ'), 'null') },
    ),
    action,
    symbol,
    fc.subarray(OPTIONAL_FIELDS, { maxLength: 7 }).chain((keys) => fc.tuple(...keys.map(fieldPair))),
    fc.oneof(
      { weight: 4, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.array(extraKey, { minLength: 1, maxLength: 2 }) },
    ),
  )
  .chain(([token, account, act, sym, optional, extras]) => {
    const pairs: [string, Raw][] = [
      ['token', token],
      ['account', account],
      ['action', act],
      ['symbol', sym],
      ...optional,
      ...extras,
    ];
    return fc.shuffledSubarray(pairs, { minLength: pairs.length, maxLength: pairs.length });
  });

const jsonText = (pairs: [string, Raw][]): string => `{${pairs.map(([k, v]) => `${str(k)}:${v}`).join(',')}}`;

/** key=value text: values as the sender would type them (strings unquoted). */
const plainText = (pairs: [string, Raw][], separator: string): string =>
  pairs
    .map(([k, v]) => {
      let value = v;
      try {
        const parsed: unknown = JSON.parse(v);
        if (typeof parsed === 'string') value = parsed;
      } catch {
        // a raw literal JSON cannot hold (1e400 stays as typed)
      }
      return `${k}=${value}`;
    })
    .join(separator);

const separator = fc.constantFrom('\n', '&', ',', ';', ' ', '\r\n', '\t');

const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: alertPairs.map(jsonText) },
  { weight: 2, arbitrary: fc.tuple(alertPairs, separator).map(([pairs, sep]) => plainText(pairs, sep)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(alertPairs.map(jsonText), fc.nat())
      .map(([text, cut]) => text.slice(0, cut % (text.length + 1))),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(alertPairs.map(jsonText), fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }))
      .map(([text, at, junk]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + junk + text.slice(i + 1);
      }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => `{${s}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '{}',
      '[]',
      'null',
      '"x"',
      '{"__proto__":{"token":"x"}}',
      `{"constructor":{"prototype":{}},"token":${str(FUZZ_TOKEN)}}`,
      '{'.repeat(9000),
      '['.repeat(4000),
      `{"token":${str(FUZZ_TOKEN)},"account":"${FUZZ_ACCOUNT}","action":"long","symbol":"BTCUSDT","size":${'['.repeat(3000)}${']'.repeat(3000)}}`,
      `token=${FUZZ_TOKEN}\naccount=${FUZZ_ACCOUNT}\naction=long\nsymbol=BTCUSDT\n__proto__=1`,
      'a=1&a=2',
      '=1',
      'token',
      '\u0000',
    ),
  },
);

/** One request: a body, sometimes base64-encoded by API Gateway, sometimes with the account in the path. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    body,
    fc.boolean(),
    fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(FUZZ_ACCOUNT, 'ſacc', 'x') },
    ),
  )
  .map(([text, base64, pathAccount]) => ({
    body: text,
    base64,
    ...(pathAccount !== undefined ? { pathAccount } : {}),
  }));
