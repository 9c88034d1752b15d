import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AbiCoder, Interface, zeroPadValue } from 'ethers';
import { expect, test } from './fixtures';
import { startBuiltDevnet, type RunningDevnet } from './devnet';
import { startHost, type RunningHost } from './host';
import { RewardsPage } from './pages/RewardsPage';
import type * as ServicesModule from '../../electron/services/index';
import type { NetworkProfile } from '../../shared/network-profile';
import { OPEN_TOKEN_ABI, REWARDS_ABI } from '../../shared/reward-contracts';

const SERVICES = pathToFileURL(fileURLToPath(new URL('../../out/main/services.js', import.meta.url))).href;
const SCREENSHOT = fileURLToPath(new URL('../../test-results/rewards-dashboard.png', import.meta.url));
const PASSPHRASE = 'correct horse battery staple';

const NOTES = [
  'Patient [PERSON_1] presented with a persistent dry cough and low grade fever for three days. Chest auscultation revealed scattered wheezing. Prescribed a salbutamol inhaler and advised rest.',
  'Follow up visit for type 2 diabetes mellitus. HbA1c improved from 8.1 to 7.2 percent on metformin twice daily. Discussed diet, regular exercise and daily foot inspection.',
  'Admitted via the emergency department with acute right lower quadrant abdominal pain and rebound tenderness. Ultrasound consistent with appendicitis; laparoscopic appendectomy performed.',
];
// Nearly the first note again (one sentence added): the validator's MinHash check rejects it as a duplicate.
const NEAR_DUPLICATE = `${NOTES[0]} Reviewed again at the clinic.`;

type Seeded = { address: string; itemIds: Record<string, string>; submissionIds: string[] };

async function rpc<T>(profile: NetworkProfile, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(profile.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await response.json()) as { result: T }).result;
}

/** What the chain holds for the address: its $OPEN balance and every FileRewarded amount by content hash. */
async function chainFigures(profile: NetworkProfile, address: string): Promise<{ balance: string; paid: Map<string, bigint> }> {
  const token = new Interface(OPEN_TOKEN_ABI);
  const raw = await rpc<string>(profile, 'eth_call', [
    { to: profile.contracts.token, data: token.encodeFunctionData('balanceOf', [address]) },
    'latest',
  ]);
  const rewards = new Interface(REWARDS_ABI);
  const logs = await rpc<Array<{ topics: string[]; data: string }>>(profile, 'eth_getLogs', [
    {
      address: profile.contracts.rewards,
      fromBlock: '0x0',
      toBlock: 'latest',
      topics: [rewards.getEvent('FileRewarded')!.topicHash, null, null, zeroPadValue(address, 32)],
    },
  ]);
  const paid = new Map<string, bigint>();
  for (const log of logs) {
    const [contentHash, , amount] = AbiCoder.defaultAbiCoder().decode(['bytes32', 'uint256', 'uint256'], log.data);
    const key = String(contentHash).toLowerCase();
    paid.set(key, (paid.get(key) ?? 0n) + BigInt(amount));
  }
  return { balance: BigInt(raw).toString(), paid };
}

async function runEpoch(profile: NetworkProfile): Promise<void> {
  const response = await fetch(`${profile.validatorUrl}/epoch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(200);
  // The app indexes only blocks with 2 confirmations (its default): let the chain move on.
  await rpc(profile, 'anvil_mine', ['0x3']);
}

/**
 * Three submissions made through the app's own services (wallet, queue, on-chain attestation,
 * validator) before the host opens the folder: two accepted, one rejected as a near-duplicate.
 */
async function seed(dataDir: string, profile: NetworkProfile): Promise<Seeded> {
  const { createServices } = (await import(SERVICES)) as typeof ServicesModule;
  const s = await createServices({ dataDir, host: 'node', version: 'e2e' });
  try {
    const { address } = await s.wallet.create({ passphrase: PASSPHRASE });
    await s.network.setProfile(profile);
    const datanet = await s.datanets.create({ name: 'Cardiology notes', domain: 'clinical', description: 'Anonymised clinical notes.' });
    const itemIds: Record<string, string> = {};
    const texts = [...NOTES, NEAR_DUPLICATE];
    for (const [i, text] of texts.entries()) {
      const name = `note-${i + 1}.txt`;
      const { itemId } = await s.library.importBytes({
        datanetId: datanet.id,
        name,
        bytes: new TextEncoder().encode(`${text.replace('[PERSON_1]', 'John Smith')}\n${i}\n`),
      });
      if (!itemId) throw new Error('import failed');
      itemIds[name] = itemId;
      await s.versions.create({
        itemId,
        kind: 'anonymised',
        content: { kind: 'text', text },
        report: { detections: [{ type: 'PERSON', operator: 'placeholder', count: text.includes('[PERSON_1]') ? 1 : 0 }] },
      });
    }
    const submissionIds: string[] = [];
    for (const [names, expected] of [
      [['note-1.txt', 'note-2.txt'], 'accepted'],
      [['note-3.txt'], 'accepted'],
      [['note-4.txt'], 'rejected'],
    ] as const) {
      const submitted = await s.submissions.submitSelection(
        datanet.id,
        names.map((n) => itemIds[n]!),
      );
      await s.submissionQueue.settle([submitted.id], 60_000);
      const done = await s.submissions.get(submitted.id);
      if (done.status !== expected) throw new Error(`submission of ${names.join(', ')} is ${done.status}, expected ${expected}`);
      submissionIds.push(done.id);
    }
    return { address, itemIds, submissionIds };
  } finally {
    await s.close();
  }
}

let devnet: RunningDevnet | undefined;
let host: RunningHost | undefined;
let devnetDir: string | undefined;

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
  await devnet?.stop();
  devnet = undefined;
  if (devnetDir) rmSync(devnetDir, { recursive: true, force: true });
  devnetDir = undefined;
});

test('rewards view without a network or a wallet says what to do', async ({ page, host }) => {
  await page.goto(host.url);
  const rewards = new RewardsPage(page);
  await rewards.open();
  await expect(page.getByRole('heading', { name: 'No network chosen' })).toBeVisible();
  await expect(page.getByText('Choose its profile')).toBeVisible();
});

test('rewards dashboard: figures equal the chain, charts render, the trail links each paid amount to its file, restart resumes', async ({
  page,
  dataDir,
}) => {
  test.setTimeout(240_000);
  devnetDir = mkdtempSync(join(tmpdir(), 'datanet-desk-e2e-devnet-'));
  devnet = await startBuiltDevnet(join(devnetDir, 'chain'));
  const { profile } = devnet;
  const seeded = await seed(dataDir, profile);
  await runEpoch(profile);
  host = await startHost(dataDir);

  await page.goto(host.url);
  const rewards = new RewardsPage(page);
  await rewards.open();
  const firstSync = await rewards.waitForSync();
  expect(firstSync.from).toBeLessThanOrEqual(firstSync.to);

  // Figures equal what the chain holds.
  const chain = await chainFigures(profile, seeded.address);
  expect(chain.paid.size).toBe(3);
  const total = [...chain.paid.values()].reduce((s, v) => s + v, 0n);
  expect(await rewards.amountOf('rewards-balance')).toBe(chain.balance);
  expect(await rewards.amountOf('rewards-earned')).toBe(total.toString());
  expect(chain.balance).toBe(total.toString());
  await expect(page.getByTestId('rewards-acceptance')).toHaveText('66.7 %');
  await expect(page.getByTestId('rewards-standing')).toHaveText('1');
  await expect(page.getByTestId('standing-formula')).toContainText('a rejection never lowers it');

  // Charts render as SVG with data.
  await expect(rewards.chart('Earnings over time').locator('svg .recharts-area-area').first()).toHaveAttribute('d', /\d/);
  await expect(rewards.chart('Earnings per Datanet').locator('svg .recharts-bar-rectangle')).toHaveCount(1);

  // The trail: every paid amount on its file's row, linked to the item and its submission.
  for (const [contentHash, amount] of chain.paid) {
    const row = rewards.trailRow(contentHash);
    await expect(row).toHaveCount(1);
    await expect(row.locator('td[data-amount]')).toHaveAttribute('data-amount', amount.toString());
    await expect(row.locator('[data-verdict]')).toHaveAttribute('data-verdict', 'accepted');
    await expect(row.getByRole('button', { name: /Open item note-[123]\.txt/ })).toBeVisible();
  }
  const rejected = rewards.trail().locator('tr', { has: page.locator('[data-verdict="rejected"]') });
  await expect(rejected).toHaveCount(1);
  await expect(rejected).toContainText('note-4.txt');
  await expect(rejected).toContainText('duplicate');
  await expect(rejected.locator('td[data-amount]')).toHaveAttribute('data-amount', '0');

  // What-if for a planned batch.
  await page.getByRole('radio', { name: 'Submissions on a day' }).check();
  await page.getByRole('button', { name: 'Project' }).click();
  await expect(page.getByTestId('what-if-result')).toContainText('Standing');

  await page.setViewportSize({ width: 1280, height: 1400 });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // CSV export: one line per payment, amounts in the smallest unit.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.split('\r\n')[0]).toContain('open_paid_wei');
  for (const amount of chain.paid.values()) expect(csv).toContain(`,${amount},`);

  // A file link opens the item in its Datanet's library; a submission link opens the Submit tab at that submission.
  const firstPaid = rewards.trailRow([...chain.paid.keys()][0]!);
  const fileName = (await firstPaid.getByRole('button', { name: /Open item/ }).innerText()).trim();
  await firstPaid.getByRole('button', { name: /Open item/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Cardiology notes' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Library', selected: true })).toBeVisible();
  await expect(page.locator('tr.selected')).toContainText(fileName);
  await rewards.open();
  await rewards.waitForSync();
  await rewards
    .trailRow([...chain.paid.keys()][0]!)
    .getByRole('button', { name: /Open submission/ })
    .click();
  await expect(page.getByRole('tab', { name: 'Submit', selected: true })).toBeVisible();
  await expect(page.locator('tr[aria-current="true"]')).toHaveAttribute('data-status', 'accepted');

  // Restart: the index is kept and the next sync starts after the last indexed block.
  await rewards.open();
  const beforeRestart = await rewards.waitForSync();
  await runEpoch(profile);
  await host.stop();
  host = await startHost(dataDir, host.port);
  await page.goto(host.url);
  await rewards.open();
  const resumed = await rewards.waitForSync();
  expect(resumed.from).toBe(beforeRestart.to + 1);
  const after = await chainFigures(profile, seeded.address);
  const afterTotal = [...after.paid.values()].reduce((s, v) => s + v, 0n);
  expect(afterTotal).toBeGreaterThan(total);
  await expect(page.getByTestId('rewards-earned')).toHaveAttribute('data-amount', afterTotal.toString());
  await expect(page.getByTestId('rewards-balance')).toHaveAttribute('data-amount', after.balance);
});
