import { join } from 'node:path';
import { acquireLockFile } from '../electron/services/storage/data-lock';
import { AppError } from '../shared/errors';

/**
 * One devnet per data folder: two anvils dumping into one state file, or two validators
 * rewriting one state file, would each lose the other's writes. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  return acquireLockFile(
    join(dataDir, 'devnet.lock'),
    (pid) =>
      new AppError('conflict', `a devnet (pid ${pid}) is already running on ${dataDir}; stop it or choose another --data-dir`, { pid }),
  );
}
