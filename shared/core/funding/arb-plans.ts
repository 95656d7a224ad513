// Adding, listing, switching and removing the owner's funding-arbitrage plans (the CLI's `arb`
// commands). Every field is checked before anything is stored and an error names the field and
// its bound. A plan lives in its first (perp) account's settings; both accounts must belong to the
// same tenant, be live perpetual-futures accounts, and be different accounts.
import { InvalidArgumentError } from '../errors';
import type { Account } from '../domain/account';
import type { ArbPlan } from '../domain/arb-plan';
import { Big, type Decimal } from '../domain/money';
import { tenantOfAccount } from '../domain/tenant';
import type { ArbRound } from './arb-round';
import type { AccountArbPlans, AccountRepository, ArbRoundStore, Clock } from './ports';
import { normalizeSymbol } from '../signal/symbols';

/** Bad plan input: `field` names what was wrong (the CLI prints it, exit 2). */
export class ArbPlanError extends InvalidArgumentError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`, 'ARB_PLAN');
    this.name = 'ArbPlanError';
  }
}

export interface ArbPlanInput {
  planId: string;
  perpAccountId: string;
  otherAccountId: string;
  symbol: string;
  notional: string;
  horizonMs: number;
  lookback?: number;
  perpFeeBps?: string;
  otherFeeBps?: string;
  slippageBps?: string;
  exitCostBps?: string;
  marginBps?: string;
  unwindAfterSeconds?: number;
  stopPct?: number;
  /** absent: false (a plan is added switched off; `arb enable` starts it) */
  enabled?: boolean;
}

export const ARB_PLAN_DEFAULTS = {
  lookback: 3,
  perpFeeBps: '5',
  otherFeeBps: '5.5',
  slippageBps: '2',
  exitCostBps: '0',
  marginBps: '0',
  unwindAfterSeconds: 120,
  stopPct: 10,
} as const;

/** Bounds, named in every refusal. */
export const ARB_PLAN_BOUNDS = {
  notional: ['1', '10000000'],
  horizonMs: [3_600_000, 30 * 86_400_000],
  lookback: [1, 90],
  bps: ['0', '1000'],
  unwindAfterSeconds: [30, 3_600],
  stopPct: [0.5, 50],
} as const;

const PLAN_ID = /^[a-z0-9][a-z0-9-]{0,23}$/;
/** Exchanges whose accounts trade perpetuals with funding: Upbit is KRW spot, paper replays no funding. */
const FUNDING_EXCHANGES: readonly string[] = ['binanceusdm', 'okx', 'bybit', 'bitget'];

export class ArbPlans {
  constructor(
    private readonly deps: {
      accounts: Pick<AccountRepository, 'get' | 'list'> & AccountArbPlans;
      clock: Clock;
      /** the plans' rounds: a plan whose round is still open or exiting is not removed */
      rounds?: Pick<ArbRoundStore, 'get' | 'save'>;
    },
  ) {}

  /** Validates and stores a new plan (switched off unless `enabled`). */
  async add(input: ArbPlanInput): Promise<ArbPlan> {
    const now = this.deps.clock.now();
    const plan = validatePlan(input, now);
    const perp = await this.account(plan.perpAccountId, 'perpAccountId');
    const other = await this.account(plan.otherAccountId, 'otherAccountId');
    checkPair(perp, other);
    const tenant = tenantOfAccount(perp.accountId);
    const sameTenant = (await this.deps.accounts.list()).filter(
      (a) => tenantOfAccount(a.accountId) === tenant && a.deletedAt === undefined,
    );
    // Leg signal ids are arb:<planId>:…, in each leg's account partition: one id per tenant keeps
    // two plans from ever sharing a signal id on a shared hedge account.
    for (const a of sameTenant) {
      if ((a.settings.arbPlans ?? []).some((p) => p.planId === plan.planId))
        throw new ArbPlanError('planId', `${plan.planId} already exists (on account ${a.accountId})`);
    }
    checkNoRival(plan, sameTenant);
    await this.deps.accounts.setArbPlans(
      perp.accountId,
      [...(perp.settings.arbPlans ?? []), plan],
      now,
      perp.updatedAt,
    );
    return plan;
  }

  /** Every plan of the tenant the account belongs to (all of them without an account). */
  async list(tenantOf?: string): Promise<ArbPlan[]> {
    const tenant = tenantOf === undefined ? undefined : tenantOfAccount(tenantOf);
    return (await this.deps.accounts.list())
      .filter((a) => tenant === undefined || tenantOfAccount(a.accountId) === tenant)
      .flatMap((a) => a.settings.arbPlans ?? []);
  }

  /** Switches a plan on (checked again: accounts may have changed) or off (an open round is exited). */
  async setEnabled(planId: string, enabled: boolean): Promise<ArbPlan> {
    const { account, plan } = await this.find(planId);
    const now = this.deps.clock.now();
    if (enabled) {
      checkPair(account, await this.account(plan.otherAccountId, 'otherAccountId'));
      const sameTenant = (await this.deps.accounts.list()).filter(
        (a) => tenantOfAccount(a.accountId) === tenantOfAccount(account.accountId) && a.deletedAt === undefined,
      );
      checkNoRival(plan, sameTenant);
    }
    const next: ArbPlan = { ...plan, enabled, updatedAt: now };
    await this.deps.accounts.setArbPlans(
      account.accountId,
      (account.settings.arbPlans ?? []).map((p) => (p.planId === planId ? next : p)),
      now,
      account.updatedAt,
    );
    return next;
  }

  /**
   * Removes a switched-off plan whose last round has ended. An enabled one, or one whose round is
   * still open or exiting, is refused: the coordinator only follows the plans it finds, so a round
   * removed mid-way would leave its legs to their stops alone (disable, wait for `arb list` to show
   * the round ended, then remove).
   */
  async remove(planId: string): Promise<ArbPlan> {
    const { account, plan } = await this.find(planId);
    if (plan.enabled)
      throw new ArbPlanError('planId', `${planId} is enabled: disable it first (its open round is exited)`);
    const round = await this.deps.rounds?.get(plan.perpAccountId, planId);
    if (round && round.status !== 'ended')
      throw new ArbPlanError('planId', `${planId} round #${round.round} is ${round.status}: wait until it has ended`);
    // A coordinator run that read the plan before it was disabled may still be about to enter. The
    // fence, written at the version just read, makes that run's round write fail, and tells a run
    // that reads the row after it that its copy of the plan is gone.
    if (this.deps.rounds) {
      const now = this.deps.clock.now();
      const fence = round
        ? { ...round, removedAt: now, version: round.version + 1, updatedAt: now }
        : removedPlanRow(plan, now);
      if (!(await this.deps.rounds.save(fence, round?.version ?? 0)))
        throw new ArbPlanError('planId', `${planId} round changed while removing it: see arb list, then try again`);
    }
    await this.deps.accounts.setArbPlans(
      account.accountId,
      (account.settings.arbPlans ?? []).filter((p) => p.planId !== planId),
      this.deps.clock.now(),
      account.updatedAt,
    );
    return plan;
  }

  private async find(planId: string): Promise<{ account: Account; plan: ArbPlan }> {
    for (const account of await this.deps.accounts.list()) {
      const plan = (account.settings.arbPlans ?? []).find((p) => p.planId === planId);
      if (plan) return { account, plan };
    }
    throw new ArbPlanError('planId', `no plan ${planId}`);
  }

  private async account(accountId: string, field: string): Promise<Account> {
    const account = await this.deps.accounts.get(accountId);
    if (!account || account.deletedAt !== undefined) throw new ArbPlanError(field, `no account ${accountId}`);
    return account;
  }
}

/** The row of a plan removed before its first round: ended, nothing held, round 0. */
function removedPlanRow(plan: ArbPlan, now: number): ArbRound {
  const leg = { target: '0', filled: '0', done: true, reduced: '0', cancelIssued: false };
  return {
    accountId: plan.perpAccountId,
    planId: plan.planId,
    round: 0,
    symbol: plan.symbol,
    perpAccountId: plan.perpAccountId,
    otherAccountId: plan.otherAccountId,
    side: 'short-perp',
    amount: '0',
    enteredAt: now,
    horizonMs: plan.horizonMs,
    stopPct: plan.stopPct,
    status: 'ended',
    pair: { sentAt: now, unwindAfterMs: plan.unwindAfterSeconds * 1000, legs: { perp: leg, other: { ...leg } } },
    outbox: [],
    exitAttempts: 0,
    endedAt: now,
    removedAt: now,
    version: 1,
    updatedAt: now,
  };
}

/** Why the two legs are not on the same kind of network (a testnet's play money hedging real money), or undefined. */
export function legNetworksDiffer(perp: Account, other: Account): string | undefined {
  if (perp.testnet === other.testnet) return undefined;
  const [test, live] = perp.testnet ? [perp, other] : [other, perp];
  return `${test.accountId} trades on a testnet and ${live.accountId} on the live exchange: both legs must be on the same kind`;
}

/** The two accounts can carry a plan: same tenant, different, active, perpetual futures with funding. */
export function checkPair(perp: Account, other: Account): void {
  if (perp.accountId === other.accountId)
    throw new ArbPlanError('otherAccountId', 'must be a different account from perpAccountId');
  if (tenantOfAccount(perp.accountId) !== tenantOfAccount(other.accountId))
    throw new ArbPlanError('otherAccountId', `${other.accountId} belongs to another owner than ${perp.accountId}`);
  const mixed = legNetworksDiffer(perp, other);
  if (mixed) throw new ArbPlanError('otherAccountId', mixed);
  for (const [field, a] of [
    ['perpAccountId', perp],
    ['otherAccountId', other],
  ] as const) {
    if (a.status !== 'active') throw new ArbPlanError(field, `${a.accountId} is ${a.status}, must be active`);
    if (!FUNDING_EXCHANGES.includes(a.exchange))
      throw new ArbPlanError(
        field,
        `${a.accountId} is a ${a.exchange} account; a leg must be a perpetual-futures account on one of ${FUNDING_EXCHANGES.join(', ')} (Upbit is spot, paper replays no funding)`,
      );
  }
}

/**
 * One plan per symbol and account, and no strategy trading the symbol there: a strategy's close or
 * reverse would break the pair's hedge without the coordinator knowing why.
 */
function checkNoRival(plan: ArbPlan, accounts: readonly Account[]): void {
  for (const a of accounts) {
    if (a.accountId !== plan.perpAccountId && a.accountId !== plan.otherAccountId) {
      const touching = (a.settings.arbPlans ?? []).find(
        (p) =>
          p.enabled &&
          p.symbol === plan.symbol &&
          (p.otherAccountId === plan.perpAccountId || p.otherAccountId === plan.otherAccountId),
      );
      if (touching && touching.planId !== plan.planId)
        throw new ArbPlanError(
          'symbol',
          `${plan.symbol} is already traded by plan ${touching.planId} on a leg account`,
        );
      continue;
    }
    const rival = (a.settings.arbPlans ?? []).find(
      (p) => p.enabled && p.planId !== plan.planId && p.symbol === plan.symbol,
    );
    if (rival)
      throw new ArbPlanError('symbol', `${plan.symbol} is already traded by plan ${rival.planId} on ${a.accountId}`);
    const strategy = (a.settings.strategies ?? []).find((s) => s.enabled && s.symbol === plan.symbol);
    if (strategy)
      throw new ArbPlanError('symbol', `${plan.symbol} is traded by strategy ${strategy.strategy} on ${a.accountId}`);
  }
}

/** The plan's own fields, with defaults, or an ArbPlanError naming the field and its bound. */
export function validatePlan(input: ArbPlanInput, now: number): ArbPlan {
  if (!PLAN_ID.test(input.planId))
    throw new ArbPlanError('planId', `must be 1–24 of a-z, 0-9 and '-', starting with a letter or digit`);
  let symbol: string;
  try {
    symbol = normalizeSymbol(input.symbol).unified;
  } catch (error) {
    throw new ArbPlanError('symbol', error instanceof Error ? error.message : String(error));
  }
  const lookback = input.lookback ?? ARB_PLAN_DEFAULTS.lookback;
  const unwindAfterSeconds = input.unwindAfterSeconds ?? ARB_PLAN_DEFAULTS.unwindAfterSeconds;
  const stopPct = input.stopPct ?? ARB_PLAN_DEFAULTS.stopPct;
  integerWithin('horizonMs', input.horizonMs, ARB_PLAN_BOUNDS.horizonMs);
  integerWithin('lookback', lookback, ARB_PLAN_BOUNDS.lookback);
  integerWithin('unwindAfterSeconds', unwindAfterSeconds, ARB_PLAN_BOUNDS.unwindAfterSeconds);
  const [minStop, maxStop] = ARB_PLAN_BOUNDS.stopPct;
  if (!Number.isFinite(stopPct) || stopPct < minStop || stopPct > maxStop)
    throw new ArbPlanError('stopPct', `must be between ${minStop} and ${maxStop} percent, got ${stopPct}`);
  const bps = (field: string, value: string | undefined, fallback: string): Decimal =>
    decimalWithin(field, value ?? fallback, ARB_PLAN_BOUNDS.bps, 'bps');
  return {
    planId: input.planId,
    perpAccountId: input.perpAccountId,
    otherAccountId: input.otherAccountId,
    symbol,
    notional: decimalWithin('notional', input.notional, ARB_PLAN_BOUNDS.notional, 'quote'),
    horizonMs: input.horizonMs,
    lookback,
    perpFeeBps: bps('perpFeeBps', input.perpFeeBps, ARB_PLAN_DEFAULTS.perpFeeBps),
    otherFeeBps: bps('otherFeeBps', input.otherFeeBps, ARB_PLAN_DEFAULTS.otherFeeBps),
    slippageBps: bps('slippageBps', input.slippageBps, ARB_PLAN_DEFAULTS.slippageBps),
    exitCostBps: bps('exitCostBps', input.exitCostBps, ARB_PLAN_DEFAULTS.exitCostBps),
    marginBps: bps('marginBps', input.marginBps, ARB_PLAN_DEFAULTS.marginBps),
    unwindAfterSeconds,
    stopPct,
    enabled: input.enabled ?? false,
    createdAt: now,
    updatedAt: now,
  };
}

function integerWithin(field: string, value: number, [min, max]: readonly [number, number]): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ArbPlanError(field, `must be an integer between ${min} and ${max}, got ${value}`);
}

function decimalWithin(field: string, value: string, [min, max]: readonly [string, string], unit: string): Decimal {
  let v: Big;
  try {
    v = new Big(value);
  } catch {
    throw new ArbPlanError(field, `must be a decimal number (${unit}), got ${value}`);
  }
  if (v.lt(min) || v.gt(max)) throw new ArbPlanError(field, `must be between ${min} and ${max} ${unit}, got ${value}`);
  return v.toString();
}
