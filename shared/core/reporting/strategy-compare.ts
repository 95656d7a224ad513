// An account's results with a strategy next to a backtest of the same strategy over the same
// candles, as the account would have traded it (its fees, slippage, sizing and leverage): the
// candles read, the backtest run, and comparePaperWithBacktest's totals and pairs. One code path
// for the CLI's `strategy compare` and the console's compare (GET /strategies/{id}/compare).
import { backtestRange } from '../backtest/range-backtest';
import { backtestWarnings } from '../backtest/sample-warnings';
import type { BacktestConfig, BacktestTrade, Candles, SizingMode } from '../backtest/types';
import type { Account } from '../domain/account';
import { toDecimal } from '../domain/money';
import { subscriptionParams, type StrategySubscription, type StrategyTimeframe } from '../domain/strategy-subscription';
import type { TradeRecord } from '../domain/trade';
import { InvalidArgumentError } from '../errors';
import type { SizeSpec } from '../signal/types';
import { subscriptionStrategy } from '../strategies/rules/subscription';
import { candlesNeeded } from '../strategies/run-strategies';
import type { StrategyDefinition, StrategyParams } from '../strategies/types';
import { comparePaperWithBacktest, type PaperBacktestComparison } from './paper-vs-backtest';
import type { CandleSource } from './ports';

export type { PaperBacktestComparison, SideSummary, TradePair } from './paper-vs-backtest';

/** A bad range or starting equity: `field` names the input (from, cash), the message states the bound. */
export class CompareInputError extends InvalidArgumentError {
  constructor(
    readonly field: 'from' | 'cash',
    message: string,
  ) {
    super(message);
    this.name = 'CompareInputError';
  }
}

/** The lot step and minimum notional of the symbol's market (the backtest rounds sizes as the exchange does). */
export interface CompareMarket {
  amountStep: string;
  minNotional: string;
}

export interface StrategyCompareInput {
  account: Account;
  definition: StrategyDefinition;
  params: StrategyParams;
  symbol: string;
  timeframe: StrategyTimeframe;
  /** the account's subscription, when it has one: its size and leverage are the backtest's */
  subscription?: StrategySubscription | undefined;
  /** first candle (and first account trade) time, epoch ms */
  from: number;
  /** the candles closed by then, epoch ms */
  to: number;
  /** a live account's starting equity (a paper account starts from its initial balance) */
  cash: number;
  market?: CompareMarket | undefined;
  /** the most candles one compare reads, the strategy's warm-up included */
  maxCandles: number;
}

/** A subscription's compare: its strategy with the parameters the runner trades, its symbol and timeframe. */
export function subscriptionCompareInput(
  account: Account,
  subscription: StrategySubscription,
  rest: Pick<StrategyCompareInput, 'from' | 'to' | 'cash' | 'market' | 'maxCandles'>,
): StrategyCompareInput {
  const definition = subscriptionStrategy(subscription);
  return {
    account,
    definition,
    params: subscriptionParams(definition, subscription.params),
    symbol: subscription.symbol,
    timeframe: subscription.timeframe,
    subscription,
    ...rest,
  };
}

/**
 * Where a warm caller keeps backtests it ran: keyed by everything a run depends on (the strategy,
 * its parameters, the account's costs and sizing, and the candles read), so a hit is the same run.
 */
export interface CompareMemo {
  get(key: string): CompareBacktest | undefined;
  set(key: string, run: CompareBacktest): void;
}

/** The backtest half: what depends only on the candles and the account's settings (cacheable). */
export interface CompareBacktest {
  config: Omit<BacktestConfig, 'funding'>;
  candles: { count: number; from: number; to: number };
  trades: BacktestTrade[];
}

export interface StrategyComparison extends CompareBacktest {
  comparison: PaperBacktestComparison;
  /** too few closed trades on either side (docs/METRICS.md, "Too few trades") */
  warnings: string[];
}

/** How many candles a compare of [from, to] reads: the range and the strategy's warm-up before it. */
export function compareCandleCount(
  input: Pick<StrategyCompareInput, 'definition' | 'params' | 'from' | 'to'>,
  spanMs: number,
): number {
  return Math.ceil((input.to - input.from) / spanMs) + candlesNeeded(input.definition.warmup(input.params));
}

/** The account's own costs and sizing, so the backtest trades as the account would. */
export function compareConfig(
  input: Pick<StrategyCompareInput, 'account' | 'subscription' | 'cash' | 'market'>,
): BacktestConfig {
  const { account, subscription, market } = input;
  const paper = account.settings.paper;
  // The backtest simulates in floats: the account's exact starting balance becomes a number here.
  const initial = paper ? Number(paper.initialBalance) : input.cash;
  if (!(initial > 0)) throw new CompareInputError('cash', 'must be a positive number');
  const fee = paper?.takerFeeRate ?? 0.0005;
  return {
    cash: initial,
    takerFee: fee,
    makerFee: fee,
    slippageBps: paper?.slippageBps ?? 0,
    fillOn: 'next_open',
    size: subscription?.size
      ? sizingOf(subscription.size)
      : { kind: 'percent', value: account.settings.defaultSizePercent },
    leverage: subscription?.leverage ?? account.settings.defaultLeverage,
    lotStep: Number(market?.amountStep ?? '0.001'),
    minNotional: Number(market?.minNotional ?? '0'),
    maintenanceMarginRate: 0.004,
    longOnly: false,
  };
}

const sizingOf = (size: SizeSpec): SizingMode => ({ kind: size.kind, value: size.value });

/** The candles a compare reads: the warm-up, then the range from index `start` on. */
export interface CompareCandles {
  config: BacktestConfig;
  candles: Candles;
  start: number;
  range: { count: number; from: number; to: number };
  /** everything a backtest over them depends on (a memo's key) */
  key: string;
}

/**
 * Reads the closed candles of [from, to] with the warm-up before them, and the account's backtest
 * settings. A range over `maxCandles`, or one holding fewer than 2 candles, is refused naming `from`.
 */
export async function readCompareCandles(source: CandleSource, input: StrategyCompareInput): Promise<CompareCandles> {
  const config = compareConfig(input);
  const span = source.spanMs(input.timeframe);
  const count = compareCandleCount(input, span);
  if (!(count > 0) || count > input.maxCandles)
    throw new CompareInputError(
      'from',
      `${count} ${input.timeframe} candles from ${new Date(input.from).toISOString()} to ${new Date(input.to).toISOString()} with the strategy's warm-up; at most ${input.maxCandles}: choose a later start`,
    );
  const candles = await source.closedCandles(input.symbol, input.timeframe, count, input.to);
  const n = candles.time.length;
  let start = 0;
  while (start < n && candles.time[start]! < input.from) start++;
  if (n - start < 2)
    throw new CompareInputError(
      'from',
      `only ${n - start} closed ${input.timeframe} candle(s) since ${new Date(input.from).toISOString()}: a backtest needs at least 2`,
    );
  const range = { count: n - start, from: candles.time[start]!, to: candles.time[n - 1]! };
  // the candles before the range only warm the strategy up: the run depends on where they start too
  const key = JSON.stringify([
    input.definition.id,
    input.params,
    input.symbol,
    input.timeframe,
    config,
    candles.time[0],
    range,
  ]);
  return { config, candles, start, range, key };
}

/** Reads the candles of [from, to] (readCompareCandles) and backtests the range. */
export async function backtestForCompare(
  source: CandleSource,
  input: StrategyCompareInput,
  memo?: CompareMemo,
): Promise<CompareBacktest> {
  const { config, candles, start, range, key } = await readCompareCandles(source, input);
  const kept = memo?.get(key);
  if (kept) return kept;
  const result = backtestRange(candles, input.definition, input.params, config, { start, end: candles.time.length });
  const run = { config, candles: range, trades: result.trades };
  memo?.set(key, run);
  return run;
}

/**
 * The account's trades of this strategy and symbol opened in [from, to] against the backtest's,
 * paired within one candle; warnings where either side has too few closed trades.
 */
export function compareWithBacktest(
  run: CompareBacktest,
  accountTrades: readonly TradeRecord[],
  input: Pick<StrategyCompareInput, 'definition' | 'symbol' | 'from' | 'to'>,
  spanMs: number,
): StrategyComparison {
  const trades = accountTrades.filter(
    (t) =>
      t.strategy === input.definition.id &&
      t.symbol === input.symbol &&
      t.openedAt >= input.from &&
      t.openedAt <= input.to,
  );
  const comparison = comparePaperWithBacktest(trades, run.trades, {
    initialEquity: toDecimal(run.config.cash),
    matchWindowMs: spanMs,
  });
  return {
    ...run,
    comparison,
    warnings: [
      ...backtestWarnings(comparison.account.trades).map((w) => `account: ${w}`),
      ...backtestWarnings(comparison.backtest.trades).map((w) => `backtest: ${w}`),
    ],
  };
}
