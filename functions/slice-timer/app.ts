// Slice-timer function: the standard queue's batch of due children (docs/EXECUTION-ALGOS.md) → each
// one onto the account's FIFO lane, or delayed again when its time is further than SQS's 15 minutes.
// A record that fails (the lane's send) is reported alone and comes back; a body that is not a slice
// is logged and dropped (retrying cannot mend it; the DLQ alarm is for what can).
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseTimedSlice, type ReleaseSlice } from '../../shared/core/execution/algo/release-slice';
import { createLogger } from '../../shared/platform/logger';

export type SliceTimerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function createSliceTimerHandler(
  useCase: Pick<ReleaseSlice, 'release'>,
  logger: Logger = createLogger('slice-timer'),
): SliceTimerHandler {
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const slice = parseTimedSlice(record.body);
    if (!slice) {
      logger.error('slice timer message is not a slice: dropped', { messageId: record.messageId });
      return;
    }
    const outcome = await useCase.release(slice);
    logger.info(`slice ${outcome}`, {
      accountId: slice.accountId,
      parentId: slice.slice.parentId,
      index: slice.slice.index,
      dueAt: slice.dueAt,
    });
  };
  return async (event, context) => {
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, recordHandler, processor, { context });
  };
}
