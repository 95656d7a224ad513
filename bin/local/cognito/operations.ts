// The user pool operations the console and the CLI use, with the request and response members of
// the Amazon Cognito user pools API reference
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html,
// API_RespondToAuthChallenge, API_AssociateSoftwareToken, API_VerifySoftwareToken, API_GetUser,
// API_GlobalSignOut, API_AdminCreateUser, API_AdminSetUserPassword, API_AdminAddUserToGroup,
// API_AdminListGroupsForUser, API_AdminGetUser, API_AdminDeleteUser, API_ListUsers, API_CreateGroup,
// API_GetGroup, API_ListGroups (GroupType: GroupName, UserPoolId, Description, Precedence,
// CreationDate, LastModifiedDate);
// AuthenticationResultType: AccessToken, ExpiresIn, IdToken, RefreshToken, TokenType).
// The real @aws-sdk/client-cognito-identity-provider drives them in
// test/integration/auth/local-cognito.int.test.ts. Secrets (passwords, TOTP secrets and codes,
// tokens) never appear in an error message.
import { FIRST_TENANT_ID, tenantGroup, tenantOfGroup } from '../../../shared/core/domain/tenant';
import { randomBytes, randomUUID } from 'node:crypto';
import { verifyJwt } from '../../../shared/platform/jwt-verifier';
import { base32Encode, verifyTotp } from '../../../shared/platform/totp';
import { checkPassword, hashPassword, passwordPolicyFailure } from './passwords';
import { randomText, type PoolStore, type StoredGroup, type StoredUser } from './pool-store';
import { COGNITO_ADMIN_SCOPE, newRefreshToken, newSession, tokenHash, type TokenSigner } from './tokens';

export type MfaMode = 'off' | 'required';

/**
 * The groups the console knows: the roles (docs/TENANCY.md: owner, trader, viewer; admin for the
 * deployment) and one group per tenant, `tenant-<id>`, naming whose data the user sees.
 */
export const CONSOLE_GROUPS = ['owner', 'trader', 'viewer', 'admin'] as const;
const isKnownGroup = (group: string): boolean =>
  (CONSOLE_GROUPS as readonly string[]).includes(group) || tenantOfGroup(group) !== undefined;
/** The groups every pool has from the start (infra/constructs/console-auth.ts makes the same). */
const BUILT_IN_GROUPS: readonly string[] = [...CONSOLE_GROUPS, tenantGroup(FIRST_TENANT_ID)];
// Cognito: a group name is 1-128 characters of [\p{L}\p{M}\p{S}\p{N}\p{P}]; ListGroups pages up to 60.
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
const LIST_GROUPS_MAX = 60;

/** An error as Cognito answers it: HTTP 400, {"__type": type, "message": message}. */
export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

interface ChallengeSession {
  sub: string;
  challenge: 'MFA_SETUP' | 'SOFTWARE_TOKEN_MFA' | 'NEW_PASSWORD_REQUIRED';
  /** the authenticator secret being set up (MFA_SETUP), and whether a code from it was verified */
  pendingSecret?: string;
  verified?: boolean;
  attempts: number;
  expiresAt: number;
}

// Cognito's sessions last 3 minutes; a few wrong codes end one (sign in again).
const SESSION_MS = 3 * 60_000;
const SESSION_ATTEMPTS = 3;
const REFRESH_TOKEN_MS = 30 * 24 * 3_600_000;
// Wrong passwords: after FREE_FAILURES in a row, each further attempt waits longer (Cognito's
// "Password attempts exceeded"), up to 15 minutes.
const FREE_FAILURES = 5;
const MAX_LOCKOUT_MS = 15 * 60_000;

export interface LocalUserPoolOptions {
  store: PoolStore;
  signer: TokenSigner;
  issuer: () => string;
  mfa: MfaMode;
  accessTokenSeconds: number;
  now: () => number;
}

export class LocalUserPool {
  private readonly sessions = new Map<string, ChallengeSession>();
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();

  constructor(private readonly o: LocalUserPoolOptions) {}

  get userPoolId(): string {
    return this.o.store.data.userPoolId;
  }
  get clientId(): string {
    return this.o.store.data.clientId;
  }

  /** Runs one operation; `admin` says whether the caller signed with the pool's admin key (IAM). */
  call(operation: string, input: Input, admin: boolean): Output {
    const adminOps: Record<string, (i: Input) => Output> = {
      AdminCreateUser: (i) => this.adminCreateUser(i),
      AdminSetUserPassword: (i) => this.adminSetUserPassword(i),
      AdminAddUserToGroup: (i) => this.adminAddUserToGroup(i),
      AdminListGroupsForUser: (i) => this.adminListGroupsForUser(i),
      AdminGetUser: (i) => this.adminGetUser(i),
      AdminDeleteUser: (i) => this.adminDeleteUser(i),
      ListUsers: (i) => this.listUsers(i),
      CreateGroup: (i) => this.createGroup(i),
      GetGroup: (i) => this.getGroup(i),
      ListGroups: (i) => this.listGroups(i),
    };
    const userOps: Record<string, (i: Input) => Output> = {
      InitiateAuth: (i) => this.initiateAuth(i),
      RespondToAuthChallenge: (i) => this.respondToAuthChallenge(i),
      AssociateSoftwareToken: (i) => this.associateSoftwareToken(i),
      VerifySoftwareToken: (i) => this.verifySoftwareToken(i),
      GetUser: (i) => this.getUser(i),
      GlobalSignOut: (i) => this.globalSignOut(i),
    };
    const adminOp = adminOps[operation];
    if (adminOp) {
      if (!admin)
        throw new CognitoError(
          'AccessDeniedException',
          `${operation} needs the pool's admin credentials (IAM's part locally: the access key id in the stack's discovery file)`,
        );
      this.checkPool(input);
      return adminOp(input);
    }
    const userOp = userOps[operation];
    if (!userOp)
      throw new CognitoError('UnknownOperationException', `${operation} is not served by the local user pool`);
    return userOp(input);
  }

  // ---- sign-in

  private initiateAuth(input: Input): Output {
    this.checkClient(input);
    const flow = text(input, 'AuthFlow');
    const parameters = record(input, 'AuthParameters');
    if (flow === 'USER_PASSWORD_AUTH') {
      const username = text(parameters, 'USERNAME', 'AuthParameters.USERNAME');
      const password = text(parameters, 'PASSWORD', 'AuthParameters.PASSWORD');
      const user = this.o.store.find(username);
      const key = user?.sub ?? `?${username.toLowerCase()}`;
      this.checkLockout(key);
      // The same answer for an unknown user and a wrong password: no user enumeration.
      if (!user || !checkPassword(password, user.passwordHash) || !user.enabled) {
        this.recordFailure(key);
        throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
      }
      this.failures.delete(key);
      if (user.status === 'FORCE_CHANGE_PASSWORD')
        return this.challenge(user, 'NEW_PASSWORD_REQUIRED', { userAttributes: JSON.stringify({ email: user.email }) });
      if (this.o.mfa === 'required') {
        if (!user.totpSecret) return this.challenge(user, 'MFA_SETUP', { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' });
        return this.challenge(user, 'SOFTWARE_TOKEN_MFA', {});
      }
      return this.signedIn(user, this.nowSeconds());
    }
    if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
      const token = text(parameters, 'REFRESH_TOKEN', 'AuthParameters.REFRESH_TOKEN');
      const hash = tokenHash(token);
      const stored = this.o.store.data.refreshTokens.find((t) => t.hash === hash && t.expiresAt > this.o.now());
      const user = stored && this.o.store.find(stored.sub);
      if (!stored || !user || !user.enabled) throw new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');
      // auth_time stays the sign-in's: a refreshed token is not a fresh second factor.
      return this.signedIn(user, stored.authTime, stored.originJti);
    }
    throw new CognitoError(
      'InvalidParameterException',
      `AuthFlow ${JSON.stringify(flow)} is not served locally: USER_PASSWORD_AUTH or REFRESH_TOKEN_AUTH`,
    );
  }

  private respondToAuthChallenge(input: Input): Output {
    this.checkClient(input);
    const name = text(input, 'ChallengeName');
    const responses = record(input, 'ChallengeResponses');
    const { id, session } = this.session(input, name);
    const user = this.userOf(session.sub);
    const username = text(responses, 'USERNAME', 'ChallengeResponses.USERNAME');
    if (this.o.store.find(username) !== user)
      throw new CognitoError('NotAuthorizedException', 'Invalid session for the user.');
    if (name === 'SOFTWARE_TOKEN_MFA') {
      const code = text(responses, 'SOFTWARE_TOKEN_MFA_CODE', 'ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE');
      if (!this.acceptCode(user, user.totpSecret ?? '', code)) return this.wrongCode(id, session);
      this.sessions.delete(id);
      return this.signedIn(user, this.nowSeconds());
    }
    if (name === 'MFA_SETUP') {
      if (!session.verified || !session.pendingSecret)
        throw new CognitoError(
          'InvalidParameterException',
          'MFA_SETUP needs AssociateSoftwareToken and a successful VerifySoftwareToken with this session first',
        );
      user.totpSecret = session.pendingSecret;
      user.updatedAt = this.o.now();
      this.o.store.save();
      this.sessions.delete(id);
      return this.signedIn(user, this.nowSeconds());
    }
    throw new CognitoError(
      'InvalidParameterException',
      `ChallengeName ${JSON.stringify(name)} is not served locally: set a permanent password with \`npm run cli -- user add\``,
    );
  }

  // ---- TOTP setup (with the MFA_SETUP session, or signed in with an access token)

  private associateSoftwareToken(input: Input): Output {
    const secret = base32Encode(randomBytes(20));
    if (input.AccessToken !== undefined) {
      const user = this.userOfAccessToken(input);
      // Kept until verified; a signed-in user's setup has no session, so it rides on a fresh one.
      const id = newSession();
      this.sessions.set(id, this.newSession(user.sub, 'MFA_SETUP', secret));
      return { SecretCode: secret, Session: id };
    }
    const { id, session } = this.session(input, 'MFA_SETUP');
    this.sessions.delete(id);
    const next = newSession();
    this.sessions.set(next, { ...session, pendingSecret: secret, verified: false, attempts: 0 });
    return { SecretCode: secret, Session: next };
  }

  private verifySoftwareToken(input: Input): Output {
    const code = text(input, 'UserCode');
    if (input.AccessToken !== undefined) {
      const user = this.userOfAccessToken(input);
      const pending = [...this.sessions.entries()].find(
        ([, s]) => s.sub === user.sub && s.pendingSecret && s.expiresAt > this.o.now(),
      );
      const secret = pending?.[1].pendingSecret;
      if (!pending || !secret) throw new CognitoError('InvalidParameterException', 'call AssociateSoftwareToken first');
      if (!this.acceptCode(user, secret, code)) return this.wrongCode(pending[0], pending[1]);
      this.sessions.delete(pending[0]);
      user.totpSecret = secret;
      user.updatedAt = this.o.now();
      this.o.store.save();
      return { Status: 'SUCCESS' };
    }
    const { id, session } = this.session(input, 'MFA_SETUP');
    const user = this.userOf(session.sub);
    if (!session.pendingSecret)
      throw new CognitoError('InvalidParameterException', 'call AssociateSoftwareToken first');
    if (!this.acceptCode(user, session.pendingSecret, code)) return this.wrongCode(id, session);
    this.sessions.delete(id);
    const next = newSession();
    this.sessions.set(next, { ...session, verified: true, attempts: 0, expiresAt: this.o.now() + SESSION_MS });
    return { Status: 'SUCCESS', Session: next };
  }

  // ---- the signed-in user's own calls

  private getUser(input: Input): Output {
    const user = this.userOfAccessToken(input);
    return {
      Username: user.username,
      UserAttributes: attributes(user),
      ...mfaSettings(user),
    };
  }

  private globalSignOut(input: Input): Output {
    const user = this.userOfAccessToken(input);
    this.revoke(user);
    return {};
  }

  // ---- administration (IAM-signed in the cloud; the CLI's `user` commands)

  private adminCreateUser(input: Input): Output {
    const username = text(input, 'Username').trim().toLowerCase();
    const attrs = attributeMap(input.UserAttributes);
    const email = (attrs.email ?? username).toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
      throw new CognitoError('InvalidParameterException', 'Invalid email address format.');
    if (this.o.store.find(username) || this.o.store.find(email))
      throw new CognitoError('UsernameExistsException', 'User account already exists');
    if (input.MessageAction !== undefined && input.MessageAction !== 'SUPPRESS')
      throw new CognitoError('InvalidParameterException', 'MessageAction: only SUPPRESS locally (no mail is sent)');
    const temporary = typeof input.TemporaryPassword === 'string' ? input.TemporaryPassword : undefined;
    if (temporary !== undefined) this.checkPolicy(temporary);
    const now = this.o.now();
    const user: StoredUser = {
      username,
      sub: randomUUID(),
      email,
      passwordHash: hashPassword(temporary ?? `${randomText(24)}aA1!`),
      status: 'FORCE_CHANGE_PASSWORD',
      enabled: true,
      groups: [],
      createdAt: now,
      updatedAt: now,
    };
    this.o.store.data.users.push(user);
    this.o.store.save();
    return { User: userType(user) };
  }

  private adminSetUserPassword(input: Input): Output {
    const user = this.adminUser(input);
    const password = text(input, 'Password');
    this.checkPolicy(password);
    user.passwordHash = hashPassword(password);
    user.status = input.Permanent === true ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
    user.updatedAt = this.o.now();
    this.o.store.save();
    return {};
  }

  private adminAddUserToGroup(input: Input): Output {
    const user = this.adminUser(input);
    const group = text(input, 'GroupName');
    if (!isKnownGroup(group))
      throw new CognitoError(
        'ResourceNotFoundException',
        `Group ${group} not found (the pool has ${CONSOLE_GROUPS.join(', ')} and tenant-<tenant id>)`,
      );
    if (!user.groups.includes(group)) user.groups.push(group);
    user.updatedAt = this.o.now();
    this.o.store.save();
    return {};
  }

  // Tenant groups are still accepted by AdminAddUserToGroup without CreateGroup (as before CreateGroup
  // was served): the stand-in's tests and flows that add a user to tenant-<id> directly keep working.

  private createGroup(input: Input): Output {
    const name = text(input, 'GroupName');
    if (!GROUP_NAME.test(name))
      throw new CognitoError(
        'InvalidParameterException',
        'GroupName: 1-128 letters, marks, symbols, digits or punctuation',
      );
    if (this.groups().some((g) => g.name === name))
      throw new CognitoError('GroupExistsException', 'A group with the name already exists.');
    const now = this.o.now();
    const group: StoredGroup = { name, createdAt: now, updatedAt: now };
    if (typeof input.Description === 'string') group.description = input.Description;
    if (typeof input.Precedence === 'number') group.precedence = input.Precedence;
    (this.o.store.data.groups ??= []).push(group);
    this.o.store.save();
    return { Group: this.groupType(group) };
  }

  private getGroup(input: Input): Output {
    const name = text(input, 'GroupName');
    const group = this.groups().find((g) => g.name === name);
    if (!group) throw new CognitoError('ResourceNotFoundException', 'Group not found.');
    return { Group: this.groupType(group) };
  }

  /** Pages of at most Limit (1-60, default 60); NextToken is the index of the next group. */
  private listGroups(input: Input): Output {
    const limit = input.Limit === undefined ? LIST_GROUPS_MAX : input.Limit;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > LIST_GROUPS_MAX)
      throw new CognitoError('InvalidParameterException', `Limit: a whole number from 1 to ${LIST_GROUPS_MAX}`);
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    const groups = this.groups();
    if (!Number.isInteger(start) || start < 0 || start > groups.length)
      throw new CognitoError('InvalidParameterException', 'NextToken: not a token ListGroups gave');
    const page = groups.slice(start, start + limit);
    const next = start + page.length;
    return { Groups: page.map((g) => this.groupType(g)), ...(next < groups.length ? { NextToken: String(next) } : {}) };
  }

  /** The built-in groups (dated as the pool's first user, or now), then those CreateGroup made. */
  private groups(): StoredGroup[] {
    const since = Math.min(this.o.now(), ...this.o.store.data.users.map((u) => u.createdAt));
    const made = this.o.store.data.groups ?? [];
    const builtIn = BUILT_IN_GROUPS.filter((name) => !made.some((g) => g.name === name)).map((name) => ({
      name,
      createdAt: since,
      updatedAt: since,
    }));
    return [...builtIn, ...made];
  }

  private groupType(group: StoredGroup): Output {
    return {
      GroupName: group.name,
      UserPoolId: this.userPoolId,
      ...(group.description !== undefined ? { Description: group.description } : {}),
      ...(group.precedence !== undefined ? { Precedence: group.precedence } : {}),
      CreationDate: group.createdAt / 1000,
      LastModifiedDate: group.updatedAt / 1000,
    };
  }

  private adminListGroupsForUser(input: Input): Output {
    const user = this.adminUser(input);
    return {
      Groups: user.groups.map((GroupName) => ({
        GroupName,
        UserPoolId: this.userPoolId,
        CreationDate: user.createdAt / 1000,
        LastModifiedDate: user.createdAt / 1000,
      })),
    };
  }

  private adminGetUser(input: Input): Output {
    const user = this.adminUser(input);
    const { Attributes, ...rest } = userType(user);
    return { ...rest, UserAttributes: Attributes, ...mfaSettings(user) };
  }

  private adminDeleteUser(input: Input): Output {
    const user = this.adminUser(input);
    const data = this.o.store.data;
    data.users = data.users.filter((u) => u !== user);
    data.refreshTokens = data.refreshTokens.filter((t) => t.sub !== user.sub);
    this.o.store.save();
    return {};
  }

  private listUsers(input: Input): Output {
    const limit = input.Limit === undefined ? 60 : input.Limit;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > 60)
      throw new CognitoError('InvalidParameterException', 'Limit must be an integer 0..60');
    let users = [...this.o.store.data.users].sort((a, b) => a.createdAt - b.createdAt);
    if (input.Filter !== undefined && input.Filter !== '') {
      const match = /^\s*(email|username|sub)\s*=\s*"([^"]*)"\s*$/.exec(String(input.Filter));
      if (!match)
        throw new CognitoError('InvalidParameterException', 'Filter: only `email|username|sub = "value"` locally');
      const [, field, value] = match as unknown as [string, 'email' | 'username' | 'sub', string];
      users = users.filter((u) => u[field] === (field === 'sub' ? value : value.toLowerCase()));
    }
    const start = input.PaginationToken === undefined ? 0 : Number(input.PaginationToken);
    if (!Number.isInteger(start) || start < 0)
      throw new CognitoError('InvalidParameterException', 'Invalid PaginationToken');
    const page = users.slice(start, start + (limit || 60));
    const next = start + page.length;
    return { Users: page.map(userType), ...(next < users.length ? { PaginationToken: String(next) } : {}) };
  }

  // ---- helpers

  /** Tokens for a new sign-in (with a refresh token), or for a refresh of `refreshedOrigin`. */
  private signedIn(user: StoredUser, authTime: number, refreshedOrigin?: string): Output {
    const nowSeconds = this.nowSeconds();
    const originJti = refreshedOrigin ?? randomUUID();
    const tokens = this.o.signer.issue(user, {
      issuer: this.o.issuer(),
      clientId: this.clientId,
      originJti,
      authTime,
      nowSeconds,
      lifetimeSeconds: this.o.accessTokenSeconds,
    });
    if (refreshedOrigin) return { AuthenticationResult: tokens, ChallengeParameters: {} };
    const refresh = newRefreshToken();
    this.o.store.data.refreshTokens.push({
      hash: tokenHash(refresh),
      sub: user.sub,
      originJti,
      authTime,
      expiresAt: this.o.now() + REFRESH_TOKEN_MS,
    });
    this.o.store.save();
    return { AuthenticationResult: { ...tokens, RefreshToken: refresh }, ChallengeParameters: {} };
  }

  private challenge(user: StoredUser, name: ChallengeSession['challenge'], parameters: Record<string, string>): Output {
    const id = newSession();
    this.sessions.set(id, this.newSession(user.sub, name));
    return { ChallengeName: name, ChallengeParameters: { USER_ID_FOR_SRP: user.username, ...parameters }, Session: id };
  }

  private newSession(sub: string, challenge: ChallengeSession['challenge'], pendingSecret?: string): ChallengeSession {
    for (const [id, s] of this.sessions) if (s.expiresAt <= this.o.now()) this.sessions.delete(id);
    return {
      sub,
      challenge,
      attempts: 0,
      expiresAt: this.o.now() + SESSION_MS,
      ...(pendingSecret ? { pendingSecret } : {}),
    };
  }

  private session(input: Input, challenge: string): { id: string; session: ChallengeSession } {
    const id = text(input, 'Session');
    const session = this.sessions.get(id);
    if (!session || session.expiresAt <= this.o.now() || session.challenge !== challenge) {
      this.sessions.delete(id);
      throw new CognitoError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    }
    return { id, session };
  }

  private wrongCode(id: string, session: ChallengeSession): never {
    session.attempts += 1;
    if (session.attempts >= SESSION_ATTEMPTS) {
      this.sessions.delete(id);
      throw new CognitoError(
        'NotAuthorizedException',
        'Invalid code received for user: too many attempts, sign in again.',
      );
    }
    throw new CognitoError('CodeMismatchException', 'Invalid code received for user');
  }

  /** A code from `secret` not older than the last one accepted for this user (replays are refused). */
  private acceptCode(user: StoredUser, secret: string, code: string): boolean {
    const step = verifyTotp(secret, code.trim(), this.o.now());
    if (step === undefined || (user.totpLastStep !== undefined && step <= user.totpLastStep)) return false;
    user.totpLastStep = step;
    this.o.store.save();
    return true;
  }

  private userOf(sub: string): StoredUser {
    const user = this.o.store.find(sub);
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  private userOfAccessToken(input: Input): StoredUser {
    const token = text(input, 'AccessToken');
    const verdict = verifyJwt(
      token,
      this.o.signer.jwks,
      { issuer: this.o.issuer(), audience: [this.clientId], scopes: [COGNITO_ADMIN_SCOPE] },
      this.o.now(),
    );
    if (!verdict.ok) throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
    const user = this.o.store.find(String(verdict.claims.sub));
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    // Revocation as Cognito does it, by the sign-in's origin_jti: alive while its refresh token is.
    const origin = verdict.claims.origin_jti;
    if (!this.o.store.data.refreshTokens.some((t) => t.originJti === origin && t.expiresAt > this.o.now()))
      throw new CognitoError('NotAuthorizedException', 'Access Token has been revoked');
    return user;
  }

  private adminUser(input: Input): StoredUser {
    const user = this.o.store.find(text(input, 'Username'));
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  /** GlobalSignOut's effect: refresh tokens gone, their access tokens refused by the pool's own API. */
  private revoke(user: StoredUser): void {
    const data = this.o.store.data;
    data.refreshTokens = data.refreshTokens.filter((t) => t.sub !== user.sub);
    this.o.store.save();
  }

  private checkPolicy(password: string): void {
    const failure = passwordPolicyFailure(password);
    if (failure) throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: ${failure}`);
  }

  private checkClient(input: Input): void {
    if (text(input, 'ClientId') !== this.clientId)
      throw new CognitoError('ResourceNotFoundException', 'User pool client does not exist.');
  }

  private checkPool(input: Input): void {
    if (text(input, 'UserPoolId') !== this.userPoolId)
      throw new CognitoError('ResourceNotFoundException', 'User pool does not exist.');
  }

  private checkLockout(key: string): void {
    const failure = this.failures.get(key);
    if (failure && failure.lockedUntil > this.o.now())
      throw new CognitoError('NotAuthorizedException', 'Password attempts exceeded');
  }

  private recordFailure(key: string): void {
    const failure = this.failures.get(key) ?? { count: 0, lockedUntil: 0 };
    failure.count += 1;
    if (failure.count >= FREE_FAILURES)
      failure.lockedUntil = this.o.now() + Math.min(MAX_LOCKOUT_MS, 1000 * 2 ** (failure.count - FREE_FAILURES));
    this.failures.set(key, failure);
  }

  private nowSeconds(): number {
    return Math.floor(this.o.now() / 1000);
  }
}

function text(input: Input, member: string, path: string = member): string {
  const value = input[member];
  if (typeof value !== 'string' || value.length === 0)
    throw new CognitoError('InvalidParameterException', `Missing required parameter ${path}`);
  if (value.length > 4096)
    throw new CognitoError('InvalidParameterException', `${path} is longer than 4096 characters`);
  return value;
}

function record(input: Input, member: string): Record<string, unknown> {
  const value = input[member];
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new CognitoError('InvalidParameterException', `Missing required parameter ${member}`);
  return value as Record<string, unknown>;
}

function attributeMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(value)) return out;
  for (const a of value as { Name?: unknown; Value?: unknown }[])
    if (typeof a?.Name === 'string' && typeof a.Value === 'string') out[a.Name] = a.Value;
  return out;
}

const attributes = (user: StoredUser) => [
  { Name: 'email', Value: user.email },
  { Name: 'email_verified', Value: 'true' },
  { Name: 'sub', Value: user.sub },
];

/** UserType; dates as the JSON protocol sends timestamps: epoch seconds. */
const userType = (user: StoredUser) => ({
  Username: user.username,
  Attributes: attributes(user),
  UserCreateDate: user.createdAt / 1000,
  UserLastModifiedDate: user.updatedAt / 1000,
  Enabled: user.enabled,
  UserStatus: user.status,
});

const mfaSettings = (user: StoredUser) =>
  user.totpSecret ? { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] } : {};
