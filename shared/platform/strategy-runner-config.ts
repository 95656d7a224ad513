// The strategy runner's environment, apart from config.ts so the webhook bundle (which imports
// config.ts) does not carry this schema: it sits a few KB under its size goal.
import * as z from 'zod/mini';
import { common, int, oneOf } from './config';

/** The strategy runner: reads candles, accounts and positions; writes dedup records and the queue. */
/** Where a job reads candles from: the strategy runner's and the report job's (buy-and-hold) source. */
export const candleSourceEnv = {
  /** exchange: public candles through ccxt; replay: the candle files the paper exchange replays */
  CANDLE_SOURCE: oneOf(['exchange', 'replay'], 'exchange'),
  /** whose public candles are read (one fetch per symbol and timeframe) */
  CANDLE_EXCHANGE: oneOf(['binanceusdm', 'okx', 'bybit', 'bitget', 'upbit'], 'binanceusdm'),
  /** a local fake exchange (Binance dialect) for the candles: tests only */
  EXCHANGE_API_URL: z.optional(z.url()),
  EXCHANGE_TIMEOUT_MS: int(5_000),
  PAPER_REPLAY_DIR: z.optional(z.string()),
  PAPER_REPLAY_MS_PER_CANDLE: int(5_000),
};

export const strategyRunnerEnvSchema = z.object({
  ...common,
  SIGNAL_QUEUE_URL: z.string().check(z.minLength(1)),
  /** how long a strategy signal's dedup record blocks a second send of it */
  DEDUP_TTL_HOURS: int(168),
  ...candleSourceEnv,
  /** the run waits until this long after the candle close before reading candles */
  SETTLE_MS: int(10_000),
});

export type StrategyRunnerEnv = z.output<typeof strategyRunnerEnvSchema>;
