// Sizes a backtest entry with the executor's rule (execution's sizeAtFill: the risk engine's
// sizePosition and the market minimums, exact decimals): at the fill, on the equity after the close
// leg of the same signal, at the fill price with slippage, with room for the taker fee, whole lots
// down. No other position is open when an entry fills (no pyramiding, a reverse closed first), so
// that equity is the cash.
//
// The exact decimals cost 7–17 µs per entry, more than the rest of a candle's work for a strategy
// that trades often. The floats decide when they provably agree: their quotient is within ~1e-15
// of the exact one, so when it lies farther than 1e-9 (relative) from a lot boundary and from the
// minimum notional, its floor is the exact floor. Otherwise the exact rule decides. The two paths
// are checked against each other in test/unit/core/backtest/entry-sizing.test.ts.
import { Big } from '../domain/money';
import { SignalRejectedError } from '../errors';
import type { MarketInfo } from './ports';
import { sizeAtFill } from '../execution';
import type { BacktestConfig, SkippedEntries } from './types';

export type SkipReason = keyof SkippedEntries;

/** Relative distance from a boundary under which floats defer to exact decimals. */
const MARGIN = 1e-9;
/** Below this stop distance (relative to the price) the float difference loses too many digits. */
const MIN_FLOAT_DISTANCE = 1e-6;

/** The market a backtest trades: lot step = minimum amount, minimum notional 0 unless configured. */
export function marketFromConfig(config: BacktestConfig): MarketInfo {
  const step = new Big(config.lotStep).toString();
  return {
    symbol: 'BACKTEST',
    base: 'BASE',
    quote: 'QUOTE',
    settle: 'QUOTE',
    contractSize: '1',
    amountStep: step,
    priceStep: String(config.priceStep ?? 0),
    minAmount: step,
    minNotional: String(config.minNotional ?? 0),
    maxLeverage: config.leverage,
  };
}

export class EntrySizer {
  private readonly market: MarketInfo;
  private readonly step: Big;
  /** 1 + leverage × takerFee: margin plus fee per unit of notional, times leverage */
  private readonly feeFactor: Big;
  /** lotStep = stepDigits × 10^−stepDecimals, to turn a lot count into the exact decimal's number */
  private readonly stepDigits: number;
  private readonly stepDecimals: number;
  private readonly minNotional: number;
  /** contracts mode: the requested lot count, exact (a round size would sit on a lot boundary) */
  private readonly contractLots: number;

  constructor(private readonly config: BacktestConfig) {
    this.market = marketFromConfig(config);
    this.step = new Big(config.lotStep);
    this.feeFactor = new Big(1).plus(new Big(config.leverage).times(config.takerFee));
    const [whole = '', fraction = ''] = this.market.amountStep.split('.');
    this.stepDigits = Number(whole + fraction);
    this.stepDecimals = fraction.length;
    this.minNotional = config.minNotional ?? 0;
    const { size } = config;
    this.contractLots =
      size.kind === 'contracts'
        ? Number(new Big(size.value).div(this.step).round(0, Big.roundDown).toString())
        : Number.NaN;
  }

  /**
   * Base units for an entry at `price` (the fill price, slippage included, before volume slippage),
   * or why it is skipped. `equity` is the cash after the close leg of the same signal: it sizes
   * every mode and caps it (margin and taker fee within it); `stopPrice` is NaN when the entry has
   * no stop.
   */
  quantity(price: number, equity: number, stopPrice: number): number | SkipReason {
    if (this.config.size.kind === 'risk' && !Number.isFinite(stopPrice)) return 'noStop';
    const fast = this.fastQuantity(price, equity, stopPrice);
    return fast !== undefined ? fast : this.exactQuantity(price, equity, stopPrice);
  }

  /** The largest lot multiple whose margin and taker fee fit in `cash` (see affordable), as a number. */
  affordableQuantity(price: number, cash: number): number {
    if (!(cash > 0) || !(price > 0)) return 0;
    const lots = this.floorLots(this.affordableRaw(price, cash));
    return lots !== undefined ? this.lotsToNumber(lots) : Number(this.affordable(price, cash).toString());
  }

  /** The exact result when floats are provably equal to it, else undefined. */
  private fastQuantity(price: number, equity: number, stopPrice: number): number | SkipReason | undefined {
    if (!(price > 0)) return undefined;
    const { size } = this.config;
    if (size.kind === 'risk' && !(Math.abs(price - stopPrice) > price * MIN_FLOAT_DISTANCE)) return undefined;
    // sizePosition's margin cap: equity × leverage / (price × (1 + leverage × fee))
    const affordable = this.affordableRaw(price, equity);
    const lots =
      size.kind === 'contracts' && affordable / this.config.lotStep > (this.contractLots + 1) * (1 + MARGIN)
        ? this.contractLots
        : this.floorLots(Math.min(this.requestedRaw(price, equity, stopPrice), affordable));
    if (lots === undefined) return undefined;
    if (lots < 1) return 'belowMinimum';
    const quantity = this.lotsToNumber(lots);
    if (this.minNotional > 0) {
      const notional = quantity * price;
      if (Math.abs(notional - this.minNotional) <= this.minNotional * MARGIN) return undefined;
      if (notional < this.minNotional) return 'belowMinimum';
    }
    return quantity;
  }

  /** The unrounded amount each size mode asks for (as sizePosition computes it, before its margin cap). */
  private requestedRaw(price: number, equity: number, stopPrice: number): number {
    const { size, leverage } = this.config;
    const budget = Math.max(equity, 0);
    switch (size.kind) {
      case 'percent':
        return (((budget * size.value) / 100) * leverage) / price;
      case 'quote':
        return (size.value * leverage) / price;
      case 'contracts':
        return size.value;
      case 'risk':
        return (budget * size.value) / 100 / Math.abs(price - stopPrice);
    }
  }

  private affordableRaw(price: number, cash: number): number {
    const { leverage, takerFee } = this.config;
    return cash > 0 ? (cash * leverage) / (price * (1 + leverage * takerFee)) : 0;
  }

  /** floor(raw / lotStep), or undefined when raw lies too close to a lot boundary to trust floats. */
  private floorLots(raw: number): number | undefined {
    if (raw <= 0) return 0;
    const lots = raw / this.config.lotStep;
    if (!Number.isFinite(lots)) return undefined;
    const floor = Math.floor(lots);
    const margin = MARGIN * Math.max(1, lots);
    if (lots - floor < margin || floor + 1 - lots < margin) return undefined;
    return Number.isSafeInteger(floor * this.stepDigits) ? floor : undefined;
  }

  /** How many lots `quantity` (a multiple of the lot step, as this class returns) is. */
  lotsOf(quantity: number): number {
    return Math.round(quantity / this.config.lotStep);
  }

  /** lots × lotStep as the number its exact decimal string parses to (what Number(Big) gives). */
  lotsToNumber(lots: number): number {
    return Number(`${lots * this.stepDigits}e-${this.stepDecimals}`);
  }

  /** The executor's rule, exact decimals: used whenever the floats could disagree with it. */
  exactQuantity(price: number, equity: number, stopPrice: number): number | SkipReason {
    const { size, leverage, takerFee } = this.config;
    if (size.kind === 'risk' && !Number.isFinite(stopPrice)) return 'noStop';
    try {
      const sized = sizeAtFill({
        size,
        equity,
        price,
        feeRate: takerFee,
        leverage,
        market: this.market,
        ...(size.kind === 'risk' ? { stopPrice } : {}),
      });
      return Number(sized.amount);
    } catch (error) {
      if (!(error instanceof SignalRejectedError)) throw error;
      if (error.code === 'INVALID_STOP') return 'invalidStop';
      return error.code === 'NEEDS_STOP' ? 'noStop' : 'belowMinimum';
    }
  }

  /**
   * Lots whose margin and taker fee fit in `cash`: amount × price × (1/leverage + takerFee) ≤ cash,
   * rounded down. At leverage 1 this is amount × price × (1 + fee) ≤ cash, so "100 %" means all
   * the cash and a long's exit can never leave the cash negative. The float quotient proposes the
   * lot count; exact products (no division: cheap in Big) confirm it is the largest that fits.
   */
  affordable(price: number, cash: number): Big {
    if (!(cash > 0) || !(price > 0)) return new Big(0);
    const limit = new Big(cash).times(this.config.leverage);
    const perLot = this.step.times(price).times(this.feeFactor);
    const fits = (lots: number): boolean => perLot.times(lots).lte(limit);
    let lots = Math.max(0, Math.floor(this.affordableRaw(price, cash) / this.config.lotStep));
    while (lots > 0 && !fits(lots)) lots--;
    while (fits(lots + 1)) lots++;
    return this.step.times(lots);
  }
}
