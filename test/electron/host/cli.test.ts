import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/temp-dir';

const BIN = fileURLToPath(new URL('../../../bin/datanet-desk.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../../out/main/cli.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures/import', import.meta.url));
const tmp = makeTempDir();
const dataDir = join(tmp.dir, 'data');

function cli(...args: string[]): Promise<{ code: number; lines: unknown[]; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, '--data-dir', dataDir, ...args], { maxBuffer: 10_000_000 }, (error, stdout, stderr) => {
      const lines = stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as unknown);
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, lines, stderr });
    });
  });
}

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error('The CLI is not built: run `npm run build` first (npm test does).');
});
afterAll(() => tmp.remove());

describe('datanet-desk command line', () => {
  let datanetId = '';

  it('datanet create prints {id, name, policy}', async () => {
    const { code, lines } = await cli('datanet', 'create', '--name', 'Oncology notes');
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    const d = lines[0] as { id: string; name: string; policy: { quota: { bytesPerDay: number } } };
    expect(Object.keys(d).sort()).toEqual(['id', 'name', 'policy']);
    expect(d.name).toBe('Oncology notes');
    expect(d.policy.quota.bytesPerDay).toBe(10_000_000);
    datanetId = d.id;
  });

  it('datanet create --policy applies a policy file, and a bad one prints an error object and exits non-zero', async () => {
    const good = join(tmp.dir, 'policy.json');
    writeFileSync(good, JSON.stringify({ acceptedTypes: ['csv'], quota: { filesPerDay: 20 } }));
    const ok = await cli('datanet', 'create', '--name', 'Registry', '--policy', good);
    expect(ok.code).toBe(0);
    expect(ok.lines[0]).toMatchObject({
      name: 'Registry',
      policy: { acceptedTypes: ['csv'], quota: { filesPerDay: 20, filesPerSubmission: 20 } },
    });
    const bad = join(tmp.dir, 'bad-policy.json');
    writeFileSync(bad, JSON.stringify({ acceptedTypes: ['exe'] }));
    const refused = await cli('datanet', 'create', '--name', 'Bad', '--policy', bad);
    expect(refused.code).not.toBe(0);
    expect(refused.lines).toEqual([{ error: { code: 'invalid_policy', message: expect.stringContaining('acceptedTypes') } }]);
  });

  it('datanet list prints [{id, name, policy}]', async () => {
    const { code, lines } = await cli('datanet', 'list');
    expect(code).toBe(0);
    const list = lines[0] as { id: string; name: string }[];
    expect(list.map((d) => d.name)).toEqual(['Oncology notes', 'Registry']);
    expect(Object.keys(list[0] ?? {}).sort()).toEqual(['id', 'name', 'policy']);
  });

  it('import prints one line per file with its status, code and message', async () => {
    const { code, lines } = await cli('import', '--datanet', datanetId, join(FIXTURES, 'good', 'plain.txt'), join(FIXTURES, 'malformed'));
    expect(code).toBe(0);
    const results = lines as { path: string; status: string; itemId?: string; code?: string; message?: string }[];
    expect(results[0]).toMatchObject({ path: join(FIXTURES, 'good', 'plain.txt'), status: 'imported', itemId: expect.any(String) });
    const encrypted = results.find((r) => r.path.endsWith('encrypted.pdf'));
    expect(encrypted).toMatchObject({ status: 'rejected', code: 'encrypted_pdf', message: expect.any(String) });
    expect(results.filter((r) => r.status === 'rejected').length).toBe(results.length - 1);
    const again = await cli('import', '--datanet', datanetId, join(FIXTURES, 'good', 'plain.txt'));
    expect(again.lines).toEqual([
      { path: join(FIXTURES, 'good', 'plain.txt'), status: 'duplicate', itemId: results[0]?.itemId, message: expect.any(String) },
    ]);
  });

  it('dp calibrate prints the scale of each mechanism (reference values of ../shared/eval/dp)', async () => {
    const laplace = await cli('dp', 'calibrate', '--mechanism', 'laplace', '--epsilon', '1.0986122886681098');
    expect(laplace.lines).toEqual([{ mechanism: 'laplace', scale: expect.closeTo(0.9102392266268373, 12) }]);
    // Balle & Wang's analytic σ for ε = ln 3, δ = 1e-5, Δ₂ = 1 (reference 3.4246623979).
    const gaussian = await cli('dp', 'calibrate', '--mechanism', 'gaussian', '--epsilon', String(Math.log(3)), '--delta', '1e-5');
    const sigma = (gaussian.lines[0] as { sigma: number }).sigma;
    expect(Math.abs(sigma - 3.4246623979) / 3.4246623979).toBeLessThan(1e-6);
    const rr = await cli('dp', 'calibrate', '--mechanism', 'randomized-response', '--epsilon', String(Math.log(3)), '--k', '2');
    expect(rr.lines).toEqual([{ mechanism: 'randomized-response', pTruth: expect.closeTo(0.75, 12) }]);
    const bad = await cli('dp', 'calibrate', '--mechanism', 'gaussian', '--epsilon', '1');
    expect(bad.code).not.toBe(0);
    expect(bad.lines).toEqual([{ error: { code: 'invalid_input', message: '--delta is required.' } }]);
  });

  it('errors print {"error":{code,message}} and exit non-zero', async () => {
    const unknown = await cli('import', '--datanet', 'no-such-id', join(FIXTURES, 'good', 'plain.txt'));
    expect(unknown.code).not.toBe(0);
    expect(unknown.lines).toEqual([{ error: { code: 'not_found', message: expect.any(String) } }]);
    const nonsense = await cli('frobnicate');
    expect(nonsense.code).not.toBe(0);
    expect(nonsense.lines).toEqual([{ error: { code: 'invalid_input', message: expect.stringContaining('Unknown command') } }]);
  });
});
