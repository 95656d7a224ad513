// The report job's funding-rate source as wired (keyless, one per exchange, every host rewritten to
// EXCHANGE_API_URL) through an unmodified ccxt binanceusdm against the local fake Binance's
// premiumIndex. The fake is written here: this proves the wiring, not Binance's answer (that is
// "unverified" in docs/EXCHANGES.md: ccxt captured the request only).
import { startFakeBinance, type FakeBinance } from '../../bin/local/fake-binance';
import { ccxtFundingRatesFor } from '../../shared/adapters/exchange/ccxt-funding-rates';

jest.setTimeout(60_000);

const EIGHT_HOURS = 8 * 3_600_000;
let fake: FakeBinance;

beforeAll(async () => {
  fake = await startFakeBinance({ accounts: [] });
});
afterAll(() => fake.close());

test('reads the seeded rate and the next settlement; a symbol the exchange does not list is left out', async () => {
  fake.setFundingRates('BTCUSDT', [[Date.now() - EIGHT_HOURS, 0.00025]]);
  const errors: string[] = [];
  const forAccount = ccxtFundingRatesFor({
    clock: { now: () => Date.now() },
    timeoutMs: 10_000,
    apiUrl: fake.url,
    onError: (exchange, symbol) => errors.push(`${exchange} ${symbol}`),
  });

  const rates = await forAccount({ exchange: 'binanceusdm', testnet: false })!.current([
    'BTC/USDT:USDT',
    'NOPE/USDT:USDT',
  ]);

  expect(rates).toHaveLength(1);
  expect(rates[0]).toMatchObject({ symbol: 'BTC/USDT:USDT', rate: '0.00025' });
  expect(rates[0]!.nextFundingTime! % EIGHT_HOURS).toBe(0);
  expect(rates[0]!.nextFundingTime!).toBeGreaterThan(Date.now() - 60_000);
  expect(errors).toEqual(['binanceusdm NOPE/USDT:USDT']);
  // keyless: the markets and the rate, nothing of the account
  expect([...new Set(fake.requests().map((r) => r.path))].sort()).toEqual([
    '/fapi/v1/exchangeInfo',
    '/fapi/v1/premiumIndex',
  ]);
});
