// Strategy-runner job: an EventBridge rule per timeframe fires at each candle close with the input
// { "timeframe": "1h", "time": <the event's time> }; the run waits for the candle to settle, then
// evaluates every enabled subscription of that timeframe. Composed in shared/runtime/strategy-runner.ts.
import type { Logger } from '@aws-lambda-powertools/logger';
import { isStrategyTimeframe, STRATEGY_TIMEFRAMES } from '../../shared/core/domain/strategy-subscription';
import { systemClock, type Clock } from '../../shared/core/ports/runtime';
import type { RunStrategies, StrategyRunReport } from '../../shared/core/strategies/run-strategies';
import { createLogger } from '../../shared/platform/logger';
import { InvalidArgumentError } from '../../shared/core/errors';

/** The rule's target input: the timeframe, and the scheduled event's time (ISO 8601). */
export interface StrategyTickEvent {
  timeframe?: unknown;
  time?: unknown;
}

export interface StrategyRunnerOptions {
  /** how long after the candle close the candles are read (exchanges finalise a candle after its close) */
  settleMs: number;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createStrategyRunnerHandler(useCase: RunStrategies, options: StrategyRunnerOptions) {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? defaultSleep;
  const logger = options.logger ?? createLogger('strategy-runner');
  return async (event: StrategyTickEvent): Promise<StrategyRunReport> => {
    const timeframe = event.timeframe;
    if (!isStrategyTimeframe(timeframe))
      throw new InvalidArgumentError(
        `strategy-runner: the rule's input needs "timeframe" (${STRATEGY_TIMEFRAMES.join(', ')}), got ${JSON.stringify(timeframe)}`,
      );
    // The scheduled time, not the invocation time: a late or repeated invocation decides on the
    // same candles and produces the same signal ids, which the dedup records then drop.
    const scheduled = typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
    const now = Number.isFinite(scheduled) ? scheduled : clock.now();
    const wait = now + options.settleMs - clock.now();
    if (wait > 0) await sleep(Math.min(wait, options.settleMs));
    const report = await useCase.run(timeframe, now);
    const notable = report.results.filter((r) => r.outcome !== 'hold');
    if (notable.length)
      logger.info('strategies evaluated', {
        timeframe,
        now: new Date(now).toISOString(),
        evaluated: report.evaluated,
        queued: report.queued,
        duplicates: report.duplicates,
        results: notable,
      });
    if (report.failed)
      logger.error('some strategy subscriptions failed', {
        timeframe,
        failed: report.results.filter((r) => r.outcome === 'failed'),
      });
    return report;
  };
}
