// The executor handler's metrics and correlation id: orders placed by exchange, failures by
// exchange and reason (risk refusals apart, read from the risk engine's audit event), the signal →
// order latency, and the signal id as each record's correlation_id.
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  createExecutorHandler,
  ExecutorMetrics,
  InvalidMessageError,
  parseSignal,
} from '../../../../functions/executor/app';
import type { AuditEvent } from '../../../../shared/core/domain/audit';
import { TransientError } from '../../../../shared/core/errors';
import type { AuditLog } from '../../../../shared/core/ports/repositories';
import type { Signal } from '../../../../shared/core/signal/types';
import type { ExecuteSignal, ExecutionOutcome } from '../../../../shared/core/execution/execute-signal';
import { capturedMetrics, captureStdout, testLogger } from '../log-capture';

const NOW = 1_700_000_000_000;
const context = { awsRequestId: 'req-1' } as Context;

const signal = (signalId: string, receivedAt = NOW - 350): Signal =>
  ({
    v: 1,
    signalId,
    accountId: 'acc-1',
    symbol: { unified: 'BTC/USDT:USDT' },
    intent: 'enter_long',
    receivedAt,
  }) as unknown as Signal;

function record(body: string, id: string, group = 'acc-1#BTCUSDT'): SQSRecord {
  return {
    messageId: id,
    body,
    attributes: { MessageGroupId: group, MessageDeduplicationId: id },
    eventSource: 'aws:sqs',
    receiptHandle: id,
  } as unknown as SQSRecord;
}
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A use case answering per signal id; it may append audit events through the observed runtime first. */
function setup(answers: Record<string, (audit: AuditLog, s: Signal) => Promise<ExecutionOutcome>>) {
  const m = capturedMetrics('executor');
  const observer = new ExecutorMetrics(m.metrics, () => NOW);
  const appended: AuditEvent[] = [];
  const audit = { append: async (e: AuditEvent) => void appended.push(e), listByAccount: async () => [] } as AuditLog;
  const runtime = observer.observe({ repos: { audit } });
  const execute = jest.fn(async (s: Signal) => {
    const answer = answers[s.signalId];
    if (!answer) throw new Error(`no answer for ${s.signalId}`);
    return answer(runtime.repos.audit, s);
  });
  const handler = createExecutorHandler({ execute } as unknown as ExecuteSignal, testLogger('executor'), observer);
  return { handler, execute, appended, ...m };
}

const entry = (s: Signal) => ({
  intent: s.intent,
  symbol: s.symbol.unified,
  equity: '10000',
  price: 65_000,
  requestedLeverage: 5,
  checks: [],
});
const refused = (audit: AuditLog, s: Signal, code: string) =>
  audit.append({
    accountId: s.accountId,
    type: 'risk.refused',
    at: NOW,
    signalId: s.signalId,
    message: `entry refused: ${code}`,
    data: { ...entry(s), code, numbers: {} },
  });

describe('executor handler: metrics', () => {
  it('counts the orders an executed signal placed, by exchange, and its signal → order latency', async () => {
    const { handler, named } = setup({
      s1: async () => ({ status: 'executed', summary: 'ok', orders: ['o1', 'o2', 'o3'], exchange: 'binanceusdm' }),
    });
    await captureStdout(() => handler(batch(record(JSON.stringify(signal('s1')), 'm1')), context));
    expect(named('OrdersPlaced')).toEqual([expect.objectContaining({ OrdersPlaced: 3, exchange: 'binanceusdm' })]);
    const [latency] = named('SignalToOrderLatency');
    expect(latency).toMatchObject({ SignalToOrderLatency: 350, exchange: 'binanceusdm' });
    expect(latency?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: 'SignalToOrderLatency', Unit: 'Milliseconds' },
    ]);
    expect(latency?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'stage'],
      ['service', 'stage', 'exchange'],
    ]);
    expect(named('OrdersFailed')).toEqual([]);
  });

  it('counts nothing for a signal that had nothing to do or was already executed', async () => {
    const { handler, docs } = setup({
      s1: async () => ({ status: 'executed', summary: 'nothing to do', orders: [], exchange: 'paper' }),
      s2: async () => ({ status: 'skipped', reason: 'already executed' }),
    });
    await captureStdout(() =>
      handler(
        batch(record(JSON.stringify(signal('s1')), 'm1'), record(JSON.stringify(signal('s2')), 'm2', 'acc-1#ETHUSDT')),
        context,
      ),
    );
    expect(docs).toEqual([]);
  });

  it('counts a rejection as a failed order, by exchange and reason', async () => {
    const { handler, named } = setup({
      s1: async () => ({ status: 'rejected', code: 'INSUFFICIENT_MARGIN', reason: 'margin', exchange: 'okx' }),
    });
    await captureStdout(() => handler(batch(record(JSON.stringify(signal('s1')), 'm1')), context));
    const [failed] = named('OrdersFailed');
    expect(failed).toMatchObject({ OrdersFailed: 1, exchange: 'okx', reason: 'INSUFFICIENT_MARGIN' });
    expect(failed?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'stage'],
      ['service', 'stage', 'exchange', 'reason'],
    ]);
  });

  it("counts a risk refusal by its code, from the risk engine's audit event, and not as a failed order", async () => {
    const { handler, named, appended } = setup({
      s1: async (audit, s) => {
        await refused(audit, s, 'MAX_EXPOSURE');
        return { status: 'rejected', code: 'MAX_EXPOSURE', reason: 'exposure', exchange: 'bybit' };
      },
    });
    await captureStdout(() => handler(batch(record(JSON.stringify(signal('s1')), 'm1')), context));
    expect(appended.map((e) => e.type)).toEqual(['risk.refused']); // the event still reaches the audit log
    expect(named('RiskRefusals')).toEqual([expect.objectContaining({ RiskRefusals: 1, reason: 'MAX_EXPOSURE' })]);
    expect(named('OrdersFailed')).toEqual([]);
  });

  it('counts both the close of a reverse and its refused entry', async () => {
    const { handler, named } = setup({
      s1: async (audit, s) => {
        await refused(audit, s, 'KILL_SWITCH_DAILY_LOSS');
        return { status: 'executed', summary: 'closed; entry refused', orders: ['close-1'], exchange: 'binanceusdm' };
      },
    });
    await captureStdout(() => handler(batch(record(JSON.stringify(signal('s1')), 'm1')), context));
    expect(named('OrdersPlaced')).toEqual([expect.objectContaining({ OrdersPlaced: 1 })]);
    expect(named('RiskRefusals')).toEqual([expect.objectContaining({ reason: 'KILL_SWITCH_DAILY_LOSS' })]);
    expect(named('OrdersFailed')).toEqual([]);
  });

  it('counts an attempt that threw as a failed order by its code, and reports the record for retry', async () => {
    const { handler, named } = setup({
      s1: async () => {
        throw new TransientError('exchange timeout');
      },
    });
    const { result } = await captureStdout(() => handler(batch(record(JSON.stringify(signal('s1')), 'm1')), context));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(named('OrdersFailed')).toEqual([
      expect.objectContaining({ OrdersFailed: 1, reason: 'TRANSIENT', exchange: 'unknown' }),
    ]);
  });

  it('counts a message that is not a signal as INVALID_MESSAGE, and fails it', async () => {
    const { handler, named, execute } = setup({});
    const { result } = await captureStdout(() => handler(batch(record('not json', 'm1')), context));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(execute).not.toHaveBeenCalled();
    expect(named('OrdersFailed')).toEqual([expect.objectContaining({ reason: 'INVALID_MESSAGE' })]);
  });

  it('ignores audit events other than risk refusals', async () => {
    const { handler, docs } = setup({
      s1: async (audit, s) => {
        await audit.append({
          accountId: s.accountId,
          type: 'risk.accepted',
          at: NOW,
          signalId: s.signalId,
          message: 'ok',
          data: { ...entry(s), amount: '0.01', leverage: 5, mode: 'percent', notional: '650' },
        });
        return { status: 'executed', summary: 'ok', orders: [], exchange: 'paper' };
      },
    });
    await captureStdout(() => handler(batch(record(JSON.stringify(signal('s1')), 'm1')), context));
    expect(docs).toEqual([]);
  });
});

describe('executor handler: logs', () => {
  it('logs each record with its own signal id as correlation_id, and none after it', async () => {
    const { handler } = setup({
      s1: async () => ({ status: 'executed', summary: 'ok', orders: ['o1'], exchange: 'paper' }),
      s2: async () => ({ status: 'rejected', code: 'UNKNOWN_SYMBOL', reason: 'no market' }),
    });
    const { lines } = await captureStdout(async () => {
      await handler(
        batch(record(JSON.stringify(signal('s1')), 'm1'), record(JSON.stringify(signal('s2')), 'm2', 'acc-1#ETHUSDT')),
        context,
      );
    });
    expect(lines.find((l) => l.message === 'signal executed')).toMatchObject({
      correlation_id: 's1',
      signalId: 's1',
      accountId: 'acc-1',
    });
    expect(lines.find((l) => l.message === 'signal rejected')).toMatchObject({
      correlation_id: 's2',
      code: 'UNKNOWN_SYMBOL',
    });
  });
});

describe('executor handler: a broken message of a known signal', () => {
  it('is rejected once through the use case (not reported for retry), so its group goes on', async () => {
    const execute = jest.fn(async () => ({
      status: 'executed' as const,
      summary: 'ok',
      orders: [],
      exchange: 'paper',
    }));
    const rejectInvalid = jest.fn(async () => ({ status: 'rejected' as const, code: 'INVALID_MESSAGE', reason: 'x' }));
    const handler = createExecutorHandler(
      { execute, rejectInvalid } as unknown as ExecuteSignal,
      testLogger('executor'),
      new ExecutorMetrics(capturedMetrics('executor').metrics, () => NOW),
    );
    const broken = JSON.stringify({ ...signal('s1'), intent: 'moon' });

    const { result } = await captureStdout(() =>
      handler(batch(record(broken, 'm1'), record(JSON.stringify(signal('s2')), 'm2')), context),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(rejectInvalid).toHaveBeenCalledWith(
      { accountId: 'acc-1', signalId: 's1' },
      expect.stringContaining('message field intent must be one of enter_long'),
    );
    expect(execute).toHaveBeenCalledTimes(1);
  });
});

describe('parseSignal', () => {
  it('names the broken field when the account and signal id can be read', () => {
    const error = (body: unknown) => {
      try {
        parseSignal(JSON.stringify(body));
      } catch (e) {
        return e as InvalidMessageError;
      }
      throw new Error('expected a refusal');
    };
    expect(error({ ...signal('s'), intent: 'moon' })).toMatchObject({
      owner: { accountId: 'acc-1', signalId: 's' },
      message: expect.stringContaining('intent'),
    });
    expect(error({ ...signal('s'), symbol: {} }).message).toBe('message field symbol.unified must be a market symbol');
    expect(error({ ...signal('s'), receivedAt: '1' }).message).toBe(
      'message field receivedAt must be epoch milliseconds',
    );
    expect(error({ ...signal('s'), accountId: '' }).owner).toBeUndefined();
  });

  it('refuses anything that is not a v1 signal', () => {
    for (const body of ['', 'null', '[]', '{"v":2}', JSON.stringify({ ...signal('s'), intent: undefined })])
      expect(() => parseSignal(body)).toThrow(InvalidMessageError);
    expect(parseSignal(JSON.stringify(signal('s'))).signalId).toBe('s');
  });
});
