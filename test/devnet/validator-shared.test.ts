import { sha256, toUtf8Bytes, Wallet } from 'ethers';
import type { HDNodeWallet, JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datanetKey } from '../../shared/attestation-schemas';
import { policyDocumentBytes, policyDocumentHash } from '../../shared/datanet-registry';
import { DatanetRegistryClient } from '../../shared/datanet-registry-client';
import { merkleRoot } from '../../shared/merkle';
import { policySchema } from '../../shared/policy';
import type { Policy } from '../../shared/policy';
import { epochResultSchema, heldBatchSchema, verdictSchema } from '../../shared/validator-api';
import type { Verdict } from '../../shared/validator-api';
import { devnetWallet } from '../../devnet/accounts';
import type { Devnet } from '../../devnet/devnet';
import { syntheticNote } from './corpus';
import { buildSubmission, getJson, postJson, provider, startTestDevnet } from './devnet-client';
import type { TestFile } from './devnet-client';

// The validator reading the chain for shared Datanets (version 2 manifests): policy versions from
// the registry, quota and duplicates per on-chain Datanet, recordAccepted, owner approval.

let devnet: Devnet;
let remove: () => void;
let rpc: JsonRpcProvider;
const clock = Date.parse('2026-03-10T12:00:00.000Z');

beforeAll(async () => {
  ({ devnet, remove } = await startTestDevnet({ now: () => clock }));
  rpc = provider(devnet.profile);
});
afterAll(async () => {
  rpc?.destroy();
  await devnet?.stop();
  remove?.();
});

const url = (path: string): string => `${devnet.profile.validatorUrl}${path}`;
const registryAddress = (): string => devnet.profile.contracts.datanetRegistry as string;

type Member = { wallet: HDNodeWallet; registry: DatanetRegistryClient };

async function member(): Promise<Member> {
  const wallet = Wallet.createRandom().connect(rpc);
  expect((await postJson(url('/faucet'), { address: wallet.address })).status).toBe(200);
  return { wallet, registry: new DatanetRegistryClient(registryAddress(), wallet) };
}

async function putPolicy(policy: Policy): Promise<void> {
  const response = await fetch(url('/policies'), { method: 'PUT', body: Buffer.from(policyDocumentBytes(policy)) });
  expect(response.status).toBeLessThan(300);
}

async function publish(owner: Member, policy: Policy, name: string): Promise<string> {
  await putPolicy(policy);
  const published = await owner.registry.publish({
    salt: DatanetRegistryClient.randomSalt(),
    name,
    domain: 'clinical',
    dataType: 'text',
    policy,
  });
  return published.onchainId.toLowerCase();
}

let createdAt = Date.parse('2026-03-10T11:00:00.000Z');

async function submit(
  who: Member,
  onchainId: string,
  policy: { version: number; policy: Policy },
  files: TestFile[],
  extra: Record<string, unknown> = {},
): Promise<Verdict & { manifestHash: string }> {
  createdAt += 1000;
  const built = await buildSubmission(devnet.profile, {
    datanetId: 'ignored',
    shared: { onchainId, policyVersion: policy.version, policyHash: policyDocumentHash(policy.policy) },
    wallet: who.wallet,
    files,
    createdAt: new Date(createdAt).toISOString(),
  });
  const response = await postJson(url('/submissions'), { ...built.request, ...extra });
  expect(response.status).toBe(200);
  return { ...verdictSchema.parse(response.body), manifestHash: built.manifestHash };
}

const note = (seed: number): TestFile => ({ content: syntheticNote(seed) });

describe('the validator and shared Datanets', () => {
  let alice: Member;
  let bob: Member;
  let onchainId: string;
  const v1 = { version: 1, policy: policySchema.parse({ quota: { filesPerSubmission: 5, filesPerDay: 6 } }) };
  const v2 = { version: 2, policy: policySchema.parse({ quota: { filesPerSubmission: 2, filesPerDay: 6 } }) };

  beforeAll(async () => {
    alice = await member();
    bob = await member();
    onchainId = await publish(alice, v1.policy, 'Shared notes');
    await bob.registry.join(onchainId);
  });

  it('judges by the on-chain policy version, records accepted items on chain, and reports under the on-chain id', async () => {
    const verdict = await submit(bob, onchainId, v1, [note(1), note(2)]);
    expect(verdict).toMatchObject({ status: 'accepted', datanetId: onchainId });
    expect(verdict.registry).toMatchObject({ onchainId, policyVersion: 1, approval: 'none', record: 'recorded' });
    expect(verdict.registry?.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    const reader = new DatanetRegistryClient(registryAddress(), rpc);
    for (const seed of [1, 2]) expect(await reader.isAccepted(onchainId, sha256(toUtf8Bytes(syntheticNote(seed))))).toBe(true);
    expect(await reader.member(onchainId, bob.wallet.address)).toMatchObject({ role: 'contributor', accepted: 2 });
    expect((await reader.getDatanet(onchainId)).acceptedItems).toBe(2);
  });

  it('rejects the same content from another contributor as duplicate, and content the registry already records', async () => {
    const again = await submit(alice, onchainId, v1, [note(1)]);
    expect(again).toMatchObject({ status: 'rejected', reasonCode: 'duplicate' });
    // Recorded on chain by the validator account but unknown to this validator's own corpus (another
    // validator, an earlier state): the registry is the record, so it is a duplicate too.
    const sha = sha256(toUtf8Bytes(syntheticNote(50)));
    const asValidator = new DatanetRegistryClient(registryAddress(), devnetWallet('validator').connect(rpc));
    await asValidator.recordAccepted(onchainId, alice.wallet.address, [sha]);
    const recorded = await submit(alice, onchainId, v1, [note(50)]);
    expect(recorded.reasons).toEqual([
      expect.objectContaining({ code: 'duplicate', sha256: sha, details: { kind: 'exact', onchain: true } }),
    ]);
    expect(recorded.registry).toMatchObject({ record: 'not_recorded' });
  });

  it('refuses a non-member (no quota, may retry after joining) and an unknown on-chain id', async () => {
    const carol = await member();
    const outside = await submit(carol, onchainId, v1, [note(3)]);
    expect(outside).toMatchObject({ status: 'rejected', reasonCode: 'not_member', countsTowardQuota: false });
    const unknown = await submit(carol, `0x${'77'.repeat(32)}`, v1, [note(3)]);
    expect(unknown).toMatchObject({ status: 'rejected', reasonCode: 'unknown_datanet' });
  });

  it('counts quota per contributor per on-chain Datanet, whatever machine sent it, and ignores a policy the request carries', async () => {
    // Bob used 2 of 6 files today; two manifests (as from two machines) of 2 files each fit, a third does not.
    expect((await submit(bob, onchainId, v1, [note(4), note(5)])).status).toBe('accepted');
    expect((await submit(bob, onchainId, v1, [note(6), note(7)])).status).toBe('accepted');
    const over = await submit(bob, onchainId, v1, [note(8)], {
      // A contributor's own, looser policy must not count for a shared Datanet.
      datanet: { name: 'mine', description: '', policy: { quota: { filesPerDay: 1000 } } },
    });
    expect(over).toMatchObject({ status: 'rejected', reasonCode: 'quota_exceeded' });
    const stats = (await getJson(url(`/contributors/${bob.wallet.address}`))).body as {
      today: Array<{ datanetId: string; files: number }>;
    };
    expect(stats.today).toEqual([expect.objectContaining({ datanetId: onchainId, files: 6 })]);
  });

  it('rejects a superseded, an unknown and a mismatched policy version as policy_outdated once governance changed the policy', async () => {
    await putPolicy(v2.policy);
    const proposal = await alice.registry.propose(onchainId, v2.policy);
    await alice.registry.vote(proposal.proposalId, true);
    await bob.registry.vote(proposal.proposalId, true);
    await rpc.send('evm_increaseTime', [3 * 24 * 3600 + 1]);
    await rpc.send('evm_mine', []);
    expect((await alice.registry.execute(proposal.proposalId)).policyVersion).toBe(2);

    const stale = await submit(alice, onchainId, v1, [note(9)]);
    expect(stale).toMatchObject({ status: 'rejected', reasonCode: 'policy_outdated' });
    expect(stale.reasons[0]?.details).toMatchObject({ namedVersion: 1, currentVersion: 2, currentHash: policyDocumentHash(v2.policy) });
    const ahead = await submit(alice, onchainId, { version: 3, policy: v2.policy }, [note(9)]);
    expect(ahead.reasonCode).toBe('policy_outdated');
    const mismatched = await submit(alice, onchainId, { version: 2, policy: v1.policy }, [note(9)]);
    expect(mismatched.reasonCode).toBe('policy_outdated');
    // Under version 2 its limits hold: 3 files in one submission are over filesPerSubmission 2.
    expect((await submit(alice, onchainId, v2, [note(9), note(10), note(11)])).reasonCode).toBe('quota_exceeded');
    expect(await submit(alice, onchainId, v2, [note(9)])).toMatchObject({
      status: 'accepted',
      registry: { policyVersion: 2, record: 'recorded' },
    });
  });

  it('scores both contributors of the shared Datanet in one Datanet in the attribution epoch', async () => {
    const epoch = epochResultSchema.parse((await postJson(url('/epoch'), {})).body);
    const shared = epoch.files.filter((f) => f.datanetId === onchainId);
    expect(new Set(shared.map((f) => f.contributor))).toEqual(new Set([alice.wallet.address, bob.wallet.address]));
    expect(new Set(shared.map((f) => f.datanetKey))).toEqual(new Set([datanetKey(onchainId)]));
  });
});

describe('owner approval', () => {
  let alice: Member;
  let bob: Member;
  let carol: Member;
  let onchainId: string;
  const policy = { version: 1, policy: policySchema.parse({ curation: { ownerApproval: true } }) };

  beforeAll(async () => {
    [alice, bob, carol] = [await member(), await member(), await member()];
    onchainId = await publish(alice, policy.policy, 'Curated notes');
    await bob.registry.join(onchainId);
    await carol.registry.join(onchainId);
  });

  it('holds accepted items until a curator publishes their batch as a Datanet version, then records them', async () => {
    const first = await submit(bob, onchainId, policy, [note(20), note(21)]);
    expect(first).toMatchObject({ status: 'accepted', registry: { approval: 'held', record: 'not_recorded', datanetVersion: null } });
    const reader = new DatanetRegistryClient(registryAddress(), rpc);
    const shas = first.files.map((f) => f.sha256);
    expect(await reader.isAccepted(onchainId, shas[0] as string)).toBe(false);
    // Held items are taken: the same content from someone else is a duplicate.
    expect((await submit(carol, onchainId, policy, [note(20)])).reasonCode).toBe('duplicate');
    const second = await submit(carol, onchainId, policy, [note(22)]);
    expect(second.registry?.approval).toBe('held');

    const held = heldBatchSchema.parse((await getJson(url(`/datanets/${onchainId}/held`))).body);
    expect(held.items.map((i) => i.sha256)).toEqual([...shas, second.files[0]?.sha256]);
    expect(held.merkleRoot).toBe(merkleRoot(held.items.map((i) => i.sha256)));

    // Approving Bob's two only: the curator publishes their root.
    const batch = shas as string[];
    const published = await alice.registry.publishVersion(onchainId, merkleRoot(batch), batch.length);
    expect(published.version).toBe(1);
    const approved = await postJson(url(`/datanets/${onchainId}/approve`), { version: 1, items: batch });
    expect(approved).toMatchObject({ status: 200, body: { onchainId, version: 1, approved: 2 } });
    expect(await reader.isAccepted(onchainId, batch[0] as string)).toBe(true);
    expect(await reader.member(onchainId, bob.wallet.address)).toMatchObject({ accepted: 2 });
    const after = verdictSchema.parse((await getJson(url(`/submissions/${first.manifestHash}`))).body);
    expect(after.registry).toMatchObject({ approval: 'approved', record: 'recorded', datanetVersion: 1 });
    expect(heldBatchSchema.parse((await getJson(url(`/datanets/${onchainId}/held`))).body).items).toHaveLength(1);
  });

  it('refuses an approval the chain does not back, one applied twice, and items not held; nothing changes', async () => {
    const held = heldBatchSchema.parse((await getJson(url(`/datanets/${onchainId}/held`))).body);
    const carolSha = held.items[0]?.sha256 as string;
    // No curator published version 2: claiming it approves nothing.
    expect(await postJson(url(`/datanets/${onchainId}/approve`), { version: 2, items: [carolSha] })).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    // A non-curator cannot publish a version at all.
    await expect(bob.registry.publishVersion(onchainId, merkleRoot([carolSha]), 1)).rejects.toMatchObject({
      details: { reason: 'NotCurator' },
    });
    // Version 1's root with other items: refused.
    expect((await postJson(url(`/datanets/${onchainId}/approve`), { version: 1, items: [carolSha] })).status).toBe(409);
    await alice.registry.publishVersion(onchainId, merkleRoot([carolSha, `0x${'01'.repeat(32)}`]), 2);
    const notHeld = await postJson(url(`/datanets/${onchainId}/approve`), { version: 2, items: [carolSha, `0x${'01'.repeat(32)}`] });
    expect(notHeld).toMatchObject({ status: 400, body: { error: { code: 'invalid_input' } } });
    const wrongRoot = await postJson(url(`/datanets/${onchainId}/approve`), { version: 2, items: [carolSha] });
    expect(wrongRoot).toMatchObject({ status: 400, body: { error: { code: 'invalid_input' } } });
    expect(heldBatchSchema.parse((await getJson(url(`/datanets/${onchainId}/held`))).body).items.map((i) => i.sha256)).toEqual([carolSha]);
    expect(await new DatanetRegistryClient(registryAddress(), rpc).isAccepted(onchainId, carolSha)).toBe(false);
  });

  it('pays nothing for held items in an epoch', async () => {
    const held = heldBatchSchema.parse((await getJson(url(`/datanets/${onchainId}/held`))).body);
    const epoch = epochResultSchema.parse((await postJson(url('/epoch'), {})).body);
    const paid = new Set(epoch.files.filter((f) => f.datanetId === onchainId).map((f) => f.sha256));
    expect(paid.has(held.items[0]?.sha256 as string)).toBe(false);
  });
});
