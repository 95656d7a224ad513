// The watcher process's heartbeat: a WatcherHeartbeat data point (EMF) while every loop turns, none
// once one is stuck (the cloud alarms on the missing metric); a trailing move's latency as its metric.
import { Logger } from '@aws-lambda-powertools/logger';
import { logWatcherEvent, recordMove, startWatcherProcess } from '../../../../functions/price-watcher/app';
import { Metrics } from '../../../../shared/platform/metrics';
import type { PriceWatchers } from '../../../../shared/runtime/price-watcher';

const silent = () => new Logger({ serviceName: 'test', logLevel: 'SILENT' });

function fakeWatchers(lastTurnAt: () => number): PriceWatchers & { stopped: boolean } {
  let finish: () => void = () => undefined;
  const running = new Promise<void>((r) => (finish = r));
  const watchers = {
    stopped: false,
    watchers: [{ exchange: 'paper' }],
    unwatched: ['bybit'],
    trailing: { stats: { moved: 0, busy: 0 } },
    paperFills: { fills: 0 },
    breaker: { stats: { trips: 0, samples: 0, busy: 0 } },
    run: () => running,
    stop: async () => {
      watchers.stopped = true;
      finish();
    },
    lastTurnAt,
  };
  return watchers as unknown as PriceWatchers & { stopped: boolean };
}

test('a heartbeat each beat while the loops turn; none once a loop has not turned for two beats', async () => {
  const lines: string[] = [];
  const metrics = new Metrics({ service: 'price-watcher', stage: 'dev', write: (l) => lines.push(l) });
  let now = 1_000_000;
  let turned = now;
  const watchers = fakeWatchers(() => turned);
  const running = startWatcherProcess({
    watchers,
    logger: silent(),
    metrics,
    now: () => now,
    heartbeatEveryMs: 60_000,
  });
  expect(lines.map((l) => JSON.parse(l).WatcherHeartbeat)).toEqual([1]); // at start
  now += 60_000;
  turned = now - 5_000;
  expect(running.beat()).toBe(true);
  now += 125_000; // the loop stuck since `turned`
  expect(running.beat()).toBe(false);
  expect(lines).toHaveLength(2);
  const doc = JSON.parse(lines[0] as string);
  expect(doc._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'tvat', Metrics: [{ Name: 'WatcherHeartbeat' }] });
  await running.stop();
  expect(watchers.stopped).toBe(true);
});

test('a move becomes WatcherTickToActionMs by exchange; a caught-up event without a gap is not logged', () => {
  const lines: string[] = [];
  const metrics = new Metrics({ service: 'price-watcher', stage: 'dev', write: (l) => lines.push(l) });
  recordMove(
    metrics,
    silent(),
  )({
    exchange: 'bybit',
    accountId: 'acc-1',
    symbol: 'BTC/USDT:USDT',
    tradeId: 't',
    best: 1,
    trigger: '0.99',
    tickAt: 1_000,
    movedAt: 1_180,
  });
  const doc = JSON.parse(lines[0] as string);
  expect(doc).toMatchObject({ WatcherTickToActionMs: 180, exchange: 'bybit' });
  const logger = silent();
  const info = jest.spyOn(logger, 'info');
  logWatcherEvent(logger, { kind: 'caught-up', exchange: 'paper', symbol: 'BTC/USDT:USDT' });
  expect(info).not.toHaveBeenCalled();
});
