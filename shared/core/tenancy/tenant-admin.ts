// The deployment admin's view (docs/TENANCY.md "The deployment's admin"): every tenant with its
// plan, members and account count, the live slots it uses against its plan's, each tenant's usage
// of a UTC day beside its plan's limits, and the one write the admin has: a tenant's plan. No
// tenant's trading data is read: of the accounts, only what a live slot is (exchange, status,
// deleted) is asked for.
import type { Account } from '../domain/account';
import type { TenantId } from '../domain/tenant';
import { InvalidArgumentError, NotFoundError } from '../errors';
import { liveSlotsInUse, resolvePlan, type PlanCatalog, type ResolvedPlan } from './plans';
import type { PlanLimits, TenantMember, TenantRecord, UsageMeter, UsageMetric } from './ports';

/** One tenant as the tenants table holds it: its meta (if written), members and account index. */
export interface AdminTenantEntry {
  tenantId: TenantId;
  record?: TenantRecord;
  members: TenantMember[];
  accountIds: string[];
}

/** Who changed a plan and when: kept on the tenant's meta beside the plan (its history). */
export interface PlanChange {
  at: number;
  by: string;
  from: string;
  to: string;
}

export interface AdminDirectory {
  /** every tenant of the deployment (pointer partitions such as `email#…` are not tenants) */
  everyTenant(): Promise<AdminTenantEntry[]>;
  /**
   * The tenant's plan set to `plan`, the change appended to its history in the same write.
   * Undefined when the tenant has no meta (no such tenant): nothing written.
   */
  setPlan(tenantId: TenantId, change: Omit<PlanChange, 'from'>): Promise<PlanChange | undefined>;
}

/** What a live slot is made of, and nothing else of an account. */
export type AccountSlotFields = Pick<Account, 'accountId' | 'exchange' | 'status' | 'deletedAt'>;

export interface AccountSlotReader {
  /** the accounts that exist among `accountIds`, slot fields only */
  slotFields(accountIds: readonly string[]): Promise<AccountSlotFields[]>;
}

export interface AdminTenantView {
  tenantId: TenantId;
  plan: { name: string; source: ResolvedPlan['source']; limits: PlanLimits };
  createdAt?: number;
  members: { email: string; role: TenantMember['role'] }[];
  accounts: number;
  liveAccounts: { inUse: number; allowed?: number };
}

export interface UsedOf {
  used: number;
  allowed?: number;
}

export interface AdminTenantUsage {
  tenantId: TenantId;
  plan: string;
  /** each counter of the day; `runs` is backtests + optimisations, the one cap `backtestsPerDay` holds */
  usage: Record<UsageMetric, UsedOf> & { runs: UsedOf };
}

export interface TenantAdminDeps {
  directory: AdminDirectory;
  accounts: AccountSlotReader;
  meter: Pick<UsageMeter, 'day'>;
  plans: PlanCatalog;
  clock: { now(): number };
}

/** A bad admin input: `field` names it (day, plan), the message states the bound. */
export class AdminInputError extends InvalidArgumentError {
  constructor(
    readonly field: 'day' | 'plan',
    message: string,
  ) {
    super(message);
    this.name = 'AdminInputError';
  }
}

const DAY_MS = 86_400_000;
/** as far back as the usage items are kept (DynamoUsageMeter: 400 days after their day) */
export const ADMIN_USAGE_DAYS = 400;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);
const limitOf = (allowed: number | undefined) => (allowed === undefined ? {} : { allowed });

/**
 * `day` (yyyy-mm-dd, a real UTC date from ADMIN_USAGE_DAYS ago to today) as an instant of that
 * day; absent: now. A bad one is refused naming `day` and the bound.
 */
export function usageDay(day: string | undefined, now: number): number {
  if (day === undefined) return now;
  const match = DAY.exec(day);
  const at = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  const first = Math.floor(now / DAY_MS) * DAY_MS - ADMIN_USAGE_DAYS * DAY_MS;
  if (!Number.isFinite(at) || utcDay(at) !== day || at < first || at > now)
    throw new AdminInputError('day', `day: must be a UTC date yyyy-mm-dd from ${utcDay(first)} to ${utcDay(now)}`);
  return at;
}

export class TenantAdmin {
  constructor(private readonly deps: TenantAdminDeps) {}

  /** The plans the stage defines: what a tenant's plan may be set to. */
  planNames(): string[] {
    return Object.keys(this.deps.plans);
  }

  /** Every tenant, oldest first (the first tenant `acc` before the others when it has no date). */
  async tenants(): Promise<AdminTenantView[]> {
    const entries = await this.deps.directory.everyTenant();
    const slots = await this.deps.accounts.slotFields(entries.flatMap((e) => e.accountIds));
    return entries
      .map((entry) => {
        const plan = resolvePlan(entry.tenantId, entry.record, this.deps.plans);
        const own = new Set(entry.accountIds);
        return {
          tenantId: entry.tenantId,
          plan: { name: plan.name, source: plan.source, limits: plan.limits },
          ...(entry.record ? { createdAt: entry.record.createdAt } : {}),
          members: entry.members
            .map((m) => ({ email: m.email, role: m.role }))
            .sort((a, b) => a.email.localeCompare(b.email)),
          accounts: slots.filter((a) => own.has(a.accountId) && a.deletedAt === undefined).length,
          liveAccounts: {
            inUse: liveSlotsInUse(slots.filter((a) => own.has(a.accountId)) as Account[], entry.tenantId),
            ...limitOf(plan.limits.liveAccounts),
          },
        };
      })
      .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0) || a.tenantId.localeCompare(b.tenantId));
  }

  /** Each tenant's counters of the UTC day of `at`, beside its plan's daily limits. */
  async usage(at: number): Promise<{ day: string; tenants: AdminTenantUsage[] }> {
    const entries = await this.deps.directory.everyTenant();
    const tenants = await Promise.all(
      entries.map(async (entry): Promise<AdminTenantUsage> => {
        const plan = resolvePlan(entry.tenantId, entry.record, this.deps.plans);
        const c = await this.deps.meter.day(entry.tenantId, at);
        return {
          tenantId: entry.tenantId,
          plan: plan.name,
          usage: {
            signals: { used: c.signals, ...limitOf(plan.limits.signalsPerDay) },
            orders: { used: c.orders },
            backtests: { used: c.backtests },
            optimisations: { used: c.optimisations },
            runs: { used: c.backtests + c.optimisations, ...limitOf(plan.limits.backtestsPerDay) },
            generations: { used: c.generations, ...limitOf(plan.limits.generationsPerDay) },
          },
        };
      }),
    );
    return { day: utcDay(at), tenants: tenants.sort((a, b) => a.tenantId.localeCompare(b.tenantId)) };
  }

  /**
   * The admin sets a tenant's plan: only a plan the stage defines (else 400 naming `plan` and the
   * known names), only an existing tenant (else 404). Effective at the tenant's next check;
   * nothing open is closed.
   */
  async setPlan(tenantId: TenantId, plan: unknown, by: string): Promise<PlanChange> {
    const names = Object.keys(this.deps.plans);
    if (typeof plan !== 'string' || !Object.hasOwn(this.deps.plans, plan))
      throw new AdminInputError(
        'plan',
        `plan: must be one of ${names.join(', ')}${typeof plan === 'string' ? `, not "${plan.slice(0, 40)}"` : ''}`,
      );
    const change = await this.deps.directory.setPlan(tenantId, { at: this.deps.clock.now(), by, to: plan });
    if (!change) throw new NotFoundError('tenant', `no tenant ${tenantId.slice(0, 40)}`);
    return change;
  }
}
