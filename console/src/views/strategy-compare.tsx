// One subscription's paper (or live) results next to a backtest of it over the same candles
// (GET /strategies/{id}/compare). Read when the owner opens it and when asked again, never on the
// views' 5 s poll: the API runs a backtest for it.
import type { JSX } from 'preact';
import type { CompareSide, StrategyCompare, Subscription } from '../api-types';
import { Money } from '../components/common';
import { useSubscriptionRead } from '../components/on-demand';
import { formatNumber, formatPercent, formatTime, roundDecimal } from '../format';

type Difference = NonNullable<StrategyCompare['difference']>;

/** a difference in points ("+1.5 pp"): the sides' percentages subtracted, not a percentage of one */
const points = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : `${value > 0 ? '+' : value < 0 ? '−' : ''}${Math.abs(value).toFixed(1)} pp`;

/** money to 4 places: the backtest's side is float arithmetic made decimal, its last digits noise (the CLI prints fees so) */
const money4 = (value: string) => roundDecimal(value, 4);

const ROWS: {
  label: string;
  show: (s: CompareSide) => JSX.Element | string;
  diff: (d: Difference) => JSX.Element | string;
}[] = [
  {
    label: 'Trades',
    show: (s) => String(s.trades),
    diff: (d) => `${d.trades > 0 ? '+' : d.trades < 0 ? '−' : ''}${Math.abs(d.trades)}`,
  },
  { label: 'Win rate', show: (s) => formatPercent(s.winRatePct, true), diff: (d) => points(d.winRatePct) },
  {
    label: 'P&L',
    show: (s) => <Money value={money4(s.pnl)} signed />,
    diff: (d) => <Money value={money4(d.pnl)} signed />,
  },
  { label: 'Return', show: (s) => formatPercent(s.returnPct, true), diff: (d) => points(d.returnPct) },
  { label: 'Max drawdown', show: (s) => formatPercent(s.maxDrawdownPct, true), diff: (d) => points(d.maxDrawdownPct) },
  { label: 'Fees', show: (s) => <Money value={money4(s.fees)} />, diff: () => '' },
];

export function CompareStrategy({ subscription, onClose }: { subscription: Subscription; onClose: () => void }) {
  const { data, error, recompute } = useSubscriptionRead<StrategyCompare>(subscription, 'compare');

  const c = data?.comparison;
  const d = data?.difference;
  return (
    <div class="panel" data-testid="strategy-compare">
      <h3>
        {subscription.strategy} on {subscription.symbol} {subscription.timeframe} for {subscription.accountName}: paper
        vs backtest
      </h3>
      <p class="toolbar">
        <button type="button" class="small" onClick={recompute}>
          Recompute
        </button>
        <button type="button" class="small" onClick={onClose}>
          Hide
        </button>
      </p>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : !data ? (
        <p class="muted">running the backtest…</p>
      ) : (
        <>
          {data.warnings.map((w) => (
            <p class="notice" key={w}>
              {w}
            </p>
          ))}
          {data.from !== undefined && data.to !== undefined ? (
            <p class="muted">
              trades opened from {formatTime(data.from)} to {formatTime(data.to)}
              {data.candles ? `; ${data.candles.count} candles backtested` : ''}
              {data.config ? `; both start from ${data.config.cash}` : ''}
            </p>
          ) : null}
          {c ? (
            <>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th></th>
                      <th class="r">{data.accountName}</th>
                      <th class="r">Backtest</th>
                      <th class="r">Difference</th>
                    </tr>
                  </thead>
                  <tbody>
                    {ROWS.map((row) => (
                      <tr key={row.label} data-testid="compare-row">
                        <td>{row.label}</td>
                        <td class="r">{row.show(c.account)}</td>
                        <td class="r">{row.show(c.backtest)}</td>
                        <td class="r">{d ? row.diff(d) : '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p>
                {c.pairs.length} trade{c.pairs.length === 1 ? '' : 's'} paired with the backtest's (same side, entries
                within one candle); mean slippage: entry {formatNumber(c.avgEntrySlippageBps, 1)} bps, exit{' '}
                {formatNumber(c.avgExitSlippageBps, 1)} bps (positive: the account filled worse). {c.accountOnly.length}{' '}
                account trade{c.accountOnly.length === 1 ? '' : 's'} without a backtest counterpart,{' '}
                {c.backtestOnly.length} backtest trade{c.backtestOnly.length === 1 ? '' : 's'} the account did not make.
              </p>
            </>
          ) : null}
        </>
      )}
    </div>
  );
}
