// The owner's controls: `account pause|resume|flatten|set` and `risk show|set|reset`. Thin commands
// over AccountControl and RiskReport; `--json` prints one JSON document.
import { Option, type Command } from 'commander';
import { Big } from '../../shared/core/domain/money';
import { systemClock } from '../../shared/core/ports/runtime';
import { SWITCH_NAMES, type SwitchName } from '../../shared/core/risk/state';
import { AccountControl } from '../../shared/core/control/account-control';
import { RiskReport, type RiskView } from '../../shared/core/reporting/risk-report';
import { CliError, resolveTarget, type CliTarget } from '../cli-target';
import { collect, common, iso, print, type CommonOptions } from './options';

function control(target: CliTarget, withQueue?: Awaited<ReturnType<CliTarget['signalQueue']>>): AccountControl {
  const { accounts, positions, risk, audit, signals } = target.repos;
  return new AccountControl({
    accounts,
    positions,
    risk,
    audit,
    clock: systemClock,
    ...(withQueue ? { ledger: signals, queue: withQueue } : {}),
  });
}

export function registerAccountControlCommands(account: Command): void {
  common(
    account
      .command('pause')
      .description('refuse new entries; closes, stops and targets go on')
      .requiredOption('--account <id>'),
  ).action(async (o: CommonOptions & { account: string }) => {
    const status = await control(await resolveTarget(o.stage)).pause(o.account);
    print(
      o,
      { accountId: o.account, status },
      () => `${o.account} paused: entries are refused; closes and protective orders still execute`,
    );
  });

  common(
    account
      .command('resume')
      .description('accept entries again (also resets a tripped drawdown switch)')
      .requiredOption('--account <id>'),
  ).action(async (o: CommonOptions & { account: string }) => {
    const result = await control(await resolveTarget(o.stage)).resume(o.account);
    print(
      o,
      { accountId: o.account, ...result },
      () =>
        `${o.account} active${result.reset.length ? ` (reset: ${result.reset.join(', ')}; the equity peak restarts from the last equity read)` : ''}`,
    );
  });

  common(
    account
      .command('flatten')
      .description('pause the account and close every open position at market')
      .requiredOption('--account <id>'),
  ).action(async (o: CommonOptions & { account: string }) => {
    const target = await resolveTarget(o.stage);
    const result = await control(target, await target.signalQueue()).flatten(o.account);
    print(o, result, () =>
      [
        `${o.account} paused; ${result.queued.length} close(s) queued:`,
        ...result.queued.map(
          (q) => `  ${q.symbol}  close_all  ${q.signalId}${q.outcome === 'duplicate' ? ' (already queued)' : ''}`,
        ),
        'follow them with: events --account ' + o.account,
      ].join('\n'),
    );
  });

  common(
    account
      .command('set')
      .description("change an existing account's settings")
      .argument('[account]', 'the account id (or --account)')
      .option('--account <id>', 'the account id')
      .addOption(
        new Option(
          '--require-time <on|off|default>',
          'refuse webhook alerts without "time" (replay protection); default: the stage\'s (on in prod, off in dev and locally)',
        ).choices(['on', 'off', 'default']),
      )
      .addOption(
        new Option(
          '--default-message <on|off>',
          "accept TradingView's default strategy message on the account's own URL (account url); default: off",
        ).choices(['on', 'off']),
      )
      .addOption(
        new Option(
          '--ensemble <on|off>',
          "the models' vote on entry signals (the stage's ENSEMBLE_MODELS; docs/AI-ensemble.md); default: off",
        ).choices(['on', 'off']),
      )
      .option(
        '--ensemble-required <K>',
        'models that must agree with an entry, 1..7 (and at most the stage lists); default 2',
      )
      .addOption(
        new Option(
          '--ensemble-timeframe <tf>',
          'the candles the models see when the signal names no strategy of the account; default 1h',
        ).choices(['1m', '5m', '15m', '1h', '4h', '1d']),
      )
      .addOption(
        new Option(
          '--market-summary <on|off>',
          "a model-written market summary at the end of the daily report (the stage's MARKET_SUMMARY_MODEL); default: off",
        ).choices(['on', 'off']),
      ),
  ).action(
    async (
      positional: string | undefined,
      o: CommonOptions & {
        account?: string;
        requireTime?: 'on' | 'off' | 'default';
        defaultMessage?: 'on' | 'off';
        ensemble?: 'on' | 'off';
        ensembleRequired?: string;
        ensembleTimeframe?: string;
        marketSummary?: 'on' | 'off';
      },
    ) => {
      if (positional && o.account && positional !== o.account)
        throw new CliError(`two accounts given: ${positional} and --account ${o.account}`);
      const accountId = positional ?? o.account;
      const usage =
        'account set <account> --require-time on|off|default, --default-message on|off, --ensemble on|off [--ensemble-required K] [--ensemble-timeframe 1h], --market-summary on|off (any of them)';
      if (!accountId) throw new CliError(`give the account id: ${usage}`);
      const ensembleChange = o.ensemble || o.ensembleRequired !== undefined || o.ensembleTimeframe;
      if (!o.requireTime && !o.defaultMessage && !ensembleChange && !o.marketSummary)
        throw new CliError(`give a setting to change: ${usage}`);
      // K is checked for its form here and for its bounds by AccountControl (both name the option)
      const required = o.ensembleRequired === undefined ? undefined : Number(o.ensembleRequired);
      if (o.ensembleRequired !== undefined && !/^\d{1,2}$/.test(o.ensembleRequired))
        throw new CliError(`--ensemble-required: must be an integer 1..7, got "${o.ensembleRequired.slice(0, 20)}"`);
      const ctl = control(await resolveTarget(o.stage));
      const said = (v: boolean | undefined) => (v === undefined ? "the stage's default" : v ? 'on' : 'off');
      const lines: string[] = [];
      const out: Record<string, unknown> = { accountId };
      if (o.requireTime) {
        const requireTime = o.requireTime === 'default' ? undefined : o.requireTime === 'on';
        const result = await ctl.setRequireTime(accountId, requireTime);
        Object.assign(out, { requireTime: result.requireTime ?? 'default', previous: result.previous ?? 'default' });
        lines.push(`${accountId}: requireTime ${said(result.requireTime)} (was ${said(result.previous)})`);
      }
      if (o.defaultMessage) {
        const result = await ctl.setDefaultMessage(accountId, o.defaultMessage === 'on');
        Object.assign(out, { defaultMessage: result.defaultMessage, previousDefaultMessage: result.previous });
        lines.push(
          `${accountId}: defaultMessage ${said(result.defaultMessage)} (was ${said(result.previous)})${result.defaultMessage ? `; TradingView's default strategy message is read on the account's own URL (npm run cli -- account url --account ${accountId})` : ''}`,
        );
      }
      if (ensembleChange) {
        const result = await ctl.setEnsemble(accountId, {
          ...(o.ensemble ? { enabled: o.ensemble === 'on' } : {}),
          ...(required !== undefined ? { required } : {}),
          ...(o.ensembleTimeframe ? { timeframe: o.ensembleTimeframe } : {}),
        });
        Object.assign(out, { ensemble: result.ensemble, previousEnsemble: result.previous ?? null });
        const e = result.ensemble;
        lines.push(
          `${accountId}: ensemble ${e.enabled ? 'on' : 'off'}, ${e.required ?? 2} must agree, ${e.timeframe ?? '1h'} candles (the stage's ENSEMBLE_MODELS vote; none listed: nothing is asked)`,
        );
      }
      if (o.marketSummary) {
        const result = await ctl.setMarketSummary(accountId, o.marketSummary === 'on');
        Object.assign(out, { marketSummary: result.marketSummary, previousMarketSummary: result.previous });
        lines.push(`${accountId}: marketSummary ${said(result.marketSummary)} (was ${said(result.previous)})`);
      }
      print(o, out, () => [...lines, 'running webhooks may keep the previous setting for up to 30 s'].join('\n'));
    },
  );
}

export function registerRiskCommands(program: Command): void {
  const risk = program.command('risk').description('risk limits, kill switches and sizing of an account');

  common(
    risk.command('show').description('limits, usage and kill-switch states').requiredOption('--account <id>'),
  ).action(async (o: CommonOptions & { account: string }) => {
    const target = await resolveTarget(o.stage);
    const { accounts, positions, trades, risk: store } = target.repos;
    const view = await new RiskReport({ accounts, positions, trades, risk: store, clock: systemClock }).show(o.account);
    print(o, view, () => human(view));
  });

  common(
    risk
      .command('set')
      .description(
        'override risk settings for the account: --set path=value (repeatable; value "default" removes an override)',
      )
      .requiredOption('--account <id>')
      .option(
        '--set <path=value>',
        'e.g. switches.dailyLossPct=3, sizing.mode=risk, limits.symbolMaxLeverage.BTC/USDT:USDT=5',
        collect,
        [],
      ),
  ).action(async (o: CommonOptions & { account: string; set: string[] }) => {
    if (!o.set.length) throw new CliError('give at least one --set path=value');
    await control(await resolveTarget(o.stage)).setRisk(o.account, o.set);
    print(o, { accountId: o.account, set: o.set }, () => `${o.account}: ${o.set.join(', ')}`);
  });

  common(
    risk
      .command('reset')
      .description(`reset a tripped kill switch by hand (${SWITCH_NAMES.join(', ')})`)
      .requiredOption('--account <id>')
      .requiredOption('--switch <name>', 'which switch', collect, []),
  ).action(async (o: CommonOptions & { account: string; switch: string[] }) => {
    const reset = await control(await resolveTarget(o.stage)).resetSwitches(
      o.account,
      o.switch as SwitchName[],
      'reset by the owner',
    );
    print(o, { accountId: o.account, reset }, () =>
      reset.length ? `${o.account}: reset ${reset.join(', ')}` : `${o.account}: nothing was tripped`,
    );
  });
}

function human(v: RiskView): string {
  const u = v.usage;
  const l = v.limits;
  const lines = [
    `${v.accountId}  ${v.status}  entries ${v.entries}${v.blockedBy ? ` (${v.blockedBy.code}: ${v.blockedBy.reason})` : ''}`,
    `equity ${u.equity ?? 'not read yet'}${u.equityAt ? ` at ${iso(u.equityAt)}` : ''}`,
    `day loss ${u.dayLossPct ?? '-'}%  drawdown ${u.drawdownPct ?? '-'}% from peak ${u.peakEquity ?? '-'}  loss streak ${u.lossStreak}`,
    `positions ${u.openPositions}/${l.maxOpenPositions}  exposure ${new Big(u.exposure).toFixed(2)} (${u.exposurePct ?? '-'}% of ${l.maxExposurePct}%)  per position ≤ ${l.maxPositionPct}%`,
    `sizing ${v.sizing.mode}  leverage caps: account ${l.maxLeverage}${
      Object.keys(l.symbolMaxLeverage).length
        ? `, ${Object.entries(l.symbolMaxLeverage)
            .map(([s, c]) => `${s} ${c}`)
            .join(', ')}`
        : ''
    }`,
    `correlation > ${l.correlation.threshold} → ${l.correlation.action}  VaR95 ≤ ${l.var.maxPct95}%  VaR99 ≤ ${l.var.maxPct99}%  liquidation ≥ ${l.liquidation.minStopMultiple}× stop distance`,
    'kill switches:',
    ...Object.entries(v.switches).map(
      ([name, s]) =>
        `  ${name.padEnd(16)}${s.tripped ? `TRIPPED ${s.trippedAt ? iso(s.trippedAt) : ''}${s.until ? ` until ${iso(s.until)}` : ''}: ${s.reason ?? ''}` : 'ok'}  (${s.limit}; trips ${s.trips})`,
    ),
  ];
  return lines.join('\n');
}
