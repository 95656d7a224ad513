// The funding-history source as live arbitrage wires it (keyless, one per exchange, every host
// rewritten to the fake) through an unmodified ccxt against the fake Binance (GET /fapi/v1/fundingRate)
// and the fake Bybit (GET /v5/market/funding/history): what a test sets comes back exactly, oldest
// first, from `since` on, across pages; an exchange that answers 5xx is a retryable error, never an
// empty list. The fakes follow the exchanges' docs; this proves the wiring and the paging, not the
// exchanges' answers (test/conformance/funding-history.conformance.test.ts does that).
import { startFakeBinance, type FakeBinance } from '../../bin/local/fake-binance';
import { startFakeBybit, type FakeBybit } from '../../bin/local/fake-bybit';
import { ccxtFundingHistoryFor } from '../../shared/adapters/exchange/ccxt-funding-history';
import { ccxtFundingRatesFor } from '../../shared/adapters/exchange/ccxt-funding-rates';
import { DomainError } from '../../shared/core/errors';

jest.setTimeout(60_000);

const BTC = 'BTC/USDT:USDT';
const HOUR = 3_600_000;
const EIGHT_HOURS = 8 * HOUR;
const clock = { now: () => Date.now() };
/** The last 8 h boundary at least a day ago: every row set below is in the past. */
const T0 = Math.floor((Date.now() - 24 * HOUR) / EIGHT_HOURS) * EIGHT_HOURS;

/** Five settlements 8 h apart, given out of order, ending at T0. */
const FIVE: [number, string][] = [
  [T0 - 2 * EIGHT_HOURS, '-0.00003125'],
  [T0 - 4 * EIGHT_HOURS, '0.00010000'],
  [T0, '0.00012345'],
  [T0 - 3 * EIGHT_HOURS, '0.00000001'],
  [T0 - EIGHT_HOURS, '-0.00075000'],
];

/** `count` hourly settlements ending at T0, each rate distinct: count × 1e-8 down to 1e-8. */
function hourly(count: number): [number, string][] {
  return Array.from({ length: count }, (_, i) => [T0 - (count - 1 - i) * HOUR, ((i + 1) / 1e8).toFixed(8)]);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('fake Binance', () => {
  let fake: FakeBinance;
  const source = () =>
    ccxtFundingHistoryFor({ clock, timeoutMs: 10_000, apiUrl: fake.url })({ exchange: 'binanceusdm', testnet: false })!;
  const historyRequests = () => fake.requests().filter((r) => r.path === '/fapi/v1/fundingRate');

  beforeAll(async () => {
    fake = await startFakeBinance({ accounts: [] });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.clearFaults());

  it('returns the settled rates set, exactly and oldest first, from `since` on; no interval (Binance states none)', async () => {
    fake.setFunding('BTCUSDT', { history: FIVE });

    const all = await source().settled(BTC, 0);
    expect(all).toEqual({
      rates: [
        { time: T0 - 4 * EIGHT_HOURS, rate: '0.0001' },
        { time: T0 - 3 * EIGHT_HOURS, rate: '0.00000001' },
        { time: T0 - 2 * EIGHT_HOURS, rate: '-0.00003125' },
        { time: T0 - EIGHT_HOURS, rate: '-0.00075' },
        { time: T0, rate: '0.00012345' },
      ],
    });
    // `since` is inclusive: the settlement at exactly `since` is in, the one before is not
    const recent = await source().settled(BTC, T0 - 2 * EIGHT_HOURS);
    expect(recent.rates.map((r) => r.time)).toEqual([T0 - 2 * EIGHT_HOURS, T0 - EIGHT_HOURS, T0]);
    expect(await source().settled(BTC, T0 + 1)).toEqual({ rates: [] });
  });

  it('walks forward past a full page (1,000 rows) to the end', async () => {
    fake.setFunding('BTCUSDT', { history: hourly(1500) });
    const before = historyRequests().length;

    const { rates } = await source().settled(BTC, T0 - 1499 * HOUR);

    expect(rates).toHaveLength(1500);
    expect(rates[0]).toEqual({ time: T0 - 1499 * HOUR, rate: '0.00000001' });
    expect(rates[1499]).toEqual({ time: T0, rate: '0.000015' });
    expect(rates.every((r, i) => i === 0 || r.time - rates[i - 1]!.time === HOUR)).toBe(true);
    expect(historyRequests().length - before).toBe(2);
  });

  it('the current rate and next funding time set are what premiumIndex says', async () => {
    const next = T0 + 10 * EIGHT_HOURS;
    fake.setFunding('BTCUSDT', { rate: '-0.00021000', nextFundingTime: next });
    const current = ccxtFundingRatesFor({ clock, timeoutMs: 10_000, apiUrl: fake.url })({
      exchange: 'binanceusdm',
      testnet: false,
    })!;
    expect(await current.current([BTC])).toEqual([{ symbol: BTC, rate: '-0.00021', nextFundingTime: next }]);
  });

  it('an answer of 5xx is a retryable error, not an empty list', async () => {
    fake.setFunding('BTCUSDT', { history: FIVE });
    fake.fault({ kind: 'reject-5xx', match: { path: '/fapi/v1/fundingRate' } });
    const error = await rejection(source().settled(BTC, 0));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).retryable).toBe(true);
    // the exchange answers again: the same read succeeds
    expect((await source().settled(BTC, 0)).rates).toHaveLength(5);
  });
});

describe('fake Bybit', () => {
  let fake: FakeBybit;
  const source = () =>
    ccxtFundingHistoryFor({ clock, timeoutMs: 10_000, apiUrl: fake.url })({ exchange: 'bybit', testnet: false })!;
  const historyRequests = () => fake.requests().filter((r) => r.path === '/v5/market/funding/history');

  beforeAll(async () => {
    fake = await startFakeBybit({ accounts: [] });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.clearFaults());

  it("returns the settled rates set, exactly and oldest first, from `since` on, with the instrument's 8 h interval", async () => {
    fake.setFunding('BTCUSDT', { history: FIVE });

    const all = await source().settled(BTC, 0);
    expect(all).toEqual({
      rates: [
        { time: T0 - 4 * EIGHT_HOURS, rate: '0.0001' },
        { time: T0 - 3 * EIGHT_HOURS, rate: '0.00000001' },
        { time: T0 - 2 * EIGHT_HOURS, rate: '-0.00003125' },
        { time: T0 - EIGHT_HOURS, rate: '-0.00075' },
        { time: T0, rate: '0.00012345' },
      ],
      intervalMs: EIGHT_HOURS,
    });
    const recent = await source().settled(BTC, T0 - EIGHT_HOURS);
    expect(recent.rates).toEqual([
      { time: T0 - EIGHT_HOURS, rate: '-0.00075' },
      { time: T0, rate: '0.00012345' },
    ]);
  });

  it('a rate with more digits than a float holds comes back digit for digit', async () => {
    const long = '-0.000123456789012345678901';
    expect(String(Number(long))).not.toBe(long);
    fake.setFunding('BTCUSDT', { history: [[T0, long]] });
    expect((await source().settled(BTC, T0)).rates).toEqual([{ time: T0, rate: long }]);
  });

  it('walks backward past full pages (200 rows) down to `since`', async () => {
    fake.setFunding('BTCUSDT', { history: hourly(450) });
    const before = historyRequests().length;

    const { rates } = await source().settled(BTC, T0 - 449 * HOUR);

    expect(rates).toHaveLength(450);
    expect(rates[0]).toEqual({ time: T0 - 449 * HOUR, rate: '0.00000001' });
    expect(rates[449]).toEqual({ time: T0, rate: '0.0000045' });
    expect(rates.every((r, i) => i === 0 || r.time - rates[i - 1]!.time === HOUR)).toBe(true);
    expect(historyRequests().length - before).toBe(3);
  });

  it('the current rate and next funding time set are what the linear ticker says', async () => {
    const next = T0 + 10 * EIGHT_HOURS;
    fake.setFunding('BTCUSDT', { rate: '-0.000021', nextFundingTime: next });
    const current = ccxtFundingRatesFor({ clock, timeoutMs: 10_000, apiUrl: fake.url })({
      exchange: 'bybit',
      testnet: false,
    })!;
    expect(await current.current([BTC])).toEqual([
      { symbol: BTC, rate: '-0.000021', nextFundingTime: next, intervalMs: EIGHT_HOURS },
    ]);
  });

  it('an answer of 5xx is a retryable error, not an empty list', async () => {
    fake.setFunding('BTCUSDT', { history: FIVE });
    fake.fault({ kind: 'reject-5xx', match: { path: '/v5/market/funding/history' } });
    const error = await rejection(source().settled(BTC, 0));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).retryable).toBe(true);
    expect((await source().settled(BTC, 0)).rates).toHaveLength(5);
  });
});
