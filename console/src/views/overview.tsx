// The first screen: every account (status, equity, kill switches, last reconcile), today's P&L,
// the equity curve, open positions, alerts that need attention and the reconciliation status.
import { useEffect } from 'preact/hooks';
import type { Account, AlertRow, Health, Page, Position, ProfitLoss, Summary } from '../api-types';
import { AsOf, Money } from '../components/common';
import { usePoll } from '../components/poll';
import { Sparkline } from '../components/svg-charts';
import { useApp } from '../context';
import { formatAge, formatMarkAge, formatPercent, formatTime } from '../format';

const DAY_MS = 86_400_000;
export const OVERVIEW_DATA_MARK = 'console:overview-data';

export function Overview() {
  const { api } = useApp();
  const overview = usePoll(async () => {
    const [accounts, summary, positions, alerts, health, pl] = await Promise.all([
      api.get<Page<Account>>('/accounts'),
      api.get<Summary>('/performance/summary'),
      api.get<Page<Position>>('/positions'),
      api.get<Page<AlertRow>>('/alerts', { from: Date.now() - DAY_MS, limit: 50 }),
      api.get<Health>('/health'),
      api.get<ProfitLoss>('/performance/profit-loss', { period: 'day' }),
    ]);
    return { accounts, summary, positions, alerts, health, pl };
  }, [api]);
  const data = overview.data;
  // the signed-in first useful screen: the overview with its data (bench/console-ui.ts reads this
  // mark; console:first-screen in main.tsx is only the frame), marked once per page load
  useEffect(() => {
    if (data && !performance.getEntriesByName(OVERVIEW_DATA_MARK).length) performance.mark(OVERVIEW_DATA_MARK);
  }, [data]);
  const now = Date.now();
  const attention = data?.alerts.items.filter((a) => a.outcome === 'refused' || a.signalStatus === 'rejected') ?? [];
  return (
    <section>
      <h1>Overview</h1>
      <AsOf asOf={data?.summary.asOf} dataAsOf={data?.summary.dataAsOf} error={overview.error} />
      {data ? (
        <>
          <div class="cards">
            <div class="card">
              <h3>Equity</h3>
              <p class="big">
                <Money value={data.summary.equity} /> {data.summary.currency}
              </p>
            </div>
            <div class="card">
              <h3>Today's P&amp;L</h3>
              <p class="big">
                <Money value={data.summary.pnl.today.realized} signed />
              </p>
              <p class="muted">
                unrealized <Money value={data.summary.pnl.today.unrealized} signed /> · {data.summary.pnl.today.trades}{' '}
                {data.summary.pnl.today.trades === 1 ? 'trade' : 'trades'}
              </p>
            </div>
            <div class="card">
              <h3>30 days</h3>
              <p class="big">
                <Money value={data.summary.pnl.d30.realized} signed />
              </p>
              <p class="muted">win rate {formatPercent(data.summary.winRate)}</p>
            </div>
            <div class="card">
              <h3>Queue</h3>
              <p class="big">{data.health.queue ? data.health.queue.depth : '—'}</p>
              <p class={data.health.queue?.dlqDepth ? 'error' : 'muted'}>
                dead letters: {data.health.queue ? data.health.queue.dlqDepth : '—'}
              </p>
            </div>
          </div>
          <Sparkline
            label="Equity"
            points={data.pl.equity
              .map((p) => ({ at: p.at, value: Number(p.equity) }))
              .filter((p) => Number.isFinite(p.value))}
          />
          <h2>Accounts</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Account</th>
                  <th>Mode</th>
                  <th>Status</th>
                  <th class="r">Equity</th>
                  <th class="r">Open</th>
                  <th>Kill switches</th>
                  <th>Reconciled</th>
                </tr>
              </thead>
              <tbody>
                {data.accounts.items.map((a) => {
                  const health = data.health.accounts.find((h) => h.accountId === a.accountId);
                  const tripped = a.killSwitches.filter((k) => k.tripped);
                  return (
                    <tr key={a.accountId} class={tripped.length || a.halt ? 'warn' : ''}>
                      <td>
                        {a.name} <span class="muted">{a.accountId}</span>
                      </td>
                      <td>{a.mode}</td>
                      <td>{a.status}</td>
                      <td class="r">
                        {a.balance ? <Money value={a.balance.equity} /> : '—'} {a.currency}
                      </td>
                      <td class="r">{a.openPositions}</td>
                      <td>
                        {tripped.length
                          ? tripped.map((k) => `${k.name}${k.reason ? `: ${k.reason}` : ''}`).join('; ')
                          : 'none'}
                      </td>
                      <td class={health && !health.ok ? 'error' : ''}>
                        {health?.lastReconcileAt
                          ? formatAge(health.lastReconcileAt, now)
                          : a.lastReconcileAt
                            ? formatAge(a.lastReconcileAt, now)
                            : 'never'}
                        {health && !health.ok ? ' (late)' : ''}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <h2>Open positions</h2>
          {data.positions.items.length ? (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Account</th>
                    <th>Symbol</th>
                    <th>Side</th>
                    <th class="r">Qty</th>
                    <th class="r">Entry</th>
                    <th class="r">Mark</th>
                    <th class="r">Unrealized</th>
                    <th class="r">Stop</th>
                  </tr>
                </thead>
                <tbody>
                  {data.positions.items.map((p) => (
                    <tr key={`${p.accountId}:${p.symbol}`}>
                      <td>{p.accountName}</td>
                      <td>
                        <a
                          href={`#/chart?account=${encodeURIComponent(p.accountId)}&symbol=${encodeURIComponent(p.symbol)}`}
                        >
                          {p.symbol}
                        </a>
                        {/* a phone scrolls the table sideways: the stop stays in sight under the symbol */}
                        <div class={`narrow-only${p.stop ? ' muted' : ' error'}`}>
                          {p.stop ? (
                            <>
                              stop <Money value={p.stop.triggerPrice} />
                            </>
                          ) : (
                            'NO STOP'
                          )}
                        </div>
                      </td>
                      <td class={p.side}>{p.side}</td>
                      <td class="r">
                        <Money value={p.quantity} />
                      </td>
                      <td class="r">
                        <Money value={p.entryPrice} />
                      </td>
                      <td class="r">
                        <Money value={p.markPrice} />
                        <div class={`muted${p.markSource === 'live' ? ' live' : ''}`}>
                          {formatMarkAge(p.markSource, p.markAt, Date.now())}
                        </div>
                      </td>
                      <td class="r">
                        <Money value={p.unrealizedPnl} signed />
                      </td>
                      <td class={`r${p.stop ? '' : ' error'}`}>
                        {p.stop ? <Money value={p.stop.triggerPrice} /> : 'NO STOP'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p class="muted">No open positions.</p>
          )}
          <h2>Alerts needing attention (24 h)</h2>
          {attention.length ? (
            <ul class="attention">
              {attention.map((a) => (
                <li key={a.requestId}>
                  {formatTime(a.receivedAt)} · {a.accountId} · {a.symbol ?? ''} {a.action ?? ''}:{' '}
                  <strong>{a.reason ?? a.rejectReason ?? a.code ?? a.outcome}</strong>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">None.</p>
          )}
          {data.summary.warnings.map((w) => (
            <p class="notice" key={w}>
              {w}
            </p>
          ))}
        </>
      ) : null}
    </section>
  );
}
