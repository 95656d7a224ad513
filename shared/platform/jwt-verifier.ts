// Verifies RS256 JSON Web Tokens against a JWKS the way API Gateway's HTTP API JWT authorizer is
// documented to (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html,
// "Authorizing API requests with a JWT authorizer"): the identity source holds the token alone or
// prefixed with "Bearer"; the algorithm and signature are checked with the issuer's public key
// (RSA only); kid must name a key of the JWKS; iss must equal the configured issuer; aud, or
// client_id when aud is absent, must be one of the configured audiences; exp must be after now,
// nbf and iat before it; with route scopes, scope or scp must hold one. Any failure is a refusal (401 at the gateway). The local stack plays the
// authorizer with this, so the console API sees the same claims locally as in the cloud.
// node:crypto only: no JWT library to trust or update.
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface Jwk extends JsonWebKey {
  kid?: string;
  kty?: string;
  alg?: string;
  use?: string;
}

export interface Jwks {
  keys: Jwk[];
}

export interface JwtVerifierConfig {
  issuer: string;
  /** accepted aud (or client_id) values: the app client ids */
  audience: readonly string[];
  /**
   * A route's authorizationScopes: when given, the token's scope (or scp) must hold one of them.
   * Cognito puts scope only in access tokens, so this is what keeps ID tokens out.
   */
  scopes?: readonly string[];
}

export type JwtClaims = Record<string, unknown>;

export type JwtVerdict = { ok: true; claims: JwtClaims } | { ok: false; reason: string };

/** Upper bound on a token's length: a header is not a place for a megabyte of base64. */
const MAX_TOKEN_LENGTH = 16 * 1024;

/** The token from an Authorization header: the token alone or "Bearer <token>". */
export function tokenFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^(?:Bearer\s+)?([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(header.trim());
  return match?.[1];
}

export function verifyJwt(token: string, jwks: Jwks, config: JwtVerifierConfig, nowMs: number): JwtVerdict {
  if (token.length > MAX_TOKEN_LENGTH) return refuse('token too long');
  const parts = token.split('.');
  if (parts.length !== 3) return refuse('malformed token: not three dot-separated parts');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  const claims = decodeJson(payloadPart);
  if (!header || !claims) return refuse('malformed token: header or payload is not base64url JSON');
  if (header.alg !== 'RS256') return refuse(`unsupported alg ${JSON.stringify(header.alg)}: only RS256`);
  if (typeof header.kid !== 'string') return refuse('no kid in the token header');
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk || jwk.kty !== 'RSA') return refuse('kid matches no RSA key of the JWKS');
  const key = publicKey(jwk);
  if (!key) return refuse('the JWKS key is not a usable RSA key');
  const signature = Buffer.from(signaturePart, 'base64url');
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  if (!verify('RSA-SHA256', signed, key, signature)) return refuse('bad signature');

  if (claims.iss !== config.issuer) return refuse('wrong issuer');
  // API Gateway evaluates aud when present, client_id only when aud is absent.
  const audience = claims.aud !== undefined ? claims.aud : claims.client_id;
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (!audiences.some((a) => typeof a === 'string' && config.audience.includes(a))) return refuse('wrong audience');
  const now = nowMs / 1000;
  if (!isSeconds(claims.exp)) return refuse('no exp');
  if (claims.exp <= now) return refuse('expired');
  if (claims.nbf !== undefined && (!isSeconds(claims.nbf) || claims.nbf > now)) return refuse('not valid yet (nbf)');
  if (claims.iat !== undefined && (!isSeconds(claims.iat) || claims.iat > now))
    return refuse('issued in the future (iat)');
  if (config.scopes?.length) {
    const granted = String(claims.scope ?? claims.scp ?? '').split(' ');
    if (!config.scopes.some((s) => granted.includes(s))) return refuse('no required scope');
  }
  return { ok: true, claims };
}

const refuse = (reason: string): JwtVerdict => ({ ok: false, reason });

const isSeconds = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// A JWKS changes rarely: each key is parsed once (every API request is verified).
const parsedKeys = new WeakMap<Jwk, KeyObject | null>();

function publicKey(jwk: Jwk): KeyObject | undefined {
  const cached = parsedKeys.get(jwk);
  if (cached !== undefined) return cached ?? undefined;
  let key: KeyObject | null = null;
  try {
    const { n, e } = jwk;
    if (typeof n === 'string' && typeof e === 'string')
      key = createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' });
  } catch {
    key = null;
  }
  parsedKeys.set(jwk, key);
  return key ?? undefined;
}

/**
 * The claims as API Gateway hands them to the integration (requestContext.authorizer.jwt.claims):
 * every value a string, arrays flattened to "[a b]" (so cognito:groups ["owner"] is "[owner]").
 */
export function gatewayClaims(claims: JwtClaims): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined || value === null) continue;
    out[name] = Array.isArray(value)
      ? `[${value.map(String).join(' ')}]`
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  }
  return out;
}
