// A local stand-in for the Amazon Cognito user pools API, so `npm start` signs the console in
// through the same calls as the cloud (the JSON 1.1 protocol: POST with
// X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>, errors as HTTP 400
// {"__type": ..., "message": ...}), mounted on the local gateway under /local-cognito. Its
// tokens are RS256 JWTs with Cognito's claims, issued by <gateway>/local-cognito/<poolId>, whose
// JWKS is served at <issuer>/.well-known/jwks.json; `authorize` plays API Gateway's JWT authorizer
// for the console API with the same rules as the cloud's (shared/platform/jwt-verifier.ts).
// The Admin* operations and ListUsers need what IAM gives in the cloud: here, requests signed
// with the pool's admin access key id (kept in DATA_DIR, written to the 0600 discovery file).
import type { RawRequest, RawResponse } from '../http-gateway';
import { gatewayClaims, tokenFromHeader, verifyJwt } from '../../../shared/platform/jwt-verifier';
import { CognitoError, LocalUserPool, type MfaMode } from './operations';
import { PoolStore } from './pool-store';
import { COGNITO_ADMIN_SCOPE, TokenSigner } from './tokens';

export { CONSOLE_GROUPS, type MfaMode } from './operations';

export const LOCAL_COGNITO_PREFIX = '/local-cognito';
/** Cognito's default access-token lifetime is an hour; the console's are short (docs/SECURITY.md). */
export const DEFAULT_ACCESS_TOKEN_SECONDS = 15 * 60;
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const BODY_CAP = 64 * 1024;

export interface LocalCognitoOptions {
  dataDir: string;
  /** the gateway's URL (a function when it is known only once the gateway listens) */
  baseUrl: string | (() => string);
  mfa: MfaMode;
  region?: string;
  accessTokenSeconds?: number;
  /** tests: epoch ms */
  now?: () => number;
}

export interface LocalCognitoConfig {
  endpoint: string;
  region: string;
  userPoolId: string;
  clientId: string;
}

export interface LocalCognito {
  mount: { prefix: string; handle(request: RawRequest): Promise<RawResponse> };
  /** API Gateway's JWT authorizer: the claims (flattened as the gateway hands them on), or undefined for a 401 */
  authorize(authorization: string | undefined): Promise<Record<string, string> | undefined>;
  readonly config: LocalCognitoConfig;
  readonly issuer: string;
  /** the access key id the CLI signs Admin* calls with */
  readonly adminAccessKeyId: string;
}

/** CONSOLE_MFA: unset or "off" (the default), or "required"; anything else is an error naming it. */
export function consoleMfaMode(value: string | undefined): MfaMode {
  if (value === undefined || value === '' || value === 'off') return 'off';
  if (value === 'required') return 'required';
  throw new Error(`CONSOLE_MFA must be "off" or "required", not ${JSON.stringify(value)}`);
}

export function startLocalCognito(options: LocalCognitoOptions): LocalCognito {
  const region = options.region ?? 'us-east-1';
  const now = options.now ?? Date.now;
  const store = new PoolStore(options.dataDir, region, now);
  const signer = new TokenSigner(store.privateKeyPem);
  const baseUrl = () => (typeof options.baseUrl === 'string' ? options.baseUrl : options.baseUrl()).replace(/\/+$/, '');
  const issuer = () => `${baseUrl()}${LOCAL_COGNITO_PREFIX}/${store.data.userPoolId}`;
  const pool = new LocalUserPool({
    store,
    signer,
    issuer,
    mfa: options.mfa,
    accessTokenSeconds: options.accessTokenSeconds ?? DEFAULT_ACCESS_TOKEN_SECONDS,
    now,
  });
  const poolPath = `/${store.data.userPoolId}`;

  const handle = async (request: RawRequest): Promise<RawResponse> => {
    if (request.method === 'GET' && request.path === `${poolPath}/.well-known/jwks.json`) return json(200, signer.jwks);
    if (request.method === 'GET' && request.path === `${poolPath}/.well-known/openid-configuration`)
      return json(200, {
        issuer: issuer(),
        jwks_uri: `${issuer()}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: ['RS256'],
        subject_types_supported: ['public'],
        response_types_supported: ['code', 'token'],
      });
    if (request.method !== 'POST' || request.path !== '/') return json(404, { message: 'Not Found' });
    const target = request.headers['x-amz-target'] ?? '';
    // The custom header (and the JSON 1.1 content type) make a browser on another origin ask first:
    // nothing here answers CORS preflights, so only the console's own origin reaches the pool.
    if (!target.startsWith(TARGET_PREFIX))
      return error('UnknownOperationException', 'X-Amz-Target must be AWSCognitoIdentityProviderService.<Operation>');
    if (request.body.length > BODY_CAP) return error('InvalidParameterException', 'request body larger than 64 KB');
    let input: unknown;
    try {
      input = JSON.parse(request.body || '{}');
    } catch {
      return error('SerializationException', 'the request body is not JSON');
    }
    if (!input || typeof input !== 'object' || Array.isArray(input))
      return error('SerializationException', 'the request body must be a JSON object');
    const admin = signedBy(request.headers.authorization) === store.data.adminAccessKeyId;
    try {
      return json(200, pool.call(target.slice(TARGET_PREFIX.length), input as Record<string, unknown>, admin));
    } catch (e) {
      if (e instanceof CognitoError) return error(e.type, e.message);
      return error('InternalErrorException', 'internal error');
    }
  };

  return {
    mount: { prefix: LOCAL_COGNITO_PREFIX, handle },
    async authorize(authorization) {
      const token = tokenFromHeader(authorization);
      if (!token) return undefined;
      const verdict = verifyJwt(
        token,
        signer.jwks,
        { issuer: issuer(), audience: [store.data.clientId], scopes: [COGNITO_ADMIN_SCOPE] },
        now(),
      );
      return verdict.ok ? gatewayClaims(verdict.claims) : undefined;
    },
    get config() {
      return {
        endpoint: `${baseUrl()}${LOCAL_COGNITO_PREFIX}`,
        region,
        userPoolId: store.data.userPoolId,
        clientId: store.data.clientId,
      };
    },
    get issuer() {
      return issuer();
    },
    adminAccessKeyId: store.data.adminAccessKeyId,
  };
}

/** The access key id of a SigV4 Authorization header (Credential=<id>/<date>/...). */
function signedBy(authorization: string | undefined): string | undefined {
  return /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}

function json(statusCode: number, body: unknown): RawResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

function error(type: string, message: string): RawResponse {
  return {
    statusCode: 400,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type },
    body: JSON.stringify({ __type: type, message }),
  };
}
