// The DynamoDB confirmation store against the stand-in: items in the risk table under the reserved
// 'telegram' partition, a value taken once (also under concurrent takes), expiry checked in code.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { provisionTables } from '../../../bin/local/provision';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/document-client';
import { DynamoConfirmationStore } from '../../../shared/adapters/dynamodb/confirmation-store';
import { tableName } from '../../../shared/platform/resource-names';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { endpoints, MutableClock, region } from '../harness';

jest.setTimeout(30_000);

const clock = new MutableClock(Date.UTC(2026, 0, 5, 12, 0, 0));
const db = createDocumentClient({ region, endpoint: endpoints().dynamo });
let store: DynamoConfirmationStore;
let table: string;

beforeAll(async () => {
  const stage = `it${randomBytes(4).toString('hex')}`;
  await provisionTables(new DynamoDBClient({ region, endpoint: endpoints().dynamo }), stage);
  table = tableName(stage, 'risk');
  store = new DynamoConfirmationStore(db, table, () => clock.now());
});

test('put stores under telegram / confirm#<code> with expiry and a DynamoDB TTL; take returns it once', async () => {
  await store.put('abc12345', '{"action":"flatten"}', 120_000);

  const item = (
    await db.send(new GetCommand({ TableName: table, Key: { accountId: 'telegram', itemKey: 'confirm#abc12345' } }))
  ).Item;
  expect(item).toEqual({
    accountId: 'telegram',
    itemKey: 'confirm#abc12345',
    value: '{"action":"flatten"}',
    expiresAt: clock.now() + 120_000,
    ttl: Math.ceil((clock.now() + 120_000) / 1000) + 3600,
  });

  expect(await store.take('abc12345')).toBe('{"action":"flatten"}');
  expect(await store.take('abc12345')).toBeUndefined();
});

test('of concurrent takes exactly one gets the value', async () => {
  await store.put('race0001', 'v', 60_000);
  const results = await Promise.all(Array.from({ length: 5 }, () => store.take('race0001')));
  expect(results.filter((r) => r === 'v')).toHaveLength(1);
});

test('an expired value is not returned (and is removed); an unknown key is undefined', async () => {
  await store.put('old00001', 'v', 120_000);
  clock.advance(120_001);
  expect(await store.take('old00001')).toBeUndefined();
  expect(
    (await db.send(new GetCommand({ TableName: table, Key: { accountId: 'telegram', itemKey: 'confirm#old00001' } })))
      .Item,
  ).toBeUndefined();
  expect(await store.take('never-put')).toBeUndefined();
});

test('an existing code is never overwritten', async () => {
  await store.put('dup00001', 'first', 60_000);
  await expect(store.put('dup00001', 'second', 60_000)).rejects.toThrow();
  expect(await store.take('dup00001')).toBe('first');
});
