// What control needs from the outside: the account repository and the book to read, the risk
// store (kill switches), the audit trail, the key vault and key checker (registration), the
// signal ledger and queue (flatten sends close signals the normal way), the bot's reply channel and
// its one-time confirmation store, and the clock. Files in control/ import ports from here only.
export type {
  AccountLifecycle,
  AccountModelSettings,
  AccountRepository,
  AccountWebhookSettings,
  AuditLog,
  EquitySnapshot,
  OrderRepository,
  PositionBook,
  RiskStore,
  SignalLedger,
  TradeRepository,
} from '../ports/repositories';
export type { Clock, ExchangeKeyChecker, KeyCheckResult, KeyVault, SignalQueue } from '../ports/runtime';
export type { PaperLedgerStore, PaperState } from '../ports/paper';

/**
 * The index of a tenant's accounts (docs/TENANCY.md; the tenants' directory implements it): an
 * account is indexed before it is written, so a crash between leaves an index entry without its
 * account, which every listing skips, never an account its tenant cannot list.
 */
export interface TenantAccountIndex {
  indexAccount(tenantId: string, accountId: string): Promise<void>;
  /** the tenant's account ids (a Query of its own partition, never a Scan) */
  accountIds(tenantId: string): Promise<string[]>;
}

/** One inline-keyboard button: `data` comes back in the callback query (Telegram: at most 64 bytes). */
export interface ReplyButton {
  text: string;
  data: string;
}

/** Where the bot's answers go (the Bot API's sendMessage and answerCallbackQuery). */
export interface TelegramReplies {
  send(chatId: string, text: string, buttons?: ReplyButton[][]): Promise<void>;
  /** stops the button's spinner; `text` shows as a short toast */
  answer(callbackId: string, text?: string): Promise<void>;
}

/** One-time values with a lifetime: `take` returns a live value once and removes it (atomically). */
export interface ConfirmationStore {
  put(key: string, value: string, ttlMs: number): Promise<void>;
  /** the value, once; undefined when unknown, already taken or expired */
  take(key: string): Promise<string | undefined>;
}

/**
 * The tenant's plan on what is about to be opened or added (tenancy/plan-guard.ts PlanGuard
 * satisfies it): throws PlanLimitError naming the limit. Control never asks it for a close, a
 * reduction, a flatten or a pause.
 */
export interface PlanCheck {
  /** one more live account active; `liveInUse`: the tenant's live accounts active now */
  allowLiveAccount(tenantId: string, liveInUse: number): Promise<void>;
  /** one more strategy subscription; `inUse`: the tenant's enabled subscriptions now */
  allowStrategy(tenantId: string, inUse: number): Promise<void>;
}

/** A Telegram user bound to a member of a tenant; `role` is the member's role now (its member item). */
export interface TelegramLink {
  tenantId: string;
  /** the member's user id (Cognito `sub`) */
  userId: string;
  role: 'owner' | 'trader' | 'viewer';
}

/**
 * The Telegram links (docs/TENANCY.md "Telegram"): one-time codes stored by hash, the link of a
 * Telegram user id to a member, and the per-user count of /link attempts. The bot reads a link by
 * the Telegram user id alone: it does not know the tenant before it has read the link.
 */
export interface TelegramLinkStore {
  /** stores a code's hash for the member until expiresAt (epoch ms) */
  putCode(codeHash: string, member: { tenantId: string; userId: string }, expiresAt: number): Promise<void>;
  /** the member a live code was issued for, once (atomically removed); undefined when unknown, used or expired */
  takeCode(codeHash: string, now: number): Promise<{ tenantId: string; userId: string } | undefined>;
  /** adds one attempt to the user's counter of the window starting at windowStart; the count after it */
  countAttempt(telegramUserId: string, windowStart: number): Promise<number>;
  /** binds the Telegram user to the member (replacing either's older link); undefined when the member is gone */
  link(
    telegramUserId: string,
    member: { tenantId: string; userId: string },
    at: number,
  ): Promise<TelegramLink | undefined>;
  /** the member the Telegram user is linked to, with the member's current role; undefined when unlinked or gone */
  resolve(telegramUserId: string): Promise<TelegramLink | undefined>;
  /** removes the Telegram user's link; false when there was none */
  unlink(telegramUserId: string): Promise<boolean>;
}
