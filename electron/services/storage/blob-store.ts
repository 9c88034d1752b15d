import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDirectory } from './sync-directory';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** sha256 of bytes as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Originals stored by content (sha256) under `root`. A file is written to a temporary name,
 * fsync'd, then renamed into place, so a crash never leaves a half-written original under its
 * final name (PGlite itself runs without fsync; the originals must not depend on it).
 */
export class BlobStore {
  constructor(private readonly root: string) {
    // Owner-only: originals are the un-anonymised files (see storage/permissions.ts).
    mkdirSync(join(root, 'tmp'), { recursive: true, mode: 0o700 });
  }

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256.slice(0, 80)}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch {
      return false;
    }
  }

  /** Stores bytes under their sha256; returns whether this call wrote a new file. */
  async put(sha256: string, bytes: Uint8Array): Promise<boolean> {
    const target = this.pathOf(sha256);
    if (await this.has(sha256)) return false;
    mkdirSync(join(this.root, sha256.slice(0, 2)), { recursive: true, mode: 0o700 });
    const tmp = join(this.root, 'tmp', `${sha256}.${randomUUID()}`);
    const file = await open(tmp, 'wx', 0o600);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, target);
    // The rename is the commit: make the name durable too, not only the bytes.
    await syncDirectory(dirname(target));
    return true;
  }

  async get(sha256: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.pathOf(sha256)));
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }
}
