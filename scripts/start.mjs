// `npm start`: opens the desktop app from the fresh build. Where no Electron binary could be
// installed (air-gapped or registry-only machines), says so and points to `npm run web`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let electronPath;
try {
  electronPath = require('electron');
} catch {
  electronPath = undefined;
}
if (typeof electronPath !== 'string' || !existsSync(electronPath)) {
  console.error(
    'The Electron binary is not installed on this machine (its download was not possible).\n' +
      'Run the same app in your browser instead:  npm run web',
  );
  process.exit(1);
}
const child = spawn(electronPath, ['.'], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
