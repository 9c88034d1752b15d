import { expect, type Locator, type Page } from '@playwright/test';

/** A Datanet's Search tab (embedding runs and semantic search) and the Quality block of an item's detail. */
export class EmbeddingsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('tab', { name: 'Search' }).click();
    await expect(this.panel()).toBeVisible();
  }

  panel(): Locator {
    return this.page.getByRole('region', { name: 'Semantic search' });
  }

  coverage(): Locator {
    return this.page.getByLabel('Embedding coverage');
  }

  progressBar(): Locator {
    return this.page.getByLabel('Embedding progress');
  }

  /** The line under the Embed button: progress while a run goes, its outcome after. */
  runStatus(): Locator {
    return this.page.getByLabel('Embedding').getByRole('status');
  }

  embedButton(): Locator {
    return this.page.getByRole('button', { name: 'Embed items' });
  }

  cancelButton(): Locator {
    return this.page.getByLabel('Embedding').getByRole('button', { name: 'Cancel' });
  }

  /** Starts a run, sees its progress bar, and waits for the run's outcome line. */
  async embed(timeout = 90_000): Promise<string> {
    await this.embedButton().click();
    await expect(this.progressBar()).toBeVisible();
    await expect(this.runStatus()).toHaveText(/^(Done|Cancelled): /, { timeout });
    return (await this.runStatus().innerText()).trim();
  }

  async search(query: string): Promise<void> {
    await this.page.getByLabel('Search query').fill(query);
    await this.page.getByRole('search').getByRole('button', { name: 'Search' }).click();
    await expect(this.page.getByRole('search').getByRole('button', { name: 'Search' })).toBeEnabled();
    await expect(this.results().first().or(this.page.getByText('No embedded item matches yet'))).toBeVisible();
  }

  results(): Locator {
    return this.page.getByRole('list', { name: 'Search results' }).locator(':scope > li');
  }

  /** Item names of the results, best first. */
  async resultNames(): Promise<string[]> {
    return (await this.results().getByRole('button').allInnerTexts()).map((s) => s.trim());
  }

  /** The "NN % similar" figure of each result, best first. */
  async resultSimilarities(): Promise<number[]> {
    const texts = await this.results()
      .getByText(/% similar$/)
      .allInnerTexts();
    return texts.map((t) => Number(/(-?\d+) % similar/.exec(t)?.[1]));
  }

  /** The Quality block inside an open item's detail panel. */
  quality(detail: Locator): Locator {
    return detail.getByRole('region', { name: 'Quality' });
  }

  duplicateFlag(detail: Locator): Locator {
    return this.quality(detail).getByLabel('Duplicates').getByRole('status');
  }

  /** The duplicate entry that names another item. */
  duplicateOf(detail: Locator, otherName: string): Locator {
    return this.quality(detail)
      .getByLabel('Duplicates')
      .locator('li')
      .filter({ hasText: new RegExp(`^${otherName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`) });
  }

  overrideCheckbox(detail: Locator): Locator {
    return this.quality(detail).getByRole('checkbox', { name: 'Submit anyway (not a duplicate)' });
  }
}
