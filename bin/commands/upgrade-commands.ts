// `upgrade tenancy`: a deployment made before tenancy becomes its first tenant's (docs/TENANCY.md
// "Upgrading a deployment"). Idempotent; prints what it did. The local stack runs the same at start.
import type { Command } from 'commander';
import { CliError, resolveTarget } from '../cli-target';
import { runTenancyUpgrade } from '../tenancy-upgrade';
import { common, print, type CommonOptions } from './options';
import { userPool } from './user-commands';

export function registerUpgradeCommands(program: Command): void {
  const upgrade = program.command('upgrade').description('bring a deployment up to this version (idempotent)');
  common(
    upgrade
      .command('tenancy')
      .description(
        "make a deployment from before tenancy the first tenant's: its meta (unlimited plan), the index of every account, every console user in tenant-acc with member items; no key is rewritten, nothing deleted; safe to run again",
      ),
  ).action(async (o: CommonOptions) => {
    const target = await resolveTarget(o.stage);
    // A deployment without the console has no users to move; anything else about the pool is an error.
    const pool = await userPool(o.stage).catch((error: unknown) => {
      if (error instanceof CliError && /no console user pool|no console sign-in/.test(error.message)) return undefined;
      throw error;
    });
    // Progress goes to stderr with --json, so stdout stays one JSON document.
    const progress = (line: string) => (o.json ? console.error(line) : console.log(line));
    if (!pool) progress('no console user pool: no users to move');
    const report = await runTenancyUpgrade({
      db: target.repos.documentClient,
      stage: target.stage,
      ...(pool ? { cognito: { client: pool.client, userPoolId: pool.userPoolId } } : {}),
      progress,
    });
    const changed = report.tenantCreated || report.indexed + report.joined + report.members > 0;
    print(o, report, () =>
      [
        changed ? 'upgraded: the deployment is tenancy-ready' : 'nothing to do: the deployment was already upgraded',
        ...report.withoutTenant.map((id) => `left as it is (no tenant in its id): account ${id}`),
        ...report.skippedUsers.map((email) => `left for the admin (no single tenant group): user ${email}`),
      ].join('\n'),
    );
  });
}
