// Entries on the fake Bybit through the real executor, the real ccxt adapter and ccxt's bybit: an
// entry with a stop and two take-profits (Bybit places each rung as its own sized reduce-only
// conditional order, so the ladder is allowed), and the trailing stop, which Bybit keeps on the
// position (no client id, no size) and the adapter therefore refuses and the risk-check job emulates.
// What the fake's books hold is checked, not what the adapter says it sent.
import { Big } from '../../../shared/core/domain/money';
import type { Signal } from '../../../shared/core/signal/types';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { deliver, liveExecutor, sid, signalFor } from '../live/helpers';
import {
  BTCUSDT,
  BYBIT_BTC,
  deliverLikeSqs,
  orderPosts,
  requestsSince,
  START_PRICE,
  startBybitSuite,
  type BybitSuite,
} from './helpers';

jest.setTimeout(30_000);

let s: BybitSuite;
beforeAll(async () => {
  s = await startBybitSuite();
});
afterAll(() => s.close());
afterEach(() => {
  s.fake.clearFaults();
  s.fake.setPrice(BTCUSDT, START_PRICE);
});

async function riskCheck(accountId: string) {
  const account = await s.h.runtime.repos.accounts.get(accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  return buildRiskCheck(s.h.executorEnv, s.h.runtime, s.h.vault).checkAccount(account);
}
const bybitSignal = (accountId: string, name: string, extra: Partial<Signal> = {}) =>
  signalFor(accountId, sid(name), { symbol: BYBIT_BTC, ...extra });
const conditionals = (apiKey: string) =>
  s.fake
    .orders(apiKey)
    .filter((o) => o.stopOrderType === 'Stop')
    .map(
      (o) =>
        `${o.side}:${o.triggerDirection === 2 ? 'falls' : 'rises'}@${o.triggerPrice}:qty=${o.qty}:${o.reduceOnly ? 'ro' : ''}:${o.closeOnTrigger ? 'cot' : ''}:${o.orderStatus}`,
    );

test('an entry with a stop and two take-profits: market fill in coins, three reduce-only conditional orders under our ids, booked at the fill', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = bybitSignal(accountId, 'bybitladder', {
    sl: { kind: 'percent', value: 2 },
    tp: { kind: 'percent', value: 2 },
    tpLevels: [
      { level: { kind: 'percent', value: 2 }, sharePct: 50 },
      { level: { kind: 'percent', value: 4 }, sharePct: 50 },
    ],
  });

  const log = requestsSince(s.fake);
  const deliveries = await deliverLikeSqs(s.h, signal);

  // Bybit answers a placement with ids only; the adapter reads the market fill back by orderLinkId,
  // so the entry and its protection complete in one delivery
  expect(deliveries).toBe(1);
  // one entry, then the three conditional orders
  expect(orderPosts(log())).toHaveLength(4);
  const [entry] = s.fake.orders(apiKey);
  // 10 % of 10 000 USDT at 1× on 60 000 = 0.016666 BTC → 0.016 (qtyStep 0.001)
  expect(entry).toMatchObject({
    orderLinkId: clientOrderIdFor(signal.signalId, 'open'),
    orderType: 'Market',
    side: 'Buy',
    qty: '0.016',
    orderStatus: 'Filled',
    avgPrice: '60000',
  });
  expect(s.fake.position(apiKey, BTCUSDT)).toEqual({ size: '0.016', avgPrice: '60000', leverage: '1' });
  // stop at −2 % for the whole position (closeOnTrigger); TP1 = half on the step, TP2 the rest
  expect(conditionals(apiKey)).toEqual([
    'Sell:falls@58800:qty=0.016:ro:cot:Untriggered',
    'Sell:rises@61200:qty=0.008:ro::Untriggered',
    'Sell:rises@62400:qty=0.008:ro::Untriggered',
  ]);
  expect(
    s.fake
      .orders(apiKey)
      .slice(1)
      .map((o) => o.orderLinkId),
  ).toEqual([
    clientOrderIdFor(signal.signalId, 'sl'),
    expect.stringMatching(/^[A-Za-z0-9_-]{1,36}$/),
    expect.stringMatching(/^[A-Za-z0-9_-]{1,36}$/),
  ]);
  const position = await s.h.runtime.repos.positions.get(accountId, BYBIT_BTC.unified);
  expect(position).toMatchObject({ side: 'long', quantity: '0.016', entryPrice: '60000' });
  expect(position?.stopLoss).toMatchObject({ triggerPrice: '58800', amount: '0.016' });
  expect(position?.takeProfits?.map((t) => `${t.triggerPrice}x${t.amount}`)).toEqual(['61200x0.008', '62400x0.008']);
  const [order] = (await s.h.runtime.repos.orders.listByAccount(accountId)).filter((o) => o.leg === 'open');
  // the fee is the fake's: 0.016 BTC × 60 000 × 0.055 % taker = 0.528 USDT
  expect(order).toMatchObject({
    status: 'filled',
    filled: '0.016',
    averagePrice: '60000',
    exchangeOrderId: entry?.orderId,
  });
  expect(Number(order?.fee)).toBeCloseTo(Number(new Big('0.016').times(60_000).times('0.00055')), 8);

  // the market reaches TP1: the fake fires it on its own record, a reduce-only market fill
  s.fake.setPrice(BTCUSDT, '61200');
  const tp1 = s.fake.orders(apiKey)[2];
  expect(tp1).toMatchObject({ orderStatus: 'Filled', cumExecQty: '0.008', avgPrice: '61200', reduceOnly: true });
  expect(s.fake.position(apiKey, BTCUSDT).size).toBe('0.008');
});

test("the trailing stop is refused by Bybit's dialect (a position attribute there) and emulated: a plain stop at the trail distance that the risk-check job moves with the high (cancel by orderLinkId + a new stop)", async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = bybitSignal(accountId, 'bybittrail', { trailPct: 1.5 });

  const log = requestsSince(s.fake);
  await deliverLikeSqs(s.h, signal);

  // no trading-stop call: Bybit's trailing stop has no client id and no size
  expect(log().some((r) => r.path === '/v5/position/trading-stop')).toBe(false);
  // the stand-in: 60 000 × (1 − 1.5 %) = 59 100, for the whole position
  expect(conditionals(apiKey)).toEqual(['Sell:falls@59100:qty=0.016:ro:cot:Untriggered']);

  s.fake.setPrice(BTCUSDT, '62000'); // a new high: the job moves the stop to 62 000 × 0.985 = 61 070
  const report = await riskCheck(accountId);
  expect(report.trailingMoved).toBe(1);
  expect(conditionals(apiKey)).toEqual([
    'Sell:falls@59100:qty=0.016:ro:cot:Deactivated',
    'Sell:falls@61070:qty=0.016:ro:cot:Untriggered',
  ]);

  s.fake.setPrice(BTCUSDT, '61000'); // through it: closed at the market by the moved stop
  expect(s.fake.position(apiKey, BTCUSDT).size).toBe('0');
});

test('a market entry with a stop completes in ONE delivery', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const result = await deliver(
    liveExecutor(s.h),
    bybitSignal(accountId, 'bybitonedelivery', { sl: { kind: 'percent', value: 2 } }),
  );
  expect(result.batchItemFailures).toEqual([]);
  expect(s.fake.orders(apiKey).filter((o) => o.stopOrderType === 'Stop')).toEqual([
    expect.objectContaining({ triggerPrice: '58800', orderStatus: 'Untriggered' }),
  ]);
});
