import { test as base, chromium, type Browser } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost, type RunningHost } from './host';

/** Debian's Chromium, with the flags that keep it off every network but the test's own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

type Fixtures = { dataDir: string; host: RunningHost & { restart(): Promise<RunningHost> } };

export const test = base.extend<Fixtures, { sharedBrowser: Browser }>({
  sharedBrowser: [
    async ({}, use) => {
      const browser = await launchChromium();
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  browser: async ({ sharedBrowser }, use) => use(sharedBrowser),
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'datanet-desk-e2e-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  host: async ({ dataDir }, use) => {
    let current = await startHost(dataDir);
    const handle = {
      get url() {
        return current.url;
      },
      get port() {
        return current.port;
      },
      get process() {
        return current.process;
      },
      stop: (signal?: NodeJS.Signals) => current.stop(signal),
      async restart() {
        await current.stop();
        current = await startHost(dataDir, current.port);
        return current;
      },
    };
    await use(handle);
    await current.stop();
  },
});

export { expect } from '@playwright/test';
