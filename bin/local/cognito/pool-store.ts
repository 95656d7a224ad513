// The local user pool on disk: DATA_DIR/local-cognito.json (users, password hashes, TOTP secrets,
// refresh-token hashes, the pool and client ids) and DATA_DIR/local-cognito-key.pem (the RS256
// signing key, generated once). Both 0600, written atomically (a 0600 temporary file renamed into
// place), so a crash never leaves half a pool and no other user of the machine reads them.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const POOL_FILE_NAME = 'local-cognito.json';
export const KEY_FILE_NAME = 'local-cognito-key.pem';

export type UserStatus = 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';

export interface StoredUser {
  username: string;
  sub: string;
  email: string;
  /** scrypt$<salt base64>$<hash base64> (passwords.ts) */
  passwordHash: string;
  status: UserStatus;
  enabled: boolean;
  groups: string[];
  /** epoch ms */
  createdAt: number;
  updatedAt: number;
  /** the verified authenticator's base32 secret: MFA is set up */
  totpSecret?: string;
  /** the last TOTP step accepted: a code is good once */
  totpLastStep?: number;
}

export interface StoredRefreshToken {
  /** sha256 of the token, hex: the token itself is never stored */
  hash: string;
  sub: string;
  /** the sign-in's origin_jti: its access tokens are good for the pool's own API while this token lives */
  originJti: string;
  /** epoch seconds of the sign-in it continues (auth_time stays that of the sign-in) */
  authTime: number;
  /** epoch ms */
  expiresAt: number;
}

/** A group made with CreateGroup (the role groups and tenant-acc are the pool's from the start, as CDK makes them). */
export interface StoredGroup {
  name: string;
  description?: string;
  precedence?: number;
  /** epoch ms */
  createdAt: number;
  updatedAt: number;
}

export interface PoolData {
  version: 1;
  userPoolId: string;
  clientId: string;
  /** who may call the Admin* operations and ListUsers (IAM's part): the SigV4 access key id */
  adminAccessKeyId: string;
  users: StoredUser[];
  refreshTokens: StoredRefreshToken[];
  /** absent in pools written before CreateGroup was served */
  groups?: StoredGroup[];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function randomText(length: number, alphabet: string = ALNUM): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

export class PoolStore {
  private readonly poolPath: string;
  private readonly keyPath: string;
  readonly data: PoolData;
  readonly privateKeyPem: string;

  constructor(
    dataDir: string,
    region: string,
    private readonly now: () => number,
  ) {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.poolPath = join(dir, POOL_FILE_NAME);
    this.keyPath = join(dir, KEY_FILE_NAME);
    this.data = existsSync(this.poolPath)
      ? (JSON.parse(readFileSync(this.poolPath, 'utf8')) as PoolData)
      : {
          version: 1,
          // Cognito's shapes: "<region>_<9 alphanumerics>", a 26-character lowercase client id
          userPoolId: `${region}_${randomText(9)}`,
          clientId: randomText(26, LOWER_ALNUM),
          adminAccessKeyId: `LOCALCOGNITO${randomText(20)}`,
          users: [],
          refreshTokens: [],
        };
    if (!existsSync(this.poolPath)) this.save();
    if (!existsSync(this.keyPath)) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeAtomically(this.keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    }
    this.privateKeyPem = readFileSync(this.keyPath, 'utf8');
  }

  save(): void {
    const now = this.now();
    this.data.refreshTokens = this.data.refreshTokens.filter((t) => t.expiresAt > now);
    writeAtomically(this.poolPath, `${JSON.stringify(this.data, null, 2)}\n`);
  }

  /** By username, email (case-insensitive, as a pool with email sign-in) or sub. */
  find(name: string): StoredUser | undefined {
    const key = name.trim().toLowerCase();
    return this.data.users.find((u) => u.username === key || u.email === key || u.sub === name.trim());
  }
}

function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}
