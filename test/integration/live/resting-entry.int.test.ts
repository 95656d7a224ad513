// A resting limit entry (GTC) with a stop and targets, through the real executor and unmodified
// ccxt against the fake Binance: nothing protects it while it rests; when the price comes to it
// and it fills, the risk-check job books the fill and arms the stop and targets on what filled.
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { BTC, deliver, liveExecutor, protectionOf, sid, signalFor, startLiveSuite, type LiveSuite } from './helpers';

jest.setTimeout(30_000);

let s: LiveSuite;
beforeAll(async () => {
  s = await startLiveSuite();
});
afterAll(() => s.close());

test('GTC limit 1 % under the price rests; once filled, the sync books it and arms SL + two TPs on the filled amount; a second sync does nothing more', async () => {
  const { accountId, apiKey } = await s.newAccount();
  s.fake.setPrice('BTCUSDT', 65_000);
  const signal = signalFor(accountId, sid('restinglimit'), {
    size: { kind: 'contracts', value: 0.01 },
    order: { type: 'limit', limit: { kind: 'percent', value: 1 }, timeInForce: 'GTC' },
    sl: { kind: 'percent', value: 2 },
    tp: { kind: 'percent', value: 2 },
    tpLevels: [
      { level: { kind: 'percent', value: 2 }, sharePct: 50 },
      { level: { kind: 'percent', value: 4 }, sharePct: 50 },
    ],
  });

  await deliver(liveExecutor(s.h), signal);

  // 65,000 × 0.99 = 64,350: the order rests, nothing protects a position that does not exist yet
  expect(s.fake.orders(apiKey)).toEqual([
    expect.objectContaining({ type: 'LIMIT', price: 64_350, status: 'NEW', timeInForce: 'GTC' }),
  ]);
  expect(s.fake.algoOrders(apiKey)).toEqual([]);
  const sync = riskCheckOf(accountId);
  expect((await sync.run()).entriesArmed).toBe(0);

  s.fake.setPrice('BTCUSDT', 64_300);
  const report = await sync.run();

  expect(report.entriesArmed).toBe(1);
  const position = await s.h.runtime.repos.positions.get(accountId, BTC.unified);
  expect(position).toMatchObject({ side: 'long', quantity: '0.01', entryPrice: '64350' });
  // stop 2 % under 64,350 = 63,063; targets +2 % = 65,637 and +4 % = 66,924, 0.005 each
  const algos = s.fake.algoOrders(apiKey).map((a) => `${a.orderType}@${a.triggerPrice}x${a.quantity}`);
  expect(algos).toEqual(['STOP_MARKET@63063x0.01', 'TAKE_PROFIT_MARKET@65637x0.005', 'TAKE_PROFIT_MARKET@66924x0.005']);
  expect(position?.stopLoss?.triggerPrice).toBe('63063');

  await sync.run();
  expect(s.fake.algoOrders(apiKey)).toHaveLength(3);
  expect((await s.h.runtime.repos.trades.listByAccount(accountId)).filter((t) => t.status === 'open')).toHaveLength(1);
});

test('a resting entry cancelled on the exchange arms nothing and books nothing', async () => {
  const { accountId, apiKey } = await s.newAccount();
  s.fake.setPrice('BTCUSDT', 65_000);
  const signal = signalFor(accountId, sid('cancelledlimit'), {
    size: { kind: 'contracts', value: 0.01 },
    order: { type: 'limit', limit: { kind: 'percent', value: 1 }, timeInForce: 'GTC' },
    sl: { kind: 'percent', value: 2 },
  });
  await deliver(liveExecutor(s.h), signal);
  const [resting] = s.fake.orders(apiKey);
  const [entry] = await s.h.runtime.repos.orders.listByAccount(accountId);
  const { exchange } = await protectionOf(s.h, accountId);
  await exchange.cancelOrder(BTC.unified, entry?.clientOrderId ?? ''); // as the owner would, by hand
  expect(s.fake.orders(apiKey).find((o) => o.orderId === resting?.orderId)?.status).toBe('CANCELED');

  const report = await riskCheckOf(accountId).run();

  expect(report.entriesArmed).toBe(0);
  expect(s.fake.algoOrders(apiKey)).toEqual([]);
  expect((await s.h.runtime.repos.orders.listByAccount(accountId))[0]?.status).toBe('canceled');
});

/** The risk-check job on this one account (the shared tables hold other suites' accounts too). */
function riskCheckOf(accountId: string) {
  const job = buildRiskCheck(s.h.executorEnv, s.h.runtime, s.h.vault);
  return {
    run: async () => {
      const account = await s.h.runtime.repos.accounts.get(accountId);
      if (!account) throw new Error(`no account ${accountId}`);
      return job.checkAccount(account);
    },
  };
}
