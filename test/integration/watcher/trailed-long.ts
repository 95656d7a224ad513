// A paper long with a 1 % emulated trail, opened on a running local stack the way a user does it:
// an account created with its webhook token, a `long … trail: 1%` alert posted to the webhook, then
// the book polled until the trail is armed. Shared by the watcher's local-stack test and its bench
// (bench/watcher.ts), which then move the price and watch the stop follow.
import type { LocalDiscovery } from '../../../bin/local/stack';
import { LocalKeyVault } from '../../../shared/adapters/keyvault/local-key-vault';
import { CreateAccount } from '../../../shared/core/control/accounts';
import { systemClock } from '../../../shared/core/ports/runtime';
import { buildRepositories, dynamoClient } from '../../../shared/runtime/repositories';

export const BTC = 'BTC/USDT:USDT';

/** Polls until `read` satisfies `ok`; fails with the last value seen after `limitMs` (a hang, not a slow machine). */
export async function until<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  limitMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const started = Date.now();
  let value = await read();
  while (!ok(value)) {
    if (Date.now() - started > limitMs)
      throw new Error(`not reached within ${limitMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, everyMs));
    value = await read();
  }
  return value;
}

export async function openTrailedLong(
  discovery: LocalDiscovery,
  options: { name: string; balance: number; alertId: string },
) {
  const repos = buildRepositories(
    dynamoClient({ stage: discovery.stage, region: discovery.region, endpoint: discovery.dynamoEndpoint }),
    discovery.stage,
  );
  const { account, token } = await new CreateAccount({
    accounts: repos.accounts,
    vault: LocalKeyVault.open(discovery.localKeyFile),
    audit: repos.audit,
    clock: systemClock,
  }).execute({ name: options.name, exchange: 'paper', balance: options.balance });
  const res = await fetch(discovery.webhookUrl, {
    method: 'POST',
    body: JSON.stringify({
      token,
      account: account.accountId,
      action: 'long',
      symbol: 'BTCUSDT.P',
      id: options.alertId,
      trail: '1%',
    }),
  });
  // the status only: the body is not echoed (the request carried the account's token)
  if (res.status !== 202) throw new Error(`the webhook answered ${res.status}, not 202`);
  const position = () => repos.positions.get(account.accountId, BTC);
  const armed = await until(position, (p) => p?.stopLoss?.emulatedTrail === true);
  return { repos, account, position, armed };
}
