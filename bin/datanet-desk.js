#!/usr/bin/env node
// The command line runs the built services; `npm install` builds them (postinstall), and
// `npm run build` rebuilds them after a change.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stdout.write(
    `${JSON.stringify({ error: { code: 'unavailable', message: 'Datanet Desk is not built yet: run `npm run build` in its folder.' } })}\n`,
  );
  process.exit(1);
}
await import(cli.href);
