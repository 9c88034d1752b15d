import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../../shared/api';
import { AppError } from '../../../../shared/errors';
import { anonymisationReportSchema } from '../../../../shared/pii/report';
import { defaultPolicy, type Policy } from '../../../../shared/policy';
import { resolveItemFiles } from '../../../../electron/services/submissions/item-files';
import { createServices, type Services } from '../../../../electron/services/wiring';
import { requireAnonymiseWorker } from '../../../helpers/anonymise-worker';
import { makeTempDir } from '../../../helpers/temp-dir';

const NOTE = readFileSync(new URL('../../../fixtures/pii/clinic-note.txt', import.meta.url), 'utf8');
const tmp = makeTempDir();
const dataDir = join(tmp.dir, 'data');
let services: Services;

async function open(): Promise<Services> {
  return createServices({ dataDir, host: 'node', version: 'test', anonymiseWorkerPath: requireAnonymiseWorker() });
}

beforeAll(async () => {
  services = await open();
});
afterAll(async () => {
  await services.close();
  tmp.remove();
});

async function importText(text: string, name: string, policy: Policy = defaultPolicy()): Promise<string> {
  const d = await services.datanets.create({ name: `${name} ${Math.random()}`, domain: '', description: '', policy });
  const r = await services.library.importBytes({ datanetId: d.id, name, bytes: new TextEncoder().encode(text) });
  if (r.itemId === undefined) throw new Error(`import failed: ${r.code} ${r.message}`);
  return r.itemId;
}

async function rejects(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

describe('AnonymiseService on a text item', () => {
  it('detects, takes decisions that survive a restart, and exports the reviewed text as a new version', async () => {
    const itemId = await importText(NOTE, 'note.txt');
    const progress: EventPayload<'anonymise.progress'>[] = [];
    const stop = services.events.subscribe((event, payload) => {
      if (event === 'anonymise.progress') progress.push(payload as EventPayload<'anonymise.progress'>);
    });
    const run = await services.anonymise.detect({ itemId, jobId: 'j1' });
    stop();
    expect(run.cancelled).toBe(false);
    expect(run.textLength).toBe(NOTE.length);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['detecting', 'saving', 'finished']));

    const state = await services.anonymise.review({ itemId, includeText: true });
    expect(state.state).toBe('ready');
    expect(state.text).toBe(NOTE);
    const byText = (t: string) => state.detections.find((d) => d.text === t);
    for (const d of state.detections) expect(NOTE.slice(d.start, d.end)).toBe(d.text);
    expect(byText('john.smith@example.com')?.type).toBe('EMAIL');
    expect(byText('John Smith')?.type).toBe('PERSON');
    expect(state.detections.every((d) => d.decision === 'pending')).toBe(true);

    // Reject the hospital's city, retype nothing else, add the missed "two weeks" as a date.
    const boston = state.detections.find((d) => d.text.includes('Boston'));
    expect(boston).toBeDefined();
    await services.anonymise.decide({ itemId, detectionId: boston!.id, decision: 'rejected' });
    const start = NOTE.indexOf('two weeks');
    const added = await services.anonymise.addSpan({ itemId, start, end: start + 'two weeks'.length, type: 'DATE' });
    expect(added).toMatchObject({ origin: 'reviewer', decision: 'accepted', text: 'two weeks', effectiveType: 'DATE' });

    // Restart: decisions are in PGlite, not in memory.
    await services.close();
    services = await open();
    const again = await services.anonymise.review({ itemId, includeText: false });
    expect(again.text).toBe('');
    expect(again.detections.find((d) => d.id === boston!.id)?.decision).toBe('rejected');
    expect(again.detections.find((d) => d.id === added.id)?.decision).toBe('accepted');

    const preview = await services.anonymise.preview({ itemId });
    expect(preview.anonymised).toContain('Boston');
    expect(preview.anonymised).not.toContain('John Smith');
    expect(preview.anonymised).not.toContain('john.smith@example.com');
    expect(preview.anonymised).not.toContain('two weeks');
    for (const r of preview.replacements) {
      expect(preview.anonymised.slice(r.outputStart - preview.outputWindow.start, r.outputEnd - preview.outputWindow.start)).toBe(
        r.replacement,
      );
      expect(NOTE.slice(r.start, r.end).length).toBe(r.end - r.start);
    }
    // The same name gets the same placeholder within the document.
    const carter = preview.replacements.filter((r) => NOTE.slice(r.start, r.end) === 'Alice Carter');
    expect(carter.length).toBe(2);
    expect(new Set(carter.map((r) => r.replacement)).size).toBe(1);

    const exported = await services.anonymise.exportVersion(itemId);
    expect(anonymisationReportSchema.safeParse(exported.report).success).toBe(true);
    expect(JSON.stringify(exported.report)).not.toContain('John');
    const version = await services.versions.get(exported.versionId);
    expect(version.reportHash).toBe(exported.reportHash);
    expect(await services.versions.readText(exported.versionId)).toBe(preview.anonymised);
    expect(await services.library.readText(itemId)).toBe(NOTE);
    expect((await services.library.get(itemId)).status).toBe('anonymised');
    const files = await resolveItemFiles(services.db, [itemId]);
    expect(files.get(itemId)?.file.isAnonymised).toBe(true);
    expect(files.get(itemId)?.manifestEntry.anonymisationReportHash).toBe(`0x${exported.reportHash}`);
    expect((await services.anonymise.review({ itemId })).latestVersion?.versionId).toBe(exported.versionId);

    // Exporting again with nothing changed gives the same version, not a second copy.
    const again2 = await services.anonymise.exportVersion(itemId);
    expect(again2.versionId).toBe(exported.versionId);
    expect(again2.reportHash).toBe(exported.reportHash);
    expect((await services.versions.list(itemId)).length).toBe(1);
    // A changed decision makes a new version.
    await services.anonymise.decide({ itemId, detectionId: boston!.id, decision: 'accepted' });
    const changed = await services.anonymise.exportVersion(itemId);
    expect(changed.versionId).not.toBe(exported.versionId);
    expect(await services.versions.readText(changed.versionId)).not.toContain('Boston');
    expect((await services.versions.list(itemId)).length).toBe(2);
  });

  it('lets a Datanet that requires anonymisation block the item in preflight until it is exported', async () => {
    const itemId = await importText(NOTE, 'gate.txt');
    const { datanetId } = await services.library.get(itemId);
    const before = await services.submissions.preflight(datanetId, [itemId]);
    expect(before.items[0]?.reasons.map((r) => r.code)).toContain('not_anonymised');
    const exported = await services.anonymise.exportVersion(itemId);
    const after = await services.submissions.preflight(datanetId, [itemId]);
    expect(after.items[0]?.reasons.map((r) => r.code)).not.toContain('not_anonymised');
    expect(after.items[0]?.file).toMatchObject({ isAnonymised: true, versionId: exported.versionId });
  });

  it('shifts the dates of one subject alike across documents of a Datanet, and another subject differently', async () => {
    const policy: Policy = {
      ...defaultPolicy(),
      anonymisation: {
        ...defaultPolicy().anonymisation,
        operators: { default: { kind: 'placeholder' }, byType: { DATE: { kind: 'date_shift' } } },
      },
    };
    const d = await services.datanets.create({ name: `Shift ${Math.random()}`, domain: '', description: '', policy });
    const shifted = async (text: string): Promise<string> => {
      const r = await services.library.importBytes({
        datanetId: d.id,
        name: `${Math.random()}.txt`,
        bytes: new TextEncoder().encode(text),
      });
      const out = await services.anonymise.exportVersion(r.itemId as string);
      return /on (\d{4}-\d{2}-\d{2})/.exec(await services.versions.readText(out.versionId))?.[1] ?? '';
    };
    const a = await shifted('Patient John Smith was seen on 2021-03-14. John Smith felt better.');
    const b = await shifted('Follow-up for Patient John Smith on 2021-03-14, John Smith again.');
    const c = await shifted('Patient Maria Garcia was seen on 2021-03-14. Maria Garcia felt better.');
    const e = await shifted('Patient Ahmed Okafor was seen on 2021-03-14. Ahmed Okafor felt better.');
    expect(a).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(a).not.toBe('2021-03-14');
    expect(b).toBe(a);
    // Offsets are keyed per subject: two other people both landing on the same shift is a 1-in-500,000 chance.
    expect(c === a && e === a).toBe(false);
  });

  it('filters by threshold what is shown and what is applied, and decides a whole type at once', async () => {
    const itemId = await importText(NOTE, 'threshold.txt');
    await services.anonymise.detect({ itemId, jobId: 't1' });
    const all = await services.anonymise.review({ itemId });
    const lowest = Math.min(...all.detections.map((d) => d.confidence));
    const highest = Math.max(...all.detections.map((d) => d.confidence));
    expect(highest).toBeGreaterThan(lowest);
    const set = await services.anonymise.setThreshold({ itemId, minConfidence: highest });
    const high = await services.anonymise.review({ itemId });
    expect(high.minConfidence).toBe(highest);
    expect(high.detections.length).toBe(set.totalDetections);
    expect(high.detections.length).toBeLessThan(all.detections.length);
    expect(high.belowThreshold).toBe(all.detections.length + all.belowThreshold - high.detections.length);
    const hidden = all.detections.filter((d) => d.confidence < highest);
    const preview = await services.anonymise.preview({ itemId });
    for (const d of hidden) expect(preview.replacements.some((r) => r.start === d.start)).toBe(false);

    await services.anonymise.setThreshold({ itemId, minConfidence: 0 });
    const people = all.detections.filter((d) => d.effectiveType === 'PERSON').length;
    expect((await services.anonymise.decideType({ itemId, type: 'PERSON', decision: 'rejected' })).changed).toBe(people);
    const after = await services.anonymise.review({ itemId });
    expect(after.counts.find((c) => c.type === 'PERSON')).toMatchObject({ rejected: people, pending: 0 });
    expect((await services.anonymise.preview({ itemId })).anonymised).toContain('John Smith');
    // Undo: back to pending, and retyping a detection moves it to the new type's count.
    await services.anonymise.decideType({ itemId, type: 'PERSON', decision: 'pending' });
    const email = after.detections.find((d) => d.type === 'EMAIL')!;
    const retyped = await services.anonymise.decide({ itemId, detectionId: email.id, decision: 'accepted', retypeAs: 'URL' });
    expect(retyped).toMatchObject({ type: 'EMAIL', retypedAs: 'URL', effectiveType: 'URL', decision: 'accepted' });
    const undone = await services.anonymise.decide({ itemId, detectionId: email.id, decision: 'pending', retypeAs: null });
    expect(undone).toMatchObject({ retypedAs: null, decision: 'pending' });
  });

  it('refuses bad spans and unknown ids with a code and changes nothing', async () => {
    const itemId = await importText(NOTE, 'bad.txt');
    await services.anonymise.detect({ itemId, jobId: 'b1' });
    const before = await services.anonymise.review({ itemId });
    expect((await rejects(services.anonymise.addSpan({ itemId, start: 5, end: NOTE.length + 1, type: 'PERSON' }))).code).toBe(
      'invalid_input',
    );
    expect((await rejects(services.anonymise.addSpan({ itemId, start: 5, end: 5, type: 'PERSON' }))).code).toBe('invalid_input');
    expect((await rejects(services.anonymise.decide({ itemId, detectionId: 'nope', decision: 'accepted' }))).code).toBe('not_found');
    expect((await rejects(services.anonymise.review({ itemId: 'missing' }))).code).toBe('not_found');
    expect((await rejects(services.anonymise.review({ itemId, start: NOTE.length + 10 }))).code).toBe('invalid_input');
    const detector = before.detections[0]!;
    expect((await rejects(services.anonymise.removeSpan({ itemId, detectionId: detector.id }))).code).toBe('invalid_input');
    expect(await services.anonymise.review({ itemId })).toEqual(before);
  });

  it('reads a large document by window, reports progress per segment, and can be cancelled', { timeout: 120_000 }, async () => {
    const para = `${NOTE}\n`;
    const big = para.repeat(Math.ceil(3_500_000 / para.length));
    const itemId = await importText(big, 'big.txt', { ...defaultPolicy(), maxFileBytes: 10_000_000 });
    const cancelled = services.anonymise.detect({ itemId, jobId: 'c1' });
    services.anonymise.cancel('c1');
    expect((await cancelled).cancelled).toBe(true);
    expect((await services.anonymise.review({ itemId, end: 10 })).state).toBe('none');

    const seen: number[] = [];
    const stop = services.events.subscribe((event, payload) => {
      const p = payload as EventPayload<'anonymise.progress'>;
      if (event === 'anonymise.progress' && p.phase === 'detecting') seen.push(p.done);
    });
    const run = await services.anonymise.detect({ itemId, jobId: 'c2' });
    stop();
    expect(seen.filter((d) => d > 0).length).toBeGreaterThanOrEqual(3);
    const start = 2_000_000;
    const page = await services.anonymise.review({ itemId, start, end: start + 5000 });
    expect(page.textLength).toBe(big.length);
    expect(page.text).toBe(big.slice(start, start + 5000));
    expect(page.totalDetections).toBeGreaterThan(run.detections / 2);
    expect(page.detections.length).toBeGreaterThan(0);
    expect(page.detections.length).toBeLessThan(200);
    for (const d of page.detections) expect(big.slice(d.start, d.end)).toBe(d.text);
    const preview = await services.anonymise.preview({ itemId, start, end: start + 5000 });
    expect(preview.anonymised).not.toContain('john.smith@example.com');
  });
});

describe('AnonymiseService on a table', () => {
  const header = 'name,age,zip,sex,diagnosis,note';
  const rows = Array.from(
    { length: 60 },
    (_, i) => `Patient ${i},${30 + (i % 3)},021${i % 2}4,${i % 2 ? 'F' : 'M'},flu,"called John Smith on 555-0142"`,
  );

  it('summarises columns, refuses export below k with the groups, and exports once generalised', async () => {
    const csv = [header, ...rows, 'Rare Person,97,99501,F,flu,none'].join('\n');
    const d = await services.datanets.create({ name: `Cohort ${Math.random()}`, domain: '', description: '', policy: defaultPolicy() });
    const r = await services.library.importBytes({ datanetId: d.id, name: 'cohort.csv', bytes: new TextEncoder().encode(csv) });
    expect(r).toMatchObject({ status: 'imported' });
    const itemId = r.itemId as string;
    await services.anonymise.detect({ itemId, jobId: 'tab1' });
    const review = await services.anonymise.columns(itemId);
    expect(review.rowCount).toBe(61);
    const col = (name: string) => review.columns.find((c) => c.column === name)!;
    expect(col('age').policy).toMatchObject({ action: 'generalise', generalisation: 'age_band', isQuasiIdentifier: true });
    expect(col('zip').policy).toMatchObject({ action: 'generalise', generalisation: 'zip3', isQuasiIdentifier: true });
    expect(col('note').types.map((t) => t.type)).toContain('PERSON');
    expect(col('note').sampleCount).toBe(61);

    // The 97-year-old in Alaska is alone in her group: 90+ and ZIP3 995 single her out.
    await services.anonymise.setColumnPolicy({ itemId, column: 'sex', isQuasiIdentifier: true });
    const k = await services.anonymise.checkK(itemId);
    expect(k.isSatisfied).toBe(false);
    expect(k.violations[0]).toEqual({ values: { age: '90+', zip: '995', sex: 'F' }, size: 1 });
    const refused = await rejects(services.anonymise.exportVersion(itemId));
    expect(refused.code).toBe('k_anonymity_violation');
    expect(refused.details).toMatchObject({ k: 5, groups: [{ values: { age: '90+', zip: '995', sex: 'F' }, size: 1 }] });
    expect(await services.versions.list(itemId)).toEqual([]);

    await services.anonymise.setColumnPolicy({ itemId, column: 'zip', action: 'drop' });
    await services.anonymise.setColumnPolicy({ itemId, column: 'age', isQuasiIdentifier: false });
    await services.anonymise.setColumnPolicy({ itemId, column: 'name', action: 'placeholder' });
    await services.anonymise.setColumnPolicy({ itemId, column: 'note', action: 'spans' });
    expect((await services.anonymise.checkK(itemId)).isSatisfied).toBe(true);
    const exported = await services.anonymise.exportVersion(itemId);
    const out = await services.versions.readText(exported.versionId);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('name,age,sex,diagnosis,note');
    expect(lines[1]).toMatch(/^\[PERSON_1\],30-39,M,flu,/);
    expect(out).not.toContain('John Smith');
    expect(out).not.toContain('Rare Person');
    expect(out).toContain('90+');
    expect((await services.library.get(itemId)).status).toBe('anonymised');
  });

  it('keeps a pseudonym key per Datanet in a 0600 file, and the same value maps to the same pseudonym', async () => {
    const csv = ['name,city', 'John Smith,Leeds', 'Jane Doe,York', 'John Smith,Hull'].join('\n');
    const d = await services.datanets.create({ name: `P ${Math.random()}`, domain: '', description: '', policy: defaultPolicy() });
    const r = await services.library.importBytes({ datanetId: d.id, name: 'p.csv', bytes: new TextEncoder().encode(csv) });
    const itemId = r.itemId as string;
    await services.anonymise.detect({ itemId, jobId: 'p1' });
    await services.anonymise.setColumnPolicy({ itemId, column: 'name', action: 'pseudonym' });
    await services.anonymise.setColumnPolicy({ itemId, column: 'city', action: 'keep', isQuasiIdentifier: false });
    const out = (await services.versions.readText((await services.anonymise.exportVersion(itemId)).versionId)).trim().split('\n');
    const names = out.slice(1).map((l) => l.split(',')[0]);
    expect(names[0]).toBe(names[2]);
    expect(names[0]).not.toBe('John Smith');
    expect(names[1]).not.toBe(names[0]);
    const keyFile = join(dataDir, 'secrets', `pseudonym-${d.id}.key`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
  });
});
