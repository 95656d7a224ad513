// Stored audit events read back through the real DynamoDB client against the stand-in: what older
// code wrote (money as numbers, a field of the wrong type, no payload at all) is returned as the
// typed union, and the notifier's stream path tells a new trade in its market's currency.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { notificationsOf } from '../../../functions/notifier/app';
import { isAuditOf, type AuditEvent } from '../../../shared/core/domain/audit';
import { tableName } from '../../../shared/platform/resource-names';
import { createHarness, type Harness } from '../harness';

jest.setTimeout(60_000); // provisioning the stand-in tables on a shared 2-core machine

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

const T = Date.UTC(2026, 11, 7, 5, 0, 0);
const putRaw = (item: Record<string, unknown>) =>
  h.dynamo.send(
    new PutItemCommand({
      TableName: tableName(h.stage, 'audit'),
      Item: marshall(item, { removeUndefinedValues: true }),
    }),
  );

test('older records come back typed: number money as exact text, a misfit kept aside, a record without payload as is', async () => {
  const accountId = 'acc-old';
  await putRaw({
    accountId,
    eventId: `${T}#000001`,
    type: 'trade.closed',
    at: T,
    message: 'closed long BTC/USDT:USDT @ 66000',
    data: { tradeId: 't-1', realizedPnl: 95.3, roiPct: 1.4662 },
  });
  await putRaw({
    accountId,
    eventId: `${T + 1}#000002`,
    type: 'alert',
    at: T + 1,
    message: 'something',
    data: { severity: 'urgent', key: 'k-1' },
  });
  await putRaw({
    accountId,
    eventId: `${T + 2}#000003`,
    type: 'account.token_rotated',
    at: T + 2,
    message: 'webhook token replaced',
  });

  const events = await h.runtime.repos.audit.listByAccount(accountId);

  expect(events.map((e) => e.type)).toEqual(['account.token_rotated', 'alert', 'trade.closed']); // newest first
  const [closed] = events.filter(isAuditOf('trade.closed'));
  expect(closed?.data).toEqual({ tradeId: 't-1', realizedPnl: '95.3', roiPct: 1.4662 });
  const [alert] = events.filter(isAuditOf('alert'));
  expect(alert?.data).toEqual({ key: 'k-1' });
  expect(alert?.unfit).toEqual({ severity: 'urgent' });
  expect(events[0]).toEqual({
    accountId,
    eventId: `${T + 2}#000003`,
    type: 'account.token_rotated',
    at: T + 2,
    message: 'webhook token replaced',
  });
});

test('an event written by the repository reads back equal to what was written, with its key', async () => {
  const event: AuditEvent = {
    accountId: 'acc-new',
    type: 'order.filled',
    at: T,
    signalId: 'sig-1',
    message: 'buy 0.01 BTC/KRW @ 100000000',
    data: { clientOrderId: 'o-1', leg: 'open', fee: '500', feeCurrency: 'KRW', signalPrice: 99_990_000 },
  };
  await h.runtime.repos.audit.append(event);

  const [read] = await h.runtime.repos.audit.listByAccount('acc-new');

  expect(read).toEqual({ ...event, eventId: expect.stringMatching(new RegExp(`^${T}#[0-9a-f]{12}$`)) });
});

test('the stream path: a KRW trade is told in KRW; a broken image is skipped, not thrown on', () => {
  const image = (item: Record<string, unknown>) => ({
    eventName: 'INSERT' as const,
    dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) as never },
  });
  const stream: DynamoDBStreamEvent = {
    Records: [
      image({
        accountId: 'acc-up',
        eventId: `${T}#a`,
        type: 'trade.closed',
        at: T,
        message: 'closed long BTC/KRW',
        data: { tradeId: 't-2', symbol: 'BTC/KRW', currency: 'KRW', realizedPnl: '8995', roiPct: 0.8995 },
      }),
      image({ accountId: 'acc-up', eventId: `${T}#b`, type: 'trade.closed', at: 'yesterday', message: 'broken' }),
    ],
  };

  expect(notificationsOf(stream).map((n) => n.title)).toEqual(['Trade closed: +8995.00 KRW (+0.90 %)']);
});
