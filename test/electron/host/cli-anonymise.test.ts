import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymisationReportSchema } from '../../../shared/pii/report';
import { makeTempDir } from '../../helpers/temp-dir';

const BIN = fileURLToPath(new URL('../../../bin/datanet-desk.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../../out/main/cli.js', import.meta.url));
const NOTE = fileURLToPath(new URL('../../fixtures/pii/clinic-note.txt', import.meta.url));
const EVAL_DIR = resolvePath(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/eval/pii');
const RESEARCH = join(EVAL_DIR, 'presidio-research/generated_small.json');
const tmp = makeTempDir();
const dataDir = join(tmp.dir, 'data');

type Run = { code: number; lines: Record<string, unknown>[]; stderr: string };

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, '--data-dir', dataDir, ...args], { maxBuffer: 50_000_000 }, (error, stdout, stderr) => {
      const lines = stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, lines, stderr });
    });
  });
}

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error('The CLI is not built: run `npm run build` first (npm test does).');
  if (!existsSync(RESEARCH)) {
    throw new Error(`The PII evaluation material is missing: expected ${RESEARCH} (the shared/eval/pii folder beside the repository).`);
  }
});
afterAll(() => tmp.remove());

describe('datanet-desk anonymise', () => {
  it('prints {itemId, versionId, report} for an imported note, replacing what was detected', { timeout: 60_000 }, async () => {
    const created = await cli('datanet', 'create', '--name', 'Clinic');
    const datanetId = created.lines[0]?.id as string;
    const imported = await cli('import', '--datanet', datanetId, NOTE);
    const itemId = imported.lines[0]?.itemId as string;
    expect(imported.lines[0]?.status).toBe('imported');

    const run = await cli('anonymise', itemId);
    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(1);
    const out = run.lines[0] as { itemId: string; versionId: string; report: unknown };
    expect(Object.keys(out).sort()).toEqual(['itemId', 'report', 'versionId']);
    expect(out.itemId).toBe(itemId);
    const report = anonymisationReportSchema.parse(out.report);
    expect(report.counts.PERSON?.replaced).toBeGreaterThanOrEqual(2);
    expect(report.counts.EMAIL?.replaced).toBe(1);
    expect(report.input.characters).toBe(readFileSync(NOTE, 'utf8').length);
    expect(JSON.stringify(report)).not.toContain('Smith');

    // Running it again with nothing changed returns the same version rather than a copy.
    const again = await cli('anonymise', itemId);
    expect(again.lines[0]?.versionId).toBe(out.versionId);
  });

  it('prints an error object and exits non-zero for an unknown item or a missing id', async () => {
    const missing = await cli('anonymise', 'no-such-item');
    expect(missing.code).not.toBe(0);
    expect(missing.lines).toEqual([{ error: { code: 'not_found', message: expect.any(String) } }]);
    const noId = await cli('anonymise');
    expect(noId.code).not.toBe(0);
    expect(noId.lines[0]).toMatchObject({ error: { code: 'invalid_input' } });
  });
});

describe('datanet-desk eval-pii', () => {
  it('scores the presidio-research sample: {docs, entities, redaction}', { timeout: 60_000 }, async () => {
    const run = await cli('eval-pii', RESEARCH, '--format', 'presidio-research');
    expect(run.code).toBe(0);
    const out = run.lines[0] as {
      docs: number;
      entities: Record<string, { precision: number; recall: number; f1: number; support: number }>;
      redaction: { charRecall: number; charPrecision: number };
    };
    expect(Object.keys(out).sort()).toEqual(['docs', 'entities', 'redaction']);
    expect(out.docs).toBe((JSON.parse(readFileSync(RESEARCH, 'utf8')) as unknown[]).length);
    expect(Object.keys(out.entities)).toEqual(expect.arrayContaining(['PERSON', 'PHONE']));
    for (const e of Object.values(out.entities)) {
      expect(Object.keys(e).sort()).toEqual(['f1', 'precision', 'recall', 'support']);
      expect(e.support).toBeGreaterThan(0);
    }
    expect(out.entities.PERSON?.recall).toBeGreaterThanOrEqual(0.95);
    expect(out.redaction.charRecall).toBeGreaterThanOrEqual(0.98);
    // Without --format the presidio-research shape is recognised.
    expect((await cli('eval-pii', RESEARCH)).lines[0]).toEqual(out);
  });

  it('scores the spans format', async () => {
    const text = 'Call Jane Doe at jane@example.org.';
    const file = join(tmp.dir, 'gold.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          text,
          spans: [
            { start: 5, end: 13, entity_type: 'PERSON' },
            { start: 17, end: 33, entity_type: 'EMAIL_ADDRESS' },
          ],
        },
      ]),
    );
    const run = await cli('eval-pii', file, '--format', 'spans');
    expect(run.code).toBe(0);
    expect(run.lines[0]).toMatchObject({
      docs: 1,
      entities: { PERSON: { recall: 1, precision: 1, support: 1 }, EMAIL: { recall: 1, precision: 1, support: 1 } },
      redaction: { charRecall: 1 },
    });
  });

  it('refuses a missing file, malformed JSON, spans outside the text and an unknown format with {"error"}', async () => {
    const bad = join(tmp.dir, 'bad.json');
    writeFileSync(bad, '[{"full_text": "abc", "spans": [');
    const outside = join(tmp.dir, 'outside.json');
    writeFileSync(outside, JSON.stringify([{ text: 'abc', spans: [{ start: 1, end: 9, entity_type: 'PERSON' }] }]));
    for (const args of [
      ['eval-pii', join(tmp.dir, 'nope.json')],
      ['eval-pii', bad, '--format', 'presidio-research'],
      ['eval-pii', outside, '--format', 'spans'],
      ['eval-pii', RESEARCH, '--format', 'conll'],
      ['eval-pii'],
    ]) {
      const run = await cli(...args);
      expect(run.code, args.join(' ')).not.toBe(0);
      expect(run.lines, args.join(' ')).toEqual([{ error: { code: 'invalid_input', message: expect.any(String) } }]);
    }
  });
});
