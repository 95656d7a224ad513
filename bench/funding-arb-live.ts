// CPU cost of one funding-arb coordinator pass (shared/core/funding/arb-coordinator.ts) over many
// plans, on in-memory ports with no latency: the decision, the leg bookkeeping and the exact money,
// not the network (a real pass is dominated by its DynamoDB and exchange round trips).
// Figures, not assertions. Run: node --import tsx bench/funding-arb-live.ts
import { DEFAULT_ACCOUNT_SETTINGS, type Account } from '../shared/core/domain/account';
import type { ArbPlan } from '../shared/core/domain/arb-plan';
import type { OrderRecord } from '../shared/core/domain/order';
import type { BookPosition } from '../shared/core/domain/trade';
import { ArbCoordinator } from '../shared/core/funding/arb-coordinator';
import type { ArbRound } from '../shared/core/funding/arb-round';
import type { DedupClaim, DedupRecord, SignalRecord } from '../shared/core/ports/repositories';
import { clientOrderIdFor } from '../shared/core/signal/ids';

const PLANS = 200;
const HOUR = 3_600_000;
let now = 1_700_000_000_000;
const clock = { now: () => now };

const accounts: Account[] = [];
for (let i = 0; i < PLANS; i++) {
  const a = `acc-${String(i).padStart(6, '0')}aaaaaa`;
  const b = `acc-${String(i).padStart(6, '0')}bbbbbb`;
  const plan: ArbPlan = {
    planId: `p${i}`,
    perpAccountId: a,
    otherAccountId: b,
    symbol: 'BTC/USDT:USDT',
    notional: '1234',
    horizonMs: 72 * HOUR,
    lookback: 3,
    perpFeeBps: '5',
    otherFeeBps: '5.5',
    slippageBps: '2',
    exitCostBps: '0',
    marginBps: '0',
    unwindAfterSeconds: 120,
    stopPct: 10,
    enabled: true,
    createdAt: now,
    updatedAt: now,
  };
  const base = {
    name: 'x',
    testnet: false,
    status: 'active' as const,
    webhookTokenHash: 'x',
    createdAt: now,
    updatedAt: now,
  };
  accounts.push({
    ...base,
    accountId: a,
    exchange: 'binanceusdm',
    settings: { ...DEFAULT_ACCOUNT_SETTINGS, arbPlans: [plan] },
  });
  accounts.push({ ...base, accountId: b, exchange: 'bybit', settings: { ...DEFAULT_ACCOUNT_SETTINGS } });
}
const rounds = new Map<string, ArbRound>();
const dedup = new Map<string, DedupRecord>();
const signals = new Map<string, SignalRecord>();
const orders = new Map<string, OrderRecord>();
const positions = new Map<string, BookPosition>();
let sends = 0;

const coordinator = new ArbCoordinator({
  accounts: { list: async () => accounts },
  positions: { get: async (accountId) => positions.get(accountId) },
  risk: { getState: async () => undefined },
  rounds: {
    get: async (accountId, planId) => rounds.get(`${accountId}|${planId}`),
    save: async (round, expected) => {
      const current = rounds.get(`${round.accountId}|${round.planId}`);
      if (expected === 0 ? current !== undefined : current?.version !== expected) return false;
      rounds.set(`${round.accountId}|${round.planId}`, round);
      return true;
    },
  },
  signals: {
    claimDedup: async (record): Promise<DedupClaim> => {
      const key = `${record.accountId}|${record.dedupKey}`;
      if (dedup.has(key)) return { claim: 'duplicate', signalId: record.signalId };
      dedup.set(key, record);
      return { claim: 'new', signalId: record.signalId };
    },
    getSignal: async (accountId, signalId) => signals.get(`${accountId}|${signalId}`),
  },
  orders: { get: async (_accountId, clientOrderId) => orders.get(clientOrderId) },
  queue: { send: async () => void (sends += 1) },
  audit: { append: async () => undefined },
  market: {
    fundingHistory: (account) => ({
      settled: async () => ({
        rates: [0, 1, 2].map((k) => ({
          time: now - (3 - k) * 8 * HOUR,
          rate: account.exchange === 'binanceusdm' ? '0.0006' : '0.0001',
        })),
      }),
    }),
    quote: async (account) => ({
      mark: '50000',
      amountStep: account.exchange === 'bybit' ? '0.01' : '0.001',
      minAmount: '0.001',
    }),
  },
  clock,
});

async function timed(label: string, passes: number, before?: () => void): Promise<void> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < passes; i++) {
    before?.();
    await coordinator.run();
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / passes;
  console.log(
    `${label.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms per pass, ${((ms * 1000) / PLANS).toFixed(1)} µs per plan`,
  );
}

await timed(`entry (${PLANS} plans: projections, sizing, outbox)`, 1);
// Every leg filled: the executor's records, as it leaves them.
for (const round of rounds.values()) {
  for (const o of round.outbox) {
    signals.set(`${o.accountId}|${o.signalId}`, {
      accountId: o.accountId,
      signalId: o.signalId,
      status: 'executed',
      updatedAt: now,
    });
    orders.set(clientOrderIdFor(o.signalId, 'open'), { status: 'filled', filled: o.amount } as OrderRecord);
    positions.set(o.accountId, {
      side: o.intent === 'enter_short' ? 'short' : 'long',
      tradeId: 't',
      quantity: o.amount,
    } as BookPosition);
  }
}
now += 60_000;
await timed('held (legs read, balanced, exit rule)', 20, () => (now += 60_000));
console.log(`signals sent: ${sends} (${PLANS * 2} expected: two legs a plan, once)`);
