import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KeyVaultError } from '../../../../shared/adapters/keyvault/aes-gcm';
import { LocalKeyVault } from '../../../../shared/adapters/keyvault/local-key-vault';
import type { EncryptedSecret, ExchangeCredentials } from '../../../../shared/core/domain/account';

const CREDENTIALS: ExchangeCredentials = {
  apiKey: 'AK-live-123',
  secret: 'S3CR3T-do-not-leak',
  password: 'pw-also-secret',
};

function tempKeyFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'vault-')), 'nested', 'vault.key');
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

/** Decodes the blob and changes one field with `edit`. */
function tamper(secret: EncryptedSecret, field: 'ct' | 'tag' | 'iv'): EncryptedSecret {
  const envelope = JSON.parse(Buffer.from(secret.blob, 'base64').toString('utf8')) as Record<string, string>;
  const bytes = Buffer.from(envelope[field] as string, 'base64');
  bytes[0] = (bytes[0] as number) ^ 0x01;
  envelope[field] = bytes.toString('base64');
  return { ...secret, blob: Buffer.from(JSON.stringify(envelope)).toString('base64') };
}

describe('LocalKeyVault key file', () => {
  it('creates a missing key file with mode 0600 holding a 32-byte key', () => {
    const file = tempKeyFile();

    LocalKeyVault.open(file);

    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
  });

  it('reuses an existing key file, so another instance decrypts', async () => {
    const file = tempKeyFile();
    const secret = await LocalKeyVault.open(file).encrypt('acc-1', CREDENTIALS);

    const reopened = await LocalKeyVault.open(file).decrypt('acc-1', secret);

    expect(reopened).toEqual(CREDENTIALS);
  });

  it('refuses a key file that does not hold 32 bytes', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'vault-')), 'short.key');
    writeFileSync(file, Buffer.alloc(16).toString('base64'));

    expect(() => LocalKeyVault.open(file)).toThrow(KeyVaultError);
    expect(() => new LocalKeyVault(Buffer.alloc(31))).toThrow('32 bytes');
  });
});

describe('LocalKeyVault encryption', () => {
  const vault = LocalKeyVault.open(tempKeyFile());

  it('round-trips credentials bound to the account', async () => {
    const secret = await vault.encrypt('acc-1', CREDENTIALS);

    const opened = await vault.decrypt('acc-1', secret);

    expect(secret.vault).toBe('local');
    expect(opened).toEqual(CREDENTIALS);
    expect(await vault.decrypt('acc-1', await vault.encrypt('acc-1', { apiKey: 'k', secret: 's' }))).toEqual({
      apiKey: 'k',
      secret: 's',
    });
  });

  it('writes a v2 envelope with a fresh 12-byte IV each time and no plaintext', async () => {
    const a = await vault.encrypt('acc-1', CREDENTIALS);
    const b = await vault.encrypt('acc-1', CREDENTIALS);

    const envelope = JSON.parse(Buffer.from(a.blob, 'base64').toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(envelope).sort()).toEqual(['ct', 'iv', 'tag', 'v']);
    expect(envelope.v).toBe(2);
    expect(Buffer.from(envelope.iv as string, 'base64')).toHaveLength(12);
    expect(a.blob).not.toBe(b.blob);
    const decoded = Buffer.from(a.blob, 'base64').toString('utf8');
    for (const value of Object.values(CREDENTIALS)) expect(decoded).not.toContain(value);
  });

  it('fails for another account without revealing the credentials', async () => {
    const secret = await vault.encrypt('acc-1', CREDENTIALS);

    const error = await failure(vault.decrypt('acc-2', secret));

    expect(error).toBeInstanceOf(KeyVaultError);
    expect(error.message).toContain('failed authentication');
    for (const value of Object.values(CREDENTIALS)) expect(error.message).not.toContain(value);
  });

  it('fails on a tampered ciphertext, tag or IV', async () => {
    const secret = await vault.encrypt('acc-1', CREDENTIALS);

    const errors = await Promise.all(
      (['ct', 'tag', 'iv'] as const).map((f) => failure(vault.decrypt('acc-1', tamper(secret, f)))),
    );

    for (const error of errors) expect(error).toBeInstanceOf(KeyVaultError);
  });

  it('fails under another key', async () => {
    const secret = await vault.encrypt('acc-1', CREDENTIALS);

    const error = await failure(LocalKeyVault.open(tempKeyFile()).decrypt('acc-1', secret));

    expect(error).toBeInstanceOf(KeyVaultError);
  });

  it('refuses a KMS secret, a malformed blob and malformed credentials', async () => {
    const kms = await failure(vault.decrypt('acc-1', { vault: 'kms', blob: 'e30=' }));
    const garbage = await failure(vault.decrypt('acc-1', { vault: 'local', blob: 'not base64 json' }));
    const shape = await failure(vault.encrypt('acc-1', { apiKey: 'k' } as unknown as ExchangeCredentials));

    expect([kms, garbage, shape].every((e) => e instanceof KeyVaultError)).toBe(true);
  });
});

/** A secret as the vault wrote it before tenancy: envelope v1, the account id alone as GCM AAD. */
function preTenancySecret(key: Buffer, accountId: string, credentials: ExchangeCredentials): EncryptedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(accountId, 'utf8'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  const envelope = {
    v: 1,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ct: ct.toString('base64'),
  };
  return { vault: 'local', blob: Buffer.from(JSON.stringify(envelope)).toString('base64') };
}

const relabel = (secret: EncryptedSecret, v: number): EncryptedSecret => {
  const envelope = JSON.parse(Buffer.from(secret.blob, 'base64').toString('utf8')) as Record<string, unknown>;
  return { ...secret, blob: Buffer.from(JSON.stringify({ ...envelope, v })).toString('base64') };
};

describe('LocalKeyVault tenancy', () => {
  const keyFile = tempKeyFile();
  const vault = LocalKeyVault.open(keyFile);
  const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');

  it("does not open tenant A's secret as tenant B's account, nor as another tenant's same-suffix id", async () => {
    const ofA = await vault.encrypt('t00000000aa-0123456789ab', CREDENTIALS);

    const asB = await failure(vault.decrypt('t00000000bb-0123456789ab', ofA));
    const asFirst = await failure(vault.decrypt('acc-0123456789ab', ofA));

    expect(asB).toBeInstanceOf(KeyVaultError);
    expect(asFirst).toBeInstanceOf(KeyVaultError);
    expect(await vault.decrypt('t00000000aa-0123456789ab', ofA)).toEqual(CREDENTIALS);
  });

  it('still opens a secret written before tenancy (v1, the account alone) for its first-tenant account', async () => {
    const old = preTenancySecret(key, 'acc-0123456789ab', CREDENTIALS);

    expect(await vault.decrypt('acc-0123456789ab', old)).toEqual(CREDENTIALS);
    expect(await failure(vault.decrypt('acc-ba9876543210', old))).toBeInstanceOf(KeyVaultError);
  });

  it("refuses a v1 envelope for another tenant's account, and a v2 secret relabelled v1", async () => {
    const old = preTenancySecret(key, 't00000000bb-0123456789ab', CREDENTIALS);
    const current = await vault.encrypt('acc-0123456789ab', CREDENTIALS);

    const foreign = await failure(vault.decrypt('t00000000bb-0123456789ab', old));
    const downgraded = await failure(vault.decrypt('acc-0123456789ab', relabel(current, 1)));

    expect(foreign).toBeInstanceOf(KeyVaultError);
    expect(foreign.message).toContain('pre-tenancy envelope belongs to the first tenant');
    expect(downgraded).toBeInstanceOf(KeyVaultError);
    expect(downgraded.message).toContain('failed authentication');
  });

  it('refuses to bind a secret to an account id that carries no tenant', async () => {
    const error = await failure(vault.encrypt('0123456789ab', CREDENTIALS));

    expect(error).toBeInstanceOf(KeyVaultError);
    expect(error.message).toContain('carries no tenant');
  });
});
