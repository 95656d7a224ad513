// The price watcher's wiring (functions/price-watcher, and the local stack in-process): one
// PriceWatcher per watched exchange over one shared watch list, with the four handlers — emulated
// trailing stops (the executor's ProtectionManager), paper fills (the paper-trigger job's own
// settlement at the tick's price), the circuit breaker (the risk state's samples) and, when a store
// is given, live prices. Streams: the replay for paper accounts locally; ccxt pro for the live
// exchanges (their public hosts in the cloud, the fakes' websockets locally).
import { randomBytes } from 'node:crypto';
import { DynamoLivePriceStore } from '../adapters/dynamodb/live-price-store';
import { CcxtPriceCatchUp } from '../adapters/exchange/ccxt-price-catch-up';
import { CcxtPriceStream } from '../adapters/exchange/ccxt-price-stream';
import { CCXT_EXCHANGE_IDS, type CcxtExchangeId } from '../adapters/exchange/exchange-ids';
import { StaticMarketCatalog } from '../adapters/paper/markets';
import { ReplayPriceCatchUp, ReplayPriceStream } from '../adapters/prices/replay-price-stream';
import { ReplayPriceSource } from '../adapters/prices/replay-price-source';
import type { Account } from '../core/domain/account';
import { SettlePaperTriggers, type SettlePaperTriggersDeps } from '../core/execution/settle-paper-triggers';
import type { TriggerSource } from '../core/execution/ports';
import type { PriceSource } from '../core/ports/paper';
import type { LivePriceStore, PriceCatchUp, PriceStream } from '../core/ports/price-stream';
import type { Clock, KeyVault } from '../core/ports/runtime';
import { accountRiskConfig } from '../core/risk/account-config';
import { AccountExchanges } from '../core/watcher/account-exchanges';
import { CircuitBreakerFeed } from '../core/watcher/circuit-breaker';
import { LivePrices } from '../core/watcher/live-prices';
import { PaperFills } from '../core/watcher/paper-fills';
import type { PaperTriggerSettler, Sleep } from '../core/watcher/ports';
import { PriceWatcher, type TickHandler, type WatcherEvent } from '../core/watcher/price-watcher';
import { TrailingStops, type TrailMove } from '../core/watcher/trailing-stops';
import { WatchList } from '../core/watcher/watch-list';
import { WATCHABLE_EXCHANGES, type PriceWatcherEnv } from '../platform/price-watcher-config';
import { buildExchangeFactory, buildKeyVault, buildOrderPlacement, type TradingRuntime } from './executor';
import { paperExchangeFactory } from './paper';
import { dynamoClient } from './dynamo-client';
import { tableName } from '../platform/resource-names';

/** One exchange's stream and its REST catch-up (none: the one-minute jobs cover a gap). */
export interface StreamPair {
  stream: PriceStream;
  catchUp?: PriceCatchUp;
}

/** The stream of an exchange id (`binanceusdm`…), or undefined when there is none. */
export type PriceStreamFactory = (exchange: string) => StreamPair | undefined;

/** Where an exchange is reached instead of its public hosts (the local fakes: REST and websocket roots). */
export type StreamUrls = Partial<Record<CcxtExchangeId, { rest: string; ws: string }>>;

/**
 * The live exchanges' streams: ccxt pro's public websocket (keyless) and REST one-minute candles
 * for the catch-up after a gap (docs/EXCHANGES.md, "Websocket streams"). With `urls`, only the
 * exchanges listed there are streamed (locally: the fakes that serve websockets); without, all of
 * them at their public hosts.
 */
export function ccxtPriceStreams(
  clock: Clock,
  options: { urls?: StreamUrls; testnet?: boolean } = {},
): PriceStreamFactory {
  return (exchange) => {
    if (!(CCXT_EXCHANGE_IDS as readonly string[]).includes(exchange)) return undefined;
    const exchangeId = exchange as CcxtExchangeId;
    const urls = options.urls?.[exchangeId];
    if (options.urls && !urls) return undefined;
    const testnet = options.testnet ? { testnet: true } : {};
    return {
      stream: new CcxtPriceStream({ exchangeId, clock, ...testnet, ...(urls ? { urls } : {}) }),
      catchUp: new CcxtPriceCatchUp({ exchangeId, clock, ...testnet, ...(urls ? { restUrl: urls.rest } : {}) }),
    };
  };
}

/** The console's live prices, written by the watcher: the risk table's `price#<exchange>` rows. */
export function buildLivePriceStore(env: PriceWatcherEnv, clock: Clock): LivePriceStore {
  return new DynamoLivePriceStore(
    dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }),
    tableName(env.STAGE, 'risk'),
    clock,
  );
}

export interface PriceWatchersOptions {
  /** a stream per exchange, before the defaults (tests, the local stack's controllable stream) */
  streamFor?: PriceStreamFactory;
  livePrices?: LivePriceStore;
  onEvent?: (event: WatcherEvent) => void;
  onMoved?: (move: TrailMove) => void;
  sleep?: Sleep;
  vault?: KeyVault;
}

export interface PriceWatchers {
  watchers: readonly PriceWatcher[];
  /** exchanges asked for that have no stream (not watched) */
  unwatched: readonly string[];
  watchList: WatchList;
  trailing: TrailingStops;
  paperFills: PaperFills;
  breaker: CircuitBreakerFeed;
  /** runs every watcher until stop() */
  run(): Promise<void>;
  stop(): Promise<void>;
  /** the oldest of the loops' last turns: a stuck loop holds it back (the heartbeat metric) */
  lastTurnAt(): number;
}

export const sleepFor: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export function buildPriceWatchers(
  env: PriceWatcherEnv,
  runtime: TradingRuntime,
  options: PriceWatchersOptions = {},
): PriceWatchers {
  const { repos, clock } = runtime;
  const owner = `price-watcher-${randomBytes(6).toString('hex')}`;
  const sleep = options.sleep ?? sleepFor;
  const watchList = new WatchList({
    accounts: repos.accounts,
    positions: repos.positions,
    paperOrders: repos.paper,
    clock,
    refreshMs: env.WATCHER_REFRESH_MS,
    onError: (error) => options.onEvent?.({ kind: 'watch-failed', exchange: '*', error: String(error) }),
  });
  const { protection } = buildOrderPlacement(runtime);
  const markets = new StaticMarketCatalog();
  const trailing = new TrailingStops({
    risk: repos.risk,
    positions: repos.positions,
    exchanges: new AccountExchanges({
      exchanges: buildExchangeFactory(env, runtime),
      vault: options.vault ?? buildKeyVault(env),
      clock,
    }),
    protection,
    clock,
    owner,
    ...(options.onMoved ? { onMoved: options.onMoved } : {}),
  });
  const paperFills = new PaperFills({
    settler: paperSettler({
      prices: runtime.prices,
      exchangeFor: (prices) => paperExchangeFactory(repos.paper, prices, markets, clock),
      orders: repos.orders,
      book: runtime.book,
      audit: repos.audit,
      clock,
    }),
    // the filled position or its sibling orders are gone: read the watch list again
    onFilled: () => watchList.refresh(),
  });
  const breaker = new CircuitBreakerFeed({
    risk: repos.risk,
    audit: repos.audit,
    clock,
    configFor: (account) => accountRiskConfig(account).switches,
    owner,
    marketSpeed: env.RISK_MARKET_SPEED,
    sampleEveryMs: env.WATCHER_SAMPLE_MS,
  });
  const handlers: TickHandler[] = [trailing, paperFills, breaker];
  if (options.livePrices) handlers.push(new LivePrices({ store: options.livePrices, clock }));

  const defaults = defaultStreams(env, runtime.prices, runtime);
  const exchanges = env.WATCHER_EXCHANGES.length ? env.WATCHER_EXCHANGES : [...WATCHABLE_EXCHANGES];
  const watchers: PriceWatcher[] = [];
  const unwatched: string[] = [];
  for (const exchange of exchanges) {
    const pair = options.streamFor?.(exchange) ?? defaults(exchange);
    if (!pair) {
      unwatched.push(exchange);
      continue;
    }
    watchers.push(
      new PriceWatcher({
        exchange,
        stream: pair.stream,
        ...(pair.catchUp ? { catchUp: pair.catchUp } : {}),
        watchList,
        handlers,
        clock,
        sleep,
        heartbeatMs: env.WATCHER_HEARTBEAT_MS,
        backoff: { initialMs: env.WATCHER_BACKOFF_INITIAL_MS, maxMs: env.WATCHER_BACKOFF_MAX_MS },
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      }),
    );
  }
  return {
    watchers,
    unwatched,
    watchList,
    trailing,
    paperFills,
    breaker,
    run: () => Promise.all(watchers.map((w) => w.run())).then(() => undefined),
    stop: () => Promise.all(watchers.map((w) => w.stop())).then(() => undefined),
    lastTurnAt: () => Math.min(...watchers.map((w) => w.stats.lastTurnAt)),
  };
}

/** Paper accounts: the replay locally, Binance USDⓈ-M's public stream in the cloud (the paper price source's own). */
function defaultStreams(env: PriceWatcherEnv, prices: PriceSource, runtime: TradingRuntime): PriceStreamFactory {
  const live = ccxtPriceStreams(runtime.clock, { testnet: env.EXCHANGE_TESTNET === 'true' });
  return (exchange) => {
    if (exchange !== 'paper') return live(exchange);
    if (env.WATCHER_PAPER_STREAM === 'exchange') return live('binanceusdm');
    return {
      stream: new ReplayPriceStream({ prices, intervalMs: env.WATCHER_REPLAY_INTERVAL_MS, clock: runtime.clock }),
      ...(prices instanceof ReplayPriceSource
        ? { catchUp: new ReplayPriceCatchUp(prices, { clock: runtime.clock }) }
        : {}),
    };
  };
}

/**
 * The paper-trigger job's settlement, for one symbol, at the streamed price: the paper exchange is
 * built for the call over a price source that answers `price` for that symbol, so the fill is at
 * the price the watcher saw (processPrice reads its source), whatever the source says a moment later.
 */
export function paperSettler(parts: {
  prices: PriceSource;
  /** the paper exchange of an account over the given prices (paperExchangeFactory) */
  exchangeFor: (prices: PriceSource) => (account: Account) => TriggerSource;
  orders: SettlePaperTriggersDeps['orders'];
  book: SettlePaperTriggersDeps['book'];
  audit: SettlePaperTriggersDeps['audit'];
  clock: Clock;
}): PaperTriggerSettler {
  return {
    async settle({ symbol, price, accounts }) {
      const pinned: PriceSource = {
        getPrice: async (s) =>
          s === symbol ? { symbol, last: price, timestamp: parts.clock.now() } : parts.prices.getPrice(s),
      };
      const listed: readonly Account[] = accounts;
      const settle = new SettlePaperTriggers({
        accounts: { list: async () => [...listed] },
        triggersFor: parts.exchangeFor(pinned),
        orders: parts.orders,
        book: parts.book,
        audit: parts.audit,
        clock: parts.clock,
      });
      return (await settle.run(symbol)).fills;
    },
  };
}
