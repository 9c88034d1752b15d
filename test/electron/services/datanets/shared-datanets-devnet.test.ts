import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyDocumentBytes, policyDocumentHash } from '../../../../shared/datanet-registry';
import { DatanetRegistryClient } from '../../../../shared/datanet-registry-client';
import { AppError } from '../../../../shared/errors';
import type { NetworkProfile } from '../../../../shared/network-profile';
import { defaultPolicy, policySchema } from '../../../../shared/policy';
import type { Policy } from '../../../../shared/policy';
import type { Devnet } from '../../../../devnet/devnet';
import type { Services } from '../../../../electron/services/wiring';
import { provider, startTestDevnet } from '../../../devnet/devnet-client';
import { makeTempDir } from '../../../helpers/temp-dir';
import { openServices, typedApi } from '../submissions/helpers';

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

/** Services on a fresh data folder with a new wallet and the devnet selected; funded unless told not to. */
async function freshApp(isFunded = true): Promise<App> {
  const tmp = makeTempDir();
  cleanups.push(tmp.remove);
  const services = await openServices(tmp.dir, { isAutomatic: false });
  cleanups.push(() => services.close());
  const { address } = await services.wallet.create({});
  await services.network.setProfile(devnet.profile);
  const api = typedApi(services);
  if (isFunded) await api('wallet.fund', {});
  return { services, api, address };
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

async function advance(seconds: number): Promise<void> {
  await rpc.send('evm_increaseTime', [seconds]);
  await rpc.send('evm_mine', []);
}

const THREE_DAYS = 3 * 24 * 3600;

/** A validator that serves other bytes than it was given for every policy document, and passes the rest on. */
async function tamperingValidator(target: string, served: Policy): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.method === 'GET' && request.url?.startsWith('/policies/')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from(policyDocumentBytes(served)));
      return;
    }
    void fetch(`${target}${request.url ?? '/'}`, { method: request.method }).then(async (r) => {
      response
        .writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' })
        .end(Buffer.from(await r.arrayBuffer()));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) };
}

function withProfile(edit: Partial<NetworkProfile>): NetworkProfile {
  return { ...devnet.profile, ...edit };
}

describe('shared Datanets on the devnet', () => {
  let alice: App;
  let bob: App;
  let aliceId: string;
  let bobId: string;
  let onchainId: string;
  const firstPolicy = policySchema.parse({ quota: { bytesPerDay: 5_000_000 } });
  const secondPolicy: Policy = { ...firstPolicy, quota: { ...firstPolicy.quota, bytesPerDay: 7_000_000 }, maxFileBytes: 2_000_000 };

  it('refuses to publish from an empty wallet with insufficient_funds, and the draft stays a draft', async () => {
    const broke = await freshApp(false);
    const draft = await broke.services.datanets.create({ name: 'Unfunded', domain: 'x', description: '', policy: defaultPolicy() });
    const error = await refusal(broke.api('datanets.publish', { id: draft.id }));
    expect(error.code).toBe('insufficient_funds');
    expect(error.details).toMatchObject({ address: broke.address, balanceWei: '0' });
    expect(await broke.api('datanets.show', { id: draft.id })).toMatchObject({ onchainId: null, role: null, policyVersion: 1 });
  });

  it('publishes a draft (its items stay); a second machine browses and joins the same Datanet with the same policy', async () => {
    alice = await freshApp();
    const draft = await alice.services.datanets.create({
      name: 'Clinical notes',
      domain: 'clinical',
      description: '',
      policy: firstPolicy,
    });
    aliceId = draft.id;
    const imported = await alice.services.library.importBytes({
      datanetId: aliceId,
      name: 'a.txt',
      bytes: new TextEncoder().encode('a note'),
    });
    expect(imported.itemId).toBeTruthy();

    const published = await alice.api('datanets.publish', { id: aliceId });
    onchainId = published.onchainId;
    expect(published).toMatchObject({ id: aliceId, policyVersion: 1, policyHash: policyDocumentHash(firstPolicy) });
    expect(published.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect((await alice.services.datanets.get(aliceId)).itemCount).toBe(1);
    expect(await alice.api('datanets.show', { id: aliceId })).toMatchObject({ onchainId, role: 'owner', dataType: 'text', isStale: false });
    expect((await refusal(alice.api('datanets.publish', { id: aliceId }))).code).toBe('conflict');
    // The chain's record: owned by Alice's wallet, the policy hash of her draft.
    const onChain = await new DatanetRegistryClient(devnet.profile.contracts.datanetRegistry as string, rpc).getDatanet(onchainId);
    expect(onChain).toMatchObject({ owner: alice.address, name: 'Clinical notes', policyHash: policyDocumentHash(firstPolicy) });

    bob = await freshApp();
    const listed = await bob.api('datanets.browse', {});
    expect(listed.find((d) => d.onchainId === onchainId)).toMatchObject({
      name: 'Clinical notes',
      domain: 'clinical',
      dataType: 'text',
      members: 1,
      policyVersion: 1,
      join: 'open',
      followedBy: null,
    });
    const joined = await bob.api('datanets.join', { onchainId });
    bobId = joined.id;
    expect(joined).toMatchObject({ onchainId, role: 'contributor' });
    const bobView = await bob.api('datanets.show', { id: bobId });
    expect(bobView).toMatchObject({ onchainId, policyHash: policyDocumentHash(firstPolicy), policyVersion: 1, role: 'contributor' });
    expect(bobView.policy).toEqual(firstPolicy);
    expect((await bob.api('datanets.browse', {})).find((d) => d.onchainId === onchainId)).toMatchObject({ members: 2, followedBy: bobId });
    // Joining again is the same local Datanet, not a twin.
    expect((await bob.api('datanets.join', { onchainId })).id).toBe(bobId);
    // The followed policy is the chain's: a local edit is refused.
    expect((await refusal(bob.api('datanets.update', { id: bobId, policy: secondPolicy }))).code).toBe('conflict');
  });

  it('answers approval_required for a Datanet that needs a curator, with the request on chain and nothing local', async () => {
    const gated = await alice.services.datanets.create({
      name: 'Gated',
      domain: 'x',
      description: '',
      policy: policySchema.parse({ governance: { join: 'approval' } }),
    });
    const { onchainId: gatedId } = await alice.api('datanets.publish', { id: gated.id });
    const before = (await bob.services.datanets.list()).length;
    const error = await refusal(bob.api('datanets.join', { onchainId: gatedId }));
    expect(error.code).toBe('approval_required');
    expect(error.details).toMatchObject({ onchainId: gatedId, isRequested: true });
    expect((await bob.services.datanets.list()).length).toBe(before);
    const registry = new DatanetRegistryClient(devnet.profile.contracts.datanetRegistry as string, rpc);
    expect(await registry.isJoinRequested(gatedId, bob.address)).toBe(true);
    // Asking twice sends no second request and answers the same.
    expect((await refusal(bob.api('datanets.join', { onchainId: gatedId }))).code).toBe('approval_required');
  });

  it('propose → two votes → period over → execute: both machines follow version 2 and see the diff', async () => {
    expect((await refusal(alice.api('governance.propose', { datanetId: aliceId, policy: firstPolicy }))).code).toBe('invalid_input');
    const proposed = await alice.api('governance.propose', { datanetId: aliceId, policy: secondPolicy });
    expect(proposed.policyHash).toBe(policyDocumentHash(secondPolicy));
    expect(await alice.api('governance.vote', { proposalId: proposed.proposalId, choice: 'yes' })).toMatchObject({ yes: 1, no: 0 });
    expect(await bob.api('governance.vote', { proposalId: proposed.proposalId, choice: 'no' })).toMatchObject({ yes: 1, no: 1 });
    const twice = await refusal(bob.api('governance.vote', { proposalId: proposed.proposalId, choice: 'yes' }));
    expect([twice.code, twice.details?.reason]).toEqual(['conflict', 'AlreadyVoted']);

    const open = (await bob.api('governance.list', { datanetId: bobId })).find((p) => p.proposalId === proposed.proposalId);
    expect(open).toMatchObject({ state: 'open', yes: 1, no: 1, hasVoted: true, baseVersion: 1 });
    expect(open?.changes).toEqual([
      { path: 'maxFileBytes', before: firstPolicy.maxFileBytes, after: 2_000_000 },
      { path: 'quota.bytesPerDay', before: 5_000_000, after: 7_000_000 },
    ]);
    const early = await refusal(alice.api('governance.execute', { proposalId: proposed.proposalId }));
    expect([early.code, early.details?.reason]).toEqual(['conflict', 'VotingOpen']);

    // A tie fails (threshold: strict majority): executing it is refused and nothing changes.
    await advance(THREE_DAYS + 1);
    const failed = await refusal(alice.api('governance.execute', { proposalId: proposed.proposalId }));
    expect([failed.code, failed.details?.reason]).toEqual(['conflict', 'ProposalFailed']);
    expect(await alice.api('datanets.sync', { id: aliceId })).toMatchObject({ policyVersion: 1, newVersion: null });
    expect((await alice.services.datanets.get(aliceId)).policy).toEqual(firstPolicy);

    const again = await bob.api('governance.propose', { datanetId: bobId, policy: secondPolicy });
    await alice.api('governance.vote', { proposalId: again.proposalId, choice: 'yes' });
    await bob.api('governance.vote', { proposalId: again.proposalId, choice: 'yes' });
    await advance(THREE_DAYS + 1);
    const late = await refusal(alice.api('governance.vote', { proposalId: again.proposalId, choice: 'no' }));
    expect(late.code).toBe('conflict');
    expect(await alice.api('governance.execute', { proposalId: again.proposalId })).toMatchObject({ passed: true, policyVersion: 2 });

    const aliceView = await alice.api('datanets.show', { id: aliceId });
    const bobView = await bob.api('datanets.sync', { id: bobId });
    for (const view of [aliceView, bobView]) {
      expect(view).toMatchObject({ policyVersion: 2, policyHash: policyDocumentHash(secondPolicy), isStale: false });
      expect(view.policy).toEqual(secondPolicy);
      expect(view.newVersion).toEqual({
        fromVersion: 1,
        toVersion: 2,
        changes: [
          { path: 'maxFileBytes', before: firstPolicy.maxFileBytes, after: 2_000_000 },
          { path: 'quota.bytesPerDay', before: 5_000_000, after: 7_000_000 },
        ],
      });
    }
    // The local history keeps both versions; the proposal reads executed; the notice can be dismissed.
    expect((await bob.api('datanets.policyHistory', { id: bobId })).map((v) => v.policy.quota.bytesPerDay)).toEqual([7_000_000, 5_000_000]);
    expect((await bob.api('governance.list', { datanetId: bobId })).map((p) => p.state)).toEqual(['failed', 'executed']);
    expect((await bob.api('datanets.acknowledgePolicy', { id: bobId })).newVersion).toBeNull();
  });

  it('refuses a policy document the validator swapped (hash mismatch) and keeps the policy', async () => {
    const third: Policy = { ...secondPolicy, maxFileBytes: 3_000_000 };
    const proposed = await alice.api('governance.propose', { datanetId: aliceId, policy: third });
    await alice.api('governance.vote', { proposalId: proposed.proposalId, choice: 'yes' });
    await bob.api('governance.vote', { proposalId: proposed.proposalId, choice: 'yes' });
    await advance(THREE_DAYS + 1);
    await alice.api('governance.execute', { proposalId: proposed.proposalId });

    const liar = await tamperingValidator(devnet.profile.validatorUrl, { ...third, maxFileBytes: 999_000_000 });
    cleanups.push(liar.close);
    await bob.services.network.setProfile(withProfile({ validatorUrl: liar.url }));
    const error = await refusal(bob.api('datanets.sync', { id: bobId }));
    expect([error.code, error.details?.reason]).toEqual(['invalid_policy', 'hash_mismatch']);
    const kept = await bob.api('datanets.show', { id: bobId });
    expect(kept).toMatchObject({ policyVersion: 2, policyHash: policyDocumentHash(secondPolicy) });
    expect(kept.policy).toEqual(secondPolicy);
    expect((await bob.api('datanets.policyHistory', { id: bobId })).length).toBe(2);
  });

  it('keeps the last known policy and says so when the chain is unreachable, then catches up', async () => {
    await bob.services.network.setProfile(withProfile({ rpcUrl: 'http://127.0.0.1:9/' }));
    const stale = await bob.api('datanets.sync', { id: bobId });
    expect(stale).toMatchObject({ policyVersion: 2, isStale: true, syncError: { code: 'unavailable' } });
    expect(stale.policy).toEqual(secondPolicy);
    expect(await bob.api('datanets.show', { id: bobId })).toMatchObject({ isStale: true, policyVersion: 2 });
    expect((await refusal(bob.api('datanets.browse', {}))).code).toBe('unavailable');

    await bob.services.network.setProfile(devnet.profile);
    const current = await bob.api('datanets.sync', { id: bobId });
    expect(current).toMatchObject({ policyVersion: 3, isStale: false, syncError: null });
    expect(current.policy.maxFileBytes).toBe(3_000_000);
  });
});
