import { expect, type Locator, type Page } from '@playwright/test';

/** The Anonymise tab of an item's detail: text review (highlights, decisions, added spans, preview, export) and table column policies. */
export class AnonymisePage {
  constructor(readonly page: Page) {}

  /** Opens an item on its Anonymise tab through the library row's Anonymise button. */
  async openFromLibrary(itemName: string): Promise<void> {
    await this.page.getByRole('button', { name: `Anonymise ${itemName}`, exact: true }).click();
    await expect(this.detail().getByRole('heading', { name: itemName })).toBeVisible();
    await expect(this.panel()).toBeVisible();
  }

  detail(): Locator {
    return this.page.getByRole('complementary', { name: 'Item detail' });
  }

  panel(): Locator {
    return this.detail().getByRole('region', { name: 'Anonymise' });
  }

  /** Runs detection and waits for its outcome line. */
  async detect(): Promise<void> {
    await this.panel()
      .getByRole('button', { name: /^(Detect personal data|Detect again|Scan columns for personal data|Scan again)$/ })
      .click();
    await expect(this.panel().getByLabel('Detection').getByRole('status')).toHaveText(/Done|Cancelled/, { timeout: 60_000 });
  }

  text(): Locator {
    return this.panel().getByRole('region', { name: 'Document text' });
  }

  /** Every highlighted detection run on the page. */
  highlights(): Locator {
    return this.text().locator('mark[data-detection-id]');
  }

  /** The highlight that starts a detection (focusable, labelled) whose text is exactly `text`. */
  highlight(text: string): Locator {
    const exact = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    return this.text().locator('mark[data-label]').filter({ hasText: exact });
  }

  legendRow(type: string): Locator {
    return this.panel().getByRole('table', { name: 'Legend' }).locator(`tr[data-type="${type}"]`);
  }

  inspector(): Locator {
    return this.panel().getByRole('group', { name: 'Detection detail' });
  }

  /** Clicks a highlight and decides on it with the inspector's buttons. */
  async decideWithMouse(text: string, decision: 'Accept' | 'Reject' | 'Back to pending'): Promise<void> {
    await this.highlight(text).click();
    await expect(this.inspector()).toContainText(`“${text}”`);
    await this.inspector().getByRole('button', { name: decision, exact: true }).click();
  }

  /** Selects `text` inside the document with a real mouse drag, from the first character's left edge to the last one's right edge. */
  async selectTextWithMouse(text: string): Promise<void> {
    const box = await this.text().evaluate((root, needle) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let whole = '';
      const nodes: { node: Text; at: number }[] = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        nodes.push({ node: n as Text, at: whole.length });
        whole += (n as Text).data;
      }
      const start = whole.indexOf(needle);
      if (start < 0) return null;
      const rangeAt = (offset: number, length: number) => {
        const hit = nodes.filter((x) => x.at <= offset).at(-1);
        if (!hit) return null;
        const r = document.createRange();
        r.setStart(hit.node, offset - hit.at);
        r.setEnd(hit.node, offset - hit.at + length);
        return r.getBoundingClientRect();
      };
      const first = rangeAt(start, 1);
      const last = rangeAt(start + needle.length - 1, 1);
      if (!first || !last) return null;
      return { x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2 };
    }, text);
    if (!box) throw new Error(`"${text}" is not on the page`);
    await this.page.mouse.move(box.x1, box.y1);
    await this.page.mouse.down();
    await this.page.mouse.move((box.x1 + box.x2) / 2, box.y2, { steps: 4 });
    await this.page.mouse.move(box.x2, box.y2, { steps: 4 });
    await this.page.mouse.up();
    await expect(this.selection()).toContainText(`“${text}”`);
  }

  /** Selects the next occurrence of `text` with the keyboard-reachable Find box. */
  async selectTextWithFind(text: string): Promise<void> {
    const find = this.panel().getByLabel('Find text to mark');
    await find.fill(text);
    await find.press('Enter');
    await expect(this.selection()).toContainText(`“${text}”`);
  }

  selection(): Locator {
    return this.panel().getByTestId('selection');
  }

  /** Adds the current selection as a span of a type (its name as shown, e.g. "Person"). */
  async addSelectedSpan(typeName: string): Promise<void> {
    await this.panel().getByLabel('Type of the added span').selectOption({ label: typeName });
    await this.panel().getByRole('button', { name: 'Add span' }).click();
  }

  async showSideBySide(): Promise<void> {
    await this.panel().getByRole('tab', { name: 'Side by side' }).click();
    await expect(this.anonymisedText()).toBeVisible();
  }

  async showReview(): Promise<void> {
    await this.panel().getByRole('tab', { name: 'Review' }).click();
  }

  anonymisedText(): Locator {
    return this.panel().getByRole('region', { name: 'Anonymised text' });
  }

  async setThreshold(value: number): Promise<void> {
    await this.panel().getByLabel('Confidence threshold value').fill(String(value));
  }

  /** Exports and returns the report region. */
  async export(): Promise<Locator> {
    await this.panel().getByRole('button', { name: 'Export anonymised version' }).click();
    const report = this.report();
    await expect(report).toBeVisible({ timeout: 30_000 });
    return report;
  }

  report(): Locator {
    return this.panel().getByRole('region', { name: 'Anonymisation report' });
  }

  async versionId(): Promise<string> {
    return (await this.report().locator('dd').first().innerText()).trim();
  }

  /** Detects, accepts every detection and exports: what a reviewer does with a note that needs no changes. */
  async anonymiseAsDetected(itemName: string): Promise<void> {
    await this.openFromLibrary(itemName);
    await this.detect();
    await this.export();
  }

  // Tables

  columnRow(column: string): Locator {
    return this.panel().getByRole('table', { name: 'Column policies' }).locator(`tr[data-column="${column}"]`);
  }

  async setColumnPolicy(column: string, action: string, generalisation?: string): Promise<void> {
    await this.panel().getByLabel(`Policy of ${column}`).selectOption({ label: action });
    if (generalisation) await this.panel().getByLabel(`Generalisation of ${column}`).selectOption({ label: generalisation });
  }

  quasiIdentifier(column: string): Locator {
    return this.panel().getByRole('checkbox', { name: `${column} is a quasi-identifier` });
  }

  kStatus(): Locator {
    return this.panel().getByLabel('k-anonymity');
  }

  offendingGroups(): Locator {
    return this.panel().getByRole('table', { name: 'Offending groups' }).locator('tbody tr');
  }
}
