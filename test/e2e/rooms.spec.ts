import { chromium, type Browser, type Page } from '@playwright/test';
import { Wallet } from 'ethers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../../electron/services/wiring';
import { REVIEW_DOMAIN, VOTE_EIP712_TYPES, voteMessage } from '../../shared/review/eip712';
import { parseInvite } from '../../shared/review/invite';
import type { NetworkProfile } from '../../shared/network-profile';
import { RoomPeer } from '../helpers/room-peer/index';
import { startBuiltDevnet, type RunningDevnet } from './devnet';
import { CHROMIUM_ARGS, CHROMIUM_PATH, expect, test } from './fixtures';
import { startHost, type RunningHost } from './host';
import { createNetns, type Netns } from './netns';
import { AppPage } from './pages/AppPage';
import { ReviewPage } from './pages/ReviewPage';

/**
 * Review rooms between two separate Chromium processes (two browsers, not two tabs: tabs would
 * sync through BroadcastChannel). Everything runs inside a network namespace this test creates
 * (test/e2e/netns.ts): the devnet with its signaling server, both hosts, both browsers and a
 * third, hostile peer. Playwright drives the browsers over pipes, which cross namespaces.
 */
const PASSPHRASE = 'e2e-rooms-passphrase';

let netns: Netns;
let devnet: RunningDevnet;
const dirs: string[] = [];
const browsers: Browser[] = [];
const hosts: RunningHost[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A data folder with a Datanet, a wallet, the devnet's profile and, for A, notes (three anonymised, one raw). */
async function seed(dataDir: string, profile: NetworkProfile, withItems: boolean): Promise<string> {
  const s = await createServices({
    dataDir,
    host: 'node',
    version: 'e2e',
    submission: { environmentPassphrase: () => PASSPHRASE, isAutomatic: false },
  });
  try {
    const { address } = await s.wallet.create({});
    await s.network.setProfileJson(JSON.stringify(profile));
    const d = await s.datanets.create({ name: 'Cardiology', domain: '', description: '' });
    if (withItems) {
      for (let i = 1; i <= 4; i++) {
        const imported = await s.library.importBytes({
          datanetId: d.id,
          name: `note-${i}.txt`,
          bytes: new TextEncoder().encode(`Patient Maria Lopez${i} (MRN 55${i}0231) seen on 2024-02-0${i}.`),
        });
        if (i <= 3) {
          await s.versions.create({
            itemId: imported.itemId as string,
            kind: 'anonymised',
            content: { kind: 'text', text: `Patient [PERSON_1] (MRN [MRN_1]) seen on [DATE_1]. Note ${i}.` },
            report: { counts: { PERSON: 1, MRN: 1, DATE: 1 } },
          });
        }
      }
    }
    return address;
  } finally {
    await s.close();
  }
}

async function launch(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: netns.wrapperFor(CHROMIUM_PATH),
    // Host candidates as plain addresses: mDNS names would need a responder the namespace lacks.
    args: [...CHROMIUM_ARGS, '--disable-features=WebRtcHideLocalIpsWithMdns'],
    headless: true,
  });
  browsers.push(browser);
  return browser;
}

async function host(dataDir: string, port = 0): Promise<RunningHost> {
  const h = await startHost(dataDir, port, { DATANET_DESK_PASSPHRASE: PASSPHRASE }, netns.wrap);
  hosts.push(h);
  return h;
}

async function openReview(page: Page, url: string): Promise<ReviewPage> {
  await new AppPage(page).open(url);
  const review = new ReviewPage(page);
  await review.open();
  return review;
}

test.beforeAll(async () => {
  netns = await createNetns();
  devnet = await startBuiltDevnet(tempDir('datanet-desk-rooms-devnet-'), 0, netns.wrap);
});

test.afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => undefined);
  for (const h of hosts) await h.stop();
  await devnet?.stop();
  await netns?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('two browsers review in a room: offline votes merge, a restart keeps the room, a forged vote is rejected', async () => {
  test.setTimeout(300_000);
  const dataA = tempDir('datanet-desk-rooms-a-');
  const dataB = tempDir('datanet-desk-rooms-b-');
  const addressA = await seed(dataA, devnet.profile, true);
  await seed(dataB, devnet.profile, false);
  let hostA = await host(dataA);
  const hostB = await host(dataB);
  let pageA = await (await launch()).newPage();
  const pageB = await (await launch()).newPage();
  let a = await openReview(pageA, hostA.url);
  const b = await openReview(pageB, hostB.url);

  // A creates a room and shares: the raw note is refused, the three anonymised ones go in.
  await a.createRoom('Weekly review');
  const refused = await a.share(['note-4.txt']);
  await expect(refused.locator('.error-note')).toHaveAttribute('data-code', 'not_anonymised');
  await refused.getByRole('button', { name: 'Cancel' }).click();
  await a.share(['note-1.txt', 'note-2.txt', 'note-3.txt']);
  await expect(a.queueItems()).toHaveCount(3);
  const invite = await a.invite();

  // B joins by invitation and receives the items over WebRTC; each sees the other online.
  await b.joinRoom(invite);
  await expect(b.queueItems()).toHaveCount(3, { timeout: 60_000 });
  await expect(b.room().getByRole('heading', { level: 2, name: 'Weekly review' })).toBeVisible();
  await expect(a.connection()).toContainText('1 peer connected', { timeout: 30_000 });
  await expect(b.connection()).toContainText('1 peer connected');
  await expect(b.room().getByRole('list', { name: 'Who is here' }).getByRole('listitem')).toHaveCount(2);
  const itemB = await b.selectItem(0);
  await expect(itemB.getByRole('textbox', { name: /Anonymised text/ })).toHaveValue(/\[PERSON_1\]/);
  await expect(b.room()).not.toContainText('Lopez');

  // B goes offline and votes; A votes meanwhile and does not see B's votes.
  await b.setOffline(true);
  await expect(b.connection()).toContainText('Offline');
  await expect(a.connection()).toContainText('0 peers connected', { timeout: 30_000 });
  await b.vote('accept', 'identifiers removed');
  await b.selectItem(1);
  await b.vote('reject', 'the note number could identify the visit');
  await a.selectItem(0);
  await a.vote('accept', 'looks clean');
  await expect(a.queueItems().nth(0)).toContainText('1 vote');
  await expect(b.queueItems().nth(0)).toContainText('1 vote');

  // B reconnects: both converge; item 1 has two accepts and is decided under the default rule.
  await b.setOffline(false);
  await expect(a.queueItems().nth(0)).toContainText('Accepted · 2 votes', { timeout: 60_000 });
  await expect(b.queueItems().nth(0)).toContainText('Accepted · 2 votes', { timeout: 30_000 });
  await expect(a.queueItems().nth(1)).toContainText('1 vote');
  await expect(a.room().getByTestId('room-alpha')).toHaveText(await b.room().getByTestId('room-alpha').innerText());

  // A forged vote from a third peer: A's address, someone else's signature.
  const { roomName, password } = parseInvite(invite);
  const mallory = await RoomPeer.start({ load: async () => [], append: async () => undefined }, netns.wrap);
  try {
    await mallory.open({ roomName, password, signalingUrls: devnet.profile.signalingUrls, name: 'Mallory', address: null });
    const itemKey = (await expectItemKey(mallory, 1))!;
    const signer = Wallet.createRandom();
    const message = { roomName, itemKey, vote: 'accept' as const, reason: 'forged', signedAt: Date.now() };
    const signature = await signer.signTypedData(REVIEW_DOMAIN, VOTE_EIP712_TYPES, voteMessage(message));
    await mallory.rawVote({ itemKey, reviewer: addressA, vote: 'accept', reason: 'forged', signedAt: message.signedAt, signature });
    for (const peer of [a, b]) {
      await expect(peer.queueItems().nth(1)).toContainText('1 invalid', { timeout: 60_000 });
      await expect(peer.queueItems().nth(1)).toContainText('Open · 1 vote');
    }
    const itemA = await a.selectItem(1);
    await expect(itemA.locator('.vote.invalid')).toContainText('invalid signature · not counted');
  } finally {
    await mallory.close();
  }

  // A restarts alone (browser and host): the room is as it was, from A's own stored updates.
  await pageB.context().browser()?.close();
  await pageA.context().browser()?.close();
  await hostA.stop();
  hostA = await host(dataA, hostA.port);
  pageA = await (await launch()).newPage();
  a = await openReview(pageA, hostA.url);
  await a.openRoom('Weekly review');
  await expect(a.queueItems()).toHaveCount(3);
  await expect(a.queueItems().nth(0)).toContainText('Accepted · 2 votes');
  await expect(a.queueItems().nth(1)).toContainText('Open · 1 vote · 1 invalid');
  await expect(a.connection()).toContainText('0 peers connected');

  // What A's window sent to peers and to signaling is in A's audit log (hashes and sizes only).
  await pageA.context().browser()?.close();
  await hostA.stop();
  const s = await createServices({ dataDir: dataA, host: 'node', version: 'e2e', submission: { isAutomatic: false } });
  try {
    for (const channel of ['review-peer', 'review-signaling'] as const) {
      expect((await s.audit.list({ channel, limit: 1 })).total).toBeGreaterThan(0);
    }
  } finally {
    await s.close();
  }
});

async function expectItemKey(peer: RoomPeer, index: number): Promise<string | undefined> {
  await expect.poll(async () => (await peer.summary()).items.length, { timeout: 60_000 }).toBe(3);
  return (await peer.summary()).items[index]?.key;
}
