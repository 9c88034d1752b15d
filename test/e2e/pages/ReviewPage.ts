import { expect, type Locator, type Page } from '@playwright/test';

/** The Review tab of a Datanet: rooms, a room's queue, an item's votes and comments. */
export class ReviewPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('tab', { name: 'Review', exact: true }).click();
    await expect(this.page.getByRole('region', { name: 'Review rooms' }).or(this.room())).toBeVisible();
  }

  room(): Locator {
    return this.page.locator('section.room-view');
  }

  async createRoom(title: string): Promise<void> {
    await this.page.getByLabel('Room title').fill(title);
    await this.page.getByRole('button', { name: 'Create room' }).click();
    await expect(this.room().getByRole('heading', { level: 2, name: title })).toBeVisible();
  }

  async joinRoom(invite: string): Promise<void> {
    await this.page.getByLabel('Invitation', { exact: true }).fill(invite);
    await this.page.getByRole('button', { name: 'Join room' }).click();
    await expect(this.room()).toBeVisible();
  }

  async openRoom(title: string): Promise<void> {
    await this.page.getByRole('list', { name: 'Rooms' }).getByRole('button', { name: title }).click();
    await expect(this.room()).toBeVisible();
  }

  async invite(): Promise<string> {
    return this.room()
      .getByLabel(/^Invitation/)
      .inputValue();
  }

  async share(names: string[]): Promise<Locator> {
    await this.room().getByRole('button', { name: 'Share items…' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Share items with the room' });
    for (const name of names) await dialog.getByRole('checkbox', { name: new RegExp(name) }).check();
    await dialog.getByRole('button', { name: /^Share/ }).click();
    return dialog;
  }

  queueItems(): Locator {
    return this.room().locator('.item-queue li');
  }

  connection(): Locator {
    return this.room().getByTestId('room-connection');
  }

  async setOffline(isOffline: boolean): Promise<void> {
    await this.room()
      .getByRole('button', { name: isOffline ? 'Work offline' : 'Go online' })
      .click();
  }

  async selectItem(index: number): Promise<Locator> {
    await this.queueItems().nth(index).getByRole('button').click();
    const item = this.room().locator('article.room-item');
    await expect(item).toBeVisible();
    return item;
  }

  /** Votes on the open item through the signing prompt. */
  async vote(choice: 'accept' | 'reject' | 'needs-changes', reason: string): Promise<void> {
    const item = this.room().locator('article.room-item');
    await item.getByRole('radio', { name: choice }).check();
    await item.getByLabel('Reason').fill(reason);
    await item.getByRole('button', { name: 'Sign vote…' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Review and sign' });
    await expect(dialog.getByRole('table', { name: 'Signed fields' })).toContainText(choice);
    await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
    await expect(dialog).toBeHidden();
  }
}
