// `backtest funding-arb`: the funding-arbitrage backtest (shared/core/funding, docs/FUNDING.md) over
// a candle file and a funding file, printed as a report (text, or --json). With --hedge-funding, the
// two-perpetual variant: the first perpetual against a second one (another exchange's), each leg's
// funding from its own file.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { parseCandlesText, parseFundingSeries } from '../../shared/core/backtest/candle-parsers';
import { parseSpan } from '../../shared/core/backtest/walk-forward';
import {
  FUNDING_ARB_DEFAULTS,
  runFundingArbBacktest,
  type FundingArbConfig,
  type FundingArbReport,
} from '../../shared/core/funding/funding-arb-backtest';
import {
  runTwoPerpBacktest,
  type TwoPerpConfig,
  type TwoPerpReport,
} from '../../shared/core/funding/two-perp-backtest';
import { BacktestInputError } from '../backtest/cli-options';
import { fmt, fmtDuration, fmtTime } from '../backtest/report-format';

interface FundingArbOptions {
  funding?: string;
  candles: string;
  spotCandles?: string;
  hedgeFunding?: string;
  hedgeCandles?: string;
  hedgeFeeBps?: string;
  hedgeFundingInterval?: string;
  mode: FundingArbConfig['mode'];
  horizon: string;
  fundingInterval: string;
  lookback: string;
  feeBps: string;
  spotFeeBps: string;
  slippageBps: string;
  exitCostBps: string;
  marginBps: string;
  notional: string;
  cash?: string;
  allowLongPerp?: boolean;
  trades?: boolean;
  json?: boolean;
}

const D = FUNDING_ARB_DEFAULTS;

/** Adds `funding-arb` under `backtest`; `run` is how the caller wraps an action (its input-error guard). */
export function registerFundingArbCommand(
  backtest: Command,
  run: (action: (options: FundingArbOptions) => Promise<void>) => (options: FundingArbOptions) => Promise<void>,
): void {
  // The parent's mandatory options (--strategy) belong to its own action, which does not run when a
  // subcommand is dispatched; commander would still demand them of `backtest funding-arb`.
  backtest.hook('preSubcommand', (parent) => {
    for (const option of parent.options) option.mandatory = false;
  });
  // --funding, --cash, --json and --trades are also `backtest`'s own options, and commander gives
  // them to the parent wherever they stand; they are read back with optsWithGlobals(), so here they
  // carry no default (a default of the subcommand would hide the value the parent parsed).
  const sub = backtest
    .command('funding-arb')
    .description('funding arbitrage, short perp against long spot on one exchange: funding, fees, slippage, net P&L')
    .option(
      '--funding <file>',
      'funding rates: JSON [[time ms, rate, …]] or [{fundingTime, fundingRate}] (a download cache file works)',
    )
    .requiredOption('--candles <file>', "the perpetual's candles (CSV or JSON, as `backtest --data`)")
    .option('--spot-candles <file>', "the spot leg's candles, same open times (default: the perpetual's: zero basis)")
    .option(
      '--hedge-funding <file>',
      'two perpetuals: the second perpetual’s funding rates (same formats as --funding); short whichever pays more',
    )
    .option(
      '--hedge-candles <file>',
      "the second perpetual's candles, same open times (default: the first's: zero basis)",
    )
    .option('--hedge-fee-bps <bps>', 'the second perpetual’s taker fee, bps (default: --fee-bps)')
    .option(
      '--hedge-funding-interval <length>',
      'time between the second perpetual’s settlements (default: --funding-interval)',
    )
    .addOption(
      new Option(
        '--mode <mode>',
        'decision = enter/exit by the projected edge; always-in = one pair over the whole series',
      )
        .choices(['decision', 'always-in'])
        .default('decision'),
    )
    .option('--horizon <length>', 'how far ahead funding is projected and a pair is held at most (3d, 12h)', '3d')
    .option('--funding-interval <length>', 'time between settlements', '8h')
    .option('--lookback <n>', 'settled rates averaged by the projection', String(D.lookback))
    .option('--fee-bps <bps>', 'perpetual taker fee, bps', D.perpFeeBps)
    .option('--spot-fee-bps <bps>', 'spot taker fee, bps', D.spotFeeBps)
    .option('--slippage-bps <bps>', 'slippage per fill, bps', D.slippageBps)
    .option('--exit-cost-bps <bps>', 'extra cost of the exit, bps of one leg', D.exitCostBps)
    .option('--margin-bps <bps>', 'what the projected funding must beat the costs by, bps', D.marginBps)
    .option('--notional <amount>', 'quote notional of each leg', D.notional)
    .option('--cash <amount>', `starting equity, quote currency (default: ${D.initialCapital})`)
    .option('--allow-long-perp', 'also trade negative funding (long perp, short spot: needs a borrow)')
    .option('--trades', 'list the round trips')
    .option('--json', 'print the report as JSON');
  sub.action(run(() => fundingArbAction(sub.optsWithGlobals<FundingArbOptions>())));
}

function fundingArbAction(o: FundingArbOptions): Promise<void> {
  if (o.funding === undefined) throw new BacktestInputError("required option '--funding <file>' not specified");
  if (o.hedgeFunding !== undefined) return twoPerpAction(o, o.funding, o.hedgeFunding);
  for (const [value, option] of [
    [o.hedgeCandles, '--hedge-candles'],
    [o.hedgeFeeBps, '--hedge-fee-bps'],
    [o.hedgeFundingInterval, '--hedge-funding-interval'],
  ] as const) {
    if (value !== undefined)
      throw new BacktestInputError(`${option}: needs --hedge-funding (the two-perpetual variant)`);
  }
  const perp = parseCandlesText(readText(o.candles, '--candles'), o.candles);
  const spot =
    o.spotCandles === undefined
      ? undefined
      : parseCandlesText(readText(o.spotCandles, '--spot-candles'), o.spotCandles);
  const funding = parseFundingSeries(parseJsonText(readText(o.funding, '--funding'), '--funding'), o.funding);
  const config: FundingArbConfig = {
    mode: o.mode,
    initialCapital: o.cash ?? D.initialCapital,
    notional: o.notional,
    perpFeeBps: o.feeBps,
    spotFeeBps: o.spotFeeBps,
    slippageBps: o.slippageBps,
    exitCostBps: o.exitCostBps,
    marginBps: o.marginBps,
    lookback: wholeNumber(o.lookback, '--lookback'),
    horizonMs: timeSpan(o.horizon, '--horizon'),
    fundingIntervalMs: timeSpan(o.fundingInterval, '--funding-interval'),
    allowLongPerp: o.allowLongPerp === true,
  };
  const report = runFundingArbBacktest(perp, funding, config, spot);
  if (o.json) {
    // The figures and round trips; the per-settlement decisions and the equity curve with --trades.
    const { equity: _equity, decisions: _decisions, ...figures } = report;
    console.log(JSON.stringify(o.trades ? report : figures));
  } else {
    console.log(reportLines(report, config, perp.time[0]!, o.trades === true).join('\n'));
  }
  return Promise.resolve();
}

/** Two perpetuals: the first (--candles, --funding) against the hedge (--hedge-candles, --hedge-funding). */
function twoPerpAction(o: FundingArbOptions, fundingFile: string, hedgeFundingFile: string): Promise<void> {
  if (o.spotCandles !== undefined)
    throw new BacktestInputError(
      '--spot-candles: not with --hedge-funding (the hedge is a perpetual: --hedge-candles)',
    );
  const perp = parseCandlesText(readText(o.candles, '--candles'), o.candles);
  const hedge =
    o.hedgeCandles === undefined
      ? undefined
      : parseCandlesText(readText(o.hedgeCandles, '--hedge-candles'), o.hedgeCandles);
  const funding = parseFundingSeries(parseJsonText(readText(fundingFile, '--funding'), '--funding'), fundingFile);
  const hedgeFunding = parseFundingSeries(
    parseJsonText(readText(hedgeFundingFile, '--hedge-funding'), '--hedge-funding'),
    hedgeFundingFile,
  );
  const fundingIntervalMs = timeSpan(o.fundingInterval, '--funding-interval');
  const config: TwoPerpConfig = {
    mode: o.mode,
    initialCapital: o.cash ?? D.initialCapital,
    notional: o.notional,
    perpFeeBps: o.feeBps,
    hedgeFeeBps: o.hedgeFeeBps ?? o.feeBps,
    slippageBps: o.slippageBps,
    exitCostBps: o.exitCostBps,
    marginBps: o.marginBps,
    lookback: wholeNumber(o.lookback, '--lookback'),
    horizonMs: timeSpan(o.horizon, '--horizon'),
    fundingIntervalMs,
    hedgeFundingIntervalMs:
      o.hedgeFundingInterval === undefined
        ? fundingIntervalMs
        : timeSpan(o.hedgeFundingInterval, '--hedge-funding-interval'),
  };
  const report = runTwoPerpBacktest(perp, funding, hedgeFunding, config, hedge);
  if (o.json) {
    const { equity: _equity, decisions: _decisions, ...figures } = report;
    console.log(JSON.stringify(o.trades ? report : figures));
  } else {
    console.log(twoPerpLines(report, config, perp.time[0]!, o.trades === true).join('\n'));
  }
  return Promise.resolve();
}

function twoPerpLines(r: TwoPerpReport, c: TwoPerpConfig, start: number, withTrades: boolean): string[] {
  const money = (v: string) => fmt(Number(v), 4);
  const lines = [
    `funding arbitrage (${c.mode}), two perpetuals (first vs hedge) from ${fmtTime(start)}: notional ${String(c.notional)} per leg, ` +
      `fees ${String(c.perpFeeBps)}/${String(c.hedgeFeeBps)} bps, slippage ${String(c.slippageBps)} bps, horizon ${fmtDuration(c.horizonMs)}, ` +
      `settlements every ${fmtDuration(c.fundingIntervalMs)}/${fmtDuration(c.hedgeFundingIntervalMs)}`,
    `total funding   ${money(r.totalFunding)} (first ${money(r.perpFunding)}, hedge ${money(r.hedgeFunding)})`,
    `fees            ${money(r.totalFees)}`,
    `slippage        ${money(r.totalSlippage)}`,
    `exit cost       ${money(r.totalExitCost)}`,
    `net P&L         ${money(r.netPnl)} (${fmt(r.returnPct, 4)} %)`,
    `final equity    ${money(r.finalEquity)}`,
    `time in market  ${fmtDuration(r.timeInMarketMs)} (${fmt(r.timeInMarketPct, 1)} %)`,
    `round trips     ${r.roundTrips} (${r.settlementsHeld} settlements held, both legs)`,
    `max drawdown    ${fmt(r.maxDrawdownPct, 4)} %`,
  ];
  if (withTrades) {
    for (const t of r.trades) {
      const legs = t.side === 'short-perp' ? 'short first / long hedge' : 'long first / short hedge';
      lines.push(
        `  ${legs} ${fmtTime(t.entryTime)} → ${fmtTime(t.exitTime)} (${t.exitReason}): funding ${money(t.funding)} ` +
          `(first ${money(t.perpFunding)}, hedge ${money(t.hedgeFunding)}), fees ${money(t.fees)}, pnl ${money(t.pnl)}, ` +
          `${t.perpSettlements}+${t.hedgeSettlements} settlements`,
      );
    }
  }
  return lines;
}

function reportLines(r: FundingArbReport, c: FundingArbConfig, start: number, withTrades: boolean): string[] {
  const money = (v: string) => fmt(Number(v), 4);
  const lines = [
    `funding arbitrage (${c.mode}), perp vs spot from ${fmtTime(start)}: notional ${String(c.notional)} per leg, ` +
      `fees ${String(c.perpFeeBps)}/${String(c.spotFeeBps)} bps, slippage ${String(c.slippageBps)} bps, horizon ${fmtDuration(c.horizonMs)}`,
    `total funding   ${money(r.totalFunding)}`,
    `fees            ${money(r.totalFees)}`,
    `slippage        ${money(r.totalSlippage)}`,
    `exit cost       ${money(r.totalExitCost)}`,
    `net P&L         ${money(r.netPnl)} (${fmt(r.returnPct, 4)} %)`,
    `final equity    ${money(r.finalEquity)}`,
    `time in market  ${fmtDuration(r.timeInMarketMs)} (${fmt(r.timeInMarketPct, 1)} %)`,
    `round trips     ${r.roundTrips} (${r.settlementsHeld} settlements held)`,
    `max drawdown    ${fmt(r.maxDrawdownPct, 4)} %`,
  ];
  if (withTrades) {
    for (const t of r.trades) {
      lines.push(
        `  ${t.side} ${fmtTime(t.entryTime)} → ${fmtTime(t.exitTime)} (${t.exitReason}): funding ${money(t.funding)}, ` +
          `fees ${money(t.fees)}, pnl ${money(t.pnl)}, ${t.settlements} settlements`,
      );
    }
  }
  return lines;
}

function readText(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new BacktestInputError(
      `${option}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

function parseJsonText(text: string, option: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BacktestInputError(`${option}: not JSON`);
  }
}

function wholeNumber(text: string, option: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !(n >= 1))
    throw new BacktestInputError(`${option}: a whole number ≥ 1, not "${text}"`);
  return n;
}

function timeSpan(text: string, option: string): number {
  const span = parseSpan(text, option);
  if (span.unit !== 'ms')
    throw new BacktestInputError(`${option}: a time length like 3d or 8h, not a candle count "${text}"`);
  return span.ms;
}
