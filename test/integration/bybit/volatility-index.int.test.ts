// The exchange's volatility index feeding the circuit breaker, against the fake Bybit through the
// real adapter and ccxt's bybit (GET /v5/market/historical-volatility, the documented body): an
// account whose volatility trigger is on holds BTC; the risk-check job reads BTC's options
// historical volatility; at or above the bound the breaker trips and the next entry is refused
// naming the source and figure, below it nothing trips.
import type { AuditEvent } from '../../../shared/core/domain/audit';
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { sid, signalFor } from '../live/helpers';
import { BYBIT_BTC, deliverLikeSqs, requestsSince, startBybitSuite, type BybitSuite } from './helpers';

jest.setTimeout(60_000);

const SOURCE = 'Bybit options 7-day historical volatility';

let s: BybitSuite;
beforeAll(async () => {
  s = await startBybitSuite();
});
afterAll(() => s.close());

async function riskCheck(accountId: string) {
  const account = await s.h.runtime.repos.accounts.get(accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  return buildRiskCheck(s.h.executorEnv, s.h.runtime, s.h.vault).checkAccount(account);
}
const audit = async (accountId: string, type: AuditEvent['type']) =>
  (await s.h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === type);
const breaker = async (accountId: string) =>
  (await s.h.runtime.repos.risk.getState(accountId))?.switches.circuit_breaker;

/** An account with the volatility trigger at 80 % holding a BTC long (so the job prices BTC). */
async function holdingBtc(name: string) {
  const { accountId } = await s.newAccount({ risk: { switches: { volatilityPct: 80 } } });
  await deliverLikeSqs(s.h, signalFor(accountId, sid(name), { symbol: BYBIT_BTC }));
  expect((await s.h.runtime.repos.positions.get(accountId, BYBIT_BTC.unified))?.quantity).not.toBe('0');
  return accountId;
}

test("BTC's options volatility at 92 % ≥ 80 %: the breaker trips and an entry is refused naming the source", async () => {
  const accountId = await holdingBtc('bybitvolhigh');
  s.fake.setVolatility('BTC', '0.92');
  const since = requestsSince(s.fake);

  await riskCheck(accountId);

  // its query (category option, baseCoin, period 7) is proven in test/conformance/bybit.conformance.test.ts
  expect(since().filter((r) => r.path === '/v5/market/historical-volatility')).toHaveLength(1);
  const sw = await breaker(accountId);
  expect(sw).toMatchObject({ tripped: true, numbers: { source: SOURCE, base: 'BTC', volatilityPct: 92 } });
  expect(sw?.reason).toMatch(/^BTC\/USDT:USDT volatility 92% \(Bybit options 7-day historical volatility, BTC\)/);

  await deliverLikeSqs(s.h, signalFor(accountId, sid('bybitvolhigh2'), { symbol: BYBIT_BTC }));
  const [refused] = await audit(accountId, 'signal.rejected');
  expect(refused?.data).toMatchObject({ code: 'CIRCUIT_BREAKER' });
  expect(refused?.message).toMatch(
    /volatility 92% \(Bybit options 7-day historical volatility, BTC\) reached the 80% limit/,
  );
});

test('at 50 % nothing trips', async () => {
  const accountId = await holdingBtc('bybitvollow');
  s.fake.setVolatility('BTC', '0.5');
  await riskCheck(accountId);
  expect((await breaker(accountId))?.tripped ?? false).toBe(false);
});
