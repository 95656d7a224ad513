// The report job's wiring: accounts, trades and equity snapshots from the tables, candles for the
// buy-and-hold comparison (hourly) and the regimes (daily), the PNG chart renderer, the notifier's
// channels, and (with REPORTS_BUCKET) the S3 store whose presigned link the email carries.
import type { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { CandlePrices } from '../adapters/candles/candle-prices';
import { ccxtFundingRatesFor } from '../adapters/exchange/ccxt-funding-rates';
import { renderEquityChartPng } from '../adapters/chart/equity-chart';
import { DynamoAccountDirectory } from '../adapters/dynamodb/account-repository';
import { DynamoAuditLog } from '../adapters/dynamodb/audit-log';
import { DynamoRiskStore } from '../adapters/dynamodb/risk-store';
import { DynamoTradeReader } from '../adapters/dynamodb/trade-repository';
import { S3ChartStore } from '../adapters/s3/s3-chart-store';
import type { CandleSource } from '../core/ports/candles';
import { systemClock, type Clock } from '../core/ports/runtime';
import type { NotificationChannel } from '../core/notify/ports';
import type { ChartStore } from '../core/reporting/ports';
import type { FundingRatesFor } from '../core/ports/funding-rates';
import { SendReports } from '../core/reporting/send-reports';
import { CachedRegimes } from '../core/risk/regime-source';
import type { ReportEnv } from '../platform/notify-config';
import { tableName } from '../platform/resource-names';
import { buildNotifier } from './notifier';
import { dynamoClient } from './repositories';
import { buildCandleSource } from './strategy-runner';
import { ModelMarketSummary } from '../core/advisor/market-summary';
import type { MarketSummaryEnv } from '../platform/ensemble-config';
import { lazyAdvisors, type AdvisorFor, type LlmEnv } from './ensemble';
import { dynamoTokenBudget } from './token-budget';

export async function buildSendReports(
  env: ReportEnv,
  options: {
    clock?: Clock;
    logger?: Logger;
    candles?: CandleSource;
    channels?: NotificationChannel[];
    charts?: ChartStore;
    /** the market summary's model (docs/AI-ensemble.md); absent or unset: no summary */
    marketSummary?: MarketSummaryEnv;
    /** the stage's LLM_* settings the summary's Advisor is built from; `advisorFor` replaces it in tests */
    llm?: LlmEnv;
    advisorFor?: AdvisorFor;
    /** the funding-rate sources (tests); absent: REPORT_FUNDING_RATES decides */
    fundingRates?: FundingRatesFor;
  } = {},
): Promise<SendReports> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const charts =
    options.charts ??
    (env.REPORTS_BUCKET
      ? new S3ChartStore({ s3: new S3Client({ region: env.AWS_REGION }), bucket: env.REPORTS_BUCKET })
      : undefined);
  // Accounts and trades read-only: the job's role gets no write on them (shared/platform/table-access.ts).
  const db = dynamoClient({ stage: env.STAGE, region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const candles = options.candles ?? buildCandleSource(env, clock);
  // Each traded symbol's regime on the report's daily candles: the HMM once it has 365
  // returns, the ADX/ATR rules before (docs/REGIMES.md "In reports"). One cache for the report's
  // Regime lines and its market summary: one read per symbol, and the two name the same regime.
  const regimes = new CachedRegimes({ candles });
  const summaryModel = options.marketSummary?.MARKET_SUMMARY_MODEL;
  const summaries =
    summaryModel && options.marketSummary
      ? new ModelMarketSummary({
          advisor: lazyAdvisors(options, () => ({
            audit: new DynamoAuditLog(db, tableName(env.STAGE, 'audit')),
            budget: dynamoTokenBudget(db, env.STAGE),
            clock,
          }))(summaryModel),
          model: summaryModel.id,
          candles,
          timeoutMs: options.marketSummary.MARKET_SUMMARY_TIMEOUT_MS,
          regimes,
        })
      : undefined;
  const fundingRates =
    options.fundingRates ??
    (env.REPORT_FUNDING_RATES === 'exchange'
      ? ccxtFundingRatesFor({
          clock,
          timeoutMs: env.EXCHANGE_TIMEOUT_MS,
          ...(env.EXCHANGE_API_URL ? { apiUrl: env.EXCHANGE_API_URL } : {}),
          // The error's class and message only: a public request carries no key.
          onError: (exchange, symbol, error) =>
            logger?.warn('funding rate read failed: the report shows no reading', {
              exchange,
              symbol,
              error: error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : 'error',
            }),
        })
      : undefined);
  return new SendReports({
    accounts: new DynamoAccountDirectory(db, tableName(env.STAGE, 'accounts')),
    trades: new DynamoTradeReader(db, tableName(env.STAGE, 'trades')),
    risk: new DynamoRiskStore(db, tableName(env.STAGE, 'risk')),
    prices: new CandlePrices(candles),
    chart: (points, o) => renderEquityChartPng(points, { title: o.title, timeZone: o.timeZone, trades: o.trades }),
    notifier: await buildNotifier(env, {
      clock,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.channels ? { channels: options.channels } : {}),
    }),
    audit: new DynamoAuditLog(db, tableName(env.STAGE, 'audit')),
    clock,
    timeZone: env.REPORT_TIME_ZONE,
    ...(charts ? { charts } : {}),
    ...(summaries ? { summaries } : {}),
    regimes,
    // Each held symbol's funding rate from its account's exchange (docs/FUNDING.md "In reports").
    ...(fundingRates ? { fundingRates } : {}),
    // The account and the error's class and message only: no URL (the upload failed before any was made).
    onChartStoreError: (accountId, error) =>
      logger?.warn('report chart upload failed: the email goes without the link', {
        accountId,
        error: error instanceof Error ? `${error.name}: ${error.message}` : 'error',
      }),
  });
}
