import { expect, type Locator, type Page } from '@playwright/test';

/** The app as a user sees it: sidebar of Datanets, a Datanet's library and policy. */
export class AppPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.page.getByText('Datanet Desk').first()).toBeVisible();
  }

  async createDatanet(name: string, domain = ''): Promise<void> {
    await this.page
      .getByRole('button', { name: /New Datanet|Create your first Datanet/ })
      .first()
      .click();
    const dialog = this.page.getByRole('dialog', { name: 'New Datanet' });
    await dialog.getByLabel('Name').fill(name);
    if (domain) await dialog.getByLabel('Domain').fill(domain);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible();
  }

  datanetLink(name: string): Locator {
    return this.page.getByRole('navigation').getByRole('button', { name: new RegExp(name) });
  }

  async openTab(name: 'Library' | 'Policy'): Promise<void> {
    await this.page.getByRole('tab', { name }).click();
  }

  async setMaxFileMb(mb: number): Promise<void> {
    await this.openTab('Policy');
    await this.page.getByLabel('Largest file (MB)').fill(String(mb));
    await this.page.getByRole('button', { name: 'Save' }).click();
    await expect(this.page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await this.openTab('Library');
  }

  async importFolder(path: string): Promise<void> {
    await this.page.getByTestId('import-folder-input').setInputFiles(path);
    await expect(this.page.getByRole('status').filter({ hasText: /Import (finished|cancelled)/ })).toBeVisible({ timeout: 60_000 });
  }

  async importFiles(paths: string[]): Promise<void> {
    await this.page.getByTestId('import-files-input').setInputFiles(paths);
    await expect(this.page.getByRole('status').filter({ hasText: /Import (finished|cancelled)/ })).toBeVisible({ timeout: 60_000 });
  }

  importSummary(): Locator {
    return this.page.locator('.import-summary');
  }

  /** The code shown for a refused file, by the end of its path. */
  async resultCode(pathEnd: string): Promise<string> {
    const row = this.page.locator('.import-results li').filter({ has: this.page.locator('.path', { hasText: pathEnd }) });
    await expect(row).toHaveCount(1);
    return (await row.locator('.code').innerText()).trim();
  }

  itemRows(): Locator {
    return this.page.getByRole('table', { name: 'Items' }).locator('tbody tr');
  }

  /** The row of the item with exactly this name. */
  itemRow(name: string): Locator {
    const exact = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    return this.itemRows().filter({ has: this.page.locator('td.name', { hasText: exact }) });
  }

  async openItem(name: string): Promise<Locator> {
    await this.itemRow(name).click();
    const panel = this.page.getByRole('complementary', { name: 'Item detail' });
    await expect(panel.getByRole('heading', { name })).toBeVisible();
    return panel;
  }
}
