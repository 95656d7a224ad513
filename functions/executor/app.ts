// Executor function: SQS FIFO batch → one ExecuteSignal per record, in order per message group.
// Adapters are composed in shared/runtime/executor.ts. Each record's log lines carry the signal id
// as correlation_id (the webhook issued it; the notifier logs it too). Metrics (EMF): orders placed
// and failed by exchange and reason, signal → order latency, risk refusals by code.
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { AuditEvent } from '../../shared/core/domain/audit';
import { DomainError } from '../../shared/core/errors';
import type { AuditLog } from '../../shared/core/ports/repositories';
import type { Intent, Signal } from '../../shared/core/signal/types';
import type { ExecuteSignal, ExecutionOutcome } from '../../shared/core/execution/execute-signal';
import { createLogger } from '../../shared/platform/logger';
import { afterCall, createMetrics, type Metrics } from '../../shared/platform/metrics';
import { replaceRepositories } from '../../shared/runtime/repositories';
import type { ExecutionMetering } from './metering';

export type ExecutorHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * What the executor counts. A risk refusal is recognised by the risk engine's own audit event
 * (`risk.refused`, with its code), not by a list of codes kept here: `observe` wraps the runtime's
 * audit log so every event the use case appends passes by. The refused signal's outcome is then
 * not counted a second time as a failed order.
 */
export class ExecutorMetrics {
  private readonly refused = new Set<string>();

  constructor(
    readonly metrics: Metrics = createMetrics('executor'),
    private readonly now: () => number = Date.now,
  ) {}

  /** The runtime with its audit log observed: give the result to buildExecuteSignal. */
  observe<R extends { repos: { audit: AuditLog } }>(runtime: R): R {
    const audit = afterCall(runtime.repos.audit, 'append', (event) => this.audited(event));
    return { ...runtime, repos: replaceRepositories(runtime.repos, { audit }) };
  }

  audited(event: AuditEvent): void {
    if (event.type !== 'risk.refused') return;
    this.metrics.count('RiskRefusals', { reason: event.data.code });
    if (event.signalId) this.refused.add(event.signalId);
  }

  outcome(signal: Signal, outcome: ExecutionOutcome): void {
    const refused = this.refused.delete(signal.signalId);
    if (outcome.status === 'executed' && outcome.orders.length > 0) {
      this.metrics.count('OrdersPlaced', { exchange: outcome.exchange }, outcome.orders.length);
      // From the webhook's receipt to the last order of the signal sent: queue wait and retries included.
      this.metrics.put('SignalToOrderLatency', Math.max(0, this.now() - signal.receivedAt), {
        unit: 'Milliseconds',
        by: { exchange: outcome.exchange },
      });
    } else if (outcome.status === 'rejected' && !refused) {
      this.metrics.count('OrdersFailed', { exchange: outcome.exchange, reason: outcome.code });
    }
  }

  /** An attempt that threw: the message goes back to the queue (or it was not a signal at all). */
  failed(signalId: string | undefined, error: unknown): void {
    if (signalId) this.refused.delete(signalId);
    const reason = error instanceof DomainError ? error.code : 'INTERNAL';
    this.metrics.count('OrdersFailed', { exchange: undefined, reason });
  }
}

export function createExecutorHandler(
  useCase: ExecuteSignal,
  logger: Logger = createLogger('executor'),
  observer: ExecutorMetrics = new ExecutorMetrics(),
  /** the tenant's usage (signals, orders) once the outcome is recorded; absent: not metered */
  metering?: Pick<ExecutionMetering, 'outcome'>,
): ExecutorHandler {
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    let signal: Signal;
    try {
      signal = parseSignal(record.body);
    } catch (error) {
      observer.failed(undefined, error);
      if (error instanceof InvalidMessageError && error.owner) {
        // Ours but broken: rejected once with the reason, so it cannot block its group.
        const outcome = await useCase.rejectInvalid(error.owner, error.message);
        logger.warn('invalid signal message rejected', {
          signalId: error.owner.signalId,
          accountId: error.owner.accountId,
          status: outcome.status,
          reason: error.message,
        });
        return;
      }
      throw error; // no account to tell: the DLQ and its alarm
    }
    logger.appendKeys({ correlation_id: signal.signalId, signalId: signal.signalId, accountId: signal.accountId });
    try {
      const outcome = await useCase.execute(signal);
      observer.outcome(signal, outcome);
      await metering?.outcome(signal, outcome);
      if (outcome.status === 'rejected') logger.warn('signal rejected', { code: outcome.code, reason: outcome.reason });
      else
        logger.info(
          `signal ${outcome.status}`,
          outcome.status === 'executed' ? { summary: outcome.summary } : { reason: outcome.reason },
        );
    } catch (error) {
      observer.failed(signal.signalId, error);
      logger.error('signal failed; it returns to the queue', {
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      throw error;
    } finally {
      logger.removeKeys(['correlation_id', 'signalId', 'accountId']);
    }
  };
  return async (event, context) => {
    // FIFO: a failure stops its own group (that message and every later one of the group are
    // reported and come back in order); other groups in the batch go on.
    const processor = new SqsFifoPartialProcessorAsync();
    return processPartialResponse(event, recordHandler, processor, {
      context,
      skipGroupOnError: true,
      throwOnFullBatchFailure: false,
    });
  };
}

/** A message body that is not a v1 signal; `owner` when its account and signal id can still be read. */
export class InvalidMessageError extends DomainError {
  readonly retryable = false;
  constructor(
    reason = 'message is not a v1 signal',
    readonly owner?: { accountId: string; signalId: string },
  ) {
    super(reason, 'INVALID_MESSAGE');
    this.name = 'InvalidMessageError';
  }
}

const INTENTS: readonly string[] = [
  'enter_long',
  'enter_short',
  'close_long',
  'close_short',
  'close_all',
  'reduce_long',
  'reduce_short',
  'move_stop',
  'move_target',
  'cancel_order',
] satisfies Intent[];

/**
 * A message this code did not write is a bug, not a trade. One without a readable account and
 * signal id fails, reaching the DLQ and its alarm; one with them is rejected once for that signal
 * (the field named), so that it never blocks its FIFO group (account#symbol).
 */
export function parseSignal(body: string): Signal {
  let signal: Partial<Signal>;
  try {
    signal = JSON.parse(body) as Partial<Signal>;
  } catch {
    throw new InvalidMessageError();
  }
  if (typeof signal !== 'object' || signal === null || Array.isArray(signal) || signal.v !== 1)
    throw new InvalidMessageError();
  const owner =
    typeof signal.signalId === 'string' &&
    signal.signalId !== '' &&
    typeof signal.accountId === 'string' &&
    signal.accountId !== ''
      ? { accountId: signal.accountId, signalId: signal.signalId }
      : undefined;
  if (!owner) throw new InvalidMessageError();
  const broken = (field: string, bound: string) => new InvalidMessageError(`message field ${field} ${bound}`, owner);
  if (typeof signal.symbol?.unified !== 'string' || signal.symbol.unified === '')
    throw broken('symbol.unified', 'must be a market symbol');
  if (typeof signal.intent !== 'string' || !INTENTS.includes(signal.intent))
    throw broken('intent', `must be one of ${INTENTS.join(', ')}`);
  if (typeof signal.receivedAt !== 'number' || !Number.isFinite(signal.receivedAt))
    throw broken('receivedAt', 'must be epoch milliseconds');
  return signal as Signal;
}
