import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from './fixtures';
import { AnonymisePage } from './pages/AnonymisePage';
import { AppPage } from './pages/AppPage';
import type * as ServicesModule from '../../electron/services/index';
import { REVIEW_PAGE_SIZE as PAGE_SIZE } from '../../shared/pii/review-segments';

const FIXTURES = fileURLToPath(new URL('../fixtures/anonymise', import.meta.url));
const SERVICES = pathToFileURL(fileURLToPath(new URL('../../out/main/services.js', import.meta.url))).href;
const NOTE = readFileSync(join(FIXTURES, 'clinical-note.txt'), 'utf8');

/** The note as the reviewer leaves it: "Ashgrove" (a protocol) rejected, the missed "tomasz" added as a person. */
const EXPECTED = NOTE.replace('John Smith', '[PERSON_1]')
  .replace('03/14/1962', '[DATE_1]')
  .replace('4829175', '[MEDICAL_RECORD_1]')
  .replace('(617) 555-0142', '[PHONE_1]')
  .replace('john.smith@example.com', '[EMAIL_1]')
  .replace('Mr. Smith', 'Mr. [PERSON_2]')
  .replace('tomasz', '[PERSON_3]')
  .replace('Rene\u0301e Dubois', '[PERSON_4]');

/** Copies a fixture next to the test's data folder (a name of its own per test) and imports it. */
async function importFixture(app: AppPage, dataDir: string, name: string): Promise<void> {
  const path = join(dataDir, '..', `${test.info().testId}-${name}`);
  copyFileSync(join(FIXTURES, name), path);
  await app.importFiles([path]);
}

test('review a clinical note: highlights by type, reject one, add a missed span with the mouse, export, the anonymised text and report are right', async ({
  page,
  host,
  dataDir,
}) => {
  const app = new AppPage(page);
  const anon = new AnonymisePage(page);
  await app.open(host.url);
  await app.createDatanet('Clinic notes', 'clinical');
  await importFixture(app, dataDir, 'clinical-note.txt');
  const name = `${test.info().testId}-clinical-note.txt`;

  await anon.openFromLibrary(name);
  await expect(anon.panel().getByText('Not checked for personal data yet')).toBeVisible();
  await anon.detect();

  // Each kind of identifier is highlighted with its type's label, and the legend counts them.
  await expect(anon.highlight('John Smith')).toHaveAttribute('data-type', 'PERSON');
  await expect(anon.highlight('John Smith')).toHaveAttribute('data-label', 'Person');
  await expect(anon.highlight('03/14/1962')).toHaveAttribute('data-type', 'DATE');
  await expect(anon.highlight('4829175')).toHaveAttribute('data-type', 'MEDICAL_RECORD');
  await expect(anon.highlight('(617) 555-0142')).toHaveAttribute('data-type', 'PHONE');
  await expect(anon.highlight('john.smith@example.com')).toHaveAttribute('data-type', 'EMAIL');
  await expect(anon.highlights()).toHaveCount(8);
  await expect(anon.legendRow('PERSON').locator('.total')).toHaveText('4');
  await expect(anon.legendRow('EMAIL').locator('.total')).toHaveText('1');

  // Pointing at a highlight shows its confidence and reason.
  await anon.highlight('(617) 555-0142').hover();
  await expect(page.getByRole('tooltip')).toContainText('confidence 95 %');
  await expect(page.getByRole('tooltip')).toContainText('context word "phone"');

  // "Ashgrove" names a protocol, not a person: rejected.
  await anon.decideWithMouse('Ashgrove', 'Reject');
  await expect(anon.highlight('Ashgrove')).toHaveAttribute('data-decision', 'rejected');
  await expect(anon.legendRow('PERSON').locator('.rejected')).toHaveText('1');

  // The lower-case "tomasz" was missed: selected with the mouse and added as a person.
  await anon.selectTextWithMouse('tomasz');
  await anon.addSelectedSpan('Person');
  await expect(anon.highlight('tomasz')).toHaveAttribute('data-origin', 'reviewer');
  await expect(anon.highlight('tomasz')).toHaveAttribute('data-start', String(NOTE.indexOf('tomasz')));
  await expect(anon.legendRow('PERSON').locator('.total')).toHaveText('5');

  // Side by side, before anything is written.
  await anon.showSideBySide();
  await expect(anon.anonymisedText()).toHaveText(EXPECTED, { useInnerText: false });
  await expect(anon.panel().getByRole('region', { name: 'Original text' })).toContainText('Mr. Smith');
  await anon.showReview();

  const report = await anon.export();
  await expect(report.getByTestId('report-hash')).toHaveText(/^[0-9a-f]{64}$/);
  const person = report.getByRole('table', { name: 'Counts per type' }).locator('tr[data-type="PERSON"]');
  await expect(person.locator('.detected')).toHaveText('4');
  await expect(person.locator('.accepted')).toHaveText('3');
  await expect(person.locator('.rejected')).toHaveText('1');
  await expect(person.locator('.added')).toHaveText('1');
  await expect(person.locator('.replaced')).toHaveText('4');
  await expect(person.locator('.operator')).toHaveText('typed placeholder');
  for (const type of ['DATE', 'MEDICAL_RECORD', 'PHONE', 'EMAIL']) {
    await expect(report.locator(`tr[data-type="${type}"] .replaced`)).toHaveText('1');
  }
  await expect(report.getByTestId('report-decisions')).toContainText('7 accepted, 1 rejected, 1 added, 0 retyped');
  await expect(report.getByLabel('Left in')).toContainText('Person × 1: rejected by the reviewer as not personal data');
  await expect(app.itemRow(name)).toContainText('anonymised');
  const versionId = await anon.versionId();

  // The stored version is exactly the reviewed text; the original is untouched.
  await host.stop();
  const { createServices } = (await import(SERVICES)) as typeof ServicesModule;
  const services = await createServices({ dataDir, host: 'node', version: 'e2e' });
  try {
    expect(await services.versions.readText(versionId)).toBe(EXPECTED);
    const [item] = await services.library.list({ datanetId: (await services.datanets.list())[0]!.id });
    expect(await services.library.readText(item!.id)).toBe(NOTE);
  } finally {
    await services.close();
  }
});

test('review by keyboard: move through detections, accept / reject / undo / retype with keys, add a span after an emoji and a combining accent, threshold', async ({
  page,
  host,
  dataDir,
}) => {
  const app = new AppPage(page);
  const anon = new AnonymisePage(page);
  await app.open(host.url);
  await app.createDatanet('Clinic notes', 'clinical');
  await importFixture(app, dataDir, 'clinical-note.txt');
  await anon.openFromLibrary(`${test.info().testId}-clinical-note.txt`);
  await anon.detect();

  await anon.highlight('John Smith').focus();
  await expect(anon.highlight('John Smith')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  const dob = anon.highlight('03/14/1962');
  await expect(dob).toBeFocused();
  await page.keyboard.press('a');
  await expect(dob).toHaveAttribute('data-decision', 'accepted');
  await page.keyboard.press('r');
  await expect(dob).toHaveAttribute('data-decision', 'rejected');
  await page.keyboard.press('u');
  await expect(dob).toHaveAttribute('data-decision', 'pending');
  // Tab goes on to the next detection.
  await page.keyboard.press('Tab');
  await expect(anon.highlight('4829175')).toBeFocused();

  // T moves to the type menu: "Ashgrove" retyped from Person to Other id.
  await anon.highlight('Ashgrove').focus();
  await page.keyboard.press('t');
  const retype = anon.inspector().getByLabel('Retype');
  await expect(retype).toBeFocused();
  await retype.selectOption({ label: 'Other id' });
  await expect(anon.highlight('Ashgrove')).toHaveAttribute('data-type', 'OTHER_ID');
  await expect(anon.highlight('Ashgrove')).toHaveAttribute('data-label', 'Other id');

  // "Dubois" comes after 😷 (two code units) and e + U+0301: the added span's offsets are UTF-16 offsets into the text.
  await anon.selectTextWithFind('Dubois');
  await anon.addSelectedSpan('Person');
  const added = anon.text().locator('mark[data-origin="reviewer"]');
  await expect(added).toHaveText('Dubois');
  await expect(added).toHaveAttribute('data-start', String(NOTE.indexOf('Dubois')));
  await expect(anon.inspector()).toContainText('added by the reviewer');
  // Undo takes the added span away again.
  await anon.panel().getByRole('button', { name: 'Undo' }).click();
  await expect(added).toHaveCount(0);

  // Accept all of a type, then a threshold that hides the weak "Ashgrove" candidate (0.45).
  await anon.panel().getByRole('button', { name: 'Accept all Person' }).click();
  await expect(anon.legendRow('PERSON').locator('.accepted')).toHaveText('3');
  await anon.setThreshold(0.5);
  await expect(anon.highlight('Ashgrove')).toHaveCount(0);
  await expect(anon.panel().getByText('1 below it are hidden and left in')).toBeVisible();
  await expect(anon.panel().getByLabel('Confidence threshold', { exact: true })).toHaveValue('0.5');
});

test('a long document is paged through windows: one page of text in the page at a time, offsets on later pages stay absolute', async ({
  page,
  host,
  dataDir,
}) => {
  const app = new AppPage(page);
  const anon = new AnonymisePage(page);
  await app.open(host.url);
  await app.createDatanet('Clinic notes', 'clinical');
  const long = NOTE.repeat(1000);
  const name = `${test.info().testId}-long.txt`;
  writeFileSync(join(dataDir, '..', name), long);
  await app.importFiles([join(dataDir, '..', name)]);
  await anon.openFromLibrary(name);
  await anon.detect();

  const pages = Math.ceil(long.length / PAGE_SIZE);
  const pager = anon.panel().getByLabel('Pages');
  await expect(pager).toContainText(`page 1 of ${pages}`);
  await expect(anon.legendRow('EMAIL').locator('.total')).toHaveText('1000');
  expect(await anon.text().evaluate((el) => (el.textContent ?? '').length)).toBeLessThanOrEqual(PAGE_SIZE);

  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(pager).toContainText(`page 2 of ${pages}`);
  const pageStart = Number(await anon.text().locator('[data-start]').first().getAttribute('data-start'));
  expect(pageStart).toBeGreaterThanOrEqual(PAGE_SIZE - 1);
  expect(await anon.text().evaluate((el) => (el.textContent ?? '').length)).toBeLessThanOrEqual(PAGE_SIZE);
  await expect(anon.highlights().first()).toBeVisible();

  await anon.selectTextWithFind('tomasz');
  await anon.addSelectedSpan('Person');
  await expect(anon.text().locator('mark[data-origin="reviewer"]')).toHaveAttribute(
    'data-start',
    String(long.indexOf('tomasz', pageStart)),
  );
});

test('a table: column summary and policies, a quasi-identifier that breaks k-anonymity is refused with the groups shown, generalising lets it export', async ({
  page,
  host,
  dataDir,
}) => {
  const app = new AppPage(page);
  const anon = new AnonymisePage(page);
  await app.open(host.url);
  await app.createDatanet('Cohorts', 'clinical');
  await importFixture(app, dataDir, 'cohort.csv');
  await anon.openFromLibrary(`${test.info().testId}-cohort.csv`);
  await expect(anon.panel().getByText('Columns not scanned yet')).toBeVisible();
  await anon.detect();

  await expect(anon.columnRow('name')).toContainText('Person');
  await expect(anon.panel().getByLabel('Policy of age')).toHaveValue('generalise');
  await expect(anon.quasiIdentifier('age')).toBeChecked();
  await expect(anon.quasiIdentifier('sex')).toBeChecked();
  await expect(anon.kStatus()).toContainText('k-anonymous');

  // Raw ages as a quasi-identifier: every row is its own group.
  await anon.setColumnPolicy('age', 'Keep');
  await expect(anon.kStatus()).toContainText('Not k-anonymous');
  await anon.panel().getByRole('button', { name: 'Export anonymised version' }).click();
  const refusal = anon.panel().getByRole('alert');
  await expect(refusal).toHaveAttribute('data-code', 'k_anonymity_violation');
  await expect(refusal).toContainText('smaller than k = 5');
  await expect(anon.offendingGroups()).toHaveCount(10);
  await expect(refusal.getByRole('columnheader', { name: 'age' })).toBeVisible();
  await expect(anon.report()).toHaveCount(0);

  await anon.setColumnPolicy('age', 'Generalise', 'Age to 10-year band');
  await expect(anon.kStatus()).toContainText('k-anonymous: every group');
  await expect(refusal).toHaveCount(0);
  const report = await anon.export();
  await expect(report.getByRole('table', { name: 'Columns in the report' }).locator('tr[data-column="age"]')).toContainText(
    'Age to 10-year band',
  );
  await expect(report).toContainText('smallest group 5');
  await expect(app.itemRow(`${test.info().testId}-cohort.csv`)).toContainText('anonymised');
});
