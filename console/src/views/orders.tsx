// Orders and the audit trail, newest first, filterable by account.
import { useState } from 'preact/hooks';
import type { EventRow, OrderRow, Page } from '../api-types';
import { AsOf, Money } from '../components/common';
import { usePoll } from '../components/poll';
import { useApp } from '../context';
import { formatTime } from '../format';

export function Orders() {
  const { api } = useApp();
  const [account, setAccount] = useState('');
  const data = usePoll(async () => {
    const q = { account: account || undefined, limit: 100 };
    const [orders, events] = await Promise.all([
      api.get<Page<OrderRow>>('/orders', q),
      api.get<Page<EventRow>>('/events', q),
    ]);
    return { orders, events };
  }, [api, account]);
  return (
    <section>
      <h1>Orders and audit</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Account
          <input name="account" value={account} onChange={(e) => setAccount(e.currentTarget.value)} />
        </label>
      </form>
      <AsOf asOf={data.data?.orders.asOf} error={data.error} />
      <h2>Orders</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Created</th>
              <th>Account</th>
              <th>Symbol</th>
              <th>Type</th>
              <th>Side</th>
              <th class="r">Amount</th>
              <th class="r">Price / trigger</th>
              <th>Status</th>
              <th>Client order id</th>
            </tr>
          </thead>
          <tbody>
            {(data.data?.orders.items ?? []).map((o) => (
              <tr key={`${o.accountId}:${o.clientOrderId}`}>
                <td>{formatTime(o.createdAt)}</td>
                <td>{o.accountId}</td>
                <td>{o.symbol}</td>
                <td>{o.type ?? ''}</td>
                <td>{o.side ?? ''}</td>
                <td class="r">
                  <Money value={o.amount} />
                </td>
                <td class="r">
                  <Money value={o.triggerPrice ?? o.price} />
                </td>
                <td>{o.status ?? ''}</td>
                <td class="muted">{o.clientOrderId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Audit events</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>At</th>
              <th>Account</th>
              <th>Type</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {(data.data?.events.items ?? []).map((e, i) => {
              // the event's own sentence first; its data (ids, risk checks: long) folded away
              const { type, at, createdAt, accountId, message, ...rest } = e;
              return (
                <tr key={`${String(at ?? createdAt)}:${i}`}>
                  <td>{formatTime(at ?? createdAt)}</td>
                  <td>{accountId ?? ''}</td>
                  <td>{type}</td>
                  <td class="detail">
                    {typeof message === 'string' ? message : null}
                    <details>
                      <summary class="muted">data</summary>
                      <code>{JSON.stringify(rest)}</code>
                    </details>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
