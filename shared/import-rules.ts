import { AppError } from './errors';
import { FILE_TYPES, fileTypeOf, type FileType } from './file-types';
import type { Policy } from './policy';

const MAX_NAME_LENGTH = 255;

/** Why a file name cannot name an item, or undefined when it can. */
export function fileNameProblem(name: string): string | undefined {
  if (name.trim().length === 0) return 'The file has no name.';
  if (name.length > MAX_NAME_LENGTH) return `The file name is longer than ${MAX_NAME_LENGTH} characters; shorten it.`;
  // Control characters (newlines, NUL, escape sequences) in a name can spoof what the UI and logs
  // show, and NUL cannot be stored; separators would let a name pretend to be a path.
  if (/\p{Cc}/u.test(name)) return 'The file name contains control characters (such as a line break); rename the file.';
  if (/[/\\]/.test(name)) return 'The file name contains a path separator; rename the file.';
  if (name === '.' || name === '..') return 'That is not a file name.';
  return undefined;
}

/** Human-readable size in SI units, as the policy's limits are stated. */
export function formatBytes(n: number): string {
  if (n >= 1_000_000_000) return `${(n / 1_000_000_000).toFixed(1)} GB`;
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(1)} kB`;
  return `${n} bytes`;
}

const listTypes = (types: readonly FileType[]): string => types.map((t) => `.${t}`).join(' ');

/**
 * Checks a file's name, type and size against a Datanet policy before its bytes are read, and
 * returns its type; throws an AppError with the specific code otherwise. Used by the services and
 * by the renderer (so that an oversize file is not uploaded only to be refused).
 */
export function checkImportFile(name: string, size: number, policy: Pick<Policy, 'acceptedTypes' | 'maxFileBytes'>): FileType {
  const nameProblem = fileNameProblem(name);
  if (nameProblem) throw new AppError('invalid_file_name', nameProblem);
  const type = fileTypeOf(name);
  if (!type) throw new AppError('unsupported_type', `Datanet Desk cannot read this kind of file; it imports ${listTypes(FILE_TYPES)}.`);
  if (!policy.acceptedTypes.includes(type)) {
    throw new AppError(
      'type_not_accepted',
      `This Datanet does not accept .${type} files (its policy accepts ${listTypes(policy.acceptedTypes)}).`,
    );
  }
  if (size === 0) throw new AppError('empty_file', 'The file is empty.');
  if (size > policy.maxFileBytes) {
    throw new AppError(
      'file_too_large',
      `The file is ${formatBytes(size)}; this Datanet accepts files up to ${formatBytes(policy.maxFileBytes)}. Split it or raise the limit in the policy.`,
      { size, limit: policy.maxFileBytes },
    );
  }
  return type;
}

/**
 * Bounds on reading one file's content. Extraction runs on a worker thread that is terminated when
 * it overruns `timeoutMs` or its memory, so a crafted file (a page-tree or deflate bomb, a parser
 * that loops) costs one refused item, never the app.
 */
export type ExtractionLimits = {
  /** Bytes handed to a parser; the largest `maxFileBytes` a policy may set. */
  maxInputBytes: number;
  /** Pages of a PDF, as its page tree declares them. */
  maxPdfPages: number;
  /** Sum of the uncompressed sizes a DOCX's ZIP central directory declares. */
  maxExpandedBytes: number;
  /** Uncompressed to compressed size of one ZIP entry (checked for entries above 1 MB). */
  maxCompressionRatio: number;
  /** Entries in a DOCX's ZIP central directory. */
  maxZipEntries: number;
  /** Characters of extracted text. */
  maxTextChars: number;
  /**
   * Bytes of one JSON document (not JSON Lines). `JSON.parse` builds the whole value in one native
   * call, and V8 may abort the whole process, not just the worker, when its heap limit is hit
   * inside one; 64 MiB parses in a few hundred MB of heap, far below the worker's limit. Larger
   * tables stream as JSON Lines, parsed record by record.
   */
  maxJsonDocumentBytes: number;
  /** Wall time of one file's extraction. */
  timeoutMs: number;
  /** V8 heap of the extraction worker (resourceLimits.maxOldGenerationSizeMb). */
  maxHeapMb: number;
  /**
   * Growth of the process's resident memory while one file is extracted: buffers (inflated
   * streams) live outside the V8 heap, so the heap limit alone does not bound them.
   */
  maxRssGrowthBytes: number;
};

export const EXTRACTION_LIMITS: ExtractionLimits = {
  maxInputBytes: 1_000_000_000,
  maxPdfPages: 5_000,
  maxExpandedBytes: 512 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxZipEntries: 10_000,
  maxTextChars: 100_000_000,
  maxJsonDocumentBytes: 64 * 1024 * 1024,
  timeoutMs: 60_000,
  maxHeapMb: 2_048,
  maxRssGrowthBytes: 3 * 1024 * 1024 * 1024,
};
