// The whole system on one machine with no AWS: stand-ins, tables and queues, the webhook behind a
// local API Gateway, the executor behind a local SQS event source, and the scheduled jobs (paper
// triggers, the risk check, the strategy runner per timeframe) on timers. The handlers are the
// Lambda handlers, built from the same composition code.
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createExecutorHandler } from '../../functions/executor/app';
import { createConsoleApiHandler } from '../../functions/console-api/app';
import { createWebhookHandler } from '../../functions/webhook/app';
import { createPaperTickHandler } from '../../functions/paper-tick/app';
import { createNotifierHandler } from '../../functions/notifier/app';
import { createTelegramBotHandler } from '../../functions/telegram-bot/app';
import { telegramBotEnvSchema } from '../../shared/platform/telegram-config';
import { buildTelegramBot } from '../../shared/runtime/telegram-bot';
import { createRiskCheckHandler } from '../../functions/risk-check/app';
import { createStrategyRunnerHandler } from '../../functions/strategy-runner/app';
import { ReplayCandleSource } from '../../shared/adapters/candles/replay-candle-source';
import { ReplayPriceSource } from '../../shared/adapters/prices/replay-price-source';
import type { StrategyTimeframe } from '../../shared/core/domain/strategy-subscription';
import type { CandleSource } from '../../shared/core/ports/candles';
import {
  consoleApiEnvSchema,
  executorEnvSchema,
  loadEnv,
  sliceTimerEnvSchema,
  webhookEnvSchema,
} from '../../shared/platform/config';
import { buildReleaseSlice } from '../../shared/runtime/algo';
import { createSliceTimerHandler } from '../../functions/slice-timer/app';
import { ensembleEnvSchema } from '../../shared/platform/ensemble-config';
import { advisorEnvSchema } from '../../shared/platform/advisor-config';
import { strategyRunnerEnvSchema } from '../../shared/platform/strategy-runner-config';
import { fundingArbEnvSchema } from '../../shared/platform/funding-arb-config';
import { createFundingArbHandler } from '../../functions/funding-arb/app';
import { buildFundingArb } from '../../shared/runtime/funding-arb';
import {
  buildExecuteSignal,
  buildSettlePaperTriggers,
  buildTradingRuntime,
  buildUsageMeter,
} from '../../shared/runtime/executor';
import { ExecutionMetering } from '../../functions/executor/metering';
import { buildRiskCheck } from '../../shared/runtime/risk-check';
import {
  buildLivePriceStore,
  buildPriceWatchers,
  ccxtPriceStreams,
  type PriceStreamFactory,
} from '../../shared/runtime/price-watcher';
import { checkPriceWatcherEnv, priceWatcherEnvSchema } from '../../shared/platform/price-watcher-config';
import type { TrailMove } from '../../shared/core/watcher/trailing-stops';
import { logWatcherEvent } from '../../functions/price-watcher/app';
import { buildNotifier } from '../../shared/runtime/notifier';
import { notifierEnvSchema } from '../../shared/platform/notify-config';
import { startAuditTail } from './audit-tail';
import { consoleMfaMode, startLocalCognito } from './cognito';
import { runTenancyUpgrade } from '../tenancy-upgrade';
import { dynamoClient } from '../../shared/runtime/repositories';
import { buildAcceptWebhook } from '../../shared/runtime/webhook';
import { buildQueueDepth, buildTenantAdmin, consoleScopes } from '../../shared/runtime/console-api';
import { buildCandleSource, buildRunStrategies } from '../../shared/runtime/strategy-runner';
import { createLogger } from '../../shared/platform/logger';
import { systemClock, type Clock } from '../../shared/core/ports/runtime';
import type { PriceSource } from '../../shared/core/ports/paper';
import { lockDataDir } from './data-dir-lock';
import { removeDiscovery, writeDiscovery, type LocalDiscovery } from './discovery-file';
import { startFakeBinance, type FakeBinance } from './fake-binance';
import { consoleFiles } from './console-files';
import { startGateway, type HttpHandler } from './http-gateway';
import { provisionQueues, provisionSliceTimer, provisionTables } from './provision';
import { requeueUnfinished } from './requeue';
import { SqsPoller } from './sqs-poller';
import { startStandins, type Standins } from './standins';

export const LOCAL_STAGE = 'local';
export const LOCAL_REGION = 'us-east-1';
/**
 * The strategy runner's timeframes locally: the replayed candle files are hourly, and a shorter
 * candle cannot be made from them (the cloud runs 1m, 5m and 15m too, on the exchange's candles).
 */
export const LOCAL_STRATEGY_TIMEFRAMES: readonly StrategyTimeframe[] = ['1h', '4h', '1d'];
/** Parallel receive loops of the local SQS event source. */
export const EXECUTOR_LOOPS = 2;

export interface LocalStackOptions {
  port: number;
  dataDir: string;
  /** keep DynamoDB in memory (benchmarks, tests) */
  inMemory?: boolean;
  paperTickMs?: number;
  replayMsPerCandle?: number;
  visibilityTimeoutSeconds?: number;
  clock?: Clock;
  prices?: PriceSource;
  /**
   * Live (binanceusdm) accounts trade against a local fake Binance server whose prices follow the
   * replayed candles (default), or against this base URL; false: no live exchange locally.
   */
  exchange?: { url: string } | false;
  /** how often the risk-check job runs (EventBridge: every minute in the cloud) */
  riskCheckMs?: number;
  /**
   * Timeframes the strategy runner fires on, at each candle close of the replay clock (default
   * 1h, 4h, 1d: what the replayed 1h files can make); [] = no strategy runner.
   */
  strategyTimeframes?: readonly StrategyTimeframe[];
  /** notifications: console + DATA_DIR/notifications.jsonl, and Telegram when TELEGRAM_BOT_TOKEN is set (false: off) */
  notifications?: boolean;
  /** the local SQS event source's parallel receive loops (Lambda's concurrent executors); default EXECUTOR_LOOPS */
  executorLoops?: number;
  /** the built web console served on the gateway's port (default dist/console under the working folder) */
  consoleDir?: string;
  /**
   * The console API's JWT authorizer as API Gateway plays it: the verified token's claims, or
   * undefined for a 401 that never reaches the function. Default: the local Cognito stand-in's.
   */
  consoleAuthorizer?: (authorization: string | undefined) => Promise<Record<string, unknown> | undefined>;
  /**
   * The price watcher in-process (docs/WATCHER.md): paper accounts' prices from the replay (read
   * every 250 ms), moving emulated trailing stops, filling paper stops and feeding the circuit
   * breaker within a second; the paper tick and the risk check above stay as its safety net.
   * `streamFor` replaces an exchange's stream (tests: a controllable one); false: no watcher.
   */
  watcher?: false | { streamFor?: PriceStreamFactory; onMoved?: (move: TrailMove) => void };
}

export type { LocalDiscovery };

export interface LocalStack {
  url: string;
  discovery: LocalDiscovery;
  /** the console API's authorizer (the local Cognito stand-in's tokens): claims, or undefined for a 401 */
  consoleAuthorizer(authorization: string | undefined): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir);
  // 0700 when created: the local key file and the discovery file live here
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Before anything opens a file there (the stand-ins' LevelDB): a second stack on it stops here.
  const lock = lockDataDir(dataDir);
  // The SDK wants credentials even for stand-ins; these never leave the machine.
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.AWS_REGION ??= LOCAL_REGION;
  // Node 20 is supported by the SDK versions pinned here; the notice about future versions is noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  let ready = false;
  // Where a start spends its time, logged once ready (a restart must be back within TradingView's retries).
  const phases: Record<string, number> = {};
  let phaseStart = 0; // performance.now() counts from the process's start
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - phaseStart);
    phaseStart = now;
  };
  phase('loadModules');
  const standins: Standins = await startStandins({
    thread: true,
    ...(options.inMemory ? {} : { dynamoPath: join(dataDir, 'dynamodb') }),
  }).catch((error: unknown) => {
    lock.release();
    throw error;
  });
  // Released last: after the stand-ins have closed their files.
  const cleanups: (() => Promise<void>)[] = [() => standins.stop(), async () => lock.release()];
  try {
    const dynamo = new DynamoDBClient({ region: LOCAL_REGION, endpoint: standins.dynamoEndpoint });
    const sqs = new SQSClient({ region: LOCAL_REGION, endpoint: standins.sqsEndpoint });
    phase('standins');
    await provisionTables(dynamo, LOCAL_STAGE);
    const visibility = options.visibilityTimeoutSeconds ?? 10;
    const { queueUrl, queueArn, dlqUrl } = await provisionQueues(sqs, LOCAL_STAGE, {
      visibilityTimeoutSeconds: visibility,
      maxReceiveCount: 5,
    });
    const sliceTimer = await provisionSliceTimer(sqs, LOCAL_STAGE);
    phase('provision');

    // A local Binance for live accounts: ccxt runs unmodified against it, keys local-key/local-secret.
    let fake: FakeBinance | undefined;
    let exchangeApiUrl: string | undefined = process.env.EXCHANGE_API_URL;
    if (options.exchange !== false && !exchangeApiUrl) {
      if (options.exchange?.url) exchangeApiUrl = options.exchange.url;
      else {
        // One account: FAKE_BINANCE_API_KEY / FAKE_BINANCE_SECRET, or local-key / local-secret.
        const started = await startFakeBinance({
          // Its balances, positions and orders outlive a restart, as the book in DynamoDB does: a
          // fake that forgot them would have the risk check book every open position as closed.
          ...(options.inMemory ? {} : { stateFile: join(dataDir, 'fake-binance.json') }),
          accounts: [
            {
              apiKey: process.env.FAKE_BINANCE_API_KEY ?? 'local-key',
              secret: process.env.FAKE_BINANCE_SECRET ?? 'local-secret',
              usdt: 10_000,
            },
          ],
        });
        fake = started;
        cleanups.unshift(() => started.close());
        exchangeApiUrl = started.url;
      }
    }

    const localKeyFile = join(dataDir, 'local-kms.key');
    const common = {
      STAGE: LOCAL_STAGE,
      AWS_REGION: LOCAL_REGION,
      DYNAMODB_ENDPOINT: standins.dynamoEndpoint,
      SQS_ENDPOINT: standins.sqsEndpoint,
    };
    const webhookEnv = loadEnv(webhookEnvSchema, { ...process.env, ...common, SIGNAL_QUEUE_URL: queueUrl });
    const replayMsPerCandle = options.replayMsPerCandle ?? 5_000;
    const executorVars = {
      ...process.env,
      ...common,
      KEY_VAULT: 'local',
      LOCAL_KEY_FILE: localKeyFile,
      PAPER_PRICE_SOURCE: 'replay',
      RISK_CANDLE_SOURCE: 'replay',
      // One replayed hourly candle every PAPER_REPLAY_MS_PER_CANDLE: the circuit breaker's "5 % in
      // 15 minutes" means replayed minutes, not the few wall seconds they pass in.
      RISK_MARKET_SPEED: String(Math.max(1, Math.round(3_600_000 / replayMsPerCandle))),
      PAPER_REPLAY_MS_PER_CANDLE: String(replayMsPerCandle),
      // a local retry should not wait minutes: the lease is shorter than the visibility timeout
      SIGNAL_LEASE_MS: String(Math.max(1, visibility - 1) * 1000),
      SLICE_TIMER_QUEUE_URL: sliceTimer.queueUrl,
      ...(exchangeApiUrl ? { EXCHANGE_API_URL: exchangeApiUrl } : {}),
      // the live accounts' funding rates for the console, read from the local exchange only: never
      // a real one from a laptop's stack (docs/FUNDING.md "In the console")
      RISK_FUNDING_RATES: exchangeApiUrl ? 'exchange' : 'none',
    };
    const executorEnv = loadEnv(executorEnvSchema, executorVars);
    const runtime = buildTradingRuntime(executorEnv, options.clock, options.prices);
    const logger = createLogger('local');
    const webhook = createWebhookHandler(buildAcceptWebhook(webhookEnv, options.clock), createLogger('webhook'));
    const executorLogger = createLogger('executor');
    const executor = createExecutorHandler(
      // ENSEMBLE_MODELS / LLM_* from the environment, as the cloud function reads them (unset: no gate)
      buildExecuteSignal(executorEnv, runtime, undefined, {
        ensemble: loadEnv(ensembleEnvSchema, { ...process.env, ...common }),
        llm: loadEnv(advisorEnvSchema, { ...process.env, ...common }),
      }),
      executorLogger,
      undefined,
      // the tenants' usage counters, as in the cloud (docs/TENANCY.md "Plans and usage")
      new ExecutionMetering(buildUsageMeter(executorEnv), executorLogger, () => (options.clock ?? systemClock).now()),
    );
    const paperTick = createPaperTickHandler(buildSettlePaperTriggers(runtime), createLogger('paper-tick'));
    const riskLogger = createLogger('risk-check');
    const riskCheck = createRiskCheckHandler(
      buildRiskCheck(executorEnv, runtime, undefined, { logger: riskLogger }),
      riskLogger,
    );
    // Live funding arbitrage's coordinator (EventBridge every minute in the cloud) on the risk
    // check's timer. Its public reads go to the local fakes: ARB_EXCHANGE_API_URLS, else the fake
    // Binance for binanceusdm (the other exchanges' fakes are not part of npm start).
    const fundingArb = createFundingArbHandler(
      buildFundingArb(
        loadEnv(fundingArbEnvSchema, {
          ...process.env,
          ...common,
          SIGNAL_QUEUE_URL: queueUrl,
          ...(!process.env.ARB_EXCHANGE_API_URLS && exchangeApiUrl
            ? { ARB_EXCHANGE_API_URLS: `binanceusdm=${exchangeApiUrl}` }
            : {}),
        }),
        options.clock,
      ),
      { logger: createLogger('funding-arb') },
    );
    // The runner reads the replay the paper exchange fills from (the same instance when it is one),
    // and the timers below play EventBridge, so no settle wait is needed.
    const runnerEnv = loadEnv(strategyRunnerEnvSchema, {
      ...process.env,
      ...common,
      SIGNAL_QUEUE_URL: queueUrl,
      CANDLE_SOURCE: 'replay',
      PAPER_REPLAY_MS_PER_CANDLE: String(replayMsPerCandle),
      SETTLE_MS: '0',
    });
    const candles: CandleSource =
      runtime.prices instanceof ReplayPriceSource
        ? new ReplayCandleSource(runtime.prices)
        : buildCandleSource(runnerEnv, options.clock);
    const strategyRunner = createStrategyRunnerHandler(buildRunStrategies(runnerEnv, options.clock, candles), {
      settleMs: 0,
      logger: createLogger('strategy-runner'),
      ...(options.clock ? { clock: options.clock } : {}),
    });

    phase('compose');
    // Signals queued before a restart were lost with the in-memory queue: all are put back, and the
    // executor executes or rejects each (an entry past its lag: SIGNAL_EXPIRED), never drops one.
    const requeued = await requeueUnfinished(runtime.repos, sqs, LOCAL_STAGE, queueUrl, Date.now());
    if (requeued.requeued.length || requeued.rejected.length) {
      logger.warn('signals from before the restart', {
        requeued: requeued.requeued,
        rejectedWithoutMessage: requeued.rejected,
      });
    }

    phase('requeue');
    const poller = new SqsPoller({
      sqs,
      queueUrl,
      queueArn,
      handler: executor,
      concurrency: options.executorLoops ?? EXECUTOR_LOOPS,
      onError: (e) => logger.error('poller error', { error: String(e) }),
    });
    poller.start();
    cleanups.unshift(() => poller.stop());
    // The slice timer's event source: due children of sliced entries onto the FIFO lane.
    const sliceTimerPoller = new SqsPoller({
      sqs,
      queueUrl: sliceTimer.queueUrl,
      queueArn: sliceTimer.queueArn,
      handler: createSliceTimerHandler(
        buildReleaseSlice(
          loadEnv(sliceTimerEnvSchema, {
            ...common,
            SIGNAL_QUEUE_URL: queueUrl,
            SLICE_TIMER_QUEUE_URL: sliceTimer.queueUrl,
          }),
          options.clock,
        ),
        createLogger('slice-timer'),
      ),
      concurrency: 1,
      onError: (e) => logger.error('slice timer poller error', { error: String(e) }),
    });
    sliceTimerPoller.start();
    cleanups.unshift(() => sliceTimerPoller.stop());

    let ticking = false;
    const tick = setInterval(() => {
      if (ticking || !ready) return;
      ticking = true;
      paperTick()
        .catch((e) => logger.error('paper tick failed', { error: String(e) }))
        .finally(() => (ticking = false));
    }, options.paperTickMs ?? 2_000);
    cleanups.unshift(async () => clearInterval(tick));

    // The risk check (reconciliation, protective fills, kill switches) runs on a timer as EventBridge
    // runs it in the cloud; the fake exchange's prices follow the replayed candles.
    // Start the fake exchange at the replayed prices, so the first fill is not a jump away from them.
    await followReplayedPrices(fake, runtime.prices);
    phase('prices');
    let checking = false;
    const syncTimer = setInterval(() => {
      if (checking || !ready) return;
      checking = true;
      followReplayedPrices(fake, runtime.prices)
        .then(() => riskCheck())
        .then(() => fundingArb())
        .catch((e) => logger.error('risk check failed', { error: String(e) }))
        .finally(() => (checking = false));
    }, options.riskCheckMs ?? 5_000);
    cleanups.unshift(async () => clearInterval(syncTimer));

    const strategyTimeframes = options.strategyTimeframes ?? LOCAL_STRATEGY_TIMEFRAMES;
    for (const timeframe of strategyTimeframes) {
      const stopTimer = fireAtEachClose(
        candles.spanMs(timeframe),
        (closeAt) =>
          ready
            ? strategyRunner({ timeframe, time: new Date(closeAt).toISOString() }).then(() => undefined)
            : Promise.resolve(),
        (e) => logger.error('strategy runner failed', { timeframe, error: String(e) }),
      );
      cleanups.unshift(async () => stopTimer());
    }

    // Notifications: the audit table's new events, tailed as its stream would deliver them, go to
    // the console and a file (and Telegram/Discord when their variables are set), as they happen.
    if (options.notifications !== false) {
      const notifyEnv = loadEnv(notifierEnvSchema, {
        ...process.env,
        ...common,
        LOCAL_NOTIFY_FILE: join(dataDir, 'notifications.jsonl'),
      });
      const notifierLogger = createLogger('notifier');
      const notify = createNotifierHandler(
        await buildNotifier(notifyEnv, { logger: notifierLogger, ...(options.clock ? { clock: options.clock } : {}) }),
        notifierLogger,
      );
      const stopTail = startAuditTail({
        db: runtime.repos.documentClient,
        stage: LOCAL_STAGE,
        accounts: runtime.repos.accounts,
        onEvents: (e) => (ready ? notify(e) : Promise.resolve()),
        onError: (e) => logger.error('notifier failed', { error: String(e) }),
      });
      // Held messages (quiet hours, throttling) go out at the end of the quiet window even if nothing new happens.
      const flushTimer = setInterval(
        () =>
          void (ready ? notify({ Records: [] }) : Promise.resolve()).catch((e) =>
            logger.error('notifier flush failed', { error: String(e) }),
          ),
        60_000,
      );
      cleanups.unshift(async () => {
        stopTail();
        clearInterval(flushTimer);
      });
    }

    // The Telegram bot's webhook route, when a bot is configured (TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_IDS,
    // TELEGRAM_WEBHOOK_SECRET; TELEGRAM_API_URL for a fake Bot API): the same handler as the cloud's.
    // Its config then also requires TELEGRAM_USER_IDS (who may command): without it the start fails, naming it.
    phase('notifier');
    const telegramConfigured = !!(
      process.env.TELEGRAM_BOT_TOKEN &&
      process.env.TELEGRAM_CHAT_IDS &&
      process.env.TELEGRAM_WEBHOOK_SECRET
    );
    const telegram = telegramConfigured
      ? createTelegramBotHandler(
          buildTelegramBot(
            loadEnv(telegramBotEnvSchema, { ...process.env, ...common, SIGNAL_QUEUE_URL: queueUrl }),
            options.clock ? { clock: options.clock } : {},
          ),
          createLogger('telegram-bot'),
        )
      : undefined;
    // The console's sign-in: the local Cognito stand-in on the gateway, its issuer the gateway's URL
    // (known once it listens). CONSOLE_MFA=required asks for TOTP as the cloud's pool does; off by
    // default, so `npm start` stays two commands.
    let gatewayUrl = '';
    const consoleMfa = consoleMfaMode(process.env.CONSOLE_MFA);
    const cognito = startLocalCognito({ dataDir, baseUrl: () => gatewayUrl, mfa: consoleMfa, region: LOCAL_REGION });
    // API Gateway's JWT authorizer for the console API (ANY /api/v1/...), played locally.
    const consoleAuthorizer = options.consoleAuthorizer ?? cognito.authorize;
    // The web console on the same port (CloudFront's part in the cloud), with the document it reads
    // to sign in (the cloud deploys the same document beside the SPA).
    const staticFiles = consoleFiles({
      dir: options.consoleDir ?? resolve('dist/console'),
      config: () => ({ stage: LOCAL_STAGE, apiBase: '/api/v1', cognito: cognito.config, mfa: consoleMfa }),
    });
    // The console API's actions include a test alert through this very gateway's webhook, whose
    // address is known once it listens: the handler is made then, before the stack reports ready.
    let consoleApi: HttpHandler | undefined = undefined;
    const makeConsoleApi = (webhookUrl: string): HttpHandler => {
      const consoleApiEnv = loadEnv(consoleApiEnvSchema, {
        ...process.env,
        ...common,
        SIGNAL_QUEUE_URL: queueUrl,
        SIGNAL_DLQ_URL: dlqUrl,
        WEBHOOK_URL: webhookUrl,
      });
      return createConsoleApiHandler(
        {
          // each tenant's scope: the tenant guard on its client (no STS here: the process's own
          // credentials); the chart's candles: the replay the paper prices and the fake exchange follow
          scope: consoleScopes(consoleApiEnv, options.clock, { candles: () => candles }),
          queueDepth: buildQueueDepth(consoleApiEnv),
          // the deployment admin's routes: a client of their own (no STS here), never a tenant's scope
          admin: buildTenantAdmin(consoleApiEnv, options.clock),
          ...(options.clock ? { clock: options.clock } : {}),
          // TOTP at every sign-in makes auth_time the second factor's time, as the cloud's pool does
          secondFactorRequired: consoleMfa === 'required',
        },
        createLogger('console-api'),
      );
    };
    const gateway = await startGateway(
      {
        webhook,
        ...(telegram ? { telegram } : {}),
        isReady: () => ready,
        api: {
          handler: (event, context) => (consoleApi ? consoleApi(event, context) : Promise.resolve({ statusCode: 503 })),
          authorize: consoleAuthorizer,
        },
        mounts: [cognito.mount],
        staticFiles,
      },
      options.port,
    );
    gatewayUrl = gateway.url;
    consoleApi = makeConsoleApi(`${gateway.url}/webhook`);
    // Data from before tenancy becomes the first tenant's (`upgrade tenancy`), through the pool's own
    // protocol now that the gateway serves it: idempotent, a few reads once done.
    const upgraded = await runTenancyUpgrade({
      db: dynamoClient({ stage: LOCAL_STAGE, region: LOCAL_REGION, endpoint: standins.dynamoEndpoint }),
      stage: LOCAL_STAGE,
      cognito: {
        client: new CognitoIdentityProviderClient({
          region: cognito.config.region,
          endpoint: cognito.config.endpoint,
          credentials: { accessKeyId: cognito.adminAccessKeyId, secretAccessKey: 'local' },
        }),
        userPoolId: cognito.config.userPoolId,
      },
    });
    logger.info('tenancy upgrade', {
      tenantCreated: upgraded.tenantCreated,
      accounts: upgraded.accounts,
      indexed: upgraded.indexed,
      joined: upgraded.joined,
      members: upgraded.members,
      withoutTenant: upgraded.withoutTenant.length,
    });
    phase('tenancy');
    cleanups.unshift(
      () =>
        new Promise<void>((r) => {
          gateway.server.closeAllConnections?.();
          gateway.server.close(() => r());
        }),
    );
    const discovery: LocalDiscovery = {
      stage: LOCAL_STAGE,
      region: LOCAL_REGION,
      dynamoEndpoint: standins.dynamoEndpoint,
      sqsEndpoint: standins.sqsEndpoint,
      queueUrl,
      keyVault: 'local',
      localKeyFile,
      webhookUrl: `${gateway.url}/webhook`,
      ...(exchangeApiUrl ? { exchangeApiUrl } : {}),
      replayMsPerCandle,
      cognito: { ...cognito.config, adminAccessKeyId: cognito.adminAccessKeyId },
      consoleUrl: gateway.url,
      strategyTimeframes: [...strategyTimeframes],
    };
    // The CLI finds the stack through this file (0600, this user's), not by asking the port.
    writeDiscovery(dataDir, { ...discovery, port: Number(new URL(gateway.url).port), pid: process.pid });
    cleanups.unshift(async () => removeDiscovery(dataDir));
    // The price watcher, last: its handlers act at once (the timers above wait for `ready`). Paper
    // accounts stream the replay; binanceusdm accounts the fake Binance's websocket through ccxt pro,
    // as the cloud streams the real one; the risk check's 5 s stays the safety net for both.
    if (options.watcher !== false) {
      const watcherLogger = createLogger('price-watcher');
      const watcherEnv = checkPriceWatcherEnv(
        loadEnv(priceWatcherEnvSchema, {
          WATCHER_EXCHANGES: fake ? 'paper,binanceusdm' : 'paper',
          ...executorVars,
          WATCHER_PAPER_STREAM: 'replay',
        }),
      );
      const fakeStreams = fake
        ? ccxtPriceStreams(runtime.clock, { urls: { binanceusdm: { rest: fake.url, ws: fake.wsUrl } } })
        : undefined;
      const testStreams = options.watcher?.streamFor;
      const streamFor: PriceStreamFactory | undefined =
        testStreams || fakeStreams ? (exchange) => testStreams?.(exchange) ?? fakeStreams?.(exchange) : undefined;
      const watchers = buildPriceWatchers(watcherEnv, runtime, {
        ...(streamFor ? { streamFor } : {}),
        livePrices: buildLivePriceStore(watcherEnv, runtime.clock),
        ...(options.watcher?.onMoved ? { onMoved: options.watcher.onMoved } : {}),
        onEvent: (event) => logWatcherEvent(watcherLogger, event),
      });
      const running = watchers.run();
      cleanups.unshift(async () => {
        await watchers.stop();
        await running;
      });
    }
    ready = true;
    phase('gateway');
    logger.info('local stack ready', { msSinceProcessStart: Math.round(performance.now()), phases });
    return {
      url: gateway.url,
      discovery,
      consoleAuthorizer,
      async stop() {
        ready = false;
        for (const cleanup of cleanups) await cleanup().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    throw error;
  }
}

/**
 * Calls `run` just after every multiple of `spanMs` on the wall clock (the replay's candle closes:
 * its epoch is 0), with that close time, as an EventBridge rule calls the runner with its event
 * time; a run still going when the next close comes makes that close skipped. Returns the stop.
 */
function fireAtEachClose(
  spanMs: number,
  run: (closeAt: number) => Promise<void>,
  onError: (error: unknown) => void,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;
  // A little after the close, so the replay's clock has certainly moved on to the next candle.
  const lag = Math.min(250, Math.floor(spanMs / 20));
  const schedule = () => {
    if (stopped) return;
    const now = Date.now();
    const closeAt = (Math.floor(now / spanMs) + 1) * spanMs;
    timer = setTimeout(
      () => {
        schedule();
        if (running) return;
        running = true;
        run(closeAt)
          .catch(onError)
          .finally(() => (running = false));
      },
      closeAt - now + lag,
    );
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Moves the fake exchange's prices to the replayed ones, so local stops and targets trigger. */
async function followReplayedPrices(fake: FakeBinance | undefined, prices: PriceSource): Promise<void> {
  if (!fake) return;
  for (const [compact, unified] of [
    ['BTCUSDT', 'BTC/USDT:USDT'],
    ['ETHUSDT', 'ETH/USDT:USDT'],
    ['XRPUSDT', 'XRP/USDT:USDT'],
  ] as const) {
    const quote = await prices.getPrice(unified).catch(() => undefined);
    if (quote && quote.last > 0) fake.setPrice(compact, quote.last);
  }
}
