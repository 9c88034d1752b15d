/**
 * On-device embeddings: settings of the embedding model, chunk vectors (pgvector HNSW, cosine),
 * one summary vector per item, MinHash signatures with their LSH bands for text near-duplicates,
 * Datanet description vectors for relevance, and per-item duplicate overrides. Every vector row
 * records the model id and version (sha256 of its ONNX file) that made it, so vectors of
 * different models are never compared. HNSW parameters were tuned with
 * bench/vector-search.bench.mjs.
 */
export const MIGRATION_0004 = {
  version: 4,
  name: 'embeddings',
  sql: `
    create extension if not exists vector;

    create table embedding_settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );

    -- The last complete embedding of an item. Written after its chunks, so an item whose run
    -- was interrupted has no row and is embedded again next time.
    create table item_embeddings (
      item_id text primary key references items (id) on delete cascade,
      datanet_id text not null,
      -- sha256 of the content embedded: the original's, or the current version's.
      source_sha256 text not null,
      version_id text,
      -- sha256 of the extracted text: equal texts are exact duplicates whatever their bytes.
      text_sha256 text not null,
      model_id text not null,
      model_version text not null,
      chunker text not null,
      chunk_count integer not null check (chunk_count >= 0),
      is_truncated boolean not null default false,
      -- Mean of the chunk vectors, normalised; null for a text without words.
      embedding vector(384),
      embedded_at timestamptz not null default now()
    );
    create index item_embeddings_datanet on item_embeddings (datanet_id);
    create index item_embeddings_text on item_embeddings (text_sha256);
    create index item_embeddings_hnsw on item_embeddings using hnsw (embedding vector_cosine_ops) with (m = 16, ef_construction = 64);

    create table embedding_chunks (
      item_id text not null references items (id) on delete cascade,
      chunk_index integer not null check (chunk_index >= 0),
      datanet_id text not null,
      model_id text not null,
      model_version text not null,
      start_char integer not null,
      end_char integer not null,
      token_count integer not null,
      snippet text not null,
      embedding vector(384) not null,
      primary key (item_id, chunk_index)
    );
    create index embedding_chunks_hnsw on embedding_chunks using hnsw (embedding vector_cosine_ops) with (m = 16, ef_construction = 64);

    create table item_minhash (
      item_id text primary key references items (id) on delete cascade,
      source_sha256 text not null,
      shingle_count integer not null,
      signature integer[] not null
    );
    create table item_minhash_bands (
      item_id text not null references items (id) on delete cascade,
      band smallint not null,
      bucket integer not null,
      primary key (item_id, band)
    );
    create index item_minhash_bands_bucket on item_minhash_bands (band, bucket);

    create table datanet_embeddings (
      datanet_id text primary key references datanets (id) on delete cascade,
      text_sha256 text not null,
      model_id text not null,
      model_version text not null,
      embedding vector(384)
    );

    -- A user's decision that an item flagged as a duplicate may still be submitted.
    create table duplicate_overrides (
      item_id text primary key references items (id) on delete cascade,
      is_overridden boolean not null,
      updated_at timestamptz not null default now()
    );
  `,
} as const;
