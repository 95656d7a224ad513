// The strategy-runner handler: the timeframe comes from the rule's input, `now` from the event's
// scheduled time, and the run waits until the candle has settled before reading candles.
import { Logger } from '@aws-lambda-powertools/logger';
import { createStrategyRunnerHandler } from '../../../../functions/strategy-runner/app';
import type { RunStrategies, StrategyRunReport } from '../../../../shared/core/strategies/run-strategies';

const CLOSE = Date.UTC(2024, 0, 1, 10);

function setup(clockAt: number) {
  const run = jest.fn(async (timeframe: StrategyRunReport['timeframe'], now: number): Promise<StrategyRunReport> => ({
    timeframe,
    now,
    evaluated: 0,
    queued: 0,
    duplicates: 0,
    failed: 0,
    results: [],
  }));
  const sleep = jest.fn(async () => undefined);
  const handler = createStrategyRunnerHandler({ run } as unknown as RunStrategies, {
    settleMs: 10_000,
    clock: { now: () => clockAt },
    sleep,
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  return { run, sleep, handler };
}

describe('strategy-runner handler', () => {
  it("runs the input's timeframe at the event's scheduled time, after waiting for the candle to settle", async () => {
    const { run, sleep, handler } = setup(CLOSE + 2_500);

    await handler({ timeframe: '1h', time: new Date(CLOSE).toISOString() });

    expect(sleep).toHaveBeenCalledWith(7_500);
    expect(run).toHaveBeenCalledWith('1h', CLOSE);
  });

  it('does not wait when the invocation comes after the settle time (a late or retried invocation keeps its candle)', async () => {
    const { run, sleep, handler } = setup(CLOSE + 45_000);

    await handler({ timeframe: '4h', time: new Date(CLOSE).toISOString() });

    expect(sleep).not.toHaveBeenCalled();
    expect(run).toHaveBeenCalledWith('4h', CLOSE);
  });

  it('uses the clock when the input carries no time', async () => {
    const { run, handler } = setup(CLOSE + 1_000);

    await handler({ timeframe: '15m' });

    expect(run).toHaveBeenCalledWith('15m', CLOSE + 1_000);
  });

  it.each([[{}], [{ timeframe: '2h' }], [{ timeframe: 60 }]])(
    'refuses an input without a known timeframe: %j',
    async (event) => {
      const { run, handler } = setup(CLOSE);

      await expect(handler(event)).rejects.toThrow(/needs "timeframe" \(1m, 5m, 15m, 1h, 4h, 1d\)/);
      expect(run).not.toHaveBeenCalled();
    },
  );
});
