// The SQS stand-in keeps messages in memory, so a restart of the local stack would lose signals
// that were queued but not yet executed. On start, those are put back from their dedup records
// (which keep the message), unless they are older than `maxAgeMs`: an alert that waited through a
// long outage is stale, and trading it late could do harm. The executor's idempotency makes a
// requeue of an already executed signal harmless anyway.
import { GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { tableName } from '../../shared/platform/resource-names';

export interface RequeueReport {
  requeued: string[];
  stale: string[];
}

interface DedupItem {
  accountId: string;
  signalId: string;
  dedupKey: string;
  issuedSignalId: string;
  status: string;
  receivedAt: number;
  groupId?: string;
  body?: string;
}

export async function requeueUnfinished(db: DynamoDBDocumentClient, sqs: SQSClient, stage: string, queueUrl: string, now: number, maxAgeMs = 5 * 60_000): Promise<RequeueReport> {
  const table = tableName(stage, 'signals');
  const report: RequeueReport = { requeued: [], stale: [] };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(signalId, :d) AND #s = :queued',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':d': 'd#', ':queued': 'queued' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of (page.Items ?? []) as DedupItem[]) {
      if (!item.body || !item.groupId) continue;
      const execution = await db.send(new GetCommand({ TableName: table, Key: { accountId: item.accountId, signalId: item.issuedSignalId }, ConsistentRead: true }));
      const status = execution.Item?.status as string | undefined;
      if (status === 'executed' || status === 'rejected') continue;
      if (now - item.receivedAt > maxAgeMs) {
        report.stale.push(item.issuedSignalId);
        continue;
      }
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: item.body, MessageGroupId: item.groupId, MessageDeduplicationId: item.dedupKey }));
      report.requeued.push(item.issuedSignalId);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return report;
}
