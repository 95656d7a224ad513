// `report`: the daily or weekly report of an account, as the report function sends it, printed and
// with its equity chart written to a PNG (no channel needed: look at it locally).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CandlePrices } from '../../shared/adapters/candles/candle-prices';
import { ReplayCandleSource } from '../../shared/adapters/candles/replay-candle-source';
import { StaticMarketCatalog } from '../../shared/adapters/paper/markets';
import { ReplayPriceSource } from '../../shared/adapters/prices/replay-price-source';
import { systemClock } from '../../shared/core/ports/runtime';
import { reportPeriod, SendReports, type ReportKind } from '../../shared/core/reporting/send-reports';
import { CliError, resolveTarget } from '../cli-target';
import { common, print, type CommonOptions } from './options';

export function registerReportCommands(program: Command): void {
  common(
    program
      .command('report')
      .description('the daily or weekly report of an account (the period just ended), with its equity chart as a PNG')
      .requiredOption('--account <id>')
      .option('--period <daily|weekly>', 'which report', 'daily')
      .option('--time-zone <zone>', 'IANA time zone of the days', 'UTC')
      .option('--out <file.png>', 'where to write the equity chart', 'report-equity.png'),
  ).action(async (o: CommonOptions & { account: string; period: string; timeZone: string; out: string }) => {
    if (o.period !== 'daily' && o.period !== 'weekly') throw new CliError('--period must be daily or weekly');
    const target = await resolveTarget(o.stage);
    if (!(await target.repos.accounts.get(o.account))) throw new CliError(`no account ${o.account}`);
    // Locally the replayed candles give the buy-and-hold prices; against a stage there are none.
    const candles = target.replayMsPerCandle
      ? new ReplayCandleSource(
          new ReplayPriceSource({ msPerCandle: target.replayMsPerCandle, markets: new StaticMarketCatalog() }),
        )
      : undefined;
    // The chart renderer (pureimage, a font) loads only for this command: ≈ 55 ms off every other CLI start.
    const { renderEquityChartPng } = await import('../../shared/adapters/chart/equity-chart');
    const reports = new SendReports({
      accounts: target.repos.accounts,
      trades: target.repos.trades,
      risk: target.repos.risk,
      prices: candles ? new CandlePrices(candles) : { priceAt: async () => undefined },
      chart: (points, c) => renderEquityChartPng(points, { title: c.title, timeZone: c.timeZone, trades: c.trades }),
      notifier: { dispatch: async () => ({ sent: {}, held: 0, failed: [] }) },
      audit: target.repos.audit,
      clock: systemClock,
      timeZone: o.timeZone,
    });
    const { from, to } = reportPeriod(o.period as ReportKind, systemClock.now(), o.timeZone);
    const built = await reports.build({ accountId: o.account }, o.period as ReportKind, from, to);
    writeFileSync(o.out, built.chart.data);
    print(o, { ...built.report, chart: o.out }, () =>
      [built.notification.title, ...built.notification.lines, `chart: ${o.out}`].join('\n'),
    );
  });
}
