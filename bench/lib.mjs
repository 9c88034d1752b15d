import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../shared/seeded-prng.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEVNET_CLI = join(ROOT, 'out/devnet/cli.js');

/** @typedef {import('../shared/network-profile').NetworkProfile} NetworkProfile */
/** @typedef {typeof import('../electron/services/index')} ServicesModule */

/**
 * Prints one figure as a JSON line; a ratio is always against a baseline measured in this run.
 * @param {string} bench
 * @param {string} metric
 * @param {number} value
 * @param {string} unit
 * @param {number} [baseline]
 */
export function report(bench, metric, value, unit, baseline) {
  /** @type {{ bench: string, metric: string, value: number, unit: string, baseline?: number, ratio?: number }} */
  const line = { bench, metric, value: round(value), unit };
  if (baseline !== undefined) {
    line.baseline = round(baseline);
    line.ratio = round(value / baseline);
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** @param {number} x */
function round(x) {
  return Math.round(x * 1000) / 1000;
}

/**
 * The built services (npm run bench builds first), typed by the module the build bundles.
 * @returns {Promise<ServicesModule>}
 */
export async function loadServices() {
  const built = fileURLToPath(new URL('../out/main/services.js', import.meta.url));
  if (!existsSync(built)) throw new Error('Build first: npm run build');
  return import(built);
}

/** @param {string} prefix */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The element at `i` of an array known to hold one there (say, an index modulo its length): the
 * type checker cannot know that, and a wrong index should stop the bench rather than go on with undefined.
 * @template T
 * @param {readonly T[]} xs
 * @param {number} i
 * @returns {T}
 */
export function at(xs, i) {
  if (!Number.isInteger(i) || i < 0 || i >= xs.length) throw new RangeError(`index ${i} is outside 0..${xs.length - 1}`);
  return /** @type {T} */ (xs[i]);
}

/** A deterministic generator so that every run measures the same corpus. */
export const seeded = mulberry32;

/**
 * The devnet (anvil, contracts, validator, signaling) on free loopback ports, with its profile.
 * @param {string} dataDir
 * @returns {Promise<{ profile: NetworkProfile, stop: () => Promise<void> }>}
 */
export async function startDevnet(dataDir) {
  // Built afresh: a stale build would judge submissions with yesterday's policy schema.
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'devnet/vite.config.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0 || !existsSync(DEVNET_CLI)) throw new Error('could not build the devnet');
  const child = spawn(process.execPath, [DEVNET_CLI, '--data-dir', dataDir, '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = await /** @type {Promise<string>} */ (
    new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the devnet exited (${code})`)));
    })
  );
  /** @type {{ profile: NetworkProfile }} */
  const { profile } = JSON.parse(line);
  return {
    profile,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}
