// `npm run bench`: the spine's figures, measured on this machine. Prints progress on stderr and,
// as its last stdout line, one JSON object:
//   webhook handler latency p50/p99 (in process, the minified bundle, against the local SQS and
//   DynamoDB stand-ins), end-to-end signal → order filled p50/p99 on the local stack (HTTP → queue
//   → executor → paper fill), and each function's minified bundle size and cold require time.
//   Live execution: the internal signal → order-sent overhead on the local stack against the fake
//   Binance (ccxt unmodified), the exchange's own handling time of every call subtracted.
// Goals (issue "The spine"): e2e p50 ≤ 50 ms; webhook bundle ≤ 300 KB, cold require ≤ 100 ms.
// Goals (issue "Live execution"): executor bundle ≤ 1.5 MB, cold require ≤ 200 ms, overhead p95 ≤ 30 ms.
// Goal (issue "Risk engine"): the risk engine's per-signal cost p99 ≤ 2 ms with 20 open positions
//   and correlation checks on (bench/risk-engine.ts).
// Goal (issue 17, real-time prices): a price → the emulated trailing stop moved within a second on
//   the local stack (bench/watcher.ts: tick → move and price → move, p50/p95).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { buildFunctions, type BundleReport } from '../bin/build-functions';
import { startFakeBinance } from '../bin/local/fake-binance';
import { clientOrderIdFor } from '../shared/core/signal/ids';
import { provisionQueues, provisionTables } from '../bin/local/provision';
import { startLocalStack } from '../bin/local/stack';
import { startStandins } from '../bin/local/standins';
import { LocalKeyVault } from '../shared/adapters/keyvault/local-key-vault';
import { systemClock } from '../shared/core/ports/runtime';
import { CreateAccount } from '../shared/core/control/accounts';
import { buildRepositories, dynamoClient } from '../shared/runtime/repositories';
import { riskEngineCost } from './risk-engine';
import { watcherLatency } from './watcher';
import { percentile, progress, round } from './stats';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.AWS_REGION ??= 'us-east-1';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.LOG_LEVEL = 'SILENT';

const WEBHOOK_CALLS = Number(process.env.BENCH_WEBHOOK_CALLS ?? 500);
const E2E_SIGNALS = Number(process.env.BENCH_E2E_SIGNALS ?? 200);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 7);
const LIVE_SIGNALS = Number(process.env.BENCH_LIVE_SIGNALS ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'tvat-bench-'));
/** Scheduled jobs held off during the latency runs (paper tick, risk check, strategy runner, notifier). */
const QUIET_SCHEDULES = {
  paperTickMs: 60_000,
  riskCheckMs: 60_000,
  strategyTimeframes: [],
  notifications: false,
  // the price watcher too (it has its own figure below)
  watcher: false,
} as const;
/**
 * The bench accounts open and close hundreds of times in a row, losing the fees each time: the
 * loss-streak cooldown (3 losses → 60 min) would rightly stop them after the third. It is off for
 * them; every other check runs as for any account.
 */
const BENCH_RISK = { switches: { lossStreak: 0 } };

async function createPaperAccount(dynamoEndpoint: string, stage: string, keyFile: string) {
  const repos = buildRepositories(dynamoClient({ stage, region: 'us-east-1', endpoint: dynamoEndpoint }), stage);
  const out = await new CreateAccount({
    accounts: repos.accounts,
    vault: LocalKeyVault.open(keyFile),
    audit: repos.audit,
    clock: systemClock,
  }).execute({ name: 'bench', exchange: 'paper', balance: 1_000_000, settings: { risk: BENCH_RISK } });
  return { accountId: out.account.accountId, token: out.token, repos };
}

/** Cold `import()` of a bundle in a fresh Node process, with the env its handler parses at load. */
function coldRequireMs(bundle: BundleReport, env: Record<string, string>): number {
  const samples: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t=performance.now(); await import(${JSON.stringify(pathToFileURL(bundle.file).href)}); process.stdout.write(String(performance.now()-t));`,
      ],
      {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      },
    );
    samples.push(Number(out));
  }
  return percentile(samples, 50);
}

async function webhookLatency(bundles: BundleReport[]) {
  const standins = await startStandins();
  try {
    const stage = 'bench';
    await provisionTables(new DynamoDBClient({ region: 'us-east-1', endpoint: standins.dynamoEndpoint }), stage);
    const { queueUrl } = await provisionQueues(
      new SQSClient({ region: 'us-east-1', endpoint: standins.sqsEndpoint }),
      stage,
      { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 },
    );
    const { accountId, token } = await createPaperAccount(standins.dynamoEndpoint, stage, join(dir, 'bench.key'));
    Object.assign(process.env, {
      STAGE: stage,
      SIGNAL_QUEUE_URL: queueUrl,
      DYNAMODB_ENDPOINT: standins.dynamoEndpoint,
      SQS_ENDPOINT: standins.sqsEndpoint,
    });
    // The deployed artefact itself: the minified bundle, loaded in this process.
    const webhookBundle = bundles.find((b) => b.name === 'webhook') as BundleReport;
    const { handler } = (await import(pathToFileURL(webhookBundle.file).href)) as {
      handler: (e: APIGatewayProxyEventV2, c: Context) => Promise<{ statusCode: number }>;
    };
    const samples: number[] = [];
    for (let i = 0; i < WEBHOOK_CALLS + 20; i++) {
      const body = JSON.stringify({
        token,
        account: accountId,
        action: i % 2 ? 'close_long' : 'long',
        symbol: 'BTCUSDT.P',
        id: `bench-${i}`,
      });
      const event = {
        body,
        isBase64Encoded: false,
        requestContext: { http: { sourceIp: '127.0.0.1' } },
      } as unknown as APIGatewayProxyEventV2;
      const t = performance.now();
      const res = await handler(event, { awsRequestId: String(i) } as Context);
      const ms = performance.now() - t;
      if (res.statusCode !== 202) throw new Error(`webhook answered ${res.statusCode}`);
      if (i >= 20) samples.push(ms); // the first calls warm connections and the JIT
      if (i % 50 === 0 || i === WEBHOOK_CALLS + 19) progress('webhook handler', i + 1, WEBHOOK_CALLS + 20);
    }
    return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)), n: samples.length };
  } finally {
    await standins.stop();
  }
}

async function endToEnd() {
  // Only the signal path runs: in the cloud the scheduled jobs are other functions, locally they
  // would share this event loop and time themselves into the figure.
  const stack = await startLocalStack({ port: 0, dataDir: join(dir, 'stack'), inMemory: true, ...QUIET_SCHEDULES });
  try {
    const { accountId, token, repos } = await createPaperAccount(
      stack.discovery.dynamoEndpoint,
      stack.discovery.stage,
      stack.discovery.localKeyFile,
    );
    const samples: number[] = [];
    for (let i = 0; i < E2E_SIGNALS + 10; i++) {
      const before = (await repos.orders.listByAccount(accountId, 1000)).length;
      const start = Date.now();
      const t = performance.now();
      const res = await fetch(stack.discovery.webhookUrl, {
        method: 'POST',
        body: JSON.stringify({
          token,
          account: accountId,
          action: i % 2 ? 'close_long' : 'long',
          symbol: 'ETHUSDT.P',
          id: `e2e-${i}`,
        }),
      });
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
      // Wait for the fill to be recorded; its own timestamp ends the measurement.
      let filledAt: number | undefined;
      while (filledAt === undefined) {
        if (performance.now() - t > 10_000) throw new Error('no fill within 10 s');
        const orders = await repos.orders.listByAccount(accountId, 1000);
        const order =
          orders.length > before ? orders.find((o) => o.status === 'filled' && o.createdAt >= start) : undefined;
        if (order) filledAt = order.updatedAt;
        else await new Promise((r) => setTimeout(r, 2));
      }
      if (i >= 10) samples.push(filledAt - start);
      if (i % 20 === 0 || i === E2E_SIGNALS + 9) progress('end to end (local stack)', i + 1, E2E_SIGNALS + 10);
    }
    return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)), n: samples.length };
  } finally {
    await stack.stop();
  }
}

/**
 * Live signals through the local stack to the fake Binance: from the webhook request to the order
 * request reaching the exchange, minus the time the exchange itself spent answering the calls the
 * executor made on the way (position, balance, price, book, leverage).
 */
async function liveOverhead() {
  const fake = await startFakeBinance({
    accounts: [{ apiKey: 'bench-key', secret: 'bench-secret', usdt: 10_000_000 }],
  });
  const stack = await startLocalStack({
    port: 0,
    dataDir: join(dir, 'live'),
    inMemory: true,
    ...QUIET_SCHEDULES,
    exchange: { url: fake.url },
  });
  try {
    const repos = buildRepositories(
      dynamoClient({ stage: stack.discovery.stage, region: 'us-east-1', endpoint: stack.discovery.dynamoEndpoint }),
      stack.discovery.stage,
    );
    const created = await new CreateAccount({
      accounts: repos.accounts,
      vault: LocalKeyVault.open(stack.discovery.localKeyFile),
      audit: repos.audit,
      clock: systemClock,
    }).execute({
      name: 'bench-live',
      exchange: 'binanceusdm',
      credentials: { apiKey: 'bench-key', secret: 'bench-secret' },
      settings: { risk: BENCH_RISK },
    });
    const overhead: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < LIVE_SIGNALS + 10; i++) {
      const action = i % 2 ? 'close_long' : 'long';
      const t0 = Date.now();
      const res = await fetch(stack.discovery.webhookUrl, {
        method: 'POST',
        body: JSON.stringify({
          token: created.token,
          account: created.account.accountId,
          action,
          symbol: 'BTCUSDT.P',
          size: '0.01',
          id: `live-${i}`,
        }),
      });
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
      const { signalId } = (await res.json()) as { signalId: string };
      const clientOrderId = clientOrderIdFor(signalId, action === 'long' ? 'open' : 'close');
      let sentAt: number | undefined;
      for (const started = performance.now(); sentAt === undefined; await new Promise((r) => setTimeout(r, 1))) {
        if (performance.now() - started > 10_000) throw new Error(`order ${clientOrderId} never reached the exchange`);
        sentAt = fake.orders().find((o) => o.clientOrderId === clientOrderId)?.time;
      }
      // Wait for the signal to finish (fees read back, book written) before the next one starts.
      for (const started = performance.now(); ; await new Promise((r) => setTimeout(r, 2))) {
        const record = await repos.signals.getSignal(created.account.accountId, signalId);
        if (record && (record.status === 'executed' || record.status === 'rejected')) break;
        if (performance.now() - started > 10_000) throw new Error(`signal ${signalId} did not finish`);
      }
      const exchangeMs = fake
        .requests()
        .filter((r) => r.at >= t0 && r.at < sentAt && !(r.method === 'POST' && r.path === '/fapi/v1/order'))
        .reduce((sum, r) => sum + (r.ms ?? 0), 0);
      if (i >= 10) {
        total.push(sentAt - t0);
        overhead.push(sentAt - t0 - exchangeMs);
      }
      if (i % 20 === 0 || i === LIVE_SIGNALS + 9)
        progress('live signal → order sent (fake Binance)', i + 1, LIVE_SIGNALS + 10);
    }
    return {
      overheadP50: round(percentile(overhead, 50)),
      overheadP95: round(percentile(overhead, 95)),
      totalP50: round(percentile(total, 50)),
      totalP95: round(percentile(total, 95)),
      n: overhead.length,
    };
  } finally {
    await stack.stop();
    await fake.close();
  }
}

process.stderr.write('building bundles…\n');
const bundles = await buildFunctions(join(dir, 'dist'));
const coldEnv = {
  STAGE: 'bench',
  SIGNAL_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/x.fifo',
  KEY_VAULT: 'local',
  LOCAL_KEY_FILE: join(dir, 'cold.key'),
  AWS_REGION: 'us-east-1',
};
const functions: Record<string, { bundleKB: number; coldRequireMs: number }> = {};
for (const b of bundles) {
  functions[b.name] = { bundleKB: round(b.bytes / 1024, 1), coldRequireMs: round(coldRequireMs(b, coldEnv), 1) };
  process.stderr.write(
    `  ${b.name}: ${functions[b.name]?.bundleKB} KB${b.lazyBytes ? ` (+ ${round(b.lazyBytes / 1024, 1)} KB behind import())` : ''}, cold require ${functions[b.name]?.coldRequireMs} ms (median of ${COLD_RUNS})\n`,
  );
}
const webhook = await webhookLatency(bundles);
const e2e = await endToEnd();
const live = await liveOverhead();
process.stderr.write('risk engine per signal…\n');
const riskEngine = riskEngineCost();
const watcher = await watcherLatency();
process.stderr.write(
  `  watcher: tick → stop moved p50 ${watcher.tickToMove.p50} ms, p95 ${watcher.tickToMove.p95} ms; price → stop moved p50 ${watcher.priceToMove.p50} ms, p95 ${watcher.priceToMove.p95} ms (${watcher.n} moves)\n`,
);
process.stderr.write(
  `  p50 ${riskEngine.p50Ms} ms, p99 ${riskEngine.p99Ms} ms (${riskEngine.openPositions} open positions, ${riskEngine.decisions} decisions)\n`,
);
const result = {
  bench: 'spine',
  node: process.version,
  webhookHandlerMs: webhook,
  endToEndSignalToFillMs: e2e,
  functions,
  liveSignalToOrderSentMs: live,
  riskEnginePerSignalMs: riskEngine,
  watcherPriceToStopMoveMs: watcher,
  executor: { bundleKB: functions.executor?.bundleKB, coldRequireMs: functions.executor?.coldRequireMs },
  goals: {
    executorBundleLe1_5MB: (functions.executor?.bundleKB ?? Infinity) <= 1536,
    executorColdRequireLe200ms: (functions.executor?.coldRequireMs ?? Infinity) <= 200,
    liveOverheadP95Le30ms: live.overheadP95 <= 30,
    e2eP50Le50ms: e2e.p50 <= 50,
    riskEngineP99Le2ms: riskEngine.p99Ms <= 2,
    watcherPriceToStopMoveP95Le1s: watcher.priceToMove.p95 <= 1_000,
    webhookBundleLe300KB: (functions.webhook?.bundleKB ?? Infinity) <= 300,
    webhookColdRequireLe100ms: (functions.webhook?.coldRequireMs ?? Infinity) <= 100,
  },
};
console.log(JSON.stringify(result));
process.exit(0);
