// OwnerActions (the console's and the CLI's actions) over in-memory tables, ledger and FIFO queue:
// who may act, what input is refused (naming the field and the bound), what is queued on which
// lane, what is stored and what the audit trail says — and that no secret reaches it.
import type { Account } from '../../../../shared/core/domain/account';
import type { OrderRecord } from '../../../../shared/core/domain/order';
import { ForbiddenActionError, NotFoundError } from '../../../../shared/core/errors';
import { AccountInputError } from '../../../../shared/core/control/accounts';
import type { Actor } from '../../../../shared/core/control/operator-action-types';
import { OwnerActions } from '../../../../shared/core/control/operator-actions';
import { MemorySignalLedger, MemorySignalQueue, sha256hex, T0 } from '../fakes';
import { MemoryAccounts, MemoryOrders } from '../memory-repos';
import { accountRecord, bookPosition, BTC, ETH, memoryRiskTables, rejectionOf } from '../risk/fixtures';

const owner: Actor = {
  userId: 'u-1',
  email: 'owner@example.com',
  tenantId: 'acc',
  role: 'owner',
  authTime: T0 - 60_000,
  via: 'console',
};
const viewer: Actor = { ...owner, userId: 'u-2', role: 'viewer' };

function setup(accounts: Account[] = [accountRecord()]) {
  const tables = memoryRiskTables();
  const deps = {
    ...tables,
    accounts: new MemoryAccounts(accounts),
    orders: new MemoryOrders(),
    ledger: new MemorySignalLedger(),
    queue: new MemorySignalQueue(tables.clock),
  };
  return { ...deps, actions: new OwnerActions(deps) };
}

const longBtc = () => ({ ...bookPosition(BTC, 'long', '0.5', '50000'), version: 3 });

describe('authorisation, before the input is read', () => {
  it('a viewer is refused every action, even a harmless one, and nothing is stored or queued', async () => {
    const t = setup();
    for (const name of ['pause', 'close', 'rename'] as const) {
      const error = await rejectionOf(t.actions.run(name, { account: 'acc-1' }, viewer), ForbiddenActionError);
      expect(error.reason).toBe('role');
    }
    expect(t.queue.messages).toEqual([]);
    expect(t.audit.events).toEqual([]);
    expect((await t.accounts.get('acc-1'))?.status).toBe('active');
  });

  it('a destructive action needs a sign-in within five minutes; a harmless one does not', async () => {
    const t = setup();
    t.positions.seed(longBtc());
    const stale = { ...owner, authTime: T0 - 5 * 60_000 - 1 };
    const error = await rejectionOf(
      t.actions.run('close', { account: 'acc-1', symbol: 'BTCUSDT' }, stale),
      ForbiddenActionError,
    );
    expect(error.reason).toBe('stale_auth');
    expect(t.queue.messages).toEqual([]);
    // exactly five minutes is still fresh
    await t.actions.run('close', { account: 'acc-1', symbol: 'BTCUSDT' }, { ...owner, authTime: T0 - 5 * 60_000 });
    expect(t.queue.messages).toHaveLength(1);
    // pause is not destructive: an old sign-in may stop trading
    await t.actions.run('pause', { account: 'acc-1' }, { ...owner, authTime: T0 - 86_400_000 });
    expect((await t.accounts.get('acc-1'))?.status).toBe('paused');
  });
});

describe('input', () => {
  it.each([
    ['reduce', { account: 'acc-1', symbol: 'BTCUSDT', percent: 100 }, 'percent', 'below 100'],
    ['reduce', { account: 'acc-1', symbol: 'BTCUSDT', percent: 0 }, 'percent', 'above 0'],
    ['reduce', { account: 'acc-1', symbol: 'BTCUSDT' }, 'percent', 'is required'],
    ['move-stop', { account: 'acc-1', symbol: 'BTCUSDT', price: '-1' }, 'price', 'positive decimal'],
    ['move-stop', { account: 'acc-1', symbol: 'BTCUSDT', price: '1e308' }, 'price', 'positive decimal'],
    ['move-stop', { account: 'acc-1', symbol: 'BTCUSDT', price: 48000, extra: 1 }, 'extra', 'unknown field'],
    ['pause', {}, 'account', 'either account or all'],
    ['pause', { account: 'acc-1', all: true }, 'account', 'either account or all'],
    ['close', { account: '../x', symbol: 'BTCUSDT' }, 'account', 'account id'],
    ['rename', { account: 'acc-1', name: 'x'.repeat(65) }, 'name', '1-64'],
    ['risk-set', { account: 'acc-1', set: [] }, 'set', 'at least one'],
  ] as const)('%s %j → field %s: %s', async (name, input, field, bound) => {
    const t = setup();
    t.positions.seed(longBtc());
    const error = await rejectionOf(t.actions.run(name, input, owner), AccountInputError);
    expect(error.field).toBe(field);
    expect(error.message).toContain(bound);
    expect(t.queue.messages).toEqual([]);
  });

  it('an unknown account, a deleted one, a symbol without an open position or an unknown order: 404', async () => {
    const t = setup([accountRecord(), accountRecord({ accountId: 'acc-gone', status: 'disabled', deletedAt: T0 })]);
    await rejectionOf(t.actions.run('pause', { account: 'acc-none' }, owner), NotFoundError);
    await rejectionOf(t.actions.run('rename', { account: 'acc-gone', name: 'back' }, owner), NotFoundError);
    const missing = await rejectionOf(
      t.actions.run('close', { account: 'acc-1', symbol: 'ETHUSDT' }, owner),
      NotFoundError,
    );
    expect(missing.what).toBe('position');
    await rejectionOf(
      t.actions.run('cancel-order', { account: 'acc-1', clientOrderId: 'tnope' }, owner),
      NotFoundError,
    );
    expect(t.queue.messages).toEqual([]);
  });
});

describe('what touches the book goes to the account lane as an owner signal', () => {
  it('close: a close_all for the book symbol on the account#symbol lane, audited with who asked', async () => {
    const t = setup();
    t.positions.seed(longBtc(), { ...bookPosition(ETH, 'short', '2'), version: 1 });
    const result = await t.actions.run('close', { account: 'acc-1', symbol: 'BTCUSDT.P' }, owner);
    expect(result).toMatchObject({ status: 202, action: 'close', accountIds: ['acc-1'] });
    const [message] = t.queue.messages;
    expect(message?.groupId).toBe('acc-1#BTCUSDT');
    expect(message?.signal).toMatchObject({ intent: 'close_all', source: 'owner', symbol: { unified: BTC } });
    expect(result.signalIds).toEqual([message?.signal.signalId]);
    expect(t.audit.events.at(-1)).toMatchObject({
      type: 'account.control',
      accountId: 'acc-1',
      data: { action: 'close', by: { userId: 'u-1', email: 'owner@example.com', via: 'console' }, symbol: BTC },
    });
  });

  it('reduce: the side comes from the book, the percent travels as reducePct (sized when it runs)', async () => {
    const t = setup();
    t.positions.seed({ ...bookPosition(ETH, 'short', '2'), version: 1 });
    await t.actions.run('reduce', { account: 'acc-1', symbol: 'ETH/USDT:USDT', percent: 25 }, owner);
    expect(t.queue.messages[0]?.signal).toMatchObject({ intent: 'reduce_short', owner: { reducePct: 25 } });
    expect(t.queue.messages[0]?.signal.size).toBeUndefined();
  });

  it('move-stop / move-target carry the price as decimal text; a retried request in the same millisecond is the same signal', async () => {
    const t = setup();
    t.positions.seed(longBtc());
    const first = await t.actions.run('move-stop', { account: 'acc-1', symbol: 'BTCUSDT', price: 48000.5 }, owner);
    const again = await t.actions.run('move-stop', { account: 'acc-1', symbol: 'BTCUSDT', price: 48000.5 }, owner);
    expect(again.signalIds).toEqual(first.signalIds);
    expect(t.queue.messages).toHaveLength(1);
    expect(t.queue.messages[0]?.signal).toMatchObject({ intent: 'move_stop', owner: { price: '48000.5' } });
    t.clock.advance(1);
    const later = await t.actions.run(
      'move-target',
      { account: 'acc-1', symbol: 'BTCUSDT', price: '53000', clientOrderId: 'ttp1' },
      owner,
    );
    expect(later.signalIds).not.toEqual(first.signalIds);
    expect(t.queue.messages[1]?.signal).toMatchObject({
      intent: 'move_target',
      owner: { price: '53000', clientOrderId: 'ttp1' },
    });
  });

  it('cancel-order: the lane is the order symbol; an order that has ended is refused before queuing', async () => {
    const t = setup();
    const order = (id: string, status: OrderRecord['status']): OrderRecord => ({
      accountId: 'acc-1',
      clientOrderId: id,
      signalId: 's1',
      leg: 'tp',
      symbol: ETH,
      side: 'sell',
      type: 'take_profit_market',
      reduceOnly: true,
      amount: '1',
      status,
      leverage: 1,
      createdAt: T0,
      updatedAt: T0,
    });
    await t.orders.putIntent(order('topen', 'open'));
    await t.orders.putIntent(order('tdone', 'filled'));
    await t.actions.run('cancel-order', { account: 'acc-1', clientOrderId: 'topen', force: true }, owner);
    expect(t.queue.messages[0]).toMatchObject({
      groupId: 'acc-1#ETHUSDT',
      signal: { intent: 'cancel_order', owner: { clientOrderId: 'topen', force: true } },
    });
    const ended = await rejectionOf(
      t.actions.run('cancel-order', { account: 'acc-1', clientOrderId: 'tdone' }, owner),
      AccountInputError,
    );
    expect(ended.message).toContain('already ended (filled)');
  });
});

describe('every account at once', () => {
  it('flatten {all: true}: each account (not a deleted one) paused, one close per open position, audited per account', async () => {
    const t = setup([
      accountRecord(),
      accountRecord({ accountId: 'acc-2', createdAt: T0 + 1 }),
      accountRecord({ accountId: 'acc-gone', status: 'disabled', deletedAt: T0 }),
    ]);
    t.positions.seed(longBtc(), { ...bookPosition(ETH, 'short', '2'), accountId: 'acc-2', version: 1 });
    // flatten moves money: a fresh second factor
    const result = await t.actions.run('flatten', { all: true }, { ...owner, secondFactorAt: T0 - 60_000 });
    expect(result.accountIds).toEqual(['acc-1', 'acc-2']);
    expect(result.status).toBe(202);
    expect(t.queue.messages.map((m) => m.groupId).sort()).toEqual(['acc-1#BTCUSDT', 'acc-2#ETHUSDT']);
    expect(result.signalIds).toHaveLength(2);
    expect((await t.accounts.get('acc-2'))?.status).toBe('paused');
    expect((await t.accounts.get('acc-gone'))?.status).toBe('disabled');
    const by = t.audit.events.filter((e) => e.type === 'account.control' && e.data?.action === 'flatten');
    expect(by.map((e) => e.accountId)).toEqual(['acc-1', 'acc-2']);
  });
});

describe('pause --all', () => {
  it('pauses the active accounts; one the drawdown switch disabled stays disabled (not merely paused)', async () => {
    const t = setup([accountRecord(), accountRecord({ accountId: 'acc-dd', status: 'disabled', createdAt: T0 + 1 })]);
    const result = await t.actions.run('pause', { all: true }, owner);
    expect((await t.accounts.get('acc-1'))?.status).toBe('paused');
    expect((await t.accounts.get('acc-dd'))?.status).toBe('disabled');
    expect(result.message).toContain('acc-dd already disabled');
  });
});

describe('account lifecycle', () => {
  it('rename stores the name and audits both names', async () => {
    const t = setup();
    await t.actions.run('rename', { account: 'acc-1', name: ' swing ' }, owner);
    expect((await t.accounts.get('acc-1'))?.name).toBe('swing');
    expect(t.audit.events.at(-1)?.data).toMatchObject({ name: 'swing', previousName: 'main' });
  });

  it('delete: refused while active or with an open position; then soft: disabled, no token matches, strategies gone', async () => {
    const t = setup([
      accountRecord({
        webhookTokenHash: sha256hex('tok'),
        settings: { ...accountRecord().settings, strategies: [{ id: 'x' } as never] },
      }),
    ]);
    t.positions.seed(longBtc());
    const active = await rejectionOf(t.actions.run('delete', { account: 'acc-1' }, owner), AccountInputError);
    expect(active.message).toContain('pause it first');
    await t.actions.run('pause', { account: 'acc-1' }, owner);
    const open = await rejectionOf(t.actions.run('delete', { account: 'acc-1' }, owner), AccountInputError);
    expect(open.message).toContain('1 open position');
    t.positions.seed({ ...longBtc(), side: undefined, quantity: '0' } as never);
    await t.actions.run('delete', { account: 'acc-1' }, owner);
    const stored = await t.accounts.get('acc-1');
    expect(stored).toMatchObject({ status: 'disabled', deletedAt: T0, webhookTokenHash: '' });
    expect(stored?.settings.strategies).toBeUndefined();
    await rejectionOf(t.actions.run('resume', { account: 'acc-1' }, owner), NotFoundError);
  });

  it('rotate-token: the new token only in `secret`, its hash stored, never in the message or the audit trail', async () => {
    const t = setup();
    const result = await t.actions.run('rotate-token', { account: 'acc-1' }, owner);
    expect(result.secret).toMatch(/^[\w-]{32}$/);
    expect((await t.accounts.get('acc-1'))?.webhookTokenHash).toBe(sha256hex(result.secret as string));
    expect(result.message).not.toContain(result.secret);
    expect(JSON.stringify(t.audit.events)).not.toContain(result.secret);
  });

  it('alert-test without the alert tester: 400 naming it; with one: its answer, audited', async () => {
    const t = setup();
    await expect(t.actions.run('alert-test', { account: 'acc-1' }, owner)).rejects.toThrow('not available');
    const tester = jest.fn(async () => ({
      status: 202 as const,
      accountIds: ['acc-1'],
      signalIds: ['s9'],
      message: 'queued',
    }));
    const actions = new OwnerActions({ ...t, alertTest: tester });
    expect(await actions.run('alert-test', { account: 'acc-1', body: 'long' }, owner)).toMatchObject({
      action: 'alert-test',
      signalIds: ['s9'],
    });
    expect(tester).toHaveBeenCalledWith('acc-1', 'long');
  });
});
