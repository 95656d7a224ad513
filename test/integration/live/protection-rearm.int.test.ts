// The risk-check job finds an open position that asked for a stop and never got one (the entry
// filled, then the process died before arming, and no retry came) and arms it at the stop its
// entry recorded, or closes it when the price is already through that stop or no stop can be
// derived; one alert says so, not one a minute. On the fake Binance through unmodified ccxt, with
// the job and the executor as their Lambdas compose them, on the stand-in tables.
import { isAuditOf, type StoredAuditEventOf } from '../../../shared/core/domain/audit';
import type { OrderRecord } from '../../../shared/core/domain/order';
import type { Clock } from '../../../shared/core/ports/runtime';
import type { Signal } from '../../../shared/core/signal/types';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { buildExecuteSignal } from '../../../shared/runtime/executor';
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { BTC, deliver, sid, signalFor, startLiveSuite, type LiveSuite } from './helpers';

jest.setTimeout(60_000);

let s: LiveSuite;
beforeAll(async () => {
  s = await startLiveSuite();
});
afterAll(() => s.close());
afterEach(() => {
  s.fake.clearFaults();
  s.fake.setPrice('BTCUSDT', 65_000);
});

const PROTECTION: Partial<Signal> = { sl: { kind: 'percent', value: 2 }, tp: { kind: 'percent', value: 3 } };

/**
 * Enters with sl/tp through an executor that dies after the fill: every protective order's intent
 * write fails (as a crash there would leave it), and the message is not delivered again.
 */
async function enterUnprotected(accountId: string, name: string, extra: Partial<Signal> = PROTECTION): Promise<Signal> {
  const repos = s.h.runtime.repos;
  const orders = Object.create(repos.orders) as typeof repos.orders;
  orders.putIntent = (record: OrderRecord) =>
    record.reduceOnly ? Promise.reject(new Error('process died')) : repos.orders.putIntent(record);
  const signal = signalFor(accountId, sid(name), extra);
  const result = await deliver(
    buildExecuteSignal(s.h.executorEnv, { ...s.h.runtime, repos: { ...repos, orders } }, s.h.vault),
    signal,
  );
  expect(result.batchItemFailures).toHaveLength(1);
  return signal;
}

/** The job's run as EventBridge starts it, `laterMs` after now (past the grace it leaves the executor). */
async function riskCheck(laterMs = 2 * 60_000) {
  const clock: Clock = { now: () => Date.now() + laterMs };
  return buildRiskCheck(s.h.executorEnv, { ...s.h.runtime, clock }, s.h.vault).run();
}

const resting = (apiKey: string) =>
  s.fake
    .algoOrders(apiKey)
    .filter((a) => a.algoStatus === 'NEW')
    .map((a) => `${a.orderType}@${a.triggerPrice}x${a.quantity}`)
    .sort();
const alerts = async (accountId: string): Promise<StoredAuditEventOf<'alert'>[]> =>
  (await s.h.runtime.repos.audit.listByAccount(accountId, 200))
    .filter(isAuditOf('alert'))
    .filter((e) => typeof e.data?.key === 'string' && e.data.key.startsWith('unprotected:'));
const book = () => s.h.runtime.repos.positions;

test('an entry filled and the process died before its stop: the next run arms the recorded stop and target, alerts once; later runs leave it be', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = await enterUnprotected(accountId, 'rearmdied');
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0.015);
  expect(resting(apiKey)).toEqual([]);
  expect((await book().get(accountId, BTC.unified))?.stopLoss).toBeUndefined();

  // Inside the grace the executor is given (it may be arming right now), nothing is done.
  await riskCheck(0);
  expect(resting(apiKey)).toEqual([]);

  const report = await riskCheck();

  expect(report.stopsRearmed).toBe(1);
  // 2 % below and 3 % above the 65,000 fill, on the whole 0.015
  expect(resting(apiKey)).toEqual(['STOP_MARKET@63700x0.015', 'TAKE_PROFIT_MARKET@66950x0.015']);
  const position = await book().get(accountId, BTC.unified);
  expect(position?.stopLoss).toMatchObject({ triggerPrice: '63700', amount: '0.015' });
  expect(position?.takeProfits).toEqual([expect.objectContaining({ triggerPrice: '66950', amount: '0.015' })]);
  const told = await alerts(accountId);
  expect(told).toEqual([
    expect.objectContaining({
      signalId: signal.signalId,
      data: expect.objectContaining({ action: 'armed', trigger: '63700', severity: 'critical' }),
    }),
  ]);
  expect(told[0]?.message).toContain('had no stop on the exchange; stop armed at 63700');

  const again = await riskCheck(3 * 60_000);
  expect(again.stopsRearmed).toBe(0);
  expect(resting(apiKey)).toEqual(['STOP_MARKET@63700x0.015', 'TAKE_PROFIT_MARKET@66950x0.015']);
  expect(await alerts(accountId)).toHaveLength(1);
  // The stop it placed is the one the existing guard then watches (the vanished-stop path).
  expect(position?.stopLoss?.clientOrderId).not.toBe(clientOrderIdFor(signal.signalId, 'sl'));
});

test('the price is already through the recorded stop: closed at market instead, one alert', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await enterUnprotected(accountId, 'rearmcrossed');
  s.fake.setPrice('BTCUSDT', 63_000); // below the 63,700 stop

  const report = await riskCheck();

  expect(report.stopsRearmed).toBe(1);
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0);
  expect(resting(apiKey)).toEqual([]);
  expect((await book().get(accountId, BTC.unified))?.quantity).toBe('0');
  expect((await alerts(accountId)).map((e) => e.data?.action)).toEqual(['closed']);
});

test('no stop can be derived from what the entry recorded: closed at market, one alert naming why', async () => {
  const { accountId, apiKey } = await s.newAccount();
  const signal = await enterUnprotected(accountId, 'rearmnostop');
  // A stop 120 % below the entry is no price: what a corrupted or hand-edited record could say.
  await s.h.runtime.repos.orders.update(accountId, clientOrderIdFor(signal.signalId, 'open'), {
    protection: { sl: { kind: 'percent', value: 120 }, tps: [], breakEven: false },
  });

  await riskCheck();

  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0);
  const told = await alerts(accountId);
  expect(told.map((e) => e.data?.action)).toEqual(['flattened']);
  expect(told[0]?.message).toMatch(
    /no stop could be placed \(the stop trigger -\d+(\.\d+)? is not a price\): closed at market/,
  );
});

test('a position whose entry asked for no stop is left alone', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await enterUnprotected(accountId, 'rearmtponly', { tp: { kind: 'percent', value: 3 } });

  const report = await riskCheck();

  expect(report.stopsRearmed).toBe(0);
  expect(s.fake.position(apiKey, 'BTCUSDT').amount).toBe(0.015);
  expect(resting(apiKey)).toEqual([]);
  expect(await alerts(accountId)).toEqual([]);
});

test('arming keeps failing (the exchange answers 503): alerted once, retried quietly each run, armed when the exchange is back', async () => {
  const { accountId, apiKey } = await s.newAccount();
  await enterUnprotected(accountId, 'rearmfails');
  s.fake.fault({ match: { method: 'POST', path: '/fapi/v1/algoOrder' }, kind: 'reject-5xx', times: 100 });

  await riskCheck();
  await riskCheck(3 * 60_000);

  expect(resting(apiKey)).toEqual([]);
  const told = await alerts(accountId);
  expect(told.map((e) => e.data?.action)).toEqual(['failed']);
  expect(told[0]?.message).toContain('has no stop and arming it failed');

  s.fake.clearFaults();
  const report = await riskCheck(4 * 60_000);

  expect(report.stopsRearmed).toBe(1);
  expect(resting(apiKey)).toEqual(['STOP_MARKET@63700x0.015', 'TAKE_PROFIT_MARKET@66950x0.015']);
  expect((await alerts(accountId)).map((e) => e.data?.action).sort()).toEqual(['armed', 'failed']);
});
