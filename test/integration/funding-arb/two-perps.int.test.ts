// Live funding arbitrage end to end on the local stand-ins: the funding-arb coordinator as its
// runtime builds it (real AWS SDK clients on dynalite and fauxqs, keyless ccxt against the fakes),
// two live accounts of one owner (fake Binance USDⓈ-M and fake Bybit), funding set on the fakes so
// the spread beats the round trip, and each leg executed by the unchanged executor (real ccxt
// adapter) of its exchange. The coordinator's clock is virtual (the unwind timeout, the horizon);
// the exchanges and executors run on real time.
import type { Message } from '@aws-sdk/client-sqs';
import { startFakeBinance, type FakeBinance } from '../../../bin/local/fake-binance';
import { startFakeBybit, type FakeBybit } from '../../../bin/local/fake-bybit';
import { createExecutorHandler } from '../../../functions/executor/app';
import type { ArbPlan } from '../../../shared/core/domain/arb-plan';
import type { ArbCoordinator } from '../../../shared/core/funding/arb-coordinator';
import { DynamoArbRoundStore } from '../../../shared/adapters/dynamodb/arb-round-store';
import { ArbPlans } from '../../../shared/core/funding/arb-plans';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import type { Signal } from '../../../shared/core/signal/types';
import { loadEnv } from '../../../shared/platform/config';
import { fundingArbEnvSchema } from '../../../shared/platform/funding-arb-config';
import { tableName } from '../../../shared/platform/resource-names';
import { buildExecuteSignal, buildTradingRuntime } from '../../../shared/runtime/executor';
import { buildFundingArb } from '../../../shared/runtime/funding-arb';
import { createHarness, endpoints, MutableClock, region, silentLogger, type Harness } from '../harness';

jest.setTimeout(120_000);

const BTC = 'BTC/USDT:USDT';
const HOUR = 3_600_000;
const EIGHT_HOURS = 8 * HOUR;
const PRICE = 60_000;
const BINANCE_KEY = { apiKey: 'it-arb-binance', secret: 'it-arb-binance-secret', usdt: 10_000 };
const BYBIT_KEY = { apiKey: 'it-arb-bybit', secret: 'it-arb-bybit-secret', usdt: 10_000 };

/** `n` settlements 8 h apart, the newest a day ago, each at `rate`. */
function settled(n: number, rate: string): [number, string][] {
  const newest = Math.floor((Date.now() - 24 * HOUR) / EIGHT_HOURS) * EIGHT_HOURS;
  return Array.from({ length: n }, (_, i) => [newest - (n - 1 - i) * EIGHT_HOURS, rate]);
}

interface Stack {
  h: Harness;
  binance: FakeBinance;
  bybit: FakeBybit;
  clock: MutableClock;
  coordinator: ArbCoordinator;
  perp: string;
  other: string;
  /** every message on the queue, each to its exchange's executor (FIFO order kept); `hold` ones are kept back */
  execute(hold?: (signal: Signal) => boolean): Promise<Signal[]>;
  /** the messages held back so far, delivered now */
  release(): Promise<void>;
  close(): Promise<void>;
}

async function stack(planOverrides: Partial<ArbPlan> = {}): Promise<Stack> {
  const binance = await startFakeBinance({ accounts: [BINANCE_KEY] });
  const bybit = await startFakeBybit({ accounts: [BYBIT_KEY], prices: { BTCUSDT: String(PRICE) } });
  binance.setPrice('BTCUSDT', PRICE);
  // Binance's perpetual pays 20 bp per 8 h, Bybit's 1 bp: over 24 h, 60 − 3 = 57 bps > 29 bps of cost
  binance.setFunding('BTCUSDT', { history: settled(3, '0.002') });
  bybit.setFunding('BTCUSDT', { history: settled(3, '0.0001') });
  const h = await createHarness({
    executorEnv: { EXCHANGE_API_URL: binance.url, EXCHANGE_TIMEOUT_MS: '4000', MAX_RETRY_AFTER_MS: '1500' },
  });
  // The Bybit leg's executor: the same tables and queue, its exchange the fake Bybit.
  const bybitEnv = { ...h.executorEnv, EXCHANGE_API_URL: bybit.url };
  const bybitExecutor = createExecutorHandler(
    buildExecuteSignal(bybitEnv, buildTradingRuntime(bybitEnv, undefined, h.prices), h.vault),
    silentLogger(),
  );
  const { accountId: perp } = await h.createLiveAccount({ exchange: 'binanceusdm', ...BINANCE_KEY });
  const { accountId: other } = await h.createLiveAccount({
    exchange: 'bybit',
    ...BYBIT_KEY,
    settings: { marginMode: 'cross' }, // the fake's unified account is cross (REGULAR_MARGIN)
  });
  const clock = new MutableClock(Date.now());
  const plans = new ArbPlans({ accounts: h.runtime.repos.accounts, clock });
  await plans.add({
    planId: 'btc-1',
    perpAccountId: perp,
    otherAccountId: other,
    symbol: 'BTCUSDT.P',
    notional: '600', // 600 / 60 000 = 0.01 BTC a leg
    horizonMs: 24 * HOUR,
    unwindAfterSeconds: 30,
    stopPct: 10,
    enabled: true,
  });
  if (Object.keys(planOverrides).length) {
    const account = await h.runtime.repos.accounts.get(perp);
    await h.runtime.repos.accounts.setArbPlans(
      perp,
      (account?.settings.arbPlans ?? []).map((p) => ({ ...p, ...planOverrides })),
      clock.now(),
    );
  }
  const ep = endpoints();
  const coordinator = buildFundingArb(
    loadEnv(fundingArbEnvSchema, {
      STAGE: h.stage,
      AWS_REGION: region,
      DYNAMODB_ENDPOINT: ep.dynamo,
      SQS_ENDPOINT: ep.sqs,
      SIGNAL_QUEUE_URL: h.queueUrl,
      EXCHANGE_TIMEOUT_MS: '4000',
      ARB_EXCHANGE_API_URLS: `binanceusdm=${binance.url},bybit=${bybit.url}`,
    }),
    clock,
  );
  const held: Message[] = [];
  const deliver = async (m: Message, signal: Signal) => {
    const handler = signal.accountId === other ? bybitExecutor : h.executor;
    await handler(h.sqsEvent([m]), { awsRequestId: 'it' } as never);
  };
  const execute = async (hold?: (signal: Signal) => boolean): Promise<Signal[]> => {
    const messages: Message[] = await h.receiveAll();
    const signals: Signal[] = [];
    for (const m of messages) {
      const signal = JSON.parse(m.Body ?? '{}') as Signal;
      signals.push(signal);
      if (hold?.(signal)) held.push(m);
      else await deliver(m, signal);
    }
    return signals;
  };
  const release = async () => {
    for (const m of held.splice(0)) await deliver(m, JSON.parse(m.Body ?? '{}') as Signal);
  };
  return {
    h,
    binance,
    bybit,
    clock,
    coordinator,
    perp,
    other,
    execute,
    release,
    close: async () => {
      await binance.close();
      await bybit.close();
    },
  };
}

/** Runs the coordinator until `done` holds (or a generous number of passes), executing what it sends. */
async function runUntil(
  s: Stack,
  done: () => Promise<boolean>,
  passes = 10,
  hold?: (signal: Signal) => boolean,
): Promise<void> {
  for (let i = 0; i < passes; i++) {
    const [result] = await s.coordinator.run();
    if (result?.outcome === 'failed') throw new Error(`coordinator failed: ${result.reason}`);
    await s.execute(hold);
    if (await done()) return;
  }
  throw new Error('condition not reached');
}

const arbEvents = async (s: Stack, accountId: string, type: string) =>
  (await s.h.runtime.repos.audit.listByAccount(accountId, 200)).filter((e) => e.type === type);

describe('funding arbitrage across the fake Binance and the fake Bybit', () => {
  let s: Stack;
  afterEach(() => s.close());

  it('enters both legs with equal amounts, each with its stop resting on its exchange; closes both at the horizon', async () => {
    s = await stack();
    const [entered] = await s.coordinator.run();
    expect(entered).toMatchObject({ outcome: 'entered', round: 1 });
    const sent = await s.execute();
    expect(sent.map((x) => [x.signalId, x.accountId, x.intent])).toEqual([
      ['arb:btc-1:1:perp', s.perp, 'enter_short'],
      ['arb:btc-1:1:other', s.other, 'enter_long'],
    ]);

    // equal amounts on both exchanges: short 0.01 on Binance, long 0.01 on Bybit
    expect(s.binance.position(BINANCE_KEY.apiKey, 'BTCUSDT').amount).toBeCloseTo(-0.01, 10);
    expect(s.bybit.position(BYBIT_KEY.apiKey, 'BTCUSDT').size).toBe('0.01');
    // each stop rests on its exchange under the leg's client id (10 % from the entry)
    const binanceStop = s.binance
      .algoOrders(BINANCE_KEY.apiKey)
      .find((o) => o.clientAlgoId === clientOrderIdFor('arb:btc-1:1:perp', 'sl'));
    expect(binanceStop).toMatchObject({ side: 'BUY', algoStatus: 'NEW' });
    const bybitStop = s.bybit
      .orders(BYBIT_KEY.apiKey)
      .find((o) => o.orderLinkId === clientOrderIdFor('arb:btc-1:1:other', 'sl'));
    expect(bybitStop).toMatchObject({ side: 'Sell', orderStatus: 'Untriggered' });
    const trades = await s.h.runtime.repos.trades.listByAccount(s.perp);
    expect(trades[0]).toMatchObject({ status: 'open', arb: { planId: 'btc-1', round: 1, leg: 'perp' } });

    // balanced and held; then the horizon ends: both legs closed, the round ends
    expect((await s.coordinator.run())[0]?.outcome).toBe('held');
    s.clock.advance(24 * HOUR);
    await runUntil(s, async () => s.bybit.position(BYBIT_KEY.apiKey, 'BTCUSDT').size === '0');
    expect(s.binance.position(BINANCE_KEY.apiKey, 'BTCUSDT').amount).toBe(0);
    expect((await arbEvents(s, s.perp, 'arb.exited')).map((e) => e.data)).toEqual([
      { planId: 'btc-1', round: 1, symbol: BTC, reason: 'horizon ended' },
    ]);
  });

  it('the fake Bybit refuses the hedge: the Binance leg is closed reduce-only at once, the audit says unwind', async () => {
    s = await stack();
    s.bybit.fault({
      kind: 'error',
      retCode: 110007,
      retMsg: 'ab not enough for new order',
      match: { method: 'POST', path: '/v5/order/create' },
    });
    expect((await s.coordinator.run())[0]?.outcome).toBe('entered');
    await s.execute();
    expect(s.binance.position(BINANCE_KEY.apiKey, 'BTCUSDT').amount).toBeCloseTo(-0.01, 10);
    expect(s.bybit.position(BYBIT_KEY.apiKey, 'BTCUSDT').size).toBe('0');
    expect(await s.h.runtime.repos.signals.getSignal(s.other, 'arb:btc-1:1:other')).toMatchObject({
      status: 'rejected',
    });

    // both orders are done (one filled, one refused): no need to wait for unwindAfter
    s.clock.advance(1_000);
    await runUntil(s, async () => s.binance.position(BINANCE_KEY.apiKey, 'BTCUSDT').amount === 0);
    const reduce = s.binance
      .orders(BINANCE_KEY.apiKey)
      .find((o) => o.clientOrderId === clientOrderIdFor('arb:btc-1:1:perp:r1', 'reduce'));
    expect(reduce).toMatchObject({ side: 'BUY', reduceOnly: true, status: 'FILLED', executedQty: 0.01 });
    expect((await arbEvents(s, s.perp, 'arb.rebalanced')).map((e) => e.data)).toEqual([
      { planId: 'btc-1', round: 1, leg: 'perp', accountId: s.perp, symbol: BTC, amount: '0.01', reason: 'unwind' },
    ]);
  });

  it('the hedge still pending: the Binance leg is unwound only after unwindAfter, a late hedge fill closed in turn', async () => {
    s = await stack();
    const bybitLeg = (x: Signal) => x.accountId === s.other;
    expect((await s.coordinator.run())[0]?.outcome).toBe('entered');
    await s.execute(bybitLeg); // the Bybit leg waits in its lane
    expect(s.binance.position(BINANCE_KEY.apiKey, 'BTCUSDT').amount).toBeCloseTo(-0.01, 10);

    s.clock.advance(29_999);
    expect((await s.coordinator.run())[0]?.outcome).toBe('waiting');
    expect(s.binance.position(BINANCE_KEY.apiKey, 'BTCUSDT').amount).toBeCloseTo(-0.01, 10);

    s.clock.advance(1);
    await runUntil(s, async () => s.binance.position(BINANCE_KEY.apiKey, 'BTCUSDT').amount === 0, 10, bybitLeg);
    expect((await arbEvents(s, s.perp, 'arb.rebalanced')).map((e) => e.data)).toMatchObject([
      { leg: 'perp', amount: '0.01', reason: 'unwind' },
    ]);

    // the lane moves again: the hedge's entry fills after all, and the next runs close it
    await s.release();
    expect(s.bybit.position(BYBIT_KEY.apiKey, 'BTCUSDT').size).toBe('0.01');
    s.clock.advance(1_000);
    await runUntil(s, async () => s.bybit.position(BYBIT_KEY.apiKey, 'BTCUSDT').size === '0');
    expect((await arbEvents(s, s.other, 'arb.rebalanced')).map((e) => e.data)).toMatchObject([
      { leg: 'other', amount: '0.01', reason: 'unwind' },
    ]);
  });

  it('arb remove racing a run that still holds the plan: the fence on the stand-in keeps the stale copy out', async () => {
    s = await stack();
    const rounds = new DynamoArbRoundStore(s.h.runtime.repos.documentClient, tableName(s.h.stage, 'risk'));
    const plans = new ArbPlans({ accounts: s.h.runtime.repos.accounts, clock: s.clock, rounds });
    // what a run read before the owner disabled and removed the plan
    const accounts = await s.h.runtime.repos.accounts.list();
    const stale = new Map(accounts.map((a) => [a.accountId, a]));
    const plan = stale.get(s.perp)!.settings.arbPlans![0]!;
    await plans.setEnabled('btc-1', false);
    await plans.remove('btc-1');
    expect(await rounds.get(s.perp, 'btc-1')).toMatchObject({ status: 'ended', round: 0, removedAt: s.clock.now() });
    const out = await s.coordinator.runPlan(plan, stale);
    expect(out).toMatchObject({ outcome: 'stay-out', reason: 'the plan was removed', sent: [] });
    expect(await s.execute()).toEqual([]);
    // the plan list is written at the account's updatedAt read: a write in between is refused, not lost
    const read = (await s.h.runtime.repos.accounts.get(s.perp))!;
    await s.h.runtime.repos.accounts.setArbPlans(s.perp, [plan], read.updatedAt + 1, read.updatedAt);
    await expect(
      s.h.runtime.repos.accounts.setArbPlans(s.perp, [], read.updatedAt + 2, read.updatedAt),
    ).rejects.toThrow(/changed since it was read/);
    expect((await s.h.runtime.repos.accounts.get(s.perp))?.settings.arbPlans?.map((p) => p.planId)).toEqual(['btc-1']);
  });
});
