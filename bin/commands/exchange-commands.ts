// `exchange smoke`: the first contact with an exchange's testnet/demo through the same adapter the
// executor uses (shared/adapters/exchange/smoke-check.ts), a pass/fail line per step. It needs the
// account's keys as `account add` does (never as arguments): the CLI decrypts nothing.
import type { Command } from 'commander';
import { systemClock } from '../../shared/core/ports/runtime';
import { CliError, resolveTarget } from '../cli-target';
import { KEY_WAYS, readExchangeKeys } from './exchange-keys';
import { common, print, type CommonOptions } from './options';

export function registerExchangeCommands(program: Command): void {
  const exchange = program.command('exchange').description('check a live exchange account');
  common(
    exchange
      .command('smoke')
      .description(
        'on a testnet/demo account: place a far limit and a far stop, find both by client id, cancel both, read fills, position mode and leverage; nothing is left open',
      )
      .requiredOption('--account <id>')
      .option('--symbol <symbol>', 'the market to use (ccxt symbol)', 'BTC/USDT:USDT')
      .addHelpText('after', `\nThe account's keys (never as arguments): ${KEY_WAYS}.`),
  ).action(async (o: CommonOptions & { account: string; symbol: string }) => {
    const target = await resolveTarget(o.stage);
    const account = await target.repos.accounts.get(o.account);
    if (!account) throw new CliError(`no account ${o.account}`);
    if (account.exchange === 'paper') throw new CliError('a paper account has no exchange to check');
    if (account.exchange === 'upbit')
      throw new CliError(
        'Upbit has no testnet or demo environment: the smoke check would place real orders, so it is not offered',
      );
    // Real orders on a real account, however far from the market, are not a smoke test.
    if (!account.testnet && !target.exchangeApiUrl)
      throw new CliError(
        `account ${o.account} is a mainnet account: the smoke check runs on testnet/demo accounts only`,
      );
    const credentials = await readExchangeKeys(account.exchange, {
      env: process.env,
      stdin: process.stdin,
      prompts: process.stderr,
    });
    const [{ CcxtExchangeAdapter }, { runSmokeCheck }] = await Promise.all([
      import('../../shared/adapters/exchange/ccxt-exchange'),
      import('../../shared/adapters/exchange/smoke-check'),
    ]);
    const adapter = new CcxtExchangeAdapter({
      id: account.exchange,
      credentials,
      testnet: account.testnet,
      marginMode: 'isolated',
      clock: systemClock,
      ...(target.exchangeApiUrl ? { apiUrl: target.exchangeApiUrl } : {}),
    });
    const runId = systemClock.now().toString(36);
    const steps = await runSmokeCheck(adapter, { symbol: o.symbol, runId, now: () => systemClock.now() });
    const failed = steps.filter((s) => !s.ok).length;
    print(
      o,
      {
        account: o.account,
        exchange: account.exchange,
        symbol: o.symbol,
        passed: steps.length - failed,
        failed,
        steps,
      },
      () =>
        [
          ...steps.map((s) => `${s.ok ? 'pass' : 'FAIL'}  ${s.step}: ${s.detail}`),
          `smoke check: ${steps.length - failed} of ${steps.length} steps passed`,
        ].join('\n'),
    );
    if (failed > 0) process.exitCode = 1;
  });
}
