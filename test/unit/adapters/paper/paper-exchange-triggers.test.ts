// Resting stop-loss / take-profit orders of the paper exchange and processPrice().
// A long is opened at 50,010 (0.1 BTC, fee 2.5005), a short at 49,990 (fee 2.4995).
import { ACCOUNT, BTC, ETH, conditional, order, rejection, setup } from './helpers';

async function long() {
  const ctx = setup();
  await ctx.exchange.createOrder(order());
  return ctx;
}

async function short() {
  const ctx = setup();
  await ctx.exchange.createOrder(order({ side: 'sell' }));
  return ctx;
}

describe('PaperExchange resting orders', () => {
  it('rests a reduce-only stop and take-profit as open orders', async () => {
    const { exchange } = await long();

    const sl = await exchange.createOrder(conditional('stop_market', 'sell', '49000', { clientOrderId: 'sl' }));
    const tp = await exchange.createOrder(conditional('take_profit_market', 'sell', '52000', { clientOrderId: 'tp' }));

    expect(sl).toMatchObject({ status: 'open', filled: '0', triggerPrice: '49000', reduceOnly: true, fee: '0' });
    expect(tp).toMatchObject({ status: 'open', triggerPrice: '52000' });
    expect((await exchange.fetchOpenOrders(BTC)).map((o) => o.clientOrderId)).toEqual(['sl', 'tp']);
    expect(await exchange.fetchOpenOrders(ETH)).toEqual([]);
  });

  it('rejects a conditional order that is not reduce-only, or whose trigger is off the tick', async () => {
    const { exchange } = await long();

    const notReduce = await rejection(
      exchange.createOrder(conditional('stop_market', 'sell', '49000', { reduceOnly: false })),
    );
    const offTick = await rejection(exchange.createOrder(conditional('stop_market', 'sell', '49000.05')));
    const noTrigger = await rejection(
      exchange.createOrder(order({ type: 'stop_market', side: 'sell', reduceOnly: true })),
    );

    expect(notReduce.code).toBe('UNSUPPORTED_ORDER');
    expect(offTick.code).toBe('PRECISION');
    expect(noTrigger.code).toBe('INVALID_ORDER');
  });

  it('does nothing while the price has not reached a trigger', async () => {
    const { exchange, prices } = await long();
    await exchange.createOrder(conditional('stop_market', 'sell', '49000'));
    await exchange.createOrder(conditional('take_profit_market', 'sell', '52000'));
    prices.set(BTC, 49_500);

    const filled = await exchange.processPrice();

    expect(filled).toEqual([]);
    expect(await exchange.fetchOpenOrders()).toHaveLength(2);
  });

  it('cancels an open order, and cancelling again or an unknown id is not an error', async () => {
    const { exchange } = await long();
    await exchange.createOrder(conditional('stop_market', 'sell', '49000', { clientOrderId: 'sl' }));

    await exchange.cancelOrder(BTC, 'sl');
    await exchange.cancelOrder(BTC, 'sl');
    await exchange.cancelOrder(BTC, 'nope');

    expect(await exchange.fetchOpenOrders()).toEqual([]);
    expect((await exchange.fetchOrderByClientId(BTC, 'sl'))?.status).toBe('canceled');
  });
});

describe('PaperExchange stop-loss', () => {
  it('fills a long stop at the trigger with slippage when the price just crossed it, and cancels the take-profit (OCO)', async () => {
    const { exchange, prices, store } = await long();
    await exchange.createOrder(conditional('stop_market', 'sell', '49000', { clientOrderId: 'sl' }));
    await exchange.createOrder(conditional('take_profit_market', 'sell', '52000', { clientOrderId: 'tp' }));
    prices.set(BTC, 48_995);

    const filled = await exchange.processPrice(BTC);

    // worse of 49,000 × 0.9998 = 48,990.2 and 48,995 → 48,990.2; fee 0.1 × 48,990.2 × 0.0005 = 2.44951
    // P&L (48,990.2 − 50,010) × 0.1 = −101.98; wallet 10,000 − 2.5005 − 101.98 − 2.44951 = 9,893.06999
    expect(filled).toHaveLength(1);
    expect(filled[0]).toMatchObject({
      clientOrderId: 'sl',
      status: 'closed',
      filled: '0.1',
      average: '48990.2',
      fee: '2.44951',
    });
    expect(await exchange.fetchPosition(BTC)).toBeUndefined();
    expect((await exchange.fetchBalance()).equity).toBe('9893.06999');
    expect((await exchange.fetchOrderByClientId(BTC, 'tp'))?.status).toBe('canceled');
    expect(await exchange.fetchOpenOrders()).toEqual([]);
    expect((await store.getOrder(ACCOUNT, 'sl'))?.applied).toBe(true);
  });

  it('fills a long stop that the price gapped through at the current, worse price', async () => {
    const { exchange, prices } = await long();
    await exchange.createOrder(conditional('stop_market', 'sell', '49000', { clientOrderId: 'sl' }));
    prices.set(BTC, 48_000);

    const [fill] = await exchange.processPrice();

    // P&L (48,000 − 50,010) × 0.1 = −201; fee 2.4; wallet 10,000 − 2.5005 − 201 − 2.4 = 9,794.0995
    expect(fill).toMatchObject({ average: '48000', fee: '2.4' });
    expect((await exchange.fetchBalance()).equity).toBe('9794.0995');
  });

  it('fills a short stop (a buy) at the trigger plus slippage when the price rises to it', async () => {
    const { exchange, prices } = await short();
    await exchange.createOrder(conditional('stop_market', 'buy', '51000', { clientOrderId: 'sl' }));
    prices.set(BTC, 51_005);

    const [fill] = await exchange.processPrice();

    // worse (higher) of 51,000 × 1.0002 = 51,010.2 and 51,005; P&L (49,990 − 51,010.2) × 0.1 = −102.02
    // fee 2.55051; wallet 10,000 − 2.4995 − 102.02 − 2.55051 = 9,892.92999
    expect(fill).toMatchObject({ side: 'buy', average: '51010.2', fee: '2.55051' });
    expect(await exchange.fetchPosition(BTC)).toBeUndefined();
    expect((await exchange.fetchBalance()).equity).toBe('9892.92999');
  });

  it('fills a short stop that the price gapped through at the current price', async () => {
    const { exchange, prices } = await short();
    await exchange.createOrder(conditional('stop_market', 'buy', '51000'));
    prices.set(BTC, 52_000);

    const [fill] = await exchange.processPrice();

    expect(fill?.average).toBe('52000');
  });
});

describe('PaperExchange take-profit', () => {
  it('fills a long take-profit at the trigger and cancels the stop (OCO)', async () => {
    const { exchange, prices } = await long();
    await exchange.createOrder(conditional('stop_market', 'sell', '49000', { clientOrderId: 'sl' }));
    await exchange.createOrder(conditional('take_profit_market', 'sell', '52000', { clientOrderId: 'tp' }));
    prices.set(BTC, 52_100);

    const filled = await exchange.processPrice();

    // at the trigger 52,000: P&L (52,000 − 50,010) × 0.1 = 199; fee 2.6; wallet 10,000 − 2.5005 + 199 − 2.6 = 10,193.8995
    expect(filled.map((o) => [o.clientOrderId, o.average, o.fee])).toEqual([['tp', '52000', '2.6']]);
    expect((await exchange.fetchBalance()).equity).toBe('10193.8995');
    expect((await exchange.fetchOrderByClientId(BTC, 'sl'))?.status).toBe('canceled');
  });

  it('fills a short take-profit (a buy) when the price falls to it', async () => {
    const { exchange, prices } = await short();
    await exchange.createOrder(conditional('take_profit_market', 'buy', '48000', { clientOrderId: 'tp' }));
    prices.set(BTC, 47_900);

    const [fill] = await exchange.processPrice();

    // P&L (49,990 − 48,000) × 0.1 = 199; fee 2.4
    expect(fill).toMatchObject({ clientOrderId: 'tp', average: '48000', fee: '2.4' });
    expect((await exchange.fetchBalance()).equity).toBe('10194.1005');
  });

  it('keeps the sibling when the fill leaves part of the position open', async () => {
    const { exchange, prices } = await long();
    await exchange.createOrder(
      conditional('take_profit_market', 'sell', '52000', { amount: '0.05', clientOrderId: 'tp-half' }),
    );
    await exchange.createOrder(conditional('stop_market', 'sell', '49000', { clientOrderId: 'sl' }));
    prices.set(BTC, 52_000);

    await exchange.processPrice();

    expect((await exchange.fetchPosition(BTC))?.quantity).toBe('0.05');
    expect((await exchange.fetchOpenOrders()).map((o) => o.clientOrderId)).toEqual(['sl']);
  });
});

describe('PaperExchange trigger edge cases', () => {
  it('fills at once a stop placed when the price is already through it', async () => {
    const { exchange, prices } = await long();
    prices.set(BTC, 48_500);

    const sl = await exchange.createOrder(conditional('stop_market', 'sell', '49000', { clientOrderId: 'late-sl' }));

    expect(sl).toMatchObject({ status: 'closed', filled: '0.1', average: '48500' });
    expect(await exchange.fetchPosition(BTC)).toBeUndefined();
  });

  it('expires a triggered reduce-only order when the position is already flat', async () => {
    const { exchange, prices } = await long();
    await exchange.createOrder(conditional('stop_market', 'sell', '49000', { clientOrderId: 'sl' }));
    await exchange.createOrder(order({ side: 'sell', reduceOnly: true }));
    prices.set(BTC, 48_000);

    const filled = await exchange.processPrice();

    expect(filled).toEqual([]);
    expect((await exchange.fetchOrderByClientId(BTC, 'sl'))?.status).toBe('expired');
    expect(await exchange.fetchPosition(BTC)).toBeUndefined();
  });

  it('only looks at the symbol it is given', async () => {
    const { exchange, prices } = await long();
    await exchange.createOrder(conditional('stop_market', 'sell', '49000'));
    prices.set(BTC, 48_000);

    const other = await exchange.processPrice(ETH);
    const own = await exchange.processPrice(BTC);

    expect(other).toEqual([]);
    expect(own).toHaveLength(1);
  });

  it('returns the fills it made even when another symbol has no price', async () => {
    let ethDown = false;
    const { exchange, prices } = setup(undefined, (p) => ({
      getPrice: (symbol) => (ethDown && symbol === ETH ? Promise.reject(new Error('feed down')) : p.getPrice(symbol)),
    }));
    await exchange.createOrder(order());
    await exchange.createOrder(order({ symbol: ETH, side: 'sell', amount: '1' }));
    await exchange.createOrder(conditional('stop_market', 'sell', '49000', { clientOrderId: 'btc-sl' }));
    await exchange.createOrder(
      conditional('stop_market', 'buy', '3100', { symbol: ETH, amount: '1', clientOrderId: 'eth-sl' }),
    );
    prices.set(BTC, 48_000);
    ethDown = true;

    const filled = await exchange.processPrice();

    expect(filled.map((o) => o.clientOrderId)).toEqual(['btc-sl']);
    expect((await exchange.fetchOpenOrders()).map((o) => o.clientOrderId)).toEqual(['eth-sl']);
  });

  it('raises the error when nothing could be filled', async () => {
    const { exchange } = setup(undefined, () => ({ getPrice: () => Promise.reject(new Error('feed down')) }));
    await exchange.createOrder(conditional('stop_market', 'sell', '49000'));

    await expect(exchange.processPrice()).rejects.toThrow('feed down');
  });
});
