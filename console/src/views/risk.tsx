// Risk: each account's kill switches and halt as the API reports them, and (owner) changing a risk
// setting as the CLI's `risk set` does: "path=value" lines, validated by the API, naming the field.
import { useState } from 'preact/hooks';
import type { Account, Page } from '../api-types';
import { useAction } from '../components/actions';
import { AsOf } from '../components/common';
import { usePoll } from '../components/poll';
import { useApp } from '../context';
import { formatTime } from '../format';

export function Risk() {
  const { api, canAct } = useApp();
  const accounts = usePoll(() => api.get<Page<Account>>('/accounts'), [api]);
  const action = useAction(accounts.reload);
  const [account, setAccount] = useState('');
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
      {canAct ? (
        <form
          class="stacked"
          onSubmit={(e) => {
            e.preventDefault();
            const set = lines
              .split('\n')
              .map((l) => l.trim())
              .filter(Boolean);
            if (set.length)
              void action.run(
                'risk-set',
                { account: account.trim(), set },
                `Change ${set.length} risk setting(s) of ${account}?`,
              );
          }}
        >
          <h2>Change risk settings</h2>
          <label>
            Account
            <input name="account" required value={account} onInput={(e) => setAccount(e.currentTarget.value)} />
          </label>
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
