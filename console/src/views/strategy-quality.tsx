// One subscription's quality score (GET /strategies/{id}/quality): the score, what it rests on,
// each part with its weight, figure and what it wants, and the warnings in words. Read when the
// owner opens it and when asked again, never on the views' 5 s poll: the API runs a backtest and a
// walk-forward for it.
import type { QualityComponent, StrategyQuality, Subscription } from '../api-types';
import { useSubscriptionRead } from '../components/on-demand';
import { formatNumber, formatTime } from '../format';

/** the part's figure in its unit ("12 trades", "0.85", "4.2 %", "3.1 pp", "12.5 bps") */
function figure(c: QualityComponent): string {
  if (c.raw === null) return '—';
  if (c.unit === 'trades') return `${c.raw} trades`;
  if (c.unit === 'ratio') return formatNumber(c.raw, 2);
  return `${formatNumber(c.raw, 1)} ${c.unit}`;
}

export function StrategyQualityPanel({ subscription, onClose }: { subscription: Subscription; onClose: () => void }) {
  const { data, error, recompute } = useSubscriptionRead<StrategyQuality>(subscription, 'quality');

  const q = data?.quality;
  return (
    <div class="panel" data-testid="strategy-quality">
      <h3>
        {subscription.strategy} on {subscription.symbol} {subscription.timeframe} for {subscription.accountName}:
        quality
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
        <p class="muted">running the backtest and the walk-forward…</p>
      ) : (
        <>
          {data.warnings.map((w) => (
            <p class="notice" key={w}>
              {w}
            </p>
          ))}
          {q ? (
            <>
              <p data-testid="quality-score">
                <strong>{q.score === null ? 'No score' : `Quality ${formatNumber(q.score, 1)} / 100`}</strong>
                {': '}
                {q.basedOn}
              </p>
              {q.warnings.map((w) => (
                <p class="notice" key={w} data-testid="quality-warning">
                  {w}
                </p>
              ))}
              {data.from !== undefined && data.to !== undefined ? (
                <p class="muted">
                  from {formatTime(data.from)} to {formatTime(data.to)}
                  {data.candles ? `; ${data.candles.count} candles backtested` : ''}
                  {data.walkForward
                    ? `; walk-forward: ${data.walkForward.windows} windows, each choosing among ${data.walkForward.paramSets} parameter sets`
                    : ''}
                </p>
              ) : null}
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>Part</th>
                      <th class="r">Score</th>
                      <th class="r">Weight</th>
                      <th class="r">Figure</th>
                      <th>Wants</th>
                    </tr>
                  </thead>
                  <tbody>
                    {q.components.map((c) => (
                      <tr key={c.name} data-testid="quality-row" class={c.score === null ? 'muted' : ''}>
                        <td>{c.label}</td>
                        <td class="r">{c.score === null ? '—' : formatNumber(c.score, 0)}</td>
                        <td class="r">{c.weight}</td>
                        <td class="r">{figure(c)}</td>
                        <td>{c.score === null ? `not enough data: ${c.reason ?? ''}` : c.wants}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
        </>
      )}
    </div>
  );
}
