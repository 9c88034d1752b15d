import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../../devnet/devnet';
import { syntheticNote } from '../../devnet/corpus';
import { startTestDevnet } from '../../devnet/devnet-client';
import { makeTempDir } from '../../helpers/temp-dir';

const BIN = fileURLToPath(new URL('../../../bin/datanet-desk.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../../out/main/cli.js', import.meta.url));
const VECTORS = fileURLToPath(new URL('../../../../shared/eval/eas/offchain-vectors.json', import.meta.url));
const tmp = makeTempDir();
const dataDir = join(tmp.dir, 'data');
const PASSPHRASE = 'a passphrase for the cli test';
let devnet: Devnet;
let removeDevnet: () => void;

type Run = { code: number; lines: Record<string, unknown>[]; stderr: string };

function cli(args: string[], env: Record<string, string> = { DATANET_DESK_PASSPHRASE: PASSPHRASE }): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, '--data-dir', dataDir, ...args],
      { maxBuffer: 10_000_000, env: { ...process.env, DATANET_DESK_PASSPHRASE: '', ...env } },
      (error, stdout, stderr) => {
        const lines = stdout
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, lines, stderr });
      },
    );
    child.stdin?.end();
  });
}

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error('The CLI is not built: run `npm run build` first (npm test does).');
  ({ devnet, remove: removeDevnet } = await startTestDevnet());
});
afterAll(async () => {
  await devnet?.stop();
  removeDevnet?.();
  tmp.remove();
});

describe('datanet-desk verify-attestation', () => {
  const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as {
    vectors: { name: string; attestation: { sig: Record<string, unknown> } }[];
  };
  const v2 = vectors.vectors.find((v) => v.name.startsWith('offchain-v2'))?.attestation;

  it('prints {valid, signer, uid} for an EAS shareable package, without a data folder', async () => {
    const file = join(tmp.dir, 'v2.json');
    writeFileSync(file, JSON.stringify(v2));
    const ok = await cli(['verify-attestation', file]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.lines).toEqual([
      {
        valid: true,
        signer: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
        uid: '0x854d8e26b2bbdc3577fc78c6d2f512258fcc9b91a60858985a216c0ef526ee82',
      },
    ]);
    const tampered = join(tmp.dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify({ ...v2, sig: { ...v2?.sig, uid: `0x${'00'.repeat(32)}` } }));
    expect((await cli(['verify-attestation', tampered])).lines[0]).toMatchObject({ valid: false });
    const missing = await cli(['verify-attestation', join(tmp.dir, 'nope.json')]);
    expect(missing.code).not.toBe(0);
    expect(missing.lines).toEqual([{ error: { code: 'invalid_input', message: expect.stringContaining('no such file') } }]);
  });
});

describe('datanet-desk wallet and submit', () => {
  let address = '';
  let datanetId = '';

  it('wallet create prints {address}; without a passphrase and no terminal it refuses', async () => {
    const refused = await cli(['wallet', 'create'], {});
    expect(refused.code).not.toBe(0);
    expect(refused.lines[0]).toMatchObject({ error: { code: 'wallet_locked' } });
    const created = await cli(['wallet', 'create']);
    expect(created.code).toBe(0);
    expect(Object.keys(created.lines[0] ?? {})).toEqual(['address']);
    address = String(created.lines[0]?.address);
    expect((await cli(['wallet', 'address'], {})).lines).toEqual([{ address }]);
  });

  it('wallet import --private-key replaces only with --replace, and never prints the key', async () => {
    const key = Wallet.createRandom();
    const refused = await cli(['wallet', 'import', '--private-key', key.privateKey]);
    expect(refused.lines[0]).toMatchObject({ error: { code: 'conflict' } });
    const imported = await cli(['wallet', 'import', '--private-key', key.privateKey, '--replace']);
    // The replaced key was backed up, still encrypted, before it was overwritten.
    expect(imported.lines).toEqual([
      { address: key.address, backupPath: expect.stringMatching(/wallet\/backups\/.+-0x[0-9a-fA-F]{40}\.json$/) },
    ]);
    expect(JSON.stringify(imported) + JSON.stringify(refused)).not.toContain(key.privateKey.slice(2));
    address = key.address;
  });

  it('submit prints {submissionId, manifestHash, merkleRoot, offchainUid, onchainUid, txHash, status}', async () => {
    const policy = join(tmp.dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ anonymisation: { required: false } }));
    const datanet = (await cli(['datanet', 'create', '--name', 'CLI notes', '--policy', policy])).lines[0] as { id: string };
    const files = [1, 2, 3].map((n) => {
      const path = join(tmp.dir, `note-${n}.txt`);
      writeFileSync(path, syntheticNote(500 + n));
      return path;
    });
    const imported = (await cli(['import', '--datanet', datanet.id, ...files])).lines as { itemId: string }[];
    const profile = join(tmp.dir, 'profile.json');
    writeFileSync(profile, JSON.stringify(devnet.profile));

    // Even where the policy does not require anonymisation, an original leaves only when the user
    // marked it "share original" in the app: un-anonymised notes are refused before anything is signed.
    const refused = await cli([
      'submit',
      '--datanet',
      datanet.id,
      '--items',
      imported.map((i) => i.itemId).join(','),
      '--network',
      profile,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.lines[0]).toMatchObject({ error: { code: 'invalid_input', message: expect.stringMatching(/Share original/) } });
    for (const { itemId } of imported) expect((await cli(['anonymise', itemId])).code).toBe(0);

    const run = await cli(['submit', '--datanet', datanet.id, '--items', imported.map((i) => i.itemId).join(','), '--network', profile]);
    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(1);
    const out = run.lines[0] as Record<string, string>;
    expect(Object.keys(out)).toEqual(['submissionId', 'manifestHash', 'merkleRoot', 'offchainUid', 'onchainUid', 'txHash', 'status']);
    expect(out.status).toBe('accepted');
    for (const key of ['manifestHash', 'merkleRoot', 'offchainUid', 'onchainUid', 'txHash']) expect(out[key]).toMatch(/^0x[0-9a-f]{64}$/);
    const receipt = await fetch(devnet.profile.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getTransactionReceipt', params: [out.txHash] }),
    });
    expect(((await receipt.json()) as { result: { from: string } }).result.from).toBe(address.toLowerCase());

    // The same command again is the same submission (idempotent), not a second attestation.
    const again = await cli(['submit', '--datanet', datanet.id, '--items', imported.map((i) => i.itemId).join(',')]);
    expect(again.lines[0]).toEqual(out);
    datanetId = datanet.id;
  });

  it("submit prints the rejection code and each item's code when the validator rejects", async () => {
    // A near copy of an accepted note (one word added) and a new note: the copy sinks the submission.
    const copy = join(tmp.dir, 'near-copy.txt');
    writeFileSync(copy, `${syntheticNote(501)} again`);
    const fresh = join(tmp.dir, 'fresh.txt');
    writeFileSync(fresh, syntheticNote(777));
    const imported = (await cli(['import', '--datanet', datanetId, copy, fresh])).lines as { itemId: string }[];
    for (const { itemId } of imported) expect((await cli(['anonymise', itemId])).code).toBe(0);
    const run = await cli(['submit', '--datanet', datanetId, '--items', imported.map((i) => i.itemId).join(',')]);
    expect(run.code).toBe(0);
    const out = run.lines[0] as Record<string, unknown>;
    expect(Object.keys(out)).toEqual([
      'submissionId',
      'manifestHash',
      'merkleRoot',
      'offchainUid',
      'onchainUid',
      'txHash',
      'status',
      'code',
      'items',
    ]);
    expect(out).toMatchObject({
      status: 'rejected',
      code: 'duplicate',
      items: [
        { itemId: imported[0]?.itemId, code: 'duplicate' },
        { itemId: imported[1]?.itemId, code: null },
      ],
    });
  });
});
