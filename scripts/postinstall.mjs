// Electron ships its binary through an install script that downloads it. Where that download
// cannot happen (air-gapped or registry-only machines), npm drops the optional `electron`
// package; this puts back its JavaScript and type definitions (no binary) so that the Electron
// code still type-checks and builds, and `npm run web` serves the same app through the Node host.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = pkg.optionalDependencies?.electron;
const target = join(root, 'node_modules', 'electron');

if (version && !existsSync(join(target, 'electron.d.ts'))) {
  const work = mkdtempSync(join(tmpdir(), 'electron-pkg-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const out = execFileSync(npm, ['pack', `electron@${version}`, '--json', '--pack-destination', work], {
      cwd: work,
      encoding: 'utf8',
    });
    const [{ filename }] = JSON.parse(out);
    execFileSync('tar', ['-xzf', join(work, filename), '-C', work]);
    rmSync(target, { recursive: true, force: true });
    execFileSync(process.platform === 'win32' ? 'xcopy' : 'cp', ['-r', join(work, 'package'), target]);
    console.log(`electron ${version}: binary unavailable on this machine; installed its types only. Use \`npm run web\`.`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Build once so that the `datanet-desk` command works right after `npm install`.
try {
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
} catch {
  console.warn('datanet-desk: the build failed; run `npm run build` to see why. The install itself is complete.');
}
