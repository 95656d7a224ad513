// RiskReport.show (`risk show`) from in-memory tables: effective limits, usage figures worked out
// by hand from the stored equity, and whether entries are allowed right now.
import type { Account } from '../../../../shared/core/domain/account';
import type { BookPosition, TradeRecord } from '../../../../shared/core/domain/trade';
import { DEFAULT_RISK_CONFIG } from '../../../../shared/core/risk/config';
import { emptyRiskState, SWITCH_NAMES, type RiskState } from '../../../../shared/core/risk/state';
import { AccountInputError } from '../../../../shared/core/control/accounts';
import { RiskReport } from '../../../../shared/core/reporting/risk-report';
import { T0 } from '../fakes';
import { MemoryAccounts } from '../memory-repos';
import {
  accountRecord,
  accountWithSettings,
  bookPosition as position,
  BTC,
  closedBtcTrade as closedTrade,
  ETH,
  memoryRiskTables,
  MINUTE,
  SOL,
} from '../risk/fixtures';

async function setup(
  options: { account?: Account; state?: RiskState; positions?: BookPosition[]; trades?: TradeRecord[] } = {},
) {
  const { positions, trades, risk, clock } = memoryRiskTables();
  positions.seed(...(options.positions ?? []));
  for (const t of options.trades ?? []) await trades.put(t);
  if (options.state) await risk.saveState(options.state, 0);
  return new RiskReport({
    accounts: new MemoryAccounts([options.account ?? accountRecord()]),
    positions,
    trades,
    risk,
    clock,
  });
}

// 0.5 BTC at 30 000 = 15 000 and 2 ETH at 2000 = 4000: exposure 19 000; the flat SOL row counts nothing.
const POSITIONS = [
  position(BTC, 'long', '0.5', '30000'),
  position(ETH, 'short', '2', '2000'),
  position(SOL, undefined, '0', '0'),
];

describe('RiskReport.show', () => {
  it('without a risk state: no equity figures, every switch off, entries allowed for an active account', async () => {
    const report = await setup({ positions: POSITIONS });

    const view = await report.show('acc-1');

    expect(view.status).toBe('active');
    expect(view.entries).toBe('allowed');
    expect(view).not.toHaveProperty('blockedBy');
    expect(view.usage).toEqual({ openPositions: 2, exposure: '19000', lossStreak: 0 });
    expect(Object.keys(view.switches)).toEqual([...SWITCH_NAMES]);
    for (const name of SWITCH_NAMES) expect(view.switches[name]).toMatchObject({ tripped: false, trips: 0 });
    // default limits, described
    expect(view.switches.daily_loss.limit).toBe('5% of start-of-day equity (UTC day)');
    expect(view.switches.drawdown.limit).toBe('20% from the equity peak: flatten, disable');
    expect(view.switches.loss_streak.limit).toBe('3 losses in a row: 60 min cooldown');
    expect(view.switches.circuit_breaker.limit).toBe(
      '5%/15m→30m, 10%/60m→240m; latency > 5000 ms, errors > 50%, spread > 30 bps → 15m',
    );
    expect(view.overrides).toEqual({});
  });

  it('works the usage out from the last equity, the day’s start and the peak', async () => {
    const state: RiskState = {
      ...emptyRiskState('acc-1', T0 - MINUTE),
      lastEquity: '9400',
      lastEquityAt: T0 - MINUTE,
      dayStartEquity: '10000',
      peakEquity: '12000',
      version: 7,
    };
    const report = await setup({ state, positions: POSITIONS });

    const { usage, entries } = await report.show('acc-1');

    expect(usage).toEqual({
      equity: '9400',
      equityAt: T0 - MINUTE,
      dayStartEquity: '10000',
      // (10 000 − 9400) / 10 000 = 6 %
      dayLossPct: 6,
      peakEquity: '12000',
      // (12 000 − 9400) / 12 000 = 21.666… % → 21.67
      drawdownPct: 21.67,
      openPositions: 2,
      exposure: '19000',
      // 19 000 / 9400 = 202.127… % → 202.13
      exposurePct: 202.13,
      lossStreak: 0,
    });
    // a 6 % loss over a 5 % limit the job has not tripped yet: the report reads the tables only
    expect(entries).toBe('allowed');
  });

  it('reports a gain since the day’s start as a negative loss', async () => {
    const state: RiskState = {
      ...emptyRiskState('acc-1', T0),
      lastEquity: '10500',
      dayStartEquity: '10000',
      peakEquity: '10500',
    };
    const { usage } = await (await setup({ state })).show('acc-1');
    // (10 000 − 10 500) / 10 000 = −5 %; at the peak: 0 % drawdown
    expect(usage.dayLossPct).toBe(-5);
    expect(usage.drawdownPct).toBe(0);
  });

  it('blocks entries while a tripped daily-loss switch’s pause runs, naming it', async () => {
    const until = T0 + 3 * 60 * MINUTE;
    const state: RiskState = {
      ...emptyRiskState('acc-1', T0),
      switches: { daily_loss: { tripped: true, trippedAt: T0 - MINUTE, until, trips: 1, numbers: { lossPct: 5.2 } } },
    };

    const view = await (await setup({ state })).show('acc-1');

    expect(view.entries).toBe('blocked');
    expect(view.blockedBy).toMatchObject({
      switch: 'daily_loss',
      code: 'KILL_SWITCH_DAILY_LOSS',
      until,
      numbers: { lossPct: 5.2 },
    });
    expect(view.switches.daily_loss).toMatchObject({ tripped: true, until, trips: 1 });
  });

  it('allows entries once that pause has run out', async () => {
    const state: RiskState = {
      ...emptyRiskState('acc-1', T0),
      switches: { daily_loss: { tripped: true, trippedAt: T0 - 60 * MINUTE, until: T0, trips: 1 } },
    };
    const view = await (await setup({ state })).show('acc-1');
    expect(view.entries).toBe('allowed');
  });

  it('blocks entries while the drawdown switch is tripped', async () => {
    const state: RiskState = {
      ...emptyRiskState('acc-1', T0),
      switches: { drawdown: { tripped: true, trippedAt: T0 - MINUTE, trips: 1 } },
    };
    const view = await (await setup({ state })).show('acc-1');
    expect(view.entries).toBe('blocked');
    expect(view.blockedBy?.code).toBe('KILL_SWITCH_DRAWDOWN');
  });

  it('blocks entries during a loss-streak cooldown computed from the stored trades', async () => {
    // three losses, the last 10 min ago: limit 3, cooldown 60 min
    const last = T0 - 10 * MINUTE;
    const view = await (
      await setup({
        trades: [closedTrade(-1, last - 2 * MINUTE), closedTrade(-1, last - MINUTE), closedTrade(-1, last)],
      })
    ).show('acc-1');
    expect(view.usage.lossStreak).toBe(3);
    expect(view.entries).toBe('blocked');
    expect(view.blockedBy).toMatchObject({ code: 'LOSS_STREAK_COOLDOWN', until: last + 60 * MINUTE });
  });

  it.each(['paused', 'disabled'] as const)(
    'shows entries blocked on a %s account, with no switch to blame',
    async (status) => {
      const view = await (await setup({ account: accountRecord({ status }) })).show('acc-1');
      expect(view.status).toBe(status);
      expect(view.entries).toBe('blocked');
      expect(view).not.toHaveProperty('blockedBy');
    },
  );

  it('shows the account’s effective configuration and its own overrides', async () => {
    const risk = {
      limits: { maxOpenPositions: 3 },
      strategySizing: { scalp: { percent: 2 } },
      switches: { dailyLossPct: 2, timeZone: 'Asia/Seoul' },
    };
    const view = await (
      await setup({ account: accountWithSettings({ maxLeverage: 12, defaultSizePercent: 4, risk }) })
    ).show('acc-1');

    expect(view.limits).toEqual({ ...DEFAULT_RISK_CONFIG.limits, maxLeverage: 12, maxOpenPositions: 3 });
    expect(view.sizing).toEqual({ ...DEFAULT_RISK_CONFIG.sizing, percent: 4 });
    expect(view.strategySizing).toEqual({ scalp: { percent: 2 } });
    expect(view.overrides).toEqual(risk);
    expect(view.switches.daily_loss.limit).toBe('2% of start-of-day equity (Asia/Seoul day)');
  });

  it('names the volatility trigger among the circuit breaker’s limits once it is on', async () => {
    const risk = { switches: { volatilityPct: 150 } };
    const view = await (await setup({ account: accountWithSettings({ risk }) })).show('acc-1');
    expect(view.switches.circuit_breaker.limit).toBe(
      '5%/15m→30m, 10%/60m→240m; latency > 5000 ms, errors > 50%, spread > 30 bps, volatility ≥ 150% → 15m',
    );
  });

  it('refuses an unknown account naming "account"', async () => {
    const report = await setup();
    const error = await report.show('ghost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountInputError);
    expect((error as AccountInputError).field).toBe('account');
  });
});
