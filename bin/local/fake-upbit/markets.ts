// The markets the fake serves: GET /v1/market/all as recorded from Upbit
// (test/fixtures/exchange/upbit-markets.json, which fake-upbit.int.test.ts holds this copy to).
// Only KRW markets trade on the fake: the rest are listed, not priced.

export interface UpbitMarket {
  readonly market: string;
  readonly korean_name: string;
  readonly english_name: string;
}

export const MARKETS: readonly UpbitMarket[] = [
  { market: 'KRW-BTC', korean_name: '비트코인', english_name: 'Bitcoin' },
  { market: 'KRW-ETH', korean_name: '이더리움', english_name: 'Ethereum' },
  { market: 'KRW-XRP', korean_name: '엑스알피(리플)', english_name: 'XRP' },
  { market: 'BTC-ETH', korean_name: '이더리움', english_name: 'Ethereum' },
  { market: 'USDT-BTC', korean_name: '비트코인', english_name: 'Bitcoin' },
];

/** The quote and base of a market id ("KRW-BTC" → KRW, BTC). */
export function split(market: string): { quote: string; base: string } {
  const [quote = '', base = ''] = market.split('-');
  return { quote, base };
}
