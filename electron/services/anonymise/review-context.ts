import type { MethodOutput } from '../../../shared/api';
import { DEFAULT_REVIEW_WINDOW, MAX_REVIEW_WINDOW } from '../../../shared/api/anonymise';
import { AppError } from '../../../shared/errors';
import type { ColumnStats } from '../../../shared/pii/tables';
import type { Policy } from '../../../shared/policy';
import type { DatanetService } from '../datanets/datanet-service';
import type { Database } from '../db/database';
import type { EventBus } from '../events';
import { extractContent } from '../library/extract';
import type { LibraryService } from '../library/library-service';
import type { BlobStore } from '../storage/blob-store';

export type ItemInfo = { id: string; datanetId: string; kind: 'text' | 'table'; sha256: string; type: string };

export type ReviewRow = {
  min_confidence: number | null;
  source_sha256: string | null;
  detectors: Record<string, string>;
  column_stats: ColumnStats[] | null;
  row_count: number | null;
  detected_at: Date | null;
};

/** The window of a text a review or preview shows: defaulted, clamped to the text and to the largest window served. */
export function textWindow(length: number, start: number | undefined, end: number | undefined): { start: number; end: number } {
  const s = start ?? 0;
  if (s > length) throw new AppError('invalid_input', `The window starts at ${s}, past the end of the text (${length}).`);
  let e = Math.min(length, end ?? s + DEFAULT_REVIEW_WINDOW);
  if (e < s) throw new AppError('invalid_input', 'The window ends before it starts.');
  e = Math.min(e, s + MAX_REVIEW_WINDOW);
  return { start: s, end: e };
}

/**
 * What every part of anonymisation reads about an item under review (the item, its Datanet's
 * policy, its original, its stored review row, its latest anonymised version), and the one
 * place that announces a change, so that caches keyed by revision stay in step.
 */
export class ReviewContext {
  /** Items whose detection runs now: their review state reads "running". */
  readonly runningItems = new Set<string>();
  private textCache: { sha256: string; text: string } | undefined;
  private readonly revisions = new Map<string, number>();

  constructor(
    readonly db: Database,
    private readonly library: LibraryService,
    private readonly datanets: DatanetService,
    private readonly blobs: BlobStore,
    readonly events: EventBus,
  ) {}

  /** Records a change to an item's review and tells the renderers. */
  touch(itemId: string): void {
    this.revisions.set(itemId, (this.revisions.get(itemId) ?? 0) + 1);
    this.events.emit('anonymise.changed', { itemId });
  }

  /** Grows with every {@link touch}: a cached result of an older revision is stale. */
  revision(itemId: string): number {
    return this.revisions.get(itemId) ?? 0;
  }

  async item(itemId: string): Promise<ItemInfo> {
    const { rows } = await this.db.query<{ id: string; datanet_id: string; kind: 'text' | 'table'; sha256: string; type: string }>(
      'select id, datanet_id, kind, sha256, type from items where id = $1',
      [itemId],
    );
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'That item does not exist (it may have been deleted).', { id: itemId });
    return { id: row.id, datanetId: row.datanet_id, kind: row.kind, sha256: row.sha256, type: row.type };
  }

  async policy(item: ItemInfo): Promise<Policy> {
    return (await this.datanets.get(item.datanetId)).policy;
  }

  /** The original's text (never a derived version): anonymising twice must start from the source. */
  async text(item: ItemInfo): Promise<string> {
    if (this.textCache?.sha256 === item.sha256) return this.textCache.text;
    const text = await this.library.readText(item.id);
    this.textCache = { sha256: item.sha256, text };
    return text;
  }

  async originalTable(item: ItemInfo): Promise<{ columns: string[]; rows: string[][] }> {
    const content = await extractContent(await this.blobs.get(item.sha256), item.type as never, { maxRows: Number.POSITIVE_INFINITY });
    if (content.kind !== 'table') throw new AppError('internal', 'The stored table no longer reads as a table.');
    return { columns: content.columns, rows: content.previewRows };
  }

  async reviewRow(itemId: string): Promise<ReviewRow | undefined> {
    const { rows } = await this.db.query<ReviewRow>(
      'select min_confidence, source_sha256, detectors, column_stats, row_count, detected_at from anonymise_reviews where item_id = $1',
      [itemId],
    );
    return rows[0];
  }

  /** The reviewer's confidence threshold for the item, else the Datanet policy's. */
  async threshold(item: ItemInfo, review?: ReviewRow): Promise<number> {
    const row = review ?? (await this.reviewRow(item.id));
    return row?.min_confidence ?? (await this.policy(item)).anonymisation.minConfidence;
  }

  async latestVersion(itemId: string): Promise<MethodOutput<'anonymise.review'>['latestVersion']> {
    const { rows } = await this.db.query<{ id: string; report_hash: string; created_at: Date }>(
      `select id, report_hash, created_at from item_versions where item_id = $1 and kind = 'anonymised' and report_hash is not null
       order by created_at desc limit 1`,
      [itemId],
    );
    const row = rows[0];
    return row ? { versionId: row.id, reportHash: row.report_hash, createdAt: row.created_at.toISOString() } : null;
  }
}
