import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyDocumentHash } from '../../../shared/datanet-registry';
import { policySchema } from '../../../shared/policy';
import type { Devnet } from '../../../devnet/devnet';
import { provider, startTestDevnet } from '../../devnet/devnet-client';
import { makeTempDir } from '../../helpers/temp-dir';

const BIN = fileURLToPath(new URL('../../../bin/datanet-desk.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../../out/main/cli.js', import.meta.url));
const tmp = makeTempDir();
const PASSPHRASE = 'a passphrase for the datanet cli test';
const profileFile = join(tmp.dir, 'devnet.json');
const policyFile = join(tmp.dir, 'new-policy.json');
let devnet: Devnet;
let removeDevnet: () => void;
let rpc: JsonRpcProvider;

type Run = { code: number; lines: Record<string, unknown>[]; stderr: string };

function cli(folder: 'a' | 'b', args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, '--data-dir', join(tmp.dir, folder), ...args],
      { maxBuffer: 10_000_000, env: { ...process.env, DATANET_DESK_PASSPHRASE: PASSPHRASE } },
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

async function one(folder: 'a' | 'b', args: string[]): Promise<Record<string, unknown>> {
  const run = await cli(folder, args);
  expect(run.code, `${args.join(' ')}: ${JSON.stringify(run.lines)} ${run.stderr}`).toBe(0);
  expect(run.lines).toHaveLength(1);
  return run.lines[0] as Record<string, unknown>;
}

async function fundedWallet(folder: 'a' | 'b'): Promise<string> {
  const { address } = (await one(folder, ['wallet', 'create'])) as { address: string };
  await rpc.send('anvil_setBalance', [address, '0xde0b6b3a7640000']);
  return address;
}

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error('The CLI is not built: run `npm run build` first (npm test does).');
  ({ devnet, remove: removeDevnet } = await startTestDevnet());
  rpc = provider(devnet.profile);
  writeFileSync(profileFile, JSON.stringify(devnet.profile));
});
afterAll(async () => {
  rpc?.destroy();
  await devnet?.stop();
  removeDevnet?.();
  tmp.remove();
});

describe('datanet-desk shared Datanets and governance', () => {
  it('publishes, lists, joins, shows, proposes, votes and executes with the documented fields', async () => {
    await fundedWallet('a');
    await fundedWallet('b');
    const created = (await one('a', ['datanet', 'create', '--name', 'CLI notes', '--domain', 'clinical'])) as { id: string };

    const published = await one('a', ['datanet', 'publish', created.id, '--network', profileFile]);
    expect(Object.keys(published).sort()).toEqual(['id', 'onchainId', 'policyVersion', 'txHash']);
    expect(published).toMatchObject({ id: created.id, policyVersion: 1 });
    const onchainId = published.onchainId as string;
    expect(onchainId).toMatch(/^0x[0-9a-f]{64}$/);
    const again = await cli('a', ['datanet', 'publish', created.id, '--network', profileFile]);
    expect([again.code, (again.lines[0]?.error as { code?: string })?.code]).toEqual([1, 'conflict']);

    const listed = await cli('b', ['datanet', 'list', '--network', profileFile]);
    expect(listed.code).toBe(0);
    expect(listed.lines).toEqual([{ onchainId, name: 'CLI notes', domain: 'clinical', dataType: 'text', members: 1, policyVersion: 1 }]);
    // Without --network the list is today's: the local Datanets as one array.
    expect(await one('b', ['datanet', 'list'])).toEqual([]);

    const joined = await one('b', ['datanet', 'join', onchainId, '--network', profileFile]);
    expect(Object.keys(joined).sort()).toEqual(['id', 'onchainId', 'role']);
    expect(joined).toMatchObject({ onchainId, role: 'contributor' });
    const bobId = joined.id as string;
    const shown = await one('b', ['datanet', 'show', bobId]);
    expect(Object.keys(shown).sort()).toEqual(['id', 'onchainId', 'policy', 'policyVersion', 'role']);
    expect(shown).toMatchObject({ id: bobId, onchainId, policyVersion: 1, role: 'contributor' });

    const next = policySchema.parse({ quota: { bytesPerDay: 4_000_000 } });
    writeFileSync(policyFile, JSON.stringify({ quota: { bytesPerDay: 4_000_000 } }));
    const proposed = await one('a', ['governance', 'propose', '--datanet', created.id, '--policy', policyFile, '--network', profileFile]);
    expect(Object.keys(proposed).sort()).toEqual(['endsAt', 'proposalId']);
    const proposalId = proposed.proposalId as string;
    expect(await one('a', ['governance', 'vote', proposalId, '--choice', 'yes', '--network', profileFile])).toEqual({
      proposalId,
      yes: 1,
      no: 0,
    });
    expect(await one('b', ['governance', 'vote', proposalId, '--choice', 'yes', '--network', profileFile])).toEqual({
      proposalId,
      yes: 2,
      no: 0,
    });
    const twice = await cli('b', ['governance', 'vote', proposalId, '--choice', 'no', '--network', profileFile]);
    expect([twice.code, (twice.lines[0]?.error as { code?: string })?.code]).toEqual([1, 'conflict']);
    const badChoice = await cli('b', ['governance', 'vote', proposalId, '--choice', 'maybe', '--network', profileFile]);
    expect([badChoice.code, (badChoice.lines[0]?.error as { code?: string })?.code]).toEqual([1, 'invalid_input']);

    await rpc.send('evm_increaseTime', [(proposed.endsAt as number) - (await rpc.getBlock('latest'))!.timestamp + 1]);
    await rpc.send('evm_mine', []);
    expect(await one('a', ['governance', 'execute', proposalId, '--network', profileFile])).toEqual({
      proposalId,
      passed: true,
      policyVersion: 2,
    });

    // Offline show keeps version 1 until a sync; show --network follows the chain.
    expect(await one('b', ['datanet', 'show', bobId])).toMatchObject({ policyVersion: 1 });
    const synced = await one('b', ['datanet', 'show', bobId, '--network', profileFile]);
    expect(synced).toMatchObject({ id: bobId, onchainId, policyVersion: 2, role: 'contributor', policy: next });
    expect(policyDocumentHash(synced.policy as typeof next)).toBe(policyDocumentHash(next));
  }, 300_000);
});
