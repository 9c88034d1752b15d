import type { Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSignaling, type SignalingServer } from '../../devnet/signaling';
import { connectSrc } from '../helpers/csp';
import { expect, test } from './fixtures';
import { AppPage } from './pages/AppPage';
import { ReviewPage } from './pages/ReviewPage';
import { SubmitPage } from './pages/SubmitPage';

/**
 * The page's connect-src in real Chromium against the built Node host: a WebSocket reaches the
 * selected network's signaling server and nothing else, and a new profile's servers become
 * reachable only after the reload the app asks for.
 */
const PROFILE = {
  chainId: 31337,
  rpcUrl: 'http://127.0.0.1:9/',
  contracts: {
    eas: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    schemaRegistry: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    token: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
    rewards: '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9',
  },
  schemas: { contribution: `0x${'11'.repeat(32)}`, verdict: `0x${'22'.repeat(32)}` },
  validatorUrl: 'http://127.0.0.1:9/',
  easVersion: '1.4.0',
};

/** Opens a WebSocket from the page: 'open', 'blocked' (a CSP violation was reported for it) or 'error'. */
function tryConnect(page: Page, url: string): Promise<string> {
  return page.evaluate(
    (target) =>
      new Promise<string>((resolve) => {
        let isBlocked = false;
        const origin = new URL(target).origin;
        document.addEventListener('securitypolicyviolation', (e) => {
          if (e.effectiveDirective === 'connect-src' && e.blockedURI.startsWith(origin)) isBlocked = true;
        });
        const ws = new WebSocket(target);
        ws.onopen = () => {
          ws.close();
          resolve('open');
        };
        ws.onerror = () => setTimeout(() => resolve(isBlocked ? 'blocked' : 'error'), 200);
      }),
    url,
  );
}

let signalA: SignalingServer;
let signalB: SignalingServer;
let dir: string;

test.beforeAll(async () => {
  signalA = await startSignaling(0);
  signalB = await startSignaling(0);
  dir = mkdtempSync(join(tmpdir(), 'datanet-desk-csp-'));
});

test.afterAll(async () => {
  await signalA?.stop();
  await signalB?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('connect-src allows only the selected network’s signaling server, and a changed profile applies after reload', async ({
  page,
  host,
}) => {
  const profileFile = (name: string, signalingUrl: string): string => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify({ ...PROFILE, name, signalingUrls: [signalingUrl] }));
    return path;
  };
  const first = await page.goto(host.url);
  // The printed address carries the session key; the host trades it for a cookie and redirects to the page without it.
  const pageUrl = new URL('/', host.url).href;
  expect(page.url()).toBe(pageUrl);
  expect(connectSrc((await first?.allHeaders())?.['content-security-policy'] ?? '')).toEqual(["'self'"]);
  const app = new AppPage(page);
  await expect(page.getByText('Datanet Desk').first()).toBeVisible();
  await app.createDatanet('Cardiology');
  // No network yet: the page's own host answers ('self' covers its ws:), nothing else does.
  await expect(page.getByRole('heading', { level: 1, name: 'Cardiology' })).toBeVisible();
  expect(await tryConnect(page, signalA.url)).toBe('blocked');

  // Network A: the app asks for a reload; after it, A is reachable and B is not.
  const submit = new SubmitPage(page);
  await submit.open();
  await submit.loadNetworkProfile(profileFile('network-a', signalA.url), 'network-a');
  await expect(submit.reloadNeeded()).toBeVisible();
  const [reloaded] = await Promise.all([
    page.waitForResponse((r) => r.url() === pageUrl),
    submit.reloadNeeded().getByRole('button', { name: 'Reload now' }).click(),
  ]);
  expect(connectSrc((await reloaded.allHeaders())['content-security-policy'] ?? '')).toEqual(["'self'", new URL(signalA.url).origin]);
  await expect(page.getByRole('heading', { level: 1, name: 'Cardiology' })).toBeVisible();
  expect(await tryConnect(page, signalA.url)).toBe('open');
  expect(await tryConnect(page, signalB.url)).toBe('blocked');

  // Network B without reloading: a room cannot reach B's server and says to reload.
  await submit.open();
  await submit.loadNetworkProfile(profileFile('network-b', signalB.url), 'network-b');
  await expect(submit.reloadNeeded()).toBeVisible();
  const review = new ReviewPage(page);
  await review.open();
  await review.createRoom('Weekly review');
  await expect(review.connection()).toContainText('reload it after changing the network profile');
  await Promise.all([
    page.waitForResponse((r) => r.url() === pageUrl),
    review.room().getByRole('button', { name: 'Reload window' }).click(),
  ]);
  await expect(page.getByRole('heading', { level: 1, name: 'Cardiology' })).toBeVisible();

  // After the reload the room connects to B, and A is now refused.
  await review.open();
  await review.openRoom('Weekly review');
  await expect(review.connection()).toContainText('Online · 0 peers connected');
  expect(await tryConnect(page, signalB.url)).toBe('open');
  expect(await tryConnect(page, signalA.url)).toBe('blocked');
});
