// `account add`'s keys for `--user E`: E's second factor is proven before any key is read, and a
// refused proof reads (so stores) nothing. The proof itself (a TOTP sign-in through the console's
// pool) is test/integration/auth/cli-second-factor.int.test.ts's.
import { accountKeys } from '../../../../bin/commands/account-keys';
import { CliError } from '../../../../bin/cli-target';
import type { ExchangeId } from '../../../../shared/core/domain/account';

function recorder(proof: () => Promise<number> = async () => 1_700_000_000_000) {
  const calls: string[] = [];
  return {
    calls,
    deps: {
      prove: async (email: string) => {
        calls.push(`prove ${email}`);
        return proof();
      },
      readKeys: async (exchange: ExchangeId) => {
        calls.push(`read ${exchange}`);
        return { apiKey: 'k', secret: 's' };
      },
    },
  };
}

it('proves E’s second factor before reading the keys of a live account added for --user E', async () => {
  const { calls, deps } = recorder();
  expect(await accountKeys('binanceusdm', { email: 'e@example.com' }, deps)).toEqual({ apiKey: 'k', secret: 's' });
  expect(calls).toEqual(['prove e@example.com', 'read binanceusdm']);
});

it('reads no key when the second factor is refused', async () => {
  const { calls, deps } = recorder(async () => {
    throw new CliError('the sign-in was refused (CodeMismatchException)');
  });
  await expect(accountKeys('okx', { email: 'e@example.com' }, deps)).rejects.toThrow('CodeMismatchException');
  expect(calls).toEqual(['prove e@example.com']);
});

it('asks no second factor of the operator (no --user): the keys only', async () => {
  const { calls, deps } = recorder();
  await accountKeys('bybit', {}, deps);
  expect(calls).toEqual(['read bybit']);
});

it('asks neither keys nor a second factor for a paper account', async () => {
  const { calls, deps } = recorder();
  expect(await accountKeys('paper', { email: 'e@example.com' }, deps)).toBeUndefined();
  expect(calls).toEqual([]);
});
