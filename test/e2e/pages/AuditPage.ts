import { expect, type Download, type Locator, type Page } from '@playwright/test';

/** Settings → Audit log: what left the machine, filterable and exportable. */
export class AuditPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('button', { name: 'Settings' }).click();
    await expect(this.section()).toBeVisible();
  }

  section(): Locator {
    return this.page.getByRole('region', { name: 'Audit log' });
  }

  rows(): Locator {
    return this.section().getByRole('table', { name: 'Outbound transfers' }).locator('tbody tr');
  }

  async filterByChannel(label: string): Promise<void> {
    await this.section().getByLabel('Channel').selectOption({ label });
    await this.section().getByRole('button', { name: 'Filter' }).click();
  }

  async export(format: 'CSV' | 'JSON'): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.section()
      .getByRole('button', { name: `Export ${format}` })
      .click();
    return download;
  }
}
