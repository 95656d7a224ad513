// Plays the Lambda SQS event source locally: long-polls the FIFO queue, hands batches to the
// executor handler as SQS events, deletes what succeeded and leaves reported failures to come
// back after the visibility timeout, exactly as the managed event source does.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn?: string;
  handler: SqsBatchHandler;
  batchSize?: number;
  /** parallel receive loops: FIFO still gives each group to one loop at a time */
  concurrency?: number;
  waitTimeSeconds?: number;
  onError?: (error: unknown) => void;
}

export class SqsPoller {
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const n = this.options.concurrency ?? 2;
    for (let i = 0; i < n; i++) this.loops.push(this.loop(i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.allSettled(this.loops);
    this.loops = [];
  }

  /** One receive and, if anything came, one delivery; returns how many messages it handed over. */
  async pollOnce(index = 0, waitTimeSeconds = this.options.waitTimeSeconds ?? 1): Promise<number> {
    const out = await this.options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: this.options.batchSize ?? 10,
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length) await this.deliver(messages, index);
    return messages.length;
  }

  private async loop(index: number): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce(index);
      } catch (error) {
        if (!this.running) return;
        this.options.onError?.(error);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async deliver(messages: Message[], index: number): Promise<void> {
    const event: SQSEvent = { Records: messages.map((m) => this.toRecord(m)) };
    const context = {
      functionName: 'executor-local',
      awsRequestId: `local-${index}-${Date.now()}`,
      getRemainingTimeInMillis: () => 30_000,
    } as unknown as Context;
    let failed = new Set<string>();
    try {
      const response = await this.options.handler(event, context);
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      // A thrown handler fails the whole batch, as in Lambda.
      this.options.onError?.(error);
      return;
    }
    const done = messages.filter((m) => !failed.has(m.MessageId as string));
    if (done.length === 0) return;
    await this.options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.options.queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  }

  private toRecord(m: Message): SQSRecord {
    const attrs = m.Attributes ?? {};
    return {
      messageId: m.MessageId as string,
      receiptHandle: m.ReceiptHandle as string,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? '1',
        SentTimestamp: attrs.SentTimestamp ?? String(Date.now()),
        SenderId: attrs.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        MessageGroupId: attrs.MessageGroupId,
        MessageDeduplicationId: attrs.MessageDeduplicationId,
        SequenceNumber: attrs.SequenceNumber,
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn ?? 'arn:aws:sqs:local:000000000000:signals.fifo',
      awsRegion: 'us-east-1',
    } as SQSRecord;
  }
}
