// Key vault for self-hosting without KMS: AES-256-GCM under a 32-byte key kept in a file (base64,
// mode 0600). The account's tenant and id are the GCM additional data, mirroring the KMS encryption
// context (secrets written before tenancy: the account id alone, their envelope says v1).
// Whoever can read the key file can read every credential: keep it off shared disks and backups
// that others can read.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

export class LocalKeyVault implements KeyVault {
  readonly vault = 'local' as const;
  private readonly key: Buffer;

  /** `key`: 32 bytes (copied). Prefer LocalKeyVault.open(keyFile). */
  constructor(key: Uint8Array) {
    if (key.length !== KEY_BYTES) throw new KeyVaultError('local vault key must be 32 bytes');
    this.key = Buffer.from(key);
  }

  /**
   * Opens the vault whose key is in `keyFile`, creating the file (mode 0600, random key) when
   * absent. Synchronous: it runs once, when a composition root starts.
   */
  static open(keyFile: string): LocalKeyVault {
    let text: string;
    try {
      text = readFileSync(keyFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
      const key = randomBytes(KEY_BYTES);
      try {
        // 'wx': never overwrite a key another process created meanwhile.
        writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
        return new LocalKeyVault(key);
      } catch (w) {
        if ((w as NodeJS.ErrnoException).code !== 'EEXIST') throw w;
        text = readFileSync(keyFile, 'utf8');
      } finally {
        key.fill(0);
      }
    }
    const key = Buffer.from(text.trim(), 'base64');
    try {
      if (key.length !== KEY_BYTES) throw new KeyVaultError(`key file ${keyFile} does not hold a base64 32-byte key`);
      return new LocalKeyVault(key);
    } finally {
      key.fill(0);
    }
  }

  async encrypt(accountId: string, credentials: ExchangeCredentials): Promise<EncryptedSecret> {
    const box = sealCredentials(this.key, encryptionContext(accountId, CURRENT_ENVELOPE), credentials);
    return { vault: 'local', blob: encodeBlob({ v: CURRENT_ENVELOPE, ...box }) };
  }

  async decrypt(accountId: string, secret: EncryptedSecret): Promise<ExchangeCredentials> {
    if (secret.vault !== 'local')
      throw new KeyVaultError(`credentials of account ${accountId} were written by the ${secret.vault} vault`);
    const box = decodeBlob(secret.blob, ['iv', 'tag', 'ct']);
    return openCredentials(this.key, encryptionContext(accountId, box.v), box);
  }
}
