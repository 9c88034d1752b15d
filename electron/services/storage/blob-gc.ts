import type { Database } from '../db/database';
import type { BlobStore } from './blob-store';

/** Deletes a stored content (row and file) when no item and no version refers to it any more. */
export async function removeBlobIfUnreferenced(db: Database, blobs: BlobStore, sha256: string): Promise<void> {
  const { rows } = await db.query<{ n: number }>(
    'select (select count(*) from items where sha256 = $1) + (select count(*) from item_versions where content_sha256 = $1) as n',
    [sha256],
  );
  if (Number(rows[0]?.n ?? 0) > 0) return;
  await db.query('delete from blobs where sha256 = $1', [sha256]);
  await blobs.remove(sha256);
}
