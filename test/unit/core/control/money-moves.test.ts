// What moves money needs a fresh second factor, and what opens is held to the tenant's plan; what
// closes never is. OwnerActions over in-memory tables with the real PlanGuard (the plans of the
// stage's defaults, the tenant's record in an in-memory directory).
import type { Account } from '../../../../shared/core/domain/account';
import { ForbiddenActionError, PlanLimitError } from '../../../../shared/core/errors';
import type { Actor } from '../../../../shared/core/control/operator-action-types';
import { OwnerActions } from '../../../../shared/core/control/operator-actions';
import { CreateAccount } from '../../../../shared/core/control/accounts';
import type { KeyVault } from '../../../../shared/core/ports/runtime';
import { PlanGuard } from '../../../../shared/core/tenancy/plan-guard';
import { DEFAULT_PLANS } from '../../../../shared/core/tenancy/plans';
import type { TenantRecord } from '../../../../shared/core/tenancy/ports';
import { MemorySignalLedger, MemorySignalQueue, T0 } from '../fakes';
import { MemoryAccounts, MemoryAudit, MemoryOrders } from '../memory-repos';
import { accountRecord, bookPosition, BTC, memoryRiskTables, rejectionOf } from '../risk/fixtures';

const FREE = 't0000000001';
const PRO = 't0000000002';
const id = (tenant: string, n: number) => `${tenant}-${String(n).padStart(12, '0')}`;

const actor = (tenantId: string, over: Partial<Actor> = {}): Actor => ({
  userId: `u-${tenantId}`,
  email: `${tenantId}@example.com`,
  tenantId,
  role: 'owner',
  authTime: T0 - 60_000,
  via: 'console',
  ...over,
});
/** a TOTP sign-in a minute ago */
const withTotp = (tenantId: string, over: Partial<Actor> = {}) =>
  actor(tenantId, { secondFactorAt: T0 - 60_000, ...over });

function setup(accounts: Account[], plans: Record<string, string> = { [FREE]: 'free', [PRO]: 'pro' }) {
  const tables = memoryRiskTables();
  const records: TenantRecord[] = Object.entries(plans).map(([tenantId, plan]) => ({
    tenantId,
    plan,
    createdAt: T0,
    ownerEmail: 'o@example.com',
  }));
  const guard = new PlanGuard({
    directory: { tenant: async (t) => records.find((r) => r.tenantId === t) },
    plans: DEFAULT_PLANS,
    clock: tables.clock,
  });
  const deps = {
    ...tables,
    accounts: new MemoryAccounts(accounts),
    orders: new MemoryOrders(),
    ledger: new MemorySignalLedger(),
    queue: new MemorySignalQueue(tables.clock),
    plans: guard,
  };
  return { ...deps, actions: new OwnerActions(deps) };
}

const live = (accountId: string, over: Partial<Account> = {}) =>
  accountRecord({ accountId, exchange: 'binanceusdm', ...over });
const paper = (accountId: string, over: Partial<Account> = {}) => accountRecord({ accountId, ...over });

describe('the second factor for money moves', () => {
  it('live enable without a second factor is refused (how to turn it on named); with a fresh one it works', async () => {
    const a = id(PRO, 1);
    const t = setup([live(a, { status: 'paused' })]);
    const none = await rejectionOf(t.actions.run('enable', { account: a }, actor(PRO)), ForbiddenActionError);
    expect(none.reason).toBe('second_factor_required');
    expect(none.message).toContain('CONSOLE_MFA=required');
    const stale = await rejectionOf(
      t.actions.run('enable', { account: a }, actor(PRO, { secondFactorAt: T0 - 5 * 60_000 - 1 })),
      ForbiddenActionError,
    );
    expect(stale.reason).toBe('second_factor_required');
    expect(stale.message).toContain('sign in again with your TOTP code');
    expect((await t.accounts.get(a))?.status).toBe('paused');
    expect(t.audit.events).toEqual([]);

    const result = await t.actions.run('enable', { account: a }, actor(PRO, { secondFactorAt: T0 - 5 * 60_000 }));
    expect(result).toMatchObject({ status: 200, action: 'enable', accountIds: [a] });
    expect((await t.accounts.get(a))?.status).toBe('active');
    expect(t.audit.events.at(-1)).toMatchObject({ type: 'account.control', data: { action: 'enable' } });
  });

  it('flatten from the web needs it; pause, close and reduce do not', async () => {
    const a = id(PRO, 1);
    const t = setup([live(a)]);
    t.positions.seed({ ...bookPosition(BTC, 'long', '0.5', '50000'), accountId: a, version: 1 });
    const error = await rejectionOf(t.actions.run('flatten', { account: a }, actor(PRO)), ForbiddenActionError);
    expect(error.reason).toBe('second_factor_required');
    expect(t.queue.messages).toEqual([]);
    await t.actions.run('close', { account: a, symbol: 'BTCUSDT' }, actor(PRO));
    await t.actions.run('pause', { account: a }, actor(PRO));
    expect(t.queue.messages).toHaveLength(1);
    expect((await t.accounts.get(a))?.status).toBe('paused');
  });

  it('resume of an account its kill switch disabled needs it; of a paused one not', async () => {
    const a = id(PRO, 1);
    const b = id(PRO, 2);
    const t = setup([paper(a, { status: 'disabled' }), paper(b, { status: 'paused' })]);
    const error = await rejectionOf(t.actions.run('resume', { account: a }, actor(PRO)), ForbiddenActionError);
    expect(error.reason).toBe('second_factor_required');
    expect(error.message).toContain('kill switch');
    expect((await t.accounts.get(a))?.status).toBe('disabled');
    await t.actions.run('resume', { account: b }, actor(PRO));
    await t.actions.run('resume', { account: a }, withTotp(PRO));
    expect((await t.accounts.get(a))?.status).toBe('active');
  });

  it('risk-set that raises a leverage cap needs it; one that lowers it or changes anything else does not', async () => {
    const a = id(PRO, 1);
    const t = setup([paper(a)]);
    for (const set of [['limits.maxLeverage=50'], ['limits.symbolMaxLeverage.BTC/USDT:USDT=40']]) {
      const error = await rejectionOf(t.actions.run('risk-set', { account: a, set }, actor(PRO)), ForbiddenActionError);
      expect(error.reason).toBe('second_factor_required');
    }
    expect((await t.accounts.get(a))?.settings.risk).toBeUndefined();
    await t.actions.run('risk-set', { account: a, set: ['limits.maxLeverage=5'] }, actor(PRO));
    await t.actions.run('risk-set', { account: a, set: ['switches.dailyLossPct=3'] }, actor(PRO));
    // back up from 5 to 10 is a raise
    await rejectionOf(
      t.actions.run('risk-set', { account: a, set: ['limits.maxLeverage=10'] }, actor(PRO)),
      ForbiddenActionError,
    );
    await t.actions.run('risk-set', { account: a, set: ['limits.maxLeverage=10'] }, withTotp(PRO));
    expect((await t.accounts.get(a))?.settings.risk).toMatchObject({ limits: { maxLeverage: 10 } });
  });

  it('enabling a strategy on a live account needs it (it starts placing real orders); on a paper account not', async () => {
    const liveId = id(PRO, 1);
    const paperId = id(PRO, 2);
    const t = setup([live(liveId), paper(paperId)]);
    const sub = (account: string) => ({ account, strategy: 'sma-cross', symbol: 'BTCUSDT', timeframe: '1h' });
    const error = await rejectionOf(t.actions.run('strategy-enable', sub(liveId), actor(PRO)), ForbiddenActionError);
    expect(error.reason).toBe('second_factor_required');
    expect(error.message).toContain('enabling a strategy on a live account');
    expect((await t.accounts.get(liveId))?.settings.strategies ?? []).toHaveLength(0);
    await t.actions.run('strategy-enable', sub(paperId), actor(PRO));
    await t.actions.run('strategy-enable', sub(liveId), withTotp(PRO));
    expect((await t.accounts.get(liveId))?.settings.strategies).toHaveLength(1);
    expect((await t.accounts.get(paperId))?.settings.strategies).toHaveLength(1);
  });

  it('the role is checked first: a viewer with a fresh second factor still may not enable', async () => {
    const a = id(PRO, 1);
    const t = setup([live(a, { status: 'paused' })]);
    const error = await rejectionOf(
      t.actions.run('enable', { account: a }, withTotp(PRO, { role: 'viewer' })),
      ForbiddenActionError,
    );
    expect(error.reason).toBe('role');
  });
});

describe('plan limits', () => {
  it('a free-plan user cannot enable a live account (the limit named); their paper trading works', async () => {
    const l = id(FREE, 1);
    const p = id(FREE, 2);
    const t = setup([live(l, { status: 'paused' }), paper(p, { status: 'paused' })]);
    const error = await rejectionOf(t.actions.run('enable', { account: l }, withTotp(FREE)), PlanLimitError);
    expect(error.message).toBe('plan free allows 0 live accounts (you have 0)');
    expect(error).toMatchObject({ plan: 'free', limit: 'liveAccounts', allowed: 0, inUse: 0 });
    // resume is the same door
    await rejectionOf(t.actions.run('resume', { account: l }, withTotp(FREE)), PlanLimitError);
    expect((await t.accounts.get(l))?.status).toBe('paused');
    // paper: enabled, and an entry signal's lane is open to it (the account is active)
    await t.actions.run('resume', { account: p }, actor(FREE));
    await t.actions.run('enable', { account: p }, withTotp(FREE));
    expect((await t.accounts.get(p))?.status).toBe('active');
  });

  it('a pro user at their live-slot limit gets the limit named; another tenant and paper accounts do not count', async () => {
    const accounts = [
      live(id(PRO, 1)),
      live(id(PRO, 2)),
      live(id(PRO, 3)),
      live(id(PRO, 4), { status: 'paused' }),
      paper(id(PRO, 5)),
      live(id(FREE, 9)), // another tenant's live account: not PRO's slot
    ];
    const t = setup(accounts);
    const error = await rejectionOf(t.actions.run('enable', { account: id(PRO, 4) }, withTotp(PRO)), PlanLimitError);
    expect(error.message).toBe('plan pro allows 3 live accounts (you have 3)');
    // one paused frees a slot
    await t.actions.run('pause', { account: id(PRO, 1) }, actor(PRO));
    await t.actions.run('enable', { account: id(PRO, 4) }, withTotp(PRO));
    expect((await t.accounts.get(id(PRO, 4)))?.status).toBe('active');
  });

  it('resume --all stops at the slot limit, counting the accounts it turned on before', async () => {
    const t = setup([
      live(id(PRO, 1), { status: 'paused', createdAt: T0 + 1 }),
      live(id(PRO, 2), { status: 'paused', createdAt: T0 + 2 }),
      live(id(PRO, 3), { status: 'paused', createdAt: T0 + 3 }),
      live(id(PRO, 4), { status: 'paused', createdAt: T0 + 4 }),
    ]);
    await rejectionOf(t.actions.run('resume', { all: true }, actor(PRO)), PlanLimitError);
    const statuses = await Promise.all([1, 2, 3, 4].map(async (n) => (await t.accounts.get(id(PRO, n)))?.status));
    expect(statuses).toEqual(['active', 'active', 'active', 'paused']);
  });

  it("strategies: over the plan's count across the tenant's accounts is refused; re-enabling one is not a new one", async () => {
    const a = id(FREE, 1);
    const b = id(FREE, 2);
    const t = setup([paper(a), paper(b)]);
    const sub = (account: string, symbol: string) => ({ account, strategy: 'sma-cross', symbol, timeframe: '1h' });
    await t.actions.run('strategy-enable', sub(a, 'BTCUSDT'), actor(FREE));
    await t.actions.run('strategy-enable', sub(a, 'ETHUSDT'), actor(FREE));
    await t.actions.run('strategy-enable', sub(b, 'BTCUSDT'), actor(FREE));
    const error = await rejectionOf(t.actions.run('strategy-enable', sub(b, 'SOLUSDT'), actor(FREE)), PlanLimitError);
    expect(error.message).toBe('plan free allows 3 strategy subscriptions (you have 3)');
    await t.actions.run('strategy-enable', sub(b, 'BTCUSDT'), actor(FREE));
    expect((await t.accounts.get(b))?.settings.strategies).toHaveLength(1);
  });

  it('a tenant over every limit still closes, reduces, moves its stop, flattens and pauses', async () => {
    const a = id(FREE, 1);
    // a free tenant holding a live account (e.g. downgraded from pro) with an open position
    const t = setup([live(a)]);
    t.positions.seed({ ...bookPosition(BTC, 'long', '0.5', '50000'), accountId: a, version: 1 });
    await t.actions.run('move-stop', { account: a, symbol: 'BTCUSDT', price: '48000' }, actor(FREE));
    await t.actions.run('reduce', { account: a, symbol: 'BTCUSDT', percent: 50 }, actor(FREE));
    await t.actions.run('close', { account: a, symbol: 'BTCUSDT' }, actor(FREE));
    await t.actions.run('flatten', { account: a }, withTotp(FREE));
    expect(t.queue.messages.map((m) => m.signal.intent)).toEqual([
      'move_stop',
      'reduce_long',
      'close_all',
      'close_all',
    ]);
    expect((await t.accounts.get(a))?.status).toBe('paused');
    // and cannot turn it back on: that opens
    await rejectionOf(t.actions.run('enable', { account: a }, withTotp(FREE)), PlanLimitError);
  });
});

describe('CreateAccount and the plan', () => {
  const vault = {
    encrypt: async () => ({ ciphertext: 'c', keyId: 'k' }),
    decrypt: async () => ({ apiKey: 'k', secret: 's' }),
  } as unknown as KeyVault;

  function create(plan: string, accounts: Account[] = []) {
    const checked: string[] = [];
    const guard = new PlanGuard({
      directory: { tenant: async (t) => ({ tenantId: t, plan, createdAt: T0, ownerEmail: 'o@example.com' }) },
      plans: DEFAULT_PLANS,
      clock: { now: () => T0 },
    });
    const store = new MemoryAccounts(accounts);
    const useCase = new CreateAccount({
      accounts: store,
      vault,
      audit: new MemoryAudit(),
      clock: { now: () => T0 },
      keyChecker: {
        check: async (exchange) => {
          checked.push(exchange);
          return { canWithdraw: false, ipRestricted: false, warnings: [] } as never;
        },
      },
      plans: guard,
    });
    return { useCase, store, checked };
  }
  const keys = { apiKey: 'key', secret: 'secret' };

  it('free: a live account is refused naming the limit before its keys reach the exchange; a paper one is created', async () => {
    const t = create('free');
    const error = await rejectionOf(
      t.useCase.execute({ name: 'live', exchange: 'binanceusdm', credentials: keys }),
      PlanLimitError,
    );
    expect(error.message).toBe('plan free allows 0 live accounts (you have 0)');
    expect(t.checked).toEqual([]);
    expect(await t.store.list()).toEqual([]);
    await t.useCase.execute({ name: 'paper', exchange: 'paper' });
    expect((await t.store.list()).map((a) => a.exchange)).toEqual(['paper']);
  });

  it("pro at its three live accounts: the fourth is refused; the first tenant's paused ones hold no slot", async () => {
    const own = [1, 2, 3].map((n) => live(`acc-00000000000${n}`));
    const t = create('pro', [...own, live('acc-000000000004', { status: 'paused' })]);
    await expect(t.useCase.execute({ name: 'live', exchange: 'okx', credentials: keys })).rejects.toThrow(
      'plan pro allows 3 live accounts (you have 3)',
    );
  });
});

it('resume --all over a kill-switched account without a second factor touches no account', async () => {
  const t = setup([paper(id(PRO, 1), { status: 'paused' }), paper(id(PRO, 2), { status: 'disabled' })]);
  const error = await rejectionOf(t.actions.run('resume', { all: true }, actor(PRO)), ForbiddenActionError);
  expect(error.reason).toBe('second_factor_required');
  expect((await t.accounts.get(id(PRO, 1)))?.status).toBe('paused');
  expect(t.audit.events).toEqual([]);
});
