// Market orders, margin, P&L and validation of the paper exchange, with hand-computed numbers.
// Settings everywhere: 10,000 USDT, taker fee 0.05 %, slippage 2 bps (buy ×1.0002, sell ×0.9998).
import { SignalRejectedError } from '../../../../shared/core/errors';
import { BTC, ETH, order, rejection, setup } from './helpers';

describe('PaperExchange markets and prices', () => {
  it('loads a catalog market and rejects an unknown symbol as UNKNOWN_SYMBOL', async () => {
    const { exchange } = setup();

    const market = await exchange.loadMarket(BTC);
    const error = await rejection(exchange.loadMarket('PEPE/USDT:USDT'));

    expect(market).toMatchObject({
      symbol: BTC,
      amountStep: '0.001',
      priceStep: '0.1',
      minNotional: '100',
      contractSize: '1',
    });
    expect(error).toBeInstanceOf(SignalRejectedError);
    expect(error.code).toBe('UNKNOWN_SYMBOL');
  });

  it('quotes the price source for a known symbol', async () => {
    const { exchange, clock } = setup();

    const quote = await exchange.fetchPrice(BTC);

    expect(quote).toEqual({ symbol: BTC, last: 50_000, timestamp: clock.t });
  });

  it('starts a new account at the initial balance', async () => {
    const { exchange } = setup();

    const balance = await exchange.fetchBalance();

    expect(balance).toEqual({ currency: 'USDT', equity: '10000', free: '10000', used: '0' });
  });
});

describe('PaperExchange market fills', () => {
  it('fills a buy at the price plus slippage and charges the taker fee on the notional', async () => {
    const { exchange, clock } = setup();

    const filled = await exchange.createOrder(order({ clientOrderId: 'open-1' }));

    // 50,000 × 1.0002 = 50,010; fee 0.1 × 50,010 × 0.0005 = 2.5005
    expect(filled).toMatchObject({
      clientOrderId: 'open-1',
      status: 'closed',
      amount: '0.1',
      filled: '0.1',
      average: '50010',
      fee: '2.5005',
      feeCurrency: 'USDT',
      reduceOnly: false,
      timestamp: clock.t,
    });
    expect(filled.id).toMatch(/^paper-/);
    expect(filled).not.toHaveProperty('applied');
    expect(filled).not.toHaveProperty('accountId');
  });

  it('rounds the slipped price to the tick', async () => {
    const { exchange, prices } = setup();
    prices.set(BTC, 50_123.4);

    const filled = await exchange.createOrder(order());

    // 50,123.4 × 1.0002 = 50,133.42468 → 50,133.4 at a 0.1 tick
    expect(filled.average).toBe('50133.4');
  });

  it('books a long: margin at leverage 1, unrealized P&L and equity at the current price', async () => {
    const { exchange } = setup();

    await exchange.createOrder(order());
    const position = await exchange.fetchPosition(BTC);
    const balance = await exchange.fetchBalance();

    // wallet 10,000 − 2.5005 = 9,997.4995; unrealized (50,000 − 50,010) × 0.1 = −1; margin 5,001
    expect(position).toEqual({
      symbol: BTC,
      side: 'long',
      quantity: '0.1',
      entryPrice: '50010',
      leverage: 1,
      unrealizedPnl: '-1',
    });
    expect(balance).toEqual({ currency: 'USDT', equity: '9996.4995', used: '5001', free: '4995.4995' });
  });

  it('realizes the P&L of a long closed by a reduce-only sell, minus both fees', async () => {
    const { exchange, prices } = setup();
    await exchange.createOrder(order());
    prices.set(BTC, 51_000);

    const close = await exchange.createOrder(order({ side: 'sell', reduceOnly: true }));

    // exit 51,000 × 0.9998 = 50,989.8; P&L (50,989.8 − 50,010) × 0.1 = 97.98; fee 2.54949
    // wallet 10,000 − 2.5005 + 97.98 − 2.54949 = 10,092.93001
    expect(close).toMatchObject({ average: '50989.8', filled: '0.1', fee: '2.54949' });
    expect(await exchange.fetchPosition(BTC)).toBeUndefined();
    expect(await exchange.fetchBalance()).toEqual({
      currency: 'USDT',
      equity: '10092.93001',
      used: '0',
      free: '10092.93001',
    });
  });

  it('realizes the P&L of a short closed by a reduce-only buy', async () => {
    const { exchange, prices } = setup();
    const open = await exchange.createOrder(order({ side: 'sell' }));
    prices.set(BTC, 49_000);

    const close = await exchange.createOrder(order({ side: 'buy', reduceOnly: true }));

    // entry 49,990 (fee 2.4995); exit 49,009.8 (fee 2.45049); P&L (49,990 − 49,009.8) × 0.1 = 98.02
    expect(open).toMatchObject({ average: '49990', fee: '2.4995' });
    expect(close).toMatchObject({ average: '49009.8', fee: '2.45049' });
    expect((await exchange.fetchBalance()).equity).toBe('10093.07001');
  });

  it('averages the entry price when adding to a position, at the leverage set', async () => {
    const { exchange, prices } = setup();
    await exchange.setLeverage(BTC, 5);
    await exchange.createOrder(order());
    prices.set(BTC, 52_000);

    await exchange.createOrder(order());

    // fills 50,010 and 52,010.4; entry (5,001 + 5,201.04) / 0.2 = 51,010.2
    // margin 5,001 / 5 + 5,201.04 / 5 = 1,000.2 + 1,040.208 = 2,040.408
    const position = await exchange.fetchPosition(BTC);
    expect(position).toMatchObject({ side: 'long', quantity: '0.2', entryPrice: '51010.2', leverage: 5 });
    expect((await exchange.fetchBalance()).used).toBe('2040.408');
  });

  it('reduces a position partly and releases margin pro rata', async () => {
    const { exchange, prices } = setup();
    await exchange.createOrder(order({ amount: '0.09' }));
    prices.set(BTC, 50_000);

    await exchange.createOrder(order({ side: 'sell', amount: '0.03', reduceOnly: true }));

    // 0.09 @ 50,010: margin 4,500.9; a third closed → 3,000.6 left on 0.06
    const position = await exchange.fetchPosition(BTC);
    expect(position).toMatchObject({ quantity: '0.06', entryPrice: '50010' });
    expect((await exchange.fetchBalance()).used).toBe('3000.6');
  });

  it('reverses a position when an opposite order without reduce-only is larger (one-way mode)', async () => {
    const { exchange, prices } = setup();
    await exchange.createOrder(order());
    prices.set(BTC, 51_000);

    const reverse = await exchange.createOrder(order({ side: 'sell', amount: '0.15' }));

    // fill 50,989.8: closes 0.1 long (P&L 97.98), opens 0.05 short (margin 2,549.49)
    // fee 0.15 × 50,989.8 × 0.0005 = 3.824235; wallet 10,000 − 2.5005 + 97.98 − 3.824235 = 10,091.655265
    // short unrealized at 51,000: (50,989.8 − 51,000) × 0.05 = −0.51
    expect(reverse).toMatchObject({ filled: '0.15', average: '50989.8', fee: '3.824235' });
    expect(await exchange.fetchPosition(BTC)).toMatchObject({
      side: 'short',
      quantity: '0.05',
      entryPrice: '50989.8',
      unrealizedPnl: '-0.51',
    });
    expect(await exchange.fetchBalance()).toEqual({
      currency: 'USDT',
      equity: '10091.145265',
      used: '2549.49',
      free: '7541.655265',
    });
  });

  it('sums unrealized P&L over positions in several markets', async () => {
    const { exchange, prices } = setup();
    await exchange.createOrder(order());
    await exchange.createOrder(order({ symbol: ETH, side: 'sell', amount: '1' }));
    prices.set(BTC, 51_000).set(ETH, 2_900);

    const balance = await exchange.fetchBalance();
    const positions = await exchange.fetchPositions();

    // BTC long 0.1 @ 50,010 → +99; ETH short 1 @ 2,999.4 → +99.4; fees 2.5005 + 1.4997
    // equity 9,995.9998 + 198.4 = 10,194.3998; used 5,001 + 2,999.4 = 8,000.4
    expect(positions.map((p) => [p.symbol, p.unrealizedPnl])).toEqual([
      [BTC, '99'],
      [ETH, '99.4'],
    ]);
    expect(balance).toEqual({ currency: 'USDT', equity: '10194.3998', used: '8000.4', free: '2193.9998' });
  });
});

describe('PaperExchange validation', () => {
  it('rejects an order needing more margin than is free, with both numbers', async () => {
    const { exchange } = setup();

    const error = await rejection(exchange.createOrder(order({ amount: '0.2', clientOrderId: 'too-big' })));

    // margin 0.2 × 50,010 = 10,002 + fee 5.001 = 10,007.001 > 10,000
    expect(error).toBeInstanceOf(SignalRejectedError);
    expect(error.code).toBe('INSUFFICIENT_MARGIN');
    expect(error.message).toBe('insufficient margin: required 10007.001, available 10000');
    expect(error.details).toEqual({ required: 10_007.001, available: 10_000 });
    expect(await exchange.fetchOrderByClientId(BTC, 'too-big')).toBeUndefined();
  });

  it('counts free margin after the closing part of a reversal', async () => {
    const { exchange } = setup();
    await exchange.createOrder(order({ amount: '0.19' }));

    // Before: free 9,995.24905 − 1.9 − 9,501.9 = 491.44905. Closing the 0.19 long (P&L −3.8) frees
    // its margin: 9,991.44905 available for the 0.19 short's 9,498.1 margin + 9.4981 fee.
    const reverse = await exchange.createOrder(order({ side: 'sell', amount: '0.38' }));

    expect(reverse.status).toBe('closed');
    expect(await exchange.fetchPosition(BTC)).toMatchObject({ side: 'short', quantity: '0.19', entryPrice: '49990' });
  });

  it('rejects an opening order below the minimum notional (100 USDT on BTC)', async () => {
    const { exchange } = setup();

    const error = await rejection(exchange.createOrder(order({ amount: '0.001' })));

    expect(error.code).toBe('MIN_NOTIONAL');
    expect(error.details).toMatchObject({ notional: '50', minNotional: '100' });
  });

  it('exempts a reduce-only order from the minimum notional', async () => {
    const { exchange } = setup();
    await exchange.createOrder(order({ amount: '0.003' }));

    const reduce = await exchange.createOrder(order({ side: 'sell', amount: '0.001', reduceOnly: true }));

    expect(reduce).toMatchObject({ status: 'closed', filled: '0.001', average: '49990' });
    expect((await exchange.fetchPosition(BTC))?.quantity).toBe('0.002');
  });

  it('rejects an amount that is not a multiple of the step as PRECISION', async () => {
    const { exchange } = setup();

    const error = await rejection(exchange.createOrder(order({ amount: '0.0015' })));

    expect(error.code).toBe('PRECISION');
    expect(error.details).toEqual({ amount: '0.0015', amountStep: '0.001' });
  });

  it('rejects a zero or non-numeric amount as INVALID_AMOUNT', async () => {
    const { exchange } = setup();

    const zero = await rejection(exchange.createOrder(order({ amount: '0' })));
    const text = await rejection(exchange.createOrder(order({ amount: 'lots' })));

    expect(zero.code).toBe('INVALID_AMOUNT');
    expect(text.code).toBe('INVALID_AMOUNT');
  });

  it('clamps a reduce-only order to the open quantity, never flipping the position', async () => {
    const { exchange } = setup();
    await exchange.createOrder(order());

    const close = await exchange.createOrder(order({ side: 'sell', amount: '0.5', reduceOnly: true }));

    // fee on the 0.1 that filled: 0.1 × 49,990 × 0.0005 = 2.4995
    expect(close).toMatchObject({ amount: '0.5', filled: '0.1', fee: '2.4995' });
    expect(await exchange.fetchPosition(BTC)).toBeUndefined();
  });

  it('rejects a reduce-only order on a flat position as REDUCE_ONLY_FLAT', async () => {
    const { exchange } = setup();

    const error = await rejection(
      exchange.createOrder(order({ side: 'sell', reduceOnly: true, clientOrderId: 'flat' })),
    );

    expect(error.code).toBe('REDUCE_ONLY_FLAT');
    expect(await exchange.fetchOrderByClientId(BTC, 'flat')).toBeUndefined();
  });

  it('rejects a reduce-only order on the side of the position as REDUCE_ONLY_SIDE', async () => {
    const { exchange } = setup();
    await exchange.createOrder(order());

    const error = await rejection(exchange.createOrder(order({ side: 'buy', reduceOnly: true })));

    expect(error.code).toBe('REDUCE_ONLY_SIDE');
    expect((await exchange.fetchPosition(BTC))?.quantity).toBe('0.1');
  });

  it('bounds leverage to 1..maxLeverage (125 on BTC), integers only', async () => {
    const { exchange } = setup();

    const errors = await Promise.all([0, 126, 2.5].map((l) => rejection(exchange.setLeverage(BTC, l))));
    await exchange.setLeverage(BTC, 125);

    expect(errors.map((e) => e.code)).toEqual(['LEVERAGE', 'LEVERAGE', 'LEVERAGE']);
    expect(errors[1]?.details).toEqual({ leverage: 126, maxLeverage: 125 });
  });
});

describe('PaperExchange liquidation estimate', () => {
  it('estimates an isolated long liquidation price with a 0.4 % maintenance margin rate', async () => {
    const { exchange } = setup();
    await exchange.setLeverage(BTC, 10);
    await exchange.createOrder(order());

    const position = await exchange.fetchPosition(BTC);

    // margin 500.1; (5,001 − 500.1) / (0.1 × 0.996) = 45,189.759… → 45,189.8
    expect(position).toMatchObject({ leverage: 10, liquidationPrice: 45_189.8 });
    expect((await exchange.fetchBalance()).used).toBe('500.1');
  });

  it('estimates an isolated short liquidation price', async () => {
    const { exchange } = setup();
    await exchange.setLeverage(BTC, 10);
    await exchange.createOrder(order({ side: 'sell' }));

    const position = await exchange.fetchPosition(BTC);

    // margin 499.9; (4,999 + 499.9) / (0.1 × 1.004) = 54,769.920… → 54,769.9
    expect(position?.liquidationPrice).toBe(54_769.9);
  });

  it('reports no liquidation price for a 1x long', async () => {
    const { exchange } = setup();
    await exchange.createOrder(order());

    const position = await exchange.fetchPosition(BTC);

    expect(position).not.toHaveProperty('liquidationPrice');
  });
});
