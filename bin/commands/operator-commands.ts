// The console's owner actions from the CLI: `account close|reduce|move-stop|move-target|paper-reset|
// rename|delete`, `order cancel`, and `flatten|pause|resume --all`. Each goes through OwnerActions
// (the same validation, audit and FIFO lane as the console) as the owner: the CLI runs with the
// owner's AWS credentials, so it is signed in as of now. What touches an exchange is queued and
// executed by the executor; the command prints what was queued and how to follow it.
import { Option, type Command } from 'commander';
import { systemClock } from '../../shared/core/ports/runtime';
import type { ActionResult, Actor, OperatorActionName } from '../../shared/core/control/operator-action-types';
import { OwnerActions } from '../../shared/core/control/operator-actions';
import { ForbiddenActionError } from '../../shared/core/errors';
import { CliError, resolveTarget, type CliScope } from '../cli-target';
import { common, print, type CommonOptions } from './options';

// The deployment's operator (AWS credentials), the first tenant's owner; with `--user`, that member.
const cliActor = (scope: CliScope, secondFactorAt?: number): Actor => ({
  userId: scope.userId,
  tenantId: scope.tenantId,
  role: scope.role,
  authTime: systemClock.now(),
  // Without --user the deployment's AWS credentials stand for the second factor of money moves
  // (docs/TENANCY.md "Second factor"): whoever holds them can do anything to the stacks already.
  // For --user E it is E's own: proven by E's TOTP sign-in when an action asks for it.
  ...(scope.email === undefined
    ? { secondFactorAt: systemClock.now() }
    : secondFactorAt !== undefined
      ? { secondFactorAt }
      : {}),
  via: 'cli',
});

/** Runs the action; for --user, a refusal for want of a second factor asks E's sign-in and tries once more. */
async function runAs(
  actions: OwnerActions,
  name: OperatorActionName,
  input: Record<string, unknown>,
  scope: CliScope,
  stage: string | undefined,
): Promise<ActionResult> {
  try {
    return await actions.run(name, input, cliActor(scope));
  } catch (error) {
    if (!(error instanceof ForbiddenActionError) || error.reason !== 'second_factor_required' || !scope.email)
      throw error;
    // the refusal came before anything changed: proving the factor and asking again is safe
    const { secondFactorOf } = await import('./second-factor');
    return actions.run(name, input, cliActor(scope, await secondFactorOf(stage, scope.email)));
  }
}

/** The tenant's plan for what the action turns on (a live account resumed, a strategy): the stage's PLANS. */
async function planGuard(target: Awaited<ReturnType<typeof resolveTarget>>) {
  const { buildTenancy, plansOf } = await import('../../shared/runtime/tenancy');
  return buildTenancy(target.repos.documentClient, target.stage, plansOf(process.env.PLANS), systemClock).guard;
}

async function run(o: CommonOptions, name: OperatorActionName, input: Record<string, unknown>): Promise<void> {
  const target = await resolveTarget(o.stage);
  const { accounts, positions, orders, risk, audit, signals } = target.repos;
  const actions = new OwnerActions({
    accounts,
    positions,
    orders,
    risk,
    audit,
    clock: systemClock,
    ledger: signals,
    queue: await target.signalQueue(),
    paper: target.repos.paper,
    plans: await planGuard(target),
  });
  const result = await runAs(actions, name, input, target.scope, o.stage);
  print(o, result, () => describe(result));
}

function describe(result: ActionResult): string {
  const lines = [result.message];
  if (result.signalIds?.length) {
    lines.push(`queued on the account lane: ${result.signalIds.join(', ')}`);
    lines.push(`follow with: events --account ${result.accountIds[0] ?? '<id>'}`);
  }
  return lines.join('\n');
}

/** A number option, refused by name when it is not one (OwnerActions checks the bounds). */
const numberOf = (name: string, text: string): number => {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new CliError(`--${name} must be a number, got "${text}"`);
  return n;
};

export function registerOperatorCommands(program: Command, account: Command): void {
  common(
    account
      .command('close')
      .description('close one symbol of an account at market (queued behind its pending signals)')
      .requiredOption('--account <id>')
      .requiredOption('--symbol <symbol>', 'BTCUSDT, BTCUSDT.P or BTC/USDT:USDT'),
  ).action((o: CommonOptions & { account: string; symbol: string }) =>
    run(o, 'close', { account: o.account, symbol: o.symbol }),
  );

  common(
    account
      .command('reduce')
      .description('close a percent of one position at market; its stop is re-sized to what is left')
      .requiredOption('--account <id>')
      .requiredOption('--symbol <symbol>')
      .requiredOption('--percent <p>', 'above 0 and below 100'),
  ).action((o: CommonOptions & { account: string; symbol: string; percent: string }) =>
    run(o, 'reduce', { account: o.account, symbol: o.symbol, percent: numberOf('percent', o.percent) }),
  );

  common(
    account
      .command('move-stop')
      .description('move the stop of one position (the new stop rests before the old one is cancelled)')
      .requiredOption('--account <id>')
      .requiredOption('--symbol <symbol>')
      .requiredOption('--price <price>', 'the new trigger price'),
  ).action((o: CommonOptions & { account: string; symbol: string; price: string }) =>
    run(o, 'move-stop', { account: o.account, symbol: o.symbol, price: o.price }),
  );

  common(
    account
      .command('move-target')
      .description('move a take-profit of one position (or give it one)')
      .requiredOption('--account <id>')
      .requiredOption('--symbol <symbol>')
      .requiredOption('--price <price>', 'the new trigger price')
      .option('--order <clientOrderId>', 'which target, when the position has several'),
  ).action((o: CommonOptions & { account: string; symbol: string; price: string; order?: string }) =>
    run(o, 'move-target', {
      account: o.account,
      symbol: o.symbol,
      price: o.price,
      ...(o.order ? { clientOrderId: o.order } : {}),
    }),
  );

  common(
    account
      .command('paper-reset')
      .description('reset the balance of a paper account without open positions')
      .requiredOption('--account <id>')
      .requiredOption('--balance <amount>', 'the new wallet balance, quote currency'),
  ).action((o: CommonOptions & { account: string; balance: string }) =>
    run(o, 'paper-reset', { account: o.account, balance: o.balance }),
  );

  common(
    account
      .command('rename')
      .description('rename an account')
      .requiredOption('--account <id>')
      .requiredOption('--name <name>'),
  ).action((o: CommonOptions & { account: string; name: string }) =>
    run(o, 'rename', { account: o.account, name: o.name }),
  );

  common(
    account
      .command('delete')
      .description('delete a paused account without open positions: its webhook refuses alerts; trades and audit stay')
      .requiredOption('--account <id>'),
  ).action((o: CommonOptions & { account: string }) => run(o, 'delete', { account: o.account }));

  const order = program.command('order').description('one order of an account');
  common(
    order
      .command('cancel')
      .description("cancel one resting order by its client order id (an open position's stop only with --force)")
      .requiredOption('--account <id>')
      .requiredOption('--order <clientOrderId>')
      .option('--force', 'cancel the stop of an open position too (it is left without one)'),
  ).action((o: CommonOptions & { account: string; order: string; force?: boolean }) =>
    run(o, 'cancel-order', { account: o.account, clientOrderId: o.order, ...(o.force ? { force: true } : {}) }),
  );

  common(
    account
      .command('enable')
      .description("turn a paused or disabled live account back on (a money move; held to the plan's live accounts)")
      .requiredOption('--account <id>'),
  ).action((o: CommonOptions & { account: string }) => run(o, 'enable', { account: o.account }));

  for (const [name, description] of [
    ['flatten', 'pause and close every open position, of one account or of all'],
    ['pause', 'refuse new entries (closes and protection go on), on one account or on all'],
    ['resume', 'accept entries again, on one account or on all'],
  ] as const) {
    common(
      program
        .command(name)
        .description(description)
        .addOption(new Option('--account <id>', 'one account').conflicts('all'))
        .addOption(new Option('--all', 'every account')),
    ).action((o: CommonOptions & { account?: string; all?: boolean }) => {
      if (!o.all && !o.account) throw new CliError(`${name} needs --account <id> or --all`);
      return run(o, name, o.all ? { all: true } : { account: o.account });
    });
  }
}
