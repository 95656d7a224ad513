// Two tenants on the stand-ins, through the local gateway (API Gateway's JWT authorizer played)
// with the real DynamoDB and SQS clients, wired as `npm start` and the Lambda handler wire it
// (consoleScopes: one guarded client per tenant). Tenant A (a `t…` tenant) trades through the real
// webhook and executor: an open position with its stop and target orders, a closed trade, alerts,
// audit events, signals. Tenant B is the deployment's first tenant (`acc`). With B's tokens, every
// GET route and every action, given A's ids in every form an attacker might try, answers 404, 403
// or 400 and never 200 with A's data; every table and the queue are the same afterwards; B's lists
// never show A's rows; and A's webhook token moves nothing on B's account.
import { MONEY_ACTIONS, type OperatorActionName } from '../../../shared/core/control/operator-action-types';
import { randomBytes } from 'node:crypto';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { startGateway } from '../../../bin/local/http-gateway';
import { createConsoleApiHandler } from '../../../functions/console-api/app';
import { DynamoTenantDirectory } from '../../../shared/adapters/dynamodb/tenant-directory';
import { DEFAULT_ACCOUNT_SETTINGS, DEFAULT_PAPER_SETTINGS } from '../../../shared/core/domain/account';
import { accountIdFor, FIRST_TENANT_ID, newTenantId } from '../../../shared/core/domain/tenant';
import { hashToken } from '../../../shared/core/signal/ids';
import { consoleApiEnvSchema, loadEnv } from '../../../shared/platform/config';
import { TABLE_NAMES, tableName } from '../../../shared/platform/resource-names';
import { ambientCredentials } from '../../../shared/adapters/sts/tenant-credentials';
import { TenantScopeError } from '../../../shared/adapters/dynamodb/tenant-guard';
import { DynamoTradeReader } from '../../../shared/adapters/dynamodb/trade-repository';
import { buildQueueDepth, consoleScopes, tenantDocumentClient } from '../../../shared/runtime/console-api';
import { dynamoClient } from '../../../shared/runtime/dynamo-client';
import { createHarness, endpoints, MutableClock, region, silentLogger, type Harness } from '../harness';

// Two webhook trades through the executor, then some 600 API calls and a scan of every table
// before and after, on a shared 2-core machine.
jest.setTimeout(300_000);

const hex = (n: number) =>
  randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);
const A = newTenantId(hex);
const B = FIRST_TENANT_ID;
const clock = new MutableClock(Date.now());
let h: Harness;
let base: string;
let close: () => Promise<void>;

/** Tenant A's ids, each a thing B must never reach. */
const a = {
  accounts: [] as string[],
  tokens: [] as string[],
  tradeIds: [] as string[],
  orderIds: [] as string[],
  signalIds: [] as string[],
};
let bAccount: string;
let bToken: string;

const claims = (role: string, tenant: string) => ({
  sub: `u-${role}-${tenant}`,
  username: `${role}@${tenant}.example.com`,
  'cognito:groups': `[${role} tenant-${tenant}]`,
  auth_time: String(Math.floor(Date.now() / 1000)),
});
const TOKENS: Record<string, Record<string, unknown>> = {
  'Bearer a-owner': claims('owner', A),
  'Bearer b-owner': claims('owner', B),
  'Bearer b-trader': claims('trader', B),
  'Bearer b-viewer': claims('viewer', B),
};

async function snapshot(): Promise<string> {
  const tables: Record<string, unknown[]> = {};
  for (const t of TABLE_NAMES) {
    const items: unknown[] = [];
    let start: Record<string, never> | undefined;
    do {
      const out = await h.dynamo.send(new ScanCommand({ TableName: tableName(h.stage, t), ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    tables[t] = items.map((i) => JSON.stringify(i)).sort();
  }
  const queue = await h.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: h.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return JSON.stringify({ tables, queue: queue.Attributes });
}

beforeAll(async () => {
  h = await createHarness({ clock });
  const directory = new DynamoTenantDirectory(
    dynamoClient({ stage: h.stage, region, endpoint: endpoints().dynamo }),
    tableName(h.stage, 'tenants'),
  );
  // Tenant A's account, created and indexed as the tenancy data layer does (accountIdFor + index)
  for (let i = 0; i < 2; i++) {
    const accountId = accountIdFor(A, hex);
    const token = randomBytes(24).toString('base64url');
    await directory.indexAccount(A, accountId);
    await h.runtime.repos.accounts.create({
      accountId,
      name: `a-${i}`,
      exchange: 'paper',
      testnet: false,
      status: 'active',
      webhookTokenHash: hashToken(token),
      settings: { ...DEFAULT_ACCOUNT_SETTINGS, paper: { ...DEFAULT_PAPER_SETTINGS, initialBalance: '10000' } },
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    a.accounts.push(accountId);
    a.tokens.push(token);
  }
  const [account, token] = [a.accounts[0]!, a.tokens[0]!];
  const post = async (body: Record<string, unknown>) =>
    expect((await h.post({ token, account, ...body })).statusCode).toBe(202);
  await post({ action: 'long', symbol: 'BTCUSDT', id: 'a-open', sl: '2%', tp: '4%' });
  await post({ action: 'long', symbol: 'ETHUSDT', id: 'a-eth' });
  await h.drain();
  clock.advance(60_000);
  await post({ action: 'close_long', symbol: 'ETHUSDT', id: 'a-eth-exit' });
  await h.drain();
  const trades = await h.runtime.repos.trades.listByAccount(account, 50);
  a.tradeIds.push(...trades.map((t) => t.tradeId));
  const orders = await h.runtime.repos.orders.listByAccount(account, 50);
  a.orderIds.push(...orders.map((o) => o.clientOrderId));
  a.signalIds.push(...orders.map((o) => o.signalId).filter((s): s is string => typeof s === 'string'));
  expect(trades.some((t) => t.status === 'closed')).toBe(true);
  expect(trades.some((t) => t.status === 'open')).toBe(true);
  expect(orders.length).toBeGreaterThan(2);

  // Tenant B: the first tenant's own account (CreateAccount gives `acc-…` ids), indexed under it
  const created = await h.createAccount(10_000);
  [bAccount, bToken] = [created.accountId, created.token];
  await directory.indexAccount(B, bAccount);
  expect(
    (await h.post({ token: bToken, account: bAccount, action: 'long', symbol: 'BTCUSDT', id: 'b-1' })).statusCode,
  ).toBe(202);
  await h.drain();

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

interface Answer {
  status: number;
  text: string;
}

async function call(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<Answer> {
  const r = await fetch(`${base}/api/v1/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, text: await r.text() };
}

/**
 * Anything of A's in an answer: an account id (or its 12-hex suffix), a trade, order or signal id,
 * A's tenant id. What the request itself said is taken out first: "account X not found" echoes the
 * asker's own input, it tells nothing (the refusal equals a missing id's: see `shape`).
 */
function leaks(text: string, ...asked: string[]): string[] {
  for (const value of asked.flatMap((v) => [v, JSON.stringify(v).slice(1, -1), safeDecode(v)]).filter(Boolean))
    text = text.split(value).join('<asked>');
  const needles = [
    A,
    ...a.accounts,
    ...a.accounts.map((id) => id.slice(id.indexOf('-') + 1)),
    ...a.tradeIds,
    ...a.orderIds,
    ...a.signalIds,
  ];
  return needles.filter((n) => text.includes(n));
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The answer with the asked id taken out, to compare with the answer for an id that exists nowhere. */
const shape = (r: Answer, id: string) => ({ status: r.status, text: r.text.split(id).join('<id>') });

/**
 * An id of B's own tenant that no account has: what "missing" looks like to B. (An id of A's
 * tenant that exists nowhere would be refused by the data-layer guard too, and look the same as
 * A's real ids whether or not the handler checked the tenant first: this one does not.)
 */
const missingId = () => `${B}-000000000000`;

const GET_ROUTES = [
  'accounts',
  'performance/summary',
  'performance/trades',
  'performance/by-strategy',
  'performance/profit-loss',
  'positions',
  'orders',
  'events',
  'alerts',
  'candles?symbol=BTCUSDT',
  'strategies',
  'strategies/ema-cross.BTCUSDT.1h/compare',
  'risk',
  'health',
] as const;

/** Each action with A's ids where it takes them (its schema's required fields all filled). */
function actionBodies(account: string, symbol: string, orderId: string): [string, Record<string, unknown>][] {
  return [
    ['pause', { account }],
    ['resume', { account }],
    ['flatten', { account }],
    ['close', { account, symbol }],
    ['reduce', { account, symbol, percent: 50 }],
    ['move-stop', { account, symbol, price: '1000' }],
    ['move-target', { account, symbol, price: '99999', clientOrderId: orderId }],
    ['cancel-order', { account, clientOrderId: orderId, force: true }],
    ['paper-reset', { account, balance: '5000' }],
    ['rename', { account, name: 'mine now' }],
    ['delete', { account }],
    ['rotate-token', { account }],
    ['strategy-enable', { account, strategy: 'ema-cross', symbol, timeframe: '1h' }],
    ['strategy-disable', { account, id: 'x' }],
    ['risk-set', { account, set: ['maxLeverage=50'] }],
    ['alert-test', { account }],
  ];
}

describe("B's lists never show A's rows", () => {
  it.each(['b-owner', 'b-viewer'])('%s: every list route answers 200 with B data and nothing of A', async (token) => {
    // risk and the compare need an account: they are not lists
    for (const route of GET_ROUTES.filter((r) => r !== 'risk' && !r.endsWith('/compare'))) {
      const r = await call('GET', route, token);
      expect({ route, status: r.status }).toEqual({ route, status: 200 });
      expect({ route, leaks: leaks(r.text) }).toEqual({ route, leaks: [] });
    }
    // and B's own rows are there: the lists are scoped, not empty
    expect((await call('GET', 'accounts', token)).text).toContain(bAccount);
    expect((await call('GET', 'positions', token)).text).toContain(bAccount);
  });

  it("A's owner sees A's rows through the same routes (the probe below means something)", async () => {
    const accounts = await call('GET', 'accounts', 'a-owner');
    expect(accounts.status).toBe(200);
    for (const id of a.accounts) expect(accounts.text).toContain(id);
    expect(accounts.text).not.toContain(bAccount);
    const trade = await call('GET', `performance/trades/${a.tradeIds[0]}?account=${a.accounts[0]}`, 'a-owner');
    expect(trade.status).toBe(200);
    expect((await call('GET', `positions?account=${a.accounts[0]}`, 'a-owner')).text).toContain(a.accounts[0]);
  });
});

describe("with B's tokens, every route for A's ids: refused, and nothing changes", () => {
  it('every GET route with each of A account ids: 404, never 200', async () => {
    for (const account of a.accounts)
      for (const route of GET_ROUTES.filter((r) => r !== 'accounts' && r !== 'health')) {
        const path = `${route}${route.includes('?') ? '&' : '?'}account=${encodeURIComponent(account)}`;
        const r = await call('GET', path, 'b-owner');
        expect({ path, status: r.status }).toEqual({ path, status: 404 });
        expect(leaks(r.text, account)).toEqual([]);
        // ids are no oracle: A's account answers exactly as an account that exists nowhere
        const missing = await call('GET', path.replace(encodeURIComponent(account), missingId()), 'b-owner');
        expect(shape(r, account)).toEqual(shape(missing, missingId()));
      }
    for (const tradeId of a.tradeIds) {
      const r = await call('GET', `performance/trades/${tradeId}?account=${a.accounts[0]}`, 'b-owner');
      expect(r.status).toBe(404);
      // and with B's own account: A's trade id is not B's
      const own = await call('GET', `performance/trades/${tradeId}?account=${bAccount}`, 'b-owner');
      expect(own.status).toBe(404);
      expect(leaks(own.text, tradeId)).toEqual([]);
    }
  });

  it.each(['b-owner', 'b-trader'])(
    '%s: every action with A ids is refused, and every table is the same',
    async (token) => {
      const before = await snapshot();
      for (const account of a.accounts)
        for (const [name, body] of actionBodies(account, 'BTCUSDT', a.orderIds[0]!)) {
          const r = await call('POST', `actions/${name}`, token, body);
          // the owner: "no such account" (404), exactly as for an id that exists nowhere, but for a
          // money move, refused (403 second_factor_required: no TOTP locally) before any id is read;
          // the trader: 403 first for what needs the keys permission
          const want = token === 'b-owner' && !MONEY_ACTIONS.has(name as OperatorActionName) ? [404] : [403, 404];
          expect({ name, account, status: want.includes(r.status) }).toEqual({ name, account, status: true });
          expect({ name, leaks: leaks(r.text, account, a.orderIds[0]!) }).toEqual({ name, leaks: [] });
          const missing = await call('POST', `actions/${name}`, token, { ...body, account: missingId() });
          expect({ name, answer: shape(r, account) }).toEqual({ name, answer: shape(missing, missingId()) });
        }
      // `all: true` acts on B's own accounts only (A's untouched: the snapshot below, less B's rows)
      const paused = await call('POST', 'actions/pause', token, { all: true });
      expect(paused.status).toBe(200);
      expect(leaks(paused.text)).toEqual([]);
      expect(JSON.parse(paused.text).accountIds).toEqual([bAccount]);
      const after = JSON.parse(await snapshot()) as { tables: Record<string, string[]> };
      const mine = (rows: string[]) => rows.filter((row) => !row.includes(bAccount));
      const was = JSON.parse(before) as { tables: Record<string, string[]> };
      for (const t of TABLE_NAMES)
        expect({ t, rows: mine(after.tables[t]!) }).toEqual({ t, rows: mine(was.tables[t]!) });
      expect((await call('POST', 'actions/resume', token, { all: true })).status).toBe(200);
    },
  );
});

// The fuzz: every route (GET and action) × every kind of A's ids × the encodings an attacker
// would try, drawn with a fixed seed; an answer is never a 200 carrying A's data and no table
// changes. A 200 is possible only where the id turns into one of B's own things (e.g. B's tenant
// and A's suffix is simply an unknown account of B: 404), so the check is on the data, not the code.
describe('fuzz: A ids on every B route (fixed seed)', () => {
  const encodings: [string, (id: string) => string][] = [
    ['as is', (id) => id],
    ['upper case', (id) => id.toUpperCase()],
    ['surrounding spaces', (id) => ` ${id} `],
    ['trailing newline', (id) => `${id}\n`],
    ['url-encoded dash', (id) => id.replace(/-/g, '%2D')],
    ['double-encoded', (id) => encodeURIComponent(encodeURIComponent(id))],
    ['acc- prefix on its suffix', (id) => `acc-${id.slice(id.indexOf('-') + 1)}`],
    ["B's tenant on its suffix", (id) => `${B}-${id.slice(id.indexOf('-') + 1)}`],
    ['the tenant id alone', () => A],
    ["A's tenant and a dash", () => `${A}-`],
    ["A's tenant-x", () => `${A}-x`],
    ['prefix trick', (id) => `${B}-${id}`],
    ['suffix trick', (id) => `${id}-${B}`],
    ['null byte', (id) => `${id}\u0000`],
    ['wildcard', () => `${A}-*`],
  ];
  const idKinds: [string, () => string][] = [
    ['account', () => a.accounts[0]!],
    ['second account', () => a.accounts[1]!],
    ['trade', () => a.tradeIds[0]!],
    ['order', () => a.orderIds[0]!],
    ['signal', () => a.signalIds[0] ?? a.orderIds[1]!],
  ];
  const routes: [string, (id: string) => ['GET' | 'POST', string, unknown?]][] = [
    ...GET_ROUTES.map(
      (route) =>
        [
          `GET ${route}`,
          (id: string) =>
            ['GET', `${route}${route.includes('?') ? '&' : '?'}account=${encodeURIComponent(id)}`] as ['GET', string],
        ] as [string, (id: string) => ['GET' | 'POST', string, unknown?]],
    ),
    [
      'GET trade by id',
      (id) => ['GET', `performance/trades/${encodeURIComponent(id)}?account=${encodeURIComponent(id)}`],
    ],
    ['GET trade of A, B account', (id) => ['GET', `performance/trades/${encodeURIComponent(id)}?account=${bAccount}`]],
    ['GET candles by symbol', (id) => ['GET', `candles?symbol=${encodeURIComponent(id)}`]],
    ...actionBodies('ID', 'BTCUSDT', 'ID').map(
      ([name, body]) =>
        [
          `POST ${name}`,
          (id: string) => [
            'POST',
            `actions/${name}`,
            JSON.parse(JSON.stringify(body).replace(/"ID"/g, JSON.stringify(id))),
          ],
        ] as [string, (id: string) => ['GET' | 'POST', string, unknown?]],
    ),
    ['POST close with A id as symbol', (id) => ['POST', 'actions/close', { account: bAccount, symbol: id }]],
    [
      'POST cancel-order of A order on B account',
      (id) => ['POST', 'actions/cancel-order', { account: bAccount, clientOrderId: id }],
    ],
  ];

  it('never a 200 with A data, never a change', async () => {
    const before = await snapshot();
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom(...idKinds),
        fc.constantFrom(...encodings),
        fc.constantFrom('b-owner', 'b-trader', 'b-viewer'),
        async ([routeName, build], [kind, id], [encoding, encode], token) => {
          const value = encode(id());
          const [method, path, body] = build(value);
          const r = await call(method, path, token, body);
          seen.add(routeName);
          const label = `${token} ${routeName} ${kind} ${encoding}`;
          expect({ label, status: r.status < 500 }).toEqual({ label, status: true });
          expect({ label, leaks: leaks(r.text, value) }).toEqual({ label, leaks: [] });
          if (r.status === 200 || r.status === 202) {
            // only B's own things can answer: an action names B's account alone
            if (method === 'POST')
              expect({ label, accounts: JSON.parse(r.text).accountIds }).toEqual({ label, accounts: [bAccount] });
          }
        },
      ),
      { seed: 1515, numRuns: 400 },
    );
    expect(seen.size).toBeGreaterThan(routes.length / 2);
    // the actions that did pass act on B's account only; everything of A is as it was
    const strip = (s: string) => (JSON.parse(s) as { tables: Record<string, string[]> }).tables;
    const was = strip(before);
    const now = strip(await snapshot());
    for (const t of TABLE_NAMES) {
      const ofA = (rows: string[]) => rows.filter((row) => leaks(row).length > 0);
      expect({ t, rows: ofA(now[t]!) }).toEqual({ t, rows: ofA(was[t]!) });
    }
  });
});

describe("the webhook: A's token cannot act on B's account", () => {
  it("A's token with B's account in the body, or in the URL: 401, nothing queued, nothing written", async () => {
    await h.drain();
    const before = await snapshot();
    const body = { token: a.tokens[0], action: 'long', symbol: 'BTCUSDT', id: 'cross-1' };
    const inBody = await h.post({ ...body, account: bAccount });
    expect(inBody.statusCode).toBe(401);
    const inPath = await h.post(body, { path: bAccount });
    expect(inPath.statusCode).toBe(401);
    // A's account in the body, B's in the URL: refused, not routed to either
    const mixed = await h.post({ ...body, account: a.accounts[0] }, { path: bAccount });
    expect(mixed.statusCode).toBeGreaterThanOrEqual(400);
    expect(await h.receiveAll()).toEqual([]);
    // the alert log records the refusals on B's account (that is its job); nothing else changes
    const now = JSON.parse(await snapshot()) as { tables: Record<string, string[]>; queue: unknown };
    const was = JSON.parse(before) as { tables: Record<string, string[]>; queue: unknown };
    for (const t of TABLE_NAMES.filter((t) => t !== 'alerts'))
      expect({ t, rows: now.tables[t] }).toEqual({ t, rows: was.tables[t] });
    expect(now.queue).toEqual(was.queue);
    const refusedAlerts = now.tables.alerts!.filter((row) => !was.tables.alerts!.includes(row));
    for (const row of refusedAlerts) expect(row).not.toMatch(/"outcome":\{"S":"accepted"\}/);
  });
});

describe('the data layer holds even where a handler would not', () => {
  it("B's client, as the console API builds it, is refused A's keys before they are sent", async () => {
    const env = loadEnv(consoleApiEnvSchema, {
      STAGE: h.stage,
      AWS_REGION: region,
      DYNAMODB_ENDPOINT: endpoints().dynamo,
      SIGNAL_QUEUE_URL: h.queueUrl,
    });
    const asB = new DynamoTradeReader(tenantDocumentClient(env, B, ambientCredentials), tableName(h.stage, 'trades'));
    const [account, tradeId] = [a.accounts[0]!, a.tradeIds[0]!];
    // the row is there (an unscoped client reads it) ...
    const unscoped = new DynamoTradeReader(
      dynamoClient({ stage: h.stage, region, endpoint: endpoints().dynamo }),
      tableName(h.stage, 'trades'),
    );
    expect((await unscoped.get(account, tradeId))?.tradeId).toBe(tradeId);
    // ... and B's client cannot name it, by key or by Query
    await expect(asB.get(account, tradeId)).rejects.toBeInstanceOf(TenantScopeError);
    await expect(asB.listByAccount(account, 10)).rejects.toBeInstanceOf(TenantScopeError);
    await expect(asB.listByAccount(bAccount, 10)).resolves.toEqual(expect.any(Array));
  });
});
