// Position sizing for the risk engine: the configured mode (or the signal's own size) gives a raw
// amount; every mode is then capped by the margin equity can post and the market's maximum, and
// rounded down to the lot step. Minimum amount and notional are the engine's to refuse, after its
// other caps, so an amount of 0 is a valid answer here (`belowMinimum` says why).
//
// This is the one sizing rule of the executor and the backtest (docs/METRICS.md, "Sizing"): both
// size at the fill, on the equity after the close leg of the same signal, at the price the entry is
// expected to fill at (the last price moved by the expected slippage) and with room for the taker
// fee the fill pays. The backtest reaches it through execution's `sizeAtFill`.
//
// Each bound is kept as an exact fraction numer / denom and floored to the step exactly, so that
// "amount × distance ≤ budget" and "amount × price ≤ equity × leverage" hold in decimal arithmetic,
// not only up to a division's last rounded digit.
import { Big, type Decimal } from '../domain/money';
import { SignalRejectedError } from '../errors';
import type { TradeRecord } from '../domain/trade';
import type { MarketInfo } from './ports';
import type { SizeSpec } from '../signal/types';
import type { SizingConfig } from './config';
import { kellyEstimate } from './kelly';
import type { MarketStats } from './stats';

export interface PositionSizingInput {
  sizing: SizingConfig;
  /** the signal's own size (percent/quote/contracts) — wins over the mode when present */
  explicit?: SizeSpec;
  /**
   * wallet balance + unrealized P&L, quote currency, read after the close leg of a reverse: Decimal
   * text, or the backtest's float equity (its hot loop keeps floats) taken at its shortest decimal text
   */
  equity: Decimal | number;
  /** the price the entry is expected to fill at: the last price moved by the expected slippage */
  price: number;
  /**
   * the taker fee rate the fill pays (0.0005 = 0.05 %): margin and fee together stay within equity,
   * notional × (1/leverage + feeRate) ≤ equity. 0 (or absent) when the exchange's rate is not known.
   */
  feeRate?: number;
  leverage: number;
  market: MarketInfo;
  /** stop-loss trigger price when the signal carries one */
  stopPrice?: number;
  stats?: Pick<MarketStats, 'atr'>;
  /** the account's recorded trades (for kelly) */
  trades?: readonly TradeRecord[];
}

export interface PositionSize {
  /** base units, a multiple of the market's amount step, ≥ 0 */
  amount: Big;
  /** the size kind that decided: the signal's (percent/quote/contracts) or the configured mode */
  mode: string;
  numbers: Record<string, number | string>;
}

type Numbers = Record<string, number | string>;

/** amount ≤ numer / denom, with numer ≥ 0 and denom > 0 */
interface Bound {
  numer: Big;
  denom: Big;
}

interface RawSize {
  mode: string;
  bound: Bound;
  numbers: Numbers;
}

/** The sanitized inputs every mode works from. */
interface Basis {
  equity: Decimal;
  price: number;
  leverage: number;
}

/** A size parameter that is not a finite positive number sizes nothing rather than something odd. */
const positiveOrZero = (x: number): number => (Number.isFinite(x) && x > 0 ? x : 0);
/** Equity that is not a positive amount (negative, unreadable) posts no margin: "0". */
function positiveEquity(x: Decimal | number): Decimal {
  try {
    const value = new Big(x);
    return value.gt(0) ? value.toString() : '0';
  } catch {
    return '0';
  }
}

const ONE = new Big(1);

function reject(message: string, code: string, numbers: Numbers = {}): never {
  throw new SignalRejectedError(message, code, numbers);
}

/** Largest multiple of `step` not above numer / denom, exact (the division's rounding is corrected). */
function floorMultiple({ numer, denom }: Bound, step: Big): Big {
  const unit = denom.times(step);
  let lots = numer.div(unit).round(0, Big.roundDown);
  if (lots.times(unit).gt(numer)) lots = lots.minus(1);
  return lots.times(step);
}

function parseDecimal(value: string, field: string, symbol: string): Big {
  try {
    return new Big(value);
  } catch {
    return reject(`market ${symbol} has an unusable ${field} "${value}"`, 'INVALID_MARKET', { [field]: String(value) });
  }
}

function fractionOfEquity(basis: Basis, percent: number): Bound {
  return { numer: new Big(basis.equity).times(percent).times(basis.leverage), denom: new Big(basis.price).times(100) };
}

function explicitSize(size: SizeSpec, basis: Basis): RawSize {
  const value = positiveOrZero(size.value);
  const numbers: Numbers = { source: 'signal', value };
  switch (size.kind) {
    case 'percent':
      return { mode: 'percent', bound: fractionOfEquity(basis, value), numbers };
    case 'quote':
      return {
        mode: 'quote',
        bound: { numer: new Big(value).times(basis.leverage), denom: new Big(basis.price) },
        numbers,
      };
    case 'contracts':
      // Base units, as TradingView counts contracts on crypto; the exchange adapter converts them
      // to its own contracts (contractSize) when it sends.
      return { mode: 'contracts', bound: { numer: new Big(value), denom: ONE }, numbers };
  }
}

/** |price − stop| when the signal has a usable stop; undefined without one. */
function stopDistance(input: PositionSizingInput, mode: string): Big | undefined {
  const { stopPrice, price } = input;
  if (stopPrice === undefined) return undefined;
  if (!Number.isFinite(stopPrice))
    reject(`the stop ${stopPrice} is not a price: mode ${mode} cannot size on it`, 'INVALID_STOP', {
      mode,
      stopPrice: String(stopPrice),
    });
  const distance = new Big(price).minus(stopPrice).abs();
  if (distance.eq(0))
    reject(`the stop ${stopPrice} equals the price: no risk to size on (mode ${mode})`, 'INVALID_STOP', {
      mode,
      stopPrice,
      price,
    });
  return distance;
}

/** amount whose loss over `distance` is riskPct of equity */
function riskBound(basis: Basis, riskPct: number, distance: Big): Bound {
  return { numer: new Big(basis.equity).times(riskPct), denom: distance.times(100) };
}

function riskSize(input: PositionSizingInput, basis: Basis): RawSize {
  const riskPct = positiveOrZero(input.sizing.riskPct);
  const distance =
    stopDistance(input, 'risk') ??
    reject('sizing mode risk needs a stop-loss in the signal', 'NEEDS_STOP', { mode: 'risk', riskPct });
  return {
    mode: 'risk',
    bound: riskBound(basis, riskPct, distance),
    numbers: { source: 'config', riskPct, distance: distance.toString() },
  };
}

function atrSize(input: PositionSizingInput, basis: Basis): RawSize {
  const { multiplier } = input.sizing.atr;
  const riskPct = positiveOrZero(input.sizing.atr.riskPct);
  const atr = input.stats?.atr;
  if (atr === undefined || !(Number.isFinite(atr) && atr > 0)) {
    reject(`sizing mode atr needs the ATR of ${input.market.symbol}, and no market data gives one`, 'NO_MARKET_DATA', {
      mode: 'atr',
      atr: String(atr),
    });
  }
  if (!(Number.isFinite(multiplier) && multiplier > 0)) {
    reject(`sizing mode atr has no usable distance: multiplier ${multiplier}`, 'NO_MARKET_DATA', {
      mode: 'atr',
      atr,
      multiplier: String(multiplier),
    });
  }
  const byAtr = new Big(atr).times(multiplier);
  const byStop = stopDistance(input, 'atr');
  // The farther of the two: a stop beyond multiplier × ATR loses more than the ATR budget when it
  // is hit, and a stop inside it would size a position too large for the market's normal swing.
  const distance = byStop !== undefined && byStop.gt(byAtr) ? byStop : byAtr;
  const numbers: Numbers = {
    source: 'config',
    riskPct,
    atr,
    multiplier,
    atrDistance: byAtr.toString(),
    distance: distance.toString(),
  };
  if (byStop !== undefined) numbers.stopDistance = byStop.toString();
  return { mode: 'atr', bound: riskBound(basis, riskPct, distance), numbers };
}

/**
 * Kelly's riskPct over the distance to the stop, or, without a stop, over the average loss the
 * recorded trades took. With neither (no stop, no loss ever recorded) it refuses NEEDS_STOP: a
 * history of wins only says nothing about how far a loss goes, and inventing a distance (or
 * falling back to another mode) would size the least trustworthy estimate on a made-up number.
 */
function kellySize(input: PositionSizingInput, basis: Basis): RawSize {
  const estimate = kellyEstimate(input.trades ?? [], input.sizing.kelly);
  const numbers: Numbers = {
    source: 'config',
    trades: estimate.n,
    winRate: estimate.winRate,
    payoff: estimate.payoff,
    rawKelly: estimate.rawKelly,
    shrink: estimate.shrink,
    riskPct: estimate.riskPct,
    avgLossPct: estimate.avgLossPct,
  };
  if (!(estimate.riskPct > 0)) {
    reject(
      `sizing mode kelly sees no edge over ${estimate.n} closed trades (f* = ${estimate.rawKelly.toFixed(4)})`,
      'KELLY_NO_EDGE',
      { mode: 'kelly', ...numbers },
    );
  }
  let distance = stopDistance(input, 'kelly');
  if (distance === undefined) {
    if (!(estimate.avgLossPct > 0)) {
      reject(
        'sizing mode kelly needs a stop-loss in the signal: no losing trade is recorded to measure a loss by',
        'NEEDS_STOP',
        { mode: 'kelly', ...numbers },
      );
    }
    // times(0.01), not div(100): a division rounds to Big.DP places and could reach 0.
    distance = new Big(basis.price).times(estimate.avgLossPct).times('0.01');
    numbers.distanceFrom = 'avgLoss';
  } else {
    numbers.distanceFrom = 'stop';
  }
  numbers.distance = distance.toString();
  return { mode: 'kelly', bound: riskBound(basis, estimate.riskPct, distance), numbers };
}

function rawSize(input: PositionSizingInput, basis: Basis): RawSize {
  if (input.explicit) return explicitSize(input.explicit, basis);
  const { sizing } = input;
  switch (sizing.mode) {
    case 'percent':
      return {
        mode: 'percent',
        bound: fractionOfEquity(basis, positiveOrZero(sizing.percent)),
        numbers: { source: 'config', percent: positiveOrZero(sizing.percent) },
      };
    case 'quote': {
      const quote = positiveOrZero(sizing.quote);
      return {
        mode: 'quote',
        bound: { numer: new Big(quote).times(basis.leverage), denom: new Big(basis.price) },
        numbers: { source: 'config', quote },
      };
    }
    case 'risk':
      return riskSize(input, basis);
    case 'atr':
      return atrSize(input, basis);
    case 'kelly':
      return kellySize(input, basis);
  }
}

export function sizePosition(input: PositionSizingInput): PositionSize {
  const { price, market } = input;
  if (!(Number.isFinite(price) && price > 0))
    reject('no usable price for sizing', 'NO_PRICE', { price: String(price) });
  const step = parseDecimal(market.amountStep, 'amountStep', market.symbol);
  if (step.lte(0))
    reject(`market ${market.symbol} has a non-positive amount step ${market.amountStep}`, 'INVALID_MARKET', {
      amountStep: market.amountStep,
    });
  const maxAmount =
    market.maxAmount === undefined ? undefined : parseDecimal(market.maxAmount, 'maxAmount', market.symbol);
  if (maxAmount?.lt(0))
    reject(`market ${market.symbol} has a negative maximum amount ${market.maxAmount}`, 'INVALID_MARKET', {
      maxAmount: String(market.maxAmount),
    });

  // Negative (or unknown) equity posts no margin and risks nothing: it sizes to 0.
  const basis: Basis = { equity: positiveEquity(input.equity), price, leverage: positiveOrZero(input.leverage) };
  const raw = rawSize(input, basis);

  // Never more margin and fee than equity: notional × (1/leverage + fee) ≤ equity, i.e.
  // amount ≤ equity × leverage / (price × (1 + leverage × fee)). At 1× and "100 %" the fee is paid
  // out of the equity rather than refused by the exchange as insufficient margin.
  const feeRate = positiveOrZero(input.feeRate ?? 0);
  const marginCap: Bound = {
    numer: new Big(basis.equity).times(basis.leverage),
    denom: new Big(price).times(ONE.plus(new Big(basis.leverage).times(feeRate))),
  };
  let amount = floorMultiple(raw.bound, step);
  let cappedBy = 'none';
  const byMargin = floorMultiple(marginCap, step);
  if (byMargin.lt(amount)) {
    amount = byMargin;
    cappedBy = 'margin';
  }
  if (maxAmount !== undefined) {
    const byMax = floorMultiple({ numer: maxAmount, denom: ONE }, step);
    if (byMax.lt(amount)) {
      amount = byMax;
      cappedBy = 'maxAmount';
    }
  }

  // Only absurd inputs (a leverage or price near the float limits) size beyond what a number
  // holds, and every consumer reads the amount back as a number.
  if (!Number.isFinite(Number(amount.toString()))) {
    reject(
      `sized amount ${amount.toExponential(3)} ${market.base} is beyond any number: the inputs are not sane`,
      'INVALID_SIZE',
      { mode: raw.mode, price, leverage: basis.leverage },
    );
  }

  const numbers: Numbers = {
    mode: raw.mode,
    ...raw.numbers,
    equity: basis.equity,
    price,
    leverage: basis.leverage,
    ...(feeRate > 0 ? { feeRate } : {}),
    rawAmount: raw.bound.numer.div(raw.bound.denom).toString(),
    marginCap: marginCap.numer.div(marginCap.denom).toString(),
    step: market.amountStep,
    cappedBy,
    amount: amount.toString(),
  };
  if (maxAmount !== undefined) numbers.maxAmount = maxAmount.toString();
  return { amount, mode: raw.mode, numbers };
}

/** Why an amount is refused by the market's minimums, measured at the price it is sized at. */
export interface MinimumRefusal {
  code: 'BELOW_MIN_AMOUNT' | 'MIN_NOTIONAL';
  reason: string;
  numbers: Numbers;
}

/**
 * The market's minimum amount and notional against the final amount (after every cap): why it is
 * refused, or undefined when the market takes it. The risk engine and the backtest both end here.
 */
export function belowMinimum(amount: Big, price: number, market: MarketInfo): MinimumRefusal | undefined {
  if (amount.lte(0) || amount.lt(market.minAmount)) {
    return {
      code: 'BELOW_MIN_AMOUNT',
      reason: `order amount ${amount.toString()} ${market.base} is below the minimum ${market.minAmount} after sizing, limits and rounding down to ${market.amountStep}`,
      numbers: { amount: amount.toString(), minAmount: market.minAmount, step: market.amountStep },
    };
  }
  const notional = amount.times(price);
  if (notional.lt(market.minNotional)) {
    return {
      code: 'MIN_NOTIONAL',
      reason: `order notional ${notional.round(4).toString()} ${market.quote} is below the minimum ${market.minNotional}`,
      numbers: { notional: notional.toString(), minNotional: market.minNotional },
    };
  }
  return undefined;
}
