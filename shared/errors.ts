import { z } from 'zod';

/**
 * The closed set of error codes that cross the contract. The UI branches on these, never on
 * message text. Import-specific codes name the exact reason a file was refused so that the user
 * can act on it without reading a stack trace.
 */
export const ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  'quota_exceeded',
  'budget_exhausted',
  'unavailable',
  'cancelled',
  'internal',
  // the Node host's per-connection request rate or in-flight bound: wait a moment and try again
  'rate_limited',
  // the contributor's key is stored but not open: unlock it (passphrase) and try again
  'wallet_locked',
  // a signature was asked for without a prepared, unexpired, unused request matching what was shown
  'consent_required',
  // the network's fee data exceed the policy's or the user's cap: nothing is signed until fees drop
  'fee_cap_exceeded',
  // import and format validation
  'unsupported_type',
  'type_not_accepted',
  'file_too_large',
  'empty_file',
  'invalid_file_name',
  'undecodable_text',
  'corrupt_pdf',
  'encrypted_pdf',
  'pdf_no_text',
  'invalid_docx',
  'malformed_csv',
  'malformed_json',
  // extraction limits (shared/import-rules.ts EXTRACTION_LIMITS): a crafted file cannot hang or exhaust the app
  'too_many_pages',
  'expanded_too_large',
  'text_too_long',
  'extraction_timeout',
  'extraction_out_of_memory',
  // import reads regular files only, and never through a symbolic link
  'not_regular_file',
  'symlink_refused',
  'invalid_policy',
  // a model folder that transformers.js cannot use (missing files, wrong vector size)
  'invalid_model',
  // review rooms take anonymised content only: the item has no anonymised version yet
  'not_anonymised',
  // anonymisation: a table's quasi-identifiers leave groups smaller than the policy's k (details.groups)
  'k_anonymity_violation',
  // the wallet's ether does not cover a transaction's highest fee (details: address, balanceWei, neededWei)
  'insufficient_funds',
  // the Datanet needs a curator's approval to join: the request is on chain, join again once approved
  'approval_required',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorCodeSchema = z.enum(ERROR_CODES);

export const appErrorDataSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export type AppErrorData = z.infer<typeof appErrorDataSchema>;

/** An expected failure with a code from {@link ERROR_CODES} and a message a person can act on. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  /** `options.cause`: the underlying error, for the host's log only (toJSON leaves it out). */
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toJSON(): AppErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromData(data: AppErrorData): AppError {
    return new AppError(data.code, data.message, data.details);
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * An error as the host logs it: its stack, then each `cause` in turn (an AppError wrapping a
 * driver's or a worker's failure keeps the original there). Host-side only: never sent to the UI.
 */
export function errorLogText(error: unknown): string {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && !seen.has(current) && lines.length < 10) {
    seen.add(current);
    const text = current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current);
    lines.push(lines.length === 0 ? text : `caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.join('\n');
}
