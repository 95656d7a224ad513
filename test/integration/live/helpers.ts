// Shared set-up of the live-execution tests: a fake Binance USDⓈ-M with one funded key per test,
// the harness pointed at it through EXCHANGE_API_URL, and executors built like the Lambda's
// (real ccxt adapter) with short look-up backoffs and optional wrapping of the exchange or repos.
import {
  startFakeBinance,
  type FakeBinance,
  type FakeBinanceOptions,
  type RequestLogEntry,
} from '../../../bin/local/fake-binance';
import { createExecutorHandler, type ExecutorHandler } from '../../../functions/executor/app';
import { CcxtExchangeAdapter } from '../../../shared/adapters/exchange/ccxt-exchange';
import type { Account } from '../../../shared/core/domain/account';
import type { ExchangePort, MarketInfo } from '../../../shared/core/ports/exchange';
import type { OrderRepository } from '../../../shared/core/ports/repositories';
import type { Clock, ExchangeFactory } from '../../../shared/core/ports/runtime';
import type { Signal, SymbolRef } from '../../../shared/core/signal/types';
import type { AlgoControl } from '../../../shared/core/execution/algo/algo-control';
import { BookKeeper } from '../../../shared/core/execution/book-keeper';
import { ExecuteSignal } from '../../../shared/core/execution/execute-signal';
import { OrderSender } from '../../../shared/core/execution/order-sender';
import { ProtectionManager } from '../../../shared/core/execution/protection';
import { buildEntryRisk, buildExchangeFactory } from '../../../shared/runtime/executor';
import { createHarness, silentLogger, type Harness, type HarnessOptions } from '../harness';

export const BTC: SymbolRef = {
  unified: 'BTC/USDT:USDT',
  base: 'BTC',
  quote: 'USDT',
  settle: 'USDT',
  compact: 'BTCUSDT',
};
export const XRP: SymbolRef = {
  unified: 'XRP/USDT:USDT',
  base: 'XRP',
  quote: 'USDT',
  settle: 'USDT',
  compact: 'XRPUSDT',
};

export const START_BALANCE = 10_000;
/** Keys seeded on the fake: each test trades on its own, so the fake's books never mix tests. */
const KEYS = Array.from({ length: 24 }, (_, i) => ({
  apiKey: `it-live-key-${i}`,
  secret: `it-live-secret-${i}`,
  usdt: START_BALANCE,
}));

/** The executor's signal lease. */
export const LEASE_MS = 300;
/** A redelivery this long after a failed one finds the lease lapsed (as after the visibility timeout). */
export const AFTER_LEASE_MS = LEASE_MS + 50;

/**
 * The harness's clock read `laterMs` ahead: the Lambda container of a redelivery that comes after
 * the lease lapsed, without the test waiting for it (the lease is judged by the executor's clock).
 */
export function laterClock(h: Harness, laterMs: number): Clock {
  return { now: () => h.runtime.clock.now() + laterMs };
}

export interface LiveSuite {
  fake: FakeBinance;
  h: Harness;
  /** A fresh fake key and a live account holding it (keys encrypted by the local vault). */
  newAccount(
    settings?: Parameters<Harness['createLiveAccount']>[0]['settings'],
  ): Promise<{ accountId: string; apiKey: string; token: string }>;
  close(): Promise<void>;
}

export async function startLiveSuite(
  options: { fake?: FakeBinanceOptions; executorEnv?: Record<string, string>; harness?: HarnessOptions } = {},
): Promise<LiveSuite> {
  const fake = await startFakeBinance({ accounts: KEYS, ...options.fake });
  const h = await createHarness({
    leaseMs: LEASE_MS,
    ...options.harness,
    executorEnv: {
      EXCHANGE_API_URL: fake.url,
      // Sized for a busy 2-core machine: a first call loads the markets (bitget's take several
      // requests). The ambiguous-send suites, which provoke timeouts, set 800 ms themselves.
      EXCHANGE_TIMEOUT_MS: '4000',
      MAX_RETRY_AFTER_MS: '1500',
      ...options.executorEnv,
    },
  });
  let next = 0;
  return {
    fake,
    h,
    async newAccount(settings) {
      const key = KEYS[next++];
      if (!key) throw new Error('out of fake keys: seed more in live/helpers.ts');
      const { accountId, token } = await h.createLiveAccount({
        exchange: 'binanceusdm',
        apiKey: key.apiKey,
        secret: key.secret,
        ...(settings ? { settings } : {}),
      });
      return { accountId, apiKey: key.apiKey, token };
    },
    close: () => fake.close(),
  };
}

export interface ExecutorOptions {
  /** wraps the real ccxt adapter (inject a stale read, count calls) */
  wrap?: (adapter: ExchangePort) => ExchangePort;
  orders?: OrderRepository;
  lookupBackoffMs?: number[];
  /** the executor's clock (its lease, its records); default the harness's */
  clock?: Clock;
  /** how the adapters wait out a Retry-After; default setTimeout (see recordWaits) */
  sleep?: (ms: number) => Promise<void>;
  /** sliced entries' parents and slice timer (docs/EXECUTION-ALGOS.md); absent: nothing is sliced */
  algo?: AlgoControl;
}

/** ExecuteSignal as buildExecuteSignal composes it, with a fresh adapter cache: a new Lambda container. */
export function liveExecutor(h: Harness, options: ExecutorOptions = {}): ExecuteSignal {
  const repos = h.runtime.repos;
  const clock = options.clock ?? h.runtime.clock;
  const orders = options.orders ?? repos.orders;
  const sender = new OrderSender({
    orders,
    audit: repos.audit,
    clock,
    lookupBackoffMs: options.lookupBackoffMs ?? [30, 60, 120],
  });
  const book = new BookKeeper({ positions: repos.positions, trades: repos.trades, orders, audit: repos.audit, clock });
  const factory = unthrottled(
    buildExchangeFactory(h.executorEnv, h.runtime, options.sleep ? { sleep: options.sleep } : {}),
  );
  const exchanges: ExchangeFactory = options.wrap
    ? {
        forAccount: async (account, credentials) =>
          (options.wrap as (a: ExchangePort) => ExchangePort)(await factory.forAccount(account, credentials)),
      }
    : factory;
  return new ExecuteSignal({
    accounts: repos.accounts,
    ledger: repos.signals,
    audit: repos.audit,
    vault: h.vault,
    exchanges,
    sender,
    book,
    protection: new ProtectionManager({ sender, book, orders, audit: repos.audit, clock }),
    risk: buildEntryRisk(h.executorEnv, h.runtime),
    clock,
    leaseMs: h.executorEnv.SIGNAL_LEASE_MS,
    ...(h.executorEnv.SLIPPAGE_MAX_BPS > 0
      ? { slippage: { maxBps: h.executorEnv.SLIPPAGE_MAX_BPS, onExceed: h.executorEnv.SLIPPAGE_ON_EXCEED } }
      : {}),
    ...(options.algo ? { algo: options.algo, orders } : {}),
  });
}

/**
 * The production factory with ccxt's request spacing switched off on the adapters it builds: the
 * fake has no request weights, and the spacing (50 ms × weight per call) would only slow the suite.
 * The harness's own executor (webhook → SQS path) keeps it on.
 */
function unthrottled(factory: ExchangeFactory): ExchangeFactory {
  return {
    async forAccount(account, credentials) {
      const adapter = await factory.forAccount(account, credentials);
      if (adapter instanceof CcxtExchangeAdapter) adapter.raw.enableRateLimit = false;
      return adapter;
    },
  };
}

/** The real ccxt adapter of an account and the pieces ProtectionManager.sync needs (a protection job). */
export async function protectionOf(
  h: Harness,
  accountId: string,
  symbol = BTC.unified,
): Promise<{ exchange: ExchangePort; market: MarketInfo; protection: ProtectionManager }> {
  const repos = h.runtime.repos;
  const account = (await repos.accounts.get(accountId)) as Account;
  const credentials = await h.vault.decrypt(accountId, account.credentials as NonNullable<Account['credentials']>);
  const exchange = await unthrottled(buildExchangeFactory(h.executorEnv, h.runtime)).forAccount(account, credentials);
  const sender = new OrderSender({
    orders: repos.orders,
    audit: repos.audit,
    clock: h.runtime.clock,
    lookupBackoffMs: [30, 60],
  });
  const protection = new ProtectionManager({
    sender,
    book: h.runtime.book,
    orders: repos.orders,
    audit: repos.audit,
    clock: h.runtime.clock,
  });
  return { exchange, market: await exchange.loadMarket(symbol), protection };
}

/** An adapter whose methods can be replaced one by one; the rest reach the real adapter. */
export function override(adapter: ExchangePort, methods: Partial<ExchangePort>): ExchangePort {
  return Object.assign(Object.create(adapter) as ExchangePort, methods);
}

export function signalFor(accountId: string, signalId: string, extra: Partial<Signal> = {}): Signal {
  return {
    v: 1,
    signalId,
    accountId,
    intent: 'enter_long',
    symbol: BTC,
    receivedAt: Date.now(),
    source: 'webhook',
    ...extra,
  };
}

/** Signal ids are 32 characters in production; tests build readable ones of the same shape. */
export function sid(name: string): string {
  return `s${name.replace(/[^a-z0-9]/gi, '').padEnd(31, '0')}`.slice(0, 32);
}

/** One SQS delivery of the signal to the executor function (Lambda's batch of one). */
export async function deliver(target: ExecuteSignal | ExecutorHandler, signal: Signal, messageId = signal.signalId) {
  const handler = target instanceof ExecuteSignal ? createExecutorHandler(target, silentLogger()) : target;
  const record = {
    messageId,
    receiptHandle: messageId,
    body: JSON.stringify(signal),
    attributes: { MessageGroupId: `${signal.accountId}#${signal.symbol.compact}`, ApproximateReceiveCount: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn',
    awsRegion: 'us-east-1',
  };
  return handler({ Records: [record as never] }, {} as never);
}

/** Requests the fake logged from now on (its log has no key: tests in a file run one at a time). */
export function requestsSince(fake: FakeBinance): () => RequestLogEntry[] {
  const from = fake.requests().length;
  return () => fake.requests().slice(from);
}

export const orderPosts = (log: RequestLogEntry[]) =>
  log.filter((r) => r.method === 'POST' && r.path === '/fapi/v1/order');

/**
 * A sleep port that waits for nothing and records each wait asked for, with the order posts the
 * fake had seen by then (`ordersPosted`): what a Retry-After test asserts instead of the time
 * between the requests.
 */
export function recordWaits(ordersPosted: () => number): {
  sleep: (ms: number) => Promise<void>;
  waits: Array<{ ms: number; ordersPosted: number }>;
} {
  const waits: Array<{ ms: number; ordersPosted: number }> = [];
  return { waits, sleep: async (ms) => void waits.push({ ms, ordersPosted: ordersPosted() }) };
}

/** True when `amount` is a whole number of `step`s (the fake's quantities are floats). */
export const onStep = (amount: number, step: number): boolean =>
  Math.abs(amount / step - Math.round(amount / step)) < 1e-9;

export { tradeByHand } from './by-hand';

/** The key pair of a fake key handed out by newAccount, for trading on its account by hand (tradeByHand). */
export function fakeKey(apiKey: string): { apiKey: string; secret: string } {
  const key = KEYS.find((k) => k.apiKey === apiKey);
  if (!key) throw new Error(`no fake key ${apiKey} in live/helpers.ts`);
  return { apiKey: key.apiKey, secret: key.secret };
}
