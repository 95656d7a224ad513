// The byte-level CSV reader (parseCandlesCsvBytes, and parseCandlesCsv on top of it) against the
// line-splitting parser it replaced (previous-candle-csv.ts, verbatim): on generated files mixing
// every header variant, delimiter, time and number form, CRLF, blank and quoted lines, short rows
// and bad values, both give the same candles bit for bit or the same error (message, row, field).
// The char-code readers are checked against Number() and epochMsFromText themselves.
import fc from 'fast-check';
import {
  CandleParseError,
  parseCandlesCsv,
  parseCandlesCsvBytes,
} from '../../../../shared/core/backtest/candle-parsers';
import { readDecimal, readTime } from '../../../../shared/core/backtest/csv-values';
import { epochMsFromText } from '../../../../shared/core/backtest/time-values';
import type { Candles } from '../../../../shared/core/backtest/types';
import { previousParseCandlesCsv } from './previous-candle-csv';

const MS = Date.UTC(2021, 10, 17, 1);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

type Outcome = { candles: number[][] } | { error: string; row?: number; field?: string };

/** Every value as its bit pattern's text, so -0 and 0 (or two NaNs) are told apart as they are. */
function outcome(parse: () => Candles): Outcome {
  try {
    const c = parse();
    const bits = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
    return {
      candles: [c.time, c.open, c.high, c.low, c.close, c.volume].map((column) =>
        Array.from(column, (v) => bits(v) as unknown as number),
      ),
    };
  } catch (e) {
    if (!(e instanceof CandleParseError)) throw e;
    return { error: e.message, ...(e.row === undefined ? {} : { row: e.row }), ...(e.field ? { field: e.field } : {}) };
  }
}

function parseError(run: () => unknown): CandleParseError {
  try {
    run();
  } catch (e) {
    if (e instanceof CandleParseError) return e;
    throw e;
  }
  throw new Error('expected a CandleParseError');
}

// ------------------------------------------------------------------------------ generated files

const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));

/** Numbers as files write them, and as they should not: every form Number() reads or refuses. */
const numberText = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(digits(1, 6), digits(0, 8)).map(([i, f]) => (f ? `${i}.${f}` : i)) },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String) },
  { weight: 1, arbitrary: fc.tuple(digits(1, 20), digits(0, 25)).map(([i, f]) => `${i}.${f}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      ' 1.5 ',
      '-0',
      '+2',
      '.5',
      '5.',
      '.',
      '-',
      '1e3',
      '1E-2',
      '0x10',
      'NaN',
      'Infinity',
      '-Infinity',
      'abc',
      '1,5',
      '1.2.3',
      '٣',
      '0.1',
      '9007199254740993',
      '123456789012345.6',
      '0.0000000000000000000000001',
    ),
  },
);

const pad = (v: number, n = 2) => String(v).padStart(n, '0');

/** Times as files write them: epochs of every unit, dates, date-times, zones, and bad ones. */
const timeText = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 4_102_444_800 }).map((s) => String(s * 1000)) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 4_102_444_800 }).map(String) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 0, max: 2999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom('', ' ', 'T', 't', '/'),
        fc.constantFrom('', 'Z', 'z', '+02:00', ' UTC', '.250'),
      )
      .map(([y, mo, d, h, mi, s, sep, zone]) => {
        const date = `${pad(y, 4)}${sep === '/' ? '/' : '-'}${pad(mo)}${sep === '/' ? '/' : '-'}${pad(d)}`;
        return sep === '' ? date : `${date}${sep === '/' ? ' ' : sep}${pad(h)}:${pad(mi)}:${pad(s)}${zone}`;
      }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 'yesterday', '1637110800000000', '1637110800000000000', '-5', '1.5e9', '2021-1-5'),
  },
);

const HEADERS = [
  'time,open,high,low,close,volume',
  ',Open,High,Low,Close,Volume',
  'Date,Open,High,Low,Close,Adj Close,Volume',
  'TIMESTAMP;OPEN;HIGH;LOW;CLOSE;VOLUME',
  'open_time\topen\thigh\tlow\tclose',
  'close,"open_time",high,low,open,volume',
  'symbol,open,high,low',
  '',
] as const;

/** A whole file: a header variant (or none), rows of generated fields, line ends and blank lines mixed. */
const csvFile = fc
  .tuple(
    fc.constantFrom(...HEADERS),
    fc.array(
      fc.tuple(
        timeText,
        fc.array(numberText, { minLength: 3, maxLength: 7 }),
        fc.constantFrom('\n', '\r\n', '\n\n', '\n \n'),
        fc.constantFrom('plain', 'plain', 'plain', 'quoted', 'short', 'spaced'),
      ),
      { maxLength: 12 },
    ),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([header, rows, bom, finalNewline]) => {
    const delimiter = header.includes(';') ? ';' : header.includes('\t') ? '\t' : ',';
    const closeFirst = header.startsWith('close');
    const lines = rows.map(([time, values, end, kind]) => {
      const fields = closeFirst ? [values[0]!, time, ...values.slice(1)] : [time, ...values];
      const shown =
        kind === 'quoted'
          ? fields.map((f) => `"${f}"`)
          : kind === 'short'
            ? fields.slice(0, 3)
            : kind === 'spaced'
              ? fields.map((f) => ` ${f}`)
              : fields;
      return shown.join(delimiter) + end;
    });
    const text = (header ? `${header}\n` : '') + lines.join('');
    return (bom ? '\uFEFF' : '') + (finalNewline ? text : text.replace(/\r?\n$/, ''));
  });

describe('parseCandlesCsvBytes agrees with the previous parser', () => {
  it('on generated files: the same candles bit for bit, or the same error', () => {
    fc.assert(
      fc.property(csvFile, (text) => {
        const expected = outcome(() => previousParseCandlesCsv(text, 'f.csv'));
        expect(outcome(() => parseCandlesCsvBytes(bytes(text), 'f.csv'))).toEqual(expected);
        expect(outcome(() => parseCandlesCsv(text, 'f.csv'))).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('on well-formed files of plain rows (the fast path end to end)', () => {
    const row = fc.tuple(
      fc.integer({ min: 1_500_000_000, max: 1_800_000_000 }),
      fc.array(fc.tuple(digits(1, 6), digits(0, 8)), { minLength: 5, maxLength: 5 }),
    );
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 50 }), (rows) => {
        const text =
          'time,open,high,low,close,volume\n' +
          rows.map(([t, v]) => [t * 1000, ...v.map(([i, f]) => (f ? `${i}.${f}` : i))].join(',')).join('\n');
        expect(outcome(() => parseCandlesCsvBytes(bytes(text)))).toEqual(outcome(() => previousParseCandlesCsv(text)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseCandlesCsvBytes', () => {
  it('reads a Buffer slice at an offset into a larger buffer (a view, not the whole allocation)', () => {
    const whole = Buffer.from(`garbage\ntime,open,high,low,close\n${MS},1,2,0.5,1.5\ntrailing`);
    const start = whole.indexOf('time');
    const end = whole.indexOf('trailing');
    const c = parseCandlesCsvBytes(whole.subarray(start, end), 'slice.csv');

    expect(Array.from(c.close)).toEqual([1.5]);
    expect(Array.from(c.time)).toEqual([MS]);
  });

  it('CRLF lines, a BOM, blank lines before the header, and a last line without a line end', () => {
    const csv = `\uFEFF\r\n\r\nDate,Open,High,Low,Close,Volume\r\n2024-01-01 00:00:00,1,2,0.5,1.5,10\r\n2024-01-01 00:01:00,1.5,2.5,1,2,11`;
    const c = parseCandlesCsvBytes(bytes(csv));

    expect(Array.from(c.time)).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 0, 1)]);
    expect(Array.from(c.close)).toEqual([1.5, 2]);
    expect(Array.from(c.volume)).toEqual([10, 11]);
  });

  it('an empty file, or one of blank lines, has no rows; a header alone gives no candles', () => {
    expect(parseError(() => parseCandlesCsvBytes(new Uint8Array(0), 'e.csv')).message).toBe('e.csv: no rows');
    expect(parseError(() => parseCandlesCsvBytes(bytes('\r\n \n\t\n'), 'e.csv')).message).toBe('e.csv: no rows');
    expect(parseCandlesCsvBytes(bytes('time,open,high,low,close\n')).time).toHaveLength(0);
  });

  it('a bad value among many good rows names its line (blank lines counted) and column', () => {
    const good = Array.from({ length: 1000 }, (_, i) => `${MS + i * 60_000},1,2,0.5,1.5,3`);
    const csv = `time,open,high,low,close,volume\n\n${good.join('\n')}\n${MS - 1},1,2,oops,1.5,3\n`;

    const error = parseError(() => parseCandlesCsvBytes(bytes(csv), 'big.csv'));
    expect(error.message).toBe('big.csv: row 1003, column low: "oops" is not a finite number');
    expect(error).toMatchObject({ row: 1003, field: 'low' });
  });

  it('a quoted line among plain ones is read whole (a quoted delimiter does not shift the columns)', () => {
    const csv = `time,note,open,high,low,close\n${MS},plain,1,2,0.5,1.5\n${MS + 60_000},"a, b",2,3,1,2.5\n${MS + 120_000},x,3,4,2,3.5\n`;

    expect(Array.from(parseCandlesCsvBytes(bytes(csv)).close)).toEqual([1.5, 2.5, 3.5]);
  });

  it('unsorted and duplicated rows are sorted, the first of each time kept', () => {
    const csv = `time,open,high,low,close\n${MS + 2},3,3,3,3\n${MS},1,1,1,1\n${MS + 2},9,9,9,9\n${MS + 1},2,2,2,2\n`;

    expect(Array.from(parseCandlesCsvBytes(bytes(csv)).close)).toEqual([1, 2, 3]);
  });

  it('grows past its first estimate (short header, long rows)', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${MS + i * 1000},${i}.125,${i + 1}.5,${i}.0625,${i}.25,1`);
    const c = parseCandlesCsvBytes(bytes(`t,o,h,l,c,v\n${rows.join('\n')}`));

    expect(c.time).toHaveLength(5000);
    expect(c.open[4999]).toBe(4999.125);
    expect(c.low[1234]).toBe(1234.0625);
  });
});

describe('char-code readers', () => {
  const read = (s: string, reader: (b: Uint8Array, start: number, end: number) => number) => {
    const b = bytes(`,${s},`);
    return reader(b, 1, b.length - 1);
  };

  it('readDecimal gives exactly Number(text) whenever it reads a value, and reads plain decimals', () => {
    fc.assert(
      fc.property(numberText, (s) => {
        const v = read(s, readDecimal);
        if (!Number.isNaN(v)) expect(Object.is(v, Number(s))).toBe(true);
      }),
      { numRuns: 5000 },
    );
    expect(read('30024.12', readDecimal)).toBe(30024.12);
    expect(read('0.000123456789012345', readDecimal)).toBe(0.000123456789012345);
  });

  it('readDecimal leaves to Number() what it cannot prove: exponents, blanks, 16+ significant digits', () => {
    for (const s of ['1e3', ' 1', '1 ', '9007199254740993', '0x10', '', '.', 'Infinity'])
      expect(read(s, readDecimal)).toBeNaN();
  });

  it('readTime gives exactly epochMsFromText whenever it reads a value', () => {
    fc.assert(
      fc.property(timeText, (s) => {
        const v = read(s, readTime);
        if (!Number.isNaN(v)) expect(v).toBe(epochMsFromText(s));
      }),
      { numRuns: 5000 },
    );
    expect(read('2024-02-29 23:59:59', readTime)).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(read('1637110800', readTime)).toBe(1_637_110_800_000);
    expect(read('2023-02-29', readTime)).toBeNaN();
  });
});
