// STS AssumeRole through the SDK's STS client: with the tenant's session tag for the tenant data
// role, without a tag for the admin data role. Loaded on the first call only: locally (no role to
// assume) the module is never read.
// TODO(dependency): @aws-sdk/nested-clients/sts is the STS client the SDK's own credential
// providers use (installed with them); the project should declare @aws-sdk/client-sts (same
// commands) and import it here instead.
import { TransientError } from '../../core/errors';
import type { AssumeRole, AssumeTenantRole } from './tenant-credentials';

/** One AssumeRole call, session tags as given (none: no Tags sent). */
export function stsAssumeRole(region: string): AssumeRole {
  let client: Promise<{ send: (command: unknown) => Promise<unknown> }> | undefined;
  let command: Promise<new (input: unknown) => unknown> | undefined;
  return async ({ roleArn, sessionName, durationSeconds, tags }) => {
    const sts = import('@aws-sdk/nested-clients/sts');
    client ??= sts.then((m) => new m.STSClient({ region }) as never);
    command ??= sts.then((m) => m.AssumeRoleCommand as never);
    const AssumeRoleCommand = await command;
    const out = (await (
      await client
    ).send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: sessionName,
        DurationSeconds: durationSeconds,
        ...(tags ? { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
      }),
    )) as {
      Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date };
    };
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration)
      throw new TransientError('STS AssumeRole answered without credentials');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  };
}

export function stsAssumeTenantRole(region: string): AssumeTenantRole {
  const assume = stsAssumeRole(region);
  return ({ roleArn, sessionName, tenantId, durationSeconds }) =>
    assume({ roleArn, sessionName, durationSeconds, tags: { tenant: tenantId } });
}
