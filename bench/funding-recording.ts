// What recording funding rates adds to a risk-check run (figures, not assertions): the
// FundingRecorder as the job wires it (the keyless ccxt source, one request per symbol) against
// the local fake Binance over loopback, the store in memory (the DynamoDB Query and PutItems of a
// run come on top: a few ms on the stand-in). Cases: a container's first run (markets loaded),
// a run with every held market due, and a run within the 5 minutes (nothing due: no request).
// The exchange's own latency comes on top of the due case, once per symbol, within the 3 s box.
// The virtual clock moves 6 min a loop, so the markets (reloaded hourly) are read again now and then.
// Run: node --import tsx bench/funding-recording.ts [runs per case, default 30]
import { startFakeBinance } from '../bin/local/fake-binance';
import { ccxtFundingRatesFor } from '../shared/adapters/exchange/ccxt-funding-rates';
import type { FundingReadingStore, StoredFunding } from '../shared/core/ports/funding-rates';
import { FUNDING_REFRESH_MS, FundingRecorder } from '../shared/core/reconciliation/funding-recorder';
import { percentile } from './stats';

const RUNS = Number(process.argv[2] ?? 30);
const SYMBOLS = ['BTC/USDT:USDT', 'ETH/USDT:USDT', 'XRP/USDT:USDT'];

class MemoryStore implements FundingReadingStore {
  readonly rows = new Map<string, StoredFunding>();
  async read(source: string, symbols: readonly string[]) {
    return symbols.flatMap((s) => this.rows.get(`${source} ${s}`) ?? []);
  }
  async put(source: string, entries: readonly StoredFunding[]) {
    for (const e of entries) this.rows.set(`${source} ${e.symbol}`, e);
  }
}

const fake = await startFakeBinance({ accounts: [] });
try {
  let now = Date.now();
  const clock = { now: () => now };
  const store = new MemoryStore();
  const recorder = new FundingRecorder({
    sources: ccxtFundingRatesFor({ clock, timeoutMs: 3_000, apiUrl: fake.url }),
    store,
    clock,
  });
  const held = [{ exchange: 'binanceusdm' as const, testnet: false, symbols: SYMBOLS }];
  const time = async () => {
    const started = performance.now();
    const result = await recorder.record(held);
    return { ms: performance.now() - started, result };
  };
  console.log(
    `funding recording per risk-check run, ${SYMBOLS.length} held symbols on the fake Binance (node ${process.version})`,
  );
  const before = fake.requests().length;
  const cold = await time();
  console.log(
    `first run of a container (markets + ${SYMBOLS.length} rates)  ${cold.ms.toFixed(1)} ms, ${fake.requests().length - before} requests, ${cold.result.read} read`,
  );
  const due: number[] = [];
  const fresh: number[] = [];
  let requests = 0;
  for (let i = 0; i < RUNS; i++) {
    now += FUNDING_REFRESH_MS; // every market due
    const r0 = fake.requests().length;
    due.push((await time()).ms);
    requests += fake.requests().length - r0;
    now += 60_000; // the next minute's run: nothing due
    const r1 = fake.requests().length;
    fresh.push((await time()).ms);
    if (fake.requests().length !== r1) throw new Error('a fresh reading was read again');
  }
  const f = (ms: number[], p: number) => percentile(ms, p).toFixed(1);
  console.log(
    `every market due (${RUNS} runs)                  p50 ${f(due, 50)} ms  p95 ${f(due, 95)} ms  ${(requests / RUNS).toFixed(1)} requests per run`,
  );
  console.log(
    `nothing due, within 5 min (${RUNS} runs)         p50 ${f(fresh, 50)} ms  p95 ${f(fresh, 95)} ms  0 requests`,
  );
} finally {
  await fake.close();
}
