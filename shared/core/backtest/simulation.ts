// The account a backtest trades: cash, one isolated-margin position, its protective orders, fills
// with fees and slippage, funding and liquidation. Conventions are in docs/METRICS.md ("How the
// engine fills"). Numbers only: Big is used only when the sizing's floats sit too near a lot boundary.
// Sliced entries (TWAP / adaptive) fill over later candles: docs/EXECUTION-ALGOS.md "Backtest".
import type { StrategyAction, StrategySignal, HeldPosition } from '../strategies/types';
import type { PriceLevel } from '../signal/types';
import { sliceCount, type AlgoSpec } from '../signal/algo';
import { EntrySizer } from './entry-sizing';
import { assertAlgoSpec, DEFAULT_PARTICIPATION_PCT, twapLots } from './slicing';
import type { BacktestConfig, BacktestTrade, Candles, ExitReason, SkippedEntries, TradeSlices } from './types';

/** Action codes: the pending order is kept in plain fields, so queuing allocates nothing. */
const NONE = 0;
const LONG = 1;
const SHORT = 2;
const CLOSE_LONG = 3;
const CLOSE_SHORT = 4;
const CLOSE_ALL = 5;

const NO_LEVEL = 0;
const PERCENT = 1;
const PRICE = 2;

function actionCode(action: StrategyAction, longOnly: boolean): number {
  switch (action) {
    case 'long':
      return LONG;
    case 'short':
      return longOnly ? CLOSE_LONG : SHORT;
    case 'close_long':
      return CLOSE_LONG;
    case 'close_short':
      return CLOSE_SHORT;
    case 'close_all':
      return CLOSE_ALL;
  }
}

const levelKind = (level: PriceLevel | undefined): number =>
  level === undefined ? NO_LEVEL : level.kind === 'percent' ? PERCENT : PRICE;

export class Simulation {
  cash: number;
  /** +1 long, −1 short, 0 flat */
  dir = 0;
  qty = 0;
  entryPrice = 0;
  exposureBars = 0;
  readonly trades: BacktestTrade[] = [];
  readonly skipped: SkippedEntries = { belowMinimum: 0, invalidStop: 0, noStop: 0 };

  private entryTime = 0;
  private entryIndex = 0;
  private entryFee = 0;
  private fundingPaid = 0;
  private liquidationPrice = 0;
  /** effective stop (the tighter of stop-loss and trailing stop); ∓Infinity when none */
  private stop = 0;
  private stopIsTrailing = false;
  /** take-profit target; ±Infinity when none */
  private target = 0;
  /** best price since entry, for the trailing stop */
  private best = 0;

  private pendingAction = NONE;
  private pendingSlKind = NO_LEVEL;
  private pendingSlValue = 0;
  private pendingTpKind = NO_LEVEL;
  private pendingTpValue = 0;
  private pendingAlgo: AlgoSpec | undefined = undefined;

  // The sliced entry in progress: slicesLeft > 0 while slices remain to fill (one integer compare
  // per candle when nothing is sliced). Amounts in whole lots, so they stay exact lot multiples.
  private slicesLeft = 0;
  /** the next slice's index (slice 0 is the entry's own fill) */
  private sliceIndex = 0;
  /** when slice 0 filled (the entry's fill), epoch ms; slice k is due at start + k × interval */
  private sliceStart = 0;
  private sliceInterval = 0;
  private sliceAdaptive = false;
  private sliceMaxSlippageBps: number | undefined = undefined;
  private remainingLots = 0;
  private filledLots = 0;
  /** Σ amount × price of the filled slices: the average entry is this over the amount */
  private filledNotional = 0;
  /** the open trade's slice record; undefined for an unsliced entry */
  private slices: TradeSlices | undefined = undefined;
  /** the last signal-level spec checked, so a strategy's one frozen spec is checked once */
  private checkedAlgo: AlgoSpec | undefined = undefined;

  private fundingIndex = 0;

  private readonly time: Float64Array;
  private readonly open: Float64Array;
  private readonly high: Float64Array;
  private readonly low: Float64Array;
  private readonly close: Float64Array;
  private readonly volume: Float64Array;
  private readonly n: number;
  private readonly slip: number;
  private readonly volumeSlip: number;
  private readonly trail: number;
  private readonly sizer: EntrySizer;
  /** adaptive: the share of a candle's volume one slice may take, a fraction */
  private readonly participation: number;
  /** config.algo slices entries above this notional (−∞: all of them) */
  private readonly sliceAbove: number;

  constructor(
    candles: Candles,
    private readonly config: BacktestConfig,
  ) {
    this.cash = config.cash;
    ({
      time: this.time,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: this.volume,
    } = candles);
    this.n = candles.time.length;
    this.slip = config.slippageBps / 10_000;
    this.volumeSlip = (config.volumeSlippageBpsPerPct ?? 0) / 10_000;
    this.trail = (config.trailingPct ?? 0) / 100;
    this.sizer = new EntrySizer(config);
    this.participation = (config.participationPct ?? DEFAULT_PARTICIPATION_PCT) / 100;
    this.sliceAbove = config.sliceAboveQuote ?? -Infinity;
  }

  held(): HeldPosition {
    return this.dir > 0 ? 'long' : this.dir < 0 ? 'short' : 'flat';
  }

  /** Cash plus the open position's unrealized P&L at `price`. */
  equityAt(price: number): number {
    return this.dir === 0 ? this.cash : this.cash + this.dir * this.qty * (price - this.entryPrice);
  }

  /**
   * Everything that happens from candle i's open until just before its close: the queued order
   * fills at the open, then funding events inside the candle, then the protective orders.
   */
  beginCandle(i: number): void {
    if (this.pendingAction !== NONE) {
      const action = this.pendingAction;
      this.pendingAction = NONE;
      this.execute(
        action,
        i,
        this.open[i]!,
        this.pendingSlKind,
        this.pendingSlValue,
        this.pendingTpKind,
        this.pendingTpValue,
        this.pendingAlgo,
      );
    }
    // Slices due by this open fill before the candle's protection runs over the filled amount.
    if (this.slicesLeft > 0 && this.time[i]! >= this.sliceStart + this.sliceIndex * this.sliceInterval)
      this.fillDueSlices(i);
    if (this.config.funding !== undefined) this.settleFunding(i);
    if (this.dir !== 0) {
      this.exposureBars++;
      this.checkProtection(i);
    }
  }

  /** A signal at candle i's close: filled now (fillOn 'close') or queued for candle i+1's open. */
  onSignal(signal: StrategySignal, i: number): void {
    const action = actionCode(signal.action, this.config.longOnly);
    const slKind = levelKind(signal.sl);
    const tpKind = levelKind(signal.tp);
    const slValue = signal.sl?.value ?? 0;
    const tpValue = signal.tp?.value ?? 0;
    // The signal's own spec; the config's (and its threshold) is applied at the entry's sizing.
    const algo = signal.algo;
    if (algo !== undefined && algo !== this.checkedAlgo) {
      assertAlgoSpec(algo, 'strategy signal: algo');
      this.checkedAlgo = algo;
    }
    const close = this.close[i]!;
    if (this.config.fillOn === 'close') {
      this.execute(action, i, close, slKind, slValue, tpKind, tpValue, algo);
      return;
    }
    // Filled by beginCandle(i + 1); the last candle's signal has no next open and never fills. It
    // is sized there, at the fill, as the executor sizes (not on this candle's equity).
    this.pendingAction = action;
    this.pendingSlKind = slKind;
    this.pendingSlValue = slValue;
    this.pendingTpKind = tpKind;
    this.pendingTpValue = tpValue;
    this.pendingAlgo = algo;
  }

  /** Closes what is still open at the last candle's close, as a market order. */
  finish(): void {
    const last = this.n - 1;
    if (this.dir !== 0 && last >= 0) this.exitMarket(last, this.close[last]!, 'end_of_data');
  }

  // Same legs as the live executor's planLegs: close before open, a reverse is close + open, no
  // pyramiding (already long + 'long' does nothing), closes only close what matches.
  private execute(
    action: number,
    i: number,
    price: number,
    slKind: number,
    slValue: number,
    tpKind: number,
    tpValue: number,
    algo: AlgoSpec | undefined,
  ): void {
    switch (action) {
      case LONG:
      case SHORT: {
        const d = action === LONG ? 1 : -1;
        if (this.dir === d) return;
        if (!this.levelsOnRightSide(d, price, slKind, slValue, tpKind, tpValue)) {
          this.skipped.invalidStop++;
          return;
        }
        if (this.dir !== 0) this.exitMarket(i, price, 'reverse');
        // Flat now: the equity after the close leg (its slippage and fee paid) is the cash.
        this.enter(d, i, price, slKind, slValue, tpKind, tpValue, algo);
        return;
      }
      case CLOSE_LONG:
        if (this.dir > 0) this.exitMarket(i, price, 'signal');
        return;
      case CLOSE_SHORT:
        if (this.dir < 0) this.exitMarket(i, price, 'signal');
        return;
      case CLOSE_ALL:
        if (this.dir !== 0) this.exitMarket(i, price, 'signal');
        return;
    }
  }

  /** Live refuses a signal whose absolute stop or target sits on the wrong side of the price. */
  private levelsOnRightSide(
    d: number,
    price: number,
    slKind: number,
    slValue: number,
    tpKind: number,
    tpValue: number,
  ): boolean {
    if (slKind === PRICE && d * (slValue - price) >= 0) return false;
    if (tpKind === PRICE && d * (tpValue - price) <= 0) return false;
    return true;
  }

  private enter(
    d: number,
    i: number,
    base: number,
    slKind: number,
    slValue: number,
    tpKind: number,
    tpValue: number,
    algo: AlgoSpec | undefined,
  ): void {
    const { leverage, maintenanceMarginRate, takerFee } = this.config;
    let price = base * (1 + d * this.slip);
    const riskStop =
      slKind !== NO_LEVEL
        ? this.levelPrice(slKind, slValue, price, -d)
        : this.trail > 0
          ? price * (1 - d * this.trail)
          : Number.NaN;
    const sized = this.sizer.quantity(price, this.cash, riskStop);
    if (typeof sized === 'string') {
      this.skipped[sized]++;
      return;
    }
    let qty = sized;
    if (this.volumeSlip > 0) {
      price = base * (1 + d * (this.slip + this.volumeSlippage(i, qty)));
      const affordable = this.sizer.affordableQuantity(price, this.cash);
      if (affordable < qty) {
        // Fewer lots take less of the volume: the price only improves, so one pass is enough.
        qty = affordable;
        price = base * (1 + d * (this.slip + this.volumeSlippage(i, qty)));
        if (qty < this.config.lotStep) {
          this.skipped.belowMinimum++;
          return;
        }
      }
    }
    // Sized once, as unsliced; a sliced entry fills only its first slice now, at its own price.
    this.slices = undefined;
    const spec = algo ?? (qty * price > this.sliceAbove ? this.config.algo : undefined);
    if (spec !== undefined) ({ qty, price } = this.startSlices(spec, d, i, base, qty, price));
    const fee = qty * price * takerFee;
    this.cash -= fee;
    this.dir = d;
    this.qty = qty;
    this.entryPrice = price;
    this.entryTime = this.time[i]!;
    this.entryIndex = i;
    this.entryFee = fee;
    this.fundingPaid = 0;
    this.liquidationPrice = price * (1 - d / leverage + d * maintenanceMarginRate);
    this.stop = slKind === NO_LEVEL ? -d * Infinity : this.levelPrice(slKind, slValue, price, -d);
    this.stopIsTrailing = false;
    this.target = tpKind === NO_LEVEL ? d * Infinity : this.levelPrice(tpKind, tpValue, price, d);
    this.best = price;
    if (this.trail > 0) this.moveTrailingStop();
  }

  /**
   * Slice 0 of an entry sized at `sizedQty` (the unsliced fill would be at `unslicedPrice`): the
   * slice state, and the first slice's amount and fill price.
   */
  private startSlices(
    algo: AlgoSpec,
    d: number,
    i: number,
    base: number,
    sizedQty: number,
    unslicedPrice: number,
  ): { qty: number; price: number } {
    const total = sliceCount(algo);
    this.slices = {
      kind: algo.kind,
      filled: 1,
      total,
      outcome: 'completed',
      sizedQuantity: sizedQty,
      unslicedPrice,
    };
    this.sliceAdaptive = algo.kind === 'adaptive';
    this.sliceMaxSlippageBps = algo.maxSlippageBps;
    this.sliceInterval = algo.intervalMs;
    // The fill's time: this open, or (fillOn 'close') the candle's close, i.e. the next open.
    this.sliceStart = this.config.fillOn === 'close' ? (i + 1 < this.n ? this.time[i + 1]! : Infinity) : this.time[i]!;
    this.sliceIndex = 1;
    this.slicesLeft = total;
    this.remainingLots = this.sizer.lotsOf(sizedQty);
    const price0 = base * (1 + d * this.slip);
    const lots = this.sliceLots(i, price0, 1);
    this.filledLots = lots;
    this.remainingLots -= lots;
    this.slicesLeft = this.remainingLots > 0 ? total - 1 : 0;
    const qty = this.sizer.lotsToNumber(lots);
    const price = base * (1 + d * (this.slip + this.volumeSlippage(i, qty)));
    this.filledNotional = qty * price;
    return { qty, price };
  }

  /**
   * Lots for `due` slices filling together at candle i (slipped price `price`): TWAP's share of
   * the remaining, or adaptive's volume cap (a model of the live book walk); at least the market
   * minimum; a remainder below the minimum joins them while slices are left after them.
   */
  private sliceLots(i: number, price: number, due: number): number {
    const remaining = this.remainingLots;
    const minLots = this.minLotsAt(price);
    let lots: number;
    if (this.sliceAdaptive) lots = Math.min(remaining, Math.max(minLots, this.adaptiveCapLots(i)));
    else lots = twapLots(remaining, this.slicesLeft, due, minLots);
    if (due < this.slicesLeft && remaining - lots > 0 && remaining - lots < minLots) lots = remaining;
    return lots;
  }

  /** The market minimum in lots at `price`: one lot, and the minimum notional when configured. */
  private minLotsAt(price: number): number {
    const minNotional = this.config.minNotional ?? 0;
    return minNotional > 0 ? Math.max(1, Math.ceil(minNotional / (price * this.config.lotStep))) : 1;
  }

  /**
   * Adaptive's model (candles have no order book): a slice takes at most `participation` of its
   * candle's volume; with the volume-slippage model on, also no more than keeps that model's cost
   * within the spec's maxSlippageBps.
   */
  private adaptiveCapLots(i: number): number {
    let share = this.participation;
    const maxBps = this.sliceMaxSlippageBps;
    // volumeSlip × (share × 100) is the model's cost as a fraction; held within maxBps / 10⁴.
    if (maxBps !== undefined && this.volumeSlip > 0) share = Math.min(share, maxBps / 10_000 / this.volumeSlip / 100);
    return Math.floor((this.volume[i]! * share) / this.config.lotStep);
  }

  /** Every slice due by candle i's open fills there, together, on the position (same side). */
  private fillDueSlices(i: number): void {
    const t = this.time[i]!;
    let due = 0;
    while (due < this.slicesLeft && this.sliceStart + (this.sliceIndex + due) * this.sliceInterval <= t) due++;
    const d = this.dir;
    const base = this.open[i]!;
    const { leverage, takerFee, maintenanceMarginRate } = this.config;
    let lots = this.sliceLots(i, base * (1 + d * this.slip), due);
    // Checked again on what is left, as the risk engine checks each slice: margin and fee within
    // the equity the filled slices leave free.
    let qty = this.sizer.lotsToNumber(lots);
    let price = base * (1 + d * (this.slip + this.volumeSlippage(i, qty)));
    const free = this.equityAt(base) - (this.qty * this.entryPrice) / leverage;
    const affordable = this.sizer.affordableQuantity(price, free);
    if (affordable < qty) {
      // cut to what fits; below the market minimum nothing can be sent
      lots = this.sizer.lotsOf(affordable);
      if (lots < this.minLotsAt(price)) lots = 0;
      qty = this.sizer.lotsToNumber(lots);
      price = base * (1 + d * (this.slip + this.volumeSlippage(i, qty)));
    }
    this.sliceIndex += due;
    this.slicesLeft -= due;
    const slices = this.slices!;
    if (lots > 0) {
      const fee = qty * price * takerFee;
      this.cash -= fee;
      this.entryFee += fee;
      this.filledLots += lots;
      this.remainingLots -= lots;
      this.filledNotional += qty * price;
      this.qty = this.sizer.lotsToNumber(this.filledLots);
      this.entryPrice = this.filledNotional / this.qty;
      this.liquidationPrice = this.entryPrice * (1 - d / leverage + d * maintenanceMarginRate);
      slices.filled += due;
    }
    if (this.remainingLots === 0) this.slicesLeft = 0;
    else if (this.slicesLeft === 0) slices.outcome = 'capped';
  }

  /** A PriceLevel as a price: percent of the entry, towards `towards` (+1 above, −1 below). */
  private levelPrice(kind: number, value: number, entry: number, towards: number): number {
    const level = kind === PRICE ? value : entry * (1 + (towards * value) / 100);
    // Rounded to the tick as live's triggerPrice does.
    const tick = this.config.priceStep;
    return tick !== undefined && tick > 0 ? Math.round(level / tick) * tick : level;
  }

  private moveTrailingStop(): void {
    const trailing = this.best * (1 - this.dir * this.trail);
    if (this.dir * (trailing - this.stop) > 0) {
      this.stop = trailing;
      this.stopIsTrailing = true;
    }
  }

  /** Extra slippage, as a fraction, for taking `qty` of candle i's volume. */
  private volumeSlippage(i: number, qty: number): number {
    const volume = this.volume[i]!;
    return this.volumeSlip > 0 && volume > 0 ? this.volumeSlip * ((qty / volume) * 100) : 0;
  }

  /** Funding events in [open of i, open of i+1): paid by the position held after the open's fills. */
  private settleFunding(i: number): void {
    const funding = this.config.funding!;
    const start = this.time[i]!;
    const end = i + 1 < this.n ? this.time[i + 1]! : i > 0 ? start + (start - this.time[i - 1]!) : start + 1;
    const times = funding.time;
    while (this.fundingIndex < times.length && times[this.fundingIndex]! < end) {
      if (this.dir !== 0 && times[this.fundingIndex]! >= start) {
        // Longs pay positive rates: payment = −sign(side) × quantity × price × rate, price = the open.
        const payment = -this.dir * this.qty * this.open[i]! * funding.rate[this.fundingIndex]!;
        this.cash += payment;
        this.fundingPaid += payment;
      }
      this.fundingIndex++;
    }
  }

  /**
   * Conservative order inside one candle, for side d: a gap through the liquidation price
   * liquidates; a gap through the stop fills at the open; liquidation before a stop that lies
   * beyond it; the stop before the target when both are in range; the candle's best price moves
   * the trailing stop only for the next candle (its high may have come after its low).
   */
  private checkProtection(i: number): void {
    const d = this.dir;
    const o = this.open[i]!;
    const adverse = d > 0 ? this.low[i]! : this.high[i]!;
    const favourable = d > 0 ? this.high[i]! : this.low[i]!;
    const liq = this.liquidationPrice;
    const stop = this.stop;
    const stopReason: ExitReason = this.stopIsTrailing ? 'trailing_stop' : 'stop_loss';
    if (d * (o - liq) <= 0) return this.liquidate(i);
    if (d * (o - stop) <= 0) return this.exitMarket(i, o, stopReason);
    if (d * (adverse - liq) <= 0 && d * (stop - liq) <= 0) return this.liquidate(i);
    if (d * (adverse - stop) <= 0) return this.exitMarket(i, stop, stopReason);
    if (d * (favourable - this.target) >= 0) return this.exitAt(i, this.target, this.config.makerFee, 0, 'take_profit');
    if (this.trail > 0 && d * (favourable - this.best) > 0) {
      this.best = favourable;
      this.moveTrailingStop();
    }
  }

  /** Market exit at `level`, slipped against the trader, taker fee. */
  private exitMarket(i: number, level: number, reason: ExitReason): void {
    const price = level * (1 - this.dir * (this.slip + this.volumeSlippage(i, this.qty)));
    this.exitAt(i, price, this.config.takerFee, 0, reason);
  }

  /**
   * Isolated margin: closed at the liquidation price with a taker fee; the maintenance margin
   * left (quantity × entry × maintenanceMarginRate) is forfeited, so the whole margin is lost.
   */
  private liquidate(i: number): void {
    const price = this.liquidationPrice;
    const margin = (this.qty * this.entryPrice) / this.config.leverage;
    const gross = this.dir * this.qty * (price - this.entryPrice);
    this.exitAt(i, price, this.config.takerFee, Math.max(0, margin + gross), 'liquidation');
  }

  private exitAt(i: number, price: number, feeRate: number, forfeit: number, reason: ExitReason): void {
    const qty = this.qty;
    const gross = this.dir * qty * (price - this.entryPrice);
    const exitFee = qty * price * feeRate;
    this.cash += gross - exitFee - forfeit;
    const fees = this.entryFee + exitFee + forfeit;
    const pnl = gross - fees + this.fundingPaid;
    const margin = (qty * this.entryPrice) / this.config.leverage;
    const trade: BacktestTrade = {
      side: this.dir > 0 ? 'long' : 'short',
      entryTime: this.entryTime,
      entryPrice: this.entryPrice,
      exitTime: this.time[i]!,
      exitPrice: price,
      quantity: qty,
      fees,
      funding: this.fundingPaid,
      pnl,
      returnPct: margin > 0 ? (pnl / margin) * 100 : 0,
      exitReason: reason,
      barsHeld: i - this.entryIndex,
    };
    if (this.slices !== undefined) {
      // An exit before the last slice cancels the rest: nothing more fills.
      if (this.slicesLeft > 0) this.slices.outcome = 'cancelled';
      trade.slices = this.slices;
      this.slices = undefined;
      this.slicesLeft = 0;
    }
    this.trades.push(trade);
    this.dir = 0;
    this.qty = 0;
  }
}
