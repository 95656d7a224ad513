// The console's live prices on the local DynamoDB stand-in through the real SDK: the watcher's
// writes land under `price#<exchange>` on the risk table with their TTL, an older tick never
// replaces a newer one, an expired row is not read, a bad tick is refused naming its field while
// the good ones are written, and the console's tenant-guarded client reads the rows but cannot
// write them.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { provisionTables } from '../../../bin/local/provision';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/document-client';
import {
  DynamoLivePriceReader,
  DynamoLivePriceStore,
  LIVE_PRICE_PARTITION_PREFIX,
  LIVE_PRICE_TTL_SECONDS,
} from '../../../shared/adapters/dynamodb/live-price-store';
import { guardTenant, TenantScopeError } from '../../../shared/adapters/dynamodb/tenant-guard';
import type { PriceTick } from '../../../shared/core/ports/price-stream';
import { tableName } from '../../../shared/platform/resource-names';
import { PUBLIC_READ_PARTITIONS } from '../../../shared/platform/table-access';
import { partitionKeys, publicReadPartitions } from '../../../shared/runtime/console-api';
import { endpoints, MutableClock, region } from '../harness';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const tick = (patch: Partial<PriceTick> = {}): PriceTick => ({
  exchange: 'binanceusdm',
  symbol: 'BTC/USDT:USDT',
  last: 97_012.5,
  bid: 97_012.4,
  ask: 97_012.6,
  timestamp: T0 - 40,
  receivedAt: T0,
  ...patch,
});

let stage: string;
let table: string;
let db: ReturnType<typeof createDocumentClient>;
const clock = new MutableClock(T0);
let store: DynamoLivePriceStore;

beforeAll(async () => {
  const ep = endpoints();
  stage = `it${randomBytes(4).toString('hex')}`;
  await provisionTables(new DynamoDBClient({ region, endpoint: ep.dynamo }), stage);
  table = tableName(stage, 'risk');
  db = createDocumentClient({ region, endpoint: ep.dynamo });
  store = new DynamoLivePriceStore(db, table, clock);
});

test('the platform manifest names the adapter’s partition prefix', () => {
  expect(PUBLIC_READ_PARTITIONS).toContainEqual({
    table: 'risk',
    prefix: LIVE_PRICE_PARTITION_PREFIX,
    actions: ['dynamodb:Query'],
  });
});

test('a tick is stored as decimal text under price#<exchange> with its TTL, and read back', async () => {
  await store.put([tick(), tick({ symbol: 'ETH/USDT:USDT', last: 3_456.78, bid: undefined, ask: undefined })]);
  const row = (
    await db.send(
      new GetCommand({ TableName: table, Key: { accountId: 'price#binanceusdm', itemKey: 'BTC/USDT:USDT' } }),
    )
  ).Item;
  expect(row).toMatchObject({ last: '97012.5', bid: '97012.4', ask: '97012.6', timestamp: T0 - 40, receivedAt: T0 });
  expect(row?.ttl).toBe(T0 / 1000 + LIVE_PRICE_TTL_SECONDS);
  const read = await store.latest('binanceusdm', ['BTC/USDT:USDT', 'ETH/USDT:USDT', 'SOL/USDT:USDT']);
  expect(read.sort((a, b) => a.symbol.localeCompare(b.symbol))).toEqual([
    tick(),
    { exchange: 'binanceusdm', symbol: 'ETH/USDT:USDT', last: 3_456.78, timestamp: T0 - 40, receivedAt: T0 },
  ]);
  // only the symbols asked, only the exchange asked
  expect((await store.latest('binanceusdm', ['ETH/USDT:USDT'])).map((t) => t.symbol)).toEqual(['ETH/USDT:USDT']);
  expect(await store.latest('bybit', ['BTC/USDT:USDT'])).toEqual([]);
});

test('an older tick (a late write from before a reconnect) never replaces a newer price', async () => {
  const symbol = 'XRP/USDT:USDT';
  await store.put([tick({ symbol, last: 0.61, timestamp: T0 + 1_000, receivedAt: T0 + 1_000 })]);
  await store.put([tick({ symbol, last: 0.59, timestamp: T0 + 500, receivedAt: T0 + 1_100 })]);
  expect((await store.latest('binanceusdm', [symbol]))[0]?.last).toBe(0.61);
  // and in one call, the newest of a market's ticks is the one written
  await store.put([
    tick({ symbol, last: 0.63, timestamp: T0 + 3_000, receivedAt: T0 + 3_000 }),
    tick({ symbol, last: 0.62, timestamp: T0 + 2_000, receivedAt: T0 + 3_000 }),
  ]);
  expect((await store.latest('binanceusdm', [symbol]))[0]?.last).toBe(0.63);
});

test('a row past its TTL is not read, though DynamoDB has not removed it yet', async () => {
  const later = new MutableClock(T0 + (LIVE_PRICE_TTL_SECONDS + 1) * 1000);
  const reader = new DynamoLivePriceReader(db, table, later);
  expect(await reader.latest('binanceusdm', ['BTC/USDT:USDT'])).toEqual([]);
});

test('a bad tick is refused naming its field and bound; the good ones of the call are written', async () => {
  await expect(
    store.put([
      tick({ symbol: 'ADA/USDT:USDT', last: 0.9 }),
      tick({ symbol: 'DOGE/USDT:USDT', last: Number.NaN }),
      tick({ exchange: 'bad#id' }),
    ]),
  ).rejects.toThrow(
    'live price refused: ticks[1].last: must be a finite number > 0 (got NaN); ticks[2].exchange: must be 1-32 of a-z 0-9 _ - (got "bad#id")',
  );
  expect((await store.latest('binanceusdm', ['ADA/USDT:USDT', 'DOGE/USDT:USDT'])).map((t) => t.symbol)).toEqual([
    'ADA/USDT:USDT',
  ]);
});

test('the console’s tenant-guarded client reads the prices and cannot write them', async () => {
  const tenantDb = createDocumentClient({ region, endpoint: endpoints().dynamo });
  guardTenant(tenantDb, 'acc', partitionKeys(stage), publicReadPartitions(stage));
  const reader = new DynamoLivePriceReader(tenantDb, table, clock);
  expect((await reader.latest('binanceusdm', ['BTC/USDT:USDT']))[0]?.last).toBe(97_012.5);
  await expect(new DynamoLivePriceStore(tenantDb, table, clock).put([tick({ last: 1 })])).rejects.toBeInstanceOf(
    TenantScopeError,
  );
  await expect(
    tenantDb.send(
      new PutCommand({
        TableName: table,
        Item: { accountId: 'price#binanceusdm', itemKey: 'BTC/USDT:USDT', last: '1' },
      }),
    ),
  ).rejects.toBeInstanceOf(TenantScopeError);
  expect((await store.latest('binanceusdm', ['BTC/USDT:USDT']))[0]?.last).toBe(97_012.5);
});
