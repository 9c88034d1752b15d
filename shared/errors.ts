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
  // the contributor's key is stored but not open: unlock it (passphrase) and try again
  'wallet_locked',
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
  'invalid_policy',
  // a model folder that transformers.js cannot use (missing files, wrong vector size)
  'invalid_model',
  // review rooms take anonymised content only: the item has no anonymised version yet
  'not_anonymised',
  // anonymisation: a table's quasi-identifiers leave groups smaller than the policy's k (details.groups)
  'k_anonymity_violation',
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

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
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
