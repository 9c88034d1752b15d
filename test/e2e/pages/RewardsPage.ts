import { expect, type Locator, type Page } from '@playwright/test';

/** The Rewards view: figures, freshness and sync, charts, the per-file trail, what-if. */
export class RewardsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('complementary', { name: 'Datanets' }).getByRole('button', { name: 'Rewards' }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Rewards' })).toBeVisible();
  }

  /** Waits until a sync has finished and reports the block range it read. */
  async waitForSync(): Promise<{ from: number; to: number }> {
    const range = this.page.getByTestId('last-sync-range');
    await expect(range).toBeVisible({ timeout: 60_000 });
    return { from: Number(await range.getAttribute('data-from')), to: Number(await range.getAttribute('data-to')) };
  }

  async syncNow(): Promise<{ from: number; to: number }> {
    await this.page.getByRole('button', { name: 'Sync now' }).click();
    await expect(this.page.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 60_000 });
    return this.waitForSync();
  }

  amountOf(testId: 'rewards-balance' | 'rewards-earned'): Promise<string | null> {
    return this.page.getByTestId(testId).getAttribute('data-amount');
  }

  trail(): Locator {
    return this.page.getByRole('table', { name: 'Rewards trail' });
  }

  trailRow(contentHash: string): Locator {
    return this.trail().locator(`tr[data-content-hash="${contentHash}"]`);
  }

  chart(name: 'Earnings over time' | 'Earnings per Datanet'): Locator {
    return this.page.getByRole('figure', { name });
  }
}
