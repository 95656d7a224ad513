// `strategy quality`: a strategy's quality score on an account (reporting's strategy quality, the
// console's GET /strategies/{id}/quality): the backtest of the window with the account's costs and
// sizing, a walk-forward over it, and the account's trades beside the backtest, as one score with
// its parts and plain-language warnings. The candles and trades are read as `strategy compare`
// reads them. `--json` prints one JSON document.
import type { Command } from 'commander';
import { CCXT_EXCHANGE_IDS } from '../../shared/adapters/exchange/exchange-ids';
import { paperMarkets } from '../../shared/adapters/paper/markets';
import { epochMsFromText } from '../../shared/core/backtest/time-values';
import type { BacktestConfig } from '../../shared/core/backtest/types';
import type { Account } from '../../shared/core/domain/account';
import {
  isStrategyTimeframe,
  STRATEGY_TIMEFRAMES,
  subscriptionParams,
  type StrategySubscription,
  type StrategyTimeframe,
} from '../../shared/core/domain/strategy-subscription';
import type { CandleSource } from '../../shared/core/ports/candles';
import { normalizeSymbol } from '../../shared/core/signal/symbols';
import { getStrategy, parseParamAssignments, resolveParams } from '../../shared/core/strategies/registry';
import type { StrategyDefinition, StrategyParams } from '../../shared/core/strategies/types';
import type { SideSummary } from '../../shared/core/reporting/paper-vs-backtest';
import type { QualityComponent, QualityScore } from '../../shared/core/reporting/quality-score';
import { CompareInputError, type StrategyCompareInput } from '../../shared/core/reporting/strategy-compare';
import {
  backtestForQuality,
  qualityWithTrades,
  type QualityMetrics,
  type QualityWalkForward,
} from '../../shared/core/reporting/strategy-quality';
import { CliError, type CliTarget } from '../cli-target';
import { collect, common, iso, print, type CommonOptions } from './options';

/** The window when --from is not given: the console's default too. */
const DEFAULT_WINDOW_MS = 30 * 24 * 3_600_000;
/** The most candles one run reads (as `strategy compare`). */
const MAX_CANDLES = 100_000;
/** How many of the account's trades are read (as `strategy compare`). */
const TRADES_READ = 1_000;

export interface QualityOptions extends CommonOptions {
  account?: string;
  strategy?: string;
  symbol?: string;
  timeframe?: string;
  from?: string;
  to?: string;
  param: string[];
  exchange: string;
  cash: string;
}

export interface QualityReport {
  accountId: string;
  /** the account's subscription, when it has one */
  subscriptionId: string | null;
  strategy: string;
  symbol: string;
  timeframe: StrategyTimeframe;
  params: StrategyParams;
  from: string;
  to: string;
  candles: { source: string; count: number; from: string; to: string };
  config: Omit<BacktestConfig, 'funding'>;
  metrics: QualityMetrics;
  walkForward: QualityWalkForward | null;
  live: { account: SideSummary; backtest: SideSummary; pairs: number };
  quality: QualityScore;
}

/** The candles to read: the local stack's replay, or an exchange's public candles (strategy compare's). */
export type CandleSourceFor = (target: CliTarget, exchange: string) => Promise<{ source: CandleSource; name: string }>;

export function registerQualityCommand(
  strategy: Command,
  candleSourceFor: CandleSourceFor,
  target: (stage?: string) => Promise<CliTarget>,
): void {
  common(
    strategy
      .command('quality [subscription]')
      .description(
        "a strategy's quality score on an account: its backtest, a walk-forward's out-of-sample degradation and the account's trades beside the backtest, with warnings (docs/METRICS.md)",
      )
      .option('--account <id>', 'the account (default: the one account with this subscription)')
      .option('--strategy <id>', 'strategy id (instead of a subscription id)')
      .option('--symbol <symbol>', 'with --strategy: e.g. BTCUSDT')
      .option('--timeframe <tf>', `with --strategy: ${STRATEGY_TIMEFRAMES.join(' | ')}`)
      .option('--from <date>', 'window start (UTC date/time or epoch ms; default: 30 days before --to)')
      .option('--to <date>', 'window end (default: now)')
      .option(
        '--param <name=value>',
        "strategy parameter (repeatable; default: the account's subscription)",
        collect,
        [] as string[],
      )
      .option('--exchange <id>', `with --stage: whose public candles (${CCXT_EXCHANGE_IDS.join(', ')})`, 'binanceusdm')
      .option('--cash <amount>', "live accounts: the starting equity (paper: the account's initial balance)", '10000'),
  ).action(async (subscription: string | undefined, o: QualityOptions) => {
    const report = await qualityAction(await target(o.stage), subscription, o, Date.now(), candleSourceFor);
    print(o, report, () => qualityLines(report).join('\n'));
  });
}

function inputError(error: unknown): never {
  throw new CliError(error instanceof Error ? error.message : String(error));
}

function timeOption(name: string, text: string): number {
  const ms = epochMsFromText(text);
  if (Number.isNaN(ms))
    throw new CliError(`${name} "${text}": not a date (use 2024-01-31, 2024-01-31T12:00Z or epoch ms)`);
  return ms;
}

/** The account and subscription the arguments name: by subscription id, or by strategy, symbol and timeframe. */
async function findSubscription(
  target: CliTarget,
  subscriptionId: string | undefined,
  o: QualityOptions,
): Promise<{
  account: Account;
  subscription?: StrategySubscription;
  definition: StrategyDefinition;
  symbol: string;
  timeframe: StrategyTimeframe;
}> {
  let match: (s: StrategySubscription) => boolean;
  let wanted: string;
  let byTriple: { definition: StrategyDefinition; symbol: string; timeframe: StrategyTimeframe } | undefined;
  if (subscriptionId !== undefined) {
    if (o.strategy !== undefined || o.symbol !== undefined || o.timeframe !== undefined)
      throw new CliError('give a subscription id or --strategy, --symbol and --timeframe, not both');
    match = (s) => s.id === subscriptionId;
    wanted = `subscription ${subscriptionId}`;
  } else {
    const missing = (['strategy', 'symbol', 'timeframe'] as const).filter((k) => o[k] === undefined);
    if (missing.length)
      throw new CliError(
        `name a subscription id, or --strategy, --symbol and --timeframe (missing --${missing.join(', --')})`,
      );
    let definition: StrategyDefinition;
    let symbol: string;
    try {
      definition = getStrategy(o.strategy!);
      symbol = normalizeSymbol(o.symbol!).unified;
    } catch (error) {
      inputError(error);
    }
    if (!isStrategyTimeframe(o.timeframe!))
      throw new CliError(`--timeframe must be one of ${STRATEGY_TIMEFRAMES.join(', ')}`);
    const timeframe = o.timeframe;
    byTriple = { definition, symbol, timeframe };
    match = (s) => s.strategy === definition.id && s.symbol === symbol && s.timeframe === timeframe;
    wanted = `${definition.id} on ${symbol} ${timeframe}`;
  }

  let accounts: Account[];
  if (o.account !== undefined) {
    const account = await target.repos.accounts.get(o.account);
    if (!account) throw new CliError(`account: no account ${o.account}`);
    accounts = [account];
  } else accounts = await target.repos.accounts.list();
  const found = accounts.flatMap((account) =>
    (account.settings.strategies ?? []).filter(match).map((subscription) => ({ account, subscription })),
  );
  if (found.length > 1)
    throw new CliError(
      `${found.length} accounts have ${wanted}: choose one with --account (${found.map((f) => f.account.accountId).join(', ')})`,
    );
  const hit = found[0];
  if (hit) {
    const definition = byTriple?.definition ?? getStrategy(hit.subscription.strategy);
    return { ...hit, definition, symbol: hit.subscription.symbol, timeframe: hit.subscription.timeframe };
  }
  // an account without that subscription can still be scored on the strategy (its defaults, as strategy compare)
  if (byTriple && o.account !== undefined) return { account: accounts[0]!, ...byTriple };
  throw new CliError(
    o.account !== undefined
      ? `account ${o.account} has no strategy ${wanted}`
      : `no account has ${wanted}${byTriple ? ': name one with --account' : ''}`,
  );
}

export async function qualityAction(
  target: CliTarget,
  subscriptionId: string | undefined,
  o: QualityOptions,
  now: number,
  candleSourceFor: CandleSourceFor,
): Promise<QualityReport> {
  const { account, subscription, definition, symbol, timeframe } = await findSubscription(target, subscriptionId, o);
  let params: StrategyParams;
  try {
    params = o.param.length
      ? resolveParams(definition, parseParamAssignments(o.param))
      : subscriptionParams(definition, subscription?.params ?? {});
  } catch (error) {
    inputError(error);
  }
  const to = o.to !== undefined ? timeOption('--to', o.to) : now;
  const from = o.from !== undefined ? timeOption('--from', o.from) : to - DEFAULT_WINDOW_MS;
  if (!(from < to)) throw new CliError(`--from ${iso(from)} must be before --to ${iso(to)}`);

  const { source, name } = await candleSourceFor(target, o.exchange);
  const input: StrategyCompareInput = {
    account,
    definition,
    params,
    symbol,
    timeframe,
    subscription,
    from,
    to,
    cash: Number(o.cash),
    market: paperMarkets.get(symbol),
    maxCandles: MAX_CANDLES,
  };
  let result: ReturnType<typeof qualityWithTrades>;
  try {
    const run = await backtestForQuality(source, input);
    const trades = await target.repos.trades.listByAccount(account.accountId, TRADES_READ);
    result = qualityWithTrades(run, trades, input, source.spanMs(timeframe));
  } catch (error) {
    if (error instanceof CompareInputError)
      throw new CliError(error.field === 'from' ? `--from ${iso(from)}: ${error.message}` : `--cash ${error.message}`);
    throw error;
  }
  return {
    accountId: account.accountId,
    subscriptionId: subscription?.id ?? null,
    strategy: definition.id,
    symbol,
    timeframe,
    params,
    from: iso(from),
    to: iso(to),
    candles: { source: name, count: result.candles.count, from: iso(result.candles.from), to: iso(result.candles.to) },
    config: result.config,
    metrics: result.metrics,
    walkForward: result.walkForward ?? null,
    live: {
      account: result.comparison.account,
      backtest: result.comparison.backtest,
      pairs: result.comparison.pairs.length,
    },
    quality: result.quality,
  };
}

const fixed = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

function figureOf(c: QualityComponent): string {
  if (c.raw === null) return '—';
  const unit = c.unit === 'trades' ? ' trades' : c.unit === 'ratio' ? '' : c.unit === '%' ? ' %' : ` ${c.unit}`;
  return `${c.unit === 'trades' ? String(c.raw) : fixed(c.raw, c.unit === 'ratio' ? 2 : 1)}${unit}`;
}

export function qualityLines(r: QualityReport): string[] {
  const q = r.quality;
  const m = r.metrics;
  const wf = r.walkForward;
  const width = Math.max(...q.components.map((c) => c.label.length), 4) + 2;
  const row = (label: string, score: string, weight: string, figure: string, wants: string) =>
    `${label.padEnd(width)}${score.padStart(6)}${weight.padStart(8)}  ${figure.padEnd(14)}${wants}`;
  return [
    `${r.strategy} on ${r.symbol} ${r.timeframe} for ${r.accountId}${r.subscriptionId ? ` (${r.subscriptionId})` : ''}, ${r.from} to ${r.to}: ${r.candles.count} candles (${r.candles.source})`,
    `quality: ${q.score === null ? '—' : `${fixed(q.score, 1)} / 100`}, ${q.basedOn}`,
    row('part', 'score', 'weight', 'figure', 'wants'),
    ...q.components.map((c) =>
      row(
        c.label,
        c.score === null ? '—' : fixed(c.score, 0),
        String(c.weight),
        figureOf(c),
        c.score === null ? `not enough data: ${c.reason ?? ''}` : c.wants,
      ),
    ),
    `backtest: ${m.trades} trades, return ${fixed(m.returnPct)} %, Sharpe ${fixed(m.sharpe)}, max drawdown ${fixed(m.maxDrawdownPct)} %, win rate ${fixed(m.winRatePct, 1)} %`,
    wf
      ? `walk-forward: ${wf.windows} windows, each choosing among ${wf.paramSets} parameter sets by Sharpe; annualised return in-sample ${fixed(wf.inSampleReturnPct, 1)} %, out-of-sample ${fixed(wf.outOfSampleReturnPct, 1)} %`
      : 'walk-forward: the window is too short',
    `account: ${r.live.account.trades} closed trades, return ${fixed(r.live.account.returnPct)} %, win rate ${fixed(r.live.account.winRatePct, 1)} %; ${r.live.pairs} paired with the backtest's`,
    ...q.warnings.map((w) => `warning: ${w}`),
  ];
}
