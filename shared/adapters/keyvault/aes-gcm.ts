// AES-256-GCM sealing of exchange credentials, shared by the local and the KMS vault. The secret's
// binding (its tenant and account; before tenancy, the account alone) is the additional
// authenticated data: a ciphertext moved to another account or tenant fails to open, as a KMS
// encryption context would. Nothing here ever puts key material or plaintext in an error.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../../core/errors';
import type { ExchangeCredentials } from '../../core/domain/account';
import { FIRST_TENANT_ID, tenantOfAccount } from '../../core/domain/tenant';

/** The vault cannot produce the credentials (wrong account, wrong key, altered or malformed data, KMS refusal). Never retried. */
export class KeyVaultError extends DomainError {
  readonly retryable = false;
  constructor(message: string) {
    super(message, 'KEY_VAULT');
    this.name = 'KeyVaultError';
  }
}

export interface SealedBox {
  /** base64 12-byte IV */
  iv: string;
  /** base64 16-byte GCM tag */
  tag: string;
  /** base64 ciphertext */
  ct: string;
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/**
 * What the envelope's `v` says a secret is bound to: 1, written before tenancy, {accountId}; 2
 * {tenantId, accountId}. The version is recorded in the envelope (never guessed by trying one
 * context then another), and it is authenticated: a v2 secret relabelled v1 asks for a context it
 * was not made under and fails.
 */
export type EnvelopeVersion = 1 | 2;
export const CURRENT_ENVELOPE: EnvelopeVersion = 2;

/** The KMS encryption context of an account's secret (the local vault's AAD is made from it). */
export function encryptionContext(accountId: string, version: EnvelopeVersion): Record<string, string> {
  const tenantId = tenantOfAccount(accountId);
  if (version === 1) {
    // Only the first tenant's accounts existed before tenancy: no other tenant's secret is v1.
    if (tenantId !== FIRST_TENANT_ID)
      throw new KeyVaultError(
        `credentials of account ${accountId}: a pre-tenancy envelope belongs to the first tenant`,
      );
    return { accountId };
  }
  if (tenantId === undefined)
    throw new KeyVaultError(`account ${accountId} carries no tenant: its credentials cannot be bound to one`);
  return { tenantId, accountId };
}

/** v1's AAD was the account id itself (kept so old secrets open); v2's is the whole context. */
const aadOf = (context: Record<string, string>): Buffer =>
  Buffer.from(context.tenantId === undefined ? String(context.accountId) : JSON.stringify(context), 'utf8');

export function sealCredentials(
  key: Uint8Array,
  context: Record<string, string>,
  credentials: ExchangeCredentials,
): SealedBox {
  if (key.length !== KEY_BYTES) throw new KeyVaultError('encryption key must be 32 bytes');
  checkCredentials(credentials);
  const fields: ExchangeCredentials = { apiKey: credentials.apiKey, secret: credentials.secret };
  if (credentials.password !== undefined) fields.password = credentials.password;
  const plaintext = Buffer.from(JSON.stringify(fields), 'utf8');
  try {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aadOf(context));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') };
  } finally {
    plaintext.fill(0);
  }
}

export function openCredentials(key: Uint8Array, context: Record<string, string>, box: SealedBox): ExchangeCredentials {
  const accountId = String(context.accountId);
  if (key.length !== KEY_BYTES) throw new KeyVaultError('decryption key must be 32 bytes');
  const iv = Buffer.from(box.iv, 'base64');
  const tag = Buffer.from(box.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw new KeyVaultError(`credentials of account ${accountId}: malformed envelope`);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aadOf(context));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(Buffer.from(box.ct, 'base64')), decipher.final()]);
  } catch {
    throw new KeyVaultError(
      `credentials of account ${accountId} failed authentication (wrong account, wrong key or altered data)`,
    );
  }
  try {
    const parsed: unknown = JSON.parse(plaintext.toString('utf8'));
    checkCredentials(parsed);
    const credentials: ExchangeCredentials = { apiKey: parsed.apiKey, secret: parsed.secret };
    if (parsed.password !== undefined) credentials.password = parsed.password;
    return credentials;
  } catch (e) {
    if (e instanceof KeyVaultError) throw e;
    throw new KeyVaultError(`credentials of account ${accountId}: decrypted data is not credentials`);
  } finally {
    plaintext.fill(0);
  }
}

function checkCredentials(value: unknown): asserts value is ExchangeCredentials {
  const c = value as Partial<Record<keyof ExchangeCredentials, unknown>> | null;
  const ok =
    typeof c === 'object' &&
    c !== null &&
    typeof c.apiKey === 'string' &&
    typeof c.secret === 'string' &&
    (c.password === undefined || typeof c.password === 'string');
  // Says which shape was expected, never what was found.
  if (!ok) throw new KeyVaultError('credentials must be { apiKey: string, secret: string, password?: string }');
}

/** base64 of the JSON envelope. */
export function encodeBlob(envelope: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64');
}

/** Parses a v1 or v2 envelope and checks that `fields` are strings. */
export function decodeBlob<K extends string>(
  blob: string,
  fields: readonly K[],
): Record<K, string> & { v: EnvelopeVersion } {
  let envelope: unknown;
  try {
    envelope = JSON.parse(Buffer.from(blob, 'base64').toString('utf8'));
  } catch {
    throw new KeyVaultError('encrypted credentials: blob is not a base64 JSON envelope');
  }
  const e = envelope as Record<string, unknown> | null;
  if (
    typeof e !== 'object' ||
    e === null ||
    (e.v !== 1 && e.v !== 2) ||
    !fields.every((f) => typeof e[f] === 'string')
  ) {
    throw new KeyVaultError(`encrypted credentials: expected a v1 or v2 envelope with ${fields.join(', ')}`);
  }
  return e as Record<K, string> & { v: EnvelopeVersion };
}
