// Funding on the fake Bybit: what a test sets (setFunding) and GET /v5/market/funding/history.
// The route follows Bybit's v5 docs, "Get Funding Rate History"
// (https://bybit-exchange.github.io/docs/v5/market/history-fund-rate): category and symbol
// required; limit [1, 200], default 200; "Passing only startTime returns an error. Passing only
// endTime returns 200 records up till endTime. Passing neither returns 200 records up till the
// current time." Rows newest first (the docs' example and ccxt's parser, which sorts them), each
// {symbol, fundingRate, fundingRateTimestamp} as text. The error's retCode for startTime alone is
// not documented: the fake answers its params error (10001).
import { Big } from '../../../shared/core/domain/money';
import { errors } from './errors';
import { linear, param, type Params } from './orders';
import type { BybitState } from './state';
import type { FakeBybitFundingSeed } from './types';

const DECIMAL = /^-?\d+(\.\d+)?$/;

function epochMs(query: Params, field: string): number | undefined {
  const text = param(query, field);
  if (text === undefined) return undefined;
  const ms = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(ms)) throw errors.param(field, 'must be epoch ms');
  return ms;
}

export function fundingHistory(state: BybitState, query: Params): Record<string, unknown> {
  linear(query);
  const symbol = state.instrument(param(query, 'symbol')).symbol;
  const limitText = param(query, 'limit');
  const limit = limitText === undefined ? 200 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw errors.param('limit', 'must be an integer in [1, 200]');
  const start = epochMs(query, 'startTime');
  const end = epochMs(query, 'endTime');
  if (start !== undefined && end === undefined) throw errors.param('startTime', 'needs endTime');
  if (start !== undefined && end !== undefined && start > end)
    throw errors.param('startTime', 'must not be after endTime');
  const upTo = end ?? state.now();
  const list = state
    .fundingOf(symbol)
    .history.filter(([time]) => time <= upTo && (start === undefined || time >= start))
    .reverse()
    .slice(0, limit)
    .map(([time, rate]) => ({ symbol, fundingRate: rate, fundingRateTimestamp: String(time) }));
  return { category: 'linear', list };
}

/** setFunding: what is given replaces the symbol's current rate, next funding time or settled history. */
export function setFunding(state: BybitState, symbol: string, seed: FakeBybitFundingSeed): void {
  const inst = state.instrument(symbol);
  if (seed.rate !== undefined && !DECIMAL.test(seed.rate))
    throw new Error(`fake-bybit: rate must be decimal text, got ${seed.rate}`);
  const next = seed.nextFundingTime;
  if (next !== undefined && (!Number.isSafeInteger(next) || next < 0))
    throw new Error(`fake-bybit: nextFundingTime must be epoch ms ≥ 0, got ${next}`);
  for (const [time, rate] of seed.history ?? []) {
    if (!Number.isSafeInteger(time) || time < 0)
      throw new Error(`fake-bybit: funding time must be epoch ms, got ${time}`);
    if (!DECIMAL.test(rate)) throw new Error(`fake-bybit: funding rate must be decimal text, got ${rate}`);
  }
  const funding = state.fundingOf(inst.symbol);
  if (seed.rate !== undefined) funding.rate = seed.rate;
  if (next !== undefined) funding.nextFundingTime = next;
  if (seed.history) funding.history = [...seed.history].sort((a, b) => a[0] - b[0]);
}

/** chargeFunding's settlement joins the history, as the exchange's would. */
export function recordSettlement(state: BybitState, symbol: string, time: number, rate: string): void {
  state.fundingOf(symbol).history.push([time, new Big(rate).toString()]);
}
