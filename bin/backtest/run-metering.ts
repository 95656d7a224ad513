// A backtest or optimisation run for `--user E` is on E's tenant's plan (docs/TENANCY.md "Plans and
// usage"): the plan is asked first (PlanLimitError naming backtestsPerDay: nothing runs), and one run
// is counted once it finished. The count is bookkeeping, not the result: a failed count is a
// warning, never a failed run. Without `--user` the commands stay offline: no metering at all.
import type { TenantId } from '../../shared/core/domain/tenant';
import type { PlanGuard } from '../../shared/core/tenancy/plan-guard';
import type { UsageMeter, UsageMetric } from '../../shared/core/tenancy/ports';

export interface RunMetering {
  tenantId: TenantId;
  guard: Pick<PlanGuard, 'allowBacktest'>;
  meter: Pick<UsageMeter, 'count'>;
  clock: { now(): number };
  warn: (message: string) => void;
}

/** backtest and montecarlo count as backtests; optimize and walk-forward as optimisations (one cap for both). */
export type RunMetric = Extract<UsageMetric, 'backtests' | 'optimisations'>;

export async function meteredRun(
  metering: RunMetering | undefined,
  metric: RunMetric,
  run: () => Promise<void>,
): Promise<void> {
  if (!metering) return run();
  await metering.guard.allowBacktest(metering.tenantId);
  await run();
  try {
    await metering.meter.count(metering.tenantId, metric, metering.clock.now());
  } catch (error) {
    // the error's class only: an SDK error could quote its request
    metering.warn(
      `the run was not counted in tenant ${metering.tenantId}'s ${metric} today (${error instanceof Error ? error.name : 'error'})`,
    );
  }
}
