import type { Transaction } from '@electric-sql/pglite';
import type { Submission, SubmissionStatus } from '../../../shared/api/submissions';
import type { ErrorCode } from '../../../shared/errors';
import { fileTypeSchema, type FileType } from '../../../shared/file-types';
import type { Manifest } from '../../../shared/manifest';
import type { NetworkProfile } from '../../../shared/network-profile';
import type { Policy } from '../../../shared/policy';
import type { QuotaUsage } from '../../../shared/quota';
import type { Verdict } from '../../../shared/validator-api';
import type { Database } from '../db/database';
import type { OffchainPackageJson } from '../chain/offchain';

export type Queryable = Pick<Database, 'query'> | Transaction;

/** The Datanet as the validator is told about it (a devnet registers unknown Datanets from it). */
export type DatanetSnapshot = { name: string; description: string; policy: Policy };

export type SubmissionFileRecord = {
  position: number;
  itemId: string;
  versionId: string | null;
  name: string;
  /** Blob store key: lower-case hex without 0x. */
  contentSha256: string;
  bytes: number;
  type: FileType;
};

export type StoredError = { code: ErrorCode; message: string };

export type SubmissionRecord = {
  id: string;
  manifestHash: string;
  datanetId: string;
  contributor: string;
  status: SubmissionStatus;
  network: NetworkProfile;
  manifest: Manifest;
  datanet: DatanetSnapshot;
  signature: string | null;
  offchain: OffchainPackageJson | null;
  offchainUid: string | null;
  batchId: string | null;
  batchPosition: number | null;
  onchainUid: string | null;
  isOnchainSkipped: boolean;
  verdict: Verdict | null;
  reasons: { code: string; message: string }[];
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: StoredError | null;
  quotaDay: string;
  fileCount: number;
  totalBytes: number;
  createdAt: Date;
  updatedAt: Date;
  files: SubmissionFileRecord[];
};

export type BatchRecord = {
  id: string;
  chainId: number;
  eas: string;
  sender: string;
  nonce: number;
  txHash: string;
  rawTx: string;
  status: 'sent' | 'mined' | 'failed';
  gasUsed: string | null;
  blockNumber: number | null;
};

type SubmissionRow = {
  id: string;
  manifest_hash: string;
  datanet_id: string;
  contributor: string;
  status: SubmissionStatus;
  network: NetworkProfile;
  manifest: Manifest;
  datanet: DatanetSnapshot;
  signature: string | null;
  offchain: OffchainPackageJson | null;
  offchain_uid: string | null;
  batch_id: string | null;
  batch_position: number | null;
  onchain_uid: string | null;
  is_onchain_skipped: boolean;
  verdict: Verdict | null;
  reasons: { code: string; message: string }[];
  attempts: number;
  next_attempt_at: Date | null;
  last_error: StoredError | null;
  quota_day: string;
  file_count: number;
  total_bytes: string | number;
  created_at: Date;
  updated_at: Date;
};

type FileRow = {
  submission_id: string;
  position: number;
  item_id: string;
  version_id: string | null;
  name: string;
  content_sha256: string;
  bytes: string | number;
  type: string;
};

type BatchRow = {
  id: string;
  chain_id: number;
  eas: string;
  sender: string;
  nonce: number;
  tx_hash: string;
  raw_tx: string;
  status: BatchRecord['status'];
  gas_used: string | null;
  block_number: number | null;
};

export const FINAL_STATUSES: readonly SubmissionStatus[] = ['accepted', 'rejected'];

function toBatch(row: BatchRow): BatchRecord {
  return {
    id: row.id,
    chainId: row.chain_id,
    eas: row.eas,
    sender: row.sender,
    nonce: row.nonce,
    txHash: row.tx_hash,
    rawTx: row.raw_tx,
    status: row.status,
    gasUsed: row.gas_used,
    blockNumber: row.block_number,
  };
}

/** Patchable columns of a submission, by field name. */
export type SubmissionPatch = Partial<{
  status: SubmissionStatus;
  signature: string;
  offchain: OffchainPackageJson;
  offchainUid: string;
  batchId: string | null;
  batchPosition: number | null;
  onchainUid: string | null;
  isOnchainSkipped: boolean;
  verdict: Verdict;
  reasons: { code: string; message: string }[];
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: StoredError | null;
  quotaDay: string;
}>;

const COLUMN: Record<keyof SubmissionPatch, string> = {
  status: 'status',
  signature: 'signature',
  offchain: 'offchain',
  offchainUid: 'offchain_uid',
  batchId: 'batch_id',
  batchPosition: 'batch_position',
  onchainUid: 'onchain_uid',
  isOnchainSkipped: 'is_onchain_skipped',
  verdict: 'verdict',
  reasons: 'reasons',
  attempts: 'attempts',
  nextAttemptAt: 'next_attempt_at',
  lastError: 'last_error',
  quotaDay: 'quota_day',
};
const JSON_COLUMNS = new Set(['offchain', 'verdict', 'reasons', 'last_error']);

/** The submissions tables: rows in, records out. Knows SQL, not the queue's rules. */
export class SubmissionStore {
  constructor(private readonly db: Database) {}

  /** Runs `fn` in one database transaction. */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  /**
   * Inserts a new submission with its files; when the manifest hash is already stored, nothing is
   * written and the stored submission's id is returned (submitting is idempotent by manifest hash).
   */
  async insert(record: Omit<SubmissionRecord, 'createdAt' | 'updatedAt'>): Promise<{ id: string; isNew: boolean }> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `insert into submissions (id, manifest_hash, datanet_id, contributor, status, network, manifest, datanet, quota_day, file_count, total_bytes)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (manifest_hash) do nothing returning id`,
        [
          record.id,
          record.manifestHash,
          record.datanetId,
          record.contributor,
          record.status,
          JSON.stringify(record.network),
          JSON.stringify(record.manifest),
          JSON.stringify(record.datanet),
          record.quotaDay,
          record.fileCount,
          record.totalBytes,
        ],
      );
      if (!rows[0]) {
        const existing = await tx.query<{ id: string }>('select id from submissions where manifest_hash = $1', [record.manifestHash]);
        return { id: (existing.rows[0] as { id: string }).id, isNew: false };
      }
      for (const f of record.files) {
        await tx.query(
          `insert into submission_files (submission_id, position, item_id, version_id, name, content_sha256, bytes, type)
           values ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [record.id, f.position, f.itemId, f.versionId, f.name, f.contentSha256, f.bytes, f.type],
        );
      }
      return { id: record.id, isNew: true };
    });
  }

  async update(id: string, patch: SubmissionPatch, q: Queryable = this.db): Promise<void> {
    const keys = Object.keys(patch) as (keyof SubmissionPatch)[];
    if (keys.length === 0) return;
    const params: unknown[] = [id];
    const sets = keys.map((key) => {
      const column = COLUMN[key];
      const value = patch[key];
      params.push(JSON_COLUMNS.has(column) && value !== null ? JSON.stringify(value) : value);
      return `${column} = $${params.length}`;
    });
    await q.query(`update submissions set ${sets.join(', ')}, updated_at = now() where id = $1`, params);
  }

  async get(id: string): Promise<SubmissionRecord | undefined> {
    const [record] = await this.select('where s.id = $1', [id]);
    return record;
  }

  async byManifestHash(hash: string): Promise<SubmissionRecord | undefined> {
    const [record] = await this.select('where s.manifest_hash = $1', [hash]);
    return record;
  }

  async list(datanetId?: string): Promise<SubmissionRecord[]> {
    return datanetId === undefined ? this.select('', []) : this.select('where s.datanet_id = $1', [datanetId]);
  }

  /** Submissions in these statuses whose next attempt is due at `now`. */
  async due(statuses: readonly SubmissionStatus[], now: Date): Promise<SubmissionRecord[]> {
    const all = await this.select('where s.status = any($1) and (s.next_attempt_at is null or s.next_attempt_at <= $2)', [
      [...statuses],
      now,
    ]);
    return all.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** The earliest scheduled attempt of any unfinished submission. */
  async nextWake(): Promise<Date | null> {
    const { rows } = await this.db.query<{ at: Date | null }>(
      `select min(coalesce(next_attempt_at, now())) as at from submissions where status <> all($1)`,
      [[...FINAL_STATUSES]],
    );
    return rows[0]?.at ?? null;
  }

  /**
   * What a contributor used of a Datanet's quota on a UTC day, as the validator counts it: every
   * submission except those rejected without counting (quota refusals and other retryable ones).
   */
  async usage(datanetId: string, contributor: string, day: string): Promise<QuotaUsage> {
    const { rows } = await this.db.query<{ bytes: string | number | null; files: string | number | null }>(
      `select coalesce(sum(total_bytes), 0) as bytes, coalesce(sum(file_count), 0) as files from submissions
       where datanet_id = $1 and contributor = $2 and quota_day = $3
         and not (status = 'rejected' and coalesce((verdict->>'countsTowardQuota')::boolean, false) = false)`,
      [datanetId, contributor, day],
    );
    return { day, bytes: Number(rows[0]?.bytes ?? 0), files: Number(rows[0]?.files ?? 0) };
  }

  /** Content (bare hex) in a contributor's pending or accepted submissions to a Datanet. */
  async submittedContent(datanetId: string, contributor: string): Promise<Set<string>> {
    const { rows } = await this.db.query<{ content_sha256: string }>(
      `select distinct f.content_sha256 from submission_files f join submissions s on s.id = f.submission_id
       where s.datanet_id = $1 and s.contributor = $2 and s.status <> 'rejected'`,
      [datanetId, contributor],
    );
    return new Set(rows.map((r) => r.content_sha256));
  }

  /** A pending or accepted submission of exactly these files (in order) on this network, if any. */
  async findSame(datanetId: string, contributor: string, contentSha256s: readonly string[], chainId: number): Promise<string | undefined> {
    const { rows } = await this.db.query<{ id: string; shas: string[] }>(
      `select s.id, array_agg(f.content_sha256 order by f.position) as shas from submissions s
       join submission_files f on f.submission_id = s.id
       where s.datanet_id = $1 and s.contributor = $2 and s.status <> 'rejected' and (s.network->>'chainId')::int = $3
       group by s.id order by s.id`,
      [datanetId, contributor, chainId],
    );
    return rows.find((r) => r.shas.length === contentSha256s.length && r.shas.every((s, i) => s === contentSha256s[i]))?.id;
  }

  private async select(where: string, params: unknown[]): Promise<SubmissionRecord[]> {
    const { rows } = await this.db.query<SubmissionRow>(`select s.* from submissions s ${where} order by s.created_at desc, s.id`, params);
    if (rows.length === 0) return [];
    const { rows: files } = await this.db.query<FileRow>(
      'select * from submission_files where submission_id = any($1) order by submission_id, position',
      [rows.map((r) => r.id)],
    );
    const filesOf = new Map<string, SubmissionFileRecord[]>();
    for (const f of files) {
      const list = filesOf.get(f.submission_id) ?? [];
      list.push({
        position: f.position,
        itemId: f.item_id,
        versionId: f.version_id,
        name: f.name,
        contentSha256: f.content_sha256,
        bytes: Number(f.bytes),
        type: fileTypeSchema.parse(f.type),
      });
      filesOf.set(f.submission_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      manifestHash: r.manifest_hash,
      datanetId: r.datanet_id,
      contributor: r.contributor,
      status: r.status,
      network: r.network,
      manifest: r.manifest,
      datanet: r.datanet,
      signature: r.signature,
      offchain: r.offchain,
      offchainUid: r.offchain_uid,
      batchId: r.batch_id,
      batchPosition: r.batch_position,
      onchainUid: r.onchain_uid,
      isOnchainSkipped: r.is_onchain_skipped,
      verdict: r.verdict,
      reasons: r.reasons,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastError: r.last_error,
      quotaDay: r.quota_day,
      fileCount: r.file_count,
      totalBytes: Number(r.total_bytes),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      files: filesOf.get(r.id) ?? [],
    }));
  }

  async insertBatch(batch: Omit<BatchRecord, 'gasUsed' | 'blockNumber'>, q: Queryable = this.db): Promise<void> {
    await q.query(
      `insert into onchain_batches (id, chain_id, eas, sender, nonce, tx_hash, raw_tx, status) values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (id) do nothing`,
      [batch.id, batch.chainId, batch.eas, batch.sender, batch.nonce, batch.txHash, batch.rawTx, batch.status],
    );
  }

  async updateBatch(
    id: string,
    patch: { status: BatchRecord['status']; gasUsed?: string; blockNumber?: number; error?: string },
    q: Queryable = this.db,
  ): Promise<void> {
    await q.query(
      `update onchain_batches set status = $2, gas_used = coalesce($3, gas_used), block_number = coalesce($4, block_number),
         error = coalesce($5, error), updated_at = now() where id = $1`,
      [id, patch.status, patch.gasUsed ?? null, patch.blockNumber ?? null, patch.error ?? null],
    );
  }

  async batch(id: string): Promise<BatchRecord | undefined> {
    const { rows } = await this.db.query<BatchRow>('select * from onchain_batches where id = $1', [id]);
    return rows[0] ? toBatch(rows[0]) : undefined;
  }

  async batchIds(): Promise<Set<string>> {
    const { rows } = await this.db.query<{ id: string }>('select id from onchain_batches');
    return new Set(rows.map((r) => r.id));
  }

  async sentBatches(): Promise<BatchRecord[]> {
    const { rows } = await this.db.query<BatchRow>(`select * from onchain_batches where status = 'sent' order by created_at`);
    return rows.map(toBatch);
  }

  /** Submissions of a batch, by position. */
  async batchMembers(batchId: string): Promise<SubmissionRecord[]> {
    const members = await this.select('where s.batch_id = $1', [batchId]);
    return members.sort((a, b) => (a.batchPosition ?? 0) - (b.batchPosition ?? 0));
  }

  /** The contract's view of a submission. */
  async toPublic(record: SubmissionRecord): Promise<Submission> {
    const batch = record.batchId ? await this.batch(record.batchId) : undefined;
    let batchSize: number | null = null;
    if (batch) {
      const { rows } = await this.db.query<{ n: number }>('select count(*)::int as n from submissions where batch_id = $1', [batch.id]);
      batchSize = rows[0]?.n ?? null;
    }
    const v = record.verdict;
    return {
      id: record.id,
      datanetId: record.datanetId,
      contributor: record.contributor,
      manifestHash: record.manifestHash,
      merkleRoot: record.manifest.merkleRoot,
      status: record.status,
      fileCount: record.fileCount,
      totalBytes: record.totalBytes,
      files: record.files.map((f) => ({ itemId: f.itemId, name: f.name, sha256: `0x${f.contentSha256}`, bytes: f.bytes, type: f.type })),
      network: { name: record.network.name, chainId: record.network.chainId },
      offchainUid: record.offchainUid,
      onchainUid: record.onchainUid,
      txHash: batch && batch.status !== 'failed' ? batch.txHash : null,
      gasUsed: batch?.gasUsed ?? null,
      batchSize,
      isOnchainSkipped: record.isOnchainSkipped,
      verdict: v
        ? {
            status: v.status,
            reasonCode: v.reasonCode,
            score: v.score,
            reasons: v.reasons,
            attestationUid: v.attestation.uid,
            attestationTxHash: v.attestation.txHash,
            receivedAt: v.receivedAt,
            day: v.day,
            countsTowardQuota: v.countsTowardQuota,
          }
        : null,
      reasons: record.reasons.map((r) => ({ code: r.code, message: r.message })),
      lastError: record.lastError,
      attempts: record.attempts,
      nextAttemptAt: record.nextAttemptAt ? record.nextAttemptAt.toISOString() : null,
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
    };
  }
}
