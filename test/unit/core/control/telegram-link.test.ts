// Linking a Telegram user to a member, and the bot holding each linked person to their tenant and
// role: TelegramCommands with a per-tenant scope (the real AccountControl and RiskReport over
// in-memory tables, one set per tenant) and an in-memory link store that keeps codes by hash, as
// the DynamoDB one does (that one is proven on the stand-ins: test/integration/telegram/link.int.test.ts).
import { AccountControl } from '../../../../shared/core/control/account-control';
import type {
  ConfirmationStore,
  ReplyButton,
  TelegramLink,
  TelegramLinkStore,
  TelegramReplies,
} from '../../../../shared/core/control/ports';
import { TelegramCommands, type TelegramScope } from '../../../../shared/core/control/telegram-commands';
import {
  issueLinkCode,
  LINK_ATTEMPT_WINDOW_MS,
  LINK_CODE_TTL_MS,
  linkCodeHash,
  MAX_LINK_ATTEMPTS,
  newLinkCode,
  normaliseLinkCode,
  redeemLinkCode,
} from '../../../../shared/core/control/telegram-link';
import type { Account } from '../../../../shared/core/domain/account';
import type { Clock } from '../../../../shared/core/ports/runtime';
import { RiskReport } from '../../../../shared/core/reporting/risk-report';
import { PlanGuard } from '../../../../shared/core/tenancy/plan-guard';
import { ManualClock, MemorySignalLedger, MemorySignalQueue, T0 } from '../fakes';
import { MemoryAccounts } from '../memory-repos';
import { accountRecord, bookPosition, BTC, memoryRiskTables } from '../risk/fixtures';

const TENANT_B = 't0b0b0b0b0b';
const OWNER = 111; // on the allow lists: the first tenant's owner
const B_TRADER = 201;
const B_VIEWER = 202;
const STRANGER = 999;
const GROUP = -100_222; // an allow-listed group

type Role = TelegramLink['role'];

/** Codes by hash, links by Telegram id, members with their role now, attempts per user and window. */
class MemoryLinks implements TelegramLinkStore {
  readonly codes = new Map<string, { tenantId: string; userId: string; expiresAt: number }>();
  readonly links = new Map<string, { tenantId: string; userId: string }>();
  readonly members = new Map<string, Role>();
  readonly attempts = new Map<string, number>();
  async putCode(codeHash: string, member: { tenantId: string; userId: string }, expiresAt: number) {
    this.codes.set(codeHash, { ...member, expiresAt });
  }
  async takeCode(codeHash: string, now: number) {
    const code = this.codes.get(codeHash);
    this.codes.delete(codeHash);
    return code && code.expiresAt >= now ? { tenantId: code.tenantId, userId: code.userId } : undefined;
  }
  async countAttempt(telegramUserId: string, windowStart: number) {
    const key = `${telegramUserId}@${windowStart}`;
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    return n;
  }
  async link(telegramUserId: string, member: { tenantId: string; userId: string }) {
    const role = this.members.get(`${member.tenantId}/${member.userId}`);
    if (!role) return undefined;
    this.links.set(telegramUserId, member);
    return { ...member, role };
  }
  async resolve(telegramUserId: string) {
    const link = this.links.get(telegramUserId);
    const role = link && this.members.get(`${link.tenantId}/${link.userId}`);
    return link && role ? { ...link, role } : undefined;
  }
  async unlink(telegramUserId: string) {
    return this.links.delete(telegramUserId);
  }
}

class MemoryConfirmations implements ConfirmationStore {
  readonly items = new Map<string, { value: string; expiresAt: number }>();
  constructor(private readonly clock: Clock) {}
  async put(key: string, value: string, ttlMs: number) {
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
  async send(chatId: string, text: string, buttons?: ReplyButton[][]) {
    this.sent.push({ chatId, text, ...(buttons ? { buttons } : {}) });
  }
  async answer() {}
  get texts() {
    return this.sent.map((s) => s.text);
  }
}

/** One tenant's tables and use cases, each tenant apart (what the runtime's scopeOf gives). */
function tenantScope(accounts: Account[], clock: ManualClock) {
  const { positions, trades, risk, audit } = memoryRiskTables();
  const repo = new MemoryAccounts(accounts);
  const control = new AccountControl({
    accounts: repo,
    positions,
    risk,
    audit,
    clock,
    ledger: new MemorySignalLedger(),
    queue: new MemorySignalQueue(clock),
  });
  const scope: TelegramScope = {
    accounts: repo,
    positions,
    trades,
    risk,
    audit,
    control,
    report: new RiskReport({ accounts: repo, positions, trades, risk, clock }),
  };
  return { scope, repo, positions, audit, control };
}

function setup() {
  const clock = new ManualClock(T0);
  const a = tenantScope([accountRecord({ accountId: 'acc-aaaaaaaaaaaa', name: 'a-main' })], clock);
  const b = tenantScope([accountRecord({ accountId: `${TENANT_B}-bbbbbbbbbbbb`, name: 'b-main' })], clock);
  const links = new MemoryLinks();
  links.members.set(`${TENANT_B}/ub-trader`, 'trader');
  links.members.set(`${TENANT_B}/ub-viewer`, 'viewer');
  links.members.set('acc/ua-viewer', 'viewer');
  const replies = new RecordingReplies();
  const confirmations = new MemoryConfirmations(clock);
  const scopes: Record<string, TelegramScope> = { acc: a.scope, [TENANT_B]: b.scope };
  let codes = 0;
  const bot = new TelegramCommands({
    allowedChatIds: [String(OWNER), String(GROUP)],
    allowedUserIds: [String(OWNER)],
    ...a.scope,
    scopeOf: (tenantId) => {
      const scope = scopes[tenantId];
      if (!scope) throw new Error(`no scope ${tenantId}`);
      return scope;
    },
    links,
    clock,
    replies,
    confirmations,
    newCode: () => `code-${++codes}-xyz`,
  });
  const say = (text: string, chat: number, user: number = chat) =>
    bot.handle({
      message: { chat: { id: chat, type: chat < 0 ? 'supergroup' : 'private' }, from: { id: user }, text },
    });
  const press = (data: string, chat: number, user: number = chat) =>
    bot.handle({ callback_query: { id: 'cb', from: { id: user }, data, message: { chat: { id: chat } } } });
  /** links a Telegram user to a member the way a person does: a code, then /link */
  const linkAs = async (telegramUserId: number, tenantId: string, userId: string) => {
    const { code } = await issueLinkCode({ links, clock }, { tenantId, userId });
    await say(`/link ${code}`, telegramUserId);
  };
  return { bot, say, press, linkAs, links, replies, clock, a, b, confirmations };
}

describe('link codes', () => {
  it('are 10 characters of RFC 4648 base32, read back whatever the case, spaces or dashes', () => {
    const code = newLinkCode(() => Uint8Array.from([0, 1, 25, 26, 31, 32, 63, 255, 100, 7]));
    expect(code).toBe('ABZ27A77EH'); // each byte's low 5 bits: 0 1 25 26 31 0 31 31 4 7
    expect(normaliseLinkCode(' abz27-a77eh ')).toBe('ABZ27A77EH');
    expect(normaliseLinkCode('ABZ27A77E')).toBeUndefined(); // 9
    expect(normaliseLinkCode('ABZ27A77EH1')).toBeUndefined(); // 11
    expect(normaliseLinkCode('ABZ27A77E0')).toBeUndefined(); // 0 is not base32
  });

  it('are stored by hash only, and bind once; an expired one binds nothing', async () => {
    const s = setup();
    const { code, expiresAt } = await issueLinkCode(
      { links: s.links, clock: s.clock },
      { tenantId: TENANT_B, userId: 'ub-trader' },
    );
    expect(expiresAt).toBe(T0 + LINK_CODE_TTL_MS);
    expect([...s.links.codes.keys()]).toEqual([linkCodeHash(code)]);
    expect(JSON.stringify([...s.links.codes])).not.toContain(code);

    expect(await redeemLinkCode({ links: s.links, clock: s.clock }, String(B_TRADER), code)).toEqual({
      kind: 'linked',
      tenantId: TENANT_B,
      userId: 'ub-trader',
      role: 'trader',
    });
    expect(await redeemLinkCode({ links: s.links, clock: s.clock }, String(STRANGER), code)).toEqual({
      kind: 'unknown_or_expired',
    });

    const late = await issueLinkCode({ links: s.links, clock: s.clock }, { tenantId: TENANT_B, userId: 'ub-viewer' });
    s.clock.advance(LINK_CODE_TTL_MS + 1);
    expect(await redeemLinkCode({ links: s.links, clock: s.clock }, String(B_VIEWER), late.code)).toEqual({
      kind: 'unknown_or_expired',
    });
    expect(await s.links.resolve(String(B_VIEWER))).toBeUndefined();
  });

  it(`guessing: ${MAX_LINK_ATTEMPTS} tries per Telegram user and hour, counted before the code is read; then even a right code waits`, async () => {
    const s = setup();
    const deps = { links: s.links, clock: s.clock };
    for (let i = 0; i < MAX_LINK_ATTEMPTS; i++)
      expect((await redeemLinkCode(deps, String(STRANGER), i % 2 ? 'AAAAAAAAAA' : 'not-a-code')).kind).not.toBe(
        'too_many_attempts',
      );
    const { code } = await issueLinkCode(deps, { tenantId: TENANT_B, userId: 'ub-viewer' });
    expect(await redeemLinkCode(deps, String(STRANGER), code)).toEqual({
      kind: 'too_many_attempts',
      retryAt: T0 - (T0 % LINK_ATTEMPT_WINDOW_MS) + LINK_ATTEMPT_WINDOW_MS,
    });
    // refused before the code was read: it is still there for its owner's next window
    expect(s.links.codes.size).toBe(1);
    // another Telegram user has their own count
    expect((await redeemLinkCode(deps, String(B_VIEWER), code)).kind).toBe('linked');
  });
});

describe('the bot obeys the linked person, in their tenant, within their role', () => {
  it('/link in a private chat answers with the tenant and role; in a group it is refused unused', async () => {
    const s = setup();
    const { code } = await issueLinkCode(
      { links: s.links, clock: s.clock },
      { tenantId: TENANT_B, userId: 'ub-viewer' },
    );
    expect(await s.say(`/link ${code}`, GROUP, B_VIEWER)).toMatchObject({ refused: 'private_chat_only' });
    expect(s.links.codes.size).toBe(1);
    expect(await s.say(`/link ${code}`, B_VIEWER)).toEqual({
      kind: 'link',
      chatId: String(B_VIEWER),
      outcome: 'linked',
    });
    expect(s.replies.texts).toEqual([
      'Send /link and /unlink in a private chat with me.',
      `Linked: you act here as a viewer of tenant ${TENANT_B}. /help lists the commands; /unlink removes the link.`,
    ]);
  });

  it("a viewer reads their tenant's accounts and is refused /pause, /resume and /flatten: nothing changes", async () => {
    const s = setup();
    await s.linkAs(B_VIEWER, TENANT_B, 'ub-viewer');
    const pause = jest.spyOn(s.b.control, 'pause');
    const flatten = jest.spyOn(s.b.control, 'flatten');
    s.replies.sent.length = 0;

    await s.say('/status', B_VIEWER);
    expect(s.replies.texts[0]).toContain(`${TENANT_B}-bbbbbbbbbbbb b-main`);
    expect(s.replies.texts[0]).not.toContain('acc-aaaaaaaaaaaa');

    for (const command of ['/pause', '/resume', '/flatten'])
      expect(await s.say(command, B_VIEWER)).toMatchObject({ tenantId: TENANT_B, refused: 'forbidden_role' });
    expect(s.replies.texts.slice(1)).toEqual([
      '/pause needs the trade permission, which a viewer has not.',
      '/resume needs the trade permission, which a viewer has not.',
      '/flatten needs the trade permission, which a viewer has not.',
    ]);
    expect(pause).not.toHaveBeenCalled();
    expect(flatten).not.toHaveBeenCalled();
    expect(s.b.audit.events).toEqual([]);
    expect(s.confirmations.items.size).toBe(0);
  });

  it("a trader of B never sees nor acts on A's accounts: A's id is a missing account there", async () => {
    const s = setup();
    await s.linkAs(B_TRADER, TENANT_B, 'ub-trader');
    const aPause = jest.spyOn(s.a.control, 'pause');
    s.replies.sent.length = 0;

    await s.say('/pause acc-aaaaaaaaaaaa', B_TRADER);
    await s.say('/flatten acc-aaaaaaaaaaaa', B_TRADER);
    await s.say('/pause', B_TRADER);
    expect(s.replies.texts).toEqual([
      '/pause failed: account: no account acc-aaaaaaaaaaaa',
      '/flatten failed: account: no account acc-aaaaaaaaaaaa',
      `${TENANT_B}-bbbbbbbbbbbb: paused\nPaused accounts refuse entries; closes, stops and targets go on.`,
    ]);
    expect(aPause).not.toHaveBeenCalled();
    expect((await s.a.repo.get('acc-aaaaaaaaaaaa'))?.status).toBe('active');
    expect((await s.b.repo.get(`${TENANT_B}-bbbbbbbbbbbb`))?.status).toBe('paused');
    // the audit names the member and role behind the Telegram id
    expect(s.b.audit.events[0]).toMatchObject({
      type: 'account.control',
      data: { source: 'telegram', userId: String(B_TRADER), memberId: 'ub-trader', role: 'trader' },
    });
    expect(s.a.audit.events).toEqual([]);
  });

  it('a trader may /flatten (confirm button, no second factor over Telegram); a press after their link is gone does nothing', async () => {
    const s = setup();
    await s.linkAs(B_TRADER, TENANT_B, 'ub-trader');
    s.b.positions.seed({ ...bookPosition(BTC, 'long', '0.5', '30000'), accountId: `${TENANT_B}-bbbbbbbbbbbb` });
    const flatten = jest.spyOn(s.b.control, 'flatten');

    await s.say('/flatten', B_TRADER);
    expect(s.replies.sent.at(-1)?.buttons?.[0]?.[0]?.data).toBe('fl:y:code-1-xyz');
    await s.links.unlink(String(B_TRADER));
    expect(await s.press('fl:y:code-1-xyz', B_TRADER)).toEqual({ kind: 'ignored', reason: 'user_not_allowed' });
    expect(flatten).not.toHaveBeenCalled();

    await s.linkAs(B_TRADER, TENANT_B, 'ub-trader');
    await s.say('/flatten', B_TRADER);
    expect(await s.press('fl:y:code-2-xyz', B_TRADER)).toMatchObject({ action: 'confirmed' });
    expect(flatten.mock.calls).toEqual([[`${TENANT_B}-bbbbbbbbbbbb`]]);
  });

  it('a member of another tenant is served in their private chat only, not in the allow-listed group', async () => {
    const s = setup();
    await s.linkAs(B_TRADER, TENANT_B, 'ub-trader');
    expect(await s.say('/status', GROUP, B_TRADER)).toMatchObject({ refused: 'private_chat_only' });
    expect(s.replies.texts.at(-1)).toBe('You are linked to another tenant: send me your commands in our private chat.');
  });

  it('a deleted account is no account: /resume of all skips it (it is not a kill switch to refuse), named it is missing', async () => {
    const s = setup();
    await s.linkAs(B_TRADER, TENANT_B, 'ub-trader');
    await s.b.repo.create(
      accountRecord({ accountId: `${TENANT_B}-dddddddddddd`, status: 'disabled', deletedAt: T0, createdAt: T0 + 1 }),
    );
    await s.say('/pause', B_TRADER);
    s.replies.sent.length = 0;
    expect(await s.say('/resume', B_TRADER)).toEqual({
      kind: 'command',
      chatId: String(B_TRADER),
      command: 'resume',
      tenantId: TENANT_B,
    });
    expect(await s.say(`/resume ${TENANT_B}-dddddddddddd`, B_TRADER)).toMatchObject({
      failed: `account: no account ${TENANT_B}-dddddddddddd`,
    });
    expect(s.replies.texts[0]).toBe(`${TENANT_B}-bbbbbbbbbbbb: active (was paused)`);
    expect((await s.b.repo.get(`${TENANT_B}-dddddddddddd`))?.status).toBe('disabled');
  });

  it('a link takes precedence over the allow list; the allow-listed owner alone is the first tenant owner', async () => {
    const s = setup();
    expect(await s.say('/pause', OWNER)).toMatchObject({ tenantId: 'acc' });
    expect((await s.a.repo.get('acc-aaaaaaaaaaaa'))?.status).toBe('paused');
    await s.linkAs(OWNER, 'acc', 'ua-viewer');
    expect(await s.say('/resume', OWNER)).toMatchObject({ tenantId: 'acc', refused: 'forbidden_role' });
    expect((await s.a.repo.get('acc-aaaaaaaaaaaa'))?.status).toBe('paused');
  });

  it('an unlinked stranger is told to link in a private chat, ignored in a group; a removed member is unlinked', async () => {
    const s = setup();
    expect(await s.say('/status', STRANGER)).toMatchObject({ refused: 'unlinked' });
    expect(s.replies.texts[0]).toContain('not linked');
    expect(await s.say('/status', GROUP, STRANGER)).toEqual({ kind: 'ignored', reason: 'user_not_allowed' });
    expect(await s.say('/status', -5, STRANGER)).toEqual({ kind: 'ignored', reason: 'chat_not_allowed' });

    await s.linkAs(B_VIEWER, TENANT_B, 'ub-viewer');
    s.links.members.delete(`${TENANT_B}/ub-viewer`); // `user remove` (the member item goes first)
    expect(await s.say('/status', B_VIEWER)).toMatchObject({ refused: 'unlinked' });
    expect(await s.say('/unlink', B_VIEWER)).toEqual({ kind: 'link', chatId: String(B_VIEWER), outcome: 'unlinked' });
    expect(await s.say('/unlink', B_VIEWER)).toEqual({ kind: 'link', chatId: String(B_VIEWER), outcome: 'not_linked' });
  });
});

describe("/resume of a paused live account holds to the tenant's plan (live slots), as the console's resume", () => {
  /** B on a plan of one live slot: one live account active, one live and one paper account paused */
  function planned() {
    const s = setup();
    const live = (id: string, exchange: Account['exchange'], status: Account['status'], createdAt: number) =>
      accountRecord({ accountId: `${TENANT_B}-${id}`, name: id, exchange, status, createdAt });
    const b = tenantScope(
      [
        live('00000000000a', 'binanceusdm', 'active', 1),
        live('00000000000b', 'okx', 'paused', 2),
        live('00000000000c', 'paper', 'paused', 3),
      ],
      s.clock,
    );
    const asked: { tenantId: string; inUse: number }[] = [];
    const guard = new PlanGuard({
      directory: { tenant: async (tenantId) => ({ tenantId, plan: 'one', createdAt: 1, ownerEmail: 'b@example.com' }) },
      plans: { one: { liveAccounts: 1 }, free: { liveAccounts: 0 }, unlimited: {} },
      clock: s.clock,
    });
    b.scope.plans = {
      allowLiveAccount: async (tenantId, inUse) => {
        asked.push({ tenantId, inUse });
        return guard.allowLiveAccount(tenantId, inUse);
      },
    };
    Object.assign(s.b.scope, b.scope);
    return { ...s, b, asked };
  }

  it('refused naming the limit when the plan has no free slot: the account stays paused, nothing audited for it', async () => {
    const s = planned();
    await s.linkAs(B_TRADER, TENANT_B, 'ub-trader');
    s.replies.sent.length = 0;
    const outcome = await s.say(`/resume ${TENANT_B}-00000000000b`, B_TRADER);
    expect(outcome).toMatchObject({ tenantId: TENANT_B, refused: 'plan_limit' });
    expect(s.replies.texts).toEqual([
      [
        `Not resumed: ${TENANT_B}-00000000000b. plan one allows 1 live accounts (you have 1) (limit liveAccounts).`,
        'A paused account holds no live slot: pause another live account, or ask the deployment admin for a larger plan.',
      ].join('\n'),
    ]);
    expect(s.asked).toEqual([{ tenantId: TENANT_B, inUse: 1 }]);
    expect((await s.b.repo.get(`${TENANT_B}-00000000000b`))?.status).toBe('paused');
    expect(s.b.audit.events).toEqual([]);
  });

  it('a paper account takes no slot; with the live one paused first, the other live one resumes', async () => {
    const s = planned();
    await s.linkAs(B_TRADER, TENANT_B, 'ub-trader');
    expect(await s.say(`/resume ${TENANT_B}-00000000000c`, B_TRADER)).not.toHaveProperty('refused');
    expect((await s.b.repo.get(`${TENANT_B}-00000000000c`))?.status).toBe('active');
    expect(s.asked).toEqual([]);
    await s.say(`/pause ${TENANT_B}-00000000000a`, B_TRADER);
    expect(await s.say(`/resume ${TENANT_B}-00000000000b`, B_TRADER)).not.toHaveProperty('refused');
    expect((await s.b.repo.get(`${TENANT_B}-00000000000b`))?.status).toBe('active');
    expect(s.asked).toEqual([{ tenantId: TENANT_B, inUse: 0 }]);
  });

  it('/resume of all: the ones before the limit resume, the rest stay paused and are named', async () => {
    const s = planned();
    await s.linkAs(B_TRADER, TENANT_B, 'ub-trader');
    await s.say(`/pause ${TENANT_B}-00000000000a`, B_TRADER);
    s.replies.sent.length = 0;
    expect(await s.say('/resume', B_TRADER)).toMatchObject({ refused: 'plan_limit' });
    // a (live) takes the one slot; b (live) is then over the plan; c (paper) is after it and stays paused
    expect((await s.b.repo.get(`${TENANT_B}-00000000000a`))?.status).toBe('active');
    expect((await s.b.repo.get(`${TENANT_B}-00000000000b`))?.status).toBe('paused');
    expect(s.replies.texts[0]).toContain(
      `Not resumed: ${TENANT_B}-00000000000b, ${TENANT_B}-00000000000c. plan one allows 1 live accounts (you have 1)`,
    );
    expect(s.asked).toEqual([
      { tenantId: TENANT_B, inUse: 0 },
      { tenantId: TENANT_B, inUse: 1 },
    ]);
  });
});
