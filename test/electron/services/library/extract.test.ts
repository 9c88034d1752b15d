import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractContent, PREVIEW_ROWS, type ExtractedContent } from '../../../../electron/services/library/extract';
import { AppError, type ErrorCode } from '../../../../shared/errors';
import { fileTypeOf, type FileType } from '../../../../shared/file-types';
import { EXTRACTION_LIMITS } from '../../../../shared/import-rules';
import { docxBomb, docxWithText, pdfWithPages } from '../../../helpers/attack-files';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/import');

function fixture(folder: 'good' | 'malformed', name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, folder, name)));
}

function typeOf(name: string): FileType {
  const type = fileTypeOf(name);
  if (type === undefined) throw new Error(`fixture ${name} has no supported extension`);
  return type;
}

async function extractFixture(folder: 'good' | 'malformed', name: string): Promise<ExtractedContent> {
  return extractContent(fixture(folder, name), typeOf(name));
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the extraction to fail');
}

function text(content: ExtractedContent): string {
  if (content.kind !== 'text') throw new Error(`expected text, got ${content.kind}`);
  return content.text;
}

function table(content: ExtractedContent): Extract<ExtractedContent, { kind: 'table' }> {
  if (content.kind !== 'table') throw new Error(`expected a table, got ${content.kind}`);
  return content;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('extractContent on malformed fixtures', () => {
  const cases: [name: string, code: ErrorCode, details?: Record<string, unknown>][] = [
    ['empty.txt', 'empty_file'],
    ['whitespace.txt', 'empty_file'],
    ['binary-garbage.txt', 'undecodable_text', { reason: 'nul_bytes' }],
    ['latin1.txt', 'undecodable_text', { reason: 'invalid_utf8', line: 1 }],
    ['utf16-no-bom.txt', 'undecodable_text', { reason: 'nul_bytes' }],
    ['corrupt.pdf', 'corrupt_pdf', { reason: 'unreadable' }],
    ['truncated.pdf', 'corrupt_pdf', { reason: 'unreadable' }],
    ['not-a-pdf.pdf', 'corrupt_pdf', { reason: 'no_header' }],
    ['encrypted.pdf', 'encrypted_pdf'],
    ['scanned.pdf', 'pdf_no_text', { pages: 1 }],
    ['text-renamed.docx', 'invalid_docx', { reason: 'not_zip' }],
    ['zip-renamed.docx', 'invalid_docx', { reason: 'no_document_part' }],
    ['legacy-doc-renamed.docx', 'invalid_docx', { reason: 'legacy_or_encrypted' }],
    ['empty-document.docx', 'empty_file'],
    ['unclosed-quote.csv', 'malformed_csv', { line: 4, reason: 'MissingQuotes' }],
    ['ragged.csv', 'malformed_csv', { line: 5, reason: 'TooFewFields' }],
    ['duplicate-header.csv', 'malformed_csv', { line: 1, reason: 'duplicate_header', column: 3 }],
    ['empty-header.csv', 'malformed_csv', { line: 1, reason: 'empty_header', column: 2 }],
    ['header-only.csv', 'empty_file'],
    ['latin1.csv', 'undecodable_text', { reason: 'invalid_utf8', line: 2 }],
    ['bad.json', 'malformed_json', { line: 4, column: 21 }],
    ['empty-array.json', 'empty_file'],
    ['bad-line.jsonl', 'malformed_json', { line: 4, column: 24 }],
    ['not-object.jsonl', 'malformed_json', { line: 2 }],
    ['blank-lines.jsonl', 'empty_file'],
    ['page-tree-bomb.pdf', 'too_many_pages', { pages: 100_000, limit: 5_000 }],
    ['zip-bomb.docx', 'expanded_too_large', { reason: 'ratio' }],
  ];

  it.each(cases)('%s is refused with %s', async (name, code, details) => {
    const error = await rejection(extractFixture('malformed', name));
    expect(error.code).toBe(code);
    if (details) expect(error.details).toMatchObject(details);
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('refuses a type it cannot read even when the caller skipped the name check', async () => {
    expect(fileTypeOf('unsupported.png')).toBeUndefined();
    const error = await rejection(extractContent(fixture('malformed', 'unsupported.png'), 'png' as FileType));
    expect(error.code).toBe('unsupported_type');
  });

  it('tells the user what to do in the message', async () => {
    expect((await rejection(extractFixture('malformed', 'latin1.txt'))).message).toContain('UTF-8');
    expect((await rejection(extractFixture('malformed', 'scanned.pdf'))).message).toContain('OCR');
    expect((await rejection(extractFixture('malformed', 'encrypted.pdf'))).message).toContain('password');
    expect((await rejection(extractFixture('malformed', 'zip-renamed.docx'))).message).toContain('word/document.xml');
    expect((await rejection(extractFixture('malformed', 'text-renamed.docx'))).message).toContain('not a ZIP');
    expect((await rejection(extractFixture('malformed', 'ragged.csv'))).message).toContain('Line 5');
    expect((await rejection(extractFixture('malformed', 'unclosed-quote.csv'))).message).toContain('Line 4');
    expect((await rejection(extractFixture('malformed', 'bad.json'))).message).toContain('line 4, column 21');
  });
});

describe('extractContent on text files', () => {
  it('keeps unicode, tabs and offsets exactly as in the file', async () => {
    const bytes = fixture('good', 'résumé notes 😀.txt');
    const content = await extractContent(bytes, 'txt');
    const expected = 'Résumé notes 😀\nPatient: Zoë Ødegård, 東京\n\tIndented line with a tab.\n';
    expect(content).toEqual({ kind: 'text', text: expected, meta: { encoding: 'utf-8' } });
    expect(text(content).indexOf('東京')).toBe(expected.indexOf('東京'));
  });

  it('keeps CRLF line endings', async () => {
    expect(text(await extractFixture('good', 'plain.txt'))).toBe('Line one\r\nLine two\r\n');
  });

  it('strips a UTF-8 byte order mark', async () => {
    const value = text(await extractFixture('good', 'utf8-bom.md'));
    expect(value).toBe('# Heading\n\nBody with *emphasis*.\n');
  });

  it('reads a name with spaces, brackets and a hash', async () => {
    expect(text(await extractFixture('good', 'notes (draft) #1.md'))).toContain('item two');
  });

  it('decodes UTF-16 with a byte order mark, both byte orders', async () => {
    expect(await extractFixture('good', 'utf16le-bom.txt')).toEqual({
      kind: 'text',
      text: 'UTF-16 little endian: naïve café ✓\n',
      meta: { encoding: 'utf-16le' },
    });
    expect(await extractFixture('good', 'utf16be-bom.txt')).toEqual({
      kind: 'text',
      text: 'UTF-16 big endian: naïve café ✓\n',
      meta: { encoding: 'utf-16be' },
    });
  });

  it('refuses UTF-16 cut in the middle of a character', async () => {
    const bytes = Uint8Array.from([0xff, 0xfe, 0x41, 0x00, 0x42]);
    expect((await rejection(extractContent(bytes, 'txt'))).code).toBe('undecodable_text');
  });

  it('treats a file holding only a byte order mark as empty', async () => {
    expect((await rejection(extractContent(Uint8Array.from([0xef, 0xbb, 0xbf]), 'md'))).code).toBe('empty_file');
  });

  it('reports the line of the first invalid UTF-8 byte', async () => {
    const bytes = new Uint8Array([...utf8('fine\nstill fine ✓\n'), 0xc3, 0x28]);
    expect((await rejection(extractContent(bytes, 'txt'))).details).toEqual({ reason: 'invalid_utf8', line: 3 });
  });

  it('decodes a single 50 MB line', async () => {
    const line = 'a'.repeat(50 * 1024 * 1024) + 'é😀';
    const content = await extractContent(utf8(line), 'txt');
    expect(text(content).length).toBe(line.length);
    expect(text(content).endsWith('é😀')).toBe(true);
  });
});

describe('extractContent on PDF', () => {
  const expected = 'Discharge summary\nPatient seen on 2024-03-01 in Zürich.\n\nPage two: follow-up (in 6 weeks).';

  it('joins page texts with a blank line and counts pages', async () => {
    expect(await extractFixture('good', 'two-pages.pdf')).toEqual({ kind: 'text', text: expected, meta: { pages: 2 } });
  });

  it('reads a PDF that has only an owner password (no password to open)', async () => {
    expect(text(await extractFixture('good', 'owner-locked.pdf'))).toBe(expected);
  });

  it('reads CJK text that needs the CMaps bundled with pdf.js', async () => {
    expect(text(await extractFixture('good', '東京 cmap.pdf'))).toBe('東京都の診療記録');
  });

  it("leaves the caller's bytes intact", async () => {
    const bytes = fixture('good', 'two-pages.pdf');
    const before = bytes.slice();
    await extractContent(bytes, 'pdf');
    expect(bytes.byteLength).toBe(before.byteLength);
    expect(bytes).toEqual(before);
  });

  it('handles several PDFs at once', async () => {
    const results = await Promise.allSettled([
      extractFixture('good', 'two-pages.pdf'),
      extractFixture('malformed', 'encrypted.pdf'),
      extractFixture('good', 'two-pages.pdf'),
      extractFixture('malformed', 'scanned.pdf'),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.kind : (r.reason as AppError).code))).toEqual([
      'text',
      'encrypted_pdf',
      'text',
      'pdf_no_text',
    ]);
  });
});

describe('extractContent on DOCX', () => {
  it('extracts the paragraphs of a real document', async () => {
    expect(await extractFixture('good', 'report.docx')).toEqual({
      kind: 'text',
      text: 'Case report\n\nThe claimant, Zoë Müller, lives in Köln.\n\nThird paragraph 😀.',
      meta: {},
    });
  });
});

describe('extractContent on CSV', () => {
  it('reads quoted commas, quotes and newlines, skipping blank lines', async () => {
    expect(await extractFixture('good', 'patients.csv')).toEqual({
      kind: 'table',
      format: 'csv',
      columns: ['id', 'name', 'note'],
      previewRows: [
        ['1', 'Zoë', 'multi\nline, with comma'],
        ['2', 'Smith, John', 'he said "hi"'],
        ['3', '東京', '😀'],
      ],
      rowCount: 3,
    });
  });

  it('detects a semicolon delimiter and CRLF', async () => {
    const content = table(await extractFixture('good', 'semicolon.csv'));
    expect(content.columns).toEqual(['city', 'population']);
    expect(content.previewRows).toEqual([
      ['Köln', '1084831'],
      ['Zürich', '421878'],
    ]);
  });

  it('reads a single column', async () => {
    const content = table(await extractFixture('good', 'single-column.csv'));
    expect(content).toMatchObject({ columns: ['name'], previewRows: [['Alice'], ['Bob']], rowCount: 2 });
  });

  it(`keeps ${PREVIEW_ROWS} rows for preview and counts them all`, async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `${i},v${i}`);
    const content = table(await extractContent(utf8(`n,v\n${rows.join('\n')}\n`), 'csv'));
    expect(content.rowCount).toBe(1000);
    expect(content.previewRows).toHaveLength(PREVIEW_ROWS);
    expect(content.previewRows.at(-1)).toEqual([String(PREVIEW_ROWS - 1), `v${PREVIEW_ROWS - 1}`]);
  });

  it('counts physical lines past quoted newlines, blank lines and CRLF', async () => {
    const csv = 'a,b\r\n\r\n"x\r\ny\r\nz",1\r\n   \r\n2,"q\r\n"\r\n3,4,5\r\n';
    const error = await rejection(extractContent(utf8(csv), 'csv'));
    expect(error.details).toMatchObject({ line: 9, reason: 'TooManyFields' });
  });

  it('counts lines of a file with old Mac line endings', async () => {
    const error = await rejection(extractContent(utf8('a,b\r1,2\r"3\r",4\r5\r'), 'csv'));
    expect(error.details).toMatchObject({ line: 5 });
  });

  it('reports a quote in the wrong place with its line', async () => {
    const error = await rejection(extractContent(utf8('a,b\n1,2\n3,"4"x\n'), 'csv'));
    expect(error.code).toBe('malformed_csv');
    expect(error.details).toMatchObject({ line: 3 });
  });

  it('reads a 50 MB field on one line', async () => {
    const content = table(await extractContent(utf8(`a,b\n1,${'x'.repeat(50 * 1024 * 1024)}\n`), 'csv'));
    expect(content.rowCount).toBe(1);
    expect(content.previewRows[0]?.[1]).toHaveLength(50 * 1024 * 1024);
  });
});

describe('extractContent on JSON Lines', () => {
  it('takes the union of keys in first-seen order and stringifies values', async () => {
    expect(await extractFixture('good', 'records.jsonl')).toEqual({
      kind: 'table',
      format: 'jsonl',
      columns: ['id', 'name', 'tags', 'city', 'nested', 'ok'],
      previewRows: [
        ['1', 'Zoë', '["a","b"]', '', '', ''],
        ['2', '', '', '東京', '{"x":1}', ''],
        ['3', '', '', '', '', 'true'],
      ],
      rowCount: 3,
    });
  });

  it('lays out preview rows by columns first seen after the preview', async () => {
    const lines = Array.from({ length: PREVIEW_ROWS + 5 }, (_, i) =>
      JSON.stringify(i === PREVIEW_ROWS + 4 ? { id: i, late: 1 } : { id: i }),
    );
    const content = table(await extractContent(utf8(lines.join('\n')), 'jsonl'));
    expect(content.columns).toEqual(['id', 'late']);
    expect(content.previewRows[0]).toEqual(['0', '']);
    expect(content.rowCount).toBe(PREVIEW_ROWS + 5);
  });

  it('reports the column of an error on a CRLF line', async () => {
    const error = await rejection(extractContent(utf8('{"a":1}\r\n{"a":2}{"a":3}\r\n'), 'jsonl'));
    expect(error.details).toEqual({ line: 2, column: 8 });
  });

  it('reads a single 50 MB record', async () => {
    const content = table(await extractContent(utf8(`{"text":"${'x'.repeat(50 * 1024 * 1024)}"}\n`), 'jsonl'));
    expect(content.rowCount).toBe(1);
  });
});

describe('extractContent on JSON', () => {
  it('reads an array of objects as a table', async () => {
    expect(await extractFixture('good', 'records.json')).toEqual({
      kind: 'table',
      format: 'json',
      columns: ['id', 'name', 'extra'],
      previewRows: [
        ['1', 'Zoë', ''],
        ['2', '', '{"k":[1,2]}'],
        ['3', 'Ann', ''],
      ],
      rowCount: 3,
    });
  });

  it('keeps any other JSON value as verbatim text, digits included', async () => {
    const bytes = fixture('good', 'settings.json');
    const content = await extractContent(bytes, 'json');
    expect(content).toEqual({ kind: 'text', text: new TextDecoder().decode(bytes), meta: { encoding: 'utf-8' } });
    expect(text(content)).toContain('12345678901234567890');
    expect(text(content)).toContain('0.10');
  });

  it('keeps an array that is not all objects as text', async () => {
    expect((await extractContent(utf8('[{"a":1}, 2]'), 'json')).kind).toBe('text');
  });

  it.each([
    ['{\r\n  "a": 1,\r\n  "b": }', 3, 8],
    ['{"a": tru}', 1, 10],
    ['{"a": "x\\q"}', 1, 10],
    ['[1, 2', 1, 6],
    ['{"a": 1} x', 1, 10],
    ['{"a": 01}', 1, 8],
    ['\n\n  [1,\n  -]', 4, 4],
    ['{"a\u0001": 1}', 1, 4],
  ])('locates the error in %j at line %i, column %i', async (json, line, column) => {
    const error = await rejection(extractContent(utf8(json), 'json'));
    expect(error.code).toBe('malformed_json');
    expect(error.details).toEqual({ line, column });
  });

  it('survives deep nesting, valid and not', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect((await extractContent(utf8(deep), 'json')).kind).toBe('text');
    const error = await rejection(extractContent(utf8('['.repeat(100_000)), 'json'));
    expect(error.details).toEqual({ line: 1, column: 100_001 });
  });

  it('locates an error at the end of a 50 MB line', async () => {
    const json = `{"text":"${'x'.repeat(50 * 1024 * 1024)}"`;
    const error = await rejection(extractContent(utf8(json), 'json'));
    expect(error.details).toEqual({ line: 1, column: json.length + 1 });
  });
});

describe('extractContent limits', () => {
  it('refuses a DOCX whose central directory declares 2 GiB, without inflating it', async () => {
    const error = await rejection(extractContent(new Uint8Array(docxBomb(2 * 1024 * 1024 * 1024)), 'docx'));
    expect(error.code).toBe('expanded_too_large');
    expect(error.details).toMatchObject({ reason: 'total' });
  });

  it('reads a DOCX written by the same ZIP writer, so the bomb is refused for its size alone', async () => {
    expect(text(await extractContent(new Uint8Array(docxWithText('Small and honest.')), 'docx'))).toBe('Small and honest.');
  });

  it('refuses more pages or more text than the limits allow', async () => {
    const limits = { ...EXTRACTION_LIMITS, maxPdfPages: 3 };
    expect(text(await extractContent(new Uint8Array(pdfWithPages(3)), 'pdf', { limits }))).toContain('page 3');
    expect((await rejection(extractContent(new Uint8Array(pdfWithPages(4)), 'pdf', { limits }))).code).toBe('too_many_pages');
    const short = { ...EXTRACTION_LIMITS, maxTextChars: 10 };
    expect((await rejection(extractContent(utf8('eleven char'), 'txt', { limits: short }))).code).toBe('text_too_long');
    expect((await rejection(extractContent(new Uint8Array(pdfWithPages(4)), 'pdf', { limits: short }))).code).toBe('text_too_long');
  });

  it('refuses a JSON document past its own size limit before parsing it, and reads the same records as JSON Lines', async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ id: i, note: `record ${i}` }));
    const json = utf8(JSON.stringify(records));
    const limits = { ...EXTRACTION_LIMITS, maxJsonDocumentBytes: json.length - 1 };
    const refused = await rejection(extractContent(json, 'json', { limits }));
    expect(refused.code).toBe('file_too_large');
    expect(refused.message).toMatch(/JSON Lines/);
    const lines = utf8(records.map((r) => JSON.stringify(r)).join('\n'));
    expect(await extractContent(lines, 'jsonl', { limits })).toMatchObject({ kind: 'table', rowCount: 50 });
    expect(await extractContent(json, 'json', { limits: { ...limits, maxJsonDocumentBytes: json.length } })).toMatchObject({
      kind: 'table',
      rowCount: 50,
    });
  });
});
