// Wall time of one funding-history read (figures, not assertions) through unmodified ccxt against
// the local fakes, over loopback: the fake Binance walked forward (1,500 hourly settlements: two
// pages of up to 1,000) and the fake Bybit walked backward (450: three pages of 200), and on each
// a read of the last day (24 hourly settlements: one page). This is the adapter's and ccxt's share
// of an arbitrage decision's read; the exchanges' own latency and rate limits (Binance: 500
// requests per 5 min per IP for fundingRate) come on top.
// Run: node --import tsx bench/funding-history.ts [reads per case, default 50]
import { startFakeBinance } from '../bin/local/fake-binance';
import { startFakeBybit } from '../bin/local/fake-bybit';
import { ccxtFundingHistoryFor } from '../shared/adapters/exchange/ccxt-funding-history';
import type { FundingHistory } from '../shared/core/ports/funding-history';
import { percentile } from './stats';

const READS = Number(process.argv[2] ?? 50);
const BTC = 'BTC/USDT:USDT';
const HOUR = 3_600_000;
const T0 = Math.floor((Date.now() - 24 * HOUR) / (8 * HOUR)) * 8 * HOUR;

const hourly = (count: number): [number, string][] =>
  Array.from({ length: count }, (_, i) => [T0 - (count - 1 - i) * HOUR, ((i + 1) / 1e8).toFixed(8)]);

async function measure(name: string, source: FundingHistory, since: number, rows: number): Promise<void> {
  await source.settled(BTC, since); // markets loaded, connections warm
  const ms: number[] = [];
  for (let i = 0; i < READS; i++) {
    const started = performance.now();
    const { rates } = await source.settled(BTC, since);
    ms.push(performance.now() - started);
    if (rates.length !== rows) throw new Error(`${name}: ${rates.length} rows, expected ${rows}`);
  }
  const f = (p: number) => percentile(ms, p).toFixed(1);
  console.log(
    `${name.padEnd(44)} ${String(rows).padStart(5)} rows  p50 ${f(50)} ms  p95 ${f(95)} ms  max ${f(100)} ms`,
  );
}

const clock = { now: () => Date.now() };
const binance = await startFakeBinance({ accounts: [] });
const bybit = await startFakeBybit({ accounts: [] });
try {
  const fromBinance = ccxtFundingHistoryFor({ clock, timeoutMs: 10_000, apiUrl: binance.url })({
    exchange: 'binanceusdm',
    testnet: false,
  })!;
  const fromBybit = ccxtFundingHistoryFor({ clock, timeoutMs: 10_000, apiUrl: bybit.url })({
    exchange: 'bybit',
    testnet: false,
  })!;
  console.log(`funding history reads, ${READS} per case (node ${process.version})`);
  binance.setFunding('BTCUSDT', { history: hourly(1500) });
  bybit.setFunding('BTCUSDT', { history: hourly(450) });
  await measure('binanceusdm, last day (1 page)', fromBinance, T0 - 23 * HOUR, 24);
  await measure('binanceusdm, 1,500 h (2 pages forward)', fromBinance, T0 - 1499 * HOUR, 1500);
  await measure('bybit, last day (1 page)', fromBybit, T0 - 23 * HOUR, 24);
  await measure('bybit, 450 h (3 pages backward)', fromBybit, T0 - 449 * HOUR, 450);
} finally {
  await binance.close();
  await bybit.close();
}
