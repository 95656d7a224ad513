// One sizing rule (issue 16): the backtest and the live executor take the same positions on the
// same candles, reversal after reversal. The executor side is the real ExecuteSignal path (order
// sender, book keeper, protection, the risk engine's EntryRisk) against the paper exchange with
// its own fills (adverse slippage on the tick, taker fee), over in-memory tables: each backtest
// fill is replayed there as the alert that caused it, at the fill candle's open. Each entry is sized
// on the equity after the close leg of the same signal at the fill price, whole lots down; a sizing
// on the signal candle's equity (the backtest's old rule) is shown to differ where a reverse's close
// leg lost.
import { MemoryLedgerStore } from '../../../../shared/adapters/paper/memory-ledger-store';
import { PaperExchange } from '../../../../shared/adapters/paper/paper-exchange';
import { FixedPriceSource } from '../../../../shared/adapters/prices/fixed-price-source';
import { runBacktest } from '../../../../shared/core/backtest/engine';
import type { BacktestConfig, BacktestResult, SizingMode } from '../../../../shared/core/backtest/types';
import type { PaperSettings } from '../../../../shared/core/domain/account';
import { BookKeeper } from '../../../../shared/core/execution/book-keeper';
import { EntryRisk } from '../../../../shared/core/execution/entry-risk';
import { ExecuteSignal } from '../../../../shared/core/execution/execute-signal';
import { OrderSender } from '../../../../shared/core/execution/order-sender';
import type { MarketStatsSource } from '../../../../shared/core/execution/ports';
import { ProtectionManager } from '../../../../shared/core/execution/protection';
import { sizeAtFill } from '../../../../shared/core/execution/sizing';
import type { MarketInfo } from '../../../../shared/core/ports/exchange';
import type { MarketCatalog } from '../../../../shared/core/ports/paper';
import type { RiskOverrides } from '../../../../shared/core/risk/config';
import { RiskEngine } from '../../../../shared/core/risk/engine';
import { CorrelationCache } from '../../../../shared/core/risk/stats';
import type { Signal } from '../../../../shared/core/signal/types';
import type { StrategySignal } from '../../../../shared/core/strategies/types';
import { ManualClock, MemorySignalLedger } from '../fakes';
import {
  MemoryAccounts,
  MemoryAudit,
  MemoryOrders,
  MemoryPositions,
  MemoryRiskStore,
  MemoryTrades,
} from '../memory-repos';
import { accountRecord } from '../risk/fixtures';
import { candles, random, scripted, type Row } from './helpers';

const BTC = 'BTC/USDT:USDT';
const ACCOUNT = 'acc-1';
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 2, 1);

/**
 * Binance's BTCUSDT lot and minimums, with a price tick fine enough that the paper exchange's
 * slipped price (2-decimal candles × (1 ± 2 bps)) is never rounded: the backtest has no tick.
 */
const MARKET: MarketInfo = {
  symbol: BTC,
  base: 'BTC',
  quote: 'USDT',
  settle: 'USDT',
  contractSize: '1',
  amountStep: '0.001',
  priceStep: '0.000001',
  minAmount: '0.001',
  minNotional: '100',
  maxLeverage: 125,
};
const catalog: MarketCatalog = { get: (s) => (s === BTC ? MARKET : undefined), list: () => [MARKET] };
const PAPER: PaperSettings = { quoteCurrency: 'USDT', initialBalance: '10000', takerFeeRate: 0.0005, slippageBps: 2 };

/** The account's limits and kill switches out of the way: the backtest models sizing, not an account's risk policy. */
const OPEN_LIMITS: RiskOverrides = {
  limits: { maxPositionPct: 10_000, maxExposurePct: 10_000 },
  switches: { dailyLossPct: 100, maxDrawdownPct: 100, lossStreak: 0, circuitBreaker: [] },
};

/**
 * Hourly candles around 50,000 with 2-decimal prices, each open gapping up to ±1.5 % from the
 * previous close (so the equity at a signal's close and at its fill differ), high/low within
 * 0.4 % of the body (a 5 % stop is never reached).
 */
function gappyCandles(n: number, seed: number): Row[] {
  const rnd = random(seed);
  const rows: Row[] = [];
  let close = 50_000;
  for (let i = 0; i < n; i++) {
    const open = Math.round(close * (1 + (rnd() - 0.5) * 0.03) * 100) / 100;
    close = Math.round(open * (1 + (rnd() - 0.5) * 0.03) * 100) / 100;
    const high = Math.round(Math.max(open, close) * (1 + rnd() * 0.004) * 100) / 100;
    const low = Math.round(Math.min(open, close) * (1 - rnd() * 0.004) * 100) / 100;
    rows.push([open, high, low, close]);
  }
  return rows;
}

/** long, short, long, … every third candle: each signal after the first reverses. */
function reversals(count: number, sl?: StrategySignal['sl']): Record<number, StrategySignal> {
  const script: Record<number, StrategySignal> = {};
  for (let k = 0; k < count; k++)
    script[k * 3] = { action: k % 2 === 0 ? 'long' : 'short', ...(sl !== undefined ? { sl } : {}) };
  return script;
}

function backtestConfig(size: SizingMode, leverage: number): BacktestConfig {
  return {
    cash: 10_000,
    takerFee: PAPER.takerFeeRate,
    makerFee: 0.0002,
    slippageBps: PAPER.slippageBps,
    fillOn: 'next_open',
    size,
    leverage,
    lotStep: 0.001,
    minNotional: 100,
    maintenanceMarginRate: 0,
    longOnly: false,
  };
}

const noStats: MarketStatsSource = { get: async () => undefined, peek: () => undefined };

/** The executor of a paper account over in-memory tables, composed as shared/runtime/executor.ts does. */
async function liveAccount(risk: RiskOverrides) {
  const clock = new ManualClock(T0);
  const prices = new FixedPriceSource({ [BTC]: 50_000 }, clock);
  const paper = new PaperExchange({
    accountId: ACCOUNT,
    store: new MemoryLedgerStore(),
    prices,
    markets: catalog,
    settings: PAPER,
    clock,
  });
  const orders = new MemoryOrders();
  const positions = new MemoryPositions();
  const trades = new MemoryTrades();
  const audit = new MemoryAudit();
  const accounts = new MemoryAccounts();
  await accounts.create(
    accountRecord({
      accountId: ACCOUNT,
      settings: { ...accountRecord().settings, maxLeverage: 20, paper: PAPER, risk },
    }),
  );
  const sender = new OrderSender({ orders, audit, clock, lookupBackoffMs: [0] });
  const book = new BookKeeper({ positions, trades, orders, audit, clock });
  const protection = new ProtectionManager({ sender, book, orders, audit, clock });
  const entryRisk = new EntryRisk({
    positions,
    trades,
    risk: new MemoryRiskStore(),
    stats: noStats,
    correlations: new CorrelationCache(),
    engine: new RiskEngine(),
    audit,
    clock,
  });
  const executor = new ExecuteSignal({
    accounts,
    ledger: new MemorySignalLedger(),
    audit,
    vault: {
      encrypt: () => Promise.reject(new Error('a paper account has no keys')),
      decrypt: () => Promise.reject(new Error('a paper account has no keys')),
    },
    exchanges: { forAccount: async () => paper },
    sender,
    book,
    protection,
    risk: entryRisk,
    clock,
    leaseMs: 1_000,
    orders,
  });
  return { clock, prices, paper, executor, audit };
}

interface LiveEntry {
  quantity: number;
  entryPrice: number;
  /** the paper account's equity just before the entry leg: after the close leg of the same signal */
  equityBeforeEntry: number;
}

/**
 * Replays the backtest's signals through the executor: the signal of candle i is the alert that
 * arrives at candle i+1's open, where the backtest fills it (the paper price is that open).
 */
async function replayLive(
  rows: readonly Row[],
  script: Record<number, StrategySignal>,
  size: SizingMode,
  leverage: number,
  risk: RiskOverrides,
): Promise<LiveEntry[]> {
  const { clock, prices, paper, executor, audit } = await liveAccount(risk);
  const entries: LiveEntry[] = [];
  for (const [index, strategySignal] of Object.entries(script)) {
    const fill = Number(index) + 1;
    if (fill >= rows.length) continue;
    clock.t = T0 + fill * HOUR;
    prices.set(BTC, rows[fill]![0]);
    const signal: Signal = {
      v: 1,
      signalId: `sig-${index}`,
      accountId: ACCOUNT,
      intent: strategySignal.action === 'long' ? 'enter_long' : 'enter_short',
      symbol: { unified: BTC, base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
      leverage,
      ...(size.kind === 'risk' ? {} : { size }),
      ...(strategySignal.sl !== undefined ? { sl: strategySignal.sl } : {}),
      receivedAt: clock.now(),
      source: 'strategy',
    };
    const outcome = await executor.execute(signal);
    if (outcome.status !== 'executed') throw new Error(`signal ${index}: ${JSON.stringify(outcome)}`);
    const held = await paper.fetchPosition(BTC);
    const accepted = audit.events.filter((e) => e.type === 'risk.accepted' && e.signalId === signal.signalId);
    if (held === undefined || accepted.length !== 1) throw new Error(`signal ${index} left no position`);
    const decided = accepted[0]!.data as { equity: string; fillPrice?: number };
    // The risk engine sized at the price the paper exchange then filled at.
    expect(decided.fillPrice).toBe(Number(held.entryPrice));
    entries.push({
      quantity: Number(held.quantity),
      entryPrice: Number(held.entryPrice),
      equityBeforeEntry: Number(decided.equity),
    });
  }
  return entries;
}

/** Entries the backtest took, in order, with the index of the candle whose signal opened each. */
function backtestEntries(result: BacktestResult) {
  return result.trades.map((t) => ({
    quantity: t.quantity,
    entryPrice: t.entryPrice,
    signalCandle: Math.round((t.entryTime - T0) / HOUR) - 1,
  }));
}

describe('the backtest sizes each entry exactly as the executor does at the fill', () => {
  const rows = gappyCandles(40, 11);
  const series = candles(rows, HOUR, T0);

  it.each<[string, SizingMode, number]>([
    ['100 % of equity at 1× (the taker fee decides the last lot)', { kind: 'percent', value: 100 }, 1],
    ['40 % of equity at 3×', { kind: 'percent', value: 40 }, 3],
  ])('%s: the same quantities at the same prices, reversal after reversal', async (_name, size, leverage) => {
    const script = reversals(12);
    const config = backtestConfig(size, leverage);
    const result = runBacktest(series, scripted(script), {}, config);
    const live = await replayLive(rows, script, size, leverage, OPEN_LIMITS);
    const backtest = backtestEntries(result);

    expect(result.skipped).toEqual({ belowMinimum: 0, invalidStop: 0, noStop: 0 });
    expect(backtest).toHaveLength(12);
    expect(backtest.map((e) => e.quantity)).toEqual(live.map((e) => e.quantity));
    backtest.forEach((entry, k) => {
      // The same fill: the open moved 2 bps against the trader (floats against the paper's decimals).
      expect(Math.abs(entry.entryPrice - live[k]!.entryPrice)).toBeLessThan(entry.entryPrice * 1e-12);
    });
    // The equity each entry was sized on: the backtest's cash after the close leg against the
    // paper account's balance after it (fees and P&L rounded to 1e-8 there).
    result.trades.slice(0, -1).forEach((trade, k) => {
      const cashAfterClose = 10_000 + result.trades.slice(0, k + 1).reduce((sum, t) => sum + t.pnl, 0);
      expect(Math.abs(cashAfterClose - live[k + 1]!.equityBeforeEntry)).toBeLessThan(1e-6);
      expect(trade.exitReason).toBe('reverse');
    });
  });

  it("a reverse's close leg loss changes the next size: sizing on the signal candle's equity would not match live", async () => {
    const size: SizingMode = { kind: 'percent', value: 100 };
    const script = reversals(12);
    const config = backtestConfig(size, 1);
    const result = runBacktest(series, scripted(script), {}, config);
    const live = await replayLive(rows, script, size, 1, OPEN_LIMITS);
    const backtest = backtestEntries(result);

    // The old rule: the equity marked at the signal candle's close, before the close leg's gap,
    // slippage and fee, at the same fill price.
    const oldRule = backtest.map((entry) =>
      Number(
        sizeAtFill({
          size,
          equity: result.equity[entry.signalCandle]!,
          price: entry.entryPrice,
          feeRate: config.takerFee,
          leverage: 1,
          market: MARKET,
        }).amount,
      ),
    );
    const differs = backtest
      .map((entry, k) => ({ k, entry, old: oldRule[k]!, closeLeg: result.trades[k - 1] }))
      .filter(({ k, entry, old, closeLeg }) => k > 0 && old !== entry.quantity && closeLeg!.pnl < 0);

    expect(differs.length).toBeGreaterThan(0);
    for (const { k, entry, old } of differs) {
      expect(entry.quantity).toBe(live[k]!.quantity);
      expect(old).not.toBe(live[k]!.quantity);
    }
  });

  it('risk sizing: 1 % of equity lost at a 5 % stop from the fill, the same amounts live', async () => {
    const size: SizingMode = { kind: 'risk', value: 1 };
    const script = reversals(10, { kind: 'percent', value: 5 });
    const config = backtestConfig(size, 1);
    const result = runBacktest(series, scripted(script), {}, config);
    const live = await replayLive(rows, script, size, 1, {
      ...OPEN_LIMITS,
      sizing: { mode: 'risk', riskPct: 1 },
    });

    expect(result.trades.map((t) => t.exitReason).slice(0, -1)).toEqual(Array(9).fill('reverse'));
    expect(result.trades.map((t) => t.quantity)).toEqual(live.map((e) => e.quantity));
  });
});
