// Starts the fake Binance USDⓈ-M exchange for the local stack: one account from
// FAKE_BINANCE_API_KEY / FAKE_BINANCE_SECRET (defaults local-key / local-secret), the default
// markets, and one JSON line {"url": …} on stdout. Stops on SIGTERM/SIGINT.
// Usage: node --import tsx bin/fake-binance.ts [--port 8081]
import { parseArgs } from 'node:util';
import { startFakeBinance } from './local/fake-binance';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`fake-binance: --port must be 0..65535, got ${values.port}`);
  process.exit(2);
}

const fake = await startFakeBinance({
  port,
  accounts: [
    {
      apiKey: process.env.FAKE_BINANCE_API_KEY ?? 'local-key',
      secret: process.env.FAKE_BINANCE_SECRET ?? 'local-secret',
    },
  ],
});
console.log(JSON.stringify({ url: fake.url }));

const stop = async () => {
  await fake.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
