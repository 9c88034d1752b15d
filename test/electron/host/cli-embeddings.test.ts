import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireEmbedWorker, requireTestModel } from '../../helpers/embedding-model';
import { makeTempDir } from '../../helpers/temp-dir';

const BIN = fileURLToPath(new URL('../../../bin/datanet-desk.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../../out/main/cli.js', import.meta.url));
const tmp = makeTempDir();
const dataDir = join(tmp.dir, 'data');

type Run = { code: number; lines: Record<string, unknown>[] };

function cli(env: Record<string, string | undefined>, ...args: string[]): Promise<Run> {
  const { DATANET_DESK_MODEL_DIR: _ignored, ...base } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, '--data-dir', dataDir, ...args],
      { env: { ...base, ...env }, maxBuffer: 10_000_000 },
      (error, stdout) => {
        const lines = stdout
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, lines });
      },
    );
  });
}

let model = '';
beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error('The CLI is not built: run `npm run build` first (npm test does).');
  requireEmbedWorker();
  model = requireTestModel();
});
afterAll(() => tmp.remove());

describe('datanet-desk embed and search', () => {
  let datanetId = '';

  it('embed prints progress lines, then a result line; a second run skips what did not change', async () => {
    const created = await cli({}, 'datanet', 'create', '--name', 'Notes', '--description', 'ward notes');
    datanetId = (created.lines[0] as { id: string }).id;
    const files = ['alpha beta gamma delta epsilon', 'zeta eta theta iota kappa lambda'].map((text, i) => {
      const file = join(tmp.dir, `n${i}.txt`);
      writeFileSync(file, `${text} `.repeat(40));
      return file;
    });
    expect((await cli({}, 'import', '--datanet', datanetId, ...files)).code).toBe(0);

    const first = await cli({}, 'embed', '--datanet', datanetId, '--model', model);
    expect(first.code).toBe(0);
    const result = first.lines.at(-1)!;
    expect(result).toMatchObject({ itemsTotal: 2, embedded: 2, skipped: 0, cancelled: false, modelId: 'random-minilm-l6', failed: [] });
    const progress = first.lines.slice(0, -1);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatchObject({ phase: 'loading', datanetId });
    expect(progress.at(-1)).toMatchObject({ phase: 'finished', itemsDone: 2, itemsTotal: 2 });

    // The model can also come from the environment.
    const again = await cli({ DATANET_DESK_MODEL_DIR: model }, 'embed');
    expect(again.lines.at(-1)).toMatchObject({ embedded: 0, skipped: 2 });
  });

  it('search prints one line per hit, nearest first', async () => {
    const { code, lines } = await cli({}, 'search', '--datanet', datanetId, '--query', 'alpha beta gamma', '--k', '2', '--model', model);
    expect(code).toBe(0);
    expect(lines).toHaveLength(2);
    for (const hit of lines) expect(Object.keys(hit).sort()).toEqual(['chunkIndex', 'datanetId', 'distance', 'itemId', 'name', 'snippet']);
    expect(lines[0]!.distance as number).toBeLessThanOrEqual(lines[1]!.distance as number);
  });

  it('refuses a missing option or an absent model with an error object and a non-zero exit', async () => {
    expect(await cli({}, 'search', '--query', 'x', '--model', model)).toEqual({
      code: 1,
      lines: [{ error: { code: 'invalid_input', message: '--datanet ID is required.' } }],
    });
    const noModel = await cli({}, 'embed', '--datanet', datanetId);
    expect(noModel.code).toBe(1);
    expect(noModel.lines.at(-1)).toEqual({ error: { code: 'unavailable', message: expect.stringContaining('Xenova/all-MiniLM-L6-v2') } });
  });
});
