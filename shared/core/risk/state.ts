// What the risk engine remembers per account between runs: the trading day's starting equity, the
// equity peak, the kill switches with their last trip and reset, recent prices (circuit breaker),
// recent exchange calls (anomalies) and the best price of emulated trailing stops. One item per
// account, written by the risk-check job with a conditional write on `version`.

import type { Decimal } from '../domain/money';

export type SwitchName = 'daily_loss' | 'drawdown' | 'loss_streak' | 'circuit_breaker';
export const SWITCH_NAMES: readonly SwitchName[] = ['daily_loss', 'drawdown', 'loss_streak', 'circuit_breaker'];

export interface SwitchState {
  tripped: boolean;
  /** epoch ms of the last trip */
  trippedAt?: number;
  /** entries blocked until then (absent while tripped: until the owner resets it) */
  until?: number;
  reason?: string;
  /** the figures that tripped it (loss %, equity, peak, move %…) */
  numbers?: Record<string, number | string>;
  resetAt?: number;
  resetReason?: string;
  /** how many times it has tripped */
  trips: number;
}

export interface PriceSample {
  at: number;
  price: number;
}

export interface ExchangeCall {
  at: number;
  ok: boolean;
  ms: number;
}

export interface TrailMark {
  tradeId: string;
  /** best price since entry: highest for a long, lowest for a short */
  best: number;
}

export interface RiskState {
  accountId: string;
  /** trading day (YYYY-MM-DD in the configured time zone) that dayStartEquity belongs to */
  day?: string;
  /** equities, quote currency (decimal text; states written before exact money hold numbers) */
  dayStartEquity?: Decimal;
  dayStartAt?: number;
  peakEquity?: Decimal;
  peakAt?: number;
  lastEquity?: Decimal;
  lastEquityAt?: number;
  switches: Partial<Record<SwitchName, SwitchState>>;
  /** unified symbol → samples, oldest first, kept for the longest circuit-breaker window */
  priceSamples: Record<string, PriceSample[]>;
  /** the last exchange calls of the risk-check job, oldest first */
  exchangeCalls: ExchangeCall[];
  /** unified symbol → best price of an emulated trailing stop */
  trailing: Record<string, TrailMark>;
  /** optimistic lock: 0 = never written */
  version: number;
  updatedAt: number;
}

export const emptyRiskState = (accountId: string, at = 0): RiskState => ({
  accountId,
  switches: {},
  priceSamples: {},
  exchangeCalls: [],
  trailing: {},
  version: 0,
  updatedAt: at,
});
