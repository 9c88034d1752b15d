import { toUtf8String } from 'ethers';
import type { FileType } from './file-types';
import type { Policy } from './policy';

/**
 * Format rules of a Datanet policy, shared by the app's preflight (before anything is signed) and
 * the validator (when the files arrive), so that both refuse the same files.
 */

/** The text of a file for quality scoring; null for binary formats and bytes that are not UTF-8. */
export function textOf(type: FileType, bytes: Uint8Array): string | null {
  if (type === 'pdf' || type === 'docx') return null;
  try {
    // Strict: ethers throws on invalid UTF-8 (overlong forms, lone surrogates, bad continuations).
    const text = toUtf8String(bytes);
    // A leading byte-order mark is not text (TextDecoder drops it too).
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } catch {
    return null;
  }
}

/**
 * Why a file does not meet the Datanet policy's format rules, or null when it does: its type
 * must be accepted, its size within the limit, and its bytes must parse as the type it claims.
 * The checks are structural (the validator sees anonymised output, not the original document).
 */
export function formatProblem(type: FileType, bytes: Uint8Array, policy: Policy): string | null {
  if (!policy.acceptedTypes.includes(type)) {
    return `this Datanet accepts ${policy.acceptedTypes.join(', ')}; not ${type}`;
  }
  if (bytes.length > policy.maxFileBytes) {
    return `${bytes.length} bytes is over this Datanet's limit of ${policy.maxFileBytes} bytes per file`;
  }
  if (bytes.length === 0) return 'the file is empty';
  switch (type) {
    case 'pdf':
      return startsWith(bytes, '%PDF-') ? null : 'not a PDF (no %PDF- header)';
    case 'docx':
      return startsWith(bytes, 'PK\u0003\u0004') && contains(bytes, 'word/document.xml')
        ? null
        : 'not a DOCX (no ZIP container with word/document.xml)';
    default: {
      const text = textOf(type, bytes);
      if (text === null) return 'not valid UTF-8 text';
      if (text.includes('\u0000')) return 'text contains NUL bytes';
      if (type === 'json') return jsonProblem(text);
      if (type === 'jsonl') return jsonlProblem(text);
      if (type === 'csv') return csvProblem(text);
      return null;
    }
  }
}

function startsWith(bytes: Uint8Array, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

function contains(bytes: Uint8Array, needle: string): boolean {
  const first = needle.charCodeAt(0);
  outer: for (let i = bytes.indexOf(first); i >= 0 && i <= bytes.length - needle.length; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle.charCodeAt(j)) continue outer;
    return true;
  }
  return false;
}

function jsonProblem(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return `malformed JSON: ${(error as Error).message}`;
  }
}

function jsonlProblem(text: string): string | null {
  const lines = text.split(/\r?\n/);
  let records = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    try {
      JSON.parse(line);
      records++;
    } catch {
      return `malformed JSON on line ${i + 1}`;
    }
  }
  return records === 0 ? 'no JSON records' : null;
}

/** RFC 4180: every record has as many fields as the header; quotes must close. */
function csvProblem(text: string): string | null {
  let fields = 1;
  let expected: number | null = null;
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let recordHasContent = false;
  const endRecord = (): string | null => {
    if (recordHasContent || fields > 1) {
      if (expected === null) expected = fields;
      else if (fields !== expected) return `CSV record on line ${recordLine} has ${fields} fields; the header has ${expected}`;
    }
    fields = 1;
    recordHasContent = false;
    recordLine = line;
    return null;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      } else if (c === '\n') line++;
      continue;
    }
    if (c === '"') {
      inQuotes = true;
      recordHasContent = true;
    } else if (c === ',') fields++;
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      line++;
      const problem = endRecord();
      if (problem) return problem;
    } else recordHasContent = true;
  }
  if (inQuotes) return `unclosed quote in the CSV record starting on line ${recordLine}`;
  const problem = endRecord();
  if (problem) return problem;
  return expected === null ? 'no CSV records' : null;
}
