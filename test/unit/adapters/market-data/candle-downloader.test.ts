// What the downloader decides to ask for: runs of missing candle times, minus what the exchange
// already said it does not have.
import { symbolFileStem } from '../../../../shared/adapters/market-data/candle-cache';
import { mergeRanges, missingRanges } from '../../../../shared/adapters/market-data/candle-downloader';

const TF = 60_000;
const t = (i: number) => 1_700_000_000_000 + i * TF;

describe('missingRanges', () => {
  test('an empty cache misses the whole range', () => {
    expect(missingRanges(new Set(), [], t(0), t(10), TF)).toEqual([[t(0), t(10)]]);
  });

  test('holes inside, before and after the cached candles are separate runs', () => {
    const present = new Set([2, 3, 4, 7, 8].map(t));
    expect(missingRanges(present, [], t(0), t(10), TF)).toEqual([
      [t(0), t(2)],
      [t(5), t(7)],
      [t(9), t(10)],
    ]);
  });

  test('times the exchange answered without a candle are not missing', () => {
    const present = new Set([0, 1, 2, 8, 9].map(t));
    expect(missingRanges(present, [[t(3), t(6)]], t(0), t(10), TF)).toEqual([[t(6), t(8)]]);
    expect(
      missingRanges(
        present,
        [
          [t(1), t(4)],
          [t(4), t(8)],
        ],
        t(0),
        t(10),
        TF,
      ),
    ).toEqual([]);
  });

  test('a complete cache misses nothing', () => {
    expect(missingRanges(new Set(Array.from({ length: 10 }, (_, i) => t(i))), [], t(0), t(10), TF)).toEqual([]);
  });
});

describe('mergeRanges', () => {
  test('sorts, joins touching and overlapping ranges, drops empty ones', () => {
    expect(
      mergeRanges([
        [5, 7],
        [1, 3],
        [3, 4],
        [6, 9],
        [10, 10],
      ]),
    ).toEqual([
      [1, 4],
      [5, 9],
    ]);
  });
});

describe('symbolFileStem', () => {
  test.each([
    ['BTC/USDT:USDT', 'BTC_USDT_USDT'],
    ['eth/usdt', 'ETH_USDT'],
    ['1000PEPE/USDT:USDT', '1000PEPE_USDT_USDT'],
    ['../../etc', '.._.._ETC'],
  ])('%s → %s', (symbol, stem) => {
    expect(symbolFileStem(symbol)).toBe(stem);
  });
});
