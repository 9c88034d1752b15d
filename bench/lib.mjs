import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../shared/seeded-prng.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEVNET_CLI = join(ROOT, 'out/devnet/cli.js');

/** Prints one figure as a JSON line; a ratio is always against a baseline measured in this run. */
export function report(bench, metric, value, unit, baseline) {
  const line = { bench, metric, value: round(value), unit };
  if (baseline !== undefined) {
    line.baseline = round(baseline);
    line.ratio = round(value / baseline);
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function round(x) {
  return Math.round(x * 1000) / 1000;
}

/** The built services (npm run bench builds first). */
export async function loadServices() {
  const built = fileURLToPath(new URL('../out/main/services.js', import.meta.url));
  if (!existsSync(built)) throw new Error('Build first: npm run build');
  return import(built);
}

export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A deterministic generator so that every run measures the same corpus. */
export const seeded = mulberry32;

/** The devnet (anvil, contracts, validator, signaling) on free loopback ports, with its profile. */
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
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the devnet exited (${code})`)));
  });
  const { profile } = JSON.parse(line);
  return {
    profile,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGINT');
      }),
  };
}
