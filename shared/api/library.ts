import { z } from 'zod';
import { method, event } from './define';
import { idSchema } from './datanets';
import { errorCodeSchema } from '../errors';
import { fileTypeSchema } from '../file-types';

/** imported → anonymised (a reviewed anonymised version exists) → dp_applied (noise added to a table). */
export const ITEM_STATUSES = ['imported', 'anonymised', 'dp_applied'] as const;
export const itemStatusSchema = z.enum(ITEM_STATUSES);
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const itemSummarySchema = z.object({
  id: idSchema,
  datanetId: idSchema,
  name: z.string(),
  relativePath: z.string(),
  type: fileTypeSchema,
  kind: z.enum(['text', 'table']),
  size: z.number().int().nonnegative(),
  sha256: z.string(),
  status: itemStatusSchema,
  createdAt: z.string(),
});
export type ItemSummary = z.infer<typeof itemSummarySchema>;

export const itemDetailSchema = itemSummarySchema.extend({
  mediaType: z.string(),
  /** Text items: the first characters of the extracted text (up to `previewChars`). */
  textPreview: z.string().nullable(),
  textLength: z.number().int().nonnegative().nullable(),
  pages: z.number().int().nullable(),
  table: z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.string())), rowCount: z.number().int() }).nullable(),
});
export type ItemDetail = z.infer<typeof itemDetailSchema>;

export const importResultSchema = z.object({
  path: z.string(),
  status: z.enum(['imported', 'duplicate', 'rejected']),
  itemId: idSchema.optional(),
  code: errorCodeSchema.optional(),
  message: z.string().optional(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** Base64 of a file of at most the largest allowed policy size (1 GB would not fit a message). */
const MAX_UPLOAD_BASE64 = Math.ceil((200 * 1_000_000 * 4) / 3) + 4;

export const libraryMethods = {
  'items.list': method(
    z
      .object({
        datanetId: idSchema.optional(),
        status: itemStatusSchema.optional(),
        kind: z.enum(['text', 'table']).optional(),
        type: fileTypeSchema.optional(),
        query: z.string().max(200).optional(),
      })
      .strict(),
    z.array(itemSummarySchema),
    'Items, newest first, filtered.',
  ),
  'items.get': method(
    z.object({ id: idSchema, previewChars: z.number().int().positive().max(50_000).optional() }).strict(),
    itemDetailSchema,
    'One item with a text or table preview.',
  ),
  'items.remove': method(
    z.object({ id: idSchema }).strict(),
    z.object({ id: idSchema }),
    'Delete an item; its stored original goes when nothing else refers to it.',
  ),
  'library.importFile': method(
    z
      .object({
        datanetId: idSchema,
        name: z.string().max(1024),
        relativePath: z.string().max(4096).optional(),
        dataBase64: z.string().max(MAX_UPLOAD_BASE64),
      })
      .strict(),
    importResultSchema,
    'Import one file sent as bytes (browser file picker, drag and drop).',
  ),
  'library.importPaths': method(
    z.object({ datanetId: idSchema, paths: z.array(z.string().min(1)).min(1), importId: z.string().min(1).max(100) }).strict(),
    z.object({ results: z.array(importResultSchema), cancelled: z.boolean() }),
    'Import files and folders from the host machine, with progress events.',
  ),
  'library.cancelImport': method(
    z.object({ importId: z.string().min(1).max(100) }).strict(),
    z.object({ cancelled: z.boolean() }),
    'Stop a running path import after the file in progress.',
  ),
} as const;

export const libraryEvents = {
  'library.importProgress': event(
    z.object({
      importId: z.string(),
      done: z.number().int(),
      total: z.number().int(),
      result: importResultSchema,
    }),
    'One file of a path import finished.',
  ),
  'items.changed': event(z.object({ datanetId: idSchema }), 'Items of a Datanet were added or removed.'),
} as const;
