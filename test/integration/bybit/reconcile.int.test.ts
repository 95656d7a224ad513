// The risk-check job and closes against the fake Bybit through the real adapter: a stop that fired
// on Bybit (the same record, Filled) is booked as a stop at the fake's fill; a position closed by
// hand in Bybit's app is booked at the hand fill with its fee and its stop is cancelled
// (Deactivated); funding (execType Funding) is counted once; a close signal cancels the resting stop
// and target by orderLinkId and flattens.
import ccxt from 'ccxt';
import { pointAtBaseUrl } from '../../../shared/adapters/exchange/ccxt-exchange';
import type { CcxtExchange } from '../../../shared/adapters/exchange/ccxt-lib';
import type { AuditEvent } from '../../../shared/core/domain/audit';
import { Big } from '../../../shared/core/domain/money';
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { sid, signalFor } from '../live/helpers';
import { BTCUSDT, BYBIT_BTC, bybitKey, deliverLikeSqs, START_PRICE, startBybitSuite, type BybitSuite } from './helpers';

jest.setTimeout(40_000);

let s: BybitSuite;
beforeAll(async () => {
  s = await startBybitSuite();
});
afterAll(() => s.close());
afterEach(() => s.fake.setPrice(BTCUSDT, START_PRICE));

async function riskCheck(accountId: string) {
  const account = await s.h.runtime.repos.accounts.get(accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  return buildRiskCheck(s.h.executorEnv, s.h.runtime, s.h.vault).checkAccount(account);
}
const events = async (accountId: string, type: AuditEvent['type']) =>
  (await s.h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === type);
const trades = (accountId: string) => s.h.runtime.repos.trades.listByAccount(accountId);
const stopStates = (apiKey: string) =>
  s.fake
    .orders(apiKey)
    .filter((o) => o.stopOrderType === 'Stop')
    .map((o) => `${o.triggerPrice}:${o.orderStatus}`);

/** The fake's trade executions of a key, with their USDT fee as paid (positive). */
function fills(apiKey: string) {
  return s.fake
    .executions(apiKey)
    .filter((e) => e.execType === 'Trade')
    .map((e) => ({ side: e.side, qty: new Big(e.execQty), price: new Big(e.execPrice), fee: new Big(e.execFee) }));
}

/** A market order in Bybit's app: its own ccxt bybit client on the same key (no orderLinkId of ours). */
async function tradeByHand(apiKey: string, side: 'buy' | 'sell', qty: number, reduceOnly: boolean) {
  const key = bybitKey(apiKey);
  const ex = new ccxt.bybit({
    apiKey: key.apiKey,
    secret: key.secret,
    enableRateLimit: false,
    options: { defaultType: 'swap', fetchMarkets: { types: ['linear'] }, fetchCurrencies: false },
  });
  pointAtBaseUrl(ex as unknown as CcxtExchange, s.fake.url);
  // as the adapter does: currencies are a signed call ccxt makes whenever `has` says so, and unused here
  ex.has.fetchCurrencies = false;
  await ex.createOrder(BYBIT_BTC.unified, 'market', side, qty, undefined, reduceOnly ? { reduceOnly: true } : {});
}

test('a stop fired on Bybit is booked as a stop at the fake fill, not as a manual close', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await deliverLikeSqs(
    s.h,
    signalFor(accountId, sid('bybitstopfill'), { symbol: BYBIT_BTC, sl: { kind: 'percent', value: 2 } }),
  );
  expect(stopStates(apiKey)).toEqual(['58800:Untriggered']);

  s.fake.setPrice(BTCUSDT, '58700'); // through the stop: the fake fires it at 58 700
  const report = await riskCheck(accountId);

  expect(report.protectiveFills).toBe(1);
  expect(report.closedOutside).toBe(0);
  const [entry, exit] = fills(apiKey);
  const expected = exit!.price.minus(entry!.price).times('0.016').minus(entry!.fee).minus(exit!.fee);
  const [trade] = await trades(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'stop_loss', exitPrice: '58700' });
  expect(Number(trade?.realizedPnl)).toBeCloseTo(Number(expected), 8);
  expect(await s.h.runtime.repos.positions.get(accountId, BYBIT_BTC.unified)).toMatchObject({ quantity: '0' });
});

test('a position closed by hand is booked at the hand fill with its fee; the stop is cancelled; alerted once', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await deliverLikeSqs(
    s.h,
    signalFor(accountId, sid('bybithandclose'), { symbol: BYBIT_BTC, sl: { kind: 'percent', value: 2 } }),
  );
  s.fake.setPrice(BTCUSDT, '61000');
  await tradeByHand(apiKey, 'sell', 0.016, true);
  expect(s.fake.position(apiKey, BTCUSDT).size).toBe('0');

  const report = await riskCheck(accountId);

  expect(report.closedOutside).toBe(1);
  const [entry, exit] = fills(apiKey);
  expect(exit).toMatchObject({ side: 'Sell' });
  expect(exit!.price.toString()).toBe('61000');
  // (61 000 − 60 000) × 0.016 − 0.528 − 0.5368 = 14.9352 (taker 0.055 % each way)
  const expected = exit!.price.minus(entry!.price).times('0.016').minus(entry!.fee).minus(exit!.fee);
  expect(expected.toString()).toBe('14.9352');
  const [trade] = await trades(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'manual', exitPrice: '61000' });
  expect(Number(trade?.realizedPnl)).toBeCloseTo(14.9352, 8);
  expect(Number(trade?.fees)).toBeCloseTo(Number(entry!.fee.plus(exit!.fee)), 8);
  expect(stopStates(apiKey)).toEqual(['58800:Deactivated']);
  expect((await events(accountId, 'alert')).map((e) => e.message)).toEqual([
    expect.stringMatching(/BTC\/USDT:USDT: closed outside the system.*61000/),
  ]);

  const again = await riskCheck(accountId);
  expect(again.closedOutside).toBe(0);
  expect(await events(accountId, 'alert')).toHaveLength(1);
});

test('funding paid on Bybit (execType Funding) is counted once by the risk check and carried into the trade', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await deliverLikeSqs(s.h, signalFor(accountId, sid('bybitfunding'), { symbol: BYBIT_BTC }));
  // a long pays a positive rate: 0.016 × 60 000 × 0.0001 = 0.096 USDT
  const [row] = s.fake.chargeFunding(BTCUSDT, '0.0001');
  expect(row).toMatchObject({ apiKey, execType: 'Funding', execFee: '0.096' });
  const [before] = await trades(accountId);

  expect((await riskCheck(accountId)).fundingBooked).toBe(1);
  const [after] = await trades(accountId);
  expect(Number(after?.funding)).toBeCloseTo(0.096, 8);
  // Exact: the funding is booked as the exchange's decimal, not a float that lands close to it.
  expect(after?.realizedPnl).toBe(new Big(before?.realizedPnl ?? 0).minus('0.096').toString());
  expect((await riskCheck(accountId)).fundingBooked).toBe(0); // counted once
});

test('a close signal cancels the resting stop and target by orderLinkId and flattens with one reduce-only market order, booked at the fill', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await deliverLikeSqs(
    s.h,
    signalFor(accountId, sid('bybitcloseentry'), {
      symbol: BYBIT_BTC,
      sl: { kind: 'percent', value: 2 },
      tp: { kind: 'percent', value: 4 },
    }),
  );
  expect(stopStates(apiKey)).toEqual(['58800:Untriggered', '62400:Untriggered']);

  await deliverLikeSqs(s.h, signalFor(accountId, sid('bybitcloseexit'), { symbol: BYBIT_BTC, intent: 'close_long' }));

  expect(stopStates(apiKey)).toEqual(['58800:Deactivated', '62400:Deactivated']);
  const closes = s.fake.orders(apiKey).filter((o) => o.side === 'Sell' && o.stopOrderType === '');
  expect(closes).toEqual([expect.objectContaining({ reduceOnly: true, qty: '0.016', orderStatus: 'Filled' })]);
  expect(s.fake.position(apiKey, BTCUSDT).size).toBe('0');
  const [trade] = await trades(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'signal', exitPrice: '60000' });
});
