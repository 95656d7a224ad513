// Strategies: every account's subscriptions (GET /strategies), each with its paper-vs-backtest
// compare and its quality score (for viewers too) and its disable button for the owner (strategy-disable), what has traded
// (the by-strategy performance) and subscribing an account (strategy-enable). An older API without GET /strategies answers 404: the view then says so and
// offers removal by a typed id, as before.
import { useState } from 'preact/hooks';
import { isMissingRoute } from '../api';
import type { Page, StrategyRow, Subscription, Subscriptions } from '../api-types';
import { useAction } from '../components/actions';
import { AsOf, Money } from '../components/common';
import { usePoll } from '../components/poll';
import { useApp } from '../context';
import { formatPercent } from '../format';
import { CompareStrategy } from './strategy-compare';
import { StrategyQualityPanel } from './strategy-quality';

const TIMEFRAMES = ['1h', '4h', '1d'];

export function Strategies() {
  const { api, canAct } = useApp();
  const rows = usePoll(() => api.get<Page<StrategyRow>>('/performance/by-strategy'), [api]);
  // undefined while loading; 'unsupported' when the API predates the subscription list
  const subscriptions = usePoll(
    () =>
      api.get<Subscriptions>('/strategies').catch((e: unknown) => {
        if (isMissingRoute(e)) return 'unsupported' as const;
        throw e;
      }),
    [api],
  );
  const action = useAction(() => {
    rows.reload();
    subscriptions.reload();
  });
  const [form, setForm] = useState({ account: '', strategy: '', symbol: '', timeframe: '1h', params: '', size: '' });
  const [disable, setDisable] = useState({ account: '', id: '' });
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  // the subscription whose compare is open (one at a time: each runs a backtest)
  const [comparing, setComparing] = useState<Subscription | undefined>(undefined);
  // the subscription whose quality score is open (one at a time: a backtest and a walk-forward each)
  const [scoring, setScoring] = useState<Subscription | undefined>(undefined);

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
      <AsOf asOf={rows.data?.asOf} error={rows.error ?? subscriptions.error} />
      {action.view}
      <h2>Subscriptions</h2>
      {subscriptions.data === 'unsupported' ? (
        <p class="muted">This API does not list subscriptions yet (an older version): remove one by its id below.</p>
      ) : subscriptions.data && !subscriptions.data.items.length ? (
        <p class="muted">No account is subscribed to a strategy.</p>
      ) : subscriptions.data ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Account</th>
                <th>Strategy</th>
                <th>Symbol</th>
                <th>Timeframe</th>
                <th>Params</th>
                <th class="r">Size</th>
                <th>State</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {subscriptions.data.items.map((s) => (
                <tr key={`${s.accountId}:${s.id}`} data-testid="subscription-row" class={s.enabled ? '' : 'muted'}>
                  <td>{s.accountName}</td>
                  <td>{s.strategy}</td>
                  <td>{s.symbol}</td>
                  <td>{s.timeframe}</td>
                  <td>
                    <code class="wrap">{JSON.stringify(s.params)}</code>
                  </td>
                  <td class="r">{s.size ? <Money value={s.size} /> : 'default'}</td>
                  <td>{s.enabled ? 'enabled' : 'disabled'}</td>
                  <td class="actions">
                    <button
                      type="button"
                      onClick={() =>
                        setComparing(comparing?.id === s.id && comparing.accountId === s.accountId ? undefined : s)
                      }
                    >
                      Compare
                    </button>
                    <button
                      type="button"
                      onClick={() =>
                        setScoring(scoring?.id === s.id && scoring.accountId === s.accountId ? undefined : s)
                      }
                    >
                      Quality
                    </button>
                    {canAct && s.enabled ? (
                      <button
                        type="button"
                        class="danger"
                        disabled={action.busy}
                        onClick={() =>
                          void action.run(
                            'strategy-disable',
                            { account: s.accountId, id: s.id },
                            `Disable ${s.strategy} on ${s.symbol} ${s.timeframe} for ${s.accountName}?`,
                          )
                        }
                      >
                        Disable
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {comparing ? (
        <CompareStrategy
          key={`${comparing.accountId}:${comparing.id}`}
          subscription={comparing}
          onClose={() => setComparing(undefined)}
        />
      ) : null}
      {scoring ? (
        <StrategyQualityPanel
          key={`${scoring.accountId}:${scoring.id}`}
          subscription={scoring}
          onClose={() => setScoring(undefined)}
        />
      ) : null}
      <h2>Performance by strategy</h2>
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
          {subscriptions.data === 'unsupported' ? (
            <>
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
        </>
      ) : null}
    </section>
  );
}
