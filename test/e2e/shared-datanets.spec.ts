import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../../electron/services/wiring';
import type { NetworkProfile } from '../../shared/network-profile';
import { startBuiltDevnet, type RunningDevnet } from './devnet';
import { CHROMIUM_ARGS, CHROMIUM_PATH, expect, test } from './fixtures';
import { startHost, type RunningHost } from './host';
import { AppPage } from './pages/AppPage';
import { SharedDatanetsPage } from './pages/SharedDatanetsPage';

/**
 * Two people, two data folders, two wallets, two browsers: A publishes a Datanet through the UI,
 * B finds it on the network and joins it, B proposes a change, both vote, the period passes (anvil's
 * clock advanced), A executes, and both see the new policy version with its field diff.
 */
const PASSPHRASE = 'e2e-shared-datanets-passphrase';

let devnet: RunningDevnet;
const dirs: string[] = [];
const browsers: Browser[] = [];
const hosts: RunningHost[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A data folder with a funded wallet and the devnet selected (what the Submit tab would do). */
async function seed(dataDir: string, profile: NetworkProfile): Promise<void> {
  const s = await createServices({
    dataDir,
    host: 'node',
    version: 'e2e',
    submission: { environmentPassphrase: () => PASSPHRASE, isAutomatic: false },
  });
  try {
    await s.wallet.create({});
    await s.network.setProfileJson(JSON.stringify(profile));
    await s.submissions.fund();
  } finally {
    await s.close();
  }
}

async function openApp(dataDir: string): Promise<Page> {
  const h = await startHost(dataDir, 0, { DATANET_DESK_PASSPHRASE: PASSPHRASE });
  hosts.push(h);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  browsers.push(browser);
  const page = await browser.newPage();
  await new AppPage(page).open(h.url);
  return page;
}

async function rpc(method: string, params: unknown[]): Promise<void> {
  const response = await fetch(devnet.profile.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { error?: unknown };
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
}

test.beforeAll(async () => {
  devnet = await startBuiltDevnet(tempDir('datanet-desk-shared-devnet-'));
});

test.afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => undefined);
  for (const h of hosts) await h.stop();
  await devnet?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('publish, browse and join, propose, both vote, execute: both hosts see the new version and its diff', async () => {
  test.setTimeout(300_000);
  const dataA = tempDir('datanet-desk-shared-a-');
  const dataB = tempDir('datanet-desk-shared-b-');
  await seed(dataA, devnet.profile);
  await seed(dataB, devnet.profile);
  const pageA = await openApp(dataA);
  const pageB = await openApp(dataB);
  const a = new SharedDatanetsPage(pageA);
  const b = new SharedDatanetsPage(pageB);

  await new AppPage(pageA).createDatanet('Shared cardiology', 'clinical');
  const shown = await a.publishOpenDatanet();
  expect(shown).toEqual({ network: `${devnet.profile.name} (chain ${devnet.profile.chainId})`, dataType: 'Text' });
  await expect(pageA.getByTestId('shared-role')).toHaveText('owner');

  const table = await b.openBrowser();
  await expect(b.browserRow('Shared cardiology').getByRole('button', { name: 'Join' })).toBeVisible();
  const row = b.browserRow('Shared cardiology');
  await expect(row).toHaveCount(1);
  await expect(row.locator('td')).toHaveText(['Shared cardiology', 'clinical', 'text', '1', '0', '1', 'open', 'Join']);
  await expect(table).toBeVisible();
  await b.join('Shared cardiology');
  await pageB.getByRole('tab', { name: 'Network' }).click();
  await expect(pageB.getByTestId('shared-role')).toHaveText('contributor');
  await expect(pageB.getByTestId('onchain-id')).toHaveText(await pageA.getByTestId('onchain-id').innerText());

  await b.proposeMaxFileMb(2);
  const proposalB = b.openProposal();
  await expect(proposalB.getByRole('list', { name: 'Proposed changes' })).toContainText('Largest file: 10 MB → 2 MB');
  await proposalB.getByRole('button', { name: 'Vote yes' }).click();
  await expect(proposalB.getByTestId('tally-yes')).toHaveText('1', { timeout: 60_000 });
  await expect(proposalB.getByText('You voted.')).toBeVisible();

  await a.openGovernance();
  const proposalA = a.openProposal();
  await expect(proposalA.getByTestId('tally-yes')).toHaveText('1', { timeout: 30_000 });
  await proposalA.getByRole('button', { name: 'Vote yes' }).click();
  await expect(proposalA.getByTestId('tally-yes')).toHaveText('2', { timeout: 60_000 });

  // The default voting period is three days: the test moves anvil's clock instead of waiting.
  await rpc('evm_increaseTime', [3 * 24 * 3600 + 60]);
  await rpc('evm_mine', []);
  await a.refreshGovernance();
  await proposalA.getByRole('button', { name: 'Execute' }).click();
  await expect(pageA.getByRole('list', { name: 'Past proposals' })).toContainText('executed', { timeout: 60_000 });

  for (const page of [pageA, pageB]) {
    if (page === pageB) await page.reload();
    const banner = new SharedDatanetsPage(page).banner();
    await expect(banner).toContainText('New policy version 2 (was 1)', { timeout: 60_000 });
    await expect(banner.getByRole('list', { name: 'What changed' })).toHaveText('Largest file: 10 MB → 2 MB');
  }
  await b.banner().getByRole('button', { name: 'Dismiss' }).click();
  await expect(b.banner()).toBeHidden();
  await pageB.reload();
  await expect(pageB.getByRole('tab', { name: 'Governance' })).toBeVisible({ timeout: 30_000 });
  await expect(b.banner()).toBeHidden();
});
