// The entry rule at its boundary, with the arithmetic written out: projected funding (mean of the
// last N rates × settlements × 10 000 bps) against the round trip 2 × (perp fee + other fee)
// + 4 × slippage + exit cost, plus the margin.
import {
  decideEntry,
  decideExit,
  projectFunding,
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
