// Candle and funding parsers on tiny inline fixtures of each flavour: CSV headers in any case
// (pandas' unnamed index column included), epoch s/ms and ISO times, headerless CSV, freqtrade /
// ccxt arrays, named-key objects; sorting, duplicate times, and errors that name row and field.
import {
  CandleParseError,
  parseCandlesCsv,
  parseCandlesJson,
  parseCandlesText,
  parseFundingSeries,
} from '../../../../shared/core/backtest/candle-parsers';
import { epochMsFromNumber, epochMsFromText } from '../../../../shared/core/backtest/time-values';
import type { Candles } from '../../../../shared/core/backtest/types';

const MS = Date.UTC(2021, 10, 17, 1); // 2021-11-17T01:00:00Z
const H = 3_600_000;

const rows = (c: Candles) => Array.from(c.time, (t, i) => [t, c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]]);

function parseError(run: () => unknown): CandleParseError {
  try {
    run();
  } catch (e) {
    if (e instanceof CandleParseError) return e;
    throw e;
  }
  throw new Error('expected a CandleParseError');
}

describe('parseCandlesCsv', () => {
  it('lower-case header with epoch milliseconds', () => {
    const csv = `time,open,high,low,close,volume\n${MS},1.08,1.09,1.07,1.079,3153\n${MS + H},1.078,1.087,1.073,1.076,2697\n`;

    expect(rows(parseCandlesCsv(csv))).toEqual([
      [MS, 1.08, 1.09, 1.07, 1.079, 3153],
      [MS + H, 1.078, 1.087, 1.073, 1.076, 2697],
    ]);
  });

  it("pandas' unnamed first column with 'YYYY-MM-DD HH:MM:SS' read as UTC (the equities files)", () => {
    const csv =
      ',Open,High,Low,Close,Volume\n2017-04-19 09:00:00,1.0716,1.0722,1.07083,1.07219,1413\n2017-04-19 10:00:00,1.07214,1.07296,1.07214,1.0726,1241\n';

    expect(rows(parseCandlesCsv(csv))[1]).toEqual([Date.UTC(2017, 3, 19, 10), 1.07214, 1.07296, 1.07214, 1.0726, 1241]);
  });

  it('Yahoo-style "Date,Open,High,Low,Close,Adj Close,Volume" with dates only; Adj Close ignored', () => {
    const csv = 'Date,Open,High,Low,Close,Adj Close,Volume\r\n2004-08-19,100,104.06,95.96,100.34,50.2,22351900\r\n';

    expect(rows(parseCandlesCsv(csv))).toEqual([[Date.UTC(2004, 7, 19), 100, 104.06, 95.96, 100.34, 22351900]]);
  });

  it('TIMESTAMP in epoch seconds (told from ms by magnitude), semicolons, upper case, BOM', () => {
    const csv = `\uFEFFTIMESTAMP;OPEN;HIGH;LOW;CLOSE;VOLUME\n${MS / 1000};10;11;9;10.5;7\n`;

    expect(rows(parseCandlesCsv(csv))).toEqual([[MS, 10, 11, 9, 10.5, 7]]);
  });

  it('open_time with ISO text carrying Z or an offset; columns in any order; quoted fields', () => {
    const csv =
      'close,"open_time",high,low,open,volume\n10.5,2021-11-17T01:00:00Z,11,9,10,7\n10.6,"2021-11-17T03:00:00+01:00",11,9,10.5,8\n';

    expect(rows(parseCandlesCsv(csv))).toEqual([
      [MS, 10, 11, 9, 10.5, 7],
      [MS + H, 10.5, 11, 9, 10.6, 8],
    ]);
  });

  it('headerless rows are time, open, high, low, close[, volume] (Binance kline dumps)', () => {
    const csv = `${MS},10,11,9,10.5,7,${MS + H - 1},73.5\n${MS + H},10.5,11,10,10.7,8,0,0\n`;

    expect(rows(parseCandlesCsv(csv))).toEqual([
      [MS, 10, 11, 9, 10.5, 7],
      [MS + H, 10.5, 11, 10, 10.7, 8],
    ]);
  });

  it('without a volume column the volume is 0; an empty volume cell too', () => {
    const csv = `date,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n`;
    const empty = `date,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,\n`;

    expect(parseCandlesCsv(csv).volume[0]).toBe(0);
    expect(parseCandlesCsv(empty).volume[0]).toBe(0);
  });

  it('sorts by time and keeps the first of exactly duplicated times', () => {
    const csv = `time,open,high,low,close\n${MS + H},2,2,2,2\n${MS},1,1,1,1\n${MS + H},9,9,9,9\n\n`;

    expect(rows(parseCandlesCsv(csv))).toEqual([
      [MS, 1, 1, 1, 1, 0],
      [MS + H, 2, 2, 2, 2, 0],
    ]);
  });

  it('a non-finite price names the file, the row (line) and the column', () => {
    const csv = `time,open,high,low,close\n${MS},1,1,1,1\n${MS + H},1,1,1,abc\n`;

    const error = parseError(() => parseCandlesCsv(csv, 'BTC.csv'));
    expect(error.message).toBe('BTC.csv: row 3, column close: "abc" is not a finite number');
    expect(error).toMatchObject({ source: 'BTC.csv', row: 3, field: 'close' });
  });

  it.each([
    ['an empty price', `time,open,high,low,close\n${MS},1,,1,1\n`, 'row 2, column high: "" is not a finite number'],
    ['NaN', `time,open,high,low,close\n${MS},NaN,1,1,1\n`, 'row 2, column open: "NaN" is not a finite number'],
    [
      'Infinity',
      `time,open,high,low,close\n${MS},1,1,Infinity,1\n`,
      'row 2, column low: "Infinity" is not a finite number',
    ],
    ['a short row', `time,open,high,low,close\n${MS},1,1\n`, 'row 2, column low: missing (the row has 3 fields)'],
    [
      'a bad date',
      `Date,Open,High,Low,Close\n2021-02-30,1,1,1,1\n`,
      'row 2, column Date: "2021-02-30" is not a date/time nor an epoch number',
    ],
  ])('refuses %s', (_name, csv, message) => {
    expect(parseError(() => parseCandlesCsv(csv, 'f.csv')).message).toBe(`f.csv: ${message}`);
  });

  it('a header without a time or price column says what is missing', () => {
    expect(parseError(() => parseCandlesCsv('symbol,open,high,low\nX,1,1,1\n', 'f.csv')).message).toMatch(
      /^f\.csv: header "symbol,open,high,low" lacks time, close/,
    );
  });
});

describe('parseCandlesJson', () => {
  it('freqtrade / ccxt arrays [[ms, o, h, l, c, v], …]', () => {
    const data = [
      [MS, 1.08, 1.09, 1.07, 1.079, 3153.6],
      [MS + H, 1.078, 1.087, 1.073, 1.076, 2697.6],
    ];

    expect(rows(parseCandlesJson(data))).toEqual(data);
  });

  it('a null volume (freqtrade mark-price candles) is 0', () => {
    expect(parseCandlesJson([[MS, 1, 2, 0.5, 1.5, null]]).volume[0]).toBe(0);
  });

  it('objects with named keys, any case, ISO or epoch-second times, numeric strings', () => {
    const data = [
      { Timestamp: MS / 1000, Open: '10', High: 11, Low: 9, Close: 10.5, Volume: 7 },
      { date: '2021-11-17T02:00:00.000Z', open: 10.5, high: 11, low: 10, close: 10.7 },
    ];

    expect(rows(parseCandlesJson(data))).toEqual([
      [MS, 10, 11, 9, 10.5, 7],
      [MS + H, 10.5, 11, 10, 10.7, 0],
    ]);
  });

  it('errors name the source, the row index and the field', () => {
    expect(
      parseError(() =>
        parseCandlesJson(
          [
            [MS, 1, 1, 1, 1, 1],
            [MS + H, 1, 1, 1, null, 1],
          ],
          'x.json',
        ),
      ).message,
    ).toBe('x.json: row [1], field close: null is not a finite number');
    expect(parseError(() => parseCandlesJson([['yesterday', 1, 1, 1, 1]], 'x.json')).message).toBe(
      'x.json: row [0], field time: "yesterday" is not a date/time nor an epoch number',
    );
    expect(parseError(() => parseCandlesJson([42], 'x.json')).message).toMatch(
      /^x\.json: row \[0\], field row: expected/,
    );
    expect(parseError(() => parseCandlesJson({ candles: [] }, 'x.json')).message).toBe(
      'x.json: expected an array of candles, got object',
    );
  });
});

describe('parseCandlesText', () => {
  it('tells JSON from CSV by the first character', () => {
    expect(parseCandlesText(`  [[${MS},1,2,0.5,1.5,3]]`).close[0]).toBe(1.5);
    expect(parseCandlesText(`time,open,high,low,close\n${MS},1,2,0.5,1.5\n`).close[0]).toBe(1.5);
  });

  it('invalid JSON names the source', () => {
    expect(parseError(() => parseCandlesText('[[1,2', 'bad.json')).message).toMatch(/^bad\.json: not valid JSON/);
  });
});

describe('parseFundingSeries', () => {
  it("freqtrade's *-8h-funding_rate.json: the rate is column 1", () => {
    const series = parseFundingSeries([
      [1637222400007, 0.0001, 0, 0, 0, 0],
      [1637193600017, 0.00013046, 0, 0, 0, 0],
    ]);

    expect(Array.from(series.time)).toEqual([1637193600017, 1637222400007]);
    expect(Array.from(series.rate)).toEqual([0.00013046, 0.0001]);
  });

  it("ccxt's funding history objects", () => {
    const series = parseFundingSeries([
      { symbol: 'XRP/USDT:USDT', timestamp: MS, fundingRate: -0.0002, datetime: '2021-11-17T01:00:00Z' },
    ]);

    expect(Array.from(series.rate)).toEqual([-0.0002]);
    expect(Array.from(series.time)).toEqual([MS]);
  });

  it('a missing rate names the row', () => {
    expect(parseError(() => parseFundingSeries([[MS, null]], 'f.json')).message).toBe(
      'f.json: row [0], field rate: null is not a finite number',
    );
  });
});

describe('time values', () => {
  it.each([
    [1_637_110_800, 1_637_110_800_000], // seconds
    [1_637_110_800_000, 1_637_110_800_000], // milliseconds
    [1_637_110_800_000_000, 1_637_110_800_000], // microseconds
    [1_637_110_800_000_000_000, 1_637_110_800_000], // nanoseconds
  ])('epoch %d → %d ms', (input, expected) => {
    expect(epochMsFromNumber(input)).toBe(expected);
  });

  it.each([
    ['2004-08-19', Date.UTC(2004, 7, 19)],
    ['2017-04-19 09:00:00', Date.UTC(2017, 3, 19, 9)],
    ['2017-04-19T09:00', Date.UTC(2017, 3, 19, 9)],
    ['2017-04-19T09:00:00.250Z', Date.UTC(2017, 3, 19, 9, 0, 0, 250)],
    ['2017-04-19T09:00:00-05:30', Date.UTC(2017, 3, 19, 14, 30)],
    ['2017/04/19', Date.UTC(2017, 3, 19)],
    ['1637110800', 1_637_110_800_000],
  ])('%s', (text, expected) => {
    expect(epochMsFromText(text)).toBe(expected);
  });

  it.each(['2021-02-30', '2021-13-01', '2021-01-01 24:00', 'yesterday', ''])('%p is not a time', (text) => {
    expect(epochMsFromText(text)).toBeNaN();
  });
});
