import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enforcePrivateModes } from '../../../../electron/services/storage/permissions';
import { TextCache } from '../../../../electron/services/storage/text-cache';
import { createServices } from '../../../../electron/services/wiring';
import { makeTempDir } from '../../../helpers/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});
function tempDir(): string {
  const tmp = makeTempDir();
  cleanups.push(tmp.remove);
  return tmp.dir;
}
/** Runs with a umask for the duration of a test (vitest runs each file in its own process). */
function withUmask(mask: number): void {
  const previous = process.umask(mask);
  cleanups.push(() => process.umask(previous));
}

/** Every directory and file under root (links not followed) with its permission bits. */
function modes(root: string): { path: string; isDirectory: boolean; mode: number }[] {
  const out = [{ path: root, isDirectory: true, mode: statSync(root).mode & 0o777 }];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) continue;
    out.push({ path, isDirectory: stats.isDirectory(), mode: stats.mode & 0o777 });
  }
  return out;
}
/** Another local user's view: no entry may grant group or other anything. */
const loose = (root: string) => modes(root).filter((m) => (m.mode & 0o077) !== 0);
function loosen(root: string): number {
  let n = 0;
  for (const m of modes(root)) {
    chmodSync(m.path, m.isDirectory ? 0o755 : 0o644);
    n++;
  }
  return n;
}

const open = (dataDir: string, warnings: string[]) =>
  createServices({ dataDir, host: 'node', version: 'test', warn: (m) => warnings.push(m) });

describe('data folder permissions', () => {
  it('tightens a 0755/0644 data folder (PGlite files included) at start-up, warns with the counts, and shows them in app.info', async () => {
    const dataDir = tempDir();
    // A data folder as an older version or a careless restore leaves it: everything readable by all.
    withUmask(0o022);
    const first = await open(dataDir, []);
    await first.blobs.put('a'.repeat(64), new Uint8Array([1, 2, 3]));
    await first.close();
    const entries = loosen(dataDir);
    const dbFiles = modes(join(dataDir, 'db')).filter((m) => !m.isDirectory);
    expect(dbFiles.length).toBeGreaterThan(10);
    expect(loose(dataDir).length).toBe(entries);

    // What the hosts do at entry (useOwnerOnlyUmask).
    withUmask(0o077);
    const warnings: string[] = [];
    const services = await open(dataDir, warnings);
    cleanups.push(() => void services.close());
    const report = await services.permissions;
    expect(report.isComplete).toBe(true);
    expect(report.fixedFiles).toBeGreaterThan(dbFiles.length);
    expect(report.fixedDirectories).toBeGreaterThan(3);
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`made ${report.fixedDirectories} directories 0700 and ${report.fixedFiles} files 0600`)),
    ]);
    const info = await services.handlers['app.info']({});
    expect(info.dataFolderPermissions).toEqual({
      fixedDirectories: report.fixedDirectories,
      fixedFiles: report.fixedFiles,
      checked: report.checked,
      isComplete: true,
    });
    // PGlite writes 0666 files whatever the umask; the folder is still owner-only once closed.
    await services.close();
    const after = modes(dataDir);
    expect(after.filter((m) => m.isDirectory).every((m) => m.mode === 0o700)).toBe(true);
    expect(after.filter((m) => !m.isDirectory).every((m) => m.mode === 0o600)).toBe(true);
  });

  it('writes new originals, texts and their folders owner-only even under a permissive umask', async () => {
    const dataDir = tempDir();
    withUmask(0o022);
    const services = await open(dataDir, []);
    cleanups.push(() => void services.close());
    await services.permissions;
    await services.blobs.put('b'.repeat(64), new Uint8Array([4, 5, 6]));
    const texts = new TextCache(join(dataDir, 'texts-new'));
    await texts.put('c'.repeat(64), 'extracted text of a PDF');
    expect(statSync(services.blobs.pathOf('b'.repeat(64))).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'blobs', 'bb')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'texts-new', `${'c'.repeat(64)}.txt`)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'texts-new')).mode & 0o777).toBe(0o700);
    await services.close();
  });

  it('never follows a link out of the folder, stops at its entry budget, and does nothing on Windows', async () => {
    const root = tempDir();
    const outside = tempDir();
    writeFileSync(join(outside, 'shared.txt'), 'not ours to change', { mode: 0o644 });
    chmodSync(join(outside, 'shared.txt'), 0o644);
    chmodSync(outside, 0o755);
    mkdirSync(join(root, 'a'), { mode: 0o755 });
    chmodSync(join(root, 'a'), 0o755);
    for (let i = 0; i < 5; i++) writeFileSync(join(root, 'a', `f${i}`), 'x', { mode: 0o644 });
    symlinkSync(join(outside, 'shared.txt'), join(root, 'a', 'link'));
    symlinkSync(outside, join(root, 'dir-link'));

    expect(await enforcePrivateModes(root, { platform: 'win32' })).toMatchObject({ checked: 0, fixedFiles: 0 });
    expect(statSync(join(root, 'a')).mode & 0o777).toBe(0o755);

    const partial = await enforcePrivateModes(root, { maxEntries: 4 });
    expect(partial.isComplete).toBe(false);
    expect(partial.checked).toBe(4);

    const full = await enforcePrivateModes(root);
    expect(full).toMatchObject({ isComplete: true, skippedLinks: 2, failed: 0 });
    expect(loose(root)).toEqual([]);
    expect(statSync(join(outside, 'shared.txt')).mode & 0o777).toBe(0o644);
    expect(statSync(outside).mode & 0o777).toBe(0o755);
  });
});
