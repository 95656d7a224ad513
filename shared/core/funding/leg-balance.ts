// The two legs of a funding-arbitrage pair as a pure state machine. Two orders go out together; the
// exchange may fill one, both, or parts of each. What must never last is an unhedged leg: once both
// orders are finished (filled, or cancelled/rejected), or once `unwindAfterMs` has passed since the
// pair was sent, the bigger leg is reduced to the smaller one (reduce-only); a single filled leg
// beside an unfilled one is therefore closed whole, an unwind. Actions are computed from the amounts
// already asked for, so evaluating again issues nothing new until a new fill changes the facts.
import { InvalidArgumentError } from '../errors';
import { Big, type Decimal } from '../domain/money';

export type LegId = 'perp' | 'other';
export const LEG_IDS: readonly LegId[] = ['perp', 'other'];

export type LegStatus = 'pending' | 'partially-filled' | 'filled';

export interface LegState {
  /** amount the entry order asked for (base units) */
  target: Decimal;
  /** cumulative filled amount of the entry order */
  filled: Decimal;
  /** the entry order can fill no more (filled, cancelled, rejected, expired) */
  done: boolean;
  /** reduce-only amount already asked for on this leg */
  reduced: Decimal;
  /** a cancel of the entry order's remainder has been asked for */
  cancelIssued: boolean;
}

export interface PairState {
  /** when the two entry orders were sent, epoch ms */
  sentAt: number;
  unwindAfterMs: number;
  legs: Record<LegId, LegState>;
}

export type LegAction =
  | { type: 'cancel'; leg: LegId }
  | { type: 'reduce'; leg: LegId; amount: Decimal; reduceOnly: true; reason: 'balance' | 'unwind' };

export interface Evaluation {
  state: PairState;
  actions: LegAction[];
}

function amount(field: string, value: Big.BigSource): Big {
  let v: Big;
  try {
    v = new Big(value);
  } catch {
    throw new InvalidArgumentError(`${field} must be a decimal amount, got ${String(value)}`);
  }
  if (v.lt(0)) throw new InvalidArgumentError(`${field} must be ≥ 0, got ${v.toString()}`);
  return v;
}

export function openPair(p: {
  perp: Big.BigSource;
  other: Big.BigSource;
  sentAt: number;
  unwindAfterMs: number;
}): PairState {
  if (!Number.isInteger(p.unwindAfterMs) || p.unwindAfterMs <= 0) {
    throw new InvalidArgumentError(`unwindAfterMs must be a positive integer of ms, got ${p.unwindAfterMs}`);
  }
  const leg = (field: LegId, target: Big.BigSource): LegState => {
    const t = amount(`${field} target`, target);
    if (t.eq(0)) throw new InvalidArgumentError(`${field} target must be > 0`);
    return { target: t.toString(), filled: '0', done: false, reduced: '0', cancelIssued: false };
  };
  return {
    sentAt: p.sentAt,
    unwindAfterMs: p.unwindAfterMs,
    legs: { perp: leg('perp', p.perp), other: leg('other', p.other) },
  };
}

export function legStatus(leg: LegState): LegStatus {
  const filled = new Big(leg.filled);
  if (filled.eq(0)) return 'pending';
  return filled.gte(leg.target) ? 'filled' : 'partially-filled';
}

/**
 * The entry order's cumulative fill, as exchanges report it (ccxt `filled`): a repeated or late,
 * smaller report changes nothing, so a fill seen twice is never counted twice.
 */
export function recordFill(state: PairState, leg: LegId, cumulativeFilled: Big.BigSource): PairState {
  const current = state.legs[leg];
  const reported = amount(`${leg} filled`, cumulativeFilled);
  if (reported.lte(current.filled)) return state;
  const done = current.done || reported.gte(current.target);
  return { ...state, legs: { ...state.legs, [leg]: { ...current, filled: reported.toString(), done } } };
}

/** The entry order can fill no more (filled, cancelled, rejected or expired). */
export function recordOrderDone(state: PairState, leg: LegId): PairState {
  const current = state.legs[leg];
  if (current.done) return state;
  return { ...state, legs: { ...state.legs, [leg]: { ...current, done: true } } };
}

/** What the position on a leg is: filled less what has been asked to be reduced. */
export const netAmount = (leg: LegState): Big => new Big(leg.filled).minus(leg.reduced);

/**
 * The actions due at `now`. Before the timeout and while either order can still fill, nothing:
 * a partial fill may yet complete. At the timeout, working orders are cancelled (once each) and the
 * legs are balanced on what has filled; when both orders are done, they are balanced at once.
 */
export function evaluatePair(state: PairState, now: number): Evaluation {
  const timedOut = now >= state.sentAt + state.unwindAfterMs;
  const allDone = LEG_IDS.every((id) => state.legs[id].done);
  if (!timedOut && !allDone) return { state, actions: [] };

  const actions: LegAction[] = [];
  const legs = { ...state.legs };
  for (const id of LEG_IDS) {
    if (!legs[id].done && !legs[id].cancelIssued) {
      actions.push({ type: 'cancel', leg: id });
      legs[id] = { ...legs[id], cancelIssued: true };
    }
  }
  const perp = netAmount(legs.perp);
  const other = netAmount(legs.other);
  if (!perp.eq(other)) {
    const [bigger, smaller] = perp.gt(other) ? (['perp', other] as const) : (['other', perp] as const);
    const excess = netAmount(legs[bigger]).minus(smaller);
    actions.push({
      type: 'reduce',
      leg: bigger,
      amount: excess.toString(),
      reduceOnly: true,
      reason: smaller.eq(0) ? 'unwind' : 'balance',
    });
    legs[bigger] = { ...legs[bigger], reduced: new Big(legs[bigger].reduced).plus(excess).toString() };
  }
  return { state: { ...state, legs }, actions };
}
