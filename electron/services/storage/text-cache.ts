import { mkdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

/**
 * Extracted text of originals whose extraction is costly (PDF, DOCX), by the original's sha256.
 * A cache, not a record: it is derived from the stored original and re-derived when missing, so
 * it is written without fsync.
 */
export class TextCache {
  constructor(private readonly root: string) {
    // Owner-only: the text of an original is as sensitive as the original.
    mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  private pathOf(sha256: string): string {
    return join(this.root, `${sha256}.txt`);
  }

  async get(sha256: string): Promise<string | undefined> {
    try {
      return await readFile(this.pathOf(sha256), 'utf8');
    } catch {
      return undefined;
    }
  }

  async put(sha256: string, text: string): Promise<void> {
    const tmp = `${this.pathOf(sha256)}.${randomUUID()}.tmp`;
    await writeFile(tmp, text, { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, this.pathOf(sha256));
  }
}
