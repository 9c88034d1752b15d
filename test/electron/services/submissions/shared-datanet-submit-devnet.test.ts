import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datanetKey } from '../../../../shared/attestation-schemas';
import { policyDocumentHash } from '../../../../shared/datanet-registry';
import { DatanetRegistryClient } from '../../../../shared/datanet-registry-client';
import { AppError } from '../../../../shared/errors';
import { policySchema } from '../../../../shared/policy';
import type { Policy } from '../../../../shared/policy';
import type { Devnet } from '../../../../devnet/devnet';
import { createServices } from '../../../../electron/services/wiring';
import type { Services } from '../../../../electron/services/wiring';
import { syntheticNote } from '../../../devnet/corpus';
import { postJson, provider, startTestDevnet } from '../../../devnet/devnet-client';
import { makeTempDir } from '../../../helpers/temp-dir';
import { importAnonymised, PASSPHRASE, typedApi } from './helpers';

// Issue 15 end to end: two wallets, two data folders, one shared Datanet on a real devnet. Alice
// publishes, Bob joins, Alice proposes a tighter policy, both vote, the period passes, it is
// executed; Bob's submission prepared before he synced names the old version and is rejected
// (policy_outdated); under the new version it is accepted; Bob sending what Alice already had
// accepted is a duplicate; both contributors' items count in the one shared Datanet for rewards.

let devnet: Devnet;
let removeDevnet: () => void;
let rpc: JsonRpcProvider;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  ({ devnet, remove: removeDevnet } = await startTestDevnet());
  rpc = provider(devnet.profile);
});
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rpc?.destroy();
  await devnet?.stop();
  removeDevnet?.();
});

type App = { services: Services; api: ReturnType<typeof typedApi>; address: string };

async function freshApp(): Promise<App> {
  const tmp = makeTempDir();
  cleanups.push(tmp.remove);
  const services = await createServices({
    dataDir: tmp.dir,
    host: 'node',
    version: 'test',
    submission: { keystoreScryptN: 1024, environmentPassphrase: () => PASSPHRASE, isAutomatic: false, log: () => undefined },
    rewards: { confirmations: 0 },
  });
  cleanups.push(() => services.close());
  const { address } = await services.wallet.create({});
  await services.network.setProfile(devnet.profile);
  const api = typedApi(services);
  await api('wallet.fund', {});
  return { services, api, address };
}

/** Submits as the CLI's `submit` does (prepare, submit, settle) and answers the stored result. */
async function submitted(app: App, prepared: { requestId: string; manifestHash: string }) {
  const queued = await app.api('submissions.submit', { requestId: prepared.requestId, manifestHash: prepared.manifestHash });
  await app.services.submissionQueue.settle([queued.id], 60_000);
  return app.api('submissions.get', { id: queued.id });
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('a shared Datanet across two machines', () => {
  let alice: App;
  let bob: App;
  let aliceId: string;
  let bobId: string;
  let onchainId: string;
  const first: Policy = policySchema.parse({ quota: { filesPerSubmission: 5 } });
  const second: Policy = { ...first, quota: { ...first.quota, filesPerSubmission: 2 } };
  let staleRequest: { requestId: string; manifestHash: string };
  let aliceNote: string;

  it('publishes, joins, and submits under version 1 with a version 2 manifest naming the on-chain id', async () => {
    [alice, bob] = [await freshApp(), await freshApp()];
    aliceId = (
      await alice.services.datanets.create({ name: 'Ward notes', domain: 'clinical', description: 'Clinical notes.', policy: first })
    ).id;
    onchainId = (await alice.api('datanets.publish', { id: aliceId })).onchainId;
    bobId = (await bob.api('datanets.join', { onchainId })).id;

    aliceNote = syntheticNote(101);
    const item = await importAnonymised(alice.services, aliceId, 'a.txt', aliceNote);
    const prepared = await alice.api('submissions.prepare', { datanetId: aliceId, itemIds: [item] });
    expect(prepared.manifest).toMatchObject({ version: 2, datanetId: onchainId, policy: { version: 1, hash: policyDocumentHash(first) } });
    expect(prepared.prompt.manifest.fields).toContainEqual({ label: 'policyVersion', value: '1' });
    const done = await submitted(alice, prepared);
    expect(done).toMatchObject({ status: 'accepted', datanetId: aliceId });
    const reader = new DatanetRegistryClient(devnet.profile.contracts.datanetRegistry as string, rpc);
    expect(await reader.member(onchainId, alice.address)).toMatchObject({ role: 'owner', accepted: 1 });
  });

  it('rejects the submission Bob prepared before the executed proposal as policy_outdated', async () => {
    // Bob prepares while version 1 is current; he signs only after the change, without syncing.
    const bobItem = await importAnonymised(bob.services, bobId, 'b.txt', syntheticNote(102));
    staleRequest = await bob.api('submissions.prepare', { datanetId: bobId, itemIds: [bobItem] });

    const proposed = await alice.api('governance.propose', { datanetId: aliceId, policy: second });
    await alice.api('governance.vote', { proposalId: proposed.proposalId, choice: 'yes' });
    await bob.api('governance.vote', { proposalId: proposed.proposalId, choice: 'yes' });
    await rpc.send('evm_increaseTime', [3 * 24 * 3600 + 1]);
    await rpc.send('evm_mine', []);
    expect(await alice.api('governance.execute', { proposalId: proposed.proposalId })).toMatchObject({ passed: true, policyVersion: 2 });

    const stale = await submitted(bob, staleRequest);
    expect(stale.status).toBe('rejected');
    expect(stale.verdict).toMatchObject({ reasonCode: 'policy_outdated' });
    expect(stale.reasons[0]?.message).toContain('version 2 superseded it');
  });

  it('syncs before preparing: the new limits hold locally and the submission under version 2 is accepted', async () => {
    const items = [
      await importAnonymised(bob.services, bobId, 'c.txt', syntheticNote(103)),
      await importAnonymised(bob.services, bobId, 'd.txt', syntheticNote(104)),
      await importAnonymised(bob.services, bobId, 'e.txt', syntheticNote(105)),
    ];
    // Three files are over version 2's filesPerSubmission: refused before anything is signed.
    expect((await refusal(bob.api('submissions.prepare', { datanetId: bobId, itemIds: items }))).code).toBe('quota_exceeded');
    expect(await bob.api('datanets.show', { id: bobId })).toMatchObject({ policyVersion: 2, policyHash: policyDocumentHash(second) });
    const prepared = await bob.api('submissions.prepare', { datanetId: bobId, itemIds: items.slice(0, 2) });
    expect(prepared.manifest).toMatchObject({ datanetId: onchainId, policy: { version: 2, hash: policyDocumentHash(second) } });
    expect(await submitted(bob, prepared)).toMatchObject({ status: 'accepted', verdict: { reasonCode: 'accepted' } });
  });

  it("rejects Bob's copy of what Alice already had accepted as duplicate", async () => {
    const copy = await importAnonymised(bob.services, bobId, 'copy.txt', aliceNote);
    const done = await submitted(bob, await bob.api('submissions.prepare', { datanetId: bobId, itemIds: [copy] }));
    expect(done.status).toBe('rejected');
    expect(done.verdict?.reasons).toEqual([expect.objectContaining({ code: 'duplicate', sha256: done.files[0]?.sha256 })]);
  });

  it('counts both contributors in the one shared Datanet: payouts and the trail name the local copy that follows it', async () => {
    expect((await postJson(`${devnet.profile.validatorUrl}/epoch`, {})).status).toBe(200);
    for (const [app, localId] of [
      [alice, aliceId],
      [bob, bobId],
    ] as const) {
      await app.api('rewards.sync', {});
      const earnings = await app.api('rewards.earnings', {});
      expect(earnings.perDatanet).toEqual([expect.objectContaining({ datanetKey: datanetKey(onchainId), datanetId: localId })]);
      const trail = await app.api('rewards.trail', { datanetId: localId });
      const accepted = trail.filter((r) => r.verdict?.isAccepted);
      expect(accepted.length).toBeGreaterThan(0);
      expect(accepted.every((r) => r.datanetId === localId)).toBe(true);
      expect(accepted.some((r) => BigInt(r.amount) > 0n)).toBe(true);
    }
  });
});
