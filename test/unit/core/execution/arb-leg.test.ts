// A funding-arbitrage leg through the unchanged executor path (paper exchange, in-memory tables, the
// real order sender, book keeper, protection manager and risk engine): the trade it opens keeps the
// leg's arb tag, its catastrophe stop rests, and the coordinator's reduce-only unwind closes it.
import { MemoryLedgerStore } from '../../../../shared/adapters/paper/memory-ledger-store';
import { paperMarkets } from '../../../../shared/adapters/paper/markets';
import { PaperExchange } from '../../../../shared/adapters/paper/paper-exchange';
import { FixedPriceSource } from '../../../../shared/adapters/prices/fixed-price-source';
import { DEFAULT_PAPER_SETTINGS } from '../../../../shared/core/domain/account';
import { BookKeeper } from '../../../../shared/core/execution/book-keeper';
import { EntryRisk } from '../../../../shared/core/execution/entry-risk';
import { ExecuteSignal } from '../../../../shared/core/execution/execute-signal';
import { OrderSender } from '../../../../shared/core/execution/order-sender';
import type { MarketStatsSource } from '../../../../shared/core/execution/ports';
import { ProtectionManager } from '../../../../shared/core/execution/protection';
import { RiskEngine } from '../../../../shared/core/risk/engine';
import { CorrelationCache } from '../../../../shared/core/risk/stats';
import { clientOrderIdFor } from '../../../../shared/core/signal/ids';
import type { Intent, Signal } from '../../../../shared/core/signal/types';
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

const BTC = 'BTC/USDT:USDT';
const ACCOUNT = 'acc-1';
const noStats: MarketStatsSource = { get: async () => undefined, peek: () => undefined };

async function setup() {
  const clock = new ManualClock();
  const prices = new FixedPriceSource({ [BTC]: 50_000 }, clock);
  const exchange = new PaperExchange({
    accountId: ACCOUNT,
    store: new MemoryLedgerStore(),
    prices,
    markets: paperMarkets,
    settings: DEFAULT_PAPER_SETTINGS,
    clock,
  });
  const orders = new MemoryOrders();
  const positions = new MemoryPositions();
  const trades = new MemoryTrades();
  const audit = new MemoryAudit();
  const accounts = new MemoryAccounts();
  await accounts.create(accountRecord({ accountId: ACCOUNT }));
  const sender = new OrderSender({ orders, audit, clock, lookupBackoffMs: [0] });
  const book = new BookKeeper({ positions, trades, orders, audit, clock });
  const executor = new ExecuteSignal({
    accounts,
    ledger: new MemorySignalLedger(),
    audit,
    vault: {
      encrypt: () => Promise.reject(new Error('a paper account has no keys')),
      decrypt: () => Promise.reject(new Error('a paper account has no keys')),
    },
    exchanges: { forAccount: async () => exchange },
    sender,
    book,
    protection: new ProtectionManager({ sender, book, orders, audit, clock }),
    risk: new EntryRisk({
      positions,
      trades,
      risk: new MemoryRiskStore(),
      stats: noStats,
      correlations: new CorrelationCache(),
      engine: new RiskEngine(),
      audit,
      clock,
    }),
    clock,
    leaseMs: 1_000,
    orders,
  });
  const signal = (signalId: string, intent: Intent, extra: Partial<Signal> = {}): Signal => ({
    v: 1,
    signalId,
    accountId: ACCOUNT,
    intent,
    symbol: { unified: BTC, base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
    receivedAt: clock.now(),
    source: 'arb',
    ...extra,
  });
  return { executor, signal, orders, positions, trades };
}

test("an arb leg's trade keeps the plan, round and leg; its stop rests; the reduce-only unwind closes it", async () => {
  const t = await setup();
  const arb = { planId: 'p1', round: 3, leg: 'perp' as const };
  const entry = await t.executor.execute(
    t.signal('arb:p1:3:perp', 'enter_short', {
      size: { kind: 'contracts', value: 0.02 },
      sl: { kind: 'percent', value: 8 },
      arb,
    }),
  );
  expect(entry.status).toBe('executed');
  const [opened] = await t.trades.listByAccount(ACCOUNT);
  expect(opened).toMatchObject({ side: 'short', quantity: '0.02', status: 'open', arb });
  const order = await t.orders.get(ACCOUNT, clientOrderIdFor('arb:p1:3:perp', 'open'));
  expect(order).toMatchObject({ status: 'filled', filled: '0.02', arb });
  const position = await t.positions.get(ACCOUNT, BTC);
  // 8 % above the short's entry: 50,000 less the paper's 2 bps slippage = 49,990 × 1.08
  expect(position?.stopLoss?.triggerPrice).toBe('53989.2');

  const unwind = await t.executor.execute(
    t.signal('arb:p1:3:perp:r1', 'reduce_short', { size: { kind: 'contracts', value: 0.02 }, arb }),
  );
  expect(unwind.status).toBe('executed');
  const [closed] = await t.trades.listByAccount(ACCOUNT);
  expect(closed).toMatchObject({ status: 'closed', arb });
  expect((await t.positions.get(ACCOUNT, BTC))?.quantity).toBe('0');
});
