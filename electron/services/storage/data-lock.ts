import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes a lock file holding this process's pid; `heldBy` names the error when a live process holds
 * it. A lock left by a dead process (a crash) is taken over. Returns the release function.
 */
export function acquireLockFile(file: string, heldBy: (pid: number) => AppError): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && isAlive(pid)) throw heldBy(pid);
      rmSync(file, { force: true });
    }
  }
  throw new AppError('unavailable', `Could not lock ${file}; try again.`);
}

/**
 * One process at a time may open a data folder: PGlite is single-writer, and two processes on one
 * data directory corrupt it.
 */
export function acquireDataLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return acquireLockFile(
    join(dataDir, 'datanet-desk.lock'),
    (pid) =>
      new AppError(
        'unavailable',
        `This data folder is open in another Datanet Desk process (pid ${pid}). Close it, or choose another folder with --data-dir.`,
        { pid },
      ),
  );
}
