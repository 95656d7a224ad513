// A resting limit entry (GTC) with a stop and targets on the fake Bitget, through the real executor
// and ccxt's bitget: nothing protects it while it rests; when the price comes to it and it fills at
// its own price (maker fee), the risk-check job books the fill and arms pos_loss and the two
// profit_plan targets on what filled.
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { deliver, liveExecutor, sid, signalFor } from '../live/helpers';
import { BITGET_BTC, BTC, START_PRICE, startBitgetSuite, type BitgetSuite } from './helpers';

jest.setTimeout(30_000);

let s: BitgetSuite;
beforeAll(async () => {
  s = await startBitgetSuite();
});
afterAll(() => s.close());
afterEach(() => s.fake.setPrice(BTC, START_PRICE));

async function riskCheck(accountId: string) {
  const account = await s.h.runtime.repos.accounts.get(accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  return buildRiskCheck(s.h.executorEnv, s.h.runtime, s.h.vault).checkAccount(account);
}

test('GTC limit 1 % under the price rests; once filled on a price move, the sync books it and arms SL + two TPs on the filled amount; a second sync does nothing more', async () => {
  const { accountId, apiKey } = await s.newAccount();
  s.fake.setPrice(BTC, '65000');
  const signal = signalFor(accountId, sid('bgrestinglimit'), {
    symbol: BITGET_BTC,
    size: { kind: 'contracts', value: 0.01 },
    order: { type: 'limit', limit: { kind: 'percent', value: 1 }, timeInForce: 'GTC' },
    sl: { kind: 'percent', value: 2 },
    tp: { kind: 'percent', value: 2 },
    tpLevels: [
      { level: { kind: 'percent', value: 2 }, sharePct: 50 },
      { level: { kind: 'percent', value: 4 }, sharePct: 50 },
    ],
  });

  expect((await deliver(liveExecutor(s.h), signal)).batchItemFailures).toEqual([]);

  // 65 000 × 0.99 = 64 350: the order rests, nothing protects a position that does not exist yet
  expect(s.fake.orders(apiKey)).toEqual([
    expect.objectContaining({ orderType: 'limit', price: '64350', size: '0.01', state: 'live', force: 'gtc' }),
  ]);
  expect(s.fake.planOrders(apiKey)).toEqual([]);
  expect((await riskCheck(accountId)).entriesArmed).toBe(0);

  s.fake.setPrice(BTC, '64300');
  // filled at its own price, maker fee 0.02 %: 0.01 × 64 350 × 0.0002 = 0.1287
  expect(s.fake.orders(apiKey)[0]).toMatchObject({ state: 'filled', priceAvg: '64350', fee: '-0.1287' });
  const report = await riskCheck(accountId);

  expect(report.entriesArmed).toBe(1);
  const position = await s.h.runtime.repos.positions.get(accountId, BITGET_BTC.unified);
  expect(position).toMatchObject({ side: 'long', quantity: '0.01', entryPrice: '64350' });
  // stop 2 % under 64 350 = 63 063; targets +2 % = 65 637 and +4 % = 66 924, 0.005 each
  expect(s.fake.planOrders(apiKey).map((p) => `${p.planType}@${p.triggerPrice}x${p.size || 'all'}`)).toEqual([
    'pos_loss@63063xall',
    'profit_plan@65637x0.005',
    'profit_plan@66924x0.005',
  ]);
  expect(position?.stopLoss?.triggerPrice).toBe('63063');

  await riskCheck(accountId);
  expect(s.fake.planOrders(apiKey)).toHaveLength(3);
  expect((await s.h.runtime.repos.trades.listByAccount(accountId)).filter((t) => t.status === 'open')).toHaveLength(1);
});
