// Orders as the system records them: the intent is written before anything is sent, the result
// after. Their key is the deterministic client order id, so a retry finds what an earlier try did.
import type { AlgoTag, ArbTag } from './trade';
import type { Decimal } from './money';

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop_market' | 'take_profit_market' | 'trailing_stop_market';
export type TimeInForce = 'GTC' | 'IOC' | 'PO';

/** Resting conditional orders (stop, target, trailing): exchanges keep them apart from plain orders. */
export const isConditional = (type: OrderType): boolean =>
  type === 'stop_market' || type === 'take_profit_market' || type === 'trailing_stop_market';
/** intent: recorded, not yet confirmed sent; sent: exchange accepted it, outcome open. */
export type OrderStatus = 'intent' | 'open' | 'filled' | 'partially_filled' | 'canceled' | 'rejected';
/** Why the order exists within its signal. */
export type OrderLeg =
  | 'close'
  | 'open'
  | 'reduce'
  | 'sl'
  | 'tp'
  | 'tp2'
  | 'tp3'
  | 'tp4'
  | 'tp5'
  | 'trail'
  | 'flatten'
  /** the owner's stop re-sized to what is left after the owner's partial close (reduce) */
  | 'sl-resize'
  /** the stop moved to break-even after target n */
  | `sl-be${number}`
  /** a missing stop placed again by the reconciliation (n: the book version it saw) */
  | `sl-r${number}`
  /** an emulated trailing stop moved to the trigger n ticks */
  | `trail-${number}`
  /** the trailing stop beside a fixed stop, re-sized to what is left after a partial close */
  | 'trail-resize'
  /** a missing trailing stop (beside a fixed stop) placed again by the reconciliation (n: book version) */
  | `trail-r${number}`
  /** the book follows the exchange: a close or an external position found by the reconciliation */
  | 'reconcile'
  | 'external';

/** sl / tp ladder / breakeven / trail of a signal, kept until the entry they protect has filled. */
export interface PendingProtection {
  sl?: { kind: 'percent' | 'price'; value: number };
  tps: { level: { kind: 'percent' | 'price'; value: number }; sharePct: number }[];
  breakEven: boolean;
  trailPct?: number;
}

export interface OrderRecord {
  accountId: string;
  clientOrderId: string;
  signalId: string;
  leg: OrderLeg;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  reduceOnly: boolean;
  /** requested amount in base units, already rounded down to the market step (decimal string) */
  amount: string;
  triggerPrice?: string;
  /** limit price (limit orders) */
  price?: string;
  timeInForce?: TimeInForce;
  /** trailing distance in percent (trailing_stop_market) */
  trailingPercent?: number;
  /**
   * A resting limit entry's stop/targets, armed by the risk-check job once it fills (the
   * filled amount is known only then). Same shape as the signal's sl/tp/breakeven/trail.
   */
  protection?: PendingProtection;
  status: OrderStatus;
  exchangeOrderId?: string;
  filled?: string;
  averagePrice?: string;
  /** fee in the quote currency (exact decimal text; older records hold a number) */
  fee?: Decimal;
  feeCurrency?: string;
  /**
   * The exchange position on the symbol just before a non-reduce-only order was first sent, signed
   * base units (long +, short -, flat 0). After an unclear send it is one of the proofs that the
   * order did not execute before it may be sent again (client ids are unique only among open orders).
   */
  positionBefore?: string;
  /** the alert's {{close}}, to measure slippage against the fill */
  signalPrice?: number;
  leverage?: number;
  strategy?: string;
  /** a sliced entry's child (docs/EXECUTION-ALGOS.md): booked onto its parent's one trade */
  algo?: AlgoTag;
  /** sent for a funding-arbitrage leg (signal source 'arb'): the trade it opens keeps the tag */
  arb?: ArbTag;
  error?: string;
  /** set once the fill has been applied to the positions/trades book */
  bookedAt?: number;
  createdAt: number;
  updatedAt: number;
}
