// Kill switches: each trips at its threshold with the exact figures and not just below it, expires
// or stays until reset as designed, and the executor's entryBlock answers with the right code. The
// input state is deep-frozen in every run: a mutation would throw.
import { DEFAULT_RISK_CONFIG, type KillSwitchConfig } from '../../../../shared/core/risk/config';
import { emptyRiskState, type ExchangeCall, type RiskState } from '../../../../shared/core/risk/state';
import {
  entryBlock,
  lossStreak,
  resetSwitch,
  runScheduledSwitches,
  type ScheduledInputs,
  type ScheduledOutcome,
} from '../../../../shared/core/risk/switches';
import type { TradeRecord } from '../../../../shared/core/domain/trade';
import { BTC, closedBtcTrade, deepFreeze, ETH, MINUTE } from './fixtures';

/** Tuesday 2026-03-10 09:00 UTC */
const T0 = Date.UTC(2026, 2, 10, 9);
const NEXT_UTC_DAY = Date.UTC(2026, 2, 11);

const CONFIG: KillSwitchConfig = DEFAULT_RISK_CONFIG.switches;
const withConfig = (overrides: Partial<KillSwitchConfig>): KillSwitchConfig => ({ ...CONFIG, ...overrides });

/** One job run over a deep-frozen copy of everything it is given. */
function run(
  state: RiskState,
  now: number,
  inputs: Partial<Omit<ScheduledInputs, 'state' | 'now'>> = {},
): ScheduledOutcome {
  const frozen = deepFreeze(structuredClone(state));
  const all = deepFreeze({ config: CONFIG, closedTrades: [], prices: {}, calls: [], ...inputs, state: frozen, now });
  const outcome = runScheduledSwitches(all);
  expect(frozen).toEqual(state);
  return outcome;
}

/** Runs the job over successive equities, one minute apart from `start`. */
function equities(values: number[], start = T0, config = CONFIG, from = emptyRiskState('acc-1')): ScheduledOutcome {
  let outcome: ScheduledOutcome = { state: from, events: [], flattenAll: false, disableAccount: false };
  values.forEach((equity, i) => {
    outcome = run(outcome.state, start + i * MINUTE, { config, equity: String(equity) });
  });
  return outcome;
}

/** A 5x long of 0.1 BTC from 50 000 to 49 000 with a fee of 1, closed at `closedAt`. */
const closed = (realizedPnl: number, closedAt: number, extra: Partial<TradeRecord> = {}): TradeRecord =>
  closedBtcTrade(realizedPnl, closedAt, {
    maxQuantity: '0.1',
    entryPrice: '50000',
    exitPrice: '49000',
    exitedQuantity: '0.1',
    fees: '1',
    openSignalId: 's',
    ...extra,
  });

const call = (at: number, ok: boolean, ms = 100): ExchangeCall => ({ at, ok, ms });

describe('runScheduledSwitches: equity bookkeeping', () => {
  it('the first run starts the day and the peak at the equity read', () => {
    const { state, events, flattenAll, disableAccount } = run(emptyRiskState('acc-1'), T0, { equity: '10000' });
    expect(state).toMatchObject({
      day: '2026-03-10',
      dayStartEquity: '10000',
      dayStartAt: T0,
      peakEquity: '10000',
      peakAt: T0,
      lastEquity: '10000',
      lastEquityAt: T0,
      updatedAt: T0,
    });
    expect(events).toEqual([]);
    expect({ flattenAll, disableAccount }).toEqual({ flattenAll: false, disableAccount: false });
  });

  it('raises the peak on a new high and keeps the day start', () => {
    const { state } = equities([10_000, 11_000, 10_500]);
    expect(state).toMatchObject({
      dayStartEquity: '10000',
      peakEquity: '11000',
      peakAt: T0 + MINUTE,
      lastEquity: '10500',
      lastEquityAt: T0 + 2 * MINUTE,
    });
  });

  it('a failed equity read skips the equity switches and leaves the snapshot alone', () => {
    const before = equities([10_000]).state;
    const { state, events } = run(before, T0 + MINUTE, { equity: undefined, calls: [call(T0 + MINUTE, false, 2000)] });
    expect(events).toEqual([]);
    expect(state).toMatchObject({
      day: '2026-03-10',
      dayStartEquity: '10000',
      peakEquity: '10000',
      lastEquity: '10000',
      lastEquityAt: T0,
    });
    expect(state.exchangeCalls).toEqual([call(T0 + MINUTE, false, 2000)]);
  });

  it('a failed read at midnight delays the new day until the first successful read', () => {
    const before = equities([10_000]).state;
    const missed = run(before, NEXT_UTC_DAY, { equity: undefined }).state;
    expect(missed.day).toBe('2026-03-10');
    const read = run(missed, NEXT_UTC_DAY + 5 * MINUTE, { equity: '9000' }).state;
    expect(read).toMatchObject({ day: '2026-03-11', dayStartEquity: '9000', dayStartAt: NEXT_UTC_DAY + 5 * MINUTE });
  });
});

describe('runScheduledSwitches: daily loss', () => {
  it('trips at exactly the limit (5 % below the day start) with the figures, until the next day start', () => {
    const { state, events, flattenAll, disableAccount } = equities([10_000, 9_500]);
    const numbers = {
      lossPct: 5,
      limitPct: 5,
      equity: '9500',
      dayStartEquity: '10000',
      day: '2026-03-10',
      until: NEXT_UTC_DAY,
    };
    expect(events).toEqual([
      {
        switch: 'daily_loss',
        kind: 'tripped',
        at: T0 + MINUTE,
        reason: expect.stringContaining('Daily loss 5%'),
        numbers,
      },
    ]);
    expect(state.switches.daily_loss).toEqual({
      tripped: true,
      trippedAt: T0 + MINUTE,
      until: NEXT_UTC_DAY,
      reason: events[0]?.reason,
      numbers,
      trips: 1,
    });
    // Entries only: positions stay open, the account stays enabled.
    expect({ flattenAll, disableAccount }).toEqual({ flattenAll: false, disableAccount: false });
  });

  it('does not trip just below the limit', () => {
    const { state, events } = equities([10_000, 9_500.01]);
    expect(events).toEqual([]);
    expect(state.switches.daily_loss).toBeUndefined();
  });

  it('a deeper loss while tripped raises no new event', () => {
    const { state, events } = equities([10_000, 9_500, 9_000]);
    expect(events).toEqual([]);
    expect(state.switches.daily_loss).toMatchObject({ tripped: true, trips: 1, numbers: { lossPct: 5 } });
  });

  it('blocks entries until the next day start, then expires at rollover with a new day start equity', () => {
    const tripped = equities([10_000, 9_500]).state;
    const lateEvening = NEXT_UTC_DAY - MINUTE;
    expect(entryBlock({ config: CONFIG, state: tripped, now: lateEvening })).toMatchObject({
      switch: 'daily_loss',
      code: 'KILL_SWITCH_DAILY_LOSS',
      until: NEXT_UTC_DAY,
      numbers: { lossPct: 5 },
    });

    const { state, events } = run(tripped, NEXT_UTC_DAY, { equity: '9400' });
    expect(events).toEqual([
      {
        switch: 'daily_loss',
        kind: 'expired',
        at: NEXT_UTC_DAY,
        reason: expect.stringContaining('ended'),
        numbers: { trippedAt: T0 + MINUTE, until: NEXT_UTC_DAY },
      },
    ]);
    expect(state).toMatchObject({ day: '2026-03-11', dayStartEquity: '9400', dayStartAt: NEXT_UTC_DAY });
    expect(state.switches.daily_loss).toMatchObject({ tripped: false, trips: 1 });
    expect(entryBlock({ config: CONFIG, state, now: NEXT_UTC_DAY, equity: '9400' })).toBeUndefined();
  });

  it('the day follows the configured zone: in Asia/Seoul the block ends at 15:00 UTC', () => {
    const seoul = withConfig({ timeZone: 'Asia/Seoul' });
    const { state } = equities([10_000, 9_400], T0, seoul);
    expect(state.day).toBe('2026-03-10');
    expect(state.switches.daily_loss).toMatchObject({
      tripped: true,
      until: Date.UTC(2026, 2, 10, 15),
      numbers: { lossPct: 6, day: '2026-03-10' },
    });
  });

  it('resetting it restarts the day count from the given equity, so it does not trip again at once', () => {
    const tripped = equities([10_000, 9_400]).state;
    const { state, event } = resetSwitch(
      deepFreeze(structuredClone(tripped)),
      'daily_loss',
      T0 + 2 * MINUTE,
      'checked, resuming',
      '9400',
    );
    expect(event).toEqual({
      switch: 'daily_loss',
      kind: 'reset',
      at: T0 + 2 * MINUTE,
      reason: expect.stringContaining('checked, resuming'),
      numbers: { trippedAt: T0 + MINUTE, trips: 1, dayStartEquity: '9400', equity: '9400' },
    });
    expect(state).toMatchObject({ day: '2026-03-10', dayStartEquity: '9400', dayStartAt: T0 + 2 * MINUTE });
    expect(state.switches.daily_loss).toMatchObject({
      tripped: false,
      resetAt: T0 + 2 * MINUTE,
      resetReason: 'checked, resuming',
      trips: 1,
    });
    expect(run(state, T0 + 3 * MINUTE, { equity: '9400' }).events).toEqual([]);
  });
});

describe('runScheduledSwitches: drawdown', () => {
  // Daily limit out of the way: these runs fall within one day.
  const config = withConfig({ dailyLossPct: 50 });

  it('measures from the peak, not the day start: 10,000 → 12,000 → 9,500 is 20.83 % from the peak', () => {
    const { state, events, flattenAll, disableAccount } = equities([10_000, 12_000, 9_500], T0, config);
    const numbers = {
      drawdownPct: 20.8333,
      limitPct: 20,
      equity: '9500',
      peakEquity: '12000',
      peakAt: T0 + MINUTE,
      dayStartEquity: '10000',
    };
    expect(events).toEqual([
      {
        switch: 'drawdown',
        kind: 'tripped',
        at: T0 + 2 * MINUTE,
        reason: expect.stringContaining('Drawdown 20.83% from the equity peak'),
        numbers,
      },
    ]);
    expect(state.switches.drawdown).toEqual({
      tripped: true,
      trippedAt: T0 + 2 * MINUTE,
      reason: events[0]?.reason,
      numbers,
      trips: 1,
    });
    expect(state.switches.drawdown).not.toHaveProperty('until');
    expect(state.switches.daily_loss).toBeUndefined();
    expect({ flattenAll, disableAccount }).toEqual({ flattenAll: true, disableAccount: true });
  });

  it('trips at exactly the limit and not just below it', () => {
    expect(equities([10_000, 8_000], T0, config).state.switches.drawdown).toMatchObject({
      tripped: true,
      numbers: { drawdownPct: 20 },
    });
    const below = equities([10_000, 8_000.01], T0, config);
    expect(below.events).toEqual([]);
    expect(below.flattenAll).toBe(false);
  });

  it('stays tripped until reset: keeps flattening, disables the account only once, never raises the peak', () => {
    const tripped = equities([10_000, 12_000, 9_500], T0, config).state;
    const later = run(tripped, T0 + 10 * MINUTE, { config, equity: '13000' });
    expect(later.events).toEqual([]);
    expect(later.state.switches.drawdown?.tripped).toBe(true);
    expect(later.state.peakEquity).toBe('12000');
    expect({ flattenAll: later.flattenAll, disableAccount: later.disableAccount }).toEqual({
      flattenAll: true,
      disableAccount: false,
    });
    // A failed equity read changes nothing: still flattening.
    expect(run(later.state, T0 + 11 * MINUTE, { config }).flattenAll).toBe(true);
  });

  it('reset moves the peak to the given equity so it does not trip again at once', () => {
    const tripped = equities([10_000, 12_000, 9_500], T0, config).state;
    const { state, event } = resetSwitch(
      deepFreeze(structuredClone(tripped)),
      'drawdown',
      T0 + 5 * MINUTE,
      'owner reviewed',
      '9500',
    );
    expect(event).toMatchObject({
      switch: 'drawdown',
      kind: 'reset',
      numbers: { peakEquity: '9500', equity: '9500', trips: 1 },
    });
    expect(state).toMatchObject({ peakEquity: '9500', peakAt: T0 + 5 * MINUTE });
    expect(state.switches.drawdown).toMatchObject({
      tripped: false,
      resetAt: T0 + 5 * MINUTE,
      resetReason: 'owner reviewed',
      trips: 1,
    });
    const next = run(state, T0 + 6 * MINUTE, { config, equity: '9500' });
    expect(next.events).toEqual([]);
    expect(next.flattenAll).toBe(false);
    expect(entryBlock({ config, state: next.state, now: T0 + 6 * MINUTE, equity: '9500' })).toBeUndefined();
  });

  it('reset without an equity clears the peak: the next read becomes the peak', () => {
    const tripped = equities([10_000, 12_000, 9_500], T0, config).state;
    const { state } = resetSwitch(tripped, 'drawdown', T0 + 5 * MINUTE, 'owner reviewed');
    expect(state.peakEquity).toBeUndefined();
    const next = run(state, T0 + 6 * MINUTE, { config, equity: '9400' });
    expect(next.events).toEqual([]);
    expect(next.state).toMatchObject({ peakEquity: '9400', peakAt: T0 + 6 * MINUTE });
  });

  it('resetting a switch that is not tripped changes nothing', () => {
    const state = equities([10_000]).state;
    const answer = resetSwitch(state, 'drawdown', T0 + MINUTE, 'nothing to do', '5000');
    expect(answer.state).toBe(state);
    expect(answer.event).toBeUndefined();
  });
});

describe('lossStreak', () => {
  it('counts the losses closed after the last winning trade, whatever the array order', () => {
    const trades = [
      closed(-5, T0 - 10 * MINUTE),
      closed(20, T0 - 40 * MINUTE),
      closed(-3, T0 - 30 * MINUTE),
      closed(-1, T0 - 20 * MINUTE),
      closed(-7, T0 - 50 * MINUTE),
    ];
    expect(lossStreak(trades)).toEqual({ count: 3, lastLossAt: T0 - 10 * MINUTE });
  });

  it('a win after the losses resets the streak; open trades are ignored', () => {
    const trades = [
      closed(-5, T0 - 30 * MINUTE),
      closed(-3, T0 - 20 * MINUTE),
      closed(10, T0 - 10 * MINUTE),
      closed(-9, T0, { status: 'open', closedAt: undefined }),
    ];
    expect(lossStreak(trades)).toEqual({ count: 0 });
    expect(lossStreak([])).toEqual({ count: 0 });
  });
});

describe('runScheduledSwitches: loss streak', () => {
  const losses = (n: number, lastAt = T0 - 10 * MINUTE) =>
    Array.from({ length: n }, (_, i) => closed(-10 - i, lastAt - i * 5 * MINUTE));

  it('trips at the third loss in a row with a cooldown counted from the last loss', () => {
    const { state, events } = run(emptyRiskState('acc-1'), T0, { closedTrades: losses(3) });
    const until = T0 - 10 * MINUTE + 60 * MINUTE;
    const numbers = { count: 3, limit: 3, lastLossAt: T0 - 10 * MINUTE, cooldownMinutes: 60, until };
    expect(events).toEqual([
      {
        switch: 'loss_streak',
        kind: 'tripped',
        at: T0,
        reason: expect.stringContaining('3 losing trades in a row'),
        numbers,
      },
    ]);
    expect(state.switches.loss_streak).toMatchObject({ tripped: true, until, numbers, trips: 1 });
  });

  it('does not trip at two losses, nor when a win follows the losses', () => {
    expect(run(emptyRiskState('acc-1'), T0, { closedTrades: losses(2) }).events).toEqual([]);
    expect(
      run(emptyRiskState('acc-1'), T0, { closedTrades: [...losses(3), closed(5, T0 - 5 * MINUTE)] }).events,
    ).toEqual([]);
  });

  it('does not trip for a streak whose cooldown has already passed', () => {
    expect(run(emptyRiskState('acc-1'), T0, { closedTrades: losses(3, T0 - 60 * MINUTE) }).events).toEqual([]);
  });

  it('expires when the cooldown ends and does not trip again for the same streak', () => {
    const trades = losses(3);
    const tripped = run(emptyRiskState('acc-1'), T0, { closedTrades: trades }).state;
    const until = T0 + 50 * MINUTE;
    expect(run(tripped, until - MINUTE, { closedTrades: trades }).events).toEqual([]);
    const expired = run(tripped, until, { closedTrades: trades });
    expect(expired.events).toEqual([
      {
        switch: 'loss_streak',
        kind: 'expired',
        at: until,
        reason: expect.any(String),
        numbers: { trippedAt: T0, until },
      },
    ]);
    expect(expired.state.switches.loss_streak?.tripped).toBe(false);
    expect(run(expired.state, until + MINUTE, { closedTrades: trades }).events).toEqual([]);
  });

  it('after a reset the same streak does not trip again, a further loss does', () => {
    const trades = losses(3);
    const tripped = run(emptyRiskState('acc-1'), T0, { closedTrades: trades }).state;
    const { state } = resetSwitch(tripped, 'loss_streak', T0 + MINUTE, 'manual override');
    expect(run(state, T0 + 2 * MINUTE, { closedTrades: trades }).events).toEqual([]);
    expect(entryBlock({ config: CONFIG, state, now: T0 + 2 * MINUTE, closedTrades: trades })).toBeUndefined();

    const more = [...trades, closed(-4, T0 + 3 * MINUTE)];
    const again = run(state, T0 + 4 * MINUTE, { closedTrades: more });
    expect(again.events).toEqual([
      expect.objectContaining({
        switch: 'loss_streak',
        kind: 'tripped',
        numbers: expect.objectContaining({ count: 4, lastLossAt: T0 + 3 * MINUTE, until: T0 + 63 * MINUTE }),
      }),
    ]);
    expect(again.state.switches.loss_streak?.trips).toBe(2);
  });
});

describe('runScheduledSwitches: circuit breaker on price moves', () => {
  /** Runs the job once per [minute offset from T0, BTC price]. */
  function prices(series: Array<[number, number]>, from = emptyRiskState('acc-1')): ScheduledOutcome {
    let outcome: ScheduledOutcome = { state: from, events: [], flattenAll: false, disableAccount: false };
    for (const [minute, price] of series)
      outcome = run(outcome.state, T0 + minute * MINUTE, { prices: { [BTC]: price } });
    return outcome;
  }

  it('a 5 % move within 15 minutes trips tier 1 for 30 minutes, with the figures', () => {
    const { state, events } = prices([
      [0, 100],
      [15, 95],
    ]);
    const until = T0 + 45 * MINUTE;
    const numbers = {
      cause: `move:${BTC}:5%/15m`,
      symbol: BTC,
      movePct: 5,
      limitPct: 5,
      windowMinutes: 15,
      pauseMinutes: 30,
      price: 95,
      referencePrice: 100,
      referenceAt: T0,
      until,
    };
    expect(events).toEqual([
      {
        switch: 'circuit_breaker',
        kind: 'tripped',
        at: T0 + 15 * MINUTE,
        reason: expect.stringContaining(`${BTC} moved 5% within 15 min`),
        numbers,
      },
    ]);
    expect(state.switches.circuit_breaker).toMatchObject({
      tripped: true,
      trippedAt: T0 + 15 * MINUTE,
      until,
      numbers,
      trips: 1,
    });
  });

  it('does not trip just below 5 %, nor on a 5 % move spread over more than 15 minutes', () => {
    expect(
      prices([
        [0, 100],
        [15, 95.01],
      ]).events,
    ).toEqual([]);
    expect(
      prices([
        [0, 100],
        [16, 95],
      ]).events,
    ).toEqual([]);
  });

  it('a move up counts like a move down', () => {
    expect(
      prices([
        [0, 100],
        [10, 105],
      ]).state.switches.circuit_breaker,
    ).toMatchObject({ tripped: true, numbers: { movePct: 5 } });
  });

  it('a 10 % move within 60 minutes trips tier 2 with its longer pause, even when tier 1 is also reached', () => {
    const { events } = prices([
      [0, 100],
      [50, 95],
      [60, 90],
    ]);
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'tripped',
        numbers: expect.objectContaining({
          cause: `move:${BTC}:10%/60m`,
          movePct: 10,
          windowMinutes: 60,
          pauseMinutes: 240,
          referencePrice: 100,
          until: T0 + 300 * MINUTE,
        }),
      }),
    ]);
  });

  it('keeps the longer pause in force: a tier-1 move during a tier-2 pause changes nothing', () => {
    const tier2 = prices([
      [0, 100],
      [60, 90],
    ]);
    const after = prices([[70, 85]], tier2.state);
    expect(after.events).toEqual([]);
    expect(after.state.switches.circuit_breaker).toMatchObject({ until: T0 + 300 * MINUTE, trips: 1 });
  });

  it('while the same move stays in its window, the pause is pushed out quietly', () => {
    const tripped = prices([
      [0, 100],
      [10, 95],
    ]);
    const later = prices([[11, 95]], tripped.state);
    expect(later.events).toEqual([]);
    expect(later.state.switches.circuit_breaker).toMatchObject({
      trips: 1,
      trippedAt: T0 + 10 * MINUTE,
      until: T0 + 41 * MINUTE,
      numbers: { until: T0 + 41 * MINUTE },
    });
  });

  it('expires when the pause ends', () => {
    const tripped = prices([
      [0, 100],
      [15, 95],
    ]);
    const { state, events } = prices([[45, 95]], tripped.state);
    expect(events).toEqual([
      {
        switch: 'circuit_breaker',
        kind: 'expired',
        at: T0 + 45 * MINUTE,
        reason: expect.any(String),
        numbers: { trippedAt: T0 + 15 * MINUTE, until: T0 + 45 * MINUTE },
      },
    ]);
    expect(state.switches.circuit_breaker?.tripped).toBe(false);
  });

  it('keeps samples for the longest window plus one minute, and drops symbols no longer priced', () => {
    const withEth = run(emptyRiskState('acc-1'), T0, { prices: { [BTC]: 100, [ETH]: 2_000 } }).state;
    const { state } = prices(
      [
        [1, 100],
        [61, 100],
        [62, 100],
      ],
      withEth,
    );
    expect(state.priceSamples[BTC]?.map((s) => s.at)).toEqual([T0 + MINUTE, T0 + 61 * MINUTE, T0 + 62 * MINUTE]);
    expect(state.priceSamples[ETH]).toBeUndefined();
  });

  it('ignores a zero or missing price', () => {
    const { state, events } = prices([
      [0, 100],
      [1, 0],
      [2, Number.NaN],
    ]);
    expect(events).toEqual([]);
    expect(state.priceSamples[BTC]).toEqual([{ at: T0, price: 100 }]);
  });

  it('reset clears the samples so the same move does not trip again at once', () => {
    const tripped = prices([
      [0, 100],
      [10, 95],
    ]).state;
    const { state, event } = resetSwitch(tripped, 'circuit_breaker', T0 + 11 * MINUTE, 'news digested');
    expect(event?.kind).toBe('reset');
    expect(state.priceSamples).toEqual({});
    expect(prices([[12, 95]], state).events).toEqual([]);
  });
});

describe('runScheduledSwitches: circuit breaker on exchange anomalies', () => {
  const state0 = emptyRiskState('acc-1');

  it('trips on a call slower than the latency limit, not on one at the limit', () => {
    expect(run(state0, T0, { calls: [call(T0, true, 5_000)] }).events).toEqual([]);
    const { state, events } = run(state0, T0, { calls: [call(T0, true, 300), call(T0, true, 5_001)] });
    const numbers = {
      cause: 'latency',
      latencyMs: 5_001,
      maxLatencyMs: 5_000,
      pauseMinutes: 15,
      until: T0 + 15 * MINUTE,
    };
    expect(events).toEqual([
      {
        switch: 'circuit_breaker',
        kind: 'tripped',
        at: T0,
        reason: expect.stringContaining('Exchange call took 5001 ms (limit 5000 ms)'),
        numbers,
      },
    ]);
    expect(state.switches.circuit_breaker).toMatchObject({ tripped: true, until: T0 + 15 * MINUTE });
  });

  it('trips on an error rate above the limit once half a window of calls is recorded', () => {
    // 4 failures of 4 calls: too few to judge (window 10).
    const few = run(state0, T0, { calls: [call(T0, false), call(T0, false), call(T0, false), call(T0, false)] });
    expect(few.events).toEqual([]);
    // A fifth call, successful: 4 of 5 failed = 80 % > 50 %.
    const { events } = run(few.state, T0 + MINUTE, { calls: [call(T0 + MINUTE, true)] });
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'tripped',
        reason: expect.stringContaining('4 of the last 5 exchange calls failed (80%, limit 50%)'),
        numbers: {
          cause: 'error_rate',
          errorRatePct: 80,
          maxErrorRatePct: 50,
          failed: 4,
          calls: 5,
          pauseMinutes: 15,
          until: T0 + 16 * MINUTE,
        },
      }),
    ]);
  });

  it('does not trip at exactly the error-rate limit, and keeps only the last window of calls', () => {
    const calls = [
      ...Array.from({ length: 5 }, () => call(T0, false)),
      ...Array.from({ length: 7 }, () => call(T0, true)),
    ];
    const { state, events } = run(state0, T0, { calls });
    expect(events).toEqual([]); // last 10: 3 failed of 10 = 30 %
    expect(state.exchangeCalls).toHaveLength(10);
    const half = run(state0, T0, {
      calls: [call(T0, false), call(T0, true), call(T0, false), call(T0, true)].concat([
        call(T0, false),
        call(T0, true),
      ]),
    });
    expect(half.events).toEqual([]); // 3 of 6 = 50 %, not above
  });

  it('trips on a spread wider than the limit, naming the symbol', () => {
    expect(run(state0, T0, { spreadsBps: { [BTC]: 30 } }).events).toEqual([]);
    const { events } = run(state0, T0, { spreadsBps: { [BTC]: 2, [ETH]: 31 } });
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'tripped',
        reason: expect.stringContaining(`${ETH} bid/ask spread 31 bps (limit 30 bps)`),
        numbers: {
          cause: `spread:${ETH}`,
          symbol: ETH,
          spreadBps: 31,
          maxSpreadBps: 30,
          pauseMinutes: 15,
          until: T0 + 15 * MINUTE,
        },
      }),
    ]);
  });

  it('a failed equity read still records its failed call', () => {
    const { state } = run(state0, T0, { equity: undefined, calls: [call(T0, false, 10_000)] });
    expect(state.exchangeCalls).toEqual([call(T0, false, 10_000)]);
    expect(state.switches.circuit_breaker).toMatchObject({ tripped: true, numbers: { cause: 'latency' } });
  });
});

describe('entryBlock', () => {
  const base: RiskState = {
    ...emptyRiskState('acc-1'),
    day: '2026-03-10',
    dayStartEquity: '10000',
    dayStartAt: T0 - 60 * MINUTE,
    peakEquity: '10000',
    peakAt: T0 - 60 * MINUTE,
  };
  const ask = (state: RiskState, extra: Partial<Parameters<typeof entryBlock>[0]> = {}) =>
    entryBlock({ config: CONFIG, state: deepFreeze(structuredClone(state)), now: T0, ...extra });

  it('is undefined when everything is clear', () => {
    expect(
      ask(base, {
        equity: '9600',
        price: { symbol: BTC, last: 100 },
        closedTrades: [closed(-1, T0 - MINUTE), closed(-1, T0 - 2 * MINUTE)],
      }),
    ).toBeUndefined();
    expect(ask(emptyRiskState('acc-1'), { equity: '1' })).toBeUndefined();
  });

  it('a tripped drawdown switch blocks with no end, and comes first', () => {
    const state = equities([10_000, 7_000], T0 - 2 * MINUTE, withConfig({ dailyLossPct: 50 })).state;
    const withDaily = {
      ...state,
      switches: { ...state.switches, daily_loss: { tripped: true, until: NEXT_UTC_DAY, trips: 1 } },
    };
    const block = ask(withDaily);
    expect(block).toMatchObject({
      switch: 'drawdown',
      code: 'KILL_SWITCH_DRAWDOWN',
      reason: expect.stringContaining('until the owner resets it'),
      numbers: { drawdownPct: 30 },
    });
    expect(block).not.toHaveProperty('until');
  });

  it('a tripped daily loss blocks until its end, not after', () => {
    const state = equities([10_000, 9_000], T0 - 2 * MINUTE).state;
    expect(ask(state)).toMatchObject({ code: 'KILL_SWITCH_DAILY_LOSS', until: NEXT_UTC_DAY, numbers: { lossPct: 10 } });
    expect(entryBlock({ config: CONFIG, state, now: NEXT_UTC_DAY })).toBeUndefined();
  });

  it('computes the daily loss live from today’s start (a loss between two job runs)', () => {
    expect(ask(base, { equity: '9500' })).toMatchObject({
      switch: 'daily_loss',
      code: 'KILL_SWITCH_DAILY_LOSS',
      until: NEXT_UTC_DAY,
      reason: expect.stringContaining('5% below today'),
      numbers: { lossPct: 5, equity: '9500', dayStartEquity: '10000', day: '2026-03-10', until: NEXT_UTC_DAY },
    });
    expect(ask(base, { equity: '9500.01' })).toBeUndefined();
    // A start from yesterday is stale: no live daily loss.
    expect(
      ask(
        { ...base, day: '2026-03-09', peakEquity: '20000000' },
        { equity: '9500', config: withConfig({ maxDrawdownPct: 100 }) },
      ),
    ).toBeUndefined();
  });

  it('computes the drawdown live from the peak', () => {
    const state = { ...base, peakEquity: '12000' };
    expect(ask(state, { equity: '9600', config: withConfig({ dailyLossPct: 50 }) })).toMatchObject({
      switch: 'drawdown',
      code: 'KILL_SWITCH_DRAWDOWN',
      numbers: { drawdownPct: 20, peakEquity: '12000', equity: '9600' },
    });
    expect(ask(state, { equity: '9600.01', config: withConfig({ dailyLossPct: 50 }) })).toBeUndefined();
  });

  it('computes the loss streak live from the closed trades', () => {
    const trades = [closed(-1, T0 - 30 * MINUTE), closed(-2, T0 - 20 * MINUTE), closed(-3, T0 - 10 * MINUTE)];
    expect(ask(base, { closedTrades: trades })).toMatchObject({
      switch: 'loss_streak',
      code: 'LOSS_STREAK_COOLDOWN',
      until: T0 + 50 * MINUTE,
      numbers: { count: 3, lastLossAt: T0 - 10 * MINUTE },
    });
    expect(ask(base, { closedTrades: [...trades, closed(4, T0 - 5 * MINUTE)] })).toBeUndefined();
  });

  it('a tripped loss-streak switch blocks even without the trades', () => {
    const state = run(base, T0 - 5 * MINUTE, {
      closedTrades: [closed(-1, T0 - 30 * MINUTE), closed(-2, T0 - 20 * MINUTE), closed(-3, T0 - 10 * MINUTE)],
    }).state;
    expect(ask(state)).toMatchObject({ code: 'LOSS_STREAK_COOLDOWN', until: T0 + 50 * MINUTE });
  });

  it('a tripped circuit breaker blocks until its end', () => {
    const state: RiskState = {
      ...base,
      switches: {
        circuit_breaker: {
          tripped: true,
          trippedAt: T0 - MINUTE,
          until: T0 + 14 * MINUTE,
          reason: 'latency',
          numbers: { cause: 'latency' },
          trips: 1,
        },
      },
    };
    expect(ask(state)).toMatchObject({
      switch: 'circuit_breaker',
      code: 'CIRCUIT_BREAKER',
      until: T0 + 14 * MINUTE,
      numbers: { cause: 'latency' },
    });
    expect(entryBlock({ config: CONFIG, state, now: T0 + 14 * MINUTE })).toBeUndefined();
  });

  it('checks the entry price live against the recorded samples', () => {
    const state: RiskState = { ...base, priceSamples: { [BTC]: [{ at: T0 - 10 * MINUTE, price: 100 }] } };
    expect(ask(state, { price: { symbol: BTC, last: 94 } })).toMatchObject({
      switch: 'circuit_breaker',
      code: 'CIRCUIT_BREAKER',
      until: T0 + 30 * MINUTE,
      numbers: { symbol: BTC, movePct: 6, windowMinutes: 15, referencePrice: 100 },
    });
    expect(ask(state, { price: { symbol: BTC, last: 95.5 } })).toBeUndefined();
    expect(ask(state, { price: { symbol: ETH, last: 1 } })).toBeUndefined();
  });
});

describe('purity', () => {
  it('never mutates a deep-frozen input state, across trips, expiries and resets', () => {
    const config = withConfig({ dailyLossPct: 5 });
    let state = emptyRiskState('acc-1');
    const steps: Array<Partial<Omit<ScheduledInputs, 'state' | 'now'>>> = [
      { equity: '10000', prices: { [BTC]: 100 }, calls: [call(T0, true)] },
      {
        equity: '7000',
        prices: { [BTC]: 90 },
        calls: [call(T0, false, 9_000)],
        spreadsBps: { [BTC]: 50 },
        closedTrades: [closed(-1, T0 + 59 * MINUTE), closed(-1, T0 + 58 * MINUTE), closed(-1, T0 + 57 * MINUTE)],
      },
      { equity: '7000', prices: { [BTC]: 90 } },
    ];
    steps.forEach((step, i) => {
      state = run(state, T0 + i * 60 * MINUTE, { config, ...step }).state;
    });
    expect(Object.values(state.switches).map((sw) => sw?.trips)).toEqual([1, 1, 1, 1]);
    for (const name of ['daily_loss', 'drawdown', 'loss_streak', 'circuit_breaker'] as const) {
      const frozen = deepFreeze(structuredClone(state));
      expect(() => resetSwitch(frozen, name, T0 + 200 * MINUTE, 'done', '7000')).not.toThrow();
      expect(frozen).toEqual(state);
    }
  });
});
