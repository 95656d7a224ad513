// The risk-check job and the exchange's own volatility index: read for the base coins of the
// symbols it prices, after the account's snapshot, once per 15 minutes per base (shared by every
// account on that exchange); a failed or hung read is skipped and said, never trips nor blocks;
// an exchange without an index (or the trigger off) is never asked.
import { DEFAULT_ACCOUNT_SETTINGS, type Account } from '../../../../shared/core/domain/account';
import type { ExchangePort, ExchangePosition, VolatilityIndexReading } from '../../../../shared/core/ports/exchange';
import { RiskCheck, type RiskCheckDeps } from '../../../../shared/core/reconciliation/risk-check';
import {
  VOLATILITY_INDEX_REFRESH_MS,
  VolatilityIndexReader,
} from '../../../../shared/core/reconciliation/volatility-index';
import { ManualClock, T0 } from '../fakes';
import { MemoryAccounts, MemoryAudit, MemoryRiskStore } from '../memory-repos';

const BTC = 'BTC/USDT:USDT';
const SOURCE = 'Bybit options 7-day historical volatility';

const account = (accountId: string, exchange: Account['exchange'], volatilityPct = 80): Account => ({
  accountId,
  name: accountId,
  exchange,
  testnet: false,
  status: 'active',
  webhookTokenHash: 'h',
  credentials: { ciphertext: 'c' } as unknown as Account['credentials'],
  settings: { ...DEFAULT_ACCOUNT_SETTINGS, risk: { switches: { volatilityPct } } },
  createdAt: T0,
  updatedAt: T0,
});

type IndexAnswer = () => Promise<VolatilityIndexReading | undefined>;

/** An exchange holding one BTC long; with `index`, it exposes a volatility index. */
function exchange(events: string[], index?: IndexAnswer): ExchangePort {
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
    fetchPrice: async () => ({ symbol: BTC, last: 60_000, timestamp: T0 }),
    loadMarket: async () => ({}),
    fetchOpenOrders: async () => [],
    ...(index
      ? {
          fetchVolatilityIndex: async (base: string) => {
            events.push(`index ${base}`);
            return index();
          },
        }
      : {}),
  } as unknown as ExchangePort;
}

const reading = (valuePct: string): VolatilityIndexReading => ({
  base: 'BTC',
  periodDays: 7,
  valuePct,
  time: T0 - 30 * 60_000,
  source: SOURCE,
});

function setUp(accounts: Account[], index: Record<string, IndexAnswer | undefined>, timeoutMs = 3_000) {
  const events: string[] = [];
  const skipped: string[] = [];
  const clock = new ManualClock();
  const risk = new MemoryRiskStore();
  const observed = {
    ...risk,
    getState: risk.getState.bind(risk),
    acquireLease: risk.acquireLease.bind(risk),
    releaseLease: risk.releaseLease.bind(risk),
    latestSnapshot: risk.latestSnapshot.bind(risk),
    listSnapshots: risk.listSnapshots.bind(risk),
    saveState: risk.saveState.bind(risk),
    putSnapshot: async (s: Parameters<MemoryRiskStore['putSnapshot']>[0]) => {
      events.push(`${s.accountId} snapshot`);
      return risk.putSnapshot(s);
    },
  };
  const deps = {
    accounts: new MemoryAccounts(accounts),
    positions: { list: async () => [] },
    orders: { listByAccount: async () => [], get: async () => undefined },
    trades: { listByAccount: async () => [], get: async () => undefined, replace: async () => undefined },
    risk: observed,
    vault: { decrypt: async () => ({ apiKey: 'k', secret: 's' }) },
    exchanges: { forAccount: async (a: Account) => exchange(events, index[a.accountId]) },
    protection: {},
    reconcile: {
      run: async () => ({ closedOutside: 0, reducedOutside: 0, external: 0, orphansCanceled: 0 }),
    },
    audit: new MemoryAudit(),
    clock,
    owner: 'test',
    leaseMs: 60_000,
    volatilityIndex: new VolatilityIndexReader({ timeoutMs, onSkip: (message) => skipped.push(message) }),
  } as unknown as RiskCheckDeps;
  const breaker = async (accountId: string) => (await risk.getState(accountId))?.switches.circuit_breaker;
  return { check: new RiskCheck(deps), events, skipped, clock, breaker };
}

test("a Bybit reading at or above the bound trips the breaker, naming the exchange's index, after the snapshot", async () => {
  const { check, events, breaker } = setUp([account('bybit-1', 'bybit')], {
    'bybit-1': async () => reading('92'),
  });

  const report = await check.run();

  expect(report.errors).toBe(0);
  expect(events).toEqual(['bybit-1 snapshot', 'index BTC']);
  const sw = await breaker('bybit-1');
  expect(sw).toMatchObject({ tripped: true });
  expect(sw?.reason).toMatch(new RegExp(`^BTC/USDT:USDT volatility 92% \\(${SOURCE}, BTC\\) reached the 80% limit`));
  expect(sw?.numbers).toMatchObject({ source: SOURCE, base: 'BTC', volatilityPct: 92, limitPct: 80 });
});

test('below the bound: no trip', async () => {
  const { check, breaker } = setUp([account('bybit-1', 'bybit')], { 'bybit-1': async () => reading('79.5') });
  await check.run();
  expect((await breaker('bybit-1'))?.tripped ?? false).toBe(false);
});

test('one read per base per 15 minutes, shared by the accounts on that exchange', async () => {
  let value = '40';
  const answer = async () => reading(value);
  const { check, events, clock, breaker } = setUp([account('bybit-1', 'bybit'), account('bybit-2', 'bybit')], {
    'bybit-1': answer,
    'bybit-2': answer,
  });

  await check.run();
  value = '95';
  clock.advance(VOLATILITY_INDEX_REFRESH_MS - 60_000);
  await check.run();
  expect(events.filter((e) => e.startsWith('index'))).toEqual(['index BTC']);
  expect((await breaker('bybit-1'))?.tripped ?? false).toBe(false); // the kept 40 %, not re-read

  clock.advance(60_000);
  await check.run();
  expect(events.filter((e) => e.startsWith('index'))).toEqual(['index BTC', 'index BTC']);
  expect(await breaker('bybit-1')).toMatchObject({ tripped: true });
  expect(await breaker('bybit-2')).toMatchObject({ tripped: true });
});

test('a failed read is skipped and said, trips nothing, and the job goes on', async () => {
  const { check, events, skipped, breaker } = setUp([account('bybit-1', 'bybit')], {
    'bybit-1': async () => {
      throw new Error('bybit fetch volatility history failed: 10002');
    },
  });
  const report = await check.run();
  expect(report.errors).toBe(0);
  expect(report.snapshots).toBe(1);
  expect(events).toContain('index BTC');
  expect(skipped).toEqual(['volatility index read failed: skipped this time']);
  expect(await breaker('bybit-1')).toBeUndefined();
});

test('a read that hangs is cut at its time box: skipped, the run ends', async () => {
  const { check, skipped, breaker } = setUp(
    [account('bybit-1', 'bybit')],
    { 'bybit-1': () => new Promise<undefined>(() => undefined) },
    20,
  );
  await check.run();
  expect(skipped).toEqual(['volatility index read timed out: skipped this time']);
  expect(await breaker('bybit-1')).toBeUndefined();
});

test('an exchange without an index, or an account with the trigger off, is never asked', async () => {
  const { check, events } = setUp([account('binance-1', 'binanceusdm'), account('bybit-off', 'bybit', 0)], {
    'bybit-off': async () => reading('500'),
  });
  const report = await check.run();
  expect(report.errors).toBe(0);
  expect(events.filter((e) => e.startsWith('index'))).toEqual([]);
});
