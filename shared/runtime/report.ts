// The report job's wiring: accounts, trades and equity snapshots from the tables, hourly candles
// for the buy-and-hold comparison, the PNG chart renderer, and the notifier's channels.
import type { Logger } from '@aws-lambda-powertools/logger';
import { CandlePrices } from '../adapters/candles/candle-prices';
import { renderEquityChartPng } from '../adapters/chart/equity-chart';
import type { CandleSource } from '../core/ports/candles';
import { systemClock, type Clock } from '../core/ports/runtime';
import type { NotificationChannel } from '../core/notify/types';
import { SendReports } from '../core/usecases/send-reports';
import type { ReportEnv } from '../platform/notify-config';
import { buildNotifier } from './notifier';
import { buildRepositories, dynamoClient } from './repositories';
import { buildCandleSource } from './strategy-runner';

export async function buildSendReports(env: ReportEnv, options: { clock?: Clock; logger?: Logger; candles?: CandleSource; channels?: NotificationChannel[] } = {}): Promise<SendReports> {
  const clock = options.clock ?? systemClock;
  const repos = buildRepositories(dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }), env.STAGE);
  const candles = options.candles ?? buildCandleSource(env, clock);
  return new SendReports({
    accounts: repos.accounts,
    trades: repos.trades,
    risk: repos.risk,
    prices: new CandlePrices(candles),
    chart: (points, o) => renderEquityChartPng(points, { title: o.title, timeZone: o.timeZone, trades: o.trades }),
    notifier: await buildNotifier(env, { clock, ...(options.logger ? { logger: options.logger } : {}), ...(options.channels ? { channels: options.channels } : {}) }),
    audit: repos.audit,
    clock,
    timeZone: env.REPORT_TIME_ZONE,
  });
}
