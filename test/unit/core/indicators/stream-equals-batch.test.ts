// Each streaming indicator, fed one real candle at a time, equals its batch form at every index
// (1e-9 relative; the same indices defined), and next() returns the main line.
import type { Candles } from '../../../../shared/core/backtest/types';
import {
  PROJECT_XRP_1H,
  SHARED_BTC_5M,
  SHARED_XRP_1H,
  loadJsonCandles,
  loadOptionalJsonCandles,
  loadSkenderQuotes,
} from '../../../fixtures/market-data';
import { syntheticCandles } from '../../../fixtures/synthetic-candles';
import { INDICATOR_CASES } from './cases';
import { expectSameSeries } from './compare';

function expectStreamEqualsBatch(candles: Candles): void {
  for (const indicator of INDICATOR_CASES) {
    const batch = indicator.batch(candles);
    const stream = indicator.stream(candles);
    for (const [key, series] of Object.entries(batch)) {
      try {
        expectSameSeries(stream[key]!, series);
      } catch (error) {
        throw new Error(`${indicator.name}.${key}: ${(error as Error).message}`);
      }
    }
    try {
      expectSameSeries(stream.returned!, batch[indicator.main]!);
    } catch (error) {
      throw new Error(`${indicator.name} next() return: ${(error as Error).message}`);
    }
  }
}

const sharedXrp = loadOptionalJsonCandles(SHARED_XRP_1H);
const sharedBtc = loadOptionalJsonCandles(SHARED_BTC_5M);
const absent = (path: string) => ` (skipped: ${path} is absent; it sits beside the project in ../shared/data)`;

describe('streaming indicators equal the batch forms', () => {
  it("on Stock.Indicators' 502 daily bars (shipped in test/fixtures)", () => {
    expectStreamEqualsBatch(loadSkenderQuotes());
  });

  it("on the project's 100 XRP/USDT 1h candles (data/candles)", () => {
    expectStreamEqualsBatch(loadJsonCandles(PROJECT_XRP_1H));
  });

  (sharedXrp ? it : it.skip)(
    `on freqtrade's XRP/USDT perpetual 1h candles${sharedXrp ? '' : absent(SHARED_XRP_1H)}`,
    () => {
      expectStreamEqualsBatch(sharedXrp as Candles);
    },
  );

  (sharedBtc ? it : it.skip)(
    `on freqtrade's 5,760 five-minute candles${sharedBtc ? '' : absent(SHARED_BTC_5M)}`,
    () => {
      expectStreamEqualsBatch(sharedBtc as Candles);
    },
  );

  it('on 20,000 synthetic candles with volatility regimes and stale (flat) stretches', () => {
    expectStreamEqualsBatch(syntheticCandles(20_000, { seed: 7 }));
  });
});
