// The console API end to end on the stand-ins: a paper account trades through the real webhook and
// executor, the real risk-check job stores its marks on dynalite, and the API answers through the
// local gateway (which plays API Gateway's JWT authorizer) with the real DynamoDB and SQS clients.
import { createConsoleApiHandler } from '../../../functions/console-api/app';
import { consoleApiEnvSchema, loadEnv } from '../../../shared/platform/config';
import { DynamoTenantDirectory } from '../../../shared/adapters/dynamodb/tenant-directory';
import { tableName } from '../../../shared/platform/resource-names';
import { buildQueueDepth, consoleScopes } from '../../../shared/runtime/console-api';
import { dynamoClient } from '../../../shared/runtime/dynamo-client';
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { startGateway } from '../../../bin/local/http-gateway';
import { createHarness, endpoints, MutableClock, region, silentLogger, type Harness } from '../harness';

// A dozen round trips to dynalite and SQS on a shared 2-core machine, plus the executor's fills.
jest.setTimeout(120_000);

const clock = new MutableClock();
let h: Harness;
let base: string;
let close: () => Promise<void>;
let accountId: string;
let handlerCalls = 0;
let directory: DynamoTenantDirectory;

const CLAIMS: Record<string, Record<string, unknown>> = {
  'Bearer owner-token': {
    sub: 'u-owner',
    username: 'owner@example.com',
    'cognito:groups': '[owner tenant-acc]',
    auth_time: '1',
  },
  'Bearer viewer-token': {
    sub: 'u-viewer',
    username: 'viewer@example.com',
    'cognito:groups': '[viewer tenant-acc]',
    auth_time: '1',
  },
  'Bearer admin-token': { sub: 'u-admin', username: 'admin@example.com', 'cognito:groups': 'admin', auth_time: '1' },
};

beforeAll(async () => {
  h = await createHarness({ clock });
  directory = new DynamoTenantDirectory(
    dynamoClient({ stage: h.stage, region, endpoint: endpoints().dynamo }),
    tableName(h.stage, 'tenants'),
  );
  // another account: the API lists every one of the tenant's (from its index)
  await directory.indexAccount('acc', (await h.createAccount(10_000)).accountId);
  const env = loadEnv(consoleApiEnvSchema, {
    STAGE: h.stage,
    AWS_REGION: region,
    DYNAMODB_ENDPOINT: endpoints().dynamo,
    SQS_ENDPOINT: endpoints().sqs,
    SIGNAL_QUEUE_URL: h.queueUrl,
    SIGNAL_DLQ_URL: h.dlqUrl,
  });
  const api = createConsoleApiHandler(
    { scope: consoleScopes(env, clock), queueDepth: buildQueueDepth(env) },
    silentLogger(),
  );
  const gateway = await startGateway(
    {
      webhook: h.webhook,
      isReady: () => true,
      api: {
        handler: async (event, context) => {
          handlerCalls++;
          return api(event, context);
        },
        authorize: async (authorization) => (authorization ? CLAIMS[authorization] : undefined),
      },
    },
    0,
  );
  base = gateway.url;
  close = () => new Promise((resolve) => gateway.server.close(() => resolve()));
});

afterAll(async () => {
  await close?.();
});

const get = async (path: string, token = 'owner-token', accept?: string) => {
  const r = await fetch(`${base}/api/v1/${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(accept ? { accept } : {}) },
  });
  return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
};

it('without a token: 401 from the authorizer, and the function never runs', async () => {
  const before = handlerCalls;
  const r = await get('accounts', '');
  expect(r.status).toBe(401);
  expect(JSON.parse(r.text)).toEqual({ message: 'Unauthorized' });
  expect((await get('accounts', 'forged-token')).status).toBe(401);
  expect(handlerCalls).toBe(before);
});

it('a position opened through the webhook shows with its stop, targets and the risk-check job’s mark', async () => {
  const created = await h.createAccount(10_000);
  accountId = created.accountId;
  await directory.indexAccount('acc', accountId);
  const posted = await h.post({
    token: created.token,
    account: accountId,
    action: 'long',
    symbol: 'BTCUSDT',
    id: 'c-1',
    sl: '2%',
    tp: '4%',
  });
  expect(posted.statusCode).toBe(202);
  await h.drain();
  const account = await h.runtime.repos.accounts.get(accountId);
  clock.advance(60_000);
  h.prices.set('BTC/USDT:USDT', 51_000);
  await buildRiskCheck(h.executorEnv, h.runtime, h.vault).checkAccount(account!);

  const r = await get(`positions?account=${accountId}`);
  expect(r.status).toBe(200);
  const body = JSON.parse(r.text) as { dataAsOf: number; items: Record<string, unknown>[] };
  expect(body.dataAsOf).toBe(clock.now());
  expect(body.items).toHaveLength(1);
  const p = body.items[0]!;
  expect(p).toMatchObject({ accountId, symbol: 'BTC/USDT:USDT', side: 'long', markPrice: '51000' });
  // unrealized = (mark − entry) × quantity, from the stored strings
  const expected = (51_000 - Number(p.entryPrice)) * Number(p.quantity);
  expect(Number(p.unrealizedPnl)).toBeCloseTo(expected, 6);
  expect((p.stop as { triggerPrice: string }).triggerPrice).toBeDefined();
  expect((p.targets as unknown[]).length).toBeGreaterThan(0);

  const accounts = JSON.parse((await get('accounts', 'viewer-token')).text) as { items: Record<string, unknown>[] };
  expect(accounts.items.find((a) => a.accountId === accountId)).toMatchObject({
    mode: 'paper',
    openPositions: 1,
    dataAsOf: clock.now(),
    balance: { equity: expect.any(String) },
  });
});

it('trades page and CSV, summary and health read the same tables', async () => {
  const page = JSON.parse((await get(`performance/trades?account=${accountId}&limit=1`)).text) as { items: unknown[] };
  expect(page.items).toHaveLength(1);
  const csv = await get(`performance/trades?account=${accountId}`, 'owner-token', 'text/csv');
  expect(csv.type).toMatch(/^text\/csv/);
  expect(csv.text.split('\r\n')[1]).toContain(accountId);
  const summary = JSON.parse((await get(`performance/summary?account=${accountId}`)).text) as Record<string, unknown>;
  expect(summary).toMatchObject({
    currency: 'USDT',
    startEquity: '10000',
    warnings: expect.arrayContaining([expect.stringMatching(/too few/)]),
  });
  // the tenant's health: its own accounts' reconciliation, not the deployment's queue (every
  // tenant's activity); the queue's depth is the admin's
  const health = JSON.parse((await get('health')).text) as { accounts: { accountId: string }[]; queue: unknown };
  expect(health.accounts.map((a) => a.accountId)).toContain(accountId);
  expect(health.queue).toBeNull();
  const queue = JSON.parse((await get('admin/queue', 'admin-token')).text) as { queue: unknown };
  expect(queue.queue).toEqual({ depth: 0, inFlight: 0, dlqDepth: 0 });
});

it('400 names the parameter; a viewer cannot act', async () => {
  const bad = await get('orders?limit=abc');
  expect(bad.status).toBe(400);
  expect(JSON.parse(bad.text).error).toMatchObject({ code: 'invalid_query', field: 'limit' });
  const post = await fetch(`${base}/api/v1/actions/flatten`, {
    method: 'POST',
    headers: { authorization: 'Bearer viewer-token', 'content-type': 'application/json' },
    body: JSON.stringify({ all: true }),
  });
  expect(post.status).toBe(403);
  expect(((await post.json()) as { error: { code: string } }).error.code).toBe('forbidden_role');
});
