// The owner's Telegram commands: read the accounts (/status, /positions, /pnl), pause and resume
// them, and flatten them after an explicit confirmation. A command counts only when both the chat
// and the person are on their allow lists (a group on the list may hold people who are not owners);
// anything else is ignored without a word (no reply tells a stranger the bot exists). /flatten never
// acts at once: it shows what would be closed and two buttons carrying a one-time code kept for two
// minutes; only the press of the person who asked, in the same chat, runs AccountControl.flatten.
import { randomBytes } from 'node:crypto';
import type { Account } from '../domain/account';
import { Big, type Decimal } from '../domain/money';
import type { BookPosition, TradeRecord } from '../domain/trade';
import { isOpen } from '../domain/trade-math';
import type {
  AccountRepository,
  AuditLog,
  Clock,
  ConfirmationStore,
  EquitySnapshot,
  PositionBook,
  ReplyButton,
  RiskStore,
  TelegramReplies,
  TradeRepository,
} from './ports';
import { SWITCH_NAMES } from '../risk/state';
import type { AccountControl } from './account-control';
import { AccountInputError } from './accounts';
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

export interface TelegramCommandsDeps {
  /** chat ids (as strings; groups are negative) the bot answers; every other chat is ignored */
  allowedChatIds: readonly string[];
  /** user ids (as strings) the bot obeys inside those chats; everyone else is ignored */
  allowedUserIds: readonly string[];
  accounts: Pick<AccountRepository, 'get' | 'list'>;
  positions: Pick<PositionBook, 'list'>;
  trades: Pick<TradeRepository, 'listByAccount'>;
  risk: Pick<RiskStore, 'listSnapshots'>;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
  control: Pick<AccountControl, 'pause' | 'resume' | 'flatten'>;
  report: Pick<RiskReport, 'show'>;
  replies: TelegramReplies;
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
  | { kind: 'command'; chatId: string; command: string; failed?: string }
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
  '/help – this list',
].join('\n');

const CALLBACK = /^fl:([yn]):([A-Za-z0-9_-]{8,64})$/;

interface FlattenRequest {
  action: 'flatten';
  chatId: string;
  /** who asked: only they can confirm or cancel */
  userId: string;
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
    if (chatId === undefined || !this.allowed.has(chatId)) return { kind: 'ignored', reason: 'chat_not_allowed' };
    const userId = userIdOf(message.from);
    if (userId === undefined || !this.allowedUsers.has(userId)) return { kind: 'ignored', reason: 'user_not_allowed' };
    const text = typeof message.text === 'string' ? message.text.trim() : '';
    const match = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\s+([\s\S]*))?$/.exec(text);
    if (!match) return { kind: 'ignored', reason: 'not_a_command' };
    const [, rawCommand = '', bot, rest = ''] = match;
    if (bot && this.deps.botUsername && bot.toLowerCase() !== this.deps.botUsername.replace(/^@/, '').toLowerCase())
      return { kind: 'ignored', reason: 'other_bot' };
    const command = rawCommand.toLowerCase();
    const args = rest.split(/\s+/).filter(Boolean);
    try {
      await this.run(chatId, userId, command, args);
      return { kind: 'command', chatId, command };
    } catch (error) {
      await this.deps.replies.send(chatId, `/${command} failed: ${describeError(error)}`);
      return { kind: 'command', chatId, command, failed: describeError(error) };
    }
  }

  private async run(chatId: string, userId: string, command: string, args: string[]): Promise<void> {
    const reply = (text: string, buttons?: ReplyButton[][]) => this.deps.replies.send(chatId, clip(text), buttons);
    switch (command) {
      case 'start':
      case 'help':
        return reply(HELP);
      case 'status':
        return reply(await this.status());
      case 'positions':
        return reply(await this.positionsText());
      case 'pnl': {
        const days = args[0] === undefined ? 1 : /^\d{1,3}$/.test(args[0]) ? Number(args[0]) : NaN;
        if (!(days >= 1 && days <= 365) || args.length > 1) return reply('usage: /pnl [days], days from 1 to 365');
        return reply(await this.pnl(days));
      }
      case 'pause':
      case 'resume': {
        if (args.length > 1) return reply(`usage: /${command} [account]`);
        return reply(
          command === 'pause' ? await this.pause(chatId, userId, args[0]) : await this.resume(chatId, userId, args[0]),
        );
      }
      case 'flatten': {
        if (args.length > 1) return reply('usage: /flatten [account]');
        return this.askFlatten(chatId, userId, args[0], reply);
      }
      default:
        return reply(`Unknown command /${command}. Send /help for the list.`);
    }
  }

  /** The named account (or all of them); a name that is not an account is an input error. */
  private async targets(accountId: string | undefined): Promise<Account[]> {
    if (accountId === undefined) return this.deps.accounts.list();
    const account = await this.deps.accounts.get(accountId);
    if (!account) throw new AccountInputError('account', `no account ${accountId}`);
    return [account];
  }

  private async status(): Promise<string> {
    const accounts = await this.deps.accounts.list();
    if (!accounts.length) return 'No accounts.';
    const now = this.deps.clock.now();
    const blocks = await Promise.all(
      accounts.map(async (account) => {
        const [view, snapshots] = await Promise.all([
          this.deps.report.show(account.accountId),
          this.deps.risk.listSnapshots(account.accountId, now - SNAPSHOT_LOOKBACK_MS, now),
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

  private async positionsText(): Promise<string> {
    const accounts = await this.deps.accounts.list();
    if (!accounts.length) return 'No accounts.';
    const blocks = await Promise.all(
      accounts.map(async (account) => {
        const open = (await this.deps.positions.list(account.accountId)).filter(isOpen);
        if (!open.length) return `${label(account)}: no open positions`;
        return [`${label(account)}: ${open.length} open`, ...open.map((p) => `  ${positionLine(p)}`)].join('\n');
      }),
    );
    return blocks.join('\n');
  }

  private async pnl(days: number): Promise<string> {
    const accounts = await this.deps.accounts.list();
    if (!accounts.length) return 'No accounts.';
    const now = this.deps.clock.now();
    const since = now - days * DAY_MS;
    const lines = await Promise.all(
      accounts.map(async (account) => {
        const listed = await this.deps.trades.listByAccount(account.accountId, PNL_TRADE_LIMIT);
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

  private async pause(chatId: string, userId: string, accountId: string | undefined): Promise<string> {
    const accounts = await this.targets(accountId);
    if (!accounts.length) return 'No accounts.';
    const lines: string[] = [];
    for (const account of accounts) {
      if (account.status !== 'active') {
        lines.push(`${account.accountId}: already ${account.status}, left as is`);
        continue;
      }
      await this.origin(account.accountId, chatId, userId, 'pause');
      await this.deps.control.pause(account.accountId, 'paused from Telegram');
      lines.push(`${account.accountId}: paused`);
    }
    return [...lines, 'Paused accounts refuse entries; closes, stops and targets go on.'].join('\n');
  }

  private async resume(chatId: string, userId: string, accountId: string | undefined): Promise<string> {
    const accounts = await this.targets(accountId);
    if (!accounts.length) return 'No accounts.';
    const lines: string[] = [];
    for (const account of accounts) {
      if (account.status === 'active') {
        lines.push(`${account.accountId}: already active`);
        continue;
      }
      await this.origin(account.accountId, chatId, userId, 'resume');
      const result = await this.deps.control.resume(account.accountId);
      lines.push(
        `${account.accountId}: active (was ${account.status})${result.reset.length ? `; reset ${result.reset.join(', ')}` : ''}`,
      );
    }
    return lines.join('\n');
  }

  /** Shows what would be closed and asks; nothing changes until the Confirm press. */
  private async askFlatten(
    chatId: string,
    userId: string,
    accountId: string | undefined,
    reply: (text: string, buttons?: ReplyButton[][]) => Promise<void>,
  ): Promise<void> {
    const accounts = await this.targets(accountId);
    const plans = await Promise.all(
      accounts.map(async (account) => ({
        account,
        open: (await this.deps.positions.list(account.accountId)).filter(isOpen),
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
    if (chatId === undefined || !this.allowed.has(chatId) || typeof query.id !== 'string')
      return { kind: 'ignored', reason: 'chat_not_allowed' };
    const userId = userIdOf(query.from);
    if (userId === undefined || !this.allowedUsers.has(userId)) return { kind: 'ignored', reason: 'user_not_allowed' };
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
    if (request.chatId !== chatId || request.userId !== userId) {
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
    const lines: string[] = [];
    let failed: string | undefined;
    for (const accountId of request.accountIds) {
      try {
        await this.origin(accountId, chatId, userId, 'flatten');
        const result = await this.deps.control.flatten(accountId);
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
    accountId: string,
    chatId: string,
    userId: string,
    command: 'pause' | 'resume' | 'flatten',
  ): Promise<void> {
    await this.deps.audit.append({
      accountId,
      type: 'account.control',
      at: this.deps.clock.now(),
      message: `${command} requested from Telegram chat ${chatId} by user ${userId}`,
      data: { source: 'telegram', chatId, userId, command },
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
      !Array.isArray(value.accountIds) ||
      !value.accountIds.every((id) => typeof id === 'string')
    )
      return undefined;
    return { action: 'flatten', chatId: value.chatId, userId: value.userId, accountIds: value.accountIds };
  } catch {
    return undefined;
  }
}
