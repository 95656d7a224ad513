// The console API's router: roles from the authorizer's claims, 400 naming the parameter, CSV,
// pagination end to end, the actions' errors mapped, and no internals in an answer.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createConsoleApiHandler, groupsOf } from '../../../../functions/console-api/app';
import type { ActionResult, OperatorActions } from '../../../../shared/core/control/operator-action-types';
import { ForbiddenActionError, InvalidArgumentError, NotFoundError } from '../../../../shared/core/errors';
import { ConsoleReads } from '../../../../shared/core/performance/console-reads';
import { testLogger } from '../log-capture';
import { NOW, trade, world } from '../../core/performance/fixtures';

const context = { functionName: 'console-api', awsRequestId: 'req-1' } as never;

function event(
  method: string,
  path: string,
  options: {
    groups?: string;
    query?: Record<string, string>;
    body?: string;
    accept?: string;
    authTime?: number;
    /** the tenant group beside the role ('acc' unless given; '' for none) */
    tenant?: string;
  } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'ANY /api/v1/{proxy+}',
    rawPath: `/api/v1/${path}`,
    rawQueryString: '',
    headers: options.accept ? { accept: options.accept } : {},
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      http: { method, path: `/api/v1/${path}`, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req-1',
      authorizer: {
        jwt: {
          claims: {
            sub: 'user-1',
            username: 'owner@example.com',
            // Every user is in one tenant group beside their role (docs/TENANCY.md), as API Gateway flattens them.
            ...(options.groups !== undefined
              ? {
                  'cognito:groups': `[${options.groups.replace(/^\[|\]$/g, '')}${
                    options.tenant === '' ? '' : ` tenant-${options.tenant ?? 'acc'}`
                  }]`,
                }
              : {}),
            auth_time: String(options.authTime ?? Math.floor(NOW / 1000)),
          },
          scopes: null,
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2;
}

const result = (status: 200 | 202): ActionResult => ({
  status,
  action: 'pause',
  accountIds: ['acc-a'],
  message: 'paused',
});

async function setup(actions?: OperatorActions, reads?: ConsoleReads) {
  const w = await world();
  const scopes: string[] = [];
  const handler = createConsoleApiHandler(
    {
      scope: (tenantId) => {
        scopes.push(tenantId);
        return { reads: reads ?? w.reads, ...(actions ? { actions } : {}) };
      },
    },
    testLogger('console-api'),
  );
  const call = async (e: APIGatewayProxyEventV2) => {
    const r = await handler(e, context);
    return {
      status: r.statusCode,
      headers: r.headers ?? {},
      text: String(r.body),
      json: () => JSON.parse(String(r.body)),
    };
  };
  return { ...w, call, scopes };
}

describe('console-api router: roles', () => {
  it('reads "[owner viewer]" and bare "owner" alike', () => {
    expect(groupsOf('[owner viewer]')).toEqual(['owner', 'viewer']);
    expect(groupsOf('owner')).toEqual(['owner']);
    expect(groupsOf(undefined)).toEqual([]);
  });

  it('a user in neither group gets 403 forbidden_role, even for a read', async () => {
    const { call } = await setup();
    const r = await call(event('GET', 'accounts', { groups: '[traders]' }));
    expect(r.status).toBe(403);
    expect(r.json()).toEqual({ error: { code: 'forbidden_role', message: expect.any(String) } });
  });

  it('a viewer reads but may not POST anything: 403 before the actions are asked', async () => {
    const run = jest.fn(async () => result(200));
    const { call } = await setup({ run });
    expect((await call(event('GET', 'positions', { groups: 'viewer' }))).status).toBe(200);
    const r = await call(event('POST', 'actions/pause', { groups: '[viewer]', body: '{"account":"acc-a"}' }));
    expect(r.status).toBe(403);
    expect(r.json().error.code).toBe('forbidden_role');
    expect(run).not.toHaveBeenCalled();
  });

  it('a viewer POST is 403 also when no actions are wired', async () => {
    const { call } = await setup();
    expect((await call(event('POST', 'actions/flatten', { groups: 'viewer', body: '{}' }))).status).toBe(403);
  });
});

describe('console-api router: actions', () => {
  it('an owner POST reaches the actions with the actor from the claims; 202 passes through', async () => {
    const run = jest.fn(async () => result(202));
    const { call } = await setup({ run });
    const r = await call(
      event('POST', 'actions/pause', {
        groups: '[owner viewer]',
        body: '{"account":"acc-a"}',
        authTime: 1_700_000_000,
      }),
    );
    expect(r.status).toBe(202);
    expect(run).toHaveBeenCalledWith(
      'pause',
      { account: 'acc-a' },
      {
        userId: 'user-1',
        email: 'owner@example.com',
        tenantId: 'acc',
        role: 'owner',
        authTime: 1_700_000_000_000,
        via: 'console',
      },
    );
  });

  it.each([
    [new ForbiddenActionError('stale_auth', 'sign in again'), 403, 'stale_auth'],
    [new ForbiddenActionError('role', 'owners only'), 403, 'forbidden_role'],
    [new InvalidArgumentError('percent must be 0 < percent < 100'), 400, 'invalid_argument'],
    [new NotFoundError('account', 'account x not found'), 404, 'not_found'],
  ])('maps %p to %i %s', async (error, status, code) => {
    const { call } = await setup({ run: async () => Promise.reject(error) });
    const r = await call(event('POST', 'actions/reduce', { groups: 'owner', body: '{}' }));
    expect(r.status).toBe(status);
    expect(r.json().error.code).toBe(code);
  });

  it('a body that is not JSON is 400; an unknown action 404', async () => {
    const run = jest.fn(async () => result(200));
    const { call } = await setup({ run });
    expect((await call(event('POST', 'actions/pause', { groups: 'owner', body: '{oops' }))).json().error.code).toBe(
      'invalid_body',
    );
    expect((await call(event('POST', 'actions/launch-rockets', { groups: 'owner', body: '{}' }))).status).toBe(404);
    expect(run).not.toHaveBeenCalled();
  });
});

describe('console-api router: reads', () => {
  it('400 names the parameter and the bound', async () => {
    const { call } = await setup();
    const r = await call(event('GET', 'performance/trades', { groups: 'owner', query: { limit: '1000' } }));
    expect(r.status).toBe(400);
    expect(r.json()).toEqual({
      error: { code: 'invalid_query', field: 'limit', message: 'limit must be an integer 1..500' },
    });
    const unknown = await call(event('GET', 'positions', { groups: 'owner', query: { sort: 'pnl' } }));
    expect(unknown.json().error).toMatchObject({ code: 'invalid_query', field: 'sort' });
  });

  it('an unknown account is 404', async () => {
    const { call } = await setup();
    const r = await call(event('GET', 'performance/summary', { groups: 'owner', query: { account: 'nobody' } }));
    expect(r.status).toBe(404);
    expect(r.json().error.code).toBe('not_found');
  });

  it('trades page end to end: every trade once across pages, the last page without a cursor', async () => {
    const { call, trades } = await setup();
    for (let i = 0; i < 7; i++) await trades.put(trade(`x${i}`, { openedAt: NOW - 86_400_000 * (10 + i) }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await call(
        event('GET', 'performance/trades', { groups: 'viewer', query: { limit: '3', ...(cursor ? { cursor } : {}) } }),
      );
      expect(r.status).toBe(200);
      const body = r.json() as { items: { tradeId: string }[]; nextCursor?: string };
      seen.push(...body.items.map((t) => t.tradeId));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toHaveLength(11); // the 4 of the fixture + 7
    expect(new Set(seen).size).toBe(11);
    expect(pages).toBe(4); // 3 + 3 + 3 + 2
  });

  it('Accept: text/csv answers every trade as CSV, formulas defused', async () => {
    const { call, trades } = await setup();
    await trades.put(trade('t9', { strategy: '=HYPERLINK("x")', openedAt: NOW - 1000 }));
    const r = await call(
      event('GET', 'performance/trades', { groups: 'owner', accept: 'text/csv', query: { limit: '1' } }),
    );
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    const lines = r.text.trim().split('\r\n');
    expect(lines[0]!.startsWith('accountId,accountName,tradeId,symbol')).toBe(true);
    expect(lines).toHaveLength(1 + 5); // header + all five trades, not one page of 1
    expect(r.text).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('a failing table answers 500 internal with nothing of the failure in it', async () => {
    const w = await world();
    const broken = new ConsoleReads({
      ...w,
      trades: {
        get: w.trades.get.bind(w.trades),
        listByAccount: async () => Promise.reject(new Error('arn:aws:dynamodb secret-table')),
      },
    });
    const { call } = await setup(undefined, broken);
    const r = await call(event('GET', 'performance/summary', { groups: 'owner' }));
    expect(r.status).toBe(500);
    expect(r.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(r.text).not.toMatch(/arn|secret|Error|at /);
  });

  it('profit-loss by week, positions and health answer with asOf', async () => {
    const { call } = await setup();
    const pl = (
      await call(event('GET', 'performance/profit-loss', { groups: 'owner', query: { period: 'week' } }))
    ).json();
    expect(pl.period).toBe('week');
    expect(pl.items.map((b: { cumulative: string }) => b.cumulative)).toEqual(['100.5', '60.25', '70.25']);
    const health = (await call(event('GET', 'health', { groups: 'owner' }))).json();
    expect(health.asOf).toBe(NOW);
  });
});

describe('console-api router: live prices', () => {
  it('GET /positions marks a position live when the watcher’s tick is fresher, and says so', async () => {
    const w = await world();
    const livePrices = {
      latest: async (exchange: string, symbols: readonly string[]) =>
        exchange === 'paper' && symbols.includes('BTC/USDT:USDT')
          ? [{ exchange, symbol: 'BTC/USDT:USDT', last: 40_800.5, timestamp: NOW - 900, receivedAt: NOW - 500 }]
          : [],
    };
    const { call } = await setup(undefined, new ConsoleReads({ ...w, livePrices }));
    const r = await call(event('GET', 'positions', { groups: 'viewer' }));
    expect(r.status).toBe(200);
    expect(r.json().items[0]).toMatchObject({
      markPrice: '40800.5',
      markSource: 'live',
      markAt: NOW - 500,
      unrealizedPnl: '400.25', // (40800.5 − 40000) × 0.5
    });
  });

  it('GET /positions without a watcher: the risk-check job’s mark, as of its snapshot', async () => {
    const { call } = await setup();
    const r = await call(event('GET', 'positions', { groups: 'viewer' }));
    expect(r.json().items[0]).toMatchObject({ markPrice: '41000', markSource: 'snapshot', markAt: NOW - 60_000 });
  });
});

describe('console-api router: strategies and risk', () => {
  it('/risk needs its account (400 naming it) and answers that account’s settings', async () => {
    const { call } = await setup();
    const missing = await call(event('GET', 'risk', { groups: 'viewer' }));
    expect(missing.status).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'invalid_query', field: 'account' });
    const r = await call(event('GET', 'risk', { groups: 'viewer', query: { account: 'acc-a' } }));
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ asOf: NOW, accountId: 'acc-a', overrides: {}, usage: { openPositions: 1 } });
    expect((await call(event('GET', 'risk', { groups: 'viewer', query: { account: 'nope' } }))).status).toBe(404);
  });

  it('/strategies takes account and strategy, and refuses any other parameter', async () => {
    const { call } = await setup();
    const r = await call(
      event('GET', 'strategies', { groups: 'viewer', query: { account: 'acc-a', strategy: 'ema' } }),
    );
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ asOf: NOW, items: [] });
    const bad = await call(event('GET', 'strategies', { groups: 'viewer', query: { symbol: 'BTCUSDT' } }));
    expect(bad.status).toBe(400);
    expect(bad.json().error.field).toBe('symbol');
  });
});

describe('console-api router: strategy compare', () => {
  const HOUR = 3_600_000;
  const SUB = {
    id: 'ema-cross.BTCUSDT.1h',
    strategy: 'ema-cross',
    symbol: 'BTC/USDT:USDT',
    timeframe: '1h' as const,
    params: { fast: 5, slow: 20 },
    enabled: true,
    updatedAt: NOW - HOUR,
  };

  /** the fixture's account subscribed, and an exchange that is down (the range bound is checked before it is asked) */
  async function subscribed() {
    const w = await world();
    const base = w.accounts.rows.get('acc-a')!;
    w.accounts.rows.set('acc-a', { ...base, settings: { ...base.settings, strategies: [SUB] } });
    const reads = new ConsoleReads({
      ...w,
      candles: () => ({
        spanMs: () => HOUR,
        closedCandles: () => Promise.reject(new Error('exchange timed out')),
      }),
    });
    return setup(undefined, reads);
  }

  it('a viewer reads it; account is required, other parameters refused, from checked: 400 naming each', async () => {
    const { call } = await subscribed();
    const path = `strategies/${SUB.id}/compare`;
    const r = await call(event('GET', path, { groups: 'viewer', query: { account: 'acc-a' } }));
    expect(r.status).toBe(200);
    // the exchange failing costs the answer its comparison, not its status
    expect(r.json()).toMatchObject({
      id: SUB.id,
      strategy: 'ema-cross',
      symbol: 'BTC/USDT:USDT',
      comparison: null,
      warnings: ['candles unavailable: exchange timed out'],
    });
    const missing = await call(event('GET', path, { groups: 'viewer' }));
    expect(missing.status).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'invalid_query', field: 'account' });
    const unknown = await call(
      event('GET', path, { groups: 'viewer', query: { account: 'acc-a', symbol: 'BTCUSDT' } }),
    );
    expect(unknown.json().error).toMatchObject({ code: 'invalid_query', field: 'symbol' });
    const notTime = await call(event('GET', path, { groups: 'viewer', query: { account: 'acc-a', from: 'soon' } }));
    expect(notTime.json().error).toMatchObject({ code: 'invalid_query', field: 'from' });
    const tooLong = await call(
      event('GET', path, { groups: 'viewer', query: { account: 'acc-a', from: String(NOW - 10_000 * HOUR) } }),
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.json().error).toMatchObject({ code: 'invalid_query', field: 'from' });
    expect(tooLong.json().error.message).toMatch(/^from: .*at most 5000/);
  });

  it('an unknown account or subscription is 404', async () => {
    const { call } = await subscribed();
    const otherSub = await call(
      event('GET', 'strategies/rsi-ema.BTCUSDT.1h/compare', { groups: 'viewer', query: { account: 'acc-a' } }),
    );
    expect(otherSub.status).toBe(404);
    expect(otherSub.json().error.code).toBe('not_found');
    const otherAccount = await call(
      event('GET', `strategies/${SUB.id}/compare`, { groups: 'viewer', query: { account: 'nope' } }),
    );
    expect(otherAccount.status).toBe(404);
  });
});

describe('console-api router: strategy quality', () => {
  const HOUR = 3_600_000;
  const SUB = {
    id: 'ema-cross.BTCUSDT.1h',
    strategy: 'ema-cross',
    symbol: 'BTC/USDT:USDT',
    timeframe: '1h' as const,
    params: { fast: 5, slow: 20 },
    enabled: true,
    updatedAt: NOW - HOUR,
  };

  /** the fixture's account subscribed; hourly candles on a wave, or an exchange that is down */
  async function subscribed(exchangeDown = false) {
    const w = await world();
    const base = w.accounts.rows.get('acc-a')!;
    w.accounts.rows.set('acc-a', { ...base, settings: { ...base.settings, strategies: [SUB] } });
    const wave = async (_s: string, _t: string, limit: number, now: number) => {
      const last = Math.floor(now / HOUR) * HOUR - HOUR;
      const time = Array.from({ length: limit }, (_, i) => last - (limit - 1 - i) * HOUR);
      const close = time.map((t) => 40_000 + 1_500 * Math.sin(t / (40 * HOUR)) + 200 * Math.sin(t / (7 * HOUR)));
      const f = (xs: number[]) => Float64Array.from(xs);
      return {
        time: f(time),
        open: f(close),
        high: f(close.map((c) => c + 50)),
        low: f(close.map((c) => c - 50)),
        close: f(close),
        volume: f(close.map(() => 1)),
      };
    };
    const reads = new ConsoleReads({
      ...w,
      candles: () => ({
        spanMs: () => HOUR,
        closedCandles: exchangeDown ? () => Promise.reject(new Error('exchange timed out')) : wave,
      }),
    });
    return setup(undefined, reads);
  }

  it('a viewer reads the score with its parts; without account trades the live parts are not enough data', async () => {
    const { call } = await subscribed();
    const r = await call(
      event('GET', `strategies/${SUB.id}/quality`, { groups: 'viewer', query: { account: 'acc-a' } }),
    );
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ id: SUB.id, strategy: 'ema-cross', from: NOW - 30 * 24 * HOUR, to: NOW });
    // 720 hourly candles: three walk-forward windows; the fixture's trades are not this strategy's
    expect(body.walkForward.windows).toBe(3);
    expect(body.metrics.trades).toBeGreaterThan(0);
    expect(typeof body.quality.score).toBe('number');
    const live = body.quality.components.filter((c: { name: string }) => c.name.startsWith('live'));
    expect(live).toHaveLength(4);
    for (const c of live)
      expect(c).toMatchObject({ score: null, reason: 'no closed trade of the account in the window yet' });
    expect(body.quality.basedOn).toMatch(
      /^based on trade count, Sharpe, max drawdown, out-of-sample degradation \(weight 70 of 100\)/,
    );
  });

  it('checks its query as the compare does, 404s an unknown subscription, and survives a failing exchange', async () => {
    const { call } = await subscribed(true);
    const path = `strategies/${SUB.id}/quality`;
    const down = await call(event('GET', path, { groups: 'viewer', query: { account: 'acc-a' } }));
    expect(down.status).toBe(200);
    expect(down.json()).toMatchObject({ quality: null, warnings: ['candles unavailable: exchange timed out'] });
    expect((await call(event('GET', path, { groups: 'viewer' }))).json().error).toMatchObject({ field: 'account' });
    const unknown = await call(event('GET', path, { groups: 'viewer', query: { account: 'acc-a', symbol: 'X' } }));
    expect(unknown.json().error).toMatchObject({ code: 'invalid_query', field: 'symbol' });
    const tooLong = await call(
      event('GET', path, { groups: 'viewer', query: { account: 'acc-a', from: String(NOW - 10_000 * HOUR) } }),
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.json().error.message).toMatch(/^from: .*at most 5000/);
    const other = await call(
      event('GET', 'strategies/rsi-ema.BTCUSDT.1h/quality', { groups: 'viewer', query: { account: 'acc-a' } }),
    );
    expect(other.status).toBe(404);
  });
});

describe('console-api router: the tenant scope', () => {
  const B = 't0123456789';

  it("every read and every action runs in the actor's tenant scope, and only there", async () => {
    const run = jest.fn(async () => result(200));
    const { call, scopes } = await setup({ run });
    expect((await call(event('GET', 'positions', { groups: 'owner', tenant: B }))).status).toBe(200);
    expect((await call(event('GET', 'accounts', { groups: 'viewer' }))).status).toBe(200);
    expect(
      (await call(event('POST', 'actions/pause', { groups: 'trader', tenant: B, body: '{"all":true}' }))).status,
    ).toBe(200);
    expect(scopes).toEqual([B, 'acc', B]);
  });

  it('a token naming no tenant, or two, reaches no scope (403)', async () => {
    const { call, scopes } = await setup();
    expect((await call(event('GET', 'accounts', { groups: 'owner', tenant: '' }))).status).toBe(403);
    expect((await call(event('GET', 'accounts', { groups: `[owner tenant-${B}]` }))).status).toBe(403);
    expect(scopes).toEqual([]);
  });

  it("the admin reads no tenant's data (403, no scope built) but the queue's depth", async () => {
    const w = await world();
    const queueDepth = jest.fn(async () => ({ depth: 3, inFlight: 1, dlqDepth: 0 }));
    const scopes: string[] = [];
    const handler = createConsoleApiHandler(
      { scope: (t) => (scopes.push(t), { reads: w.reads }), queueDepth },
      testLogger('console-api'),
    );
    const admin = (path: string, method = 'GET') =>
      handler(event(method, path, { groups: 'admin', tenant: '' }), context);
    for (const path of ['accounts', 'positions', 'health', 'performance/summary'])
      expect((await admin(path)).statusCode).toBe(403);
    expect((await admin('actions/pause', 'POST')).statusCode).toBe(403);
    const queue = await admin('admin/queue');
    expect(queue.statusCode).toBe(200);
    expect(JSON.parse(String(queue.body))).toEqual({ queue: { depth: 3, inFlight: 1, dlqDepth: 0 } });
    expect(scopes).toEqual([]);
    const owner = await handler(event('GET', 'admin/queue', { groups: 'owner' }), context);
    expect(owner.statusCode).toBe(403);
    expect(queueDepth).toHaveBeenCalledTimes(1);
  });

  it("the tenant guard's refusal answers 404 like a missing row, naming nothing", async () => {
    const { TenantScopeError } = await import('../../../../shared/adapters/dynamodb/tenant-guard');
    const broken = Object.create((await world()).reads) as ConsoleReads;
    broken.positions = async () => {
      throw new TenantScopeError('GetItemCommand', 'another tenant');
    };
    const { call } = await setup(undefined, broken);
    const r = await call(event('GET', 'positions', { groups: 'owner' }));
    expect(r.status).toBe(404);
    expect(r.json()).toEqual({ error: { code: 'not_found', message: 'not found' } });
  });
});
