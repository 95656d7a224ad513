// Each scripted fault as the ccxt error class it surfaces as, and whether the order exists
// afterwards (what an executor must find out by looking the order up).
import type { FakeBinance } from '../../../bin/local/fake-binance';
import { BTC, ccxt, client, idOf, KEY, rejectionOf, startFake, type Binance } from './helpers';

let fake: FakeBinance;
let ex: Binance;

beforeEach(async () => {
  fake = await startFake();
  ex = client(fake);
  await ex.loadMarkets();
});
afterEach(() => fake.close());

const ORDER = { method: 'POST', path: '/fapi/v1/order' };
const buy = (clientOrderId: string) => ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId });

test('accept-then-5xx: 503 -1000 surfaces as OperationFailed, and the order exists', async () => {
  fake.fault({ match: ORDER, kind: 'accept-then-5xx' });

  const error = await rejectionOf(buy('it-a5-1'));

  // ccxt maps -1000 from the body before it looks at the 503, so this is OperationFailed (the
  // parent of NetworkError), not ExchangeNotAvailable.
  expect(error).toBeInstanceOf(ccxt.OperationFailed);
  expect(error).not.toBeInstanceOf(ccxt.ExchangeNotAvailable);
  expect(error.message).toContain('-1000');
  expect(await ex.fetchOrder('', BTC, { clientOrderId: 'it-a5-1' })).toMatchObject({ status: 'closed', filled: 0.01 });
  expect(
    fake
      .requests()
      .filter((r) => r.method === 'POST' && r.path === ORDER.path)
      .map((r) => r.status),
  ).toEqual([503]);
});

test('reject-5xx: 503 and no order', async () => {
  fake.fault({ match: ORDER, kind: 'reject-5xx' });

  expect(await rejectionOf(buy('it-r5-1'))).toBeInstanceOf(ccxt.OperationFailed);
  await expect(ex.fetchOrder('', BTC, { clientOrderId: 'it-r5-1' })).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  expect(fake.orders(KEY)).toHaveLength(0);
});

test('timeout with accept: RequestTimeout, and the order exists', async () => {
  ex.timeout = 300;
  fake.fault({ match: ORDER, kind: 'timeout', accept: true, delayMs: 2000 });

  expect(await rejectionOf(buy('it-to-1'))).toBeInstanceOf(ccxt.RequestTimeout);
  expect(await ex.fetchOrder('', BTC, { clientOrderId: 'it-to-1' })).toMatchObject({ status: 'closed' });
});

test('timeout without accept: RequestTimeout, and no order', async () => {
  ex.timeout = 300;
  fake.fault({ match: ORDER, kind: 'timeout', accept: false, delayMs: 2000 });

  expect(await rejectionOf(buy('it-to-2'))).toBeInstanceOf(ccxt.RequestTimeout);
  await expect(ex.fetchOrder('', BTC, { clientOrderId: 'it-to-2' })).rejects.toBeInstanceOf(ccxt.OrderNotFound);
});

test('rate-limit: 429 with Retry-After is DDoSProtection (ccxt checks the status first); nothing is placed', async () => {
  fake.fault({ match: ORDER, kind: 'rate-limit', retryAfterSec: 7 });

  const error = await rejectionOf(buy('it-rl-1'));

  expect(error).toBeInstanceOf(ccxt.DDoSProtection);
  expect(error.message).toContain('429');
  expect(error.message).toContain('-1003');
  expect(ex.last_response_headers).toMatchObject({ 'Retry-After': '7' });
  expect(fake.orders(KEY)).toHaveLength(0);
});

test('ban: 418 with Retry-After is DDoSProtection', async () => {
  fake.fault({ match: { path: '/fapi/v3/account' }, kind: 'ban', retryAfterSec: 120 });

  const error = await rejectionOf(ex.fetchBalance());

  expect(error).toBeInstanceOf(ccxt.DDoSProtection);
  expect(error.message).toContain('418');
  expect(error.message).toContain('banned until');
  expect(ex.last_response_headers).toMatchObject({ 'Retry-After': '120' });
  expect((await ex.fetchBalance()).USDT?.total).toBe(10_000);
});

test.each([
  [-2019, 'Margin is insufficient.', ccxt.InsufficientFunds],
  [-4164, "Order's notional must be no smaller than 100 (unless you choose reduce only).", ccxt.InvalidOrder],
  [-1111, 'Precision is over the maximum defined for this asset.', ccxt.BadRequest],
  [-1021, 'Timestamp for this request is outside of the recvWindow.', ccxt.InvalidNonce],
  [-2022, 'ReduceOnly Order is rejected.', ccxt.InvalidOrder],
  [-4116, 'ClientOrderId is duplicated.', ccxt.InvalidOrder],
  [-4061, "Order's position side does not match user's setting.", ccxt.OperationRejected],
  [-2015, 'Invalid API-key, IP, or permissions for action.', ccxt.AuthenticationError],
])('error %d surfaces as its ccxt class', async (code, msg, errorClass) => {
  fake.fault({ match: { ...ORDER, symbol: 'BTCUSDT' }, kind: 'error', code, msg });

  const error = await rejectionOf(buy(`it-err${-code}`));

  expect(error).toBeInstanceOf(errorClass);
  expect(error.message).toContain(String(code));
  expect(fake.orders(KEY)).toHaveLength(0);
});

test('a fault matches its symbol and is used up after `times` requests', async () => {
  fake.fault({ match: { ...ORDER, symbol: 'ETHUSDT' }, kind: 'error', code: -2019, times: 2 });

  expect((await buy('it-sym-1')).status).toBe('closed');
  await expect(ex.createOrder('ETH/USDT:USDT', 'market', 'buy', 0.01)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
  await expect(ex.createOrder('ETH/USDT:USDT', 'market', 'buy', 0.01)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
  expect((await ex.createOrder('ETH/USDT:USDT', 'market', 'buy', 0.01)).status).toBe('closed');
});

test('clearFaults drops faults not yet used', async () => {
  fake.fault({ match: ORDER, kind: 'reject-5xx' });
  fake.clearFaults();
  expect((await buy('it-clear-1')).status).toBe('closed');
});

test('partial-fill: the answer shows PARTIALLY_FILLED, the order then reads EXPIRED with the partial quantity', async () => {
  fake.fault({ match: ORDER, kind: 'partial-fill', fraction: 0.4 });

  const placed = await ex.createOrder(BTC, 'market', 'buy', 0.015, undefined, { clientOrderId: 'it-pf-1' });

  // 0.015 × 0.4 = 0.006 (rounded down to the 0.001 lot)
  expect(placed).toMatchObject({ status: 'open', filled: 0.006, amount: 0.015 });
  expect((placed.info as { status: string }).status).toBe('PARTIALLY_FILLED');
  const later = await ex.fetchOrder(idOf(placed), BTC);
  expect(later).toMatchObject({ status: 'expired', filled: 0.006, average: 65000 });
  expect(fake.position(KEY, 'BTCUSDT').amount).toBe(0.006);
});

test('late-arrival: -1007 at once, the look-up says "no such order", then the held request fills and frees its id: a resend is a SECOND order', async () => {
  fake.fault({ match: ORDER, kind: 'late-arrival' });

  const error = await rejectionOf(buy('it-la-1'));
  expect(error.message).toContain('-1007');
  expect(fake.orders(KEY)).toHaveLength(0); // held, not yet applied
  await expect(ex.fetchOrder('', BTC, { clientOrderId: 'it-la-1' })).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  // applied right after that answer: filled, so the id is no longer among the open orders
  expect(fake.orders(KEY)).toEqual([expect.objectContaining({ clientOrderId: 'it-la-1', status: 'FILLED' })]);
  await buy('it-la-1'); // what a resend on "absent" alone does

  expect(fake.orders(KEY).map((o) => [o.clientOrderId, o.status])).toEqual([
    ['it-la-1', 'FILLED'],
    ['it-la-1', 'FILLED'],
  ]);
  expect(fake.position(KEY, 'BTCUSDT').amount).toBe(0.02);
});
