// Risk: each account's kill switches and halt as the API reports them, the settings in force for
// one account (GET /risk?account=A: effective values, which of them are the account's own
// overrides, and usage), and (owner) changing a risk setting as the CLI's `risk set` does:
// "path=value" lines, validated by the API, naming the field. An older API without GET /risk
// answers 404: the view then says so and shows the rest.
import { useState } from 'preact/hooks';
import { isMissingRoute } from '../api';
import type { Account, Page, RiskView } from '../api-types';
import { useAction } from '../components/actions';
import { AsOf } from '../components/common';
import { usePoll } from '../components/poll';
import { useApp } from '../context';
import { formatTime, settingLines } from '../format';

function SettingsTable({ risk }: { risk: RiskView }) {
  const overridden = new Set(settingLines(risk.overrides).map(([path]) => path));
  const usage = settingLines(risk.usage);
  return (
    <>
      <div class="table-wrap">
        <table data-testid="risk-effective">
          <thead>
            <tr>
              <th>Setting</th>
              <th class="r">In force</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {settingLines(risk.effective).map(([path, shown]) => (
              <tr key={path}>
                <td>
                  <code>{path}</code>
                </td>
                <td class="r num">{shown}</td>
                <td class="muted">{overridden.has(path) ? 'this account' : 'stage default'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {usage.length ? (
        <>
          <h3>Usage</h3>
          <div class="table-wrap">
            <table>
              <tbody>
                {usage.map(([path, shown]) => (
                  <tr key={path}>
                    <td>
                      <code>{path}</code>
                    </td>
                    <td class="r num">{shown}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </>
  );
}

export function Risk() {
  const { api, canAct } = useApp();
  const accounts = usePoll(() => api.get<Page<Account>>('/accounts'), [api]);
  const [account, setAccount] = useState('');
  // the account whose settings are shown: the one picked, else the first listed
  const shown = account || accounts.data?.items[0]?.accountId || '';
  const risk = usePoll(
    () =>
      shown
        ? api.get<RiskView>('/risk', { account: shown }).catch((e: unknown) => {
            if (isMissingRoute(e)) return 'unsupported' as const;
            throw e;
          })
        : Promise.resolve(undefined),
    [api, shown],
  );
  const action = useAction(() => {
    accounts.reload();
    risk.reload();
  });
  const [lines, setLines] = useState('');
  return (
    <section>
      <h1>Risk</h1>
      <AsOf asOf={accounts.data?.asOf} error={accounts.error} />
      {action.view}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Account</th>
              <th>Kill switch</th>
              <th>State</th>
              <th>Since</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {(accounts.data?.items ?? []).flatMap((a) => [
              ...(a.halt
                ? [
                    <tr key={`${a.accountId}:halt`} class="warn">
                      <td>{a.name}</td>
                      <td>halt</td>
                      <td>until {formatTime(a.halt.until)}</td>
                      <td />
                      <td>{a.halt.reason}</td>
                    </tr>,
                  ]
                : []),
              ...a.killSwitches.map((k) => (
                <tr key={`${a.accountId}:${k.name}`} class={k.tripped ? 'warn' : ''}>
                  <td>{a.name}</td>
                  <td>{k.name}</td>
                  <td>{k.tripped ? 'TRIPPED' : 'armed'}</td>
                  <td>{k.at ? formatTime(k.at) : ''}</td>
                  <td>{k.reason ?? ''}</td>
                </tr>
              )),
            ])}
          </tbody>
        </table>
      </div>
      <h2>Settings in force</h2>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Account{' '}
          <select name="risk-account" value={shown} onChange={(e) => setAccount(e.currentTarget.value)}>
            {(accounts.data?.items ?? []).map((a) => (
              <option key={a.accountId} value={a.accountId}>
                {a.name} ({a.accountId})
              </option>
            ))}
          </select>
        </label>
      </form>
      {risk.error ? <p class="error">{risk.error}</p> : null}
      {risk.data === 'unsupported' ? (
        <p class="muted">This API does not report the settings in force yet (an older version).</p>
      ) : risk.data ? (
        <SettingsTable risk={risk.data} />
      ) : null}
      {canAct ? (
        <form
          class="stacked"
          onSubmit={(e) => {
            e.preventDefault();
            const set = lines
              .split('\n')
              .map((l) => l.trim())
              .filter(Boolean);
            if (set.length && shown)
              void action.run('risk-set', { account: shown, set }, `Change ${set.length} risk setting(s) of ${shown}?`);
          }}
        >
          <h2>Change risk settings</h2>
          <p>
            For <strong>{shown || 'no account'}</strong> (pick it above).
          </p>
          <label>
            Settings, one "path=value" per line (e.g. maxLeverage=5)
            <textarea name="set" rows={4} required value={lines} onInput={(e) => setLines(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={action.busy}>
            Apply
          </button>
        </form>
      ) : null}
    </section>
  );
}
