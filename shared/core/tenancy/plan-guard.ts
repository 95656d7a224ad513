// The plan's word on what a tenant is about to open or add (docs/TENANCY.md "Plans and usage"):
// a live account, a strategy subscription, a backtest or optimisation run, a strategy generation.
// Each check reads the tenant's plan (one GetItem of its meta) and, for the daily limits, the
// day's usage item; it throws PlanLimitError naming the limit, or returns. Nothing here is on the
// path of a close, a reduction, a flatten, a protective order or the executor's processing: those
// never ask the plan.
import type { TenantId } from '../domain/tenant';
import { assertWithin, resolvePlan, type PlanCatalog, type ResolvedPlan } from './plans';
import type { TenantDirectory, UsageMeter } from './ports';

export interface PlanGuardDeps {
  directory: Pick<TenantDirectory, 'tenant'>;
  plans: PlanCatalog;
  /** the daily limits' counters; absent: daily limits are not checked */
  meter?: Pick<UsageMeter, 'day'>;
  clock: { now(): number };
}

export class PlanGuard {
  constructor(private readonly deps: PlanGuardDeps) {}

  async plan(tenantId: TenantId): Promise<ResolvedPlan> {
    return resolvePlan(tenantId, await this.deps.directory.tenant(tenantId), this.deps.plans);
  }

  /** One more live account enabled (created live, or a paused/disabled live one made active). */
  async allowLiveAccount(tenantId: TenantId, liveInUse: number): Promise<void> {
    assertWithin(await this.plan(tenantId), 'liveAccounts', liveInUse);
  }

  /** One more strategy subscription across the tenant's accounts (`inUse`: the enabled ones now). */
  async allowStrategy(tenantId: TenantId, inUse: number): Promise<void> {
    assertWithin(await this.plan(tenantId), 'strategies', inUse);
  }

  /** One more backtest or optimisation run today (both count against backtestsPerDay). */
  async allowBacktest(tenantId: TenantId): Promise<void> {
    const plan = await this.plan(tenantId);
    if (plan.limits.backtestsPerDay === undefined || !this.deps.meter) return;
    const day = await this.deps.meter.day(tenantId, this.deps.clock.now());
    assertWithin(plan, 'backtestsPerDay', day.backtests + day.optimisations);
  }

  /** One more strategy generation today (the next issue's generator calls it; no caller yet). */
  async allowGeneration(tenantId: TenantId): Promise<void> {
    const plan = await this.plan(tenantId);
    if (plan.limits.generationsPerDay === undefined || !this.deps.meter) return;
    const day = await this.deps.meter.day(tenantId, this.deps.clock.now());
    assertWithin(plan, 'generationsPerDay', day.generations);
  }
}
