// Sends one alert to the stage's webhook over HTTP, as TradingView does: alert test goes through
// the real webhook (its parsing, authentication, alert log and queue), not around it.
import type { AlertSender } from '../../core/signal/alert-test';

/** the webhook answers within TradingView's 3 s; a little more for a cold start */
const SEND_TIMEOUT_MS = 10_000;

/** fetch, without following redirects (a redirect would carry the token elsewhere), with a timeout. */
export const fetchAlertSender: AlertSender = async (url, body) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  return { status: res.status, body: await res.text() };
};
