import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TransientError } from '../../core/errors';
import type { SignalQueue } from '../../core/ports/runtime';
import type { Signal } from '../../core/signal/types';

/** Sends normalised signals to the FIFO queue; any failure is transient (the caller answers 5xx). */
export class SqsSignalQueue implements SignalQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(signal: Signal, groupId: string, dedupId: string): Promise<void> {
    try {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify(signal),
          MessageGroupId: groupId,
          MessageDeduplicationId: dedupId,
          MessageAttributes: { signalId: { DataType: 'String', StringValue: signal.signalId } },
        }),
      );
    } catch (error) {
      throw new TransientError(`could not enqueue signal: ${error instanceof Error ? error.name : 'error'}`, error);
    }
  }
}
