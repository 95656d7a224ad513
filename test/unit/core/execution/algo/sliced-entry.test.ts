// A sliced entry end to end in the executor, on the paper exchange over in-memory tables with the
// real order sender, book keeper, protection manager and risk engine: N children under their own
// client ids, ONE trade with the average entry, the stop re-sized to the whole position after each
// child (new before old), a close that cancels what is still to come, a crash between a child's
// send and its parent's row that resumes without a second order, the risk engine's refusal and a
// paused account mid-way, and the safety net's re-send of an overdue child.
import { MemoryLedgerStore } from '../../../../../shared/adapters/paper/memory-ledger-store';
import { paperMarkets } from '../../../../../shared/adapters/paper/markets';
import { PaperExchange } from '../../../../../shared/adapters/paper/paper-exchange';
import { FixedPriceSource } from '../../../../../shared/adapters/prices/fixed-price-source';
import { DEFAULT_PAPER_SETTINGS } from '../../../../../shared/core/domain/account';
import type { AuditEventOf } from '../../../../../shared/core/domain/audit';
import { AlgoControl } from '../../../../../shared/core/execution/algo/algo-control';
import { childSignal } from '../../../../../shared/core/execution/algo/parent';
import { childSignalId } from '../../../../../shared/core/execution/algo/types';
import { BookKeeper } from '../../../../../shared/core/execution/book-keeper';
import { EntryRisk } from '../../../../../shared/core/execution/entry-risk';
import { ExecuteSignal } from '../../../../../shared/core/execution/execute-signal';
import { OrderSender } from '../../../../../shared/core/execution/order-sender';
import type { MarketStatsSource } from '../../../../../shared/core/execution/ports';
import { ProtectionManager } from '../../../../../shared/core/execution/protection';
import type { ExchangePort, OrderRequest } from '../../../../../shared/core/ports/exchange';
import { RiskEngine } from '../../../../../shared/core/risk/engine';
import { emptyRiskState } from '../../../../../shared/core/risk/state';
import { CorrelationCache } from '../../../../../shared/core/risk/stats';
import { clientOrderIdFor } from '../../../../../shared/core/signal/ids';
import type { Intent, Signal } from '../../../../../shared/core/signal/types';
import { ManualClock, MemorySignalLedger } from '../../fakes';
import {
  MemoryAccounts,
  MemoryAudit,
  MemoryOrders,
  MemoryPositions,
  MemoryRiskStore,
  MemoryTrades,
} from '../../memory-repos';
import { accountRecord } from '../../risk/fixtures';
import { MemoryAlgoParents, RecordingScheduler } from './memory-algo';

const BTC = 'BTC/USDT:USDT';
const ACCOUNT = 'acc-1';
const noStats: MarketStatsSource = { get: async () => undefined, peek: () => undefined };

async function setup() {
  const clock = new ManualClock();
  const prices = new FixedPriceSource({ [BTC]: 50_000 }, clock);
  const paper = new PaperExchange({
    accountId: ACCOUNT,
    store: new MemoryLedgerStore(),
    prices,
    markets: paperMarkets,
    settings: DEFAULT_PAPER_SETTINGS,
    clock,
  });
  // Every order the exchange was asked to create, in order (the paper exchange is not stubbed).
  const created: OrderRequest[] = [];
  // The parents' store's reads and the exchange's position reads, in the order they were asked.
  const trace: string[] = [];
  const exchange = Object.assign(Object.create(paper) as ExchangePort, {
    createOrder: (request: OrderRequest) => {
      created.push(request);
      return paper.createOrder(request);
    },
    fetchPosition: (symbol: string) => {
      trace.push(`exchange fetchPosition ${symbol}`);
      return paper.fetchPosition(symbol);
    },
  });
  const orders = new MemoryOrders();
  const positions = new MemoryPositions();
  const trades = new MemoryTrades();
  const audit = new MemoryAudit();
  const accounts = new MemoryAccounts();
  await accounts.create(accountRecord({ accountId: ACCOUNT }));
  const sender = new OrderSender({ orders, audit, clock, lookupBackoffMs: [0] });
  const book = new BookKeeper({ positions, trades, orders, audit, clock });
  const riskStore = new MemoryRiskStore();
  const parents = new MemoryAlgoParents(trace);
  const scheduler = new RecordingScheduler();
  const algo = new AlgoControl({ parents, scheduler, audit, clock });
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
      risk: riskStore,
      stats: noStats,
      correlations: new CorrelationCache(),
      engine: new RiskEngine(),
      audit,
      clock,
    }),
    clock,
    leaseMs: 1_000,
    orders,
    algo,
  });
  let n = 0;
  const signal = (intent: Intent, extra: Partial<Signal> = {}): Signal => ({
    v: 1,
    signalId: `s${++n}`,
    accountId: ACCOUNT,
    intent,
    symbol: { unified: BTC, base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
    receivedAt: clock.now(),
    source: 'webhook',
    ...extra,
  });
  /** a TWAP long of 0.04 BTC in 4 slices 60 s apart, stop 2 % under the (average) entry */
  const twap = (extra: Partial<Signal> = {}) =>
    signal('enter_long', {
      size: { kind: 'contracts', value: 0.04 },
      sl: { kind: 'percent', value: 2 },
      algo: { kind: 'twap', horizonMs: 240_000, intervalMs: 60_000 },
      ...extra,
    });
  /** delivers the next scheduled child at its due time, as the timer queue would */
  const deliverNext = async () => {
    const next = scheduler.scheduled.shift();
    if (!next) throw new Error('nothing scheduled');
    clock.t = Math.max(clock.t, next.dueAt);
    const parent = await parents.get(next.child.accountId, next.child.slice.parentId);
    if (!parent) throw new Error('no parent');
    return executor.execute(childSignal(parent, next.child.slice.index, clock.now()));
  };
  const entries = () => created.filter((o) => !o.reduceOnly);
  const stops = async () =>
    (await paper.fetchOpenOrders(BTC)).filter((o) => o.type === 'stop_market').map((o) => o.amount);
  /** the algo events, their payloads typed */
  const events = (type: 'algo.completed' | 'algo.cancelled') =>
    audit.events.flatMap((e) => (e.type === type ? [e as AuditEventOf<'algo.completed'>] : []));
  /** what the parents' store was asked (the exchange's reads left out) */
  const parentReads = () => trace.filter((r) => !r.startsWith('exchange'));
  return {
    clock,
    trace,
    parentReads,
    prices,
    paper,
    executor,
    parents,
    scheduler,
    algo,
    accounts,
    positions,
    trades,
    orders,
    riskStore,
    signal,
    twap,
    deliverNext,
    entries,
    stops,
    events,
  };
}

test('4 TWAP slices: one parent trade at the average entry, the stop sized to the position after each fill', async () => {
  const t = await setup();
  const entry = t.twap();
  const first = await t.executor.execute(entry);
  expect(first).toMatchObject({ status: 'executed' });
  expect(first.status === 'executed' && first.summary).toContain('TWAP slice 1/4');
  expect(await t.stops()).toEqual(['0.01']);
  expect(t.scheduler.scheduled).toEqual([
    {
      child: { accountId: ACCOUNT, symbol: BTC, slice: { parentId: entry.signalId, index: 1 } },
      dueAt: t.clock.t + 60_000,
    },
  ]);
  const sizes = ['0.02', '0.03', '0.04'];
  for (const [i, size] of sizes.entries()) {
    t.prices.set(BTC, 50_000 + (i + 1) * 100); // the price walks up: the average entry moves with it
    const outcome = await t.deliverNext();
    expect(outcome.status === 'executed' && outcome.summary).toContain(`TWAP slice ${i + 2}/4`);
    expect((await t.positions.get(ACCOUNT, BTC))?.quantity).toBe(size);
    expect(await t.stops()).toEqual([size]); // one stop, for the whole position: the old one cancelled after the new one rested
  }
  expect(t.scheduler.scheduled).toEqual([]); // the last child schedules nothing
  // Four entry orders, each under its child's deterministic client id.
  expect(t.entries().map((o) => o.clientOrderId)).toEqual(
    [0, 1, 2, 3].map((i) => clientOrderIdFor(childSignalId(entry.signalId, i), 'open')),
  );
  const trades = await t.trades.listByAccount(ACCOUNT);
  expect(trades).toHaveLength(1);
  expect(trades[0]).toMatchObject({
    quantity: '0.04',
    algo: { parentId: entry.signalId, kind: 'twap', slices: 4, filledSlices: 4 },
  });
  const parent = await t.parents.get(ACCOUNT, entry.signalId);
  expect(parent).toMatchObject({ status: 'completed', filledAmount: '0.04', nextIndex: 4 });
  const [completed] = t.events('algo.completed');
  expect(completed?.data).toMatchObject({ slices: 4, slicesSent: 4, filledAmount: '0.04' });
  // The parent's average is the fill-weighted average of its children, the trade's entry price.
  expect(Number(completed?.data.averagePrice)).toBeCloseTo(Number(trades[0]?.entryPrice), 6);
});

test('a close mid-way cancels the rest before its own leg: later children send nothing', async () => {
  const t = await setup();
  const entry = t.twap();
  await t.executor.execute(entry);
  await t.deliverNext(); // slice 2 of 4
  const close = t.signal('close_all', { source: 'owner' });
  await t.executor.execute(close);
  expect(await t.parents.get(ACCOUNT, entry.signalId)).toMatchObject({
    status: 'cancelled',
    reason: `close_all by the owner (signal ${close.signalId})`,
  });
  expect(t.events('algo.cancelled')).toHaveLength(1);
  const before = t.entries().length;
  const outcome = await t.deliverNext(); // slice 3 was already on the timer
  expect(outcome).toMatchObject({ status: 'executed', orders: [] });
  expect(outcome.status === 'executed' && outcome.summary).toContain('skipped: the parent is cancelled');
  expect(t.entries()).toHaveLength(before);
  expect(t.scheduler.scheduled).toEqual([]);
  expect((await t.positions.get(ACCOUNT, BTC))?.quantity).toBe('0');
});

test('a crash after a child was sent, before its parent row moved, resumes without a second order', async () => {
  const t = await setup();
  const entry = t.twap();
  await t.executor.execute(entry);
  // The process dies after child 2's order and book, at the parent's write (the seam): once.
  let crash = true;
  t.parents.beforeUpdate = () => {
    if (!crash) return;
    crash = false;
    throw new Error('process killed');
  };
  const due = t.scheduler.scheduled[0];
  await expect(t.deliverNext()).rejects.toThrow('process killed');
  expect(t.entries()).toHaveLength(2);
  // The message comes back after the lease; the child's order is adopted, the row advances, the next is scheduled.
  t.clock.advance(1_001);
  t.scheduler.scheduled.unshift(due as (typeof t.scheduler.scheduled)[number]);
  await t.deliverNext();
  expect(t.entries()).toHaveLength(2);
  expect((await t.parents.get(ACCOUNT, entry.signalId))?.nextIndex).toBe(2);
  await t.deliverNext();
  await t.deliverNext();
  const ids = t.entries().map((o) => o.clientOrderId);
  expect(ids).toHaveLength(4);
  expect(new Set(ids).size).toBe(4);
  expect((await t.positions.get(ACCOUNT, BTC))?.quantity).toBe('0.04');
  expect(await t.stops()).toEqual(['0.04']);
});

test('a paused account cancels the parent at its next child: nothing sent, the fill so far keeps its stop', async () => {
  const t = await setup();
  const entry = t.twap();
  await t.executor.execute(entry);
  await t.accounts.setStatus(ACCOUNT, 'paused', t.clock.now());
  const outcome = await t.deliverNext();
  expect(outcome).toMatchObject({ status: 'executed', orders: [] });
  expect(t.entries()).toHaveLength(1);
  expect(await t.parents.get(ACCOUNT, entry.signalId)).toMatchObject({ status: 'cancelled' });
  expect(t.events('algo.cancelled')[0]?.data.reason).toContain('ACCOUNT_NOT_ACTIVE');
  expect(await t.stops()).toEqual(['0.01']);
});

test('a kill switch tripped mid-way: the child is refused by the risk engine and the parent cancelled with its code', async () => {
  const t = await setup();
  const entry = t.twap();
  await t.executor.execute(entry);
  // The risk-check job trips the daily-loss switch between two children (the real engine reads it).
  await t.riskStore.saveState(
    {
      ...emptyRiskState(ACCOUNT, t.clock.now()),
      switches: {
        daily_loss: { tripped: true, trippedAt: t.clock.now(), reason: 'daily loss 6 % over 5 %', trips: 1 },
      },
      version: 1,
    },
    0,
  );
  const outcome = await t.deliverNext();
  expect(outcome).toMatchObject({ status: 'executed', orders: [] });
  expect(t.entries()).toHaveLength(1);
  const parent = await t.parents.get(ACCOUNT, entry.signalId);
  expect(parent?.status).toBe('cancelled');
  expect(parent?.reason).toMatch(/^risk engine refused slice 2 \(KILL_SWITCH/);
  expect(t.events('algo.cancelled')[0]?.data).toMatchObject({ slicesSent: 1, filledAmount: '0.01' });
  expect(await t.stops()).toEqual(['0.01']);
});

test('the safety net re-sends a child overdue by more than an interval and a minute, under the same id', async () => {
  const t = await setup();
  const entry = t.twap();
  await t.executor.execute(entry);
  t.scheduler.scheduled.length = 0; // the timer lost it
  t.clock.advance(60_000 + 60_000); // due + one interval: not yet overdue
  expect(await t.algo.resendOverdue(ACCOUNT)).toEqual([]);
  t.clock.advance(60_001);
  expect(await t.algo.resendOverdue(ACCOUNT)).toEqual([`${entry.signalId}#1`]);
  await t.deliverNext();
  expect(t.entries()).toHaveLength(2);
  // Sent again while the first copy is still on its way: the child runs once.
  await t.algo.resendOverdue(ACCOUNT);
  expect(t.scheduler.scheduled).toHaveLength(1); // slice 3 (not overdue): nothing re-sent
});

test('the account threshold: an entry over execution.sliceAboveQuote is sent as TWAP with the account horizon and interval', async () => {
  const t = await setup();
  await t.accounts.setRiskOverrides(
    ACCOUNT,
    { execution: { sliceAboveQuote: 1_000, sliceHorizonSeconds: 30, sliceIntervalSeconds: 10 } },
    t.clock.now(),
  );
  // 0.01 BTC at 50,000 = 500 USDT: under the threshold, one order
  const small = t.signal('enter_long', { size: { kind: 'contracts', value: 0.01 } });
  await t.executor.execute(small);
  expect(await t.parents.get(ACCOUNT, small.signalId)).toBeUndefined();
  expect(t.entries().map((o) => o.amount)).toEqual(['0.01']);
  // 0.03 BTC = 1,500 USDT: over it, three slices 10 s apart
  const large = t.signal('enter_long', { size: { kind: 'contracts', value: 0.03 } });
  await t.executor.execute(large);
  expect(await t.parents.get(ACCOUNT, large.signalId)).toMatchObject({
    kind: 'twap',
    slices: 3,
    intervalMs: 10_000,
    totalAmount: '0.03',
    filledAmount: '0.01',
  });
  expect(t.entries().map((o) => o.amount)).toEqual(['0.01', '0.01']);
});

test('adaptive on an exchange without an order book (paper): each slice is the TWAP share', async () => {
  const t = await setup();
  const entry = t.twap({ algo: { kind: 'adaptive', horizonMs: 240_000, intervalMs: 60_000, maxSlippageBps: 5 } });
  await t.executor.execute(entry);
  await t.deliverNext();
  expect(t.entries().map((o) => o.amount)).toEqual(['0.01', '0.01']);
  expect(await t.parents.get(ACCOUNT, entry.signalId)).toMatchObject({ kind: 'adaptive', maxSlippageBps: 5 });
});

test('the parent redelivered past the entry lag (it crashed after slice 1): resumed, not expired, no second order', async () => {
  const t = await setup();
  const entry = t.twap();
  let crash = true;
  t.parents.beforeUpdate = () => {
    if (!crash) return;
    crash = false;
    throw new Error('process killed');
  };
  await expect(t.executor.execute(entry)).rejects.toThrow('process killed');
  t.clock.advance(120_000); // past the lease and the account's 60 s entry lag
  const again = await t.executor.execute(entry);
  expect(again).toMatchObject({ status: 'executed' });
  expect(t.entries()).toHaveLength(1);
  expect(await t.parents.get(ACCOUNT, entry.signalId)).toMatchObject({ status: 'running', nextIndex: 1 });
  expect(await t.stops()).toEqual(['0.01']);
});

// The hot path (docs/EXECUTION-ALGOS.md "What it costs an unsliced signal"): a plain entry reads no
// parent row, a first delivery never does (no earlier attempt can have written one), and a close's
// Query of running parents overlaps its exchange calls instead of following them.
test('a plain entry reads no parent row; a plain close queries running parents once, before the exchange answers', async () => {
  const t = await setup();
  const open = t.signal('enter_long', { size: { kind: 'contracts', value: 0.01 }, sl: { kind: 'percent', value: 2 } });
  expect(await t.executor.execute(open)).toMatchObject({ status: 'executed' });
  expect(t.parentReads()).toEqual([]);
  const close = t.signal('close_long');
  expect(await t.executor.execute(close)).toMatchObject({ status: 'executed' });
  expect(t.parentReads()).toEqual([`running ${BTC}`]);
  // Started with the ledger's and the book's reads, not after the exchange's position read.
  expect(t.trace.indexOf(`running ${BTC}`)).toBeLessThan(t.trace.lastIndexOf(`exchange fetchPosition ${BTC}`));
  expect((await t.positions.get(ACCOUNT, BTC))?.quantity).toBe('0');
});

test("a sliced entry's first delivery reads no parent row either: the conditional create is the only check", async () => {
  const t = await setup();
  const entry = t.twap();
  expect(await t.executor.execute(entry)).toMatchObject({ status: 'executed' });
  expect(t.parentReads()).toEqual([]);
  expect(await t.parents.get(ACCOUNT, entry.signalId)).toMatchObject({ status: 'running', nextIndex: 1 });
});

test('a crash between the parent row and child 0, the threshold turned off meanwhile: the redelivery still finds the row, child 0 goes once', async () => {
  const t = await setup();
  const threshold = (sliceAboveQuote: number) =>
    t.accounts.setRiskOverrides(
      ACCOUNT,
      { execution: { sliceAboveQuote, sliceHorizonSeconds: 30, sliceIntervalSeconds: 10 } },
      t.clock.now(),
    );
  await threshold(1_000);
  // 0.03 BTC = 1,500 USDT: over the threshold, three slices
  const entry = t.signal('enter_long', { size: { kind: 'contracts', value: 0.03 }, sl: { kind: 'percent', value: 2 } });
  let crash = true;
  t.parents.afterCreate = () => {
    if (!crash) return;
    crash = false;
    throw new Error('process killed');
  };
  await expect(t.executor.execute(entry)).rejects.toThrow('process killed');
  expect(t.entries()).toHaveLength(0);
  // The owner turns slicing off before the message comes back: deciding by the threshold now would
  // send the whole 0.03 as one more order. The ledger says 'resume' (past the 1 s lease): the row is read.
  await threshold(0);
  t.clock.advance(2_000);
  expect(await t.executor.execute(entry)).toMatchObject({ status: 'executed' });
  expect(t.parentReads()).toContain(`get ${entry.signalId}`);
  expect(t.entries().map((o) => [o.clientOrderId, o.amount])).toEqual([
    [clientOrderIdFor(childSignalId(entry.signalId, 0), 'open'), '0.01'],
  ]);
  expect(await t.parents.get(ACCOUNT, entry.signalId)).toMatchObject({ status: 'running', nextIndex: 1 });
  expect(await t.stops()).toEqual(['0.01']);
  // Delivered once more after it finished: skipped by the ledger, nothing sent.
  expect(await t.executor.execute(entry)).toMatchObject({ status: 'skipped' });
  expect(t.entries()).toHaveLength(1);
});
