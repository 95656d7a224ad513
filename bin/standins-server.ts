// Starts the stand-ins alone (in memory) and prints their endpoints as one JSON line; used by the
// integration tests, which reach them over HTTP with the real AWS SDK clients. Stops on SIGTERM
// or when its parent closes stdin.
import { startStandins } from './local/standins';

const standins = await startStandins();
console.log(JSON.stringify({ dynamoEndpoint: standins.dynamoEndpoint, sqsEndpoint: standins.sqsEndpoint }));
const stop = async () => {
  await standins.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
