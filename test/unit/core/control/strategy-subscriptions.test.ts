// StrategySubscriptions (the CLI's strategy enable/disable/list) against an in-memory account
// repository: what is stored, and that every bad input is refused naming its field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ACCOUNT_SETTINGS, type Account } from '../../../../shared/core/domain/account';
import type { StrategySubscription } from '../../../../shared/core/domain/strategy-subscription';
import type { AccountRepository } from '../../../../shared/core/ports/repositories';
import { AccountInputError } from '../../../../shared/core/control/accounts';
import { StrategySubscriptions } from '../../../../shared/core/control/strategy-subscriptions';
import { parseRuleFile, type RuleFile } from '../../../../shared/core/strategies/rules';
import { ManualClock, T0 } from '../fakes';

class MemoryAccounts implements Pick<AccountRepository, 'get' | 'setStrategies'> {
  readonly rows = new Map<string, Account>();
  readonly get = jest.fn(async (id: string) => structuredClone(this.rows.get(id)));
  readonly setStrategies = jest.fn(async (id: string, strategies: StrategySubscription[], at: number) => {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no account ${id}`);
    this.rows.set(id, {
      ...row,
      settings: { ...row.settings, strategies: structuredClone(strategies) },
      updatedAt: at,
    });
  });
}

function setup() {
  const accounts = new MemoryAccounts();
  accounts.rows.set('acc-1', {
    accountId: 'acc-1',
    name: 'p',
    exchange: 'paper',
    testnet: false,
    status: 'active',
    webhookTokenHash: 'x',
    settings: { ...DEFAULT_ACCOUNT_SETTINGS, maxLeverage: 10 },
    createdAt: T0,
    updatedAt: T0,
  });
  const clock = new ManualClock(T0);
  return { accounts, clock, subs: new StrategySubscriptions({ accounts, clock }) };
}

/** The refusal as "field: message" (AccountInputError's own message starts with its field). */
async function fieldOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof AccountInputError)) throw error;
    expect(error.message.startsWith(`${error.field}: `)).toBe(true);
    return error.message;
  }
  throw new Error('expected an AccountInputError');
}

const enable = { accountId: 'acc-1', strategy: 'sma-cross', symbol: 'BINANCE:BTCUSDT.P', timeframe: '1h' };

describe('StrategySubscriptions.enable', () => {
  it('stores the subscription with a stable id, the unified symbol and every parameter resolved', async () => {
    const { subs, accounts } = setup();

    const sub = await subs.enable({ ...enable, params: { fast: '5', slow: '20' }, size: '10%', leverage: 3 });

    expect(sub).toEqual({
      id: 'sma-cross.BTCUSDT.1h',
      strategy: 'sma-cross',
      symbol: 'BTC/USDT:USDT',
      timeframe: '1h',
      params: { fast: 5, slow: 20, slPct: 0, tpPct: 0, longOnly: false },
      size: { kind: 'percent', value: 10 },
      leverage: 3,
      enabled: true,
      updatedAt: T0,
    });
    expect(accounts.rows.get('acc-1')?.settings.strategies).toEqual([sub]);
    expect(accounts.setStrategies).toHaveBeenCalledWith('acc-1', [sub], T0);
  });

  it('replaces the subscription of the same strategy, symbol and timeframe and keeps the others', async () => {
    const { subs, accounts } = setup();
    await subs.enable({ ...enable, params: { fast: '5' } });
    await subs.enable({ ...enable, symbol: 'ETHUSDT' });

    await subs.enable({ ...enable, params: { fast: '7' } });

    const stored = accounts.rows.get('acc-1')?.settings.strategies ?? [];
    expect(stored.map((s) => s.id).sort()).toEqual(['sma-cross.BTCUSDT.1h', 'sma-cross.ETHUSDT.1h']);
    expect(stored.find((s) => s.id === 'sma-cross.BTCUSDT.1h')?.params.fast).toBe(7);
  });

  it('refuses a second enabled strategy on the same symbol, and allows it once the first is disabled', async () => {
    const { subs } = setup();
    await subs.enable(enable);

    expect(await fieldOf(subs.enable({ ...enable, strategy: 'ema-cross' }))).toBe(
      'symbol: BTC/USDT:USDT is already traded by sma-cross.BTCUSDT.1h; disable it first (one strategy per symbol and account)',
    );
    await subs.disable('acc-1', 'sma-cross.BTCUSDT.1h');
    await expect(subs.enable({ ...enable, strategy: 'ema-cross' })).resolves.toMatchObject({
      id: 'ema-cross.BTCUSDT.1h',
      enabled: true,
    });
  });

  it.each([
    [{ strategy: 'nope' }, /^strategy: unknown strategy "nope"/],
    [{ params: { fastest: '3' } }, /^param: unknown parameter "fastest" for sma-cross/],
    [{ params: { fast: 'ten' } }, /^param: parameter "fast" of sma-cross must be an integer/],
    [{ params: { fast: '40', slow: '20' } }, /^param: fast \(40\) must be below slow \(20\)/],
    [{ symbol: 'BTC' }, /^symbol: cannot find a known quote currency/],
    [{ timeframe: '2h' }, /^timeframe: must be one of 1m, 5m, 15m, 1h, 4h, 1d/],
    [{ size: '150%' }, /^size: percent must be at most 100/],
    [{ leverage: 11 }, /^leverage: must be a whole number from 1 to this account's cap of 10/],
  ])('refuses %j naming the field', async (bad, message) => {
    const { subs, accounts } = setup();

    expect(await fieldOf(subs.enable({ ...enable, ...bad }))).toMatch(message);
    expect(accounts.setStrategies).not.toHaveBeenCalled();
  });

  it('refuses a timeframe the target does not schedule, naming the ones it runs, and stores nothing', async () => {
    const { accounts, clock } = setup();
    const local = new StrategySubscriptions({ accounts, clock, scheduled: ['1h', '4h', '1d'] });

    expect(await fieldOf(local.enable({ ...enable, timeframe: '5m' }))).toBe(
      'timeframe: 5m is not scheduled here: the strategy runner runs on 1h, 4h, 1d',
    );
    expect(accounts.setStrategies).not.toHaveBeenCalled();
    expect((await local.enable({ ...enable, timeframe: '4h' })).timeframe).toBe('4h');
  });

  it('refuses an unknown account', async () => {
    const { subs } = setup();
    expect(await fieldOf(subs.enable({ ...enable, accountId: 'acc-404' }))).toMatch(/^account: no account acc-404/);
  });
});

describe('StrategySubscriptions.disable and list', () => {
  it('marks the subscription disabled and keeps it listed', async () => {
    const { subs, clock } = setup();
    await subs.enable(enable);
    clock.advance(60_000);

    const disabled = await subs.disable('acc-1', 'sma-cross.BTCUSDT.1h');

    expect(disabled).toMatchObject({ id: 'sma-cross.BTCUSDT.1h', enabled: false, updatedAt: T0 + 60_000 });
    expect(await subs.list('acc-1')).toEqual([disabled]);
  });

  it('refuses an unknown subscription id, naming the ones there are', async () => {
    const { subs } = setup();
    await subs.enable(enable);

    expect(await fieldOf(subs.disable('acc-1', 'x'))).toBe(
      'id: no subscription x on acc-1 (it has sma-cross.BTCUSDT.1h)',
    );
  });

  it('lists nothing for an account without subscriptions', async () => {
    const { subs } = setup();
    expect(await subs.list('acc-1')).toEqual([]);
  });
});

describe('StrategySubscriptions.enable with a rule file', () => {
  const file = (): RuleFile => {
    const parsed = parseRuleFile(readFileSync(join(__dirname, '../../../../strategies/sma-cross.json'), 'utf8'));
    if (!parsed.ok) throw new Error('the shipped file must parse');
    return { ...parsed.rules, id: 'my-cross' };
  };

  it("stores the file with the subscription under the file's id, its parameters resolved", async () => {
    const { subs, accounts } = setup();
    const sub = await subs.enable({
      accountId: 'acc-1',
      rules: file(),
      symbol: 'BTCUSDT',
      timeframe: '1h',
      params: { fast: '5' },
    });
    expect(sub).toMatchObject({
      id: 'my-cross.BTCUSDT.1h',
      strategy: 'my-cross',
      params: { fast: 5, slow: 30, longOnly: false },
    });
    expect(accounts.rows.get('acc-1')?.settings.strategies?.[0]?.rules).toEqual(file());
  });

  it('refuses a file with a typo, naming its path, and stores nothing', async () => {
    const { subs, accounts } = setup();
    const typo = { ...file(), rules: { entry: { long: [{ series: 'sma(close,$fsat)', crossesAbove: 'close' }] } } };
    expect(await fieldOf(subs.enable({ accountId: 'acc-1', rules: typo, symbol: 'BTCUSDT', timeframe: '1h' }))).toMatch(
      /^rules: .*rules\.entry\.long\[0\]\.series: unknown series "sma\(close,\$fsat\)": unknown parameter "\$fsat"/s,
    );
    expect(accounts.setStrategies).not.toHaveBeenCalled();
  });

  it('refuses parameters the file constrains, and a timeframe other than the one the file is written for', async () => {
    const { subs } = setup();
    const base = { accountId: 'acc-1', symbol: 'BTCUSDT' };
    expect(await fieldOf(subs.enable({ ...base, rules: file(), timeframe: '1h', params: { fast: '40' } }))).toBe(
      'param: fast (40) must be below slow (30)',
    );
    expect(await fieldOf(subs.enable({ ...base, rules: { ...file(), timeframe: '4h' }, timeframe: '1h' }))).toMatch(
      /^timeframe: the rule file is written for 4h bars/,
    );
  });
});
