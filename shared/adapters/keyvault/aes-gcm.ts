// AES-256-GCM sealing of exchange credentials, shared by the local and the KMS vault. The account
// id is the additional authenticated data: a ciphertext moved to another account fails to open,
// as a KMS encryption context would. Nothing here ever puts key material or plaintext in an error.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../../core/errors';
import type { ExchangeCredentials } from '../../core/domain/account';

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

export function sealCredentials(key: Uint8Array, accountId: string, credentials: ExchangeCredentials): SealedBox {
  if (key.length !== KEY_BYTES) throw new KeyVaultError('encryption key must be 32 bytes');
  checkCredentials(credentials);
  const fields: ExchangeCredentials = { apiKey: credentials.apiKey, secret: credentials.secret };
  if (credentials.password !== undefined) fields.password = credentials.password;
  const plaintext = Buffer.from(JSON.stringify(fields), 'utf8');
  try {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(accountId, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') };
  } finally {
    plaintext.fill(0);
  }
}

export function openCredentials(key: Uint8Array, accountId: string, box: SealedBox): ExchangeCredentials {
  if (key.length !== KEY_BYTES) throw new KeyVaultError('decryption key must be 32 bytes');
  const iv = Buffer.from(box.iv, 'base64');
  const tag = Buffer.from(box.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw new KeyVaultError(`credentials of account ${accountId}: malformed envelope`);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(accountId, 'utf8'));
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

/** Parses a v1 envelope and checks that `fields` are strings. */
export function decodeBlob<K extends string>(blob: string, fields: readonly K[]): Record<K, string> {
  let envelope: unknown;
  try {
    envelope = JSON.parse(Buffer.from(blob, 'base64').toString('utf8'));
  } catch {
    throw new KeyVaultError('encrypted credentials: blob is not a base64 JSON envelope');
  }
  const e = envelope as Record<string, unknown> | null;
  if (typeof e !== 'object' || e === null || e.v !== 1 || !fields.every((f) => typeof e[f] === 'string')) {
    throw new KeyVaultError(`encrypted credentials: expected a v1 envelope with ${fields.join(', ')}`);
  }
  return e as Record<K, string>;
}
