// TelegramCommands over in-memory tables, the real AccountControl and RiskReport, a recording reply
// port and an in-memory confirmation store: every command's text with its numbers worked out by
// hand, the allow list (a stranger gets nothing and changes nothing), and /flatten's confirmation
// (asks first, runs once, expires).
import type { Account } from '../../../../shared/core/domain/account';
import type { EquitySnapshot } from '../../../../shared/core/ports/repositories';
import type { Clock } from '../../../../shared/core/ports/runtime';
import { emptyRiskState, type RiskState } from '../../../../shared/core/risk/state';
import { AccountControl } from '../../../../shared/core/control/account-control';
import { RiskReport } from '../../../../shared/core/reporting/risk-report';
import type { ConfirmationStore, ReplyButton, TelegramReplies } from '../../../../shared/core/control/ports';
import {
  CONFIRM_TTL_MS,
  TelegramCommands,
  type TelegramCommandsDeps,
} from '../../../../shared/core/control/telegram-commands';
import { MemorySignalLedger, MemorySignalQueue, T0 } from '../fakes';
import { MemoryAccounts } from '../memory-repos';
import {
  accountRecord,
  bookPosition,
  BTC,
  closedBtcTrade,
  DAY,
  ETH,
  memoryRiskTables,
  MINUTE,
  SOL,
} from '../risk/fixtures';

const HOUR = 60 * MINUTE;
const OWNER = 111;
const GROUP = -100_222;
const STRANGER = 999;
/** the second owner, on the user list */
const PARTNER = 333;
/** a member of the allowed group who is not on the user list */
const MEMBER = 555;

/** Keeps values until their lifetime (by the test's clock) is over; take removes them. */
class MemoryConfirmations implements ConfirmationStore {
  readonly items = new Map<string, { value: string; expiresAt: number }>();
  constructor(private readonly clock: Clock) {}
  async put(key: string, value: string, ttlMs: number) {
    if (this.items.has(key)) throw new Error(`confirmation ${key} exists`);
    this.items.set(key, { value, expiresAt: this.clock.now() + ttlMs });
  }
  async take(key: string) {
    const item = this.items.get(key);
    this.items.delete(key);
    return item && item.expiresAt >= this.clock.now() ? item.value : undefined;
  }
}

class RecordingReplies implements TelegramReplies {
  readonly sent: { chatId: string; text: string; buttons?: ReplyButton[][] }[] = [];
  readonly answers: { id: string; text?: string }[] = [];
  async send(chatId: string, text: string, buttons?: ReplyButton[][]) {
    this.sent.push({ chatId, text, ...(buttons ? { buttons } : {}) });
  }
  async answer(id: string, text?: string) {
    this.answers.push({ id, ...(text === undefined ? {} : { text }) });
  }
  get last() {
    return this.sent[this.sent.length - 1];
  }
}

/** acc-1 main (paper, active) and acc-2 alt (binanceusdm, paused), listed in that order. */
const ACC1 = accountRecord();
const ACC2 = accountRecord({
  accountId: 'acc-2',
  name: 'alt',
  exchange: 'binanceusdm',
  status: 'paused',
  createdAt: T0 + 1,
});

function setup(
  options: { accounts?: Account[]; withQueue?: boolean; botUsername?: string; randomCodes?: boolean } = {},
) {
  const { positions, trades, risk, audit, clock } = memoryRiskTables();
  const accounts = new MemoryAccounts(options.accounts ?? [ACC1, ACC2]);
  const ledger = new MemorySignalLedger();
  const queue = new MemorySignalQueue(clock);
  const control = new AccountControl({
    accounts,
    positions,
    risk,
    audit,
    clock,
    ...(options.withQueue === false ? {} : { ledger, queue }),
  });
  const spies = {
    pause: jest.spyOn(control, 'pause'),
    resume: jest.spyOn(control, 'resume'),
    flatten: jest.spyOn(control, 'flatten'),
  };
  const replies = new RecordingReplies();
  const confirmations = new MemoryConfirmations(clock);
  let codes = 0;
  const deps: TelegramCommandsDeps = {
    allowedChatIds: [String(OWNER), String(GROUP)],
    allowedUserIds: [String(OWNER), String(PARTNER)],
    accounts,
    positions,
    trades,
    risk,
    audit,
    clock,
    control,
    report: new RiskReport({ accounts, positions, trades, risk, clock }),
    replies,
    confirmations,
    ...(options.botUsername ? { botUsername: options.botUsername } : {}),
    ...(options.randomCodes ? {} : { newCode: () => `code-${++codes}-xyz` }),
  };
  const bot = new TelegramCommands(deps);
  const say = (text: string, chat: number = OWNER, user: number = OWNER) =>
    bot.handle({
      update_id: 1,
      message: {
        message_id: 1,
        chat: { id: chat, type: chat < 0 ? 'supergroup' : 'private' },
        from: { id: user },
        text,
      },
    });
  const press = (data: string, chat: number = OWNER, id = 'cb-1', user: number = OWNER) =>
    bot.handle({
      update_id: 2,
      callback_query: { id, from: { id: user }, data, message: { message_id: 7, chat: { id: chat } } },
    });
  return { bot, say, press, replies, confirmations, accounts, positions, trades, risk, audit, clock, queue, spies };
}

type Setup = ReturnType<typeof setup>;

const EXPIRED =
  'That confirmation has expired, was already used, or was asked for by someone else: nothing done. Send /flatten again if needed.';

/** acc-1 holds 0.5 BTC long at 30 000 (SL 29 000, TPs 31 000 / 32 000) and 2 ETH short at 2 000; SOL is flat. */
function seedPositions(s: Setup) {
  const btc = bookPosition(BTC, 'long', '0.5', '30000');
  btc.stopLoss = { clientOrderId: 'sl-1', triggerPrice: '29000' };
  btc.takeProfits = [
    { clientOrderId: 'tp-1', triggerPrice: '31000' },
    { clientOrderId: 'tp-2', triggerPrice: '32000' },
  ];
  s.positions.seed(btc, bookPosition(ETH, 'short', '2', '2000'), bookPosition(SOL, undefined, '0', '0'));
}

const snapshot = (
  accountId: string,
  at: number,
  equity: number | string,
  extra: Partial<EquitySnapshot> = {},
): EquitySnapshot => ({
  accountId,
  at,
  equity: String(equity),
  free: String(equity),
  unrealizedPnl: '0',
  openPositions: 0,
  exposure: '0',
  ...extra,
});

describe('the allow list', () => {
  it('a chat not on the list gets no reply and changes nothing, whatever it sends', async () => {
    const s = setup();
    seedPositions(s);

    for (const text of [
      '/status',
      '/positions',
      '/pnl 7',
      '/pause',
      '/resume acc-2',
      '/flatten',
      '/help',
      '/nonsense',
    ]) {
      expect(await s.say(text, STRANGER)).toEqual({ kind: 'ignored', reason: 'chat_not_allowed' });
    }

    expect(s.replies.sent).toEqual([]);
    expect(s.replies.answers).toEqual([]);
    expect(s.audit.events).toEqual([]);
    expect(s.confirmations.items.size).toBe(0);
    expect(s.spies.pause).not.toHaveBeenCalled();
    expect(s.spies.resume).not.toHaveBeenCalled();
    expect(s.spies.flatten).not.toHaveBeenCalled();
    expect((await s.accounts.get('acc-1'))?.status).toBe('active');
    expect((await s.accounts.get('acc-2'))?.status).toBe('paused');
  });

  it('a Confirm press from a chat not on the list is ignored without consuming the code; the owner can still confirm', async () => {
    const s = setup();
    seedPositions(s);
    await s.say('/flatten');

    expect(await s.press('fl:y:code-1-xyz', STRANGER)).toEqual({ kind: 'ignored', reason: 'chat_not_allowed' });
    expect(s.spies.flatten).not.toHaveBeenCalled();
    expect(s.replies.answers).toEqual([]);
    expect(s.replies.sent).toHaveLength(1); // the /flatten question only

    expect(await s.press('fl:y:code-1-xyz')).toEqual({ kind: 'callback', chatId: '111', action: 'confirmed' });
    expect(s.spies.flatten).toHaveBeenCalledTimes(1);
  });

  it('in an allowed group, a member not on the user list gets no reply and changes nothing, whatever they send', async () => {
    const s = setup();
    seedPositions(s);

    for (const text of [
      '/status',
      '/positions',
      '/pnl 7',
      '/pause',
      '/resume acc-2',
      '/flatten',
      '/help',
      '/nonsense',
    ]) {
      expect(await s.say(text, GROUP, MEMBER)).toEqual({ kind: 'ignored', reason: 'user_not_allowed' });
    }
    // the same member in a private chat whose id is on the chat list is still not an owner
    expect(await s.say('/pause', OWNER, MEMBER)).toEqual({ kind: 'ignored', reason: 'user_not_allowed' });

    expect(s.replies.sent).toEqual([]);
    expect(s.audit.events).toEqual([]);
    expect(s.confirmations.items.size).toBe(0);
    expect(s.spies.pause).not.toHaveBeenCalled();
    expect(s.spies.resume).not.toHaveBeenCalled();
    expect((await s.accounts.get('acc-1'))?.status).toBe('active');
    expect((await s.accounts.get('acc-2'))?.status).toBe('paused');
  });

  it("a /flatten in a group can be confirmed or cancelled only by the person who asked: another owner's or a member's press neither runs it nor uses it up", async () => {
    const s = setup();
    seedPositions(s);
    await s.say('/flatten', GROUP, OWNER);

    // a member not on the user list: silence, as for a stranger
    expect(await s.press('fl:y:code-1-xyz', GROUP, 'cb-m', MEMBER)).toEqual({
      kind: 'ignored',
      reason: 'user_not_allowed',
    });
    expect(s.replies.answers).toEqual([]);
    // another owner (on the list): told it is not theirs; Cancel from them does not cancel it either
    expect(await s.press('fl:y:code-1-xyz', GROUP, 'cb-p', PARTNER)).toEqual({
      kind: 'callback',
      chatId: '-100222',
      action: 'expired',
    });
    expect(await s.press('fl:n:code-1-xyz', GROUP, 'cb-p2', PARTNER)).toEqual({
      kind: 'callback',
      chatId: '-100222',
      action: 'expired',
    });
    expect(s.replies.answers).toEqual([
      { id: 'cb-p', text: 'Expired, used, or not yours' },
      { id: 'cb-p2', text: 'Expired, used, or not yours' },
    ]);
    expect(s.spies.flatten).not.toHaveBeenCalled();
    expect((await s.accounts.get('acc-1'))?.status).toBe('active');
    expect(s.queue.messages).toEqual([]);

    // the asker's own press still works, once
    expect(await s.press('fl:y:code-1-xyz', GROUP, 'cb-o', OWNER)).toEqual({
      kind: 'callback',
      chatId: '-100222',
      action: 'confirmed',
    });
    expect(s.spies.flatten.mock.calls).toEqual([['acc-1']]);
    expect(s.audit.events[0]).toMatchObject({
      message: 'flatten requested from Telegram chat -100222 by user 111',
      data: { chatId: '-100222', userId: '111' },
    });
  });

  it('a second owner on the user list is served in the allowed group, and their own /flatten is theirs to confirm', async () => {
    const s = setup();
    seedPositions(s);
    expect(await s.say('/pause acc-1', GROUP, PARTNER)).toEqual({
      kind: 'command',
      chatId: '-100222',
      command: 'pause',
      tenantId: 'acc',
    });
    expect(s.audit.events[0]).toMatchObject({ message: 'pause requested from Telegram chat -100222 by user 333' });

    await s.say('/flatten acc-1', GROUP, PARTNER);
    expect(await s.press('fl:y:code-1-xyz', GROUP, 'cb-o', OWNER)).toEqual({
      kind: 'callback',
      chatId: '-100222',
      action: 'expired',
    });
    expect(await s.press('fl:y:code-1-xyz', GROUP, 'cb-p', PARTNER)).toEqual({
      kind: 'callback',
      chatId: '-100222',
      action: 'confirmed',
    });
    expect(s.spies.flatten).toHaveBeenCalledTimes(1);
  });

  it('updates without a chat, a message or a text command are ignored silently', async () => {
    const s = setup();
    expect(await s.bot.handle(null)).toEqual({ kind: 'ignored', reason: 'unsupported_update' });
    expect(await s.bot.handle({ update_id: 3, edited_message: { chat: { id: OWNER }, text: '/status' } })).toEqual({
      kind: 'ignored',
      reason: 'unsupported_update',
    });
    expect(await s.bot.handle({ update_id: 4, message: { text: '/status' } })).toEqual({
      kind: 'ignored',
      reason: 'chat_not_allowed',
    });
    expect(await s.say('hello bot')).toEqual({ kind: 'ignored', reason: 'not_a_command' });
    expect(
      await s.bot.handle({ update_id: 5, message: { chat: { id: OWNER }, from: { id: OWNER }, sticker: {} } }),
    ).toEqual({ kind: 'ignored', reason: 'not_a_command' });
    // no sender (a channel post forwarded as a message): nobody to authorise
    expect(await s.bot.handle({ update_id: 6, message: { chat: { id: OWNER }, text: '/status' } })).toEqual({
      kind: 'ignored',
      reason: 'user_not_allowed',
    });
    expect(s.replies.sent).toEqual([]);
  });

  it('a group chat on the list is served like a private one', async () => {
    const s = setup();
    expect(await s.say('/help', GROUP)).toEqual({
      kind: 'command',
      chatId: '-100222',
      command: 'help',
      tenantId: 'acc',
    });
    expect(s.replies.last?.chatId).toBe('-100222');
  });
});

describe('/help, unknown commands and the @botname suffix', () => {
  it('/help and /start list every command', async () => {
    const s = setup();
    await s.say('/help');
    await s.say('/start');
    const [help, start] = s.replies.sent;
    for (const command of [
      '/status',
      '/positions',
      '/pnl [days]',
      '/pause [account]',
      '/resume [account]',
      '/flatten [account]',
      '/help',
    ])
      expect(help?.text).toContain(command);
    expect(start?.text).toBe(help?.text);
  });

  it('an unknown command gets a one-line hint', async () => {
    const s = setup();
    expect(await s.say('/moon now')).toEqual({ kind: 'command', chatId: '111', command: 'moon', tenantId: 'acc' });
    expect(s.replies.sent).toEqual([{ chatId: '111', text: 'Unknown command /moon. Send /help for the list.' }]);
  });

  it('/cmd@thisbot is served (case-insensitive), /cmd@otherbot is left to the other bot', async () => {
    const s = setup({ botUsername: 'TvatBot' });
    expect(await s.say('/help@tvatbot')).toMatchObject({ kind: 'command', command: 'help' });
    expect(await s.say('/HELP@TvatBot')).toMatchObject({ kind: 'command', command: 'help' });
    expect(await s.say('/status@other_bot')).toEqual({ kind: 'ignored', reason: 'other_bot' });
    expect(s.replies.sent).toHaveLength(2);
  });
});

describe('/status', () => {
  it('per account: status, entries and why, equity from the last snapshot, open positions, tripped switches', async () => {
    const fresh = accountRecord({ accountId: 'acc-3', name: 'fresh', createdAt: T0 + 2 });
    const s = setup({
      accounts: [ACC1, { ...ACC2, haltedUntil: T0 + 10 * MINUTE, haltReason: 'HTTP 418 ban' }, fresh],
    });
    seedPositions(s);
    // acc-1: a loss-streak cooldown tripped 30 min ago for an hour; three snapshots, the last 2 min old
    const state1: RiskState = {
      ...emptyRiskState('acc-1', T0),
      lastEquity: '9990',
      lastEquityAt: T0 - 5 * MINUTE,
      switches: {
        loss_streak: {
          tripped: true,
          trippedAt: T0 - 30 * MINUTE,
          until: T0 + 30 * MINUTE,
          trips: 1,
          reason: '3 losses in a row',
        },
      },
    };
    await s.risk.saveState(state1, 0);
    await s.risk.putSnapshot(snapshot('acc-1', T0 - 10 * MINUTE, 9800));
    await s.risk.putSnapshot(snapshot('acc-1', T0 - 5 * MINUTE, 9990));
    await s.risk.putSnapshot(snapshot('acc-1', T0 - 2 * MINUTE, 10_234.5, { free: '9000', unrealizedPnl: '34.5' }));
    // acc-2: no snapshot in the last 30 minutes (only the state's last equity, 3 h old); drawdown tripped
    await s.risk.putSnapshot(snapshot('acc-2', T0 - 3 * HOUR, 5000));
    await s.risk.saveState(
      {
        ...emptyRiskState('acc-2', T0),
        lastEquity: '5000',
        lastEquityAt: T0 - 3 * HOUR,
        peakEquity: '6500',
        switches: { drawdown: { tripped: true, trippedAt: T0 - 4 * HOUR, trips: 1, reason: 'drawdown 23%' } },
      },
      0,
    );

    await s.say('/status');

    expect(s.replies.sent).toEqual([
      {
        chatId: '111',
        text: [
          'acc-1 main (paper): active, entries blocked: Loss-streak cooldown is on since 2023-11-14 21:43 UTC, entries blocked until 2023-11-14 22:43 UTC: 3 losses in a row',
          '  equity 10234.50 (free 9000.00, uPnL +34.50) 2m ago · 2 open · tripped: loss_streak until 2023-11-14 22:43Z',
          'acc-2 alt (binanceusdm): paused, entries blocked: account paused',
          '  equity 5000.00 3h ago · 0 open · tripped: drawdown',
          '  exchange halt until 2023-11-14 22:23Z: HTTP 418 ban',
          'acc-3 fresh (paper): active, entries allowed',
          '  equity not read yet · 0 open · switches ok',
        ].join('\n'),
      },
    ]);
    expect(s.audit.events).toEqual([]);
  });

  it('no accounts: says so', async () => {
    const s = setup({ accounts: [] });
    await s.say('/status');
    await s.say('/positions');
    await s.say('/pnl');
    expect(s.replies.sent.map((r) => r.text)).toEqual(['No accounts.', 'No accounts.', 'No accounts.']);
  });
});

describe('/positions', () => {
  it('open positions per account with side, quantity, entry, leverage, SL and TP; flat rows left out', async () => {
    const s = setup();
    seedPositions(s);

    await s.say('/positions');

    expect(s.replies.last?.text).toBe(
      [
        'acc-1 main: 2 open',
        '  BTC/USDT:USDT long 0.5 @ 30000 5x · SL 29000 · TP 31000/32000',
        '  ETH/USDT:USDT short 2 @ 2000 5x · SL - · TP -',
        'acc-2 alt: no open positions',
      ].join('\n'),
    );
  });
  it('a trailing stop beside the stop is shown after it, with its trigger when the book knows one', async () => {
    const s = setup();
    const btc = bookPosition(BTC, 'long', '0.5', '30000');
    btc.stopLoss = { clientOrderId: 'sl-1', triggerPrice: '29000' };
    btc.trailingStop = { clientOrderId: 'tr-1', triggerPrice: '29700', trailingPercent: 1, emulatedTrail: true };
    const eth = bookPosition(ETH, 'short', '2', '2000');
    eth.stopLoss = { clientOrderId: 'sl-2', triggerPrice: '2040' };
    eth.trailingStop = { clientOrderId: 'tr-2', triggerPrice: '', trailingPercent: 1.5 };
    s.positions.seed(btc, eth);

    await s.say('/positions');

    expect(s.replies.last?.text).toContain('BTC/USDT:USDT long 0.5 @ 30000 5x · SL 29000 · trail 1% @ 29700 · TP -');
    expect(s.replies.last?.text).toContain('ETH/USDT:USDT short 2 @ 2000 5x · SL 2040 · trail 1.5% · TP -');
  });
});

describe('/pnl', () => {
  async function seedTrades(s: Setup) {
    // acc-1, inside 7 days: +120.50 (fees 2.50, 20 h ago), -40.25 (fees 1.75, 3 days ago), +10 (fees 0.50, 6.9 days ago)
    await s.trades.put(closedBtcTrade(120.5, T0 - 20 * HOUR, { fees: '2.5' }));
    await s.trades.put(closedBtcTrade(-40.25, T0 - 3 * DAY, { fees: '1.75' }));
    await s.trades.put(closedBtcTrade(10, T0 - 6.9 * DAY, { fees: '0.5' }));
    // outside the window, and a trade still open with a partial realized P&L: neither counts
    await s.trades.put(closedBtcTrade(1000, T0 - 8 * DAY, { fees: '9' }));
    await s.trades.put(
      closedBtcTrade(5, T0 - HOUR, { status: 'open', closedAt: undefined, quantity: '0.5', fees: '0.1' }),
    );
    // acc-2: one loss 2 h ago
    await s.trades.put(closedBtcTrade(-12.3, T0 - 2 * HOUR, { accountId: 'acc-2', fees: '0.6' }));
  }

  it('/pnl 7: realized P&L, fees, trade count and win rate per account over the last 7 days', async () => {
    const s = setup();
    await seedTrades(s);

    await s.say('/pnl 7');

    // acc-1: 120.50 - 40.25 + 10 = 90.25; fees 2.50 + 1.75 + 0.50 = 4.75; 2 wins of 3 = 67 %
    expect(s.replies.last?.text).toBe(
      [
        'Realized P&L, last 7 days (since 2023-11-07 22:13Z), net of fees and funding:',
        'acc-1 main: +90.25 · fees 4.75 · 3 trades · win 67% (2/3)',
        'acc-2 alt: -12.30 · fees 0.60 · 1 trade · win 0% (0/1)',
      ].join('\n'),
    );
  });

  it('/pnl with no argument: the last day', async () => {
    const s = setup();
    await seedTrades(s);

    await s.say('/pnl');

    expect(s.replies.last?.text).toBe(
      [
        'Realized P&L, last 1 day (since 2023-11-13 22:13Z), net of fees and funding:',
        'acc-1 main: +120.50 · fees 2.50 · 1 trade · win 100% (1/1)',
        'acc-2 alt: -12.30 · fees 0.60 · 1 trade · win 0% (0/1)',
      ].join('\n'),
    );
  });

  it('/pnl 365 reaches a year back; an account with no closed trade shows zeros and no win rate', async () => {
    const s = setup();
    await s.trades.put(closedBtcTrade(7, T0 - 364 * DAY, { fees: '1' }));
    await s.trades.put(closedBtcTrade(99, T0 - 366 * DAY, { fees: '1' }));

    await s.say('/pnl 365');

    expect(s.replies.last?.text).toBe(
      [
        'Realized P&L, last 365 days (since 2022-11-14 22:13Z), net of fees and funding:',
        'acc-1 main: +7.00 · fees 1.00 · 1 trade · win 100% (1/1)',
        'acc-2 alt: 0.00 · fees 0.00 · 0 trades',
      ].join('\n'),
    );
  });

  it.each(['/pnl 0', '/pnl 366', '/pnl abc', '/pnl -3', '/pnl 1.5', '/pnl 7 30'])(
    '%s: a usage line, nothing read',
    async (text) => {
      const s = setup();
      const list = jest.spyOn(s.trades, 'listByAccount');
      await s.say(text);
      expect(s.replies.sent).toEqual([{ chatId: '111', text: 'usage: /pnl [days], days from 1 to 365' }]);
      expect(list).not.toHaveBeenCalled();
    },
  );
});

describe('/pause and /resume', () => {
  it('/pause with no account pauses every active account through AccountControl, audited with the chat', async () => {
    const s = setup();

    expect(await s.say('/pause')).toEqual({ kind: 'command', chatId: '111', command: 'pause', tenantId: 'acc' });

    expect(s.spies.pause.mock.calls).toEqual([['acc-1', 'paused from Telegram']]);
    expect((await s.accounts.get('acc-1'))?.status).toBe('paused');
    expect(s.replies.sent).toEqual([
      {
        chatId: '111',
        text: 'acc-1: paused\nacc-2: already paused, left as is\nPaused accounts refuse entries; closes, stops and targets go on.',
      },
    ]);
    expect(s.audit.events).toEqual([
      {
        accountId: 'acc-1',
        type: 'account.control',
        at: T0,
        message: 'pause requested from Telegram chat 111 by user 111',
        data: { source: 'telegram', chatId: '111', userId: '111', command: 'pause' },
      },
      {
        accountId: 'acc-1',
        type: 'account.status',
        at: T0,
        message: 'paused: paused from Telegram',
        data: { status: 'paused' },
      },
    ]);
  });

  it('/pause <account> pauses only that one', async () => {
    const s = setup({ accounts: [ACC1, { ...ACC2, status: 'active' }] });
    await s.say('/pause acc-2');
    expect(s.spies.pause.mock.calls).toEqual([['acc-2', 'paused from Telegram']]);
    expect((await s.accounts.get('acc-1'))?.status).toBe('active');
    expect((await s.accounts.get('acc-2'))?.status).toBe('paused');
  });

  it('/resume <account> resumes it and says which switch it reset', async () => {
    const s = setup();
    await s.risk.saveState(
      {
        ...emptyRiskState('acc-2', T0),
        lastEquity: '5000',
        peakEquity: '6500',
        switches: { drawdown: { tripped: true, trippedAt: T0 - HOUR, trips: 1 } },
        version: 1,
      },
      0,
    );

    await s.say('/resume acc-2');

    expect(s.spies.resume.mock.calls).toEqual([['acc-2']]);
    expect((await s.accounts.get('acc-2'))?.status).toBe('active');
    expect(s.replies.last?.text).toBe('acc-2: active (was paused); reset drawdown');
    expect(s.audit.events.map((e) => [e.accountId, e.type, e.message])).toEqual([
      ['acc-2', 'account.control', 'resume requested from Telegram chat 111 by user 111'],
      ['acc-2', 'risk.switch', 'drawdown reset: resumed by the owner'],
      ['acc-2', 'account.status', 'active: resumed by the owner; reset drawdown'],
    ]);
  });

  it('/resume with no account resumes every account that is not active', async () => {
    const s = setup({
      accounts: [ACC1, ACC2, accountRecord({ accountId: 'acc-3', name: 'off', status: 'paused', createdAt: T0 + 2 })],
    });
    await s.say('/resume');
    expect(s.spies.resume.mock.calls).toEqual([['acc-2'], ['acc-3']]);
    expect(s.replies.last?.text).toBe('acc-1: already active\nacc-2: active (was paused)\nacc-3: active (was paused)');
  });

  it('/resume of an account a kill switch disabled is refused (a money move needs a second factor): nothing resumed', async () => {
    const s = setup({
      accounts: [ACC1, ACC2, accountRecord({ accountId: 'acc-3', name: 'off', status: 'disabled', createdAt: T0 + 2 })],
    });
    expect(await s.say('/resume')).toEqual({
      kind: 'command',
      chatId: '111',
      command: 'resume',
      tenantId: 'acc',
      refused: 'second_factor_required',
    });
    await s.say('/resume acc-3');
    expect(s.spies.resume).not.toHaveBeenCalled();
    expect((await s.accounts.get('acc-2'))?.status).toBe('paused');
    expect((await s.accounts.get('acc-3'))?.status).toBe('disabled');
    expect(s.replies.sent[0]?.text).toBe(
      'Not resumed: acc-3 was disabled by a kill switch.\nTurning it back on moves money and needs your second factor: use the console (or the CLI) with your TOTP code.\nName the other accounts one by one to resume them here: /resume <account>.',
    );
    expect(s.audit.events).toEqual([]);
    // a paused one, named, still resumes
    await s.say('/resume acc-2');
    expect(s.spies.resume.mock.calls).toEqual([['acc-2']]);
  });

  it('an unknown account: says so and changes nothing', async () => {
    const s = setup();
    expect(await s.say('/pause acc-9')).toEqual({
      kind: 'command',
      chatId: '111',
      command: 'pause',
      tenantId: 'acc',
      failed: 'account: no account acc-9',
    });
    await s.say('/resume acc-9');
    expect(s.replies.sent.map((r) => r.text)).toEqual([
      '/pause failed: account: no account acc-9',
      '/resume failed: account: no account acc-9',
    ]);
    expect(s.spies.pause).not.toHaveBeenCalled();
    expect(s.audit.events).toEqual([]);
  });

  it('more than one argument: a usage line', async () => {
    const s = setup();
    await s.say('/pause acc-1 acc-2');
    expect(s.replies.last?.text).toBe('usage: /pause [account]');
    expect(s.spies.pause).not.toHaveBeenCalled();
  });
});

describe('/flatten', () => {
  it('asks first: what would be closed and two buttons with a one-time code; nothing is paused or queued', async () => {
    const s = setup();
    seedPositions(s);

    expect(await s.say('/flatten')).toEqual({ kind: 'command', chatId: '111', command: 'flatten', tenantId: 'acc' });

    // acc-2 is paused with nothing open: nothing to do there, so it is not asked about
    expect(s.replies.sent).toEqual([
      {
        chatId: '111',
        text: 'Flatten? Pauses 1 account and closes 2 positions at market:\nacc-1 main: close BTC/USDT:USDT long 0.5, ETH/USDT:USDT short 2\nConfirm within 120 s (only the person who asked can).',
        buttons: [
          [
            { text: 'Confirm flatten', data: 'fl:y:code-1-xyz' },
            { text: 'Cancel', data: 'fl:n:code-1-xyz' },
          ],
        ],
      },
    ]);
    expect(s.spies.flatten).not.toHaveBeenCalled();
    expect(s.spies.pause).not.toHaveBeenCalled();
    expect((await s.accounts.get('acc-1'))?.status).toBe('active');
    expect(s.queue.messages).toEqual([]);
    expect(s.audit.events).toEqual([]);
    expect(s.confirmations.items.get('111:code-1-xyz')).toEqual({
      value: JSON.stringify({
        action: 'flatten',
        chatId: '111',
        userId: '111',
        tenantId: 'acc',
        accountIds: ['acc-1'],
      }),
      expiresAt: T0 + CONFIRM_TTL_MS,
    });
  });

  it('Confirm runs AccountControl.flatten once: the account is paused and a close_all per open position is queued; a second press does nothing', async () => {
    const s = setup();
    seedPositions(s);
    await s.say('/flatten');
    s.clock.advance(30_000);

    expect(await s.press('fl:y:code-1-xyz')).toEqual({ kind: 'callback', chatId: '111', action: 'confirmed' });

    expect(s.spies.flatten.mock.calls).toEqual([['acc-1']]);
    expect((await s.accounts.get('acc-1'))?.status).toBe('paused');
    expect(s.queue.messages.map((m) => [m.signal.intent, m.signal.symbol.unified, m.signal.accountId])).toEqual([
      ['close_all', BTC, 'acc-1'],
      ['close_all', ETH, 'acc-1'],
    ]);
    expect(s.replies.answers).toEqual([{ id: 'cb-1', text: 'Flattening…' }]);
    expect(s.replies.last).toEqual({
      chatId: '111',
      text: 'Flatten confirmed.\nacc-1: paused, 2 closes queued: BTC/USDT:USDT, ETH/USDT:USDT\nCloses run in order behind any signal already queued; /positions shows the result.',
    });
    expect(s.audit.events[0]).toEqual({
      accountId: 'acc-1',
      type: 'account.control',
      at: T0 + 30_000,
      message: 'flatten requested from Telegram chat 111 by user 111',
      data: { source: 'telegram', chatId: '111', userId: '111', command: 'flatten' },
    });
    expect(s.audit.events.map((e) => e.type)).toEqual(['account.control', 'account.status', 'account.control']);

    // the same button again (a double tap, a redelivered update)
    expect(await s.press('fl:y:code-1-xyz', OWNER, 'cb-2')).toEqual({
      kind: 'callback',
      chatId: '111',
      action: 'expired',
    });
    expect(s.spies.flatten).toHaveBeenCalledTimes(1);
    expect(s.queue.messages).toHaveLength(2);
    expect(s.replies.answers[1]).toEqual({ id: 'cb-2', text: 'Expired, used, or not yours' });
    expect(s.replies.last?.text).toBe(EXPIRED);
  });

  it('a code older than two minutes has expired: nothing done, and it says so', async () => {
    const s = setup();
    seedPositions(s);
    await s.say('/flatten');
    s.clock.advance(CONFIRM_TTL_MS + 1);

    expect(await s.press('fl:y:code-1-xyz')).toEqual({ kind: 'callback', chatId: '111', action: 'expired' });

    expect(s.spies.flatten).not.toHaveBeenCalled();
    expect((await s.accounts.get('acc-1'))?.status).toBe('active');
    expect(s.queue.messages).toEqual([]);
    expect(s.replies.last?.text).toContain('expired');
  });

  it('an unknown code, or one made for another chat, does nothing', async () => {
    const s = setup();
    seedPositions(s);
    await s.say('/flatten', GROUP);

    expect(await s.press('fl:y:notacodeatall')).toEqual({ kind: 'callback', chatId: '111', action: 'expired' });
    expect(await s.press('fl:y:code-1-xyz', OWNER)).toEqual({ kind: 'callback', chatId: '111', action: 'mismatch' });

    expect(s.spies.flatten).not.toHaveBeenCalled();
    expect(s.replies.sent.slice(1).map((r) => r.text)).toEqual([
      EXPIRED,
      'That confirmation belongs to another chat: nothing done.',
    ]);
  });

  it('Cancel uses the code up: a later Confirm with it does nothing', async () => {
    const s = setup();
    seedPositions(s);
    await s.say('/flatten');

    expect(await s.press('fl:n:code-1-xyz')).toEqual({ kind: 'callback', chatId: '111', action: 'cancelled' });
    expect(await s.press('fl:y:code-1-xyz', OWNER, 'cb-2')).toEqual({
      kind: 'callback',
      chatId: '111',
      action: 'expired',
    });

    expect(s.spies.flatten).not.toHaveBeenCalled();
    expect(s.replies.answers).toEqual([
      { id: 'cb-1', text: 'Cancelled' },
      { id: 'cb-2', text: 'Expired, used, or not yours' },
    ]);
    expect(s.replies.sent[1]?.text).toBe('Flatten cancelled: nothing done.');
  });

  it('a button that is not ours is answered and nothing else', async () => {
    const s = setup();
    expect(await s.press('something-else')).toEqual({ kind: 'callback', chatId: '111', action: 'unknown_button' });
    expect(s.replies.answers).toEqual([{ id: 'cb-1', text: 'Unknown button' }]);
    expect(s.replies.sent).toEqual([]);
  });

  it('/flatten <account> names that account, even with nothing open (it would pause it)', async () => {
    const s = setup();
    await s.say('/flatten acc-2');
    expect(s.replies.last?.text).toBe(
      'Flatten? Pauses 1 account and closes 0 positions at market:\nacc-2 alt: nothing open (pause only)\nConfirm within 120 s (only the person who asked can).',
    );

    await s.press('fl:y:code-1-xyz');
    expect(s.spies.flatten.mock.calls).toEqual([['acc-2']]);
    expect(s.replies.last?.text).toContain('acc-2: paused, 0 closes queued\n');
  });

  it('nothing open and no active account: nothing to ask', async () => {
    const s = setup({ accounts: [ACC2] });
    await s.say('/flatten');
    expect(s.replies.sent).toEqual([
      { chatId: '111', text: 'Nothing to flatten: no open positions and no active accounts.' },
    ]);
    expect(s.confirmations.items.size).toBe(0);
  });

  it('an unknown account: says so, asks nothing', async () => {
    const s = setup();
    await s.say('/flatten acc-9');
    expect(s.replies.sent).toEqual([{ chatId: '111', text: '/flatten failed: account: no account acc-9' }]);
    expect(s.confirmations.items.size).toBe(0);
  });

  it('a flatten that fails is reported as failed', async () => {
    const s = setup({ withQueue: false });
    seedPositions(s);
    await s.say('/flatten');
    expect(await s.press('fl:y:code-1-xyz')).toEqual({
      kind: 'callback',
      chatId: '111',
      action: 'confirmed',
      failed: 'InvariantError',
    });
    expect(s.replies.last?.text).toContain('acc-1: FAILED (InvariantError)');
  });

  it('without an injected generator, codes are random, distinct and fit in callback data', async () => {
    const s = setup({ randomCodes: true });
    seedPositions(s);
    await s.say('/flatten');
    await s.say('/flatten');
    const [a, b] = s.replies.sent.map((r) => r.buttons?.[0]?.[0]?.data ?? '');
    expect(a).toMatch(/^fl:y:[A-Za-z0-9_-]{16}$/);
    expect(b).toMatch(/^fl:y:[A-Za-z0-9_-]{16}$/);
    expect(a).not.toBe(b);
    expect(Buffer.byteLength(a ?? '')).toBeLessThanOrEqual(64);
  });
});
