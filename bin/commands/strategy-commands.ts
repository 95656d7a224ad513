// The `strategy` commands: subscribe an account to a built-in strategy (the strategy runner then
// trades it at every candle close), unsubscribe, list, and compare the account's results with a
// backtest of the same strategy over the same candles. `--json` prints one JSON document.
import type { Command } from 'commander';
import { ReplayCandleSource } from '../../shared/adapters/candles/replay-candle-source';
import { CCXT_EXCHANGE_IDS, type CcxtExchangeId } from '../../shared/adapters/exchange/exchange-ids';
import { paperMarkets } from '../../shared/adapters/paper/markets';
import { ReplayPriceSource } from '../../shared/adapters/prices/replay-price-source';
import { epochMsFromText } from '../../shared/core/backtest/time-values';
import type { BacktestConfig } from '../../shared/core/backtest/types';
import { Big } from '../../shared/core/domain/money';
import {
  isStrategyTimeframe,
  STRATEGY_TIMEFRAMES,
  subscriptionParams,
  type StrategySubscription,
  type StrategyTimeframe,
} from '../../shared/core/domain/strategy-subscription';
import type { CandleSource } from '../../shared/core/ports/candles';
import { systemClock } from '../../shared/core/ports/runtime';
import { normalizeSymbol } from '../../shared/core/signal/symbols';
import { getStrategy, parseParamAssignments, resolveParams, STRATEGIES } from '../../shared/core/strategies/registry';
import type { StrategyDefinition, StrategyParams } from '../../shared/core/strategies/types';
import type { PaperBacktestComparison, SideSummary } from '../../shared/core/reporting/paper-vs-backtest';
import {
  backtestForCompare,
  CompareInputError,
  compareWithBacktest,
  type StrategyCompareInput,
  type StrategyComparison,
} from '../../shared/core/reporting/strategy-compare';
import { StrategySubscriptions } from '../../shared/core/control/strategy-subscriptions';
import { CliError, resolveTarget, type CliTarget } from '../cli-target';
import { collect, common, iso, print, type CommonOptions } from './options';
import { strategyParamsHelp } from './strategy-help';
import { registerQualityCommand } from './strategy-quality-command';
import { registerBacktest } from './backtest-commands';
import { loadRuleFile, RuleFileError, type LoadedRules } from './rule-file';
import { formatRuleIssues, type RuleFile } from '../../shared/core/strategies/rules';

/** Errors of the user's input (a bad value, an unknown strategy) as one line, like the other commands. */
function inputError(error: unknown): never {
  throw new CliError(error instanceof Error ? error.message : String(error));
}

export function describeSubscription(s: StrategySubscription): string {
  const params = Object.entries(s.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const size = s.size
    ? `  size ${s.size.kind === 'percent' ? `${s.size.value}%` : s.size.kind === 'quote' ? `${s.size.value} quote` : `${s.size.value} contracts`}`
    : '';
  return `${s.id}  ${s.enabled ? 'enabled ' : 'disabled'}  ${s.strategy} ${s.symbol} ${s.timeframe}${size}${s.leverage !== undefined ? `  x${s.leverage}` : ''}  ${params}`;
}

export function registerStrategyCommands(program: Command): void {
  const strategy = program
    .command('strategy')
    .description(
      `strategies the runner trades on an account at each candle close (${Object.keys(STRATEGIES).join(', ')})`,
    );

  common(
    strategy
      .command('enable')
      .description(
        'subscribe an account to a strategy on one symbol and timeframe (re-enabling replaces the parameters)',
      )
      .requiredOption('--account <id>')
      .option('--strategy <id>', 'built-in strategy id')
      .option('--rules <file>', 'a rule-file strategy instead (stored with the subscription; docs/STRATEGIES.md)')
      .requiredOption('--symbol <symbol>', 'e.g. BTCUSDT, BTCUSDT.P or BTC/USDT:USDT')
      .requiredOption('--timeframe <tf>', STRATEGY_TIMEFRAMES.join(' | '))
      .option('--param <name=value>', 'strategy parameter (repeatable)', collect, [] as string[])
      .option(
        '--size <size>',
        'entry size as in an alert: 10% (of equity, as margin), 250usdt, or contracts (default: the account default)',
      )
      .option('--leverage <n>', 'entry leverage (default: the account default)')
      .addHelpText('after', strategyParamsHelp(Object.values(STRATEGIES))),
  ).action(
    async (
      o: CommonOptions & {
        account: string;
        strategy?: string;
        rules?: string;
        symbol: string;
        timeframe: string;
        param: string[];
        size?: string;
        leverage?: string;
      },
    ) => {
      let params: Record<string, string>;
      try {
        params = parseParamAssignments(o.param);
      } catch (error) {
        inputError(error);
      }
      if ((o.strategy === undefined) === (o.rules === undefined))
        throw new CliError('give --strategy <id> or --rules <file> (one of them)');
      let rules: RuleFile | undefined;
      try {
        if (o.rules !== undefined) rules = loadRuleFile(o.rules).rules;
      } catch (error) {
        inputError(error);
      }
      if (o.leverage !== undefined && !/^\d+$/.test(o.leverage.trim()))
        throw new CliError(`--leverage "${o.leverage}": must be a whole number`);
      const target = await resolveTarget(o.stage);
      // A strategy on a live account starts placing real orders (a model's draft included): for
      // --user E that is a money move needing E's fresh TOTP sign-in, as in the console. The
      // operator without --user holds the deployment's AWS credentials (docs/TENANCY.md).
      const account = await target.repos.accounts.get(o.account);
      if (account && account.exchange !== 'paper' && target.scope.email !== undefined) {
        const { secondFactorOf } = await import('./second-factor');
        await secondFactorOf(o.stage, target.scope.email);
      }
      const subscription = await subscriptions(target).enable({
        accountId: o.account,
        ...(o.strategy !== undefined ? { strategy: o.strategy } : {}),
        ...(rules !== undefined ? { rules } : {}),
        symbol: o.symbol,
        timeframe: o.timeframe,
        params,
        ...(o.size !== undefined ? { size: o.size } : {}),
        ...(o.leverage !== undefined ? { leverage: Number(o.leverage) } : {}),
      });
      print(
        o,
        subscription,
        () =>
          `enabled on ${o.account}: ${describeSubscription(subscription)}\nthe strategy runner evaluates it at every ${subscription.timeframe} candle close`,
      );
    },
  );

  strategy
    .command('validate')
    .description('check a rule file: every problem named by its path in the file (exit 1 when there is one)')
    .requiredOption('--rules <file>', 'the rule file (JSON)')
    .option('--json', 'print one JSON object')
    .action((o: { rules: string; json?: boolean }) => validateAction(o));

  registerBacktest(
    strategy,
    program,
    'backtest a strategy (--rules FILE or --strategy ID) over candles, as backtest does',
  );

  common(
    strategy
      .command('disable')
      .description('stop trading a subscription (kept, listed as disabled)')
      .requiredOption('--account <id>')
      .requiredOption('--id <subscription>', 'subscription id (see strategy list)'),
  ).action(async (o: CommonOptions & { account: string; id: string }) => {
    const subscription = await subscriptions(await resolveTarget(o.stage)).disable(o.account, o.id);
    print(o, subscription, () => `disabled on ${o.account}: ${describeSubscription(subscription)}`);
  });

  common(
    strategy.command('list').description("an account's strategy subscriptions").requiredOption('--account <id>'),
  ).action(async (o: CommonOptions & { account: string }) => {
    const list = await subscriptions(await resolveTarget(o.stage)).list(o.account);
    print(o, list, () => (list.length ? list.map(describeSubscription).join('\n') : 'no strategy subscriptions'));
  });

  common(
    strategy
      .command('compare')
      .description(
        "the account's closed trades of a strategy next to a backtest of it over the same candles (replayed locally, the exchange's with --stage)",
      )
      .requiredOption('--account <id>')
      .requiredOption('--strategy <id>', 'strategy id')
      .requiredOption('--symbol <symbol>', 'e.g. BTCUSDT')
      .requiredOption('--timeframe <tf>', STRATEGY_TIMEFRAMES.join(' | '))
      .requiredOption('--since <date>', 'first trade time (UTC date/time or epoch ms)')
      .option(
        '--param <name=value>',
        "strategy parameter (repeatable; default: the account's subscription)",
        collect,
        [] as string[],
      )
      .option('--exchange <id>', `with --stage: whose public candles (${CCXT_EXCHANGE_IDS.join(', ')})`, 'binanceusdm')
      .option('--cash <amount>', "live accounts: the starting equity (paper: the account's initial balance)", '10000'),
  ).action(async (o: CompareOptions) => {
    const target = await resolveTarget(o.stage);
    const report = await compareAction(target, o);
    print(o, report, () => compareLines(report).join('\n'));
  });

  registerQualityCommand(strategy, candleSourceFor, resolveTarget);
}

/** `strategy validate`: the file's problems one a line, or what it declares. */
function validateAction(o: { rules: string; json?: boolean }): void {
  let loaded: LoadedRules;
  try {
    loaded = loadRuleFile(o.rules);
  } catch (error) {
    const issues = error instanceof RuleFileError ? error.issues : [];
    if (o.json)
      console.log(
        JSON.stringify({
          ok: false,
          file: o.rules,
          errors: issues.length ? issues : [{ path: '', message: (error as Error).message }],
        }),
      );
    else if (issues.length) console.error(`${o.rules}: not valid\n${formatRuleIssues(issues)}`);
    else console.error(`error: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const { definition } = loaded;
  const defaults = Object.fromEntries(definition.params.map((p) => [p.name, p.default]));
  let warmup: number;
  try {
    definition.create(defaults);
    warmup = definition.warmup(defaults);
  } catch (error) {
    const message = `the defaults are refused: ${(error as Error).message}`;
    if (o.json) console.log(JSON.stringify({ ok: false, file: o.rules, errors: [{ path: 'params', message }] }));
    else console.error(`${o.rules}: not valid\nparams: ${message}`);
    process.exitCode = 1;
    return;
  }
  const summary = { ok: true, file: o.rules, id: definition.id, params: definition.params.map((p) => p.name), warmup };
  if (o.json) console.log(JSON.stringify(summary));
  else
    console.log(
      `${o.rules}: valid — ${definition.id}, parameters ${summary.params.join(', ')}; first signal possible on candle ${warmup + 1}`,
    );
}

function subscriptions(target: CliTarget): StrategySubscriptions {
  return new StrategySubscriptions({
    accounts: target.repos.accounts,
    clock: systemClock,
    ...(target.strategyTimeframes ? { scheduled: target.strategyTimeframes } : {}),
  });
}

interface CompareOptions extends CommonOptions {
  account: string;
  strategy: string;
  symbol: string;
  timeframe: string;
  since: string;
  param: string[];
  exchange: string;
  cash: string;
}

export interface CompareReport {
  accountId: string;
  strategy: string;
  symbol: string;
  timeframe: StrategyTimeframe;
  params: StrategyParams;
  since: string;
  candles: { source: string; count: number; from?: string; to?: string };
  config: Omit<BacktestConfig, 'funding'>;
  comparison: PaperBacktestComparison;
}

async function compareAction(target: CliTarget, o: CompareOptions): Promise<CompareReport> {
  const account = await target.repos.accounts.get(o.account);
  if (!account) throw new CliError(`account: no account ${o.account}`);
  let definition: StrategyDefinition;
  let symbol: string;
  try {
    definition = getStrategy(o.strategy);
    symbol = normalizeSymbol(o.symbol).unified;
  } catch (error) {
    inputError(error);
  }
  if (!isStrategyTimeframe(o.timeframe))
    throw new CliError(`--timeframe must be one of ${STRATEGY_TIMEFRAMES.join(', ')}`);
  const timeframe = o.timeframe;
  const since = epochMsFromText(o.since);
  if (Number.isNaN(since))
    throw new CliError(`--since "${o.since}": not a date (use 2024-01-31, 2024-01-31T12:00Z or epoch ms)`);
  const subscription = (account.settings.strategies ?? []).find(
    (s) => s.strategy === definition.id && s.symbol === symbol && s.timeframe === timeframe,
  );
  let params: StrategyParams;
  try {
    params = o.param.length
      ? resolveParams(definition, parseParamAssignments(o.param))
      : subscriptionParams(definition, subscription?.params ?? {});
  } catch (error) {
    inputError(error);
  }

  const { source, name } = await candleSourceFor(target, o.exchange);
  const input: StrategyCompareInput = {
    account,
    definition,
    params,
    symbol,
    timeframe,
    subscription,
    from: since,
    to: Date.now(),
    cash: Number(o.cash),
    market: paperMarkets.get(symbol),
    maxCandles: 100_000,
  };
  let result: StrategyComparison;
  try {
    const run = await backtestForCompare(source, input);
    const trades = await target.repos.trades.listByAccount(account.accountId, 1000);
    result = compareWithBacktest(run, trades, input, source.spanMs(timeframe));
  } catch (error) {
    // the compare's own input errors name the option: from is --since, cash is --cash
    if (error instanceof CompareInputError)
      throw new CliError(error.field === 'from' ? `--since ${o.since}: ${error.message}` : `--cash ${error.message}`);
    throw error;
  }
  return {
    accountId: account.accountId,
    strategy: definition.id,
    symbol,
    timeframe,
    params,
    since: iso(since),
    candles: { source: name, count: result.candles.count, from: iso(result.candles.from), to: iso(result.candles.to) },
    config: result.config,
    comparison: result.comparison,
  };
}

/** The local stack's replay (the candles its runner and paper exchange use), or an exchange's public candles. */
export async function candleSourceFor(
  target: CliTarget,
  exchange: string,
): Promise<{ source: CandleSource; name: string }> {
  if (target.replayMsPerCandle) {
    return {
      source: new ReplayCandleSource(
        new ReplayPriceSource({ msPerCandle: target.replayMsPerCandle, markets: paperMarkets }),
      ),
      name: 'replay',
    };
  }
  if (!(CCXT_EXCHANGE_IDS as readonly string[]).includes(exchange))
    throw new CliError(`--exchange must be one of ${CCXT_EXCHANGE_IDS.join(', ')}`);
  const { CcxtCandleSource } = await import('../../shared/adapters/candles/ccxt-candle-source');
  return { source: CcxtCandleSource.create(exchange as CcxtExchangeId), name: exchange };
}

const fixed = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
/** A price without binary noise (1.0903618840000002 → 1.0903619). */
const price = (v: number) => String(Number(v.toPrecision(8)));

function compareLines(r: CompareReport): string[] {
  const c = r.comparison;
  const row = (label: string, pick: (s: SideSummary) => string) =>
    `${label.padEnd(12)}${pick(c.account).padStart(12)}${pick(c.backtest).padStart(12)}`;
  return [
    `${r.strategy} on ${r.symbol} ${r.timeframe} since ${r.since}: ${r.candles.count} candles (${r.candles.source})`,
    `${''.padEnd(12)}${'account'.padStart(12)}${'backtest'.padStart(12)}`,
    row('trades', (s) => String(s.trades)),
    row('return %', (s) => fixed(s.returnPct)),
    row('win rate %', (s) => fixed(s.winRatePct)),
    row('fees', (s) => new Big(s.fees).toFixed(4)),
    row('max DD %', (s) => fixed(s.maxDrawdownPct)),
    `paired trades: ${c.pairs.length}; mean slippage: entry ${fixed(c.avgEntrySlippageBps, 1)} bps, exit ${fixed(c.avgExitSlippageBps, 1)} bps (positive: the account filled worse)`,
    ...c.pairs.map(
      (p) =>
        `  ${p.side.padEnd(5)} ${iso(p.account.openedAt)}  entry ${price(p.account.entryPrice)} vs ${price(p.backtest.entryPrice)} (${fixed(p.entrySlippageBps, 1)} bps)  exit ${price(p.account.exitPrice)} vs ${price(p.backtest.exitPrice)} (${fixed(p.exitSlippageBps, 1)} bps)`,
    ),
    ...(c.accountOnly.length ? [`account trades without a backtest counterpart: ${c.accountOnly.join(', ')}`] : []),
    ...(c.backtestOnly.length
      ? [`backtest trades the account did not make (entries): ${c.backtestOnly.map(iso).join(', ')}`]
      : []),
  ];
}
