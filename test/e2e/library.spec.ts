import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';
import { AppPage } from './pages/AppPage';

const FIXTURES = fileURLToPath(new URL('../fixtures/import', import.meta.url));

/** What each malformed sample must be refused with (test/fixtures/import/README.md). */
const EXPECTED_CODES: Record<string, string> = {
  'empty.txt': 'empty_file',
  'whitespace.txt': 'empty_file',
  'binary-garbage.txt': 'undecodable_text',
  'latin1.txt': 'undecodable_text',
  'corrupt.pdf': 'corrupt_pdf',
  'truncated.pdf': 'corrupt_pdf',
  'encrypted.pdf': 'encrypted_pdf',
  'scanned.pdf': 'pdf_no_text',
  'text-renamed.docx': 'invalid_docx',
  'zip-renamed.docx': 'invalid_docx',
  'unclosed-quote.csv': 'malformed_csv',
  'ragged.csv': 'malformed_csv',
  'bad.json': 'malformed_json',
  'bad-line.jsonl': 'malformed_json',
  'not-object.jsonl': 'malformed_json',
  'unsupported.png': 'unsupported_type',
  'big-notes.txt': 'file_too_large',
};

/** A folder as a user might pick it: good files, malformed ones, an oversize one, a subfolder. */
function makeMixedFolder(root: string): { folder: string; goodNames: string[] } {
  const folder = join(root, 'ward-7 exports');
  mkdirSync(join(folder, 'sub'), { recursive: true });
  const goodNames = readdirSync(join(FIXTURES, 'good'));
  cpSync(join(FIXTURES, 'good'), folder, { recursive: true });
  for (const name of Object.keys(EXPECTED_CODES)) {
    if (name !== 'big-notes.txt') cpSync(join(FIXTURES, 'malformed', name), join(folder, name));
  }
  writeFileSync(join(folder, 'big-notes.txt'), 'Patient seen in clinic. '.repeat(3000));
  writeFileSync(join(folder, 'sub', 'nested note.md'), '# Follow-up\n\nReviewed after two weeks.\n');
  writeFileSync(join(folder, '.DS_Store'), 'hidden files inside folders are skipped');
  return { folder, goodNames: [...goodNames, 'nested note.md'] };
}

test('create a Datanet, import a mixed folder, see each specific error, restart, find everything', async ({ page, host, dataDir }) => {
  const app = new AppPage(page);
  await app.open(host.url);
  await expect(page.getByText('No Datanets yet')).toBeVisible();

  await app.createDatanet('Cardiology notes', 'clinical');
  await expect(page.getByText('This Datanet has no files yet')).toBeVisible();
  await app.setMaxFileMb(0.05);

  const { folder, goodNames } = makeMixedFolder(join(dataDir, '..', `${test.info().testId}-input`));
  await app.importFolder(folder);
  const rejectedCount = Object.keys(EXPECTED_CODES).length;
  await expect(app.importSummary()).toContainText(`${goodNames.length} imported, 0 duplicate, ${rejectedCount} rejected`);
  for (const [name, code] of Object.entries(EXPECTED_CODES)) {
    expect(await app.resultCode(`ward-7 exports/${name}`), name).toBe(code);
  }
  await expect(page.locator('.import-results')).toContainText('accepts files up to 50.0 kB');
  await expect(app.itemRows()).toHaveCount(goodNames.length);

  // The same bytes again are duplicates, not second copies.
  await app.importFolder(folder);
  await expect(app.importSummary()).toContainText(`0 imported, ${goodNames.length} duplicate, ${rejectedCount} rejected`);
  await expect(app.itemRows()).toHaveCount(goodNames.length);

  const pdf = await app.openItem('two-pages.pdf');
  await expect(pdf.getByLabel('Text preview')).not.toBeEmpty();
  await expect(pdf).toContainText('Pages');
  const csv = await app.openItem('patients.csv');
  await expect(csv.getByRole('table', { name: 'Table preview' }).locator('tbody tr')).toHaveCount(3);

  // Everything is on disk: a new host process over the same folder serves the same library.
  await host.restart();
  await app.open(host.url);
  await expect(app.datanetLink('Cardiology notes')).toBeVisible();
  await expect(app.itemRows()).toHaveCount(goodNames.length);
  for (const name of goodNames) await expect(app.itemRow(name), name).toHaveCount(1);
  const reopened = await app.openItem('résumé notes 😀.txt');
  await expect(reopened.getByLabel('Text preview')).not.toBeEmpty();
  await app.openTab('Policy');
  await expect(page.getByLabel('Largest file (MB)')).toHaveValue('0.05');
});

test('filters, drag and drop, cancel, and export/import of a Datanet', async ({ page, host, dataDir }) => {
  const app = new AppPage(page);
  await app.open(host.url);
  await app.createDatanet('Case law');
  await app.importFiles([
    join(FIXTURES, 'good', 'plain.txt'),
    join(FIXTURES, 'good', 'records.jsonl'),
    join(FIXTURES, 'good', 'report.docx'),
  ]);
  await expect(app.itemRows()).toHaveCount(3);

  await page.getByLabel('Filter by type').selectOption('jsonl');
  await expect(app.itemRows()).toHaveCount(1);
  await page.getByLabel('Filter by type').selectOption('');
  await page.getByLabel('Search items by name').fill('report');
  await expect(app.itemRows()).toHaveCount(1);
  await page.getByLabel('Search items by name').fill('');

  // Drop a file onto the library.
  await page.locator('.library').evaluate((el) => {
    const data = new DataTransfer();
    data.items.add(new File(['Dropped judgment text.'], 'dropped.md', { type: 'text/markdown' }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await expect(app.itemRow('dropped.md')).toHaveCount(1);

  // Cancel a long import: what finished stays, the rest is not started.
  const many = join(dataDir, '..', `${test.info().testId}-many`);
  mkdirSync(many, { recursive: true });
  for (let i = 0; i < 60; i++) writeFileSync(join(many, `note-${String(i).padStart(2, '0')}.txt`), `Note ${i}. ${'x'.repeat(200_000)}`);
  await page.getByTestId('import-folder-input').setInputFiles(many);
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(app.importSummary()).toContainText('Import cancelled.');
  // The list refreshes after a burst of imports settles.
  await expect.poll(() => app.itemRows().count()).toBeGreaterThan(4);
  const imported = await app.itemRows().count();
  expect(imported).toBeLessThan(4 + 60);

  // Export the Datanet's JSON, import it back under a new name.
  await app.openTab('Policy');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const file = join(dataDir, '..', `${test.info().testId}-case-law.json`);
  await (await download).saveAs(file);
  await page.getByTestId('import-datanet-input').setInputFiles(file);
  await expect(page.getByRole('alert')).toContainText('conflict');
  const renamed = join(dataDir, '..', `${test.info().testId}-renamed.json`);
  const { readFileSync } = await import('node:fs');
  writeFileSync(renamed, readFileSync(file, 'utf8').replace('"name": "Case law"', '"name": "Case law (copy)"'));
  await page.getByTestId('import-datanet-input').setInputFiles(renamed);
  await expect(page.getByRole('heading', { level: 1, name: 'Case law (copy)' })).toBeVisible();
});
