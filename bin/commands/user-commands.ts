// Console users: `user add --email E [--team OWNER_EMAIL --role owner|trader|viewer]`, `user list`,
// `user remove --email E`. A user added without --team gets a tenant of their own (the deployment's
// very first user: the first tenant `acc`); the tenants table (members, the email's pointer, the
// tenant's plan) is written beside the Cognito groups (docs/TENANCY.md).
// The same Cognito calls locally (the stand-in found through the discovery file, signed with its
// admin key id) and on a stage (the user pool and app client ids from SSM, the caller's AWS
// credentials). The password comes from a hidden prompt or CONSOLE_PASSWORD, never as an argument
// (`--password` is refused before anything runs, as exchange keys are), and no message quotes it.
import { randomBytes } from 'node:crypto';
import {
  FIRST_TENANT_ID,
  newTenantId,
  tenantGroup,
  tenantOfGroup,
  type TenantId,
} from '../../shared/core/domain/tenant';
import { systemClock } from '../../shared/core/ports/runtime';
import { DEFAULT_PLAN, UNLIMITED_PLAN } from '../../shared/core/tenancy/plan-names';
import type { TenantDirectory } from '../../shared/core/tenancy/ports';
import { Option, type Command } from 'commander';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  consoleClientParameterName,
  consoleUrlParameterName,
  consoleUserPoolParameterName,
} from '../../shared/platform/resource-names';
import { CliError, localDiscovery, resolveTarget } from '../cli-target';
import { promptHidden, type TerminalInput } from './exchange-keys';
import { common, iso, print, type CommonOptions } from './options';

export const CONSOLE_ROLES = ['owner', 'trader', 'viewer'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];
export const PASSWORD_ENV = 'CONSOLE_PASSWORD';

export interface UserPool {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  consoleUrl: string | undefined;
  /** whether the pool asks for TOTP at sign-in */
  mfa: 'off' | 'required' | 'unknown';
  /** the console's app client (a user's own sign-in: the CLI's proof of a second factor) */
  clientId?: string;
}

/**
 * The console user's password: CONSOLE_PASSWORD (then removed from the environment, so no child
 * inherits it), else typed twice at a hidden prompt; without either, what to do.
 */
export async function readConsolePassword(
  email: string,
  sources: {
    env: NodeJS.ProcessEnv;
    stdin: TerminalInput;
    prompts: { write(text: string): unknown };
    /** a sign-in with an existing password: asked once, not twice */
    once?: boolean;
  },
): Promise<string> {
  const fromEnv = sources.env[PASSWORD_ENV];
  if (fromEnv !== undefined) {
    delete sources.env[PASSWORD_ENV];
    if (!fromEnv) throw new CliError(`${PASSWORD_ENV} is empty: set the password in it, or unset it to be asked`);
    return fromEnv;
  }
  if (!sources.stdin.isTTY || !sources.stdin.setRawMode)
    throw new CliError(`no terminal to ask the password at: set ${PASSWORD_ENV} (never pass it as an argument)`);
  const [first, second] = await promptHidden(
    sources.once
      ? [`console password for ${email} (not shown): `]
      : [`console password for ${email} (not shown): `, 'again: '],
    sources.stdin,
    sources.prompts,
  );
  if (!first) throw new CliError('no password entered');
  if (!sources.once && first !== second) throw new CliError('the two passwords differ: nothing was changed');
  return first;
}

export async function userPool(stage: string | undefined): Promise<UserPool> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
  if (!stage) {
    const discovery = localDiscovery(process.env);
    if (!discovery.cognito)
      throw new CliError(
        'the running local stack has no console sign-in (started by an older version): restart `npm start`',
      );
    const { endpoint, region, userPoolId, adminAccessKeyId } = discovery.cognito;
    return {
      // The stand-in takes this key id as IAM's word for the Admin* calls; it never leaves the machine.
      client: new CognitoIdentityProviderClient({
        region,
        endpoint,
        credentials: { accessKeyId: adminAccessKeyId, secretAccessKey: 'local' },
      }),
      userPoolId,
      consoleUrl: discovery.consoleUrl,
      mfa: 'unknown',
      clientId: discovery.cognito.clientId,
    };
  }
  if (!/^(dev|prod)$/.test(stage)) throw new CliError(`--stage must be dev or prod, not "${stage}"`);
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new CliError('set AWS_REGION to the region the stage is deployed in');
  const { GetParametersCommand, SSMClient } = await import('@aws-sdk/client-ssm');
  const names = [
    consoleUserPoolParameterName(stage),
    consoleClientParameterName(stage),
    consoleUrlParameterName(stage),
  ];
  const out = await new SSMClient({ region }).send(new GetParametersCommand({ Names: names }));
  const value = (name: string) => out.Parameters?.find((p) => p.Name === name)?.Value;
  const userPoolId = value(names[0] ?? '');
  if (!userPoolId || !value(names[1] ?? ''))
    throw new CliError(
      `no console user pool on stage ${stage} (SSM ${names[0]}): deploy the stage with the console first`,
    );
  return {
    client: new CognitoIdentityProviderClient({ region }),
    userPoolId,
    consoleUrl: value(names[2] ?? ''),
    mfa: 'required',
    clientId: value(names[1] ?? ''),
  };
}

/** Cognito's own refusals carry a message that names the problem and never a secret. */
const COGNITO_REFUSALS = new Set([
  'InvalidPasswordException',
  'InvalidParameterException',
  'UsernameExistsException',
  'UserNotFoundException',
  'AccessDeniedException',
  'ResourceNotFoundException',
  'GroupExistsException',
]);

async function cognito<T>(call: () => Promise<T>, context: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error && COGNITO_REFUSALS.has(error.name))
      throw new CliError(`${context}: ${error.name.replace(/Exception$/, '')}: ${error.message}`);
    throw error;
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkEmail(email: string): string {
  const clean = email.trim().toLowerCase();
  if (!EMAIL.test(clean) || clean.length > 254) throw new CliError(`--email must be an email address, not "${email}"`);
  return clean;
}

/**
 * Where a new user goes: `--team`'s owner's tenant; else the first tenant when it has no member yet
 * (a single-owner deployment's first user, so its accounts stay theirs); else a new tenant. `plan`
 * is set when the tenant is new (its meta is written): the default plan, or the first tenant's
 * unlimited one.
 */
async function tenantToJoin(
  tenants: Pick<TenantDirectory, 'memberByEmail' | 'members' | 'tenant'>,
  email: string,
  team: string | undefined,
): Promise<{ tenantId: TenantId; plan?: string }> {
  if (await tenants.memberByEmail(email)) throw new CliError(`cannot add ${email}: already a member of a tenant`);
  if (team !== undefined) {
    const owner = await tenants.memberByEmail(team);
    if (!owner || owner.role !== 'owner') throw new CliError(`--team: ${team} is not the owner of a tenant`);
    return { tenantId: owner.tenantId };
  }
  if ((await tenants.members(FIRST_TENANT_ID)).length === 0)
    return (await tenants.tenant(FIRST_TENANT_ID))
      ? { tenantId: FIRST_TENANT_ID }
      : { tenantId: FIRST_TENANT_ID, plan: UNLIMITED_PLAN };
  return { tenantId: newTenantId((n) => randomBytes(n).toString('hex').slice(0, n)), plan: DEFAULT_PLAN };
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('console users (sign-in to the web console)');

  common(
    user
      .command('add')
      .description(
        'create a console user; the password is asked without echo (or taken from CONSOLE_PASSWORD). Without --team the user owns a new tenant of their own; the very first user of a deployment owns the first tenant (acc: every account made before tenancy)',
      )
      .requiredOption('--email <email>', 'the sign-in email')
      .option('--team <owner-email>', "join this owner's tenant instead of getting one's own (needs --role)")
      .addOption(
        new Option(
          '--role <role>',
          'with --team: owner: everything; trader: trade and configure; viewer: read only',
        ).choices(CONSOLE_ROLES),
      ),
  ).action(async (o: CommonOptions & { email: string; team?: string; role?: ConsoleRole }) => {
    const email = checkEmail(o.email);
    if (o.team === undefined && o.role !== undefined && o.role !== 'owner')
      throw new CliError(
        '--role: a user without --team owns their own tenant; give --team <owner-email> to add a trader or viewer',
      );
    if (o.team !== undefined && o.role === undefined)
      throw new CliError('--role: give the role in the team (owner, trader or viewer)');
    const pool = await userPool(o.stage);
    const { tenants } = await resolveTarget(o.stage);
    const home = await tenantToJoin(tenants, email, o.team === undefined ? undefined : checkEmail(o.team));
    const role: ConsoleRole = o.role ?? 'owner';
    const password = await readConsolePassword(email, {
      env: process.env,
      stdin: process.stdin,
      prompts: process.stderr,
    });
    const {
      AdminAddUserToGroupCommand,
      AdminCreateUserCommand,
      AdminDeleteUserCommand,
      AdminSetUserPasswordCommand,
      CreateGroupCommand,
    } = await import('@aws-sdk/client-cognito-identity-provider');
    const UserPoolId = pool.userPoolId;
    const created = await cognito(
      () =>
        pool.client.send(
          new AdminCreateUserCommand({
            UserPoolId,
            Username: email,
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
            ],
            // No invitation mail: the owner set the password here.
            MessageAction: 'SUPPRESS',
          }),
        ),
      `cannot add ${email}`,
    );
    const userId = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    const group = tenantGroup(home.tenantId);
    try {
      if (!userId) throw new CliError(`cannot add ${email}: Cognito returned no sub for the new user`);
      await cognito(
        () =>
          pool.client.send(
            new AdminSetUserPasswordCommand({ UserPoolId, Username: email, Password: password, Permanent: true }),
          ),
        `cannot add ${email}`,
      );
      // A new tenant: its group (whose data the token names), then its plan. The first tenant's
      // group is the stack's own; a team's exists.
      if (home.plan !== undefined && home.tenantId !== FIRST_TENANT_ID)
        await cognito(
          () =>
            pool.client.send(
              new CreateGroupCommand({ UserPoolId, GroupName: group, Description: `tenant of ${email}` }),
            ),
          `cannot create the tenant group ${group}`,
        );
      if (home.plan !== undefined)
        await tenants.putTenant({
          tenantId: home.tenantId,
          plan: home.plan,
          createdAt: systemClock.now(),
          ownerEmail: email,
        });
      await cognito(
        () => pool.client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: email, GroupName: role })),
        `cannot add ${email} to ${role}`,
      );
      await cognito(
        () => pool.client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: email, GroupName: group })),
        `cannot add ${email} to ${group}`,
      );
      await tenants.putMember({ tenantId: home.tenantId, userId, email, role, addedAt: systemClock.now() });
    } catch (error) {
      // No half-made user (no password, or no role) stays behind: the same command can run again.
      // A tenant group or plan made for them stays, unused (no member): harmless, and never reused.
      await pool.client.send(new AdminDeleteUserCommand({ UserPoolId, Username: email })).catch(() => undefined);
      if (userId) await tenants.removeMember(home.tenantId, userId).catch(() => undefined);
      throw error;
    }
    const where = pool.consoleUrl ?? '(the stage output ConsoleUrl)';
    const mfa =
      pool.mfa === 'required'
        ? 'At the first sign-in the console shows a TOTP secret: add it to an authenticator app; every sign-in then asks for its code.'
        : 'Locally the second factor is off unless the stack runs with CONSOLE_MFA=required; then the first sign-in sets up TOTP with an authenticator app.';
    const whose = `tenant ${home.tenantId}${home.plan !== undefined ? ` (new, plan ${home.plan})` : ''}`;
    print(
      o,
      {
        email,
        role,
        tenantId: home.tenantId,
        newTenant: home.plan !== undefined,
        userPoolId: UserPoolId,
        consoleUrl: pool.consoleUrl ?? null,
      },
      () => `${email} added as ${role} of ${whose}.\nSign in at ${where} with this email and the password.\n${mfa}`,
    );
  });

  common(user.command('list').description('console users and their roles')).action(async (o: CommonOptions) => {
    const pool = await userPool(o.stage);
    const { AdminListGroupsForUserCommand, ListUsersCommand } =
      await import('@aws-sdk/client-cognito-identity-provider');
    const users: {
      email: string;
      roles: string[];
      tenant: string | null;
      status: string;
      enabled: boolean;
      createdAt: number | null;
    }[] = [];
    let PaginationToken: string | undefined;
    do {
      const page = await cognito(
        () =>
          pool.client.send(
            new ListUsersCommand({ UserPoolId: pool.userPoolId, ...(PaginationToken ? { PaginationToken } : {}) }),
          ),
        'cannot list users',
      );
      for (const u of page.Users ?? []) {
        const groups = await cognito(
          () =>
            pool.client.send(new AdminListGroupsForUserCommand({ UserPoolId: pool.userPoolId, Username: u.Username })),
          'cannot list roles',
        );
        const names = (groups.Groups ?? []).map((g) => g.GroupName ?? '').filter(Boolean);
        const tenants = names.map(tenantOfGroup).filter((t) => t !== undefined);
        users.push({
          email: u.Attributes?.find((a) => a.Name === 'email')?.Value ?? u.Username ?? '',
          roles: names.filter((n) => tenantOfGroup(n) === undefined),
          // one tenant group makes a usable user; none or two are refused by the API (docs/TENANCY.md)
          tenant: tenants.length === 1 ? tenants[0]! : null,
          status: u.UserStatus ?? 'UNKNOWN',
          enabled: u.Enabled ?? false,
          createdAt: u.UserCreateDate ? u.UserCreateDate.getTime() : null,
        });
      }
      PaginationToken = page.PaginationToken;
    } while (PaginationToken);
    print(o, { users }, () =>
      users.length
        ? users
            .map(
              (u) =>
                `${u.email}  ${u.roles.join(',') || '(no role: cannot use the console)'}  ${u.tenant ? `tenant ${u.tenant}` : '(no single tenant: cannot use the console)'}  ${u.status}${u.enabled ? '' : ' disabled'}${u.createdAt ? `  since ${iso(u.createdAt)}` : ''}`,
            )
            .join('\n')
        : 'no console users: add one with `npm run cli -- user add --email <email>`',
    );
  });

  common(
    user
      .command('remove')
      .description(
        'delete a console user: it can no longer sign in or refresh (a token already issued runs out within 15 minutes)',
      )
      .requiredOption('--email <email>'),
  ).action(async (o: CommonOptions & { email: string }) => {
    const email = checkEmail(o.email);
    const pool = await userPool(o.stage);
    const { tenants } = await resolveTarget(o.stage);
    const { AdminDeleteUserCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    await cognito(
      () => pool.client.send(new AdminDeleteUserCommand({ UserPoolId: pool.userPoolId, Username: email })),
      `cannot remove ${email}`,
    );
    // Sign-in ends first; then the member items (a user from before the upgrade has none).
    const member = await tenants.memberByEmail(email);
    if (member) await tenants.removeMember(member.tenantId, member.userId);
    print(
      o,
      { email, removed: true },
      () => `${email} removed: it can no longer sign in; a token it already holds runs out within 15 minutes`,
    );
  });
}
