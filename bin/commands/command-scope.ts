// Who the CLI acts as (docs/TENANCY.md): without `--user`, the deployment's first owner (the AWS
// credentials it runs with); with `--user E`, E's tenant and role. Each command that reads or acts
// on accounts names the capability it needs here, so one table says what a viewer or a trader may
// run. A command absent from it never touches a tenant's accounts (download, users, the upgrade):
// `--user` is refused there rather than silently ignored.
import type { Command } from 'commander';
import type { Capability } from '../../shared/core/domain/tenant';

export const COMMAND_CAPABILITY: Readonly<Record<string, Capability>> = {
  'account add': 'configure', // live keys: also 'keys' (the command asks when it has keys)
  'account list': 'read',
  'account url': 'read',
  'account rotate-token': 'keys',
  'account set': 'configure',
  'account pause': 'trade',
  'account resume': 'trade',
  'account flatten': 'trade',
  'account close': 'trade',
  'account reduce': 'trade',
  'account move-stop': 'trade',
  'account move-target': 'trade',
  'account paper-reset': 'configure',
  'account rename': 'configure',
  'account delete': 'keys',
  'order cancel': 'trade',
  flatten: 'trade',
  pause: 'trade',
  resume: 'trade',
  orders: 'read',
  trades: 'read',
  events: 'read',
  positions: 'read',
  status: 'read',
  report: 'read',
  'risk show': 'read',
  'risk set': 'configure',
  'risk reset': 'trade',
  'strategy list': 'read',
  'strategy enable': 'configure',
  'strategy disable': 'configure',
  'strategy compare': 'read',
  // live funding arbitrage: a plan opens positions on two accounts, as a strategy subscription does
  'arb add': 'configure',
  'arb list': 'read',
  'arb enable': 'configure',
  'arb disable': 'configure',
  'arb remove': 'configure',
  'strategy quality': 'read',
  'exchange smoke': 'keys',
  'alert test': 'trade',
  // where the tenant's money news goes, with a secret (the Discord webhook): owner only
  'notify set': 'keys',
  'notify show': 'keys',
  'notify test': 'keys',
  // a member links their own Telegram account; the bot then holds it to their role
  'telegram link': 'read',
  // no account is touched, but --user puts the run on the member's tenant's plan (backtestsPerDay):
  // spending the tenant's allowance is the strategy work of a trader or owner, not a viewer's
  // (read-only: they spend nothing of the tenant's)
  backtest: 'configure',
  optimize: 'configure',
  'walk-forward': 'configure',
  montecarlo: 'configure',
};

/** `account add`, `risk show`: the command's words below the program. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
