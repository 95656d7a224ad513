// A tenant's notification channels from the CLI (docs/TENANCY.md, Notifications):
//   notify set [--user E] [--telegram-chat ID…|none] [--discord-webhook|--no-discord] [--email E…|none]
//              [--quiet-hours HH:MM-HH:MM|none --time-zone ZONE]
//   notify show [--user E]     the settings, the Discord webhook shown by its id only
//   notify test [--user E]     an info alert on one of the tenant's accounts, told by the notifier
// Owner only (the `keys` capability): the channels are where the tenant's money news goes and the
// webhook is a secret. The webhook URL never comes as an argument (argv is visible to every process
// of the machine and kept in shell histories): NOTIFY_DISCORD_WEBHOOK, else standard input's first line.
import type { Command } from 'commander';
import { tableName } from '../../shared/platform/resource-names';
import { systemClock } from '../../shared/core/ports/runtime';
import {
  maskDiscordWebhookUrl,
  validateTenantNotifySettings,
  type TenantNotifyInput,
  type TenantNotifySettings,
} from '../../shared/core/notify/tenant-settings';
import { FIRST_TENANT_ID } from '../../shared/core/domain/tenant';
import { CliError, resolveTarget, type CliTarget } from '../cli-target';
import { collect, common, print, type CommonOptions } from './options';

interface SetOptions extends CommonOptions {
  telegramChat: string[];
  discordWebhook?: boolean;
  discord?: boolean;
  email: string[];
  quietHours?: string;
  timeZone?: string;
}

async function settingsStore(target: CliTarget) {
  const { DynamoTenantNotifySettingsStore } = await import('../../shared/adapters/dynamodb/tenant-notify-settings');
  return new DynamoTenantNotifySettingsStore(target.repos.documentClient, tableName(target.stage, 'tenants'));
}

/** What `show` prints and `--json` returns: never the webhook's token. */
export function shownSettings(tenantId: string, s: TenantNotifySettings | undefined) {
  return {
    tenantId,
    telegramChatIds: s?.telegramChatIds ?? [],
    discordWebhook: s?.discordWebhookUrl ? maskDiscordWebhookUrl(s.discordWebhookUrl) : null,
    emails: s?.emails ?? [],
    quietHours: s?.quietHours ?? null,
    ...(tenantId === FIRST_TENANT_ID
      ? { note: "the first tenant's events also go to the deployment's channels (the stage config)" }
      : {}),
  };
}

const describe = (v: ReturnType<typeof shownSettings>) =>
  [
    `tenant ${v.tenantId}`,
    `telegram chats: ${v.telegramChatIds.join(', ') || 'none'}`,
    `discord webhook: ${v.discordWebhook ?? 'none'}`,
    `email: ${v.emails.join(', ') || 'none'}`,
    `quiet hours: ${v.quietHours ? `${v.quietHours.start}-${v.quietHours.end} ${v.quietHours.timeZone}` : 'none'}`,
    ...(v.note ? [v.note] : []),
  ].join('\n');

async function readWebhook(env: NodeJS.ProcessEnv, stdin: NodeJS.ReadStream): Promise<string> {
  const fromEnv = env.NOTIFY_DISCORD_WEBHOOK;
  if (fromEnv !== undefined) {
    delete env.NOTIFY_DISCORD_WEBHOOK; // no child process inherits it
    return fromEnv;
  }
  if (stdin.isTTY)
    throw new CliError('--discord-webhook: pipe the URL on standard input or set NOTIFY_DISCORD_WEBHOOK');
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n') || text.length > 4096) break;
  }
  return text.split('\n')[0] ?? '';
}

/** `--quiet-hours 22:00-07:00` → start and end; `none` clears. */
function quietHoursOf(o: SetOptions, previous: TenantNotifySettings | undefined): TenantNotifyInput['quietHours'] {
  if (o.quietHours === undefined) {
    if (o.timeZone !== undefined && !previous?.quietHours) throw new CliError('--time-zone needs --quiet-hours');
    return previous?.quietHours && o.timeZone ? { ...previous.quietHours, timeZone: o.timeZone } : previous?.quietHours;
  }
  if (o.quietHours === 'none') return undefined;
  const m = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(o.quietHours);
  if (!m) throw new CliError('--quiet-hours must be HH:MM-HH:MM (e.g. 22:00-07:00) or none');
  return {
    start: m[1] as string,
    end: m[2] as string,
    timeZone: o.timeZone ?? previous?.quietHours?.timeZone ?? 'UTC',
  };
}

const listOf = (given: string[], previous: string[] | undefined): string[] =>
  given.length === 0 ? (previous ?? []) : given.includes('none') ? [] : given.flatMap((v) => v.split(','));

export function registerNotifyCommands(program: Command): void {
  const notify = program.command('notify').description("the tenant's notification channels (owner)");

  common(
    notify
      .command('set')
      .description('set where the tenant is told (only the channels given change)')
      .option(
        '--telegram-chat <id>',
        'a Telegram chat id for the deployment bot (repeatable; none clears)',
        collect,
        [],
      )
      .option('--discord-webhook', 'set the Discord webhook: its URL from NOTIFY_DISCORD_WEBHOOK or standard input')
      .option('--no-discord', 'remove the Discord webhook')
      .option('--email <address>', 'an e-mail recipient (repeatable; none clears)', collect, [])
      .option('--quiet-hours <HH:MM-HH:MM>', 'hold non-critical messages in this window (none clears)')
      .option('--time-zone <zone>', "the quiet hours' IANA zone (default UTC)"),
  ).action(async (o: SetOptions) => {
    const target = await resolveTarget(o.stage);
    const store = await settingsStore(target);
    const { tenantId } = target.scope;
    // The first tenant's events go to the deployment's channels (the stage config): settings of its
    // own would be stored and never used.
    if (tenantId === FIRST_TENANT_ID)
      throw new CliError(
        "tenant acc's channels are the deployment's: TELEGRAM_CHAT_IDS, the Discord webhook secret and notifyEmail in the stage config",
      );
    const previous = await store.get(tenantId);
    const webhook =
      o.discordWebhook === true
        ? await readWebhook(process.env, process.stdin)
        : o.discord === false
          ? ''
          : previous?.discordWebhookUrl;
    const quietHours = quietHoursOf(o, previous);
    let settings: TenantNotifySettings;
    try {
      settings = validateTenantNotifySettings(
        {
          telegramChatIds: listOf(o.telegramChat, previous?.telegramChatIds),
          emails: listOf(o.email, previous?.emails),
          ...(webhook !== undefined ? { discordWebhookUrl: webhook } : {}),
          ...(quietHours ? { quietHours } : {}),
        },
        systemClock.now(),
        // the local stack's fake Discord listens on 127.0.0.1
        { allowLocalDiscord: o.stage === undefined },
      );
    } catch (error) {
      throw new CliError(error instanceof Error ? error.message : String(error));
    }
    await store.put(tenantId, settings);
    const view = shownSettings(tenantId, settings);
    print(o, view, () => describe(view));
  });

  common(notify.command('show').description("the tenant's channels (the Discord webhook by its id only)")).action(
    async (o: CommonOptions) => {
      const target = await resolveTarget(o.stage);
      const view = shownSettings(target.scope.tenantId, await (await settingsStore(target)).get(target.scope.tenantId));
      print(o, view, () => describe(view));
    },
  );

  common(
    notify
      .command('test')
      .description("an info alert on one of the tenant's accounts: the notifier tells it on the tenant's channels"),
  ).action(async (o: CommonOptions) => {
    const target = await resolveTarget(o.stage);
    const [first] = await target.repos.accounts.list();
    if (!first)
      throw new CliError(
        `tenant ${target.scope.tenantId} has no account: the notifier routes by account, so add one first`,
      );
    const at = systemClock.now();
    await target.repos.audit.append({
      accountId: first.accountId,
      type: 'alert',
      at,
      message: `Test notification for tenant ${target.scope.tenantId}: its channels work`,
      data: { severity: 'info' },
    });
    print(
      o,
      { tenantId: target.scope.tenantId, accountId: first.accountId, at },
      () =>
        `test alert written on ${first.accountId}; the notifier sends it to tenant ${target.scope.tenantId}'s channels${target.scope.tenantId === FIRST_TENANT_ID ? " (the deployment's)" : ''}`,
    );
  });
}
