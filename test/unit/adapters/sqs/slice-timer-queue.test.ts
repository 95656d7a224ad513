// The slice timer's send: the child and its due time as the body, delayed until due — in whole
// seconds, never past SQS's 900 s (a longer wait is delayed again by the consumer), never negative.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { MAX_DELAY_SECONDS, SqsSliceScheduler } from '../../../../shared/adapters/sqs/slice-timer-queue';
import { TransientError } from '../../../../shared/core/errors';
import { ManualClock, T0 } from '../../core/fakes';

const URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/tvat-test-slice-timer';
const child = { accountId: 'acc-1', symbol: 'BTC/USDT:USDT', slice: { parentId: 'sparent', index: 2 } };

test.each([
  ['due in 10 s', T0 + 10_000, 10],
  ['due in 10.2 s: rounded up, never early', T0 + 10_200, 11],
  ['overdue (the safety net): now', T0 - 5_000, 0],
  ['due in 2 h: the 900 s SQS allows, then delayed again', T0 + 7_200_000, MAX_DELAY_SECONDS],
])('%s → DelaySeconds %d', async (_name, dueAt, delay) => {
  const sqs = mockClient(SQSClient);
  sqs.on(SendMessageCommand).resolves({});
  await new SqsSliceScheduler(new SQSClient({ region: 'eu-west-1' }), URL, new ManualClock(T0)).schedule(child, dueAt);
  const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
  expect(input).toEqual({ QueueUrl: URL, MessageBody: JSON.stringify({ ...child, dueAt }), DelaySeconds: delay });
  expect(input).not.toHaveProperty('MessageGroupId'); // a standard queue: FIFO refuses a per-message delay
  sqs.restore();
});

test('a failed send is transient: the executor returns the slice to its queue and schedules again on retry', async () => {
  const sqs = mockClient(SQSClient);
  sqs.on(SendMessageCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
  await expect(
    new SqsSliceScheduler(new SQSClient({ region: 'eu-west-1' }), URL, new ManualClock(T0)).schedule(child, T0),
  ).rejects.toBeInstanceOf(TransientError);
  sqs.restore();
});
