import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import mammoth from 'mammoth';
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import { AppError } from '../../../shared/errors';
import { FILE_TYPES, type FileType } from '../../../shared/file-types';
import { EXTRACTION_LIMITS, formatBytes, type ExtractionLimits } from '../../../shared/import-rules';
import { readCsv } from './csv-scan';
import { checkZipExpansion } from './zip-directory';

export type TableContent = {
  kind: 'table';
  format: 'csv' | 'json' | 'jsonl';
  columns: string[];
  previewRows: string[][];
  rowCount: number;
};
export type TextContent = { kind: 'text'; text: string; meta: { encoding?: string; pages?: number } };
export type ExtractedContent = TextContent | TableContent;

/** How many records of a table are kept for display; `rowCount` still counts them all. */
/** Rows of a table kept for its preview; `extractContent(…, { maxRows })` keeps more (all, for DP). */
export const PREVIEW_ROWS = 200;

/** The limits extraction itself checks; time and memory are the worker's (extract-client.ts). */
export type ContentLimits = Pick<
  ExtractionLimits,
  'maxInputBytes' | 'maxPdfPages' | 'maxExpandedBytes' | 'maxCompressionRatio' | 'maxZipEntries' | 'maxTextChars' | 'maxJsonDocumentBytes'
>;

export type ExtractOptions = { maxRows?: number; limits?: ContentLimits };

/**
 * Reads the text or the table out of a file's bytes, validating its format on the way.
 *
 * Decisions a caller can rely on:
 * - A structured file without a single record (a CSV with only its header row, a JSON `[]`, a
 *   JSONL file of blank lines) is `empty_file`: it has nothing to contribute, and saying so at
 *   import beats a validator rejecting it after quota is spent.
 * - JSON: a top-level array whose items are all objects is a table; any other valid JSON value
 *   is text, kept verbatim (not re-serialised) so that numbers keep their exact digits and
 *   detection spans map back onto the file.
 *
 * - Limits (pages, expansion, text length, input size) refuse with their own codes; they bound the
 *   work, not the damage, so untrusted files go through the worker (extract-client.ts) too.
 *
 * @throws AppError with a specific code for every kind of bad input.
 */
export async function extractContent(bytes: Uint8Array, type: FileType, options: ExtractOptions = {}): Promise<ExtractedContent> {
  const maxRows = options.maxRows ?? PREVIEW_ROWS;
  const limits = options.limits ?? EXTRACTION_LIMITS;
  if (bytes.length > limits.maxInputBytes) {
    throw new AppError(
      'file_too_large',
      `The file is ${formatBytes(bytes.length)}; Datanet Desk reads files up to ${formatBytes(limits.maxInputBytes)}.`,
      {
        size: bytes.length,
        limit: limits.maxInputBytes,
      },
    );
  }
  switch (type) {
    case 'txt':
    case 'md': {
      const decoded = decodeText(bytes);
      checkTextLength(decoded.text.length, limits);
      return { kind: 'text', text: decoded.text, meta: { encoding: decoded.encoding } };
    }
    case 'pdf':
      return extractPdf(bytes, limits);
    case 'docx':
      return extractDocx(bytes, limits);
    case 'csv':
      return extractCsv(decodeText(bytes).text, maxRows);
    case 'jsonl':
      return extractJsonl(decodeText(bytes).text, maxRows);
    case 'json': {
      if (bytes.length > limits.maxJsonDocumentBytes) {
        throw new AppError(
          'file_too_large',
          `The JSON document is ${formatBytes(bytes.length)}; Datanet Desk reads JSON documents up to ${formatBytes(limits.maxJsonDocumentBytes)}. Save larger tables as JSON Lines (.jsonl), one record per line.`,
          { size: bytes.length, limit: limits.maxJsonDocumentBytes },
        );
      }
      const decoded = decodeText(bytes);
      const content = extractJson(decoded.text, decoded.encoding, maxRows);
      if (content.kind === 'text') checkTextLength(content.text.length, limits);
      return content;
    }
    default:
      // `type` may arrive unchecked from a transport; the compiler's exhaustiveness is no guarantee.
      throw new AppError(
        'unsupported_type',
        `Datanet Desk cannot read "${String(type as unknown)}" files; it reads ${FILE_TYPES.map((t) => `.${t}`).join(' ')}.`,
      );
  }
}

function checkTextLength(length: number, limits: ContentLimits): void {
  if (length <= limits.maxTextChars) return;
  throw new AppError(
    'text_too_long',
    `The file holds more than ${limits.maxTextChars.toLocaleString('en')} characters of text, more than Datanet Desk reads from one file. Split it into smaller files.`,
    { limit: limits.maxTextChars },
  );
}

// --- text ---------------------------------------------------------------------------------------

type Decoded = { text: string; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' };

const RESAVE_HINT = 'Open it in a text editor and save it again with the UTF-8 encoding.';

function decodeText(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) throw new AppError('empty_file', 'The file is empty.');
  const decoded = hasUtf16Bom(bytes) ? decodeUtf16(bytes) : decodeUtf8(bytes);
  // `\s` covers U+FEFF too, so a file holding only a byte order mark counts as empty.
  if (!/\S/.test(decoded.text)) throw new AppError('empty_file', 'The file holds only blank space.');
  return decoded;
}

function hasUtf16Bom(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

function decodeUtf8(bytes: Uint8Array): Decoded {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new AppError(
      'undecodable_text',
      `The file contains NUL bytes (first on line ${byteLineAt(bytes, nul)}), so it looks like a binary file rather than text. ${RESAVE_HINT}`,
      { reason: 'nul_bytes', line: byteLineAt(bytes, nul) },
    );
  }
  try {
    // The default (ignoreBOM: false) drops a leading UTF-8 byte order mark.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    const line = byteLineAt(bytes, firstInvalidUtf8(bytes));
    throw new AppError(
      'undecodable_text',
      `The file is not valid UTF-8 text (the first bad byte is on line ${line}); it was probably saved in another encoding such as Windows-1252. ${RESAVE_HINT}`,
      { reason: 'invalid_utf8', line },
    );
  }
}

function decodeUtf16(bytes: Uint8Array): Decoded {
  const isBigEndian = bytes[0] === 0xfe;
  const encoding = isBigEndian ? 'utf-16be' : 'utf-16le';
  let units = bytes;
  if (isBigEndian) {
    // Only UTF-16LE is guaranteed in every Node/Electron ICU build, so swap BE into LE.
    units = new Uint8Array(bytes.length);
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      units[i] = bytes[i + 1] ?? 0;
      units[i + 1] = bytes[i] ?? 0;
    }
    if (bytes.length % 2 === 1) units[bytes.length - 1] = bytes[bytes.length - 1] ?? 0;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-16le', { fatal: true }).decode(units);
  } catch {
    throw new AppError(
      'undecodable_text',
      `The file starts like ${encoding.toUpperCase()} text but is not valid ${encoding.toUpperCase()}. ${RESAVE_HINT}`,
      {
        reason: 'invalid_utf16',
      },
    );
  }
  if (text.includes('\u0000')) {
    throw new AppError(
      'undecodable_text',
      `The file contains NUL characters, so it looks like a binary file rather than text. ${RESAVE_HINT}`,
      {
        reason: 'nul_bytes',
      },
    );
  }
  return { text, encoding };
}

/** Offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const at = (k: number): number => bytes[k] ?? -1;
  const isCont = (k: number): boolean => (at(k) & 0xc0) === 0x80 && at(k) >= 0;
  while (i < bytes.length) {
    const b = at(i);
    if (b < 0x80) {
      i += 1;
    } else if (b >= 0xc2 && b <= 0xdf) {
      if (!isCont(i + 1)) return i;
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      const b1 = at(i + 1);
      const isValidSecond = b === 0xe0 ? b1 >= 0xa0 && b1 <= 0xbf : b === 0xed ? b1 >= 0x80 && b1 <= 0x9f : isCont(i + 1);
      if (!isValidSecond || !isCont(i + 2)) return i;
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      const b1 = at(i + 1);
      const isValidSecond = b === 0xf0 ? b1 >= 0x90 && b1 <= 0xbf : b === 0xf4 ? b1 >= 0x80 && b1 <= 0x8f : isCont(i + 1);
      if (!isValidSecond || !isCont(i + 2) || !isCont(i + 3)) return i;
      i += 4;
    } else {
      return i;
    }
  }
  return bytes.length;
}

function byteLineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  return line;
}

/** 1-based line of `offset`, counting `\n` (which also ends `\r\n` lines). */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

// --- pdf ----------------------------------------------------------------------------------------

type PdfJs = typeof PdfJsModule;

let pdfjsLoading: Promise<{ pdfjs: PdfJs; dataDir: string | undefined }> | undefined;

function loadPdfJs(): Promise<{ pdfjs: PdfJs; dataDir: string | undefined }> {
  pdfjsLoading ??= (async () => {
    // In Node pdf.js runs its "worker" on this thread. Handing it the worker module ourselves
    // (instead of letting it import "./pdf.worker.mjs" relative to itself) keeps this working
    // when the main process is bundled.
    const worker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    let dataDir: string | undefined;
    try {
      dataDir = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
    } catch {
      dataDir = undefined;
    }
    return { pdfjs, dataDir };
  })();
  return pdfjsLoading;
}

async function extractPdf(bytes: Uint8Array, limits: ContentLimits): Promise<TextContent> {
  if (bytes.length === 0) throw new AppError('empty_file', 'The file is empty.');
  if (!hasPdfHeader(bytes)) {
    throw new AppError('corrupt_pdf', 'This file is not a PDF (it has no PDF header); it may be another kind of file renamed to .pdf.', {
      reason: 'no_header',
    });
  }
  const { pdfjs, dataDir } = await loadPdfJs();
  const task = pdfjs.getDocument({
    // pdf.js transfers the buffer it is given to its worker, detaching it: hand it a copy so the
    // caller's bytes (hashed and stored next) stay intact.
    data: bytes.slice(),
    // Compiling font programs with `new Function` is what CVE-2024-4367 abused; parsing untrusted
    // files must not evaluate anything.
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    // Only text is read: no images, no XFA forms, no rendering.
    enableXfa: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    // 0 = errors only. The default prints a "Warning:" line for every oddity in a damaged file.
    verbosity: 0,
    // CJK PDFs name predefined CMaps; without them their text extracts as garbage or nothing.
    ...(dataDir === undefined
      ? {}
      : { cMapUrl: join(dataDir, 'cmaps') + sep, cMapPacked: true, standardFontDataUrl: join(dataDir, 'standard_fonts') + sep }),
  });
  try {
    let document: Awaited<typeof task.promise>;
    try {
      document = await task.promise;
    } catch (error) {
      if (error instanceof Error && error.name === 'PasswordException') {
        throw new AppError(
          'encrypted_pdf',
          'This PDF is protected with a password, so its text cannot be read. Save an unprotected copy (for example by printing it to a new PDF) and import that.',
        );
      }
      throw corruptPdf();
    }
    // A page tree is a DAG in practice: a few kilobytes of nodes that share children can declare
    // billions of pages, each of which would be parsed.
    if (document.numPages > limits.maxPdfPages) {
      throw new AppError(
        'too_many_pages',
        `This PDF has ${document.numPages.toLocaleString('en')} pages; Datanet Desk reads PDFs of up to ${limits.maxPdfPages.toLocaleString('en')} pages. Split it into smaller files.`,
        { pages: document.numPages, limit: limits.maxPdfPages },
      );
    }
    const pages: string[] = [];
    let length = 0;
    try {
      for (let n = 1; n <= document.numPages; n++) {
        const page = await document.getPage(n);
        const content = await page.getTextContent();
        let text = '';
        for (const item of content.items) {
          if (!('str' in item)) continue;
          text += item.str;
          if (item.hasEOL) text += '\n';
        }
        pages.push(text.trim());
        page.cleanup();
        length += text.length;
        if (length > limits.maxTextChars) break;
      }
    } catch {
      throw corruptPdf();
    }
    checkTextLength(length, limits);
    const withText = pages.filter((text) => /\S/.test(text));
    if (withText.length === 0) {
      throw new AppError(
        'pdf_no_text',
        'This PDF has no text layer: its pages are images, as from a scanner. Run OCR on it first (for example with your scanner software or ocrmypdf), then import the result.',
        { pages: document.numPages },
      );
    }
    return { kind: 'text', text: withText.join('\n\n'), meta: { pages: document.numPages } };
  } finally {
    await task.destroy();
  }
}

function hasPdfHeader(bytes: Uint8Array): boolean {
  // Readers accept the header anywhere in the first 1024 bytes (PDF 32000-1 annex H.3, note 3).
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-');
}

function corruptPdf(): AppError {
  return new AppError(
    'corrupt_pdf',
    'This PDF is damaged (it may be truncated or only partly downloaded), so its text cannot be read. Open it in a PDF viewer, save a new copy and import that.',
    { reason: 'unreadable' },
  );
}

// --- docx ---------------------------------------------------------------------------------------

async function extractDocx(bytes: Uint8Array, limits: ContentLimits): Promise<TextContent> {
  if (bytes.length === 0) throw new AppError('empty_file', 'The file is empty.');
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    // The OLE compound-file signature: Word 97-2003 files, and also password-protected .docx.
    throw new AppError(
      'invalid_docx',
      'This is not a .docx file: it is an older Word (.doc) document or a password-protected one. Open it in Word, remove any password and save it as .docx.',
      { reason: 'legacy_or_encrypted' },
    );
  }
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) && !startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    throw new AppError(
      'invalid_docx',
      'This is not a Word document: it is not a ZIP archive, as every .docx file is. It may be a text file or another kind of file renamed to .docx; open it in Word and save it as .docx.',
      { reason: 'not_zip' },
    );
  }
  checkZipExpansion(bytes, limits);
  let raw: string;
  try {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    raw = result.value;
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (message.includes('Could not find main document part')) {
      throw new AppError(
        'invalid_docx',
        'This is a ZIP archive but not a Word document: it has no word/document.xml (it may be another kind of ZIP file renamed to .docx).',
        { reason: 'no_document_part' },
      );
    }
    throw new AppError(
      'invalid_docx',
      'This .docx file is damaged, so its text cannot be read. Open it in Word, save a new copy and import that.',
      {
        reason: 'damaged',
      },
    );
  }
  const text = raw.trimEnd();
  checkTextLength(text.length, limits);
  if (!/\S/.test(text)) throw new AppError('empty_file', 'The Word document has no text.');
  return { kind: 'text', text, meta: {} };
}

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

// --- csv ----------------------------------------------------------------------------------------

function extractCsv(text: string, maxRows: number): TableContent {
  return { kind: 'table', format: 'csv', ...readCsv(text, maxRows) };
}

// --- json and jsonl -----------------------------------------------------------------------------

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function extractJson(text: string, encoding: string, maxRows: number): ExtractedContent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text, 0, text.length, error);
    const line = lineAt(text, offset);
    const column = offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1;
    throw new AppError('malformed_json', `The JSON is not valid: ${jsonProblem(text, offset)} at line ${line}, column ${column}.`, {
      line,
      column,
    });
  }
  if (Array.isArray(value) && value.length === 0) {
    throw new AppError('empty_file', 'The JSON file holds an empty array: there are no records in it.');
  }
  if (Array.isArray(value) && value.every(isJsonObject)) return toTable('json', value, maxRows);
  return { kind: 'text', text, meta: { encoding } };
}

function extractJsonl(text: string, maxRows: number): TableContent {
  const records = new TableBuilder(maxRows);
  let line = 0;
  for (let start = 0; start <= text.length;) {
    line++;
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const contentEnd = end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
    const body = text.slice(start, contentEnd);
    if (body.trim() !== '') {
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch (error) {
        const offset = jsonErrorOffset(body, 0, body.length, error);
        const column = offset + 1;
        throw new AppError('malformed_json', `Line ${line} is not valid JSON: ${jsonProblem(body, offset)} at column ${column}.`, {
          line,
          column,
        });
      }
      if (!isJsonObject(value)) {
        throw new AppError(
          'malformed_json',
          `Line ${line} is ${describeJson(value)}; every line of a JSONL file must be one JSON object.`,
          {
            line,
          },
        );
      }
      records.add(value);
    }
    if (newline < 0) break;
    start = newline + 1;
  }
  if (records.rowCount === 0) throw new AppError('empty_file', 'The JSONL file has no records, only blank lines.');
  return records.build('jsonl');
}

function toTable(format: 'json' | 'jsonl', rows: JsonObject[], maxRows: number): TableContent {
  const builder = new TableBuilder(maxRows);
  for (const row of rows) builder.add(row);
  return builder.build(format);
}

/** Columns are the union of keys in first-seen order, so preview cells are laid out at the end. */
class TableBuilder {
  private readonly columns = new Map<string, number>();
  private readonly preview: JsonObject[] = [];
  rowCount = 0;

  constructor(private readonly maxRows: number) {}

  add(row: JsonObject): void {
    for (const key of Object.keys(row)) if (!this.columns.has(key)) this.columns.set(key, this.columns.size);
    if (this.preview.length < this.maxRows) this.preview.push(row);
    this.rowCount++;
  }

  build(format: 'json' | 'jsonl'): TableContent {
    const columns = [...this.columns.keys()];
    const previewRows = this.preview.map((row) => columns.map((key) => cellText(Object.hasOwn(row, key) ? row[key] : undefined)));
    return { kind: 'table', format, columns, previewRows, rowCount: this.rowCount };
  }
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      // JSON.stringify recurses; a value nested deeper than the stack allows is still valid JSON.
      return Array.isArray(value) ? '[…]' : '{…}';
    }
  }
  return String(value);
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return 'not an object';
}

function jsonProblem(text: string, offset: number): string {
  if (offset >= text.length) return 'it ends too early';
  const codePoint = text.codePointAt(offset) ?? 0;
  const shown = codePoint < 0x20 ? `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}` : `"${String.fromCodePoint(codePoint)}"`;
  return `unexpected ${shown}`;
}

/**
 * Offset of the first syntax error in text[from, to). V8's messages carry a position for only
 * some errors ("Unexpected token '}', ... is not valid JSON" has none), and the wording differs
 * between Node and Electron's V8, so the position is found by our own scan. It is iterative, so
 * deep nesting cannot overflow the stack, and linear, so a 50 MB line takes well under a second.
 */
function jsonErrorOffset(text: string, from: number, to: number, error: unknown): number {
  const offset = scanJson(text, from, to);
  if (offset >= 0) return offset;
  // The scan and JSON.parse disagreeing would be a bug here; fall back to V8's position if any.
  const match = error instanceof Error ? /at position (\d+)/.exec(error.message) : null;
  return match?.[1] === undefined ? to : from + Number(match[1]);
}

type Container = 'array' | 'object';

/** Returns the offset of the first error per RFC 8259, or -1 when text[from, to) is valid JSON. */
function scanJson(text: string, from: number, to: number): number {
  let i = from;
  const stack: Container[] = [];
  const code = (k: number): number => (k < to ? text.charCodeAt(k) : -1);
  const skipSpace = (): void => {
    for (let c = code(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = code(i)) i++;
  };
  const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
  const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

  const readString = (): boolean => {
    i++;
    for (;;) {
      const c = code(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = code(i + 1);
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            if (!isHex(code(i + k))) {
              i += k;
              return false;
            }
          }
          i += 6;
        } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          i += 2;
        } else {
          i++;
          return false;
        }
      } else {
        i++;
      }
    }
  };
  const readNumber = (): boolean => {
    if (code(i) === 0x2d) i++;
    if (code(i) === 0x30) i++;
    else if (isDigit(code(i))) while (isDigit(code(i))) i++;
    else return false;
    if (code(i) === 0x2e) {
      i++;
      if (!isDigit(code(i))) return false;
      while (isDigit(code(i))) i++;
    }
    if (code(i) === 0x65 || code(i) === 0x45) {
      i++;
      if (code(i) === 0x2b || code(i) === 0x2d) i++;
      if (!isDigit(code(i))) return false;
      while (isDigit(code(i))) i++;
    }
    return true;
  };
  const readLiteral = (word: string): boolean => {
    for (let k = 0; k < word.length; k++, i++) if (code(i) !== word.charCodeAt(k)) return false;
    return true;
  };
  const readKey = (): boolean => {
    skipSpace();
    if (code(i) !== 0x22 || !readString()) return false;
    skipSpace();
    if (code(i) !== 0x3a) return false;
    i++;
    return true;
  };

  let isValueNext = true;
  for (;;) {
    skipSpace();
    const c = code(i);
    if (isValueNext) {
      if (c === 0x7b) {
        i++;
        skipSpace();
        if (code(i) === 0x7d) {
          i++;
          isValueNext = false;
        } else {
          stack.push('object');
          if (!readKey()) return i;
        }
      } else if (c === 0x5b) {
        i++;
        skipSpace();
        if (code(i) === 0x5d) {
          i++;
          isValueNext = false;
        } else {
          stack.push('array');
        }
      } else {
        const isRead =
          c === 0x22
            ? readString()
            : c === 0x2d || isDigit(c)
              ? readNumber()
              : c === 0x74
                ? readLiteral('true')
                : c === 0x66
                  ? readLiteral('false')
                  : c === 0x6e
                    ? readLiteral('null')
                    : false;
        if (!isRead) return i;
        isValueNext = false;
      }
      continue;
    }
    const top = stack.at(-1);
    if (top === undefined) return i < to ? i : -1;
    if (c === 0x2c) {
      i++;
      if (top === 'object' && !readKey()) return i;
      isValueNext = true;
    } else if ((top === 'array' && c === 0x5d) || (top === 'object' && c === 0x7d)) {
      i++;
      stack.pop();
    } else {
      return i;
    }
  }
}
