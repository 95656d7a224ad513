// One-line messages for sliced entries (algo.completed / algo.cancelled) and funding-arbitrage rounds
// (arb.entered / arb.rebalanced / arb.exited), with the numbers their payloads carry. Kept apart from
// from-audit.ts, which picks the template: these only turn a typed payload into words.
import type { AlgoPayload, ArbEnteredPayload, ArbExitedPayload, ArbRebalancedPayload } from '../domain/audit';
import { Big, type Decimal } from '../domain/money';
import type { NotificationKind, Severity } from './types';

export interface Template {
  kind: NotificationKind;
  severity: Severity;
  title: string;
  lines: string[];
}

/** Digits a price is shown with: enough to read it (64,012.3; 3,500.55; 0.61234), never more than it has. */
const PRICE_SIGNIFICANT = 6;

/**
 * A price as a person reads it: thousands grouped, rounded half up by Big to six significant digits
 * but never to more decimals than the value itself carries (an average of 12 decimals reads 64,012.3).
 */
export function readablePrice(value: Decimal): string {
  let v: Big;
  try {
    v = new Big(value);
  } catch {
    return String(value);
  }
  const full = v.abs().toFixed();
  const [whole = '0', fraction = ''] = full.split('.');
  const wholeDigits = whole === '0' ? 1 : whole.length;
  const decimals = Math.min(fraction.length, Math.max(0, PRICE_SIGNIFICANT - wholeDigits));
  const [w = '0', f] = v.round(decimals, Big.roundHalfUp).toFixed(decimals).split('.');
  const grouped = w.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return f === undefined ? grouped : `${grouped}.${f}`;
}

/** Exact decimal of a stored field, or undefined when absent or unreadable (an old or damaged record). */
function decimalOf(value: unknown): Big | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return new Big(value);
  } catch {
    return undefined;
  }
}

/** What a stored field shows when a record lacks it: a message with a gap, never a thrown notifier. */
const or = (value: string | number | undefined): string => (value === undefined ? '?' : String(value));

/** "5/5 slices, 0.5 filled at 64,012.3" (or "nothing filled"). */
function sliceFigures(d: Partial<AlgoPayload>): string {
  const filled = decimalOf(d.filledAmount);
  const what =
    filled === undefined
      ? 'filled amount unknown'
      : filled.gt(0)
        ? `${filled.toFixed()} filled${d.averagePrice !== undefined ? ` at ${readablePrice(d.averagePrice)}` : ''}`
        : 'nothing filled';
  return `${or(d.slicesSent)}/${or(d.slices)} slices, ${what}`;
}

/**
 * A sliced entry ended: every slice sent (`completed`), or stopped early with its reason
 * (`cancelled`). Both are info: what filled is protected either way, and a cancel is the owner's or
 * the risk engine's own decision, told with its reason.
 */
export function algoTemplate(type: 'algo.completed' | 'algo.cancelled', d: Partial<AlgoPayload> = {}): Template {
  const label = (d.kind ?? 'sliced entry').toUpperCase();
  const filled = decimalOf(d.filledAmount);
  const total = decimalOf(d.totalAmount);
  const asked =
    filled !== undefined && total !== undefined && !filled.eq(total)
      ? [`${filled.toFixed()} of ${total.toFixed()} asked`]
      : [];
  const title = `${or(d.symbol)} ${label} ${type === 'algo.completed' ? 'done' : 'cancelled'}: ${sliceFigures(d)}`;
  return {
    kind: 'sliced_entry',
    severity: 'info',
    title,
    lines: type === 'algo.cancelled' && d.reason ? [...asked, d.reason] : asked,
  };
}

const arbName = (d: { planId?: string; round?: number }): string => `Funding arb ${or(d.planId)} #${or(d.round)}`;

export function arbEnteredTemplate(d: Partial<ArbEnteredPayload> = {}): Template {
  // short-perp: short on the plan's first (perp) account, long on the other; long-perp the reverse.
  const [shortAcc, longAcc] =
    d.side === 'long-perp' ? [d.otherAccountId, d.perpAccountId] : [d.perpAccountId, d.otherAccountId];
  return {
    kind: 'funding_arb',
    severity: 'info',
    title: `${arbName(d)} entered ${or(d.symbol)}: short on ${or(shortAcc)}, long on ${or(longAcc)}, ${or(d.amount)} each`,
    lines:
      d.projectedBps !== undefined && d.costBps !== undefined
        ? [`projected ${d.projectedBps} bps vs cost ${d.costBps} bps (edge ${or(d.edgeBps)} bps)`]
        : [],
  };
}

/** A leg reduced to match the other is routine (info); a leg closed whole because the other never filled is a warning. */
export function arbRebalancedTemplate(d: Partial<ArbRebalancedPayload> = {}): Template {
  const leg = d.leg ?? '?';
  const other = d.leg === 'perp' ? 'other' : d.leg === 'other' ? 'perp' : 'other';
  if (d.reason === 'unwind')
    return {
      kind: 'funding_arb',
      severity: 'warning',
      title: `${arbName(d)} unwound: ${leg} leg on ${or(d.accountId)} closed, ${or(d.amount)} ${or(d.symbol)} (${other} leg never filled)`,
      lines: [],
    };
  return {
    kind: 'funding_arb',
    severity: 'info',
    title: `${arbName(d)} rebalanced: ${leg} leg on ${or(d.accountId)} reduced by ${or(d.amount)} ${or(d.symbol)} to match the ${other} leg`,
    lines: [],
  };
}

export function arbExitedTemplate(d: Partial<ArbExitedPayload> = {}): Template {
  return {
    kind: 'funding_arb',
    severity: 'info',
    title: `${arbName(d)} exited ${or(d.symbol)}: ${or(d.reason)}`,
    lines: [],
  };
}
