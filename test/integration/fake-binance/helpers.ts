// Shared set-up for the fake-Binance tests: a fake with one funded account and an unmodified
// ccxt binanceusdm instance pointed at it.
import ccxt from 'ccxt';
import {
  pointCcxtAt,
  startFakeBinance,
  type FakeBinance,
  type FakeBinanceOptions,
} from '../../../bin/local/fake-binance';

export const KEY = 'it-key';
export const SECRET = 'it-secret';
export const BTC = 'BTC/USDT:USDT';

export type Binance = InstanceType<typeof ccxt.binanceusdm>;

export function startFake(opts: FakeBinanceOptions = {}): Promise<FakeBinance> {
  return startFakeBinance({ accounts: [{ apiKey: KEY, secret: SECRET, usdt: 10_000 }], ...opts });
}

/** A ccxt client of the fake; the rate limiter is off because the fake does not need it. */
export function client(fake: FakeBinance, config: Record<string, unknown> = {}): Binance {
  const ex = new ccxt.binanceusdm({ apiKey: KEY, secret: SECRET, enableRateLimit: false, ...config });
  pointCcxtAt(ex as never, fake.url);
  return ex;
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** An order's id (ccxt types it as possibly undefined). */
export function idOf(order: { id?: string }): string {
  if (order.id === undefined) throw new Error('order without id');
  return order.id;
}

export { ccxt };
