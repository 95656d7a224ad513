// `npm start`: the whole system on this machine, no AWS. PORT (default 3000), DATA_DIR (default
// .data/local; DynamoDB data lives there, so accounts, positions and trades survive a restart, and
// local-stack.json, through which the CLI finds this stack), REPLAY_MS_PER_CANDLE (default 5000:
// wall-clock ms per replayed hourly candle).
// Runs as one process (`node --import tsx`), so Ctrl-C reaches this handler directly and the
// LevelDB files are closed cleanly, never killed mid-write.
import { DEFAULT_DATA_DIR } from './local/discovery-file';
import { replayMsPerCandleFrom } from './local/replay-speed';
import { startLocalStack, type LocalStack } from './local/stack';

const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.DATA_DIR || DEFAULT_DATA_DIR;

let stack: LocalStack | undefined;
let stopping = false;
let startFailed = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  // A signal during start-up waits for the stack to finish starting, then stops it.
  while (!stack && !startFailed) await new Promise((r) => setTimeout(r, 50));
  await stack?.stop();
  console.log('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  const replayMsPerCandle = replayMsPerCandleFrom(process.env);
  stack = await startLocalStack({ port, dataDir, replayMsPerCandle });
} catch (error) {
  startFailed = true;
  console.error(`local stack failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
if (!stopping) {
  // The CLI finds this stack through DATA_DIR (whatever the port), so only a non-default DATA_DIR is named.
  const cli = dataDir === DEFAULT_DATA_DIR ? 'npm run cli --' : `DATA_DIR=${dataDir} npm run cli --`;
  console.log(`
Local stack ready (stage "local", data in ${dataDir})
  webhook:  POST ${stack.discovery.webhookUrl}   (or ${stack.discovery.webhookUrl}/<accountId>)
  health:   GET  ${stack.url}/health
  replay:   one hourly candle every ${stack.discovery.replayMsPerCandle / 1000} s (REPLAY_MS_PER_CANDLE=${stack.discovery.replayMsPerCandle} ms; 3600000 = real time)

Create a paper account (prints its id and webhook token once):
  ${cli} account add --exchange paper --name demo --balance 10000

Then send an alert:
  curl -s -XPOST ${stack.discovery.webhookUrl} -H 'content-type: application/json' \\
    -d '{"token":"<token>","account":"<accountId>","action":"long","symbol":"BTCUSDT.P","id":"demo-1"}'
  ${cli} positions --account <accountId>
${
  stack.discovery.exchangeApiUrl
    ? `
Live accounts trade against a local fake Binance USDⓈ-M at ${stack.discovery.exchangeApiUrl}:
  ${cli} account add --exchange binanceusdm --name live
  (it asks for the API key and secret without echoing them: ${process.env.FAKE_BINANCE_API_KEY ? 'those in FAKE_BINANCE_API_KEY / FAKE_BINANCE_SECRET' : 'local-key / local-secret'})
`
    : ''
}
Ctrl-C stops cleanly.
`);
}
