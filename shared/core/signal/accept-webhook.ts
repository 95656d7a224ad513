// The webhook's use case: from a raw HTTP body to a queued, deduplicated signal. The cheap checks
// come first (source IP, size) so that junk costs nothing; authentication comes before the full
// schema so an unauthenticated caller learns nothing about the contract.
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  ForbiddenSourceError,
  PayloadTooLargeError,
  SignalValidationError,
  UnauthorizedError,
  type FieldIssue,
} from '../errors';
import type { AccountLookup, Clock, DedupLedger, SignalQueue } from './ports';
import { canonicalJson, signalIdentity } from './ids';
import { parseSignalBody } from './parse-body';
import { validateSignalFields } from './schema';
import { enqueueSignal, type EnqueueResult } from './enqueue-signal';

export { messageGroupId } from './enqueue-signal';

export interface WebhookRequest {
  body: string;
  sourceIp: string;
  /** the {account} path parameter of POST /webhook/{account} */
  pathAccount?: string;
}

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
}

// Compared against when the account does not exist, so a wrong account id costs the same time.
const DUMMY_HASH = createHash('sha256').update('no-such-account').digest('hex');

export class AcceptWebhook {
  constructor(private readonly deps: AcceptWebhookDeps) {}

  async execute(request: WebhookRequest): Promise<WebhookResult> {
    const { limits, clock } = this.deps;
    if (limits.ipAllowlist.length > 0 && !limits.ipAllowlist.includes(request.sourceIp)) {
      throw new ForbiddenSourceError();
    }
    if (Buffer.byteLength(request.body, 'utf8') > limits.maxBodyBytes) {
      throw new PayloadTooLargeError(limits.maxBodyBytes);
    }
    const receivedAt = clock.now();
    const raw = parseSignalBody(request.body);

    const account = await this.authenticate(raw, request.pathAccount);

    const validated = validateSignalFields(raw, request.pathAccount);
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
    // the retry sends the same signal id with the same dedup id.
    return enqueueSignal(this.deps, account.accountId, identity, receivedAt, (signalId) => ({
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
    }));
  }

  private async authenticate(raw: Record<string, unknown>, pathAccount: string | undefined) {
    const token = typeof raw.token === 'string' ? raw.token : '';
    const accountId = pathAccount ?? (typeof raw.account === 'string' ? raw.account.trim() : '');
    const account =
      accountId && /^[A-Za-z0-9_-]{3,64}$/.test(accountId) ? await this.deps.accounts.get(accountId) : undefined;
    const presented = createHash('sha256').update(token).digest();
    const expected = Buffer.from(account?.webhookTokenHash ?? DUMMY_HASH, 'hex');
    const match = expected.length === presented.length && timingSafeEqual(presented, expected);
    if (!account || !token || !match) throw new UnauthorizedError();
    return account;
  }
}
