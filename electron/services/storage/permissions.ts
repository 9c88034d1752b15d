import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Owner-only modes for the data folder: originals, texts, keys and the database are nobody else's. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
const GROUP_OTHER_BITS = 0o077;

/** What the start-up check found and changed. */
export type PermissionReport = {
  /** Directories and files whose mode was checked. */
  checked: number;
  fixedDirectories: number;
  fixedFiles: number;
  /** Symbolic links are neither followed nor changed: chmod would act on their target, outside the folder. */
  skippedLinks: number;
  /** Entries that vanished or could not be read or changed while walking (left as they were). */
  failed: number;
  /** False when the entry budget ran out: the rest were not checked this time. */
  isComplete: boolean;
  elapsedMs: number;
};

export type PermissionOptions = {
  /** At most this many entries are checked (bounds start-up on a huge blob store). */
  maxEntries?: number;
  /** lstat calls in flight at once. */
  concurrency?: number;
  platform?: NodeJS.Platform;
};

/** Default entry budget: about 0.5 s per 100 000 entries measured on a 2-core Linux box. */
export const DEFAULT_MAX_ENTRIES = 500_000;

/**
 * Walks the data folder and removes group and other permission bits: directories become 0700 and
 * files 0600. Another local user can then neither list nor read anything, even where an older
 * version, a restore from backup or a copy left 0755/0644 behind. Symbolic links are skipped, not
 * followed. Windows has no POSIX modes (ACLs of the profile folder apply), so nothing is done there.
 */
export async function enforcePrivateModes(root: string, options: PermissionOptions = {}): Promise<PermissionReport> {
  const started = performance.now();
  const report: PermissionReport = {
    checked: 0,
    fixedDirectories: 0,
    fixedFiles: 0,
    skippedLinks: 0,
    failed: 0,
    isComplete: true,
    elapsedMs: 0,
  };
  if ((options.platform ?? process.platform) === 'win32') return report;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const concurrency = options.concurrency ?? 64;

  /** Checks and fixes one entry; true when it is a real directory to descend into. */
  const fix = async (path: string, isDirectory: boolean): Promise<boolean> => {
    try {
      const stats = await lstat(path);
      if (stats.isSymbolicLink()) {
        report.skippedLinks++;
        return false;
      }
      if (stats.isDirectory() !== isDirectory) return false;
      report.checked++;
      if ((stats.mode & GROUP_OTHER_BITS) === 0) return isDirectory;
      // chmod by path follows a link swapped in after the lstat; fchmod on an O_NOFOLLOW handle cannot.
      const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        await handle.chmod(isDirectory ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE);
      } finally {
        await handle.close();
      }
      if (isDirectory) report.fixedDirectories++;
      else report.fixedFiles++;
      return isDirectory;
    } catch {
      report.failed++;
      return false;
    }
  };

  // Breadth first, directories fixed before their contents are listed.
  const queue: string[] = [root];
  let budget = maxEntries - 1;
  if (!(await fix(root, true))) {
    report.elapsedMs = Math.round(performance.now() - started);
    return report;
  }
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      report.failed++;
      continue;
    }
    const files: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) report.skippedLinks++;
      else if (budget <= 0) report.isComplete = false;
      else if (entry.isDirectory()) {
        budget--;
        if (await fix(path, true)) queue.push(path);
      } else if (entry.isFile()) {
        budget--;
        files.push(path);
      }
    }
    for (let i = 0; i < files.length; i += concurrency) {
      await Promise.all(files.slice(i, i + concurrency).map((f) => fix(f, false)));
    }
    if (!report.isComplete) break;
  }
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}
