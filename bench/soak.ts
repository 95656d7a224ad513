// `node --import tsx bench/soak.ts`: throughput and restart of the local stack, printed (never
// asserted). Three parts, each selectable with --only soak,http,restart:
//   soak     N alerts (--alerts, default 10,000) over 32 account#symbol lanes (8 paper accounts ×
//            4 symbols), 10 % re-sent as TradingView retries (same body), through the local gateway
//            as fast as --senders clients allow. Prints the executor's sustained signals/s, queue
//            age p50/p99 (202 → the executor's lease), and the accounting: every 202 executed or
//            rejected in the signal ledger, none lost, no second 202 for a retry, orders per signal.
//   http     a bare Node server (parse the body, one SendMessage to the same fauxqs) against the
//            webhook through the local gateway, at concurrency 1 and 8: requests/s, p50, ratio.
//   phases   where the webhook's time goes: the use case called directly (no gateway, no handler)
//            at concurrency 1 and 8 on the same stand-ins, each port call timed (account look-up,
//            dedup claim, SendMessage, and any other port call), beside the whole request through the gateway.
//   restart  the local stack as `npm start` runs it (or --start "<cmd>"), in a child process with a
//            backlog in DynamoDB: ms from spawn to the first 200 on /health and to the first 202.
// Progress and the machine's load average go to stderr; the last stdout line is one JSON object.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readDiscovery } from '../bin/local/discovery-file';
import { EXECUTOR_LOOPS, startLocalStack } from '../bin/local/stack';
import { CachedAccountLookup, DynamoAccountReader } from '../shared/adapters/dynamodb/account-repository';
import { DynamoSignalLedger } from '../shared/adapters/dynamodb/signal-ledger';
import { LocalKeyVault } from '../shared/adapters/keyvault/local-key-vault';
import { SqsSignalQueue } from '../shared/adapters/sqs/signal-queue';
import { systemClock } from '../shared/core/ports/runtime';
import { AcceptWebhook } from '../shared/core/signal/accept-webhook';
import { CreateAccount } from '../shared/core/control/accounts';
import { tableName } from '../shared/platform/resource-names';
import { buildRepositories, dynamoClient, type Repositories } from '../shared/runtime/repositories';
import { percentile, round } from './stats';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.AWS_REGION ??= 'us-east-1';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.LOG_LEVEL = 'SILENT';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values: args } = parseArgs({
  options: {
    alerts: { type: 'string', default: '10000' },
    senders: { type: 'string', default: '16' },
    retries: { type: 'string', default: '0.1' },
    only: { type: 'string', default: 'soak,http,phases,restart' },
    'http-requests': { type: 'string', default: '400' },
    'restart-runs': { type: 'string', default: '3' },
    backlog: { type: 'string', default: '300' },
    start: { type: 'string' },
    loops: { type: 'string' },
  },
});
const parts = new Set(args.only.split(','));
const dir = mkdtempSync(join(tmpdir(), 'tvat-soak-'));
const SYMBOLS = ['BTCUSDT.P', 'ETHUSDT.P', 'SOLUSDT.P', 'XRPUSDT.P'] as const;
const ACCOUNTS = 8;
/** As in bench/spine.ts: hundreds of open/close cycles lose the fees each time; the streak cooldown would stop them. */
const BENCH_RISK = { switches: { lossStreak: 0 } };
/** Scheduled jobs held off: the soak measures the signal path. */
const QUIET_SCHEDULES = {
  paperTickMs: 60_000,
  riskCheckMs: 60_000,
  strategyTimeframes: [],
  notifications: false,
  exchange: false,
} as const;

const load = (): string =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface BenchAccount {
  accountId: string;
  token: string;
}

async function createAccounts(repos: Repositories, keyFile: string, n: number): Promise<BenchAccount[]> {
  const create = new CreateAccount({
    accounts: repos.accounts,
    vault: LocalKeyVault.open(keyFile),
    audit: repos.audit,
    clock: systemClock,
  });
  const out: BenchAccount[] = [];
  for (let i = 0; i < n; i++) {
    const created = await create.execute({
      name: `soak-${i}`,
      exchange: 'paper',
      balance: 1_000_000,
      settings: { risk: BENCH_RISK },
    });
    out.push({ accountId: created.account.accountId, token: created.token });
  }
  return out;
}

interface Alert {
  body: string;
  accountId: string;
  retry: boolean;
}

/**
 * Lane-interleaved alerts: alert i goes to lane i mod 32 and alternates long / close_long within
 * its lane. A retry repeats an earlier alert's body a few places later, as TradingView re-sends one
 * whose answer it did not get.
 */
function soakAlerts(accounts: BenchAccount[], n: number, retryShare: number): Alert[] {
  const lanes = accounts.flatMap((a) => SYMBOLS.map((symbol) => ({ ...a, symbol })));
  const alerts: Alert[] = [];
  const pendingRetries: { at: number; alert: Alert }[] = [];
  const every = retryShare > 0 ? Math.round(1 / retryShare) : 0;
  for (let i = 0; i < n; i++) {
    const lane = lanes[i % lanes.length] as (typeof lanes)[number];
    const k = Math.floor(i / lanes.length);
    const alert = {
      body: JSON.stringify({
        token: lane.token,
        account: lane.accountId,
        action: k % 2 ? 'close_long' : 'long',
        symbol: lane.symbol,
        id: `soak-${i}`,
      }),
      accountId: lane.accountId,
      retry: false,
    };
    alerts.push(alert);
    if (every && i % every === every - 1)
      pendingRetries.push({ at: alerts.length + 5, alert: { ...alert, retry: true } });
    while (pendingRetries[0] && pendingRetries[0].at <= alerts.length)
      alerts.push((pendingRetries.shift() as { alert: Alert }).alert);
  }
  for (const r of pendingRetries) alerts.push(r.alert);
  return alerts;
}

/** Runs `work(i)` for i in [0, n) on `concurrency` workers. */
async function pool(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

async function soak() {
  const n = Number(args.alerts);
  const stack = await startLocalStack({
    port: 0,
    dataDir: join(dir, 'soak'),
    inMemory: true,
    ...QUIET_SCHEDULES,
    ...(args.loops ? { executorLoops: Number(args.loops) } : {}),
  });
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: stack.discovery.sqsEndpoint });
  const queueDepth = async () => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: stack.discovery.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  };
  try {
    const repos = buildRepositories(
      dynamoClient({ stage: stack.discovery.stage, region: 'us-east-1', endpoint: stack.discovery.dynamoEndpoint }),
      stack.discovery.stage,
    );
    const accounts = await createAccounts(repos, stack.discovery.localKeyFile, ACCOUNTS);
    const alerts = soakAlerts(accounts, n, Number(args.retries));
    const accepted = new Map<string, string>(); // signalId → accountId
    const statuses: Record<string, number> = {};
    // A retry that arrives while its original is between the dedup claim and "queued" is answered
    // 202 with the same signal id (and the same SQS dedup id): counted, not a second signal.
    let retryAnswered202SameSignal = 0;
    let sent = 0;
    const started = Date.now();
    // Out of the queue = accepted − still queued: its growth per tick is the executor's pace then.
    let outBefore = 0;
    const ticker = setInterval(() => {
      void queueDepth()
        .then((depth) => {
          const out = accepted.size - depth;
          log(
            `  soak ${((Date.now() - started) / 1000).toFixed(0)} s: sent ${sent}/${alerts.length}, 202 ${accepted.size}, queue ${depth}, executor ${((out - outBefore) / 5).toFixed(1)}/s, load ${load()}`,
          );
          outBefore = out;
        })
        .catch(() => undefined);
    }, 5_000);
    try {
      await pool(alerts.length, Number(args.senders), async (i) => {
        const alert = alerts[i] as Alert;
        const res = await fetch(stack.discovery.webhookUrl, { method: 'POST', body: alert.body });
        const out = (await res.json()) as { signalId?: string };
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 202 && out.signalId) {
          if (accepted.has(out.signalId)) retryAnswered202SameSignal++;
          accepted.set(out.signalId, alert.accountId);
        }
        sent++;
      });
      const sentAt = Date.now();
      log(
        `  soak: all ${alerts.length} sent in ${((sentAt - started) / 1000).toFixed(1)} s (${round(alerts.length / ((sentAt - started) / 1000), 1)} req/s); draining the queue`,
      );
      // Drained: the queue is empty (nothing waiting, nothing in flight), or nothing moved for 60 s.
      let last = -1;
      let still = Date.now();
      for (;;) {
        const depth = await queueDepth();
        if (depth === 0) break;
        if (depth !== last) [last, still] = [depth, Date.now()];
        if (Date.now() - still > 60_000) {
          log(`  soak: queue stuck at ${depth} for 60 s; accounting what is there`);
          break;
        }
        await sleep(500);
      }
    } finally {
      clearInterval(ticker);
    }
    const drainedAt = Date.now();
    // Accounting from the signal ledger and the orders table, per account.
    const records = new Map<string, { status: string; receivedAt?: number; outcome?: string; updatedAt: number }>();
    const ordersPerSignal = new Map<string, number>();
    const firstOrderAt = new Map<string, number>();
    for (const a of accounts) {
      for (const r of await repos.signals.listSignals(a.accountId, Number.MAX_SAFE_INTEGER)) records.set(r.signalId, r);
      for (const o of await repos.orders.listByAccount(a.accountId, Number.MAX_SAFE_INTEGER)) {
        ordersPerSignal.set(o.signalId, (ordersPerSignal.get(o.signalId) ?? 0) + 1);
        firstOrderAt.set(o.signalId, Math.min(o.createdAt, firstOrderAt.get(o.signalId) ?? Infinity));
      }
    }
    let executed = 0;
    let rejected = 0;
    const rejectedBy: Record<string, number> = {};
    const lost: string[] = [];
    const finishes: number[] = [];
    const queueAge: number[] = [];
    const endToEnd: number[] = [];
    for (const signalId of accepted.keys()) {
      const r = records.get(signalId);
      if (r?.status === 'executed') executed++;
      else if (r?.status === 'rejected') {
        rejected++;
        const reason = (r.outcome ?? '').split(/[:\s]/)[0] || 'unknown';
        rejectedBy[reason] = (rejectedBy[reason] ?? 0) + 1;
      } else {
        lost.push(signalId);
        continue;
      }
      finishes.push(r.updatedAt);
      if (r.receivedAt !== undefined) {
        endToEnd.push(r.updatedAt - r.receivedAt);
        // The ledger keeps no start time once finished; the order intent is written a few ms after
        // the executor takes the signal, so 202 → intent is the queue age (plus those ms).
        const intentAt = firstOrderAt.get(signalId);
        if (intentAt !== undefined) queueAge.push(intentAt - r.receivedAt);
      }
    }
    const duplicated = [...ordersPerSignal.values()].filter((c) => c > 1).length;
    finishes.sort((a, b) => a - b);
    const windowS = finishes.length > 1 ? ((finishes.at(-1) as number) - (finishes[0] as number)) / 1000 : Number.NaN;
    return {
      alerts: alerts.length,
      lanes: ACCOUNTS * SYMBOLS.length,
      answers: statuses,
      accepted: accepted.size,
      executed,
      rejected,
      rejectedBy,
      lost: lost.length,
      retryAnswered202SameSignal,
      signalsWithMoreThanOneOrder: duplicated,
      orders: [...ordersPerSignal.values()].reduce((s, c) => s + c, 0),
      executorSignalsPerS: round(finishes.length / windowS, 1),
      webhookAcceptedPerS: round(alerts.length / ((drainedAt - started) / 1000), 1),
      queueAgeMs202ToOrderIntent: { p50: round(percentile(queueAge, 50)), p99: round(percentile(queueAge, 99)) },
      acceptedToFinishedMs: { p50: round(percentile(endToEnd, 50)), p99: round(percentile(endToEnd, 99)) },
      drainS: round((drainedAt - started) / 1000, 1),
      executorLoops: args.loops ? Number(args.loops) : EXECUTOR_LOOPS,
      load: load(),
    };
  } finally {
    await stack.stop();
  }
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/** `total` POSTs over `concurrency` keep-alive clients (after 20 warm-ups): requests/s and latency. */
async function hammer(
  url: string,
  bodyOf: (i: number) => string,
  concurrency: number,
  total: number,
): Promise<LoadResult> {
  await pool(
    20,
    Math.min(concurrency, 4),
    async (i) => void (await (await fetch(url, { method: 'POST', body: bodyOf(-1 - i) })).arrayBuffer()),
  );
  const samples: number[] = [];
  let non2xx = 0;
  const t0 = performance.now();
  await pool(total, concurrency, async (i) => {
    const t = performance.now();
    const res = await fetch(url, { method: 'POST', body: bodyOf(i) });
    await res.arrayBuffer();
    samples.push(performance.now() - t);
    if (res.status < 200 || res.status > 299) non2xx++;
  });
  const wall = (performance.now() - t0) / 1000;
  return {
    rps: round(total / wall, 1),
    p50: round(percentile(samples, 50)),
    p99: round(percentile(samples, 99)),
    non2xx,
  };
}

/**
 * The floor the webhook is compared with: what it takes to parse a body and put one message on the
 * same FIFO stand-in, no validation, no table. Its own queue, so the executor never sees its messages.
 */
async function startBareServer(sqsEndpoint: string): Promise<{ server: Server; url: string }> {
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: sqsEndpoint });
  const queue = await sqs.send(
    new CreateQueueCommand({ QueueName: 'bench-bare.fifo', Attributes: { FifoQueue: 'true' } }),
  );
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { account: string; symbol: string };
      sqs
        .send(
          new SendMessageCommand({
            QueueUrl: queue.QueueUrl,
            MessageBody: JSON.stringify(body),
            MessageGroupId: `${body.account}#${body.symbol}`,
            MessageDeduplicationId: randomUUID(),
          }),
        )
        .then(() => res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"queued"}'))
        .catch(() => res.writeHead(500).end());
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook` };
}

async function http() {
  const total = Number(args['http-requests']);
  // No executor loops: the bare server's messages are not consumed either, so both sides are
  // measured alone (the soak measures them together).
  const stack = await startLocalStack({
    port: 0,
    dataDir: join(dir, 'http'),
    inMemory: true,
    ...QUIET_SCHEDULES,
    executorLoops: 0,
  });
  const bare = await startBareServer(stack.discovery.sqsEndpoint);
  try {
    const repos = buildRepositories(
      dynamoClient({ stage: stack.discovery.stage, region: 'us-east-1', endpoint: stack.discovery.dynamoEndpoint }),
      stack.discovery.stage,
    );
    const [account] = await createAccounts(repos, stack.discovery.localKeyFile, 1);
    const { accountId, token } = account as BenchAccount;
    // A new alert id each time: every call is a new signal (202), as in a burst of distinct alerts.
    // close_long on a flat book keeps the executor, which shares this process, to a light touch.
    const run = `${Date.now()}`;
    const bodyOf = (tag: string) => (i: number) =>
      JSON.stringify({
        token,
        account: accountId,
        action: 'close_long',
        symbol: SYMBOLS[Math.abs(i) % SYMBOLS.length],
        id: `http-${run}-${tag}-${i}`,
      });
    const out: Record<string, { bare: LoadResult; webhook: LoadResult; ratio: number }> = {};
    for (const c of [1, 8]) {
      const b = await hammer(bare.url, bodyOf(`bare${c}`), c, total);
      const w = await hammer(stack.discovery.webhookUrl, bodyOf(`hook${c}`), c, total);
      out[`c${c}`] = { bare: b, webhook: w, ratio: round(w.rps / b.rps, 2) };
      log(
        `  concurrency ${c}: bare ${b.rps} req/s p50 ${b.p50} ms | webhook ${w.rps} req/s p50 ${w.p50} ms p99 ${w.p99} ms | ratio ${round(w.rps / b.rps, 2)} | load ${load()}`,
      );
    }
    return { ...out, requests: total, load: load() };
  } finally {
    await new Promise<void>((r) => bare.server.close(() => r()));
    bare.server.closeAllConnections();
    await stack.stop();
  }
}

/** Wraps every method of `target` so that the ms each call takes is added to `into[label.method]`. */
function timed<T extends object>(target: T, label: string, into: Map<string, number[]>): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const name = `${label}.${String(key)}`;
      return async (...callArgs: unknown[]) => {
        const t = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, callArgs);
        } finally {
          const list = into.get(name) ?? [];
          list.push(performance.now() - t);
          into.set(name, list);
        }
      };
    },
  });
}

/**
 * The use case alone, composed as shared/runtime/webhook.ts composes it but with each port timed,
 * then the same requests through the gateway: the difference is the gateway, the handler (middy,
 * logger, metrics) and the HTTP client.
 */
async function phases() {
  const total = Number(args['http-requests']);
  const stack = await startLocalStack({
    port: 0,
    dataDir: join(dir, 'phases'),
    inMemory: true,
    ...QUIET_SCHEDULES,
    executorLoops: 0,
  });
  try {
    const { stage, dynamoEndpoint, sqsEndpoint, queueUrl } = stack.discovery;
    const db = dynamoClient({ stage, region: 'us-east-1', endpoint: dynamoEndpoint });
    const repos = buildRepositories(db, stage);
    const [account] = await createAccounts(repos, stack.discovery.localKeyFile, 1);
    const { accountId, token } = account as BenchAccount;
    const samples = new Map<string, number[]>();
    const useCase = new AcceptWebhook({
      accounts: timed(
        new CachedAccountLookup(new DynamoAccountReader(db, tableName(stage, 'accounts')), 60_000),
        'accounts',
        samples,
      ),
      ledger: timed(new DynamoSignalLedger(db, tableName(stage, 'signals')), 'ledger', samples),
      queue: timed(
        new SqsSignalQueue(new SQSClient({ region: 'us-east-1', endpoint: sqsEndpoint }), queueUrl),
        'queue',
        samples,
      ),
      clock: systemClock,
      limits: {
        maxBodyBytes: 8192,
        maxSignalAgeMs: 60_000,
        maxFutureSkewMs: 10_000,
        dedupTtlMs: 86_400_000,
        ipAllowlist: [],
      },
    });
    const run = `${Date.now()}`;
    const bodyOf = (tag: string) => (i: number) =>
      JSON.stringify({
        token,
        account: accountId,
        action: 'close_long',
        symbol: SYMBOLS[Math.abs(i) % SYMBOLS.length],
        id: `phase-${run}-${tag}-${i}`,
      });
    const out: Record<string, unknown> = {};
    for (const c of [1, 8]) {
      const body = bodyOf(`direct${c}`);
      await pool(
        20,
        Math.min(c, 4),
        async (i) => void (await useCase.execute({ body: body(-1 - i), sourceIp: '127.0.0.1' })),
      );
      samples.clear();
      const wholeCall: number[] = [];
      const t0 = performance.now();
      await pool(total, c, async (i) => {
        const t = performance.now();
        await useCase.execute({ body: body(i), sourceIp: '127.0.0.1' });
        wholeCall.push(performance.now() - t);
      });
      const directRps = round(total / ((performance.now() - t0) / 1000), 1);
      const http = await hammer(stack.discovery.webhookUrl, bodyOf(`hook${c}`), c, total);
      const perPhase = Object.fromEntries(
        [...samples].map(([name, ms]) => [
          name,
          { mean: round(ms.reduce((s, v) => s + v, 0) / ms.length, 2), p50: round(percentile(ms, 50), 2) },
        ]),
      );
      const useCaseMs = {
        mean: round(wholeCall.reduce((s, v) => s + v, 0) / wholeCall.length, 2),
        p50: round(percentile(wholeCall, 50), 2),
      };
      out[`c${c}`] = { directRps, useCaseMs, perPhase, throughGateway: http };
      log(
        `  concurrency ${c}: use case ${directRps} req/s, p50 ${useCaseMs.p50} ms [${Object.entries(perPhase)
          .map(([n, v]) => `${n} ${v.p50}`)
          .join(', ')}] | through the gateway ${http.rps} req/s p50 ${http.p50} ms | load ${load()}`,
      );
    }
    return { ...out, requests: total, load: load() };
  } finally {
    await stack.stop();
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function startChild(dataDir: string, port: number): ChildProcess {
  const command = args.start ? args.start.split(' ') : [process.execPath, '--import', 'tsx', 'bin/local-stack.ts'];
  const [file, ...rest] = command as [string, ...string[]];
  const child = spawn(file, rest, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'INFO', LOG_LEVEL: 'INFO' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The stack logs where its start went ("local stack ready", phases in ms) and what it requeued:
  // those two are shown in short, other log lines and the banner dropped, anything else on stderr (a crash) passed on.
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"local stack ready"'))
          log(`    ${line.replace(/.*"msSinceProcessStart"/, 'msSinceProcessStart')}`);
        else if (line.includes('"signals from before the restart"'))
          log(`    requeued at start: ${(line.match(/"s[0-9a-f]{31}"/g) ?? []).length} signals`);
        else if (stream === child.stderr && !line.startsWith('{') && line.trim()) log(`    child: ${line}`);
      }
    });
  }
  return child;
}

/** Polls until `probe` answers true; returns the ms since `since`. */
async function until(probe: () => Promise<boolean>, since: number, limitMs = 120_000): Promise<number> {
  for (;;) {
    if (await probe().catch(() => false)) return performance.now() - since;
    if (performance.now() - since > limitMs) throw new Error(`nothing within ${limitMs} ms`);
    await sleep(20);
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(30_000).then(() => child.kill('SIGKILL'))]);
}

async function restart() {
  const dataDir = join(dir, 'restart');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const health = async () => (await fetch(`${base}/health`)).status === 200;
  // The backlog: accounts, and signals accepted but cut off by a stop (left queued in the table).
  let child = startChild(dataDir, port);
  await until(health, performance.now());
  const discovery = readDiscovery(dataDir);
  const repos = buildRepositories(
    dynamoClient({ stage: discovery.stage, region: 'us-east-1', endpoint: discovery.dynamoEndpoint }),
    discovery.stage,
  );
  const accounts = await createAccounts(repos, discovery.localKeyFile, ACCOUNTS);
  const backlog = soakAlerts(accounts, Number(args.backlog), 0);
  await pool(
    backlog.length,
    8,
    async (i) =>
      void (await (await fetch(`${base}/webhook`, { method: 'POST', body: (backlog[i] as Alert).body })).arrayBuffer()),
  );
  await stopChild(child);
  const runs: { healthMs: number; first202Ms: number }[] = [];
  for (let r = 0; r < Number(args['restart-runs']); r++) {
    const t0 = performance.now();
    child = startChild(dataDir, port);
    try {
      const healthMs = await until(health, t0);
      const [a] = accounts as [BenchAccount];
      const first202Ms = await until(
        async () =>
          (
            await fetch(`${base}/webhook`, {
              method: 'POST',
              body: JSON.stringify({
                token: a.token,
                account: a.accountId,
                action: 'close_long',
                symbol: 'BTCUSDT.P',
                id: `restart-${r}-${Date.now()}`,
              }),
            })
          ).status === 202,
        t0,
      );
      runs.push({ healthMs: round(healthMs, 0), first202Ms: round(first202Ms, 0) });
      log(
        `  restart ${r + 1}: /health 200 after ${round(healthMs, 0)} ms, first 202 after ${round(first202Ms, 0)} ms (load ${load()})`,
      );
    } finally {
      await stopChild(child);
    }
  }
  return {
    command: args.start ?? 'node --import tsx bin/local-stack.ts',
    backlogAlerts: backlog.length,
    runs,
    healthMsMedian: percentile(
      runs.map((r) => r.healthMs),
      50,
    ),
    first202MsMedian: percentile(
      runs.map((r) => r.first202Ms),
      50,
    ),
    load: load(),
  };
}

const result: Record<string, unknown> = { bench: 'soak', node: process.version, loadAtStart: load() };
log(`load average ${load()} (${process.env.npm_config_user_agent ? 'npm' : 'node'})`);
try {
  if (parts.has('soak')) {
    log(`soak: ${args.alerts} alerts over ${ACCOUNTS * SYMBOLS.length} lanes…`);
    result.soak = await soak();
    log(`  ${JSON.stringify(result.soak)}`);
  }
  if (parts.has('http')) {
    log('bare server vs webhook…');
    result.http = await http();
  }
  if (parts.has('phases')) {
    log('where the webhook spends its time…');
    result.phases = await phases();
  }
  if (parts.has('restart')) {
    log('restart with a backlog…');
    result.restart = await restart();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
process.exit(0);
