// normalizeSymbol: every ticker form TradingView users paste becomes one ccxt unified perpetual.
import { normalizeSymbol, SymbolFormatError } from '../../../../shared/core/signal/symbols';
import type { SymbolRef } from '../../../../shared/core/signal/types';

const ref = (base: string, quote: string, settle = quote, sourceExchange?: string): SymbolRef => ({
  unified: `${base}/${quote}:${settle}`,
  base,
  quote,
  settle,
  compact: `${base}${quote}`,
  ...(sourceExchange ? { sourceExchange } : {}),
});

describe('normalizeSymbol: accepted forms', () => {
  test.each<[string, SymbolRef]>([
    ['BTCUSDT', ref('BTC', 'USDT')],
    ['BTCUSDT.P', ref('BTC', 'USDT')],
    ['BINANCE:BTCUSDT.P', ref('BTC', 'USDT', 'USDT', 'BINANCE')],
    ['BINANCE:BTCUSDT', ref('BTC', 'USDT', 'USDT', 'BINANCE')],
    ['BTC/USDT:USDT', ref('BTC', 'USDT')],
    ['BTC/USDT', ref('BTC', 'USDT')],
    ['btc/usdt:usdt', ref('BTC', 'USDT')],
    ['btcusdt.p', ref('BTC', 'USDT')],
    ['binance:btcusdt.p', ref('BTC', 'USDT', 'USDT', 'BINANCE')],
    ['  BTCUSDT.P \n', ref('BTC', 'USDT')],
    // TradingView's delayed-data suffix, on the ticker and on the exchange prefix
    ['BTCUSDT.P_DL', ref('BTC', 'USDT')],
    ['BINANCE:BTCUSDT.P_DL', ref('BTC', 'USDT', 'USDT', 'BINANCE')],
    ['BTCUSDT_DL', ref('BTC', 'USDT')],
    ['BINANCE_DL:BTCUSDT.P', ref('BTC', 'USDT', 'USDT', 'BINANCE_DL')],
    // separators and PERP suffixes
    ['BTC-USDT', ref('BTC', 'USDT')],
    ['BTC_USDT', ref('BTC', 'USDT')],
    ['BTCUSDTPERP', ref('BTC', 'USDT')],
    ['BTCUSDT-PERP', ref('BTC', 'USDT')],
    ['BTCUSD_PERP', ref('BTC', 'USD')],
    // bases with digits, other quotes
    ['1000PEPEUSDT', ref('1000PEPE', 'USDT')],
    ['BYBIT:1000PEPEUSDT.P', ref('1000PEPE', 'USDT', 'USDT', 'BYBIT')],
    ['ETHUSDC', ref('ETH', 'USDC')],
    ['ETHUSDC.P', ref('ETH', 'USDC')],
    ['BTCBUSD', ref('BTC', 'BUSD')],
    ['BTCFDUSD', ref('BTC', 'FDUSD')],
    ['BTCUSD', ref('BTC', 'USD')],
    ['UPBIT:BTCKRW', ref('BTC', 'KRW', 'KRW', 'UPBIT')],
    ['ETHBTC', ref('ETH', 'BTC')],
    ['SOLETH', ref('SOL', 'ETH')],
    ['USDCUSDT', ref('USDC', 'USDT')],
    ['ETH/BTC:BTC', ref('ETH', 'BTC')],
    ['BTC/USD:BTC', ref('BTC', 'USD', 'BTC')],
  ])('%s', (input, expected) => {
    // toStrictEqual: sourceExchange must be absent, not undefined, when there is no prefix
    const symbol = normalizeSymbol(input);

    expect(symbol).toStrictEqual(expected);
  });

  it('reads BTCBUSD as BTC/BUSD, not BTCB/USD (longest quote first)', () => {
    const symbol = normalizeSymbol('BTCBUSD');

    expect(symbol.base).toBe('BTC');
    expect(symbol.quote).toBe('BUSD');
    expect(symbol.unified).toBe('BTC/BUSD:BUSD');
  });
});

describe('normalizeSymbol: refused forms', () => {
  test.each([
    [
      'an unknown quote',
      'BTCXYZ',
      'cannot find a known quote currency (FDUSD, USDT, USDC, BUSD, USD, KRW, BTC, ETH) in "BTCXYZ"',
    ],
    [
      'a quote with no base',
      'USDT',
      'cannot find a known quote currency (FDUSD, USDT, USDC, BUSD, USD, KRW, BTC, ETH) in "USDT"',
    ],
    [
      'a quote with no base, perpetual suffix',
      'USDT.P',
      'cannot find a known quote currency (FDUSD, USDT, USDC, BUSD, USD, KRW, BTC, ETH) in "USDT.P"',
    ],
    // OKX's native instrument id is not a TradingView form: the SWAP suffix is not stripped.
    [
      'OKX native BTC-USDT-SWAP',
      'BTC-USDT-SWAP',
      'cannot find a known quote currency (FDUSD, USDT, USDC, BUSD, USD, KRW, BTC, ETH) in "BTC-USDT-SWAP"',
    ],
    [
      'a prefix with nothing known after it',
      'BINANCE:SPX',
      'cannot find a known quote currency (FDUSD, USDT, USDC, BUSD, USD, KRW, BTC, ETH) in "BINANCE:SPX"',
    ],
    ['an empty string', '', 'empty symbol'],
    ['blanks only', '   ', 'empty symbol'],
    ['a unified symbol behind an exchange prefix', 'BINANCE:BTC/USDT:USDT', 'invalid symbol BTC/USDT:/USDT:USDT'],
    ['a base longer than 20 characters', `${'A'.repeat(21)}USDT`, `invalid symbol ${'A'.repeat(21)}/USDT:USDT`],
    ['punctuation inside the base', 'BTC!USDT', 'invalid symbol BTC!/USDT:USDT'],
  ])('refuses %s (%s)', (_name, input, message) => {
    let error: unknown;
    try {
      normalizeSymbol(input);
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(SymbolFormatError);
    expect((error as SymbolFormatError).name).toBe('SymbolFormatError');
    expect((error as SymbolFormatError).message).toBe(message);
  });
});
