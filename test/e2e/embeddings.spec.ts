import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';
import { startHost, type RunningHost } from './host';
import { AppPage } from './pages/AppPage';
import { EmbeddingsPage } from './pages/EmbeddingsPage';
import { SubmitPage } from './pages/SubmitPage';

/**
 * The shared test model: the real all-MiniLM-L6-v2 shape with random weights. Vectors are real
 * but meaningless, so these tests assert only what holds for any weights: a text embeds to the
 * same vector as itself, and exact and text-overlap duplicates (which do not use vectors). Its
 * "semantic duplicates" would flag nearly everything, so no test looks at them.
 */
const MODEL_DIR = fileURLToPath(new URL('../../../shared/models/random-minilm-l6', import.meta.url));

function modelDir(): string {
  if (!existsSync(join(MODEL_DIR, 'onnx', 'model.onnx'))) {
    throw new Error(`The shared test model is missing: expected ${MODEL_DIR} (../shared/models/random-minilm-l6 next to the repository).`);
  }
  return MODEL_DIR;
}

const COUGH =
  'Patient presented with a persistent dry cough and low grade fever for three days. Chest auscultation revealed scattered ' +
  'wheezing in both lower lobes without crackles. Oxygen saturation was ninety seven percent on room air. No recent travel ' +
  'and no sick contacts at home. Prescribed a salbutamol inhaler two puffs as needed, advised rest and fluids, and asked ' +
  'the patient to return if breathing became difficult or the fever lasted beyond five days.';
const DIABETES =
  'Follow up visit for type 2 diabetes mellitus. HbA1c improved from 8.1 to 7.2 percent on metformin twice daily. ' +
  'Discussed diet, regular exercise and daily foot inspection. Retinal screening booked for next month.';
const APPENDIX =
  'Admitted via the emergency department with acute right lower quadrant abdominal pain and rebound tenderness. ' +
  'Ultrasound consistent with appendicitis; laparoscopic appendectomy performed without complication.';

/**
 * A folder as a clinician might have it: a note, the same note saved again by another editor
 * (a byte order mark in front: different bytes, same text), a revision that changes one word
 * (heavy overlap, found by MinHash), and two unrelated notes. Names give the import order.
 */
function writeNotes(root: string): string {
  const dir = join(root, 'notes');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a-cough.txt'), `${COUGH}\n`);
  writeFileSync(join(dir, 'b-cough-resaved.txt'), `\uFEFF${COUGH}\n`);
  writeFileSync(join(dir, 'c-cough-revised.txt'), `${COUGH.replace('five days', 'seven days')}\n`);
  writeFileSync(join(dir, 'd-diabetes.txt'), `${DIABETES}\n`);
  writeFileSync(join(dir, 'e-appendix.txt'), `${APPENDIX}\n`);
  return dir;
}

/** Deterministic filler prose, long enough that embedding a few files takes many batches. */
function longText(seed: number, words: number): string {
  const vocabulary =
    'patient clinic follow review history examination chest abdomen pain fever cough dose tablet daily weekly blood pressure ' +
    'heart rate normal mild severe chronic acute referral imaging scan result plan advice return symptoms improved stable'.split(' ');
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(vocabulary[x % vocabulary.length] as string);
    if (i % 14 === 13) out.push('.\n');
  }
  return out.join(' ');
}

let host: RunningHost | undefined;
let filesDir: string | undefined;

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  filesDir = undefined;
});

test('embed from the UI with progress, search, see duplicate and relevance flags, override one, and the preflight blocks the other', async ({
  page,
  dataDir,
}) => {
  host = await startHost(dataDir, 0, { DATANET_DESK_MODEL_DIR: modelDir() });
  filesDir = mkdtempSync(join(tmpdir(), 'datanet-desk-e2e-notes-'));
  const app = new AppPage(page);
  await app.open(host.url);
  await app.createDatanet('Clinic notes', 'clinical notes from general practice');
  await app.importFolder(writeNotes(filesDir));
  await expect(app.importSummary()).toContainText('5 imported');
  await expect(app.itemRows()).toHaveCount(5);

  const embeddings = new EmbeddingsPage(page);
  await embeddings.open();
  await expect(embeddings.coverage()).toContainText('0 of 5 items embedded');
  // Search before anything is embedded says so instead of showing nothing.
  await embeddings.search('cough');
  await expect(page.getByText('No embedded item matches yet')).toBeVisible();

  expect(await embeddings.embed()).toMatch(/^Done: 5 embedded, 0 unchanged\.$/);
  await expect(embeddings.coverage()).toContainText('5 of 5 items embedded');

  // The exact text of an item's only chunk embeds to that chunk's vector: it ranks first.
  await embeddings.search(DIABETES);
  await expect(embeddings.results()).toHaveCount(5);
  await expect(embeddings.results().first().getByRole('button')).toHaveText('d-diabetes.txt');
  const similarities = await embeddings.resultSimilarities();
  expect(similarities[0]).toBe(100);
  expect(similarities).toEqual([...similarities].sort((a, b) => b - a));
  expect(await embeddings.resultNames()).toEqual(expect.arrayContaining(['a-cough.txt', 'e-appendix.txt']));

  // A result opens the item in the Library, with its quality.
  await embeddings.search(APPENDIX);
  await expect(embeddings.results().first().getByRole('button')).toHaveText('e-appendix.txt');
  await embeddings.results().first().getByRole('button').click();
  const appendix = page.getByRole('complementary', { name: 'Item detail' });
  await expect(appendix.getByRole('heading', { name: 'e-appendix.txt' })).toBeVisible();
  await expect(embeddings.quality(appendix).getByLabel('Relevance')).toHaveText(/^-?\d+ % · /);

  // The re-saved copy: same text as the note that came first, left out of submissions.
  const resaved = await app.openItem('b-cough-resaved.txt');
  await expect(embeddings.duplicateOf(resaved, 'a-cough.txt')).toContainText('same text · 100 % · came first');
  await expect(embeddings.duplicateFlag(resaved)).toHaveText('Duplicate: left out of submissions');
  await expect(embeddings.quality(resaved).getByLabel('Relevance')).toHaveText(/^-?\d+ % · /);

  // The revision overlaps the note by text; the contributor says it is a real revision.
  const revised = await app.openItem('c-cough-revised.txt');
  await expect(embeddings.duplicateOf(revised, 'a-cough.txt')).toContainText(/overlapping text · \d+ % · came first/);
  await expect(embeddings.duplicateFlag(revised)).toHaveText('Duplicate: left out of submissions');
  await embeddings.overrideCheckbox(revised).check();
  await expect(embeddings.duplicateFlag(revised)).toHaveText('Duplicate, submitted anyway (override)');
  await expect(embeddings.overrideCheckbox(revised)).toBeChecked();

  // The original is not blocked: the copies came after it.
  const original = await app.openItem('a-cough.txt');
  await expect(embeddings.duplicateOf(original, 'b-cough-resaved.txt')).toContainText('came later');
  await expect(embeddings.overrideCheckbox(original)).toHaveCount(0);

  // Preflight: the copy is refused as a duplicate, the overridden revision is not.
  const submit = new SubmitPage(page);
  await submit.open();
  for (const name of ['a-cough.txt', 'b-cough-resaved.txt', 'c-cough-revised.txt']) {
    await page.getByRole('checkbox', { name: `Select ${name}` }).check();
  }
  const rows = page.getByRole('table', { name: 'Items to submit' });
  const reasonsOf = (name: string): Locator => rows.locator(`tr[data-item="${name}"] li[data-code="blocked_duplicate"]`);
  await expect(reasonsOf('b-cough-resaved.txt')).toHaveCount(1);
  await expect(reasonsOf('b-cough-resaved.txt')).toContainText('the same text as "a-cough.txt"');
  await expect(rows.locator('tr[data-item="c-cough-revised.txt"] td.preflight')).not.toContainText('duplicate');
  await expect(reasonsOf('c-cough-revised.txt')).toHaveCount(0);
  await expect(reasonsOf('a-cough.txt')).toHaveCount(0);
  await expect(submit.reviewButton()).toBeDisabled();
});

test('a long embedding run shows progress, the app stays usable while it runs, and Cancel stops it', async ({ page, dataDir }) => {
  host = await startHost(dataDir, 0, { DATANET_DESK_MODEL_DIR: modelDir() });
  filesDir = mkdtempSync(join(tmpdir(), 'datanet-desk-e2e-long-'));
  const dir = join(filesDir, 'long');
  mkdirSync(dir);
  const FILES = 8;
  // About 20,000 words each: well over a hundred chunks per file.
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, `long-${i + 1}.txt`), longText(i + 1, 20_000));
  const app = new AppPage(page);
  await app.open(host.url);
  await app.createDatanet('Long notes', 'clinical');
  await app.importFolder(dir);
  await expect(app.itemRows()).toHaveCount(FILES);

  const embeddings = new EmbeddingsPage(page);
  await embeddings.open();
  await embeddings.embedButton().click();
  await expect(embeddings.progressBar()).toBeVisible();
  await expect(embeddings.runStatus()).toHaveText(new RegExp(`^[1-9]\\d* of ${FILES} items · \\d+ chunks$`), { timeout: 90_000 });

  // While it runs the rest of the app answers: the library lists and opens items.
  await app.openTab('Library');
  const detail = await app.openItem('long-3.txt');
  await expect(detail.getByText(/^\.txt \(/)).toBeVisible();
  await app.openTab('Policy');
  await expect(page.getByLabel('Largest file (MB)')).toBeVisible();

  // Back on the Search tab the same run is still shown, with its Cancel button.
  await embeddings.open();
  await expect(embeddings.progressBar()).toBeVisible();
  await expect(embeddings.embedButton()).toHaveCount(0);
  await embeddings.cancelButton().click();
  await expect(embeddings.runStatus()).toHaveText(/^Cancelled: \d+ embedded, 0 unchanged\.$/, { timeout: 60_000 });
  const embedded = Number(/Cancelled: (\d+) embedded/.exec(await embeddings.runStatus().innerText())?.[1]);
  expect(embedded).toBeLessThan(FILES);
  await expect(embeddings.coverage()).toContainText(`${embedded} of ${FILES} items embedded`);

  // What was stored stays; a new run embeds only the rest.
  await embeddings.embedButton().click();
  await embeddings.cancelButton().click();
  await expect(embeddings.runStatus()).toHaveText(new RegExp(`^Cancelled: \\d+ embedded, ${embedded} unchanged\\.$`), { timeout: 60_000 });
});
