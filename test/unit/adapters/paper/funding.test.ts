// The paper account charges no funding: it reports none, and knows only its own markets.
import { BTC, rejection, setup } from './helpers';

test('fetchFundingPayments is empty, even with a position open', async () => {
  const { exchange, clock } = setup();
  await exchange.createOrder({
    symbol: BTC,
    side: 'buy',
    type: 'market',
    amount: '0.1',
    reduceOnly: false,
    clientOrderId: 'funding-open',
  });

  expect(await exchange.fetchFundingPayments(BTC, clock.now() - 86_400_000)).toEqual([]);
  expect(await rejection(exchange.fetchFundingPayments('NOPE/USDT:USDT', 0))).toMatchObject({ code: 'UNKNOWN_SYMBOL' });
});
