// The stand-ins in a worker thread of the local stack (startStandins({ thread: true })): dynalite
// and fauxqs then parse, store and answer on a core of their own instead of sharing the stack's
// event loop with the webhook and the executor. Posts the endpoints once listening; on 'stop'
// closes both (LevelDB flushed) and posts 'stopped'.
import { parentPort, workerData } from 'node:worker_threads';
import { startStandinsHere, type StandinOptions } from './standins';

const port = parentPort;
if (!port) throw new Error('standins-worker runs as a worker thread');
try {
  const standins = await startStandinsHere(workerData as StandinOptions);
  port.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    void standins.stop().finally(() => port.postMessage({ stopped: true }));
  });
  port.postMessage({ dynamoEndpoint: standins.dynamoEndpoint, sqsEndpoint: standins.sqsEndpoint });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
