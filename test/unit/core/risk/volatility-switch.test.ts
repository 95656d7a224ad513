// The volatility trigger of the circuit breaker: realized volatility of the breaker's own price
// samples, annualised, at or above `switches.volatilityPct` pauses entries for the anomaly pause.
// The boundary is tested just below and just above an index computed by hand from returns of a
// known size; off by default, silent on too few samples, and spacing-aware (a missed job run
// does not inflate the index).
import { DEFAULT_RISK_CONFIG, type KillSwitchConfig } from '../../../../shared/core/risk/config';
import { applyRiskSetting } from '../../../../shared/core/risk/overrides';
import { emptyRiskState, type PriceSample, type RiskState } from '../../../../shared/core/risk/state';
import {
  entryBlock,
  MIN_VOLATILITY_RETURNS,
  realizedVolatilityPct,
  runScheduledSwitches,
  type ScheduledInputs,
  type ScheduledOutcome,
} from '../../../../shared/core/risk/switches';
import { BTC, deepFreeze, ETH, MINUTE } from './fixtures';

const T0 = Date.UTC(2026, 2, 10, 9);
const R = 0.001;
/** |log return| R every minute, annualised over 365 days: R·√525 600 = 72.498 %. */
const INDEX_PCT = R * Math.sqrt(525_600) * 100;

/** price after i alternating ±R log returns: 100, 100·e^R, 100, 100·e^R, … (no tier move near 5 %) */
const zigzag = (i: number): number => (i % 2 === 0 ? 100 : 100 * Math.exp(R));

const config = (volatilityPct: number, over: Partial<KillSwitchConfig> = {}): KillSwitchConfig => ({
  ...DEFAULT_RISK_CONFIG.switches,
  volatilityPct,
  ...over,
});

/**
 * `runs` job runs `stepMinutes` apart, BTC on the zigzag; the state is frozen on each run. The
 * outcome is the last run's, with the events of every run.
 */
function runJob(
  cfg: KillSwitchConfig,
  runs: number,
  stepMinutes = 1,
  /** the exchange's index, on every run or from run `from` on */
  exchangeVolatility?: ScheduledInputs['exchangeVolatility'],
  from = 0,
): ScheduledOutcome {
  const events: ScheduledOutcome['events'] = [];
  let outcome: ScheduledOutcome = {
    state: emptyRiskState('acc-1'),
    events: [],
    flattenAll: false,
    disableAccount: false,
  };
  for (let i = 0; i < runs; i++) {
    const state: RiskState = deepFreeze(structuredClone(outcome.state));
    outcome = runScheduledSwitches({
      config: cfg,
      state,
      now: T0 + i * stepMinutes * MINUTE,
      closedTrades: [],
      prices: { [BTC]: zigzag(i) },
      calls: [],
      ...(exchangeVolatility && i >= from ? { exchangeVolatility } : {}),
    });
    events.push(...outcome.events);
  }
  return { ...outcome, events };
}

const trips = (outcome: ScheduledOutcome) => outcome.events.filter((event) => event.kind === 'tripped');

describe('realizedVolatilityPct', () => {
  const samples = (n: number, stepMinutes = 1): PriceSample[] =>
    Array.from({ length: n }, (_, i) => ({ at: T0 + i * stepMinutes * MINUTE, price: zigzag(i) }));

  it('annualises minute returns of a known size: R·√(minutes in 365 days)', () => {
    const reading = realizedVolatilityPct(samples(61), T0 + 60 * MINUTE);
    expect(reading).toEqual({ pct: expect.any(Number), returns: 60, fromAt: T0, toAt: T0 + 60 * MINUTE });
    expect(reading!.pct).toBeCloseTo(72.4983, 3);
  });

  it('scales by elapsed time: the same returns two minutes apart are √2 less volatile', () => {
    const reading = realizedVolatilityPct(samples(25, 2), T0 + 48 * MINUTE);
    expect(reading!.pct).toBeCloseTo(INDEX_PCT / Math.SQRT2, 6);
  });

  it('reads only the last hour, in time order whatever the stored order', () => {
    const old = { at: T0 - 120 * MINUTE, price: 1 }; // a 100x jump, outside the window
    const reading = realizedVolatilityPct([...samples(21).reverse(), old], T0 + 20 * MINUTE);
    expect(reading!.returns).toBe(20);
    expect(reading!.pct).toBeCloseTo(INDEX_PCT, 6);
  });

  it(`gives no reading below ${MIN_VOLATILITY_RETURNS} returns`, () => {
    expect(realizedVolatilityPct(samples(MIN_VOLATILITY_RETURNS), T0 + 60 * MINUTE)).toBeUndefined();
    expect(realizedVolatilityPct(samples(MIN_VOLATILITY_RETURNS + 1), T0 + 60 * MINUTE)).toBeDefined();
  });
});

describe('runScheduledSwitches: circuit breaker on the volatility index', () => {
  it('trips just below the index, with the index, the bound and the pause in its numbers', () => {
    const limit = INDEX_PCT * (1 - 1e-6);
    const outcome = runJob(config(limit), 21);
    const [event, ...more] = trips(outcome);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ switch: 'circuit_breaker', at: T0 + 10 * MINUTE });
    // The first run with 10 returns tripped it; later runs only extend the same cause's pause.
    const sw = outcome.state.switches.circuit_breaker!;
    expect(sw).toMatchObject({ tripped: true, trips: 1, trippedAt: T0 + 10 * MINUTE });
    expect(sw.numbers).toEqual({
      cause: `volatility:${BTC}`,
      symbol: BTC,
      source: 'realized',
      volatilityPct: 72.4983,
      limitPct: limit,
      returns: 10,
      windowMinutes: 10,
      pauseMinutes: 15,
      until: T0 + 35 * MINUTE,
    });
    expect(sw.until).toBe(T0 + 35 * MINUTE);
    expect(sw.reason).toMatch(
      /^BTC\/USDT:USDT realized volatility 72\.5% annualised \(10 returns over 10 min\) reached the 72\.49\d+% limit: new entries paused 15 min, until 2026-03-10 09:25 UTC$/,
    );
    const block = entryBlock({ config: config(limit), state: outcome.state, now: T0 + 21 * MINUTE });
    expect(block).toMatchObject({ switch: 'circuit_breaker', code: 'CIRCUIT_BREAKER', until: T0 + 35 * MINUTE });
  });

  it('does not trip just above the index', () => {
    const outcome = runJob(config(INDEX_PCT * (1 + 1e-6)), 61);
    expect(outcome.state.switches.circuit_breaker?.tripped ?? false).toBe(false);
  });

  it('is off by default (volatilityPct 0) and before the index has its returns', () => {
    expect(DEFAULT_RISK_CONFIG.switches.volatilityPct).toBe(0);
    expect(runJob(DEFAULT_RISK_CONFIG.switches, 61).state.switches.circuit_breaker).toBeUndefined();
    expect(runJob(config(1), MIN_VOLATILITY_RETURNS).state.switches.circuit_breaker).toBeUndefined();
    expect(trips(runJob(config(1), MIN_VOLATILITY_RETURNS + 1))).toHaveLength(1);
  });

  it('keeps an hour of samples for the index even with no price tiers', () => {
    const outcome = runJob(config(1000, { circuitBreaker: [] }), 61);
    expect(outcome.state.priceSamples[BTC]).toHaveLength(61);
    const withoutIndex = runJob(config(0, { circuitBreaker: [] }), 61);
    // no tier and no index: only the minute of slack for job jitter
    expect(withoutIndex.state.priceSamples[BTC]).toHaveLength(2);
  });

  it('judges each symbol on its own samples: a calm symbol does not trip', () => {
    let outcome: ScheduledOutcome = {
      state: emptyRiskState('acc-1'),
      events: [],
      flattenAll: false,
      disableAccount: false,
    };
    for (let i = 0; i < 31; i++)
      outcome = runScheduledSwitches({
        config: config(INDEX_PCT / 2),
        state: outcome.state,
        now: T0 + i * MINUTE,
        closedTrades: [],
        prices: { [ETH]: 3000 + i * 0.01 },
        calls: [],
      });
    expect(outcome.state.switches.circuit_breaker).toBeUndefined();
  });
});

describe('switches.volatilityPct from the command line', () => {
  it('is set, and refused outside 0–10 000 naming the field and the bound', () => {
    expect(applyRiskSetting(undefined, 'switches.volatilityPct=150')).toEqual({ switches: { volatilityPct: 150 } });
    expect(() => applyRiskSetting(undefined, 'switches.volatilityPct=-1')).toThrow(
      'switches.volatilityPct: must be from 0 to 10000',
    );
  });
});

describe("runScheduledSwitches: the exchange's own volatility index beside the realized one", () => {
  const SOURCE = 'Bybit options 7-day historical volatility';
  const bybit = (pct: number): ScheduledInputs['exchangeVolatility'] => ({
    [BTC]: { pct, source: SOURCE, base: 'BTC', time: T0 - 30 * MINUTE },
  });

  it("trips on the exchange's reading alone (no realized index yet), naming its source and figure", () => {
    const outcome = runJob(config(80), 1, 1, bybit(92));
    const [event, ...more] = trips(outcome);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ switch: 'circuit_breaker', at: T0 });
    const sw = outcome.state.switches.circuit_breaker!;
    expect(sw.reason).toBe(
      `${BTC} volatility 92% (${SOURCE}, BTC) reached the 80% limit: new entries paused 15 min, until 2026-03-10 09:15 UTC`,
    );
    expect(sw.numbers).toEqual({
      cause: `volatility:${BTC}`,
      symbol: BTC,
      source: SOURCE,
      base: 'BTC',
      volatilityPct: 92,
      readingAt: T0 - 30 * MINUTE,
      limitPct: 80,
      pauseMinutes: 15,
      until: T0 + 15 * MINUTE,
    });
    const block = entryBlock({ config: config(80), state: outcome.state, now: T0 + MINUTE });
    expect(block).toMatchObject({ switch: 'circuit_breaker', code: 'CIRCUIT_BREAKER' });
  });

  it('the index is the larger of the two: a higher realized index trips under its own name', () => {
    // realized ≈ 72.5 % ≥ 70 %, the exchange's 60 % below it
    const outcome = runJob(config(70), 11, 1, bybit(60));
    const sw = outcome.state.switches.circuit_breaker!;
    expect(sw.numbers).toMatchObject({ source: 'realized', volatilityPct: 72.4983, exchangePct: 60 });
    expect(sw.reason).toMatch(/^BTC\/USDT:USDT realized volatility 72\.5% annualised/);
  });

  it('a higher exchange reading wins over a realized one below the bound, and the realized figure is kept beside it', () => {
    // the reading arrives on the run where the realized index (72.5 %) has its 10 returns
    const outcome = runJob(config(80), 11, 1, bybit(81), 10);
    expect(outcome.state.switches.circuit_breaker!.numbers).toMatchObject({
      source: SOURCE,
      volatilityPct: 81,
      realizedPct: 72.4983,
    });
  });

  it('below the bound neither trips; off (0) ignores any reading', () => {
    expect(runJob(config(80), 11, 1, bybit(79.99)).state.switches.circuit_breaker).toBeUndefined();
    expect(runJob(config(0), 11, 1, bybit(500)).state.switches.circuit_breaker).toBeUndefined();
  });

  it("another symbol's reading does not trip this one", () => {
    const outcome = runJob(config(80), 1, 1, {
      [ETH]: { pct: 150, source: SOURCE, base: 'ETH', time: T0 },
    });
    expect(outcome.state.switches.circuit_breaker).toBeUndefined();
  });
});
