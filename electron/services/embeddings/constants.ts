import type { ChunkingSpec } from './worker-protocol';

/** The model used when nothing else is configured (docs/architecture.md, Product rules: embedding model resolution). */
export const DEFAULT_MODEL_ID = 'Xenova/all-MiniLM-L6-v2';

/** Width of every stored vector; the columns are `vector(384)`, so a model must produce this. */
export const EMBEDDING_DIMS = 384;

/**
 * all-MiniLM-L6-v2 was trained on sequences of at most 256 tokens, so a chunk holds at most
 * that many including the [CLS] and [SEP] the tokenizer adds.
 */
export const MAX_CHUNK_TOKENS = 256;
export const SPECIAL_TOKENS_PER_CHUNK = 2;
/** Tokens a chunk repeats from the end of the previous one, so a sentence cut by a boundary is whole in one of them. */
export const CHUNK_OVERLAP_TOKENS = 32;
/** Bounds the CPU one item can take; the rest of a longer text still counts for MinHash. */
export const MAX_CHUNKS_PER_ITEM = 1000;
/** Characters of an item's text that are read at all (a 200 MB JSONL would otherwise be tokenized whole). */
export const MAX_TEXT_CHARS = 4_000_000;
/** Stored with every item embedding: changing the chunking parameters re-embeds everything once. */
export const CHUNKER_ID = `tok${MAX_CHUNK_TOKENS}-ov${CHUNK_OVERLAP_TOKENS}-v1`;
/** The chunking that CHUNKER_ID names, as the worker takes it: items and Datanet descriptions are cut alike. */
export const CHUNKING: ChunkingSpec = { maxTokens: MAX_CHUNK_TOKENS, overlapTokens: CHUNK_OVERLAP_TOKENS, maxChunks: MAX_CHUNKS_PER_ITEM };
/** Characters of a chunk kept in the database for search results. */
export const SNIPPET_CHARS = 320;

/** Chunks per inference call: big enough to keep the CPU busy, small enough that a cancel or a search waits at most one batch. */
export const EMBED_BATCH_SIZE = 16;

/** MinHash: 3-word shingles, 128 hash functions, LSH with 32 bands of 4 rows (candidates from Jaccard ≈ 0.42 up). */
export const SHINGLE_WORDS = 3;
export const MINHASH_PERMUTATIONS = 128;
export const LSH_BANDS = 32;
export const LSH_ROWS = MINHASH_PERMUTATIONS / LSH_BANDS;

/** Estimated Jaccard similarity of shingles from which two items are near-duplicates by text. */
export const TEXT_DUPLICATE_THRESHOLD = 0.8;
/**
 * Cosine similarity of item vectors from which two items are semantic duplicates. Paraphrases
 * score 0.8–0.95 with all-MiniLM-L6-v2; above 0.96 they say the same thing in nearly the same words.
 */
export const SEMANTIC_DUPLICATE_THRESHOLD = 0.96;

/**
 * HNSW candidates examined per query. bench/vector-search.bench.mjs at 100,000 clustered chunks
 * (m 16, ef_construction 64): ef 40 gives recall@10 0.96, ef 64 gives 0.98 at p95 under 10 ms,
 * with and without the per-Datanet filter.
 */
export const HNSW_EF_SEARCH = 64;
