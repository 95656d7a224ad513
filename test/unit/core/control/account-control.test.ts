// AccountControl (the owner's pause / resume / flatten / risk settings) over in-memory tables, the
// in-memory ledger and FIFO queue: what is stored, queued and audited, and every refusal.
import { DEFAULT_ACCOUNT_SETTINGS, type Account } from '../../../../shared/core/domain/account';
import { ConditionalConflictError } from '../../../../shared/core/errors';
import { RiskSettingError } from '../../../../shared/core/risk/overrides';
import { emptyRiskState, type RiskState, type SwitchName } from '../../../../shared/core/risk/state';
import { AccountInputError } from '../../../../shared/core/control/accounts';
import { AccountControl, symbolRefOf } from '../../../../shared/core/control/account-control';
import { MemorySignalLedger, MemorySignalQueue, T0 } from '../fakes';
import { MemoryAccounts } from '../memory-repos';
import {
  accountRecord,
  bookPosition as position,
  BTC,
  DAY,
  ETH,
  memoryRiskTables,
  MINUTE,
  rejectionOf,
  SOL,
} from '../risk/fixtures';

/** acc-1 as stored a day before T0, so that an update shows in updatedAt. */
const account = (over: Partial<Account> = {}): Account =>
  accountRecord({ createdAt: T0 - DAY, updatedAt: T0 - DAY, ...over });

function setup(accounts: Account[] = [account()]) {
  const { positions, risk, audit, clock } = memoryRiskTables();
  const deps = {
    accounts: new MemoryAccounts(accounts),
    positions,
    risk,
    audit,
    clock,
    ledger: new MemorySignalLedger(),
    queue: new MemorySignalQueue(clock),
  };
  return { ...deps, control: new AccountControl(deps) };
}

/** A stored state with the drawdown switch tripped at 8000 after a 10 000 peak. */
function trippedDrawdown(version = 3): RiskState {
  return {
    ...emptyRiskState('acc-1', T0 - 10 * MINUTE),
    lastEquity: '7900',
    lastEquityAt: T0 - MINUTE,
    peakEquity: '10000',
    peakAt: T0 - 86_400_000,
    switches: {
      drawdown: {
        tripped: true,
        trippedAt: T0 - 10 * MINUTE,
        trips: 1,
        reason: 'drawdown 20%',
        numbers: { drawdownPct: 20 },
      },
      circuit_breaker: { tripped: true, trippedAt: T0 - MINUTE, until: T0 + 29 * MINUTE, trips: 2 },
    },
    version,
  };
}

const inputError = (promise: Promise<unknown>): Promise<AccountInputError> => rejectionOf(promise, AccountInputError);

describe('AccountControl.pause / resume', () => {
  it('pause sets the status and audits it', async () => {
    const { control, accounts, audit } = setup();

    expect(await control.pause('acc-1')).toBe('paused');

    expect(accounts.rows.get('acc-1')).toMatchObject({ status: 'paused', updatedAt: T0 });
    expect(audit.events).toEqual([
      {
        accountId: 'acc-1',
        type: 'account.status',
        at: T0,
        message: 'paused: paused by the owner',
        data: { status: 'paused' },
      },
    ]);
  });

  it('resume sets the account active and, with no tripped drawdown, resets nothing and writes no state', async () => {
    const { control, accounts, audit, risk } = setup([account({ status: 'paused' })]);
    const save = jest.spyOn(risk, 'saveState');

    expect(await control.resume('acc-1')).toEqual({ status: 'active', reset: [] });

    expect(accounts.rows.get('acc-1')?.status).toBe('active');
    expect(save).not.toHaveBeenCalled();
    expect(audit.events).toEqual([
      {
        accountId: 'acc-1',
        type: 'account.status',
        at: T0,
        message: 'active: resumed by the owner',
        data: { status: 'active' },
      },
    ]);
  });

  it('resume resets a tripped drawdown switch: version + 1, the peak restarts from the last equity', async () => {
    const { control, risk, audit } = setup([account({ status: 'disabled' })]);
    await risk.saveState(trippedDrawdown(3), 0);

    expect(await control.resume('acc-1')).toEqual({ status: 'active', reset: ['drawdown'] });

    const saved = risk.states.get('acc-1')!;
    expect(saved.version).toBe(4);
    expect(saved.updatedAt).toBe(T0);
    expect(saved.peakEquity).toBe('7900');
    expect(saved.peakAt).toBe(T0);
    expect(saved.switches.drawdown).toMatchObject({
      tripped: false,
      resetAt: T0,
      resetReason: 'resumed by the owner',
      trips: 1,
      trippedAt: T0 - 10 * MINUTE,
    });
    // only the drawdown switch: the circuit breaker keeps its pause
    expect(saved.switches.circuit_breaker).toEqual(trippedDrawdown().switches.circuit_breaker);
    expect(audit.events.map((e) => e.type)).toEqual(['risk.switch', 'account.status']);
    expect(audit.events[0]?.data).toMatchObject({
      switch: 'drawdown',
      kind: 'reset',
      peakEquity: '7900',
      equity: '7900',
    });
    expect(audit.events[1]?.message).toBe('active: resumed by the owner; reset drawdown');
  });

  it.each([
    ['pause', (c: AccountControl) => c.pause('ghost')],
    ['resume', (c: AccountControl) => c.resume('ghost')],
    ['flatten', (c: AccountControl) => c.flatten('ghost')],
    ['setRisk', (c: AccountControl) => c.setRisk('ghost', ['switches.dailyLossPct=3'])],
  ])('%s refuses an unknown account naming "account"', async (_name, act) => {
    const { control, audit } = setup();
    expect((await inputError(act(control))).field).toBe('account');
    expect(audit.events).toEqual([]);
  });
});

describe('AccountControl.resetSwitches', () => {
  it('refuses an unknown switch name naming "switch", before touching anything', async () => {
    const { control, risk } = setup();
    await risk.saveState(trippedDrawdown(), 0);

    const error = await inputError(control.resetSwitches('acc-1', ['drawdown', 'panic' as SwitchName], 'because'));

    expect(error.field).toBe('switch');
    expect(risk.states.get('acc-1')?.version).toBe(3);
    expect(risk.states.get('acc-1')?.switches.drawdown?.tripped).toBe(true);
  });

  it('resets several tripped switches in one write and skips those not tripped', async () => {
    const { control, risk, audit } = setup();
    await risk.saveState(trippedDrawdown(3), 0);

    const done = await control.resetSwitches('acc-1', ['circuit_breaker', 'daily_loss', 'drawdown'], 'owner judged it');

    expect(done).toEqual(['circuit_breaker', 'drawdown']);
    const saved = risk.states.get('acc-1')!;
    expect(saved.version).toBe(4);
    expect(saved.switches.circuit_breaker).toMatchObject({ tripped: false, resetReason: 'owner judged it' });
    expect(saved.switches.drawdown?.tripped).toBe(false);
    expect(saved.switches.daily_loss).toBeUndefined();
    expect(audit.events.map((e) => (e.type === 'risk.switch' ? e.data.switch : e.type))).toEqual([
      'circuit_breaker',
      'drawdown',
    ]);
  });

  it('returns nothing and writes nothing when no named switch is tripped', async () => {
    const { control, risk } = setup();
    const save = jest.spyOn(risk, 'saveState');
    expect(await control.resetSwitches('acc-1', ['daily_loss', 'loss_streak'], 'x')).toEqual([]);
    expect(save).not.toHaveBeenCalled();
  });

  it('retries on a version conflict, re-reading the state the other writer saved', async () => {
    const { control, risk } = setup();
    await risk.saveState(trippedDrawdown(3), 0);
    const realSave = risk.saveState.bind(risk);
    const save = jest.spyOn(risk, 'saveState').mockImplementationOnce(async (state, expected) => {
      // The risk-check job writes version 4 (a newer equity) between our read and our write.
      await realSave({ ...trippedDrawdown(3), lastEquity: '7500', version: 4 }, 3);
      return realSave(state, expected);
    });

    expect(await control.resetSwitches('acc-1', ['drawdown'], 'retry me')).toEqual(['drawdown']);

    expect(save).toHaveBeenCalledTimes(2);
    expect(save.mock.calls[0]?.[1]).toBe(3);
    expect(save.mock.calls[1]?.[1]).toBe(4);
    const saved = risk.states.get('acc-1')!;
    expect(saved.version).toBe(5);
    // the retry started from the other writer's state: its equity is the new peak
    expect(saved.peakEquity).toBe('7500');
    expect(saved.switches.drawdown?.tripped).toBe(false);
  });

  // An attempt whose conditional write loses must not be audited: its figures were never stored
  // (here peakEquity 7900, while the reset that took effect set 7500).
  it('audits a reset once, with the figures that were saved, when a conflict forced a retry', async () => {
    const { control, risk, audit } = setup();
    await risk.saveState(trippedDrawdown(3), 0);
    const realSave = risk.saveState.bind(risk);
    jest.spyOn(risk, 'saveState').mockImplementationOnce(async (state, expected) => {
      await realSave({ ...trippedDrawdown(3), lastEquity: '7500', version: 4 }, 3);
      return realSave(state, expected);
    });

    await control.resetSwitches('acc-1', ['drawdown'], 'retry me');

    const resets = audit.events.filter((e) => e.type === 'risk.switch');
    expect(resets).toHaveLength(1);
    expect(resets[0]?.data).toMatchObject({ peakEquity: '7500' });
  });

  it('gives up with the conflict after three attempts', async () => {
    const { control, risk } = setup();
    await risk.saveState(trippedDrawdown(3), 0);
    const save = jest.spyOn(risk, 'saveState').mockRejectedValue(new ConditionalConflictError('changed'));

    await expect(control.resetSwitches('acc-1', ['drawdown'], 'x')).rejects.toBeInstanceOf(ConditionalConflictError);
    expect(save).toHaveBeenCalledTimes(3);
  });

  it('does not retry other errors', async () => {
    const { control, risk } = setup();
    await risk.saveState(trippedDrawdown(3), 0);
    const save = jest.spyOn(risk, 'saveState').mockRejectedValue(new Error('table gone'));

    await expect(control.resetSwitches('acc-1', ['drawdown'], 'x')).rejects.toThrow('table gone');
    expect(save).toHaveBeenCalledTimes(1);
  });
});

describe('AccountControl.flatten', () => {
  it('pauses and queues one close_all per open position on the account#COMPACT lane', async () => {
    const { control, positions, queue, accounts, audit } = setup();
    positions.seed(position(BTC, 'long', '0.5'));
    positions.seed(position(ETH, 'short', '2'));
    positions.seed(position(SOL, undefined, '0')); // flat row: nothing to close

    const result = await control.flatten('acc-1');

    expect(result.status).toBe('paused');
    expect(accounts.rows.get('acc-1')?.status).toBe('paused');
    expect(result.queued.map((q) => [q.symbol, q.outcome])).toEqual([
      [BTC, 'queued'],
      [ETH, 'queued'],
    ]);
    expect(queue.messages.map((m) => m.groupId)).toEqual(['acc-1#BTCUSDT', 'acc-1#ETHUSDT']);
    for (const [i, message] of queue.messages.entries()) {
      expect(message.dedupId).toMatch(/^flatten-[0-9a-f]{40}$/);
      expect(message.signal).toMatchObject({
        v: 1,
        accountId: 'acc-1',
        intent: 'close_all',
        source: 'owner',
        receivedAt: T0,
        signalId: result.queued[i]?.signalId,
      });
    }
    expect(queue.messages[0]?.signal.symbol).toEqual({
      unified: BTC,
      base: 'BTC',
      quote: 'USDT',
      settle: 'USDT',
      compact: 'BTCUSDT',
    });
    expect(new Set(queue.messages.map((m) => m.dedupId)).size).toBe(2);
    expect(audit.events.map((e) => e.type)).toEqual(['account.status', 'account.control']);
    expect(audit.events[1]).toMatchObject({
      message: 'flatten requested: account paused, 2 close(s) queued',
      data: { symbols: [BTC, ETH] },
    });
  });

  it('is idempotent for the same clock time: the second call sends the same signal (one message), a duplicate once the executor took it', async () => {
    const { control, positions, queue, clock, ledger } = setup();
    positions.seed(position(BTC, 'long', '0.5'));

    const first = await control.flatten('acc-1');
    const second = await control.flatten('acc-1');
    const signalId = first.queued[0]?.signalId as string;
    await ledger.beginExecution(
      { accountId: 'acc-1', signalId, status: 'executing', updatedAt: clock.now() },
      clock.now(),
      60_000,
    );
    const afterTaken = await control.flatten('acc-1');

    expect(second.queued).toEqual([{ symbol: BTC, signalId, outcome: 'queued' }]);
    expect(afterTaken.queued).toEqual([{ symbol: BTC, signalId, outcome: 'duplicate' }]);
    expect(queue.messages).toHaveLength(1);

    // a later request is a new one
    clock.advance(1);
    const third = await control.flatten('acc-1');
    expect(third.queued[0]?.outcome).toBe('queued');
    expect(third.queued[0]?.signalId).not.toBe(first.queued[0]?.signalId);
    expect(queue.messages).toHaveLength(2);
  });

  it('queues nothing but still pauses when nothing is open', async () => {
    const { control, queue, accounts } = setup();
    expect(await control.flatten('acc-1')).toEqual({ accountId: 'acc-1', status: 'paused', queued: [] });
    expect(queue.messages).toEqual([]);
    expect(accounts.rows.get('acc-1')?.status).toBe('paused');
  });

  it('refuses without a queue, before pausing', async () => {
    const { accounts, positions, risk, audit, clock } = setup();
    const control = new AccountControl({ accounts, positions, risk, audit, clock });
    await expect(control.flatten('acc-1')).rejects.toThrow('flatten needs the signal queue');
    expect(accounts.rows.get('acc-1')?.status).toBe('active');
  });
});

describe('AccountControl.setRisk', () => {
  it('validates and stores the settings on top of the existing overrides, and audits them', async () => {
    const { control, accounts, audit } = setup([
      account({ settings: { ...DEFAULT_ACCOUNT_SETTINGS, risk: { switches: { lossStreak: 4 } } } }),
    ]);
    const assignments = ['switches.dailyLossPct=3', 'limits.longOnly=true', `limits.symbolMaxLeverage.${BTC}=10`];

    await control.setRisk('acc-1', assignments);

    expect(accounts.rows.get('acc-1')?.settings.risk).toEqual({
      switches: { lossStreak: 4, dailyLossPct: 3 },
      limits: { longOnly: true, symbolMaxLeverage: { [BTC]: 10 } },
    });
    expect(accounts.rows.get('acc-1')?.updatedAt).toBe(T0);
    expect(audit.events).toEqual([
      {
        accountId: 'acc-1',
        type: 'account.control',
        at: T0,
        message: `risk settings changed: ${assignments.join(', ')}`,
        data: { assignments },
      },
    ]);
  });

  it('stores nothing when any assignment is refused, and names its field', async () => {
    const { control, accounts, audit } = setup();
    const store = jest.spyOn(accounts, 'setRiskOverrides');

    const error = await control
      .setRisk('acc-1', ['switches.dailyLossPct=3', 'limits.maxLeverage=500'])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RiskSettingError);
    expect((error as RiskSettingError).field).toBe('limits.maxLeverage');
    expect(store).not.toHaveBeenCalled();
    expect(accounts.rows.get('acc-1')?.settings.risk).toBeUndefined();
    expect(audit.events).toEqual([]);
  });

  it('"default" removes an override', async () => {
    const { control, accounts } = setup([
      account({ settings: { ...DEFAULT_ACCOUNT_SETTINGS, risk: { switches: { dailyLossPct: 3, lossStreak: 4 } } } }),
    ]);
    await control.setRisk('acc-1', ['switches.dailyLossPct=default']);
    expect(accounts.rows.get('acc-1')?.settings.risk).toEqual({ switches: { lossStreak: 4 } });
  });
});

describe('AccountControl.setRequireTime', () => {
  it('turns it on for an account that had no setting, and audits the old and the new value', async () => {
    const { control, accounts, audit } = setup();

    const result = await control.setRequireTime('acc-1', true);

    expect(result).toEqual({ accountId: 'acc-1', requireTime: true, previous: undefined });
    expect(accounts.rows.get('acc-1')?.settings.requireTime).toBe(true);
    expect(accounts.rows.get('acc-1')?.updatedAt).toBe(T0);
    expect(audit.events).toEqual([
      {
        accountId: 'acc-1',
        type: 'account.control',
        at: T0,
        message: `webhook requireTime on (was the stage's default): alerts without "time" are refused`,
        data: { setting: 'requireTime', requireTime: true, previous: null },
      },
    ]);
  });

  it('turns it off, and undefined removes the setting so the stage decides', async () => {
    const { control, accounts, audit } = setup([
      account({ settings: { ...DEFAULT_ACCOUNT_SETTINGS, requireTime: true } }),
    ]);

    await control.setRequireTime('acc-1', false);
    expect(accounts.rows.get('acc-1')?.settings.requireTime).toBe(false);
    await control.setRequireTime('acc-1', undefined);

    expect(accounts.rows.get('acc-1')?.settings).not.toHaveProperty('requireTime');
    expect(audit.events.map((e) => e.data)).toEqual([
      { setting: 'requireTime', requireTime: false, previous: true },
      { setting: 'requireTime', requireTime: null, previous: false },
    ]);
  });

  it('refuses an unknown account, naming it, and audits nothing', async () => {
    const { control, audit } = setup();

    const error = await control.setRequireTime('acc-9', true).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AccountInputError);
    expect((error as Error).message).toContain('acc-9');
    expect(audit.events).toEqual([]);
  });
});

describe('symbolRefOf', () => {
  it('splits a unified perpetual and a spot symbol', () => {
    expect(symbolRefOf(BTC)).toEqual({ unified: BTC, base: 'BTC', quote: 'USDT', settle: 'USDT', compact: 'BTCUSDT' });
    expect(symbolRefOf('BTC/KRW')).toEqual({
      unified: 'BTC/KRW',
      base: 'BTC',
      quote: 'KRW',
      settle: 'KRW',
      compact: 'BTCKRW',
    });
  });
});
