// The console's strategy quality (GET /strategies/{id}/quality): reporting's strategy quality over
// the compare's range and candles with the account's trades (not a second computation), the
// account's trades read fresh on each request, and a live account's backtest starting from its
// last balance reading.
import type { Candles } from '../../../../shared/core/backtest/types';
import type { StrategySubscription } from '../../../../shared/core/domain/strategy-subscription';
import { ConsoleReads, MAX_COMPARE_CANDLES } from '../../../../shared/core/performance/console-reads';
import type { CandleSource } from '../../../../shared/core/ports/candles';
import { subscriptionCompareInput } from '../../../../shared/core/reporting/strategy-compare';
import { backtestForQuality, qualityWithTrades } from '../../../../shared/core/reporting/strategy-quality';
import { account, NOW, trade, world } from './fixtures';

const HOUR = 3_600_000;
const FROM = NOW - 20 * 24 * HOUR;

const wave: CandleSource = {
  spanMs: () => HOUR,
  async closedCandles(_symbol, _timeframe, limit, now): Promise<Candles> {
    const last = Math.floor(now / HOUR) * HOUR - HOUR;
    const time = Array.from({ length: limit }, (_, i) => last - (limit - 1 - i) * HOUR);
    const close = time.map((t) => 40_000 + 1_500 * Math.sin(t / (40 * HOUR)) + 200 * Math.sin(t / (7 * HOUR)));
    const f = (xs: number[]) => Float64Array.from(xs);
    return {
      time: f(time),
      open: f(close.map((c, i) => (i > 0 ? close[i - 1]! : c))),
      high: f(close.map((c) => c + 50)),
      low: f(close.map((c) => c - 50)),
      close: f(close),
      volume: f(close.map(() => 10)),
    };
  },
};

const SUB: StrategySubscription = {
  id: 'ema-cross.BTCUSDT.1h',
  strategy: 'ema-cross',
  symbol: 'BTC/USDT:USDT',
  timeframe: '1h',
  params: { fast: 5, slow: 20 },
  enabled: true,
  updatedAt: NOW - 30 * 24 * HOUR,
};

async function setup(patch: Parameters<typeof account>[1] = {}) {
  const w = await world();
  const base = account('acc-a', patch);
  w.accounts.rows.set('acc-a', { ...base, settings: { ...base.settings, strategies: [SUB] } });
  const reads = new ConsoleReads({ ...w, candles: () => wave });
  return { ...w, reads };
}

const emaTrade = (id: string, hoursIn: number) =>
  trade(id, {
    strategy: 'ema-cross',
    openedAt: FROM + hoursIn * HOUR,
    closedAt: FROM + (hoursIn + 5) * HOUR,
    realizedPnl: '10',
  });

interface QualityAnswer {
  quality: ReturnType<typeof qualityWithTrades>['quality'];
  live: { account: { trades: number } };
  config: { cash: number };
  warnings: string[];
}

describe('ConsoleReads.strategyQuality', () => {
  it('answers the score reporting computes for the same candles and trades', async () => {
    const { reads, accounts, trades } = await setup();
    for (let i = 0; i < 5; i++) await trades.put(emaTrade(`q${i}`, 20 + i * 30));
    const answer = (await reads.strategyQuality('acc-a', SUB.id, { from: FROM })) as QualityAnswer;
    const input = subscriptionCompareInput((await accounts.get('acc-a'))!, SUB, {
      from: FROM,
      to: NOW,
      cash: 10_000,
      market: undefined,
      maxCandles: MAX_COMPARE_CANDLES,
    });
    const expected = qualityWithTrades(
      await backtestForQuality(wave, input),
      await trades.listByAccount('acc-a'),
      input,
      HOUR,
    );
    expect(answer.quality).toEqual(expected.quality);
    // five ema-cross trades in the window: the live parts are scored
    expect(answer.live.account.trades).toBe(5);
    expect(answer.quality.components.find((c) => c.name === 'liveTrades')!.score).not.toBeNull();
  });

  it('reads the account’s trades fresh on every request', async () => {
    const { reads, trades } = await setup();
    const first = (await reads.strategyQuality('acc-a', SUB.id, { from: FROM })) as QualityAnswer;
    expect(first.live.account.trades).toBe(0);
    await trades.put(emaTrade('late', 100));
    const again = (await reads.strategyQuality('acc-a', SUB.id, { from: FROM })) as QualityAnswer;
    expect(again.live.account.trades).toBe(1);
  });

  it('starts a live account’s backtest from its last balance reading', async () => {
    const { reads } = await setup({
      exchange: 'binanceusdm',
      settings: { ...account('x').settings, paper: undefined },
    });
    const answer = (await reads.strategyQuality('acc-a', SUB.id, { from: FROM })) as QualityAnswer;
    // the fixture's snapshot: equity 10,570.25
    expect(answer.config.cash).toBe(10_570.25);
    expect(answer.warnings).toEqual([]);
  });
});
