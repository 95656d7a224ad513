// Accounts: the plan's usage, status, balance, webhook URL; the owner's actions: rename, pause/resume
// (a live account: enable), paper balance reset, rotate the webhook token (the new one shown once),
// delete, and pause/flatten everything.
import { useState } from 'preact/hooks';
import type { Account, Page } from '../api-types';
import { useAction } from '../components/actions';
import { AsOf, CopyButton, Money } from '../components/common';
import { usePoll } from '../components/poll';
import { UsagePanel } from '../components/usage-panel';
import { useApp } from '../context';
import { formatAge, parsePositiveDecimal } from '../format';

type Edit = { kind: 'rename' | 'paper-reset'; account: Account };

export function Accounts() {
  const { api, canAct } = useApp();
  const accounts = usePoll(() => api.get<Page<Account>>('/accounts'), [api]);
  const action = useAction(accounts.reload);
  const [edit, setEdit] = useState<Edit | undefined>(undefined);
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  const now = Date.now();

  const submitEdit = (event: Event) => {
    event.preventDefault();
    if (!edit) return;
    const account = edit.account.accountId;
    if (edit.kind === 'rename') {
      if (!value.trim()) return setInvalid('the name cannot be empty');
      setEdit(undefined);
      return void action.run('rename', { account, name: value.trim() });
    }
    const balance = parsePositiveDecimal(value);
    if (!balance) return setInvalid('balance must be a positive decimal number');
    setEdit(undefined);
    void action.run('paper-reset', { account, balance }, `Reset ${edit.account.name}'s paper balance to ${balance}?`);
  };

  return (
    <section>
      <h1>Accounts</h1>
      <AsOf asOf={accounts.data?.asOf} error={accounts.error} />
      <UsagePanel />
      {action.view}
      {canAct ? (
        <p class="toolbar">
          <button
            type="button"
            disabled={action.busy}
            onClick={() => void action.run('pause', { all: true }, 'Pause every account?')}
          >
            Pause all
          </button>
          <button
            type="button"
            class="danger"
            disabled={action.busy}
            onClick={() =>
              void action.run('flatten', { all: true }, 'Close every position on every account at market?')
            }
          >
            Flatten all
          </button>
        </p>
      ) : null}
      {edit ? (
        <form class="inline-form" onSubmit={submitEdit}>
          <label>
            {edit.kind === 'rename' ? 'New name' : 'New paper balance'} for {edit.account.name}
            <input name="value" required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          </label>
          <button type="submit">Apply</button>
          <button type="button" class="link" onClick={() => setEdit(undefined)}>
            Cancel
          </button>
          {invalid ? <p class="error">{invalid}</p> : null}
        </form>
      ) : null}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Account</th>
              <th>Exchange</th>
              <th>Status</th>
              <th class="r">Equity</th>
              <th class="r">Free</th>
              <th>Reconciled</th>
              <th>Webhook</th>
              {canAct ? <th>Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {(accounts.data?.items ?? []).map((a) => (
              <tr key={a.accountId}>
                <td>
                  {a.name}
                  <div class="muted">{a.accountId}</div>
                </td>
                <td>
                  {a.exchange} <span class="muted">{a.mode}</span>
                </td>
                <td>{a.status}</td>
                <td class="r">{a.balance ? <Money value={a.balance.equity} /> : '—'}</td>
                <td class="r">{a.balance ? <Money value={a.balance.free} /> : '—'}</td>
                <td>{a.lastReconcileAt ? formatAge(a.lastReconcileAt, now) : 'never'}</td>
                <td class="wrap" data-testid="webhook-url">
                  {a.webhookUrl ? (
                    <>
                      <code>{a.webhookUrl}</code> <CopyButton text={a.webhookUrl} />
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                {canAct ? (
                  <td class="actions">
                    <button
                      type="button"
                      onClick={() => (setEdit({ kind: 'rename', account: a }), setValue(a.name), setInvalid(undefined))}
                    >
                      Rename
                    </button>
                    {a.mode === 'live' && a.status !== 'active' ? (
                      // a live account back on: a money move (TOTP sign-in within 5 minutes) and a live slot of the plan
                      <button
                        type="button"
                        disabled={action.busy}
                        onClick={() =>
                          void action.run('enable', { account: a.accountId }, `Enable ${a.name} to trade live again?`)
                        }
                      >
                        Enable
                      </button>
                    ) : a.status === 'paused' ? (
                      <button
                        type="button"
                        disabled={action.busy}
                        onClick={() => void action.run('resume', { account: a.accountId })}
                      >
                        Resume
                      </button>
                    ) : (
                      <button
                        type="button"
                        disabled={action.busy}
                        onClick={() => void action.run('pause', { account: a.accountId })}
                      >
                        Pause
                      </button>
                    )}
                    {a.mode === 'paper' ? (
                      <button
                        type="button"
                        onClick={() => (
                          setEdit({ kind: 'paper-reset', account: a }),
                          setValue(''),
                          setInvalid(undefined)
                        )}
                      >
                        Reset balance
                      </button>
                    ) : null}
                    <button
                      type="button"
                      disabled={action.busy}
                      onClick={() =>
                        void action.run(
                          'rotate-token',
                          { account: a.accountId },
                          `Rotate ${a.name}'s webhook token? Alerts with the old token will be refused.`,
                          a.webhookUrl,
                        )
                      }
                    >
                      Rotate token
                    </button>
                    <button
                      type="button"
                      class="danger"
                      disabled={action.busy}
                      onClick={() => {
                        const typed = window.prompt(`Delete ${a.name}? Type its id (${a.accountId}) to confirm.`);
                        if (typed === a.accountId) void action.run('delete', { account: a.accountId });
                      }}
                    >
                      Delete
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
