// The risk-check job and closes against the fake Bitget through the real adapter: a stop that fired
// on Bitget (plan history: executed, executeOrderId) is booked as a stop at the fake's fill; a
// position closed by hand on Bitget's site is booked at the hand fill with its fee and its stop is
// cancelled; funding rows are counted once; a close signal cancels the resting stop and targets
// (cancel-plan-order with their planType) and flattens.
import type { AuditEvent } from '../../../shared/core/domain/audit';
import { Big } from '../../../shared/core/domain/money';
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { deliver, liveExecutor, sid, signalFor } from '../live/helpers';
import { BITGET_BTC, BTC, START_PRICE, startBitgetSuite, type BitgetSuite } from './helpers';

jest.setTimeout(40_000);

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
const events = async (accountId: string, type: AuditEvent['type']) =>
  (await s.h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === type);
const trades = (accountId: string) => s.h.runtime.repos.trades.listByAccount(accountId);
const planStates = (apiKey: string) => s.fake.planOrders(apiKey).map((p) => `${p.triggerPrice}:${p.planStatus}`);
/** The fake's fills of a key (coins), with their USDT fee as paid (positive). */
const fills = (apiKey: string) =>
  s.fake
    .fills(apiKey)
    .map((f) => ({ side: f.side, qty: new Big(f.baseVolume), price: new Big(f.price), fee: new Big(f.fee).neg() }));

async function enter(name: string, extra: Parameters<typeof signalFor>[2] = {}) {
  const { accountId, apiKey } = await s.newAccount();
  const result = await deliver(liveExecutor(s.h), signalFor(accountId, sid(name), { symbol: BITGET_BTC, ...extra }));
  expect(result.batchItemFailures).toEqual([]);
  return { accountId, apiKey };
}

test('a stop fired on Bitget is booked as a stop at the fake fill (found through the plan history), not as a manual close', async () => {
  const { accountId, apiKey } = await enter('bgstopfill', { sl: { kind: 'percent', value: 2 } });
  expect(planStates(apiKey)).toEqual(['58800:not_trigger']);

  s.fake.setPrice(BTC, '58700'); // through the stop: the fake fires it at 58 700
  const report = await riskCheck(accountId);

  expect(report.protectiveFills).toBe(1);
  expect(report.closedOutside).toBe(0);
  const [entry, exit] = fills(apiKey);
  const expected = exit!.price.minus(entry!.price).times('0.0166').minus(entry!.fee).minus(exit!.fee);
  const [trade] = await trades(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'stop_loss', exitPrice: '58700' });
  expect(Number(trade?.realizedPnl)).toBeCloseTo(Number(expected), 8);
  expect(await s.h.runtime.repos.positions.get(accountId, BITGET_BTC.unified)).toMatchObject({ quantity: '0' });
});

test('a position closed by hand is booked at the hand fill with its fee; the stop is cancelled; alerted once', async () => {
  const { accountId, apiKey } = await enter('bghandclose', { sl: { kind: 'percent', value: 2 } });
  s.fake.setPrice(BTC, '61000');
  s.fake.tradeByHand(apiKey, BTC, 'sell', '0.0166');
  expect(s.fake.position(apiKey, BTC).total).toBe('0');

  const report = await riskCheck(accountId);

  expect(report.closedOutside).toBe(1);
  const [entry, exit] = fills(apiKey);
  expect(exit).toMatchObject({ side: 'sell' });
  expect(exit!.price.toString()).toBe('61000');
  // (61 000 − 60 000) × 0.0166 − 0.5976 − 0.60756 (taker 0.06 % both ways) = 15.39484
  const expected = exit!.price.minus(entry!.price).times('0.0166').minus(entry!.fee).minus(exit!.fee);
  expect(expected.toString()).toBe('15.39484');
  const [trade] = await trades(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'manual', exitPrice: '61000' });
  expect(Number(trade?.realizedPnl)).toBeCloseTo(15.39484, 8);
  expect(Number(trade?.fees)).toBeCloseTo(Number(entry!.fee.plus(exit!.fee)), 8);
  expect(planStates(apiKey)).toEqual(['58800:cancelled']);
  expect((await events(accountId, 'alert')).map((e) => e.message)).toEqual([
    expect.stringMatching(/BTC\/USDT:USDT: closed outside the system.*61000/),
  ]);

  const again = await riskCheck(accountId);
  expect(again.closedOutside).toBe(0);
  expect(await events(accountId, 'alert')).toHaveLength(1);
});

test('funding paid on Bitget (bill contract_settle_fee) is counted once by the risk check and carried into the trade', async () => {
  const { accountId, apiKey } = await enter('bgfunding');
  // a long pays a positive rate: 0.0166 × 60 000 × 0.0001 = 0.0996 USDT
  const [bill] = s.fake.chargeFunding(BTC, '0.0001');
  expect(bill).toMatchObject({ apiKey, businessType: 'contract_settle_fee', amount: '-0.0996' });
  const [before] = await trades(accountId);

  expect((await riskCheck(accountId)).fundingBooked).toBe(1);
  const [after] = await trades(accountId);
  expect(Number(after?.funding)).toBeCloseTo(0.0996, 8);
  // Exact: the funding is booked as the exchange's decimal, not a float that lands close to it.
  expect(after?.realizedPnl).toBe(new Big(before?.realizedPnl ?? 0).minus('0.0996').toString());
  expect((await riskCheck(accountId)).fundingBooked).toBe(0); // counted once
});

test('a close signal cancels the resting stop and target (cancel-plan-order) and flattens with one reduce-only market order, booked at the fill', async () => {
  const { accountId, apiKey } = await enter('bgcloseentry', {
    sl: { kind: 'percent', value: 2 },
    tp: { kind: 'percent', value: 4 },
  });
  expect(planStates(apiKey)).toEqual(['58800:not_trigger', '62400:not_trigger']);

  const result = await deliver(
    liveExecutor(s.h),
    signalFor(accountId, sid('bgcloseexit'), { symbol: BITGET_BTC, intent: 'close_long' }),
  );
  expect(result.batchItemFailures).toEqual([]);

  expect(planStates(apiKey)).toEqual(['58800:cancelled', '62400:cancelled']);
  const closes = s.fake.orders(apiKey).filter((o) => o.side === 'sell');
  expect(closes).toEqual([expect.objectContaining({ reduceOnly: true, size: '0.0166', state: 'filled' })]);
  expect(s.fake.position(apiKey, BTC).total).toBe('0');
  const [trade] = await trades(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'signal', exitPrice: '60000' });
});

test('TP1 fired on Bitget (profit_plan executed) is booked as a partial take-profit at the fake fill; the rest stays protected', async () => {
  const { accountId, apiKey } = await enter('bgtp1fill', {
    sl: { kind: 'percent', value: 2 },
    tp: { kind: 'percent', value: 2 },
    tpLevels: [
      { level: { kind: 'percent', value: 2 }, sharePct: 50 },
      { level: { kind: 'percent', value: 4 }, sharePct: 50 },
    ],
  });
  s.fake.setPrice(BTC, '61200');
  expect(s.fake.position(apiKey, BTC).total).toBe('0.0083');

  const report = await riskCheck(accountId);

  expect(report).toMatchObject({ protectiveFills: 1, closedOutside: 0 });
  // (61 200 − 60 000) × 0.0083 − entry fee 0.5976 − TP1 fee 0.0083 × 61 200 × 0.06 % (0.304776) = 9.057624
  const [trade] = await trades(accountId);
  expect(trade).toMatchObject({ status: 'open', quantity: '0.0083', exitedQuantity: '0.0083', exitPrice: '61200' });
  expect(Number(trade?.realizedPnl)).toBeCloseTo(9.057624, 8);
  // the stop is placed again for what is left, then the old one cancelled; TP2 rests
  expect(planStates(apiKey)).toEqual(['58800:cancelled', '61200:executed', '62400:not_trigger', '58800:not_trigger']);
  const position = await s.h.runtime.repos.positions.get(accountId, BITGET_BTC.unified);
  expect(position).toMatchObject({
    quantity: '0.0083',
    stopLoss: { triggerPrice: '58800', amount: '0.0083' },
    takeProfits: [{ triggerPrice: '62400', amount: '0.0083' }],
  });
  expect((await riskCheck(accountId)).protectiveFills).toBe(0); // booked once
});
