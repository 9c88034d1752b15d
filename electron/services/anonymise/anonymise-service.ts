import { randomUUID } from 'node:crypto';
import type { MethodInput, MethodOutput, MethodParsedInput } from '../../../shared/api';
import type { ColumnSummary, DetectionDecision, ReviewDetection } from '../../../shared/api/anonymise';
import { DEFAULT_REVIEW_WINDOW, MAX_REVIEW_WINDOW } from '../../../shared/api/anonymise';
import { AppError } from '../../../shared/errors';
import { yearOf } from '../../../shared/pii/date-shift';
import { DETECTOR_VERSIONS } from '../../../shared/pii/detect';
import type { AnonymisationPolicy, AnonymisedText, OperatorContext } from '../../../shared/pii/operators';
import { applyOperators, operatorFor, snapToGraphemes } from '../../../shared/pii/operators';
import type { ReviewedDetection } from '../../../shared/pii/report';
import { buildReport } from '../../../shared/pii/report';
import type { ColumnPolicy, ColumnStats, KCheck, TableReport } from '../../../shared/pii/tables';
import { checkKAnonymity, generaliseCell, MAX_REPORTED_GROUPS, suggestColumnPolicy, typeFromHeader } from '../../../shared/pii/tables';
import type { EntityType } from '../../../shared/pii/types';
import { ENTITY_TYPES } from '../../../shared/pii/types';
import type { Policy } from '../../../shared/policy';
import type { DatanetService } from '../datanets/datanet-service';
import type { Database } from '../db/database';
import type { EventBus } from '../events';
import { extractContent } from '../library/extract';
import type { LibraryService } from '../library/library-service';
import { reportHash, type VersionService } from '../library/version-service';
import type { BlobStore } from '../storage/blob-store';
import { hmacSha256Hex } from './hmac';
import type { SecretStore } from './secret-store';
import { runInWorker } from './worker-client';

/**
 * Detections are stored down to this confidence, so that lowering the threshold in review shows
 * more without detecting again; below it a candidate is noise (bare patterns with no context).
 */
export const STORE_MIN_CONFIDENCE = 0.1;
/** Rows of a table scanned for the per-column summary; enough to see what a column holds. */
export const TABLE_SAMPLE_ROWS = 2000;
const INSERT_BATCH = 5000;

type DetectionRow = {
  id: string;
  origin: 'detector' | 'reviewer';
  type: EntityType;
  start_offset: number;
  end_offset: number;
  confidence: number;
  reason: string;
  detector: string;
  decision: 'accepted' | 'rejected' | null;
  retyped_as: EntityType | null;
};

type ReviewRow = {
  min_confidence: number | null;
  source_sha256: string | null;
  detectors: Record<string, string>;
  column_stats: ColumnStats[] | null;
  row_count: number | null;
  detected_at: Date | null;
};

type ItemInfo = { id: string; datanetId: string; kind: 'text' | 'table'; sha256: string; type: string };

type Job = { itemId: string; controller: AbortController };

const DETECTION_SELECT = `select d.id, d.origin, d.type, d.start_offset, d.end_offset, d.confidence, d.reason, d.detector,
  dc.decision, dc.retyped_as
  from anonymise_detections d left join anonymise_decisions dc on dc.item_id = d.item_id and dc.detection_id = d.id`;

/** Detector spans keep their id when detection runs again over the same text: same span, same type. */
export function detectionId(type: EntityType, start: number, end: number): string {
  return `${type}:${start}:${end}`;
}

function decisionOf(row: DetectionRow): DetectionDecision {
  return row.decision ?? (row.origin === 'reviewer' ? 'accepted' : 'pending');
}

function usesKey(policy: AnonymisationPolicy): boolean {
  const kinds = [policy.default.kind, ...Object.values(policy.byType ?? {}).map((o) => o.kind)];
  return kinds.includes('pseudonym') || kinds.includes('date_shift');
}

/** What export replaces, after the reviewer's spans win over detections they overlap. */
type AppliedSpan = { id: string; type: EntityType; start: number; end: number; origin: 'detector' | 'reviewer' };

/**
 * Anonymisation of items under human review: detection in a worker thread, decisions stored in
 * PGlite (they survive restarts), preview, and export to a new version with its report.
 */
export class AnonymiseService {
  private readonly jobs = new Map<string, Job>();
  private readonly runningItems = new Set<string>();
  private textCache: { sha256: string; text: string } | undefined;
  private previewCache: { itemId: string; revision: number; result: AnonymisedText; applied: AppliedSpan[] } | undefined;
  private readonly revisions = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly library: LibraryService,
    private readonly versions: VersionService,
    private readonly datanets: DatanetService,
    private readonly blobs: BlobStore,
    private readonly events: EventBus,
    private readonly secrets: SecretStore,
    private readonly workerPath: string | undefined,
  ) {}

  private touch(itemId: string): void {
    this.revisions.set(itemId, (this.revisions.get(itemId) ?? 0) + 1);
    this.events.emit('anonymise.changed', { itemId });
  }

  private async item(itemId: string): Promise<ItemInfo> {
    const { rows } = await this.db.query<{ id: string; datanet_id: string; kind: 'text' | 'table'; sha256: string; type: string }>(
      'select id, datanet_id, kind, sha256, type from items where id = $1',
      [itemId],
    );
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'That item does not exist (it may have been deleted).', { id: itemId });
    return { id: row.id, datanetId: row.datanet_id, kind: row.kind, sha256: row.sha256, type: row.type };
  }

  private async policy(item: ItemInfo): Promise<Policy> {
    return (await this.datanets.get(item.datanetId)).policy;
  }

  /** The original's text (never a derived version): anonymising twice must start from the source. */
  private async text(item: ItemInfo): Promise<string> {
    if (this.textCache?.sha256 === item.sha256) return this.textCache.text;
    const text = await this.library.readText(item.id);
    this.textCache = { sha256: item.sha256, text };
    return text;
  }

  private async originalTable(item: ItemInfo): Promise<{ columns: string[]; rows: string[][] }> {
    const content = await extractContent(await this.blobs.get(item.sha256), item.type as never, { maxRows: Number.POSITIVE_INFINITY });
    if (content.kind !== 'table') throw new AppError('internal', 'The stored table no longer reads as a table.');
    return { columns: content.columns, rows: content.previewRows };
  }

  private async reviewRow(itemId: string): Promise<ReviewRow | undefined> {
    const { rows } = await this.db.query<ReviewRow>(
      'select min_confidence, source_sha256, detectors, column_stats, row_count, detected_at from anonymise_reviews where item_id = $1',
      [itemId],
    );
    return rows[0];
  }

  private async threshold(item: ItemInfo, review?: ReviewRow): Promise<number> {
    const row = review ?? (await this.reviewRow(item.id));
    return row?.min_confidence ?? (await this.policy(item)).anonymisation.minConfidence;
  }

  /** Detects personal data in an item in a worker thread; decisions on spans proposed again are kept. */
  async detect(input: MethodParsedInput<'anonymise.detect'>): Promise<MethodOutput<'anonymise.detect'>> {
    if (this.jobs.has(input.jobId)) throw new AppError('conflict', 'A job with that id is already running.');
    if (this.runningItems.has(input.itemId)) throw new AppError('conflict', 'Detection is already running for this item.');
    // Registered before the first await, so that a cancel sent right after the call finds the job.
    const controller = new AbortController();
    this.jobs.set(input.jobId, { itemId: input.itemId, controller });
    this.runningItems.add(input.itemId);
    let item: ItemInfo;
    try {
      item = await this.item(input.itemId);
    } catch (error) {
      this.jobs.delete(input.jobId);
      this.runningItems.delete(input.itemId);
      throw error;
    }
    const progress = (
      phase: 'detecting' | 'saving' | 'finished' | 'cancelled' | 'failed',
      done: number,
      total: number,
      detections: number,
    ) => this.events.emit('anonymise.progress', { jobId: input.jobId, itemId: item.id, phase, done, total, detections });
    try {
      if (item.kind === 'table') {
        const table = await this.originalTable(item);
        const sample = table.rows.slice(0, TABLE_SAMPLE_ROWS);
        progress('detecting', 0, sample.length, 0);
        const reply = await runInWorker(
          this.workerPath,
          { type: 'scanTable', columns: table.columns, rows: sample, minConfidence: await this.threshold(item) },
          { signal: controller.signal },
        );
        if (reply.type !== 'scanned') throw new AppError('internal', 'Unexpected reply from the anonymisation worker.');
        const detections = reply.stats.reduce((n, s) => n + s.types.reduce((m, t) => m + t.count, 0), 0);
        progress('saving', sample.length, sample.length, detections);
        await this.storeTableScan(item, reply.stats, table.rows.length);
        progress('finished', sample.length, sample.length, detections);
        return { itemId: item.id, jobId: input.jobId, cancelled: false, detections, textLength: 0 };
      }
      const text = await this.text(item);
      progress('detecting', 0, text.length, 0);
      const reply = await runInWorker(
        this.workerPath,
        { type: 'detectText', text, minConfidence: STORE_MIN_CONFIDENCE },
        { signal: controller.signal, onProgress: (done, total, n) => progress('detecting', done, total, n) },
      );
      if (reply.type !== 'detected') throw new AppError('internal', 'Unexpected reply from the anonymisation worker.');
      if (controller.signal.aborted) throw new AppError('cancelled', 'Cancelled.');
      progress('saving', text.length, text.length, reply.detections.length);
      await this.storeDetections(item, reply.detections);
      progress('finished', text.length, text.length, reply.detections.length);
      return { itemId: item.id, jobId: input.jobId, cancelled: false, detections: reply.detections.length, textLength: text.length };
    } catch (error) {
      if (error instanceof AppError && error.code === 'cancelled') {
        progress('cancelled', 0, 0, 0);
        return { itemId: item.id, jobId: input.jobId, cancelled: true, detections: 0, textLength: 0 };
      }
      progress('failed', 0, 0, 0);
      throw error;
    } finally {
      this.jobs.delete(input.jobId);
      this.runningItems.delete(item.id);
    }
  }

  private async storeDetections(
    item: ItemInfo,
    detections: readonly { type: EntityType; start: number; end: number; confidence: number; reason: string; detector: string }[],
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into anonymise_reviews (item_id, source_sha256, detectors, detected_at) values ($1, $2, $3, now())
         on conflict (item_id) do update set source_sha256 = $2, detectors = $3, detected_at = now(), updated_at = now()`,
        [item.id, item.sha256, JSON.stringify(DETECTOR_VERSIONS)],
      );
      await tx.query(`delete from anonymise_detections where item_id = $1 and origin = 'detector'`, [item.id]);
      for (let i = 0; i < detections.length; i += INSERT_BATCH) {
        const batch = detections.slice(i, i + INSERT_BATCH);
        // One statement per batch through unnest: tens of thousands of rows in one round trip each.
        await tx.query(
          `insert into anonymise_detections (item_id, id, origin, type, start_offset, end_offset, confidence, reason, detector)
           select $1, u.id, 'detector', u.type, u.s, u.e, u.c, u.r, u.d
           from unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::float8[], $7::text[], $8::text[]) as u(id, type, s, e, c, r, d)
           on conflict do nothing`,
          [
            item.id,
            batch.map((d) => detectionId(d.type, d.start, d.end)),
            batch.map((d) => d.type),
            batch.map((d) => d.start),
            batch.map((d) => d.end),
            batch.map((d) => d.confidence),
            batch.map((d) => d.reason),
            batch.map((d) => d.detector),
          ],
        );
      }
      // A decision on a span no longer proposed has nothing left to apply to.
      await tx.query(
        `delete from anonymise_decisions dc where dc.item_id = $1 and not exists
           (select 1 from anonymise_detections d where d.item_id = dc.item_id and d.id = dc.detection_id)`,
        [item.id],
      );
    });
    this.touch(item.id);
  }

  private async storeTableScan(item: ItemInfo, stats: ColumnStats[], rowCount: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into anonymise_reviews (item_id, source_sha256, detectors, column_stats, row_count, detected_at) values ($1, $2, $3, $4, $5, now())
         on conflict (item_id) do update set source_sha256 = $2, detectors = $3, column_stats = $4, row_count = $5, detected_at = now(), updated_at = now()`,
        [item.id, item.sha256, JSON.stringify(DETECTOR_VERSIONS), JSON.stringify(stats), rowCount],
      );
      for (const s of stats) {
        const p = suggestColumnPolicy(s);
        // A column the reviewer already set keeps its policy.
        await tx.query(
          `insert into anonymise_column_policies (item_id, column_name, action, generalisation, is_quasi_identifier)
           values ($1, $2, $3, $4, $5) on conflict do nothing`,
          [item.id, s.column, p.action, p.generalisation, p.isQuasiIdentifier],
        );
      }
    });
    this.touch(item.id);
  }

  /** Stops a detection run; what was stored stays as it was. */
  cancel(jobId: string): { cancelled: boolean } {
    const job = this.jobs.get(jobId);
    if (!job) return { cancelled: false };
    job.controller.abort();
    return { cancelled: true };
  }

  private toReviewDetection(row: DetectionRow, text: string | undefined): ReviewDetection {
    const effectiveType = row.retyped_as ?? row.type;
    return {
      id: row.id,
      origin: row.origin,
      type: row.type,
      retypedAs: row.retyped_as,
      effectiveType,
      start: row.start_offset,
      end: row.end_offset,
      text: text === undefined ? '' : text.slice(row.start_offset, row.end_offset),
      confidence: row.confidence,
      reason: row.reason,
      detector: row.detector,
      decision: decisionOf(row),
    };
  }

  private async latestVersion(itemId: string): Promise<MethodOutput<'anonymise.review'>['latestVersion']> {
    const { rows } = await this.db.query<{ id: string; report_hash: string; created_at: Date }>(
      `select id, report_hash, created_at from item_versions where item_id = $1 and kind = 'anonymised' and report_hash is not null
       order by created_at desc limit 1`,
      [itemId],
    );
    const row = rows[0];
    return row ? { versionId: row.id, reportHash: row.report_hash, createdAt: row.created_at.toISOString() } : null;
  }

  private window(length: number, start: number | undefined, end: number | undefined): { start: number; end: number } {
    const s = start ?? 0;
    if (s > length) throw new AppError('invalid_input', `The window starts at ${s}, past the end of the text (${length}).`);
    let e = Math.min(length, end ?? s + DEFAULT_REVIEW_WINDOW);
    if (e < s) throw new AppError('invalid_input', 'The window ends before it starts.');
    e = Math.min(e, s + MAX_REVIEW_WINDOW);
    return { start: s, end: e };
  }

  /** The review state of an item for a window of its text. */
  async review(input: MethodInput<'anonymise.review'>): Promise<MethodOutput<'anonymise.review'>> {
    const item = await this.item(input.itemId);
    const policy = await this.policy(item);
    const review = await this.reviewRow(item.id);
    const minConfidence = review?.min_confidence ?? policy.anonymisation.minConfidence;
    const operators = policy.anonymisation.operators;
    const common = {
      itemId: item.id,
      kind: item.kind,
      state: this.runningItems.has(item.id) ? ('running' as const) : review?.detected_at ? ('ready' as const) : ('none' as const),
      detectedAt: review?.detected_at?.toISOString() ?? null,
      detectors: review?.detectors ?? {},
      minConfidence,
      operators: Object.fromEntries(ENTITY_TYPES.map((t) => [t, operatorFor(operators, t).kind])),
      defaultOperator: operators.default.kind,
      isRequired: policy.anonymisation.required,
      latestVersion: await this.latestVersion(item.id),
    };
    if (item.kind === 'table') {
      return {
        ...common,
        textLength: 0,
        window: { start: 0, end: 0 },
        text: '',
        detections: [],
        counts: [],
        totalDetections: 0,
        belowThreshold: 0,
      };
    }
    const text = await this.text(item);
    const win = this.window(text.length, input.start, input.end);
    const { rows } = await this.db.query<DetectionRow>(
      `${DETECTION_SELECT} where d.item_id = $1 and d.confidence >= $2 and d.start_offset < $4 and d.end_offset > $3
       order by d.start_offset, d.end_offset`,
      [item.id, minConfidence, win.start, win.end],
    );
    const { rows: countRows } = await this.db.query<{ type: EntityType; decision: DetectionDecision; n: number }>(
      `select coalesce(dc.retyped_as, d.type) as type,
         coalesce(dc.decision, case when d.origin = 'reviewer' then 'accepted' else 'pending' end) as decision, count(*)::int as n
       from anonymise_detections d left join anonymise_decisions dc on dc.item_id = d.item_id and dc.detection_id = d.id
       where d.item_id = $1 and d.confidence >= $2 group by 1, 2`,
      [item.id, minConfidence],
    );
    const { rows: below } = await this.db.query<{ n: number }>(
      'select count(*)::int as n from anonymise_detections where item_id = $1 and confidence < $2',
      [item.id, minConfidence],
    );
    const counts = new Map<EntityType, { type: EntityType; total: number; pending: number; accepted: number; rejected: number }>();
    let total = 0;
    for (const r of countRows) {
      const c = counts.get(r.type) ?? { type: r.type, total: 0, pending: 0, accepted: 0, rejected: 0 };
      c.total += r.n;
      c[r.decision] += r.n;
      total += r.n;
      counts.set(r.type, c);
    }
    return {
      ...common,
      textLength: text.length,
      window: win,
      text: input.includeText === false ? '' : text.slice(win.start, win.end),
      detections: rows.map((r) => this.toReviewDetection(r, text)),
      counts: ENTITY_TYPES.flatMap((t) => {
        const c = counts.get(t);
        return c ? [c] : [];
      }),
      totalDetections: total,
      belowThreshold: below[0]?.n ?? 0,
    };
  }

  private async detectionRow(itemId: string, detectionId: string): Promise<DetectionRow> {
    const { rows } = await this.db.query<DetectionRow>(`${DETECTION_SELECT} where d.item_id = $1 and d.id = $2`, [itemId, detectionId]);
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'That detection does not exist (detection may have run again).', { detectionId });
    return row;
  }

  /** Accepts, rejects or retypes one detection, or sets it back to pending. */
  async decide(input: MethodParsedInput<'anonymise.decide'>): Promise<MethodOutput<'anonymise.decide'>> {
    const item = await this.item(input.itemId);
    const row = await this.detectionRow(item.id, input.detectionId);
    const retyped = input.retypeAs === undefined ? row.retyped_as : input.retypeAs === row.type ? null : input.retypeAs;
    const isDefault = input.decision === 'pending' || (row.origin === 'reviewer' && input.decision === 'accepted');
    if (isDefault && retyped === null) {
      await this.db.query('delete from anonymise_decisions where item_id = $1 and detection_id = $2', [item.id, row.id]);
    } else {
      // A retype of a pending detection accepts it: choosing a type is a judgement that it is personal data.
      const decision = input.decision === 'pending' ? 'accepted' : input.decision;
      await this.db.query(
        `insert into anonymise_decisions (item_id, detection_id, decision, retyped_as) values ($1, $2, $3, $4)
         on conflict (item_id, detection_id) do update set decision = $3, retyped_as = $4, decided_at = now()`,
        [item.id, row.id, decision, retyped],
      );
    }
    this.touch(item.id);
    const text = item.kind === 'text' ? await this.text(item) : undefined;
    return this.toReviewDetection(await this.detectionRow(item.id, row.id), text);
  }

  /** Sets the decision of every detection of one effective type at or above the threshold. */
  async decideType(input: MethodParsedInput<'anonymise.decideType'>): Promise<MethodOutput<'anonymise.decideType'>> {
    const item = await this.item(input.itemId);
    const minConfidence = await this.threshold(item);
    const where = `d.item_id = $1 and d.confidence >= $2 and coalesce(dc.retyped_as, d.type) = $3`;
    const result = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string; retyped_as: string | null; origin: string }>(
        `select d.id, dc.retyped_as, d.origin from anonymise_detections d
         left join anonymise_decisions dc on dc.item_id = d.item_id and dc.detection_id = d.id where ${where}`,
        [item.id, minConfidence, input.type],
      );
      const plain = rows.filter((r) => r.retyped_as === null).map((r) => r.id);
      const retyped = rows.filter((r) => r.retyped_as !== null).map((r) => r.id);
      if (input.decision === 'pending') {
        await tx.query('delete from anonymise_decisions where item_id = $1 and detection_id = any($2)', [item.id, plain]);
        // A retyped detection stays retyped (and so decided): pending would drop the reviewer's type.
      } else {
        await tx.query(
          `insert into anonymise_decisions (item_id, detection_id, decision) select $1, unnest($2::text[]), $3
           on conflict (item_id, detection_id) do update set decision = $3, decided_at = now()`,
          [item.id, [...plain, ...retyped], input.decision],
        );
      }
      return rows.length;
    });
    this.touch(item.id);
    return { changed: result };
  }

  /** Adds a span the detectors missed; it is accepted and wins over detections it overlaps. */
  async addSpan(input: MethodParsedInput<'anonymise.addSpan'>): Promise<MethodOutput<'anonymise.addSpan'>> {
    const item = await this.item(input.itemId);
    if (item.kind !== 'text') throw new AppError('invalid_input', 'Spans are added to texts; tables are anonymised per column.');
    const text = await this.text(item);
    if (input.end <= input.start || input.end > text.length) {
      throw new AppError(
        'invalid_input',
        `The span [${input.start}, ${input.end}) is empty or outside the text (${text.length} characters).`,
      );
    }
    const [start, end] = snapToGraphemes(text, input.start, input.end);
    if (text.slice(start, end).trim().length === 0) throw new AppError('invalid_input', 'The span holds only white space.');
    const id = `reviewer:${randomUUID()}`;
    await this.db.transaction(async (tx) => {
      await tx.query(`insert into anonymise_reviews (item_id) values ($1) on conflict (item_id) do nothing`, [item.id]);
      await tx.query(
        `insert into anonymise_detections (item_id, id, origin, type, start_offset, end_offset, confidence, reason, detector)
         values ($1, $2, 'reviewer', $3, $4, $5, 1, 'added by the reviewer', 'reviewer')`,
        [item.id, id, input.type, start, end],
      );
    });
    this.touch(item.id);
    return this.toReviewDetection(await this.detectionRow(item.id, id), text);
  }

  /** Removes a span the reviewer added. */
  async removeSpan(input: MethodParsedInput<'anonymise.removeSpan'>): Promise<MethodOutput<'anonymise.removeSpan'>> {
    const item = await this.item(input.itemId);
    const row = await this.detectionRow(item.id, input.detectionId);
    if (row.origin !== 'reviewer')
      throw new AppError('invalid_input', 'Only spans a reviewer added can be removed; reject a detection instead.');
    await this.db.transaction(async (tx) => {
      await tx.query('delete from anonymise_decisions where item_id = $1 and detection_id = $2', [item.id, row.id]);
      await tx.query('delete from anonymise_detections where item_id = $1 and id = $2', [item.id, row.id]);
    });
    this.touch(item.id);
    return { removed: true };
  }

  /** Sets the item's confidence threshold. */
  async setThreshold(input: MethodParsedInput<'anonymise.setThreshold'>): Promise<MethodOutput<'anonymise.setThreshold'>> {
    const item = await this.item(input.itemId);
    await this.db.query(
      `insert into anonymise_reviews (item_id, min_confidence) values ($1, $2)
       on conflict (item_id) do update set min_confidence = $2, updated_at = now()`,
      [item.id, input.minConfidence],
    );
    const { rows } = await this.db.query<{ n: number }>(
      'select count(*)::int as n from anonymise_detections where item_id = $1 and confidence >= $2',
      [item.id, input.minConfidence],
    );
    this.touch(item.id);
    return { itemId: item.id, minConfidence: input.minConfidence, totalDetections: rows[0]?.n ?? 0 };
  }

  /**
   * The spans export replaces: at or above the threshold, not rejected (pending ones count as
   * accepted, as the policy's export does), reviewer spans first, then detections that overlap
   * none of them. Offsets are widened to whole characters before overlaps are judged.
   */
  private async appliedSpans(
    item: ItemInfo,
    text: string,
    minConfidence: number,
  ): Promise<{ applied: AppliedSpan[]; rows: DetectionRow[] }> {
    const { rows } = await this.db.query<DetectionRow>(
      `${DETECTION_SELECT} where d.item_id = $1 and d.confidence >= $2 order by d.start_offset, d.end_offset`,
      [item.id, minConfidence],
    );
    const live = rows.filter((r) => decisionOf(r) !== 'rejected' && r.end_offset <= text.length);
    const snap = (r: DetectionRow): AppliedSpan => {
      const [start, end] = snapToGraphemes(text, r.start_offset, r.end_offset);
      return { id: r.id, type: r.retyped_as ?? r.type, start, end, origin: r.origin };
    };
    const reviewer: AppliedSpan[] = [];
    for (const span of live.filter((r) => r.origin === 'reviewer').map(snap)) {
      const last = reviewer[reviewer.length - 1];
      if (last !== undefined && span.start < last.end) last.end = Math.max(last.end, span.end);
      else reviewer.push(span);
    }
    const applied: AppliedSpan[] = [];
    let r = 0;
    let lastEnd = 0;
    for (const span of live.filter((x) => x.origin === 'detector').map(snap)) {
      while (r < reviewer.length && (reviewer[r] as AppliedSpan).end <= span.start) {
        applied.push(reviewer[r] as AppliedSpan);
        lastEnd = Math.max(lastEnd, (reviewer[r] as AppliedSpan).end);
        r++;
      }
      const next = reviewer[r];
      if (span.start < lastEnd || (next !== undefined && next.start < span.end)) continue;
      applied.push(span);
      lastEnd = span.end;
    }
    while (r < reviewer.length) applied.push(reviewer[r++] as AppliedSpan);
    applied.sort((a, b) => a.start - b.start);
    return { applied, rows };
  }

  private async operatorContext(item: ItemInfo, policy: Policy, subject: string): Promise<OperatorContext> {
    if (!usesKey(policy.anonymisation.operators)) return { subject };
    return { hmac: hmacSha256Hex, key: await this.secrets.getOrCreate(`pseudonym-${item.datanetId}`), subject };
  }

  /**
   * Whose dates these are: the person the document names most often among the spans applied,
   * so that the notes of one patient shift alike; the item itself when it names nobody.
   */
  private subjectOf(item: ItemInfo, text: string, applied: readonly AppliedSpan[]): string {
    const tally = new Map<string, number>();
    for (const s of applied) {
      if (s.type !== 'PERSON') continue;
      const key = text.slice(s.start, s.end).toLowerCase().replace(/\s+/g, ' ').trim();
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    let best: string | undefined;
    let bestN = 0;
    for (const [k, n] of tally) if (n > bestN || (n === bestN && best !== undefined && k < best)) [best, bestN] = [k, n];
    return best !== undefined ? `person:${best}` : `item:${item.id}`;
  }

  private async anonymiseText(item: ItemInfo): Promise<{
    text: string;
    result: AnonymisedText;
    applied: AppliedSpan[];
    rows: DetectionRow[];
    minConfidence: number;
    policy: Policy;
  }> {
    const policy = await this.policy(item);
    const text = await this.text(item);
    const minConfidence = await this.threshold(item);
    const { applied, rows } = await this.appliedSpans(item, text, minConfidence);
    const ctx = await this.operatorContext(item, policy, this.subjectOf(item, text, applied));
    const result = applyOperators(text, applied, policy.anonymisation.operators, ctx);
    return { text, result, applied, rows, minConfidence, policy };
  }

  /** The anonymised text for a window of the original, with both sides' offsets. */
  async preview(input: MethodParsedInput<'anonymise.preview'>): Promise<MethodOutput<'anonymise.preview'>> {
    const item = await this.item(input.itemId);
    if (item.kind !== 'text') throw new AppError('invalid_input', 'Tables have no text preview; see their column policies.');
    const revision = this.revisions.get(item.id) ?? 0;
    let cached = this.previewCache;
    if (cached === undefined || cached.itemId !== item.id || cached.revision !== revision) {
      const done = await this.anonymiseText(item);
      cached = { itemId: item.id, revision, result: done.result, applied: done.applied };
      this.previewCache = cached;
    }
    const text = await this.text(item);
    const win = this.window(text.length, input.start, input.end);
    const reps = cached.result.replacements;
    // Widen the window so that it cuts no replacement in half: both panes then show whole spans.
    let start = win.start;
    let end = win.end;
    const inWindow = reps.filter((r) => r.end > start && r.start < end);
    const first = inWindow[0];
    const last = inWindow[inWindow.length - 1];
    if (first !== undefined && first.start < start) start = first.start;
    if (last !== undefined && last.end > end) end = last.end;
    const outputAt = (offset: number): number => {
      // Output position of an original offset that lies outside every replacement.
      let lo = 0;
      let hi = reps.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((reps[mid] as (typeof reps)[number]).end <= offset) lo = mid + 1;
        else hi = mid;
      }
      const before = reps[lo - 1];
      return before === undefined ? offset : before.outputEnd + (offset - before.end);
    };
    const outStart = outputAt(start);
    const outEnd = outputAt(end);
    return {
      itemId: item.id,
      textLength: text.length,
      outputLength: cached.result.text.length,
      window: { start, end },
      text: text.slice(start, end),
      outputWindow: { start: outStart, end: outEnd },
      anonymised: cached.result.text.slice(outStart, outEnd),
      replacements: inWindow.map((r) => ({
        detectionId: r.detectionId ?? null,
        type: r.type,
        start: r.start,
        end: r.end,
        outputStart: r.outputStart,
        outputEnd: r.outputEnd,
        operator: r.operator,
        replacement: r.replacement,
      })),
    };
  }

  /**
   * Creates the anonymised version from the original (which stays as it is) with its report;
   * detections nobody decided on are replaced, unless the policy says to refuse.
   * Texts without stored detections are detected first.
   */
  async exportVersion(itemId: string): Promise<MethodOutput<'anonymise.export'>> {
    const item = await this.item(itemId);
    const review = await this.reviewRow(item.id);
    if (!review?.detected_at) await this.detect({ itemId: item.id, jobId: `export-${randomUUID()}` });
    if (item.kind === 'table') return this.exportTable(item);
    const done = await this.anonymiseText(item);
    const appliedIds = new Set(done.applied.map((s) => s.id));
    const pending = done.rows.filter((r) => decisionOf(r) === 'pending');
    if (done.policy.anonymisation.pendingAtExport === 'refuse' && pending.length > 0) {
      throw new AppError(
        'conflict',
        `${pending.length} detections are still undecided, and this Datanet wants every one decided before export.`,
        {
          pending: pending.length,
        },
      );
    }
    const reviewed: ReviewedDetection[] = done.rows.map((r) => {
      const decision = decisionOf(r);
      const reviewedDetection: ReviewedDetection = {
        type: r.retyped_as ?? r.type,
        start: r.start_offset,
        end: r.end_offset,
        // The report never carries the personal data itself.
        text: '',
        confidence: r.confidence,
        reason: r.reason,
        detector: r.detector,
        decision: r.origin === 'reviewer' ? 'added' : decision === 'rejected' ? 'rejected' : 'accepted',
      };
      if (r.retyped_as !== null) reviewedDetection.originalType = r.type;
      return reviewedDetection;
    });
    const report = buildReport({
      inputText: done.text,
      outputText: done.result.text,
      reviewed,
      replacements: done.result.replacements.filter((r) => r.detectionId === undefined || appliedIds.has(r.detectionId)),
      policy: done.policy.anonymisation.operators,
      detectorVersions: review?.detectors && Object.keys(review.detectors).length > 0 ? review.detectors : DETECTOR_VERSIONS,
      minConfidence: done.minConfidence,
      createdAt: new Date().toISOString(),
    });
    const version = await this.versions.create({
      itemId: item.id,
      kind: 'anonymised',
      content: { kind: 'text', text: done.result.text },
      report,
      parentVersionId: null,
      reuseIfUnchanged: true,
    });
    this.touch(item.id);
    // An unchanged re-export returns the stored version, whose report carries its own createdAt.
    const stored = (version.report ?? report) as typeof report;
    return { itemId: item.id, versionId: version.id, report: stored, reportHash: version.reportHash ?? reportHash(stored) };
  }

  private async columnState(item: ItemInfo): Promise<{ review: ReviewRow | undefined; policies: ColumnPolicy[]; columns: string[] }> {
    const review = await this.reviewRow(item.id);
    const { rows } = await this.db.query<{
      column_name: string;
      action: ColumnPolicy['action'];
      generalisation: ColumnPolicy['generalisation'];
      is_quasi_identifier: boolean;
    }>('select column_name, action, generalisation, is_quasi_identifier from anonymise_column_policies where item_id = $1', [item.id]);
    const stored = new Map(rows.map((r) => [r.column_name, r]));
    const detail = await this.library.get(item.id, 1);
    const columns = detail.table?.columns ?? [];
    const stats = new Map((review?.column_stats ?? []).map((s) => [s.column, s]));
    const policies = columns.map((column) => {
      const r = stored.get(column);
      if (r) return { column, action: r.action, generalisation: r.generalisation, isQuasiIdentifier: r.is_quasi_identifier };
      return suggestColumnPolicy(stats.get(column) ?? { column, types: [], detectedCells: 0, sampleCount: 0 });
    });
    return { review, policies, columns };
  }

  /** Values of the quasi-identifier columns as export would write them (one-to-one operators keep the groups as they are). */
  private kCheckOf(table: { columns: string[]; rows: string[][] }, policies: readonly ColumnPolicy[], k: number): KCheck {
    const qi = policies.filter((p) => p.isQuasiIdentifier && p.action !== 'drop');
    const rows = table.rows.map((row) =>
      qi.map((p) => {
        const cell = row[table.columns.indexOf(p.column)] ?? '';
        if (p.action === 'generalise' && p.generalisation !== null) return generaliseCell(p.generalisation, cell, (t) => yearOf(t));
        if (p.action === 'redact') return cell.length === 0 ? '' : '[REDACTED]';
        return cell;
      }),
    );
    return checkKAnonymity(
      qi.map((p) => p.column),
      rows,
      qi.map((p) => p.column),
      k,
    );
  }

  private summaries(review: ReviewRow | undefined, policies: readonly ColumnPolicy[]): ColumnSummary[] {
    const stats = new Map((review?.column_stats ?? []).map((s) => [s.column, s]));
    return policies.map((policy, index) => {
      const s = stats.get(policy.column) ?? { column: policy.column, types: [], detectedCells: 0, sampleCount: 0 };
      return {
        column: policy.column,
        index,
        types: s.types,
        detectedCells: s.detectedCells,
        sampleCount: s.sampleCount,
        suggested: suggestColumnPolicy(s),
        policy,
      };
    });
  }

  /** A table's per-column summary, policies and k-anonymity check. */
  async columns(itemId: string): Promise<MethodOutput<'anonymise.columns'>> {
    const item = await this.item(itemId);
    if (item.kind !== 'table') throw new AppError('invalid_input', 'Column policies are for tables; texts are reviewed span by span.');
    const { review, policies } = await this.columnState(item);
    const policy = await this.policy(item);
    const table = await this.originalTable(item);
    return {
      itemId: item.id,
      state: this.runningItems.has(item.id) ? 'running' : review?.detected_at ? 'ready' : 'none',
      rowCount: table.rows.length,
      columns: this.summaries(review, policies),
      kCheck: this.kCheckOf(table, policies, policy.anonymisation.k),
      isRequired: policy.anonymisation.required,
      latestVersion: await this.latestVersion(item.id),
    };
  }

  /** Changes one column's policy. */
  async setColumnPolicy(input: MethodParsedInput<'anonymise.setColumnPolicy'>): Promise<MethodOutput<'anonymise.setColumnPolicy'>> {
    const item = await this.item(input.itemId);
    if (item.kind !== 'table') throw new AppError('invalid_input', 'Column policies are for tables.');
    const { review, policies } = await this.columnState(item);
    const current = policies.find((p) => p.column === input.column);
    if (!current) throw new AppError('not_found', `The table has no column "${input.column}".`, { column: input.column });
    const action = input.action ?? current.action;
    let generalisation = input.generalisation === undefined ? current.generalisation : input.generalisation;
    if (action !== 'generalise') generalisation = null;
    else if (generalisation === null) {
      throw new AppError('invalid_input', 'Choose what to generalise to: age band, ZIP to 3 digits, or date to year.');
    }
    const next: ColumnPolicy = {
      column: current.column,
      action,
      generalisation,
      isQuasiIdentifier: input.isQuasiIdentifier ?? current.isQuasiIdentifier,
    };
    await this.db.query(
      `insert into anonymise_column_policies (item_id, column_name, action, generalisation, is_quasi_identifier) values ($1, $2, $3, $4, $5)
       on conflict (item_id, column_name) do update set action = $3, generalisation = $4, is_quasi_identifier = $5`,
      [item.id, next.column, next.action, next.generalisation, next.isQuasiIdentifier],
    );
    this.touch(item.id);
    const summary = this.summaries(
      review,
      policies.map((p) => (p.column === next.column ? next : p)),
    ).find((s) => s.column === next.column);
    if (!summary) throw new AppError('internal', 'The column vanished.');
    return summary;
  }

  /** k-anonymity of the marked quasi-identifiers after the column policies. */
  async checkK(itemId: string): Promise<MethodOutput<'anonymise.checkK'>> {
    const item = await this.item(itemId);
    if (item.kind !== 'table') throw new AppError('invalid_input', 'The k-anonymity check is for tables.');
    const { policies } = await this.columnState(item);
    return this.kCheckOf(await this.originalTable(item), policies, (await this.policy(item)).anonymisation.k);
  }

  private async exportTable(item: ItemInfo): Promise<MethodOutput<'anonymise.export'>> {
    const policy = await this.policy(item);
    const { review, policies } = await this.columnState(item);
    const table = await this.originalTable(item);
    const k = this.kCheckOf(table, policies, policy.anonymisation.k);
    if (!k.isSatisfied) {
      throw new AppError(
        'k_anonymity_violation',
        `${k.violationsTotal} group(s) of rows share quasi-identifier values with fewer than ${k.k} rows; generalise or drop columns, then export again.`,
        {
          k: k.k,
          quasiIdentifiers: k.quasiIdentifiers,
          groups: k.violations.slice(0, MAX_REPORTED_GROUPS),
          groupsTotal: k.violationsTotal,
          rowsAtRisk: k.rowsAtRisk,
        },
      );
    }
    const stats = new Map((review?.column_stats ?? []).map((s) => [s.column, s]));
    const operators = policy.anonymisation.operators;
    const needsKey = policies.some((p) => p.action === 'pseudonym') || (policies.some((p) => p.action === 'spans') && usesKey(operators));
    const key = needsKey ? await this.secrets.getOrCreate(`pseudonym-${item.datanetId}`) : undefined;
    const reply = await runInWorker(this.workerPath, {
      type: 'transformTable',
      columns: table.columns,
      rows: table.rows,
      policies,
      operators,
      key,
      subject: `item:${item.id}`,
      minConfidence: await this.threshold(item, review),
      columnTypes: Object.fromEntries(table.columns.map((c) => [c, stats.get(c)?.types[0]?.type ?? typeFromHeader(c)])),
    });
    if (reply.type !== 'transformed') throw new AppError('internal', 'Unexpected reply from the anonymisation worker.');
    const report: TableReport = {
      version: 1,
      kind: 'table',
      createdAt: new Date().toISOString(),
      input: { rows: table.rows.length, columns: table.columns.length },
      output: { rows: reply.rows.length, columns: reply.columns.length },
      columns: policies.map((p) => ({
        column: p.column,
        action: p.action,
        generalisation: p.generalisation,
        isQuasiIdentifier: p.isQuasiIdentifier,
        detected: Object.fromEntries((stats.get(p.column)?.types ?? []).map((t) => [t.type, t.count])),
        changedCells: p.action === 'drop' ? table.rows.length : (reply.changedCells[p.column] ?? 0),
      })),
      kAnonymity: { k: k.k, quasiIdentifiers: k.quasiIdentifiers, smallestGroup: k.smallestGroup, groupCount: k.groupCount },
      leftIn: policies
        .filter((p) => p.action === 'keep' && (stats.get(p.column)?.detectedCells ?? 0) > 0)
        .map((p) => ({ column: p.column, reason: 'kept by the reviewer although detections were found' })),
      detectors: review?.detectors && Object.keys(review.detectors).length > 0 ? review.detectors : { ...DETECTOR_VERSIONS },
    };
    const version = await this.versions.create({
      itemId: item.id,
      kind: 'anonymised',
      content: { kind: 'table', columns: reply.columns, rows: reply.rows },
      report,
      parentVersionId: null,
      reuseIfUnchanged: true,
    });
    this.touch(item.id);
    // An unchanged re-export returns the stored version, whose report carries its own createdAt.
    const stored = (version.report ?? report) as typeof report;
    return { itemId: item.id, versionId: version.id, report: stored, reportHash: version.reportHash ?? reportHash(stored) };
  }
}
