import { randomUUID } from 'node:crypto';
import Papa from 'papaparse';
import { canonicalJson } from '../../../shared/canonical-json';
import { AppError } from '../../../shared/errors';
import type { Transaction } from '@electric-sql/pglite';
import type { Database } from '../db/database';
import type { EventBus } from '../events';
import { removeBlobIfUnreferenced } from '../storage/blob-gc';
import { sha256Hex, type BlobStore } from '../storage/blob-store';

export type VersionKind = 'anonymised' | 'dp';
export type VersionContent = { kind: 'text'; text: string } | { kind: 'table'; columns: string[]; rows: string[][] };

export type ItemVersion = {
  id: string;
  itemId: string;
  parentVersionId: string | null;
  kind: VersionKind;
  contentKind: 'text' | 'table';
  contentSha256: string;
  size: number;
  report: unknown;
  reportHash: string | null;
  dpParameters: unknown;
  createdAt: string;
};

type VersionRow = {
  id: string;
  item_id: string;
  parent_version_id: string | null;
  kind: VersionKind;
  content_kind: 'text' | 'table';
  content_sha256: string;
  size: string | number;
  report: unknown;
  report_hash: string | null;
  dp_parameters: unknown;
  created_at: Date;
};

const STATUS_OF: Record<VersionKind, string> = { anonymised: 'anonymised', dp: 'dp_applied' };

function toVersion(row: VersionRow): ItemVersion {
  return {
    id: row.id,
    itemId: row.item_id,
    parentVersionId: row.parent_version_id,
    kind: row.kind,
    contentKind: row.content_kind,
    contentSha256: row.content_sha256,
    size: Number(row.size),
    report: row.report,
    reportHash: row.report_hash,
    dpParameters: row.dp_parameters,
    createdAt: row.created_at.toISOString(),
  };
}

/** sha256 over the canonical JSON of a report: the hash that goes into a submission manifest. */
export function reportHash(report: unknown): string {
  return sha256Hex(new TextEncoder().encode(canonicalJson(report)));
}

/** Bytes of a version's content: UTF-8 text, or RFC 4180 CSV for tables. */
export function encodeContent(content: VersionContent): Uint8Array {
  const text = content.kind === 'text' ? content.text : Papa.unparse({ fields: content.columns, data: content.rows }, { newline: '\n' });
  return new TextEncoder().encode(text);
}

/** Versions derived from an item's original; the original itself is never modified. */
export class VersionService {
  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly events: EventBus,
  ) {}

  /** Stores a new version and makes it the item's current one. */
  async create(input: {
    itemId: string;
    kind: VersionKind;
    content: VersionContent;
    report?: unknown;
    dpParameters?: unknown;
    parentVersionId?: string | null;
    /** Runs inside the version's transaction (after its row is written): a throw undoes both. */
    beforeCommit?: (tx: Transaction, versionId: string) => Promise<void>;
    /**
     * Return the item's current version instead of a new one when it has the same kind, content
     * and report (its `createdAt` aside): exporting twice with nothing changed must not leave two
     * versions that a submission could pick between.
     */
    reuseIfUnchanged?: boolean;
  }): Promise<ItemVersion> {
    const { rows: items } = await this.db.query<{ datanet_id: string }>('select datanet_id from items where id = $1', [input.itemId]);
    const item = items[0];
    if (!item) throw new AppError('not_found', 'That item does not exist (it may have been deleted).', { id: input.itemId });
    const bytes = encodeContent(input.content);
    const sha256 = sha256Hex(bytes);
    if (input.reuseIfUnchanged === true) {
      const same = await this.currentIfSame(input.itemId, input.kind, sha256, input.report);
      if (same !== undefined) return same;
    }
    const wroteBlob = await this.blobs.put(sha256, bytes);
    const id = randomUUID();
    try {
      await this.db.transaction(async (tx) => {
        await tx.query('insert into blobs (sha256, size) values ($1, $2) on conflict (sha256) do nothing', [sha256, bytes.length]);
        await tx.query(
          `insert into item_versions (id, item_id, parent_version_id, kind, content_sha256, content_kind, size, report, report_hash, dp_parameters)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            id,
            input.itemId,
            input.parentVersionId ?? null,
            input.kind,
            sha256,
            input.content.kind,
            bytes.length,
            input.report === undefined ? null : JSON.stringify(input.report),
            input.report === undefined ? null : reportHash(input.report),
            input.dpParameters === undefined ? null : JSON.stringify(input.dpParameters),
          ],
        );
        await tx.query('update items set current_version_id = $2, status = $3 where id = $1', [input.itemId, id, STATUS_OF[input.kind]]);
        await input.beforeCommit?.(tx, id);
      });
    } catch (error) {
      // Nothing of a refused version stays: its content goes unless another record holds it.
      if (wroteBlob) await removeBlobIfUnreferenced(this.db, this.blobs, sha256);
      throw error;
    }
    this.events.emit('items.changed', { datanetId: item.datanet_id });
    return this.get(id);
  }

  private async currentIfSame(itemId: string, kind: VersionKind, sha256: string, report: unknown): Promise<ItemVersion | undefined> {
    const { rows } = await this.db.query<VersionRow>(
      `select v.* from items i join item_versions v on v.id = i.current_version_id
        where i.id = $1 and v.kind = $2 and v.content_sha256 = $3`,
      [itemId, kind, sha256],
    );
    const current = rows[0];
    if (current === undefined) return undefined;
    const withoutTime = (r: unknown): string =>
      canonicalJson(r !== null && typeof r === 'object' ? { ...(r as Record<string, unknown>), createdAt: null } : (r ?? null));
    return withoutTime(current.report) === withoutTime(report) ? toVersion(current) : undefined;
  }

  /** One version, or `not_found`. */
  async get(id: string): Promise<ItemVersion> {
    const { rows } = await this.db.query<VersionRow>('select * from item_versions where id = $1', [id]);
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'That version does not exist.', { id });
    return toVersion(row);
  }

  /** Every version of an item, newest first. */
  async list(itemId: string): Promise<ItemVersion[]> {
    const { rows } = await this.db.query<VersionRow>('select * from item_versions where item_id = $1 order by created_at desc', [itemId]);
    return rows.map(toVersion);
  }

  /** The version's content as text (CSV for tables). */
  async readText(id: string): Promise<string> {
    const version = await this.get(id);
    return new TextDecoder().decode(await this.blobs.get(version.contentSha256));
  }
}
