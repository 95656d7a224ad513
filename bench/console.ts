// `npm run bench:console`: the console API's latency, measured on this machine. Seeds 1,000 trades
// (two paper accounts of 500) and 20 open positions with their marks on dynalite (in memory, in a
// worker thread as `npm start` runs it), serves the console-api handler behind the local gateway
// (the authorizer: a bench-only function accepting one fixed token) and times ≥ 200 sequential
// HTTP requests per read endpoint, the endpoints in turn. Prints a progress bar on stderr only when
// stderr is a terminal (redirected, the bar's carriage returns would be thousands of lines), then
// per endpoint p50/p95/p99, the load average before and after, a line naming the endpoints that
// meet the goal and, as its last stdout line, one JSON object with the same figures.
// Goal (issue 14): p99 of each performance endpoint ≤ 50 ms.
import { cpus, loadavg } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createConsoleApiHandler } from '../functions/console-api/app';
import { startGateway } from '../bin/local/http-gateway';
import { provisionQueues, provisionTables } from '../bin/local/provision';
import { startStandins } from '../bin/local/standins';
import { DynamoTenantDirectory } from '../shared/adapters/dynamodb/tenant-directory';
import { DEFAULT_ACCOUNT_SETTINGS, DEFAULT_PAPER_SETTINGS } from '../shared/core/domain/account';
import { FIRST_TENANT_ID } from '../shared/core/domain/tenant';
import type { TradeRecord } from '../shared/core/domain/trade';
import { consoleApiEnvSchema, loadEnv } from '../shared/platform/config';
import { tableName } from '../shared/platform/resource-names';
import { consoleScopes } from '../shared/runtime/console-api';
import { buildRepositories, dynamoClient } from '../shared/runtime/repositories';
import { percentile, progress, round } from './stats';

const tick = (label: string, done: number, total: number): void => {
  if (process.stderr.isTTY) progress(label, done, total);
};

// The SDK wants credentials even for stand-ins; these never leave the machine.
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

const STAGE = 'benchconsole';
const REGION = 'us-east-1';
const TOKEN = 'Bearer bench-only-token';
const REQUESTS = Number(process.env.BENCH_CONSOLE_REQUESTS ?? 200);
const ACCOUNTS = 2;
const TRADES_PER_ACCOUNT = 500;
const POSITIONS_PER_ACCOUNT = 10;
const DAY = 86_400_000;
const GOAL_P99_MS = 50;

const ENDPOINTS = [
  'performance/summary',
  'performance/trades?limit=100',
  'performance/by-strategy',
  'performance/profit-loss?period=day',
  'positions',
  'accounts',
  'orders',
  'events',
  'health',
];

async function seed(dynamoEndpoint: string, now: number): Promise<void> {
  const db = dynamoClient({ stage: STAGE, region: REGION, endpoint: dynamoEndpoint });
  const repos = buildRepositories(db, STAGE);
  // the first tenant's accounts, listed from its index as the console lists them
  const directory = new DynamoTenantDirectory(db, tableName(STAGE, 'tenants'));
  let done = 0;
  const total = ACCOUNTS * (TRADES_PER_ACCOUNT + POSITIONS_PER_ACCOUNT + 1);
  for (let a = 0; a < ACCOUNTS; a++) {
    const accountId = `${FIRST_TENANT_ID}-${a.toString(16).padStart(12, '0')}`;
    await directory.indexAccount(FIRST_TENANT_ID, accountId);
    await repos.accounts.create({
      accountId,
      name: `Bench ${a}`,
      exchange: 'paper',
      testnet: false,
      status: 'active',
      webhookTokenHash: '0'.repeat(64),
      settings: { ...DEFAULT_ACCOUNT_SETTINGS, paper: { ...DEFAULT_PAPER_SETTINGS } },
      createdAt: now - 400 * DAY,
      updatedAt: now - 400 * DAY,
    });
    const puts: Promise<void>[] = [];
    for (let i = 0; i < TRADES_PER_ACCOUNT; i++) {
      const openedAt = now - (TRADES_PER_ACCOUNT - i) * (DAY / 2);
      const win = i % 3 !== 0;
      const trade: TradeRecord = {
        accountId,
        tradeId: `${String(openedAt).padStart(13, '0')}-t${i}`,
        symbol: ['BTC/USDT:USDT', 'ETH/USDT:USDT', 'SOL/USDT:USDT'][i % 3]!,
        side: i % 2 ? 'long' : 'short',
        status: 'closed',
        strategy: ['ema-cross', 'rsi-ema', 'supertrend'][i % 3]!,
        leverage: 3,
        quantity: '0',
        maxQuantity: '0.1',
        entryPrice: '40000',
        exitPrice: win ? '40400' : '39800',
        exitedQuantity: '0.1',
        openedAt,
        closedAt: openedAt + 3_600_000,
        fees: '4.02',
        funding: '0.13',
        realizedPnl: win ? '35.85' : '-24.15',
        roiPct: win ? 2.69 : -1.81,
        openSignalId: `s-open-${a}-${i}`,
        closeSignalId: `s-close-${a}-${i}`,
        exitReason: 'signal',
        updatedAt: openedAt + 3_600_000,
      };
      puts.push(repos.trades.put(trade).then(() => tick('seeding', ++done, total)));
      if (puts.length >= 20) await Promise.all(puts.splice(0));
    }
    await Promise.all(puts);
    const marks = [];
    for (let p = 0; p < POSITIONS_PER_ACCOUNT; p++) {
      const symbol = `B${a}X${p}/USDT:USDT`;
      const openedAt = now - DAY;
      const tradeId = `${String(openedAt).padStart(13, '0')}-open${p}`;
      await repos.trades.put({
        accountId,
        tradeId,
        symbol,
        side: 'long',
        status: 'open',
        leverage: 3,
        quantity: '10',
        maxQuantity: '10',
        entryPrice: '1.5',
        exitedQuantity: '0',
        openedAt,
        fees: '0.0075',
        funding: '0',
        realizedPnl: '-0.0075',
        openSignalId: `s-o-${a}-${p}`,
        updatedAt: openedAt,
      });
      await repos.positions.save(
        {
          accountId,
          symbol,
          side: 'long',
          quantity: '10',
          entryPrice: '1.5',
          leverage: 3,
          tradeId,
          stopLoss: { clientOrderId: `sl-${a}-${p}`, triggerPrice: '1.45' },
          takeProfits: [{ clientOrderId: `tp-${a}-${p}`, triggerPrice: '1.6', amount: '10' }],
          openedAt,
          updatedAt: openedAt,
          appliedOrderIds: [],
          version: 1,
        },
        0,
      );
      marks.push({ symbol, markPrice: '1.52', liquidationPrice: '1.01' });
      tick('seeding', ++done, total);
    }
    await repos.risk.putSnapshot({
      accountId,
      at: now - 30_000,
      equity: '10500',
      free: '9000',
      unrealizedPnl: '2',
      openPositions: POSITIONS_PER_ACCOUNT,
      exposure: '152',
      marks,
    });
    tick('seeding', ++done, total);
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const standins = await startStandins({ thread: true });
  try {
    await provisionTables(new DynamoDBClient({ region: REGION, endpoint: standins.dynamoEndpoint }), STAGE);
    const { queueUrl, dlqUrl } = await provisionQueues(
      new SQSClient({ region: REGION, endpoint: standins.sqsEndpoint }),
      STAGE,
      {
        visibilityTimeoutSeconds: 30,
        maxReceiveCount: 3,
      },
    );
    const now = Date.now();
    await seed(standins.dynamoEndpoint, now);
    const env = loadEnv(consoleApiEnvSchema, {
      STAGE,
      AWS_REGION: REGION,
      DYNAMODB_ENDPOINT: standins.dynamoEndpoint,
      SQS_ENDPOINT: standins.sqsEndpoint,
      SIGNAL_QUEUE_URL: queueUrl,
      SIGNAL_DLQ_URL: dlqUrl,
    });
    const handler = createConsoleApiHandler({ scope: consoleScopes(env) });
    const claims = { sub: 'bench', 'cognito:groups': '[owner tenant-acc]', auth_time: String(Math.floor(now / 1000)) };
    const gateway = await startGateway(
      {
        webhook: async () => ({ statusCode: 404 }),
        isReady: () => true,
        api: { handler, authorize: async (a) => (a === TOKEN ? claims : undefined) },
      },
      0,
    );
    const results: Record<string, { p50: number; p95: number; p99: number; bytes: number }> = {};
    try {
      const samples = new Map(ENDPOINTS.map((e) => [e, [] as number[]]));
      const bytes = new Map<string, number>();
      // a few warm-up calls: the first builds the repositories and opens connections
      for (const endpoint of ENDPOINTS)
        for (let i = 0; i < 5; i++)
          await fetch(`${gateway.url}/api/v1/${endpoint}`, { headers: { authorization: TOKEN } }).then((r) => r.text());
      // round robin, one request per endpoint in turn: on a shared machine whose load drifts, each
      // endpoint sees the same drift instead of the first ones taking the busy minute
      for (let i = 0; i < REQUESTS; i++) {
        for (const endpoint of ENDPOINTS) {
          const t = performance.now();
          const r = await fetch(`${gateway.url}/api/v1/${endpoint}`, { headers: { authorization: TOKEN } });
          const text = await r.text();
          samples.get(endpoint)!.push(performance.now() - t);
          if (r.status !== 200) throw new Error(`${endpoint}: HTTP ${r.status}`);
          bytes.set(endpoint, text.length);
        }
        tick('requests per endpoint', i + 1, REQUESTS);
      }
      for (const endpoint of ENDPOINTS) {
        const list = samples.get(endpoint)!;
        results[endpoint] = {
          p50: round(percentile(list, 50)),
          p95: round(percentile(list, 95)),
          p99: round(percentile(list, 99)),
          bytes: bytes.get(endpoint) ?? 0,
        };
      }
    } finally {
      await new Promise<void>((resolve) => gateway.server.close(() => resolve()));
    }
    const loadAfter = loadavg();
    for (const [endpoint, r] of Object.entries(results))
      process.stderr.write(`${endpoint.padEnd(38)} p50 ${r.p50} ms  p95 ${r.p95} ms  p99 ${r.p99} ms  ${r.bytes} B\n`);
    const fmt = (l: number[]): string => l.map((v) => v.toFixed(2)).join(' ');
    process.stderr.write(
      `load average (1/5/15 min) before ${fmt(loadBefore)}, after ${fmt(loadAfter)}, ${cpus().length} cpus\n`,
    );
    const performanceEndpoints = Object.entries(results).filter(([e]) => e.startsWith('performance/'));
    const met = performanceEndpoints.filter(([, r]) => r.p99 <= GOAL_P99_MS).map(([e]) => e);
    const missed = performanceEndpoints
      .filter(([, r]) => r.p99 > GOAL_P99_MS)
      .map(([e, r]) => `${e} (p99 ${r.p99} ms)`);
    process.stderr.write(
      `goal p99 ≤ ${GOAL_P99_MS} ms: ${missed.length === 0 ? 'every performance endpoint meets it' : `met by ${met.join(', ') || 'none'}; missed by ${missed.join(', ')}`}\n`,
    );
    console.log(
      JSON.stringify({
        requestsPerEndpoint: REQUESTS,
        trades: ACCOUNTS * TRADES_PER_ACCOUNT,
        openPositions: ACCOUNTS * POSITIONS_PER_ACCOUNT,
        accounts: ACCOUNTS,
        goalP99Ms: GOAL_P99_MS,
        goalMet: met,
        goalMissed: missed,
        endpoints: results,
        cpus: cpus().length,
        loadavgBefore: loadBefore.map((v) => round(v)),
        loadavgAfter: loadAfter.map((v) => round(v)),
      }),
    );
  } finally {
    await standins.stop();
  }
}

await main();
