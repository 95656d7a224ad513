// `telegram link [--user E]` (docs/TENANCY.md "Telegram"): a one-time code that links the Telegram
// account which sends `/link CODE` to the bot to this member. Printed once; only its SHA-256 is
// stored (the tenants table, ten minutes). Without --user it is the first tenant's owner's code,
// when that tenant has exactly one owner (the deployment's operator is not a member of its own).
import type { Command } from 'commander';
import { FIRST_TENANT_ID } from '../../shared/core/domain/tenant';
import { systemClock } from '../../shared/core/ports/runtime';
import { issueLinkCode, LINK_CODE_TTL_MS } from '../../shared/core/control/telegram-link';
import { CliError, resolveTarget } from '../cli-target';
import { common, iso, print, type CommonOptions } from './options';

export function registerTelegramCommands(program: Command): void {
  const telegram = program.command('telegram').description("the Telegram bot's links to users");
  common(
    telegram
      .command('link')
      .description(
        `a one-time code (valid ${LINK_CODE_TTL_MS / 60_000} minutes) to send the bot as /link CODE: it then obeys that Telegram account as this user (--user E; default: the first tenant's owner)`,
      ),
  ).action(async (o: CommonOptions) => {
    const target = await resolveTarget(o.stage);
    let { tenantId, userId } = target.scope;
    if (target.scope.email === undefined) {
      const owners = (await target.tenants.members(FIRST_TENANT_ID)).filter((m) => m.role === 'owner');
      if (owners.length !== 1)
        throw new CliError(
          `tenant ${FIRST_TENANT_ID} has ${owners.length} owners: name the user with --user <email> (\`user list\` shows them)`,
        );
      ({ tenantId, userId } = owners[0] as { tenantId: string; userId: string });
    }
    const [{ DynamoTelegramLinkStore }, { tableName }] = await Promise.all([
      import('../../shared/adapters/dynamodb/telegram-link-store'),
      import('../../shared/platform/resource-names'),
    ]);
    const links = new DynamoTelegramLinkStore(target.repos.documentClient, tableName(target.stage, 'tenants'));
    const { code, expiresAt } = await issueLinkCode({ links, clock: systemClock }, { tenantId, userId });
    print(o, { code, tenantId, expiresAt }, () =>
      [
        `Link code: ${code}`,
        `Send the bot, in a private chat: /link ${code}`,
        `One use, valid until ${iso(expiresAt)}; it links that Telegram account to this user of tenant ${tenantId}.`,
      ].join('\n'),
    );
  });
}
