// Admin (the deployment's admin only; app.tsx shows it to no one else, and the API refuses anyone
// else with 403): every tenant with its plan, members, accounts and live slots against the plan;
// a day's usage beside the plan's daily limits; and changing a tenant's plan (PUT
// /admin/tenants/{id}/plan, a plan the stage defines: the API's refusal names the known ones).
import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import type { AdminTenant, AdminUsage, UsedOf } from '../api-types';
import { AsOf, ErrorLine } from '../components/common';
import { usePoll } from '../components/poll';
import { useApp } from '../context';

const of = (inUse: number, allowed: number | undefined) => `${inUse} / ${allowed ?? '∞'}`;
const used = (u: UsedOf | undefined) => (u ? of(u.used, u.allowed) : '');
/** an over-the-limit figure stands out: a downgraded tenant keeps what it has (nothing is closed) */
const over = (inUse: number, allowed: number | undefined) => (allowed !== undefined && inUse > allowed ? 'warn' : '');
const today = () => new Date().toISOString().slice(0, 10);

function PlanChanger({ tenant, plans, onDone }: { tenant: AdminTenant; plans: string[]; onDone: () => void }) {
  const { api } = useApp();
  const [plan, setPlan] = useState(tenant.plan.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const choices = plans.includes(tenant.plan.name) ? plans : [tenant.plan.name, ...plans];
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.put(`/admin/tenants/${encodeURIComponent(tenant.tenantId)}/plan`, { plan });
      onDone();
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span>
      <select
        aria-label={`plan of ${tenant.tenantId}`}
        value={plan}
        onChange={(e) => setPlan((e.target as HTMLSelectElement).value)}
      >
        {choices.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>{' '}
      <button type="button" disabled={busy || plan === tenant.plan.name} onClick={() => void save()}>
        Set plan
      </button>
      <ErrorLine error={error} />
    </span>
  );
}

export function Admin() {
  const { api } = useApp();
  const [day, setDay] = useState(today);
  const tenants = usePoll(() => api.get<{ tenants: AdminTenant[]; plans: string[] }>('/admin/tenants'), [api]);
  const usage = usePoll(() => api.get<AdminUsage>('/admin/usage', { day }), [api, day]);
  const byTenant = new Map((usage.data?.tenants ?? []).map((t) => [t.tenantId, t.usage]));
  // the plans the stage defines, as the API lists them
  const plans = tenants.data?.plans ?? [];
  return (
    <section>
      <h2>Tenants</h2>
      <p class="muted">
        Every tenant of the deployment: plan, members, accounts and usage. No tenant's trading data is shown here.
      </p>
      <label>
        Usage of{' '}
        <input
          type="date"
          value={day}
          max={today()}
          onChange={(e) => setDay((e.target as HTMLInputElement).value || today())}
        />{' '}
        (UTC)
      </label>
      <ErrorLine error={tenants.error ?? usage.error} />
      <div class="table-wrap">
        <table data-testid="admin-tenants">
          <thead>
            <tr>
              <th>Tenant</th>
              <th>Plan</th>
              <th>Members</th>
              <th class="r">Accounts</th>
              <th class="r">Live in use</th>
              <th class="r">Signals</th>
              <th class="r">Orders</th>
              <th class="r">Backtests + optimisations</th>
              <th class="r">Generations</th>
            </tr>
          </thead>
          <tbody>
            {(tenants.data?.tenants ?? []).map((t) => {
              const u = byTenant.get(t.tenantId);
              return (
                <tr key={t.tenantId}>
                  <td>
                    <code>{t.tenantId}</code>
                  </td>
                  <td>
                    <PlanChanger tenant={t} plans={plans} onDone={tenants.reload} />
                    {t.plan.source === 'record' ? null : <span class="muted"> ({t.plan.source})</span>}
                  </td>
                  <td>
                    {t.members.map((m) => (
                      <div key={m.email}>
                        {m.email} <span class="muted">{m.role}</span>
                      </div>
                    ))}
                  </td>
                  <td class="r num">{t.accounts}</td>
                  <td class={`r num ${over(t.liveAccounts.inUse, t.liveAccounts.allowed)}`}>
                    {of(t.liveAccounts.inUse, t.liveAccounts.allowed)}
                  </td>
                  <td class="r num">{used(u?.signals)}</td>
                  <td class="r num">{used(u?.orders)}</td>
                  <td class="r num">{used(u?.runs)}</td>
                  <td class="r num">{used(u?.generations)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <AsOf asOf={tenants.receivedAt} />
    </section>
  );
}
