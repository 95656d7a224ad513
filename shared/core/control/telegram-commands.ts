// The owner's Telegram commands: read the accounts (/status, /positions, /pnl), pause and resume
// them, and flatten them after an explicit confirmation. A command counts only from someone the bot
// knows, and acts on that person's tenant with that person's role (docs/TENANCY.md "Telegram"):
// - a linked Telegram user (/link CODE, in a private chat with the bot) is the member they linked
//   to: their tenant's accounts only, their role's commands only; they are obeyed in their private
//   chat (and, for the first tenant's members, in the allow-listed chats);
// - an unlinked sender on both allow lists (chat and user, the deployment's config) is the first
//   tenant's owner, as before tenancy (single-owner deployments are unchanged);
// - anyone else is told, in a private chat, how to link; in any other chat nothing is said (no reply
//   there tells a stranger the bot exists).
// /flatten never acts at once: it shows what would be closed and two buttons carrying a one-time
// code kept for two minutes; only the press of the person who asked, in the same chat, runs
// AccountControl.flatten. /resume of an account its kill switch disabled is a money move that needs
// a second factor, which Telegram cannot prove: refused, with where to do it.
import { randomBytes } from 'node:crypto';
import type { Account } from '../domain/account';
import { can, FIRST_TENANT_ID, tenantOfAccount, type Capability, type TenantRole } from '../domain/tenant';
import { Big, type Decimal } from '../domain/money';
import type { BookPosition, TradeRecord } from '../domain/trade';
import { isOpen } from '../domain/trade-math';
import type {
  AccountRepository,
  AuditLog,
  Clock,
  ConfirmationStore,
  EquitySnapshot,
  PlanCheck,
  PositionBook,
  ReplyButton,
  RiskStore,
  TelegramLinkStore,
  TelegramReplies,
  TradeRepository,
} from './ports';
import { redeemLinkCode, LINK_CODE_LENGTH, type LinkOutcome } from './telegram-link';
import { SWITCH_NAMES } from '../risk/state';
import type { AccountControl } from './account-control';
import { AccountInputError } from './accounts';
import { PlanLimitError } from '../errors';
import type { RiskReport } from '../reporting/risk-report';

/** The parts of a Telegram Update the bot reads (https://core.telegram.org/bots/api#update). */
export interface TelegramUpdate {
  update_id?: number;
  message?: TelegramMessage;
  callback_query?: TelegramCallbackQuery;
}

export interface TelegramMessage {
  message_id?: number;
  chat?: { id: number | string; type?: string };
  from?: { id: number; username?: string };
  text?: string;
}

export interface TelegramCallbackQuery {
  id: string;
  from?: { id: number; username?: string };
  message?: TelegramMessage;
  data?: string;
}

/** What the bot reads and acts through for one tenant: every account it lists or names is that tenant's. */
export interface TelegramScope {
  accounts: Pick<AccountRepository, 'get' | 'list'>;
  positions: Pick<PositionBook, 'list'>;
  trades: Pick<TradeRepository, 'listByAccount'>;
  risk: Pick<RiskStore, 'listSnapshots'>;
  audit: Pick<AuditLog, 'append'>;
  control: Pick<AccountControl, 'pause' | 'resume' | 'flatten'>;
  report: Pick<RiskReport, 'show'>;
  /**
   * The tenant's plan: a paused live account turned back on by /resume takes a live slot, checked
   * as the console's resume and enable check it. Absent: no plan is held (as before plans).
   */
  plans?: Pick<PlanCheck, 'allowLiveAccount'>;
}

/** The flat fields are the first tenant's scope (the allow-listed owner's). */
export interface TelegramCommandsDeps extends TelegramScope {
  /** chat ids (as strings; groups are negative) where the allow-listed owner is obeyed */
  allowedChatIds: readonly string[];
  /** user ids (as strings) obeyed inside those chats as the first tenant's owner, when not linked */
  allowedUserIds: readonly string[];
  clock: Clock;
  replies: TelegramReplies;
  /** the links of Telegram users to members; without it only the allow lists count (as before tenancy) */
  links?: TelegramLinkStore;
  /** each tenant's scope (the first tenant's included); without it only the first tenant is served */
  scopeOf?: (tenantId: string) => TelegramScope;
  confirmations: ConfirmationStore;
  /** the bot's username: `/status@otherbot` in a group is then left to the other bot */
  botUsername?: string;
  /** the one-time code of a confirmation (default: 96 random bits, base64url) */
  newCode?: () => string;
  /** how long a /flatten confirmation stays valid (default 2 minutes) */
  confirmTtlMs?: number;
}

/** What one update led to, for the function's log (never the message text). */
export type TelegramOutcome =
  | {
      kind: 'ignored';
      reason: 'chat_not_allowed' | 'user_not_allowed' | 'not_a_command' | 'other_bot' | 'unsupported_update';
    }
  | {
      kind: 'command';
      chatId: string;
      command: string;
      /** the tenant it ran for, when the sender was known */
      tenantId?: string;
      /** refused before it ran: not linked, the role lacks the capability, or a second factor is needed */
      refused?: 'unlinked' | 'forbidden_role' | 'second_factor_required' | 'private_chat_only' | 'plan_limit';
      failed?: string;
    }
  | { kind: 'link'; chatId: string; outcome: LinkOutcome['kind'] | 'unlinked' | 'not_linked' }
  | {
      kind: 'callback';
      chatId: string;
      action: 'confirmed' | 'cancelled' | 'expired' | 'mismatch' | 'unknown_button';
      failed?: string;
    };

export const CONFIRM_TTL_MS = 2 * 60_000;
/** Telegram refuses texts over 4,096 characters. */
const MAX_TEXT = 4000;
/** trades read per account for /pnl (newest opened first) */
const PNL_TRADE_LIMIT = 1000;
/** how far back /status looks for the risk-check job's last equity snapshot */
const SNAPSHOT_LOOKBACK_MS = 30 * 60_000;
const DAY_MS = 86_400_000;

const HELP = [
  'Commands:',
  '/status – each account: status, entries, equity, open positions, kill switches',
  '/positions – open positions with side, size, entry, SL/TP',
  '/pnl [days] – realized P&L, fees, trades, win rate (default 1 day, max 365)',
  '/pause [account] – refuse new entries (all accounts when omitted)',
  '/resume [account] – accept entries again (resets a tripped drawdown switch)',
  '/flatten [account] – pause and close every open position at market (asks to confirm)',
  '/link CODE – link this Telegram account to your user (code from `npm run cli -- telegram link`)',
  '/unlink – remove that link',
  '/help – this list',
].join('\n');

const LINK_HINT = [
  'This Telegram account is not linked to a user of this deployment.',
  'Get a one-time code with `npm run cli -- telegram link --user <your email>` (valid 10 minutes),',
  'then send it here: /link CODE',
].join('\n');

/** What each command needs of the sender's role (docs/TENANCY.md "Roles"). */
const COMMAND_CAPABILITY: Readonly<Record<string, Capability>> = {
  status: 'read',
  positions: 'read',
  pnl: 'read',
  pause: 'trade',
  resume: 'trade',
  flatten: 'trade',
};

/** Who sent a command: the tenant and role it runs with. */
interface Sender {
  tenantId: string;
  role: TenantRole;
  /** the Telegram user id */
  telegramUserId: string;
  /** the member's user id when linked; absent for the allow-listed owner */
  memberId?: string;
}

const CALLBACK = /^fl:([yn]):([A-Za-z0-9_-]{8,64})$/;

interface FlattenRequest {
  action: 'flatten';
  chatId: string;
  /** who asked: only they can confirm or cancel */
  userId: string;
  /** the tenant it was asked in: a press once the asker's link moved elsewhere does nothing */
  tenantId: string;
  accountIds: string[];
}

/**
 * A confirmation is stored under the asker's id and the code, so a press by anyone else looks up
 * another key and cannot take (use up) the asker's confirmation.
 */
const confirmationKey = (userId: string, code: string): string => `${userId}:${code}`;

// ---------------------------------------------------------------------------------------------
// Formatting: plain text, compact, numbers as they are stored or with two decimals.

function fixed(n: number | Decimal | Big, dp = 2): string {
  const s = new Big(n).toFixed(dp);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s; // no "-0.00"
}
const signed = (n: number | Decimal | Big): string =>
  fixed(n).startsWith('-') || /^0(\.0*)?$/.test(fixed(n)) ? fixed(n) : `+${fixed(n)}`;
const utc = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;
function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}
const label = (a: Pick<Account, 'accountId' | 'name'>): string => `${a.accountId} ${a.name}`;
const chatIdOf = (m: TelegramMessage | undefined): string | undefined =>
  m?.chat?.id === undefined || m.chat.id === null ? undefined : String(m.chat.id);
/** the sender's user id; absent for channel posts (and anonymous group admins send as a bot id not on the list) */
const userIdOf = (from: { id?: unknown } | undefined): string | undefined =>
  typeof from?.id === 'number' || typeof from?.id === 'string' ? String(from.id) : undefined;

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT)}\n… (cut: too long for one message)`;
}

const describeError = (error: unknown): string =>
  error instanceof AccountInputError ? error.message : error instanceof Error ? error.name : 'error';

export class TelegramCommands {
  private readonly allowed: ReadonlySet<string>;
  private readonly allowedUsers: ReadonlySet<string>;

  constructor(private readonly deps: TelegramCommandsDeps) {
    this.allowed = new Set(deps.allowedChatIds.map((id) => id.trim()).filter(Boolean));
    this.allowedUsers = new Set(deps.allowedUserIds.map((id) => id.trim()).filter(Boolean));
  }

  /** One update, as Telegram posts it to the webhook. Never throws for a bad update; a failing reply does. */
  async handle(update: unknown): Promise<TelegramOutcome> {
    if (typeof update !== 'object' || update === null) return { kind: 'ignored', reason: 'unsupported_update' };
    const u = update as TelegramUpdate;
    if (u.callback_query && typeof u.callback_query === 'object') return this.callback(u.callback_query);
    if (u.message && typeof u.message === 'object') return this.message(u.message);
    return { kind: 'ignored', reason: 'unsupported_update' };
  }

  // -------------------------------------------------------------------------------------------
  // Messages

  private async message(message: TelegramMessage): Promise<TelegramOutcome> {
    const chatId = chatIdOf(message);
    const userId = userIdOf(message.from);
    // In a private chat the chat is the person (Telegram gives both the user's id).
    const isPrivate = chatId !== undefined && chatId === userId;
    const listedChat = chatId !== undefined && this.allowed.has(chatId);
    if (chatId === undefined || (!listedChat && !(this.deps.links && isPrivate)))
      return { kind: 'ignored', reason: 'chat_not_allowed' };
    if (userId === undefined) return { kind: 'ignored', reason: 'user_not_allowed' };
    const listedUser = listedChat && this.allowedUsers.has(userId);
    if (!this.deps.links && !listedUser) return { kind: 'ignored', reason: 'user_not_allowed' };
    const text = typeof message.text === 'string' ? message.text.trim() : '';
    const match = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\s+([\s\S]*))?$/.exec(text);
    if (!match) return { kind: 'ignored', reason: 'not_a_command' };
    const [, rawCommand = '', bot, rest = ''] = match;
    if (bot && this.deps.botUsername && bot.toLowerCase() !== this.deps.botUsername.replace(/^@/, '').toLowerCase())
      return { kind: 'ignored', reason: 'other_bot' };
    const command = rawCommand.toLowerCase();
    const args = rest.split(/\s+/).filter(Boolean);
    const reply = (text: string) => this.deps.replies.send(chatId, clip(text));

    // /link and /unlink (and /start CODE, Telegram's deep link) are about the sender, not a tenant.
    if (this.deps.links && (command === 'link' || command === 'unlink' || (command === 'start' && args.length))) {
      if (!isPrivate) {
        // A code typed in a group is seen by everyone there: refuse it unused.
        await reply('Send /link and /unlink in a private chat with me.');
        return { kind: 'command', chatId, command, refused: 'private_chat_only' };
      }
      return command === 'unlink' ? this.unlink(chatId, userId) : this.link(chatId, userId, args);
    }

    const sender = await this.sender(userId, isPrivate, listedUser);
    if (sender === 'other_chat') {
      await reply('You are linked to another tenant: send me your commands in our private chat.');
      return { kind: 'command', chatId, command, refused: 'private_chat_only' };
    }
    if (!sender) {
      if (!isPrivate) return { kind: 'ignored', reason: 'user_not_allowed' };
      await reply(LINK_HINT);
      return { kind: 'command', chatId, command, refused: 'unlinked' };
    }
    const needed = COMMAND_CAPABILITY[command];
    if (needed && !can(sender.role, needed)) {
      await reply(`/${command} needs the ${needed} permission, which a ${sender.role} has not.`);
      return { kind: 'command', chatId, command, tenantId: sender.tenantId, refused: 'forbidden_role' };
    }
    try {
      const refused = await this.run(chatId, sender, command, args);
      return { kind: 'command', chatId, command, tenantId: sender.tenantId, ...(refused ? { refused } : {}) };
    } catch (error) {
      await this.deps.replies.send(chatId, `/${command} failed: ${describeError(error)}`);
      return { kind: 'command', chatId, command, tenantId: sender.tenantId, failed: describeError(error) };
    }
  }

  /**
   * Who the sender is: their link first (the member's tenant and current role), else the allow
   * lists (the first tenant's owner). A member of another tenant than the first is obeyed in their
   * private chat only: the allow-listed chats are the first tenant's.
   */
  private async sender(
    userId: string,
    isPrivate: boolean,
    listedUser: boolean,
  ): Promise<Sender | 'other_chat' | undefined> {
    const link = this.deps.links ? await this.deps.links.resolve(userId) : undefined;
    if (link) {
      if (!isPrivate && link.tenantId !== FIRST_TENANT_ID) return 'other_chat';
      return { tenantId: link.tenantId, role: link.role, telegramUserId: userId, memberId: link.userId };
    }
    return listedUser ? { tenantId: FIRST_TENANT_ID, role: 'owner', telegramUserId: userId } : undefined;
  }

  private scope(tenantId: string): TelegramScope {
    if (this.deps.scopeOf) return this.deps.scopeOf(tenantId);
    if (tenantId === FIRST_TENANT_ID) return this.deps;
    // Never reached with the runtime's wiring (it always gives scopeOf); never another tenant's data.
    throw new AccountInputError('tenant', `no scope for tenant ${tenantId}`);
  }

  private async link(chatId: string, userId: string, args: string[]): Promise<TelegramOutcome> {
    const links = this.deps.links as TelegramLinkStore;
    const reply = (text: string) => this.deps.replies.send(chatId, text);
    if (args.length !== 1) {
      await reply(`usage: /link CODE (the ${LINK_CODE_LENGTH}-character code from \`npm run cli -- telegram link\`)`);
      return { kind: 'link', chatId, outcome: 'malformed' };
    }
    const outcome = await redeemLinkCode({ links, clock: this.deps.clock }, userId, args[0] as string);
    switch (outcome.kind) {
      case 'linked':
        await reply(
          `Linked: you act here as ${outcome.role === 'owner' ? 'an' : 'a'} ${outcome.role} of tenant ${outcome.tenantId}. /help lists the commands; /unlink removes the link.`,
        );
        break;
      case 'too_many_attempts':
        await reply(`Too many /link attempts: try again after ${utc(outcome.retryAt)}.`);
        break;
      case 'malformed':
        await reply(`That is not a link code: ${LINK_CODE_LENGTH} letters A-Z and digits 2-7.`);
        break;
      case 'unknown_or_expired':
        await reply(
          'That code is unknown, expired or already used: ask for a new one (`npm run cli -- telegram link`).',
        );
        break;
      case 'member_gone':
        await reply('The user that code was made for no longer exists: nothing linked.');
        break;
    }
    return { kind: 'link', chatId, outcome: outcome.kind };
  }

  private async unlink(chatId: string, userId: string): Promise<TelegramOutcome> {
    const removed = await (this.deps.links as TelegramLinkStore).unlink(userId);
    await this.deps.replies.send(
      chatId,
      removed ? 'Unlinked: I no longer act for you.' : 'This Telegram account was not linked.',
    );
    return { kind: 'link', chatId, outcome: removed ? 'unlinked' : 'not_linked' };
  }

  private async run(
    chatId: string,
    sender: Sender,
    command: string,
    args: string[],
  ): Promise<'second_factor_required' | 'plan_limit' | undefined> {
    const reply = (text: string, buttons?: ReplyButton[][]) => this.deps.replies.send(chatId, clip(text), buttons);
    const scope = this.scope(sender.tenantId);
    switch (command) {
      case 'start':
      case 'help':
        return reply(HELP).then(() => undefined);
      case 'status':
        return reply(await this.status(scope)).then(() => undefined);
      case 'positions':
        return reply(await this.positionsText(scope)).then(() => undefined);
      case 'pnl': {
        const days = args[0] === undefined ? 1 : /^\d{1,3}$/.test(args[0]) ? Number(args[0]) : NaN;
        if (!(days >= 1 && days <= 365) || args.length > 1)
          return reply('usage: /pnl [days], days from 1 to 365').then(() => undefined);
        return reply(await this.pnl(scope, days)).then(() => undefined);
      }
      case 'pause':
        if (args.length > 1) return reply(`usage: /${command} [account]`).then(() => undefined);
        return reply(await this.pause(scope, chatId, sender, args[0])).then(() => undefined);
      case 'resume': {
        if (args.length > 1) return reply(`usage: /${command} [account]`).then(() => undefined);
        const accounts = await this.targets(scope, args[0]);
        // Resuming what a kill switch disabled is a money move (MONEY_WHEN.resume): it needs a
        // second factor, which a Telegram message cannot carry. Nothing is resumed then, not even
        // the other accounts of a plain /resume.
        const disabled = accounts.filter((a) => a.status === 'disabled');
        if (disabled.length) {
          await reply(
            [
              `Not resumed: ${disabled.map((a) => a.accountId).join(', ')} ${disabled.length === 1 ? 'was' : 'were'} disabled by a kill switch.`,
              'Turning it back on moves money and needs your second factor: use the console (or the CLI) with your TOTP code.',
              ...(args[0] === undefined
                ? ['Name the other accounts one by one to resume them here: /resume <account>.']
                : []),
            ].join('\n'),
          );
          return 'second_factor_required';
        }
        const resumed = await this.resume(scope, chatId, sender, accounts);
        await reply(resumed.text);
        return resumed.refused;
      }
      case 'flatten': {
        if (args.length > 1) return reply('usage: /flatten [account]').then(() => undefined);
        return this.askFlatten(scope, chatId, sender, args[0], reply).then(() => undefined);
      }
      default:
        return reply(`Unknown command /${command}. Send /help for the list.`).then(() => undefined);
    }
  }

  /** The named account (or all of them); a name that is not an account is an input error. */
  private async targets(scope: TelegramScope, accountId: string | undefined): Promise<Account[]> {
    // A deleted account (soft: status disabled, deletedAt set) is gone for every action, as in the
    // console: /resume would otherwise find it "disabled by a kill switch" for ever.
    if (accountId === undefined) return (await scope.accounts.list()).filter((a) => a.deletedAt === undefined);
    const account = await scope.accounts.get(accountId);
    if (!account || account.deletedAt !== undefined) throw new AccountInputError('account', `no account ${accountId}`);
    return [account];
  }

  private async status(scope: TelegramScope): Promise<string> {
    const accounts = await scope.accounts.list();
    if (!accounts.length) return 'No accounts.';
    const now = this.deps.clock.now();
    const blocks = await Promise.all(
      accounts.map(async (account) => {
        const [view, snapshots] = await Promise.all([
          scope.report.show(account.accountId),
          scope.risk.listSnapshots(account.accountId, now - SNAPSHOT_LOOKBACK_MS, now),
        ]);
        const entries =
          view.entries === 'allowed'
            ? 'entries allowed'
            : `entries blocked: ${view.status !== 'active' ? `account ${view.status}` : (view.blockedBy?.reason ?? 'kill switch')}`;
        const last: EquitySnapshot | undefined = snapshots[snapshots.length - 1];
        const equity = last
          ? `equity ${fixed(last.equity)} (free ${fixed(last.free)}, uPnL ${signed(last.unrealizedPnl)}) ${ago(now - last.at)}`
          : view.usage.equity !== undefined
            ? `equity ${fixed(view.usage.equity)}${view.usage.equityAt !== undefined ? ` ${ago(now - view.usage.equityAt)}` : ''}`
            : 'equity not read yet';
        // names only: the reason of the one that blocks entries is on the line above
        const tripped = SWITCH_NAMES.filter((name) => view.switches[name].tripped).map((name) => {
          const until = view.switches[name].until;
          return `${name}${until !== undefined ? ` until ${utc(until)}` : ''}`;
        });
        const halted =
          account.haltedUntil !== undefined && account.haltedUntil > now
            ? `\n  exchange halt until ${utc(account.haltedUntil)}${account.haltReason ? `: ${account.haltReason}` : ''}`
            : '';
        return [
          `${label(account)} (${account.exchange}${account.testnet ? ' testnet' : ''}): ${view.status}, ${entries}`,
          `  ${equity} · ${view.usage.openPositions} open · ${tripped.length ? `tripped: ${tripped.join('; ')}` : 'switches ok'}${halted}`,
        ].join('\n');
      }),
    );
    return blocks.join('\n');
  }

  private async positionsText(scope: TelegramScope): Promise<string> {
    const accounts = await scope.accounts.list();
    if (!accounts.length) return 'No accounts.';
    const blocks = await Promise.all(
      accounts.map(async (account) => {
        const open = (await scope.positions.list(account.accountId)).filter(isOpen);
        if (!open.length) return `${label(account)}: no open positions`;
        return [`${label(account)}: ${open.length} open`, ...open.map((p) => `  ${positionLine(p)}`)].join('\n');
      }),
    );
    return blocks.join('\n');
  }

  private async pnl(scope: TelegramScope, days: number): Promise<string> {
    const accounts = await scope.accounts.list();
    if (!accounts.length) return 'No accounts.';
    const now = this.deps.clock.now();
    const since = now - days * DAY_MS;
    const lines = await Promise.all(
      accounts.map(async (account) => {
        const listed = await scope.trades.listByAccount(account.accountId, PNL_TRADE_LIMIT);
        const closed = listed.filter(
          (t): t is TradeRecord & { closedAt: number } =>
            t.status === 'closed' && t.closedAt !== undefined && t.closedAt >= since && t.closedAt <= now,
        );
        const pnl = closed.reduce((sum, t) => sum.plus(t.realizedPnl), new Big(0));
        const fees = closed.reduce((sum, t) => sum.plus(t.fees), new Big(0));
        const wins = closed.filter((t) => new Big(t.realizedPnl).gt(0)).length;
        // Trades come newest-opened first: a full page that still opened inside the window may miss older ones.
        const oldest = listed[listed.length - 1];
        const cut =
          listed.length >= PNL_TRADE_LIMIT && oldest !== undefined && oldest.openedAt >= since
            ? ` (last ${PNL_TRADE_LIMIT} trades only)`
            : '';
        const rate = closed.length
          ? ` · win ${Math.round((wins * 100) / closed.length)}% (${wins}/${closed.length})`
          : '';
        return `${label(account)}: ${signed(pnl)} · fees ${fixed(fees)} · ${closed.length} trade${closed.length === 1 ? '' : 's'}${rate}${cut}`;
      }),
    );
    return [
      `Realized P&L, last ${days} day${days === 1 ? '' : 's'} (since ${utc(since)}), net of fees and funding:`,
      ...lines,
    ].join('\n');
  }

  private async pause(
    scope: TelegramScope,
    chatId: string,
    sender: Sender,
    accountId: string | undefined,
  ): Promise<string> {
    const accounts = await this.targets(scope, accountId);
    if (!accounts.length) return 'No accounts.';
    const lines: string[] = [];
    for (const account of accounts) {
      if (account.status !== 'active') {
        lines.push(`${account.accountId}: already ${account.status}, left as is`);
        continue;
      }
      await this.origin(scope, account.accountId, chatId, sender, 'pause');
      await scope.control.pause(account.accountId, 'paused from Telegram');
      lines.push(`${account.accountId}: paused`);
    }
    return [...lines, 'Paused accounts refuse entries; closes, stops and targets go on.'].join('\n');
  }

  /**
   * Each paused account back on, in order. A live one first takes a live slot of the tenant's plan,
   * counted afresh (the ones resumed before it already hold theirs), as the console's resume does:
   * past the plan's limit it and the ones after it stay paused, and the reply names the limit.
   */
  private async resume(
    scope: TelegramScope,
    chatId: string,
    sender: Sender,
    accounts: Account[],
  ): Promise<{ text: string; refused?: 'plan_limit' }> {
    if (!accounts.length) return { text: 'No accounts.' };
    const lines: string[] = [];
    for (const account of accounts) {
      if (account.status === 'active') {
        lines.push(`${account.accountId}: already active`);
        continue;
      }
      if (scope.plans && account.exchange !== 'paper') {
        const tenantId = tenantOfAccount(account.accountId) ?? sender.tenantId;
        const inUse = (await scope.accounts.list()).filter(
          (a) => a.exchange !== 'paper' && a.status === 'active' && a.deletedAt === undefined,
        ).length;
        try {
          await scope.plans.allowLiveAccount(tenantId, inUse);
        } catch (error) {
          if (!(error instanceof PlanLimitError)) throw error;
          const left = accounts.slice(accounts.indexOf(account)).filter((a) => a.status !== 'active');
          lines.push(
            `Not resumed: ${left.map((a) => a.accountId).join(', ')}. ${error.message} (limit ${error.limit}).`,
            'A paused account holds no live slot: pause another live account, or ask the deployment admin for a larger plan.',
          );
          return { text: lines.join('\n'), refused: 'plan_limit' };
        }
      }
      await this.origin(scope, account.accountId, chatId, sender, 'resume');
      const result = await scope.control.resume(account.accountId);
      lines.push(
        `${account.accountId}: active (was ${account.status})${result.reset.length ? `; reset ${result.reset.join(', ')}` : ''}`,
      );
    }
    return { text: lines.join('\n') };
  }

  /** Shows what would be closed and asks; nothing changes until the Confirm press. */
  private async askFlatten(
    scope: TelegramScope,
    chatId: string,
    sender: Sender,
    accountId: string | undefined,
    reply: (text: string, buttons?: ReplyButton[][]) => Promise<void>,
  ): Promise<void> {
    const userId = sender.telegramUserId;
    const accounts = await this.targets(scope, accountId);
    const plans = await Promise.all(
      accounts.map(async (account) => ({
        account,
        open: (await scope.positions.list(account.accountId)).filter(isOpen),
      })),
    );
    // All accounts: those with something open, and active ones (to pause them); a named account always.
    const chosen =
      accountId === undefined ? plans.filter((p) => p.open.length > 0 || p.account.status === 'active') : plans;
    if (!chosen.length) return reply('Nothing to flatten: no open positions and no active accounts.');
    const code = (this.deps.newCode ?? (() => randomBytes(12).toString('base64url')))();
    const ttl = this.deps.confirmTtlMs ?? CONFIRM_TTL_MS;
    const request: FlattenRequest = {
      action: 'flatten',
      chatId,
      userId,
      tenantId: sender.tenantId,
      accountIds: chosen.map((p) => p.account.accountId),
    };
    await this.deps.confirmations.put(confirmationKey(userId, code), JSON.stringify(request), ttl);
    const total = chosen.reduce((n, p) => n + p.open.length, 0);
    const lines = chosen.map((p) =>
      p.open.length
        ? `${label(p.account)}: close ${p.open.map((pos) => `${pos.symbol} ${pos.side} ${pos.quantity}`).join(', ')}`
        : `${label(p.account)}: nothing open (pause only)`,
    );
    await reply(
      [
        `Flatten? Pauses ${chosen.length} account${chosen.length === 1 ? '' : 's'} and closes ${total} position${total === 1 ? '' : 's'} at market:`,
        ...lines,
        `Confirm within ${Math.round(ttl / 1000)} s (only the person who asked can).`,
      ].join('\n'),
      [
        [
          { text: 'Confirm flatten', data: `fl:y:${code}` },
          { text: 'Cancel', data: `fl:n:${code}` },
        ],
      ],
    );
  }

  // -------------------------------------------------------------------------------------------
  // Button presses

  private async callback(query: TelegramCallbackQuery): Promise<TelegramOutcome> {
    const chatId = chatIdOf(query.message);
    const userId = userIdOf(query.from);
    const isPrivate = chatId !== undefined && chatId === userId;
    const listedChat = chatId !== undefined && this.allowed.has(chatId);
    if (chatId === undefined || (!listedChat && !(this.deps.links && isPrivate)) || typeof query.id !== 'string')
      return { kind: 'ignored', reason: 'chat_not_allowed' };
    if (userId === undefined) return { kind: 'ignored', reason: 'user_not_allowed' };
    // Who presses is resolved again: a link removed, or a role lowered, since the question counts.
    const sender = await this.sender(userId, isPrivate, listedChat && this.allowedUsers.has(userId));
    if (!sender || sender === 'other_chat') return { kind: 'ignored', reason: 'user_not_allowed' };
    const match = CALLBACK.exec(typeof query.data === 'string' ? query.data : '');
    if (!match) {
      await this.deps.replies.answer(query.id, 'Unknown button');
      return { kind: 'callback', chatId, action: 'unknown_button' };
    }
    const [, choice, code = ''] = match;
    // Someone else's confirmation is under another key: their press finds nothing and takes nothing.
    const stored = await this.deps.confirmations.take(confirmationKey(userId, code));
    const request = stored === undefined ? undefined : parseRequest(stored);
    if (!request) {
      await this.deps.replies.answer(query.id, 'Expired, used, or not yours');
      await this.deps.replies.send(
        chatId,
        'That confirmation has expired, was already used, or was asked for by someone else: nothing done. Send /flatten again if needed.',
      );
      return { kind: 'callback', chatId, action: 'expired' };
    }
    if (
      request.chatId !== chatId ||
      request.userId !== userId ||
      request.tenantId !== sender.tenantId ||
      !can(sender.role, 'trade')
    ) {
      await this.deps.replies.answer(query.id, 'Not for this chat');
      await this.deps.replies.send(chatId, 'That confirmation belongs to another chat: nothing done.');
      return { kind: 'callback', chatId, action: 'mismatch' };
    }
    if (choice === 'n') {
      await this.deps.replies.answer(query.id, 'Cancelled');
      await this.deps.replies.send(chatId, 'Flatten cancelled: nothing done.');
      return { kind: 'callback', chatId, action: 'cancelled' };
    }
    await this.deps.replies.answer(query.id, 'Flattening…');
    const scope = this.scope(sender.tenantId);
    const lines: string[] = [];
    let failed: string | undefined;
    for (const accountId of request.accountIds) {
      try {
        await this.origin(scope, accountId, chatId, sender, 'flatten');
        const result = await scope.control.flatten(accountId);
        const queued = result.queued.map((q) => `${q.symbol}${q.outcome === 'duplicate' ? ' (already queued)' : ''}`);
        lines.push(
          `${accountId}: paused, ${queued.length} close${queued.length === 1 ? '' : 's'} queued${queued.length ? `: ${queued.join(', ')}` : ''}`,
        );
      } catch (error) {
        failed = describeError(error);
        lines.push(`${accountId}: FAILED (${failed}); check it with /status and /positions`);
      }
    }
    await this.deps.replies.send(
      chatId,
      clip(
        [
          'Flatten confirmed.',
          ...lines,
          'Closes run in order behind any signal already queued; /positions shows the result.',
        ].join('\n'),
      ),
    );
    return { kind: 'callback', chatId, action: 'confirmed', ...(failed ? { failed } : {}) };
  }

  /** Who asked: AccountControl audits what it does; this records that it came from Telegram. */
  private async origin(
    scope: TelegramScope,
    accountId: string,
    chatId: string,
    sender: Sender,
    command: 'pause' | 'resume' | 'flatten',
  ): Promise<void> {
    const userId = sender.telegramUserId;
    await scope.audit.append({
      accountId,
      type: 'account.control',
      at: this.deps.clock.now(),
      message: `${command} requested from Telegram chat ${chatId} by user ${userId}${sender.memberId ? ` (member ${sender.memberId}, ${sender.role})` : ''}`,
      data: {
        source: 'telegram',
        chatId,
        userId,
        command,
        ...(sender.memberId ? { memberId: sender.memberId, role: sender.role } : {}),
      },
    });
  }
}

function positionLine(p: BookPosition): string {
  const sl = p.stopLoss
    ? `SL ${p.stopLoss.triggerPrice}${p.stopLoss.trailingPercent !== undefined ? ` (trail ${p.stopLoss.trailingPercent}%)` : ''}`
    : 'SL -';
  const trail = p.trailingStop
    ? ` · trail ${p.trailingStop.trailingPercent ?? '?'}%${p.trailingStop.triggerPrice ? ` @ ${p.trailingStop.triggerPrice}` : ''}`
    : '';
  const tp = p.takeProfits?.length ? `TP ${p.takeProfits.map((t) => t.triggerPrice).join('/')}` : 'TP -';
  return `${p.symbol} ${p.side} ${p.quantity} @ ${p.entryPrice} ${p.leverage}x · ${sl}${trail} · ${tp}`;
}

function parseRequest(text: string): FlattenRequest | undefined {
  try {
    const value = JSON.parse(text) as Partial<FlattenRequest>;
    if (
      value.action !== 'flatten' ||
      typeof value.chatId !== 'string' ||
      typeof value.userId !== 'string' ||
      typeof value.tenantId !== 'string' ||
      !Array.isArray(value.accountIds) ||
      !value.accountIds.every((id) => typeof id === 'string')
    )
      return undefined;
    return {
      action: 'flatten',
      chatId: value.chatId,
      userId: value.userId,
      tenantId: value.tenantId,
      accountIds: value.accountIds,
    };
  } catch {
    return undefined;
  }
}
