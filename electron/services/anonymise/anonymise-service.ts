import { randomUUID } from 'node:crypto';
import type { MethodInput, MethodOutput, MethodParsedInput } from '../../../shared/api';
import type { DatanetService } from '../datanets/datanet-service';
import type { Database } from '../db/database';
import type { EventBus } from '../events';
import type { LibraryService } from '../library/library-service';
import type { VersionService } from '../library/version-service';
import type { BlobStore } from '../storage/blob-store';
import { DetectionJobs } from './detection-jobs';
import { AnonymiseExport } from './export';
import { ReviewContext } from './review-context';
import type { SecretStore } from './secret-store';
import { TableReview } from './table-review';
import { TextAnonymiser } from './text-anonymiser';
import { TextReview } from './text-review';

export { STORE_MIN_CONFIDENCE, TABLE_SAMPLE_ROWS } from './detection-jobs';
export { detectionId } from './detections';

/**
 * Anonymisation of items under human review: detection in a worker thread, decisions stored in
 * PGlite (they survive restarts), preview, and export to a new version with its report. One
 * facade over the parts (`detection-jobs.ts`, `text-review.ts`, `text-anonymiser.ts`,
 * `table-review.ts`, `export.ts`), which share one {@link ReviewContext}.
 */
export class AnonymiseService {
  private readonly ctx: ReviewContext;
  private readonly detection: DetectionJobs;
  private readonly texts: TextReview;
  private readonly anonymiser: TextAnonymiser;
  private readonly tables: TableReview;
  private readonly exporter: AnonymiseExport;

  constructor(
    db: Database,
    library: LibraryService,
    versions: VersionService,
    datanets: DatanetService,
    blobs: BlobStore,
    events: EventBus,
    secrets: SecretStore,
    workerPath: string | undefined,
  ) {
    this.ctx = new ReviewContext(db, library, datanets, blobs, events);
    this.detection = new DetectionJobs(this.ctx, workerPath);
    this.texts = new TextReview(this.ctx);
    this.anonymiser = new TextAnonymiser(this.ctx, secrets);
    this.tables = new TableReview(this.ctx, library);
    this.exporter = new AnonymiseExport(this.ctx, versions, secrets, workerPath, this.anonymiser, this.tables);
  }

  /** Detects personal data in an item in a worker thread; decisions on spans proposed again are kept. */
  detect(input: MethodParsedInput<'anonymise.detect'>): Promise<MethodOutput<'anonymise.detect'>> {
    return this.detection.detect(input);
  }

  /** Stops a detection run; what was stored stays as it was. */
  cancel(jobId: string): { cancelled: boolean } {
    return this.detection.cancel(jobId);
  }

  /** The review state of an item for a window of its text. */
  review(input: MethodInput<'anonymise.review'>): Promise<MethodOutput<'anonymise.review'>> {
    return this.texts.review(input);
  }

  /** Accepts, rejects or retypes one detection, or sets it back to pending. */
  decide(input: MethodParsedInput<'anonymise.decide'>): Promise<MethodOutput<'anonymise.decide'>> {
    return this.texts.decide(input);
  }

  /** Sets the decision of every detection of one effective type at or above the threshold. */
  decideType(input: MethodParsedInput<'anonymise.decideType'>): Promise<MethodOutput<'anonymise.decideType'>> {
    return this.texts.decideType(input);
  }

  /** Adds a span the detectors missed; it is accepted and wins over detections it overlaps. */
  addSpan(input: MethodParsedInput<'anonymise.addSpan'>): Promise<MethodOutput<'anonymise.addSpan'>> {
    return this.texts.addSpan(input);
  }

  /** Removes a span the reviewer added. */
  removeSpan(input: MethodParsedInput<'anonymise.removeSpan'>): Promise<MethodOutput<'anonymise.removeSpan'>> {
    return this.texts.removeSpan(input);
  }

  /** Sets the item's confidence threshold. */
  setThreshold(input: MethodParsedInput<'anonymise.setThreshold'>): Promise<MethodOutput<'anonymise.setThreshold'>> {
    return this.texts.setThreshold(input);
  }

  /** The anonymised text for a window of the original, with both sides' offsets. */
  preview(input: MethodParsedInput<'anonymise.preview'>): Promise<MethodOutput<'anonymise.preview'>> {
    return this.anonymiser.preview(input);
  }

  /**
   * Creates the anonymised version from the original (which stays as it is) with its report;
   * detections nobody decided on are replaced, unless the policy says to refuse.
   * Texts without stored detections are detected first.
   */
  async exportVersion(itemId: string): Promise<MethodOutput<'anonymise.export'>> {
    const item = await this.ctx.item(itemId);
    const review = await this.ctx.reviewRow(item.id);
    if (!review?.detected_at) await this.detect({ itemId: item.id, jobId: `export-${randomUUID()}` });
    if (item.kind === 'table') return this.exporter.exportTable(item);
    return this.exporter.exportText(item, review);
  }

  /** A table's per-column summary, policies and k-anonymity check. */
  columns(itemId: string): Promise<MethodOutput<'anonymise.columns'>> {
    return this.tables.columns(itemId);
  }

  /** Changes one column's policy. */
  setColumnPolicy(input: MethodParsedInput<'anonymise.setColumnPolicy'>): Promise<MethodOutput<'anonymise.setColumnPolicy'>> {
    return this.tables.setColumnPolicy(input);
  }

  /** k-anonymity of the marked quasi-identifiers after the column policies. */
  checkK(itemId: string): Promise<MethodOutput<'anonymise.checkK'>> {
    return this.tables.checkK(itemId);
  }
}
