// Polling every 5 s while the tab is visible: the API is read, never pushed (no websocket), and a
// hidden tab costs nothing. A failed poll keeps the last data and says why.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export const POLL_MS = 5_000;

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  /** when the last successful answer arrived (epoch ms) */
  receivedAt: number | undefined;
  reload: () => void;
}

export function usePoll<T>(load: () => Promise<T>, deps: unknown[]): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [receivedAt, setReceivedAt] = useState<number | undefined>(undefined);
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
        setReceivedAt(Date.now());
      },
      (e: unknown) => {
        if (mine !== generation.current) return;
        setError(e instanceof Error ? e.message : String(e));
      },
    );
  }, deps);
  useEffect(() => {
    setData(undefined);
    run();
    const timer = setInterval(() => {
      if (!document.hidden) run();
    }, POLL_MS);
    return () => {
      clearInterval(timer);
      generation.current++;
    };
  }, [run]);
  return { data, error, receivedAt, reload: run };
}
