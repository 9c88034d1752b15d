import type { ErrorCode } from '../../../shared/errors';
import type { FileType } from '../../../shared/file-types';
import type { ContentLimits, ExtractedContent } from './extract';

/** One file to extract; the worker handles one at a time. */
export type ExtractRequest = { id: number; bytes: Uint8Array; type: FileType; maxRows: number; limits: ContentLimits };

export type ExtractResponse =
  | { id: number; ok: true; content: ExtractedContent }
  | { id: number; ok: false; code: ErrorCode; message: string; details?: Record<string, unknown> };
