// kellyEstimate: hand-computed W, R, f*, shrinkage and cap on a short sequence; EMA weighting;
// the trades it ignores.
import type { KellyConfig } from '../../../../shared/core/risk/config';
import { kellyEstimate } from '../../../../shared/core/risk/kelly';
import type { TradeRecord } from '../../../../shared/core/domain/trade';
import { tradeReturning } from './fixtures';

/** A closed trade returning `r` on its notional entryPrice × maxQuantity (100 × 2 by default), closed on day `day`. */
const trade = (r: number, day: number, overrides: Partial<TradeRecord> = {}): TradeRecord =>
  tradeReturning(r, day, { maxQuantity: '2', ...overrides });

// α = 2 / (3 + 1) = 0.5: each older trade weighs half the next one.
const CONFIG: KellyConfig = { fraction: 0.25, emaSpan: 3, priorTrades: 4, maxRiskPct: 10 };

// Oldest first: −1 %, +2 %, −1 %, +3 %.  Weights (newest first) 1, 0.5, 0.25, 0.125.
//   Σw = 1.875; wins: 1 (+3 %) + 0.25 (+2 %) = 1.25 → W = 2/3
//   mean win  = (0.03 + 0.25 × 0.02) / 1.25 = 0.028
//   mean loss = (0.5 × 0.01 + 0.125 × 0.01) / 0.625 = 0.01 → R = 2.8
//   f* = 2/3 − (1/3) / 2.8 = 23/42; shrink = 4 / (4 + 4) = 0.5
//   riskPct = 23/42 × 0.25 × 0.5 × 100 = 287.5/42 ≈ 6.8452
const SEQUENCE = [
  trade(-0.01, 1),
  trade(0.02, 2, { entryPrice: '50000', maxQuantity: '0.01' }),
  trade(-0.01, 3, { maxQuantity: '7' }),
  trade(0.03, 4),
];

describe('kellyEstimate', () => {
  it('computes W, R, f*, shrinkage and riskPct by the formula on a 4-trade sequence', () => {
    const e = kellyEstimate(SEQUENCE, CONFIG);
    expect(e.n).toBe(4);
    expect(e.winRate).toBeCloseTo(2 / 3, 12);
    expect(e.payoff).toBeCloseTo(2.8, 12);
    expect(e.rawKelly).toBeCloseTo(23 / 42, 12);
    expect(e.shrink).toBe(0.5);
    expect(e.riskPct).toBeCloseTo(287.5 / 42, 10);
    expect(e.avgLossPct).toBeCloseTo(1, 12);
  });

  it('orders by closedAt whatever the input order, and ignores open and zero-notional trades', () => {
    const shuffled = [SEQUENCE[3]!, SEQUENCE[0]!, SEQUENCE[2]!, SEQUENCE[1]!];
    const noise = [
      trade(0.5, 5, { status: 'open', closedAt: undefined }),
      trade(0, 6, { maxQuantity: '0', realizedPnl: '12' }),
    ];
    expect(kellyEstimate([...noise, ...shuffled], CONFIG)).toEqual(kellyEstimate(SEQUENCE, CONFIG));
  });

  it('weighs recent trades more: old losses then recent wins beat the reverse', () => {
    const rs = [-0.01, -0.01, -0.01, 0.02, 0.02, 0.02];
    const improving = rs.map((r, i) => trade(r, i));
    const decaying = [...rs].reverse().map((r, i) => trade(r, i));
    const config = { ...CONFIG, emaSpan: 5 };
    const up = kellyEstimate(improving, config);
    const down = kellyEstimate(decaying, config);
    expect(up.winRate).toBeGreaterThan(0.5);
    expect(down.winRate).toBeLessThan(0.5);
    expect(up.riskPct).toBeGreaterThan(down.riskPct);
  });

  it('has no edge (riskPct 0) when wins do not pay for losses, and without any win', () => {
    // W = 0.5 with equal weights (huge span), R = 1 → f* = 0.
    const flat = [trade(0.01, 1), trade(-0.01, 2), trade(0.01, 3), trade(-0.01, 4)];
    const even = kellyEstimate(flat, { ...CONFIG, emaSpan: Number.POSITIVE_INFINITY });
    expect(even.winRate).toBeCloseTo(0.5, 12);
    expect(even.rawKelly).toBeCloseTo(0, 12);
    expect(even.riskPct).toBe(0);

    const losing = kellyEstimate([trade(0.01, 1), trade(-0.03, 2), trade(-0.03, 3)], CONFIG);
    expect(losing.rawKelly).toBeLessThan(0);
    expect(losing.riskPct).toBe(0);

    const noWins = kellyEstimate([trade(-0.01, 1), trade(-0.02, 2)], CONFIG);
    expect(noWins).toMatchObject({ winRate: 0, payoff: 0, rawKelly: 0, riskPct: 0 });
    expect(noWins.avgLossPct).toBeGreaterThan(0);
  });

  it('treats wins only as f* = 1 before the caps, with no loss to measure a distance by', () => {
    const e = kellyEstimate([trade(0.01, 1), trade(0.02, 2)], { ...CONFIG, maxRiskPct: 100 });
    expect(e.rawKelly).toBe(1);
    expect(e.payoff).toBe(0);
    expect(e.avgLossPct).toBe(0);
    // 1 × 0.25 × 2 / (2 + 4) × 100
    expect(e.riskPct).toBeCloseTo(25 / 3, 12);
  });

  it('caps riskPct at maxRiskPct', () => {
    expect(kellyEstimate(SEQUENCE, { ...CONFIG, maxRiskPct: 2 }).riskPct).toBe(2);
  });

  it('shrinks toward zero with few trades: n / (n + priorTrades)', () => {
    expect(kellyEstimate(SEQUENCE, { ...CONFIG, priorTrades: 0 }).shrink).toBe(1);
    expect(kellyEstimate(SEQUENCE, { ...CONFIG, priorTrades: 12 }).shrink).toBe(0.25);
    expect(kellyEstimate(SEQUENCE, { ...CONFIG, priorTrades: 12 }).riskPct).toBeCloseTo(
      (23 / 42) * 0.25 * 0.25 * 100,
      10,
    );
  });

  it('returns zeros for an empty history', () => {
    expect(kellyEstimate([], CONFIG)).toEqual({
      n: 0,
      winRate: 0,
      payoff: 0,
      rawKelly: 0,
      shrink: 0,
      riskPct: 0,
      avgLossPct: 0,
    });
  });

  it('counts a breakeven trade (float residue included) against the win rate but not in the payoff', () => {
    const equalWeights = { ...CONFIG, emaSpan: Number.POSITIVE_INFINITY };
    const e = kellyEstimate([trade(0.02, 1), trade(-0.01, 2), trade(0, 3)], equalWeights);
    expect(e.winRate).toBeCloseTo(1 / 3, 12);
    expect(e.payoff).toBeCloseTo(2, 12);
    // 1e-15 of notional left by fee arithmetic is no win: the same estimate as an exact 0
    expect(kellyEstimate([trade(0.02, 1), trade(-0.01, 2), trade(1e-15, 3)], equalWeights)).toEqual(e);
  });

  it('keeps every number finite on absurd records', () => {
    const absurd = [
      trade(0.3, 1),
      trade(0, 2, { realizedPnl: String(-5e-324) }),
      trade(0, 3, { realizedPnl: String(1e308), maxQuantity: '1e-300' }),
    ];
    for (const value of Object.values(kellyEstimate(absurd, CONFIG))) expect(Number.isFinite(value)).toBe(true);
  });
});
