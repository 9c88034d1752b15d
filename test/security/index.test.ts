/**
 * The security index (test/security/README.md) is the one list of attack tests; this keeps it
 * true: every file it names exists, and `npm run test:security` runs exactly its vitest files and
 * its Playwright specs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const index = readFileSync(join(root, 'test/security/README.md'), 'utf8');
const listed = [...new Set([...index.matchAll(/`(test\/[^`]+\.(?:test|spec)\.ts)`/g)].map((m) => m[1] as string))];
const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
  'test:security'
];

describe('the security test index', () => {
  it('names only files that exist', () => {
    expect(listed.length).toBeGreaterThan(20);
    expect(listed.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });

  it('is what npm run test:security runs', () => {
    expect(script).toBeDefined();
    const run = new Set(
      (script ?? '')
        .split(/\s+/)
        .filter((w) => /\.(test|spec)\.ts$/.test(w))
        .filter((w) => w !== 'test/security/index.test.ts'),
    );
    const asRun = (path: string) => (path.startsWith('test/e2e/') ? path.slice('test/e2e/'.length) : path);
    expect([...run].sort()).toEqual(listed.map(asRun).sort());
  });
});
