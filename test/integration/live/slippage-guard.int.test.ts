// The slippage guard on market entries, through the real executor and ccxt against the fake
// Binance: a wide book refuses the entry with the numbers, or sends an IOC limit at the bound.
import { deliver, liveExecutor, sid, signalFor, startLiveSuite, type LiveSuite } from './helpers';

jest.setTimeout(30_000);

let s: LiveSuite;
beforeAll(async () => {
  s = await startLiveSuite();
});
afterAll(() => s.close());
afterEach(() => s.fake.setSpread('BTCUSDT', 2));

test('a 3 % wide book: the market entry is refused SLIPPAGE_GUARD with expected vs maximum, and nothing is sent', async () => {
  const { accountId, apiKey } = await s.newAccount();
  s.fake.setSpread('BTCUSDT', 300);
  const signal = signalFor(accountId, sid('wide'));

  await deliver(liveExecutor(s.h), signal);

  const record = await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId);
  expect(record?.outcome).toMatch(/^SLIPPAGE_GUARD: expected slippage 1\d\d\.\d bps .* exceeds the maximum 50 bps/);
  const audit = (await s.h.runtime.repos.audit.listByAccount(accountId)).find((e) => e.type === 'signal.rejected');
  expect(audit?.data).toMatchObject({ code: 'SLIPPAGE_GUARD', maxBps: 50 });
  expect(s.fake.orders(apiKey)).toEqual([]);
});

test('with onExceed ioc_limit the entry goes out as an IOC limit at mid + 50 bps', async () => {
  const { accountId, apiKey } = await s.newAccount({ slippage: { maxBps: 50, onExceed: 'ioc_limit' } });
  s.fake.setSpread('BTCUSDT', 300);

  await deliver(liveExecutor(s.h), signalFor(accountId, sid('wideioc')));

  const [order] = s.fake.orders(apiKey);
  expect(order).toMatchObject({ type: 'LIMIT', timeInForce: 'IOC', side: 'BUY' });
  // the bound: mid 65,000 × (1 + 50 bps) = 65,325
  expect(order?.price).toBeCloseTo(65_325, 1);
  // The fake matches limits against its last price (65,000), not its synthetic book, so the IOC
  // fills; whatever fills, it fills at or inside the bound and is booked as such.
  expect(order?.avgPrice).toBeLessThanOrEqual(65_325);
  const [position] = (await s.h.runtime.repos.positions.list(accountId)).filter((p) => p.side);
  expect(Number(position?.entryPrice)).toBeLessThanOrEqual(65_325);
  const [record] = await s.h.runtime.repos.orders.listByAccount(accountId);
  expect(record).toMatchObject({ type: 'limit', timeInForce: 'IOC', price: '65325' });
});

test('a normal 2 bps book passes the guard and fills at market', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await deliver(liveExecutor(s.h), signalFor(accountId, sid('narrow')));
  expect(s.fake.orders(apiKey)).toEqual([expect.objectContaining({ type: 'MARKET', status: 'FILLED' })]);
});
