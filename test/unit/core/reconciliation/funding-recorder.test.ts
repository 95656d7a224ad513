// The risk-check job's funding-rate recording policy, on virtual time: a market is read again 5
// minutes after its last attempt, or sooner once its next settlement has passed; a failed or
// unanswered read keeps the old reading with its own asOf (and is not retried before 5 minutes);
// a hanging read ends with the time box; paper accounts and exchanges without a source read nothing.
import type {
  FundingRate,
  FundingRates,
  FundingReadingStore,
  StoredFunding,
} from '../../../../shared/core/ports/funding-rates';
import {
  FUNDING_REFRESH_MS,
  FUNDING_STORE_MARGIN_MS,
  FundingRecorder,
  fundingReadDue,
  type Deadline,
} from '../../../../shared/core/reconciliation/funding-recorder';
import { ManualClock, T0 } from '../fakes';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const HOUR = 3_600_000;
const NEXT = T0 + 2 * HOUR;

class MemoryFundingStore implements FundingReadingStore {
  readonly rows = new Map<string, StoredFunding>();
  async read(source: string, symbols: readonly string[]) {
    return symbols.flatMap((s) => {
      const row = this.rows.get(`${source} ${s}`);
      return row ? [structuredClone(row)] : [];
    });
  }
  async put(source: string, entries: readonly StoredFunding[]) {
    for (const e of entries) this.rows.set(`${source} ${e.symbol}`, structuredClone(e));
  }
}

/** A funding source answering what `answer` returns, counting the symbols asked. */
function source(answer: (symbols: readonly string[]) => Promise<FundingRate[]>) {
  const asked: string[][] = [];
  const rates: FundingRates = {
    current: (symbols) => {
      asked.push([...symbols]);
      return answer(symbols);
    },
  };
  return { rates, asked };
}

const rateOf = (symbol: string, rate: string, nextFundingTime = NEXT): FundingRate => ({
  symbol,
  rate,
  nextFundingTime,
  intervalMs: 8 * HOUR,
});

/** A deadline the test expires by hand: virtual time for the time box. */
function manualDeadline() {
  let expire: () => void = () => undefined;
  const started: number[] = [];
  const deadline = (ms: number): Deadline => {
    started.push(ms);
    return { expired: new Promise<void>((r) => (expire = r)), cancel: () => undefined };
  };
  return { deadline, started, expire: () => expire() };
}

function recorder(rates: FundingRates, clock: ManualClock, store = new MemoryFundingStore()) {
  const errors: string[] = [];
  const time = manualDeadline();
  const r = new FundingRecorder({
    sources: ({ exchange }) => (exchange === 'binanceusdm' || exchange === 'bybit' ? rates : undefined),
    store,
    clock,
    deadline: time.deadline,
    onError: (s, e) => errors.push(`${s}: ${e instanceof Error ? e.message : String(e)}`),
  });
  return { r, store, errors, time };
}

const live = (symbols: string[], exchange: 'binanceusdm' | 'bybit' | 'upbit' = 'binanceusdm', testnet = false) => ({
  exchange,
  testnet,
  symbols,
});

describe('fundingReadDue', () => {
  const reading = { symbol: BTC, rate: '0.0001', nextFundingTime: NEXT, asOf: T0 };
  it('is due without a stored entry', () => expect(fundingReadDue(undefined, T0, FUNDING_REFRESH_MS)).toBe(true));
  it('waits 5 minutes from the last attempt, good or failed', () => {
    const stored = { symbol: BTC, reading, triedAt: T0 };
    expect(fundingReadDue(stored, T0 + FUNDING_REFRESH_MS - 1, FUNDING_REFRESH_MS)).toBe(false);
    expect(fundingReadDue(stored, T0 + FUNDING_REFRESH_MS, FUNDING_REFRESH_MS)).toBe(true);
    const failedLater = { symbol: BTC, reading, triedAt: T0 + 60_000 };
    expect(fundingReadDue(failedLater, T0 + FUNDING_REFRESH_MS, FUNDING_REFRESH_MS)).toBe(false);
  });
  it('is due at once when the next settlement passed after the last attempt, and once only', () => {
    const near = { symbol: BTC, reading: { ...reading, nextFundingTime: T0 + 60_000 }, triedAt: T0 };
    expect(fundingReadDue(near, T0 + 59_999, FUNDING_REFRESH_MS)).toBe(false);
    expect(fundingReadDue(near, T0 + 60_000, FUNDING_REFRESH_MS)).toBe(true);
    // read after the settlement, the exchange still said the passed time: the 5 minutes again
    expect(fundingReadDue({ ...near, triedAt: T0 + 61_000 }, T0 + 120_000, FUNDING_REFRESH_MS)).toBe(false);
  });
});

describe('FundingRecorder', () => {
  it('reads each held market once per exchange (one request per symbol) and stores rate, next time, interval and asOf', async () => {
    const clock = new ManualClock();
    const { rates, asked } = source(async (symbols) =>
      symbols.map((s) => rateOf(s, s === BTC ? '0.0001' : '-0.00005')),
    );
    const { r, store } = recorder(rates, clock);

    // two accounts on the same exchange share BTC: asked once
    const result = await r.record([live([BTC]), live([BTC, ETH])]);

    expect(result).toEqual({ read: 2, failed: 0 });
    expect(asked).toEqual([[BTC], [ETH]]);
    expect(store.rows.get(`binanceusdm ${BTC}`)).toEqual({
      symbol: BTC,
      reading: { symbol: BTC, rate: '0.0001', nextFundingTime: NEXT, intervalMs: 8 * HOUR, asOf: T0 },
      triedAt: T0,
    });
    expect(store.rows.get(`binanceusdm ${ETH}`)?.reading?.rate).toBe('-0.00005');
  });

  it("never runs past the run's own deadline (the Lambda's timeout): the box shrinks to fit, or nothing is asked", async () => {
    const clock = new ManualClock();
    const { rates, asked } = source(async (symbols) => symbols.map((s) => rateOf(s, '0.0001')));
    const { r, time, store } = recorder(rates, clock);
    // 2.5 s left: 0.5 s for the reads, 2 s kept for the store's writes and the run's own end
    await r.record([live([BTC])], clock.now() + FUNDING_STORE_MARGIN_MS + 500);
    expect(time.started).toEqual([500]);
    expect(asked).toEqual([[BTC]]);
    // 2 s left: no read at all, and the market stays due (no attempt stored)
    clock.advance(FUNDING_REFRESH_MS);
    const skipped = await r.record([live([ETH])], clock.now() + FUNDING_STORE_MARGIN_MS);
    expect(skipped).toEqual({ read: 0, failed: 0 });
    expect(asked).toEqual([[BTC]]);
    expect(store.rows.has(`binanceusdm ${ETH}`)).toBe(false);
    // far from the deadline: the configured box
    await r.record([live([ETH])], clock.now() + 60_000);
    expect(time.started).toEqual([500, 3_000]);
  });

  it('does not read again within 5 minutes, reads again at 5 minutes', async () => {
    const clock = new ManualClock();
    let rate = '0.0001';
    const { rates, asked } = source(async (symbols) => symbols.map((s) => rateOf(s, rate)));
    const { r, store } = recorder(rates, clock);
    await r.record([live([BTC])]);

    for (const minute of [1, 2, 3, 4]) {
      clock.t = T0 + minute * 60_000;
      expect(await r.record([live([BTC])])).toEqual({ read: 0, failed: 0 });
    }
    expect(asked).toHaveLength(1);

    rate = '0.0002';
    clock.t = T0 + FUNDING_REFRESH_MS;
    expect(await r.record([live([BTC])])).toEqual({ read: 1, failed: 0 });
    expect(asked).toHaveLength(2);
    expect(store.rows.get(`binanceusdm ${BTC}`)?.reading).toMatchObject({
      rate: '0.0002',
      asOf: T0 + FUNDING_REFRESH_MS,
    });
  });

  it('reads again as soon as the next funding time has passed', async () => {
    const clock = new ManualClock();
    const settlement = T0 + 2 * 60_000;
    let next = settlement;
    const { rates, asked } = source(async (symbols) => symbols.map((s) => rateOf(s, '0.0001', next)));
    const { r, store } = recorder(rates, clock);
    await r.record([live([BTC])]);

    clock.t = settlement - 1;
    await r.record([live([BTC])]);
    expect(asked).toHaveLength(1);

    next = settlement + 8 * HOUR;
    clock.t = settlement + 1_000; // a minute's run after the settlement, well within 5 minutes
    expect(await r.record([live([BTC])])).toEqual({ read: 1, failed: 0 });
    expect(asked).toHaveLength(2);
    expect(store.rows.get(`binanceusdm ${BTC}`)?.reading?.nextFundingTime).toBe(settlement + 8 * HOUR);
  });

  it('a failed read keeps the old reading with its asOf, and is not retried before 5 minutes', async () => {
    const clock = new ManualClock();
    let fail = false;
    const { rates, asked } = source(async (symbols) => {
      if (fail) throw new Error('503 Service Unavailable');
      return symbols.map((s) => rateOf(s, '0.0001'));
    });
    const { r, store, errors } = recorder(rates, clock);
    await r.record([live([BTC])]);

    fail = true;
    clock.t = T0 + FUNDING_REFRESH_MS;
    expect(await r.record([live([BTC])])).toEqual({ read: 0, failed: 1 });
    expect(store.rows.get(`binanceusdm ${BTC}`)).toEqual({
      symbol: BTC,
      reading: expect.objectContaining({ rate: '0.0001', asOf: T0 }),
      triedAt: T0 + FUNDING_REFRESH_MS,
    });
    expect(errors).toEqual(['binanceusdm: 503 Service Unavailable']);

    clock.t = T0 + FUNDING_REFRESH_MS + 60_000;
    await r.record([live([BTC])]);
    expect(asked).toHaveLength(2); // not hammered every minute while the exchange fails
  });

  it('a symbol the exchange leaves out keeps its old reading; the others are stored', async () => {
    const clock = new ManualClock();
    let answerEth = true;
    const { rates } = source(async (symbols) =>
      symbols.filter((s) => s !== ETH || answerEth).map((s) => rateOf(s, '0.0001')),
    );
    const { r, store } = recorder(rates, clock);
    await r.record([live([BTC, ETH])]);
    answerEth = false;
    clock.t = T0 + FUNDING_REFRESH_MS;
    expect(await r.record([live([BTC, ETH])])).toEqual({ read: 1, failed: 1 });
    expect(store.rows.get(`binanceusdm ${BTC}`)?.reading?.asOf).toBe(T0 + FUNDING_REFRESH_MS);
    expect(store.rows.get(`binanceusdm ${ETH}`)?.reading?.asOf).toBe(T0);
  });

  it('a hanging read ends with the time box: nothing new, the old reading kept, the run not held', async () => {
    const clock = new ManualClock();
    let hang = false;
    const { rates } = source((symbols) =>
      hang ? new Promise<FundingRate[]>(() => undefined) : Promise.resolve(symbols.map((s) => rateOf(s, '0.0001'))),
    );
    const { r, store, errors, time } = recorder(rates, clock);
    await r.record([live([BTC])]);

    hang = true;
    clock.t = T0 + FUNDING_REFRESH_MS;
    let settled = false;
    const done = r.record([live([BTC])]).then((result) => {
      settled = true;
      return result;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false); // the read hangs…
    time.expire(); // …until the time box ends
    expect(await done).toEqual({ read: 0, failed: 1 });
    expect(time.started).toEqual([3_000, 3_000]);
    expect(store.rows.get(`binanceusdm ${BTC}`)?.reading?.asOf).toBe(T0);
    expect(errors).toEqual(['binanceusdm: funding rate reads took longer than 3000 ms']);
  });

  it('a box that ends mid-way keeps what was read, leaves the unasked due, and asks the stalest first next', async () => {
    const XRP = 'XRP/USDT:USDT';
    const clock = new ManualClock();
    const { rates, asked } = source((symbols) =>
      symbols[0] === ETH && asked.length <= 2
        ? new Promise<FundingRate[]>(() => undefined)
        : Promise.resolve(symbols.map((s) => rateOf(s, '0.0001'))),
    );
    const { r, store, time } = recorder(rates, clock);
    const done = r.record([live([BTC, ETH, XRP])]);
    for (let i = 0; i < 20 && asked.length < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    time.expire(); // while ETH hangs
    expect(await done).toEqual({ read: 1, failed: 1 });
    expect(asked).toEqual([[BTC], [ETH]]); // XRP never asked once the box was over
    expect(store.rows.get(`binanceusdm ${BTC}`)?.reading?.asOf).toBe(T0);
    expect(store.rows.get(`binanceusdm ${ETH}`)).toEqual({ symbol: ETH, triedAt: T0 });
    expect(store.rows.has(`binanceusdm ${XRP}`)).toBe(false);

    clock.t = T0 + 60_000; // the next minute: XRP, never asked, is due; ETH's attempt counts
    expect(await r.record([live([BTC, ETH, XRP])])).toEqual({ read: 1, failed: 0 });
    expect(asked.slice(2)).toEqual([[XRP]]);

    clock.t = T0 + FUNDING_REFRESH_MS; // ETH (no reading yet) before BTC (read at T0); XRP still fresh
    expect(await r.record([live([BTC, ETH, XRP])])).toEqual({ read: 2, failed: 0 });
    expect(asked.slice(3)).toEqual([[ETH], [BTC]]);
  });

  it('paper, an exchange without a source and a store that fails read nothing and never throw', async () => {
    const clock = new ManualClock();
    const { rates, asked } = source(async (symbols) => symbols.map((s) => rateOf(s, '0.0001')));
    const { r } = recorder(rates, clock);
    expect(await r.record([{ exchange: 'paper', testnet: false, symbols: [BTC] }, live([BTC], 'upbit')])).toEqual({
      read: 0,
      failed: 0,
    });
    expect(asked).toEqual([]);

    const broken: FundingReadingStore = {
      read: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
      put: () => Promise.reject(new Error('unreachable')),
    };
    const failing = recorder(rates, clock, broken as MemoryFundingStore);
    expect(await failing.r.record([live([BTC])])).toEqual({ read: 0, failed: 0 });
    expect(failing.errors).toEqual(['binanceusdm: ProvisionedThroughputExceededException']);
  });

  it('mainnet and testnet are recorded apart (their rates differ)', async () => {
    const clock = new ManualClock();
    const { rates, asked } = source(async (symbols) => symbols.map((s) => rateOf(s, '0.0001')));
    const { r, store } = recorder(rates, clock);
    await r.record([live([BTC]), live([BTC], 'binanceusdm', true), live([BTC], 'bybit')]);
    expect(asked).toEqual([[BTC], [BTC], [BTC]]);
    expect([...store.rows.keys()].sort()).toEqual([`binanceusdm ${BTC}`, `binanceusdm-testnet ${BTC}`, `bybit ${BTC}`]);
  });
});
