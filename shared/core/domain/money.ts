// Exact decimal arithmetic for order sizes, prices, fees and P&L. Floats never decide an amount
// that reaches an exchange: every value that is sent or booked passes through Big.
import Big from 'big.js';
import { InvalidArgumentError } from '../errors';

Big.DP = 18;
Big.RM = Big.roundHalfUp;
// Never exponent notation in toString(): amounts and prices go to exchanges as these strings.
Big.NE = -40;
Big.PE = 40;

/** The configured Big: import it from here so the settings above are always in force. */
export { Big };

export type Num = Big;
export const num = (v: Big.BigSource): Big => new Big(v);

/** Rounds down to a multiple of `step` (lot size). Amounts are always rounded down. */
export function floorToStep(value: Big.BigSource, step: Big.BigSource): Big {
  const s = new Big(step);
  if (s.lte(0)) throw new InvalidArgumentError('step must be positive');
  return new Big(value).div(s).round(0, Big.roundDown).times(s);
}

/** Rounds to the nearest multiple of `step` (tick size): used for prices. */
export function roundToStep(value: Big.BigSource, step: Big.BigSource): Big {
  const s = new Big(step);
  if (s.lte(0)) throw new InvalidArgumentError('step must be positive');
  return new Big(value).div(s).round(0, Big.roundHalfUp).times(s);
}

/** Number for storage/JSON, exact to the decimals Big holds. */
export const toNumber = (v: Big): number => Number(v.toString());

/** Money in the quote currency, kept to 1e-8 (sub-satoshi fees are noise, not money). */
export const quote8 = (v: Big): number => Number(v.round(8, Big.roundHalfUp).toString());

/**
 * An amount of money as exact decimal text (fees, P&L, funding, equity, balances): what the book,
 * the audit trail and the API carry. Compute with Big, store and send the string.
 */
export type Decimal = string;

/** Exact decimal text of a value; a number (from a float-only source) goes through Big first. */
export const toDecimal = (v: Big.BigSource): Decimal => new Big(v).toString();
