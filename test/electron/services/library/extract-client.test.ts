/**
 * The extraction worker (extract-client.ts, extract-worker.ts) against files crafted to hang or
 * exhaust a parser: each is stopped with its code, and the same extractor reads the next file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerExtractor } from '../../../../electron/services/library/extract-client';
import { AppError } from '../../../../shared/errors';
import { EXTRACTION_LIMITS, type ExtractionLimits } from '../../../../shared/import-rules';
import { docxBomb, pdfStreamBomb } from '../../../helpers/attack-files';
import { requireExtractWorker } from '../../../helpers/extract-worker';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/import');
const fixture = (path: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, path)));
const GOOD_PDF = fixture('good/two-pages.pdf');

const opened: WorkerExtractor[] = [];
function extractor(limits: Partial<ExtractionLimits> = {}): WorkerExtractor {
  const e = new WorkerExtractor(requireExtractWorker(), { ...EXTRACTION_LIMITS, ...limits });
  opened.push(e);
  return e;
}
afterEach(async () => {
  for (const e of opened.splice(0)) await e.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    if ((error as AppError).code === 'internal') return `internal: ${(error as AppError).message}`;
    return (error as AppError).code;
  }
}

describe('WorkerExtractor', () => {
  it('reads files in the worker, one worker for many files, and leaves the caller the bytes it gave', async () => {
    const e = extractor();
    const bytes = GOOD_PDF.slice();
    const results = await Promise.all([
      e.extract(bytes, 'pdf'),
      e.extract(fixture('good/report.docx'), 'docx'),
      e.extract(fixture('good/patients.csv'), 'csv'),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['text', 'text', 'table']);
    expect(results[0]).toMatchObject({ meta: { pages: 2 } });
    expect(bytes).toEqual(GOOD_PDF);
    expect(await codeOf(e.extract(fixture('malformed/encrypted.pdf'), 'pdf'))).toBe('encrypted_pdf');
  });

  it('refuses a 100,000-page PDF page tree before parsing a page', async () => {
    const e = extractor();
    expect(await codeOf(e.extract(fixture('malformed/page-tree-bomb.pdf'), 'pdf'))).toBe('too_many_pages');
  });

  it('refuses a DOCX whose 2 GiB document part is deflated zeros, from its central directory', async () => {
    const e = extractor();
    const bomb = docxBomb(2 * 1024 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(4_000_000);
    await expect(e.extract(new Uint8Array(bomb), 'docx')).rejects.toMatchObject({
      code: 'expanded_too_large',
      details: { reason: 'total' },
    });
    expect(await codeOf(e.extract(fixture('good/report.docx'), 'docx'))).toBe('resolved');
  });

  it('stops a PDF that parses past the wall time, terminating the worker, and reads the next file', async () => {
    const e = extractor({ timeoutMs: 3_000, maxPdfPages: 1_000_000 });
    expect(await codeOf(e.extract(fixture('malformed/page-tree-bomb.pdf'), 'pdf'))).toBe('extraction_timeout');
    expect(await codeOf(e.extract(GOOD_PDF, 'pdf'))).toBe('resolved');
  });

  it('stops a file that exhausts the worker heap (out of memory) and reads the next file', async () => {
    const e = extractor({ maxHeapMb: 32 });
    // A million JSON Lines records, each with a new key: every key is kept as a column. The heap
    // fills in small steps, between which V8 can stop the worker (one huge JSON.parse would not
    // give it that chance: see the report on issue 17).
    const jsonl = new TextEncoder().encode(Array.from({ length: 1_000_000 }, (_, i) => `{"key${i}":1}`).join('\n'));
    expect(await codeOf(e.extract(jsonl, 'jsonl'))).toBe('extraction_out_of_memory');
    expect(await codeOf(e.extract(fixture('good/records.json'), 'json'))).toBe('resolved');
  });

  it('stops a PDF whose content stream inflates to 1 GiB outside the heap, by resident memory', async () => {
    const e = extractor({ maxRssGrowthBytes: 256 * 1024 * 1024 });
    const bomb = pdfStreamBomb(1024 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(2_000_000);
    expect(await codeOf(e.extract(new Uint8Array(bomb), 'pdf'))).toBe('extraction_out_of_memory');
    expect(await codeOf(e.extract(GOOD_PDF, 'pdf'))).toBe('resolved');
  });

  it('refuses text beyond the text limit', async () => {
    const e = extractor({ maxTextChars: 1_000 });
    expect(await codeOf(e.extract(new TextEncoder().encode('word '.repeat(1_000)), 'txt'))).toBe('text_too_long');
    expect(await codeOf(e.extract(GOOD_PDF, 'pdf'))).toBe('resolved');
  });

  it('refuses with unavailable when the worker is not built, and after close', async () => {
    const missing = new WorkerExtractor(join(FIXTURES, 'no-such-worker.js'));
    expect(await codeOf(missing.extract(GOOD_PDF, 'pdf'))).toBe('unavailable');
    const e = extractor();
    await e.close();
    expect(await codeOf(e.extract(GOOD_PDF, 'pdf'))).toBe('unavailable');
  });
});
