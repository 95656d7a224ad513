// One local stack per DATA_DIR: `npm start` takes DATA_DIR/stack.lock (its pid) before the
// stand-ins open the LevelDB files there, so a second start on the same folder stops with who
// holds it and what to do, not with LevelDB's "LOCK: already held by process" stack trace. A lock
// whose process is gone (a crash, a kill -9) is taken over. The lock file is created with link(2),
// which fails if the name exists: of two starts at once, one wins.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE_NAME = 'stack.lock';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `${dataDir} is in use by another local stack (pid ${pid}): stop that one (Ctrl-C in its terminal, or kill ${pid}), or start this one on another folder, e.g. DATA_DIR=${dataDir}-2 npm start`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly path: string;
  /** removes the lock if it is still this process's */
  release(): void;
}

export interface LockOptions {
  pid?: number;
  isAlive?: (pid: number) => boolean;
}

/** Takes DATA_DIR's lock for `pid` (default this process), or throws DataDirLockedError naming its holder. */
export function lockDataDir(dataDir: string, options: LockOptions = {}): DataDirLock {
  const pid = options.pid ?? process.pid;
  const alive = options.isAlive ?? processAlive;
  const path = join(dataDir, LOCK_FILE_NAME);
  // Written whole under a private name, then linked into place: nobody ever reads half a pid.
  const mine = `${path}.${pid}`;
  writeFileSync(mine, `${pid}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(mine, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      }
      const holder = holderOf(path);
      if (holder !== undefined && holder !== pid && alive(holder)) throw new DataDirLockedError(dataDir, holder);
      // Stale (its process is gone), unreadable, or this very pid: removed, and linked once more.
      // Another start taking it over at the same moment makes that one link fail: it reports us.
      rmSync(path, { force: true });
    }
  } catch (error) {
    if (error instanceof DataDirLockedError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const holder = holderOf(path);
      throw new DataDirLockedError(dataDir, holder ?? 0);
    }
    throw error;
  } finally {
    rmSync(mine, { force: true });
  }
  return {
    path,
    release() {
      if (holderOf(path) === pid) rmSync(path, { force: true });
    },
  };
}

function holderOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's process
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
