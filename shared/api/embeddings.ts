import { z } from 'zod';
import { event, method } from './define';
import { idSchema } from './datanets';
import { errorCodeSchema } from '../errors';

export const MODEL_SOURCES = ['configured', 'bundled', 'cache', 'hub', 'none'] as const;
export const modelSourceSchema = z.enum(MODEL_SOURCES);

export const embeddingSettingsSchema = z.object({
  /** The model to find in the bundled folder, the data folder's cache or on the hub. */
  modelId: z.string(),
  /** A folder chosen in Settings; it takes precedence over everything but a command-line override. */
  modelDir: z.string().nullable(),
  /** Whether the app may download the model from the Hugging Face hub. Off unless the user turns it on. */
  allowNetwork: z.boolean(),
});
export type EmbeddingSettings = z.infer<typeof embeddingSettingsSchema>;

export const embeddingStatusSchema = z.object({
  modelId: z.string(),
  source: modelSourceSchema,
  isUsable: z.boolean(),
  /** sha256 of the model's ONNX file; null until it is on this machine. */
  modelVersion: z.string().nullable(),
  dtype: z.string().nullable(),
  /** Why the model cannot be used, when it cannot. */
  reason: z.string().nullable(),
  settings: embeddingSettingsSchema,
  /** A folder given by `--model` or DATANET_DESK_MODEL_DIR overrides the settings for this run. */
  overrideDir: z.string().nullable(),
});
export type EmbeddingStatus = z.infer<typeof embeddingStatusSchema>;

export const embedResultSchema = z.object({
  jobId: z.string(),
  itemsTotal: z.number().int().nonnegative(),
  embedded: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  failed: z.array(z.object({ itemId: idSchema, code: errorCodeSchema, message: z.string() })),
  chunks: z.number().int().nonnegative(),
  cancelled: z.boolean(),
  modelId: z.string(),
  modelVersion: z.string(),
});
export type EmbedResult = z.infer<typeof embedResultSchema>;

export const searchHitSchema = z.object({
  itemId: idSchema,
  name: z.string(),
  datanetId: idSchema,
  chunkIndex: z.number().int().nonnegative(),
  snippet: z.string(),
  /** Cosine distance of the item's best chunk to the query (0 = same direction). */
  distance: z.number(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const relevanceSchema = z.object({
  itemId: idSchema,
  /** Mean of the similarities below that are known; null when neither is. */
  score: z.number().nullable(),
  /** Cosine similarity to the Datanet's description (null without one). */
  toDescription: z.number().nullable(),
  /** Cosine similarity to the centroid of the Datanet's other accepted items (null without any). */
  toAccepted: z.number().nullable(),
  acceptedCount: z.number().int().nonnegative(),
});
export type Relevance = z.infer<typeof relevanceSchema>;

export const DUPLICATE_KINDS = ['exact', 'text', 'semantic'] as const;

export const duplicateSchema = z.object({
  itemId: idSchema,
  name: z.string(),
  datanetId: idSchema,
  /** exact: same text; text: MinHash Jaccard over word shingles; semantic: cosine of item vectors. */
  kind: z.enum(DUPLICATE_KINDS),
  score: z.number(),
  /** The other item came first, so this one is the copy (only copies are blocked). */
  isEarlier: z.boolean(),
});
export type Duplicate = z.infer<typeof duplicateSchema>;

export const itemQualitySchema = z.object({
  itemId: idSchema,
  /** none: never embedded; stale: its content or the model changed since; current: up to date. */
  state: z.enum(['none', 'stale', 'current']),
  embeddedAt: z.string().nullable(),
  chunkCount: z.number().int().nonnegative(),
  relevance: relevanceSchema.nullable(),
  duplicates: z.array(duplicateSchema),
  isOverridden: z.boolean(),
  /** A duplicate of an earlier item and not overridden: a submission leaves it out. */
  isBlocked: z.boolean(),
});
export type ItemQuality = z.infer<typeof itemQualitySchema>;

export const coverageSchema = z.object({
  items: z.number().int().nonnegative(),
  current: z.number().int().nonnegative(),
  stale: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
});

const jobIdSchema = z.string().min(1).max(100);

export const embeddingMethods = {
  'embeddings.status': method(
    z.object({}).strict(),
    embeddingStatusSchema,
    'The active embedding model, where it comes from, and whether it can be used.',
  ),
  'embeddings.configure': method(
    z
      .object({
        modelDir: z.string().min(1).max(4096).nullable().optional(),
        allowNetwork: z.boolean().optional(),
        modelId: z.string().min(1).max(200).optional(),
      })
      .strict(),
    embeddingStatusSchema,
    'Change the model folder, model id or network permission; returns the new status.',
  ),
  'embeddings.importModel': method(
    z.object({ path: z.string().min(1).max(4096), modelId: z.string().min(1).max(200).optional() }).strict(),
    embeddingStatusSchema,
    "Copy a model folder into the data folder's cache (air-gapped machines) and make it the active model.",
  ),
  'embeddings.embedDatanet': method(
    z.object({ datanetId: idSchema.optional(), jobId: jobIdSchema }).strict(),
    embedResultSchema,
    "Embed a Datanet's items (all Datanets without an id) that changed since their last embedding, with progress events.",
  ),
  'embeddings.cancel': method(
    z.object({ jobId: jobIdSchema }).strict(),
    z.object({ cancelled: z.boolean() }),
    'Stop an embedding run after the batch in progress; what was stored stays.',
  ),
  'embeddings.coverage': method(
    z.object({ datanetId: idSchema.optional() }).strict(),
    coverageSchema,
    'How many items are embedded with the active model, and how many need embedding again.',
  ),
  'embeddings.search': method(
    z
      .object({
        datanetId: idSchema.optional(),
        query: z.string().trim().min(1).max(2000),
        k: z.number().int().min(1).max(100).default(10),
      })
      .strict(),
    z.array(searchHitSchema),
    'Items closest in meaning to a query, best chunk each, nearest first.',
  ),
  'embeddings.relevance': method(
    z.object({ itemId: idSchema }).strict(),
    relevanceSchema,
    "How well an item fits its Datanet's description and accepted items.",
  ),
  'embeddings.duplicates': method(
    z.object({ itemId: idSchema }).strict(),
    z.array(duplicateSchema),
    'Items that duplicate this one exactly, by text overlap or by meaning.',
  ),
  'embeddings.itemQuality': method(
    z.object({ itemId: idSchema }).strict(),
    itemQualitySchema,
    "An item's embedding state, relevance, duplicates and whether a submission would leave it out.",
  ),
  'embeddings.overrideDuplicate': method(
    z.object({ itemId: idSchema, isOverridden: z.boolean() }).strict(),
    z.object({ itemId: idSchema, isOverridden: z.boolean(), isBlocked: z.boolean() }),
    'Let a flagged duplicate be submitted anyway (or take that back).',
  ),
} as const;

export const embeddingEvents = {
  'embeddings.progress': event(
    z.object({
      jobId: z.string(),
      datanetId: idSchema.nullable(),
      phase: z.enum(['loading', 'embedding', 'finished', 'cancelled', 'failed']),
      itemsDone: z.number().int().nonnegative(),
      itemsTotal: z.number().int().nonnegative(),
      /** Chunks embedded so far in this run. */
      chunksDone: z.number().int().nonnegative(),
      itemId: idSchema.nullable(),
    }),
    'Progress of an embedding run: per batch of chunks and per item.',
  ),
  'embeddings.changed': event(
    z.object({ datanetId: idSchema }),
    "Vectors of a Datanet's items were stored; quality flags may have changed.",
  ),
} as const;
