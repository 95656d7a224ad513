// The command line: thin commands over the same use cases the functions run. `--json` prints one
// machine-readable JSON document; without it, a short human summary. Exchange keys never come as
// arguments (bin/commands/exchange-keys.ts).
import { Command, Option } from 'commander';
import { DEFAULT_PAPER_SETTINGS, EXCHANGE_IDS, type ExchangeId } from '../shared/core/domain/account';
import { systemClock } from '../shared/core/ports/runtime';
import { FIRST_TENANT_ID } from '../shared/core/domain/tenant';
import { AccountInputError, AccountQueries, CreateAccount, RotateWebhookToken } from '../shared/core/control/accounts';
import { RiskSettingError } from '../shared/core/risk/overrides';
import { ForbiddenActionError, NotFoundError, PlanLimitError } from '../shared/core/errors';
import { CliError, resolveTarget, scopeCommand } from './cli-target';
import { COMMAND_CAPABILITY, commandPath } from './commands/command-scope';
import { registerAlertCommands } from './commands/alert-commands';
import { registerArbCommands } from './commands/arb-commands';
import { registerBacktestCommands } from './commands/backtest-commands';
import { registerExchangeCommands } from './commands/exchange-commands';
import { registerOperatorCommands } from './commands/operator-commands';
import { accountKeys } from './commands/account-keys';
import { KEY_WAYS, readExchangeKeys, refusedKeyOption } from './commands/exchange-keys';
import { registerReportCommands } from './commands/report-commands';
import { registerAccountControlCommands, registerRiskCommands } from './commands/risk-commands';
import { registerStatusCommands } from './commands/status-commands';
import { registerStrategyCommands } from './commands/strategy-commands';
import { registerStrategyAiCommands } from './commands/strategy-ai-commands';
import { registerUpgradeCommands } from './commands/upgrade-commands';
import { registerUserCommands } from './commands/user-commands';
import { registerPlanCommands } from './commands/plan-commands';
import { registerNotifyCommands } from './commands/notify-commands';
import { registerTelegramCommands } from './commands/telegram-commands';

interface GlobalOptions {
  json?: boolean;
  stage?: string;
}

const program = new Command();
program
  .name('npm run cli --')
  .description('Manage accounts and inspect positions, orders and trades (local stack by default).')
  .option(
    '--user <email>',
    "act for this console user: only their tenant's accounts, within their role (default: the deployment's first owner)",
  )
  .showHelpAfterError()
  // The scope is resolved once per run, where the target is (bin/cli-target.ts); here only what is asked.
  .hook('preAction', (_program, action) => {
    const path = commandPath(action);
    scopeCommand(path, COMMAND_CAPABILITY[path], program.opts<{ user?: string }>().user);
  });

const withCommon = (cmd: Command) =>
  cmd
    .option('--json', 'print machine-readable JSON')
    .option('--stage <stage>', 'a deployed stage (dev|prod) instead of the local stack');

/** POST /webhook/{account}/{secret}: the token as the URL's last segment (base64url: no escaping needed). */
const ownWebhookUrl = (webhookUrl: string, accountId: string, token: string): string =>
  `${webhookUrl.replace(/\/+$/, '')}/${encodeURIComponent(accountId)}/${token === '<token>' ? token : encodeURIComponent(token)}`;

function print(opts: GlobalOptions, data: unknown, human: () => string): void {
  console.log(opts.json ? JSON.stringify(data, null, 2) : human());
}

const account = program.command('account').description('exchange accounts');

withCommon(
  account
    .command('add')
    .description('register an account; prints its id and webhook token once')
    .addOption(new Option('--exchange <id>', 'exchange').choices(EXCHANGE_IDS as string[]).makeOptionMandatory())
    .requiredOption('--name <name>', 'a name for the account')
    .option('--balance <amount>', 'paper only: starting balance in USDT', '10000')
    .option('--testnet', 'use the exchange testnet/sandbox', false)
    .option('--max-leverage <n>', 'leverage cap for this account', '20')
    .option('--size-percent <n>', 'default position margin as percent of equity', '10')
    .option('--taker-fee <rate>', 'paper only: taker fee as a fraction (0.0005 = 0.05 %)', '0.0005')
    .option('--slippage-bps <bps>', 'paper only: adverse slippage on market fills, basis points', '2')
    .option(
      '--require-time',
      'refuse webhook alerts without "time" (replay protection; default: on in prod, off in dev and locally)',
    )
    .option('--no-require-time', 'accept webhook alerts without "time" even in prod')
    .addHelpText('after', `\nLive exchanges' keys (never as arguments): ${KEY_WAYS}.`),
).action(
  async (
    o: GlobalOptions & {
      exchange: ExchangeId;
      name: string;
      balance: string;
      testnet: boolean;
      maxLeverage: string;
      sizePercent: string;
      takerFee: string;
      slippageBps: string;
      requireTime?: boolean;
    },
  ) => {
    const target = await resolveTarget(o.stage);
    // Registering exchange keys is the owner's (a trader may add paper accounts).
    if (o.exchange !== 'paper') target.require('keys');
    // Asked only once the target is known, so a missing stack is said before anyone types a key.
    // For --user E, E's fresh second factor first (docs/TENANCY.md "Second factor for money moves").
    const credentials = await accountKeys(o.exchange, target.scope, {
      prove: async (email) => (await import('./commands/second-factor')).secondFactorOf(o.stage, email),
      readKeys: (exchange) =>
        readExchangeKeys(exchange, { env: process.env, stdin: process.stdin, prompts: process.stderr }),
    });
    // Live keys are checked against the exchange (balance read, permissions, one-way mode) before storage.
    // ccxt loads only when a live account is added: every other command starts ≈0.3 s faster.
    const keyChecker = credentials
      ? new (await import('../shared/adapters/exchange/key-check')).CcxtKeyChecker({
          clock: systemClock,
          ...(target.exchangeApiUrl ? { apiUrl: target.exchangeApiUrl } : {}),
        })
      : undefined;
    const { buildTenancy, plansOf } = await import('../shared/runtime/tenancy');
    const useCase = new CreateAccount({
      accounts: target.repos.accounts,
      vault: target.vault,
      audit: target.repos.audit,
      clock: systemClock,
      tenants: target.tenants,
      ...(keyChecker ? { keyChecker } : {}),
      // a live account takes a live slot of the tenant's plan (docs/TENANCY.md "Plans and usage")
      plans: buildTenancy(target.repos.documentClient, target.stage, plansOf(process.env.PLANS), systemClock).guard,
    });
    const {
      account: view,
      token,
      keyCheck,
    } = await useCase.execute({
      tenantId: target.scope.tenantId,
      name: o.name,
      exchange: o.exchange,
      testnet: o.testnet,
      balance: o.balance,
      ...(credentials ? { credentials } : {}),
      settings: {
        maxLeverage: Number(o.maxLeverage),
        defaultSizePercent: Number(o.sizePercent),
        ...(o.requireTime !== undefined ? { requireTime: o.requireTime } : {}),
        ...(o.exchange === 'paper'
          ? {
              paper: {
                ...DEFAULT_PAPER_SETTINGS,
                takerFeeRate: Number(o.takerFee),
                slippageBps: Number(o.slippageBps),
              },
            }
          : {}),
      },
    });
    const webhookUrl = target.webhookUrl ?? '(the stage output WebhookUrl)';
    // The account's own URL carries its token: the only way TradingView's default message can authenticate.
    const accountUrl = ownWebhookUrl(webhookUrl, view.accountId, token);
    // With static egress the exchange sees one address: the key should allow only that one.
    const egressIp = credentials ? await target.egressIp() : undefined;
    const example = {
      token,
      account: view.accountId,
      action: 'long',
      symbol: '{{ticker}}',
      id: '{{strategy.order.id}}-{{timenow}}',
      time: '{{timenow}}',
      price: '{{close}}',
    };
    print(
      o,
      {
        id: view.accountId,
        token,
        account: view,
        webhookUrl,
        accountUrl,
        exampleMessage: example,
        ...(keyCheck ? { keyCheck } : {}),
        ...(egressIp ? { egressIp } : {}),
      },
      () =>
        [
          `account ${view.accountId} (${view.name}, ${view.exchange}${view.testnet ? ' testnet' : ''}) created`,
          ...(keyCheck
            ? [
                `keys checked: balance ${keyCheck.balance.equity} ${keyCheck.balance.currency}; stored encrypted`,
                ...keyCheck.warnings.map((w) => `warning: ${w}`),
              ]
            : []),
          ...(egressIp ? [`exchange key IP restriction: allow ${egressIp} (this stage's fixed egress IP)`] : []),
          `webhook token (shown once, store it now): ${token}`,
          `webhook URL: ${webhookUrl}`,
          `TradingView alert message:`,
          JSON.stringify(example),
          `the account's own URL (holds the token: keep it as secret as the token; the body then needs no token,`,
          `and TradingView's default strategy message works after: account set ${view.accountId} --default-message on):`,
          accountUrl,
        ].join('\n'),
    );
  },
);

withCommon(
  account
    .command('rotate-token')
    .description('replace the webhook token; prints the new one once')
    .requiredOption('--account <id>'),
).action(async (o: GlobalOptions & { account: string }) => {
  const target = await resolveTarget(o.stage);
  const { accountId, token } = await new RotateWebhookToken({
    accounts: target.repos.accounts,
    audit: target.repos.audit,
    clock: systemClock,
  }).execute(o.account);
  const accountUrl = ownWebhookUrl(target.webhookUrl ?? '(the stage output WebhookUrl)', accountId, token);
  print(
    o,
    { id: accountId, token, accountUrl },
    () =>
      `new webhook token for ${accountId} (shown once; update your TradingView alerts): ${token}\nthe account's own URL: ${accountUrl}\nthe previous token no longer works (deployed webhooks may accept it for up to 30 s from their cache)`,
  );
});

withCommon(
  account
    .command('url')
    .description("the account's webhook URLs (its own URL needs the token, shown once by add and rotate-token)")
    .requiredOption('--account <id>'),
).action(async (o: GlobalOptions & { account: string }) => {
  const target = await resolveTarget(o.stage);
  const found = await target.repos.accounts.get(o.account);
  if (!found) throw new CliError(`no account ${o.account}`);
  const webhookUrl = target.webhookUrl ?? '(the stage output WebhookUrl)';
  const accountUrl = ownWebhookUrl(webhookUrl, found.accountId, '<token>');
  const defaultMessage = found.settings.defaultMessage === true;
  print(o, { accountId: found.accountId, webhookUrl, accountUrl, defaultMessage }, () =>
    [
      `webhook URL (token and account in the body): ${webhookUrl}`,
      `the account's own URL (the token in place of <token>; the body needs none): ${accountUrl}`,
      `TradingView's default strategy message on it: ${defaultMessage ? 'accepted' : `refused (account set ${found.accountId} --default-message on)`}`,
      'the token is shown once (account add, account rotate-token) and never stored: rotate it if it is lost',
    ].join('\n'),
  );
});

withCommon(account.command('list').description('list accounts')).action(async (o: GlobalOptions) => {
  const target = await resolveTarget(o.stage);
  // The tenant's accounts come from its index: a deployment from before tenancy has none until upgraded.
  const accounts = await queries(target).list();
  const notUpgraded = accounts.length === 0 && !(await target.tenants.tenant(FIRST_TENANT_ID));
  print(o, accounts, () =>
    accounts.length
      ? accounts
          .map((a) => `${a.accountId}  ${a.name}  ${a.exchange}${a.testnet ? ' (testnet)' : ''}  ${a.status}`)
          .join('\n')
      : notUpgraded
        ? 'no accounts listed: this deployment is from before tenancy; run `npm run cli -- upgrade tenancy` once'
        : 'no accounts',
  );
});

/** A read-only listing of one account: fetch the rows, print JSON or one line per row. */
function accountListing<T>(
  name: string,
  description: string,
  load: (q: AccountQueries, accountId: string, limit: number) => Promise<T[]>,
  line: (row: T) => string,
  empty: string,
): void {
  withCommon(
    program
      .command(name)
      .description(description)
      .requiredOption('--account <id>')
      .option('--limit <n>', 'how many', '50'),
  ).action(async (o: GlobalOptions & { account: string; limit: string }) => {
    const rows = await load(queries(await resolveTarget(o.stage)), o.account, Number(o.limit));
    print(o, rows, () => (rows.length ? rows.map(line).join('\n') : empty));
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

accountListing(
  'orders',
  'orders of an account, newest first',
  (q, id, limit) => q.orders(id, limit),
  (r) =>
    `${iso(r.createdAt)}  ${r.clientOrderId}  ${r.leg}  ${r.type} ${r.side} ${r.amount} ${r.symbol}  ${r.status}${r.averagePrice ? ` @ ${r.averagePrice}` : ''}`,
  'no orders',
);

accountListing(
  'trades',
  'trades of an account, newest first',
  (q, id, limit) => q.trades(id, limit),
  (t) =>
    `${iso(t.openedAt)}  ${t.symbol} ${t.side} ${t.status}  entry ${t.entryPrice}${t.exitPrice ? ` exit ${t.exitPrice}` : ''}  P&L ${t.realizedPnl}${t.roiPct !== undefined ? ` (${t.roiPct}%)` : ''}${t.algo ? `  ${t.algo.kind.toUpperCase()} ${t.algo.filledSlices}/${t.algo.slices} slices` : ''}${t.arb ? `  funding arb #${t.arb.round} ${t.arb.leg} (${t.arb.planId})` : ''}`,
  'no trades',
);

accountListing(
  'events',
  'audit trail of an account, newest first',
  (q, id, limit) => q.events(id, limit),
  (e) => `${iso(e.at)}  ${e.type}  ${e.message}`,
  'no events',
);

registerAccountControlCommands(account);
registerRiskCommands(program);
registerReportCommands(program);
registerBacktestCommands(program);
registerStrategyCommands(program);
registerStrategyAiCommands(program);
registerExchangeCommands(program);
registerUserCommands(program);
registerUpgradeCommands(program);
registerOperatorCommands(program, account);
registerStatusCommands(program);
registerAlertCommands(program);
registerPlanCommands(program);
registerNotifyCommands(program);
registerTelegramCommands(program);
registerArbCommands(program);

function queries(target: Awaited<ReturnType<typeof resolveTarget>>): AccountQueries {
  const { accounts, positions, orders, trades, audit } = target.repos;
  return new AccountQueries({ accounts, positions, orders, trades, audit });
}

// Refused before anything runs: the key is already in the shell history, but is used nowhere.
const refused = refusedKeyOption(process.argv.slice(2));
if (refused) {
  console.error(`error: ${refused}`);
  process.exit(1);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Known input problems get their message; anything else only its class, since an SDK error
  // could quote a request that carried credentials.
  const message =
    error instanceof CliError ||
    error instanceof AccountInputError ||
    error instanceof RiskSettingError ||
    error instanceof NotFoundError ||
    error instanceof ForbiddenActionError ||
    error instanceof PlanLimitError
      ? error.message
      : `failed: ${error instanceof Error ? error.name : 'error'}`;
  console.error(`error: ${message}`);
  process.exit(1);
}
