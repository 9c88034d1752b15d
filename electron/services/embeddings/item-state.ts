import { AppError } from '../../../shared/errors';
import type { Database } from '../db/database';
import { CHUNKER_ID } from './constants';

/** An item with the source its embedding should be of and the one it is of (if any). */
export type ItemState = {
  id: string;
  datanet_id: string;
  kind: 'text' | 'table';
  sha256: string;
  current_version_id: string | null;
  source_sha256: string;
  embedded_source: string | null;
  model_id: string | null;
  model_version: string | null;
  chunker: string | null;
};

export const ITEM_STATE_COLUMNS = `i.id, i.datanet_id, i.kind, i.sha256, i.current_version_id,
    coalesce(v.content_sha256, i.sha256) as source_sha256,
    e.source_sha256 as embedded_source, e.model_id, e.model_version, e.chunker`;
export const ITEM_STATE_FROM = `from items i
  left join item_versions v on v.id = i.current_version_id
  left join item_embeddings e on e.item_id = i.id`;
export const ITEM_STATE_SQL = `select ${ITEM_STATE_COLUMNS} ${ITEM_STATE_FROM}`;

/** Current means made of the item's present source by this model and this chunker; anything else is embedded again. */
export function isCurrent(item: ItemState, model: { modelId: string; modelVersion: string | null }): boolean {
  return (
    item.embedded_source === item.source_sha256 &&
    item.model_id === model.modelId &&
    item.model_version === model.modelVersion &&
    item.chunker === CHUNKER_ID
  );
}

/** One item's embedding state with its creation time (which decides the earlier of two duplicates); not_found when it is gone. */
export async function readItemState(db: Database, itemId: string): Promise<ItemState & { created_at: Date; status: string }> {
  const { rows } = await db.query<ItemState & { created_at: Date; status: string }>(
    `select i.created_at, i.status, ${ITEM_STATE_COLUMNS} ${ITEM_STATE_FROM} where i.id = $1`,
    [itemId],
  );
  const row = rows[0];
  if (!row) throw new AppError('not_found', 'That item does not exist (it may have been deleted).', { id: itemId });
  return row;
}
