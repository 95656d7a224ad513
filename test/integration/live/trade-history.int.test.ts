// What reconciliation reads back from the exchange through the real ccxt adapter, against the fake
// Binance: the account's fills (ours under their client ids, and a close made by hand in the
// exchange's app), and the funding settled on open positions.
import { startFakeBinance, type FakeBinance } from '../../../bin/local/fake-binance';
import { CcxtExchangeAdapter } from '../../../shared/adapters/exchange/ccxt-exchange';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { tradeByHand } from './by-hand';

const KEY = { apiKey: 'th-key', secret: 'th-secret' };
const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const SIGNAL = 's0trade0history00000000000000000';
const OPEN = clientOrderIdFor(SIGNAL, 'open');
const DAY = 24 * 60 * 60_000;

let fake: FakeBinance;
let adapter: CcxtExchangeAdapter;

beforeEach(async () => {
  fake = await startFakeBinance({ accounts: [{ ...KEY, usdt: 10_000 }] });
  adapter = new CcxtExchangeAdapter({
    id: 'binanceusdm',
    credentials: KEY,
    testnet: false,
    marginMode: 'cross',
    apiUrl: fake.url,
    clock: { now: () => Date.now() },
    timeoutMs: 3000,
  });
});
afterEach(() => fake.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const openLong = (amount: string, clientOrderId = OPEN) =>
  adapter.createOrder({ symbol: BTC, side: 'buy', type: 'market', amount, reduceOnly: false, clientOrderId });
const requestsTo = (path: string) => fake.requests().filter((r) => r.path === path).length;

describe('fetchMyTrades', () => {
  test('a position closed by hand: the exit fill with its price, base amount and quote fee, after our entry under its client id', async () => {
    const since = Date.now() - 1000;
    const entry = await openLong('0.01');
    fake.setPrice('BTCUSDT', 66000);
    const hand = await tradeByHand(fake, KEY, BTC, 'sell', 0.01, { reduceOnly: true });
    expect(fake.position(KEY.apiKey, 'BTCUSDT').amount).toBe(0);

    const trades = await adapter.fetchMyTrades(BTC, since);

    const [entryFill, exitFill] = fake.trades(KEY.apiKey);
    expect(hand.clientOrderId).toBeDefined();
    expect(hand.clientOrderId).not.toBe(OPEN);
    expect(trades).toEqual([
      {
        id: String(entryFill?.id),
        clientOrderId: OPEN,
        orderId: entry.id,
        symbol: BTC,
        side: 'buy',
        amount: '0.01',
        price: '65000',
        fee: '0.325',
        timestamp: entryFill?.time,
      },
      // 0.01 × 66,000 × 0.05 % taker fee
      {
        id: String(exitFill?.id),
        clientOrderId: hand.clientOrderId,
        orderId: hand.id,
        symbol: BTC,
        side: 'sell',
        amount: '0.01',
        price: '66000',
        fee: '0.33',
        timestamp: exitFill?.time,
      },
    ]);
  });

  test('since keeps the fills at or after it, and only the symbol asked for', async () => {
    await openLong('0.01');
    await sleep(5);
    const between = Date.now();
    await sleep(5);
    await tradeByHand(fake, KEY, BTC, 'buy', 0.02);
    await tradeByHand(fake, KEY, ETH, 'buy', 0.1);
    const later = fake.trades(KEY.apiKey)[1];

    const trades = await adapter.fetchMyTrades(BTC, between);
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ id: String(later?.id), amount: '0.02', side: 'buy' });
    expect(await adapter.fetchMyTrades(BTC, later?.time as number)).toHaveLength(1);
    expect(await adapter.fetchMyTrades(BTC, (later?.time as number) + 1)).toEqual([]);
  });

  test('more fills than one page: all of them, oldest first, each once', async () => {
    const since = Date.now() - 1000;
    for (let i = 0; i < 130; i++) await tradeByHand(fake, KEY, 'XRP/USDT:USDT', i % 2 === 0 ? 'buy' : 'sell', 10);

    const pages = requestsTo('/fapi/v1/userTrades');
    const lookups = requestsTo('/fapi/v1/order');

    const trades = await adapter.fetchMyTrades('XRP/USDT:USDT', since);

    expect(trades.map((t) => t.id)).toEqual(fake.trades(KEY.apiKey).map((t) => String(t.id)));
    expect(trades.every((t) => t.amount === '10' && t.clientOrderId !== undefined)).toBe(true);
    // A full page of 100, the rest after it, and the check before it; Binance's fills carry no
    // client id, so each order is read once for it.
    expect(requestsTo('/fapi/v1/userTrades') - pages).toBe(3);
    expect(requestsTo('/fapi/v1/order') - lookups).toBe(130);
    // 130 hand trades and 133 reads through ccxt over HTTP: ≈ 3 s idle, far more with the other core busy.
  }, 60_000);

  test('a since weeks ago is read a week at a time (Binance refuses wider ranges)', async () => {
    await openLong('0.01');
    const before = requestsTo('/fapi/v1/userTrades');

    const trades = await adapter.fetchMyTrades(BTC, Date.now() - 20 * DAY);

    expect(trades).toHaveLength(1);
    expect(requestsTo('/fapi/v1/userTrades') - before).toBe(3); // two closed weeks, then the open rest
  });
});

describe('fetchFundingPayments', () => {
  test('a long pays a positive rate and receives a negative one: notional × rate in USDT', async () => {
    const since = Date.now() - 1000;
    await openLong('0.1'); // 6,500 USDT notional, fee 3.25
    const paid = fake.chargeFunding('BTCUSDT', 0.0001);
    const received = fake.chargeFunding('BTCUSDT', -0.0002);

    const payments = await adapter.fetchFundingPayments(BTC, since);

    expect(payments).toEqual([
      { symbol: BTC, amount: '-0.65', timestamp: paid[0]?.time, id: String(paid[0]?.tranId) },
      { symbol: BTC, amount: '1.3', timestamp: received[0]?.time, id: String(received[0]?.tranId) },
    ]);
    expect(fake.walletBalance(KEY.apiKey)).toBeCloseTo(10_000 - 3.25 - 0.65 + 1.3, 8);
  });

  test('a short receives a positive rate', async () => {
    fake.setPosition(KEY.apiKey, 'BTCUSDT', -0.1, 65000);
    fake.chargeFunding('BTCUSDT', 0.0001);

    expect(await adapter.fetchFundingPayments(BTC, Date.now() - 1000)).toEqual([
      expect.objectContaining({ symbol: BTC, amount: '0.65' }),
    ]);
  });

  test('funding before since, on other symbols, or with no position is left out', async () => {
    fake.setPosition(KEY.apiKey, 'BTCUSDT', 0.1, 65000);
    fake.setPosition(KEY.apiKey, 'ETHUSDT', 1, 3500);
    fake.chargeFunding('BTCUSDT', 0.0001);
    await sleep(5);
    const since = Date.now();
    await sleep(5);
    fake.chargeFunding('ETHUSDT', 0.0001);
    expect(fake.chargeFunding('XRPUSDT', 0.0001)).toEqual([]);

    expect(await adapter.fetchFundingPayments(BTC, since)).toEqual([]);
    expect(await adapter.fetchFundingPayments(ETH, since)).toEqual([
      expect.objectContaining({ symbol: ETH, amount: '-0.35' }),
    ]);
    expect(await adapter.fetchFundingPayments('XRP/USDT:USDT', since - 1000)).toEqual([]);
  });
});
