// The embedded AWS stand-ins: dynalite (DynamoDB API, LevelDB on disk) and fauxqs 1.x (SQS API
// with FIFO semantics, in memory). Both listen on 127.0.0.1 on ports the OS picks.
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
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
}

export async function startStandins(options: StandinOptions = {}): Promise<Standins> {
  if (options.dynamoPath) mkdirSync(options.dynamoPath, { recursive: true });
  const dynamo: Server = dynalite({ ...(options.dynamoPath ? { path: options.dynamoPath } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
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
