// Turns a size request into an order amount the market accepts: exact decimals, rounded down to
// the lot step, checked against the minimum amount and notional before anything is sent.
import { Big, type Decimal } from '../domain/money';
import { SignalRejectedError } from '../errors';
import { floorToStep } from '../domain/money';
import type { MarketInfo } from './ports';
import type { SizeSpec } from '../signal/types';

export interface SizingInput {
  size: SizeSpec;
  /**
   * account equity in the quote currency: Decimal text, or the backtest's float equity (its hot
   * loop keeps floats; docs/ARCHITECTURE.md) taken at its shortest decimal text
   */
  equity: Decimal | number;
  price: number;
  leverage: number;
  market: MarketInfo;
}

export interface SizedOrder {
  amount: string;
  notional: string;
  margin: string;
}

/** Equity below zero sizes nothing, as zero equity does. */
const nonNegative = (equity: Decimal | number): Big => {
  const value = new Big(equity);
  return value.lt(0) ? new Big(0) : value;
};

export function sizeEntry({ size, equity, price, leverage, market }: SizingInput): SizedOrder {
  if (!(price > 0)) throw new SignalRejectedError('no usable price for sizing', 'NO_PRICE');
  let raw: Big;
  switch (size.kind) {
    case 'percent':
      raw = nonNegative(equity).times(size.value).div(100).times(leverage).div(price);
      break;
    case 'quote':
      raw = new Big(size.value).times(leverage).div(price);
      break;
    case 'contracts':
      // TradingView's {{strategy.order.contracts}} counts the base asset (coins) on crypto; the
      // exchange adapter converts base units to its own contracts (contractSize) when it sends.
      raw = new Big(size.value);
      break;
  }
  const amount = floorToStep(raw, market.amountStep);
  const notional = amount.times(price);
  if (amount.lte(0) || amount.lt(market.minAmount)) {
    throw new SignalRejectedError(
      `order amount ${amount.toString()} is below the minimum ${market.minAmount} ${market.base} after rounding down to ${market.amountStep}`,
      'BELOW_MIN_AMOUNT',
      { amount: amount.toString(), minAmount: market.minAmount, step: market.amountStep },
    );
  }
  if (market.maxAmount !== undefined && amount.gt(market.maxAmount)) {
    // Refused here with the numbers rather than by the exchange with a bare code (-4005).
    throw new SignalRejectedError(
      `order amount ${amount.toString()} ${market.base} is above the market's maximum ${market.maxAmount} per order`,
      'ABOVE_MAX_AMOUNT',
      { amount: amount.toString(), maxAmount: market.maxAmount },
    );
  }
  if (notional.lt(market.minNotional)) {
    throw new SignalRejectedError(
      `order notional ${notional.round(4).toString()} ${market.quote} is below the minimum ${market.minNotional}`,
      'MIN_NOTIONAL',
      { notional: notional.toString(), minNotional: market.minNotional },
    );
  }
  return { amount: amount.toString(), notional: notional.toString(), margin: notional.div(leverage).toString() };
}

export interface RiskSizingInput {
  /** percent of equity lost if the stop is hit */
  riskPct: number;
  /**
   * account equity in the quote currency: Decimal text, or the backtest's float equity (its hot
   * loop keeps floats; docs/ARCHITECTURE.md) taken at its shortest decimal text
   */
  equity: Decimal | number;
  price: number;
  /** the stop-loss trigger price the risk is measured to */
  stopPrice: number;
  leverage: number;
  market: MarketInfo;
}

/**
 * Amount whose loss at the stop (price distance only, fees aside) equals riskPct of equity, capped
 * by what equity × leverage buys, rounded down to the lot step; then the minimums of `sizeEntry`.
 */
export function sizeFromRisk({ riskPct, equity, price, stopPrice, leverage, market }: RiskSizingInput): SizedOrder {
  if (!(price > 0)) throw new SignalRejectedError('no usable price for sizing', 'NO_PRICE');
  const distance = new Big(price).minus(stopPrice).abs();
  if (distance.eq(0))
    throw new SignalRejectedError(`the stop ${stopPrice} equals the price: no risk to size on`, 'INVALID_STOP');
  const budget = nonNegative(equity);
  const byRisk = budget.times(riskPct).div(100).div(distance);
  const byMargin = budget.times(leverage).div(price);
  const amount = floorToStep(byRisk.lt(byMargin) ? byRisk : byMargin, market.amountStep);
  // A whole number of lots passes through sizeEntry unchanged, which applies the same minimums.
  return sizeEntry({ size: { kind: 'contracts', value: Number(amount.toString()) }, equity, price, leverage, market });
}
