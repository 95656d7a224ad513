// The alert log on the local DynamoDB stand-in through the real SDK: DynamoAlertLog's key order,
// time range, pages and expiry attribute, and the webhook function writing one record per call for
// a known account (accepted with its signal, refused with the caller's reason), none for a stranger.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { alertKey, DynamoAlertLog } from '../../shared/adapters/dynamodb/alert-log';
import { InvalidArgumentError } from '../../shared/core/errors';
import type { AlertRecord } from '../../shared/core/ports/repositories';
import { tableName } from '../../shared/platform/resource-names';
import { createHarness, type Harness } from './harness';

let h: Harness;
let log: DynamoAlertLog;
beforeAll(async () => {
  h = await createHarness();
  log = new DynamoAlertLog(h.runtime.repos.documentClient, tableName(h.stage, 'alerts'));
});

const refused = (accountId: string, receivedAt: number, requestId: string): AlertRecord => ({
  accountId,
  alertKey: alertKey(receivedAt, requestId),
  receivedAt,
  requestId,
  outcome: 'refused',
  httpStatus: 422,
  code: 'validation',
  field: 'time',
  reason: 'time: stale',
});

test('list: newest first, within [from, to], in pages joined by the cursor; items expire after 30 days', async () => {
  const at = [1_000, 2_000, 2_000, 3_000, 4_000];
  for (const [i, t] of at.entries()) await log.record(refused('al-1', t, `r${i}`));
  await log.record(refused('al-2', 2_500, 'other'));

  const all = await log.list('al-1', { limit: 100 });
  expect(all.items.map((a) => a.requestId)).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
  expect(all.nextCursor).toBeUndefined();

  const range = await log.list('al-1', { from: 2_000, to: 3_000, limit: 100 });
  expect(range.items.map((a) => a.requestId)).toEqual(['r3', 'r2', 'r1']);

  const first = await log.list('al-1', { limit: 2 });
  expect(first.items.map((a) => a.requestId)).toEqual(['r4', 'r3']);
  const second = await log.list('al-1', { limit: 2, cursor: first.nextCursor as string });
  expect(second.items.map((a) => a.requestId)).toEqual(['r2', 'r1']);
  const third = await log.list('al-1', { limit: 2, cursor: second.nextCursor as string });
  expect(third.items.map((a) => a.requestId)).toEqual(['r0']);

  // Items come back as recorded, without the table's expiry attribute, which is 30 days on.
  expect(all.items[0]).toEqual(refused('al-1', 4_000, 'r4'));
  const raw = await h.runtime.repos.documentClient.send(
    new GetCommand({
      TableName: tableName(h.stage, 'alerts'),
      Key: { accountId: 'al-1', alertKey: alertKey(4_000, 'r4') },
    }),
  );
  expect(raw.Item?.ttl).toBe(Math.floor((4_000 + 30 * 86_400_000) / 1000));
});

test('list refuses a cursor it did not give and a limit out of range, naming them', async () => {
  await expect(log.list('al-1', { limit: 10, cursor: 'not-ours' })).rejects.toThrow(InvalidArgumentError);
  await expect(log.list('al-1', { limit: 10, cursor: 'not-ours' })).rejects.toThrow(/cursor/);
  await expect(log.list('al-1', { limit: 0 })).rejects.toThrow(/limit must be an integer 1\.\.1000/);
});

test('record swallows a failed write and tells onError (the webhook answers anyway)', async () => {
  const heard: unknown[] = [];
  const broken = new DynamoAlertLog(h.runtime.repos.documentClient, 'no-such-table', (e) => heard.push(e));
  await expect(broken.record(refused('al-3', 1, 'r'))).resolves.toBeUndefined();
  expect(heard).toHaveLength(1);
});

test('the webhook records each call for a known account, with the signal or the reason, and none for a stranger', async () => {
  const { accountId, token } = await h.createAccount();
  const accepted = await h.post({ token, account: accountId, action: 'long', symbol: 'BTCUSDT.P', id: 'al-a1' });
  const bad = await h.post({ token, account: accountId, action: 'long', symbol: 'BTCUSDT.P', stop_loss: '1%' });
  const wrong = await h.post({ token: 'not-the-token', account: accountId, action: 'long', symbol: 'BTCUSDT.P' });
  await h.post({ token: 'not-the-token', account: 'no-such-acct', action: 'long', symbol: 'BTCUSDT.P' });
  expect([accepted.statusCode, bad.statusCode, wrong.statusCode]).toEqual([202, 422, 401]);

  const { items } = await log.list(accountId, { limit: 10 });
  expect(items.map((a) => [a.outcome, a.httpStatus, a.code, a.signalId]).reverse()).toEqual([
    ['accepted', 202, undefined, accepted.body.signalId],
    ['refused', 422, 'validation', undefined],
    ['refused', 401, 'unauthorized', undefined],
  ]);
  expect(items.find((a) => a.httpStatus === 422)?.reason).toBe('stop_loss: unknown field');
  expect(JSON.stringify(items)).not.toContain(token);
  expect((await log.list('no-such-acct', { limit: 10 })).items).toEqual([]);
});
