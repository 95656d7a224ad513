// Funding arbitrage on one exchange, perpetual against spot, over candles and the perpetual's
// funding series. One pair at a time, both legs the same base amount (notional / the open price at
// entry), so price moves cancel between the legs and what is left is funding, fees and slippage.
// Money is exact (Big); the drawdown statistic reuses backtest/metrics.ts on the equity curve.
//
// Timing, so that nothing is decided with a rate not yet known: a decision is taken at a funding
// settlement, from the rates settled so far, and fills at the open of the next candle. Funding of a
// settlement inside candle i is paid on the position held after i's open, at i's open price (the
// convention of backtest/simulation.ts). A pair still open at the end is closed at the last close.
import { Big, type Decimal } from '../domain/money';
import { closeTime } from '../backtest/metrics';
import { BPS, pairFills, summarizeArb, validateArbInputs } from './arb-backtest-parts';
import type { Candles, FundingSeries } from '../backtest/types';
import { decideEntry, decideExit, roundTripCostBps, type ArbSide, type ArbitrageCosts } from './arbitrage-decision';

export interface FundingArbConfig {
  /** 'always-in': one pair from the first open to the end (a reference run); 'decision': decideEntry/decideExit */
  mode: 'always-in' | 'decision';
  initialCapital: Big.BigSource;
  /** quote notional of each leg at entry */
  notional: Big.BigSource;
  perpFeeBps: Big.BigSource;
  /** the spot leg's taker fee */
  spotFeeBps: Big.BigSource;
  slippageBps: Big.BigSource;
  exitCostBps: Big.BigSource;
  marginBps: Big.BigSource;
  /** rates averaged by the projection */
  lookback: number;
  horizonMs: number;
  fundingIntervalMs: number;
  allowLongPerp?: boolean;
}

export const FUNDING_ARB_DEFAULTS = {
  initialCapital: '10000',
  notional: '5000',
  perpFeeBps: '5',
  spotFeeBps: '10',
  slippageBps: '2',
  exitCostBps: '0',
  marginBps: '0',
  lookback: 3,
  horizonMs: 3 * 86_400_000,
  fundingIntervalMs: 8 * 3_600_000,
} as const;

export interface FundingArbTrade {
  side: ArbSide;
  entryTime: number;
  exitTime: number;
  amount: Decimal;
  entryPerp: Decimal;
  entrySpot: Decimal;
  exitPerp: Decimal;
  exitSpot: Decimal;
  funding: Decimal;
  fees: Decimal;
  slippage: Decimal;
  exitCost: Decimal;
  pnl: Decimal;
  settlements: number;
  exitReason: string;
}

export interface FundingArbDecisionLog {
  /** the settlement the decision was taken at */
  time: number;
  action: 'enter' | 'stay-out' | 'hold' | 'exit';
  projectedBps?: Decimal;
  costBps?: Decimal;
  edgeBps?: Decimal;
  heldBps?: Decimal;
}

export interface FundingArbReport {
  /** perpetual against spot (two-perp-backtest.ts reports 'two-perp') */
  variant: 'perp-spot';
  totalFunding: Decimal;
  totalFees: Decimal;
  /** cost of slippage against the open/close price, both legs, in and out */
  totalSlippage: Decimal;
  totalExitCost: Decimal;
  netPnl: Decimal;
  finalEquity: Decimal;
  returnPct: number;
  timeInMarketMs: number;
  timeInMarketPct: number;
  roundTrips: number;
  settlementsHeld: number;
  maxDrawdownPct: number;
  trades: FundingArbTrade[];
  /** equity at each candle close (the last after the closing fills) */
  equity: { time: number[]; value: number[] };
  decisions: FundingArbDecisionLog[];
}

type Pending = { kind: 'enter'; side: ArbSide } | { kind: 'exit'; reason: string };

interface OpenPair {
  side: ArbSide;
  entryTime: number;
  amount: Big;
  entryPerp: Big;
  entrySpot: Big;
  funding: Big;
  fees: Big;
  slippage: Big;
  settlements: number;
}

/** `spot` defaults to the perpetual's own candles: zero basis, the shipped data hold no spot series. */
export function runFundingArbBacktest(
  perp: Candles,
  funding: FundingSeries,
  config: FundingArbConfig,
  spot: Candles = perp,
): FundingArbReport {
  validateArbInputs({
    perp,
    other: spot,
    otherName: 'spot',
    fundings: [['funding', funding]],
    initialCapital: config.initialCapital,
    notional: config.notional,
    lookback: config.lookback,
    horizonMs: config.horizonMs,
    intervals: [['fundingIntervalMs', config.fundingIntervalMs]],
  });
  const costs: ArbitrageCosts = {
    perpFeeBps: config.perpFeeBps,
    otherFeeBps: config.spotFeeBps,
    slippageBps: config.slippageBps,
    exitCostBps: config.exitCostBps,
    marginBps: config.marginBps,
  };
  roundTripCostBps(costs); // refuses a missing, non-numeric or negative fee by name before any arithmetic
  const perpFee = new Big(config.perpFeeBps).div(BPS);
  const spotFee = new Big(config.spotFeeBps).div(BPS);
  const slip = new Big(config.slippageBps).div(BPS);
  const exitCostRate = new Big(config.exitCostBps).div(BPS);
  const settlementsInHorizon = Math.floor(config.horizonMs / config.fundingIntervalMs);
  const n = perp.time.length;

  let cash = new Big(config.initialCapital);
  let open: OpenPair | undefined;
  let pending: Pending | undefined = config.mode === 'always-in' ? { kind: 'enter', side: 'short-perp' } : undefined;
  const trades: FundingArbTrade[] = [];
  const decisions: FundingArbDecisionLog[] = [];
  const eqTime: number[] = [];
  const eqValue: number[] = [];
  let totals = { funding: new Big(0), fees: new Big(0), slippage: new Big(0), exitCost: new Big(0) };
  let timeInMarketMs = 0;
  let settlementsHeld = 0;
  let f = 0;
  while (f < funding.time.length && funding.time[f]! < perp.time[0]!) f++;

  // The perp leg's direction: +1 long, −1 short; the spot leg is the opposite.
  const perpDir = (side: ArbSide): number => (side === 'short-perp' ? -1 : 1);

  const enter = (side: ArbSide, i: number): void => {
    const perpMid = new Big(perp.open[i]!);
    const spotMid = new Big(spot.open[i]!);
    const amount = new Big(config.notional).div(perpMid);
    const d = perpDir(side);
    const {
      perpFill,
      otherFill: spotFill,
      fees,
      slippage,
    } = pairFills({
      perpMid,
      otherMid: spotMid,
      amount,
      perpBuys: d === 1,
      slip,
      perpFee,
      otherFee: spotFee,
    });
    // Spot bought (d = −1) costs cash; spot sold short (d = +1) adds it. The perp is margin: only its P&L moves cash.
    cash = cash.plus(amount.times(spotFill).times(d)).minus(fees);
    open = {
      side,
      entryTime: perp.time[i]!,
      amount,
      entryPerp: perpFill,
      entrySpot: spotFill,
      funding: new Big(0),
      fees,
      slippage,
      settlements: 0,
    };
  };

  const exit = (perpMid: Big, spotMid: Big, time: number, reason: string): void => {
    const p = open!;
    const d = perpDir(p.side);
    const {
      perpFill,
      otherFill: spotFill,
      fees,
      slippage,
    } = pairFills({
      perpMid,
      otherMid: spotMid,
      amount: p.amount,
      perpBuys: d === -1,
      slip,
      perpFee,
      otherFee: spotFee,
    });
    const exitCost = p.amount.times(perpMid).times(exitCostRate);
    const perpPnl = perpFill.minus(p.entryPerp).times(p.amount).times(d);
    const spotPnl = spotFill.minus(p.entrySpot).times(p.amount).times(-d);
    cash = cash.minus(p.amount.times(spotFill).times(d)).plus(perpPnl).minus(fees).minus(exitCost);
    const allFees = p.fees.plus(fees);
    const allSlippage = p.slippage.plus(slippage);
    // Fill prices already carry the slippage, so the legs' P&L include it; funding was paid into cash as it settled.
    const pnl = perpPnl.plus(spotPnl).plus(p.funding).minus(allFees).minus(exitCost);
    trades.push({
      side: p.side,
      entryTime: p.entryTime,
      exitTime: time,
      amount: p.amount.toString(),
      entryPerp: p.entryPerp.toString(),
      entrySpot: p.entrySpot.toString(),
      exitPerp: perpFill.toString(),
      exitSpot: spotFill.toString(),
      funding: p.funding.toString(),
      fees: allFees.toString(),
      slippage: allSlippage.toString(),
      exitCost: exitCost.toString(),
      pnl: pnl.toString(),
      settlements: p.settlements,
      exitReason: reason,
    });
    totals = {
      funding: totals.funding.plus(p.funding),
      fees: totals.fees.plus(allFees),
      slippage: totals.slippage.plus(allSlippage),
      exitCost: totals.exitCost.plus(exitCost),
    };
    timeInMarketMs += time - p.entryTime;
    open = undefined;
  };

  const decide = (j: number): void => {
    if (config.mode !== 'decision' || pending !== undefined || j + 1 < config.lookback) return;
    const projection = {
      recentRates: Array.from(funding.rate.subarray(j + 1 - config.lookback, j + 1), (r) => new Big(r)),
      lookback: config.lookback,
      settlementsInHorizon,
    };
    const time = funding.time[j]!;
    if (open === undefined) {
      const d = decideEntry(projection, costs, config.allowLongPerp ?? false);
      decisions.push({ time, action: d.action, projectedBps: d.projectedBps, costBps: d.costBps, edgeBps: d.edgeBps });
      if (d.action === 'enter') pending = { kind: 'enter', side: d.side };
    } else {
      const d = decideExit(
        projection,
        { side: open.side, enteredAt: open.entryTime, horizonMs: config.horizonMs },
        time,
      );
      decisions.push({ time, action: d.action, heldBps: d.heldBps });
      if (d.action === 'exit') pending = { kind: 'exit', reason: d.reason };
    }
  };

  for (let i = 0; i < n; i++) {
    // Set inside decide(), a closure: read through a typed local so the checker does not narrow it away.
    const next = pending as Pending | undefined;
    if (next?.kind === 'enter' && open === undefined) enter(next.side, i);
    else if (next?.kind === 'exit' && open !== undefined)
      exit(new Big(perp.open[i]!), new Big(spot.open[i]!), perp.time[i]!, next.reason);
    pending = undefined;

    const end = closeTime(perp.time, i);
    while (f < funding.time.length && funding.time[f]! < end) {
      if (open !== undefined) {
        // Shorts receive a positive rate: payment = −direction × amount × price × rate.
        const payment = open.amount.times(perp.open[i]!).times(funding.rate[f]!).times(-perpDir(open.side));
        open.funding = open.funding.plus(payment);
        open.settlements++;
        settlementsHeld++;
        cash = cash.plus(payment);
      }
      decide(f);
      f++;
    }

    eqTime.push(perp.time[i]!);
    eqValue.push(Number(equityAt(i).toString()));
  }
  if (open !== undefined) {
    exit(new Big(perp.close[n - 1]!), new Big(spot.close[n - 1]!), closeTime(perp.time, n - 1), 'end of data');
    eqValue[n - 1] = Number(cash.toString());
  }

  function equityAt(i: number): Big {
    if (open === undefined) return cash;
    const d = perpDir(open.side);
    const perpUnrealised = new Big(perp.close[i]!).minus(open.entryPerp).times(open.amount).times(d);
    return cash.plus(open.amount.times(spot.close[i]!).times(-d)).plus(perpUnrealised);
  }

  const equity = { time: eqTime, value: eqValue };
  const summary = summarizeArb({ perp, initialCapital: config.initialCapital, cash, timeInMarketMs, equity });
  return {
    variant: 'perp-spot',
    totalFunding: totals.funding.toString(),
    totalFees: totals.fees.toString(),
    totalSlippage: totals.slippage.toString(),
    totalExitCost: totals.exitCost.toString(),
    netPnl: summary.netPnl,
    finalEquity: summary.finalEquity,
    returnPct: summary.returnPct,
    timeInMarketMs,
    timeInMarketPct: summary.timeInMarketPct,
    roundTrips: trades.length,
    settlementsHeld,
    maxDrawdownPct: summary.maxDrawdownPct,
    trades,
    equity,
    decisions,
  };
}
