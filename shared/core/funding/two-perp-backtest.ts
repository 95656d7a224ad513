// Funding arbitrage between two perpetuals on two exchanges: short the one whose funding is projected
// to pay more, long the other, both legs the same base amount (notional / the first perpetual's open
// at entry), so price moves cancel between them and what is left is the funding spread, fees and
// slippage. Decisions come from decideTwoPerpEntry / decideTwoPerpExit (arbitrage-decision.ts): the
// spread of the two projections, each over its own settlement interval.
//
// Timing, as funding-arb-backtest.ts: each leg's funding settles at its own times; a settlement inside
// candle i is paid on the pair held after i's open, at that leg's open price of i. A decision is taken
// at a settlement (of either leg; once for settlements sharing a time) from the rates of both series
// settled at or before it, and fills at the open of the next candle. A pair open at the end is closed
// at the last closes. Money is exact (Big).
import { Big, type Decimal } from '../domain/money';
import { closeTime } from '../backtest/metrics';
import { BPS, pairFills, summarizeArb, validateArbInputs } from './arb-backtest-parts';
import type { Candles, FundingSeries } from '../backtest/types';
import {
  decideTwoPerpEntry,
  decideTwoPerpExit,
  projectSpread,
  roundTripCostBps,
  type ArbSide,
  type ArbitrageCosts,
  type FundingProjection,
} from './arbitrage-decision';

export interface TwoPerpConfig {
  /** 'always-in': short the first, long the hedge, from the first open to the end (a reference run) */
  mode: 'always-in' | 'decision';
  initialCapital: Big.BigSource;
  /** quote notional of each leg at entry */
  notional: Big.BigSource;
  /** the first perpetual's taker fee, bps */
  perpFeeBps: Big.BigSource;
  /** the hedge perpetual's taker fee, bps */
  hedgeFeeBps: Big.BigSource;
  slippageBps: Big.BigSource;
  exitCostBps: Big.BigSource;
  marginBps: Big.BigSource;
  /** rates of each series averaged by its projection */
  lookback: number;
  horizonMs: number;
  /** the first perpetual's settlement interval */
  fundingIntervalMs: number;
  /** the hedge perpetual's settlement interval (8 h on one exchange, 4 h or 1 h on another) */
  hedgeFundingIntervalMs: number;
}

export interface TwoPerpTrade {
  /** short-perp: short the first perpetual, long the hedge; long-perp: the reverse */
  side: ArbSide;
  entryTime: number;
  exitTime: number;
  amount: Decimal;
  entryPerp: Decimal;
  entryHedge: Decimal;
  exitPerp: Decimal;
  exitHedge: Decimal;
  perpFunding: Decimal;
  hedgeFunding: Decimal;
  /** perpFunding + hedgeFunding */
  funding: Decimal;
  fees: Decimal;
  slippage: Decimal;
  exitCost: Decimal;
  pnl: Decimal;
  perpSettlements: number;
  hedgeSettlements: number;
  exitReason: string;
}

export interface TwoPerpDecisionLog {
  /** the settlement the decision was taken at */
  time: number;
  action: 'enter' | 'stay-out' | 'hold' | 'exit';
  /** each leg's projection over the horizon, bps, and their spread (first − hedge) */
  perpBps: Decimal;
  hedgeBps: Decimal;
  spreadBps: Decimal;
  costBps?: Decimal;
  edgeBps?: Decimal;
  heldBps?: Decimal;
}

export interface TwoPerpReport {
  variant: 'two-perp';
  totalFunding: Decimal;
  perpFunding: Decimal;
  hedgeFunding: Decimal;
  totalFees: Decimal;
  totalSlippage: Decimal;
  totalExitCost: Decimal;
  netPnl: Decimal;
  finalEquity: Decimal;
  returnPct: number;
  timeInMarketMs: number;
  timeInMarketPct: number;
  roundTrips: number;
  /** settlements of both legs paid while a pair was held */
  settlementsHeld: number;
  maxDrawdownPct: number;
  trades: TwoPerpTrade[];
  equity: { time: number[]; value: number[] };
  decisions: TwoPerpDecisionLog[];
}

type Pending = { kind: 'enter'; side: ArbSide } | { kind: 'exit'; reason: string };

interface OpenPair {
  side: ArbSide;
  entryTime: number;
  amount: Big;
  entryPerp: Big;
  entryHedge: Big;
  perpFunding: Big;
  hedgeFunding: Big;
  fees: Big;
  slippage: Big;
  perpSettlements: number;
  hedgeSettlements: number;
}

/** `hedge` candles default to the first perpetual's own: zero basis between the two venues. */
export function runTwoPerpBacktest(
  perp: Candles,
  funding: FundingSeries,
  hedgeFunding: FundingSeries,
  config: TwoPerpConfig,
  hedge: Candles = perp,
): TwoPerpReport {
  validateArbInputs({
    perp,
    other: hedge,
    otherName: 'hedge',
    fundings: [
      ['funding', funding],
      ['hedge funding', hedgeFunding],
    ],
    initialCapital: config.initialCapital,
    notional: config.notional,
    lookback: config.lookback,
    horizonMs: config.horizonMs,
    intervals: [
      ['fundingIntervalMs', config.fundingIntervalMs],
      ['hedgeFundingIntervalMs', config.hedgeFundingIntervalMs],
    ],
  });
  const costs: ArbitrageCosts = {
    perpFeeBps: config.perpFeeBps,
    otherFeeBps: config.hedgeFeeBps,
    slippageBps: config.slippageBps,
    exitCostBps: config.exitCostBps,
    marginBps: config.marginBps,
  };
  roundTripCostBps(costs); // refuses a non-numeric or negative fee by name before any arithmetic
  const perpFee = new Big(config.perpFeeBps).div(BPS);
  const hedgeFee = new Big(config.hedgeFeeBps).div(BPS);
  const slip = new Big(config.slippageBps).div(BPS);
  const exitCostRate = new Big(config.exitCostBps).div(BPS);
  const perpSettlementsInHorizon = Math.floor(config.horizonMs / config.fundingIntervalMs);
  const hedgeSettlementsInHorizon = Math.floor(config.horizonMs / config.hedgeFundingIntervalMs);
  const n = perp.time.length;

  let cash = new Big(config.initialCapital);
  let open: OpenPair | undefined;
  let pending: Pending | undefined = config.mode === 'always-in' ? { kind: 'enter', side: 'short-perp' } : undefined;
  const trades: TwoPerpTrade[] = [];
  const decisions: TwoPerpDecisionLog[] = [];
  const eqTime: number[] = [];
  const eqValue: number[] = [];
  let totals = {
    perpFunding: new Big(0),
    hedgeFunding: new Big(0),
    fees: new Big(0),
    slippage: new Big(0),
    exitCost: new Big(0),
  };
  let timeInMarketMs = 0;
  let settlementsHeld = 0;
  // How many rates of each series have settled so far: those before the first candle count for the
  // projections (they are known) but are not paid (no pair was held).
  let fa = 0;
  let fb = 0;
  while (fa < funding.time.length && funding.time[fa]! < perp.time[0]!) fa++;
  while (fb < hedgeFunding.time.length && hedgeFunding.time[fb]! < perp.time[0]!) fb++;

  // The first perpetual's direction: +1 long, −1 short; the hedge is the opposite.
  const perpDir = (side: ArbSide): number => (side === 'short-perp' ? -1 : 1);

  const enter = (side: ArbSide, i: number): void => {
    const perpMid = new Big(perp.open[i]!);
    const hedgeMid = new Big(hedge.open[i]!);
    const amount = new Big(config.notional).div(perpMid);
    const d = perpDir(side);
    const {
      perpFill,
      otherFill: hedgeFill,
      fees,
      slippage,
    } = pairFills({
      perpMid,
      otherMid: hedgeMid,
      amount,
      perpBuys: d === 1,
      slip,
      perpFee,
      otherFee: hedgeFee,
    });
    // Both legs are margin positions: only fees move cash now, their P&L at the exit.
    cash = cash.minus(fees);
    open = {
      side,
      entryTime: perp.time[i]!,
      amount,
      entryPerp: perpFill,
      entryHedge: hedgeFill,
      perpFunding: new Big(0),
      hedgeFunding: new Big(0),
      fees,
      slippage,
      perpSettlements: 0,
      hedgeSettlements: 0,
    };
  };

  const exit = (perpMid: Big, hedgeMid: Big, time: number, reason: string): void => {
    const p = open!;
    const d = perpDir(p.side);
    const {
      perpFill,
      otherFill: hedgeFill,
      fees,
      slippage,
    } = pairFills({
      perpMid,
      otherMid: hedgeMid,
      amount: p.amount,
      perpBuys: d === -1,
      slip,
      perpFee,
      otherFee: hedgeFee,
    });
    const exitCost = p.amount.times(perpMid).times(exitCostRate);
    const perpPnl = perpFill.minus(p.entryPerp).times(p.amount).times(d);
    const hedgePnl = hedgeFill.minus(p.entryHedge).times(p.amount).times(-d);
    cash = cash.plus(perpPnl).plus(hedgePnl).minus(fees).minus(exitCost);
    const allFees = p.fees.plus(fees);
    const allSlippage = p.slippage.plus(slippage);
    const funding = p.perpFunding.plus(p.hedgeFunding);
    // Fill prices carry the slippage, so the legs' P&L include it; funding was paid into cash as it settled.
    const pnl = perpPnl.plus(hedgePnl).plus(funding).minus(allFees).minus(exitCost);
    trades.push({
      side: p.side,
      entryTime: p.entryTime,
      exitTime: time,
      amount: p.amount.toString(),
      entryPerp: p.entryPerp.toString(),
      entryHedge: p.entryHedge.toString(),
      exitPerp: perpFill.toString(),
      exitHedge: hedgeFill.toString(),
      perpFunding: p.perpFunding.toString(),
      hedgeFunding: p.hedgeFunding.toString(),
      funding: funding.toString(),
      fees: allFees.toString(),
      slippage: allSlippage.toString(),
      exitCost: exitCost.toString(),
      pnl: pnl.toString(),
      perpSettlements: p.perpSettlements,
      hedgeSettlements: p.hedgeSettlements,
      exitReason: reason,
    });
    totals = {
      perpFunding: totals.perpFunding.plus(p.perpFunding),
      hedgeFunding: totals.hedgeFunding.plus(p.hedgeFunding),
      fees: totals.fees.plus(allFees),
      slippage: totals.slippage.plus(allSlippage),
      exitCost: totals.exitCost.plus(exitCost),
    };
    timeInMarketMs += time - p.entryTime;
    open = undefined;
  };

  const projection = (series: FundingSeries, settled: number, inHorizon: number): FundingProjection => ({
    recentRates: Array.from(series.rate.subarray(settled - config.lookback, settled), (r) => new Big(r)),
    lookback: config.lookback,
    settlementsInHorizon: inHorizon,
  });

  /** At `time`, with `fa` and `fb` rates of each series settled: only those enter the projections. */
  const decide = (time: number): void => {
    if (config.mode !== 'decision' || pending !== undefined) return;
    if (fa < config.lookback || fb < config.lookback) return;
    const a = projection(funding, fa, perpSettlementsInHorizon);
    const b = projection(hedgeFunding, fb, hedgeSettlementsInHorizon);
    const spread = projectSpread(a, b);
    const figures = { time, perpBps: spread.aBps, hedgeBps: spread.bBps, spreadBps: spread.bps };
    if (open === undefined) {
      const d = decideTwoPerpEntry(a, b, costs);
      decisions.push({ ...figures, action: d.action, costBps: d.costBps, edgeBps: d.edgeBps });
      if (d.action === 'enter') pending = { kind: 'enter', side: d.side };
    } else {
      const d = decideTwoPerpExit(
        a,
        b,
        { side: open.side, enteredAt: open.entryTime, horizonMs: config.horizonMs },
        time,
      );
      decisions.push({ ...figures, action: d.action, heldBps: d.heldBps });
      if (d.action === 'exit') pending = { kind: 'exit', reason: d.reason };
    }
  };

  /** One leg's settlement: shorts receive a positive rate, payment = −direction × amount × price × rate. */
  const settle = (leg: 'perp' | 'hedge', rate: number, price: number): void => {
    if (open === undefined) return;
    const d = leg === 'perp' ? perpDir(open.side) : -perpDir(open.side);
    const payment = open.amount.times(price).times(rate).times(-d);
    if (leg === 'perp') {
      open.perpFunding = open.perpFunding.plus(payment);
      open.perpSettlements++;
    } else {
      open.hedgeFunding = open.hedgeFunding.plus(payment);
      open.hedgeSettlements++;
    }
    settlementsHeld++;
    cash = cash.plus(payment);
  };

  for (let i = 0; i < n; i++) {
    // Set inside decide(), a closure: read through a typed local so the checker does not narrow it away.
    const next = pending as Pending | undefined;
    if (next?.kind === 'enter' && open === undefined) enter(next.side, i);
    else if (next?.kind === 'exit' && open !== undefined)
      exit(new Big(perp.open[i]!), new Big(hedge.open[i]!), perp.time[i]!, next.reason);
    pending = undefined;

    const end = closeTime(perp.time, i);
    for (;;) {
      const ta = fa < funding.time.length && funding.time[fa]! < end ? funding.time[fa]! : Infinity;
      const tb = fb < hedgeFunding.time.length && hedgeFunding.time[fb]! < end ? hedgeFunding.time[fb]! : Infinity;
      const t = Math.min(ta, tb);
      if (t === Infinity) break;
      // Both legs' settlements at this very time are paid before the one decision taken at it.
      if (ta === t) settle('perp', funding.rate[fa++]!, perp.open[i]!);
      if (tb === t) settle('hedge', hedgeFunding.rate[fb++]!, hedge.open[i]!);
      decide(t);
    }

    eqTime.push(perp.time[i]!);
    eqValue.push(Number(equityAt(i).toString()));
  }
  if (open !== undefined) {
    exit(new Big(perp.close[n - 1]!), new Big(hedge.close[n - 1]!), closeTime(perp.time, n - 1), 'end of data');
    eqValue[n - 1] = Number(cash.toString());
  }

  function equityAt(i: number): Big {
    if (open === undefined) return cash;
    const d = perpDir(open.side);
    const perpUnrealised = new Big(perp.close[i]!).minus(open.entryPerp).times(open.amount).times(d);
    const hedgeUnrealised = new Big(hedge.close[i]!).minus(open.entryHedge).times(open.amount).times(-d);
    return cash.plus(perpUnrealised).plus(hedgeUnrealised);
  }

  const equity = { time: eqTime, value: eqValue };
  const summary = summarizeArb({ perp, initialCapital: config.initialCapital, cash, timeInMarketMs, equity });
  return {
    variant: 'two-perp',
    totalFunding: totals.perpFunding.plus(totals.hedgeFunding).toString(),
    perpFunding: totals.perpFunding.toString(),
    hedgeFunding: totals.hedgeFunding.toString(),
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
