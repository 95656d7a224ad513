// When a funding-arbitrage pair (perpetual against spot, or two perpetuals) is worth opening, and
// when it is worth keeping. The projection is deliberately simple and stated: the mean of the last
// `lookback` settled rates, times the settlements that fall in the horizon. Everything is in basis
// points of one leg's notional, exact (Big), so the boundary "edge just above the cost" is decided
// by arithmetic a reader can redo, never by a float's last bit.
import { InvalidArgumentError } from '../errors';
import { Big, type Decimal } from '../domain/money';

/** The perpetual leg's side. Positive funding: shorts receive it, so short the perp and hold the spot. */
export type ArbSide = 'short-perp' | 'long-perp';

export interface ArbitrageCosts {
  /** taker fee of the perpetual leg, bps, paid on entry and again on exit */
  perpFeeBps: Big.BigSource;
  /** taker fee of the other leg (spot, or the second perpetual), bps, paid on entry and on exit */
  otherFeeBps: Big.BigSource;
  /** expected slippage per fill, bps: four fills (two legs, in and out) */
  slippageBps: Big.BigSource;
  /** anything else the exit costs beyond its fees and slippage (spread, a transfer), bps */
  exitCostBps: Big.BigSource;
  /** what the projected funding must beat the costs by, bps */
  marginBps: Big.BigSource;
}

export interface FundingProjection {
  /** settled rates, oldest first, each a fraction (0.0001 = 1 bp) for one settlement */
  recentRates: readonly Big.BigSource[];
  /** how many of the latest rates are averaged */
  lookback: number;
  /** settlements expected in the horizon: floor(horizon / funding interval) */
  settlementsInHorizon: number;
}

export interface ProjectedFunding {
  /** mean of the last `lookback` rates, fraction per settlement */
  meanRate: Decimal;
  /** meanRate × settlementsInHorizon × 10 000: funding over the horizon, bps of notional, signed */
  bps: Decimal;
}

export type EntryDecision =
  | { action: 'enter'; side: ArbSide; projectedBps: Decimal; costBps: Decimal; edgeBps: Decimal }
  | { action: 'stay-out'; reason: string; projectedBps: Decimal; costBps: Decimal; edgeBps: Decimal };

export type ExitDecision = { action: 'hold'; heldBps: Decimal } | { action: 'exit'; reason: string; heldBps: Decimal };

const BPS = 10_000;

function nonNegative(field: string, value: Big.BigSource): Big {
  let v: Big;
  try {
    v = new Big(value);
  } catch {
    throw new InvalidArgumentError(`${field} must be a decimal number of bps, got ${String(value)}`);
  }
  if (v.lt(0)) throw new InvalidArgumentError(`${field} must be ≥ 0 bps, got ${v.toString()}`);
  return v;
}

/** The mean of the last `lookback` rates × settlements in the horizon, in bps. */
export function projectFunding(p: FundingProjection): ProjectedFunding {
  if (!Number.isInteger(p.lookback) || p.lookback < 1) {
    throw new InvalidArgumentError(`lookback must be an integer ≥ 1, got ${p.lookback}`);
  }
  if (!Number.isInteger(p.settlementsInHorizon) || p.settlementsInHorizon < 1) {
    throw new InvalidArgumentError(`settlementsInHorizon must be an integer ≥ 1, got ${p.settlementsInHorizon}`);
  }
  if (p.recentRates.length < p.lookback) {
    throw new InvalidArgumentError(
      `recentRates must hold at least lookback (${p.lookback}) rates, got ${p.recentRates.length}`,
    );
  }
  const last = p.recentRates.slice(p.recentRates.length - p.lookback);
  const sum = last.reduce<Big>((total, r) => total.plus(r), new Big(0));
  // Divide last: the sum × settlements × 10 000 is exact, so a mean such as 0.00033046 / 3 does not
  // leave a truncated 9.91379999… bps where the arithmetic says 9.9138.
  return {
    meanRate: sum.div(p.lookback).toString(),
    bps: sum.times(p.settlementsInHorizon).times(BPS).div(p.lookback).toString(),
  };
}

/**
 * Round-trip cost in bps of one leg's notional: each leg pays its taker fee in and out
 * (2 × (perp + other)), four fills slip (4 × slippage), plus the exit's extra cost.
 */
export function roundTripCostBps(c: ArbitrageCosts): Big {
  const perp = nonNegative('perpFeeBps', c.perpFeeBps);
  const other = nonNegative('otherFeeBps', c.otherFeeBps);
  const slip = nonNegative('slippageBps', c.slippageBps);
  const exit = nonNegative('exitCostBps', c.exitCostBps);
  return perp.plus(other).times(2).plus(slip.times(4)).plus(exit);
}

/**
 * Enter only when |projected funding| > round-trip cost + margin (strictly: an edge equal to the
 * cost earns nothing). Positive funding → short the perp; negative → long the perp, only when
 * `allowLongPerp` (against spot that leg is a short spot sale, which needs a borrow).
 */
export function decideEntry(p: FundingProjection, costs: ArbitrageCosts, allowLongPerp = false): EntryDecision {
  return decideOnProjected(new Big(projectFunding(p).bps), costs, allowLongPerp);
}

/** The entry rule on a projection already made (one perpetual's funding, or two perpetuals' spread). */
function decideOnProjected(projected: Big, costs: ArbitrageCosts, allowLongPerp: boolean): EntryDecision {
  const margin = nonNegative('marginBps', costs.marginBps);
  const cost = roundTripCostBps(costs);
  const edge = projected.abs().minus(cost);
  const figures = { projectedBps: projected.toString(), costBps: cost.toString(), edgeBps: edge.toString() };
  if (projected.eq(0)) return { action: 'stay-out', reason: 'no projected funding', ...figures };
  const side: ArbSide = projected.gt(0) ? 'short-perp' : 'long-perp';
  if (side === 'long-perp' && !allowLongPerp) {
    return { action: 'stay-out', reason: 'negative funding and long-perp entries are not allowed', ...figures };
  }
  if (!edge.gt(margin)) {
    return {
      action: 'stay-out',
      reason: `projected funding ${figures.projectedBps} bps does not beat the cost ${figures.costBps} bps + margin ${margin.toString()} bps`,
      ...figures,
    };
  }
  return { action: 'enter', side, ...figures };
}

/**
 * Keep a held pair while the funding projected for its side stays ≥ 0 and the horizon lasts. The
 * entry cost is spent and the exit cost is owed either way, so only the sign of what holding earns
 * decides; the horizon bounds how long a projection made at entry is trusted.
 */
export function decideExit(
  p: FundingProjection,
  held: { side: ArbSide; enteredAt: number; horizonMs: number },
  now: number,
): ExitDecision {
  const projected = new Big(projectFunding(p).bps);
  const heldBps = (held.side === 'short-perp' ? projected : projected.neg()).toString();
  if (now >= held.enteredAt + held.horizonMs) return { action: 'exit', reason: 'horizon ended', heldBps };
  if (new Big(heldBps).lt(0))
    return { action: 'exit', reason: 'projected funding turned against the position', heldBps };
  return { action: 'hold', heldBps };
}

/**
 * Two perpetuals on two exchanges: what holding "short the first, long the second" earns over the
 * horizon is the first's projected funding less the second's, each projected over its own
 * settlement interval. Shorting either perpetual needs no borrow, so both sides are allowed; the
 * decision's `short-perp` means short the first (`a`) and long the second, `long-perp` the reverse.
 * Costs as for one pair: `perpFeeBps` is the first's taker fee, `otherFeeBps` the second's.
 */
export function projectSpread(
  a: FundingProjection,
  b: FundingProjection,
): { aBps: Decimal; bBps: Decimal; bps: Decimal } {
  const aBps = projectFunding(a).bps;
  const bBps = projectFunding(b).bps;
  return { aBps, bBps, bps: new Big(aBps).minus(bBps).toString() };
}

export function decideTwoPerpEntry(a: FundingProjection, b: FundingProjection, costs: ArbitrageCosts): EntryDecision {
  return decideOnProjected(new Big(projectSpread(a, b).bps), costs, true);
}

/** `decideExit` for two perpetuals: the held side's share of the spread must stay ≥ 0. */
export function decideTwoPerpExit(
  a: FundingProjection,
  b: FundingProjection,
  held: { side: ArbSide; enteredAt: number; horizonMs: number },
  now: number,
): ExitDecision {
  const spread = new Big(projectSpread(a, b).bps);
  const heldBps = (held.side === 'short-perp' ? spread : spread.neg()).toString();
  if (now >= held.enteredAt + held.horizonMs) return { action: 'exit', reason: 'horizon ended', heldBps };
  if (new Big(heldBps).lt(0))
    return { action: 'exit', reason: 'projected funding spread turned against the pair', heldBps };
  return { action: 'hold', heldBps };
}
