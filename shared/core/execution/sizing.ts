// The executor's sizing rule for an entry, as one call: the risk engine's sizePosition (the mode's
// amount, capped by what equity carries with the taker fee, rounded down to the lot step) and then
// the market's minimums, both at the price the entry fills at. The executor reaches the same two
// functions through the risk engine (with the account's risk checks between them); the backtest
// calls this, so a backtest sizes every entry exactly as the executor does (docs/METRICS.md).
import { Big, roundToStep, type Decimal } from '../domain/money';
import { SignalRejectedError } from '../errors';
import { DEFAULT_RISK_CONFIG, type SizingConfig } from '../risk/config';
import { belowMinimum, sizePosition } from '../risk/sizing';
import type { MarketFillModel, MarketInfo } from './ports';
import type { SizeSpec } from '../signal/types';

/** What a signal or a backtest asks for: a SizeSpec, or risk: riskPct of equity lost at the stop. */
export type FillSizeSpec = SizeSpec | { kind: 'risk'; value: number };

export interface FillSizingInput {
  size: FillSizeSpec;
  /**
   * account equity in the quote currency after the close leg of the same signal: Decimal text, or
   * the backtest's float equity (its hot loop keeps floats; docs/ARCHITECTURE.md) at its shortest text
   */
  equity: Decimal | number;
  /** the price the entry fills at, slippage included */
  price: number;
  /** the taker fee rate the fill pays (fraction) */
  feeRate: number;
  leverage: number;
  market: MarketInfo;
  /** the stop-loss trigger the risk is measured to (risk mode) */
  stopPrice?: number;
}

export interface SizedOrder {
  amount: string;
  notional: string;
  margin: string;
}

const riskSizing = (riskPct: number): SizingConfig => ({ ...DEFAULT_RISK_CONFIG.sizing, mode: 'risk', riskPct });

/**
 * The order amount for an entry, whole lots down, or SignalRejectedError with the sizing's code
 * (BELOW_MIN_AMOUNT, MIN_NOTIONAL, NEEDS_STOP, INVALID_STOP, NO_PRICE, …) and its numbers.
 */
export function sizeAtFill({ size, equity, price, feeRate, leverage, market, stopPrice }: FillSizingInput): SizedOrder {
  const sized = sizePosition({
    sizing: size.kind === 'risk' ? riskSizing(size.value) : DEFAULT_RISK_CONFIG.sizing,
    ...(size.kind === 'risk' ? {} : { explicit: size }),
    equity,
    price,
    feeRate,
    leverage,
    market,
    ...(stopPrice !== undefined ? { stopPrice } : {}),
  });
  const minimum = belowMinimum(sized.amount, price, market);
  if (minimum) throw new SignalRejectedError(minimum.reason, minimum.code, minimum.numbers);
  const notional = sized.amount.times(price);
  return {
    amount: sized.amount.toString(),
    notional: notional.toString(),
    margin: notional.div(new Big(leverage)).toString(),
  };
}

/**
 * The price a market entry fills at and the fee rate it pays, as the exchange's fill model says:
 * the last price moved the slippage against the trader, on the price tick (the paper exchange's own
 * rule). Without a model: the last price and no fee room (a live exchange's fill is not known ahead).
 */
export function expectedFill(
  last: number,
  side: 'buy' | 'sell',
  priceStep: string,
  model: MarketFillModel | undefined,
): { price: number; feeRate: number } {
  if (!model) return { price: last, feeRate: 0 };
  const rate = new Big(model.slippageBps).div(10_000);
  const slipped = new Big(last).times(side === 'buy' ? new Big(1).plus(rate) : new Big(1).minus(rate));
  return { price: Number(roundToStep(slipped, priceStep).toString()), feeRate: model.takerFeeRate };
}
