// The live two-perpetual coordinator on in-memory ports and virtual time, with the real decision and
// leg-balance state machine: it enters only above the cost and only when both accounts are free,
// sends each leg once whatever runs overlap or crash, balances and unwinds the legs on the
// executor's outcomes, and exits on the horizon, a turned spread, a fired stop or a disabled plan.
import { DEFAULT_ACCOUNT_SETTINGS, type Account, type ExchangeId } from '../../../../shared/core/domain/account';
import type { ArbPlan } from '../../../../shared/core/domain/arb-plan';
import type { OrderRecord } from '../../../../shared/core/domain/order';
import type { BookPosition } from '../../../../shared/core/domain/trade';
import {
  ArbCoordinator,
  legAmount,
  settledSpacingMs,
  type PlanResult,
} from '../../../../shared/core/funding/arb-coordinator';
import { ArbPlans } from '../../../../shared/core/funding/arb-plans';
import type { ArbRound } from '../../../../shared/core/funding/arb-round';
import type { ArbMarketData, ArbRoundStore, FundingHistory } from '../../../../shared/core/funding/ports';
import { emptyRiskState } from '../../../../shared/core/risk/state';
import { clientOrderIdFor } from '../../../../shared/core/signal/ids';
import { ManualClock, MemorySignalLedger, MemorySignalQueue, T0 } from '../fakes';
import { MemoryAccounts, MemoryAudit, MemoryOrders, MemoryPositions, MemoryRiskStore } from '../memory-repos';

const A = 'acc-aaaaaaaaaaaa';
const B = 'acc-bbbbbbbbbbbb';
const SYMBOL = 'BTC/USDT:USDT';
const HOUR = 3_600_000;
const HORIZON = 72 * HOUR; // 9 settlements of 8 h
const UNWIND_AFTER_S = 120;

/** Rows with the DynamoDB store's conditions: create only when absent, update only at the version read. */
class MemoryRounds implements ArbRoundStore {
  readonly rows = new Map<string, ArbRound>();
  async get(accountId: string, planId: string) {
    const row = this.rows.get(`${accountId}|${planId}`);
    return row && structuredClone(row);
  }
  async save(round: ArbRound, expectedVersion: number) {
    const current = this.rows.get(`${round.accountId}|${round.planId}`);
    if (expectedVersion === 0 ? current !== undefined : current?.version !== expectedVersion) return false;
    this.rows.set(`${round.accountId}|${round.planId}`, structuredClone(round));
    return true;
  }
}

/** Public market data: the rates each exchange settled (8 h apart, ending before now), a mark and steps. */
class FakeMarket implements ArbMarketData {
  rates: Record<string, string[]> = { binanceusdm: [], bybit: [] };
  intervals: Record<string, number | undefined> = {};
  /** how far apart the settled rows are (the exchange's real interval, stated or not) */
  spacing: Record<string, number> = {};
  mark = '50000';
  steps: Record<string, { amountStep: string; minAmount: string }> = {
    binanceusdm: { amountStep: '0.001', minAmount: '0.001' },
    bybit: { amountStep: '0.01', minAmount: '0.01' },
  };
  constructor(private readonly clock: ManualClock) {}
  fundingHistory(account: Account): FundingHistory {
    return {
      settled: async () => {
        const rates = this.rates[account.exchange] ?? [];
        const now = this.clock.now();
        const interval = this.intervals[account.exchange];
        return {
          rates: rates.map((rate, i) => ({
            time: now - (rates.length - i) * (this.spacing[account.exchange] ?? 8 * HOUR),
            rate,
          })),
          ...(interval !== undefined ? { intervalMs: interval } : {}),
        };
      },
    };
  }
  async quote(account: Account) {
    return { mark: this.mark, ...this.steps[account.exchange]! };
  }
}

function account(accountId: string, exchange: ExchangeId, arbPlans: ArbPlan[] = []): Account {
  return {
    accountId,
    name: accountId,
    exchange,
    testnet: false,
    status: 'active',
    webhookTokenHash: 'x',
    settings: { ...DEFAULT_ACCOUNT_SETTINGS, arbPlans },
    createdAt: T0,
    updatedAt: T0,
  };
}

function plan(overrides: Partial<ArbPlan> = {}): ArbPlan {
  return {
    planId: 'p1',
    perpAccountId: A,
    otherAccountId: B,
    symbol: SYMBOL,
    notional: '1234',
    horizonMs: HORIZON,
    lookback: 3,
    perpFeeBps: '5',
    otherFeeBps: '5.5',
    slippageBps: '2',
    exitCostBps: '0',
    marginBps: '0',
    unwindAfterSeconds: UNWIND_AFTER_S,
    stopPct: 8,
    enabled: true,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function setup(p: ArbPlan = plan()) {
  const clock = new ManualClock(T0);
  const accounts = new MemoryAccounts([account(A, 'binanceusdm', [p]), account(B, 'bybit')]);
  const positions = new MemoryPositions();
  const risk = new MemoryRiskStore();
  const rounds = new MemoryRounds();
  const signals = new MemorySignalLedger();
  const orders = new MemoryOrders();
  const queue = new MemorySignalQueue(clock);
  const audit = new MemoryAudit();
  const market = new FakeMarket(clock);
  // cost: 2 × (5 + 5.5) + 4 × 2 = 29 bps; spread (6 − 1) bp × 9 settlements = 45 bps: enter
  market.rates = { binanceusdm: ['0.0006', '0.0006', '0.0006'], bybit: ['0.0001', '0.0001', '0.0001'] };
  const deps = { accounts, positions, risk, rounds, signals, orders, queue, audit, market, clock };
  const coordinator = new ArbCoordinator(deps);
  const runOnce = async (): Promise<PlanResult> => (await coordinator.run())[0]!;
  /** What the executor leaves behind for a leg: its order's fill, the signal's outcome, the book. */
  const executed = async (
    accountId: string,
    signalId: string,
    outcome: { filled?: string; status?: OrderRecord['status']; rejected?: boolean; side?: 'long' | 'short' },
  ) => {
    const now = clock.now();
    if (outcome.filled !== undefined) {
      orders.rows.set(clientOrderIdFor(signalId, 'open'), {
        accountId,
        clientOrderId: clientOrderIdFor(signalId, 'open'),
        signalId,
        leg: 'open',
        symbol: SYMBOL,
        side: outcome.side === 'long' ? 'buy' : 'sell',
        type: 'market',
        reduceOnly: false,
        amount: '0.02',
        status: outcome.status ?? 'filled',
        filled: outcome.filled,
        createdAt: now,
        updatedAt: now,
      });
      if (outcome.filled !== '0') hold(accountId, outcome.side ?? 'short', outcome.filled);
    }
    await signals.finishExecution(accountId, signalId, outcome.rejected ? 'rejected' : 'executed', 'done', now);
  };
  const hold = (accountId: string, side: 'long' | 'short' | undefined, quantity: string) => {
    const row: BookPosition = {
      accountId,
      symbol: SYMBOL,
      quantity: side ? quantity : '0',
      entryPrice: '50000',
      leverage: 1,
      updatedAt: clock.now(),
      appliedOrderIds: [],
      version: 1,
    };
    if (side) Object.assign(row, { side, tradeId: `t-${accountId}` });
    positions.seed(row);
  };
  const sent = () => queue.messages.map((m) => m.signal);
  return { ...deps, coordinator, runOnce, executed, hold, sent };
}

const audits = (audit: MemoryAudit, type: string) => audit.events.filter((e) => e.type === type);

describe('entry', () => {
  it('stays out while the projected spread does not beat the round trip, enters once it does', async () => {
    const t = setup();
    // (3 − 1) bp × 9 = 18 bps < 29 bps
    t.market.rates.binanceusdm = ['0.0003', '0.0003', '0.0003'];
    const out = await t.runOnce();
    expect(out.outcome).toBe('stay-out');
    expect(out.reason).toMatch(/18 bps does not beat the cost 29 bps/);
    expect(t.sent()).toHaveLength(0);

    // (4.3333… − 1) × 9 = 30 bps > 29: enter. Short the higher-funded perp (A), long B.
    t.market.rates.binanceusdm = ['0.0003', '0.0004', '0.0006'];
    const entered = await t.runOnce();
    expect(entered).toMatchObject({ outcome: 'entered', round: 1, sent: ['arb:p1:1:perp', 'arb:p1:1:other'] });
    const [perp, other] = t.sent();
    // 1234 / 50000 = 0.02468 → 0.02 at Bybit's 0.01 step (the coarser), the same on both legs
    expect(perp).toMatchObject({
      signalId: 'arb:p1:1:perp',
      accountId: A,
      intent: 'enter_short',
      size: { kind: 'contracts', value: 0.02 },
      sl: { kind: 'percent', value: 8 },
      source: 'arb',
      arb: { planId: 'p1', round: 1, leg: 'perp' },
    });
    expect(other).toMatchObject({
      signalId: 'arb:p1:1:other',
      accountId: B,
      intent: 'enter_long',
      size: { kind: 'contracts', value: 0.02 },
      sl: { kind: 'percent', value: 8 },
      arb: { planId: 'p1', round: 1, leg: 'other' },
    });
    expect(t.queue.messages.map((m) => m.groupId)).toEqual([`${A}#BTCUSDT`, `${B}#BTCUSDT`]);
    const [event] = audits(t.audit, 'arb.entered');
    expect(event?.data).toMatchObject({
      planId: 'p1',
      round: 1,
      side: 'short-perp',
      amount: '0.02',
      costBps: '29',
      projectedBps: '30',
      edgeBps: '1',
    });
  });

  it('shorts the other account when its funding is the higher (long-perp)', async () => {
    const t = setup();
    t.market.rates = { binanceusdm: ['-0.0002', '-0.0002', '-0.0002'], bybit: ['0.0003', '0.0003', '0.0003'] };
    expect((await t.runOnce()).outcome).toBe('entered');
    expect(t.sent().map((s) => [s.accountId, s.intent])).toEqual([
      [A, 'enter_long'],
      [B, 'enter_short'],
    ]);
  });

  it('takes the interval the exchange states (4 h: 18 settlements in 3 d) over the 8 h assumption', async () => {
    const t = setup();
    t.market.rates.binanceusdm = ['0.0003', '0.0003', '0.0003']; // 8 h: 18 bps, out
    t.market.intervals.binanceusdm = 4 * HOUR; // 3 bp × 18 − 1 bp × 9 = 45 bps: in
    expect((await t.runOnce()).outcome).toBe('entered');
  });

  it("an exchange that states no interval (Binance): the interval is its rows' spacing, not 8 h", async () => {
    const t = setup();
    t.market.spacing.binanceusdm = 4 * HOUR; // a 4 h Binance symbol: the rows say so
    t.market.rates.binanceusdm = ['0.0003', '0.0003', '0.0003']; // 3 bp × 18 − 1 bp × 9 = 45 bps: in
    expect((await t.runOnce()).outcome).toBe('entered');
  });

  it('a 4 h Binance symbol taken as 8 h would enter the losing side: it stays out', async () => {
    const t = setup();
    t.market.spacing.binanceusdm = 4 * HOUR;
    // Binance 4 bp × 18 = 72 bps against Bybit 10 bp × 9 = 90 bps: 18 bps < 29 bps of cost. At the
    // 8 h assumption Binance would project 36 bps, a 54 bps "edge" for long Binance / short Bybit.
    t.market.rates = { binanceusdm: ['0.0004', '0.0004', '0.0004'], bybit: ['0.001', '0.001', '0.001'] };
    const out = await t.runOnce();
    expect(out.outcome).toBe('stay-out');
    expect(t.sent()).toEqual([]);
  });

  it.each([
    [
      'holds the symbol on the perp account',
      (t: ReturnType<typeof setup>) => t.hold(A, 'long', '1'),
      /acc-a+ already holds/,
    ],
    [
      'holds the symbol on the other account',
      (t: ReturnType<typeof setup>) => t.hold(B, 'short', '1'),
      /acc-b+ already holds/,
    ],
    ['is paused', async (t: ReturnType<typeof setup>) => t.accounts.setStatus(B, 'paused', T0), /acc-b+ is paused/],
    [
      'has a kill switch tripped',
      async (t: ReturnType<typeof setup>) =>
        t.risk.saveState(
          { ...emptyRiskState(A), switches: { daily_loss: { tripped: true, trips: 1 } }, version: 1 },
          0,
        ),
      /kill switch daily_loss/,
    ],
  ])('never enters while either account %s', async (_name, arrange, reason) => {
    const t = setup();
    await arrange(t);
    const out = await t.runOnce();
    expect(out.outcome).toBe('stay-out');
    expect(out.reason).toMatch(reason);
    expect(t.sent()).toHaveLength(0);
    expect(t.rounds.rows.size).toBe(0);
  });

  it('never enters with one leg on a testnet and the other live', async () => {
    const t = setup();
    t.accounts.rows.set(B, { ...t.accounts.rows.get(B)!, testnet: true });
    const out = await t.runOnce();
    expect(out).toMatchObject({ outcome: 'stay-out', reason: expect.stringMatching(/testnet/) });
    expect(t.sent()).toEqual([]);
  });

  it('sends nothing for a disabled plan, and stays out on too few settled rates', async () => {
    const off = setup(plan({ enabled: false }));
    expect((await off.runOnce()).outcome).toBe('disabled');
    const thin = setup();
    thin.market.rates.bybit = ['0.0001'];
    expect((await thin.runOnce()).reason).toMatch(/bybit has 1 settled rate\(s\).*lookback needs 3/);
    expect([...off.sent(), ...thin.sent()]).toHaveLength(0);
  });

  it('two overlapping runs send the two legs once', async () => {
    const t = setup();
    const second = new ArbCoordinator(t);
    const [x, y] = await Promise.all([t.coordinator.run(), second.run()]);
    expect([x[0]!.outcome, y[0]!.outcome].sort()).toEqual(['conflict', 'entered']);
    expect(t.sent().map((s) => s.signalId)).toEqual(['arb:p1:1:perp', 'arb:p1:1:other']);
    // and again while the legs are in flight: nothing new
    await Promise.all([t.coordinator.run(), second.run()]);
    expect(t.sent()).toHaveLength(2);
  });

  it('arb remove racing a run that read the plan before it was disabled: the stale copy never enters', async () => {
    const t = setup();
    const stale = new Map([A, B].map((id) => [id, structuredClone(t.accounts.rows.get(id)!)]));
    const plans = new ArbPlans({ accounts: t.accounts, clock: t.clock, rounds: t.rounds });
    await plans.setEnabled('p1', false);
    await plans.remove('p1');
    expect(t.accounts.rows.get(A)!.settings.arbPlans).toEqual([]);
    // the run read the account list before the disable, and reaches the plan only now
    const out = await t.coordinator.runPlan(plan(), stale);
    expect(out).toMatchObject({ outcome: 'stay-out', sent: [] });
    expect(t.sent()).toEqual([]);
    // the same id added again later is a new plan and may enter
    t.clock.advance(1_000);
    await plans.add({ ...plan(), enabled: true });
    expect((await t.runOnce()).outcome).toBe('entered');
  });

  it('arb remove refuses when a run opened a round between its read and its write', async () => {
    const t = setup();
    const plans = new ArbPlans({
      accounts: t.accounts,
      clock: t.clock,
      rounds: {
        get: async (a, p) => {
          const row = await t.rounds.get(a, p);
          await t.runOnce(); // the stale run enters between remove's read and its write
          return row;
        },
        save: (r, v) => t.rounds.save(r, v),
      },
    });
    await t.accounts.setArbPlans(A, [{ ...plan(), enabled: false }], t.clock.now());
    const stale = plan();
    t.coordinator.run = async () => [
      await t.coordinator.runPlan(stale, new Map([A, B].map((id) => [id, t.accounts.rows.get(id)!]))),
    ];
    await expect(plans.remove('p1')).rejects.toThrow(/^planId: p1 round changed/);
    expect(t.accounts.rows.get(A)!.settings.arbPlans).toHaveLength(1);
  });

  it('a crash between the round write and the sends: the next run sends the missing legs under the same ids', async () => {
    const t = setup();
    t.queue.failNext(1); // the first send fails: the run stops there, after the round's write
    const crashed = await t.runOnce();
    expect(crashed.outcome).toBe('failed');
    expect(t.sent()).toHaveLength(0);
    expect([...t.rounds.rows.values()][0]).toMatchObject({ round: 1, status: 'open' });

    t.clock.advance(60_000);
    const next = await t.runOnce();
    expect(next.sent).toEqual(['arb:p1:1:perp', 'arb:p1:1:other']);
    const sent = t.sent();
    expect(sent.map((s) => s.signalId)).toEqual(['arb:p1:1:perp', 'arb:p1:1:other']);
    // the signal as first decided: received when the round was written (the executor's entry lag counts from then)
    expect(sent.every((s) => s.receivedAt === T0)).toBe(true);
    expect([...t.rounds.rows.values()][0]!.outbox.every((o) => o.queued)).toBe(true);
  });

  it('a crash between the round write and its audit: the next run audits the entry, then sends', async () => {
    const t = setup();
    const append = t.audit.append.bind(t.audit);
    t.audit.append = async () => {
      throw new Error('the process died here');
    };
    expect((await t.runOnce()).outcome).toBe('failed');
    expect([...t.rounds.rows.values()][0]).toMatchObject({ round: 1, status: 'open' });
    expect(t.sent()).toHaveLength(0);
    t.audit.append = append;
    t.clock.advance(60_000);
    expect((await t.runOnce()).sent).toEqual(['arb:p1:1:perp', 'arb:p1:1:other']);
    expect(audits(t.audit, 'arb.entered')).toHaveLength(1);
    expect(audits(t.audit, 'arb.entered')[0]).toMatchObject({ at: T0, data: { planId: 'p1', round: 1 } });
    // nothing left to append: a third run audits nothing again
    await t.runOnce();
    expect(audits(t.audit, 'arb.entered')).toHaveLength(1);
  });

  it('a crash between an exit decision and its audit: the next run audits the exit', async () => {
    const t = setup();
    await t.runOnce();
    await t.executed(A, 'arb:p1:1:perp', { filled: '0.02', side: 'short' });
    await t.executed(B, 'arb:p1:1:other', { filled: '0.02', side: 'long' });
    t.clock.t = T0 + HORIZON;
    const append = t.audit.append.bind(t.audit);
    t.audit.append = async () => {
      throw new Error('the process died here');
    };
    expect((await t.runOnce()).outcome).toBe('failed');
    t.audit.append = append;
    await t.runOnce();
    expect(audits(t.audit, 'arb.exited').map((e) => e.data)).toEqual([
      { planId: 'p1', round: 1, symbol: SYMBOL, reason: 'horizon ended' },
    ]);
    expect(t.sent().map((s) => s.signalId)).toEqual([
      'arb:p1:1:perp',
      'arb:p1:1:other',
      'arb:p1:1:perp:x1',
      'arb:p1:1:other:x1',
    ]);
  });

  it('a crash before the audit of a round that ended at once (both legs refused): audited by the next run', async () => {
    const t = setup();
    await t.runOnce();
    await t.executed(A, 'arb:p1:1:perp', { rejected: true });
    await t.executed(B, 'arb:p1:1:other', { rejected: true });
    t.clock.advance(1_000);
    const append = t.audit.append.bind(t.audit);
    t.audit.append = async () => {
      throw new Error('the process died here');
    };
    expect((await t.runOnce()).outcome).toBe('failed');
    expect([...t.rounds.rows.values()][0]).toMatchObject({ status: 'ended' });
    t.audit.append = append;
    t.market.rates.binanceusdm = ['0.0001', '0.0001', '0.0001']; // no new round
    expect((await t.runOnce()).outcome).toBe('stay-out');
    expect(audits(t.audit, 'arb.exited').map((e) => e.data)).toEqual([
      { planId: 'p1', round: 1, symbol: SYMBOL, reason: 'no position left' },
    ]);
  });

  it('a crash after one leg was sent: the re-run resends nothing the executor has taken', async () => {
    const t = setup();
    t.queue.failNext(0);
    // the first send goes through, the second fails
    const send = t.queue.send.getMockImplementation()!;
    let calls = 0;
    t.queue.send.mockImplementation(async (...args) => {
      calls += 1;
      if (calls === 2) throw new Error('network');
      return send(...args);
    });
    expect((await t.runOnce()).outcome).toBe('failed');
    await t.executed(A, 'arb:p1:1:perp', { filled: '0.02', side: 'short' }); // the executor took the first
    t.clock.advance(60_000);
    await t.runOnce();
    expect(t.sent().map((s) => s.signalId)).toEqual(['arb:p1:1:perp', 'arb:p1:1:other']);
  });
});

describe('legs', () => {
  async function entered() {
    const t = setup();
    expect((await t.runOnce()).outcome).toBe('entered');
    return t;
  }

  it('a refused hedge leg: the filled leg is unwound whole at once (both orders done), reduce-only', async () => {
    const t = await entered();
    await t.executed(A, 'arb:p1:1:perp', { filled: '0.02', side: 'short' });
    await t.executed(B, 'arb:p1:1:other', { rejected: true });
    t.clock.advance(1_000); // well before unwindAfter
    const out = await t.runOnce();
    expect(out).toMatchObject({ outcome: 'rebalanced', sent: ['arb:p1:1:perp:r1'] });
    expect(t.sent()[2]).toMatchObject({
      accountId: A,
      intent: 'reduce_short',
      size: { kind: 'contracts', value: 0.02 },
      source: 'arb',
      arb: { planId: 'p1', round: 1, leg: 'perp' },
    });
    expect(t.sent()[2]!.sl).toBeUndefined();
    expect(audits(t.audit, 'arb.rebalanced').map((e) => e.data)).toEqual([
      { planId: 'p1', round: 1, leg: 'perp', accountId: A, symbol: SYMBOL, amount: '0.02', reason: 'unwind' },
    ]);
    // evaluated again: nothing new
    t.clock.advance(60_000);
    await t.runOnce();
    expect(t.sent()).toHaveLength(3);
    // the reduce ran: the perp leg is flat, the round ends and the plan may enter again
    t.hold(A, undefined, '0');
    await t.executed(A, 'arb:p1:1:perp:r1', {});
    t.clock.advance(60_000);
    expect((await t.runOnce()).outcome).toBe('ended');
    expect((await t.runOnce()).outcome).toBe('entered');
    expect(
      t
        .sent()
        .slice(3)
        .map((s) => s.signalId),
    ).toEqual(['arb:p1:2:perp', 'arb:p1:2:other']);
  });

  it('a hedge leg still pending: nothing before unwindAfter, the filled leg unwound at it', async () => {
    const t = await entered();
    await t.executed(A, 'arb:p1:1:perp', { filled: '0.02', side: 'short' });
    t.clock.advance(UNWIND_AFTER_S * 1000 - 1);
    expect((await t.runOnce()).outcome).toBe('waiting');
    expect(t.sent()).toHaveLength(2);
    t.clock.advance(1);
    const out = await t.runOnce();
    expect(out.sent).toEqual(['arb:p1:1:perp:r1']);
    expect(t.sent()[2]).toMatchObject({ accountId: A, intent: 'reduce_short', size: { value: 0.02 } });
    expect(audits(t.audit, 'arb.rebalanced')[0]?.data).toMatchObject({ reason: 'unwind', leg: 'perp' });

    // the hedge's entry fills late after all (it waited in its lane): it is closed in turn
    await t.executed(B, 'arb:p1:1:other', { filled: '0.02', side: 'long' });
    t.clock.advance(5_000);
    const late = await t.runOnce();
    expect(late.sent).toEqual(['arb:p1:1:other:r1']);
    expect(t.sent()[3]).toMatchObject({ accountId: B, intent: 'reduce_long', size: { value: 0.02 } });
  });

  it('partial fills: the bigger leg is reduced to the smaller, then the pair is held', async () => {
    const t = await entered();
    await t.executed(A, 'arb:p1:1:perp', { filled: '0.02', side: 'short' });
    await t.executed(B, 'arb:p1:1:other', { filled: '0.01', status: 'canceled', side: 'long' });
    t.clock.advance(1_000);
    expect((await t.runOnce()).sent).toEqual(['arb:p1:1:perp:r1']);
    expect(t.sent()[2]).toMatchObject({ intent: 'reduce_short', size: { value: 0.01 } });
    expect(audits(t.audit, 'arb.rebalanced')[0]?.data).toMatchObject({ reason: 'balance', amount: '0.01' });
    t.hold(A, 'short', '0.01');
    await t.executed(A, 'arb:p1:1:perp:r1', {});
    t.clock.advance(60_000);
    expect((await t.runOnce()).outcome).toBe('held');
    expect(t.sent()).toHaveLength(3);
  });

  it('an unwind the exchange refused: the leg still open is closed (exiting), not held unhedged', async () => {
    const t = await entered();
    await t.executed(A, 'arb:p1:1:perp', { filled: '0.02', side: 'short' });
    await t.executed(B, 'arb:p1:1:other', { rejected: true });
    t.clock.advance(1_000);
    expect((await t.runOnce()).sent).toEqual(['arb:p1:1:perp:r1']);
    // the reduce-only order was refused: the perp short is still held, nothing hedges it
    await t.executed(A, 'arb:p1:1:perp:r1', { rejected: true });
    t.clock.advance(60_000);
    const out = await t.runOnce();
    expect(out).toMatchObject({ outcome: 'exiting', sent: ['arb:p1:1:perp:x1', 'arb:p1:1:other:x1'] });
    expect(t.sent()[3]).toMatchObject({ accountId: A, intent: 'close_short' });
    expect(audits(t.audit, 'arb.exited')[0]?.data).toMatchObject({ reason: expect.stringMatching(/unwind/) });
    t.hold(A, undefined, '0');
    t.clock.advance(60_000);
    expect((await t.runOnce()).outcome).toBe('ended');
  });

  it('a balancing reduce refused: the unequal legs are closed rather than held until the horizon', async () => {
    const t = await entered();
    await t.executed(A, 'arb:p1:1:perp', { filled: '0.02', side: 'short' });
    await t.executed(B, 'arb:p1:1:other', { filled: '0.01', status: 'canceled', side: 'long' });
    t.clock.advance(1_000);
    expect((await t.runOnce()).sent).toEqual(['arb:p1:1:perp:r1']);
    await t.executed(A, 'arb:p1:1:perp:r1', { rejected: true });
    t.clock.advance(60_000);
    expect(await t.runOnce()).toMatchObject({ outcome: 'exiting', sent: ['arb:p1:1:perp:x1', 'arb:p1:1:other:x1'] });
  });

  it('both legs seen refused while positions are open (fills the round never read): closed, not held forever', async () => {
    const t = await entered();
    await t.executed(A, 'arb:p1:1:perp', {}); // executed, no 'open' order (as a sliced entry's parent)
    await t.executed(B, 'arb:p1:1:other', {});
    t.hold(A, 'short', '0.02');
    t.hold(B, 'long', '0.02');
    t.clock.advance(1_000);
    expect(await t.runOnce()).toMatchObject({ outcome: 'exiting', sent: ['arb:p1:1:perp:x1', 'arb:p1:1:other:x1'] });
  });

  it('an unwind still in its lane: the round waits for it and closes nothing', async () => {
    const t = await entered();
    await t.executed(A, 'arb:p1:1:perp', { filled: '0.02', side: 'short' });
    await t.executed(B, 'arb:p1:1:other', { rejected: true });
    t.clock.advance(1_000);
    await t.runOnce();
    t.clock.advance(60_000);
    expect((await t.runOnce()).outcome).toBe('held');
    expect(t.sent()).toHaveLength(3);
  });

  it('a resting entry past unwindAfter is cancelled, and the filled leg reduced to what it filled', async () => {
    const t = await entered();
    await t.executed(A, 'arb:p1:1:perp', { filled: '0.02', side: 'short' });
    await t.executed(B, 'arb:p1:1:other', { filled: '0.01', status: 'partially_filled', side: 'long' });
    t.clock.advance(UNWIND_AFTER_S * 1000);
    const out = await t.runOnce();
    expect(out.sent).toEqual(['arb:p1:1:other:c', 'arb:p1:1:perp:r1']);
    expect(t.sent()[2]).toMatchObject({
      accountId: B,
      intent: 'cancel_order',
      owner: { clientOrderId: clientOrderIdFor('arb:p1:1:other', 'open') },
    });
    expect(t.sent()[3]).toMatchObject({ accountId: A, intent: 'reduce_short', size: { value: 0.01 } });
  });
});

describe('exit', () => {
  async function held() {
    const t = setup();
    await t.runOnce();
    await t.executed(A, 'arb:p1:1:perp', { filled: '0.02', side: 'short' });
    await t.executed(B, 'arb:p1:1:other', { filled: '0.02', side: 'long' });
    t.clock.advance(60_000);
    expect((await t.runOnce()).outcome).toBe('held');
    return t;
  }
  const closes = (t: ReturnType<typeof setup>) =>
    t
      .sent()
      .slice(2)
      .map((s) => [s.signalId, s.accountId, s.intent]);

  it('closes both legs when the horizon ends, then ends the round once both are flat', async () => {
    const t = await held();
    t.clock.t = T0 + HORIZON - 1;
    expect((await t.runOnce()).outcome).toBe('held');
    t.clock.t = T0 + HORIZON;
    const out = await t.runOnce();
    expect(out).toMatchObject({ outcome: 'exiting', reason: 'horizon ended' });
    expect(closes(t)).toEqual([
      ['arb:p1:1:perp:x1', A, 'close_short'],
      ['arb:p1:1:other:x1', B, 'close_long'],
    ]);
    expect(audits(t.audit, 'arb.exited').map((e) => e.data)).toEqual([
      { planId: 'p1', round: 1, symbol: SYMBOL, reason: 'horizon ended' },
    ]);
    t.clock.advance(60_000);
    expect((await t.runOnce()).outcome).toBe('exiting'); // closes not executed yet
    t.hold(A, undefined, '0');
    t.hold(B, undefined, '0');
    expect((await t.runOnce()).outcome).toBe('ended');
  });

  it('closes both legs when the projected spread turns against the pair', async () => {
    const t = await held();
    // A: (6 + 1 + 1) / 3 × 9 = 24 bps, B: 3 × 9 = 27 bps: holding short A / long B now pays 3 bps
    t.market.rates.binanceusdm = ['0.0006', '0.0001', '0.0001'];
    t.market.rates.bybit = ['0.0003', '0.0003', '0.0003'];
    const out = await t.runOnce();
    expect(out).toMatchObject({ outcome: 'exiting', reason: 'projected funding spread turned against the pair' });
    expect(closes(t)).toHaveLength(2);
  });

  it('closes both legs when the plan is disabled', async () => {
    const t = await held();
    const a = (await t.accounts.get(A))!;
    await t.accounts.setArbPlans(A, [{ ...a.settings.arbPlans![0]!, enabled: false }], t.clock.now());
    expect(await t.runOnce()).toMatchObject({ outcome: 'exiting', reason: 'plan disabled' });
    expect(closes(t)).toEqual([
      ['arb:p1:1:perp:x1', A, 'close_short'],
      ['arb:p1:1:other:x1', B, 'close_long'],
    ]);
  });

  it('closes both legs when a leg account is disabled (a kill switch flattened it), holds them while it is only paused', async () => {
    const t = await held();
    await t.accounts.setStatus(B, 'paused', t.clock.now());
    t.clock.advance(60_000);
    expect((await t.runOnce()).outcome).toBe('held');
    await t.accounts.setStatus(B, 'disabled', t.clock.now());
    t.clock.advance(60_000);
    expect(await t.runOnce()).toMatchObject({
      outcome: 'exiting',
      reason: `the other leg's account ${B} is disabled`,
    });
    expect(closes(t)).toEqual([
      ['arb:p1:1:perp:x1', A, 'close_short'],
      ['arb:p1:1:other:x1', B, 'close_long'],
    ]);
  });

  it("a leg's stop fired: the other leg is closed", async () => {
    const t = await held();
    t.hold(B, undefined, '0'); // the long leg's stop filled
    const out = await t.runOnce();
    expect(out.reason).toMatch(/other leg was closed outside the round/);
    expect(closes(t)).toContainEqual(['arb:p1:1:perp:x1', A, 'close_short']);
  });

  it('a close that ended without flattening its leg is sent again under the next id', async () => {
    const t = await held();
    t.clock.t = T0 + HORIZON;
    await t.runOnce();
    await t.executed(A, 'arb:p1:1:perp:x1', { rejected: true });
    await t.executed(B, 'arb:p1:1:other:x1', {});
    t.hold(B, undefined, '0');
    t.clock.advance(60_000);
    expect((await t.runOnce()).sent).toEqual(['arb:p1:1:perp:x2', 'arb:p1:1:other:x2']);
  });
});

describe('exit retries', () => {
  it('a close refused again and again is retried ever more slowly (at most hourly): the row stays bounded', async () => {
    const t = setup();
    await t.runOnce();
    await t.executed(A, 'arb:p1:1:perp', { filled: '0.02', side: 'short' });
    await t.executed(B, 'arb:p1:1:other', { filled: '0.02', side: 'long' });
    t.clock.t = T0 + HORIZON;
    await t.runOnce(); // x1
    const attemptTimes: number[] = [T0 + HORIZON];
    // the account is halted for 12 h: every close is refused
    const refused = new Set<string>();
    for (let minute = 1; minute <= 12 * 60; minute++) {
      for (const m of t.queue.messages.slice(-2)) {
        const id = m.signal.signalId;
        if (id.includes(':x') && !refused.has(id)) {
          refused.add(id);
          await t.executed(m.signal.accountId, id, { rejected: true });
        }
      }
      t.clock.t = T0 + HORIZON + minute * 60_000;
      const out = await t.runOnce();
      if (out.sent.length) attemptTimes.push(t.clock.now());
    }
    const gaps = attemptTimes.slice(1).map((at, i) => (at - attemptTimes[i]!) / 60_000);
    expect(gaps.slice(0, 7)).toEqual([1, 2, 4, 8, 16, 32, 60]);
    expect(gaps.every((g) => g <= 60)).toBe(true);
    expect(attemptTimes.length).toBeLessThan(20); // not 720
    const row = [...t.rounds.rows.values()][0]!;
    expect(row.status).toBe('exiting');
    expect(row.outbox.length).toBe(2 + 2 * attemptTimes.length);
  });
});

describe('legAmount', () => {
  it('rounds notional / mark down to the coarser step, and refuses what the markets cannot both hold', () => {
    const steps = (a: string, b: string) => [
      { amountStep: a, minAmount: a },
      { amountStep: b, minAmount: b },
    ];
    expect(legAmount('1234', '50000', steps('0.001', '0.01'))).toEqual({ amount: '0.02' });
    expect(legAmount('1234', '50000', steps('0.001', '0.001'))).toEqual({ amount: '0.024' });
    expect(legAmount('600', '50000', steps('0.001', '0.01'))).toEqual({ amount: '0.01' });
    expect(legAmount('400', '50000', steps('0.001', '0.01'))).toEqual({
      refused: "notional 400 at 50000 is 0 base, below a market's minimum 0.001",
    });
    // 1100 / 50000 = 0.022 → 0.021 at 0.003, not a multiple of 0.002
    expect(legAmount('1100', '50000', steps('0.002', '0.003'))).toEqual({
      refused: "the markets' amount steps (0.002, 0.003) cannot give both legs 0.021",
    });
  });
});

describe('settledSpacingMs', () => {
  it('reads the interval off the newest settlements: jitter rounded to the minute, a missing row ignored', () => {
    const at = (...hours: number[]) => hours.map((h, i) => ({ time: T0 + h * HOUR + (i % 2 ? 3 : 0) }));
    expect(settledSpacingMs(at(0, 4, 8, 16))).toBe(4 * HOUR); // the row at 12 h is missing
    expect(settledSpacingMs(at(0, 8, 16, 17, 18))).toBe(HOUR); // switched to 1 h
    expect(settledSpacingMs(at(0))).toBeUndefined();
    expect(settledSpacingMs([])).toBeUndefined();
  });
});
