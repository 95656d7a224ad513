// Shapes the backtest engine, optimiser, reports and CLI agree on.
import type { AlgoKind, AlgoSpec } from '../signal/algo';
import type { StrategyParams } from '../strategies/types';

/** Column-oriented candles: fast to scan, cheap to share with worker threads. */
export interface Candles {
  /** open time, epoch ms UTC, strictly increasing */
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Funding rate series for a perpetual: rate applied at each time (epoch ms UTC). */
export interface FundingSeries {
  time: Float64Array;
  rate: Float64Array;
}

export type SizingMode =
  | { kind: 'percent'; value: number } // percent of equity committed as margin
  | { kind: 'quote'; value: number } // fixed margin in the quote currency
  | { kind: 'contracts'; value: number } // fixed base-asset units
  | { kind: 'risk'; value: number }; // percent of equity lost if the stop is hit (needs an SL)

export interface BacktestConfig {
  cash: number;
  /** fractions, e.g. 0.0004 = 4 bps */
  takerFee: number;
  makerFee: number;
  /** fixed slippage in basis points against the trader */
  slippageBps: number;
  /** optional extra slippage in bps per 1% of the candle's volume taken */
  volumeSlippageBpsPerPct?: number;
  fillOn: 'next_open' | 'close';
  size: SizingMode;
  leverage: number;
  /** lot step in base units (1 = whole units) */
  lotStep: number;
  /** price tick */
  priceStep?: number;
  /** maintenance margin rate for liquidation (e.g. 0.004) */
  maintenanceMarginRate: number;
  longOnly: boolean;
  funding?: FundingSeries;
  /** trailing stop distance in percent, when the strategy or the user asks for one */
  trailingPct?: number;
  /** minimum order notional in the quote currency (0 when absent), as a market's limit */
  minNotional?: number;
  /**
   * Slice every entry over time (TWAP / adaptive), as an account's threshold or a signal's `algo`
   * asks live; a signal's own `algo` wins. docs/EXECUTION-ALGOS.md "Backtest".
   */
  algo?: AlgoSpec;
  /**
   * With `algo`: only entries whose notional (amount × fill price, as sized) exceeds this are
   * sliced by it, as an account's threshold; a signal's own algo slices regardless.
   */
  sliceAboveQuote?: number;
  /** adaptive slices: the largest share of a candle's volume one slice may take, percent (default 10) */
  participationPct?: number;
}

export type ExitReason =
  'signal' | 'reverse' | 'stop_loss' | 'take_profit' | 'trailing_stop' | 'liquidation' | 'end_of_data';

export interface BacktestTrade {
  side: 'long' | 'short';
  entryTime: number;
  entryPrice: number;
  exitTime: number;
  exitPrice: number;
  /** base units */
  quantity: number;
  fees: number;
  funding: number;
  /** net of fees and funding, quote currency */
  pnl: number;
  /** pnl over the margin committed, percent */
  returnPct: number;
  exitReason: ExitReason;
  barsHeld: number;
  /** a sliced entry: how its slices filled (entryPrice is their amount-weighted mean) */
  slices?: TradeSlices;
}

/**
 * How a sliced entry filled. completed: the whole sized amount filled; cancelled: the position was
 * closed (signal, stop, target, liquidation, end of data) with slices left, which never fill;
 * capped: every slice ran but the adaptive volume cap or the free margin left some unfilled.
 */
export type SliceOutcome = 'completed' | 'cancelled' | 'capped';

export interface TradeSlices {
  kind: AlgoKind;
  /** slices that filled (slices due in the same candle fill together and count each) */
  filled: number;
  /** slices the spec makes: sliceCount(spec) */
  total: number;
  outcome: SliceOutcome;
  /** the amount the entry was sized at, as unsliced; the trade's quantity is what filled */
  sizedQuantity: number;
  /** the benchmark: one unsliced fill of sizedQuantity at the first slice's open (slippage included) */
  unslicedPrice: number;
}

/** The run's sliced entries beside unsliced fills at their first open. */
export interface SlicingSummary {
  /** trades whose entry was sliced */
  sliced: number;
  completed: number;
  cancelled: number;
  capped: number;
  /**
   * mean over sliced entries of (average entry − unsliced fill) / unsliced fill, in bps against
   * the trader (positive: slicing cost more than one order at the first open would have)
   */
  avgCostBps: number;
}

export interface Metrics {
  trades: number;
  finalEquity: number;
  returnPct: number;
  cagrPct: number;
  annualReturnPct: number;
  annualVolatilityPct: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  maxDrawdownPct: number;
  /** longest time from a peak to its recovery (or the end), ms */
  maxDrawdownDurationMs: number;
  avgDrawdownPct: number;
  winRatePct: number;
  profitFactor: number;
  expectancy: number;
  avgWin: number;
  avgLoss: number;
  bestTradePct: number;
  worstTradePct: number;
  exposurePct: number;
  sqn: number;
  kelly: number;
  buyHoldReturnPct: number;
  totalFees: number;
  totalFunding: number;
}

export interface BacktestResult {
  strategy: string;
  params: StrategyParams;
  config: BacktestConfig;
  trades: BacktestTrade[];
  /** equity at each candle's close (same length as the candles) */
  equity: Float64Array;
  metrics: Metrics;
  /** entries the engine did not take, by reason */
  skipped?: SkippedEntries;
  /** candles during which a position was open (after the fills at the candle's open) */
  exposureBars?: number;
  /** present when at least one entry was sliced */
  slicing?: SlicingSummary;
}

export interface SkippedEntries {
  /** the size rounded down to the lot step (or capped by free cash) is below the minimum */
  belowMinimum: number;
  /** an absolute stop-loss or take-profit on the wrong side of the price: the signal is refused, as live */
  invalidStop: number;
  /** risk sizing without a stop-loss or trailing stop to measure the risk */
  noStop: number;
}
