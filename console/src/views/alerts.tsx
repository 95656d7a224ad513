// The alert log: every webhook call for a known account, accepted or refused. Refused ones are
// highlighted with their reason (TradingView never shows the answer body, so this is where "my
// alert fired and nothing happened" is answered). The owner can send a test alert through the real
// webhook path.
import { useState } from 'preact/hooks';
import type { AlertRow, Page } from '../api-types';
import { useAction } from '../components/actions';
import { AsOf } from '../components/common';
import { usePoll } from '../components/poll';
import { useApp } from '../context';
import { formatTime } from '../format';

export function Alerts() {
  const { api, canAct } = useApp();
  const [account, setAccount] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const alerts = usePoll(
    () => api.get<Page<AlertRow>>('/alerts', { account: account || undefined, limit: 100, cursor }),
    [api, account, cursor],
  );
  const action = useAction(alerts.reload);
  const [testAccount, setTestAccount] = useState('');

  return (
    <section>
      <h1>Alert log</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Account
          <input name="account" value={account} onChange={(e) => (setAccount(e.currentTarget.value), setCursors([]))} />
        </label>
      </form>
      {canAct ? (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (testAccount.trim()) void action.run('alert-test', { account: testAccount.trim() });
          }}
        >
          <label>
            Send a test alert to account
            <input
              name="testAccount"
              required
              value={testAccount}
              onInput={(e) => setTestAccount(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={action.busy}>
            Send test alert
          </button>
        </form>
      ) : null}
      {action.view}
      <AsOf asOf={alerts.data?.asOf} error={alerts.error} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Received</th>
              <th>Account</th>
              <th>Outcome</th>
              <th>Alert</th>
              <th>Signal</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {(alerts.data?.items ?? []).map((a) => (
              <tr
                key={a.requestId}
                class={a.outcome === 'refused' || a.signalStatus === 'rejected' ? 'refused' : ''}
                data-testid="alert-row"
              >
                <td>{formatTime(a.receivedAt)}</td>
                <td>{a.accountId}</td>
                <td>
                  {a.outcome} <span class="muted">{a.httpStatus}</span>
                </td>
                <td>
                  {a.action ?? ''} {a.symbol ?? ''} {a.format ? <span class="muted">({a.format})</span> : null}
                </td>
                <td>{a.signalStatus ?? ''}</td>
                <td>
                  {a.reason ?? a.rejectReason ?? ''}
                  {a.signalOutcome ? <span class="muted">{a.signalOutcome}</span> : null}
                  {a.field ? <span class="muted"> [{a.field}]</span> : null}
                  {a.code ? <span class="muted"> {a.code}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {alerts.data && !alerts.data.items.length ? <p class="muted">No alerts yet.</p> : null}
      <nav class="pager">
        <button type="button" disabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
          ← Newer
        </button>
        <button
          type="button"
          disabled={!alerts.data?.nextCursor}
          onClick={() => alerts.data?.nextCursor && setCursors([...cursors, alerts.data.nextCursor])}
        >
          Older →
        </button>
      </nav>
    </section>
  );
}
