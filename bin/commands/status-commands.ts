// `status` (every account on one screen) and `positions` (open positions priced at the risk-check
// job's last mark): the console API's read models (shared/core/performance), read straight from
// the stage's tables, so the CLI and the console say the same figures.
import type { Command } from 'commander';
import { Big } from '../../shared/core/domain/money';
import { ConsoleReads } from '../../shared/core/performance/console-reads';
import { systemClock } from '../../shared/core/ports/runtime';
import { CliError, resolveTarget, type CliTarget } from '../cli-target';
import { common, print, type CommonOptions } from './options';

export function consoleReads(target: CliTarget): ConsoleReads {
  const { accounts, trades, positions, orders, audit, risk, signals } = target.repos;
  return new ConsoleReads({ accounts, trades, positions, orders, audit, risk, signals, clock: systemClock });
}

const money = (v: string | null | undefined, dp = 2): string =>
  v === null || v === undefined ? '-' : new Big(v).toFixed(dp);
const age = (ms: number | null | undefined, now: number): string => {
  if (ms === null || ms === undefined) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
};

interface AccountItem {
  accountId: string;
  name: string;
  exchange: string;
  mode: string;
  status: string;
  currency: string;
  balance: { equity: string } | null;
  killSwitches: { name: string; tripped: boolean }[];
  halt?: { until: number };
  openPositions: number;
  lastReconcileAt?: number;
}

export function registerStatusCommands(program: Command): void {
  common(
    program.command('status').description('every account on one screen: equity, today’s P&L, positions, switches'),
  ).action(async (o: CommonOptions) => {
    const reads = consoleReads(await resolveTarget(o.stage));
    const overview = await reads.accountsOverview();
    const items = overview.items as AccountItem[];
    const today = await Promise.all(
      items.map(async (a) => {
        const s = (await reads.summary({ accountId: a.accountId, limit: 1 })) as {
          pnl: { today: { realized: string; unrealized: string } };
        };
        return s.pnl.today;
      }),
    );
    const rows = items.map((a, i) => ({ ...a, today: today[i] }));
    print(o, { asOf: overview.asOf, items: rows }, () =>
      rows.length
        ? rows
            .map((a) => {
              const tripped = a.killSwitches.filter((k) => k.tripped).map((k) => k.name);
              return [
                `${a.accountId}  ${a.name}  ${a.exchange} (${a.mode})  ${a.status}${a.halt ? '  HALTED' : ''}`,
                `  equity ${money(a.balance?.equity)} ${a.currency}  today ${money(a.today?.realized)} realized, ${money(a.today?.unrealized)} unrealized`,
                `  ${a.openPositions} open  ${tripped.length ? `tripped: ${tripped.join(', ')}` : 'switches ok'}  reconciled ${age(a.lastReconcileAt, overview.asOf)}`,
              ].join('\n');
            })
            .join('\n')
        : 'no accounts',
    );
  });

  common(
    program
      .command('positions')
      .description('open positions of an account, priced at the risk-check job’s last mark')
      .requiredOption('--account <id>')
      .option('--limit <n>', 'how many (ignored: every open position is shown)', '50'),
  ).action(async (o: CommonOptions & { account: string }) => {
    const target = await resolveTarget(o.stage);
    // Asked of the tenant's accounts first: another tenant's id is "no account", like an unknown one.
    if (!(await target.repos.accounts.get(o.account))) throw new CliError(`no account ${o.account}`);
    const [book, priced] = await Promise.all([
      target.repos.positions.list(o.account),
      consoleReads(target).positions({ accountId: o.account, limit: 1 }),
    ]);
    // --json: the book's rows as before, each with the priced fields beside them
    const rows = priced.items.map((p) => ({
      ...book.find((b) => b.symbol === p.symbol),
      markPrice: p.markPrice,
      unrealizedPnl: p.unrealizedPnl,
      liquidationPrice: p.liquidationPrice,
      breakEvenPrice: p.breakEvenPrice,
      markAt: p.markAt,
    }));
    print(o, rows, () =>
      priced.items.length
        ? priced.items
            .map(
              (p) =>
                `${p.symbol}  ${p.side}  ${p.quantity} @ ${p.entryPrice}  x${p.leverage}  mark ${p.markPrice ?? '-'}  uPnL ${money(p.unrealizedPnl)}${p.stop ? `  SL ${p.stop.triggerPrice || `trail ${p.stop.trailingPercent}%`}` : ''}${p.trail ? `  trail ${p.trail.trailingPercent}%${p.trail.triggerPrice ? ` @ ${p.trail.triggerPrice}` : ''}` : ''}${p.targets.length ? `  TP ${p.targets.map((t) => t.triggerPrice).join('/')}` : ''}`,
            )
            .join('\n')
        : 'no open positions',
    );
  });
}
