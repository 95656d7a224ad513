// Signed-request checks (key, signature, clock) and the account surface through ccxt: balance,
// positions, leverage, margin mode, position mode, key permissions, and the request log.
import type { FakeBinance } from '../../../bin/local/fake-binance';
import { BTC, ccxt, client, KEY, rejectionOf, SECRET, startFake, type Binance } from './helpers';

let fake: FakeBinance;
let ex: Binance;

beforeEach(async () => {
  fake = await startFake();
  ex = client(fake);
  await ex.loadMarkets();
});
afterEach(() => fake.close());

test('a request signed with the wrong secret is refused with -1022 (AuthenticationError)', async () => {
  const forged = client(fake, { secret: `${SECRET}-wrong` });

  // The raw endpoint: createOrder would first load markets, and with keys set ccxt's loadMarkets
  // already makes a signed call (GET /sapi/v1/capital/config/getall) that fails the same way.
  const error = await rejectionOf(
    forged.fapiPrivatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' }),
  );

  expect(error).toBeInstanceOf(ccxt.AuthenticationError);
  expect(error.message).toContain('-1022');
  expect(fake.orders()).toHaveLength(0);
  expect(fake.requests().at(-1)).toMatchObject({ method: 'POST', path: '/fapi/v1/order', status: 400 });
});

test('an unknown API key is refused with 401 -2015 (AuthenticationError)', async () => {
  const stranger = client(fake, { apiKey: 'nobody' });
  const error = await rejectionOf(stranger.fetchBalance());
  expect(error).toBeInstanceOf(ccxt.AuthenticationError);
  expect(error.message).toContain('-2015');
  expect(fake.requests().at(-1)?.status).toBe(401);
});

test('the request log keeps method, path and status, never a signature or key', async () => {
  await ex.createOrder(BTC, 'market', 'buy', 0.01);
  const logged = JSON.stringify(fake.requests());
  expect(logged).not.toContain('signature');
  expect(logged).not.toContain(SECRET);
  expect(logged).not.toContain('timestamp');
  expect(fake.requests().every((r) => !r.path.includes('?'))).toBe(true);
});

test('a skewed server clock refuses timestamps outside recvWindow (-1021, InvalidNonce) until ccxt adjusts for it', async () => {
  fake.setClockSkew(30_000);
  const behind = await rejectionOf(ex.fetchBalance());
  expect(behind).toBeInstanceOf(ccxt.InvalidNonce);
  expect(behind.message).toContain('outside of the recvWindow');

  fake.setClockSkew(-30_000);
  const ahead = await rejectionOf(ex.fetchBalance());
  expect(ahead).toBeInstanceOf(ccxt.InvalidNonce);
  expect(ahead.message).toContain('ahead of the server');

  // adjustForTimeDifference alone is not enough on a fresh instance with keys: loadMarkets makes
  // its signed currencies call before fetchMarkets measures the offset.
  const adjusted = client(fake, { options: { adjustForTimeDifference: true } });
  const early = await rejectionOf(adjusted.loadMarkets());
  expect(early).toBeInstanceOf(ccxt.InvalidNonce);
  expect(fake.requests().at(-1)?.path).toBe('/sapi/v1/capital/config/getall');

  const measured = client(fake, { options: { adjustForTimeDifference: true } });
  await measured.loadTimeDifference();
  await measured.loadMarkets();
  expect((await measured.fetchBalance()).USDT?.total).toBe(10_000);
  expect(fake.requests().some((r) => r.path === '/fapi/v1/time')).toBe(true);
});

test('fetchBalance reads the v3 account: free is the wallet less the margin in use', async () => {
  await ex.setLeverage(10, BTC);
  await ex.createOrder(BTC, 'market', 'buy', 0.1);
  fake.setPrice('BTCUSDT', 66000);

  const balance = await ex.fetchBalance();

  // fee 6500 × 0.0005 = 3.25; margin 0.1 × 66000 / 10 = 660; unrealized +100
  expect(balance.USDT).toEqual({ free: 10_000 - 3.25 - 660 + 100, used: 660, total: 10_000 - 3.25 + 100 });
});

test('fetchPositions reads positionRisk v3: side, size, entry, mark, unrealized P&L, margin mode', async () => {
  await ex.createOrder(BTC, 'market', 'buy', 0.01);
  fake.setPrice('BTCUSDT', 66000);
  await ex.createOrder(BTC, 'market', 'buy', 0.01);

  const [position] = await ex.fetchPositions([BTC]);

  // entry (65000 + 66000) / 2; unrealized 0.02 × (66000 − 65500)
  expect(position).toMatchObject({
    symbol: BTC,
    side: 'long',
    contracts: 0.02,
    entryPrice: 65500,
    markPrice: 66000,
    unrealizedPnl: 10,
    marginMode: 'cross',
  });
  expect(fake.position(KEY, 'BTCUSDT')).toEqual({ amount: 0.02, entryPrice: 65500, leverage: 20, marginType: 'cross' });
  const v2 = (await ex.fapiPrivateV2GetPositionRisk({ symbol: 'BTCUSDT' })) as {
    leverage: string;
    marginType: string;
  }[];
  expect(v2).toEqual([expect.objectContaining({ leverage: '20', marginType: 'cross', positionAmt: '0.020' })]);
});

test('a reduce books realized P&L into the wallet and a flip opens the other side at the fill price', async () => {
  fake.setPosition(KEY, 'BTCUSDT', -0.02, 66000);

  await ex.createOrder(BTC, 'market', 'buy', 0.03);

  // closes 0.02 short at 65000: +20; fee 0.03 × 65000 × 0.0005 = 0.975
  expect(fake.walletBalance(KEY)).toBeCloseTo(10_000 + 20 - 0.975, 8);
  expect(fake.position(KEY, 'BTCUSDT')).toMatchObject({ amount: 0.01, entryPrice: 65000 });
  const [trade] = await ex.fetchMyTrades(BTC);
  expect(trade?.info).toMatchObject({ realizedPnl: '20.00000000' });
});

test('setLeverage, setMarginMode and their refusals', async () => {
  expect(await ex.setLeverage(7, BTC)).toMatchObject({ leverage: 7, symbol: 'BTCUSDT' });
  const tooHigh = await rejectionOf(ex.setLeverage(100, 'XRP/USDT:USDT')); // XRPUSDT allows 75x
  expect(tooHigh).toBeInstanceOf(ccxt.BadRequest);
  expect(tooHigh.message).toContain('-4028');

  expect(await ex.setMarginMode('isolated', BTC)).toMatchObject({ code: 200 });
  expect(fake.position(KEY, 'BTCUSDT')).toMatchObject({ leverage: 7, marginType: 'isolated' });
  const again = await rejectionOf(ex.setMarginMode('isolated', BTC));
  expect(again).toBeInstanceOf(ccxt.MarginModeAlreadySet);
  expect(again.message).toContain('-4046');

  await ex.createOrder(BTC, 'market', 'buy', 0.01);
  const withPosition = await rejectionOf(ex.setMarginMode('cross', BTC));
  expect(withPosition.message).toContain('-4048');
  const [position] = await ex.fetchPositions([BTC]);
  // isolated margin = 650 / 7
  expect(position).toMatchObject({ marginMode: 'isolated', collateral: 92.85714286 });
});

test('setPositionMode and fetchPositionMode, with -4059 when nothing changes and -4068 with a position', async () => {
  expect(await ex.fetchPositionMode()).toMatchObject({ hedged: false });
  await expect(ex.setPositionMode(false)).rejects.toThrow('-4059');

  await ex.setPositionMode(true);
  expect(await ex.fetchPositionMode()).toMatchObject({ hedged: true });

  await ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { hedged: true });
  const busy = await rejectionOf(ex.setPositionMode(false));
  expect(busy).toBeInstanceOf(ccxt.OperationRejected);
  expect(busy.message).toContain('-4068');
});

test('the API key permissions come from the account seed', async () => {
  const other = await startFake({ accounts: [{ apiKey: KEY, secret: SECRET, canWithdraw: true, ipRestrict: false }] });
  try {
    expect(await ex.sapiGetAccountApiRestrictions()).toMatchObject({
      enableWithdrawals: false,
      ipRestrict: true,
      enableFutures: true,
      enableReading: true,
    });
    expect(await client(other).sapiGetAccountApiRestrictions()).toMatchObject({
      enableWithdrawals: true,
      ipRestrict: false,
    });
  } finally {
    await other.close();
  }
});

test('an endpoint the fake does not serve answers 404 naming the path', async () => {
  const error = await rejectionOf(ex.fapiPrivateGetAdlQuantile({}));
  expect(error.message).toContain('GET /fapi/v1/adlQuantile');
  expect(fake.requests().at(-1)).toMatchObject({ path: '/fapi/v1/adlQuantile', status: 404 });
});
