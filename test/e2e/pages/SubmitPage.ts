import { expect, type Locator, type Page } from '@playwright/test';

/** A Datanet's Submit tab: network, wallet, the submission builder and the queue. */
export class SubmitPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('tab', { name: 'Submit' }).click();
    await expect(this.page.getByRole('region', { name: 'New submission' })).toBeVisible();
  }

  /** Chooses a profile file and confirms the switch in the dialog that lists the profile's servers. */
  async loadNetworkProfile(path: string, name: string): Promise<void> {
    await this.page.getByTestId('network-profile-input').setInputFiles(path);
    await expect(this.page.getByTestId('network-confirm-hosts')).toBeVisible();
    await this.page.getByTestId('network-profile-confirm').click();
    await expect(this.page.getByTestId('network-name')).toHaveText(name);
  }

  /** The note that the window must reload before review rooms can reach the new network's signaling servers. */
  reloadNeeded(): Locator {
    return this.page.getByTestId('network-reload-needed');
  }

  wallet(): Locator {
    return this.page.getByRole('region', { name: 'Wallet' });
  }

  async createWallet(passphrase: string): Promise<string> {
    const wallet = this.wallet();
    await wallet.getByRole('button', { name: 'Create wallet' }).click();
    await wallet.getByLabel('New passphrase (8+ characters)').fill(passphrase);
    await wallet.getByLabel('Repeat passphrase').fill(passphrase);
    await wallet.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(wallet.getByText('unlocked', { exact: true })).toBeVisible({ timeout: 30_000 });
    return (await this.page.getByTestId('wallet-address').innerText()).trim();
  }

  async unlockWallet(passphrase: string): Promise<void> {
    const wallet = this.wallet();
    await wallet.getByLabel('Passphrase').fill(passphrase);
    await wallet.getByRole('button', { name: 'Unlock' }).click();
    await expect(wallet.getByText('unlocked', { exact: true })).toBeVisible({ timeout: 30_000 });
  }

  async selectAll(): Promise<void> {
    await this.page.getByRole('checkbox', { name: 'Select all' }).check();
  }

  readyBadges(): Locator {
    return this.page.getByRole('table', { name: 'Items to submit' }).getByText('ready', { exact: true });
  }

  reviewButton(): Locator {
    return this.page.getByRole('button', { name: 'Review and sign…' });
  }

  /** Opens the signing prompt and returns it; the caller reads what it shows, then signs. */
  async review(): Promise<Locator> {
    await this.reviewButton().click();
    const dialog = this.page.getByRole('dialog', { name: 'Review and sign' });
    await expect(dialog).toBeVisible();
    return dialog;
  }

  async sign(dialog: Locator): Promise<void> {
    await dialog.getByRole('button', { name: 'Sign and submit' }).click();
    await expect(dialog).toBeHidden({ timeout: 30_000 });
  }

  queueRows(): Locator {
    return this.page.getByRole('table', { name: 'Submission queue' }).locator('tbody tr');
  }
}
