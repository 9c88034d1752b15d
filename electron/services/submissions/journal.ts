import { mkdirSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { syncDirectory } from '../storage/sync-directory';
import { writeFileDurably } from '../wallet/keystore-vault';

/**
 * A signed on-chain batch, written before it is broadcast. PGlite runs without fsync, so after a
 * power loss the database may have lost the batch's row while the transaction is on its way; this
 * fsync'd line lets the next start find the transaction (same nonce) instead of signing a second
 * one and attesting twice.
 */
export const journalBatchSchema = z.object({
  kind: z.literal('batch'),
  batchId: z.string(),
  chainId: z.number().int(),
  eas: z.string(),
  sender: z.string(),
  nonce: z.number().int().nonnegative(),
  txHash: z.string(),
  rawTx: z.string(),
  submissionIds: z.array(z.string()),
  at: z.string(),
});
export type JournalBatch = z.infer<typeof journalBatchSchema>;

/** An append-only JSON-lines file, fsync'd on every append. */
export class SubmissionJournal {
  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  }

  /** Appends one entry and returns only once it is on disk. */
  async append(entry: JournalBatch): Promise<void> {
    const handle = await open(this.path, 'a', 0o600);
    try {
      await handle.write(`${JSON.stringify(entry)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The first append creates the file: its name must survive a power loss as well as its bytes.
    await syncDirectory(dirname(this.path));
  }

  /** Every intact entry; a line torn by a crash mid-append is skipped. */
  async read(): Promise<JournalBatch[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: JournalBatch[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = journalBatchSchema.safeParse(JSON.parse(line));
        if (parsed.success) entries.push(parsed.data);
      } catch {
        // a torn last line
      }
    }
    return entries;
  }

  /** Rewrites the journal with only the entries still needed. */
  async retain(keep: (entry: JournalBatch) => boolean): Promise<void> {
    const entries = await this.read();
    const kept = entries.filter(keep);
    if (kept.length === entries.length) return;
    await writeFileDurably(this.path, kept.map((e) => `${JSON.stringify(e)}\n`).join(''));
  }
}
