// The console API's side of issue 15 item 3 and 4: a money move is refused with
// second_factor_required unless the pool requires TOTP (CONSOLE_MFA=required) and the sign-in is
// fresh; a plan limit is 403 plan_limit naming the limit; GET /usage answers the caller's own
// tenant. The router with the real OwnerActions, PlanGuard and UsageReport over in-memory tables.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createConsoleApiHandler } from '../../../../functions/console-api/app';
import type { Account } from '../../../../shared/core/domain/account';
import { OwnerActions } from '../../../../shared/core/control/operator-actions';
import type { ConsoleReads } from '../../../../shared/core/performance/console-reads';
import { PlanGuard } from '../../../../shared/core/tenancy/plan-guard';
import { DEFAULT_PLANS } from '../../../../shared/core/tenancy/plans';
import type { TenantRecord, UsageMetric } from '../../../../shared/core/tenancy/ports';
import { UsageReport } from '../../../../shared/core/tenancy/usage-report';
import { MemorySignalLedger, MemorySignalQueue, T0 } from '../../core/fakes';
import { MemoryAccounts, MemoryOrders } from '../../core/memory-repos';
import { accountRecord, memoryRiskTables } from '../../core/risk/fixtures';
import { testLogger } from '../log-capture';

const context = { functionName: 'console-api', awsRequestId: 'req-1' } as never;
const FREE = 't0000000001';
const PRO = 't0000000002';
const id = (tenant: string, n: number) => `${tenant}-${String(n).padStart(12, '0')}`;

function event(
  method: string,
  path: string,
  tenant: string,
  options: { body?: unknown; authTime?: number; query?: Record<string, string>; role?: string } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    rawPath: `/api/v1/${path}`,
    headers: {},
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    isBase64Encoded: false,
    requestContext: {
      http: { method, path: `/api/v1/${path}` },
      authorizer: {
        jwt: {
          claims: {
            sub: `user-${tenant}`,
            username: `${tenant}@example.com`,
            'cognito:groups': `[${options.role ?? 'owner'} tenant-${tenant}]`,
            auth_time: String(Math.floor((options.authTime ?? T0 - 60_000) / 1000)),
          },
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2;
}

function setup(secondFactorRequired: boolean, accounts: Account[]) {
  const tables = memoryRiskTables();
  const records: TenantRecord[] = [
    { tenantId: FREE, plan: 'free', createdAt: T0, ownerEmail: 'f@example.com' },
    { tenantId: PRO, plan: 'pro', createdAt: T0, ownerEmail: 'p@example.com' },
  ];
  const counters = new Map<string, Record<UsageMetric, number>>();
  const meter = {
    day: async (tenantId: string, at: number) =>
      counters.get(`${tenantId}@${new Date(at).toISOString().slice(0, 10)}`) ?? {
        signals: 0,
        orders: 0,
        backtests: 0,
        optimisations: 0,
        generations: 0,
      },
  };
  const guard = new PlanGuard({
    directory: { tenant: async (t) => records.find((r) => r.tenantId === t) },
    plans: DEFAULT_PLANS,
    meter,
    clock: tables.clock,
  });
  const store = new MemoryAccounts(accounts);
  const actions = new OwnerActions({
    ...tables,
    accounts: store,
    orders: new MemoryOrders(),
    ledger: new MemorySignalLedger(),
    queue: new MemorySignalQueue(tables.clock),
    plans: guard,
  });
  const handler = createConsoleApiHandler(
    {
      // one scope serves every tenant here: the memory store holds each tenant's accounts and the
      // actions and usage read the tenant from the actor and the account ids
      scope: () => ({
        reads: {} as ConsoleReads,
        actions,
        usage: new UsageReport({ guard, meter, accounts: store, clock: tables.clock }),
      }),
      secondFactorRequired,
    },
    testLogger('console-api'),
  );
  const call = async (e: APIGatewayProxyEventV2) => {
    const r = await handler(e, context);
    return { status: r.statusCode, json: () => JSON.parse(String(r.body)) };
  };
  return { call, store, counters };
}

const live = (accountId: string, over: Partial<Account> = {}) =>
  accountRecord({ accountId, exchange: 'binanceusdm', ...over });

describe('POST /actions/enable: the second factor', () => {
  it('a pool without TOTP: refused second_factor_required, naming how to turn it on; nothing changes', async () => {
    const a = id(PRO, 1);
    const t = setup(false, [live(a, { status: 'paused' })]);
    const r = await t.call(event('POST', 'actions/enable', PRO, { body: { account: a } }));
    expect(r.status).toBe(403);
    expect(r.json().error).toMatchObject({ code: 'second_factor_required' });
    expect(r.json().error.message).toContain('CONSOLE_MFA=required');
    expect((await t.store.get(a))?.status).toBe('paused');
  });

  it('CONSOLE_MFA=required: a TOTP sign-in within 5 minutes enables; an older one is asked to sign in again', async () => {
    const a = id(PRO, 1);
    const t = setup(true, [live(a, { status: 'paused' })]);
    const old = await t.call(event('POST', 'actions/enable', PRO, { body: { account: a }, authTime: T0 - 6 * 60_000 }));
    expect(old.status).toBe(403);
    expect(old.json().error.code).toBe('second_factor_required');
    expect((await t.store.get(a))?.status).toBe('paused');
    const fresh = await t.call(event('POST', 'actions/enable', PRO, { body: { account: a } }));
    expect(fresh.status).toBe(200);
    expect((await t.store.get(a))?.status).toBe('active');
  });

  it('a free plan: 403 plan_limit naming the limit, even with the second factor', async () => {
    const a = id(FREE, 1);
    const t = setup(true, [live(a, { status: 'paused' })]);
    const r = await t.call(event('POST', 'actions/enable', FREE, { body: { account: a } }));
    expect(r.status).toBe(403);
    expect(r.json().error).toEqual({
      code: 'plan_limit',
      field: 'liveAccounts',
      message: 'plan free allows 0 live accounts (you have 0)',
    });
  });
});

describe('GET /usage', () => {
  it("the caller's own tenant: plan, limits, live slots and strategies in use, today's counters first", async () => {
    const t = setup(true, [live(id(PRO, 1)), live(id(PRO, 2), { status: 'paused' }), live(id(FREE, 1))]);
    t.counters.set(`${PRO}@${new Date(T0).toISOString().slice(0, 10)}`, {
      signals: 7,
      orders: 12,
      backtests: 3,
      optimisations: 1,
      generations: 0,
    });
    const r = await t.call(event('GET', 'usage', PRO, { query: { days: '2' }, role: 'viewer' }));
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({
      tenantId: PRO,
      plan: { name: 'pro', source: 'record', limits: DEFAULT_PLANS.pro },
      liveAccounts: { inUse: 1, allowed: 3 },
      strategies: { inUse: 0, allowed: 20 },
    });
    expect(body.days).toHaveLength(2);
    expect(body.days[0]).toEqual({
      day: new Date(T0).toISOString().slice(0, 10),
      signals: 7,
      orders: 12,
      backtests: 3,
      optimisations: 1,
      generations: 0,
    });
    expect(body.days[1].signals).toBe(0);
  });

  it('no parameter names another tenant; days is bounded', async () => {
    const t = setup(true, []);
    const other = await t.call(event('GET', 'usage', PRO, { query: { tenant: FREE } }));
    expect(other.status).toBe(400);
    expect(other.json().error.field).toBe('tenant');
    const days = await t.call(event('GET', 'usage', PRO, { query: { days: '32' } }));
    expect(days.status).toBe(400);
    expect(days.json().error).toMatchObject({ field: 'days', message: 'days must be a whole number from 1 to 31' });
  });
});
