// Key vault on AWS KMS, envelope encryption: KMS issues a fresh AES-256 data key per secret under
// the encryption context {tenantId, accountId} (secrets written before tenancy: {accountId}, their
// envelope says v1); the credentials are sealed locally with AES-256-GCM under it (AAD made from
// the same context) and only the KMS-encrypted data key is stored beside them. The plaintext data
// key is zeroed as soon as it has been used. Decrypting asks KMS for the data key with the same
// encryption context, so a blob copied to another account or tenant cannot be opened (and
// CloudTrail logs which tenant's and account's secret was read).
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { TransientError } from '../../core/errors';
import type { EncryptedSecret, ExchangeCredentials } from '../../core/domain/account';
import type { KeyVault } from '../../core/ports/runtime';
import {
  CURRENT_ENVELOPE,
  KEY_BYTES,
  KeyVaultError,
  decodeBlob,
  encodeBlob,
  encryptionContext,
  openCredentials,
  sealCredentials,
} from './aes-gcm';

/** KMS errors a later attempt may not see. */
const RETRYABLE_KMS_ERRORS = new Set([
  'ThrottlingException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

export class KmsKeyVault implements KeyVault {
  readonly vault = 'kms' as const;

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async encrypt(accountId: string, credentials: ExchangeCredentials): Promise<EncryptedSecret> {
    const context = encryptionContext(accountId, CURRENT_ENVELOPE);
    let dataKey: Uint8Array | undefined;
    let edk: Uint8Array | undefined;
    try {
      const out = await this.kms.send(
        new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: context }),
      );
      dataKey = out.Plaintext;
      edk = out.CiphertextBlob;
    } catch (e) {
      throw kmsFailure('GenerateDataKey', e);
    }
    try {
      if (!dataKey || dataKey.length !== KEY_BYTES || !edk || edk.length === 0) {
        throw new KeyVaultError('KMS GenerateDataKey returned no usable data key');
      }
      const box = sealCredentials(dataKey, context, credentials);
      return {
        vault: 'kms',
        blob: encodeBlob({ v: CURRENT_ENVELOPE, edk: Buffer.from(edk).toString('base64'), ...box }),
      };
    } finally {
      dataKey?.fill(0);
    }
  }

  async decrypt(accountId: string, secret: EncryptedSecret): Promise<ExchangeCredentials> {
    if (secret.vault !== 'kms')
      throw new KeyVaultError(`credentials of account ${accountId} were written by the ${secret.vault} vault`);
    const envelope = decodeBlob(secret.blob, ['edk', 'iv', 'tag', 'ct']);
    const context = encryptionContext(accountId, envelope.v);
    let dataKey: Uint8Array | undefined;
    try {
      const out = await this.kms.send(
        new DecryptCommand({
          CiphertextBlob: Buffer.from(envelope.edk, 'base64'),
          EncryptionContext: context,
          KeyId: this.keyId,
        }),
      );
      dataKey = out.Plaintext;
    } catch (e) {
      throw kmsFailure('Decrypt', e);
    }
    try {
      if (!dataKey || dataKey.length !== KEY_BYTES) throw new KeyVaultError('KMS Decrypt returned no usable data key');
      return openCredentials(dataKey, context, envelope);
    } finally {
      dataKey?.fill(0);
    }
  }
}

/**
 * Throttling, KMS-side faults, 5xx and network failures are transient; refusals (access denied,
 * wrong context or key, disabled key) are not. The message carries the KMS error's name and text,
 * which never hold key material: no plaintext is ever sent to KMS.
 */
function kmsFailure(operation: string, e: unknown): Error {
  const err = e as { name?: unknown; message?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const name = typeof err?.name === 'string' ? err.name : 'Error';
  const text = typeof err?.message === 'string' ? err.message.slice(0, 300) : '';
  const message = `KMS ${operation} failed: ${name}${text ? `: ${text}` : ''}`;
  const status = err?.$metadata?.httpStatusCode;
  const networkError = err?.$metadata === undefined && !(e instanceof KeyVaultError);
  if (
    RETRYABLE_KMS_ERRORS.has(name) ||
    err?.$retryable !== undefined ||
    (status !== undefined && status >= 500) ||
    networkError
  ) {
    return new TransientError(message);
  }
  return new KeyVaultError(message);
}
