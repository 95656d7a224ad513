// The entry rule at its boundary, with the arithmetic written out: projected funding (mean of the
// last N rates × settlements × 10 000 bps) against the round trip 2 × (perp fee + other fee)
// + 4 × slippage + exit cost, plus the margin.
import {
  decideEntry,
  decideExit,
  decideTwoPerpEntry,
  decideTwoPerpExit,
  projectFunding,
  projectSpread,
  roundTripCostBps,
} from '../../../../shared/core/funding/arbitrage-decision';
import { InvalidArgumentError } from '../../../../shared/core/errors';

// 2 × (2 + 3) + 4 × 0.5 + 1 = 13 bps
const COSTS = { perpFeeBps: '2', otherFeeBps: '3', slippageBps: '0.5', exitCostBps: '1', marginBps: '0' };

describe('projectFunding', () => {
  it('averages only the last `lookback` rates and scales by the settlements in the horizon', () => {
    // last 3: (0.0001 + 0.0002 + 0.0003) / 3 = 0.0002; × 9 settlements × 10 000 = 18 bps
    const p = projectFunding({
      recentRates: ['0.05', '0.0001', '0.0002', '0.0003'],
      lookback: 3,
      settlementsInHorizon: 9,
    });
    expect(p.meanRate).toBe('0.0002');
    expect(p.bps).toBe('18');
  });

  it('divides last, so a repeating mean still gives the exact bps: (0.0001 + 0.0001 + 0.00013046) / 3 × 9 × 10 000 = 9.9138', () => {
    expect(
      projectFunding({ recentRates: ['0.0001', '0.0001', '0.00013046'], lookback: 3, settlementsInHorizon: 9 }).bps,
    ).toBe('9.9138');
  });

  it('refuses too few rates, naming the field and the bound', () => {
    expect(() => projectFunding({ recentRates: ['0.0001'], lookback: 3, settlementsInHorizon: 9 })).toThrow(
      /recentRates must hold at least lookback \(3\) rates, got 1/,
    );
    expect(() => projectFunding({ recentRates: ['0.0001'], lookback: 1, settlementsInHorizon: 0 })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('decideEntry at its boundary', () => {
  it('costs 13 bps for these fees', () => {
    expect(roundTripCostBps(COSTS).toString()).toBe('13');
  });

  it('enters short perp when the projection is just above the cost: 0.0001445 × 9 × 10 000 = 13.005 bps > 13', () => {
    const d = decideEntry({ recentRates: ['0.0001445'], lookback: 1, settlementsInHorizon: 9 }, COSTS);
    expect(d).toMatchObject({
      action: 'enter',
      side: 'short-perp',
      projectedBps: '13.005',
      costBps: '13',
      edgeBps: '0.005',
    });
  });

  it('stays out when the projection equals the cost exactly: 0.00013 × 10 × 10 000 = 13 bps', () => {
    const d = decideEntry({ recentRates: ['0.00013'], lookback: 1, settlementsInHorizon: 10 }, COSTS);
    expect(d).toMatchObject({ action: 'stay-out', projectedBps: '13', edgeBps: '0' });
  });

  it('stays out just below: 0.0001443 × 9 × 10 000 = 12.987 bps', () => {
    expect(decideEntry({ recentRates: ['0.0001443'], lookback: 1, settlementsInHorizon: 9 }, COSTS).action).toBe(
      'stay-out',
    );
  });

  it('the margin is added to the cost: 13.005 bps does not beat 13 + 0.01', () => {
    const d = decideEntry(
      { recentRates: ['0.0001445'], lookback: 1, settlementsInHorizon: 9 },
      { ...COSTS, marginBps: '0.01' },
    );
    expect(d.action).toBe('stay-out');
  });

  it('negative funding: long perp only when allowed', () => {
    const p = { recentRates: ['-0.0005'], lookback: 1, settlementsInHorizon: 9 }; // −45 bps
    expect(decideEntry(p, COSTS).action).toBe('stay-out');
    expect(decideEntry(p, COSTS, true)).toMatchObject({ action: 'enter', side: 'long-perp', edgeBps: '32' });
  });

  it('a negative fee is refused by name, never treated as a rebate that opens trades', () => {
    expect(() =>
      decideEntry({ recentRates: ['0.001'], lookback: 1, settlementsInHorizon: 9 }, { ...COSTS, slippageBps: '-1' }),
    ).toThrow(/slippageBps must be ≥ 0 bps, got -1/);
  });
});

describe('decideExit', () => {
  const held = { side: 'short-perp' as const, enteredAt: 1_000, horizonMs: 3 * 86_400_000 };
  const p = (rate: string) => ({ recentRates: [rate], lookback: 1, settlementsInHorizon: 9 });

  it('holds while the funding projected for the held side is ≥ 0 inside the horizon', () => {
    expect(decideExit(p('0'), held, 2_000).action).toBe('hold');
    expect(decideExit(p('0.0001'), held, held.enteredAt + held.horizonMs - 1).action).toBe('hold');
  });

  it('exits when the projection turns against the side', () => {
    expect(decideExit(p('-0.00000001'), held, 2_000)).toMatchObject({ action: 'exit', heldBps: '-0.0009' });
    expect(decideExit(p('0.0001'), { ...held, side: 'long-perp' }, 2_000).action).toBe('exit');
  });

  it('exits when the horizon ends, whatever the projection', () => {
    expect(decideExit(p('0.01'), held, held.enteredAt + held.horizonMs)).toMatchObject({
      action: 'exit',
      reason: 'horizon ended',
    });
  });
});

describe('two perpetuals: the spread of their projections', () => {
  // A settles every 8 h (9 in 3 d), B every 4 h (18 in 3 d): each is projected on its own interval.
  const a = (rate: string) => ({ recentRates: [rate], lookback: 1, settlementsInHorizon: 9 });
  const b = (rate: string) => ({ recentRates: [rate], lookback: 1, settlementsInHorizon: 18 });

  it('projects A less B: 0.0003 × 9 × 10 000 − 0.00005 × 18 × 10 000 = 27 − 9 = 18 bps', () => {
    expect(projectSpread(a('0.0003'), b('0.00005'))).toEqual({ aBps: '27', bBps: '9', bps: '18' });
  });

  it('shorts A (long B) when the spread beats the 13 bps cost; stays out at the cost exactly', () => {
    // 27 − 13.995 = 13.005 > 13
    const enter = decideTwoPerpEntry(a('0.0003'), b('0.00007775'), COSTS);
    expect(enter).toMatchObject({ action: 'enter', side: 'short-perp', projectedBps: '13.005', edgeBps: '0.005' });
    // over 10 settlements each: 0.0003 × 10 × 10 000 − 0.00017 × 10 × 10 000 = 30 − 17 = 13: an edge equal
    // to the cost earns nothing
    const ten = (rate: string) => ({ recentRates: [rate], lookback: 1, settlementsInHorizon: 10 });
    expect(decideTwoPerpEntry(ten('0.0003'), ten('0.00017'), COSTS)).toMatchObject({
      action: 'stay-out',
      projectedBps: '13',
    });
  });

  it('longs A (short B) when B pays more: no borrow is needed, so the reverse side is always allowed', () => {
    // 0.0001 × 9 × 10 000 − 0.0002 × 18 × 10 000 = 9 − 36 = −27 bps
    expect(decideTwoPerpEntry(a('0.0001'), b('0.0002'), COSTS)).toMatchObject({
      action: 'enter',
      side: 'long-perp',
      projectedBps: '-27',
    });
  });

  it('holds while the held side earns, exits when the spread turns or the horizon ends', () => {
    const held = { side: 'short-perp' as const, enteredAt: 0, horizonMs: 1000 };
    expect(decideTwoPerpExit(a('0.0003'), b('0.0001'), held, 10)).toEqual({ action: 'hold', heldBps: '9' });
    expect(decideTwoPerpExit(a('0.0001'), b('0.0001'), held, 10)).toMatchObject({ action: 'exit', heldBps: '-9' });
    expect(decideTwoPerpExit(a('0.0003'), b('0.0001'), held, 1000)).toMatchObject({
      action: 'exit',
      reason: 'horizon ended',
    });
  });
});
