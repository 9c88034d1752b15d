import { z } from 'zod';
import { event, method } from './define';
import { idSchema } from './datanets';
import { OPERATOR_KINDS } from '../pii/operators';
import { anonymisationReportSchema } from '../pii/report';
import { columnActionSchema, columnPolicySchema, generalisationSchema, kCheckSchema, tableReportSchema } from '../pii/tables';
import { entityTypeSchema } from '../pii/types';

/**
 * Anonymisation of one item, reviewed by a person: detection (in a worker thread, with progress
 * and cancel), the review state read by window (documents of tens of MB stay responsive),
 * decisions per detection or per type, spans the reviewer adds, a confidence threshold, a
 * side-by-side preview, and the export that makes the anonymised version with its report.
 * Structured items (tables) are reviewed per column instead, with a k-anonymity check.
 *
 * Offsets are UTF-16 code units into the item's extracted text, `end` exclusive.
 */

export const DETECTION_DECISIONS = ['pending', 'accepted', 'rejected'] as const;
export const detectionDecisionSchema = z.enum(DETECTION_DECISIONS);
export type DetectionDecision = (typeof DETECTION_DECISIONS)[number];

/** Largest window of text one review or preview call returns. */
export const MAX_REVIEW_WINDOW = 2_000_000;
/** Window returned when the caller names none. */
export const DEFAULT_REVIEW_WINDOW = 1_000_000;

export const reviewDetectionSchema = z.object({
  /** Stable across reads, decisions and restarts (and across re-detection of the same span). */
  id: z.string(),
  /** detector: proposed by detection; reviewer: a span the reviewer added (confidence 1). */
  origin: z.enum(['detector', 'reviewer']),
  /** The type the detector proposed (or the reviewer gave when adding). */
  type: entityTypeSchema,
  /** The type the reviewer chose instead; null when unchanged. */
  retypedAs: entityTypeSchema.nullable(),
  /** `retypedAs ?? type`: what the operators use. */
  effectiveType: entityTypeSchema,
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  text: z.string(),
  confidence: z.number().min(0).max(1),
  reason: z.string(),
  detector: z.string(),
  /** Pending detections at or above the threshold are accepted at export (policy). Added spans are accepted. */
  decision: detectionDecisionSchema,
});
export type ReviewDetection = z.infer<typeof reviewDetectionSchema>;

export const typeCountSchema = z.object({
  type: entityTypeSchema,
  total: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
});

export const versionRefSchema = z.object({ versionId: z.string(), reportHash: z.string(), createdAt: z.string() });

const windowSchema = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });

export const reviewStateSchema = z.object({
  itemId: idSchema,
  kind: z.enum(['text', 'table']),
  /** none: never detected; running: a detection job is under way; ready: detections are stored. */
  state: z.enum(['none', 'running', 'ready']),
  detectedAt: z.string().nullable(),
  /** The detector versions the stored detections came from. */
  detectors: z.record(z.string(), z.string()),
  /** Whole text length (text items; 0 for tables). */
  textLength: z.number().int().nonnegative(),
  /** Detections below it are neither shown nor applied. */
  minConfidence: z.number().min(0).max(1),
  /** The window returned: `text` is the item's text in [start, end). */
  window: windowSchema,
  text: z.string(),
  /** Detections at or above the threshold that overlap the window, by start. */
  detections: z.array(reviewDetectionSchema),
  /** Counts over the whole document, at or above the threshold, by effective type. */
  counts: z.array(typeCountSchema),
  /** Detections at or above the threshold in the whole document. */
  totalDetections: z.number().int().nonnegative(),
  /** Detections hidden (and not applied) because they are below the threshold. */
  belowThreshold: z.number().int().nonnegative(),
  /** The operator the Datanet's policy applies to each type. */
  operators: z.partialRecord(entityTypeSchema, z.enum(OPERATOR_KINDS)),
  defaultOperator: z.enum(OPERATOR_KINDS),
  /** The Datanet requires anonymisation before submission. */
  isRequired: z.boolean(),
  /** The newest anonymised version of the item, if any. */
  latestVersion: versionRefSchema.nullable(),
});
export type ReviewState = z.infer<typeof reviewStateSchema>;

export const replacementSchema = z.object({
  detectionId: z.string().nullable(),
  type: entityTypeSchema,
  /** Offsets into the original text. */
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  /** Offsets into the anonymised text. */
  outputStart: z.number().int().nonnegative(),
  outputEnd: z.number().int().nonnegative(),
  operator: z.enum(OPERATOR_KINDS),
  replacement: z.string(),
});

export const previewSchema = z.object({
  itemId: idSchema,
  textLength: z.number().int().nonnegative(),
  outputLength: z.number().int().nonnegative(),
  /** The original window [start, end) and its text. */
  window: windowSchema,
  text: z.string(),
  /** Where that window lands in the anonymised text, and the anonymised text there. */
  outputWindow: windowSchema,
  anonymised: z.string(),
  /** Replacements inside the window, by start. */
  replacements: z.array(replacementSchema),
});
export type Preview = z.infer<typeof previewSchema>;

export const exportResultSchema = z.object({
  itemId: idSchema,
  versionId: z.string(),
  report: z.union([anonymisationReportSchema, tableReportSchema]),
  /** sha256 of the report's canonical JSON: what a submission manifest carries. */
  reportHash: z.string(),
});
export type ExportResult = z.infer<typeof exportResultSchema>;

export const columnSummarySchema = z.object({
  column: z.string(),
  index: z.number().int().nonnegative(),
  /** Types found in the scanned cells, most frequent first. */
  types: z.array(z.object({ type: entityTypeSchema, count: z.number().int().positive() })),
  /** Scanned cells with at least one detection. */
  detectedCells: z.number().int().nonnegative(),
  /** Cells scanned (a sample of the rows for very large tables). */
  sampleCount: z.number().int().nonnegative(),
  /** What the detections suggest; the starting choice before the reviewer sets one. */
  suggested: columnPolicySchema,
  /** The policy export applies. */
  policy: columnPolicySchema,
});
export type ColumnSummary = z.infer<typeof columnSummarySchema>;

export const tableReviewSchema = z.object({
  itemId: idSchema,
  state: z.enum(['none', 'running', 'ready']),
  rowCount: z.number().int().nonnegative(),
  columns: z.array(columnSummarySchema),
  /** The k-anonymity check on the marked quasi-identifiers as the policies stand now. */
  kCheck: kCheckSchema,
  isRequired: z.boolean(),
  latestVersion: versionRefSchema.nullable(),
});
export type TableReview = z.infer<typeof tableReviewSchema>;

const jobIdSchema = z.string().min(1).max(100);
const offsetSchema = z.number().int().nonnegative();
const windowInput = {
  /** Window start (default 0). */
  start: offsetSchema.optional(),
  /** Window end, exclusive (default start + DEFAULT_REVIEW_WINDOW, clamped to the text). */
  end: offsetSchema.optional(),
};

export const anonymiseMethods = {
  'anonymise.detect': method(
    z.object({ itemId: idSchema, jobId: jobIdSchema }).strict(),
    z.object({
      itemId: idSchema,
      jobId: z.string(),
      cancelled: z.boolean(),
      /** Detections stored (all confidences; the threshold filters what is shown). */
      detections: z.number().int().nonnegative(),
      textLength: z.number().int().nonnegative(),
    }),
    'Detect personal data in an item in a worker thread, with progress events; decisions on unchanged spans are kept.',
  ),
  'anonymise.cancel': method(
    z.object({ jobId: jobIdSchema }).strict(),
    z.object({ cancelled: z.boolean() }),
    'Stop a detection run; the stored detections stay as they were.',
  ),
  'anonymise.review': method(
    z
      .object({
        itemId: idSchema,
        ...windowInput,
        /** false: detections and counts only, `text` empty. */
        includeText: z.boolean().default(true),
      })
      .strict(),
    reviewStateSchema,
    "An item's review state: a window of its text with the detections in it, counts per type, threshold.",
  ),
  'anonymise.decide': method(
    z
      .object({
        itemId: idSchema,
        detectionId: z.string().min(1).max(200),
        /** pending takes a decision back (undo). */
        decision: detectionDecisionSchema,
        /** A type to use instead; null restores the proposed type; absent leaves it. */
        retypeAs: entityTypeSchema.nullable().optional(),
      })
      .strict(),
    reviewDetectionSchema,
    'Accept, reject or retype one detection, or set it back to pending.',
  ),
  'anonymise.decideType': method(
    z.object({ itemId: idSchema, type: entityTypeSchema, decision: detectionDecisionSchema }).strict(),
    z.object({ changed: z.number().int().nonnegative() }),
    'Set the decision of every detection of one (effective) type at or above the threshold.',
  ),
  'anonymise.addSpan': method(
    z.object({ itemId: idSchema, start: offsetSchema, end: offsetSchema, type: entityTypeSchema }).strict(),
    reviewDetectionSchema,
    'Add a span the detectors missed (widened to whole characters); it is accepted and wins over overlapping detections.',
  ),
  'anonymise.removeSpan': method(
    z.object({ itemId: idSchema, detectionId: z.string().min(1).max(200) }).strict(),
    z.object({ removed: z.boolean() }),
    'Remove a span the reviewer added (detector spans are rejected instead).',
  ),
  'anonymise.setThreshold': method(
    z.object({ itemId: idSchema, minConfidence: z.number().min(0).max(1) }).strict(),
    z.object({ itemId: idSchema, minConfidence: z.number(), totalDetections: z.number().int().nonnegative() }),
    "Set the item's confidence threshold: detections below it are hidden and not applied.",
  ),
  'anonymise.preview': method(
    z.object({ itemId: idSchema, ...windowInput }).strict(),
    previewSchema,
    'The anonymised text for a window of the original, with the replacements and their offsets on both sides.',
  ),
  'anonymise.export': method(
    z.object({ itemId: idSchema }).strict(),
    exportResultSchema,
    'Create the anonymised version (the original is never modified) and store its report; the item becomes anonymised.',
  ),
  'anonymise.columns': method(
    z.object({ itemId: idSchema }).strict(),
    tableReviewSchema,
    "A table's per-column detection summary, column policies and k-anonymity check.",
  ),
  'anonymise.setColumnPolicy': method(
    z
      .object({
        itemId: idSchema,
        column: z.string().max(1000),
        action: columnActionSchema.optional(),
        generalisation: generalisationSchema.nullable().optional(),
        isQuasiIdentifier: z.boolean().optional(),
      })
      .strict(),
    columnSummarySchema,
    "Change one column's action, generalisation or quasi-identifier mark.",
  ),
  'anonymise.checkK': method(
    z.object({ itemId: idSchema }).strict(),
    kCheckSchema,
    "k-anonymity of the table's marked quasi-identifiers after the column policies, against the Datanet's k.",
  ),
} as const;

export const anonymiseEvents = {
  'anonymise.progress': event(
    z.object({
      jobId: z.string(),
      itemId: idSchema,
      phase: z.enum(['detecting', 'saving', 'finished', 'cancelled', 'failed']),
      /** Characters (text) or rows (tables) scanned so far. */
      done: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
      detections: z.number().int().nonnegative(),
    }),
    'Progress of a detection run.',
  ),
  'anonymise.changed': event(
    z.object({ itemId: idSchema }),
    "An item's detections, decisions, threshold or column policies changed, or it was exported.",
  ),
} as const;
