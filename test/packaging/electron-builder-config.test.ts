/**
 * The packaging configuration, checked as far as a machine without an Electron download allows:
 * electron-builder's own validation (its JSON schema, app-builder-lib/scheme.json), the file
 * globs against the built app, and the asar layout the main process relies on.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readBuilderConfig } from './read-builder-config';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
type Config = {
  files: string[];
  asarUnpack: string[];
  extraResources: { from: string; to: string }[];
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
  electronFuses: Record<string, boolean>;
};
const config = readBuilderConfig<Config>(root);

/** electron-builder's glob dialect for what these globs use: `**`, `*`, a leading `!`. */
function matches(glob: string, path: string): boolean {
  const pattern = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\//g, '<DS>')
    .replace(/\*\*/g, '<S>')
    .replace(/\*/g, '[^/]*')
    .replace(/<DS>/g, '(?:.*/)?')
    .replace(/<S>/g, '.*');
  return new RegExp(`^${pattern}$`).test(path);
}

function isPackaged(path: string): boolean {
  let isIn = false;
  for (const glob of config.files) {
    if (glob.startsWith('!')) {
      if (matches(glob.slice(1), path)) isIn = false;
    } else if (matches(glob, path)) isIn = true;
  }
  return isIn;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
    .map((f) => relative(root, f).split(sep).join('/'));
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation, and the validation does reject a broken config', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    const log = { isEnabled: false, add: () => undefined };
    await expect(validateConfiguration(config, log)).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, linux: { target: 'AppImage', icons: 3 } }, log)).rejects.toThrow(/configuration/);
  });

  it('builds AppImage and deb for Linux, dmg for macOS, nsis for Windows, with fuses set', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(Object.keys(config.electronFuses).length).toBeGreaterThanOrEqual(6);
    expect(config.electronFuses.runAsNode).toBe(false);
  });

  it('packages the whole built app (main, workers, preload, renderer) and no source maps or devnet', () => {
    if (!existsSync(join(root, 'out/main/index.js'))) throw new Error('out/ is missing: run `npm run build` first.');
    const built = filesUnder(join(root, 'out'));
    for (const f of built.filter((f) => !f.startsWith('out/devnet/') && !f.endsWith('.map'))) expect(isPackaged(f), f).toBe(true);
    for (const f of built.filter((f) => f.startsWith('out/devnet/') || f.endsWith('.map'))) expect(isPackaged(f), f).toBe(false);
    expect(isPackaged('package.json')).toBe(true);
    for (const f of ['out/main/index.js', 'out/main/embed-worker.js', 'out/preload/index.cjs', 'out/renderer/index.html'])
      expect(built).toContain(f);
  });

  it('unpacks what must be a real file (onnxruntime’s native binding and its shared library, pdf.js assets) and keeps the workers in the asar', () => {
    const unpacked = (path: string) => config.asarUnpack.some((g) => matches(g, path));
    const onnx = filesUnder(join(root, 'node_modules/onnxruntime-node/bin')).filter((f) => f.includes('/linux/x64/'));
    expect(onnx.map((f) => f.split('/').pop())).toEqual(expect.arrayContaining(['onnxruntime_binding.node', 'libonnxruntime.so.1']));
    for (const f of onnx) expect(unpacked(f), f).toBe(true);
    expect(unpacked('node_modules/pdfjs-dist/cmaps/Adobe-Japan1-UCS2.bcmap')).toBe(true);
    expect(unpacked('node_modules/pdfjs-dist/standard_fonts/FoxitSans.pfb')).toBe(true);
    // The workers import packages that stay in the asar; Electron (>= 18) loads worker scripts from it.
    for (const f of filesUnder(join(root, 'out/main')).filter((f) => f.endsWith('.js'))) expect(unpacked(f), f).toBe(false);
    expect(unpacked('node_modules/@huggingface/transformers/package.json')).toBe(false);
  });

  it('ships resources/models as an optional extra resource', () => {
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'resources/models', to: 'models' }));
  });
});
