import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
// The YAML reader electron-builder itself uses for electron-builder.yml, so the test reads the
// file exactly as packaging does.
const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'));
const yaml = builderRequire('js-yaml') as { load(text: string): unknown };

/** electron-builder.yml of the repository at `root`, parsed. */
export function readBuilderConfig<T>(root: string): T {
  return yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as T;
}
