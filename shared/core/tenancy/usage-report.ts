// What a tenant has used and may use (docs/TENANCY.md "Plans and usage"), for the console's
// GET /api/v1/usage and the CLI's `usage`: its plan and limits, the day counters of the last N UTC
// days (today first), and the gauges computed when asked (live slots, strategy subscriptions).
import type { Account } from '../domain/account';
import { tenantOfAccount, type TenantId } from '../domain/tenant';
import { InvalidArgumentError } from '../errors';
import type { PlanGuard } from './plan-guard';
import { liveSlotsInUse } from './plans';
import type { PlanLimits, UsageMeter, UsageMetric } from './ports';

const DAY_MS = 86_400_000;
export const MAX_USAGE_DAYS = 31;

export interface UsageDay extends Record<UsageMetric, number> {
  /** yyyy-mm-dd, UTC */
  day: string;
}

export interface TenantUsage {
  tenantId: TenantId;
  plan: { name: string; source: string; limits: PlanLimits };
  liveAccounts: { inUse: number; allowed?: number };
  strategies: { inUse: number; allowed?: number };
  /** today first */
  days: UsageDay[];
}

export interface UsageReportDeps {
  guard: Pick<PlanGuard, 'plan'>;
  meter: Pick<UsageMeter, 'day'>;
  /** every account the caller may see; only the tenant's are counted (read from each id) */
  accounts: { list(): Promise<readonly Account[]> };
  clock: { now(): number };
}

export class UsageReport {
  constructor(private readonly deps: UsageReportDeps) {}

  async forTenant(tenantId: TenantId, days = 7): Promise<TenantUsage> {
    if (!Number.isInteger(days) || days < 1 || days > MAX_USAGE_DAYS)
      throw new InvalidArgumentError(`days: must be a whole number from 1 to ${MAX_USAGE_DAYS}`);
    const now = this.deps.clock.now();
    const [plan, accounts, counters] = await Promise.all([
      this.deps.guard.plan(tenantId),
      this.deps.accounts.list(),
      Promise.all(Array.from({ length: days }, (_, i) => this.deps.meter.day(tenantId, now - i * DAY_MS))),
    ]);
    const own = accounts.filter((a) => a.deletedAt === undefined && tenantOfAccount(a.accountId) === tenantId);
    const strategies = own.reduce((n, a) => n + (a.settings.strategies ?? []).filter((s) => s.enabled).length, 0);
    return {
      tenantId,
      plan: { name: plan.name, source: plan.source, limits: plan.limits },
      liveAccounts: { inUse: liveSlotsInUse(own, tenantId), ...limit(plan.limits.liveAccounts) },
      strategies: { inUse: strategies, ...limit(plan.limits.strategies) },
      days: counters.map((c, i) => ({ day: new Date(now - i * DAY_MS).toISOString().slice(0, 10), ...c })),
    };
  }
}

const limit = (allowed: number | undefined) => (allowed === undefined ? {} : { allowed });
