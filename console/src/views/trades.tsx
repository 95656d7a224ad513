// Trade history: filters (account, symbol, strategy, period), cursor pagination, CSV export (the
// API's own CSV of every page, fetched with the bearer token and saved as a file).
import { useState } from 'preact/hooks';
import type { Page, Trade } from '../api-types';
import { AsOf, ErrorLine, errorText, Money } from '../components/common';
import { usePoll } from '../components/poll';
import { useApp } from '../context';
import { formatTime } from '../format';

interface Filters {
  account: string;
  symbol: string;
  strategy: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { account: '', symbol: '', strategy: '', from: '', to: '' };

/** the filter form's dates (yyyy-mm-dd, UTC) as the API's ISO-8601 bounds */
function query(filters: Filters): Record<string, string | undefined> {
  return {
    account: filters.account || undefined,
    symbol: filters.symbol || undefined,
    strategy: filters.strategy || undefined,
    from: filters.from ? `${filters.from}T00:00:00Z` : undefined,
    to: filters.to ? `${filters.to}T23:59:59.999Z` : undefined,
  };
}

export function Trades() {
  const { api } = useApp();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  // cursors of the pages before this one (the API's cursors only go forward)
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const trades = usePoll(
    () => api.get<Page<Trade>>('/performance/trades', { ...query(filters), limit: 50, cursor }),
    [api, filters, cursor],
  );
  const [exportError, setExportError] = useState<string | undefined>(undefined);

  const apply = (event: Event) => {
    event.preventDefault();
    setFilters(draft);
    setCursors([]);
  };
  const exportCsv = async () => {
    setExportError(undefined);
    try {
      const blob = await api.csv('/performance/trades', query(filters));
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `trades-${new Date().toISOString().slice(0, 10)}.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setExportError(errorText(e));
    }
  };
  const field = (name: keyof Filters, label: string, date = false) => {
    const onInput = (e: { currentTarget: HTMLInputElement }) => setDraft({ ...draft, [name]: e.currentTarget.value });
    return (
      <label>
        {label}
        {date ? (
          <input name={name} type="date" value={draft[name]} onInput={onInput} />
        ) : (
          <input name={name} value={draft[name]} onInput={onInput} />
        )}
      </label>
    );
  };

  return (
    <section>
      <h1>Trades</h1>
      <form class="filters" onSubmit={apply}>
        {field('account', 'Account')}
        {field('symbol', 'Symbol')}
        {field('strategy', 'Strategy')}
        {field('from', 'From (UTC)', true)}
        {field('to', 'To (UTC)', true)}
        <button type="submit">Filter</button>
        <button type="button" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </form>
      <ErrorLine error={exportError} />
      <AsOf asOf={trades.data?.asOf} error={trades.error} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Closed</th>
              <th>Account</th>
              <th>Symbol</th>
              <th>Side</th>
              <th>Strategy</th>
              <th class="r">Qty</th>
              <th class="r">Entry</th>
              <th class="r">Exit</th>
              <th class="r">P&amp;L</th>
              <th class="r">Fees</th>
              <th>Exit reason</th>
            </tr>
          </thead>
          <tbody>
            {(trades.data?.items ?? []).map((t) => (
              <tr key={`${t.accountId}:${t.tradeId ?? t.id ?? ''}`}>
                <td>{formatTime(t.closedAt ?? t.openedAt)}</td>
                <td>{t.accountName ?? t.accountId}</td>
                <td>{t.symbol}</td>
                <td class={t.side}>{t.side}</td>
                <td>
                  {t.strategy ?? (t.arb ? `funding arb #${t.arb.round} ${t.arb.leg}` : 'manual')}
                  {t.algo ? ` · ${t.algo.kind.toUpperCase()} ${t.algo.filledSlices}/${t.algo.slices} slices` : ''}
                </td>
                <td class="r">
                  {/* a closed trade's open quantity is 0: show what it traded */}
                  <Money value={t.maxQuantity ?? t.quantity} />
                </td>
                <td class="r">
                  <Money value={t.entryPrice} />
                </td>
                <td class="r">
                  <Money value={t.exitPrice} />
                </td>
                <td class="r">
                  <Money value={t.realizedPnl} signed />
                </td>
                <td class="r">
                  <Money value={t.fees} />
                </td>
                <td>{t.exitReason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {trades.data && !trades.data.items.length ? <p class="muted">No trades match.</p> : null}
      <nav class="pager">
        <button type="button" disabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
          ← Newer
        </button>
        <button
          type="button"
          disabled={!trades.data?.nextCursor}
          onClick={() => trades.data?.nextCursor && setCursors([...cursors, trades.data.nextCursor])}
        >
          Older →
        </button>
      </nav>
    </section>
  );
}
