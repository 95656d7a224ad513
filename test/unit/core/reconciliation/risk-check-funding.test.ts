// The risk-check job's order of duties with funding recording: every account's safety work (its
// equity snapshot and kill-switch state are the observable end of it) is done before any funding
// rate is asked for, and a funding read that hangs delays nothing of it; the run ends with the
// time box. Paper accounts' markets are never read.
import { DEFAULT_ACCOUNT_SETTINGS, type Account } from '../../../../shared/core/domain/account';
import type { ExchangePort, ExchangePosition } from '../../../../shared/core/ports/exchange';
import type { FundingRate, FundingReadingStore, StoredFunding } from '../../../../shared/core/ports/funding-rates';
import { FundingRecorder, type Deadline } from '../../../../shared/core/reconciliation/funding-recorder';
import { RiskCheck, type RiskCheckDeps } from '../../../../shared/core/reconciliation/risk-check';
import { ManualClock, T0 } from '../fakes';
import { MemoryAccounts, MemoryAudit, MemoryRiskStore } from '../memory-repos';

const BTC = 'BTC/USDT:USDT';

const account = (accountId: string, exchange: Account['exchange']): Account => ({
  accountId,
  name: accountId,
  exchange,
  testnet: false,
  status: 'active',
  webhookTokenHash: 'h',
  ...(exchange === 'paper' ? {} : { credentials: { ciphertext: 'c' } as unknown as Account['credentials'] }),
  settings: DEFAULT_ACCOUNT_SETTINGS,
  createdAt: T0,
  updatedAt: T0,
});

/** An exchange holding one BTC long: balance, positions and a price, nothing resting. */
function exchange(events: string[], accountId: string): ExchangePort {
  const held: ExchangePosition = {
    symbol: BTC,
    side: 'long',
    quantity: '0.1',
    entryPrice: '60000',
    unrealizedPnl: '0',
    leverage: 1,
  };
  return {
    fetchBalance: async () => ({ equity: '10000', free: '9000' }),
    fetchPositions: async () => [held],
    fetchPrice: async () => {
      events.push(`${accountId} price`);
      return { symbol: BTC, last: 60_000, timestamp: T0 };
    },
    loadMarket: async () => ({}),
    fetchOpenOrders: async () => [],
  } as unknown as ExchangePort;
}

function setUp(hang: boolean) {
  const events: string[] = [];
  const clock = new ManualClock();
  const risk = new MemoryRiskStore();
  const observed = {
    ...risk,
    getState: risk.getState.bind(risk),
    acquireLease: risk.acquireLease.bind(risk),
    releaseLease: risk.releaseLease.bind(risk),
    latestSnapshot: risk.latestSnapshot.bind(risk),
    listSnapshots: risk.listSnapshots.bind(risk),
    putSnapshot: async (s: Parameters<MemoryRiskStore['putSnapshot']>[0]) => {
      events.push(`${s.accountId} snapshot`);
      return risk.putSnapshot(s);
    },
    saveState: async (s: Parameters<MemoryRiskStore['saveState']>[0], v: number) => {
      events.push(`${s.accountId} switches`);
      return risk.saveState(s, v);
    },
  };
  const asked: string[][] = [];
  const stored: StoredFunding[] = [];
  const store: FundingReadingStore = {
    read: async () => [],
    put: async (_source, entries) => void stored.push(...entries),
  };
  let expire: () => void = () => undefined;
  const deadline = (): Deadline => ({ expired: new Promise<void>((r) => (expire = r)), cancel: () => undefined });
  const funding = new FundingRecorder({
    sources: () => ({
      current: (symbols) => {
        asked.push([...symbols]);
        events.push('funding read');
        return hang
          ? new Promise<FundingRate[]>(() => undefined)
          : Promise.resolve(symbols.map((symbol) => ({ symbol, rate: '0.0001', nextFundingTime: T0 + 3_600_000 })));
      },
    }),
    store,
    clock,
    deadline,
  });
  const accounts = new MemoryAccounts([account('live-1', 'binanceusdm'), account('paper-1', 'paper')]);
  const deps = {
    accounts,
    positions: { list: async () => [] },
    orders: { listByAccount: async () => [], get: async () => undefined },
    trades: { listByAccount: async () => [], get: async () => undefined, replace: async () => undefined },
    risk: observed,
    vault: { decrypt: async () => ({ apiKey: 'k', secret: 's' }) },
    exchanges: { forAccount: async (a: Account) => exchange(events, a.accountId) },
    protection: {},
    reconcile: {
      run: async () => ({ closedOutside: 0, reducedOutside: 0, external: 0, orphansCanceled: 0 }),
    },
    audit: new MemoryAudit(),
    clock,
    owner: 'test',
    leaseMs: 60_000,
    funding,
  } as unknown as RiskCheckDeps;
  return { check: new RiskCheck(deps), events, asked, stored, expire: () => expire() };
}

test('funding is read after every account’s snapshot and switches, for the live account’s markets only', async () => {
  const { check, events, asked, stored } = setUp(false);

  const report = await check.run();

  expect(report.errors).toBe(0);
  expect(report.fundingRatesRead).toBe(1);
  expect(asked).toEqual([[BTC]]); // the paper account's BTC is not asked for
  const firstFunding = events.indexOf('funding read');
  expect(events.slice(0, firstFunding)).toEqual(
    expect.arrayContaining(['live-1 snapshot', 'live-1 switches', 'paper-1 snapshot', 'paper-1 switches']),
  );
  expect(events.slice(firstFunding)).toEqual(['funding read']);
  expect(stored).toEqual([
    expect.objectContaining({ symbol: BTC, reading: expect.objectContaining({ rate: '0.0001' }) }),
  ]);
});

test('a hanging funding read delays no safety work and ends the run with the time box', async () => {
  const { check, events, expire } = setUp(true);
  let done = false;
  const run = check.run().then((r) => {
    done = true;
    return r;
  });
  // the safety work of both accounts is finished while the funding read hangs
  for (let i = 0; i < 50 && !events.includes('funding read'); i++) await new Promise((r) => setImmediate(r));
  expect(events).toEqual(
    expect.arrayContaining(['live-1 snapshot', 'live-1 switches', 'paper-1 snapshot', 'paper-1 switches']),
  );
  expect(events.at(-1)).toBe('funding read');
  expect(done).toBe(false);

  expire();
  const report = await run;
  expect(report).toMatchObject({ errors: 0, snapshots: 2, fundingRatesRead: 0 });
});

test("a run near its deadline (the Lambda's timeout) does its safety work and reads no funding", async () => {
  const { check, events, asked } = setUp(false);
  const report = await check.run({ deadline: T0 + 1_000 });
  expect(events).toEqual(expect.arrayContaining(['live-1 snapshot', 'live-1 switches']));
  expect(asked).toEqual([]);
  expect(report).toMatchObject({ errors: 0, fundingRatesRead: 0 });
});
