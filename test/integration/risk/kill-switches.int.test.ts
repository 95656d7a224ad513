// Kill switches end to end on the paper exchange with scripted prices and a clock the test moves:
// the executor (entries and closes), the risk-check job (snapshots, switches, flattening) and the
// owner's controls, all on the stand-in tables, as the Lambdas and the local stack run them.
import { isAuditOf, type AuditEvent } from '../../../shared/core/domain/audit';
import type { Signal } from '../../../shared/core/signal/types';
import { AccountControl } from '../../../shared/core/control/account-control';
import { buildExecuteSignal } from '../../../shared/runtime/executor';
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { createHarness, MutableClock, type Harness } from '../harness';

jest.setTimeout(30_000);

const BTC = { unified: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' };
const ETH = { unified: 'ETH/USDT:USDT', base: 'ETH', quote: 'USDT', settle: 'USDT', compact: 'ETHUSDT' };
const MIN = 60_000;

let h: Harness;
const clock = new MutableClock(Date.UTC(2026, 10, 21, 9, 0, 0));
beforeAll(async () => {
  h = await createHarness({ clock });
});
beforeEach(() => {
  h.prices.set(BTC.unified, 50_000).set(ETH.unified, 2_500);
});

let n = 0;
function signal(accountId: string, intent: Signal['intent'], symbol = BTC, extra: Partial<Signal> = {}): Signal {
  return {
    v: 1,
    signalId: `s${process.pid}k${n++}x${Math.random().toString(36).slice(2, 10)}`,
    accountId,
    intent,
    symbol,
    receivedAt: clock.now(),
    source: 'webhook',
    ...extra,
  };
}
const execute = (s: Signal) => buildExecuteSignal(h.executorEnv, h.runtime, h.vault).execute(s);
async function riskCheck(accountId: string) {
  const account = await h.runtime.repos.accounts.get(accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  return buildRiskCheck(h.executorEnv, h.runtime, h.vault).checkAccount(account);
}
const events = async (accountId: string, type: AuditEvent['type']) =>
  (await h.runtime.repos.audit.listByAccount(accountId)).filter((e) => e.type === type);
const openPositions = async (accountId: string) =>
  (await h.runtime.repos.positions.list(accountId)).filter((p) => p.quantity !== '0');
const control = () =>
  new AccountControl({
    accounts: h.runtime.repos.accounts,
    positions: h.runtime.repos.positions,
    risk: h.runtime.repos.risk,
    audit: h.runtime.repos.audit,
    clock,
  });

test('a crash that trips the drawdown switch closes every position, disables the account and alerts; resume re-arms it', async () => {
  const { accountId } = await h.createAccount(10_000);
  // 2,000 × 5 = 10,000 of BTC and 1,000 × 5 = 5,000 of ETH: 150 % of equity, within the 200 % cap
  expect(
    await execute(signal(accountId, 'enter_long', BTC, { size: { kind: 'quote', value: 2_000 }, leverage: 5 })),
  ).toMatchObject({ status: 'executed' });
  expect(
    await execute(signal(accountId, 'enter_long', ETH, { size: { kind: 'quote', value: 1_000 }, leverage: 5 })),
  ).toMatchObject({ status: 'executed' });
  await riskCheck(accountId); // peak ≈ 10,000 less the entry fees

  // −15 % on both: 0.2 BTC × 7,500 + 2 ETH × 375 = 2,250 lost ≈ 22.5 % below the peak (limit 20 %)
  h.prices.set(BTC.unified, 42_500).set(ETH.unified, 2_125);
  clock.advance(MIN);
  const report = await riskCheck(accountId);

  expect(report.flattened).toBe(2);
  expect(await openPositions(accountId)).toEqual([]);
  expect(await h.runtime.paperExchange((await h.runtime.repos.accounts.get(accountId))!).fetchPositions()).toEqual([]);
  expect((await h.runtime.repos.accounts.get(accountId))?.status).toBe('disabled');
  const trades = await h.runtime.repos.trades.listByAccount(accountId);
  expect(trades.map((t) => t.status)).toEqual(['closed', 'closed']);
  const state = await h.runtime.repos.risk.getState(accountId);
  expect(state?.switches.drawdown).toMatchObject({ tripped: true, trips: 1 });
  expect(Number(state?.switches.drawdown?.numbers?.drawdownPct)).toBeGreaterThanOrEqual(20);
  const alerts = await events(accountId, 'alert');
  expect(alerts).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        message: expect.stringMatching(/kill switch drawdown tripped/),
        data: expect.objectContaining({ severity: 'critical' }),
      }),
    ]),
  );

  // Entries are refused until the owner resumes; the next run does nothing more.
  expect(await execute(signal(accountId, 'enter_long'))).toMatchObject({
    status: 'rejected',
    code: 'ACCOUNT_NOT_ACTIVE',
  });
  clock.advance(MIN);
  expect((await riskCheck(accountId)).flattened).toBe(0);

  const resumed = await control().resume(accountId);
  expect(resumed).toEqual({ status: 'active', reset: ['drawdown'] });
  // The same crash lost more than 5 % today and moved BTC 15 % within the hour: the daily limit and
  // the 10 % circuit-breaker tier still hold until they expire or the owner resets them too.
  const blocked = await execute(signal(accountId, 'enter_long', BTC, { size: { kind: 'quote', value: 500 } }));
  expect(blocked).toMatchObject({
    status: 'rejected',
    code: expect.stringMatching(/^(KILL_SWITCH_DAILY_LOSS|CIRCUIT_BREAKER)$/),
  });
  const state2 = await h.runtime.repos.risk.getState(accountId);
  expect(state2?.switches).toMatchObject({
    daily_loss: { tripped: true },
    circuit_breaker: { tripped: true },
    drawdown: { tripped: false },
  });
  expect(
    await control().resetSwitches(accountId, ['daily_loss', 'circuit_breaker'], 'test: owner accepts the day'),
  ).toEqual(['daily_loss', 'circuit_breaker']);
  expect(await execute(signal(accountId, 'enter_long', BTC, { size: { kind: 'quote', value: 500 } }))).toMatchObject({
    status: 'executed',
  });
  clock.advance(MIN);
  await riskCheck(accountId); // the peak restarted from the equity after the crash: no new trip
  expect((await h.runtime.repos.accounts.get(accountId))?.status).toBe('active');
});

test('the daily loss limit blocks an entry but lets a close through, and lifts at the next UTC day', async () => {
  const { accountId } = await h.createAccount(10_000);
  await execute(signal(accountId, 'enter_long', BTC, { size: { kind: 'quote', value: 5_000 }, leverage: 2 })); // 0.2 BTC
  await riskCheck(accountId); // the day starts at ≈ 10,000
  h.prices.set(BTC.unified, 47_000); // 0.2 × 3,000 = 600 lost: 6 % > 5 %
  clock.advance(MIN);
  await riskCheck(accountId);
  expect((await h.runtime.repos.risk.getState(accountId))?.switches.daily_loss).toMatchObject({ tripped: true });

  const entry = await execute(signal(accountId, 'enter_long', ETH, { size: { kind: 'quote', value: 100 } }));
  expect(entry).toMatchObject({ status: 'rejected', code: 'KILL_SWITCH_DAILY_LOSS' });
  const refused = await events(accountId, 'risk.refused');
  expect(refused[0]?.data).toMatchObject({ code: 'KILL_SWITCH_DAILY_LOSS' });

  const close = await execute(signal(accountId, 'close_long'));
  expect(close).toMatchObject({ status: 'executed' });
  expect(await openPositions(accountId)).toEqual([]);

  // Next UTC day: the switch expires and the day starts again from the current equity.
  clock.t = Date.UTC(2026, 10, 22, 0, 1, 0);
  await riskCheck(accountId);
  const state = await h.runtime.repos.risk.getState(accountId);
  expect(state?.switches.daily_loss?.tripped).toBe(false);
  expect(state?.day).toBe('2026-11-22');
  expect(await execute(signal(accountId, 'enter_long', ETH, { size: { kind: 'quote', value: 100 } }))).toMatchObject({
    status: 'executed',
  });
  clock.t = Date.UTC(2026, 10, 21, 9, 0, 0);
});

test('a circuit-breaker trip pauses entries and expires after its pause', async () => {
  const start = clock.t;
  const { accountId } = await h.createAccount(10_000);
  // 110, not 100: sized at the fill 50,010, 100 USDT buys 0.0019996 → 0.001 BTC, 50.01 of notional,
  // under BTC's minimum of 100 (MIN_NOTIONAL); 110 buys 0.002, 100.02 of notional
  await execute(signal(accountId, 'enter_long', BTC, { size: { kind: 'quote', value: 110 } }));
  await riskCheck(accountId); // price sample 50,000
  clock.advance(5 * MIN);
  h.prices.set(BTC.unified, 53_000); // +6 % within 15 minutes: tier 1 (5 % / 15 min → 30 min pause)
  await riskCheck(accountId);
  const tripped = (await h.runtime.repos.risk.getState(accountId))?.switches.circuit_breaker;
  expect(tripped).toMatchObject({ tripped: true, until: clock.t + 30 * MIN });

  expect(await execute(signal(accountId, 'enter_long', ETH, { size: { kind: 'quote', value: 100 } }))).toMatchObject({
    status: 'rejected',
    code: 'CIRCUIT_BREAKER',
  });
  expect(await execute(signal(accountId, 'close_long'))).toMatchObject({ status: 'executed' });

  clock.advance(31 * MIN);
  await riskCheck(accountId);
  const after = (await h.runtime.repos.risk.getState(accountId))?.switches.circuit_breaker;
  expect(after?.tripped).toBe(false);
  expect((await events(accountId, 'risk.switch')).filter(isAuditOf('risk.switch')).map((e) => e.data?.kind)).toEqual([
    'expired',
    'tripped',
  ]);
  expect(await execute(signal(accountId, 'enter_long', ETH, { size: { kind: 'quote', value: 100 } }))).toMatchObject({
    status: 'executed',
  });
  clock.t = start;
});

test('pause refuses entries and lets closes through; the refusal names the status', async () => {
  const { accountId } = await h.createAccount(10_000);
  // 110: 0.002 BTC at the fill 50,010, over BTC's minimum notional (see the circuit-breaker test)
  await execute(signal(accountId, 'enter_long', BTC, { size: { kind: 'quote', value: 110 } }));
  await control().pause(accountId);
  expect(await execute(signal(accountId, 'enter_long', ETH, { size: { kind: 'quote', value: 100 } }))).toMatchObject({
    status: 'rejected',
    code: 'ACCOUNT_NOT_ACTIVE',
  });
  // a reverse on a paused account still closes; only the new side is refused
  const reverse = await execute(signal(accountId, 'enter_short'));
  expect(reverse).toMatchObject({
    status: 'executed',
    summary: expect.stringMatching(/entry refused \(ACCOUNT_NOT_ACTIVE/),
  });
  expect(await openPositions(accountId)).toEqual([]);
});

test('an emulated trailing stop (paper has no native one) follows the best price and fires on the way back', async () => {
  const { accountId } = await h.createAccount(10_000);
  await execute(signal(accountId, 'enter_long', BTC, { size: { kind: 'quote', value: 1_000 }, trailPct: 2 }));
  const armed = (await openPositions(accountId))[0];
  expect(armed?.stopLoss).toMatchObject({ emulatedTrail: true, trailingPercent: 2 });
  const entry = Number(armed?.entryPrice);
  expect(Number(armed?.stopLoss?.triggerPrice)).toBeCloseTo(entry * 0.98, 1);

  h.prices.set(BTC.unified, 55_000);
  expect((await riskCheck(accountId)).trailingMoved).toBe(1);
  expect((await openPositions(accountId))[0]?.stopLoss?.triggerPrice).toBe('53900'); // 55,000 × 0.98
  h.prices.set(BTC.unified, 54_000); // lower: the stop never loosens
  expect((await riskCheck(accountId)).trailingMoved).toBe(0);

  h.prices.set(BTC.unified, 53_800);
  await h.settle.run(); // the paper trigger job fires the moved stop
  const [trade] = await h.runtime.repos.trades.listByAccount(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'stop_loss' });
  expect(Number(trade?.exitPrice)).toBeLessThanOrEqual(53_900);
});

test('a paper stop that fired but whose booking was lost (the trigger job died after the trigger) is booked as a stop, not as a manual close', async () => {
  const { accountId } = await h.createAccount(10_000);
  await execute(
    signal(accountId, 'enter_long', BTC, { size: { kind: 'quote', value: 1_000 }, sl: { kind: 'percent', value: 2 } }),
  );
  h.prices.set(BTC.unified, 48_000);
  const account = await h.runtime.repos.accounts.get(accountId);
  const fired = await h.runtime.paperExchange(account!).processPrice(); // the trigger, without the booking
  expect(fired).toHaveLength(1);

  const report = await riskCheck(accountId);

  expect(report.protectiveFills).toBe(1);
  expect(report.closedOutside).toBe(0);
  const [trade] = await h.runtime.repos.trades.listByAccount(accountId);
  expect(trade).toMatchObject({ status: 'closed', exitReason: 'stop_loss' });
  expect(await events(accountId, 'alert')).toEqual([]);
});
