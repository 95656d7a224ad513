// The exchange keys `account add` registers (docs/TENANCY.md "Second factor for money moves"):
// for `--user E` they are E's money, so E's fresh second factor is proven BEFORE anyone types or
// pipes a key (a refused sign-in leaves nothing read and nothing stored). Without `--user` the
// deployment's operator acts with the AWS credentials they hold, unchanged; paper accounts take
// no keys and so no second factor.
import type { ExchangeCredentials, ExchangeId } from '../../shared/core/domain/account';

export interface AccountKeysDeps {
  /** proves E's TOTP sign-in (bin/commands/second-factor.ts secondFactorOf); its time, epoch ms */
  prove: (email: string) => Promise<number>;
  /** the live keys (bin/commands/exchange-keys.ts readExchangeKeys) */
  readKeys: (exchange: ExchangeId) => Promise<ExchangeCredentials>;
}

/** The keys of a new account: none for paper; for `--user E`, read only once E proved their factor. */
export async function accountKeys(
  exchange: ExchangeId,
  scope: { email?: string },
  deps: AccountKeysDeps,
): Promise<ExchangeCredentials | undefined> {
  if (exchange === 'paper') return undefined;
  if (scope.email !== undefined) await deps.prove(scope.email);
  return deps.readKeys(exchange);
}
