// Which accounts get a funding-rate source: live perpetual exchanges do (one keyless instance per
// exchange and network, kept); paper (the replay has no funding) and Upbit (spot) do not. Nothing
// here is sent anywhere: building an adapter makes no request.
import { ccxtFundingRatesFor } from '../../../../shared/adapters/exchange/ccxt-funding-rates';

const sourceFor = () => ccxtFundingRatesFor({ clock: { now: () => 0 }, timeoutMs: 1000 });

test('paper and spot have no funding-rate source', () => {
  const forAccount = sourceFor();
  expect(forAccount({ exchange: 'paper', testnet: false })).toBeUndefined();
  expect(forAccount({ exchange: 'upbit', testnet: false })).toBeUndefined();
});

test('each perpetual exchange gets one source per network, reused across accounts', () => {
  const forAccount = sourceFor();
  for (const exchange of ['binanceusdm', 'okx', 'bybit', 'bitget'] as const) {
    const live = forAccount({ exchange, testnet: false });
    expect(live).toBeDefined();
    expect(forAccount({ exchange, testnet: false })).toBe(live);
    expect(forAccount({ exchange, testnet: true })).not.toBe(live);
  }
});
