// The options the backtest commands share (data, strategy, account and costs), how their text
// becomes a BacktestConfig and candles, and the input error that names the bad option.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { loadCandlesFile, loadFundingFile } from '../../shared/adapters/candles/candle-files';
import { candleCachePath, DEFAULT_CACHE_DIR } from '../../shared/adapters/market-data/candle-cache';
import { CandleParseError } from '../../shared/core/backtest/candle-parsers';
import { ParamSpaceError } from '../../shared/core/backtest/param-space';
import { epochMsFromText } from '../../shared/core/backtest/time-values';
import type { BacktestConfig, Candles, SizingMode } from '../../shared/core/backtest/types';
import { WalkForwardError } from '../../shared/core/backtest/walk-forward';
import { InvalidArgumentError } from '../../shared/core/errors';
import { sliceCandles } from '../../shared/core/backtest/range-backtest';
import { ALGO_KINDS, algoFromOptions, type AlgoOptions } from './algo-options';
import { BacktestInputError } from './input-error';

export { BacktestInputError };

/** Errors that come from what the user typed or pointed at, not from a fault of the program. */
export function isInputError(error: unknown): error is Error {
  return (
    error instanceof BacktestInputError ||
    error instanceof ParamSpaceError ||
    error instanceof WalkForwardError ||
    error instanceof CandleParseError ||
    // The engine and the pure modules reject out-of-range settings with InvalidArgumentError
    // (shared/core/errors.ts); a RangeError is the runtime's own (toFixed, an array length).
    error instanceof InvalidArgumentError ||
    error instanceof RangeError
  );
}

export const SIZE_HELP =
  'position size: 100% = percent of equity as margin, 500 = quote amount as margin, 0.5c = base units (contracts), 1%risk = percent of equity lost at the stop-loss';

export interface DataOptions {
  data?: string;
  exchange?: string;
  symbol?: string;
  timeframe?: string;
  cache?: string;
  from?: string;
  to?: string;
}

export interface ConfigOptions extends AlgoOptions {
  cash: string;
  fee: string;
  makerFee?: string;
  slippage: string;
  size: string;
  lot: string;
  leverage: string;
  longOnly?: boolean;
  fill: string;
  funding?: string;
  trailing?: string;
  mmr: string;
}

export interface StrategyOptions {
  /** a built-in's id; or */
  strategy?: string;
  /** a rule file (docs/STRATEGIES.md) */
  rules?: string;
  param: string[];
}

export interface OutputOptions {
  json?: boolean;
  progress?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function addDataOptions(cmd: Command): Command {
  return cmd
    .option(
      '--data <file>',
      'candles: CSV (time,open,high,low,close[,volume]) or JSON arrays [time,o,h,l,c,v] (a download cache file works)',
    )
    .option('--exchange <id>', 'with --symbol and --timeframe: read the download cache instead of --data')
    .option('--symbol <symbol>', 'ccxt symbol of the cache, e.g. BTC/USDT:USDT')
    .option('--timeframe <tf>', 'timeframe of the cache, e.g. 1h')
    .option('--cache <dir>', 'download cache folder', DEFAULT_CACHE_DIR)
    .option('--from <date>', 'first candle to use (UTC date/time or epoch ms)')
    .option('--to <date>', 'use candles opening before this time (UTC date/time or epoch ms)');
}

export function addStrategyOptions(cmd: Command, paramHelp = 'strategy parameter name=value (repeatable)'): Command {
  return cmd
    .option('--strategy <id>', 'built-in strategy id (see the list in --help of backtest)')
    .option('--rules <file>', 'a rule-file strategy instead (JSON, docs/STRATEGIES.md; strategies/*.json)')
    .option('--param <name=value>', paramHelp, collect, [] as string[]);
}

export function addConfigOptions(cmd: Command): Command {
  return cmd
    .option('--cash <amount>', 'starting cash, quote currency', '10000')
    .option('--fee <rate>', 'taker fee as a fraction (0.0004 = 0.04 %)', '0.0004')
    .option('--maker-fee <rate>', 'maker fee as a fraction (default: the taker fee)')
    .option('--slippage <bps>', 'adverse slippage on market fills, basis points', '2')
    .option('--size <size>', SIZE_HELP, '100%')
    .option('--lot <step>', 'lot step in base units: amounts are rounded down to it', '0.001')
    .option('--leverage <x>', 'leverage', '1')
    .option('--long-only', 'never open shorts (short signals only close longs)')
    .addOption(
      new Option('--fill <when>', 'fill signals at the next candle open or at the signal candle close')
        .choices(['next-open', 'close'])
        .default('next-open'),
    )
    .option(
      '--funding <file>',
      'funding rates JSON ([time, rate] rows or ccxt history) charged while a position is open',
    )
    .option('--trailing <pct>', 'trailing stop distance, percent')
    .option('--mmr <rate>', 'maintenance margin rate for liquidation', '0.004')
    .addOption(
      new Option(
        '--algo <kind>',
        'slice every entry over time as live would (docs/EXECUTION-ALGOS.md "Backtest"): twap, or adaptive (a volume-participation model)',
      ).choices([...ALGO_KINDS]),
    )
    .option('--horizon <duration>', 'with --algo: time over which the slices fill (4h, 90m; ≤ 24h)')
    .option('--interval <duration>', 'with --algo: time between two slices (1h, 30s; ≥ 10s; 2 to 100 slices)')
    .option(
      '--max-slippage-bps <bps>',
      "with --algo adaptive: what the volume-slippage model may cost a slice, bps (bounds each slice's share of the volume)",
    )
    .option('--participation <pct>', "with --algo adaptive: at most this % of a candle's volume per slice (default 10)")
    .option(
      '--slice-above <quote>',
      "with --algo: slice only entries whose notional exceeds this, as an account's threshold (a strategy's own algo always slices)",
    );
}

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON object on stdout')
    .option('--progress', 'show progress on stderr even when it is not a terminal');
}

/** A number from an option, in bounds, or an error naming the option. */
export function numberOption(
  name: string,
  text: string,
  bounds: { min?: number; above?: number; max?: number; integer?: boolean } = {},
): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const fail = (why: string): never => {
    throw new BacktestInputError(`${name} "${text}": ${why}`);
  };
  if (!Number.isFinite(value)) fail('not a number');
  if (bounds.integer && !Number.isInteger(value)) fail('not a whole number');
  if (bounds.min !== undefined && value < bounds.min) fail(`must be ≥ ${bounds.min}`);
  if (bounds.above !== undefined && !(value > bounds.above)) fail(`must be > ${bounds.above}`);
  if (bounds.max !== undefined && value > bounds.max) fail(`must be ≤ ${bounds.max}`);
  return value;
}

/** `100%`, `500`, `0.5c`, `1%risk` (see SIZE_HELP). */
export function parseSize(text: string): SizingMode {
  const t = text.trim().toLowerCase();
  const match = /^(\d+(?:\.\d+)?)(%risk|%|c|q)?$/.exec(t);
  const value = match ? Number(match[1]) : Number.NaN;
  if (!match || !(value > 0))
    throw new BacktestInputError(
      `--size "${text}": use 100% (percent of equity as margin), 500 (quote amount), 0.5c (base units) or 1%risk`,
    );
  switch (match[2]) {
    case '%':
      return { kind: 'percent', value };
    case '%risk':
      return { kind: 'risk', value };
    case 'c':
      return { kind: 'contracts', value };
    default:
      return { kind: 'quote', value };
  }
}

export function timeOption(name: string, text: string): number {
  const ms = epochMsFromText(text);
  if (Number.isNaN(ms))
    throw new BacktestInputError(`${name} "${text}": not a date (use 2024-01-31, 2024-01-31T12:00Z or epoch ms)`);
  return ms;
}

export async function buildConfig(o: ConfigOptions): Promise<BacktestConfig> {
  const fee = numberOption('--fee', o.fee, { min: 0, max: 0.1 });
  const config: BacktestConfig = {
    cash: numberOption('--cash', o.cash, { above: 0 }),
    takerFee: fee,
    makerFee: o.makerFee === undefined ? fee : numberOption('--maker-fee', o.makerFee, { min: -0.01, max: 0.1 }),
    slippageBps: numberOption('--slippage', o.slippage, { min: 0, max: 10_000 }),
    fillOn: o.fill === 'close' ? 'close' : 'next_open',
    size: parseSize(o.size),
    leverage: numberOption('--leverage', o.leverage, { above: 0, max: 1000 }),
    lotStep: numberOption('--lot', o.lot, { above: 0 }),
    maintenanceMarginRate: numberOption('--mmr', o.mmr, { min: 0, max: 1 }),
    longOnly: Boolean(o.longOnly),
  };
  if (o.trailing !== undefined) config.trailingPct = numberOption('--trailing', o.trailing, { above: 0, max: 99.99 });
  Object.assign(config, algoFromOptions(o));
  if (o.funding !== undefined) {
    if (!existsSync(o.funding)) throw new BacktestInputError(`--funding ${o.funding}: no such file`);
    config.funding = await loadFundingFile(o.funding);
  }
  return config;
}

export interface LoadedData {
  candles: Candles;
  source: string;
  symbol?: string;
  timeframe?: string;
}

/** The candles of --data, or of the download cache named by --exchange/--symbol/--timeframe, cut to --from/--to. */
export async function loadData(o: DataOptions): Promise<LoadedData> {
  let file: string;
  let symbol: string | undefined;
  let timeframe: string | undefined;
  if (o.data) {
    file = o.data;
    ({ symbol, timeframe } = guessMarket(file));
  } else if (o.exchange && o.symbol && o.timeframe) {
    file = candleCachePath(o.cache ?? DEFAULT_CACHE_DIR, o.exchange, o.symbol, o.timeframe);
    if (!existsSync(file))
      throw new BacktestInputError(
        `no cached candles at ${file}: run download with the same --exchange, --symbol and --timeframe first`,
      );
    [symbol, timeframe] = [o.symbol, o.timeframe];
  } else {
    throw new BacktestInputError(
      '--data: give a candle file, or --exchange, --symbol and --timeframe of a downloaded cache',
    );
  }
  if (!existsSync(file)) throw new BacktestInputError(`--data ${file}: no such file`);
  let candles = await loadCandlesFile(file);
  if (o.from !== undefined || o.to !== undefined) {
    const from = o.from === undefined ? -Infinity : timeOption('--from', o.from);
    const to = o.to === undefined ? Infinity : timeOption('--to', o.to);
    let start = 0;
    while (start < candles.time.length && candles.time[start]! < from) start++;
    let end = start;
    while (end < candles.time.length && candles.time[end]! < to) end++;
    candles = sliceCandles(candles, start, end);
  }
  if (candles.time.length < 2)
    throw new BacktestInputError(
      `--data ${file}: ${candles.time.length} candle(s) in the chosen period; a backtest needs at least 2`,
    );
  return { candles, source: file, ...(symbol ? { symbol } : {}), ...(timeframe ? { timeframe } : {}) };
}

/** `XRPUSDT-1h.json`, `XRP_USDT_USDT-1h-futures.json` → symbol and timeframe, for titles only. */
export function guessMarket(file: string): { symbol?: string; timeframe?: string } {
  const match = /^([A-Za-z0-9_]+?)-(\d+[smhdwM])(?:[-.]|$)/.exec(basename(file));
  return match ? { symbol: match[1]!, timeframe: match[2]! } : {};
}

/** The quote currency of a symbol (`BTC/USDT:USDT`, `BTC_USDT_USDT`, `XRPUSDT`), for units. */
export function quoteOf(symbol: string | undefined): string | undefined {
  if (!symbol) return undefined;
  const unified = /^[A-Z0-9]+[/_]([A-Z0-9]+)/i.exec(symbol);
  if (unified) return unified[1]!.toUpperCase();
  return /(USDT|USDC|BUSD|FDUSD|USD|BTC|ETH|EUR)$/i.exec(symbol)?.[1]?.toUpperCase();
}

/** The config as JSON can carry it: the funding series replaced by its size. */
export function configForOutput(config: BacktestConfig): Record<string, unknown> {
  const { funding, ...rest } = config;
  return { ...rest, ...(funding ? { fundingRates: funding.time.length } : {}) };
}

export function periodOf(candles: Candles): { from: string; to: string; candles: number } {
  const n = candles.time.length;
  return {
    from: new Date(candles.time[0]!).toISOString(),
    to: new Date(candles.time[n - 1]!).toISOString(),
    candles: n,
  };
}
