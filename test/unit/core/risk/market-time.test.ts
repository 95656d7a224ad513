// The circuit breaker's windows in market time: a replay that runs 720× faster than the wall clock
// (one hourly candle every 5 s, the local stack) is judged by its own minutes.
import { DEFAULT_RISK_CONFIG } from '../../../../shared/core/risk/config';
import { marketTime } from '../../../../shared/core/risk/market-time';
import { emptyRiskState } from '../../../../shared/core/risk/state';
import { entryBlock, runScheduledSwitches } from '../../../../shared/core/risk/switches';
import { BTC } from './fixtures';

const config = DEFAULT_RISK_CONFIG.switches; // tiers 5 %/15 min → 30 min, 10 %/60 min → 240 min
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const SPEED = 720;

function sampled(at: number) {
  return runScheduledSwitches({
    config,
    state: emptyRiskState('a'),
    now: NOW,
    equity: '10000',
    closedTrades: [],
    prices: { [BTC]: 50_000 },
    priceTimes: { [BTC]: at },
    calls: [],
  }).state;
}

test('marketTime scales the wall clock, and is the identity at speed 1', () => {
  expect(marketTime(NOW)).toBe(NOW);
  expect(marketTime(10_000, SPEED)).toBe(7_200_000);
});

test('a 6 % move 10 wall seconds later is 2 replayed hours later: outside every window, no trip', () => {
  const state = sampled(marketTime(NOW, SPEED));
  const later = NOW + 10_000;
  const block = entryBlock({
    config,
    state,
    now: later,
    price: { symbol: BTC, last: 53_000, at: marketTime(later, SPEED) },
  });
  expect(block).toBeUndefined();
  // measured in wall time the same move would trip tier 1 (6 % within 15 minutes)
  const wall = entryBlock({ config, state: sampled(NOW), now: later, price: { symbol: BTC, last: 53_000 } });
  expect(wall).toMatchObject({ code: 'CIRCUIT_BREAKER', until: later + 30 * 60_000 });
});

test('a 6 % move within one replayed minute trips, with the pause in wall time from now', () => {
  const state = sampled(marketTime(NOW, SPEED));
  const later = NOW + 50; // 36 replayed seconds
  const block = entryBlock({
    config,
    state,
    now: later,
    price: { symbol: BTC, last: 53_000, at: marketTime(later, SPEED) },
  });
  expect(block).toMatchObject({ code: 'CIRCUIT_BREAKER', until: later + 30 * 60_000 });
});

test('the scheduled run stores samples at their market time and prunes by it', () => {
  const first = sampled(marketTime(NOW, SPEED));
  expect(first.priceSamples[BTC]).toEqual([{ at: marketTime(NOW, SPEED), price: 50_000 }]);
  // 6 wall seconds = 72 replayed minutes: beyond the longest window (60 + 1), the old sample goes
  const later = NOW + 6_000;
  const next = runScheduledSwitches({
    config,
    state: first,
    now: later,
    equity: '10000',
    closedTrades: [],
    prices: { [BTC]: 50_100 },
    priceTimes: { [BTC]: marketTime(later, SPEED) },
    calls: [],
  });
  expect(next.state.priceSamples[BTC]).toEqual([{ at: marketTime(later, SPEED), price: 50_100 }]);
});
