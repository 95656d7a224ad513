// How the CLI finds the local stack: `npm start` writes DATA_DIR/local-stack.json (mode 0600) once
// it is ready and removes it when it stops. The CLI reads that file instead of asking whatever
// answers on PORT: another program on the port (or another user's) could otherwise tell the CLI
// where to send exchange keys during `account add`'s key check. The file is trusted only when it is
// a regular file of this user that nobody else can read or write, and only while the process that
// wrote it is alive. Kept free of the stack's imports: the CLI loads this module on every start.
import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  isStrategyTimeframe,
  STRATEGY_TIMEFRAMES,
  type StrategyTimeframe,
} from '../../shared/core/domain/strategy-subscription';

export const DISCOVERY_FILE_NAME = 'local-stack.json';
/** `npm start`'s default DATA_DIR (relative to the working directory), shared with the CLI */
export const DEFAULT_DATA_DIR = '.data/local';

/** What the CLI needs to reach this stack's stand-ins. */
export interface LocalDiscovery {
  stage: string;
  region: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  queueUrl: string;
  keyVault: 'local';
  localKeyFile: string;
  webhookUrl: string;
  /** where live accounts trade locally (the fake Binance server), for `account add` key checks */
  exchangeApiUrl?: string;
  /** wall-clock ms one replayed candle lasts: `strategy compare` rebuilds the same candles */
  replayMsPerCandle: number;
  /** the local Cognito stand-in, for `user add|list|remove` (bin/local/cognito) */
  cognito?: LocalCognitoDiscovery;
  /** where the console signs in (the gateway's address) */
  consoleUrl?: string;
  /** the timeframes its strategy runner fires on: `strategy enable` refuses the others */
  strategyTimeframes?: StrategyTimeframe[];
}

export interface LocalCognitoDiscovery {
  endpoint: string;
  region: string;
  userPoolId: string;
  clientId: string;
  /** the access key id the stand-in takes as IAM's word for the Admin* operations */
  adminAccessKeyId: string;
}

/** The file's content: the discovery, and who wrote it (its gateway port and process id). */
export interface DiscoveryRecord extends LocalDiscovery {
  port: number;
  pid: number;
}

export class DiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

export const discoveryPath = (dataDir: string): string => join(resolve(dataDir), DISCOVERY_FILE_NAME);

/** Writes the record atomically (a 0600 temporary file renamed into place); returns the path. */
export function writeDiscovery(dataDir: string, record: DiscoveryRecord): string {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = discoveryPath(dir);
  const temporary = `${path}.${record.pid}.tmp`;
  rmSync(temporary, { force: true });
  // 'wx': never write through a file (or symlink) someone placed at the temporary name
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600); // the umask cannot widen it, but a narrower one is kept exact
  renameSync(temporary, path);
  return path;
}

/** Removes the file if it is still this process's (a newer stack in the same DATA_DIR keeps its own). */
export function removeDiscovery(dataDir: string, pid: number = process.pid): void {
  const path = discoveryPath(dataDir);
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown };
    if (record.pid === pid) rmSync(path, { force: true });
  } catch {
    // absent or unreadable: nothing of ours to remove
  }
}

export interface ReadDiscoveryOptions {
  /** PORT as the user set it: a stack on another port in the same DATA_DIR is an error, not a guess */
  port?: number;
  /** tests: whether a process id is alive (default: signal 0) */
  isAlive?: (pid: number) => boolean;
  /** tests: this user's id (default process.getuid) */
  uid?: number;
}

const START_HINT = 'start it with `npm start` in this directory (same DATA_DIR), or pass --stage dev|prod';

/** The running local stack's discovery record, or a DiscoveryError saying what is wrong and what to do. */
export function readDiscovery(dataDir: string, options: ReadDiscoveryOptions = {}): DiscoveryRecord {
  const path = discoveryPath(dataDir);
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    throw new DiscoveryError(`no local stack found (${path} does not exist): ${START_HINT}`);
  }
  if (!stat.isFile())
    throw new DiscoveryError(
      `${path} is not a regular file (a symlink?): refusing to trust it; stop the stack, delete it and run \`npm start\` again`,
    );
  const uid = options.uid ?? process.getuid?.();
  if (uid !== undefined && stat.uid !== uid)
    throw new DiscoveryError(`${path} belongs to another user (uid ${stat.uid}): refusing to trust it`);
  if ((stat.mode & 0o077) !== 0) {
    throw new DiscoveryError(
      `${path} is open to other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}, must be 0600): refusing to trust it; delete it and restart \`npm start\``,
    );
  }
  const record = parseRecord(readFileSync(path, 'utf8'), path);
  const alive = options.isAlive ?? processAlive;
  if (!alive(record.pid))
    throw new DiscoveryError(`the local stack that wrote ${path} (pid ${record.pid}) is not running: ${START_HINT}`);
  if (options.port !== undefined && options.port !== record.port) {
    throw new DiscoveryError(
      `the local stack in ${resolve(dataDir)} listens on port ${record.port}, not PORT=${options.port}: set PORT=${record.port}, or DATA_DIR to the other stack's data directory`,
    );
  }
  return record;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else (the file's owner check has already passed)
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** http on this machine: 127.0.0.1, or localhost and its subdomains (fauxqs names queues sqs.<region>.localhost) */
function isLoopback(text: string): boolean {
  try {
    const url = new URL(text);
    return (
      url.protocol === 'http:' &&
      url.port !== '' &&
      (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname.endsWith('.localhost'))
    );
  } catch {
    return false;
  }
}

function parseRecord(text: string, path: string): DiscoveryRecord {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new DiscoveryError(`${path} is not valid JSON: stop the stack, delete it and run \`npm start\` again`);
  }
  const bad = (field: string, expected: string): never => {
    throw new DiscoveryError(
      `${path}: ${field} must be ${expected}: stop the stack, delete it and run \`npm start\` again`,
    );
  };
  const text_ = (field: string): string =>
    typeof value[field] === 'string' && (value[field] as string).length > 0
      ? (value[field] as string)
      : bad(field, 'a non-empty string');
  const integer = (field: string, min: number, max: number): number => {
    const n = value[field];
    return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max
      ? n
      : bad(field, `a whole number from ${min} to ${max}`);
  };
  // The stand-ins are always this machine's: an endpoint elsewhere is not a file `npm start` wrote.
  const loopback = (field: string): string => {
    const url = text_(field);
    return isLoopback(url) ? url : bad(field, 'an http URL on this machine (127.0.0.1 or localhost, with a port)');
  };
  if (value.keyVault !== 'local') bad('keyVault', '"local"');
  const exchangeApiUrl = value.exchangeApiUrl === undefined ? undefined : text_('exchangeApiUrl');
  const cognito = value.cognito === undefined ? undefined : parseCognito(value.cognito, bad);
  const consoleUrl = value.consoleUrl === undefined ? undefined : loopback('consoleUrl');
  const timeframes = value.strategyTimeframes;
  if (timeframes !== undefined && !(Array.isArray(timeframes) && timeframes.every(isStrategyTimeframe)))
    bad('strategyTimeframes', `a list of ${STRATEGY_TIMEFRAMES.join(', ')}`);
  return {
    stage: text_('stage'),
    region: text_('region'),
    dynamoEndpoint: loopback('dynamoEndpoint'),
    sqsEndpoint: loopback('sqsEndpoint'),
    queueUrl: loopback('queueUrl'),
    keyVault: 'local',
    localKeyFile: text_('localKeyFile'),
    webhookUrl: loopback('webhookUrl'),
    ...(exchangeApiUrl ? { exchangeApiUrl } : {}),
    replayMsPerCandle: integer('replayMsPerCandle', 1, 86_400_000),
    ...(cognito ? { cognito } : {}),
    ...(consoleUrl ? { consoleUrl } : {}),
    ...(timeframes !== undefined ? { strategyTimeframes: timeframes as StrategyTimeframe[] } : {}),
    port: integer('port', 1, 65_535),
    pid: integer('pid', 1, 2 ** 32),
  };
}

function parseCognito(value: unknown, bad: (field: string, expected: string) => never): LocalCognitoDiscovery {
  if (!value || typeof value !== 'object') return bad('cognito', 'an object');
  const v = value as Record<string, unknown>;
  const text = (field: keyof LocalCognitoDiscovery): string =>
    typeof v[field] === 'string' && (v[field] as string).length > 0
      ? (v[field] as string)
      : bad(`cognito.${field}`, 'a non-empty string');
  const endpoint = text('endpoint');
  if (!isLoopback(endpoint))
    bad('cognito.endpoint', 'an http URL on this machine (127.0.0.1 or localhost, with a port)');
  return {
    endpoint,
    region: text('region'),
    userPoolId: text('userPoolId'),
    clientId: text('clientId'),
    adminAccessKeyId: text('adminAccessKeyId'),
  };
}
