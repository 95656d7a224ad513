// Console API function: the owner's console and the CLI read the book here (GET, docs/API.md)
// and act through the injected OperatorActions (POST /actions/{name}). API Gateway's JWT
// authorizer has verified the token before this runs (a request without one never arrives: 401);
// here the verified claims become an Actor and its role decides. Answers carry no stack trace, no
// internal message: errors are the contract's codes and the field at fault.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Actor, OperatorActionName, OperatorActions } from '../../shared/core/control/operator-action-types';
import { can, isTenantId, tenantOfGroup, type Role, type TenantId } from '../../shared/core/domain/tenant';
import {
  ConditionalConflictError,
  DomainError,
  ForbiddenActionError,
  InvalidArgumentError,
  NotFoundError,
  PlanLimitError,
} from '../../shared/core/errors';
import type { UsageReport } from '../../shared/core/tenancy/usage-report';
import { AdminInputError, usageDay, type TenantAdmin } from '../../shared/core/tenancy/tenant-admin';
import type { ConsoleReads, TradeItem } from '../../shared/core/performance/console-reads';
import type { QueueDepth } from '../../shared/core/performance/ports';
import { parseQuery, QueryError, type QueryName, type ReadQuery } from '../../shared/core/performance/query';
import { systemClock } from '../../shared/core/ports/runtime';
import { requestBody } from '../../shared/platform/http';
import { createLogger } from '../../shared/platform/logger';

export type ConsoleApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** One tenant's reads and actions: every one of its repositories held to that tenant (docs/TENANCY.md). */
export interface TenantScope {
  reads: ConsoleReads;
  /** the actions lane's OperatorActions; absent: every POST /actions answers 404 (after the role check) */
  actions?: OperatorActions;
  /** GET /usage: the tenant's plan and usage (docs/TENANCY.md "Plans and usage"); absent: 404 */
  usage?: Pick<UsageReport, 'forTenant'>;
}

export interface ConsoleApiDeps {
  /**
   * The scope of the actor's tenant: a request reaches nothing else. Built (or kept) per tenant by
   * the composition (shared/runtime/console-api.ts consoleScopes).
   */
  scope: (tenantId: TenantId) => TenantScope;
  /** the deployment's queue depth, for the admin only (GET /admin/queue): every tenant's activity */
  queueDepth?: () => Promise<QueueDepth | null>;
  /**
   * The deployment admin's view of every tenant (GET /admin/tenants, /admin/usage, PUT
   * /admin/tenants/{id}/plan), on the admin data role, never a tenant's scope; asked for only once
   * the caller is the admin. Absent: those routes answer 404.
   */
  admin?: () => Pick<TenantAdmin, 'tenants' | 'usage' | 'setPlan' | 'planNames'>;
  /** the clock the default day of /admin/usage is read from */
  clock?: { now(): number };
  /**
   * The user pool requires TOTP at every sign-in (CONSOLE_MFA=required): the token's auth_time is
   * then the time of the last second factor, which money moves need fresh. Otherwise a sign-in
   * proves none and money moves are refused (second_factor_required).
   */
  secondFactorRequired?: boolean;
}

const ACTION_NAMES: readonly OperatorActionName[] = [
  'pause',
  'resume',
  'flatten',
  'close',
  'reduce',
  'move-stop',
  'move-target',
  'cancel-order',
  'paper-reset',
  'rename',
  'delete',
  'rotate-token',
  'strategy-enable',
  'strategy-disable',
  'risk-set',
  'alert-test',
  'enable',
];

const MAX_ACTION_BODY = 16_384;

const answer = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

const failure = (
  statusCode: number,
  code: string,
  message: string,
  field?: string,
): APIGatewayProxyStructuredResultV2 =>
  answer(statusCode, { error: { code, ...(field !== undefined ? { field } : {}), message } });

/** API Gateway flattens a claim array to "[owner viewer]"; a single group may come bare. */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((g) => g.trim())
    .filter(Boolean);
}

const ROLE_ORDER: readonly Role[] = ['owner', 'trader', 'viewer', 'admin'];

/** The one tenant named by the groups; two tenant groups are a misconfiguration and name none (403). */
export function tenantOfGroups(groups: readonly string[]): TenantId | undefined {
  const tenants = [...new Set(groups.map(tenantOfGroup).filter((t): t is TenantId => t !== undefined))];
  return tenants.length === 1 ? tenants[0] : undefined;
}

/** The verified claims as an Actor; undefined when the user is in neither group (403). */
export function actorOf(event: APIGatewayProxyEventV2): Actor | undefined {
  const context = event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
  const claims = context.authorizer?.jwt?.claims;
  if (!claims) return undefined;
  const groups = groupsOf(claims['cognito:groups']);
  // The strongest role the user holds. A tenant role without a tenant group (a token issued before
  // the tenancy upgrade put every user in one) is refused: signing in again brings the group.
  const role = ROLE_ORDER.find((r) => groups.includes(r));
  const tenantId = tenantOfGroups(groups);
  const userId = typeof claims.sub === 'string' ? claims.sub : undefined;
  if (!role || !userId || (role !== 'admin' && !tenantId)) return undefined;
  const authTime = Number(claims.auth_time);
  const email =
    typeof claims.email === 'string' ? claims.email : typeof claims.username === 'string' ? claims.username : undefined;
  return {
    userId,
    ...(email !== undefined ? { email } : {}),
    tenantId: tenantId ?? '',
    role,
    // epoch seconds in the token; absent or bad reads as "long ago", so destructive actions refuse
    authTime: Number.isFinite(authTime) ? authTime * 1000 : 0,
    via: 'console',
  };
}

type Route = (
  query: ReadQuery,
  params: string[],
  event: APIGatewayProxyEventV2,
  reads: ConsoleReads,
) => Promise<APIGatewayProxyStructuredResultV2>;

const COMMON: QueryName[] = ['account', 'symbol', 'strategy', 'from', 'to'];
const PAGED: QueryName[] = [...COMMON, 'limit', 'cursor'];

/** One row per trade for a spreadsheet; money as the book stores it (exact decimal text). */
const CSV_COLUMNS = [
  'accountId',
  'accountName',
  'tradeId',
  'symbol',
  'side',
  'status',
  'strategy',
  'leverage',
  'quantity',
  'maxQuantity',
  'entryPrice',
  'exitPrice',
  'exitedQuantity',
  'openedAt',
  'closedAt',
  'fees',
  'funding',
  'realizedPnl',
  'roiPct',
  'exitReason',
] as const;

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  // A leading =, +, - or @ would be a formula to a spreadsheet: quoted with a leading apostrophe.
  const safe = /^[=+@\t\r]/.test(text) || (/^-/.test(text) && !/^-\d/.test(text)) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function tradesCsv(trades: readonly TradeItem[]): string {
  const rows = trades.map((t) =>
    CSV_COLUMNS.map((c) => csvCell((t as unknown as Record<string, unknown>)[c])).join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

export function createConsoleApiHandler(
  deps: ConsoleApiDeps,
  logger: Logger = createLogger('console-api'),
): ConsoleApiHandler {
  const routes: { pattern: RegExp; allowed: QueryName[]; run: Route }[] = [
    {
      pattern: /^accounts$/,
      allowed: [],
      run: async (_q, _p, _e, reads) => answer(200, await reads.accountsOverview()),
    },
    {
      pattern: /^performance\/summary$/,
      allowed: COMMON,
      run: async (q, _p, _e, reads) => answer(200, await reads.summary(q)),
    },
    {
      pattern: /^performance\/trades$/,
      allowed: PAGED,
      run: async (q, _p, event, reads) => {
        if (/text\/csv/i.test(event.headers?.accept ?? ''))
          return {
            statusCode: 200,
            headers: {
              'content-type': 'text/csv; charset=utf-8',
              'content-disposition': 'attachment; filename="trades.csv"',
              'cache-control': 'no-store',
            },
            body: tradesCsv(await reads.allTrades(q)),
          };
        return answer(200, await reads.trades(q));
      },
    },
    {
      pattern: /^performance\/trades\/([A-Za-z0-9_.:#-]{1,128})$/,
      allowed: ['account'],
      run: async (q, [id], _e, reads) => {
        if (q.accountId === undefined) throw new QueryError('account', 'account is required with a trade id');
        return answer(200, await reads.trade(q.accountId, decodeURIComponent(id!)));
      },
    },
    {
      pattern: /^performance\/by-strategy$/,
      allowed: COMMON,
      run: async (q, _p, _e, reads) => answer(200, await reads.byStrategy(q)),
    },
    {
      pattern: /^performance\/profit-loss$/,
      allowed: [...COMMON, 'period'],
      run: async (q, _p, _e, reads) => answer(200, await reads.profitLoss(q)),
    },
    {
      pattern: /^positions$/,
      allowed: ['account', 'symbol', 'strategy'],
      run: async (q, _p, _e, reads) => answer(200, await reads.positions(q)),
    },
    {
      pattern: /^orders$/,
      allowed: ['account', 'symbol', 'status', 'from', 'to', 'limit', 'cursor'],
      run: async (q, _p, _e, reads) => answer(200, await reads.orders(q)),
    },
    {
      pattern: /^events$/,
      allowed: ['account', 'type', 'from', 'to', 'limit', 'cursor'],
      run: async (q, _p, _e, reads) => answer(200, await reads.events(q)),
    },
    {
      pattern: /^alerts$/,
      allowed: ['account', 'symbol', 'from', 'to', 'limit', 'cursor'],
      run: async (q, _p, _e, reads) => answer(200, await reads.alerts(q)),
    },
    {
      pattern: /^candles$/,
      allowed: ['account', 'symbol', 'timeframe', 'from', 'to'],
      run: async (q, _p, _e, reads) => {
        if (q.symbol === undefined) throw new QueryError('symbol', 'symbol is required');
        return answer(200, await reads.candles(q));
      },
    },
    {
      pattern: /^strategies$/,
      allowed: ['account', 'strategy'],
      run: async (q, _p, _e, reads) => answer(200, await reads.strategies(q)),
    },
    {
      // one subscription (its id, as /strategies lists it) next to a backtest: computed when asked
      pattern: /^strategies\/([A-Za-z0-9_.:-]{1,128})\/compare$/,
      allowed: ['account', 'from', 'to'],
      run: async (q, [id], _e, reads) => {
        if (q.accountId === undefined) throw new QueryError('account', 'account is required');
        return answer(200, await reads.strategyCompare(q.accountId, id!, q));
      },
    },
    {
      // its quality score (backtest, walk-forward, the account beside the backtest): computed when asked
      pattern: /^strategies\/([A-Za-z0-9_.:-]{1,128})\/quality$/,
      allowed: ['account', 'from', 'to'],
      run: async (q, [id], _e, reads) => {
        if (q.accountId === undefined) throw new QueryError('account', 'account is required');
        return answer(200, await reads.strategyQuality(q.accountId, id!, q));
      },
    },
    {
      pattern: /^risk$/,
      allowed: ['account'],
      run: async (q, _p, _e, reads) => {
        if (q.accountId === undefined) throw new QueryError('account', 'account is required');
        return answer(200, await reads.risk(q.accountId));
      },
    },
    { pattern: /^health$/, allowed: [], run: async (_q, _p, _e, reads) => answer(200, await reads.health()) },
  ];

  const act = async (
    name: string,
    event: APIGatewayProxyEventV2,
    actor: Actor,
    actions: OperatorActions | undefined,
  ) => {
    if (!(ACTION_NAMES as readonly string[]).includes(name) || !actions)
      return failure(404, 'not_found', `no action ${name.slice(0, 40)}`);
    const text = requestBody(event);
    if (Buffer.byteLength(text) > MAX_ACTION_BODY)
      return failure(400, 'invalid_body', `body must be at most ${MAX_ACTION_BODY} bytes`);
    let input: unknown = {};
    if (text.trim()) {
      try {
        input = JSON.parse(text);
      } catch {
        return failure(400, 'invalid_body', 'body must be JSON');
      }
    }
    const result = await actions.run(name as OperatorActionName, input, actor);
    logger.info('operator action', {
      action: name,
      status: result.status,
      accounts: result.accountIds,
      userId: actor.userId,
    });
    return answer(result.status, result);
  };

  /** GET /usage[?days=N]: the caller's own tenant only (no parameter names another). */
  const usage = async (event: APIGatewayProxyEventV2, actor: Actor) => {
    const report = deps.scope(actor.tenantId).usage;
    if (!report) return failure(404, 'not_found', 'no such route');
    const params = event.queryStringParameters ?? {};
    const unknown = Object.keys(params).find((k) => k !== 'days');
    if (unknown !== undefined)
      return failure(400, 'invalid_query', `unknown parameter ${unknown.slice(0, 40)}`, unknown);
    const days = params.days === undefined ? 7 : Number(params.days);
    if (!Number.isInteger(days) || days < 1 || days > 31)
      return failure(400, 'invalid_query', 'days must be a whole number from 1 to 31', 'days');
    return answer(200, await report.forTenant(actor.tenantId, days));
  };

  /**
   * The deployment admin's routes (docs/API.md "Admin"): every tenant's plan, members, accounts
   * and usage, and a tenant's plan. The role is checked before anything is built or read.
   */
  const adminRoute = async (method: string, path: string, event: APIGatewayProxyEventV2, actor: Actor) => {
    if (!can(actor.role, 'admin')) return failure(403, 'forbidden_role', `a ${actor.role} is not the admin`);
    if (method === 'GET' && path === 'admin/queue')
      return answer(200, { queue: deps.queueDepth ? await deps.queueDepth() : null });
    const plan = /^admin\/tenants\/([^/]{1,64})\/plan$/.exec(path);
    const known = path === 'admin/tenants' || path === 'admin/usage' || plan !== null;
    if (!known || !deps.admin) return failure(404, 'not_found', 'no such route');
    if (plan) {
      if (method !== 'PUT') return failure(405, 'method_not_allowed', 'PUT only');
      const tenantId = decodeURIComponent(plan[1]!);
      if (!isTenantId(tenantId)) return failure(404, 'not_found', 'no such tenant');
      const text = requestBody(event);
      if (Buffer.byteLength(text) > MAX_ACTION_BODY)
        return failure(400, 'invalid_body', `body must be at most ${MAX_ACTION_BODY} bytes`);
      let body: unknown;
      try {
        body = JSON.parse(text || '{}');
      } catch {
        return failure(400, 'invalid_body', 'body must be JSON');
      }
      const wanted = typeof body === 'object' && body !== null ? (body as { plan?: unknown }).plan : undefined;
      const change = await deps.admin().setPlan(tenantId, wanted, actor.email ?? actor.userId);
      // the change is recorded on the tenant's meta (planHistory); the log says who and what, no more
      logger.info('tenant plan set', { tenantId, from: change.from, to: change.to, userId: actor.userId });
      return answer(200, { tenantId, ...change });
    }
    if (method !== 'GET') return failure(405, 'method_not_allowed', 'GET only');
    if (path === 'admin/tenants') {
      const params = Object.keys(event.queryStringParameters ?? {});
      if (params.length)
        return failure(400, 'invalid_query', `unknown parameter ${params[0]!.slice(0, 40)}`, params[0]!.slice(0, 40));
      const admin = deps.admin();
      return answer(200, { tenants: await admin.tenants(), plans: admin.planNames() });
    }
    const params = event.queryStringParameters ?? {};
    const unknown = Object.keys(params).find((k) => k !== 'day');
    if (unknown !== undefined)
      return failure(400, 'invalid_query', `unknown parameter ${unknown.slice(0, 40)}`, unknown.slice(0, 40));
    return answer(200, await deps.admin().usage(usageDay(params.day, (deps.clock ?? systemClock).now())));
  };

  const handle = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = (event.rawPath ?? '').replace(/^\/api\/v1\/?/, '').replace(/\/$/, '');
    try {
      const signedIn = actorOf(event);
      // With TOTP required by the pool, every sign-in is a TOTP sign-in: auth_time dates the second factor.
      const actor =
        signedIn && deps.secondFactorRequired ? { ...signedIn, secondFactorAt: signedIn.authTime } : signedIn;
      if (!actor)
        return failure(
          403,
          'forbidden_role',
          'the user has no role in a tenant (one of the owner, trader, viewer groups and one tenant group)',
        );
      if (path === 'admin' || path.startsWith('admin/')) return await adminRoute(method, path, event, actor);
      if (method === 'POST') {
        // Viewers read only: refused here, whatever the actions would say (and even without them).
        if (!can(actor.role, 'trade') && !can(actor.role, 'configure'))
          return failure(403, 'forbidden_role', `a ${actor.role} may not act`);
        const action = /^actions\/([a-z-]{1,40})$/.exec(path);
        if (!action) return failure(404, 'not_found', 'no such route');
        return await act(action[1]!, event, actor, deps.scope(actor.tenantId).actions);
      }
      if (method !== 'GET') return failure(405, 'method_not_allowed', 'GET or POST only');
      if (!can(actor.role, 'read')) return failure(403, 'forbidden_role', `a ${actor.role} reads no tenant's data`);
      if (path === 'usage') return await usage(event, actor);
      for (const route of routes) {
        const match = route.pattern.exec(path);
        if (!match) continue;
        const query = parseQuery(event.queryStringParameters ?? {}, route.allowed);
        return await route.run(query, match.slice(1), event, deps.scope(actor.tenantId).reads);
      }
      return failure(404, 'not_found', 'no such route');
    } catch (error) {
      if (error instanceof QueryError) return failure(400, 'invalid_query', error.message, error.field);
      if (error instanceof AdminInputError)
        return failure(400, error.field === 'day' ? 'invalid_query' : 'invalid_argument', error.message, error.field);
      if (error instanceof ForbiddenActionError)
        return failure(403, error.reason === 'role' ? 'forbidden_role' : error.reason, error.message);
      if (error instanceof PlanLimitError) return failure(403, 'plan_limit', error.message, error.limit);
      if (error instanceof NotFoundError) {
        // The tenant guard refused a command outside the actor's tenant: a 404 like any missing
        // row, and a warning, since the code that sent it (or a probe) is worth a look.
        if (error.name === 'TenantScopeError')
          logger.warn('tenant scope refused', { path, method, userId: actorOf(event)?.userId });
        return failure(404, 'not_found', error.message);
      }
      if (error instanceof ConditionalConflictError) return failure(409, 'conflict', 'changed meanwhile: read again');
      if (error instanceof InvalidArgumentError) {
        const field = (error as { field?: unknown }).field;
        return failure(400, 'invalid_argument', error.message, typeof field === 'string' ? field : undefined);
      }
      // Only the class and code: a message may carry what the caller must not see.
      logger.error('console api failed', {
        path,
        method,
        reason: error instanceof DomainError ? error.code : error instanceof Error ? error.name : 'unknown',
      });
      return failure(500, 'internal', 'internal error');
    }
  };
  return middy(handle).use(injectLambdaContext(logger)) as unknown as ConsoleApiHandler;
}
