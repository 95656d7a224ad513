// Trading "by hand" on the fake Binance: what a user does in the exchange's app, outside the
// system. A separate, unmodified ccxt client of the same account places the order, so the system's
// adapter sees it only the way it would see a real manual trade (fills, positions, balance).
import ccxt from 'ccxt';
import { pointCcxtAt, type FakeBinance } from '../../../bin/local/fake-binance';

export interface FakeKey {
  apiKey: string;
  secret: string;
}

/**
 * Places a MARKET order on the account of `key` through its own ccxt instance (client order id
 * chosen by ccxt, never one of ours). `symbol` is ccxt's unified symbol (BTC/USDT:USDT), `amount`
 * in base units; `reduceOnly` makes it a pure close, as the app's "Close" button does.
 */
export async function tradeByHand(
  fake: FakeBinance,
  key: FakeKey,
  symbol: string,
  side: 'buy' | 'sell',
  amount: number,
  options: { reduceOnly?: boolean } = {},
): Promise<{ id: string; clientOrderId: string | undefined; average: number | undefined }> {
  const ex = new ccxt.binanceusdm({
    apiKey: key.apiKey,
    secret: key.secret,
    enableRateLimit: false,
    options: { fetchCurrencies: false },
  });
  pointCcxtAt(ex as never, fake.url);
  const order = await ex.createOrder(
    symbol,
    'market',
    side,
    amount,
    undefined,
    options.reduceOnly ? { reduceOnly: true } : {},
  );
  return { id: String(order.id), clientOrderId: order.clientOrderId, average: order.average };
}
