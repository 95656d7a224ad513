// Plans and usage from the CLI (docs/TENANCY.md "Plans and usage"): `usage [--user E|--tenant T]
// [--days N]` shows a tenant's plan, limits, live slots and strategies in use and its day counters;
// `plan list` the stage's plans; `plan set --tenant T|--user E --plan NAME` assigns one (the
// deployment's admin: the CLI runs with the deployment's AWS credentials). The plans are the
// stage's: PLANS as the stacks give the console API, the defaults when unset.
import type { Command } from 'commander';
import { FIRST_TENANT_ID, isTenantId, type TenantId } from '../../shared/core/domain/tenant';
import { systemClock } from '../../shared/core/ports/runtime';
import { MAX_USAGE_DAYS, type TenantUsage } from '../../shared/core/tenancy/usage-report';
import { CliError, resolveTarget, type CliTarget } from '../cli-target';
import { common, print, type CommonOptions } from './options';

interface WhoOptions extends CommonOptions {
  user?: string;
  tenant?: string;
}

async function tenancyOf(target: CliTarget) {
  const { buildTenancy, buildUsageReport, plansOf } = await import('../../shared/runtime/tenancy');
  const plans = plansOf(process.env.PLANS);
  const tenancy = buildTenancy(target.repos.documentClient, target.stage, plans, systemClock);
  return { plans, tenancy, report: buildUsageReport(tenancy, target.repos.accounts, systemClock) };
}

/** --tenant T, or the tenant of --user E (the directory's email index), or the first tenant. */
async function tenantOf(
  o: WhoOptions,
  directory: { memberByEmail(email: string): Promise<{ tenantId: string } | undefined> },
): Promise<TenantId> {
  if (o.user !== undefined && o.tenant !== undefined) throw new CliError('give --user or --tenant, not both');
  if (o.tenant !== undefined) {
    if (!isTenantId(o.tenant))
      throw new CliError(`--tenant must be a tenant id (acc or t + 10 hex), not "${String(o.tenant).slice(0, 40)}"`);
    return o.tenant;
  }
  if (o.user !== undefined) {
    const member = await directory.memberByEmail(o.user);
    if (!member) throw new CliError(`no user ${o.user.slice(0, 80)} in any tenant`);
    return member.tenantId;
  }
  return FIRST_TENANT_ID;
}

const shown = (inUse: number, allowed: number | undefined) => `${inUse} of ${allowed ?? 'unlimited'}`;

export function describeUsage(u: TenantUsage): string {
  const limits = Object.entries(u.plan.limits).map(([k, v]) => `${k} ${v}`);
  const lines = [
    `tenant ${u.tenantId}: plan ${u.plan.name}${u.plan.source === 'record' ? '' : ` (${u.plan.source})`}; limits: ${limits.length ? limits.join(', ') : 'none'}`,
    `live accounts: ${shown(u.liveAccounts.inUse, u.liveAccounts.allowed)}; strategy subscriptions: ${shown(u.strategies.inUse, u.strategies.allowed)}`,
    'day (UTC)   signals  orders  backtests  optimisations  generations',
    ...u.days.map(
      (d) =>
        `${d.day}  ${String(d.signals).padStart(7)}  ${String(d.orders).padStart(6)}  ${String(d.backtests).padStart(9)}  ${String(d.optimisations).padStart(13)}  ${String(d.generations).padStart(11)}`,
    ),
  ];
  return lines.join('\n');
}

export function registerPlanCommands(program: Command): void {
  common(
    program
      .command('usage')
      .description("a tenant's plan, limits, live slots in use and daily usage (today first)")
      .option('--user <email>', "the user's tenant (default: the deployment's first tenant)")
      .option('--tenant <id>', 'a tenant id')
      .option('--days <n>', `days to show, 1 to ${MAX_USAGE_DAYS}`, '7'),
  ).action(async (o: WhoOptions & { days: string }) => {
    const days = Number(o.days);
    if (!Number.isInteger(days) || days < 1 || days > MAX_USAGE_DAYS)
      throw new CliError(`--days must be a whole number from 1 to ${MAX_USAGE_DAYS}`);
    const target = await resolveTarget(o.stage);
    const { tenancy, report } = await tenancyOf(target);
    const usage = await report.forTenant(await tenantOf(o, tenancy.directory), days);
    print(o, usage, () => describeUsage(usage));
  });

  const plan = program.command('plan').description("the stage's plans and each tenant's (admin)");
  common(plan.command('list').description("the stage's plans and their limits")).action(async (o: CommonOptions) => {
    const { plansOf } = await import('../../shared/runtime/tenancy');
    const plans = plansOf(process.env.PLANS);
    print(o, plans, () =>
      Object.entries(plans)
        .map(([name, limits]) => {
          const l = Object.entries(limits).map(([k, v]) => `${k} ${v}`);
          return `${name}: ${l.length ? l.join(', ') : 'no limits'}`;
        })
        .join('\n'),
    );
  });

  common(
    plan
      .command('set')
      .description("assign a plan to a tenant (takes effect at the tenant's next check; nothing open is closed)")
      .option('--user <email>', "the user's tenant")
      .option('--tenant <id>', 'a tenant id')
      .requiredOption('--plan <name>', 'a plan of `plan list`'),
  ).action(async (o: WhoOptions & { plan: string }) => {
    if (o.user === undefined && o.tenant === undefined) throw new CliError('give --tenant T or --user E');
    const target = await resolveTarget(o.stage);
    const { plans, tenancy } = await tenancyOf(target);
    if (!Object.hasOwn(plans, o.plan))
      throw new CliError(`--plan must be one of ${Object.keys(plans).join(', ')}, not "${o.plan.slice(0, 40)}"`);
    const tenantId = await tenantOf(o, tenancy.directory);
    const before = await tenancy.directory.tenant(tenantId);
    await tenancy.directory.putTenant({
      tenantId,
      plan: o.plan,
      createdAt: before?.createdAt ?? systemClock.now(),
      ownerEmail: before?.ownerEmail ?? o.user ?? '',
    });
    const result = { tenantId, plan: o.plan, previous: before?.plan ?? null };
    print(o, result, () => `tenant ${tenantId}: plan ${before?.plan ?? '(none)'} → ${o.plan}`);
  });
}
