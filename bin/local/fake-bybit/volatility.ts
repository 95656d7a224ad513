// The options market's historical volatility on the fake Bybit: what a test sets
// (setVolatility) and GET /v5/market/historical-volatility. The route follows Bybit's v5 docs,
// "Get Historical Volatility" (https://bybit-exchange.github.io/docs/v5/market/iv; the example is
// in test/fixtures/exchange/docs/bybit.json): category `option` required; baseCoin default BTC;
// period in days, default 7, one of 7, 14, 21, 30, 60, 90, 180, 270 (the API explorer's list);
// neither startTime nor endTime: the latest hour's reading. The answer is the documented body:
// `category` beside `result`, `result` the rows themselves ({period, value as a fraction in text,
// time as text}), retMsg "SUCCESS". What Bybit answers for a coin without options is not
// documented (unverified): the fake answers no rows.
import { errors } from './errors';
import { param, type Params } from './orders';
import type { BybitState } from './state';

const PERIODS = [7, 14, 21, 30, 60, 90, 180, 270];
const HOUR = 3_600_000;
const DECIMAL = /^\d+(\.\d+)?$/;

export function historicalVolatility(state: BybitState, query: Params): Record<string, unknown> {
  if (param(query, 'category') !== 'option') throw errors.param('category', 'must be option');
  const base = param(query, 'baseCoin') ?? 'BTC';
  const periodText = param(query, 'period') ?? '7';
  const period = Number(periodText);
  if (!PERIODS.includes(period)) throw errors.param('period', `must be one of ${PERIODS.join(', ')}`);
  if (param(query, 'startTime') !== undefined || param(query, 'endTime') !== undefined)
    throw errors.param('startTime', '(fake-bybit serves the latest reading only)');
  const value = state.volatility.get(`${base}:${period}`);
  const hour = Math.floor(state.now() / HOUR) * HOUR;
  return {
    retCode: 0,
    retMsg: 'SUCCESS',
    category: 'option',
    result: value === undefined ? [] : [{ period, value, time: String(hour) }],
  };
}

/** setVolatility: a base coin's historical volatility over `period` days, a fraction as text ("0.92" = 92 %). */
export function setVolatility(state: BybitState, base: string, value: string, period = 7): void {
  if (!DECIMAL.test(value)) throw new Error(`fake-bybit: volatility must be a fraction as decimal text, got ${value}`);
  if (!PERIODS.includes(period))
    throw new Error(`fake-bybit: period must be one of ${PERIODS.join(', ')}, got ${period}`);
  state.volatility.set(`${base}:${period}`, value);
}
