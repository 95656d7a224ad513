// The daily report's market summary: off unless the account switched it on; on, one paragraph from
// the model (through the real ModelMarketSummary over a fake model and fake candles) given the
// account's symbols, their moves and a regime word, labelled as the model's and as not advice; a
// refusal sends the report without it, saying why. The figures come from the candles, not the model.
import {
  ModelMarketSummary,
  moveOf,
  regimeOf,
  SUMMARY_MAX_CHARS,
} from '../../../../shared/core/advisor/market-summary';
import type { CandleSource, RegimeReader } from '../../../../shared/core/advisor/ports';
import type { Candles } from '../../../../shared/core/backtest/types';
import type { Account } from '../../../../shared/core/domain/account';
import type { TradeRecord } from '../../../../shared/core/domain/trade';
import type { Notification } from '../../../../shared/core/notify/types';
import { SendReports } from '../../../../shared/core/reporting/send-reports';
import { fakeAdvisor, type Script } from '../advisor/fake-advisor';
import { ManualClock } from '../fakes';
import { MemoryAudit } from '../memory-repos';

const HOUR = 3_600_000;
// 00:05 UTC on 2026-11-22: the daily report (UTC zone) covers 2026-11-21.
const NOW = Date.UTC(2026, 10, 22, 0, 5);
const FROM = Date.UTC(2026, 10, 21);
const TO = Date.UTC(2026, 10, 22);
const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';

/** Hourly candles ending at `to`, closes from `at(i)`. */
function hourly(n: number, to: number, at: (i: number) => number): Candles {
  const close = Float64Array.from({ length: n }, (_, i) => at(i));
  return {
    time: Float64Array.from({ length: n }, (_, i) => to - (n - i) * HOUR),
    open: close,
    high: close,
    low: close,
    close,
    volume: close,
  };
}

/**
 * BTC rises 10 an hour from 2,000, ETH falls 1 an hour from 1,000. The summary reads 24 + 50 hourly
 * candles up to the period's end: index 49 closes at its start (BTC 2,490, ETH 951), index 73 at its
 * end (BTC 2,730: +9.64 %; ETH 927: -2.52 %).
 */
const candles: CandleSource = {
  closedCandles: async (symbol, _tf, limit, now) => {
    if (symbol === BTC) return hourly(limit, now, (i) => 2_000 + 10 * i);
    if (symbol === ETH) return hourly(limit, now, (i) => 1_000 - i);
    throw new Error(`no market ${symbol}`);
  },
  spanMs: () => HOUR,
};

function report(script: Script, account: Partial<Account['settings']>, traded: string[] = [BTC]) {
  const advisor = fakeAdvisor(script);
  const dispatched: Notification[] = [];
  const writer = new ModelMarketSummary({ advisor, model: 'openai:gpt-4o-mini', candles, timeoutMs: 1_000 });
  const write = jest.spyOn(writer, 'write');
  const trades = traded.map((symbol) => ({ symbol, openedAt: FROM + HOUR, closedAt: FROM + 2 * HOUR }) as TradeRecord);
  const reports = new SendReports({
    accounts: { list: async () => [{ accountId: 'acc-1', settings: account } as Account] },
    trades: { listByAccount: async () => trades },
    risk: { listSnapshots: async () => [] },
    prices: { priceAt: async () => undefined },
    chart: async () => Uint8Array.of(1),
    notifier: {
      dispatch: async (notifications) => {
        dispatched.push(...notifications);
        return { sent: {}, held: 0, failed: [] };
      },
    },
    audit: new MemoryAudit(),
    clock: new ManualClock(NOW),
    timeZone: 'UTC',
    summaries: writer,
  });
  return { reports, advisor, dispatched, write };
}

const summary = (text: string) => JSON.stringify({ summary: text });

test('switched on: the paragraph is in the daily report, labelled as the model’s and not advice', async () => {
  const { reports, advisor, dispatched } = report(summary('BTC rose steadily in an uptrend while ETH slid.'), {
    marketSummary: true,
    strategies: [{ id: 's', strategy: 'x', symbol: ETH, timeframe: '1h', params: {}, enabled: true, updatedAt: 0 }],
  });
  await reports.run('daily');
  expect(dispatched[0]?.lines.at(-1)).toBe(
    'Market summary (written by openai:gpt-4o-mini, not advice): BTC rose steadily in an uptrend while ETH slid.',
  );
  // The model was given the account's symbols (traded and watched), their moves and regimes: figures from the candles.
  const question = advisor.asked[0];
  expect(question).toMatchObject({ accountId: 'acc-1', purpose: 'market-summary', schemaName: 'market_summary' });
  expect(question?.prompt).toContain('Period: 2026-11-21 00:00 to 2026-11-22 00:00 UTC.');
  expect(question?.prompt).toContain(`${BTC}: +9.64 % (2490 → 2730), regime trend up`);
  expect(question?.prompt).toContain(`${ETH}: -2.52 % (951 → 927), regime trend down`);
});

test.each([
  ['off by default', {}],
  ['switched off', { marketSummary: false }],
])('%s: no question, no line', async (_, settings) => {
  const { reports, advisor, dispatched, write } = report(summary('never'), settings);
  await reports.run('daily');
  expect(write).not.toHaveBeenCalled();
  expect(advisor.asked).toEqual([]);
  expect(dispatched[0]?.lines.join('\n')).not.toContain('Market summary');
});

test('the weekly report has no summary (the daily one does)', async () => {
  const { reports, write } = report(summary('x'), { marketSummary: true });
  await reports.run('weekly');
  expect(write).not.toHaveBeenCalled();
});

test.each([
  ['the model refuses (budget spent)', { refuse: 'budget-spent' } as Script, 'budget-spent: the model budget-spent'],
  ['the answer is longer than 600 characters', summary('x'.repeat(SUMMARY_MAX_CHARS + 1)), 'invalid-answer: summary'],
  ['the answer is not the schema', '{"text":"hi"}', 'invalid-answer: summary'],
])('%s: the report goes out without it, saying why', async (_, script, why) => {
  const { reports, dispatched } = report(script, { marketSummary: true });
  await reports.run('daily');
  expect(dispatched).toHaveLength(1);
  expect(dispatched[0]?.lines.at(-1)).toBe(`Market summary unavailable (${why})`);
});

test('no symbols traded or watched, or no candles for them: nobody is asked and the report says so', async () => {
  const none = report(summary('x'), { marketSummary: true }, []);
  await none.reports.run('daily');
  expect(none.dispatched[0]?.lines.at(-1)).toBe(
    'Market summary unavailable (no symbols traded or subscribed in the period)',
  );
  const unknown = report(summary('x'), { marketSummary: true }, ['DOGE/USDT:USDT']);
  await unknown.reports.run('daily');
  expect(unknown.dispatched[0]?.lines.at(-1)).toBe('Market summary unavailable (no candles for DOGE/USDT:USDT)');
  expect([...none.advisor.asked, ...unknown.advisor.asked]).toEqual([]);
});

test("the model's text cannot add lines or control characters to the report", async () => {
  const { reports, dispatched } = report(summary('Calm day.\n\nBUY NOW\u0007'), { marketSummary: true });
  await reports.run('daily');
  expect(dispatched[0]?.lines.at(-1)).toBe(
    'Market summary (written by openai:gpt-4o-mini, not advice): Calm day. BUY NOW',
  );
});

describe('the figures', () => {
  test('regime: close above SMA(20) above SMA(50) is trend up, the mirror trend down, anything else range', () => {
    expect(regimeOf(hourly(60, TO, (i) => 100 + i).close)).toBe('trend up');
    expect(regimeOf(hourly(60, TO, (i) => 100 - i).close)).toBe('trend down');
    expect(regimeOf(hourly(60, TO, (i) => 100 + (i % 2)).close)).toBe('range');
    expect(regimeOf(hourly(30, TO, (i) => 100 + i).close)).toBe('range'); // too few for SMA(50)
  });

  test('the move runs from the last close at or before the period start to the last close', () => {
    const move = moveOf(
      BTC,
      hourly(30, TO, (i) => 100 + i),
      FROM,
    );
    // 30 candles up to TO: the one closing at FROM is index 5 (close 105); the last is 129.
    expect(move).toMatchObject({ open: 105, close: 129, changePct: 22.86 });
    expect(
      moveOf(
        BTC,
        hourly(10, TO, (i) => 100 + i),
        FROM,
      ),
    ).toBeUndefined(); // nothing before the period
  });
});

describe("with the report's regime source", () => {
  /** BTC read as BULL by the HMM, ETH not read (warming up); the SMA word would say trend up / trend down */
  const regimes: RegimeReader = {
    get: async (symbol) =>
      symbol === BTC ? { label: 'BULL', source: 'hmm', asOf: TO, probability: 0.874 } : undefined,
  };
  const ask = async (source: RegimeReader) => {
    const advisor = fakeAdvisor(summary('ok'));
    const writer = new ModelMarketSummary({ advisor, model: 'm', candles, timeoutMs: 1_000, regimes: source });
    const result = await writer.write({ accountId: 'acc-1', symbols: [BTC, ETH], from: FROM, to: TO });
    return { result, prompt: advisor.asked[0]?.prompt ?? '' };
  };

  test("each symbol's regime is the source's label, the one the report's Regime lines name, not the SMA word", async () => {
    const { result, prompt } = await ask(regimes);
    expect(result).toMatchObject({ ok: true });
    expect(prompt).toContain(`${BTC}: +9.64 % (2490 → 2730), regime BULL (daily regime: HMM, p 0.87).`);
    expect(prompt).toContain(`${ETH}: -2.52 % (951 → 927), regime unknown (daily regime: no reading).`);
    expect(prompt).not.toContain('SMA');
  });

  test('a source that fails or hangs: regime unknown for that symbol, the summary is still written', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const failing: RegimeReader = {
        get: (symbol) => (symbol === BTC ? Promise.reject(new Error('candles down')) : new Promise(() => undefined)),
      };
      const asked = ask(failing);
      await jest.advanceTimersByTimeAsync(3_000);
      const { result, prompt } = await asked;
      expect(result).toMatchObject({ ok: true });
      expect(prompt).toContain(`${BTC}: +9.64 % (2490 → 2730), regime unknown (daily regime: no reading).`);
      expect(prompt).toContain(`${ETH}: -2.52 % (951 → 927), regime unknown (daily regime: no reading).`);
    } finally {
      jest.useRealTimers();
    }
  });
});
