// The tenant's plan and usage above the accounts (GET /usage): live accounts and strategy
// subscriptions in use against the plan's limits, and today's counters. Nothing when the API has
// no usage route (an older stack) or the read fails: the accounts below matter more.
import type { TenantUsage } from '../api-types';
import { useApp } from '../context';
import { usePoll } from './poll';

const of = (inUse: number, allowed: number | undefined) => `${inUse} / ${allowed ?? '∞'}`;

export function UsagePanel() {
  const { api } = useApp();
  const usage = usePoll(() => api.get<TenantUsage>('/usage', { days: 1 }), [api]);
  const u = usage.data;
  if (!u) return null;
  const today = u.days[0];
  const backtestsPerDay = u.plan.limits.backtestsPerDay;
  return (
    <p class="muted" data-testid="usage">
      Plan <strong>{u.plan.name}</strong>: live accounts {of(u.liveAccounts.inUse, u.liveAccounts.allowed)}, strategies{' '}
      {of(u.strategies.inUse, u.strategies.allowed)}
      {today
        ? `; today ${today.signals} signals, ${today.orders} orders, backtests ${of(today.backtests + today.optimisations, backtestsPerDay)}`
        : ''}
    </p>
  );
}
