import type { PreflightReason, SubmissionFile } from '../../../shared/api/submissions';
import { STRUCTURED_TYPES } from '../../../shared/file-types';
import { formatProblem } from '../../../shared/format-check';
import type { Policy } from '../../../shared/policy';
import type { BlobStore } from '../storage/blob-store';
import type { ResolvedItemFile } from './item-files';

/**
 * Whether another service (the embeddings' near-duplicate detection) blocks an item as a
 * duplicate. Optional: without one, nothing is blocked here and the validator still checks.
 */
export type DuplicateChecker = (itemId: string) => Promise<{ isBlocked: boolean; message?: string }>;

export type PreflightItem = { itemId: string; name: string; reasons: PreflightReason[]; file: SubmissionFile | null };

export type PreflightContext = {
  datanetId: string;
  policy: Policy;
  blobs: BlobStore;
  isBlockedDuplicate?: DuplicateChecker;
  /** Content hashes (bare hex) already in a pending or accepted submission of this Datanet. */
  submittedContent: ReadonlySet<string>;
};

/**
 * Checks each selected item against the Datanet's policy, listing every reason it fails, so the
 * contributor can fix them all at once. Nothing is signed or stored.
 */
export async function preflightItems(
  itemIds: readonly string[],
  resolved: ReadonlyMap<string, ResolvedItemFile>,
  context: PreflightContext,
): Promise<PreflightItem[]> {
  const { policy } = context;
  const seenItems = new Set<string>();
  const seenContent = new Set<string>();
  const results: PreflightItem[] = [];
  for (const itemId of itemIds) {
    const item = resolved.get(itemId);
    if (!item) {
      results.push({ itemId, name: '', reasons: [{ code: 'not_found', message: 'This item no longer exists.' }], file: null });
      continue;
    }
    const reasons: PreflightReason[] = [];
    if (item.datanetId !== context.datanetId) {
      reasons.push({ code: 'other_datanet', message: 'This item belongs to another Datanet.' });
    }
    if (seenItems.has(itemId) || seenContent.has(item.contentSha256)) {
      reasons.push({ code: 'listed_twice', message: 'The same content is already in this selection.' });
    }
    seenItems.add(itemId);
    seenContent.add(item.contentSha256);
    if (policy.anonymisation.required && !item.file.isAnonymised) {
      reasons.push({ code: 'not_anonymised', message: 'This Datanet requires anonymisation: review and anonymise the item first.' });
    }
    // A policy that does not require anonymisation permits originals; it is not the contributor's
    // consent to send this one. Un-anonymised bytes leave only after an explicit "share original".
    if (!policy.anonymisation.required && item.isOriginal && !item.isOriginalShared) {
      reasons.push({
        code: 'original_not_shared',
        message:
          'This is the un-anonymised original: anonymise the item first, or open it in the Library and choose "Share original…" to send it as it is.',
      });
    }
    const isStructured = item.kind === 'table' || STRUCTURED_TYPES.includes(item.file.type);
    if (policy.dp.required && isStructured && !item.file.hasDp) {
      reasons.push({ code: 'dp_missing', message: 'This Datanet requires differential privacy on tables: apply DP to the item first.' });
    }
    let bytes: Uint8Array | null = null;
    try {
      bytes = await context.blobs.get(item.contentSha256);
    } catch {
      reasons.push({ code: 'missing_content', message: 'The stored content of this item is missing; import it again.' });
    }
    if (bytes !== null) {
      const problem = formatProblem(item.file.type, bytes, policy);
      if (problem) reasons.push({ code: 'wrong_format', message: `As ${item.file.type}: ${problem}.` });
    }
    if (context.isBlockedDuplicate) {
      const verdict = await context.isBlockedDuplicate(itemId);
      if (verdict.isBlocked) {
        reasons.push({ code: 'blocked_duplicate', message: verdict.message ?? 'A near-duplicate of this item is already in the Datanet.' });
      }
    }
    if (context.submittedContent.has(item.contentSha256)) {
      reasons.push({ code: 'already_submitted', message: 'This content is already in a pending or accepted submission.' });
    }
    results.push({ itemId, name: item.file.name, reasons, file: item.file });
  }
  return results;
}
