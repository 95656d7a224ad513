// Turns the symbol forms TradingView users paste (BTCUSDT, BTCUSDT.P, BINANCE:BTCUSDT.P,
// BTC/USDT:USDT, ..._DL) into one ccxt unified perpetual symbol.
import { InvalidArgumentError } from '../errors';
import type { SymbolRef } from './types';

// Longest first so that BUSD is not read as ...B + USD.
const KNOWN_QUOTES = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'USD', 'KRW', 'BTC', 'ETH'];
const ASSET = /^[A-Z0-9]{1,20}$/;

export class SymbolFormatError extends InvalidArgumentError {
  constructor(message: string) {
    super(message, 'SYMBOL_FORMAT');
    this.name = 'SymbolFormatError';
  }
}

export function normalizeSymbol(input: string): SymbolRef {
  // Before any case folding: toUpperCase() maps look-alikes onto real tickers ("ſolusdt" → SOLUSDT).
  if (!/^[\t-\r\x20-\x7e]*$/.test(input)) throw new SymbolFormatError('must be printable ASCII');
  let s = input.trim().toUpperCase();
  if (!s) throw new SymbolFormatError('empty symbol');
  let sourceExchange: string | undefined;

  // Unified form first: BASE/QUOTE[:SETTLE]. The colon there is not an exchange prefix.
  const unified = /^([A-Z0-9]+)\/([A-Z0-9]+)(?::([A-Z0-9]+))?$/.exec(s);
  if (unified) {
    const [, base, quote, settle] = unified as unknown as [string, string, string, string | undefined];
    return make(base, quote, settle ?? quote, undefined);
  }

  const prefix = /^([A-Z0-9_]+):(.+)$/.exec(s);
  if (prefix) {
    sourceExchange = prefix[1];
    s = prefix[2] as string;
  }
  if (s.endsWith('_DL')) s = s.slice(0, -3); // TradingView's delayed-data suffix
  if (s.endsWith('.P')) s = s.slice(0, -2); // TradingView's perpetual suffix
  s = s.replace(/[-_]/g, '');
  if (s.endsWith('PERP')) s = s.slice(0, -4);

  for (const quote of KNOWN_QUOTES) {
    if (s.length > quote.length && s.endsWith(quote)) {
      return make(s.slice(0, -quote.length), quote, quote, sourceExchange);
    }
  }
  throw new SymbolFormatError(`cannot find a known quote currency (${KNOWN_QUOTES.join(', ')}) in "${input}"`);
}

function make(base: string, quote: string, settle: string, sourceExchange: string | undefined): SymbolRef {
  if (!ASSET.test(base) || !ASSET.test(quote) || !ASSET.test(settle)) {
    throw new SymbolFormatError(`invalid symbol ${base}/${quote}:${settle}`);
  }
  const ref: SymbolRef = { unified: `${base}/${quote}:${settle}`, base, quote, settle, compact: `${base}${quote}` };
  if (sourceExchange) ref.sourceExchange = sourceExchange;
  return ref;
}
