// Performance: the summary's metrics (with the API's warnings when there are too few trades for
// them to mean much), return vs buy-and-hold, P&L per day/week/month and the by-strategy table.
import { useState } from 'preact/hooks';
import type { Page, ProfitLoss, StrategyRow, Summary } from '../api-types';
import { AsOf, Money } from '../components/common';
import { usePoll } from '../components/poll';
import { Bars } from '../components/svg-charts';
import { useApp } from '../context';
import { formatNumber, formatPercent } from '../format';

type Period = 'day' | 'week' | 'month';

export function Performance() {
  const { api } = useApp();
  const [period, setPeriod] = useState<Period>('day');
  const perf = usePoll(async () => {
    const [summary, pl, strategies] = await Promise.all([
      api.get<Summary>('/performance/summary'),
      api.get<ProfitLoss>('/performance/profit-loss', { period }),
      api.get<Page<StrategyRow>>('/performance/by-strategy'),
    ]);
    return { summary, pl, strategies };
  }, [api, period]);
  const data = perf.data;
  return (
    <section>
      <h1>Performance</h1>
      <AsOf asOf={data?.summary.asOf} dataAsOf={data?.summary.dataAsOf} error={perf.error} />
      {data ? (
        <>
          {data.summary.warnings.map((w) => (
            <p class="notice" key={w}>
              {w}
            </p>
          ))}
          <div class="cards">
            {(['today', 'd7', 'd30', 'all'] as const).map((k) => (
              <div class="card" key={k}>
                <h3>{{ today: 'Today', d7: '7 days', d30: '30 days', all: 'All time' }[k]}</h3>
                <p class="big">
                  <Money value={data.summary.pnl[k].realized} signed />
                </p>
                <p class="muted">
                  unrealized <Money value={data.summary.pnl[k].unrealized} signed /> · fees{' '}
                  <Money value={data.summary.pnl[k].fees} /> · funding{' '}
                  <Money value={data.summary.pnl[k].funding} signed /> · {data.summary.pnl[k].trades} trade
                  {data.summary.pnl[k].trades === 1 ? '' : 's'}
                </p>
              </div>
            ))}
          </div>
          <dl class="metrics">
            <dt>Return</dt>
            <dd>{formatPercent(data.summary.returnPct, true)}</dd>
            <dt>Buy and hold</dt>
            <dd>{formatPercent(data.summary.buyAndHoldPct, true)}</dd>
            <dt>Win rate</dt>
            <dd>{formatPercent(data.summary.winRate)}</dd>
            <dt>Max drawdown</dt>
            <dd>{formatPercent(data.summary.maxDrawdownPct, true)}</dd>
            <dt>Sharpe</dt>
            <dd>{formatNumber(data.summary.sharpe)}</dd>
            <dt>Sortino</dt>
            <dd>{formatNumber(data.summary.sortino)}</dd>
            <dt>Calmar</dt>
            <dd>{formatNumber(data.summary.calmar)}</dd>
          </dl>
          <div class="tabs" role="tablist">
            {(['day', 'week', 'month'] as const).map((p) => (
              <button type="button" key={p} class={p === period ? 'active' : ''} onClick={() => setPeriod(p)}>
                per {p}
              </button>
            ))}
          </div>
          <Bars
            label={`Realized P&L per ${period} (UTC)`}
            bars={data.pl.items.map((b) => ({
              key: new Date(b.start).toISOString().slice(0, 10),
              value: Number(b.realizedPnl),
            }))}
          />
          <h2>By strategy</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Strategy</th>
                  <th class="r">Trades</th>
                  <th class="r">Win rate</th>
                  <th class="r">Realized</th>
                  <th class="r">Fees</th>
                  <th class="r">Funding</th>
                  <th class="r">Profit factor</th>
                  <th class="r">Avg ROI</th>
                </tr>
              </thead>
              <tbody>
                {data.strategies.items.map((s) => (
                  <tr key={s.strategy}>
                    <td>{s.strategy}</td>
                    <td class="r">{s.trades}</td>
                    <td class="r">{formatPercent(s.winRate)}</td>
                    <td class="r">
                      <Money value={s.realizedPnl} signed />
                    </td>
                    <td class="r">
                      <Money value={s.fees} />
                    </td>
                    <td class="r">
                      <Money value={s.funding} signed />
                    </td>
                    <td class="r">{formatNumber(s.profitFactor)}</td>
                    <td class="r">{formatPercent(s.avgRoiPct, true)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
