import type { MethodOutput, MethodParsedInput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import { DETECTOR_VERSIONS } from '../../../shared/pii/detect';
import type { ColumnStats } from '../../../shared/pii/tables';
import { suggestColumnPolicy } from '../../../shared/pii/tables';
import type { EntityType } from '../../../shared/pii/types';
import { detectionId } from './detections';
import type { ItemInfo, ReviewContext } from './review-context';
import { runInWorker } from './worker-client';

/**
 * Detections are stored down to this confidence, so that lowering the threshold in review shows
 * more without detecting again; below it a candidate is noise (bare patterns with no context).
 */
export const STORE_MIN_CONFIDENCE = 0.1;
/** Rows of a table scanned for the per-column summary; enough to see what a column holds. */
export const TABLE_SAMPLE_ROWS = 2000;
const INSERT_BATCH = 5000;

type Job = { itemId: string; controller: AbortController };

/** Detection runs: personal data found in the worker thread and stored, with progress events and cancellation. */
export class DetectionJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly ctx: ReviewContext,
    private readonly workerPath: string | undefined,
  ) {}

  /** Detects personal data in an item in a worker thread; decisions on spans proposed again are kept. */
  async detect(input: MethodParsedInput<'anonymise.detect'>): Promise<MethodOutput<'anonymise.detect'>> {
    const { ctx } = this;
    if (this.jobs.has(input.jobId)) throw new AppError('conflict', 'A job with that id is already running.');
    if (ctx.runningItems.has(input.itemId)) throw new AppError('conflict', 'Detection is already running for this item.');
    // Registered before the first await, so that a cancel sent right after the call finds the job.
    const controller = new AbortController();
    this.jobs.set(input.jobId, { itemId: input.itemId, controller });
    ctx.runningItems.add(input.itemId);
    let item: ItemInfo;
    try {
      item = await ctx.item(input.itemId);
    } catch (error) {
      this.jobs.delete(input.jobId);
      ctx.runningItems.delete(input.itemId);
      throw error;
    }
    const progress = (
      phase: 'detecting' | 'saving' | 'finished' | 'cancelled' | 'failed',
      done: number,
      total: number,
      detections: number,
    ) => ctx.events.emit('anonymise.progress', { jobId: input.jobId, itemId: item.id, phase, done, total, detections });
    try {
      if (item.kind === 'table') {
        const table = await ctx.originalTable(item);
        const sample = table.rows.slice(0, TABLE_SAMPLE_ROWS);
        progress('detecting', 0, sample.length, 0);
        const reply = await runInWorker(
          this.workerPath,
          { type: 'scanTable', columns: table.columns, rows: sample, minConfidence: await ctx.threshold(item) },
          { signal: controller.signal },
        );
        if (reply.type !== 'scanned') throw new AppError('internal', 'Unexpected reply from the anonymisation worker.');
        const detections = reply.stats.reduce((n, s) => n + s.types.reduce((m, t) => m + t.count, 0), 0);
        progress('saving', sample.length, sample.length, detections);
        await this.storeTableScan(item, reply.stats, table.rows.length);
        progress('finished', sample.length, sample.length, detections);
        return { itemId: item.id, jobId: input.jobId, cancelled: false, detections, textLength: 0 };
      }
      const text = await ctx.text(item);
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
      ctx.runningItems.delete(item.id);
    }
  }

  /** Stops a detection run; what was stored stays as it was. */
  cancel(jobId: string): { cancelled: boolean } {
    const job = this.jobs.get(jobId);
    if (!job) return { cancelled: false };
    job.controller.abort();
    return { cancelled: true };
  }

  private async storeDetections(
    item: ItemInfo,
    detections: readonly { type: EntityType; start: number; end: number; confidence: number; reason: string; detector: string }[],
  ): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
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
    this.ctx.touch(item.id);
  }

  private async storeTableScan(item: ItemInfo, stats: ColumnStats[], rowCount: number): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
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
    this.ctx.touch(item.id);
  }
}
