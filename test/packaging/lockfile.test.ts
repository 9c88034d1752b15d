/**
 * Reproducible installs: `npm ci` must accept the committed lockfile on every platform the app
 * ships for. npm checks that every dependency a package declares (optional per-platform binaries
 * included, such as @foundry-rs/anvil-darwin-arm64) is recorded, whatever the platform it runs on,
 * so a lockfile written on one machine with another's packages pruned breaks installs everywhere.
 * `npm ci --dry-run --offline` runs that check without the network; `.ci/run` also checks that a
 * real `npm install` leaves the lockfile unchanged.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir';

const root = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PLATFORMS = [
  ['linux', 'x64'],
  ['linux', 'arm64'],
  ['darwin', 'x64'],
  ['darwin', 'arm64'],
  ['win32', 'x64'],
  ['win32', 'arm64'],
] as const;

type LockEntry = { optionalDependencies?: Record<string, string>; version?: string };
type Lock = { packages: Record<string, LockEntry> };

const temp = makeTempDir('datanet-desk-lock-');
afterAll(() => temp.remove());

/** Runs `npm ci --dry-run` over a copy of package.json and the given lockfile; the exit status and output. */
function dryRunCi(lock: string, os: string, cpu: string): { ok: boolean; output: string } {
  const dir = join(temp.dir, `${os}-${cpu}-${Math.random().toString(36).slice(2)}`);
  execFileSync('mkdir', ['-p', dir]);
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  writeFileSync(join(dir, 'package-lock.json'), lock);
  try {
    const output = execFileSync(
      npm,
      [
        'ci',
        '--dry-run',
        '--ignore-scripts',
        '--offline',
        '--no-audit',
        '--no-fund',
        `--os=${os}`,
        `--cpu=${cpu}`,
        '--cache',
        join(dir, '.cache'),
      ],
      { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return { ok: true, output };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Where npm would resolve `name` from the package at `from`: its own node_modules, then each parent's. */
function resolveIn(packages: Lock['packages'], from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

const lockText = readFileSync(join(root, 'package-lock.json'), 'utf8');
const lock = JSON.parse(lockText) as Lock;

describe('package-lock.json', () => {
  it('records every optional (per-platform) dependency that any locked package declares', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolveIn(lock.packages, path, name)) missing.push(`${path || '(root)'} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each(PLATFORMS)('npm ci accepts it on %s-%s', (os, cpu) => {
    const run = dryRunCi(lockText, os, cpu);
    expect(run.output).not.toMatch(/in sync|Missing:/);
    expect(run.ok).toBe(true);
  });

  it('npm ci refuses a lockfile that lost one platform package (the check above can fail)', () => {
    const pruned = structuredClone(lock);
    const victim = Object.keys(pruned.packages).find((p) => p.endsWith('/@foundry-rs/anvil-darwin-arm64'));
    expect(victim, 'the lockfile records anvil for Apple silicon').toBeDefined();
    delete pruned.packages[victim!];
    const run = dryRunCi(JSON.stringify(pruned, null, 2), 'linux', 'x64');
    expect(run.ok).toBe(false);
    expect(run.output).toMatch(/Missing: @foundry-rs\/anvil-darwin-arm64/);
  });
});
