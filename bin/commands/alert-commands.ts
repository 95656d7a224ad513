// `alert test`: a sample alert through the real webhook over HTTP, and what became of it (the core's
// AlertTester; docs/SIGNALS.md "alert test"). The CLI holds no webhook token: the test's one-time
// token is made, stored as a hash and cleared by AlertTester.
import type { Command } from 'commander';
import { DynamoAlertLog } from '../../shared/adapters/dynamodb/alert-log';
import { InvalidArgumentError, NotFoundError } from '../../shared/core/errors';
import { systemClock } from '../../shared/core/ports/runtime';
import { fetchAlertSender } from '../../shared/adapters/http/alert-sender';
import { AlertTester, type AlertTestResult } from '../../shared/core/signal/alert-test';
import { tableName } from '../../shared/platform/resource-names';
import { CliError, resolveTarget } from '../cli-target';
import { common, print, type CommonOptions } from './options';

export function registerAlertCommands(program: Command): void {
  const alert = program.command('alert').description("alerts: test one through the stage's webhook");
  common(
    alert
      .command('test')
      .description(
        'send a sample alert through the real webhook and print what became of it (refused, queued, executed, rejected)',
      )
      .requiredOption('--account <id>')
      .option(
        '--body <json>',
        'the alert to send, a JSON object without token (default on paper accounts: a long of 5% of equity with a 2% stop)',
      )
      .option('--timeout <seconds>', 'how long to follow the signal', '30')
      .option('--webhook-url <url>', "the stage's webhook URL (the stack output WebhookUrl; locally found by itself)"),
  ).action(async (o: CommonOptions & { account: string; body?: string; timeout: string; webhookUrl?: string }) => {
    const timeout = Number(o.timeout);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 600)
      throw new CliError('--timeout must be a whole number of seconds 1..600');
    const target = await resolveTarget(o.stage);
    const webhookUrl = o.webhookUrl ?? process.env.WEBHOOK_URL ?? target.webhookUrl;
    if (!webhookUrl)
      throw new CliError(
        "give the stage's webhook URL: --webhook-url <url> or WEBHOOK_URL (the stack output WebhookUrl)",
      );
    if (!/^https?:\/\/[^\s]+\/webhook\/?$/.test(webhookUrl))
      throw new CliError(`--webhook-url must be the webhook's URL ending in /webhook, not "${webhookUrl}"`);
    const { accounts, signals, orders, audit, documentClient } = target.repos;
    const tester = new AlertTester({
      accounts,
      alerts: new DynamoAlertLog(documentClient, tableName(target.stage, 'alerts')),
      signals,
      orders,
      audit,
      clock: systemClock,
      send: fetchAlertSender,
      webhookUrl: webhookUrl.replace(/\/$/, ''),
    });
    const result = await tester
      .execute({ accountId: o.account, ...(o.body !== undefined ? { body: o.body } : {}), timeoutMs: timeout * 1000 })
      .catch((error: unknown) => {
        // Our own refusals name the option at fault; anything else stays the launcher's "failed: <class>".
        if (error instanceof InvalidArgumentError || error instanceof NotFoundError)
          throw new CliError(error.message.replace(/^body /, '--body: '));
        throw error;
      });
    print(o, result, () => human(result));
    if (result.outcome === 'refused' || result.outcome === 'rejected') process.exitCode = 2;
  });
}

function human(r: AlertTestResult): string {
  const sent = `sent ${JSON.stringify(r.sent)} → HTTP ${r.httpStatus}`;
  switch (r.outcome) {
    case 'refused':
      return `${sent}\nrefused by the webhook: ${r.reason ?? ''}`;
    case 'rejected':
      return `${sent}\nsignal ${r.signalId} rejected by the executor: ${r.reason ?? ''}`;
    case 'executed':
      return [
        sent,
        `signal ${r.signalId} executed; orders:`,
        ...(r.orders ?? []).map(
          (x) =>
            `  ${x.leg.padEnd(6)} ${x.side.padEnd(4)} ${x.type.padEnd(20)} ${x.amount}${x.triggerPrice ? ` @ ${x.triggerPrice}` : ''}  ${x.status}${x.averagePrice ? ` (avg ${x.averagePrice})` : ''}`,
        ),
      ].join('\n');
    default:
      return `${sent}\nsignal ${r.signalId} ${r.outcome}${r.signalStatus ? ` (${r.signalStatus})` : ''}${r.final ? '' : '; not final yet: follow it with `events --account ' + r.accountId + '`'}`;
  }
}
