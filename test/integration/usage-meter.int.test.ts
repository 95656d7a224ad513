// The usage meter on the local DynamoDB stand-in through the real SDK: one item per tenant and UTC
// day, counters that concurrent writers both add to (UpdateItem ADD), the expiry attribute, and
// the executor's metering of a signal's outcome (the signal and its orders in one write; a failing
// meter never fails the trade).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoUsageMeter } from '../../shared/adapters/dynamodb/usage-meter';
import type { Signal } from '../../shared/core/signal/types';
import { tableName } from '../../shared/platform/resource-names';
import { ExecutionMetering } from '../../functions/executor/metering';
import { createHarness, type Harness } from './harness';

const B = 't00000000b1';
const C = 't00000000c1';
/** 2026-03-01T23:59:59.999Z and the next millisecond */
const LAST_MS = Date.UTC(2026, 2, 1, 23, 59, 59, 999);
const NEXT_DAY = LAST_MS + 1;

let h: Harness;
let meter: DynamoUsageMeter;
beforeAll(async () => {
  h = await createHarness();
  meter = new DynamoUsageMeter(h.runtime.repos.documentClient, tableName(h.stage, 'tenants'));
});

test('concurrent counts all land; the UTC day decides the item; the day expires ~400 days later', async () => {
  await Promise.all(Array.from({ length: 25 }, () => meter.count(B, 'backtests', LAST_MS)));
  await meter.count(B, 'backtests', NEXT_DAY, 2);
  await meter.count(C, 'backtests', LAST_MS);

  expect(await meter.day(B, LAST_MS)).toEqual({
    signals: 0,
    orders: 0,
    backtests: 25,
    optimisations: 0,
    generations: 0,
  });
  expect((await meter.day(B, NEXT_DAY)).backtests).toBe(2);
  expect((await meter.day(C, LAST_MS)).backtests).toBe(1);
  // a day nothing counted: zeros, not an error
  expect(await meter.day(B, Date.UTC(2020, 0, 1))).toEqual({
    signals: 0,
    orders: 0,
    backtests: 0,
    optimisations: 0,
    generations: 0,
  });

  const item = (
    await h.runtime.repos.documentClient.send(
      new GetCommand({ TableName: tableName(h.stage, 'tenants'), Key: { tenantId: B, itemKey: 'usage#2026-03-01' } }),
    )
  ).Item;
  expect(item).toMatchObject({ day: '2026-03-01', backtests: 25 });
  // the day's start + 401 days, in epoch seconds (DynamoDB's TTL unit)
  expect(item?.ttl).toBe(Date.UTC(2026, 2, 1) / 1000 + 401 * 86_400);
});

test('the executor counts a signal and its orders in one write, for the tenant of the account id', async () => {
  const warnings: unknown[] = [];
  const metering = new ExecutionMetering(meter, { warn: (...args: unknown[]) => warnings.push(args) }, () => LAST_MS);
  const signal = (source: Signal['source'], signalId: string) =>
    ({ v: 1, signalId, accountId: `${C}-000000000001`, source }) as unknown as Signal;

  await metering.outcome(signal('webhook', 's1'), { status: 'executed', summary: '', orders: ['o1', 'o2'] });
  await metering.outcome(signal('strategy', 's2'), { status: 'rejected', code: 'RISK', reason: 'refused' });
  // the owner's own close: orders yes, not a signal of the plan's
  await metering.outcome(signal('owner', 's3'), { status: 'executed', summary: '', orders: ['o3'] });
  // a redelivery that found its outcome recorded: nothing
  await metering.outcome(signal('webhook', 's1'), { status: 'skipped', reason: 'already executed' });

  expect(await meter.day(C, LAST_MS)).toMatchObject({ signals: 2, orders: 3 });
  expect(warnings).toEqual([]);
});

test('a meter that fails is logged and swallowed: the trade goes on', async () => {
  const warnings: unknown[][] = [];
  const broken = new DynamoUsageMeter(h.runtime.repos.documentClient, 'no-such-table');
  const metering = new ExecutionMetering(broken, { warn: (...args: unknown[]) => warnings.push(args) }, () => LAST_MS);
  await expect(
    metering.outcome({ v: 1, signalId: 's', accountId: `${C}-000000000001`, source: 'webhook' } as unknown as Signal, {
      status: 'executed',
      summary: '',
      orders: ['o'],
    }),
  ).resolves.toBeUndefined();
  expect(warnings).toEqual([['usage not counted', { tenantId: C, reason: 'ResourceNotFoundException' }]]);
});
