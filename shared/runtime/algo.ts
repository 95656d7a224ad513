// Sliced entries' wiring (docs/EXECUTION-ALGOS.md): the parents' rows on the risk table and the slice
// timer (a standard SQS queue). The executor drives them (AlgoControl), the risk-check job's safety
// net re-sends overdue children through them, and the slice-timer function releases due children
// onto the FIFO lane (ReleaseSlice).
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoAlgoParentReader, DynamoAlgoParentStore } from '../adapters/dynamodb/algo-parent-store';
import { SqsSignalQueue } from '../adapters/sqs/signal-queue';
import { SqsSliceScheduler } from '../adapters/sqs/slice-timer-queue';
import { AlgoControl } from '../core/execution/algo/algo-control';
import { ReleaseSlice } from '../core/execution/algo/release-slice';
import type { AuditAppender } from '../core/execution/ports';
import { systemClock, type Clock } from '../core/ports/runtime';
import type { ExecutorEnv, SliceTimerEnv } from '../platform/config';
import { tableName } from '../platform/resource-names';
import { dynamoClient } from './repositories';

type SqsEnv = Pick<ExecutorEnv, 'AWS_REGION' | 'SQS_ENDPOINT'>;
const sqsClient = (env: SqsEnv): SQSClient =>
  new SQSClient({ region: env.AWS_REGION, ...(env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT } : {}) });

const parentStore = (env: Pick<ExecutorEnv, 'STAGE' | 'AWS_REGION' | 'DYNAMODB_ENDPOINT'>): DynamoAlgoParentStore =>
  new DynamoAlgoParentStore(
    dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }),
    tableName(env.STAGE, 'risk'),
  );

/** The executor's and the safety net's control of sliced entries; undefined when the stage has no slice timer. */
export function buildAlgoControl(env: ExecutorEnv, audit: AuditAppender, clock: Clock): AlgoControl | undefined {
  if (!env.SLICE_TIMER_QUEUE_URL) return undefined;
  return new AlgoControl({
    parents: parentStore(env),
    scheduler: new SqsSliceScheduler(sqsClient(env), env.SLICE_TIMER_QUEUE_URL, clock),
    audit,
    clock,
  });
}

export function buildReleaseSlice(env: SliceTimerEnv, clock: Clock = systemClock): ReleaseSlice {
  const sqs = sqsClient(env);
  return new ReleaseSlice({
    parents: new DynamoAlgoParentReader(
      dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }),
      tableName(env.STAGE, 'risk'),
    ),
    lane: new SqsSignalQueue(sqs, env.SIGNAL_QUEUE_URL),
    scheduler: new SqsSliceScheduler(sqs, env.SLICE_TIMER_QUEUE_URL, clock),
    clock,
  });
}
