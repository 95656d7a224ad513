// The owner's actions from the console API and the CLI (OperatorActions, operator-action-types.ts).
// Each one: authorise (a viewer never acts; a destructive action needs a sign-in within
// FRESH_AUTH_MS), validate (an error names the field and its bound), act, audit (who, through
// what). Whatever touches an exchange or the book goes to the account's FIFO lane as an owner
// signal, queued behind any signal already waiting for that symbol; the executor does it (the API
// and the CLI never call an exchange). One signal id per request and symbol, as flatten makes them.
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { Account } from '../domain/account';
import { can, FIRST_TENANT_ID, tenantOfAccount, type TenantId } from '../domain/tenant';
import { subscriptionId } from '../domain/strategy-subscription';
import { resolveRiskConfig } from '../risk/config';
import { applyRiskSetting } from '../risk/overrides';
import type { AuditPayloads } from '../domain/audit';
import { Big } from '../domain/money';
import { isOpen } from '../domain/trade-math';
import type { BookPosition } from '../domain/trade';
import { ConditionalConflictError, ForbiddenActionError, NotFoundError } from '../errors';
import { enqueueSignal } from '../signal/enqueue-signal';
import { normalizeSymbol } from '../signal/symbols';
import type { Intent, OwnerOrder } from '../signal/types';
import { AccountControl, symbolRefOf } from './account-control';
import { AccountInputError, RotateWebhookToken } from './accounts';
import {
  ACTION_CAPABILITY,
  DESTRUCTIVE_ACTIONS,
  FRESH_AUTH_MS,
  MONEY_ACTIONS,
  MONEY_WHEN,
  type ActionResult,
  type Actor,
  type OperatorActionName,
  type OperatorActions,
} from './operator-action-types';
import type {
  AccountLifecycle,
  AccountRepository,
  AuditLog,
  Clock,
  OrderRepository,
  PaperLedgerStore,
  PaperState,
  PlanCheck,
  PositionBook,
  RiskStore,
  SignalLedger,
  SignalQueue,
} from './ports';

import { StrategySubscriptions } from './strategy-subscriptions';

/** The alerts lane's AlertTester, injected when built: sends a sample alert through the real webhook. */
export type AlertTest = (accountId: string, body?: string) => Promise<Omit<ActionResult, 'action'>>;

export interface OperatorActionsDeps {
  accounts: AccountRepository & AccountLifecycle;
  positions: Pick<PositionBook, 'list'>;
  orders: Pick<OrderRepository, 'get'>;
  risk: Pick<RiskStore, 'getState' | 'saveState'>;
  audit: AuditLog;
  clock: Clock;
  ledger: SignalLedger;
  queue: SignalQueue;
  /** the paper exchange's ledger (paper-reset); absent: paper-reset is refused */
  paper?: Pick<PaperLedgerStore, 'getState' | 'saveState' | 'listOpenOrders'>;
  alertTest?: AlertTest;
  /** the tenant's plan (live slots, strategies); absent: no plan limits (a deployment without tenancy) */
  plans?: PlanCheck;
}

/** The largest paper balance a reset accepts (quote currency). */
export const MAX_PAPER_BALANCE = '1000000000';
/** Signal states the executor has not finished: a paper reset waits for them. */
const UNFINISHED = new Set(['received', 'queued', 'executing']);
/** How often the risk state is re-read when the risk-check job wrote it meanwhile. */
const RISK_WRITE_ATTEMPTS = 3;

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

// ---- input schemas: one per action; unknown fields are refused (strict) ----

const ACCOUNT_ID = /^[A-Za-z0-9_-]{3,64}$/;
const ORDER_ID = /^[A-Za-z0-9._:/-]{1,64}$/;
/** plain decimal text: no sign, no exponent, no Infinity (checked before big.js sees it) */
const DECIMAL = /^\d{1,15}(\.\d{1,18})?$/;

const account = z.string().check(z.regex(ACCOUNT_ID, 'must be an account id (3-64 letters, digits, _ or -)'));
const symbol = z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(40, 'must be at most 40 characters'));
const price = z
  .pipe(
    z.union([z.string(), z.number()], { error: 'must be a positive decimal number' }),
    z.transform((v: string | number) => (typeof v === 'number' ? String(v) : v.trim())),
  )
  .check(
    z.refine(
      (v: string) => DECIMAL.test(v) && Number(v) > 0,
      'must be a positive decimal number (at most 15 digits before the point)',
    ),
  );
const orderId = z.string().check(z.regex(ORDER_ID, 'must be a client order id (1-64 characters)'));
const accountOrAll = z
  .strictObject({ account: z.optional(account), all: z.optional(z.literal(true, 'must be true')) })
  .check(
    z.refine((v) => (v.account === undefined) !== (v.all === undefined), {
      message: 'give either account or all: true',
      path: ['account'],
    }),
  );

const SCHEMAS = {
  pause: accountOrAll,
  resume: accountOrAll,
  flatten: accountOrAll,
  close: z.strictObject({ account, symbol }),
  reduce: z.strictObject({
    account,
    symbol,
    percent: z
      .number('must be a number')
      .check(z.refine((p) => Number.isFinite(p) && p > 0 && p < 100, 'must be above 0 and below 100')),
  }),
  'move-stop': z.strictObject({ account, symbol, price }),
  'move-target': z.strictObject({ account, symbol, price, clientOrderId: z.optional(orderId) }),
  'cancel-order': z.strictObject({
    account,
    clientOrderId: orderId,
    force: z.optional(z.boolean('must be true or false')),
  }),
  'paper-reset': z.strictObject({ account, balance: price }),
  rename: z.strictObject({
    account,
    name: z.string().check(z.regex(/^[\w .-]{1,64}$/, 'use 1-64 letters, digits, spaces, . _ or -')),
  }),
  delete: z.strictObject({ account }),
  'rotate-token': z.strictObject({ account }),
  'strategy-enable': z.strictObject({
    account,
    strategy: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(64, 'must be at most 64 characters')),
    symbol,
    timeframe: z.string().check(z.maxLength(8, 'must be a timeframe such as 1h')),
    params: z.optional(z.record(z.string(), z.string().check(z.maxLength(64, 'must be at most 64 characters')))),
    size: z.optional(z.string().check(z.maxLength(32, 'must be at most 32 characters'))),
  }),
  'strategy-disable': z.strictObject({
    account,
    id: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(128, 'must be at most 128 characters')),
  }),
  'risk-set': z.strictObject({
    account,
    set: z
      .array(z.string().check(z.maxLength(200, 'must be at most 200 characters')))
      .check(z.minLength(1, 'needs at least one path=value'), z.maxLength(50, 'takes at most 50 settings')),
  }),
  'alert-test': z.strictObject({
    account,
    body: z.optional(z.string().check(z.maxLength(4096, 'must be at most 4096 characters'))),
  }),
  enable: z.strictObject({ account }),
} satisfies Record<OperatorActionName, z.ZodMiniType>;

type InputOf<N extends OperatorActionName> = z.infer<(typeof SCHEMAS)[N]>;

/** The first issue as an error naming the field and the bound; unknown fields named as such. */
function parse<N extends OperatorActionName>(name: N, input: unknown): InputOf<N> {
  const result = z.safeParse(SCHEMAS[name], input ?? {});
  if (result.success) return result.data as InputOf<N>;
  const issue = result.error.issues[0];
  if (issue?.code === 'unrecognized_keys')
    throw new AccountInputError(issue.keys.join(', '), `unknown field for ${name}`);
  const field = issue?.path.map(String).join('.') || 'body';
  const message =
    issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : (issue?.message ?? 'is invalid');
  throw new AccountInputError(field, message);
}

export class OwnerActions implements OperatorActions {
  private readonly control: AccountControl;
  private readonly strategies: StrategySubscriptions;
  private readonly tokens: RotateWebhookToken;

  constructor(private readonly deps: OperatorActionsDeps) {
    this.control = new AccountControl(deps);
    this.strategies = new StrategySubscriptions(deps);
    this.tokens = new RotateWebhookToken(deps);
  }

  async run(name: OperatorActionName, input: unknown, actor: Actor): Promise<ActionResult> {
    this.authorise(name, actor);
    switch (name) {
      case 'pause':
      case 'resume':
      case 'flatten':
        return this.everyOrOne(name, parse(name, input), actor);
      case 'close':
      case 'reduce':
        return this.closeOrReduce(name, parse(name, input), actor);
      case 'move-stop':
      case 'move-target':
        return this.move(name, parse(name, input), actor);
      case 'cancel-order':
        return this.cancelOrder(parse(name, input), actor);
      case 'paper-reset':
        return this.paperReset(parse(name, input), actor);
      case 'rename':
        return this.rename(parse(name, input), actor);
      case 'delete':
        return this.remove(parse(name, input), actor);
      case 'rotate-token':
        return this.rotateToken(parse(name, input), actor);
      case 'strategy-enable':
        return this.strategyEnable(parse(name, input), actor);
      case 'strategy-disable':
        return this.strategyDisable(parse(name, input), actor);
      case 'risk-set':
        return this.riskSet(parse(name, input), actor);
      case 'alert-test':
        return this.alertTest(parse(name, input), actor);
      case 'enable':
        return this.enable(parse(name, input), actor);
    }
  }

  /**
   * Before the input is even read: a viewer never acts; a money move needs a fresh second factor;
   * a destructive action needs a recent sign-in.
   */
  private authorise(name: OperatorActionName, actor: Actor): void {
    const needed = ACTION_CAPABILITY[name];
    if (!can(actor.role, needed))
      throw new ForbiddenActionError('role', `${name} needs the ${needed} permission, which a ${actor.role} has not`);
    if (MONEY_ACTIONS.has(name)) this.secondFactor(name, actor, 'moves money');
    if (!DESTRUCTIVE_ACTIONS.has(name)) return;
    const age = this.deps.clock.now() - actor.authTime;
    if (!(age <= FRESH_AUTH_MS))
      throw new ForbiddenActionError(
        'stale_auth',
        `${name} needs a sign-in within the last ${FRESH_AUTH_MS / 60_000} minutes (the last was ${Math.round(age / 60_000)} minutes ago): sign in again`,
      );
  }

  /**
   * A money move (MONEY_ACTIONS, MONEY_WHEN) needs the actor's second factor proven within
   * FRESH_AUTH_MS. A sign-in that proved none (a console whose user pool does not require TOTP)
   * is refused with how to turn it on; one that is too old, with "sign in again".
   */
  private secondFactor(name: OperatorActionName, actor: Actor, what: string): void {
    const minutes = FRESH_AUTH_MS / 60_000;
    if (actor.secondFactorAt === undefined)
      throw new ForbiddenActionError(
        'second_factor_required',
        `${name} ${what} and needs a second factor, which this sign-in did not prove: the deployment's console must require TOTP (CONSOLE_MFA=required, as the cloud stacks set; locally: CONSOLE_MFA=required npm start)`,
      );
    const age = this.deps.clock.now() - actor.secondFactorAt;
    if (!(age <= FRESH_AUTH_MS))
      throw new ForbiddenActionError(
        'second_factor_required',
        `${name} ${what} and needs a second factor within the last ${minutes} minutes (the last was ${Math.round(age / 60_000)} minutes ago): sign in again with your TOTP code`,
      );
  }

  /**
   * The plan's live slots before a live account becomes active (a paper account takes none). Read
   * afresh each time: in `resume --all` the accounts turned on before this one already count.
   */
  private async liveSlot(a: Account): Promise<void> {
    if (!this.deps.plans || a.exchange === 'paper' || a.status === 'active') return;
    const tenantId = tenantOf(a.accountId);
    const inUse = (await this.deps.accounts.list()).filter(
      (x) =>
        x.exchange !== 'paper' &&
        x.status === 'active' &&
        x.deletedAt === undefined &&
        tenantOfAccount(x.accountId) === tenantId,
    ).length;
    await this.deps.plans.allowLiveAccount(tenantId, inUse);
  }

  /**
   * A live account's entries on again (paused, or disabled by the drawdown kill switch → active):
   * a money move (the second factor was checked before the input was read), held to the plan's
   * live slots. The drawdown switch is reset with it, as resume does.
   */
  private async enable(input: InputOf<'enable'>, actor: Actor): Promise<ActionResult> {
    const a = await this.account(input.account);
    if (a.status === 'active')
      return { status: 200, action: 'enable', accountIds: [a.accountId], message: `${a.accountId} already active` };
    await this.liveSlot(a);
    const r = await this.control.resume(a.accountId);
    const message = `${a.accountId} enabled (was ${a.status})${r.reset.length ? `; reset ${r.reset.join(', ')}` : ''}`;
    await this.audited(a.accountId, 'enable', actor, message, {});
    return { status: 200, action: 'enable', accountIds: [a.accountId], message };
  }

  private async everyOrOne(
    name: 'pause' | 'resume' | 'flatten',
    input: InputOf<'pause'>,
    actor: Actor,
  ): Promise<ActionResult> {
    const accounts = input.all
      ? (await this.deps.accounts.list()).filter((a) => a.deletedAt === undefined)
      : [await this.account(input.account as string)];
    // Before any account is touched: `resume --all` over a kill-switched account stops whole, not halfway.
    if (name === 'resume' && accounts.some((a) => a.status === 'disabled'))
      this.secondFactor(name, actor, MONEY_WHEN.resume ?? 'moves money');
    const signalIds: string[] = [];
    const lines: string[] = [];
    for (const a of accounts) {
      if (name === 'pause' && input.all && a.status !== 'active') {
        // Already refusing entries; a drawdown-disabled account stays disabled (not merely paused).
        lines.push(`${a.accountId} already ${a.status}`);
        continue;
      } else if (name === 'pause') {
        await this.control.pause(a.accountId, `paused by ${who(actor)}`);
        lines.push(`${a.accountId} paused`);
      } else if (name === 'resume') {
        // A live account turned back on takes a live slot (one its kill switch disabled: checked above).
        await this.liveSlot(a);
        const r = await this.control.resume(a.accountId);
        lines.push(`${a.accountId} active${r.reset.length ? ` (reset ${r.reset.join(', ')})` : ''}`);
      } else {
        const r = await this.control.flatten(a.accountId);
        signalIds.push(...r.queued.map((q) => q.signalId));
        lines.push(
          `${a.accountId} paused, ${r.queued.length} close(s) queued${r.queued.length ? `: ${r.queued.map((q) => q.symbol).join(', ')}` : ''}`,
        );
      }
      await this.audited(a.accountId, name, actor, lines[lines.length - 1] as string, {});
    }
    return {
      status: name === 'flatten' && signalIds.length ? 202 : 200,
      action: name,
      accountIds: accounts.map((a) => a.accountId),
      ...(name === 'flatten' ? { signalIds } : {}),
      message: lines.length ? lines.join('; ') : 'no accounts',
    };
  }

  private async closeOrReduce(
    name: 'close' | 'reduce',
    input: InputOf<'close'> & { percent?: number },
    actor: Actor,
  ): Promise<ActionResult> {
    const a = await this.account(input.account);
    const position = await this.openPosition(a.accountId, input.symbol);
    const intent: Intent = name === 'close' ? 'close_all' : position.side === 'long' ? 'reduce_long' : 'reduce_short';
    const owner: OwnerOrder | undefined = input.percent !== undefined ? { reducePct: input.percent } : undefined;
    const queued = await this.queue(a.accountId, name, position.symbol, intent, owner);
    const what = name === 'close' ? 'close' : `reduce by ${input.percent} %`;
    const message = `${what} of the ${position.side} ${position.symbol} queued (${queued.signalId})`;
    await this.audited(a.accountId, name, actor, message, {
      symbol: position.symbol,
      signalIds: [queued.signalId],
      ...(input.percent !== undefined ? { percent: input.percent } : {}),
    });
    return { status: 202, action: name, accountIds: [a.accountId], signalIds: [queued.signalId], message };
  }

  private async move(
    name: 'move-stop' | 'move-target',
    input: InputOf<'move-target'>,
    actor: Actor,
  ): Promise<ActionResult> {
    const a = await this.account(input.account);
    const position = await this.openPosition(a.accountId, input.symbol);
    // The side (a long's stop below the price) is checked by the executor against the last price
    // when it runs: the price now may not be the price then.
    const owner: OwnerOrder = {
      price: input.price,
      ...(input.clientOrderId ? { clientOrderId: input.clientOrderId } : {}),
    };
    const intent: Intent = name === 'move-stop' ? 'move_stop' : 'move_target';
    const queued = await this.queue(a.accountId, name, position.symbol, intent, owner);
    const message = `${name === 'move-stop' ? 'stop' : 'take-profit'} of the ${position.side} ${position.symbol} to ${input.price} queued (${queued.signalId})`;
    await this.audited(a.accountId, name, actor, message, {
      symbol: position.symbol,
      price: input.price,
      signalIds: [queued.signalId],
      ...(input.clientOrderId ? { clientOrderId: input.clientOrderId } : {}),
    });
    return { status: 202, action: name, accountIds: [a.accountId], signalIds: [queued.signalId], message };
  }

  private async cancelOrder(input: InputOf<'cancel-order'>, actor: Actor): Promise<ActionResult> {
    const a = await this.account(input.account);
    const order = await this.deps.orders.get(a.accountId, input.clientOrderId);
    if (!order) throw new NotFoundError('order', `no order ${input.clientOrderId} on ${a.accountId}`);
    if (order.status !== 'open' && order.status !== 'intent' && order.status !== 'partially_filled')
      throw new AccountInputError('clientOrderId', `order ${input.clientOrderId} has already ended (${order.status})`);
    const owner: OwnerOrder = { clientOrderId: input.clientOrderId, ...(input.force ? { force: true } : {}) };
    const queued = await this.queue(a.accountId, 'cancel-order', order.symbol, 'cancel_order', owner);
    const message = `cancel of ${order.leg} ${order.clientOrderId} on ${order.symbol} queued (${queued.signalId})${input.force ? ' with force' : ''}`;
    await this.audited(a.accountId, 'cancel-order', actor, message, {
      symbol: order.symbol,
      clientOrderId: order.clientOrderId,
      signalIds: [queued.signalId],
      ...(input.force ? { force: true } : {}),
    });
    return { status: 202, action: 'cancel-order', accountIds: [a.accountId], signalIds: [queued.signalId], message };
  }

  /**
   * A new paper wallet balance, written to the paper ledger under its version (not a lane intent:
   * the lanes are per symbol, a balance is the account's). Ordered behind every signal by
   * refusing while any is unfinished, and while a position or resting order exists, so no fill
   * races the write (a fill that does lands on the version check: the reset answers 409). Then the
   * risk state's baselines (peak, day start, last equity) move to the new balance, so the drawdown
   * and daily-loss switches measure from it; the audit event carries both balances, a deposit or
   * withdrawal boundary for reports.
   */
  private async paperReset(input: InputOf<'paper-reset'>, actor: Actor): Promise<ActionResult> {
    const a = await this.account(input.account);
    if (a.exchange !== 'paper' || !a.settings.paper)
      throw new AccountInputError(
        'account',
        `${a.accountId} is a live ${a.exchange} account: only a paper balance can be reset`,
      );
    const paper = this.deps.paper;
    if (!paper) throw new AccountInputError('action', 'paper-reset is not available here');
    const balance = new Big(input.balance);
    if (balance.gt(MAX_PAPER_BALANCE))
      throw new AccountInputError('balance', `balance must be at most ${MAX_PAPER_BALANCE}`);
    const id = a.accountId;
    const [positions, signals, state, orders] = await Promise.all([
      this.deps.positions.list(id),
      this.deps.ledger.listSignals(id, 200),
      paper.getState(id),
      paper.listOpenOrders(id),
    ]);
    const open = positions.filter(isOpen).map((p) => p.symbol);
    for (const symbol of Object.keys(state?.positions ?? {})) if (!open.includes(symbol)) open.push(symbol);
    if (open.length > 0)
      throw new AccountInputError('account', `${id} has open positions (${open.join(', ')}): close them first`);
    if (orders.length > 0)
      throw new AccountInputError('account', `${id} has ${orders.length} resting paper order(s): cancel them first`);
    const pending = signals.filter((s) => UNFINISHED.has(s.status));
    if (pending.length > 0)
      throw new AccountInputError(
        'account',
        `${id} has ${pending.length} signal(s) not yet executed: reset once they are done`,
      );
    const now = this.deps.clock.now();
    const previous = state?.walletBalance ?? new Big(a.settings.paper.initialBalance).toString();
    const next: PaperState = {
      accountId: id,
      currency: state?.currency ?? a.settings.paper.quoteCurrency,
      positions: {},
      leverage: state?.leverage ?? {},
      appliedOrderIds: state?.appliedOrderIds ?? [],
      walletBalance: balance.toString(),
      version: (state?.version ?? 0) + 1,
      updatedAt: now,
    };
    await paper.saveState(next, state?.version ?? 0);
    await this.resetRiskBaselines(id, balance.toString(), now);
    const message = `paper balance ${previous} → ${balance.toString()} ${next.currency}`;
    await this.audited(id, 'paper-reset', actor, message, { balance: balance.toString(), previousBalance: previous });
    return { status: 200, action: 'paper-reset', accountIds: [id], message };
  }

  /** Peak, day start and last equity = the new balance (the risk-check job may write meanwhile: re-read). */
  private async resetRiskBaselines(accountId: string, equity: string, now: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const state = await this.deps.risk.getState(accountId);
      if (!state) return; // the risk-check job starts from its first reading
      try {
        await this.deps.risk.saveState(
          {
            ...state,
            peakEquity: equity,
            peakAt: now,
            dayStartEquity: equity,
            dayStartAt: now,
            lastEquity: equity,
            lastEquityAt: now,
            version: state.version + 1,
            updatedAt: now,
          },
          state.version,
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalConflictError) || attempt >= RISK_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  private async rename(input: InputOf<'rename'>, actor: Actor): Promise<ActionResult> {
    const a = await this.account(input.account);
    const name = input.name.trim();
    const at = this.deps.clock.now();
    await this.deps.accounts.rename(a.accountId, name, at);
    const message = `renamed "${a.name}" → "${name}"`;
    await this.audited(a.accountId, 'rename', actor, message, { name, previousName: a.name });
    return { status: 200, action: 'rename', accountIds: [a.accountId], message };
  }

  /**
   * Soft delete (AccountLifecycle): the history stays readable and the webhook refuses the
   * account's alerts. Only a paused account without open positions: paused, no entry can open a
   * position between this check and the delete.
   */
  private async remove(input: InputOf<'delete'>, actor: Actor): Promise<ActionResult> {
    const a = await this.account(input.account);
    if (a.status === 'active')
      throw new AccountInputError(
        'account',
        `${a.accountId} is active: pause it first (no entry may open a position while it is deleted)`,
      );
    const open = (await this.deps.positions.list(a.accountId)).filter(isOpen);
    if (open.length)
      throw new AccountInputError(
        'account',
        `${a.accountId} has ${open.length} open position(s) (${open.map((p) => p.symbol).join(', ')}): close them first`,
      );
    await this.deps.accounts.softDelete(a.accountId, this.deps.clock.now());
    const message = `account "${a.name}" deleted: its webhook refuses alerts, its strategies stopped; trades and audit kept`;
    await this.audited(a.accountId, 'delete', actor, message, {});
    return { status: 200, action: 'delete', accountIds: [a.accountId], message };
  }

  private async rotateToken(input: InputOf<'rotate-token'>, actor: Actor): Promise<ActionResult> {
    const a = await this.account(input.account);
    const { token } = await this.tokens.execute(a.accountId);
    const message =
      'webhook token replaced: update the alert messages (or webhook URL); the previous token no longer works';
    await this.audited(a.accountId, 'rotate-token', actor, message, {});
    // The token goes to the caller once, in `secret`: never in the message, the audit or a log.
    return { status: 200, action: 'rotate-token', accountIds: [a.accountId], secret: token, message };
  }

  private async strategyEnable(input: InputOf<'strategy-enable'>, actor: Actor): Promise<ActionResult> {
    const a = await this.account(input.account);
    if (a.exchange !== 'paper')
      this.secondFactor('strategy-enable', actor, MONEY_WHEN['strategy-enable'] ?? 'moves money');
    await this.strategySlot(a, input);
    const sub = await this.strategies.enable({
      accountId: a.accountId,
      strategy: input.strategy,
      symbol: input.symbol,
      timeframe: input.timeframe,
      ...(input.params ? { params: input.params } : {}),
      ...(input.size ? { size: input.size } : {}),
    });
    const message = `strategy ${sub.id} enabled`;
    await this.audited(a.accountId, 'strategy-enable', actor, message, {
      subscriptionId: sub.id,
      strategy: sub.strategy,
      symbol: sub.symbol,
    });
    return {
      status: 200,
      action: 'strategy-enable',
      accountIds: [a.accountId],
      message,
      detail: { subscription: sub },
    };
  }

  private async strategyDisable(input: InputOf<'strategy-disable'>, actor: Actor): Promise<ActionResult> {
    const a = await this.account(input.account);
    const sub = await this.strategies.disable(a.accountId, input.id);
    const message = `strategy ${sub.id} disabled`;
    await this.audited(a.accountId, 'strategy-disable', actor, message, {
      subscriptionId: sub.id,
      strategy: sub.strategy,
      symbol: sub.symbol,
    });
    return {
      status: 200,
      action: 'strategy-disable',
      accountIds: [a.accountId],
      message,
      detail: { subscription: sub },
    };
  }

  /**
   * The plan's strategies across the tenant's accounts, before one more is enabled. Re-enabling a
   * subscription that is already enabled adds none (same id: strategy, symbol, timeframe).
   */
  private async strategySlot(a: Account, input: InputOf<'strategy-enable'>): Promise<void> {
    if (!this.deps.plans) return;
    let id: string | undefined;
    try {
      id = subscriptionId(input.strategy, normalizeSymbol(input.symbol).compact, input.timeframe as never);
    } catch {
      return; // a symbol the subscriptions refuse: their error names it
    }
    const tenantId = tenantOf(a.accountId);
    const enabled = (await this.deps.accounts.list())
      .filter((x) => x.deletedAt === undefined && tenantOfAccount(x.accountId) === tenantId)
      .flatMap((x) => (x.settings.strategies ?? []).filter((s) => s.enabled).map((s) => `${x.accountId}/${s.id}`));
    if (enabled.includes(`${a.accountId}/${id}`)) return;
    await this.deps.plans.allowStrategy(tenantId, enabled.length);
  }

  private async riskSet(input: InputOf<'risk-set'>, actor: Actor): Promise<ActionResult> {
    const a = await this.account(input.account);
    if (raisesLeverage(a, input.set)) this.secondFactor('risk-set', actor, MONEY_WHEN['risk-set'] ?? 'moves money');
    await this.control.setRisk(a.accountId, input.set);
    const message = `risk settings changed: ${input.set.join(', ')}`;
    await this.audited(a.accountId, 'risk-set', actor, message, { assignments: [...input.set] });
    return { status: 200, action: 'risk-set', accountIds: [a.accountId], message };
  }

  private async alertTest(input: InputOf<'alert-test'>, actor: Actor): Promise<ActionResult> {
    const a = await this.account(input.account);
    if (!this.deps.alertTest) throw new AccountInputError('action', 'alert-test is not available here');
    const result = await this.deps.alertTest(a.accountId, input.body);
    await this.audited(a.accountId, 'alert-test', actor, result.message, {
      ...(result.signalIds ? { signalIds: result.signalIds } : {}),
    });
    return { ...result, action: 'alert-test' };
  }

  // ---- helpers ----

  /** Unknown and deleted accounts alike: 404 (a deleted account takes no more actions). */
  private async account(accountId: string): Promise<Account> {
    const found = await this.deps.accounts.get(accountId);
    if (!found || found.deletedAt !== undefined) throw new NotFoundError('account', `no account ${accountId}`);
    return found;
  }

  /** The book's open position the owner names, in any symbol form (BTCUSDT, BTCUSDT.P, BTC/USDT:USDT). */
  private async openPosition(
    accountId: string,
    symbolText: string,
  ): Promise<BookPosition & { side: 'long' | 'short' }> {
    let compact: string;
    try {
      compact = normalizeSymbol(symbolText).compact;
    } catch (error) {
      throw new AccountInputError('symbol', error instanceof Error ? error.message : String(error));
    }
    const open = (await this.deps.positions.list(accountId)).filter(isOpen);
    const found = open.find((p) => p.symbol === symbolText || symbolRefOf(p.symbol).compact === compact);
    if (!found)
      throw new NotFoundError(
        'position',
        `no open position on ${symbolText} in ${accountId}${open.length ? ` (open: ${open.map((p) => p.symbol).join(', ')})` : ''}`,
      );
    return found as BookPosition & { side: 'long' | 'short' };
  }

  /** One owner signal on the account's lane for the symbol; the id is one per request (account, action, symbol, time). */
  private async queue(
    accountId: string,
    action: OperatorActionName,
    unified: string,
    intent: Intent,
    owner?: OwnerOrder,
  ): Promise<{ signalId: string; outcome: 'queued' | 'duplicate' }> {
    const now = this.deps.clock.now();
    const h = sha(`${accountId}\n${action}\n${unified}\n${JSON.stringify(owner ?? {})}\n${now}`).slice(0, 40);
    const identity = { dedupKey: `owner-${h}`, signalId: `s${h.slice(0, 31)}`, dedupTtlMs: 24 * 3_600_000 };
    const result = await enqueueSignal(this.deps, accountId, identity, now, (signalId) => ({
      v: 1,
      signalId,
      accountId,
      intent,
      symbol: symbolRefOf(unified),
      receivedAt: now,
      source: 'owner',
      alertId: `${action}-${now}`,
      ...(owner ? { owner } : {}),
    }));
    return { signalId: result.signalId, outcome: result.outcome };
  }

  /** The action in the trail with who asked and through what; never a secret. */
  private async audited(
    accountId: string,
    action: OperatorActionName,
    actor: Actor,
    message: string,
    data: Omit<NonNullable<OperatorAuditData>, 'action' | 'by'>,
  ): Promise<void> {
    await this.deps.audit.append({
      accountId,
      type: 'account.control',
      at: this.deps.clock.now(),
      message: `${action} by ${who(actor)}: ${message}`,
      data: {
        ...data,
        action,
        by: { userId: actor.userId, via: actor.via, ...(actor.email ? { email: actor.email } : {}) },
      },
    });
  }
}

type OperatorAuditData = AuditPayloads['account.control'];

/** The account's tenant (from its id: no read); an id without one is the first tenant's, as before tenancy. */
const tenantOf = (accountId: string): TenantId => tenantOfAccount(accountId) ?? FIRST_TENANT_ID;

/**
 * Whether the assignments raise a leverage cap: the account-wide cap or any symbol's, compared
 * resolved (the risk defaults under the account's overrides) before and after. An assignment the
 * risk settings refuse raises nothing here: setRisk names its error.
 */
function raisesLeverage(a: Account, assignments: readonly string[]): boolean {
  let after = a.settings.risk;
  try {
    for (const assignment of assignments) after = applyRiskSetting(after, assignment);
  } catch {
    return false;
  }
  const before = resolveRiskConfig(a.settings.risk).limits;
  const next = resolveRiskConfig(after).limits;
  if (next.maxLeverage > before.maxLeverage) return true;
  return Object.entries(next.symbolMaxLeverage).some(
    ([symbol, cap]) => cap > (before.symbolMaxLeverage[symbol] ?? before.maxLeverage),
  );
}

const who = (actor: Actor): string => `${actor.email ?? actor.userId} (${actor.via})`;
