import { z } from 'zod';
import { cliMethod, method, event } from './define';
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

const importIdSchema = z.string().min(1).max(100);

/** The outcome of a path import, file by file; `cancelled` when Cancel stopped it early. */
export const importOutcomeSchema = z.object({ results: z.array(importResultSchema), cancelled: z.boolean() });
export type ImportOutcome = z.infer<typeof importOutcomeSchema>;

/**
 * What the Electron preload sends on its drop channel: the paths Electron itself resolved for
 * the File objects of a drop (webUtils.getPathForFile), never paths the page wrote.
 */
export const droppedImportSchema = z
  .object({
    datanetId: idSchema,
    importId: importIdSchema,
    paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000),
  })
  .strict();
export type DroppedImport = z.infer<typeof droppedImportSchema>;

/** Whether an item's original may leave the machine (see items.setShareOriginal). */
export const shareOriginalStateSchema = z.object({ id: idSchema, isShared: z.boolean(), markedAt: z.string().nullable() });
export type ShareOriginalState = z.infer<typeof shareOriginalStateSchema>;

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
  'items.shareOriginalStatus': method(
    z.object({ id: idSchema }).strict(),
    shareOriginalStateSchema,
    "Whether the item's un-anonymised original is marked to be sent to its Datanet.",
  ),
  'items.setShareOriginal': method(
    z
      .object({
        id: idSchema,
        isShared: z.boolean(),
        /** Required to mark: the UI sends it only from the dialog that names the file and the Datanet. */
        confirm: z.literal(true).optional(),
      })
      .strict(),
    shareOriginalStateSchema,
    "Consent (confirm: true) to send the item's un-anonymised original to its Datanet, or withdraw it; recorded in the audit log.",
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
  // CLI only: the paths are the caller's word, and a page must not name files the user never chose.
  'library.importPaths': cliMethod(
    z.object({ datanetId: idSchema, paths: z.array(z.string().min(1)).min(1), importId: importIdSchema }).strict(),
    importOutcomeSchema,
    'Import files and folders from the host machine, with progress events.',
  ),
  'library.pickAndImport': method(
    z.object({ datanetId: idSchema, mode: z.enum(['files', 'folder']), importId: importIdSchema }).strict(),
    importOutcomeSchema.extend({ isDismissed: z.boolean() }),
    "Show the host's own open dialog and import what the user chooses there, with progress events (Electron only: the Node host answers unavailable).",
  ),
  'library.cancelImport': method(
    z.object({ importId: importIdSchema }).strict(),
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
