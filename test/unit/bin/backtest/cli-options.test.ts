// Option text → settings: the --size syntax, number bounds naming the option, market guesses.
import {
  BacktestInputError,
  buildConfig,
  guessMarket,
  isInputError,
  numberOption,
  parseSize,
  quoteOf,
  type ConfigOptions,
} from '../../../../bin/backtest/cli-options';
import { monteCarlo } from '../../../../shared/core/backtest/monte-carlo';
import { InvariantError } from '../../../../shared/core/errors';

describe('parseSize', () => {
  test.each([
    ['100%', { kind: 'percent', value: 100 }],
    ['12.5%', { kind: 'percent', value: 12.5 }],
    ['500', { kind: 'quote', value: 500 }],
    ['500q', { kind: 'quote', value: 500 }],
    ['0.5c', { kind: 'contracts', value: 0.5 }],
    ['1%risk', { kind: 'risk', value: 1 }],
    ['2%RISK', { kind: 'risk', value: 2 }],
  ])('%s', (text, size) => {
    expect(parseSize(text)).toEqual(size);
  });

  test.each(['', '0%', '-5', 'abc', '10x', '5%%'])('"%s" is refused, naming --size', (text) => {
    expect(() => parseSize(text)).toThrow(BacktestInputError);
    expect(() => parseSize(text)).toThrow(/^--size "/);
  });
});

describe('numberOption', () => {
  test('bounds and whole numbers, the option named in the error', () => {
    expect(numberOption('--cash', '250.5', { above: 0 })).toBe(250.5);
    expect(() => numberOption('--cash', '0', { above: 0 })).toThrow('--cash "0": must be > 0');
    expect(() => numberOption('--workers', '1.5', { integer: true })).toThrow('--workers "1.5": not a whole number');
    expect(() => numberOption('--fee', '', {})).toThrow('--fee "": not a number');
  });
});

describe('buildConfig', () => {
  const base: ConfigOptions = {
    cash: '10000',
    fee: '0.0004',
    slippage: '2',
    size: '100%',
    lot: '1',
    leverage: '3',
    fill: 'close',
    mmr: '0.004',
  };

  test('maps every option; the maker fee defaults to the taker fee', async () => {
    expect(await buildConfig({ ...base, longOnly: true, trailing: '1.5' })).toEqual({
      cash: 10000,
      takerFee: 0.0004,
      makerFee: 0.0004,
      slippageBps: 2,
      fillOn: 'close',
      size: { kind: 'percent', value: 100 },
      leverage: 3,
      lotStep: 1,
      maintenanceMarginRate: 0.004,
      longOnly: true,
      trailingPct: 1.5,
    });
    expect((await buildConfig({ ...base, makerFee: '0.0002' })).makerFee).toBe(0.0002);
  });

  test('a funding file that does not exist is named', async () => {
    await expect(buildConfig({ ...base, funding: '/nope/funding.json' })).rejects.toThrow(
      '--funding /nope/funding.json: no such file',
    );
  });
});

describe('market guesses for titles and units', () => {
  test.each([
    ['data/candles/XRPUSDT-1h.json', { symbol: 'XRPUSDT', timeframe: '1h' }],
    ['x/XRP_USDT_USDT-1h-futures.json', { symbol: 'XRP_USDT_USDT', timeframe: '1h' }],
    ['data/cache/binanceusdm/BTC_USDT_USDT-15m.json', { symbol: 'BTC_USDT_USDT', timeframe: '15m' }],
    ['GOOG.csv', {}],
  ])('%s', (file, guess) => {
    expect(guessMarket(file)).toEqual(guess);
  });

  test.each([
    ['BTC/USDT:USDT', 'USDT'],
    ['XRP_USDT_USDT', 'USDT'],
    ['XRPUSDT', 'USDT'],
    ['ETHBTC', 'BTC'],
    [undefined, undefined],
  ])('quote of %s', (symbol, quote) => {
    expect(quoteOf(symbol)).toBe(quote);
  });
});

describe('isInputError: what the user typed (exit 2, one line) against a fault of the program', () => {
  const thrown = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  test("an out-of-range setting refused by the engine's modules (InvalidArgumentError) is the user's", () => {
    const error = thrown(() =>
      monteCarlo([1, -1], { runs: 0, seed: 1, mode: 'shuffle', startEquity: 1000, compound: false }),
    );
    expect(error).toBeDefined();
    expect(isInputError(error)).toBe(true);
  });

  test('a broken rule of the program is not', () => {
    expect(isInputError(new InvariantError('book inconsistency'))).toBe(false);
  });
});
