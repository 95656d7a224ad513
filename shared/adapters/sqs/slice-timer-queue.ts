// The slice timer (docs/EXECUTION-ALGOS.md): a STANDARD queue, since SQS FIFO queues do not support
// a per-message DelaySeconds (only a queue-wide one). Each child is a message delayed until it is due,
// at most 900 s (SQS's limit); the consumer (functions/slice-timer) delays a longer wait again, then
// puts the child on the FIFO lane. A duplicate delivery is harmless: the lane deduplicates by the
// child's signal id and the executor leases it.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TransientError } from '../../core/errors';
import type { SliceMessage, SliceScheduler } from '../../core/execution/algo/types';
import type { TimedSlice } from '../../core/execution/algo/release-slice';
import type { Clock } from '../../core/ports/runtime';

/** SQS's largest per-message delay. */
export const MAX_DELAY_SECONDS = 900;

export class SqsSliceScheduler implements SliceScheduler {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly clock: Clock,
  ) {}

  async schedule(child: SliceMessage, dueAt: number): Promise<void> {
    const body: TimedSlice = { ...child, dueAt };
    const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt - this.clock.now()) / 1000)));
    try {
      await this.sqs.send(
        new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(body), DelaySeconds: delay }),
      );
    } catch (error) {
      throw new TransientError(`could not schedule slice: ${error instanceof Error ? error.name : 'error'}`, error);
    }
  }
}
