// TradingView's default strategy alert message, as a strategy alert sends it when the owner leaves
// the message box alone:
//   "{{strategy.order.action}} @ {{strategy.order.contracts}} filled on {{ticker}}. New strategy position is {{strategy.position_size}}"
// rendered e.g. "buy @ 0.5 filled on BTCUSDT.P. New strategy position is 0.5". It carries no token
// and no account, so it is read only on the account's own URL (the URL carries the secret) and only
// when the account opted in (settings.defaultMessage). The placeholders mean (TradingView, "Strategy
// Alerts", https://www.tradingview.com/support/solutions/43000481368-strategy-alerts/): order.action
// "buy"/"sell" of the filled order, order.contracts its size, position_size the strategy's position
// after it (negative: short).
import { DECIMAL } from './bounds';

// Blanks as TradingView writes them; the ticker is anything without a blank up to ". New".
const DEFAULT_MESSAGE = /^(buy|sell) @ (\S+) filled on (\S+?)\. New strategy position is (\S+?)\.?$/i;

/** True when the body is the default message's shape (whatever its numbers say). */
export const isDefaultStrategyMessage = (body: string): boolean => DEFAULT_MESSAGE.test(body.trim());

/**
 * The message as the fields of the JSON contract (action, position, symbol, size), so the same
 * schema, bounds and intent table judge it; undefined when it is not the default message.
 *
 * Size: contracts (base units) of the order, except on a reverse, where TradingView's order is the
 * old position plus the new one, while an entry here closes the old one first and opens `size`: the
 * open leg is then the new position's size. A number the bounds refuse is passed on as text, so the
 * schema names the field.
 */
export function readDefaultStrategyMessage(body: string): Record<string, unknown> | undefined {
  const m = DEFAULT_MESSAGE.exec(body.trim());
  if (!m) return undefined;
  const [, actionText, contracts, ticker, positionText] = m as unknown as [string, string, string, string, string];
  const action = actionText.toLowerCase() as 'buy' | 'sell';
  const fields: Record<string, unknown> = { action, symbol: ticker, size: contracts };
  const position = decimal(positionText);
  if (position === undefined) {
    // The schema refuses this value by name ("position": must be one of long, flat, short).
    fields.position = positionText;
    return fields;
  }
  fields.position = position.sign > 0 ? 'long' : position.sign < 0 ? 'short' : 'flat';
  const order = decimal(contracts);
  // A reverse: the order is larger than the new position, which lies on the order's side.
  const onOrderSide = action === 'buy' ? position.sign > 0 : position.sign < 0;
  if (order && order.sign > 0 && onOrderSide && compareMagnitudes(order, position) > 0)
    fields.size = position.text.replace(/^[+-]/, '');
  return fields;
}

interface ParsedDecimal {
  sign: -1 | 0 | 1;
  /** the digits before the point, without leading zeros */
  whole: string;
  /** the digits after it, without trailing zeros */
  fraction: string;
  text: string;
}

/**
 * Plain decimal text read exactly (no float, no big.js: the webhook's bundle stays small); an
 * exponent or anything else is left to the schema, which names the field.
 */
function decimal(text: string): ParsedDecimal | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || !DECIMAL.test(text) || !/\d/.test(text) || text.length > 64) return undefined;
  const whole = (m[2] ?? '').replace(/^0+/, '');
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const zero = whole === '' && fraction === '';
  return { sign: zero ? 0 : m[1] === '-' ? -1 : 1, whole, fraction, text };
}

/** |a| compared with |b|: -1, 0 or 1. */
function compareMagnitudes(a: ParsedDecimal, b: ParsedDecimal): number {
  if (a.whole.length !== b.whole.length) return a.whole.length > b.whole.length ? 1 : -1;
  if (a.whole !== b.whole) return a.whole > b.whole ? 1 : -1;
  const width = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(width, '0');
  const fb = b.fraction.padEnd(width, '0');
  return fa === fb ? 0 : fa > fb ? 1 : -1;
}
