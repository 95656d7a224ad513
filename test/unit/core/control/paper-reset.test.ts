// paper-reset through OwnerActions over in-memory tables and the in-memory paper ledger: the new
// wallet balance and the risk state's baselines move together (so the drawdown measured from the
// peak is zero at the new balance), the audit event carries both balances, and every refusal
// (live account, open position, resting order, unfinished signal, balance out of bounds) changes
// nothing.
import { MemoryLedgerStore } from '../../../../shared/adapters/paper/memory-ledger-store';
import { DEFAULT_ACCOUNT_SETTINGS, DEFAULT_PAPER_SETTINGS } from '../../../../shared/core/domain/account';
import { AccountInputError } from '../../../../shared/core/control/accounts';
import type { Actor } from '../../../../shared/core/control/operator-action-types';
import { OwnerActions } from '../../../../shared/core/control/operator-actions';
import { RiskReport } from '../../../../shared/core/reporting/risk-report';
import { emptyRiskState } from '../../../../shared/core/risk/state';
import { MemorySignalLedger, MemorySignalQueue, T0 } from '../fakes';
import { MemoryAccounts, MemoryOrders } from '../memory-repos';
import { accountRecord, bookPosition, BTC, memoryRiskTables, rejectionOf } from '../risk/fixtures';

const owner: Actor = {
  userId: 'u-1',
  email: 'owner@example.com',
  tenantId: 'acc',
  role: 'owner',
  authTime: T0,
  via: 'console',
};

async function setup(exchange: 'paper' | 'binanceusdm' = 'paper') {
  const tables = memoryRiskTables();
  const paper = new MemoryLedgerStore();
  const account = accountRecord({
    exchange,
    settings: { ...DEFAULT_ACCOUNT_SETTINGS, ...(exchange === 'paper' ? { paper: DEFAULT_PAPER_SETTINGS } : {}) },
  });
  const deps = {
    ...tables,
    accounts: new MemoryAccounts([account]),
    orders: new MemoryOrders(),
    ledger: new MemorySignalLedger(),
    queue: new MemorySignalQueue(tables.clock),
    paper,
  };
  // 10,000 went down to 7,000: 30 % below the 10,000 peak, past the default 20 % drawdown
  await paper.saveState(
    {
      accountId: 'acc-1',
      currency: 'USDT',
      walletBalance: '7000',
      positions: {},
      leverage: {},
      appliedOrderIds: ['o-1'],
      version: 4,
      updatedAt: T0 - 1,
    },
    0,
  );
  await tables.risk.saveState(
    {
      ...emptyRiskState('acc-1', T0 - 86_400_000),
      peakEquity: '10000',
      lastEquity: '7000',
      dayStartEquity: '7200',
      version: 1,
    },
    0,
  );
  const report = new RiskReport({ ...deps });
  return { ...deps, report, actions: new OwnerActions(deps) };
}

describe('paper-reset', () => {
  it('sets the paper wallet and the risk baselines to the new balance, audited with both balances', async () => {
    const t = await setup();
    const result = await t.actions.run('paper-reset', { account: 'acc-1', balance: '25000.50' }, owner);
    expect(result).toMatchObject({ status: 200, action: 'paper-reset', accountIds: ['acc-1'] });
    const state = await t.paper.getState('acc-1');
    expect(state).toMatchObject({ walletBalance: '25000.5', positions: {}, version: 5, updatedAt: T0 });
    const risk = await t.risk.getState('acc-1');
    expect(risk).toMatchObject({
      peakEquity: '25000.5',
      dayStartEquity: '25000.5',
      lastEquity: '25000.5',
      peakAt: T0,
      dayStartAt: T0,
    });
    // what `risk show` and the console read: no drawdown, no day loss at the new balance
    const usage = (await t.report.show('acc-1')).usage;
    expect(usage).toMatchObject({ drawdownPct: 0, dayLossPct: 0, equity: '25000.5' });
    const event = t.audit.events.at(-1)!;
    expect(event).toMatchObject({
      type: 'account.control',
      data: { action: 'paper-reset', balance: '25000.5', previousBalance: '7000' },
    });
  });

  it('a first reset (no ledger yet, no risk state) starts the ledger at the new balance', async () => {
    const t = await setup();
    t.paper = new MemoryLedgerStore();
    const actions = new OwnerActions({ ...t, paper: t.paper, risk: memoryRiskTables().risk });
    await actions.run('paper-reset', { account: 'acc-1', balance: 500 }, owner);
    expect(await t.paper.getState('acc-1')).toMatchObject({ walletBalance: '500', version: 1, currency: 'USDT' });
  });

  it.each([
    [{ account: 'acc-1', balance: '0' }, 'balance', 'positive decimal'],
    [{ account: 'acc-1', balance: '1e3' }, 'balance', 'positive decimal'],
    [{ account: 'acc-1', balance: '1000000000.01' }, 'balance', 'at most 1000000000'],
    [{ account: 'acc-1' }, 'balance', ''],
  ])('refuses %j naming %s', async (input, field, text) => {
    const t = await setup();
    const error = await rejectionOf(t.actions.run('paper-reset', input, owner), AccountInputError);
    expect(error.field).toBe(field);
    expect(error.message).toContain(text);
    expect((await t.paper.getState('acc-1'))?.walletBalance).toBe('7000');
  });

  it('refuses a live account, an open position, a resting order and an unfinished signal; nothing changes', async () => {
    const live = await setup('binanceusdm');
    expect(
      (await rejectionOf(live.actions.run('paper-reset', { account: 'acc-1', balance: '1' }, owner), AccountInputError))
        .message,
    ).toContain('only a paper balance');

    const withPosition = await setup();
    withPosition.positions.seed(bookPosition(BTC, 'long', '0.5', '50000'));
    expect(
      (
        await rejectionOf(
          withPosition.actions.run('paper-reset', { account: 'acc-1', balance: '1' }, owner),
          AccountInputError,
        )
      ).message,
    ).toContain('open positions (BTC/USDT:USDT)');

    const withOrder = await setup();
    await withOrder.paper.putOrder({
      accountId: 'acc-1',
      id: 'p-1',
      clientOrderId: 'c-1',
      symbol: BTC,
      type: 'limit',
      side: 'buy',
      amount: 0.1,
      price: 40000,
      filled: 0,
      status: 'open',
      timestamp: T0,
      applied: false,
    } as never);
    expect(
      (
        await rejectionOf(
          withOrder.actions.run('paper-reset', { account: 'acc-1', balance: '1' }, owner),
          AccountInputError,
        )
      ).message,
    ).toContain('resting paper order');

    const withSignal = await setup();
    withSignal.ledger.signals.set('acc-1|s-1', {
      accountId: 'acc-1',
      signalId: 's-1',
      status: 'queued',
      updatedAt: T0,
    });
    expect(
      (
        await rejectionOf(
          withSignal.actions.run('paper-reset', { account: 'acc-1', balance: '1' }, owner),
          AccountInputError,
        )
      ).message,
    ).toContain('not yet executed');

    for (const t of [withPosition, withOrder, withSignal]) {
      expect((await t.paper.getState('acc-1'))?.walletBalance).toBe('7000');
      expect((await t.risk.getState('acc-1'))?.peakEquity).toBe('10000');
    }
  });
});
