import type { SubmissionFile } from '../../../shared/api/submissions';
import { fileTypeSchema, type FileType } from '../../../shared/file-types';
import type { ManifestFile } from '../../../shared/manifest';
import { dpParametersSchema } from '../../../shared/manifest';
import type { Database } from '../db/database';

/** The embedding model an item was embedded with, when the embeddings service knows one. */
export type EmbeddingModelLookup = (itemId: string) => Promise<string | null>;

/** An item resolved to what a submission would carry, with where its bytes are stored. */
export type ResolvedItemFile = {
  file: SubmissionFile;
  datanetId: string;
  kind: 'text' | 'table';
  /** The stored content (blob store key: lower-case hex, no 0x). */
  contentSha256: string;
  manifestEntry: ManifestFile;
  /**
   * The bytes to send are the imported original's (no version yet, or one identical to it) and
   * neither a reviewed anonymisation nor a DP release vouches for them. A DP table is not the
   * original even where noise left every cell as it was: its release is the mechanism's output.
   */
  isOriginal: boolean;
  /** The contributor consented to send this exact original to this item's Datanet (item_original_shares). */
  isOriginalShared: boolean;
};

type ItemRow = {
  id: string;
  datanet_id: string;
  name: string;
  type: string;
  kind: 'text' | 'table';
  sha256: string;
  size: string | number;
  current_version_id: string | null;
};

type VersionRow = {
  id: string;
  parent_version_id: string | null;
  kind: 'anonymised' | 'dp';
  content_kind: 'text' | 'table';
  content_sha256: string;
  size: string | number;
  report_hash: string | null;
  dp_parameters: unknown;
};

/** A stored hash as manifest hex: lower-case, 0x-prefixed (stores keep bare hex). */
function asBytes32(hash: string): string {
  const hex = hash.toLowerCase();
  return hex.startsWith('0x') ? hex : `0x${hex}`;
}

/**
 * The type a version's content is submitted as: versions are stored as UTF-8 text or CSV, so an
 * anonymised PDF or DOCX goes out as plain text, and any table (CSV, JSON, JSONL) as CSV.
 */
function submittedType(original: FileType, contentKind: 'text' | 'table'): FileType {
  if (contentKind === 'table') return 'csv';
  return original === 'md' ? 'md' : 'txt';
}

/**
 * Resolves items to the files a submission carries: the item's current version (the end of its
 * anonymisation/DP chain) or, without one, its original. The anonymisation report hash is that of
 * the newest anonymised version in the chain; DP parameters are those of the DP versions in it
 * (one object for one application, `{applications: [...]}` oldest first for several).
 */
export async function resolveItemFiles(
  db: Database,
  itemIds: readonly string[],
  embeddingModelOf?: EmbeddingModelLookup,
): Promise<Map<string, ResolvedItemFile>> {
  const resolved = new Map<string, ResolvedItemFile>();
  if (itemIds.length === 0) return resolved;
  const { rows: items } = await db.query<ItemRow>(
    'select id, datanet_id, name, type, kind, sha256, size, current_version_id from items where id = any($1)',
    [[...new Set(itemIds)]],
  );
  const { rows: versions } = await db.query<VersionRow & { item_id: string }>(
    `select id, item_id, parent_version_id, kind, content_kind, content_sha256, size, report_hash, dp_parameters
     from item_versions where item_id = any($1)`,
    [items.map((i) => i.id)],
  );
  const byId = new Map(versions.map((v) => [v.id, v]));
  const { rows: shares } = await db.query<{ item_id: string; datanet_id: string; sha256: string }>(
    'select item_id, datanet_id, sha256 from item_original_shares where item_id = any($1)',
    [items.map((i) => i.id)],
  );
  const shareOf = new Map(shares.map((s) => [s.item_id, s]));
  for (const item of items) {
    const original = fileTypeSchema.parse(item.type);
    const chain: VersionRow[] = [];
    const seen = new Set<string>();
    for (let id = item.current_version_id; id !== null && !seen.has(id);) {
      seen.add(id);
      const version = byId.get(id);
      if (!version) break;
      chain.push(version);
      id = version.parent_version_id;
    }
    const current = chain[0];
    const anonymised = chain.find((v) => v.kind === 'anonymised' && v.report_hash !== null);
    const dpApplications = chain
      .filter((v) => v.kind === 'dp' && v.dp_parameters !== null)
      .reverse()
      .map((v) => dpParametersSchema.parse(v.dp_parameters));
    const dpParameters =
      dpApplications.length === 0 ? null : dpApplications.length === 1 ? (dpApplications[0] ?? null) : { applications: dpApplications };
    const contentSha256 = current ? current.content_sha256 : item.sha256;
    const bytes = Number(current ? current.size : item.size);
    const type = current ? submittedType(original, current.content_kind) : original;
    const share = shareOf.get(item.id);
    const isOriginalShared = share !== undefined && share.datanet_id === item.datanet_id && share.sha256 === item.sha256;
    const embeddingModelId = embeddingModelOf ? await embeddingModelOf(item.id) : null;
    const file: SubmissionFile = {
      itemId: item.id,
      name: item.name,
      versionId: current?.id ?? null,
      sha256: `0x${contentSha256}`,
      bytes,
      type,
      isAnonymised: anonymised !== undefined,
      hasDp: dpParameters !== null,
    };
    resolved.set(item.id, {
      file,
      datanetId: item.datanet_id,
      kind: item.kind,
      contentSha256,
      isOriginal: contentSha256 === item.sha256 && anonymised === undefined && dpParameters === null,
      isOriginalShared,
      manifestEntry: {
        sha256: `0x${contentSha256}`,
        bytes,
        type,
        anonymisationReportHash: anonymised?.report_hash ? asBytes32(anonymised.report_hash) : null,
        dpParameters,
        embeddingModelId,
      },
    });
  }
  return resolved;
}

/** A queued file as the original-consent check needs it. */
export type OutgoingFile = {
  itemId: string;
  name: string;
  /** Blob store key of the bytes to send (lower-case hex, no 0x). */
  contentSha256: string;
  /** The signed manifest vouches for the bytes with an anonymisation report or DP parameters. */
  isVouched: boolean;
};

/**
 * The files among `files` that carry an item's original bytes (no anonymisation report, no DP
 * release in the signed manifest) without a current "share original" mark for that exact original
 * in the item's Datanet. The queue asks this right before sending: consent withdrawn after signing
 * still holds.
 */
export async function unsharedOriginals(db: Database, files: readonly OutgoingFile[]): Promise<OutgoingFile[]> {
  const candidates = files.filter((f) => !f.isVouched);
  if (candidates.length === 0) return [];
  const { rows } = await db.query<{ id: string; sha256: string; is_shared: boolean }>(
    `select i.id, i.sha256,
            exists (select 1 from item_original_shares s
                    where s.item_id = i.id and s.datanet_id = i.datanet_id and s.sha256 = i.sha256) as is_shared
     from items i where i.id = any($1)`,
    [candidates.map((f) => f.itemId)],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return candidates.filter((f) => {
    const item = byId.get(f.itemId);
    // A deleted item sends nothing (the queue reports its missing content); only originals count.
    if (!item || item.sha256 !== f.contentSha256) return false;
    return !item.is_shared;
  });
}
