import { expect, type Locator, type Page } from '@playwright/test';

/** Shared Datanets as a user sees them: a Datanet's Network and Governance tabs, the Network Datanets browser, the policy banner. */
export class SharedDatanetsPage {
  constructor(readonly page: Page) {}

  async publishOpenDatanet(): Promise<{ network: string; dataType: string }> {
    await this.page.getByRole('tab', { name: 'Network' }).click();
    const panel = this.page.getByRole('region', { name: 'Publish' });
    await expect(panel.getByTestId('publish-network')).not.toHaveText('Loading…');
    const shown = {
      network: await panel.getByTestId('publish-network').innerText(),
      dataType: await panel.getByTestId('publish-data-type').innerText(),
    };
    await panel.getByRole('button', { name: 'Publish' }).click();
    await expect(this.page.getByRole('region', { name: 'Shared Datanet' })).toBeVisible({ timeout: 60_000 });
    return shown;
  }

  async openBrowser(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Network Datanets' }).click();
    const table = this.page.getByRole('table', { name: 'Datanets on the network' });
    await expect(table).toBeVisible({ timeout: 30_000 });
    return table;
  }

  browserRow(name: string): Locator {
    return this.page
      .getByRole('table', { name: 'Datanets on the network' })
      .locator('tbody tr')
      .filter({ has: this.page.locator('td.name', { hasText: name }) });
  }

  async join(name: string): Promise<void> {
    await this.browserRow(name).getByRole('button', { name: 'Join' }).click();
    await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible({ timeout: 60_000 });
  }

  async openGovernance(): Promise<Locator> {
    await this.page.getByRole('tab', { name: 'Governance' }).click();
    const view = this.page.getByRole('region', { name: 'Governance' });
    await expect(view).toBeVisible();
    return view;
  }

  /** Proposes the current policy with the largest file set to `mb`. */
  async proposeMaxFileMb(mb: number): Promise<void> {
    const view = await this.openGovernance();
    await view.getByRole('button', { name: 'Propose a change' }).click();
    const form = view.getByRole('form', { name: 'Proposed policy' });
    await form.getByLabel('Largest file (MB)').fill(String(mb));
    await form.getByRole('button', { name: 'Propose' }).click();
    await expect(view.getByRole('list', { name: 'Open proposals' }).locator('li.proposal')).toHaveCount(1, { timeout: 60_000 });
  }

  openProposal(): Locator {
    return this.page.getByRole('list', { name: 'Open proposals' }).locator('li.proposal').first();
  }

  async refreshGovernance(): Promise<void> {
    await this.page.getByRole('region', { name: 'Governance' }).getByRole('button', { name: 'Refresh' }).click();
  }

  banner(): Locator {
    return this.page.getByRole('region', { name: 'New policy version' });
  }
}
