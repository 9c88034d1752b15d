import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readdir, type FileHandle } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { ImportResult, ItemDetail, ItemSummary } from '../../../shared/api/library';
import { AppError } from '../../../shared/errors';
import { MEDIA_TYPES, fileTypeSchema, type FileType } from '../../../shared/file-types';
import { checkImportFile } from '../../../shared/import-rules';
import type { Datanet } from '../../../shared/api/datanets';
import type { Database } from '../db/database';
import type { DatanetService } from '../datanets/datanet-service';
import type { EventBus } from '../events';
import { removeBlobIfUnreferenced } from '../storage/blob-gc';
import { sha256Hex, type BlobStore } from '../storage/blob-store';
import type { TextCache } from '../storage/text-cache';
import type { ExtractedContent } from './extract';
import { inProcessExtractor, type Extractor } from './extract-client';

const DEFAULT_PREVIEW_CHARS = 20_000;
/** Files of a path import processed at once. */
const IMPORT_WINDOW = 3;
/** Characters of extracted text kept in the database for previews; the rest is re-derived. */
const STORED_PREVIEW_CHARS = 50_000;

type ItemRow = {
  id: string;
  datanet_id: string;
  sha256: string;
  name: string;
  relative_path: string;
  type: string;
  media_type: string;
  kind: 'text' | 'table';
  size: string | number;
  status: ItemSummary['status'];
  created_at: Date;
};

type ItemDetailRow = ItemRow & {
  text_preview: string | null;
  text_length: number | null;
  pages: number | null;
  table_columns: string[] | null;
  table_preview: string[][] | null;
  row_count: number | null;
};

const SUMMARY_COLUMNS = 'id, datanet_id, sha256, name, relative_path, type, media_type, kind, size, status, created_at';

function toSummary(row: ItemRow): ItemSummary {
  return {
    id: row.id,
    datanetId: row.datanet_id,
    name: row.name,
    relativePath: row.relative_path,
    type: fileTypeSchema.parse(row.type),
    kind: row.kind,
    size: Number(row.size),
    sha256: row.sha256,
    status: row.status,
    createdAt: row.created_at.toISOString(),
  };
}

function rejected(path: string, error: AppError): ImportResult {
  return { path, status: 'rejected', code: error.code, message: error.message };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

export type ImportProgress = { done: number; total: number; result: ImportResult };

function symlinkRefused(): AppError {
  return new AppError(
    'symlink_refused',
    'This is a symbolic link. Datanet Desk does not follow links, since one can lead outside what you chose; import the file it points to instead.',
  );
}

function notRegularFile(): AppError {
  return new AppError(
    'not_regular_file',
    'This is not a regular file (it is a pipe, a device, a socket or a folder), so it cannot be imported.',
  );
}

/**
 * Opens a path for import without following a symbolic link in its last component. O_NONBLOCK
 * keeps the open of a FIFO from waiting for a writer; the caller's fstat then refuses it.
 */
async function openForImport(path: string): Promise<FileHandle> {
  if (constants.O_NOFOLLOW === undefined) {
    // Windows has no O_NOFOLLOW: a link is refused by lstat just before the open, which leaves a
    // window for a swap that only a process of the same user could use.
    if ((await lstat(path)).isSymbolicLink()) throw symlinkRefused();
    return open(path, constants.O_RDONLY);
  }
  try {
    return await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    // ELOOP on Linux and macOS, EMLINK on FreeBSD: the last component is a link.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') throw symlinkRefused();
    throw error;
  }
}

/**
 * Reads a regular file through one handle: what is checked (type, size) and what is hashed and
 * stored are the same open file, so swapping the path between check and read changes nothing.
 * `checkSize` runs on the fstat size before a byte is read.
 */
async function readImportFile(path: string, checkSize: (size: number) => void): Promise<Uint8Array> {
  const handle = await openForImport(path);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegularFile();
    checkSize(info.size);
    const bytes = new Uint8Array(info.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const { bytesRead: beyond } = await handle.read(new Uint8Array(1), 0, 1, filled);
    if (filled !== bytes.length || beyond !== 0) {
      throw new AppError('conflict', 'The file changed while it was being read. Import it again once nothing is writing to it.');
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/** Imports files into a Datanet's library and serves the items back. */
export class LibraryService {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly texts: TextCache,
    private readonly datanets: DatanetService,
    private readonly events: EventBus,
    /** Parses untrusted files; wiring passes the worker-thread extractor (extract-client.ts). */
    private readonly extractor: Extractor = inProcessExtractor(),
  ) {}

  /** Stops the extraction worker. */
  close(): Promise<void> {
    return this.extractor.close();
  }

  /**
   * Imports one file given as bytes. Every refusal is a `rejected` result with a specific code;
   * nothing is stored for a rejected file, and the same bytes twice are a `duplicate`.
   */
  async importBytes(input: { datanetId: string; name: string; relativePath?: string; bytes: Uint8Array }): Promise<ImportResult> {
    const datanet = await this.datanets.get(input.datanetId);
    return this.importInto(datanet, input.name, input.relativePath ?? input.name, input.bytes);
  }

  private async importInto(datanet: Datanet, name: string, path: string, bytes: Uint8Array): Promise<ImportResult> {
    try {
      const type = checkImportFile(name, bytes.length, datanet.policy);
      const sha256 = sha256Hex(bytes);
      const existing = await this.findBySha(datanet.id, sha256);
      if (existing) return { path, status: 'duplicate', itemId: existing, message: 'Already in this Datanet.' };
      const content = await this.extractor.extract(bytes, type);
      const stored = await this.store(datanet.id, name, path, type, sha256, bytes, content);
      if (stored.duplicate) return { path, status: 'duplicate', itemId: stored.id, message: 'Already in this Datanet.' };
      this.events.emitCoalesced('items.changed', datanet.id, { datanetId: datanet.id });
      return { path, status: 'imported', itemId: stored.id };
    } catch (error) {
      if (error instanceof AppError) return rejected(path, error);
      throw error;
    }
  }

  private async findBySha(datanetId: string, sha256: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ id: string }>('select id from items where datanet_id = $1 and sha256 = $2', [datanetId, sha256]);
    return rows[0]?.id;
  }

  private async store(
    datanetId: string,
    name: string,
    relativePath: string,
    type: FileType,
    sha256: string,
    bytes: Uint8Array,
    content: ExtractedContent,
  ): Promise<{ id: string; duplicate: boolean }> {
    const wroteBlob = await this.blobs.put(sha256, bytes);
    if (content.kind === 'text' && (type === 'pdf' || type === 'docx')) await this.texts.put(sha256, content.text);
    const id = randomUUID();
    try {
      await this.db.transaction(async (tx) => {
        await tx.query('insert into blobs (sha256, size) values ($1, $2) on conflict (sha256) do nothing', [sha256, bytes.length]);
        await tx.query(
          `insert into items (id, datanet_id, sha256, name, relative_path, type, media_type, kind, size,
             text_preview, text_length, pages, table_columns, table_preview, row_count)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
          [
            id,
            datanetId,
            sha256,
            name.normalize('NFC'),
            relativePath.normalize('NFC'),
            type,
            MEDIA_TYPES[type],
            content.kind,
            bytes.length,
            // Postgres text cannot hold NUL; extraction refuses it in plain text, this guards PDF/DOCX.
            content.kind === 'text' ? content.text.slice(0, STORED_PREVIEW_CHARS).replaceAll('\u0000', '') : null,
            content.kind === 'text' ? content.text.length : null,
            content.kind === 'text' ? (content.meta.pages ?? null) : null,
            content.kind === 'table' ? JSON.stringify(content.columns) : null,
            content.kind === 'table' ? JSON.stringify(content.previewRows) : null,
            content.kind === 'table' ? content.rowCount : null,
          ],
        );
      });
    } catch (error) {
      if (wroteBlob) await this.removeBlobIfUnreferenced(sha256);
      if (isUniqueViolation(error)) {
        const existing = await this.findBySha(datanetId, sha256);
        if (existing) return { id: existing, duplicate: true };
      }
      throw error;
    }
    return { id, duplicate: false };
  }

  private removeBlobIfUnreferenced(sha256: string): Promise<void> {
    return removeBlobIfUnreferenced(this.db, this.blobs, sha256);
  }

  /**
   * Imports files and folders (recursively; hidden entries inside folders are skipped) from this
   * machine, reporting each file in order as it finishes. Cancelling stops after the files in flight.
   */
  async importPaths(
    input: { datanetId: string; paths: string[]; importId: string },
    onProgress?: (progress: ImportProgress) => void,
  ): Promise<{ results: ImportResult[]; cancelled: boolean }> {
    const datanet = await this.datanets.get(input.datanetId);
    if (this.running.has(input.importId)) throw new AppError('conflict', 'An import with this id is already running.');
    const controller = new AbortController();
    this.running.set(input.importId, controller);
    try {
      const files: string[] = [];
      const results: ImportResult[] = [];
      for (const p of input.paths) await this.collect(resolve(p), files, results);
      const total = files.length + results.length;
      let done = 0;
      const report = (result: ImportResult): void => {
        done++;
        const progress = { done, total, result };
        onProgress?.(progress);
        this.events.emit('library.importProgress', { importId: input.importId, ...progress });
      };
      for (const r of results) report(r);
      // A few files are in flight at once so that one file's fsync (in the I/O thread pool)
      // overlaps the next file's hashing and extraction; results are still reported in order.
      const inFlight: Promise<ImportResult>[] = [];
      let next = 0;
      while (next < files.length || inFlight.length > 0) {
        while (!controller.signal.aborted && inFlight.length < IMPORT_WINDOW && next < files.length) {
          inFlight.push(this.importPath(datanet, files[next++] as string));
        }
        const head = inFlight.shift();
        if (!head) break;
        const result = await head;
        results.push(result);
        report(result);
      }
      if (next < files.length) return { results, cancelled: true };
      return { results, cancelled: false };
    } finally {
      this.running.delete(input.importId);
    }
  }

  private async importPath(datanet: Datanet, file: string): Promise<ImportResult> {
    try {
      // Refuse by name, type and size before reading the file into memory.
      const bytes = await readImportFile(file, (size) => checkImportFile(basename(file), size, datanet.policy));
      return await this.importInto(datanet, basename(file), file, bytes);
    } catch (error) {
      if (error instanceof AppError) return rejected(file, error);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return rejected(file, new AppError('not_found', 'The file no longer exists.'));
      // A socket cannot be opened (ENXIO); a folder cannot be on some systems (EISDIR).
      if (code === 'ENXIO' || code === 'EISDIR') return rejected(file, notRegularFile());
      if (code === 'EACCES' || code === 'EPERM')
        return rejected(file, new AppError('unavailable', 'The file cannot be read (permission denied).'));
      throw error;
    }
  }

  private async collect(path: string, files: string[], problems: ImportResult[]): Promise<void> {
    let info;
    try {
      info = await lstat(path);
    } catch {
      problems.push(rejected(path, new AppError('not_found', 'No file or folder at this path.')));
      return;
    }
    // Symbolic links are not followed, named or found in a folder: a link could lead out of the
    // chosen folder or loop. Each one is reported, so nothing is left out silently.
    if (info.isSymbolicLink()) {
      problems.push(rejected(path, symlinkRefused()));
    } else if (info.isDirectory()) {
      const entries = await readdir(path, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        await this.collect(join(path, entry.name), files, problems);
      }
    } else if (info.isFile()) {
      files.push(path);
    } else {
      problems.push(rejected(path, notRegularFile()));
    }
  }

  /** Cancels a running path import; false when none runs under that id. */
  cancelImport(importId: string): { cancelled: boolean } {
    const controller = this.running.get(importId);
    controller?.abort();
    return { cancelled: controller !== undefined };
  }

  /** Items, newest first, filtered by Datanet, status, kind, type and a name search. */
  async list(filter: { datanetId?: string; status?: string; kind?: string; type?: string; query?: string }): Promise<ItemSummary[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.datanetId) add('datanet_id = ?', filter.datanetId);
    if (filter.status) add('status = ?', filter.status);
    if (filter.kind) add('kind = ?', filter.kind);
    if (filter.type) add('type = ?', filter.type);
    if (filter.query?.trim())
      add(
        "name ilike '%' || ? || '%'",
        filter.query.trim().replace(/[\\%_]/g, (c) => `\\${c}`),
      );
    const sql = `select ${SUMMARY_COLUMNS} from items ${where.length ? `where ${where.join(' and ')}` : ''} order by created_at desc, name`;
    const { rows } = await this.db.query<ItemRow>(sql, params);
    return rows.map(toSummary);
  }

  /** One item with up to `previewChars` of its text, or the first rows of its table. */
  async get(id: string, previewChars = DEFAULT_PREVIEW_CHARS): Promise<ItemDetail> {
    const { rows } = await this.db.query<ItemDetailRow>(
      `select ${SUMMARY_COLUMNS}, left(text_preview, $2) as text_preview, text_length,
         pages, table_columns, table_preview, row_count from items where id = $1`,
      [id, previewChars],
    );
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'That item does not exist (it may have been deleted).', { id });
    return {
      ...toSummary(row),
      mediaType: row.media_type,
      textPreview: row.text_preview,
      textLength: row.text_length,
      pages: row.pages,
      table:
        row.kind === 'table' ? { columns: row.table_columns ?? [], rows: row.table_preview ?? [], rowCount: row.row_count ?? 0 } : null,
    };
  }

  /** The whole extracted text of a text item (re-derived from the stored original when needed). */
  async readText(id: string): Promise<string> {
    const item = await this.get(id, 1);
    if (item.kind !== 'text') throw new AppError('invalid_input', 'This item is a table, not a text.', { id });
    const cached = await this.texts.get(item.sha256);
    if (cached !== undefined) return cached;
    const content = await this.extractor.extract(await this.blobs.get(item.sha256), item.type);
    if (content.kind !== 'text') throw new AppError('internal', 'The stored original no longer reads as text.');
    if (item.type === 'pdf' || item.type === 'docx') await this.texts.put(item.sha256, content.text);
    return content.text;
  }

  /**
   * Every row of a table item: of its current version when one exists (versions are stored as
   * CSV), else of its original. `versionId` names the source so a derived version can cite it.
   */
  async readTable(id: string): Promise<{ columns: string[]; rows: string[][]; versionId: string | null }> {
    const { rows } = await this.db.query<{
      kind: string;
      type: FileType;
      sha256: string;
      version_id: string | null;
      version_sha: string | null;
    }>(
      `select i.kind, i.type, i.sha256, v.id as version_id, v.content_sha256 as version_sha
       from items i left join item_versions v on v.id = i.current_version_id and v.content_kind = 'table' where i.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'That item does not exist (it may have been deleted).', { id });
    if (row.kind !== 'table') throw new AppError('invalid_input', 'This item is a text, not a table.', { id });
    const source = row.version_sha ?? row.sha256;
    const content = await this.extractor.extract(await this.blobs.get(source), row.version_sha ? 'csv' : row.type, {
      maxRows: Number.POSITIVE_INFINITY,
    });
    if (content.kind !== 'table') throw new AppError('internal', 'The stored table no longer reads as a table.');
    return { columns: content.columns, rows: content.previewRows, versionId: row.version_id };
  }

  /** Deletes an item with its versions, and every stored content nothing else refers to. */
  async remove(id: string): Promise<{ id: string }> {
    const item = await this.get(id, 1);
    const { rows } = await this.db.query<{ content_sha256: string }>('select content_sha256 from item_versions where item_id = $1', [id]);
    await this.db.transaction(async (tx) => {
      await tx.query('update items set current_version_id = null where id = $1', [id]);
      await tx.query('delete from items where id = $1', [id]);
    });
    for (const sha of new Set([item.sha256, ...rows.map((r) => r.content_sha256)])) await this.removeBlobIfUnreferenced(sha);
    this.events.emit('items.changed', { datanetId: item.datanetId });
    return { id };
  }
}
