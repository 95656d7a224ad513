// Strategies: what has traded (the by-strategy performance) and, for the owner, subscribing an
// account to a strategy or removing a subscription (strategy-enable / strategy-disable).
// The contract has no list of subscriptions yet: the table shows strategies that traded.
import { useState } from 'preact/hooks';
import type { Page, StrategyRow } from '../api-types';
import { useAction } from '../components/actions';
import { AsOf, Money } from '../components/common';
import { usePoll } from '../components/poll';
import { useApp } from '../context';
import { formatPercent } from '../format';

const TIMEFRAMES = ['1h', '4h', '1d'];

export function Strategies() {
  const { api, canAct } = useApp();
  const rows = usePoll(() => api.get<Page<StrategyRow>>('/performance/by-strategy'), [api]);
  const action = useAction(rows.reload);
  const [form, setForm] = useState({ account: '', strategy: '', symbol: '', timeframe: '1h', params: '', size: '' });
  const [disable, setDisable] = useState({ account: '', id: '' });
  const [invalid, setInvalid] = useState<string | undefined>(undefined);

  const enable = (event: Event) => {
    event.preventDefault();
    setInvalid(undefined);
    let params: unknown;
    if (form.params.trim()) {
      try {
        params = JSON.parse(form.params);
      } catch {
        return setInvalid('params must be JSON, e.g. {"fast": 9, "slow": 21}');
      }
    }
    void action.run('strategy-enable', {
      account: form.account.trim(),
      strategy: form.strategy.trim(),
      symbol: form.symbol.trim(),
      timeframe: form.timeframe,
      ...(params !== undefined ? { params } : {}),
      ...(form.size.trim() ? { size: form.size.trim() } : {}),
    });
  };
  const input = (name: keyof typeof form, label: string) => (
    <label>
      {label}
      <input name={name} value={form[name]} onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })} />
    </label>
  );

  return (
    <section>
      <h1>Strategies</h1>
      <AsOf asOf={rows.data?.asOf} error={rows.error} />
      {action.view}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Strategy</th>
              <th class="r">Trades</th>
              <th class="r">Win rate</th>
              <th class="r">Realized</th>
            </tr>
          </thead>
          <tbody>
            {(rows.data?.items ?? []).map((s) => (
              <tr key={s.strategy}>
                <td>{s.strategy}</td>
                <td class="r">{s.trades}</td>
                <td class="r">{formatPercent(s.winRate)}</td>
                <td class="r">
                  <Money value={s.realizedPnl} signed />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canAct ? (
        <>
          <h2>Subscribe an account</h2>
          <form class="filters" onSubmit={enable}>
            {input('account', 'Account')}
            {input('strategy', 'Strategy')}
            {input('symbol', 'Symbol')}
            <label>
              Timeframe
              <select
                name="timeframe"
                value={form.timeframe}
                onChange={(e) => setForm({ ...form, timeframe: e.currentTarget.value })}
              >
                {TIMEFRAMES.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </label>
            {input('params', 'Params (JSON)')}
            {input('size', 'Size')}
            <button type="submit" disabled={action.busy}>
              Enable
            </button>
            {invalid ? <p class="error">{invalid}</p> : null}
          </form>
          <h2>Remove a subscription</h2>
          <form
            class="filters"
            onSubmit={(e) => {
              e.preventDefault();
              void action.run('strategy-disable', { account: disable.account.trim(), id: disable.id.trim() });
            }}
          >
            <label>
              Account
              <input
                name="account"
                value={disable.account}
                onInput={(e) => setDisable({ ...disable, account: e.currentTarget.value })}
              />
            </label>
            <label>
              Subscription id
              <input
                name="id"
                value={disable.id}
                onInput={(e) => setDisable({ ...disable, id: e.currentTarget.value })}
              />
            </label>
            <button type="submit" disabled={action.busy}>
              Disable
            </button>
          </form>
        </>
      ) : null}
    </section>
  );
}
