// `npm start`: the whole system on this machine, no AWS. PORT (default 3000), DATA_DIR (default
// .data/local; DynamoDB data lives there, so accounts, positions and trades survive a restart).
import { startLocalStack } from './local/stack';

const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.DATA_DIR ?? '.data/local';

const stack = await startLocalStack({ port, dataDir });
const cli = port === 3000 ? 'npm run cli --' : `PORT=${port} npm run cli --`;
console.log(`
Local stack ready (stage "local", data in ${dataDir})
  webhook:  POST ${stack.discovery.webhookUrl}   (or ${stack.discovery.webhookUrl}/<accountId>)
  health:   GET  ${stack.url}/health

Create a paper account (prints its id and webhook token once):
  ${cli} account add --exchange paper --name demo --balance 10000

Then send an alert:
  curl -s -XPOST ${stack.discovery.webhookUrl} -H 'content-type: application/json' \\
    -d '{"token":"<token>","account":"<accountId>","action":"long","symbol":"BTCUSDT.P","id":"demo-1"}'
  ${cli} positions --account <accountId>

Ctrl-C stops cleanly.
`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await stack.stop();
  console.log('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
