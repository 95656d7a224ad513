// The embedded AWS stand-ins: dynalite (DynamoDB API, LevelDB on disk) and fauxqs 1.x (SQS API
// with FIFO semantics, in memory). Both listen on 127.0.0.1 on ports the OS picks.
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { Worker } from 'node:worker_threads';
import dynalite from 'dynalite';
import { buildApp } from 'fauxqs';

export interface Standins {
  dynamoEndpoint: string;
  sqsEndpoint: string;
  stop(): Promise<void>;
}

export interface StandinOptions {
  /** folder for DynamoDB data; undefined keeps it in memory */
  dynamoPath?: string;
  /**
   * In a worker thread (the local stack): measured by bench/soak.ts, the stand-ins' own work is a
   * sixth of the stack's CPU under load, and on the stack's one event loop it queues behind the
   * webhook and the executor; in a thread it runs on the machine's other core.
   */
  thread?: boolean;
}

export async function startStandins(options: StandinOptions = {}): Promise<Standins> {
  return options.thread ? startStandinsThread(options) : startStandinsHere(options);
}

// Under tsx the worker is the TypeScript file beside this one; in the local stack's bundle
// (bin/local/build-stack.ts) it is the standins-worker.mjs entry beside local-stack.mjs.
const WORKER_FILE = new URL(
  import.meta.url.endsWith('.mjs') ? './standins-worker.mjs' : './standins-worker.ts',
  import.meta.url,
);

/**
 * Workers do not inherit `--import tsx`'s loader on Node 20, so a .ts worker starts from this
 * plain-JavaScript bootstrap that registers tsx in its own thread (as bin/backtest/worker-pool.ts).
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  await import(workerData.file);
})().catch((error) => { console.error(error); process.exit(1); });
`;

async function startStandinsThread(options: StandinOptions): Promise<Standins> {
  const tsxApi = WORKER_FILE.pathname.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : undefined;
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { dynamoPath: options.dynamoPath, file: WORKER_FILE.href, tsxApi },
  });
  const first = await new Promise<{ dynamoEndpoint?: string; sqsEndpoint?: string; error?: string }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`stand-ins thread exited (${code}) before listening`)));
    },
  );
  if (first.error || !first.dynamoEndpoint || !first.sqsEndpoint) {
    await worker.terminate();
    throw new Error(`stand-ins did not start: ${first.error ?? 'no endpoints'}`);
  }
  return {
    dynamoEndpoint: first.dynamoEndpoint,
    sqsEndpoint: first.sqsEndpoint,
    async stop() {
      // Closed from inside, so LevelDB is flushed before the thread ends.
      const stopped = new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
    },
  };
}

/** The stand-ins on this thread's event loop. */
export async function startStandinsHere(options: StandinOptions = {}): Promise<Standins> {
  if (options.dynamoPath) mkdirSync(options.dynamoPath, { recursive: true });
  const dynamo: Server = dynalite({
    ...(options.dynamoPath ? { path: options.dynamoPath } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(0, '127.0.0.1', () => resolve());
  });
  const dynamoPort = (dynamo.address() as AddressInfo).port;
  // buildApp rather than startFauxqs: the latter listens on 0.0.0.0, and the stand-ins must only
  // be reachable from this machine.
  const sqs = buildApp({ logger: false });
  const sqsAddress = await sqs.listen({ port: 0, host: '127.0.0.1' });
  return {
    dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`,
    sqsEndpoint: sqsAddress,
    async stop() {
      await sqs.close();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}
