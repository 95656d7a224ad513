// The console API's credentials per tenant (docs/TENANCY.md "Isolation at the data layer"). In the
// cloud the function assumes the tenant data role with the session tag `tenant=<id>` (STS
// AssumeRole + TagSession): the role's DynamoDB grants hold every key to
// `${aws:PrincipalTag/tenant}` and `${aws:PrincipalTag/tenant}-*`, so even a handler that asked for
// another tenant's row would get AccessDenied from DynamoDB itself. Credentials are kept per tenant
// until shortly before they expire (one AssumeRole per tenant and hour in a warm function, never
// one per request); concurrent first requests of a tenant share one call.
//
// Locally there is no STS (nor IAM): `ambientCredentials` gives every tenant the process's own
// credentials, the code path stays the same, and the data-layer guard (dynamodb/tenant-guard.ts)
// is the wall.
import type { TenantId } from '../../core/domain/tenant';
import { isTenantId } from '../../core/domain/tenant';
import { InvalidArgumentError } from '../../core/errors';

/** What the AWS SDK's `credentials` option accepts as a provider's answer. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export type CredentialsProvider = () => Promise<TemporaryCredentials>;

/** One STS AssumeRole, with the session tags given (none: an untagged session). */
export type AssumeRole = (input: {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  tags?: Record<string, string>;
}) => Promise<TemporaryCredentials>;

/** One STS AssumeRole with the session tag `tenant=<tenantId>`. */
export type AssumeTenantRole = (input: {
  roleArn: string;
  sessionName: string;
  tenantId: TenantId;
  durationSeconds: number;
}) => Promise<TemporaryCredentials>;

/** The credentials a tenant's DynamoDB client signs with; undefined: the SDK's default chain. */
export type TenantCredentials = (tenantId: TenantId) => CredentialsProvider | undefined;

/** Locally: no role to assume, every tenant signs with the process's own credentials. */
export const ambientCredentials: TenantCredentials = () => undefined;

/** An hour: STS's default for AssumeRole, and what a role chained from a Lambda role may have. */
export const SESSION_SECONDS = 3_600;
/** Renewed this long before expiry: a request signed with them still has minutes to run. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Tenant data role sessions, cached per tenant while valid. The tenant id is checked before it
 * becomes a session tag (it comes from a verified token, but a tag is a grant: never trust a
 * shape by default).
 */
export function assumedTenantCredentials(
  assume: AssumeTenantRole,
  roleArn: string,
  clock: { now(): number },
): TenantCredentials {
  const sessions = new Map<TenantId, Promise<TemporaryCredentials>>();
  return (tenantId) => {
    if (!isTenantId(tenantId)) throw new InvalidArgumentError(`tenant ${JSON.stringify(tenantId)} is not a tenant id`);
    return async () => {
      const cached = sessions.get(tenantId);
      if (cached) {
        const held = await cached.catch(() => undefined);
        if (held && held.expiration.getTime() - clock.now() > REFRESH_MARGIN_MS) return held;
        if (sessions.get(tenantId) !== cached) return sessions.get(tenantId)!;
      }
      const fresh = assume({ roleArn, sessionName: `tenant-${tenantId}`, tenantId, durationSeconds: SESSION_SECONDS });
      sessions.set(tenantId, fresh);
      // a failed call is not kept: the next request tries again
      fresh.catch(() => (sessions.get(tenantId) === fresh ? sessions.delete(tenantId) : undefined));
      return fresh;
    };
  };
}

/**
 * One role's session (the admin data role: no tenant, no tag), kept while valid like a tenant's:
 * renewed REFRESH_MARGIN_MS before it expires, a failed call not kept.
 */
export function assumedRoleCredentials(
  assume: AssumeRole,
  roleArn: string,
  sessionName: string,
  clock: { now(): number },
): CredentialsProvider {
  let session: Promise<TemporaryCredentials> | undefined;
  return async () => {
    const cached = session;
    if (cached) {
      const held = await cached.catch(() => undefined);
      if (held && held.expiration.getTime() - clock.now() > REFRESH_MARGIN_MS) return held;
      if (session !== cached) return session!;
    }
    const fresh = assume({ roleArn, sessionName, durationSeconds: SESSION_SECONDS });
    session = fresh;
    fresh.catch(() => (session === fresh ? (session = undefined) : undefined));
    return fresh;
  };
}
