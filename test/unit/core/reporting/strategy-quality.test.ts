// The strategy quality's runs: the backtest of the window is the compare's (same candles, same
// trades), the walk-forward's three windows sit inside the window (not over the warm-up) and its
// figures are the backtests of those ranges with the parameters chosen, the neighbours it chooses
// from stay inside each parameter's range, and an account that traded as the backtest did shows no
// divergence while one that filled worse shows exactly that slippage.
import { backtestRange } from '../../../../shared/core/backtest/range-backtest';
import type { BacktestTrade, Candles } from '../../../../shared/core/backtest/types';
import { DEFAULT_ACCOUNT_SETTINGS, DEFAULT_PAPER_SETTINGS, type Account } from '../../../../shared/core/domain/account';
import type { StrategySubscription } from '../../../../shared/core/domain/strategy-subscription';
import type { TradeRecord } from '../../../../shared/core/domain/trade';
import type { CandleSource } from '../../../../shared/core/ports/candles';
import {
  backtestForCompare,
  subscriptionCompareInput,
  type StrategyCompareInput,
} from '../../../../shared/core/reporting/strategy-compare';
import {
  backtestForQuality,
  neighbourParamSets,
  qualityWithTrades,
  type QualityBacktest,
} from '../../../../shared/core/reporting/strategy-quality';
import { getStrategy } from '../../../../shared/core/strategies/registry';

const HOUR = 3_600_000;
const NOW = Date.parse('2024-03-01T00:00:00Z');

/** Hourly candles on a slow wave with a faster ripple: the EMAs cross every few days. */
class WaveCandles implements CandleSource {
  reads = 0;
  spanMs(): number {
    return HOUR;
  }
  async closedCandles(_symbol: string, _timeframe: string, limit: number, now: number): Promise<Candles> {
    this.reads++;
    const last = Math.floor(now / HOUR) * HOUR - HOUR;
    const times = Array.from({ length: limit }, (_, i) => last - (limit - 1 - i) * HOUR);
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

const ACCOUNT: Account = {
  accountId: 'acc-a',
  name: 'paper',
  exchange: 'paper',
  testnet: false,
  status: 'active',
  webhookTokenHash: 'x'.repeat(64),
  settings: { ...DEFAULT_ACCOUNT_SETTINGS, paper: { ...DEFAULT_PAPER_SETTINGS, initialBalance: '10000' } },
  createdAt: 0,
  updatedAt: 0,
};

const SUB: StrategySubscription = {
  id: 'ema-cross.BTCUSDT.1h',
  strategy: 'ema-cross',
  symbol: 'BTC/USDT:USDT',
  timeframe: '1h',
  params: { fast: 5, slow: 20 },
  enabled: true,
  updatedAt: 0,
};

const inputFor = (hours: number): StrategyCompareInput =>
  subscriptionCompareInput(ACCOUNT, SUB, {
    from: NOW - hours * HOUR,
    to: NOW,
    cash: 10_000,
    market: undefined,
    maxCandles: 5_000,
  });

/** The account's record of a backtest trade, its fills moved `bps` against it on entry and exit. */
function asAccountTrade(t: BacktestTrade, i: number, bps = 0): TradeRecord {
  const worse = (price: number, buy: boolean) => price * (1 + ((buy ? 1 : -1) * bps) / 10_000);
  const long = t.side === 'long';
  return {
    accountId: 'acc-a',
    tradeId: `t${i}`,
    symbol: SUB.symbol,
    side: t.side,
    status: 'closed',
    strategy: 'ema-cross',
    leverage: 1,
    quantity: '0',
    maxQuantity: String(t.quantity),
    entryPrice: String(worse(t.entryPrice, long)),
    exitPrice: String(worse(t.exitPrice, !long)),
    exitedQuantity: String(t.quantity),
    openedAt: t.entryTime,
    closedAt: t.exitTime,
    fees: String(t.fees),
    funding: '0',
    realizedPnl: t.pnl.toFixed(8),
    openSignalId: `sig-${i}`,
    updatedAt: t.exitTime,
  };
}

describe('neighbourParamSets', () => {
  it('moves one numeric parameter a step at a time, inside its range, where the strategy accepts it', () => {
    const definition = getStrategy('ema-cross');
    const own = { fast: 5, slow: 20, slPct: 0, tpPct: 0 };
    // fast 4 is below its minimum 5, slPct −1 and tpPct −2 below 0: left out
    expect(neighbourParamSets(definition, own)).toEqual([
      own,
      { ...own, fast: 6 },
      { ...own, slow: 18 },
      { ...own, slow: 22 },
      { ...own, slPct: 1 },
      { ...own, tpPct: 2 },
    ]);
    // fast 10 + 1 = slow 11 is refused by the strategy (fast must stay below slow)
    const tight = { fast: 10, slow: 11, slPct: 0, tpPct: 0 };
    expect(neighbourParamSets(definition, tight)).not.toContainEqual({ ...tight, fast: 11 });
    expect(neighbourParamSets(definition, tight)).toContainEqual({ ...tight, fast: 9 });
  });
});

describe('backtestForQuality', () => {
  it('backtests the compare’s window and walks forward over it in three windows', async () => {
    const source = new WaveCandles();
    const input = inputFor(1_200);
    const run = await backtestForQuality(source, input);
    const compare = await backtestForCompare(source, input);
    // the same backtest as the compare: the same candles and trades
    expect(run.candles).toEqual(compare.candles);
    expect(run.trades).toEqual(compare.trades);
    expect(run.metrics.trades).toBeGreaterThan(10);

    // 1,200 candles: in-sample 600, out-of-sample 200, three windows from the window's first candle
    const wf = run.walkForward!;
    expect(wf).toMatchObject({ windows: 3, paramSets: 6 });
    const candles = await source.closedCandles(SUB.symbol, '1h', 1_200 + 20 * 5, NOW);
    const start = candles.time.findIndex((t) => t >= input.from);
    const config = { ...run.config };
    const at = (k: number) => ({
      inSample: { start: start + 200 * k, end: start + 600 + 200 * k },
      outOfSample: { start: start + 600 + 200 * k, end: start + 800 + 200 * k },
    });
    const definition = input.definition;
    const inSample = [0, 1, 2].map(
      (k) => backtestRange(candles, definition, wf.chosen[k]!, config, at(k).inSample).metrics.annualReturnPct,
    );
    // each out-of-sample segment starts from the equity the one before left; annualReturnPct is a ratio per candle
    let cash = config.cash;
    const outOfSample = [0, 1, 2].map((k) => {
      const r = backtestRange(candles, definition, wf.chosen[k]!, { ...config, cash }, at(k).outOfSample);
      cash = r.equity[r.equity.length - 1]!;
      return r.metrics.annualReturnPct;
    });
    expect(wf.inSampleReturnPct).toBeCloseTo((inSample[0]! + inSample[1]! + inSample[2]!) / 3, 9);
    expect(wf.outOfSampleReturnPct).toBeCloseTo((outOfSample[0]! + outOfSample[1]! + outOfSample[2]!) / 3, 9);
  });

  it('has no walk-forward when an out-of-sample segment would hold fewer than 20 candles', async () => {
    // 119 candles: a sixth is 19
    expect((await backtestForQuality(new WaveCandles(), inputFor(119))).walkForward).toBeUndefined();
    expect((await backtestForQuality(new WaveCandles(), inputFor(120))).walkForward?.windows).toBe(3);
  });

  it('leaves out a last window the end of the data cuts below 20 out-of-sample candles', async () => {
    // 1,201 candles: in-sample 600, out-of-sample 200; a fourth window would start at 600 and keep 1 candle
    expect((await backtestForQuality(new WaveCandles(), inputFor(1_201))).walkForward?.windows).toBe(3);
  });

  it('keeps a run for the same candles and settings', async () => {
    const source = new WaveCandles();
    const memo = new Map<string, QualityBacktest>();
    const first = await backtestForQuality(source, inputFor(600), memo);
    expect(await backtestForQuality(source, inputFor(600), memo)).toBe(first);
    expect(memo.size).toBe(1);
  });
});

describe('qualityWithTrades', () => {
  it('finds no divergence when the account traded as the backtest did', async () => {
    const input = inputFor(1_200);
    const run = await backtestForQuality(new WaveCandles(), input);
    const closed = run.trades.filter((t) => t.exitReason !== 'end_of_data');
    const q = qualityWithTrades(
      run,
      closed.map((t, i) => asAccountTrade(t, i)),
      input,
      HOUR,
    ).quality;
    const live = q.components.filter((c) => c.name.startsWith('live'));
    expect(live.map((c) => c.name)).toEqual(['liveReturn', 'liveTrades', 'liveWinRate', 'liveSlippage']);
    // the account's P&L is the backtest's to 1e-8 (a decimal string): the return gap is noise only
    for (const c of live) expect(c.score).toBeCloseTo(100, 6);
    expect(q.warnings.filter((w) => /live|the account/.test(w))).toEqual([]);
  });

  it('shows the slippage of an account that filled 8 bps worse on each side: 16 bps a round trip', async () => {
    const input = inputFor(1_200);
    const run = await backtestForQuality(new WaveCandles(), input);
    const closed = run.trades.filter((t) => t.exitReason !== 'end_of_data');
    const q = qualityWithTrades(
      run,
      closed.map((t, i) => asAccountTrade(t, i, 8)),
      input,
      HOUR,
    ).quality;
    const slippage = q.components.find((c) => c.name === 'liveSlippage')!;
    // entry 8 bps + exit: a price moved 8 bps against the exit is 8 bps of the backtest's exit price
    expect(slippage.raw).toBeCloseTo(16, 6);
    // 1 − 16 / 20 = 0.2 → 20
    expect(slippage.score).toBeCloseTo(20, 4);
    expect(q.warnings).toContain(
      "the account filled 16 bps worse than the backtest per round trip (want ≤ 10): the backtest's costs are too low",
    );
  });

  it('without account trades scores the backtest alone and says so', async () => {
    const input = inputFor(1_200);
    const run = await backtestForQuality(new WaveCandles(), input);
    const q = qualityWithTrades(run, [], input, HOUR).quality;
    expect(q.score).not.toBeNull();
    expect(q.basedOn).toMatch(/not enough data: live return vs backtest/);
  });
});
