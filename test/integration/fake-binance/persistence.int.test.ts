// The fake exchange with a state file (as `npm start` runs it): a restart on the same file shows
// ccxt the same balance, position, resting stop and fills, hands out new ids only, keeps no key
// in the file, and a stop resting across the restart still fires. A broken file stops the start.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeBinance } from '../../../bin/local/fake-binance';
import { BTC, client, idOf, KEY, SECRET, startFake } from './helpers';

const fakes: FakeBinance[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.close();
});

async function start(stateFile: string): Promise<FakeBinance> {
  const fake = await startFake({ stateFile });
  fakes.push(fake);
  return fake;
}

test('a restart on the same state file keeps balance, position, the resting stop and the fills', async () => {
  const stateFile = join(mkdtempSync(join(tmpdir(), 'tvat-fake-')), 'fake-binance.json');
  const first = await start(stateFile);
  const ex = client(first);
  await ex.loadMarkets();
  const open = await ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'p-open' });
  const sl = await ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
    stopLossPrice: 62000,
    reduceOnly: true,
    clientOrderId: 'p-sl',
  });
  const before = {
    balance: (await ex.fetchBalance()).USDT?.total,
    positions: (await ex.fetchPositions([BTC])).map((p) => [p.side, p.contracts, p.entryPrice]),
    stops: (await ex.fetchOpenOrders(BTC, undefined, undefined, { trigger: true })).map((o) => o.id),
    fills: (await ex.fetchMyTrades(BTC)).map((t) => t.id),
  };
  expect(before.positions).toEqual([['long', 0.01, expect.any(Number)]]);
  expect(before.stops).toEqual([sl.id]);
  await first.close();
  fakes.splice(0);

  // the file: this user's only, and no key or secret in it
  expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  const text = readFileSync(stateFile, 'utf8');
  expect(text).not.toContain(KEY);
  expect(text).not.toContain(SECRET);

  const second = await start(stateFile);
  const again = client(second);
  await again.loadMarkets();
  expect({
    balance: (await again.fetchBalance()).USDT?.total,
    positions: (await again.fetchPositions([BTC])).map((p) => [p.side, p.contracts, p.entryPrice]),
    stops: (await again.fetchOpenOrders(BTC, undefined, undefined, { trigger: true })).map((o) => o.id),
    fills: (await again.fetchMyTrades(BTC)).map((t) => t.id),
  }).toEqual(before);
  expect((await again.fetchOrder(idOf(open), BTC)).clientOrderId).toBe('p-open');

  // ids go on from where they were, never repeating one
  const next = await again.createOrder(BTC, 'limit', 'buy', 0.01, 50_000);
  expect(Number(next.id)).toBeGreaterThan(Number(open.id));

  // the stop that rested across the restart still protects the position
  second.setPrice('BTCUSDT', 61_900);
  expect(second.position(KEY, 'BTCUSDT').amount).toBe(0);
  expect((await again.fetchOrder('', BTC, { trigger: true, clientOrderId: 'p-sl' })).status).toBe('closed');
});

test('a state file that cannot be read back stops the start, naming the file', async () => {
  const stateFile = join(mkdtempSync(join(tmpdir(), 'tvat-fake-')), 'fake-binance.json');
  writeFileSync(stateFile, '{"version":1,"accounts":[');
  await expect(startFake({ stateFile })).rejects.toThrow(
    new RegExp(`^${stateFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not readable JSON`),
  );
  writeFileSync(stateFile, JSON.stringify({ version: 1, accounts: [] }));
  await expect(startFake({ stateFile })).rejects.toThrow(/holds 0 account\(s\), this start has 1/);
});
