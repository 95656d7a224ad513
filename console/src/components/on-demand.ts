// One subscription's read that the API computes when asked (a backtest behind it): fetched when the
// panel opens and again on "Recompute", never on the views' 5 s poll. An answer that arrives after
// the panel moved on (closed, another subscription) is dropped. Used by the compare and the
// quality panels.
import { useEffect, useState } from 'preact/hooks';
import type { Subscription } from '../api-types';
import { useApp } from '../context';
import { errorText } from './common';

export interface OnDemand<T> {
  data: T | undefined;
  error: string | undefined;
  recompute: () => void;
}

/** GET /strategies/{id}/{what}?account=… for the subscription */
export function useSubscriptionRead<T>(subscription: Subscription, what: 'compare' | 'quality'): OnDemand<T> {
  const { api } = useApp();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setError(undefined);
    api.get<T>(`/strategies/${encodeURIComponent(subscription.id)}/${what}`, { account: subscription.accountId }).then(
      (answer) => current && setData(answer),
      (e: unknown) => current && setError(errorText(e)),
    );
    return () => {
      current = false;
    };
  }, [api, subscription.accountId, subscription.id, what, generation]);
  return { data, error, recompute: () => setGeneration((g) => g + 1) };
}
