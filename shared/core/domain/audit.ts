// Append-only record of every decision the system takes, with its reason and numbers. Each kind of
// event has its own payload type: the producers write it and the notifier, the metrics and the API
// read the same fields, so renaming a field is a compile error, not a silent gap in a message.
// Field names are those the producers have always written (stored events stay readable); money is
// exact decimal text (Decimal).
import type { CheckRecord, Numbers } from '../risk/types';
import type { Intent } from '../signal/types';
import type { HeldPosition } from '../strategies/types';
import { toDecimal, type Decimal } from './money';
import type { OrderLeg, OrderSide } from './order';
import type { PositionSide } from './trade';

export const AUDIT_TYPES = [
  'account.created',
  'account.status',
  'account.token_rotated',
  'signal.accepted',
  'signal.duplicate',
  'signal.rejected',
  'signal.executed',
  'signal.skipped',
  'order.intent',
  'order.sent',
  'order.filled',
  'order.failed',
  'order.adopted',
  'order.canceled',
  'trade.opened',
  'trade.closed',
  /** what one fill or funding settlement added to a trade's fees, funding and P&L (exact decimal text) */
  'trade.booked',
  'protective.triggered',
  'risk.accepted',
  'risk.refused',
  'risk.switch',
  'reconcile',
  'account.control',
  'report.sent',
  'alert',
  /** one question to a language model and its answer (docs/AI.md): the model proposes, never trades */
  'model.asked',
  /** the ensemble's vote on an entry signal (docs/AI.md): proceed, or block with the votes */
  'signal.vote',
  /** a sliced entry (docs/EXECUTION-ALGOS.md) sent all its slices: the filled amount and average price */
  'algo.completed',
  /** a sliced entry ended early: a close, a flatten, the risk engine or a paused account (`reason`) */
  'algo.cancelled',
  /** a funding-arbitrage round opened: both legs sent (docs/FUNDING.md "Live") */
  'arb.entered',
  /** a leg was reduced (reduce-only) to match the other, or unwound whole when the other never filled */
  'arb.rebalanced',
  /** a funding-arbitrage round's exit: both legs closed (`reason`: horizon ended, spread turned, plan disabled…) */
  'arb.exited',
] as const;

export type AuditType = (typeof AUDIT_TYPES)[number];

export type AlertSeverity = 'info' | 'warning' | 'critical';

/** The order an event is about. */
export interface OrderRef {
  clientOrderId: string;
  leg: OrderLeg;
}

/**
 * What a refusal carries besides its code: the error's own numbers (a bound and the value, a
 * margin shortfall, the exchange's code). Open by nature: each error kind names its own.
 */
export type ErrorDetails = Record<string, unknown>;

/** What the risk engine saw for an entry, accepted or refused. */
export interface RiskBase {
  intent: Intent;
  symbol: string;
  equity: Decimal;
  price: number;
  /** the expected fill price the entry was sized at, when the exchange's fill model gives one (paper) */
  fillPrice?: number;
  requestedLeverage: number;
  checks: CheckRecord[];
}

/** A trade opened or closed; `currency` is the market's settle (else quote) currency, the unit of its money. */
export interface TradePayload {
  tradeId: string;
  symbol: string;
  currency?: string;
  realizedPnl: Decimal;
  /** the trade's totals so far: its trade.booked lines add up to these exactly */
  fees?: Decimal;
  funding?: Decimal;
  roiPct?: number;
}

/**
 * One fill or funding settlement applied to a trade (`cause`: the fill's client order id, or
 * "funding"); a trade's fees, funding and realizedPnl are the exact sums of these.
 */
export interface TradeBookedPayload {
  tradeId: string;
  cause: string;
  fee: Decimal;
  funding: Decimal;
  /** price P&L of the quantity this fill closed (0 for an entry or funding) */
  pricePnl: Decimal;
  /** change of the trade's realizedPnl: pricePnl − fee − funding */
  realizedPnl: Decimal;
}

/**
 * The payload of each kind. `| undefined` marks a kind whose producers may write no payload at
 * all; every other kind always carries one.
 */
export interface AuditPayloads {
  /** the exchange-key check's findings, when the keys were checked */
  'account.created': { warnings: string[]; canWithdraw?: boolean; ipRestricted?: boolean } | undefined;
  'account.status': { status: string; by?: string };
  'account.token_rotated': undefined;
  /** a strategy's signal queued (webhook signals are recorded by the signal ledger, not here) */
  'signal.accepted': {
    source: 'strategy';
    subscriptionId: string;
    strategy: string;
    symbol: string;
    timeframe: string;
    intent: Intent;
    candleTime: number;
    close: number;
    held: HeldPosition;
    resent?: true;
  };
  'signal.duplicate': undefined;
  /** intent and symbol when the signal could be read; `receivedAt` for one lost in the local queue */
  'signal.rejected': { code: string; intent?: Intent; symbol?: string; receivedAt?: number } & ErrorDetails;
  'signal.executed': { intent: Intent; symbol: string; orders: string[] };
  'signal.skipped': undefined;
  /** `expectedBps`: the slippage guard turned the market order into an IOC limit */
  'order.intent': OrderRef & { expectedBps?: number };
  /** `from`/`to`: a stop moved from one order to the next */
  'order.sent': OrderRef & { from?: string; to?: string };
  /** `fee` in `feeCurrency` (the exchange's; BNB on Binance when paid in BNB) */
  'order.filled': OrderRef & { fee?: Decimal; feeCurrency?: string; signalPrice?: number };
  /** the send refused (code and its details), or a stop that could not be moved (`error`) */
  'order.failed': Partial<OrderRef> & { code?: string; exchangeCode?: string; error?: string } & ErrorDetails;
  'order.adopted': OrderRef;
  'order.canceled': { clientOrderIds: string[] };
  'trade.opened': TradePayload;
  'trade.closed': TradePayload;
  'trade.booked': TradeBookedPayload;
  /** `symbol` alone: a fill of an order this system did not place */
  'protective.triggered': { clientOrderId: string; symbol?: string; trigger?: string; fill?: string };
  'risk.accepted': RiskBase & { amount: string; leverage: number; mode: string; notional: Decimal };
  'risk.refused': RiskBase & { code: string; numbers: Numbers };
  /** the switch's own numbers (equity, peak, loss…) sit beside its name and kind */
  'risk.switch': { switch: string; kind: 'tripped' | 'reset' | 'expired' } & Numbers;
  /** one finding of the reconciliation; `alerted` when an alert already told the owner */
  reconcile: {
    symbol: string;
    alerted?: true;
    /** a position closed outside the system: its exit */
    quantity?: string;
    price?: string;
    fee?: Decimal;
    estimated?: boolean;
    tradeId?: string;
    /** an external position: what the exchange holds */
    side?: PositionSide | OrderSide;
    entryPrice?: string;
    exchange?: string;
    /** an orphan protective order cancelled */
    clientOrderId?: string;
    leg?: OrderLeg;
    /** a missing stop re-armed or closed through */
    trigger?: string;
    action?: string;
    /** a kill-switch flatten's fill */
    average?: string;
  };
  /** the owner's flatten (its symbols), risk settings (assignments) or a Telegram command */
  /** `setting`: an account setting changed from the CLI (`requireTime`: null = the stage default) */
  'account.control': {
    symbols?: string[];
    assignments?: string[];
    source?: 'telegram';
    chatId?: number | string;
    userId?: number | string;
    command?: string;
    setting?: 'requireTime' | 'defaultMessage' | 'alertTest' | 'ensemble' | 'marketSummary';
    requireTime?: boolean | null;
    /** `ensemble`: the account's filter as now stored, and before (null: never set, off) */
    ensemble?: { enabled: boolean; required?: number; timeframe?: string };
    previousEnsemble?: { enabled: boolean; required?: number; timeframe?: string } | null;
    /** `marketSummary`: the daily report's model-written summary on or off */
    marketSummary?: boolean;
    previous?: boolean | null;
    /** the owner's action from the console or the CLI (control/operator-actions.ts) and who asked */
    /** an OperatorActionName (domain names no capability's types) */
    action?: string;
    by?: { userId: string; email?: string; via: 'console' | 'cli' };
    /** the owner signals the action queued on the account's lane */
    signalIds?: string[];
    symbol?: string;
    percent?: number;
    /** move-stop / move-target: the new trigger, decimal text */
    price?: Decimal;
    clientOrderId?: string;
    force?: boolean;
    name?: string;
    previousName?: string;
    subscriptionId?: string;
    strategy?: string;
    /** `defaultMessage`: TradingView's default strategy message accepted on the account's own URL */
    defaultMessage?: boolean;
    /** `alertTest`: until when the test's one-time token was accepted, and what the test saw (never the token) */
    expiresAt?: number;
    result?: string;
    /** `paper-reset`: the paper wallet before and after, decimal text (a deposit/withdrawal boundary for reports) */
    balance?: Decimal;
    previousBalance?: Decimal;
  };
  'model.asked': ModelAskedPayload;
  /** `decision`: proceed when at least `required` ballots agree with the signal's side, else block */
  'signal.vote': {
    symbol: string;
    intent: Intent;
    decision: 'proceed' | 'block';
    required: number;
    agreeing: number;
    ballots: EnsembleBallot[];
  };
  'algo.completed': AlgoPayload;
  'algo.cancelled': AlgoPayload;
  'arb.entered': ArbEnteredPayload;
  'arb.rebalanced': ArbRebalancedPayload;
  'arb.exited': ArbExitedPayload;
  'report.sent': {
    kind: string;
    from: number;
    to: number;
    startEquity?: Decimal;
    endEquity?: Decimal;
    realizedPnl: Decimal;
    trades: number;
  };
  /**
   * Something the owner must know now. `switch`: the twin of a kill-switch trip (with its numbers);
   * `key`: a finding told once per key; `lostType`: an audit event the table refused.
   */
  alert: {
    severity: AlertSeverity;
    switch?: string;
    key?: string;
    lostType?: AuditType;
    symbol?: string;
    symbols?: string[];
    tradeId?: string;
    side?: PositionSide;
    quantity?: string;
    action?: string;
    trigger?: string;
    clientOrderId?: string;
    leg?: OrderLeg;
    average?: string;
    until?: number;
    exchange?: string;
    book?: string;
  };
}

/** A sliced entry's parent as it ended: what its children filled, at what average price. */
export interface AlgoPayload {
  parentId: string;
  symbol: string;
  kind: string;
  slices: number;
  /** children sent (a slice that filled nothing counts: it was sent) */
  slicesSent: number;
  totalAmount: Decimal;
  filledAmount: Decimal;
  /** fill-weighted average price of the children, absent when nothing filled */
  averagePrice?: Decimal;
  reason?: string;
}

/** A funding-arbitrage round opened (shared/core/funding): the two legs' accounts, side and the decision's figures. */
export interface ArbEnteredPayload {
  planId: string;
  round: number;
  symbol: string;
  /** short-perp: short the plan's first account, long the other; long-perp: the reverse */
  side: 'short-perp' | 'long-perp';
  perpAccountId: string;
  otherAccountId: string;
  /** base amount of each leg */
  amount: Decimal;
  projectedBps: Decimal;
  costBps: Decimal;
  edgeBps: Decimal;
}

/** One leg reduced to match the other (`balance`), or closed whole because the other never filled (`unwind`). */
export interface ArbRebalancedPayload {
  planId: string;
  round: number;
  leg: 'perp' | 'other';
  accountId: string;
  symbol: string;
  amount: Decimal;
  reason: 'balance' | 'unwind';
}

export interface ArbExitedPayload {
  planId: string;
  round: number;
  symbol: string;
  reason: string;
}

/** What one model question cost and how it ended; prompt and answer are kept whole (no secrets go into prompts). */
export interface ModelAskedPayload {
  /** what the question was for: strategy-draft, strategy-improve, strategy-review, market-summary, ensemble-vote */
  purpose: string;
  provider: string;
  model: string;
  /** ok, or why the answer was not used: timeout, invalid-answer, budget-spent, provider-error */
  outcome: string;
  system: string;
  prompt: string;
  /** the raw answer text (absent when none came) */
  answer?: string;
  /** what was wrong with an answer that did not validate: the path and the rule */
  error?: string;
  inputTokens: number;
  outputTokens: number;
  /** estimated cost in USD from the stage's price table, decimal text */
  costUsd: Decimal;
  latencyMs: number;
}

/** One model's vote in the ensemble filter; `abstain` when it timed out or answered nothing usable. */
export interface EnsembleBallot {
  model: string;
  vote: 'long' | 'short' | 'out' | 'abstain';
  reason?: string;
}

interface AuditHeader {
  accountId: string;
  at: number;
  signalId?: string;
  message: string;
}

type PayloadOf<K extends AuditType> = undefined extends AuditPayloads[K]
  ? { data?: Exclude<AuditPayloads[K], undefined> }
  : { data: AuditPayloads[K] };

/** One audit event of kind K, as its producer writes it. */
export type AuditEventOf<K extends AuditType> = AuditHeader & { type: K } & PayloadOf<K>;

/** Any audit event: switch on `type` and its `data` has that kind's fields. */
export type AuditEvent = { [K in AuditType]: AuditEventOf<K> }[AuditType];

/**
 * An audit event as it is read back (repository, table stream). A record written before a field
 * existed may lack it, so every payload field is optional here; `eventId` is its sort key;
 * `unfit` keeps, untouched, any stored field whose value is not of its declared type.
 */
export type StoredAuditEvent = {
  [K in AuditType]: AuditHeader & {
    type: K;
    data?: Partial<Exclude<AuditPayloads[K], undefined>>;
    eventId?: string;
    unfit?: Record<string, unknown>;
  };
}[AuditType];

/**
 * Money for a payload written after the fact it records (a fill already on the exchange): its exact
 * text, or undefined for a value that is no number at all, so that recording it can never fail
 * the steps that must follow (the stop).
 */
export function auditMoney(value: number | Decimal | undefined): Decimal | undefined {
  if (value === undefined) return undefined;
  try {
    return toDecimal(value);
  } catch {
    return undefined;
  }
}

/** A read event of kind K. */
export type StoredAuditEventOf<K extends AuditType> = Extract<StoredAuditEvent, { type: K }>;

/** Narrows read events to one kind, its payload typed: `events.filter(isAuditOf('alert'))`. */
export const isAuditOf =
  <K extends AuditType>(type: K) =>
  (event: StoredAuditEvent): event is StoredAuditEventOf<K> =>
    event.type === type;

/**
 * How a stored field is checked: money is read as exact text (a number from an older record
 * converts); a list of values is the field's whole vocabulary.
 */
type FieldKind = 'string' | 'number' | 'boolean' | 'decimal' | 'strings' | readonly string[];

const SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];
const SWITCH_KINDS: readonly AuditPayloads['risk.switch']['kind'][] = ['tripped', 'reset', 'expired'];

const MONEY: Partial<Record<AuditType, readonly string[]>> = {
  'order.filled': ['fee'],
  'trade.opened': ['realizedPnl', 'fees', 'funding'],
  'trade.closed': ['realizedPnl', 'fees', 'funding'],
  'trade.booked': ['fee', 'funding', 'pricePnl', 'realizedPnl'],
  'risk.accepted': ['equity', 'notional'],
  'risk.refused': ['equity'],
  reconcile: ['fee'],
  'report.sent': ['startEquity', 'endEquity', 'realizedPnl'],
  'model.asked': ['costUsd'],
};

/**
 * The fields checked on read besides money: those a reader acts on (the notifier's templates and
 * filters, the metrics, the risk check's once-per-key alerts). Other declared fields pass as stored.
 */
const FIELDS: Partial<Record<AuditType, Record<string, FieldKind>>> = {
  'order.filled': { clientOrderId: 'string', leg: 'string', feeCurrency: 'string', signalPrice: 'number' },
  'trade.opened': { tradeId: 'string', symbol: 'string', currency: 'string', roiPct: 'number' },
  'trade.closed': { tradeId: 'string', symbol: 'string', currency: 'string', roiPct: 'number' },
  'trade.booked': { tradeId: 'string', cause: 'string' },
  'signal.rejected': { code: 'string', intent: 'string', symbol: 'string' },
  'order.failed': { code: 'string', exchangeCode: 'string', error: 'string' },
  'order.canceled': { clientOrderIds: 'strings' },
  'protective.triggered': { clientOrderId: 'string', symbol: 'string', trigger: 'string', fill: 'string' },
  'risk.refused': { code: 'string', symbol: 'string' },
  'risk.switch': { switch: 'string', kind: SWITCH_KINDS },
  reconcile: { symbol: 'string', alerted: 'boolean' },
  'report.sent': { trades: 'number' },
  'model.asked': { purpose: 'string', outcome: 'string', inputTokens: 'number', outputTokens: 'number' },
  'signal.vote': { decision: ['proceed', 'block'], required: 'number', agreeing: 'number' },
  'algo.completed': { parentId: 'string', symbol: 'string', slices: 'number', slicesSent: 'number' },
  'algo.cancelled': { parentId: 'string', symbol: 'string', reason: 'string' },
  'arb.entered': { planId: 'string', round: 'number', symbol: 'string', amount: 'decimal' },
  'arb.rebalanced': { planId: 'string', round: 'number', leg: ['perp', 'other'], reason: ['balance', 'unwind'] },
  'arb.exited': { planId: 'string', round: 'number', reason: 'string' },
  alert: { severity: SEVERITIES, switch: 'string', key: 'string', lostType: AUDIT_TYPES, action: 'string' },
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAuditType = (v: unknown): v is AuditType =>
  typeof v === 'string' && (AUDIT_TYPES as readonly string[]).includes(v);

/** The value in its declared form, or undefined when it does not fit. */
function fit(kind: FieldKind, value: unknown): unknown {
  if (typeof kind !== 'string') return typeof value === 'string' && kind.includes(value) ? value : undefined;
  switch (kind) {
    case 'string':
      return typeof value === 'string'
        ? value
        : typeof value === 'number' && Number.isFinite(value)
          ? String(value)
          : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'strings':
      return Array.isArray(value) && value.every((s) => typeof s === 'string') ? value : undefined;
    case 'decimal':
      try {
        return (typeof value === 'number' && Number.isFinite(value)) ||
          (typeof value === 'string' && value.trim() !== '')
          ? toDecimal(value)
          : undefined;
      } catch {
        return undefined; // not a number at all
      }
  }
}

/**
 * A stored item as the typed union, tolerant of what older code wrote: a money field stored as a
 * number is read as its exact text; a field the readers rely on whose value has the wrong type
 * moves to `unfit` (kept, not read); fields no type declares stay in `data` as stored. Undefined
 * only for an item that is not an audit event of a known kind (no account, time or type): a reader
 * skips it instead of failing on it.
 */
export function readAuditEvent(item: unknown): StoredAuditEvent | undefined {
  if (!isRecord(item) || typeof item.accountId !== 'string' || typeof item.at !== 'number' || !isAuditType(item.type))
    return undefined;
  const type = item.type;
  const event: Record<string, unknown> = {
    accountId: item.accountId,
    type,
    at: item.at,
    message: typeof item.message === 'string' ? item.message : '',
  };
  if (typeof item.signalId === 'string') event.signalId = item.signalId;
  if (typeof item.eventId === 'string') event.eventId = item.eventId;
  if (isRecord(item.data)) {
    const kinds: Record<string, FieldKind> = {
      ...FIELDS[type],
      ...Object.fromEntries((MONEY[type] ?? []).map((f) => [f, 'decimal' as const])),
    };
    const data: Record<string, unknown> = {};
    const unfit: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(item.data)) {
      const kind = kinds[name];
      const read = kind === undefined || value === undefined ? value : fit(kind, value);
      if (read === undefined && value !== undefined) unfit[name] = value;
      else data[name] = read;
    }
    event.data = data;
    if (Object.keys(unfit).length) event.unfit = unfit;
  } else if (item.data !== undefined) {
    event.unfit = { data: item.data };
  }
  return event as unknown as StoredAuditEvent;
}
