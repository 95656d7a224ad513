// The owner's arb plans: every field checked with the field and its bound named, the two accounts
// held to one owner, live perpetual accounts, different ones; stored with the perp account.
import { DEFAULT_ACCOUNT_SETTINGS, type Account, type ExchangeId } from '../../../../shared/core/domain/account';
import { ArbPlans, validatePlan, type ArbPlanInput } from '../../../../shared/core/funding/arb-plans';
import { ManualClock, T0 } from '../fakes';
import { MemoryAccounts } from '../memory-repos';

const A = 'acc-aaaaaaaaaaaa';
const B = 'acc-bbbbbbbbbbbb';
const OTHER_TENANT = 't0123456789-cccccccccccc';

function account(accountId: string, exchange: ExchangeId, extra: Partial<Account> = {}): Account {
  return {
    accountId,
    name: accountId,
    exchange,
    testnet: false,
    status: 'active',
    webhookTokenHash: 'x',
    settings: { ...DEFAULT_ACCOUNT_SETTINGS },
    createdAt: T0,
    updatedAt: T0,
    ...extra,
  };
}

const input = (over: Partial<ArbPlanInput> = {}): ArbPlanInput => ({
  planId: 'btc-1',
  perpAccountId: A,
  otherAccountId: B,
  symbol: 'BTCUSDT.P',
  notional: '1000',
  horizonMs: 3 * 86_400_000,
  ...over,
});

function setup(accounts: Account[] = [account(A, 'binanceusdm'), account(B, 'bybit')]) {
  const repo = new MemoryAccounts(accounts);
  return { repo, plans: new ArbPlans({ accounts: repo, clock: new ManualClock(T0) }) };
}

describe('validatePlan', () => {
  it('fills the defaults and normalises the symbol', () => {
    expect(validatePlan(input(), T0)).toMatchObject({
      symbol: 'BTC/USDT:USDT',
      lookback: 3,
      perpFeeBps: '5',
      otherFeeBps: '5.5',
      slippageBps: '2',
      unwindAfterSeconds: 120,
      stopPct: 10,
      enabled: false,
    });
  });

  it.each([
    [{ planId: 'Bad Id' }, /^planId: must be 1–24 of a-z/],
    [{ symbol: 'BTCXYZ' }, /^symbol: cannot find a known quote currency/],
    [{ notional: '0.5' }, /^notional: must be between 1 and 10000000 quote, got 0.5/],
    [{ notional: 'lots' }, /^notional: must be a decimal number/],
    [{ horizonMs: 60_000 }, /^horizonMs: must be an integer between 3600000 and 2592000000, got 60000/],
    [{ lookback: 0 }, /^lookback: must be an integer between 1 and 90, got 0/],
    [{ perpFeeBps: '-1' }, /^perpFeeBps: must be between 0 and 1000 bps, got -1/],
    [{ slippageBps: '1001' }, /^slippageBps: must be between 0 and 1000 bps/],
    [{ unwindAfterSeconds: 5 }, /^unwindAfterSeconds: must be an integer between 30 and 3600, got 5/],
    [{ stopPct: 0 }, /^stopPct: must be between 0.5 and 50 percent, got 0/],
  ])('refuses %o naming the field and the bound', (over, message) => {
    expect(() => validatePlan(input(over), T0)).toThrow(message);
  });
});

describe('ArbPlans', () => {
  it('stores a valid plan with the perp account and lists it for the tenant', async () => {
    const { repo, plans } = setup();
    const plan = await plans.add(input());
    expect((await repo.get(A))?.settings.arbPlans).toEqual([plan]);
    expect(await plans.list(B)).toEqual([plan]);
    expect((await plans.setEnabled('btc-1', true)).enabled).toBe(true);
    await expect(plans.remove('btc-1')).rejects.toThrow(/btc-1 is enabled: disable it first/);
    await plans.setEnabled('btc-1', false);
    await plans.remove('btc-1');
    expect((await repo.get(A))?.settings.arbPlans).toEqual([]);
  });

  it.each([
    [
      'the same account twice',
      [account(A, 'binanceusdm')],
      { otherAccountId: A },
      /^otherAccountId: must be a different account/,
    ],
    ['an unknown account', [account(A, 'binanceusdm')], {}, /^otherAccountId: no account acc-bbbbbbbbbbbb/],
    [
      "another owner's account",
      [account(A, 'binanceusdm'), account(OTHER_TENANT, 'bybit')],
      { otherAccountId: OTHER_TENANT },
      /^otherAccountId: t0123456789-cccccccccccc belongs to another owner/,
    ],
    [
      'a paused account',
      [account(A, 'binanceusdm'), account(B, 'bybit', { status: 'paused' })],
      {},
      /^otherAccountId: acc-bbbbbbbbbbbb is paused, must be active/,
    ],
    [
      'a spot (Upbit) account',
      [account(A, 'binanceusdm'), account(B, 'upbit')],
      {},
      /^otherAccountId: acc-bbbbbbbbbbbb is a upbit account; a leg must be a perpetual-futures account/,
    ],
    [
      'a paper account',
      [account(A, 'paper'), account(B, 'bybit')],
      {},
      /^perpAccountId: acc-aaaaaaaaaaaa is a paper account/,
    ],
    [
      'a testnet hedge for a live leg (play money would "hedge" real money)',
      [account(A, 'binanceusdm'), account(B, 'bybit', { testnet: true })],
      {},
      /^otherAccountId: acc-bbbbbbbbbbbb trades on a testnet and acc-aaaaaaaaaaaa on the live exchange: both legs must be on the same kind/,
    ],
  ])('refuses %s', async (_name, accounts, over, message) => {
    const { repo, plans } = setup(accounts);
    await expect(plans.add(input(over))).rejects.toThrow(message);
    expect((await repo.get(A))?.settings.arbPlans).toBeUndefined();
  });

  it('a plan write that raced another write of the account is refused, not lost', async () => {
    const repo = new MemoryAccounts([account(A, 'binanceusdm'), account(B, 'bybit')]);
    const clock = new ManualClock(T0);
    const plans = new ArbPlans({ accounts: repo, clock });
    await plans.add(input({ planId: 'btc-1' }));
    // `arb disable btc-1` reads the account, then `arb add eth-1` writes it before the disable does
    const list = repo.list.bind(repo);
    let raced = false;
    repo.list = async () => {
      const accounts = await list();
      if (!raced) {
        raced = true;
        clock.advance(1);
        await new ArbPlans({ accounts: repo, clock }).add(input({ planId: 'eth-1', symbol: 'ETHUSDT.P' }));
      }
      return accounts;
    };
    clock.advance(1);
    await expect(plans.setEnabled('btc-1', true)).rejects.toThrow(/changed since it was read/);
    // both plans are still there: eth-1 was not overwritten by a stale list
    expect((await repo.get(A))?.settings.arbPlans?.map((p) => p.planId)).toEqual(['btc-1', 'eth-1']);
  });

  it('does not remove a disabled plan whose round is still open or exiting', async () => {
    const repo = new MemoryAccounts([account(A, 'binanceusdm'), account(B, 'bybit')]);
    let status: 'open' | 'exiting' | 'ended' = 'exiting';
    const saved: unknown[][] = [];
    const rounds = {
      get: async () => ({ round: 2, status, version: 7 }) as never,
      save: async (...args: unknown[]) => saved.push(args) > 0,
    };
    const plans = new ArbPlans({ accounts: repo, clock: new ManualClock(T0), rounds });
    await plans.add(input());
    await expect(plans.remove('btc-1')).rejects.toThrow(/^planId: btc-1 round #2 is exiting: wait until it has ended/);
    expect(saved).toEqual([]);
    status = 'ended';
    await plans.remove('btc-1');
    expect((await repo.get(A))?.settings.arbPlans).toEqual([]);
    // the ended round is fenced at the version read, so a run still holding the plan cannot enter
    expect(saved).toEqual([[{ round: 2, status: 'ended', version: 8, removedAt: T0, updatedAt: T0 }, 7]]);
  });

  it('refuses a plan id the tenant already has, and a symbol a strategy or plan trades on a leg account', async () => {
    const { plans, repo } = setup();
    await plans.add(input({ enabled: true }));
    await expect(plans.add(input())).rejects.toThrow(/^planId: btc-1 already exists/);
    await expect(plans.add(input({ planId: 'btc-2', enabled: true }))).rejects.toThrow(
      /^symbol: BTC\/USDT:USDT is already traded by plan btc-1/,
    );
    await repo.setStrategies(
      B,
      [{ id: 's1', strategy: 'ema-cross', symbol: 'ETH/USDT:USDT', timeframe: '1h', enabled: true } as never],
      T0,
    );
    await expect(plans.add(input({ planId: 'eth-1', symbol: 'ETHUSDT.P' }))).rejects.toThrow(
      /^symbol: ETH\/USDT:USDT is traded by strategy ema-cross on acc-bbbbbbbbbbbb/,
    );
  });
});
