import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Contract, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../../devnet/devnet';
import { OPEN_TOKEN_ABI } from '../../../shared/reward-contracts';
import { epochResultSchema, verdictSchema, type EpochResult } from '../../../shared/validator-api';
import { CLINICAL_DESCRIPTION, NOTES } from '../../devnet/corpus';
import { buildSubmission, postJson, provider, startTestDevnet } from '../../devnet/devnet-client';
import { makeTempDir } from '../../helpers/temp-dir';

const BIN = fileURLToPath(new URL('../../../bin/datanet-desk.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../../out/main/cli.js', import.meta.url));
const tmp = makeTempDir('cli-rewards-');
const dataDir = join(tmp.dir, 'data');
const profilePath = join(tmp.dir, 'profile.json');
const PASSPHRASE = 'a passphrase for the rewards cli test';
const alice = Wallet.createRandom();
let devnet: Devnet;
let removeDevnet: () => void;
let paid: EpochResult['files'];

type Run = { code: number; lines: Record<string, unknown>[] };

function cli(args: string[], dir = dataDir): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, '--data-dir', dir, ...args],
      { maxBuffer: 10_000_000, env: { ...process.env, DATANET_DESK_PASSPHRASE: PASSPHRASE } },
      (error, stdout) => {
        const lines = stdout
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, lines });
      },
    );
    child.stdin?.end();
  });
}

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error('The CLI is not built: run `npm run build` first (npm test does).');
  ({ devnet, remove: removeDevnet } = await startTestDevnet());
  writeFileSync(profilePath, JSON.stringify(devnet.profile));
  const { validatorUrl } = devnet.profile;
  await postJson(`${validatorUrl}/datanets`, { id: 'general', description: CLINICAL_DESCRIPTION, policy: {} });
  for (const [notes, at] of [
    [[NOTES[0], NOTES[1]], undefined],
    [[NOTES[1]], new Date(Date.now() + 1000).toISOString()], // an exact duplicate: rejected
  ] as const) {
    const built = await buildSubmission(devnet.profile, {
      datanetId: 'general',
      wallet: alice,
      files: notes.map((content) => ({ content })),
      createdAt: at,
    });
    verdictSchema.parse((await postJson(`${validatorUrl}/submissions`, built.request)).body);
  }
  paid = epochResultSchema.parse((await postJson(`${validatorUrl}/epoch`, {})).body).files.filter((f) => f.contributor === alice.address);
});

afterAll(async () => {
  await devnet?.stop();
  removeDevnet?.();
  tmp.remove();
});

describe('datanet-desk rewards', () => {
  it('refuses without a network, and a bad --confirmations, with codes', async () => {
    const none = await cli(['rewards']);
    expect(none.code).not.toBe(0);
    expect(none.lines).toEqual([{ error: { code: 'unavailable', message: expect.stringContaining('--network') } }]);
    const bad = await cli(['rewards', '--confirmations', '-1']);
    expect(bad.lines[0]).toMatchObject({ error: { code: 'invalid_input' } });
  });

  it('prints {address, balance, earned, acceptanceRate, standing, files} equal to the chain', async () => {
    expect((await cli(['wallet', 'import', '--private-key', alice.privateKey])).lines[0]).toEqual({ address: alice.address });
    const run = await cli(['rewards', '--network', profilePath, '--confirmations', '0']);
    expect(run.code).toBe(0);
    const out = run.lines[0] as {
      address: string;
      balance: string;
      earned: string;
      acceptanceRate: number;
      standing: number;
      files: Array<{ contentHash: string; amount: string; epochs: number[] }>;
    };
    const rpc = provider(devnet.profile);
    const balance = BigInt(await new Contract(devnet.profile.contracts.token, OPEN_TOKEN_ABI, rpc).getFunction('balanceOf')(alice.address));
    rpc.destroy();
    const total = paid.reduce((s, f) => s + BigInt(f.amount), 0n);
    expect(out).toMatchObject({
      address: alice.address,
      balance: balance.toString(),
      earned: total.toString(),
      acceptanceRate: 0.5,
      standing: 1,
    });
    expect(new Map(out.files.map((f) => [f.contentHash, f.amount]))).toEqual(new Map(paid.map((f) => [f.sha256, f.amount])));
    expect(out.files.every((f) => f.epochs.length === 1)).toBe(true);

    // Offline: the same figures from the index, saying the balance is the last one read.
    const offline = await cli(['rewards', '--offline']);
    expect(offline.lines[0]).toMatchObject({ earned: total.toString(), balance: balance.toString(), isBalanceLive: false });
  });
});
