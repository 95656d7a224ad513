// The recorded funding rates on the local DynamoDB stand-in through the real SDK: rows land under
// `funding#<source>` on the risk table with their TTL; a failed attempt keeps the reading and moves
// `triedAt`; an older attempt never replaces a later one and a failure row never replaces a fresher
// reading (two overlapping runs); a bad entry is refused naming its field while the good ones are
// written; the console's tenant-guarded client reads the rows and cannot write them.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { provisionTables } from '../../../bin/local/provision';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/document-client';
import {
  DynamoFundingReadingReader,
  DynamoFundingReadingStore,
  FUNDING_PARTITION_PREFIX,
  FUNDING_TTL_SECONDS,
} from '../../../shared/adapters/dynamodb/funding-reading-store';
import { guardTenant, TenantScopeError } from '../../../shared/adapters/dynamodb/tenant-guard';
import type { StoredFunding } from '../../../shared/core/ports/funding-rates';
import { tableName } from '../../../shared/platform/resource-names';
import { PUBLIC_READ_PARTITIONS } from '../../../shared/platform/table-access';
import { partitionKeys, publicReadPartitions } from '../../../shared/runtime/console-api';
import { endpoints, region } from '../harness';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const BTC = 'BTC/USDT:USDT';
const good = (patch: Partial<StoredFunding> = {}, rate = '0.0001', asOf = T0): StoredFunding => ({
  symbol: BTC,
  reading: { symbol: BTC, rate, nextFundingTime: T0 + 3_600_000, intervalMs: 28_800_000, asOf },
  triedAt: asOf,
  ...patch,
});

let table: string;
let stage: string;
let db: ReturnType<typeof createDocumentClient>;
let store: DynamoFundingReadingStore;

beforeAll(async () => {
  const ep = endpoints();
  stage = `it${randomBytes(4).toString('hex')}`;
  await provisionTables(new DynamoDBClient({ region, endpoint: ep.dynamo }), stage);
  table = tableName(stage, 'risk');
  db = createDocumentClient({ region, endpoint: ep.dynamo });
  store = new DynamoFundingReadingStore(db, table);
});

test('the platform manifest names the adapter’s partition prefix as public market data', () => {
  expect(PUBLIC_READ_PARTITIONS).toContainEqual({
    table: 'risk',
    prefix: FUNDING_PARTITION_PREFIX,
    actions: ['dynamodb:Query'],
  });
});

test('a reading is stored as decimal text under funding#<source> with its TTL, and read back', async () => {
  await store.put('binanceusdm', [good()]);
  const row = (
    await db.send(new GetCommand({ TableName: table, Key: { accountId: 'funding#binanceusdm', itemKey: BTC } }))
  ).Item;
  expect(row).toEqual({
    accountId: 'funding#binanceusdm',
    itemKey: BTC,
    rate: '0.0001',
    nextFundingTime: T0 + 3_600_000,
    intervalMs: 28_800_000,
    asOf: T0,
    triedAt: T0,
    ttl: T0 / 1000 + FUNDING_TTL_SECONDS,
  });
  expect(await store.read('binanceusdm', [BTC, 'ETH/USDT:USDT'])).toEqual([good()]);
  expect(await store.read('binanceusdm-testnet', [BTC])).toEqual([]);
});

test('a failed attempt moves triedAt only; an older attempt or a staler failure row never wins', async () => {
  await store.put('bybit', [good()]);
  // a failed attempt a minute later: the reading kept, with its asOf
  await store.put('bybit', [{ symbol: BTC, reading: good().reading!, triedAt: T0 + 60_000 }]);
  expect(await store.read('bybit', [BTC])).toEqual([{ ...good(), triedAt: T0 + 60_000 }]);

  // a fresher reading at +5 min, then a slow run's failure row of +4 min carrying the old reading
  await store.put('bybit', [good({}, '0.0002', T0 + 300_000)]);
  await store.put('bybit', [{ symbol: BTC, reading: good().reading!, triedAt: T0 + 240_000 }]);
  expect((await store.read('bybit', [BTC]))[0]?.reading?.rate).toBe('0.0002');
  // …and a later failure row carrying the old reading cannot bring it back either
  await store.put('bybit', [{ symbol: BTC, reading: good().reading!, triedAt: T0 + 360_000 }]);
  expect((await store.read('bybit', [BTC]))[0]).toMatchObject({ reading: { rate: '0.0002' }, triedAt: T0 + 300_000 });

  // a first attempt that failed: a row with no reading, which a later good one replaces
  await store.put('okx', [{ symbol: BTC, triedAt: T0 }]);
  expect(await store.read('okx', [BTC])).toEqual([{ symbol: BTC, triedAt: T0 }]);
  await store.put('okx', [good({ triedAt: T0 + 300_000 }, '0.0003', T0 + 300_000)]);
  expect((await store.read('okx', [BTC]))[0]?.reading?.rate).toBe('0.0003');
});

test('a bad entry is refused naming its field; the good ones are written', async () => {
  await expect(
    store.put('bitget', [
      good({ symbol: 'ADA/USDT:USDT' }),
      { ...good(), reading: { ...good().reading!, rate: '1e-4' } },
      { symbol: 'DOGE/USDT:USDT', triedAt: -1 },
    ]),
  ).rejects.toThrow(
    'funding reading refused: entries[1].reading.rate: must be a decimal number (got "1e-4"); entries[2].triedAt: must be epoch ms > 0 (got -1)',
  );
  expect((await store.read('bitget', ['ADA/USDT:USDT', BTC, 'DOGE/USDT:USDT'])).map((e) => e.symbol)).toEqual([
    'ADA/USDT:USDT',
  ]);
  await expect(store.put('bad#source', [good()])).rejects.toThrow('source: must be 1-48 of a-z 0-9 _ -');
});

test('the console’s tenant-guarded client reads the readings and cannot write them', async () => {
  const tenantDb = createDocumentClient({ region, endpoint: endpoints().dynamo });
  guardTenant(tenantDb, 'acc', partitionKeys(stage), publicReadPartitions(stage));
  const reader = new DynamoFundingReadingReader(tenantDb, table);
  expect((await reader.read('binanceusdm', [BTC]))[0]?.reading?.rate).toBe('0.0001');
  await expect(new DynamoFundingReadingStore(tenantDb, table).put('binanceusdm', [good()])).rejects.toBeInstanceOf(
    TenantScopeError,
  );
  await expect(
    tenantDb.send(new GetCommand({ TableName: table, Key: { accountId: 'funding#binanceusdm', itemKey: BTC } })),
  ).rejects.toBeInstanceOf(TenantScopeError);
});
