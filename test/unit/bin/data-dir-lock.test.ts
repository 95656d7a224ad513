// DATA_DIR's lock: taken once, refused to a second holder while the first lives (naming its pid
// and what to do), taken over from a dead one, and released only by its holder. Real files.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError, LOCK_FILE_NAME, lockDataDir } from '../../../bin/local/data-dir-lock';

const dir = () => mkdtempSync(join(tmpdir(), 'tvat-lock-'));

test('a second lock on the same folder is refused while the first holder lives, naming its pid', () => {
  const dataDir = dir();
  const first = lockDataDir(dataDir, { pid: 111, isAlive: () => true });
  expect(readFileSync(join(dataDir, LOCK_FILE_NAME), 'utf8')).toBe('111\n');

  let error: unknown;
  try {
    lockDataDir(dataDir, { pid: 222, isAlive: () => true });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DataDirLockedError);
  expect((error as Error).message).toBe(
    `${dataDir} is in use by another local stack (pid 111): stop that one (Ctrl-C in its terminal, or kill 111), or start this one on another folder, e.g. DATA_DIR=${dataDir}-2 npm start`,
  );
  // the refused start left the holder's lock as it was
  expect(readFileSync(first.path, 'utf8')).toBe('111\n');
});

test("a dead holder's lock is taken over; release removes only one's own lock", () => {
  const dataDir = dir();
  const stale = lockDataDir(dataDir, { pid: 333, isAlive: () => true });
  const taken = lockDataDir(dataDir, { pid: 444, isAlive: (pid) => pid !== 333 });
  expect(readFileSync(taken.path, 'utf8')).toBe('444\n');

  stale.release(); // not 333's any more: stays
  expect(existsSync(taken.path)).toBe(true);
  taken.release();
  expect(existsSync(taken.path)).toBe(false);
  // free again
  expect(lockDataDir(dataDir, { pid: 555, isAlive: () => true }).path).toBe(taken.path);
});

test('an unreadable lock (no pid in it) is treated as stale', () => {
  const dataDir = dir();
  writeFileSync(join(dataDir, LOCK_FILE_NAME), 'garbage');
  expect(readFileSync(lockDataDir(dataDir, { pid: 666, isAlive: () => true }).path, 'utf8')).toBe('666\n');
});
