// The CLI's scope: without --user the first tenant's owner; with it, the member the tenants table
// names, held to their role's capabilities before anything is read or written.
import { CliError, resolveScope, scopeCommand } from '../../../bin/cli-target';
import { COMMAND_CAPABILITY } from '../../../bin/commands/command-scope';
import type { TenantMember } from '../../../shared/core/tenancy/ports';

const members: Record<string, TenantMember> = {
  'vi@example.com': { tenantId: 't00000000aa', userId: 'sub-vi', email: 'vi@example.com', role: 'viewer', addedAt: 1 },
  'tr@example.com': { tenantId: 't00000000aa', userId: 'sub-tr', email: 'tr@example.com', role: 'trader', addedAt: 1 },
};
const directory = { memberByEmail: async (email: string) => members[email] };

it("acts as the first tenant's owner without --user", async () => {
  expect(await resolveScope(directory, { command: 'account rotate-token', capability: 'keys' })).toEqual({
    tenantId: 'acc',
    role: 'owner',
    userId: 'cli',
  });
});

it("takes --user's tenant and role (the email as typed, any case)", async () => {
  expect(await resolveScope(directory, { command: 'orders', capability: 'read', email: ' TR@example.com' })).toEqual({
    tenantId: 't00000000aa',
    role: 'trader',
    userId: 'sub-tr',
    email: 'tr@example.com',
  });
});

it.each([
  ['vi@example.com', 'account pause', 'trade'],
  ['vi@example.com', 'risk set', 'configure'],
  ['tr@example.com', 'account rotate-token', 'keys'],
  ['tr@example.com', 'account delete', 'keys'],
] as const)('refuses %s running `%s` (needs %s), naming the role', async (email, command, capability) => {
  const error = await resolveScope(directory, { command, capability, email }).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(CliError);
  expect((error as Error).message).toContain(`the ${capability} capability`);
  expect((error as Error).message).toMatch(/is a (viewer|trader) of tenant t00000000aa/);
});

it('refuses an unknown --user', async () => {
  const error = await resolveScope(directory, {
    command: 'orders',
    capability: 'read',
    email: 'nobody@example.com',
  }).catch((e: unknown) => e);

  expect((error as Error).message).toBe('--user: no user nobody@example.com in any tenant (`user list` shows them)');
});

it("refuses --user on a command that acts on no tenant's accounts", () => {
  expect(() => scopeCommand('download', COMMAND_CAPABILITY['download'], 'tr@example.com')).toThrow(
    '--user does not apply to `download`',
  );
  expect(() => scopeCommand('download', COMMAND_CAPABILITY['download'], undefined)).not.toThrow();
});

it("takes --user on the backtest runs, which go on the tenant's plan: a trader or owner runs them, a viewer is refused naming the role", async () => {
  for (const command of ['backtest', 'optimize', 'walk-forward', 'montecarlo']) {
    const capability = COMMAND_CAPABILITY[command];
    expect(() => scopeCommand(command, capability, 'vi@example.com')).not.toThrow();
    expect(await resolveScope(directory, { command, capability, email: 'tr@example.com' })).toMatchObject({
      tenantId: 't00000000aa',
      role: 'trader',
    });
    expect(await resolveScope(directory, { command, capability })).toMatchObject({ role: 'owner' });
    const refused = await resolveScope(directory, { command, capability, email: 'vi@example.com' }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(CliError);
    expect((refused as Error).message).toBe(
      `vi@example.com is a viewer of tenant t00000000aa: \`${command}\` needs the configure capability`,
    );
  }
});
