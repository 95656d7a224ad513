// The markets the paper exchange simulates: Binance USDⓈ-M perpetuals, linear, one base unit per
// contract. Steps and minimums follow Binance's /fapi/v1/exchangeInfo filters (PRICE_FILTER tickSize,
// LOT_SIZE stepSize/minQty, MIN_NOTIONAL notional) as published in 2024; Binance changes them from
// time to time, so they are realistic, not authoritative. maxLeverage is the top of the smallest
// leverage bracket. referencePrice only seeds generated price series (see ReplayPriceSource).
import type { MarketInfo } from '../../core/ports/exchange';
import type { MarketCatalog } from '../../core/ports/paper';

export interface PaperMarketInfo extends MarketInfo {
  /** a plausible price, quote currency (decimal string): the start of generated price series */
  referencePrice: string;
}

type Spec = Omit<PaperMarketInfo, 'symbol' | 'quote' | 'settle' | 'contractSize'>;

const SPECS: readonly Spec[] = [
  {
    base: 'BTC',
    amountStep: '0.001',
    priceStep: '0.1',
    minAmount: '0.001',
    minNotional: '100',
    maxLeverage: 125,
    referencePrice: '65000',
  },
  {
    base: 'ETH',
    amountStep: '0.001',
    priceStep: '0.01',
    minAmount: '0.001',
    minNotional: '20',
    maxLeverage: 100,
    referencePrice: '3200',
  },
  {
    base: 'SOL',
    amountStep: '0.01',
    priceStep: '0.01',
    minAmount: '0.01',
    minNotional: '5',
    maxLeverage: 100,
    referencePrice: '150',
  },
  {
    base: 'XRP',
    amountStep: '0.1',
    priceStep: '0.0001',
    minAmount: '0.1',
    minNotional: '5',
    maxLeverage: 75,
    referencePrice: '0.55',
  },
  {
    base: 'BNB',
    amountStep: '0.01',
    priceStep: '0.01',
    minAmount: '0.01',
    minNotional: '5',
    maxLeverage: 75,
    referencePrice: '580',
  },
  {
    base: 'DOGE',
    amountStep: '1',
    priceStep: '0.00001',
    minAmount: '1',
    minNotional: '5',
    maxLeverage: 75,
    referencePrice: '0.12',
  },
  {
    base: 'ADA',
    amountStep: '1',
    priceStep: '0.0001',
    minAmount: '1',
    minNotional: '5',
    maxLeverage: 75,
    referencePrice: '0.45',
  },
];

/** The default paper markets, keyed by ccxt unified symbol (BTC/USDT:USDT). */
export const PAPER_MARKETS: readonly PaperMarketInfo[] = SPECS.map((s) =>
  Object.freeze({ ...s, symbol: `${s.base}/USDT:USDT`, quote: 'USDT', settle: 'USDT', contractSize: '1' }),
);

/** A fixed list of markets. Symbols it does not hold are absent: the caller rejects them. */
export class StaticMarketCatalog implements MarketCatalog {
  private readonly bySymbol: ReadonlyMap<string, PaperMarketInfo>;

  constructor(markets: readonly PaperMarketInfo[] = PAPER_MARKETS) {
    this.bySymbol = new Map(markets.map((m) => [m.symbol, m]));
  }

  get(symbol: string): PaperMarketInfo | undefined {
    const m = this.bySymbol.get(symbol);
    return m ? { ...m } : undefined;
  }

  list(): PaperMarketInfo[] {
    return [...this.bySymbol.values()].map((m) => ({ ...m }));
  }
}

/** The catalog of PAPER_MARKETS. */
export const paperMarkets = new StaticMarketCatalog();
