import { createHash } from 'node:crypto';
import type { Database } from '../db/database';
import { CHUNKING, EMBED_BATCH_SIZE } from './constants';
import type { ActiveModel, ModelManager } from './model-manager';
import { meanVector, toVectorLiteral } from './vectors';

/**
 * Embeds a Datanet's description (domain and description) when it changed since last time: the
 * direction an item's relevance is measured against. Both embedding runs and relevance queries
 * refresh it, so it lives apart from either.
 */
export async function refreshDescription(
  db: Database,
  models: ModelManager,
  datanetId: string,
  model: ActiveModel,
  signal?: AbortSignal,
): Promise<void> {
  const { rows } = await db.query<{
    domain: string;
    description: string;
    text_sha256: string | null;
    model_id: string | null;
    model_version: string | null;
  }>(
    `select d.domain, d.description, e.text_sha256, e.model_id, e.model_version
     from datanets d left join datanet_embeddings e on e.datanet_id = d.id where d.id = $1`,
    [datanetId],
  );
  const row = rows[0];
  if (!row) return;
  const text = [row.domain, row.description]
    .map((s) => s.trim())
    .filter(Boolean)
    .join('\n');
  const sha = createHash('sha256').update(text).digest('hex');
  if (row.text_sha256 === sha && row.model_id === model.modelId && row.model_version === model.modelVersion) return;
  let vector: Float32Array | undefined;
  if (text) {
    const { vectors, dims } = await models.client().embedDocument(text, CHUNKING, {
      batchSize: EMBED_BATCH_SIZE,
      priority: 'high',
      signal,
    });
    vector = meanVector(vectors, dims);
  }
  await db.query(
    `insert into datanet_embeddings (datanet_id, text_sha256, model_id, model_version, embedding) values ($1, $2, $3, $4, $5::vector)
     on conflict (datanet_id) do update set text_sha256 = excluded.text_sha256, model_id = excluded.model_id,
       model_version = excluded.model_version, embedding = excluded.embedding`,
    [datanetId, sha, model.modelId, model.modelVersion, vector ? toVectorLiteral(vector) : null],
  );
}
