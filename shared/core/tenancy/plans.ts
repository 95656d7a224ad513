// Plans (docs/TENANCY.md "Plans and usage"): what a tenant may use, named in the stage config and
// assigned per tenant (TenantRecord.plan). A limit that is absent is no limit. Only what opens or
// adds is ever held to a plan: closes, reductions, flattens and protective orders always pass.
import type { Account } from '../domain/account';
import { FIRST_TENANT_ID, tenantOfAccount, type TenantId } from '../domain/tenant';
import { InvalidArgumentError, PlanLimitError } from '../errors';
import type { Plan, PlanLimits, TenantRecord } from './ports';

/** A new tenant's plan (lane data: `user add` writes it into the tenant's meta). */
export const DEFAULT_PLAN = 'free';
/** No limits: the first tenant's plan on the upgrade, so a single-owner deployment loses nothing. */
export const UNLIMITED_PLAN = 'unlimited';

export type PlanCatalog = Readonly<Record<string, PlanLimits>>;

/**
 * The stage config's defaults (infra/config/stages.ts carries the same table; a unit test holds
 * them equal). free: backtest and paper only; pro: a few live accounts; unlimited: none of it.
 */
export const DEFAULT_PLANS: PlanCatalog = {
  free: { liveAccounts: 0, strategies: 3, backtestsPerDay: 20, generationsPerDay: 5 },
  pro: { liveAccounts: 3, strategies: 20, backtestsPerDay: 200, generationsPerDay: 50 },
  unlimited: {},
};

const LIMIT_KEYS = ['liveAccounts', 'strategies', 'backtestsPerDay', 'generationsPerDay', 'signalsPerDay'] as const;
export type LimitName = (typeof LIMIT_KEYS)[number];

/** What each limit counts, as the refusal says it: "plan free allows 0 live accounts". */
const LIMIT_WORDS: Record<LimitName, string> = {
  liveAccounts: 'live accounts',
  strategies: 'strategy subscriptions',
  backtestsPerDay: 'backtests and optimisation runs a day',
  generationsPerDay: 'strategy generations a day',
  signalsPerDay: 'opening signals a day',
};

const PLAN_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** far above any real use; a typo of a few digits more is refused rather than taken as "unlimited" */
const MAX_LIMIT = 1_000_000;

/**
 * The plans of the stage (the PLANS variable, JSON `{"free":{"liveAccounts":0},…}`), validated:
 * every limit a whole number from 0 to 1,000,000, no unknown limit, and both the default and the
 * unlimited plan present (new tenants and the first tenant are given them by name).
 */
export function parsePlans(text: string | undefined): PlanCatalog {
  if (text === undefined || text.trim() === '') return DEFAULT_PLANS;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError('PLANS: must be JSON, e.g. {"free":{"liveAccounts":0},"unlimited":{}}');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InvalidArgumentError('PLANS: must be an object of plan name → limits');
  const plans: Record<string, PlanLimits> = {};
  for (const [name, limits] of Object.entries(raw as Record<string, unknown>)) {
    if (!PLAN_NAME.test(name))
      throw new InvalidArgumentError(`PLANS.${name.slice(0, 40)}: a plan name is 1-32 lowercase letters, digits or -`);
    if (typeof limits !== 'object' || limits === null || Array.isArray(limits))
      throw new InvalidArgumentError(`PLANS.${name}: must be an object of limits`);
    const parsed: PlanLimits = {};
    for (const [key, value] of Object.entries(limits as Record<string, unknown>)) {
      if (!(LIMIT_KEYS as readonly string[]).includes(key))
        throw new InvalidArgumentError(`PLANS.${name}.${key.slice(0, 40)}: no such limit (${LIMIT_KEYS.join(', ')})`);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_LIMIT)
        throw new InvalidArgumentError(`PLANS.${name}.${key}: must be a whole number from 0 to ${MAX_LIMIT}`);
      parsed[key as LimitName] = value;
    }
    plans[name] = parsed;
  }
  for (const needed of [DEFAULT_PLAN, UNLIMITED_PLAN])
    if (!plans[needed]) throw new InvalidArgumentError(`PLANS.${needed}: the plan is required`);
  return plans;
}

/** A tenant's plan, and why it is that one when its record does not say. */
export interface ResolvedPlan extends Plan {
  /** 'record': the tenant's meta names it; 'first-tenant' / 'default': no record; 'unknown-plan': the record names a plan the stage no longer has */
  source: 'record' | 'first-tenant' | 'default' | 'unknown-plan';
}

/**
 * The plan that applies. No record: the first tenant `acc` (a deployment from before tenancy, not
 * yet upgraded) keeps everything it had, so unlimited; any other tenant is free. A record naming a
 * plan the stage config does not have (renamed, removed) falls to the default plan: the safe side
 * is the smaller plan, and closes are never held to a plan, so no position is stranded by it.
 */
export function resolvePlan(tenantId: TenantId, record: TenantRecord | undefined, plans: PlanCatalog): ResolvedPlan {
  const fallback = (name: string, source: ResolvedPlan['source']): ResolvedPlan => ({
    name,
    limits: plans[name] ?? {},
    source,
  });
  if (!record)
    return tenantId === FIRST_TENANT_ID ? fallback(UNLIMITED_PLAN, 'first-tenant') : fallback(DEFAULT_PLAN, 'default');
  const limits = Object.hasOwn(plans, record.plan) ? plans[record.plan] : undefined;
  return limits ? { name: record.plan, limits, source: 'record' } : fallback(DEFAULT_PLAN, 'unknown-plan');
}

/**
 * Refuses when `inUse + adding` would go over the plan's limit, naming the plan, the limit and the
 * use: "plan free allows 0 live accounts (you have 0)". An absent limit never refuses.
 */
export function assertWithin(plan: Plan, limit: LimitName, inUse: number, adding = 1): void {
  const allowed = plan.limits[limit];
  if (allowed === undefined || inUse + adding <= allowed) return;
  throw new PlanLimitError(
    plan.name,
    limit,
    allowed,
    inUse,
    `plan ${plan.name} allows ${allowed} ${LIMIT_WORDS[limit]} (you have ${inUse})`,
  );
}

/** A live (non-paper) account. */
export const isLive = (account: Pick<Account, 'exchange'>): boolean => account.exchange !== 'paper';

/**
 * The tenant's live slots in use, computed when asked (a gauge, not a counter): its live accounts
 * that are active and not deleted. A paused or disabled account holds no slot (it opens nothing;
 * its closes and protection go on), so enabling one takes a slot and is checked. Accounts of other
 * tenants are ignored whatever the list holds: the tenant is read from each account id.
 */
export function liveSlotsInUse(accounts: readonly Account[], tenantId: TenantId): number {
  return accounts.filter(
    (a) => isLive(a) && a.status === 'active' && a.deletedAt === undefined && tenantOfAccount(a.accountId) === tenantId,
  ).length;
}
