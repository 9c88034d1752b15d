import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Wallet } from 'ethers';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { countContributions, freeDevnetPort, startBuiltDevnet, type RunningDevnet } from './devnet';
import { startHost, type RunningHost } from './host';
import { AnonymisePage } from './pages/AnonymisePage';
import { SubmitPage } from './pages/SubmitPage';
import type * as ServicesModule from '../../electron/services/index';

const SERVICES = pathToFileURL(fileURLToPath(new URL('../../out/main/services.js', import.meta.url))).href;
const CLI = fileURLToPath(new URL('../../bin/datanet-desk.js', import.meta.url));
const PASSPHRASE = 'correct horse battery staple';

const NOTES = [
  'Patient [PERSON_1] presented with a persistent dry cough and low grade fever for three days. Chest auscultation revealed scattered wheezing. Prescribed a salbutamol inhaler and advised rest.',
  'Follow up visit for type 2 diabetes mellitus. HbA1c improved from 8.1 to 7.2 percent on metformin twice daily. Discussed diet, regular exercise and daily foot inspection.',
  'Admitted via the emergency department with acute right lower quadrant abdominal pain and rebound tenderness. Ultrasound consistent with appendicitis; laparoscopic appendectomy performed.',
];

/**
 * The library as imported: three raw notes in each of two Datanets (the second with a small
 * quota). They are anonymised through the app's own review UI by {@link anonymiseNotes}.
 */
async function seedLibrary(dataDir: string): Promise<void> {
  const { createServices } = (await import(SERVICES)) as typeof ServicesModule;
  const s = await createServices({ dataDir, host: 'node', version: 'e2e', submission: { isAutomatic: false } });
  try {
    const notes = await s.datanets.create({ name: 'Cardiology notes', domain: 'clinical', description: 'Anonymised clinical notes.' });
    const small = await s.datanets.create({ name: 'Small quota', domain: 'clinical', description: 'Anonymised clinical notes.' });
    await s.datanets.update({ id: small.id, policy: { ...small.policy, quota: { ...small.policy.quota, bytesPerDay: 400 } } });
    for (const datanet of [notes, small]) {
      for (const [i, text] of NOTES.entries()) {
        const raw = text.replace('[PERSON_1]', 'John Smith');
        const { itemId } = await s.library.importBytes({
          datanetId: datanet.id,
          name: `note-${i + 1}.txt`,
          bytes: new TextEncoder().encode(`${raw}\n`),
        });
        if (!itemId) throw new Error('import failed');
      }
    }
  } finally {
    await s.close();
  }
}

/** Anonymises the open Datanet's three notes in the item detail's Anonymise tab: detect, review as detected, export. */
async function anonymiseNotes(page: Page): Promise<void> {
  const anon = new AnonymisePage(page);
  await page.getByRole('tab', { name: 'Library' }).click();
  for (const [i, text] of NOTES.entries()) {
    await anon.anonymiseAsDetected(`note-${i + 1}.txt`);
    if (text.includes('[PERSON_1]')) await expect(anon.report().locator('tr[data-type="PERSON"] .replaced')).toHaveText('1');
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

/** A devnet of its own (on `port`, or free ports), the library seeded, and the host started on the test's data folder. */
async function start(dataDir: string, port = 0): Promise<{ profilePath: string }> {
  devnetDir = mkdtempSync(join(tmpdir(), 'datanet-desk-e2e-devnet-'));
  devnet = await startBuiltDevnet(join(devnetDir, 'chain'), port);
  const profilePath = join(devnetDir, 'profile.json');
  writeFileSync(profilePath, JSON.stringify(devnet.profile));
  await seedLibrary(dataDir);
  host = await startHost(dataDir);
  return { profilePath };
}

test('submit 3 anonymised files: signed after a prompt, attested and accepted; an over-quota selection is planned across days', async ({
  page,
  dataDir,
}) => {
  const { profilePath } = await start(dataDir);
  await page.goto(host!.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Cardiology notes' })).toBeVisible();
  await anonymiseNotes(page);
  const submit = new SubmitPage(page);
  await submit.open();
  await submit.loadNetworkProfile(profilePath, 'devnet');
  const address = await submit.createWallet(PASSPHRASE);

  await submit.selectAll();
  await expect(submit.readyBadges()).toHaveCount(3);
  await expect(page.getByTestId('quota-left')).toContainText('Left today');
  await expect(page.getByTestId('quota-left')).toContainText('UTC');

  const dialog = await submit.review();
  // What is signed, in words and fields, before anything is signed.
  await expect(dialog).toContainText('You are about to sign a submission of 3 files');
  await expect(dialog.getByRole('table', { name: 'Manifest fields' })).toContainText(address);
  await expect(dialog.getByRole('table', { name: 'File 3' })).toContainText('anonymisationReportHash');
  await submit.sign(dialog);

  await expect(submit.queueRows()).toHaveCount(1);
  await expect(submit.queueRows().first().getByText('Accepted', { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(submit.queueRows().first()).toContainText('score');
  expect(await countContributions(devnet!.profile, address)).toBe(1);

  // The other Datanet allows 400 bytes a day: three notes do not fit, and are planned across days.
  await page
    .getByRole('navigation')
    .getByRole('button', { name: /Small quota/ })
    .click();
  await anonymiseNotes(page);
  await submit.open();
  await submit.selectAll();
  const plan = page.getByLabel('Plan across days');
  await expect(plan).toContainText("does not fit today's quota");
  await expect(plan.locator('li')).toHaveCount(2);
  await expect(submit.reviewButton()).toBeDisabled();
  await plan.getByRole('button', { name: 'Select this batch' }).click();
  await expect(submit.readyBadges()).toHaveCount(2);
  await expect(submit.reviewButton()).toBeEnabled();
});

test('kill the host during a submission, restart: the submission finishes and exactly one attestation reaches the chain', async ({
  page,
  dataDir,
}) => {
  const { profilePath } = await start(dataDir);
  await page.goto(host!.url);
  await anonymiseNotes(page);
  const submit = new SubmitPage(page);
  await submit.open();
  await submit.loadNetworkProfile(profilePath, 'devnet');
  const address = await submit.createWallet(PASSPHRASE);
  await submit.selectAll();
  await expect(submit.readyBadges()).toHaveCount(3);
  await submit.sign(await submit.review());

  // Killed while the queue is at work (funding, attesting, sending): no clean shutdown.
  await host!.stop('SIGKILL');
  host = await startHost(dataDir, host!.port);
  // The new run has a new session key: the old tab's cookie no longer opens it.
  await page.goto(host.url);
  await submit.open();
  await expect(submit.queueRows()).toHaveCount(1);
  // After a restart the keystore is locked: unlocking lets the queue go on.
  const row = submit.queueRows().first();
  if (!(await row.getByText('Accepted', { exact: true }).isVisible())) await submit.unlockWallet(PASSPHRASE);
  await expect(row.getByText('Accepted', { exact: true })).toBeVisible({ timeout: 60_000 });
  expect(await countContributions(devnet!.profile, address)).toBe(1);
});

test('offline: a submission signed while the devnet is down waits, goes out when it is back, and its attestation verifies with the EAS SDK', async ({
  page,
  dataDir,
}) => {
  // Two devnet starts and a retry with backoff (at most 30 s apart) take longer than one submission.
  test.setTimeout(240_000);
  const port = await freeDevnetPort();
  const { profilePath } = await start(dataDir, port);
  const profile = devnet!.profile;
  await page.goto(host!.url);
  await anonymiseNotes(page);
  const submit = new SubmitPage(page);
  await submit.open();
  await submit.loadNetworkProfile(profilePath, 'devnet');
  const address = await submit.createWallet(PASSPHRASE);

  await devnet!.stop();
  devnet = undefined;
  await submit.selectAll();
  await expect(submit.readyBadges()).toHaveCount(3);
  await submit.sign(await submit.review());

  // Signed and attested off-chain at once, without a network; then it waits.
  const row = submit.queueRows().first();
  await expect(row).toHaveAttribute('data-status', 'attested_offchain');
  await expect(row.locator('.waiting')).toHaveAttribute('data-code', 'unavailable', { timeout: 30_000 });
  const offchainUid = await row.locator('[title^="0x"]').first().getAttribute('title');
  expect(offchainUid).toMatch(/^0x[0-9a-f]{64}$/);

  devnet = await startBuiltDevnet(join(devnetDir!, 'chain'), port);
  expect(devnet.profile.rpcUrl).toBe(profile.rpcUrl);
  // No click: the queue's own retries find the network again.
  await expect(row.getByText('Accepted', { exact: true })).toBeVisible({ timeout: 120_000 });
  expect(await countContributions(devnet.profile, address)).toBe(1);

  // The attestation as exported from the app is the EAS shareable package; the official SDK,
  // configured from the network profile (not from what the package claims), verifies it.
  const download = page.waitForEvent('download');
  await row.getByRole('button', { name: 'Export attestation' }).click();
  const exported = await (await download).path();
  const pkg = JSON.parse(readFileSync(exported, 'utf8')) as {
    signer: string;
    sig: { uid: string; types: unknown; message: Record<string, unknown> };
  };
  expect(pkg.signer).toBe(address);
  expect(pkg.sig.uid).toBe(offchainUid);
  const { easSdk } = await import('../../electron/services/chain/eas-sdk');
  const offchain = new easSdk.Offchain(
    { address: profile.contracts.eas, version: profile.easVersion ?? '', chainId: BigInt(profile.chainId) },
    easSdk.OffchainAttestationVersion.Version2,
    new easSdk.EAS(profile.contracts.eas),
  );
  const attestation = { ...pkg.sig, version: 2, types: pkg.sig.types as never, message: { ...pkg.sig.message, version: 2 } as never };
  expect(offchain.verifyOffchainAttestationSignature(address, attestation as never)).toBe(true);
  expect(offchain.verifyOffchainAttestationSignature(Wallet.createRandom().address, attestation as never)).toBe(false);
  // The command line says the same, in its documented shape.
  const cli = spawnSync(process.execPath, [CLI, 'verify-attestation', exported], { encoding: 'utf8' });
  expect(cli.status).toBe(0);
  expect(JSON.parse(cli.stdout)).toEqual({ valid: true, signer: address, uid: offchainUid });
});
