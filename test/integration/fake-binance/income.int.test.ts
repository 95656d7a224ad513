// The account's income history (GET /fapi/v1/income) and scripted funding (chargeFunding), and
// the fill history's time rules (GET /fapi/v1/userTrades), through an unmodified ccxt client.
import type { FakeBinance } from '../../../bin/local/fake-binance';
import { BTC, ccxt, client, KEY, rejectionOf, startFake, type Binance } from './helpers';

const DAY = 24 * 60 * 60_000;

let fake: FakeBinance;
let ex: Binance;

beforeEach(async () => {
  fake = await startFake();
  ex = client(fake);
  await ex.loadMarkets();
});
afterEach(() => fake.close());

type IncomeRow = Record<string, unknown>;
const income = (params: Record<string, unknown> = {}) => ex.fapiPrivateGetIncome(params) as Promise<IncomeRow[]>;

test("chargeFunding debits a long notional × rate, records a FUNDING_FEE row in Binance's shape and moves the wallet", async () => {
  await ex.createOrder(BTC, 'market', 'buy', 0.1); // 6,500 USDT at 65,000; fee 3.25

  const [charged, ...others] = fake.chargeFunding('BTCUSDT', 0.0001);

  expect(others).toEqual([]);
  expect(charged).toMatchObject({
    apiKey: KEY,
    symbol: 'BTCUSDT',
    incomeType: 'FUNDING_FEE',
    income: -0.65,
    asset: 'USDT',
    tradeId: '',
  });
  expect(fake.walletBalance(KEY)).toBeCloseTo(10_000 - 3.25 - 0.65, 8);
  const rows = await income({ symbol: 'BTCUSDT', incomeType: 'FUNDING_FEE' });
  expect(rows).toEqual([
    {
      symbol: 'BTCUSDT',
      incomeType: 'FUNDING_FEE',
      income: '-0.65000000',
      asset: 'USDT',
      info: 'FUNDING_FEE',
      time: charged?.time,
      tranId: charged?.tranId,
      tradeId: '',
    },
  ]);
  // The settled rate joins the public funding-rate history.
  const [rate] = await ex.fetchFundingRateHistory(BTC, charged?.time);
  expect(rate).toMatchObject({ fundingRate: 0.0001, timestamp: charged?.time });
});

test('a short receives a positive rate and pays a negative one; flat accounts and other symbols are untouched', async () => {
  fake.setPosition(KEY, 'BTCUSDT', -0.2, 65000);
  fake.setPosition(KEY, 'ETHUSDT', 1, 3500);

  expect(fake.chargeFunding('BTCUSDT', 0.0001).map((r) => r.income)).toEqual([1.3]);
  expect(fake.chargeFunding('BTCUSDT', -0.0003).map((r) => r.income)).toEqual([-3.9]);
  expect(fake.chargeFunding('XRPUSDT', 0.01)).toEqual([]);

  expect(fake.walletBalance(KEY)).toBeCloseTo(10_000 + 1.3 - 3.9, 8);
  expect((await income({ symbol: 'ETHUSDT' })).length).toBe(0);
});

test('fills book their commission and realized P&L as income rows, tied to the trade', async () => {
  await ex.createOrder(BTC, 'market', 'buy', 0.01);
  fake.setPrice('BTCUSDT', 66000);
  await ex.createOrder(BTC, 'market', 'sell', 0.01);
  const [, close] = fake.trades(KEY);

  const rows = await income({ symbol: 'BTCUSDT' });

  expect(rows.map((r) => [r.incomeType, r.income])).toEqual([
    ['COMMISSION', '-0.32500000'],
    ['REALIZED_PNL', '10.00000000'],
    ['COMMISSION', '-0.33000000'],
  ]);
  expect(rows[1]?.tradeId).toBe(String(close?.id));
  expect((await income({ incomeType: 'REALIZED_PNL' })).length).toBe(1);
});

test('ccxt fetchFundingHistory reads the FUNDING_FEE rows only, signed as Binance signs them', async () => {
  fake.setPosition(KEY, 'BTCUSDT', 0.1, 65000);
  const [paid] = fake.chargeFunding('BTCUSDT', 0.0001);
  const [received] = fake.chargeFunding('BTCUSDT', -0.0001);
  await ex.createOrder(BTC, 'market', 'sell', 0.1); // a commission row, not funding

  const history = await ex.fetchFundingHistory(BTC, paid?.time);

  expect(
    history.map((h) => ({ symbol: h.symbol, code: h.code, amount: h.amount, id: h.id, timestamp: h.timestamp })),
  ).toEqual([
    { symbol: BTC, code: 'USDT', amount: -0.65, id: String(paid?.tranId), timestamp: paid?.time },
    { symbol: BTC, code: 'USDT', amount: 0.65, id: String(received?.tranId), timestamp: received?.time },
  ]);
});

test('income windows: seven days by default, startTime/endTime/limit as Binance applies them', async () => {
  fake.setPosition(KEY, 'BTCUSDT', 0.1, 65000);
  fake.setClockSkew(-8 * DAY);
  const [old] = fake.chargeFunding('BTCUSDT', 0.0001);
  fake.setClockSkew(0);
  const recent = [...fake.chargeFunding('BTCUSDT', 0.0002), ...fake.chargeFunding('BTCUSDT', 0.0003)];

  expect((await income()).map((r) => r.tranId)).toEqual(recent.map((r) => r.tranId));
  expect((await income({ startTime: (old?.time as number) - 1 })).map((r) => r.tranId)).toEqual(
    [old, ...recent].map((r) => r?.tranId),
  );
  expect((await income({ startTime: (old?.time as number) - 1, limit: 2 })).map((r) => r.tranId)).toEqual([
    old?.tranId,
    recent[0]?.tranId,
  ]);
  expect((await income({ endTime: (old?.time as number) + 1 })).map((r) => r.tranId)).toEqual([old?.tranId]);
  const wrongWay = await rejectionOf(income({ startTime: Date.now(), endTime: Date.now() - DAY }));
  expect(wrongWay.message).toContain('-1023');
});

test('GET /fapi/v1/income is signed and knows its symbols', async () => {
  const forged = client(fake, { secret: 'not-the-secret' });
  const unsigned = await rejectionOf(forged.fapiPrivateGetIncome({}));
  expect(unsigned).toBeInstanceOf(ccxt.AuthenticationError);
  const unknown = await rejectionOf(income({ symbol: 'DOGEUSDT' }));
  expect(unknown.message).toContain('-1121');
});

test('userTrades: fills of every order on the account, at most seven days between startTime and endTime', async () => {
  await ex.createOrder(BTC, 'market', 'buy', 0.01);
  await client(fake).createOrder(BTC, 'market', 'sell', 0.01); // another client of the same account

  const trades = await ex.fetchMyTrades(BTC);
  expect(trades.map((t) => [t.side, t.fee?.cost])).toEqual([
    ['buy', 0.325],
    ['sell', 0.325],
  ]);

  const now = Date.now();
  const tooWide = await rejectionOf(ex.fetchMyTrades(BTC, now - 8 * DAY, undefined, { until: now }));
  expect(tooWide.message).toContain('-1127');
  expect(await ex.fetchMyTrades(BTC, now - 7 * DAY, undefined, { until: now })).toHaveLength(2);
  // startTime alone covers the seven days after it (ccxt also asks for just those).
  expect(await ex.fetchMyTrades(BTC, now - 8 * DAY)).toHaveLength(0);
  expect(await ex.fapiPrivateGetUserTrades({ symbol: 'BTCUSDT', startTime: now - 8 * DAY })).toEqual([]);
});
