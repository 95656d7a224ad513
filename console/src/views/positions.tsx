// Open positions with mark, unrealized P&L, liquidation and break-even prices, the market's funding
// rate and this position's next payment (as the risk-check job last recorded it), the resting stop
// and targets; the owner's actions on each: close, reduce, move stop/target, cancel an order.
import { useState } from 'preact/hooks';
import type { Page, Position } from '../api-types';
import { useAction } from '../components/actions';
import { AsOf, Money } from '../components/common';
import { usePoll } from '../components/poll';
import { useApp } from '../context';
import { formatFunding, formatMarkAge, formatTime, parsePositiveDecimal } from '../format';

type Edit = { kind: 'reduce' | 'move-stop' | 'move-target'; position: Position; clientOrderId?: string };

export function Positions() {
  const { api, canAct } = useApp();
  const positions = usePoll(() => api.get<Page<Position>>('/positions'), [api]);
  const action = useAction(positions.reload);
  const [edit, setEdit] = useState<Edit | undefined>(undefined);
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState<string | undefined>(undefined);

  const submitEdit = async (event: Event) => {
    event.preventDefault();
    if (!edit) return;
    const { accountId: account, symbol } = edit.position;
    if (edit.kind === 'reduce') {
      const percent = Number(value);
      if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(percent > 0 && percent < 100))
        return setInvalid('percent must be a number above 0 and below 100');
      setEdit(undefined);
      return void action.run('reduce', { account, symbol, percent }, `Reduce ${symbol} by ${percent} %?`);
    }
    const price = parsePositiveDecimal(value);
    if (!price) return setInvalid('price must be a positive decimal number');
    setEdit(undefined);
    await action.run(edit.kind, {
      account,
      symbol,
      price,
      ...(edit.clientOrderId ? { clientOrderId: edit.clientOrderId } : {}),
    });
  };
  const open = (next: Edit) => {
    setEdit(next);
    setValue('');
    setInvalid(undefined);
  };

  const items = positions.data?.items ?? [];
  return (
    <section>
      <h1>Positions</h1>
      <AsOf asOf={positions.data?.asOf} dataAsOf={positions.data?.dataAsOf} error={positions.error} />
      {action.view}
      {edit ? (
        <form class="inline-form" onSubmit={submitEdit}>
          <label>
            {edit.kind === 'reduce' ? 'Reduce by %' : edit.kind === 'move-stop' ? 'New stop price' : 'New target price'}{' '}
            for {edit.position.symbol}
            <input
              name="value"
              inputMode="decimal"
              required
              value={value}
              onInput={(e) => setValue(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={action.busy}>
            Apply
          </button>
          <button type="button" class="link" onClick={() => setEdit(undefined)}>
            Cancel
          </button>
          {invalid ? <p class="error">{invalid}</p> : null}
        </form>
      ) : null}
      {positions.data && !items.length ? <p class="muted">No open positions.</p> : null}
      <div class="table-wrap">
        <table>
          {items.length ? (
            <thead>
              <tr>
                <th>Account</th>
                <th>Symbol</th>
                <th>Side</th>
                <th class="r">Qty</th>
                <th class="r">Entry</th>
                <th class="r">Mark</th>
                <th class="r">Unrealized</th>
                <th class="r">Liq.</th>
                <th class="r">Break-even</th>
                <th>Funding</th>
                <th class="r">Stop</th>
                <th>Targets</th>
                {canAct ? <th>Actions</th> : null}
              </tr>
            </thead>
          ) : null}
          <tbody>
            {items.map((p) => (
              <tr key={`${p.accountId}:${p.symbol}`} data-testid="position-row">
                <td>{p.accountName}</td>
                <td>
                  <a href={`#/chart?account=${encodeURIComponent(p.accountId)}&symbol=${encodeURIComponent(p.symbol)}`}>
                    {p.symbol}
                  </a>
                  <div class="muted">
                    {p.strategy ?? 'manual'} · {p.leverage}×
                  </div>
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
                  <div class={`muted${p.markSource === 'live' ? ' live' : ''}`} data-testid="mark-age">
                    {formatMarkAge(p.markSource, p.markAt, Date.now())}
                  </div>
                </td>
                <td class="r">
                  <Money value={p.unrealizedPnl} signed />
                </td>
                <td class="r">
                  <Money value={p.liquidationPrice} />
                </td>
                <td class="r">
                  <Money value={p.breakEvenPrice} />
                </td>
                <FundingCell position={p} />
                <td class={`r${p.stop ? '' : ' error'}`}>
                  {p.stop ? <Money value={p.stop.triggerPrice} /> : 'NO STOP'}
                  {p.stop?.trailingPercent ? <div class="muted">trailing {p.stop.trailingPercent} %</div> : null}
                  {p.trail ? (
                    <div class="muted">
                      + trailing {p.trail.trailingPercent} %
                      {p.trail.triggerPrice ? (
                        <>
                          {' '}
                          @ <Money value={p.trail.triggerPrice} />
                        </>
                      ) : null}
                    </div>
                  ) : null}
                  {canAct && p.stop ? (
                    <div>
                      <button type="button" class="small" onClick={() => open({ kind: 'move-stop', position: p })}>
                        move
                      </button>
                    </div>
                  ) : null}
                </td>
                <td>
                  {p.targets.length
                    ? p.targets.map((t) => (
                        <div key={t.clientOrderId}>
                          <Money value={t.triggerPrice} /> × <Money value={t.amount} />
                          {canAct ? (
                            <>
                              {' '}
                              <button
                                type="button"
                                class="small"
                                onClick={() =>
                                  open({ kind: 'move-target', position: p, clientOrderId: t.clientOrderId })
                                }
                              >
                                move
                              </button>{' '}
                              <button
                                type="button"
                                class="small danger"
                                disabled={action.busy}
                                onClick={() =>
                                  void action.run(
                                    'cancel-order',
                                    { account: p.accountId, clientOrderId: t.clientOrderId },
                                    `Cancel the target order at ${t.triggerPrice}?`,
                                  )
                                }
                              >
                                cancel
                              </button>
                            </>
                          ) : null}
                        </div>
                      ))
                    : '—'}
                </td>
                {canAct ? (
                  <td class="actions">
                    <button
                      type="button"
                      class="danger"
                      disabled={action.busy}
                      onClick={() =>
                        void action.run(
                          'close',
                          { account: p.accountId, symbol: p.symbol },
                          `Close the whole ${p.side} ${p.symbol} position on ${p.accountName} at market?`,
                        )
                      }
                    >
                      Close
                    </button>
                    <button type="button" disabled={action.busy} onClick={() => open({ kind: 'reduce', position: p })}>
                      Reduce
                    </button>
                    {!p.targets.length ? (
                      <button
                        type="button"
                        disabled={action.busy}
                        onClick={() => open({ kind: 'move-target', position: p })}
                      >
                        Set target
                      </button>
                    ) : null}
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

/** "+1.00 bp / 8h" over "you receive ≈ 0.52 USDT at 16:00 UTC (in 2h 13m)"; the annual figure and the reading's time on hover. */
function FundingCell({ position: p }: { position: Position }) {
  const now = Date.now();
  const shown = formatFunding(p.funding, p.mode, p.symbol, now);
  const f = p.funding;
  const title = f
    ? [
        f.annualPct !== undefined
          ? `${f.annualPct >= 0 ? '+' : '−'}${Math.abs(f.annualPct).toFixed(2)} % a year (simple)`
          : 'interval unknown: not annualised',
        `rate ${f.rate}`,
        `read ${formatTime(f.asOf)}`,
      ].join(' · ')
    : undefined;
  const known = !!f && p.mode !== 'paper';
  return (
    <td class="funding" data-testid="funding" title={title}>
      <span class={known ? '' : 'muted'}>{shown.rate}</span>
      {shown.stale ? (
        <div class="stale" data-testid="funding-stale">
          stale · read {formatTime(f?.asOf).slice(11, 16)} UTC
        </div>
      ) : null}
      {shown.payment ? <div class="muted">{shown.payment}</div> : null}
      {shown.when ? <div class="muted">{shown.when}</div> : null}
    </td>
  );
}
