import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { AppPage } from './pages/AppPage';

test('configure DP per column, preview, apply, see the ledger, and be refused past the cap', async ({ page, host, dataDir }) => {
  const app = new AppPage(page);
  await app.open(host.url);
  await app.createDatanet('Registry');
  await app.openTab('Policy');
  await page.getByLabel('ε cap per dataset (empty: none)').fill('1.5');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await app.openTab('Library');

  const csv = join(dataDir, '..', `${test.info().testId}-cohort.csv`);
  writeFileSync(csv, ['age,sex,note', ...Array.from({ length: 50 }, (_, i) => `${30 + i},${i % 2 ? 'F' : 'M'},visit ${i}`)].join('\n'));
  const note = join(dataDir, '..', `${test.info().testId}-note.txt`);
  writeFileSync(note, 'Seen in clinic today.');
  await app.importFiles([csv, note]);

  // Text items say that DP is not for free text.
  const text = await app.openItem(note.split('/').at(-1) as string);
  await text.getByRole('tab', { name: 'Privacy' }).click();
  await expect(text.getByRole('note')).toContainText('not applied to free text');

  const panel = await app.openItem(csv.split('/').at(-1) as string);
  await panel.getByRole('tab', { name: 'Privacy' }).click();
  await panel.getByLabel('Treatment of age').selectOption('numeric');
  await panel.getByLabel('Lower bound of age').fill('0');
  await panel.getByLabel('Upper bound of age').fill('100');
  await panel.getByLabel('Treatment of sex').selectOption('categorical');
  await expect(panel.getByLabel('Domain of sex')).toHaveValue(/F|M/);
  await panel.getByLabel('Epsilon', { exact: true }).fill('1');
  await panel.getByRole('button', { name: 'Preview' }).click();
  const preview = panel.getByLabel('Expected error');
  await expect(preview.locator('li[data-column=age]')).toContainText('typical error ±200');
  await expect(preview.locator('li[data-column=sex]')).toContainText('true value kept with probability');

  await panel.getByRole('button', { name: 'Apply noise' }).click();
  await expect(panel.getByRole('status')).toContainText('Applied');
  await expect(panel.getByLabel('Dataset summary')).toContainText('age: mean');
  const budget = panel.getByRole('table', { name: 'Privacy budget' });
  await expect(budget.locator('tr[data-scope=dataset] .remaining')).toHaveText('0.500');
  await expect(panel.getByLabel('Ledger').locator('li')).toHaveCount(2);
  await expect(app.itemRow(csv.split('/').at(-1) as string)).toContainText('dp_applied');
  await page.getByLabel('Filter by status').selectOption('dp_applied');
  await expect(app.itemRows()).toHaveCount(1);
  await page.getByLabel('Filter by status').selectOption('');

  // A second application of ε 1 would pass the cap of 1.5: refused, nothing spent.
  await panel.getByRole('button', { name: 'Preview' }).click();
  await expect(panel.getByText('This would pass a cap')).toBeVisible();
  await panel.getByRole('button', { name: 'Apply noise' }).click();
  await expect(panel.getByRole('alert')).toContainText('budget_exhausted');
  await expect(panel.getByLabel('Ledger').locator('li')).toHaveCount(2);
  await expect(budget.locator('tr[data-scope=dataset] .remaining')).toHaveText('0.500');
});
