// The circuit breaker fed by the stream: samples kept every few seconds (not every tick), a crash
// trips the breaker on the tick (the switches' own tiers: 5 % in 15 min by default) with the same
// audit events the risk-check job writes, the risk-check job's lease is respected, and a tick that
// trips nothing writes nothing between samples.
import { DEFAULT_RISK_CONFIG } from '../../../../shared/core/risk/config';
import { entryBlock } from '../../../../shared/core/risk/switches';
import type { PriceTick } from '../../../../shared/core/ports/price-stream';
import type { BookPosition, PositionSide } from '../../../../shared/core/domain/trade';
import { CircuitBreakerFeed } from '../../../../shared/core/watcher/circuit-breaker';
import type { ExchangeWatch } from '../../../../shared/core/watcher/watch-list';
import { ManualClock } from '../fakes';
import { MemoryAudit, MemoryRiskStore } from '../memory-repos';
import { accountRecord } from '../risk/fixtures';

const BTC = 'BTC/USDT:USDT';
const ACCOUNT = 'acc-1';

function setup() {
  const clock = new ManualClock();
  const risk = new MemoryRiskStore();
  const audit = new MemoryAudit();
  let saves = 0;
  const breaker = new CircuitBreakerFeed({
    risk: {
      getState: (id) => risk.getState(id),
      saveState: (s, v) => {
        saves++;
        return risk.saveState(s, v);
      },
      acquireLease: (...a) => risk.acquireLease(...a),
      releaseLease: (...a) => risk.releaseLease(...a),
    },
    audit,
    clock,
    configFor: () => DEFAULT_RISK_CONFIG.switches,
    owner: 'price-watcher-test',
    sampleEveryMs: 10_000,
  });
  const account = accountRecord({ accountId: ACCOUNT });
  const position = {
    accountId: ACCOUNT,
    symbol: BTC,
    side: 'long',
    quantity: '0.1',
    entryPrice: '50000',
    leverage: 5,
    tradeId: 't-1',
    updatedAt: clock.now(),
    appliedOrderIds: [],
    version: 1,
  } as BookPosition & { side: PositionSide; tradeId: string };
  const watch: ExchangeWatch = {
    symbols: [BTC],
    positions: new Map([[BTC, [{ account, position }]]]),
    paperOrders: new Map(),
  };
  const tick = (last: number): PriceTick => ({
    symbol: BTC,
    last,
    timestamp: clock.now(),
    exchange: 'paper',
    receivedAt: clock.now(),
  });
  const feed = (last: number) => breaker.onTicks('paper', [tick(last)], watch);
  return { clock, risk, audit, breaker, feed, saves: () => saves };
}

describe('CircuitBreakerFeed', () => {
  it('keeps one sample per symbol every sampleEveryMs, and writes nothing for the ticks between', async () => {
    const { clock, risk, feed, saves } = setup();
    for (let i = 0; i < 40; i++) {
      await feed(50_000 + i);
      clock.advance(1_000); // a tick a second for 40 s
    }
    const samples = (await risk.getState(ACCOUNT))?.priceSamples[BTC] ?? [];
    expect(samples.map((s) => s.price)).toEqual([50_000, 50_010, 50_020, 50_030]);
    expect(saves()).toBe(4);
  });

  it('a crash trips the breaker on the tick, with the job’s audit events, and entries are blocked at once', async () => {
    const { clock, risk, audit, breaker, feed } = setup();
    await feed(50_000);
    clock.advance(3_000); // between samples: judged in memory against the kept 50,000
    await feed(47_400); // -5.2 % within 15 min
    expect(breaker.stats.trips).toBe(1);
    const state = await risk.getState(ACCOUNT);
    expect(state?.switches.circuit_breaker).toMatchObject({ tripped: true });
    const events = audit.events.map((e) => `${e.type}:${e.type === 'risk.switch' ? e.data.kind : ''}`);
    expect(events).toEqual(['risk.switch:tripped', 'alert:']);
    const block = entryBlock({ config: DEFAULT_RISK_CONFIG.switches, state: state!, now: clock.now() });
    expect(block?.switch).toBe('circuit_breaker');
  });

  it('leaves the state alone while the risk-check job holds the account (busy), and trips on the next tick', async () => {
    const { clock, risk, breaker, feed } = setup();
    await feed(50_000);
    await risk.acquireLease(ACCOUNT, 'risk-check-job', clock.now() + 60_000, clock.now());
    clock.advance(2_000);
    await feed(47_000);
    expect(breaker.stats).toMatchObject({ trips: 0, busy: 1 });
    expect((await risk.getState(ACCOUNT))?.switches.circuit_breaker).toBeUndefined();
    await risk.releaseLease(ACCOUNT, 'risk-check-job');
    clock.advance(1_000);
    await feed(47_100);
    expect(breaker.stats.trips).toBe(1);
  });
});
