// TradingView's default strategy alert message, as a strategy alert sends it when the owner leaves
// the message box alone:
//   "{{strategy.order.action}} @ {{strategy.order.contracts}} filled on {{ticker}}. New strategy position is {{strategy.position_size}}"
// rendered e.g. "buy @ 0.5 filled on BTCUSDT.P. New strategy position is 0.5". It carries no token
// and no account, so it is read only on the account's own URL (the URL carries the secret) and only
// when the account opted in (settings.defaultMessage). The placeholders mean (TradingView, "Strategy
// Alerts", https://www.tradingview.com/support/solutions/43000481368-strategy-alerts/): order.action
// "buy"/"sell" of the filled order, order.contracts its size, position_size the strategy's position
// after it (negative: short).
import { Big } from '../domain/money';
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
  fields.position = position.gt(0) ? 'long' : position.lt(0) ? 'short' : 'flat';
  const order = decimal(contracts);
  if (order && !position.eq(0)) {
    const before = action === 'buy' ? position.minus(order) : position.plus(order);
    const reversed = (before.lt(0) && position.gt(0)) || (before.gt(0) && position.lt(0));
    if (reversed) fields.size = position.abs().toString();
  }
  return fields;
}

function decimal(text: string): Big | undefined {
  if (!DECIMAL.test(text) || !/\d/.test(text) || text.length > 64) return undefined;
  try {
    return new Big(text);
  } catch {
    return undefined;
  }
}
