// The SQS stand-in keeps messages in memory, so a restart of the local stack would lose signals
// that were queued but not yet executed, each of which the webhook had answered 202. On start,
// every one of them is put back from its dedup record (the claim carries the message), in the order
// the webhook received them, so each FIFO group keeps its order. A record says 'received' whether
// its send succeeded or failed (nothing is written after the send): both are put back, and one whose
// message is still in the queue is dropped by SQS's dedup id or, later, by the executor's lease.
// None is dropped here: the executor decides, as for any delivery. An entry that waited longer than its account allows is rejected
// there as SIGNAL_EXPIRED (ledger status, signal.rejected audit event, notification); a close
// always runs. The executor's idempotency makes a requeue of an already executed signal harmless.
import { GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AuditLog, SignalLedger } from '../../shared/core/ports/repositories';
import { tableName } from '../../shared/platform/resource-names';

export interface RequeueReport {
  requeued: string[];
  /** 'queued' without the message (a record older than the body field): rejected, never silently dropped */
  rejected: string[];
}

/** What requeueing reads and writes: the runtime's repositories. */
export interface RequeueRepos {
  documentClient: DynamoDBDocumentClient;
  signals: SignalLedger;
  audit: AuditLog;
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

export async function requeueUnfinished(
  repos: RequeueRepos,
  sqs: SQSClient,
  stage: string,
  queueUrl: string,
  now: number,
): Promise<RequeueReport> {
  const unfinished = await unfinishedSignals(repos.documentClient, tableName(stage, 'signals'));
  const report: RequeueReport = { requeued: [], rejected: [] };
  for (const item of unfinished.sort((a, b) => a.receivedAt - b.receivedAt)) {
    if (!item.body || !item.groupId) {
      // 'received' without a message is from before the claim carried it: that send was never
      // confirmed, so the webhook answered 5xx, not 202; a message that did go is in the queue.
      if (item.status === 'received') continue;
      await rejectLost(repos, item, now);
      report.rejected.push(item.issuedSignalId);
      continue;
    }
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: item.body,
        MessageGroupId: item.groupId,
        MessageDeduplicationId: item.dedupKey,
      }),
    );
    report.requeued.push(item.issuedSignalId);
  }
  return report;
}

/** Dedup records of signals that may have been answered 202 whose execution is neither executed nor rejected. */
async function unfinishedSignals(db: DynamoDBDocumentClient, table: string): Promise<DedupItem[]> {
  const out: DedupItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(signalId, :d) AND #s IN (:received, :queued)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':d': 'd#', ':received': 'received', ':queued': 'queued' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of (page.Items ?? []) as DedupItem[]) {
      const execution = await db.send(
        new GetCommand({
          TableName: table,
          Key: { accountId: item.accountId, signalId: item.issuedSignalId },
          ConsistentRead: true,
        }),
      );
      const status = execution.Item?.status as string | undefined;
      if (status !== 'executed' && status !== 'rejected') out.push(item);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** A signal whose message cannot be rebuilt ends rejected with its reason, like any other. */
async function rejectLost(repos: RequeueRepos, item: DedupItem, now: number): Promise<void> {
  const reason = 'the queued message was lost when the local queue restarted, and its record keeps no copy of it';
  const claim = await repos.signals.beginExecution(
    {
      accountId: item.accountId,
      signalId: item.issuedSignalId,
      status: 'executing',
      receivedAt: item.receivedAt,
      updatedAt: now,
    },
    now,
    60_000,
  );
  if (claim !== 'run' && claim !== 'resume') return;
  await repos.signals.finishExecution(item.accountId, item.issuedSignalId, 'rejected', `LOST_IN_QUEUE: ${reason}`, now);
  await repos.audit.append({
    accountId: item.accountId,
    type: 'signal.rejected',
    at: now,
    signalId: item.issuedSignalId,
    message: reason,
    data: { code: 'LOST_IN_QUEUE', receivedAt: item.receivedAt },
  });
}
