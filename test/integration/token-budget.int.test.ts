// The advisor's token budget on the local DynamoDB stand-in through the real SDK: concurrent
// charges all land (UpdateItem ADD), the UTC day and the account decide the item, the item sits on
// the risk table beside the account's state without disturbing its equity snapshots, and expires
// ~400 days after its day.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTokenBudget } from '../../shared/adapters/dynamodb/token-budget';
import { tableName } from '../../shared/platform/resource-names';
import { createHarness, type Harness } from './harness';

/** 2026-03-01T23:59:59.999Z and the next millisecond */
const LAST_MS = Date.UTC(2026, 2, 1, 23, 59, 59, 999);
const NEXT_DAY = LAST_MS + 1;

let h: Harness;
let budget: DynamoTokenBudget;
beforeAll(async () => {
  h = await createHarness();
  budget = new DynamoTokenBudget(h.runtime.repos.documentClient, tableName(h.stage, 'risk'));
});

test('concurrent charges all count; per account and UTC day; the day expires ~400 days later', async () => {
  const account = `acc-llm-${Date.now()}`;
  const totals = await Promise.all(Array.from({ length: 20 }, () => budget.charge(account, 150, LAST_MS)));
  // every write saw a distinct running total: none was lost
  expect(new Set(totals).size).toBe(20);
  expect(Math.max(...totals)).toBe(3_000);
  expect(await budget.spent(account, LAST_MS)).toBe(3_000);
  expect(await budget.spent(account, NEXT_DAY)).toBe(0);
  expect(await budget.spent(`${account}-other`, LAST_MS)).toBe(0);
  await budget.charge(account, 7, NEXT_DAY);
  expect(await budget.spent(account, NEXT_DAY)).toBe(7);

  const item = (
    await h.runtime.repos.documentClient.send(
      new GetCommand({ TableName: tableName(h.stage, 'risk'), Key: { accountId: account, itemKey: 'llm#2026-03-01' } }),
    )
  ).Item;
  expect(item).toMatchObject({ day: '2026-03-01', tokens: 3_000 });
  expect(item?.ttl).toBe(Date.UTC(2026, 2, 1) / 1000 + 401 * 86_400);
});

test('a charge that is not a whole number of tokens is refused, naming the field', async () => {
  await expect(budget.charge('acc-x', 1.5, LAST_MS)).rejects.toThrow('tokens: must be a whole number');
  await expect(budget.charge('acc-x', -1, LAST_MS)).rejects.toThrow('tokens: must be a whole number');
});
