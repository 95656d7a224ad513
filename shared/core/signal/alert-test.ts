// `alert test`: one sample alert through the real webhook, over HTTP, and what became of it —
// refused (with the webhook's own reason), queued, executed (with its orders) or rejected by the
// executor — read from the webhook's answer, the alert log and the signal ledger until a final
// state or the timeout. The CLI and the console do not hold the account's token (it is shown once
// and only its hash is stored), and the test must not weaken the webhook: it stores the hash of a
// random one-time token on the account (accepted by the webhook for TOKEN_LIFETIME_MS at most),
// sends the alert with it, and clears it as soon as the answer is in. Both steps are audited; the
// token itself is never stored, printed or audited. The HTTP sender is injected (the CLI's fetch,
// the console API's).
import { createHash, randomBytes } from 'node:crypto';
import type { Account } from '../domain/account';
import type { OrderRecord } from '../domain/order';
import { InvalidArgumentError, NotFoundError } from '../errors';
import type { AlertLog, AlertRecord, AuditLog, Clock, OrderRepository, SignalLedger, SignalRecord } from './ports';

/** POSTs a body to a URL and returns the status and the body text (no redirects, a timeout of its own). */
export type AlertSender = (url: string, body: string) => Promise<{ status: number; body: string }>;

export interface AlertTesterDeps {
  accounts: {
    get(accountId: string): Promise<Pick<Account, 'accountId' | 'exchange'> | undefined>;
    setAlertTest(
      accountId: string,
      test: { tokenHash: string; expiresAt: number } | undefined,
      at: number,
    ): Promise<void>;
  };
  alerts: Pick<AlertLog, 'list'>;
  signals: Pick<SignalLedger, 'getSignal'>;
  orders: Pick<OrderRepository, 'listByAccount'>;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
  send: AlertSender;
  /** the stage's webhook URL (…/webhook): the test posts there, the account and token in the body */
  webhookUrl: string;
  sleep?: (ms: number) => Promise<void>;
}

export type AlertTestOutcome = 'refused' | 'queued' | 'executed' | 'rejected' | 'duplicate';

export interface AlertTestResult {
  accountId: string;
  /** the alert as sent, its token replaced by "(one-time test token)" */
  sent: Record<string, unknown>;
  httpStatus: number;
  outcome: AlertTestOutcome;
  /** refused: the webhook's answer; rejected: the executor's reason */
  reason?: string;
  signalId?: string;
  signalStatus?: SignalRecord['status'];
  /** executed: the orders the signal placed */
  orders?: Pick<
    OrderRecord,
    'clientOrderId' | 'leg' | 'side' | 'type' | 'amount' | 'status' | 'filled' | 'averagePrice' | 'triggerPrice'
  >[];
  /** the alert log's record of the call */
  alert?: AlertRecord;
  /** false: the signal had not reached a final state within the timeout (it may still) */
  final: boolean;
}

/** How long the one-time token lives at most: the test clears it as soon as the answer is in. */
export const TOKEN_LIFETIME_MS = 5 * 60_000;
const POLL_MS = 500;
/** the webhook reads an account past its cache at most once a second: a 401 is tried again after it */
const RETRY_401_MS = 1_100;
const SENDS = 3;

/** A paper account's sample: a small long with its stop (5 % of equity as margin clears the default minimum notional of 100), so the whole path (fill, stop) is shown. */
export const SAMPLE_ALERT = { action: 'long', symbol: 'BTCUSDT.P', size: '5%', sl: '2%' } as const;

export class AlertTester {
  constructor(private readonly deps: AlertTesterDeps) {}

  /**
   * `body`: the alert to send (a JSON object without `token`); absent: SAMPLE_ALERT, on paper
   * accounts only, because a live account's test alert trades for real.
   */
  async execute(input: { accountId: string; body?: string; timeoutMs?: number }): Promise<AlertTestResult> {
    const { deps } = this;
    const account = await deps.accounts.get(input.accountId);
    if (!account) throw new NotFoundError('account', `no account ${input.accountId}`);
    const alert = this.alertBody(account, input.body);

    const token = randomBytes(24).toString('base64url');
    const issuedAt = deps.clock.now();
    const expiresAt = issuedAt + TOKEN_LIFETIME_MS;
    await deps.accounts.setAlertTest(account.accountId, { tokenHash: sha256(token), expiresAt }, issuedAt);
    await deps.audit.append({
      accountId: account.accountId,
      type: 'account.control',
      at: issuedAt,
      message: `alert test: a one-time token accepted until ${new Date(expiresAt).toISOString()}`,
      data: { setting: 'alertTest', expiresAt },
    });

    let answer: { status: number; body: string };
    try {
      answer = await this.sendWithToken(JSON.stringify({ ...alert, token }));
    } finally {
      // Cleared however the send ended: the token is good for this one call.
      await deps.accounts.setAlertTest(account.accountId, undefined, deps.clock.now());
    }
    const result = await this.follow(account.accountId, alert, answer, issuedAt, input.timeoutMs ?? 30_000);
    await deps.audit.append({
      accountId: account.accountId,
      type: 'account.control',
      at: deps.clock.now(),
      message: `alert test: ${result.outcome}${result.reason ? ` (${result.reason})` : ''}; one-time token cleared`,
      data: { setting: 'alertTest', expiresAt, result: result.outcome },
    });
    return result;
  }

  private alertBody(account: Pick<Account, 'accountId' | 'exchange'>, body: string | undefined) {
    let alert: Record<string, unknown>;
    if (body === undefined) {
      if (account.exchange !== 'paper')
        throw new InvalidArgumentError(
          `body is required on a live account (${account.exchange}): a test alert trades for real; give the alert to send`,
        );
      alert = { ...SAMPLE_ALERT };
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new InvalidArgumentError('body must be a JSON object (the alert message, without token)');
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new InvalidArgumentError('body must be a JSON object (the alert message, without token)');
      alert = parsed as Record<string, unknown>;
      if ('token' in alert)
        throw new InvalidArgumentError('body must not carry a token: the test adds a one-time token');
      if (alert.account !== undefined && alert.account !== account.accountId)
        throw new InvalidArgumentError(`body's account must be ${account.accountId} or absent`);
    }
    // A fresh id, so a second test is a new alert rather than a duplicate of the first.
    return { ...alert, account: account.accountId, id: alert.id ?? `alert-test-${randomBytes(6).toString('hex')}` };
  }

  /** A 401 may be a warm webhook that read the account before the token was stored: tried again past its refresh. */
  private async sendWithToken(body: string): Promise<{ status: number; body: string }> {
    let answer = await this.deps.send(this.deps.webhookUrl, body);
    for (let i = 1; i < SENDS && answer.status === 401; i++) {
      await this.sleep(RETRY_401_MS);
      answer = await this.deps.send(this.deps.webhookUrl, body);
    }
    return answer;
  }

  private async follow(
    accountId: string,
    alert: Record<string, unknown>,
    answer: { status: number; body: string },
    since: number,
    timeoutMs: number,
  ): Promise<AlertTestResult> {
    const { deps } = this;
    const sent = { ...alert, token: '(one-time test token)' };
    const reply = parseReply(answer.body);
    const base = { accountId, sent, httpStatus: answer.status };
    if (answer.status !== 200 && answer.status !== 202) {
      const alertRecord = await this.findAlert(accountId, since, (a) => a.outcome === 'refused');
      return {
        ...base,
        outcome: 'refused',
        reason: alertRecord?.reason ?? replyReason(reply),
        ...(alertRecord ? { alert: alertRecord } : {}),
        final: true,
      };
    }
    const signalId = typeof reply.signalId === 'string' ? reply.signalId : undefined;
    if (!signalId)
      return { ...base, outcome: 'refused', reason: 'the webhook answered without a signal id', final: true };
    const deadline = deps.clock.now() + timeoutMs;
    let signal = await deps.signals.getSignal(accountId, signalId);
    while ((!signal || (signal.status !== 'executed' && signal.status !== 'rejected')) && deps.clock.now() < deadline) {
      await this.sleep(POLL_MS);
      signal = await deps.signals.getSignal(accountId, signalId);
    }
    const alertRecord = await this.findAlert(accountId, since, (a) => a.signalId === signalId);
    const common = {
      ...base,
      signalId,
      ...(signal ? { signalStatus: signal.status } : {}),
      ...(alertRecord ? { alert: alertRecord } : {}),
    };
    if (signal?.status === 'executed') {
      const orders = (await deps.orders.listByAccount(accountId, 50))
        .filter((o) => o.signalId === signalId)
        .map((o) => ({
          clientOrderId: o.clientOrderId,
          leg: o.leg,
          side: o.side,
          type: o.type,
          amount: o.amount,
          status: o.status,
          ...(o.filled !== undefined ? { filled: o.filled } : {}),
          ...(o.averagePrice !== undefined ? { averagePrice: o.averagePrice } : {}),
          ...(o.triggerPrice !== undefined ? { triggerPrice: o.triggerPrice } : {}),
        }));
      return { ...common, outcome: 'executed', orders, final: true };
    }
    if (signal?.status === 'rejected')
      return { ...common, outcome: 'rejected', reason: signal.outcome ?? 'rejected', final: true };
    return { ...common, outcome: reply.status === 'duplicate' ? 'duplicate' : 'queued', final: false };
  }

  /** The alert log's record of this call: the newest since the test began that fits. */
  private async findAlert(accountId: string, since: number, fits: (a: AlertRecord) => boolean) {
    const page = await this.deps.alerts.list(accountId, { from: since - 60_000, limit: 20 });
    return page.items.find(fits);
  }

  private sleep(ms: number): Promise<void> {
    return this.deps.sleep ? this.deps.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
  }
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function parseReply(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The webhook's refusal as its body says it (issues, message or error code). */
function replyReason(reply: Record<string, unknown>): string {
  const issues = Array.isArray(reply.issues) ? (reply.issues as { field?: string; message?: string }[]) : [];
  if (issues.length) return issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  if (typeof reply.message === 'string') return reply.message;
  return typeof reply.error === 'string' ? reply.error : 'refused';
}
