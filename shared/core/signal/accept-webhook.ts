// The webhook's use case: from a raw HTTP body to a queued, deduplicated signal. The cheap checks
// come first (source IP, size) so that junk costs nothing; authentication comes before the full
// schema so an unauthenticated caller learns nothing about the contract. Every call for a known
// account (accepted, duplicate or refused, a wrong token included) goes to the alert log, so the
// owner can see what became of an alert TradingView says it sent; calls naming no known account
// are not recorded (a stranger cannot fill the table).
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  ForbiddenSourceError,
  MalformedSignalError,
  PayloadTooLargeError,
  SignalValidationError,
  UnauthorizedError,
  type FieldIssue,
} from '../errors';
import type { AccountLookup, AlertRecord, AlertRecorder, Clock, DedupLedger, SignalQueue } from './ports';
import { canonicalJson, signalIdentity } from './ids';
import { parseSignalBody } from './parse-body';
import { algoSpecOf, validateSignalFields } from './schema';
import { enqueueSignal, type EnqueueResult } from './enqueue-signal';
import { readDefaultStrategyMessage } from './tradingview-default';

export { messageGroupId } from './enqueue-signal';

export interface WebhookRequest {
  body: string;
  sourceIp: string;
  /** the {account} path parameter of POST /webhook/{account} */
  pathAccount?: string;
  /**
   * the {secret} path parameter of POST /webhook/{account}/{secret}: the account's webhook token
   * in the URL (the account's own URL), so a body without a token (TradingView's default strategy
   * message) can be authenticated. Never logged.
   */
  pathSecret?: string;
  /** the gateway's request id: with the receive time, the alert log's key */
  requestId?: string;
}

/** How a refused call was answered, as the alert log keeps it: the caller's own text. */
export interface AlertRefusal {
  httpStatus: number;
  code: string;
  field?: string;
  reason: string;
}

/** What the webhook answers an accepted (new) signal and a duplicate (functions/webhook/app.ts). */
export const ACCEPTED_STATUS = 202;
export const DUPLICATE_STATUS = 200;

export interface WebhookLimits {
  maxBodyBytes: number;
  maxSignalAgeMs: number;
  maxFutureSkewMs: number;
  dedupTtlMs: number;
  /** empty: every source allowed */
  ipAllowlist: readonly string[];
  /** refuse alerts without `time` unless the account's `requireTime` says otherwise (absent: false) */
  requireTime?: boolean;
}

export type WebhookResult = EnqueueResult;

export interface AcceptWebhookDeps {
  accounts: AccountLookup;
  ledger: DedupLedger;
  queue: SignalQueue;
  clock: Clock;
  limits: WebhookLimits;
  /** the alert log; absent: nothing recorded */
  alerts?: AlertRecorder;
  /** the HTTP answer an error becomes (shared/platform/http.ts), for the refused call's record */
  describeRefusal?: (error: unknown) => AlertRefusal;
  /** how long the answer may wait for the alert log's write (default 300 ms); past it the answer goes */
  alertBudgetMs?: number;
}

/** What the call revealed so far: the account once it is known to exist, and what the body said. */
interface Seen {
  receivedAt: number;
  accountId?: string;
  format?: 'json' | 'text' | 'tradingview-default';
  action?: string;
  symbol?: string;
  /** the accepted call's record, being written while the signal is sent */
  pending?: Promise<void>;
}

const DEFAULT_ALERT_BUDGET_MS = 300;

// Compared against when the account does not exist, so a wrong account id costs the same time.
const DUMMY_HASH = createHash('sha256').update('no-such-account').digest('hex');

export class AcceptWebhook {
  constructor(private readonly deps: AcceptWebhookDeps) {}

  async execute(request: WebhookRequest): Promise<WebhookResult> {
    const { limits, clock } = this.deps;
    // A source outside the allowlist is refused before anything is read or recorded.
    if (limits.ipAllowlist.length > 0 && !limits.ipAllowlist.includes(request.sourceIp)) {
      throw new ForbiddenSourceError();
    }
    const seen: Seen = { receivedAt: clock.now() };
    try {
      const result = await this.accept(request, seen);
      if (seen.pending) await this.withinBudget(seen.pending);
      return result;
    } catch (error) {
      await this.withinBudget(this.recordRefusal(request, seen, error));
      throw error;
    }
  }

  private async accept(request: WebhookRequest, seen: Seen): Promise<WebhookResult> {
    const { limits } = this.deps;
    if (Buffer.byteLength(request.body, 'utf8') > limits.maxBodyBytes) {
      throw new PayloadTooLargeError(limits.maxBodyBytes);
    }
    const receivedAt = seen.receivedAt;
    const defaultMessage = readDefaultStrategyMessage(request.body);
    if (defaultMessage && request.pathSecret === undefined) {
      throw new MalformedSignalError(
        "TradingView's default strategy message is read only on the account's own URL (/webhook/<account>/<token>)",
      );
    }
    const raw = defaultMessage ?? parseSignalBody(request.body);
    seen.format = defaultMessage ? 'tradingview-default' : request.body.trim().startsWith('{') ? 'json' : 'text';
    seen.action = shortText(raw.action, 32);
    seen.symbol = shortText(raw.symbol, 64);

    const account = await this.authenticate(raw, request, seen);
    if (defaultMessage && !account.settings.defaultMessage) {
      throw new SignalValidationError([
        {
          field: 'message',
          message: `TradingView's default strategy message is off for this account (npm run cli -- account set ${account.accountId} --default-message on)`,
        },
      ]);
    }

    // On the account's own URL the token is the URL's: the body need not carry one.
    const withToken =
      request.pathSecret !== undefined && raw.token === undefined ? { ...raw, token: request.pathSecret } : raw;
    const validated = validateSignalFields(withToken, request.pathAccount);
    if (!validated.ok) throw new SignalValidationError(validated.issues);
    const { fields, symbol } = validated.value;
    const intent = validated.value.intentResult.ok ? validated.value.intentResult.intent : undefined;
    if (!intent) throw new SignalValidationError([{ field: 'action', message: 'cannot be resolved' }]);

    const issues: FieldIssue[] = [];
    const maxLeverage = account.settings.maxLeverage;
    if (fields.leverage !== undefined && fields.leverage > maxLeverage) {
      issues.push({ field: 'leverage', message: `exceeds this account's cap of ${maxLeverage}` });
    }
    // Without a fire time nothing refuses a captured body once its dedup record has expired (5
    // minutes without an id, DEDUP_TTL with one): requiring it puts the stale guard on every alert.
    if (fields.time === undefined && (account.settings.requireTime ?? limits.requireTime)) {
      issues.push({ field: 'time', message: 'required by this account: add "time":"{{timenow}}"' });
    }
    if (fields.time !== undefined) {
      if (fields.time < receivedAt - limits.maxSignalAgeMs) {
        issues.push({
          field: 'time',
          message: `stale: fired ${Math.round((receivedAt - fields.time) / 1000)} s ago, limit ${limits.maxSignalAgeMs / 1000} s`,
        });
      } else if (fields.time > receivedAt + limits.maxFutureSkewMs) {
        issues.push({
          field: 'time',
          message: `in the future by ${Math.round((fields.time - receivedAt) / 1000)} s, limit ${limits.maxFutureSkewMs / 1000} s`,
        });
      }
    }
    if (issues.length) throw new SignalValidationError(issues);

    const canonical = canonicalJson({
      ...fields,
      token: undefined,
      account: account.accountId,
      symbol: symbol.unified,
      action: fields.action,
    });
    const identity = signalIdentity(
      account.accountId,
      canonical,
      fields.id,
      fields.time !== undefined,
      limits.dedupTtlMs,
    );

    // A failed send propagates (HTTP 5xx): TradingView retries, the record says 'received', and
    // the retry sends the same signal id with the same dedup id. The alert log's write starts once
    // the claim says what the call is, beside the send (a failed send rewrites it as refused).
    const onClaim = (outcome: 'accepted' | 'duplicate', signalId: string) => {
      seen.pending = this.record(request, seen, {
        outcome,
        httpStatus: outcome === 'accepted' ? ACCEPTED_STATUS : DUPLICATE_STATUS,
        signalId,
      });
    };
    return enqueueSignal(
      this.deps,
      account.accountId,
      identity,
      receivedAt,
      (signalId) => ({
        v: 1,
        signalId,
        accountId: account.accountId,
        intent,
        symbol,
        receivedAt,
        source: 'webhook',
        // Absent fields stay undefined here: the queue and the ledger carry the signal as JSON, which drops them.
        size: fields.size,
        leverage: fields.leverage,
        sl: fields.sl,
        tp: fields.tp?.[0]?.level,
        tpLevels: fields.tp && fields.tp.length > 1 ? fields.tp : undefined,
        breakEven: fields.breakeven,
        trailPct: fields.trail,
        order:
          fields.type === 'limit' && fields.limit
            ? { type: 'limit', limit: fields.limit, timeInForce: fields.tif }
            : undefined,
        strategy: fields.strategy,
        alertId: fields.id,
        firedAt: fields.time,
        signalPrice: fields.price,
        algo: algoSpecOf(fields),
      }),
      onClaim,
    );
  }

  /**
   * The token is the URL's secret on the account's own URL, else the body's `token`. It matches the
   * account's token hash, or an alert test's one-time token while it lives; both are compared every
   * time, in constant time. A mismatch reads the account once more past the cache (a token rotated,
   * or a test token stored a moment ago) before it is refused.
   */
  private async authenticate(raw: Record<string, unknown>, request: WebhookRequest, seen: Seen) {
    const token = request.pathSecret ?? (typeof raw.token === 'string' ? raw.token : '');
    const accountId = request.pathAccount ?? (typeof raw.account === 'string' ? raw.account.trim() : '');
    const valid = accountId !== '' && ACCOUNT_ID.test(accountId);
    let account = valid ? await this.deps.accounts.get(accountId) : undefined;
    const presented = createHash('sha256').update(token).digest();
    let match = account !== undefined && this.matches(presented, account, seen.receivedAt);
    if (account && !match && this.deps.accounts.refresh) {
      account = await this.deps.accounts.refresh(accountId);
      match = account !== undefined && this.matches(presented, account, seen.receivedAt);
    }
    if (!account) this.matches(presented, undefined, seen.receivedAt);
    // Known from here: even a wrong token is the owner's to see ("my alert did nothing").
    if (account) seen.accountId = account.accountId;
    if (!account || !token || !match) throw new UnauthorizedError();
    return account;
  }

  private matches(
    presented: Buffer,
    account: { webhookTokenHash: string; alertTest?: { tokenHash: string; expiresAt: number } } | undefined,
    now: number,
  ): boolean {
    const expected = Buffer.from(account?.webhookTokenHash ?? DUMMY_HASH, 'hex');
    const test = account?.alertTest;
    const testHash = Buffer.from(test && test.expiresAt > now ? test.tokenHash : DUMMY_HASH, 'hex');
    const own = expected.length === presented.length && timingSafeEqual(presented, expected);
    const tested = testHash.length === presented.length && timingSafeEqual(presented, testHash);
    return (own || tested) && account !== undefined;
  }

  /** A refused call for an account that exists (looked up now if the refusal came before). */
  private async recordRefusal(request: WebhookRequest, seen: Seen, error: unknown): Promise<void> {
    if (!this.deps.alerts || !this.deps.describeRefusal) return;
    // An accepted record being written for this call must land first: this one replaces it.
    if (seen.pending) await seen.pending;
    if (!seen.accountId) {
      const id = request.pathAccount;
      if (id === undefined || !ACCOUNT_ID.test(id)) return;
      // Refused before authentication (size, an unreadable body): known only if the URL names it.
      const account = await this.deps.accounts.get(id).catch(() => undefined);
      if (!account) return;
      seen.accountId = account.accountId;
    }
    const refusal = this.deps.describeRefusal(error);
    await this.record(request, seen, {
      outcome: 'refused',
      httpStatus: refusal.httpStatus,
      code: refusal.code,
      ...(refusal.field !== undefined ? { field: refusal.field } : {}),
      reason: refusal.reason.slice(0, 1000),
    });
  }

  private record(
    request: WebhookRequest,
    seen: Seen,
    outcome: Pick<AlertRecord, 'outcome' | 'httpStatus' | 'code' | 'field' | 'reason' | 'signalId'>,
  ): Promise<void> {
    const { alerts } = this.deps;
    if (!alerts || !seen.accountId) return Promise.resolve();
    const requestId = request.requestId ?? `r${seen.receivedAt}`;
    const alert: AlertRecord = {
      accountId: seen.accountId,
      alertKey: `${String(seen.receivedAt).padStart(13, '0')}#${requestId}`,
      receivedAt: seen.receivedAt,
      requestId,
      ...outcome,
      ...(seen.action !== undefined ? { action: seen.action } : {}),
      ...(seen.symbol !== undefined ? { symbol: seen.symbol } : {}),
      ...(seen.format !== undefined ? { format: seen.format } : {}),
      ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
    };
    // The port swallows its own failures; this catch keeps a broken adapter from failing the answer.
    return alerts.record(alert).catch(() => undefined);
  }

  /** Waits for the write at most alertBudgetMs: the answer (and TradingView's 3 s) comes first. */
  private async withinBudget(write: Promise<void>): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.deps.alertBudgetMs ?? DEFAULT_ALERT_BUDGET_MS);
      timer.unref?.();
    });
    try {
      await Promise.race([write.catch(() => undefined), budget]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const ACCOUNT_ID = /^[A-Za-z0-9_-]{3,64}$/;

/** What the body said a field was, kept only when short printable ASCII (never the token: not read). */
function shortText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text.length > 0 && text.length <= max && /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}
