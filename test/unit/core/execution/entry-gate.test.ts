// Where the entry gate (the ensemble vote) sits in ExecuteSignal, with the real order sender, book
// keeper, protection manager and risk engine over in-memory tables and the paper exchange (no
// network): an entry asks it before the risk engine sizes it; a held-back entry is rejected with
// the gate's code and its votes and sends nothing; a close never asks it and never waits for it;
// a reverse voted down still closes the old side and opens nothing.
import { MemoryLedgerStore } from '../../../../shared/adapters/paper/memory-ledger-store';
import { paperMarkets } from '../../../../shared/adapters/paper/markets';
import { PaperExchange } from '../../../../shared/adapters/paper/paper-exchange';
import { FixedPriceSource } from '../../../../shared/adapters/prices/fixed-price-source';
import { DEFAULT_PAPER_SETTINGS, type Account } from '../../../../shared/core/domain/account';
import type { AuditEvent } from '../../../../shared/core/domain/audit';
import { notificationOf } from '../../../../shared/core/notify/from-audit';
import { BookKeeper } from '../../../../shared/core/execution/book-keeper';
import { EntryRisk } from '../../../../shared/core/execution/entry-risk';
import { ExecuteSignal } from '../../../../shared/core/execution/execute-signal';
import { OrderSender } from '../../../../shared/core/execution/order-sender';
import type { EntryGate, EntryVerdict, MarketStatsSource } from '../../../../shared/core/execution/ports';
import { ProtectionManager } from '../../../../shared/core/execution/protection';
import { RiskEngine } from '../../../../shared/core/risk/engine';
import { CorrelationCache } from '../../../../shared/core/risk/stats';
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

/** A gate whose answers the test gives, one check at a time; it records what it was asked. */
class ControlledGate implements EntryGate {
  readonly asked: { signal: Signal; account: Account }[] = [];
  private readonly waiting: ((verdict: EntryVerdict) => void)[] = [];

  check(signal: Signal, account: Account): Promise<EntryVerdict> {
    this.asked.push({ signal, account });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  answer(verdict: EntryVerdict): void {
    const next = this.waiting.shift();
    if (!next) throw new Error('the gate was not asked');
    next(verdict);
  }
}

const blocked: EntryVerdict = {
  proceed: false,
  code: 'ENSEMBLE_BLOCKED',
  reason: 'ensemble vote: 1 of 3 models agree with long, 2 needed (a long, b out, c short)',
  details: {
    required: 2,
    agreeing: 1,
    ballots: [
      { model: 'a', vote: 'long' },
      { model: 'b', vote: 'out' },
      { model: 'c', vote: 'short' },
    ],
  },
};

async function setup() {
  const clock = new ManualClock();
  const paper = new PaperExchange({
    accountId: ACCOUNT,
    store: new MemoryLedgerStore(),
    prices: new FixedPriceSource({ [BTC]: 50_000 }, clock),
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
  const risk = new EntryRisk({
    positions,
    trades,
    risk: new MemoryRiskStore(),
    stats: noStats,
    correlations: new CorrelationCache(),
    engine: new RiskEngine(),
    audit,
    clock,
  });
  const riskDecisions = jest.spyOn(risk, 'decide');
  const gate = new ControlledGate();
  const ledger = new MemorySignalLedger();
  const deps = {
    accounts,
    ledger,
    audit,
    vault: {
      encrypt: () => Promise.reject(new Error('a paper account has no keys')),
      decrypt: () => Promise.reject(new Error('a paper account has no keys')),
    },
    exchanges: { forAccount: async () => paper },
    sender,
    book,
    protection: new ProtectionManager({ sender, book, orders, audit, clock }),
    risk,
    clock,
    leaseMs: 1_000,
    orders,
  };
  const gated = new ExecuteSignal({ ...deps, entryGate: gate });
  const ungated = new ExecuteSignal(deps);
  let n = 0;
  const signal = (intent: Intent, contracts = 0.01): Signal => ({
    v: 1,
    signalId: `s${++n}`,
    accountId: ACCOUNT,
    intent,
    symbol: { unified: BTC, base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' },
    size: { kind: 'contracts', value: contracts },
    sl: { kind: 'percent', value: 2 },
    receivedAt: clock.now(),
    source: 'webhook',
  });
  return { gated, ungated, gate, paper, audit, ledger, riskDecisions, signal };
}

test('an entry the gate lets through is sized and filled; the gate is asked before the risk engine', async () => {
  const { gated, gate, paper, riskDecisions, signal } = await setup();
  const pending = gated.execute(signal('enter_long'));
  await until(() => gate.asked.length === 1);
  expect(gate.asked[0]?.account.accountId).toBe(ACCOUNT);
  expect(riskDecisions).not.toHaveBeenCalled(); // the risk engine waits for the gate's answer
  gate.answer({ proceed: true, note: 'ensemble vote: 3 of 3 models agree with long, 2 needed' });
  const outcome = await pending;
  expect(outcome).toMatchObject({ status: 'executed' });
  // What the gate decided is kept in the signal's outcome, which the alert log shows.
  expect(outcome.status === 'executed' && outcome.summary).toMatch(
    /; ensemble vote: 3 of 3 models agree with long, 2 needed$/,
  );
  expect(riskDecisions).toHaveBeenCalledTimes(1);
  expect((await paper.fetchPosition(BTC))?.quantity).toBe('0.01');
});

test('an entry the gate holds back is rejected with its code and the votes; nothing reaches the exchange, the risk engine is not asked', async () => {
  const { gated, gate, paper, audit, ledger, riskDecisions, signal } = await setup();
  const entry = signal('enter_long');
  const pending = gated.execute(entry);
  await until(() => gate.asked.length === 1);
  gate.answer(blocked);
  expect(await pending).toMatchObject({ status: 'rejected', code: 'ENSEMBLE_BLOCKED', reason: blocked.reason });
  expect(await paper.fetchPosition(BTC)).toBeUndefined();
  expect(await paper.fetchOpenOrders(BTC)).toEqual([]);
  expect(riskDecisions).not.toHaveBeenCalled();
  const rejected = audit.events.find((e) => e.type === 'signal.rejected');
  expect(rejected).toMatchObject({
    signalId: entry.signalId,
    message: blocked.reason,
    data: { code: 'ENSEMBLE_BLOCKED', intent: 'enter_long', symbol: BTC, required: 2, agreeing: 1 },
  });
  expect(rejected?.data).toMatchObject({ ballots: blocked.proceed ? [] : blocked.details?.['ballots'] });
  expect(ledger.signals.get(`${ACCOUNT}|${entry.signalId}`)?.status).toBe('rejected');
  // The owner is told once, with the votes (the notifier's template for a rejected signal).
  expect(notificationOf(rejected as AuditEvent)).toMatchObject({
    kind: 'signal_rejected',
    title: `Signal rejected ${BTC} enter_long: ENSEMBLE_BLOCKED`,
    lines: [blocked.reason],
  });
});

test.each(['close_long', 'close_all', 'reduce_long'] as const)(
  'a %s never asks the gate and never waits for it (a gate that never answers)',
  async (intent) => {
    const { gated, ungated, gate, paper, signal } = await setup();
    await ungated.execute(signal('enter_long')); // a position with its stop, opened without the gate
    expect((await paper.fetchOpenOrders(BTC)).length).toBeGreaterThan(0);
    const outcome = await gated.execute(signal(intent, 0.004));
    expect(outcome.status).toBe('executed');
    expect(gate.asked).toEqual([]);
    if (intent === 'reduce_long') expect((await paper.fetchPosition(BTC))?.quantity).toBe('0.006');
    else expect(await paper.fetchPosition(BTC)).toBeUndefined();
  },
);

test('a reverse voted down: the old side is closed before the vote is in, and the new side is not opened', async () => {
  const { gated, ungated, gate, paper, audit, signal } = await setup();
  await ungated.execute(signal('enter_long'));
  const reverse = signal('enter_short');
  const pending = gated.execute(reverse);
  // The close leg does not wait for the gate: the long is gone while the vote is still out.
  await until(async () => (await paper.fetchPosition(BTC)) === undefined);
  expect(gate.asked).toHaveLength(1);
  gate.answer(blocked);
  const outcome = await pending;
  expect(outcome.status).toBe('executed');
  expect(outcome.status === 'executed' && outcome.summary).toContain('entry refused (ENSEMBLE_BLOCKED');
  expect(await paper.fetchPosition(BTC)).toBeUndefined();
  expect(await paper.fetchOpenOrders(BTC)).toEqual([]); // the old stop went with the old side
  const executed = audit.events.filter((e) => e.signalId === reverse.signalId && e.type === 'signal.executed');
  expect(executed).toHaveLength(1);
});

test('a reverse voted through closes and opens as without a gate', async () => {
  const { gated, ungated, gate, paper, signal } = await setup();
  await ungated.execute(signal('enter_long'));
  const pending = gated.execute(signal('enter_short'));
  await until(() => gate.asked.length === 1);
  gate.answer({ proceed: true });
  expect(await pending).toMatchObject({ status: 'executed' });
  expect(await paper.fetchPosition(BTC)).toMatchObject({ side: 'short', quantity: '0.01' });
});

/** Lets the executor run until `done` holds (it awaits in-memory tables and the paper exchange only). */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (await done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the condition never held');
}
