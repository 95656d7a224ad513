// The owner's standing order for live funding arbitrage between two perpetuals on two accounts
// (docs/FUNDING.md "Live"). Stored with the first (perp) account's settings, as strategy
// subscriptions are, so the tenant is in its key and the coordinator finds it on the account list.
import type { Decimal } from './money';

export interface ArbPlan {
  /** [a-z0-9-], 1–24 characters: part of every leg's signal id (arb:<planId>:<round>:<leg>) */
  planId: string;
  /** the first leg's account: short when its funding is the higher (side short-perp) */
  perpAccountId: string;
  /** the hedge's account (a second perpetual on another exchange, same owner) */
  otherAccountId: string;
  /** ccxt unified symbol traded on both accounts, e.g. BTC/USDT:USDT */
  symbol: string;
  /** quote amount per leg; each leg's base amount is notional / mark, rounded down to the coarser step */
  notional: Decimal;
  /** how long a round is held at most, ms; also the projection's span */
  horizonMs: number;
  /** settled rates averaged by the projection */
  lookback: number;
  /** taker fee of each leg, bps */
  perpFeeBps: Decimal;
  otherFeeBps: Decimal;
  slippageBps: Decimal;
  exitCostBps: Decimal;
  marginBps: Decimal;
  /** a leg still unfilled after this long is given up and the other reduced to it */
  unwindAfterSeconds: number;
  /** each leg's catastrophe stop, percent from its entry (every open position has a stop) */
  stopPct: number;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** The funding interval assumed when an exchange does not say (8 h: Binance, Bybit, OKX, Bitget default). */
export const ASSUMED_FUNDING_INTERVAL_MS = 8 * 3_600_000;
