// The signal queue's depth for the console's /health: SQS's approximate counts of the queue and
// its dead-letter queue (GetQueueAttributes; no message is received or changed).
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { TransientError } from '../../core/errors';
import type { QueueDepth, QueueGauge } from '../../core/performance/ports';

const count = (value: string | undefined): number => {
  const n = Number(value ?? 0);
  return Number.isFinite(n) && n >= 0 ? n : 0;
};

export class SqsQueueGauge implements QueueGauge {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly dlqUrl: string | undefined,
  ) {}

  async read(): Promise<QueueDepth> {
    try {
      const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] as const;
      const [queue, dlq] = await Promise.all([
        this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: [...names] })),
        this.dlqUrl
          ? this.sqs.send(
              new GetQueueAttributesCommand({ QueueUrl: this.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
            )
          : Promise.resolve(undefined),
      ]);
      return {
        depth: count(queue.Attributes?.ApproximateNumberOfMessages),
        inFlight: count(queue.Attributes?.ApproximateNumberOfMessagesNotVisible),
        dlqDepth: count(dlq?.Attributes?.ApproximateNumberOfMessages),
      };
    } catch (error) {
      throw new TransientError(
        `could not read the queue depth: ${error instanceof Error ? error.name : 'error'}`,
        error,
      );
    }
  }
}
