// EMF metrics: one JSON line per data point, in the shape CloudWatch extracts (namespace tvat,
// dimensions service and stage, plus a breakdown set), never throwing, off outside Lambda.
import { afterCall, createMetrics, METRIC, Metrics, noMetrics } from '../../../shared/platform/metrics';

function capture(now = 1_700_000_000_000) {
  const lines: string[] = [];
  const metrics = new Metrics({
    service: 'executor',
    stage: 'prod',
    write: (line) => lines.push(line),
    now: () => now,
  });
  return {
    metrics,
    lines,
    docs: () =>
      lines.map(
        (l) =>
          JSON.parse(l) as Record<string, unknown> & {
            _aws: {
              Timestamp: number;
              CloudWatchMetrics: {
                Namespace: string;
                Dimensions: string[][];
                Metrics: { Name: string; Unit: string }[];
              }[];
            };
          },
      ),
  };
}

describe('Metrics (EMF)', () => {
  it('writes one EMF document per data point, under service and stage', () => {
    const { metrics, docs } = capture();
    metrics.count('OrdersPlaced');
    expect(docs()).toEqual([
      {
        _aws: {
          Timestamp: 1_700_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: 'tvat',
              Dimensions: [['service', 'stage']],
              Metrics: [{ Name: 'OrdersPlaced', Unit: 'Count' }],
            },
          ],
        },
        service: 'executor',
        stage: 'prod',
        OrdersPlaced: 1,
      },
    ]);
  });

  it('publishes a breakdown and the aggregate from the same data point (two dimension sets)', () => {
    const { metrics, docs } = capture();
    metrics.count('OrdersFailed', { exchange: 'binanceusdm', reason: 'INSUFFICIENT_MARGIN' }, 3);
    const [doc] = docs();
    expect(doc?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'stage'],
      ['service', 'stage', 'exchange', 'reason'],
    ]);
    expect(doc).toMatchObject({ exchange: 'binanceusdm', reason: 'INSUFFICIENT_MARGIN', OrdersFailed: 3 });
  });

  it('leaves the aggregate out when asked (values that do not add up, like equity)', () => {
    const { metrics, docs } = capture();
    metrics.put('Equity', 10_250.5, { unit: 'None', by: { account: 'acc-1' }, aggregate: false });
    expect(docs()[0]).toMatchObject({ account: 'acc-1', Equity: 10_250.5 });
    expect(docs()[0]?._aws.CloudWatchMetrics[0]).toMatchObject({
      Dimensions: [['service', 'stage', 'account']],
      Metrics: [{ Name: 'Equity', Unit: 'None' }],
    });
  });

  it('writes latencies in milliseconds', () => {
    const { metrics, docs } = capture();
    metrics.put('SignalToOrderLatency', 412, { unit: 'Milliseconds', by: { exchange: 'okx' } });
    expect(docs()[0]?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: 'SignalToOrderLatency', Unit: 'Milliseconds' },
    ]);
    expect(docs()[0]).toMatchObject({ SignalToOrderLatency: 412 });
  });

  it('names a missing or empty breakdown value "unknown", and never lets a breakdown replace service, stage or the value', () => {
    const { metrics, docs } = capture();
    metrics.count('OrdersFailed', {
      exchange: undefined,
      reason: '  ',
      service: 'evil',
      stage: 'evil',
      OrdersFailed: 'x',
    } as Record<string, string | undefined>);
    const [doc] = docs();
    expect(doc).toMatchObject({
      service: 'executor',
      stage: 'prod',
      exchange: 'unknown',
      reason: 'unknown',
      OrdersFailed: 1,
    });
    expect(doc?._aws.CloudWatchMetrics[0]?.Dimensions[1]).toEqual(['service', 'stage', 'exchange', 'reason']);
  });

  it('cuts very long dimension values', () => {
    const { metrics, docs } = capture();
    metrics.count('RiskRefusals', { reason: 'X'.repeat(1000) });
    expect((docs()[0]?.reason as string).length).toBe(250);
  });

  it('drops values that are not finite numbers', () => {
    const { metrics, lines } = capture();
    metrics.put('Equity', Number.NaN);
    metrics.put('Equity', Number.POSITIVE_INFINITY);
    expect(lines).toEqual([]);
  });

  it('never throws, even when writing fails', () => {
    const metrics = new Metrics({
      service: 's',
      stage: 'dev',
      write: () => {
        throw new Error('EPIPE');
      },
    });
    expect(() => metrics.count('WebhooksReceived')).not.toThrow();
  });

  it('is a no-op without a writer', () => {
    const off = noMetrics();
    expect(off.enabled).toBe(false);
    expect(() => off.count('WebhooksReceived')).not.toThrow();
  });

  it('is on in Lambda only, and off there with POWERTOOLS_METRICS_DISABLED=true; the stage comes from STAGE', () => {
    expect(createMetrics('webhook', { STAGE: 'dev' }).enabled).toBe(false);
    const on = createMetrics('webhook', { STAGE: 'prod', AWS_LAMBDA_FUNCTION_NAME: 'tvat-prod-webhook' });
    expect(on).toMatchObject({ enabled: true, service: 'webhook', stage: 'prod' });
    expect(
      createMetrics('webhook', { STAGE: 'prod', AWS_LAMBDA_FUNCTION_NAME: 'f', POWERTOOLS_METRICS_DISABLED: 'true' })
        .enabled,
    ).toBe(false);
  });

  it('writes to stdout in Lambda (not console.log, whose prefix would hide the JSON)', () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      createMetrics('webhook', { STAGE: 'prod', AWS_LAMBDA_FUNCTION_NAME: 'f' }).count('WebhooksReceived');
      expect(write).toHaveBeenCalledTimes(1);
      const line = String(write.mock.calls[0]?.[0]);
      expect(line.endsWith('\n')).toBe(true);
      expect(JSON.parse(line)).toMatchObject({ service: 'webhook', stage: 'prod', WebhooksReceived: 1 });
    } finally {
      write.mockRestore();
    }
  });

  it('lists every metric name once', () => {
    const names = Object.values(METRIC);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z]+$/);
  });
});

describe('afterCall', () => {
  class Store {
    private readonly saved: string[] = [];
    #secret = 'hidden';
    label = 'store';
    async save(item: string): Promise<number> {
      if (item === 'bad') throw new Error('refused');
      this.saved.push(item);
      return this.saved.length;
    }
    async count(): Promise<number> {
      return this.saved.length;
    }
    secret(): string {
      return this.#secret;
    }
  }

  it('calls the listener with the arguments of each call that resolved, after it, and returns its result', async () => {
    const seen: string[] = [];
    const store = afterCall(new Store(), 'save', (item) => seen.push(item));
    await expect(store.save('a')).resolves.toBe(1);
    await expect(store.save('b')).resolves.toBe(2);
    expect(seen).toEqual(['a', 'b']);
  });

  it('does not call the listener when the call throws, and passes the error on', async () => {
    const seen: string[] = [];
    const store = afterCall(new Store(), 'save', (item) => seen.push(item));
    await expect(store.save('bad')).rejects.toThrow('refused');
    expect(seen).toEqual([]);
  });

  it("swallows the listener's own error", async () => {
    const store = afterCall(new Store(), 'save', () => {
      throw new Error('listener');
    });
    await expect(store.save('a')).resolves.toBe(1);
  });

  it('passes every other member through, bound to the target (private fields work)', async () => {
    const store = afterCall(new Store(), 'save', () => undefined);
    await store.save('a');
    await expect(store.count()).resolves.toBe(1);
    expect(store.secret()).toBe('hidden');
    expect(store.label).toBe('store');
    const { count } = store;
    await expect(count()).resolves.toBe(1);
  });
});
