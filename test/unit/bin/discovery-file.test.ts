// The local stack's discovery file: written 0600 and atomically, trusted by the CLI only when it is
// this user's regular file closed to others, written by a live process, and names the port PORT
// asks for; anything else is refused with what to do. Real files in a temporary directory.
import { chmodSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDiscovery } from '../../../bin/cli-target';
import {
  DiscoveryError,
  discoveryPath,
  readDiscovery,
  removeDiscovery,
  writeDiscovery,
  type DiscoveryRecord,
} from '../../../bin/local/discovery-file';

const record = (over: Partial<DiscoveryRecord> = {}): DiscoveryRecord => ({
  stage: 'local',
  region: 'us-east-1',
  dynamoEndpoint: 'http://127.0.0.1:41001',
  sqsEndpoint: 'http://127.0.0.1:41002',
  queueUrl: 'http://sqs.us-east-1.localhost:41002/000000000000/tvat-local-signals.fifo',
  keyVault: 'local',
  localKeyFile: '/tmp/x/local-kms.key',
  webhookUrl: 'http://127.0.0.1:3000/webhook',
  exchangeApiUrl: 'http://127.0.0.1:41003',
  replayMsPerCandle: 5000,
  port: 3000,
  pid: process.pid,
  ...over,
});

const dir = () => mkdtempSync(join(tmpdir(), 'tvat-discovery-'));

test('written 0600 in DATA_DIR (created 0700), read back whole', () => {
  const dataDir = join(dir(), 'nested', 'data');
  const path = writeDiscovery(dataDir, record());

  expect(path).toBe(discoveryPath(dataDir));
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  expect(readDiscovery(dataDir)).toEqual(record());
  expect(readDiscovery(dataDir, { port: 3000 })).toEqual(record());
});

test('a file others can read or write is refused, naming its mode', () => {
  const dataDir = dir();
  const path = writeDiscovery(dataDir, record());
  chmodSync(path, 0o644);
  expect(() => readDiscovery(dataDir)).toThrow(DiscoveryError);
  expect(() => readDiscovery(dataDir)).toThrow(/is open to other users \(mode 0644, must be 0600\)/);
  chmodSync(path, 0o620);
  expect(() => readDiscovery(dataDir)).toThrow(/mode 0620/);
});

test("a symlink, or another user's file, is refused", () => {
  const dataDir = dir();
  const elsewhere = join(dir(), 'planted.json');
  writeFileSync(elsewhere, JSON.stringify(record()), { mode: 0o600 });
  symlinkSync(elsewhere, discoveryPath(dataDir));
  expect(() => readDiscovery(dataDir)).toThrow(/is not a regular file \(a symlink\?\): refusing to trust it/);

  const other = dir();
  writeDiscovery(other, record());
  expect(() => readDiscovery(other, { uid: (process.getuid?.() ?? 0) + 1 })).toThrow(/belongs to another user/);
});

test('no file: says to start the stack (or use --stage); a dead writer: says it is not running', () => {
  const dataDir = dir();
  expect(() => readDiscovery(dataDir)).toThrow(
    /^no local stack found \(.*local-stack\.json does not exist\): start it with `npm start`.*--stage dev\|prod$/,
  );

  writeDiscovery(dataDir, record({ pid: 4_000_000 }));
  expect(() => readDiscovery(dataDir, { isAlive: () => false })).toThrow(
    /^the local stack that wrote .* \(pid 4000000\) is not running/,
  );
});

test('PORT naming another port than the stack of DATA_DIR: refused, with both ports', () => {
  const dataDir = dir();
  writeDiscovery(dataDir, record({ port: 3100 }));
  expect(() => readDiscovery(dataDir, { port: 3000 })).toThrow(
    /listens on port 3100, not PORT=3000: set PORT=3100, or DATA_DIR/,
  );
});

test('a broken or foreign file is refused: not JSON, a missing field, stand-ins that are not on this machine', () => {
  const dataDir = dir();
  const path = discoveryPath(dataDir);
  const put = (text: string) => {
    writeFileSync(path, text, { mode: 0o600 });
    chmodSync(path, 0o600);
  };
  put('{"stage":');
  expect(() => readDiscovery(dataDir)).toThrow(/is not valid JSON/);
  put(JSON.stringify({ ...record(), dynamoEndpoint: 'http://evil.example:8000' }));
  expect(() => readDiscovery(dataDir)).toThrow(
    /dynamoEndpoint must be an http URL on this machine \(127\.0\.0\.1 or localhost, with a port\)/,
  );
  put(JSON.stringify({ ...record(), webhookUrl: 'http://127.0.0.1.evil.example:80/webhook' }));
  expect(() => readDiscovery(dataDir)).toThrow(/webhookUrl must be/);
  put(JSON.stringify({ ...record(), queueUrl: 'http://sqs.us-east-1.localhost.evil.example:41002/q' }));
  expect(() => readDiscovery(dataDir)).toThrow(/queueUrl must be/);
  const { stage: _s, ...noStage } = record();
  put(JSON.stringify(noStage));
  expect(() => readDiscovery(dataDir)).toThrow(/stage must be a non-empty string/);
  put(JSON.stringify({ ...record(), port: 70_000 }));
  expect(() => readDiscovery(dataDir)).toThrow(/port must be a whole number from 1 to 65535/);
});

test('removed on stop only by the process that wrote it', () => {
  const dataDir = dir();
  writeDiscovery(dataDir, record({ pid: process.pid + 1 }));
  removeDiscovery(dataDir); // not ours: a newer stack's file stays
  expect(JSON.parse(readFileSync(discoveryPath(dataDir), 'utf8'))).toMatchObject({ pid: process.pid + 1 });
  writeDiscovery(dataDir, record());
  removeDiscovery(dataDir);
  expect(() => statSync(discoveryPath(dataDir))).toThrow();
});

describe('the CLI side (localDiscovery)', () => {
  test('DATA_DIR picks the file; PORT, when set, must match; a bad PORT is named', () => {
    const dataDir = dir();
    writeDiscovery(dataDir, record({ port: 3456 }));
    expect(localDiscovery({ DATA_DIR: dataDir }).port).toBe(3456);
    expect(localDiscovery({ DATA_DIR: dataDir, PORT: '3456' }).dynamoEndpoint).toBe('http://127.0.0.1:41001');
    expect(() => localDiscovery({ DATA_DIR: dataDir, PORT: '3000' })).toThrow(/listens on port 3456, not PORT=3000/);
    expect(() => localDiscovery({ DATA_DIR: dataDir, PORT: 'abc' })).toThrow(
      'PORT must be a port number from 1 to 65535, not "abc"',
    );
  });
});

test("the local Cognito stand-in's fields: read back whole; an endpoint off this machine or a missing id is refused", () => {
  const cognito = {
    endpoint: 'http://127.0.0.1:3000/local-cognito',
    region: 'us-east-1',
    userPoolId: 'us-east-1_abcDEF123',
    clientId: 'abcdefghijklmnopqrstuvwxyz',
    adminAccessKeyId: 'LOCALCOGNITOabc',
  };
  const dataDir = dir();
  writeDiscovery(dataDir, record({ cognito, consoleUrl: 'http://127.0.0.1:3000' }));
  expect(readDiscovery(dataDir)).toEqual(record({ cognito, consoleUrl: 'http://127.0.0.1:3000' }));

  writeDiscovery(dataDir, record({ cognito: { ...cognito, endpoint: 'https://cognito-idp.example.com' } }));
  expect(() => readDiscovery(dataDir)).toThrow(/cognito\.endpoint must be an http URL on this machine/);
  writeDiscovery(dataDir, record({ cognito: { ...cognito, clientId: '' } }));
  expect(() => readDiscovery(dataDir)).toThrow(/cognito\.clientId must be a non-empty string/);
});

test("the stack's strategy timeframes come back to the CLI; a timeframe nothing runs is refused", () => {
  const dataDir = dir();
  writeDiscovery(dataDir, record({ strategyTimeframes: ['1h', '4h', '1d'] }));
  expect(readDiscovery(dataDir).strategyTimeframes).toEqual(['1h', '4h', '1d']);

  writeFileSync(discoveryPath(dataDir), JSON.stringify({ ...record(), strategyTimeframes: ['2h'] }), { mode: 0o600 });
  expect(() => readDiscovery(dataDir)).toThrow(/strategyTimeframes must be a list of 1m, 5m, 15m, 1h, 4h, 1d/);
});
