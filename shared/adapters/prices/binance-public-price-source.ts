// Live public prices for paper accounts in the cloud: Binance USDⓈ-M best bid/ask and last price,
// no keys. A plain HTTPS GET keeps the executor small until the ccxt adapter arrives; it asks
// for the same public endpoint ccxt's fetchTicker uses.
import { TransientError } from '../../core/errors';
import type { PriceQuote } from '../../core/ports/exchange';
import type { PriceSource } from '../../core/ports/paper';

export interface BinancePublicPriceSourceOptions {
  baseUrl?: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export class BinancePublicPriceSource implements PriceSource {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: BinancePublicPriceSourceOptions = {}) {
    this.baseUrl = options.baseUrl ?? 'https://fapi.binance.com';
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.fetchImpl = options.fetchImpl ?? fetch;
  }

  async getPrice(symbol: string): Promise<PriceQuote> {
    const marketId = symbol.split(':')[0]?.replace('/', '') ?? symbol;
    const [book, last] = await Promise.all([
      this.get<{ bidPrice: string; askPrice: string; time?: number }>(`/fapi/v1/ticker/bookTicker?symbol=${marketId}`),
      this.get<{ price: string; time?: number }>(`/fapi/v1/ticker/price?symbol=${marketId}`),
    ]);
    const quote: PriceQuote = {
      symbol,
      last: Number(last.price),
      bid: Number(book.bidPrice),
      ask: Number(book.askPrice),
      timestamp: last.time ?? Date.now(),
    };
    if (!(quote.last > 0)) throw new TransientError(`no usable price for ${symbol}`);
    return quote;
  }

  private async get<T>(path: string): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new TransientError(`price request failed: ${error instanceof Error ? error.name : 'error'}`, error);
    }
    if (!response.ok) throw new TransientError(`price request answered ${response.status}`);
    return (await response.json()) as T;
  }
}
