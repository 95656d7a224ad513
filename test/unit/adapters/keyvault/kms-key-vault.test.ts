// KmsKeyVault against a fake KMS (aws-sdk-client-mock): the fake wraps data keys under a master key
// with the encryption context as AAD, so a wrong context fails as it does in KMS.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  DecryptCommand,
  GenerateDataKeyCommand,
  InvalidCiphertextException,
  KMSClient,
  KMSInternalException,
  type DecryptCommandInput,
  type GenerateDataKeyCommandInput,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { KeyVaultError } from '../../../../shared/adapters/keyvault/aes-gcm';
import { KmsKeyVault } from '../../../../shared/adapters/keyvault/kms-key-vault';
import { TransientError } from '../../../../shared/core/errors';
import type { ExchangeCredentials } from '../../../../shared/core/domain/account';

const KEY_ID = 'arn:aws:kms:eu-west-1:111122223333:key/test';
const CREDENTIALS: ExchangeCredentials = { apiKey: 'AK-live-123', secret: 'S3CR3T-do-not-leak' };
const kmsMock = mockClient(KMSClient);
const master = randomBytes(32);
let issued: Uint8Array[] = [];
let issuedCopies: Buffer[] = [];
let released: Uint8Array[] = [];

const contextAad = (context: Record<string, string> | undefined) => Buffer.from(JSON.stringify(context ?? {}));

function wrap(dataKey: Buffer, context: Record<string, string> | undefined): Uint8Array {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', master, iv);
  cipher.setAAD(contextAad(context));
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

function unwrap(blob: Uint8Array, context: Record<string, string> | undefined): Uint8Array {
  const b = Buffer.from(blob);
  try {
    const decipher = createDecipheriv('aes-256-gcm', master, b.subarray(0, 12));
    decipher.setAAD(contextAad(context));
    decipher.setAuthTag(b.subarray(12, 28));
    return new Uint8Array(Buffer.concat([decipher.update(b.subarray(28)), decipher.final()]));
  } catch {
    throw new InvalidCiphertextException({ message: 'The ciphertext is invalid', $metadata: { httpStatusCode: 400 } });
  }
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

beforeEach(() => {
  kmsMock.reset();
  issued = [];
  issuedCopies = [];
  released = [];
  kmsMock.on(GenerateDataKeyCommand).callsFake((input: GenerateDataKeyCommandInput) => {
    const dataKey = randomBytes(32);
    const plaintext = new Uint8Array(dataKey);
    issued.push(plaintext);
    issuedCopies.push(Buffer.from(dataKey));
    return { KeyId: input.KeyId, Plaintext: plaintext, CiphertextBlob: wrap(dataKey, input.EncryptionContext) };
  });
  kmsMock.on(DecryptCommand).callsFake((input: DecryptCommandInput) => {
    const plaintext = unwrap(input.CiphertextBlob as Uint8Array, input.EncryptionContext);
    released.push(plaintext);
    return { KeyId: KEY_ID, Plaintext: plaintext };
  });
});

describe('KmsKeyVault', () => {
  const vault = new KmsKeyVault(new KMSClient({ region: 'eu-west-1' }), KEY_ID);

  it('round-trips credentials with envelope encryption', async () => {
    const secret = await vault.encrypt('acc-1', CREDENTIALS);

    const opened = await vault.decrypt('acc-1', secret);

    expect(secret.vault).toBe('kms');
    expect(opened).toEqual(CREDENTIALS);
  });

  it('sends the tenant and the account as encryption context on GenerateDataKey and on Decrypt', async () => {
    const secret = await vault.encrypt('acc-1', CREDENTIALS);
    await vault.decrypt('acc-1', secret);

    const generate = kmsMock.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input;
    const decrypt = kmsMock.commandCalls(DecryptCommand)[0]?.args[0].input;
    const context = { tenantId: 'acc', accountId: 'acc-1' };
    expect(generate).toEqual({ KeyId: KEY_ID, KeySpec: 'AES_256', EncryptionContext: context });
    expect(decrypt).toMatchObject({ KeyId: KEY_ID, EncryptionContext: context });
  });

  it('stores only the encrypted data key beside the sealed credentials', async () => {
    const secret = await vault.encrypt('acc-1', CREDENTIALS);

    const text = Buffer.from(secret.blob, 'base64').toString('utf8');
    const envelope = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(envelope).sort()).toEqual(['ct', 'edk', 'iv', 'tag', 'v']);
    expect(envelope.v).toBe(2);
    expect(text).not.toContain(CREDENTIALS.secret);
    expect(text).not.toContain(CREDENTIALS.apiKey);
    expect(issuedCopies).toHaveLength(1);
    expect(text).not.toContain((issuedCopies[0] as Buffer).toString('base64'));
    expect(text).not.toContain((issuedCopies[0] as Buffer).toString('hex'));
  });

  it('zeroes the plaintext data key after encrypting and after decrypting', async () => {
    const secret = await vault.encrypt('acc-1', CREDENTIALS);
    await vault.decrypt('acc-1', secret);

    expect(issued).toHaveLength(1);
    expect(released).toHaveLength(1);
    expect([...(issued[0] as Uint8Array)].every((b) => b === 0)).toBe(true);
    expect([...(released[0] as Uint8Array)].every((b) => b === 0)).toBe(true);
  });

  it('fails for another account (KMS refuses the context) without revealing anything', async () => {
    const secret = await vault.encrypt('acc-1', CREDENTIALS);

    const error = await failure(vault.decrypt('acc-2', secret));

    expect(error).toBeInstanceOf(KeyVaultError);
    expect(error.message).toContain('InvalidCiphertextException');
    expect(error.message).not.toContain(CREDENTIALS.secret);
    expect(kmsMock.commandCalls(DecryptCommand)[0]?.args[0].input.EncryptionContext).toEqual({
      tenantId: 'acc',
      accountId: 'acc-2',
    });
  });

  it('fails on a tampered ciphertext even with the right data key', async () => {
    const secret = await vault.encrypt('acc-1', CREDENTIALS);
    const envelope = JSON.parse(Buffer.from(secret.blob, 'base64').toString('utf8')) as Record<string, string>;
    const ct = Buffer.from(envelope.ct as string, 'base64');
    ct[3] = (ct[3] as number) ^ 0xff;
    const tampered = {
      ...secret,
      blob: Buffer.from(JSON.stringify({ ...envelope, ct: ct.toString('base64') })).toString('base64'),
    };

    const error = await failure(vault.decrypt('acc-1', tampered));

    expect(error).toBeInstanceOf(KeyVaultError);
    expect(error.message).not.toContain(CREDENTIALS.secret);
    expect([...(released[0] as Uint8Array)].every((b) => b === 0)).toBe(true);
  });

  it('reports a KMS fault as transient and a refusal as final, never with secrets', async () => {
    kmsMock
      .on(GenerateDataKeyCommand)
      .rejectsOnce(new KMSInternalException({ message: 'internal', $metadata: { httpStatusCode: 500 } }));

    const transient = await failure(vault.encrypt('acc-1', CREDENTIALS));
    const local = await failure(vault.decrypt('acc-1', { vault: 'local', blob: 'e30=' }));

    expect(transient).toBeInstanceOf(TransientError);
    expect(transient.message).toBe('KMS GenerateDataKey failed: KMSInternalException: internal');
    expect(transient.message).not.toContain(CREDENTIALS.secret);
    expect(local).toBeInstanceOf(KeyVaultError);
  });
});

describe('KmsKeyVault tenancy', () => {
  const vault = new KmsKeyVault(new KMSClient({ region: 'eu-west-1' }), KEY_ID);

  /** A secret as this vault wrote it before tenancy: envelope v1, context and AAD the account alone. */
  function preTenancySecret(accountId: string): { vault: 'kms'; blob: string } {
    const dataKey = randomBytes(32);
    const edk = wrap(dataKey, { accountId });
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(accountId, 'utf8'));
    const ct = Buffer.concat([cipher.update(JSON.stringify(CREDENTIALS), 'utf8'), cipher.final()]);
    const envelope = {
      v: 1,
      edk: Buffer.from(edk).toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    };
    return { vault: 'kms', blob: Buffer.from(JSON.stringify(envelope)).toString('base64') };
  }

  it("does not open tenant A's secret as tenant B's (KMS refuses the context)", async () => {
    const secret = await vault.encrypt('t00000000aa-0123456789ab', CREDENTIALS);

    const error = await failure(vault.decrypt('t00000000bb-0123456789ab', secret));

    expect(error).toBeInstanceOf(KeyVaultError);
    expect(error.message).toContain('InvalidCiphertextException');
    expect(kmsMock.commandCalls(DecryptCommand)[0]?.args[0].input.EncryptionContext).toEqual({
      tenantId: 't00000000bb',
      accountId: 't00000000bb-0123456789ab',
    });
  });

  it('opens a secret written before tenancy with its old context {accountId}', async () => {
    const old = preTenancySecret('acc-0123456789ab');

    expect(await vault.decrypt('acc-0123456789ab', old)).toEqual(CREDENTIALS);
    expect(kmsMock.commandCalls(DecryptCommand)[0]?.args[0].input.EncryptionContext).toEqual({
      accountId: 'acc-0123456789ab',
    });
  });

  it('asks KMS nothing for a v1 envelope on an account of another tenant than the first', async () => {
    const error = await failure(
      vault.decrypt('t00000000bb-0123456789ab', preTenancySecret('t00000000bb-0123456789ab')),
    );

    expect(error).toBeInstanceOf(KeyVaultError);
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(0);
  });
});
