// The console's strategy compare (GET /strategies/{id}/compare) and the accounts' webhook URL:
// the compare's figures are reporting's strategy compare over the same candles and trades (not a
// second computation), its range is bounded (400 naming from), unknown accounts and subscriptions
// are 404, and the account side is read fresh while the backtest of the same candles is kept.
import type { Candles } from '../../../../shared/core/backtest/types';
import { Big } from '../../../../shared/core/domain/money';
import type { StrategySubscription } from '../../../../shared/core/domain/strategy-subscription';
import { NotFoundError } from '../../../../shared/core/errors';
import { ConsoleReads, MAX_COMPARE_CANDLES } from '../../../../shared/core/performance/console-reads';
import { QueryError } from '../../../../shared/core/performance/query';
import type { CandleSource } from '../../../../shared/core/ports/candles';
import {
  backtestForCompare,
  compareWithBacktest,
  type CompareBacktest,
  subscriptionCompareInput,
} from '../../../../shared/core/reporting/strategy-compare';
import { account, NOW, trade, utc, world } from './fixtures';

const HOUR = 3_600_000;
const FROM = utc('2024-01-10T00:00:00Z');

/** Hourly candles on a slow wave (the EMAs cross every few days), 2,000 of them up to NOW. */
class WaveCandles implements CandleSource {
  reads = 0;
  spanMs(): number {
    return HOUR;
  }
  async closedCandles(_symbol: string, _timeframe: string, limit: number, now: number): Promise<Candles> {
    this.reads++;
    const last = Math.floor(now / HOUR) * HOUR - HOUR; // the last candle closed by `now`
    const times = Array.from({ length: limit }, (_, i) => last - (limit - 1 - i) * HOUR).filter(
      (t) => t >= NOW - 2_000 * HOUR,
    );
    const close = times.map((t) => 40_000 + 1_500 * Math.sin(t / (40 * HOUR)) + 200 * Math.sin(t / (7 * HOUR)));
    const f = (xs: number[]) => Float64Array.from(xs);
    return {
      time: f(times),
      open: f(close.map((c, i) => (i > 0 ? close[i - 1]! : c))),
      high: f(close.map((c) => c + 50)),
      low: f(close.map((c) => c - 50)),
      close: f(close),
      volume: f(close.map(() => 10)),
    };
  }
}

const SUB: StrategySubscription = {
  id: 'ema-cross.BTCUSDT.1h',
  strategy: 'ema-cross',
  symbol: 'BTC/USDT:USDT',
  timeframe: '1h',
  params: { fast: 5, slow: 20 },
  enabled: true,
  updatedAt: NOW - 30 * 24 * HOUR,
};

async function setup(options: { candles?: boolean; webhookUrl?: string } = {}) {
  const w = await world();
  const base = account('acc-a');
  w.accounts.rows.set('acc-a', { ...base, settings: { ...base.settings, strategies: [SUB] } });
  // the account's own trades of the subscription, and one of another strategy the compare leaves out
  await w.trades.put(
    trade('c1', {
      strategy: 'ema-cross',
      openedAt: FROM + 30 * HOUR,
      closedAt: FROM + 50 * HOUR,
      realizedPnl: '35.5',
      fees: '1.5',
    }),
  );
  await w.trades.put(
    trade('c2', {
      strategy: 'ema-cross',
      side: 'short',
      openedAt: FROM + 100 * HOUR,
      closedAt: FROM + 130 * HOUR,
      realizedPnl: '-12.25',
      fees: '1.25',
    }),
  );
  const candles = new WaveCandles();
  const reads = new ConsoleReads({
    accounts: w.accounts,
    trades: w.trades,
    positions: w.positions,
    orders: w.orders,
    audit: w.audit,
    risk: w.risk,
    signals: w.signals,
    alerts: w.alerts,
    clock: w.clock,
    ...(options.candles === false ? {} : { candles: () => candles }),
    ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}),
  });
  return { ...w, reads, candles };
}

interface CompareAnswer {
  from: number;
  to: number;
  candles: { count: number; from: number; to: number };
  comparison: ReturnType<typeof compareWithBacktest>['comparison'] | null;
  difference: { trades: number; pnl: string; winRatePct: number; maxDrawdownPct: number };
  warnings: string[];
}

describe('ConsoleReads.strategyCompare', () => {
  it('answers the figures reporting’s strategy compare computes for the same candles and trades', async () => {
    const { reads, candles, trades, accounts } = await setup();
    const answer = (await reads.strategyCompare('acc-a', SUB.id, { from: FROM })) as CompareAnswer;

    const input = subscriptionCompareInput((await accounts.get('acc-a'))!, SUB, {
      from: FROM,
      to: NOW,
      cash: 10_000,
      market: undefined,
      maxCandles: MAX_COMPARE_CANDLES,
    });
    const expected = compareWithBacktest(
      await backtestForCompare(candles, input),
      await trades.listByAccount('acc-a'),
      input,
      HOUR,
    );
    // not a vacuous compare: the backtest traded, and the account's two ema-cross trades are in
    expect(expected.comparison.backtest.trades).toBeGreaterThan(2);
    expect(answer.comparison).toEqual(expected.comparison);
    expect(answer.comparison!.account).toMatchObject({ trades: 2, pnl: '23.25', fees: '2.75', winRatePct: 50 });
    expect(answer.candles).toEqual(expected.candles);
    expect(answer.difference.trades).toBe(2 - expected.comparison.backtest.trades);
    // exact decimals: 23.25 − the backtest's P&L as a decimal
    expect(answer.difference.pnl).toBe(new Big('23.25').minus(expected.comparison.backtest.pnl).toString());
    // 2 trades on the account side: the too-few warning, as the backtest report words it
    expect(answer.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^account: only 2 trades/)]));
  });

  it('reads the account’s trades fresh on every compare', async () => {
    const { reads, trades } = await setup();
    const first = (await reads.strategyCompare('acc-a', SUB.id, { from: FROM })) as CompareAnswer;
    await trades.put(
      trade('c3', {
        strategy: 'ema-cross',
        openedAt: FROM + 200 * HOUR,
        closedAt: FROM + 210 * HOUR,
        realizedPnl: '5',
      }),
    );
    const again = (await reads.strategyCompare('acc-a', SUB.id, { from: FROM })) as CompareAnswer;
    expect(again.comparison!.account.trades).toBe(3);
    expect(again.comparison!.backtest).toEqual(first.comparison!.backtest);
  });

  it('keeps a backtest for the same candles and settings, and runs again when a candle closes', async () => {
    const { accounts, candles } = await setup();
    const kept = new Map<string, CompareBacktest>();
    const input = subscriptionCompareInput((await accounts.get('acc-a'))!, SUB, {
      from: FROM,
      to: NOW,
      cash: 10_000,
      market: undefined,
      maxCandles: MAX_COMPARE_CANDLES,
    });
    const first = await backtestForCompare(candles, input, kept);
    const reads = candles.reads;
    expect(await backtestForCompare(candles, { ...input }, kept)).toBe(first);
    // the candles are read again (they say whether one closed), the backtest is not run again
    expect(candles.reads).toBe(reads + 1);
    const later = await backtestForCompare(candles, { ...input, to: NOW + HOUR }, kept);
    expect(later).not.toBe(first);
    expect(later.candles.to).toBe(first.candles.to + HOUR);
    expect(kept.size).toBe(2);
  });

  it('defaults to the last 30 days up to now', async () => {
    const { reads } = await setup();
    const answer = (await reads.strategyCompare('acc-a', SUB.id, {})) as CompareAnswer;
    expect(answer.to).toBe(NOW);
    expect(answer.from).toBe(NOW - 30 * 24 * HOUR);
    expect(answer.candles.from).toBeGreaterThanOrEqual(answer.from);
  });

  it('refuses a range over the candle bound, naming from and the bound', async () => {
    const { reads } = await setup();
    const error = await reads
      .strategyCompare('acc-a', SUB.id, { from: NOW - MAX_COMPARE_CANDLES * HOUR })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect(error).toMatchObject({ field: 'from' });
    expect((error as Error).message).toMatch(new RegExp(`^from: .*at most ${MAX_COMPARE_CANDLES}`));
  });

  it('is 404 for an unknown account or subscription', async () => {
    const { reads } = await setup();
    await expect(reads.strategyCompare('nope', SUB.id, {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(reads.strategyCompare('acc-a', 'rsi-ema.BTCUSDT.1h', {})).rejects.toBeInstanceOf(NotFoundError);
  });

  it('without a candle source answers no comparison and says why', async () => {
    const { reads } = await setup({ candles: false });
    const answer = (await reads.strategyCompare('acc-a', SUB.id, {})) as CompareAnswer;
    expect(answer.comparison).toBeNull();
    expect(answer.warnings).toEqual(['no candle source for this account']);
  });
});

describe('ConsoleReads.accountsOverview: the webhook URL', () => {
  it('is the stage webhook plus the account id when the API knows the webhook', async () => {
    const { reads } = await setup({ webhookUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/live/webhook' });
    const { items } = (await reads.accountsOverview()) as { items: { accountId: string; webhookUrl?: string }[] };
    expect(items[0]).toMatchObject({
      accountId: 'acc-a',
      webhookUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/live/webhook/acc-a',
    });
    // the base form only: nothing secret in it
    expect(JSON.stringify(items)).not.toContain('webhookTokenHash');
  });

  it('is absent when it does not', async () => {
    const { reads } = await setup();
    const { items } = (await reads.accountsOverview()) as { items: Record<string, unknown>[] };
    expect(items[0]).not.toHaveProperty('webhookUrl');
  });
});
