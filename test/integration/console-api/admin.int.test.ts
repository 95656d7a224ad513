// The deployment admin's routes on the stand-ins, through the local gateway (API Gateway's JWT
// authorizer played) with the real DynamoDB client, wired as `npm start` wires them
// (buildTenantAdmin: a client of its own, never a tenant's scope). Two tenants written as `user
// add` and `account add` write them (meta, members, the account index, the accounts), usage
// counted by the executor's meter, and a tenant's notification settings holding a Discord webhook
// URL (a secret). The admin lists every tenant with its plan, members, accounts and live slots,
// reads a day's usage beside the limits, and sets a plan, which lands on the tenant's meta with
// its history; no answer carries the secret. A tenant's owner, trader or viewer is refused (403),
// a request without a token never reaches the function (401).
import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startGateway } from '../../../bin/local/http-gateway';
import { createConsoleApiHandler } from '../../../functions/console-api/app';
import { DynamoTenantDirectory } from '../../../shared/adapters/dynamodb/tenant-directory';
import { DynamoTenantNotifySettingsStore } from '../../../shared/adapters/dynamodb/tenant-notify-settings';
import { DynamoUsageMeter } from '../../../shared/adapters/dynamodb/usage-meter';
import { DEFAULT_ACCOUNT_SETTINGS, DEFAULT_PAPER_SETTINGS, type ExchangeId } from '../../../shared/core/domain/account';
import { accountIdFor, FIRST_TENANT_ID, newTenantId, type TenantId } from '../../../shared/core/domain/tenant';
import { hashToken } from '../../../shared/core/signal/ids';
import { consoleApiEnvSchema, loadEnv } from '../../../shared/platform/config';
import { tableName } from '../../../shared/platform/resource-names';
import { buildQueueDepth, buildTenantAdmin, consoleScopes } from '../../../shared/runtime/console-api';
import { dynamoClient } from '../../../shared/runtime/dynamo-client';
import { createHarness, endpoints, MutableClock, region, silentLogger, type Harness } from '../harness';

// Tables provisioned on dynalite and some 30 HTTP calls, on a shared 2-core machine.
jest.setTimeout(120_000);

const hex = (n: number) =>
  randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
const A: TenantId = FIRST_TENANT_ID;
const B: TenantId = newTenantId(hex);
const NOW = Date.UTC(2026, 11, 7, 12);
const clock = new MutableClock(NOW);
const DISCORD = `https://discord.com/api/webhooks/123456/${hex(40)}`;
let h: Harness;
let base: string;
let close: () => Promise<void>;
let directory: DynamoTenantDirectory;

const claims = (groups: string, sub: string) => ({
  sub,
  email: `${sub}@example.com`,
  'cognito:groups': `[${groups}]`,
  auth_time: String(Math.floor(NOW / 1000)),
});
const TOKENS: Record<string, Record<string, unknown>> = {
  'Bearer admin': claims('admin', 'root'),
  'Bearer b-owner': claims(`owner tenant-${B}`, 'bo'),
  'Bearer b-trader': claims(`trader tenant-${B}`, 'bt'),
  'Bearer b-viewer': claims(`viewer tenant-${B}`, 'bv'),
  'Bearer a-owner': claims(`owner tenant-${A}`, 'ao'),
};

async function account(tenantId: TenantId, exchange: ExchangeId, status: 'active' | 'paused') {
  const accountId = accountIdFor(tenantId, hex);
  await directory.indexAccount(tenantId, accountId);
  await h.runtime.repos.accounts.create({
    accountId,
    name: `${tenantId}-${exchange}`,
    exchange,
    testnet: false,
    status,
    webhookTokenHash: hashToken(hex(32)),
    settings: { ...DEFAULT_ACCOUNT_SETTINGS, paper: { ...DEFAULT_PAPER_SETTINGS, initialBalance: '10000' } },
    createdAt: clock.now(),
    updatedAt: clock.now(),
  });
  return accountId;
}

beforeAll(async () => {
  h = await createHarness({ clock });
  const db = dynamoClient({ stage: h.stage, region, endpoint: endpoints().dynamo });
  directory = new DynamoTenantDirectory(db, tableName(h.stage, 'tenants'));
  await directory.putTenant({ tenantId: A, plan: 'unlimited', createdAt: 1, ownerEmail: 'first@example.com' });
  await directory.putTenant({ tenantId: B, plan: 'pro', createdAt: 2, ownerEmail: 'b@example.com' });
  await directory.putMember({ tenantId: A, userId: 'ao', email: 'first@example.com', role: 'owner', addedAt: 1 });
  await directory.putMember({ tenantId: B, userId: 'bo', email: 'b@example.com', role: 'owner', addedAt: 2 });
  await directory.putMember({ tenantId: B, userId: 'bv', email: 'viewer@example.com', role: 'viewer', addedAt: 3 });
  await account(A, 'paper', 'active');
  await account(B, 'binanceusdm', 'active');
  await account(B, 'okx', 'paused');
  await account(B, 'paper', 'active');
  const meter = new DynamoUsageMeter(db, tableName(h.stage, 'tenants'));
  await meter.add(B, { signals: 5, orders: 7, backtests: 2 }, NOW);
  await meter.add(B, { signals: 1 }, NOW - 86_400_000);
  await new DynamoTenantNotifySettingsStore(db, tableName(h.stage, 'tenants')).put(B, {
    discordWebhookUrl: DISCORD,
    telegramChatIds: [],
    emails: [],
    updatedAt: NOW,
  });

  const env = loadEnv(consoleApiEnvSchema, {
    STAGE: h.stage,
    AWS_REGION: region,
    DYNAMODB_ENDPOINT: endpoints().dynamo,
    SQS_ENDPOINT: endpoints().sqs,
    SIGNAL_QUEUE_URL: h.queueUrl,
    SIGNAL_DLQ_URL: h.dlqUrl,
  });
  const api = createConsoleApiHandler(
    {
      scope: consoleScopes(env, clock),
      queueDepth: buildQueueDepth(env),
      admin: buildTenantAdmin(env, clock),
      clock,
    },
    silentLogger(),
  );
  const gateway = await startGateway(
    {
      webhook: h.webhook,
      isReady: () => true,
      api: { handler: api, authorize: async (authorization) => (authorization ? TOKENS[authorization] : undefined) },
    },
    0,
  );
  base = gateway.url;
  close = () => new Promise((resolve) => gateway.server.close(() => resolve()));
});

afterAll(async () => {
  await close?.();
});

async function call(method: 'GET' | 'PUT', path: string, token?: string, body?: unknown) {
  const r = await fetch(`${base}/api/v1/${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  expect(text).not.toContain(DISCORD.split('/').pop()!);
  return { status: r.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

test('the admin lists every tenant: plan, members, accounts and live slots against the plan', async () => {
  const r = await call('GET', 'admin/tenants', 'admin');
  expect(r.status).toBe(200);
  const tenants = r.json().tenants as Record<string, unknown>[];
  expect(tenants.map((t) => t.tenantId)).toEqual([A, B]);
  expect(tenants[1]).toEqual({
    tenantId: B,
    plan: { name: 'pro', source: 'record', limits: expect.objectContaining({ liveAccounts: 3 }) },
    createdAt: 2,
    members: [
      { email: 'b@example.com', role: 'owner' },
      { email: 'viewer@example.com', role: 'viewer' },
    ],
    accounts: 3,
    // the paused okx account and the paper one hold no live slot
    liveAccounts: { inUse: 1, allowed: 3 },
  });
  expect(tenants[0]).toMatchObject({ tenantId: A, accounts: 1, liveAccounts: { inUse: 0 } });
});

test("the admin reads a day's usage per tenant beside the plan's daily limits", async () => {
  const today = (await call('GET', 'admin/usage', 'admin')).json();
  expect(today.day).toBe('2026-12-07');
  const b = (today.tenants as { tenantId: string; usage: Record<string, unknown> }[]).find((t) => t.tenantId === B)!;
  expect(b.usage).toMatchObject({
    signals: { used: 5 },
    orders: { used: 7 },
    runs: { used: 2, allowed: 200 },
    generations: { used: 0, allowed: 50 },
  });
  const yesterday = (await call('GET', 'admin/usage?day=2026-12-06', 'admin')).json();
  expect(
    (yesterday.tenants as { tenantId: string; usage: { signals: { used: number } } }[]).find((t) => t.tenantId === B)!
      .usage.signals.used,
  ).toBe(1);
  const bad = await call('GET', 'admin/usage?day=2026-13-01', 'admin');
  expect(bad.status).toBe(400);
  expect(bad.json()).toMatchObject({ error: { field: 'day' } });
});

test("the admin sets a tenant's plan: on its meta, with who and from what; bad plans and tenants refused", async () => {
  const set = await call('PUT', `admin/tenants/${B}/plan`, 'admin', { plan: 'free' });
  expect(set.status).toBe(200);
  expect(set.json()).toEqual({ tenantId: B, at: NOW, by: 'root@example.com', from: 'pro', to: 'free' });
  expect((await directory.tenant(B))?.plan).toBe('free');
  const meta = await dynamoClient({ stage: h.stage, region, endpoint: endpoints().dynamo }).send(
    new GetCommand({ TableName: tableName(h.stage, 'tenants'), Key: { tenantId: B, itemKey: 'meta' } }),
  );
  expect(meta.Item?.planHistory).toEqual([{ at: NOW, by: 'root@example.com', from: 'pro', to: 'free' }]);
  // the meta's other fields are as `user add` wrote them
  expect(meta.Item).toMatchObject({ createdAt: 2, ownerEmail: 'b@example.com' });
  const listed = (await call('GET', 'admin/tenants', 'admin')).json().tenants as Record<string, unknown>[];
  expect(listed[1]).toMatchObject({ plan: { name: 'free' }, liveAccounts: { inUse: 1, allowed: 0 } });

  const unknownPlan = await call('PUT', `admin/tenants/${B}/plan`, 'admin', { plan: 'gold' });
  expect(unknownPlan.status).toBe(400);
  expect(unknownPlan.json()).toMatchObject({
    error: { field: 'plan', message: expect.stringContaining('free, pro, unlimited') },
  });
  const unknownTenant = await call('PUT', `admin/tenants/${newTenantId(hex)}/plan`, 'admin', { plan: 'pro' });
  expect(unknownTenant.status).toBe(404);
  expect((await directory.tenant(B))?.plan).toBe('free');
});

test.each(['b-owner', 'b-trader', 'b-viewer', 'a-owner'])('a tenant role (%s) is refused: 403', async (token) => {
  for (const [method, path, body] of [
    ['GET', 'admin/tenants', undefined],
    ['GET', 'admin/usage', undefined],
    ['PUT', `admin/tenants/${B}/plan`, { plan: 'unlimited' }],
  ] as const) {
    const r = await call(method, path, token, body);
    expect({ token, path, status: r.status }).toEqual({ token, path, status: 403 });
  }
  expect((await directory.tenant(B))?.plan).not.toBe('unlimited');
});

test('without a token: 401 from the authorizer', async () => {
  expect((await call('GET', 'admin/tenants')).status).toBe(401);
  expect((await call('PUT', `admin/tenants/${B}/plan`, undefined, { plan: 'unlimited' })).status).toBe(401);
});
