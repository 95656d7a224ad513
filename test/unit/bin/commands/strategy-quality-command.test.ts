// `strategy quality`: which account and subscription the arguments name (a subscription id alone,
// or strategy, symbol and timeframe; one account or a clear refusal), the window's bounds, and the
// report: the score of reporting's strategy quality over the same candles and trades, printed as a
// table of its parts and its warnings.
import { CliError, type CliTarget } from '../../../../bin/cli-target';
import {
  qualityAction,
  qualityLines,
  type CandleSourceFor,
  type QualityOptions,
} from '../../../../bin/commands/strategy-quality-command';
import type { Candles } from '../../../../shared/core/backtest/types';
import { DEFAULT_ACCOUNT_SETTINGS, DEFAULT_PAPER_SETTINGS, type Account } from '../../../../shared/core/domain/account';
import type { StrategySubscription } from '../../../../shared/core/domain/strategy-subscription';
import type { CandleSource } from '../../../../shared/core/ports/candles';
import { subscriptionCompareInput } from '../../../../shared/core/reporting/strategy-compare';
import { backtestForQuality, qualityWithTrades } from '../../../../shared/core/reporting/strategy-quality';
import { MemoryAccounts, MemoryTrades } from '../../core/memory-repos';

const HOUR = 3_600_000;
const NOW = Date.parse('2024-03-01T00:00:00Z');

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
const sourceFor: CandleSourceFor = async () => ({ source: wave, name: 'wave' });

const SUB: StrategySubscription = {
  id: 'ema-cross.BTCUSDT.1h',
  strategy: 'ema-cross',
  symbol: 'BTC/USDT:USDT',
  timeframe: '1h',
  params: { fast: 5, slow: 20 },
  enabled: true,
  updatedAt: 0,
};

const paper = (accountId: string, strategies: StrategySubscription[] = []): Account => ({
  accountId,
  name: accountId,
  exchange: 'paper',
  testnet: false,
  status: 'active',
  webhookTokenHash: 'x'.repeat(64),
  settings: {
    ...DEFAULT_ACCOUNT_SETTINGS,
    paper: { ...DEFAULT_PAPER_SETTINGS, initialBalance: '10000' },
    strategies,
  },
  createdAt: 0,
  updatedAt: 0,
});

function targetOf(accounts: Account[]): { target: CliTarget; trades: MemoryTrades } {
  const trades = new MemoryTrades();
  return { target: { repos: { accounts: new MemoryAccounts(accounts), trades } } as unknown as CliTarget, trades };
}

const options = (o: Partial<QualityOptions> = {}): QualityOptions => ({
  param: [],
  exchange: 'binanceusdm',
  cash: '10000',
  ...o,
});

const run = (target: CliTarget, id: string | undefined, o: Partial<QualityOptions> = {}) =>
  qualityAction(target, id, options(o), NOW, sourceFor);

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (e: unknown) => (e instanceof CliError ? e.message : `not a CliError: ${String(e)}`),
  );

describe('strategy quality', () => {
  it('scores a subscription found by its id alone, over the last 30 days, as reporting computes it', async () => {
    const account = paper('acc-b', [SUB]);
    const { target } = targetOf([paper('acc-a'), account]);
    const report = await run(target, SUB.id);
    expect(report).toMatchObject({
      accountId: 'acc-b',
      subscriptionId: SUB.id,
      strategy: 'ema-cross',
      from: new Date(NOW - 30 * 24 * HOUR).toISOString(),
      to: new Date(NOW).toISOString(),
      candles: { source: 'wave', count: 720 },
    });

    const input = subscriptionCompareInput(account, SUB, {
      from: NOW - 30 * 24 * HOUR,
      to: NOW,
      cash: 10_000,
      market: undefined,
      maxCandles: 100_000,
    });
    const expected = qualityWithTrades(await backtestForQuality(wave, input), [], input, HOUR);
    expect(report.quality).toEqual(expected.quality);
    expect(report.walkForward?.windows).toBe(3);

    const lines = qualityLines(report);
    expect(lines[0]).toBe(
      'ema-cross on BTC/USDT:USDT 1h for acc-b (ema-cross.BTCUSDT.1h), 2024-01-31T00:00:00.000Z to 2024-03-01T00:00:00.000Z: 720 candles (wave)',
    );
    expect(lines[1]).toBe(`quality: ${expected.quality.score!.toFixed(1)} / 100, ${expected.quality.basedOn}`);
    // one row per part: its score, weight and figure, or why it has none
    const tradesRow = lines.find((l) => l.startsWith('trade count'))!;
    expect(tradesRow).toMatch(new RegExp(`\\s${report.metrics.trades} trades\\s`));
    expect(tradesRow).toMatch(/\s20\s/);
    expect(lines.find((l) => l.startsWith('live return vs backtest'))).toMatch(
      /—\s+10\s+—\s+not enough data: no closed trade of the account in the window yet$/,
    );
    for (const w of report.quality.warnings) expect(lines).toContain(`warning: ${w}`);
  });

  it('finds the subscription by strategy, symbol and timeframe, with --from and --to', async () => {
    const { target } = targetOf([paper('acc-a', [SUB])]);
    const report = await run(target, undefined, {
      strategy: 'ema-cross',
      symbol: 'BTCUSDT.P',
      timeframe: '1h',
      from: '2024-02-20',
      to: '2024-02-29',
    });
    expect(report).toMatchObject({ accountId: 'acc-a', subscriptionId: SUB.id, candles: { count: 216 } });
  });

  it('scores the account’s own trades of the strategy beside the backtest', async () => {
    const { target, trades } = targetOf([paper('acc-a', [SUB])]);
    const first = await run(target, SUB.id);
    // five closed trades of the strategy on the symbol: the live parts have data now
    for (let i = 0; i < 5; i++)
      await trades.put({
        accountId: 'acc-a',
        tradeId: `t${i}`,
        symbol: SUB.symbol,
        side: 'long',
        status: 'closed',
        strategy: 'ema-cross',
        leverage: 1,
        quantity: '0',
        maxQuantity: '0.1',
        entryPrice: '40000',
        exitPrice: '40100',
        exitedQuantity: '0.1',
        openedAt: NOW - (100 - i * 10) * HOUR,
        closedAt: NOW - (95 - i * 10) * HOUR,
        fees: '0',
        funding: '0',
        realizedPnl: '10',
        openSignalId: `sig-${i}`,
        updatedAt: NOW,
      });
    const report = await run(target, SUB.id);
    expect(report.live.account).toMatchObject({ trades: 5, pnl: '50', winRatePct: 100 });
    expect(report.quality.components.find((c) => c.name === 'liveWinRate')!.score).not.toBeNull();
    expect(first.quality.components.find((c) => c.name === 'liveWinRate')!.score).toBeNull();
  });

  it('refuses what names no single subscription, saying what to add', async () => {
    const { target } = targetOf([paper('acc-a', [SUB]), paper('acc-b', [SUB])]);
    expect(await refusal(run(target, SUB.id))).toBe(
      '2 accounts have subscription ema-cross.BTCUSDT.1h: choose one with --account (acc-a, acc-b)',
    );
    expect((await run(target, SUB.id, { account: 'acc-b' })).accountId).toBe('acc-b');
    expect(await refusal(run(target, 'rsi-ema.BTCUSDT.1h'))).toBe('no account has subscription rsi-ema.BTCUSDT.1h');
    expect(await refusal(run(target, 'rsi-ema.BTCUSDT.1h', { account: 'acc-a' }))).toBe(
      'account acc-a has no strategy subscription rsi-ema.BTCUSDT.1h',
    );
    expect(await refusal(run(target, SUB.id, { account: 'nope' }))).toBe('account: no account nope');
    expect(await refusal(run(target, undefined, { strategy: 'ema-cross', symbol: 'BTCUSDT' }))).toBe(
      'name a subscription id, or --strategy, --symbol and --timeframe (missing --timeframe)',
    );
    expect(await refusal(run(target, SUB.id, { strategy: 'ema-cross' }))).toBe(
      'give a subscription id or --strategy, --symbol and --timeframe, not both',
    );
    expect(await refusal(run(target, undefined, { strategy: 'ema-cross', symbol: 'ETHUSDT', timeframe: '1h' }))).toBe(
      'no account has ema-cross on ETH/USDT:USDT 1h: name one with --account',
    );
  });

  it('scores a strategy an account does not run, on its defaults, when the account is named', async () => {
    const { target } = targetOf([paper('acc-a')]);
    const report = await run(target, undefined, {
      account: 'acc-a',
      strategy: 'ema-cross',
      symbol: 'ETHUSDT',
      timeframe: '1h',
    });
    expect(report).toMatchObject({ subscriptionId: null, symbol: 'ETH/USDT:USDT', params: { fast: 12, slow: 26 } });
  });

  it('refuses a window that is not one, naming the option', async () => {
    const { target } = targetOf([paper('acc-a', [SUB])]);
    expect(await refusal(run(target, SUB.id, { from: 'soon' }))).toBe(
      '--from "soon": not a date (use 2024-01-31, 2024-01-31T12:00Z or epoch ms)',
    );
    expect(await refusal(run(target, SUB.id, { from: '2024-02-10', to: '2024-02-01' }))).toBe(
      '--from 2024-02-10T00:00:00.000Z must be before --to 2024-02-01T00:00:00.000Z',
    );
    expect(await refusal(run(target, SUB.id, { from: '2000-01-01' }))).toMatch(
      /^--from 2000-01-01T00:00:00.000Z: \d+ 1h candles .* at most 100000: choose a later start$/,
    );
  });
});
