// The deployment admin's routes (docs/API.md "Admin"): every tenant's plan, members, accounts and
// live slots; usage of a day beside the limits; a tenant's plan set and recorded. Only the admin
// role (403 for any tenant role, no scope built); bad input named (plan with the known names,
// day with its bound); an unknown tenant 404. The view is the real TenantAdmin over in-memory
// tables of the tenants' items and the accounts' slot fields.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createConsoleApiHandler } from '../../../../functions/console-api/app';
import type { TenantId } from '../../../../shared/core/domain/tenant';
import { DEFAULT_PLANS } from '../../../../shared/core/tenancy/plans';
import type { UsageMetric } from '../../../../shared/core/tenancy/ports';
import {
  TenantAdmin,
  type AccountSlotFields,
  type AdminTenantEntry,
  type PlanChange,
} from '../../../../shared/core/tenancy/tenant-admin';
import { testLogger } from '../log-capture';

const context = { functionName: 'console-api', awsRequestId: 'req-1' } as never;
const NOW = Date.UTC(2026, 11, 7, 12);
const B: TenantId = 't0123456789';

function event(
  method: string,
  path: string,
  options: { groups: string; query?: Record<string, string>; body?: string },
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'ANY /api/v1/{proxy+}',
    rawPath: `/api/v1/${path}`,
    rawQueryString: '',
    headers: {},
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      http: { method, path: `/api/v1/${path}`, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req-1',
      authorizer: {
        jwt: {
          claims: {
            sub: 'admin-1',
            email: 'admin@example.com',
            'cognito:groups': `[${options.groups}]`,
            auth_time: String(Math.floor(NOW / 1000)),
          },
          scopes: null,
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2;
}

function tables() {
  const entries: AdminTenantEntry[] = [
    {
      tenantId: 'acc',
      record: { tenantId: 'acc', plan: 'unlimited', createdAt: 1, ownerEmail: 'first@example.com' },
      members: [
        { tenantId: 'acc', userId: 'u1', email: 'first@example.com', role: 'owner', addedAt: 1 },
        { tenantId: 'acc', userId: 'u2', email: 'bob@example.com', role: 'viewer', addedAt: 2 },
      ],
      accountIds: ['acc-000000000001', 'acc-000000000002', 'acc-000000000003'],
    },
    {
      tenantId: B,
      record: { tenantId: B, plan: 'pro', createdAt: 5, ownerEmail: 'b@example.com' },
      members: [{ tenantId: B, userId: 'u3', email: 'b@example.com', role: 'owner', addedAt: 5 }],
      // an index entry whose account never came (a crash between the two writes) counts nothing
      accountIds: [`${B}-000000000001`, `${B}-000000000002`, `${B}-00000000dead`],
    },
  ];
  const accounts: AccountSlotFields[] = [
    { accountId: 'acc-000000000001', exchange: 'binanceusdm', status: 'active' },
    { accountId: 'acc-000000000002', exchange: 'paper', status: 'active' },
    { accountId: 'acc-000000000003', exchange: 'okx', status: 'active', deletedAt: 3 },
    { accountId: `${B}-000000000001`, exchange: 'bybit', status: 'active' },
    { accountId: `${B}-000000000002`, exchange: 'okx', status: 'paused' },
  ];
  const usage = new Map<string, Partial<Record<UsageMetric, number>>>([
    [`${B}#2026-12-07`, { signals: 4, orders: 6, backtests: 2, optimisations: 1 }],
    [`${B}#2026-12-01`, { signals: 9 }],
  ]);
  const changes: PlanChange[] = [];
  const admin = new TenantAdmin({
    directory: {
      everyTenant: async () => entries.map((e) => ({ ...e, members: [...e.members], accountIds: [...e.accountIds] })),
      setPlan: async (tenantId, change) => {
        const entry = entries.find((e) => e.tenantId === tenantId);
        if (!entry?.record) return undefined;
        const done = { ...change, from: entry.record.plan };
        entry.record = { ...entry.record, plan: change.to };
        changes.push(done);
        return done;
      },
    },
    accounts: {
      slotFields: async (ids) => accounts.filter((a) => ids.includes(a.accountId)),
    },
    meter: {
      day: async (tenantId, at) => ({
        signals: 0,
        orders: 0,
        backtests: 0,
        optimisations: 0,
        generations: 0,
        ...usage.get(`${tenantId}#${new Date(at).toISOString().slice(0, 10)}`),
      }),
    },
    plans: DEFAULT_PLANS,
    clock: { now: () => NOW },
  });
  const scopes: string[] = [];
  const built = jest.fn(() => admin);
  const handler = createConsoleApiHandler(
    {
      scope: (t) => {
        scopes.push(t);
        throw new Error('no tenant scope on an admin route');
      },
      admin: built,
      clock: { now: () => NOW },
    },
    testLogger('console-api'),
  );
  const call = async (e: APIGatewayProxyEventV2) => {
    const r = await handler(e, context);
    return { status: r.statusCode, json: () => JSON.parse(String(r.body)) as Record<string, unknown> };
  };
  return { call, scopes, built, changes, entries };
}

describe('console-api: the deployment admin', () => {
  it('lists every tenant: plan, members, accounts and live slots in use against the plan', async () => {
    const { call, scopes } = tables();
    const r = await call(event('GET', 'admin/tenants', { groups: 'admin' }));
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({
      plans: ['free', 'pro', 'unlimited'],
      tenants: [
        {
          tenantId: 'acc',
          plan: { name: 'unlimited', source: 'record', limits: {} },
          createdAt: 1,
          members: [
            { email: 'bob@example.com', role: 'viewer' },
            { email: 'first@example.com', role: 'owner' },
          ],
          // the deleted one is no account; the paper one holds no live slot
          accounts: 2,
          liveAccounts: { inUse: 1 },
        },
        {
          tenantId: B,
          plan: { name: 'pro', source: 'record', limits: DEFAULT_PLANS.pro },
          createdAt: 5,
          members: [{ email: 'b@example.com', role: 'owner' }],
          // a paused live account holds no slot
          accounts: 2,
          liveAccounts: { inUse: 1, allowed: 3 },
        },
      ],
    });
    expect(scopes).toEqual([]);
  });

  it("gives each tenant's counters of a day beside the plan's daily limits (today by default)", async () => {
    const { call } = tables();
    const today = (await call(event('GET', 'admin/usage', { groups: 'admin' }))).json();
    expect(today.day).toBe('2026-12-07');
    expect(today.tenants).toEqual([
      {
        tenantId: 'acc',
        plan: 'unlimited',
        usage: {
          signals: { used: 0 },
          orders: { used: 0 },
          backtests: { used: 0 },
          optimisations: { used: 0 },
          runs: { used: 0 },
          generations: { used: 0 },
        },
      },
      {
        tenantId: B,
        plan: 'pro',
        usage: {
          signals: { used: 4 },
          orders: { used: 6 },
          backtests: { used: 2 },
          optimisations: { used: 1 },
          runs: { used: 3, allowed: 200 },
          generations: { used: 0, allowed: 50 },
        },
      },
    ]);
    const past = (await call(event('GET', 'admin/usage', { groups: 'admin', query: { day: '2026-12-01' } }))).json();
    expect(past.day).toBe('2026-12-01');
    expect((past.tenants as { usage: { signals: { used: number } } }[])[1]!.usage.signals.used).toBe(9);
  });

  it('refuses a bad day naming `day` and its bound', async () => {
    const { call } = tables();
    for (const day of ['2026-02-30', '7 Dec', '2026-12-08', '2020-01-01', '']) {
      const r = await call(event('GET', 'admin/usage', { groups: 'admin', query: { day } }));
      expect({ day, status: r.status }).toEqual({ day, status: 400 });
      expect(r.json()).toEqual({
        error: {
          code: 'invalid_query',
          field: 'day',
          message: 'day: must be a UTC date yyyy-mm-dd from 2025-11-02 to 2026-12-07',
        },
      });
    }
    const unknown = await call(event('GET', 'admin/usage', { groups: 'admin', query: { days: '3' } }));
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { field: 'days' } });
  });

  it("sets a tenant's plan and records who changed it from what", async () => {
    const { call, changes, entries } = tables();
    const r = await call(event('PUT', `admin/tenants/${B}/plan`, { groups: 'admin', body: '{"plan":"free"}' }));
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ tenantId: B, at: NOW, by: 'admin@example.com', from: 'pro', to: 'free' });
    expect(changes).toEqual([{ at: NOW, by: 'admin@example.com', from: 'pro', to: 'free' }]);
    expect(entries[1]!.record!.plan).toBe('free');
    const listed = (await call(event('GET', 'admin/tenants', { groups: 'admin' }))).json();
    expect((listed.tenants as { plan: { name: string } }[])[1]!.plan.name).toBe('free');
  });

  it('refuses a plan the stage does not define, naming `plan` and the known names; nothing written', async () => {
    const { call, changes } = tables();
    for (const body of ['{"plan":"gold"}', '{}', '{"plan":3}']) {
      const r = await call(event('PUT', `admin/tenants/${B}/plan`, { groups: 'admin', body }));
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
      expect(r.json()).toMatchObject({
        error: { code: 'invalid_argument', field: 'plan', message: expect.stringContaining('free, pro, unlimited') },
      });
    }
    expect((await call(event('PUT', `admin/tenants/${B}/plan`, { groups: 'admin', body: 'nope' }))).status).toBe(400);
    expect(changes).toEqual([]);
  });

  it('answers 404 for a tenant that does not exist, or an id that is none', async () => {
    const { call, changes } = tables();
    for (const id of ['tfedcba9876', 'not-a-tenant', 'email%23x%40example.com']) {
      const r = await call(event('PUT', `admin/tenants/${id}/plan`, { groups: 'admin', body: '{"plan":"pro"}' }));
      expect({ id, status: r.status }).toEqual({ id, status: 404 });
    }
    expect(changes).toEqual([]);
  });

  it.each(['owner', 'trader', 'viewer'])(
    'refuses a %s of any tenant (403) before the admin view is built or read',
    async (role) => {
      const { call, built, changes } = tables();
      for (const [method, path, body] of [
        ['GET', 'admin/tenants', undefined],
        ['GET', 'admin/usage', undefined],
        ['PUT', `admin/tenants/${B}/plan`, '{"plan":"unlimited"}'],
        ['PUT', 'admin/tenants/acc/plan', '{"plan":"unlimited"}'],
      ] as const) {
        const r = await call(event(method, path, { groups: `${role} tenant-${B}`, ...(body ? { body } : {}) }));
        expect({ method, path, status: r.status }).toEqual({ method, path, status: 403 });
        expect(r.json()).toMatchObject({ error: { code: 'forbidden_role' } });
      }
      expect(built).not.toHaveBeenCalled();
      expect(changes).toEqual([]);
    },
  );

  it('wrong methods and unknown admin paths are refused', async () => {
    const { call } = tables();
    expect((await call(event('POST', 'admin/tenants', { groups: 'admin' }))).status).toBe(405);
    expect((await call(event('GET', `admin/tenants/${B}/plan`, { groups: 'admin' }))).status).toBe(405);
    expect((await call(event('GET', 'admin/nothing', { groups: 'admin' }))).status).toBe(404);
  });
});
