// Executor function: SQS FIFO batch → one ExecuteSignal per record, in order per message group.
// Adapters are composed in shared/runtime/executor.ts.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Signal } from '../../shared/core/signal/types';
import type { ExecuteSignal } from '../../shared/core/usecases/execute-signal';
import { createLogger } from '../../shared/platform/logger';

export type ExecutorHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function createExecutorHandler(useCase: ExecuteSignal, logger: Logger = createLogger('executor')): ExecutorHandler {
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const signal = parseSignal(record.body);
    logger.appendKeys({ signalId: signal.signalId, accountId: signal.accountId });
    try {
      const outcome = await useCase.execute(signal);
      if (outcome.status === 'rejected') logger.warn('signal rejected', { code: outcome.code, reason: outcome.reason });
      else logger.info(`signal ${outcome.status}`, outcome.status === 'executed' ? { summary: outcome.summary } : { reason: outcome.reason });
    } catch (error) {
      logger.error('signal failed; it returns to the queue', { error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
      throw error;
    } finally {
      logger.removeKeys(['signalId', 'accountId']);
    }
  };
  return async (event, context) => {
    // FIFO: a failure stops its own group (that message and every later one of the group are
    // reported and come back in order); other groups in the batch go on.
    const processor = new SqsFifoPartialProcessorAsync();
    return processPartialResponse(event, recordHandler, processor, { context, skipGroupOnError: true, throwOnFullBatchFailure: false });
  };
}

/** A message this code did not write is a bug, not a trade: fail it so it reaches the DLQ and alarms. */
export function parseSignal(body: string): Signal {
  const signal = JSON.parse(body) as Partial<Signal>;
  if (signal.v !== 1 || typeof signal.signalId !== 'string' || typeof signal.accountId !== 'string' || !signal.symbol || !signal.intent) {
    throw new Error('message is not a v1 signal');
  }
  return signal as Signal;
}
