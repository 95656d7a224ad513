// The funding-rates port (shared/adapters/exchange/ccxt-funding-rates.ts) against what ccxt's
// maintainers captured from the exchanges (test/fixtures/exchange/ccxt-static/*.json,
// fetchFundingRate): the request ccxt sends and the real answer, parsed by ccxt and then by us.
// Binance USDⓈ-M has a captured request but no captured answer, OKX neither: docs/EXCHANGES.md
// marks those "unverified", and no body is made up for them here.
import { CcxtFundingRates, intervalMs } from '../../shared/adapters/exchange/ccxt-funding-rates';
import { ccxtStatic, conformanceAdapter, type Answer, type SentRequest } from './harness';

const BTC = 'BTC/USDT:USDT';

const queryOf = (url: string): Record<string, string> => Object.fromEntries(new URL(url).searchParams);
const pathOf = (url: string): string => new URL(url).pathname;

describe('funding rates conformance: bybit', () => {
  const captured = ccxtStatic('bybit', 'response', 'fetchFundingRate', 'fetchFundingRate');

  it("reads the linear ticker and takes the rate and next funding time of Bybit's captured answer", async () => {
    const c = conformanceAdapter('bybit', (r: SentRequest): Answer | undefined =>
      r.method === 'GET' && r.path === '/v5/market/tickers' ? { body: captured.httpResponse } : undefined,
    );
    const rates = await new CcxtFundingRates(c.adapter).current([BTC]);

    expect(c.calls()).toHaveLength(1);
    expect(c.calls()[0]).toMatchObject({
      path: '/v5/market/tickers',
      query: { category: 'linear', symbol: 'BTCUSDT' },
    });
    // ccxt's own parse of the same answer (parsedResponse) says the same rate and settlement time.
    const parsed = captured.parsedResponse as { fundingRate: number; fundingTimestamp: number };
    expect(parsed).toMatchObject({ fundingRate: 0.0001, fundingTimestamp: 1730736000000 });
    // The 8 h interval is the instrument's `fundingInterval` (480 min) in Bybit's recorded markets
    // payload; ccxt's captured parse says "8h" too.
    expect(parsed).toMatchObject({ interval: '8h' });
    expect(rates).toEqual([{ symbol: BTC, rate: '0.0001', nextFundingTime: 1730736000000, intervalMs: 8 * 3_600_000 }]);
  });
});

describe('funding rates conformance: bitget', () => {
  const request = ccxtStatic('bitget', 'request', 'fetchFundingRate', 'fundingRate');
  const captured = ccxtStatic('bitget', 'response', 'fetchFundingRate', 'Fetch the funding rate');

  it("sends ccxt's captured request and reads a negative rate, its settlement and its 8 h interval", async () => {
    const c = conformanceAdapter('bitget', (r) =>
      r.method === 'GET' && r.path === pathOf(String(request.url)) ? { body: captured.httpResponse } : undefined,
    );
    const rates = await new CcxtFundingRates(c.adapter).current([BTC]);

    expect(c.calls()).toHaveLength(1);
    expect(c.calls()[0]!.path).toBe(pathOf(String(request.url)));
    expect(c.calls()[0]!.query).toEqual(queryOf(String(request.url)));
    expect(captured.parsedResponse).toMatchObject({
      fundingRate: -1.4e-5,
      fundingTimestamp: 1745510400000,
      interval: '8h',
    });
    // The exchange's text is "-0.000014": exact, not the float's exponent form.
    expect(rates).toEqual([
      { symbol: BTC, rate: '-0.000014', nextFundingTime: 1745510400000, intervalMs: 8 * 3_600_000 },
    ]);
  });
});

describe('funding rates conformance: binanceusdm (request captured, answer unverified)', () => {
  const request = ccxtStatic('binance', 'request', 'fetchFundingRate', 'fundingRate');

  it("asks premiumIndex as ccxt's captured request does; an answer it cannot read leaves the symbol out", async () => {
    const errors: string[] = [];
    // No captured premiumIndex answer exists: the exchange is down instead (a status, no body made up).
    const c = conformanceAdapter('binanceusdm', (r) =>
      r.method === 'GET' && r.path === pathOf(String(request.url)) ? { status: 503, body: '' } : undefined,
    );
    const rates = await new CcxtFundingRates(c.adapter, (symbol) => errors.push(symbol)).current([BTC]);

    expect(c.calls().map((r) => r.path)).toContain(pathOf(String(request.url)));
    const sent = c.calls().find((r) => r.path === pathOf(String(request.url)))!;
    expect(sent.query).toEqual(queryOf(String(request.url)));
    expect(rates).toEqual([]);
    expect(errors).toEqual([BTC]);
  });
});

describe('funding rates conformance: upbit', () => {
  it('is spot: no funding, and no request is sent for it', async () => {
    const c = conformanceAdapter('upbit', () => undefined);
    expect(await new CcxtFundingRates(c.adapter).current(['BTC/KRW'])).toEqual([]);
    expect(c.sent).toEqual([]);
  });
});

describe('intervalMs', () => {
  it("reads ccxt's interval text and nothing else", () => {
    expect(intervalMs('8h')).toBe(28_800_000);
    expect(intervalMs('1h')).toBe(3_600_000);
    expect(intervalMs('30m')).toBe(1_800_000);
    expect(intervalMs('0h')).toBeUndefined();
    expect(intervalMs('8 hours')).toBeUndefined();
    expect(intervalMs(undefined)).toBeUndefined();
  });
});
