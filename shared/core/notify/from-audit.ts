// Which audit events are worth a message, and the message's compact template. The audit log is the
// one source: every function already writes what it decided there, with its numbers, so the
// notifier needs no coupling to the functions (in the cloud it reads the table's stream).
import type { StoredAuditEvent } from '../domain/audit';
import { settleCurrencyOf } from '../domain/currency';
import { Big, type Decimal } from '../domain/money';
import {
  algoTemplate,
  arbEnteredTemplate,
  arbExitedTemplate,
  arbRebalancedTemplate,
  type Template,
} from './algo-arb-templates';
import type { Notification, NotificationKind, Severity } from './types';

/** An audit event as the stream and the repository deliver it (domain/audit.ts). */
export type { StoredAuditEvent };

/** +12.35 / -3.1: a signed amount, at most 2 decimals for money that reads at a glance. */
export function signed(value: number, decimals = 2): string {
  const rounded = Number(value.toFixed(decimals));
  return `${rounded > 0 ? '+' : ''}${rounded.toFixed(decimals)}`;
}

/** The same for exact money: rounded half up by Big, never through a float; "0.00" has no sign. */
export function signedDecimal(value: Decimal, decimals = 2): string {
  const rounded = new Big(value).round(decimals, Big.roundHalfUp);
  return `${rounded.gt(0) ? '+' : ''}${rounded.eq(0) ? rounded.abs().toFixed(decimals) : rounded.toFixed(decimals)}`;
}

function base(
  event: StoredAuditEvent,
  kind: NotificationKind,
  severity: Severity,
  title: string,
  lines: string[] = [],
): Notification {
  const n: Notification = {
    kind,
    severity,
    at: event.at,
    title,
    lines,
    id: event.eventId ?? `${event.accountId}#${event.at}#${event.type}`,
  };
  n.accountId = event.accountId;
  if (event.signalId) n.signalId = event.signalId;
  return n;
}

const fromTemplate = (event: StoredAuditEvent, t: Template): Notification =>
  base(event, t.kind, t.severity, t.title, t.lines);

/** The notification an audit event calls for, or undefined when it is bookkeeping (intents, dedup…). */
export function notificationOf(event: StoredAuditEvent): Notification | undefined {
  switch (event.type) {
    case 'signal.rejected': {
      const d = event.data ?? {};
      const code = d.code ?? 'REJECTED';
      // A refusal by the risk engine has its own, richer event (risk.refused): do not say it twice.
      if (isRiskCode(code)) return undefined;
      return base(
        event,
        'signal_rejected',
        'warning',
        `Signal rejected ${d.symbol ?? ''} ${d.intent ?? ''}: ${code}`.replace(/\s+/g, ' '),
        [event.message],
      );
    }
    case 'order.sent':
      return base(event, 'order_placed', 'info', `Order placed: ${event.message}`);
    case 'order.filled': {
      const fee = event.data?.fee;
      return base(
        event,
        'order_filled',
        'info',
        `Filled: ${event.message}`,
        fee !== undefined ? [`fee ${fee}${event.data?.feeCurrency ? ` ${event.data.feeCurrency}` : ''}`] : [],
      );
    }
    case 'order.failed': {
      const { code, exchangeCode } = event.data ?? {};
      return base(
        event,
        'order_failed',
        'warning',
        `Order failed${code ? ` (${code}${exchangeCode ? `, exchange ${exchangeCode}` : ''})` : ''}`,
        [event.message],
      );
    }
    case 'protective.triggered': {
      const d = event.data ?? {};
      return base(
        event,
        'protective_hit',
        'info',
        event.message.charAt(0).toUpperCase() + event.message.slice(1),
        d.trigger ? [`trigger ${d.trigger}, fill ${d.fill ?? '?'}`] : [],
      );
    }
    case 'trade.closed': {
      const {
        realizedPnl: pnl,
        roiPct: roi,
        currency = event.data?.symbol && settleCurrencyOf(event.data.symbol),
      } = event.data ?? {};
      // The market's own currency (KRW on Upbit), never an assumed one; none named when an old record lacks the market.
      const unit = currency ? ` ${currency}` : '';
      const title =
        pnl !== undefined
          ? `Trade closed: ${signedDecimal(pnl)}${unit}${roi !== undefined ? ` (${signed(roi)} %)` : ''}`
          : 'Trade closed';
      return base(event, 'trade_closed', pnl !== undefined && new Big(pnl).lt(0) ? 'warning' : 'info', title, [
        event.message,
      ]);
    }
    case 'risk.refused':
      return base(
        event,
        'risk_refused',
        'warning',
        `Entry refused by risk: ${event.data?.code ?? ''} ${event.data?.symbol ?? ''}`.trim(),
        [event.message.replace(/^entry refused: /, '')],
      );
    case 'risk.switch': {
      const kind = event.data?.kind ?? 'changed';
      const name = event.data?.switch ?? 'switch';
      const severity: Severity = kind === 'tripped' ? (name === 'drawdown' ? 'critical' : 'warning') : 'info';
      return base(event, 'kill_switch', severity, `Kill switch ${name} ${kind}`, [event.message]);
    }
    case 'reconcile':
      // A finding that also raised an alert is told once, by the alert.
      if (event.data?.alerted === true) return undefined;
      return base(event, 'reconciliation', 'warning', `Reconciliation: ${event.message}`);
    case 'alert':
      // A switch trip writes an alert beside its risk.switch event: told once, as the kill switch.
      if (event.data?.switch !== undefined) return undefined;
      return base(event, 'alert', event.data?.severity ?? 'warning', event.message);
    case 'account.status':
      return base(event, 'alert', 'info', `Account ${event.accountId}: ${event.message}`);
    case 'algo.completed':
    case 'algo.cancelled':
      return fromTemplate(event, algoTemplate(event.type, event.data));
    case 'arb.entered':
      return fromTemplate(event, arbEnteredTemplate(event.data));
    case 'arb.rebalanced':
      return fromTemplate(event, arbRebalancedTemplate(event.data));
    case 'arb.exited':
      return fromTemplate(event, arbExitedTemplate(event.data));
    default:
      return undefined;
  }
}

const RISK_CODES =
  /^(KILL_SWITCH_|LOSS_STREAK|CIRCUIT_BREAKER|LONG_ONLY|MAX_|LEVERAGE_CAP|LIQUIDATION_|CORRELATED|VAR_LIMIT|NEEDS_STOP|KELLY_|NO_MARKET_DATA|BELOW_MIN_AMOUNT|MIN_NOTIONAL)/;
const isRiskCode = (code: string): boolean => RISK_CODES.test(code);

/** The text of one notification as a person reads it: title, then its lines. */
export function renderNotification(n: Notification, options: { withAccount?: boolean } = {}): string {
  const head = `${marker(n.severity)} ${n.title}${options.withAccount && n.accountId ? ` [${n.accountId}]` : ''}`;
  return [head, ...n.lines.filter((l) => l && l !== n.title).map((l) => `  ${l}`)].join('\n');
}

export const marker = (severity: Severity): string =>
  severity === 'critical' ? '🚨' : severity === 'warning' ? '⚠️' : 'ℹ️';
