import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HDNodeWallet, Interface, Mnemonic, toUtf8Bytes, Wallet, keccak256 } from 'ethers';
import type { InterfaceAbi, JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';
import {
  DATANET_REGISTRY_ABI,
  datanetIdFor,
  MAX_POLICY_BYTES,
  policyDocumentBytes,
  policyDocumentHash,
} from '../../shared/datanet-registry';
import type { Governance } from '../../shared/datanet-registry';
import { DatanetRegistryClient } from '../../shared/datanet-registry-client';
import { fetchPolicyDocument, verifyPolicyDocument } from '../../shared/datanet-registry-policy';
import { AppError } from '../../shared/errors';
import { defaultPolicy } from '../../shared/policy';
import type { Policy } from '../../shared/policy';
import { ANVIL_MNEMONIC, devnetWallet } from '../../devnet/accounts';
import { compileContracts } from '../../devnet/contracts/compile';
import type { Devnet } from '../../devnet/devnet';
import { outboundFetchBytes } from '../../electron/services/network/policy-document';
import { provider, startTestDevnet } from './devnet-client';

let devnet: Devnet;
let remove: () => void;
let rpc: JsonRpcProvider;
let registryAddress: string;

/** anvil's funded accounts 3.. (0–2 are the devnet's deployer, validator and faucet). */
function account(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(ANVIL_MNEMONIC), `m/44'/60'/0'/0/${index}`).connect(rpc);
}
const owner = (): HDNodeWallet => account(3);
const alice = (): HDNodeWallet => account(4);
const bob = (): HDNodeWallet => account(5);
const carol = (): HDNodeWallet => account(6);
const stranger = (): HDNodeWallet => account(7);

const as = (wallet: HDNodeWallet | Wallet): DatanetRegistryClient => new DatanetRegistryClient(registryAddress, wallet);
const reader = (): DatanetRegistryClient => new DatanetRegistryClient(registryAddress, rpc);

function policyWith(governance: Partial<Governance>, edit: Partial<Policy> = {}): Policy {
  const base = defaultPolicy();
  return { ...base, ...edit, governance: { ...base.governance, ...governance } };
}

let saltCounter = 0;
async function publish(governance: Partial<Governance> = {}, by = owner()): Promise<string> {
  const result = await as(by).publish({
    salt: keccak256(toUtf8Bytes(`salt ${saltCounter++}`)),
    name: 'Clinical notes',
    domain: 'clinical',
    dataType: 'text',
    policy: policyWith(governance),
  });
  return result.onchainId;
}

/** Resolves to the refusal's custom error name, failing if the call succeeds or fails otherwise. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return String(error.details?.reason);
  }
  throw new Error('the call succeeded');
}

async function advance(seconds: number): Promise<void> {
  await rpc.send('evm_increaseTime', [seconds]);
  await rpc.send('evm_mine', []);
}

beforeAll(async () => {
  ({ devnet, remove } = await startTestDevnet());
  rpc = provider(devnet.profile);
  registryAddress = devnet.profile.contracts.datanetRegistry as string;
});

afterAll(async () => {
  rpc?.destroy();
  await devnet?.stop();
  remove?.();
});

describe('the Datanet registry contract', () => {
  it('is deployed with the validator account as its validator and named in the profile', async () => {
    expect(registryAddress).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(devnet.deployment.contracts.datanetRegistry).toBe(registryAddress);
    expect(await reader().contract.getFunction('validator')()).toBe(devnet.profile.validatorAddress);
  });

  it('matches the human-readable ABI the app uses to the compiled contract', () => {
    const human = new Interface([...DATANET_REGISTRY_ABI]);
    const built = new Interface(compileContracts().DatanetRegistry.abi as InterfaceAbi);
    human.forEachFunction((f) => {
      const g = built.getFunction(f.format('sighash'));
      expect([g?.format('sighash'), g?.stateMutability, g?.outputs.map((o) => o.format('full'))]).toEqual([
        f.format('sighash'),
        f.stateMutability,
        f.outputs.map((o) => o.format('full')),
      ]);
    });
    human.forEachEvent((e) => expect(built.getEvent(e.name)?.format('full')).toBe(e.format('full')));
    human.forEachError((e) => expect(built.getError(e.name)?.format('full')).toBe(e.format('full')));
    // Nothing the contract exposes is missing from the app's ABI.
    built.forEachFunction((f) => expect(human.getFunction(f.format('sighash'))).not.toBeNull());
    built.forEachEvent((e) => expect(human.getEvent(e.name)).not.toBeNull());
    built.forEachError((e) => expect(human.getError(e.name)).not.toBeNull());
  });

  it('publishes a Datanet with the id keccak(owner, salt), its first policy version and the owner as member', async () => {
    const salt = keccak256(toUtf8Bytes('publish test'));
    const policy = policyWith({ join: 'approval', quorumBps: 3000 });
    const result = await as(owner()).publish({ salt, name: 'Radiology', domain: 'imaging', dataType: 'image', policy });
    expect(result.onchainId).toBe(datanetIdFor(owner().address, salt));
    expect(result.policyHash).toBe(policyDocumentHash(policy));
    const d = await reader().getDatanet(result.onchainId);
    expect(d).toMatchObject({
      owner: owner().address,
      name: 'Radiology',
      domain: 'imaging',
      dataType: 'image',
      policyVersion: 1,
      policyHash: policyDocumentHash(policy),
      governance: policy.governance,
      members: 1,
      acceptedItems: 0,
      datanetVersion: 0,
    });
    expect((await reader().member(result.onchainId, owner().address)).role).toBe('owner');
    expect((await reader().listDatanets()).map((x) => x.onchainId)).toContain(result.onchainId);

    // The same salt again is the same id: refused rather than a second Datanet.
    expect(await refusal(as(owner()).publish({ salt, name: 'Again', domain: '', dataType: 'text', policy }))).toBe('DatanetExists');
    expect(await refusal(as(owner()).publish({ salt: keccak256('0x01'), name: '', domain: '', dataType: 'text', policy }))).toBe(
      'InvalidName',
    );
    const badGovernance = policyWith({ votingPeriodSeconds: 10 });
    expect(
      await refusal(as(owner()).publish({ salt: keccak256('0x02'), name: 'x', domain: '', dataType: 'text', policy: badGovernance })),
    ).toBe('InvalidGovernance');
    expect((await reader().getDatanet(result.onchainId)).name).toBe('Radiology');
  });

  it('refuses to publish from a wallet without ether, and publishes nothing', async () => {
    const poor = Wallet.createRandom().connect(rpc);
    const before = await reader().contract.getFunction('datanetCount')();
    expect(
      await refusal(as(poor).publish({ salt: keccak256('0x03'), name: 'x', domain: '', dataType: 'text', policy: defaultPolicy() })),
    ).toBe('insufficient_funds');
    expect(await reader().contract.getFunction('datanetCount')()).toBe(before);
  });

  it('fixes the data type at creation: no function but publish takes one, and a new policy version keeps it', async () => {
    const built = new Interface(compileContracts().DatanetRegistry.abi as InterfaceAbi);
    const takesDataType: string[] = [];
    built.forEachFunction((f) => {
      if (f.inputs.some((i) => i.name === 'dataType')) takesDataType.push(f.name);
    });
    expect(takesDataType).toEqual(['publish']);

    const id = await publish({ quorumBps: 0 });
    const { proposalId } = await as(owner()).propose(id, policyWith({ quorumBps: 0 }, { maxFileBytes: 1000 }));
    await as(owner()).vote(proposalId, true);
    await advance(3 * 24 * 3600);
    await as(stranger()).execute(proposalId);
    const d = await reader().getDatanet(id);
    expect([d.policyVersion, d.dataType]).toEqual([2, 'text']);
  });

  it('lets anyone join an open Datanet as a contributor, once', async () => {
    const id = await publish({ join: 'open' });
    await as(alice()).join(id);
    expect(await reader().member(id, alice().address)).toMatchObject({ role: 'contributor', accepted: 0 });
    expect(await refusal(as(alice()).join(id))).toBe('AlreadyMember');
    expect(await refusal(as(bob()).requestJoin(id))).toBe('JoinIsOpen');
    expect((await reader().getDatanet(id)).members).toBe(2);
    expect((await reader().members(id)).map((m) => [m.address, m.role])).toEqual([
      [owner().address, 'owner'],
      [alice().address, 'contributor'],
    ]);
  });

  it("needs a curator's approval where the policy says so, and refuses approval by anyone else", async () => {
    const id = await publish({ join: 'approval' });
    expect(await refusal(as(alice()).join(id))).toBe('NeedsApproval');
    expect((await reader().member(id, alice().address)).role).toBe('none');

    await as(alice()).requestJoin(id);
    expect(await reader().isJoinRequested(id, alice().address)).toBe(true);
    expect(await refusal(as(alice()).requestJoin(id))).toBe('AlreadyRequested');
    expect(await refusal(as(stranger()).approve(id, alice().address))).toBe('NotCurator');
    expect((await reader().member(id, alice().address)).role).toBe('none');

    // The owner makes bob a curator (bob must be a member first).
    await as(bob()).requestJoin(id);
    await as(owner()).approve(id, bob().address);
    expect(await refusal(as(bob()).approve(id, alice().address))).toBe('NotCurator');
    await as(owner()).setRole(id, bob().address, 'curator');
    await as(bob()).approve(id, alice().address);
    expect(await reader().member(id, alice().address)).toMatchObject({ role: 'contributor' });
    expect(await reader().isJoinRequested(id, alice().address)).toBe(false);
    expect(await refusal(as(bob()).approve(id, alice().address))).toBe('NoJoinRequest');
    expect(await refusal(as(bob()).approve(id, carol().address))).toBe('NoJoinRequest');
  });

  it('lets only the owner make curators; curators move members between reviewer and contributor', async () => {
    const id = await publish();
    for (const w of [alice(), bob(), carol()]) await as(w).join(id);
    expect(await refusal(as(alice()).setRole(id, bob().address, 'reviewer'))).toBe('NotCurator');
    await as(owner()).setRole(id, alice().address, 'curator');
    await as(alice()).setRole(id, bob().address, 'reviewer');
    expect((await reader().member(id, bob().address)).role).toBe('reviewer');
    expect(await refusal(as(alice()).setRole(id, carol().address, 'curator'))).toBe('NotOwner');
    expect(await refusal(as(alice()).setRole(id, owner().address, 'reviewer'))).toBe('CannotChangeOwner');
    expect(await refusal(as(owner()).setRole(id, stranger().address, 'reviewer'))).toBe('NotMember');
  });
});

describe('governance', () => {
  it('refuses a proposal from a non-member', async () => {
    const id = await publish();
    expect(await refusal(as(stranger()).propose(id, policyWith({})))).toBe('NotMember');
    expect(await reader().contract.getFunction('policyVersionCount')(id)).toBe(1n);
  });

  it('counts one vote per member, within the period only, and executes only after it', async () => {
    const id = await publish({ votingPeriodSeconds: 3600 });
    await as(alice()).join(id);
    const { proposalId, endsAt } = await as(alice()).propose(id, policyWith({}, { maxFileBytes: 5000 }));
    const block = await rpc.getBlock('latest');
    expect(endsAt).toBe((block?.timestamp ?? 0) + 3600);

    expect((await as(alice()).vote(proposalId, true)).yes).toBe(1);
    expect(await refusal(as(alice()).vote(proposalId, false))).toBe('AlreadyVoted');
    expect(await refusal(as(stranger()).vote(proposalId, true))).toBe('NotMember');
    expect(await refusal(as(stranger()).execute(proposalId))).toBe('VotingOpen');

    await advance(3600);
    expect(await refusal(as(owner()).vote(proposalId, true))).toBe('VotingClosed');
    const p = await reader().getProposal(proposalId);
    expect([p.yes, p.no, p.state]).toEqual([1, 0, 'passed']);
  });

  it('refuses votes from members who joined after the proposal was made', async () => {
    const id = await publish();
    const { proposalId } = await as(owner()).propose(id, policyWith({}, { maxFileBytes: 7 }));
    await as(carol()).join(id);
    expect(await refusal(as(carol()).vote(proposalId, true))).toBe('JoinedAfterProposal');
  });

  it('makes a passed proposal the next policy version with its governance parameters', async () => {
    const id = await publish({ join: 'open', thresholdBps: 5000, quorumBps: 5000, votingPeriodSeconds: 600 });
    await as(alice()).join(id);
    await as(bob()).join(id);
    const next = policyWith({ join: 'approval', thresholdBps: 6666, quorumBps: 2500, votingPeriodSeconds: 7200 }, { maxFileBytes: 123 });
    const first = policyDocumentHash(policyWith({ join: 'open', thresholdBps: 5000, quorumBps: 5000, votingPeriodSeconds: 600 }));
    const { proposalId } = await as(alice()).propose(id, next);
    await as(alice()).vote(proposalId, true);
    await as(bob()).vote(proposalId, true);
    await as(owner()).vote(proposalId, false);
    await advance(600);
    const executed = await as(stranger()).execute(proposalId);
    expect(executed.policyVersion).toBe(2);

    const d = await reader().getDatanet(id);
    expect([d.policyVersion, d.policyHash]).toEqual([2, policyDocumentHash(next)]);
    expect(d.governance).toEqual(next.governance);
    expect(await reader().policyAt(id, 1)).toEqual({
      policyHash: first,
      governance: policyWith({ join: 'open', thresholdBps: 5000, quorumBps: 5000, votingPeriodSeconds: 600 }).governance,
    });
    expect((await reader().getProposal(proposalId)).state).toBe('executed');
    expect(await refusal(as(stranger()).execute(proposalId))).toBe('AlreadyExecuted');
    // The new version's rules hold at once: joining now needs approval, and proposals run 2 h.
    expect(await refusal(as(carol()).join(id))).toBe('NeedsApproval');
    const later = await as(owner()).propose(id, policyWith({}));
    expect(later.endsAt - ((await rpc.getBlock('latest'))?.timestamp ?? 0)).toBe(7200);
    expect((await reader().proposalsOf(id)).map((p) => p.proposalId)).toEqual([proposalId, later.proposalId]);
  });

  it('refuses to execute a proposal that missed its quorum, and changes nothing', async () => {
    // 4 members, quorum 75 %: 3 votes needed; 2 yes votes are not enough.
    const id = await publish({ quorumBps: 7500, votingPeriodSeconds: 600 });
    for (const w of [alice(), bob(), carol()]) await as(w).join(id);
    const { proposalId } = await as(alice()).propose(id, policyWith({}, { maxFileBytes: 9 }));
    await as(alice()).vote(proposalId, true);
    await as(bob()).vote(proposalId, true);
    await advance(600);
    const p = await reader().getProposal(proposalId);
    expect([p.electorateWeight, p.quorumWeight, p.state]).toEqual([4, 3, 'failed']);
    expect(await refusal(as(alice()).execute(proposalId))).toBe('ProposalFailed');
    const d = await reader().getDatanet(id);
    expect([d.policyVersion, d.governance.quorumBps]).toEqual([1, 7500]);
  });

  it('refuses to execute a proposal that missed its threshold (a tie is not a majority), and changes nothing', async () => {
    const id = await publish({ quorumBps: 0, thresholdBps: 5000, votingPeriodSeconds: 600 });
    await as(alice()).join(id);
    const { proposalId } = await as(alice()).propose(id, policyWith({}, { maxFileBytes: 11 }));
    await as(alice()).vote(proposalId, true);
    await as(owner()).vote(proposalId, false);
    await advance(600);
    expect((await reader().getProposal(proposalId)).state).toBe('failed');
    expect(await refusal(as(alice()).execute(proposalId))).toBe('ProposalFailed');
    expect((await reader().getDatanet(id)).policyVersion).toBe(1);

    // With no vote at all a proposal fails too, whatever the quorum.
    const empty = await as(alice()).propose(id, policyWith({}, { maxFileBytes: 12 }));
    await advance(600);
    expect(await refusal(as(alice()).execute(empty.proposalId))).toBe('ProposalFailed');
  });

  it('expires a passed proposal superseded by another version, or not executed within the window', async () => {
    const rules = { quorumBps: 0, votingPeriodSeconds: 600 };
    const id = await publish(rules);
    const first = await as(owner()).propose(id, policyWith(rules, { maxFileBytes: 21 }));
    const second = await as(owner()).propose(id, policyWith(rules, { maxFileBytes: 22 }));
    await as(owner()).vote(first.proposalId, true);
    await as(owner()).vote(second.proposalId, true);
    await advance(600);
    await as(owner()).execute(first.proposalId);
    expect((await reader().getProposal(second.proposalId)).state).toBe('expired');
    expect(await refusal(as(owner()).execute(second.proposalId))).toBe('ProposalExpired');
    expect((await reader().getDatanet(id)).policyHash).toBe(policyDocumentHash(policyWith(rules, { maxFileBytes: 21 })));

    const late = await as(owner()).propose(id, policyWith(rules, { maxFileBytes: 23 }));
    await as(owner()).vote(late.proposalId, true);
    await advance(600 + 7 * 24 * 3600 - 5);
    expect((await reader().getProposal(late.proposalId)).state).toBe('passed');
    await advance(5);
    expect(await refusal(as(owner()).execute(late.proposalId))).toBe('ProposalExpired');
    expect((await reader().getDatanet(id)).policyVersion).toBe(2);
  });

  it('weighs votes by accepted contributions, counted only by the validator, distinct content only', async () => {
    const id = await publish({
      electorate: 'active-contributors',
      weight: 'accepted-contributions',
      quorumBps: 5000,
      votingPeriodSeconds: 600,
    });
    for (const w of [alice(), bob(), carol()]) await as(w).join(id);
    const validator = as(devnetWallet('validator').connect(rpc));
    const hashes = (n: number, tag: string): string[] => Array.from({ length: n }, (_, i) => keccak256(toUtf8Bytes(`${tag} ${i}`)));

    expect(await refusal(as(alice()).recordAccepted(id, alice().address, hashes(5, 'self')))).toBe('NotValidator');
    expect(await refusal(as(owner()).recordAccepted(id, alice().address, hashes(5, 'self')))).toBe('NotValidator');
    expect(await refusal(validator.recordAccepted(id, stranger().address, hashes(1, 'x')))).toBe('NotMember');
    await validator.recordAccepted(id, alice().address, hashes(3, 'alice'));
    await validator.recordAccepted(id, bob().address, hashes(1, 'bob'));
    // bob resubmitting alice's content: the whole batch is refused, his count stays 1.
    expect(await refusal(validator.recordAccepted(id, bob().address, [...hashes(1, 'bob2'), ...hashes(1, 'alice')]))).toBe(
      'DuplicateContent',
    );
    expect((await reader().member(id, bob().address)).accepted).toBe(1);
    expect(await reader().isAccepted(id, hashes(1, 'alice')[0] as string)).toBe(true);
    expect(await reader().isAccepted(id, hashes(1, 'bob2')[0] as string)).toBe(false);
    expect((await reader().getDatanet(id)).acceptedItems).toBe(4);

    const { proposalId } = await as(carol()).propose(id, policyWith({}, { maxFileBytes: 31 }));
    expect((await reader().getProposal(proposalId)).electorateWeight).toBe(4);
    // The owner and carol have no accepted item: not in this electorate.
    expect(await refusal(as(owner()).vote(proposalId, true))).toBe('NotInElectorate');
    expect(await refusal(as(carol()).vote(proposalId, true))).toBe('NotInElectorate');
    expect((await as(bob()).vote(proposalId, true)).weight).toBe(1);
    const tally = await as(alice()).vote(proposalId, false);
    expect([tally.weight, tally.yes, tally.no]).toEqual([3, 1, 3]);
    await advance(600);
    expect(await refusal(as(bob()).execute(proposalId))).toBe('ProposalFailed');
  });

  it('lets only curators publish a Datanet version', async () => {
    const id = await publish();
    await as(alice()).join(id);
    const root = keccak256(toUtf8Bytes('batch 1'));
    expect(await refusal(as(alice()).publishVersion(id, root, 4))).toBe('NotCurator');
    expect(await refusal(as(stranger()).publishVersion(id, root, 4))).toBe('NotCurator');
    expect((await as(owner()).publishVersion(id, root, 4)).version).toBe(1);
    await as(owner()).setRole(id, alice().address, 'curator');
    const root2 = keccak256(toUtf8Bytes('batch 2'));
    expect((await as(alice()).publishVersion(id, root2, 2)).version).toBe(2);
    const d = await reader().getDatanet(id);
    expect([d.datanetVersion, d.latestRoot]).toEqual([2, root2]);
    expect(await reader().contract.getFunction('versionRoot')(id, 1)).toBe(root);
  });
});

describe('policy documents by hash', () => {
  const put = async (body: string | Uint8Array): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${devnet.profile.validatorUrl}/policies`, {
      method: 'PUT',
      body: typeof body === 'string' ? body : Buffer.from(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('stores a canonical policy document and serves its exact bytes, verified by the client', async () => {
    const policy = policyWith({ join: 'approval' }, { maxFileBytes: 4242 });
    const bytes = policyDocumentBytes(policy);
    const stored = await put(bytes);
    expect(stored).toEqual({ status: 201, body: { sha256: policyDocumentHash(policy), bytes: bytes.length } });
    expect((await put(bytes)).status).toBe(200);

    const served = await fetch(`${devnet.profile.validatorUrl}/policies/${policyDocumentHash(policy)}`);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
    const fetched = await fetchPolicyDocument(outboundFetchBytes(undefined), devnet.profile.validatorUrl, policyDocumentHash(policy));
    expect(fetched.policy).toEqual(policy);

    const missing = keccak256('0x99');
    await expect(fetchPolicyDocument(outboundFetchBytes(undefined), devnet.profile.validatorUrl, missing)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('refuses documents over 256 KB, not valid policies, or not in canonical form, and stores none of them', async () => {
    const huge = canonicalJson({ ...defaultPolicy(), padding: 'x'.repeat(MAX_POLICY_BYTES) });
    const tooLarge = await put(huge);
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body).toMatchObject({ error: { code: 'invalid_policy', details: { reason: 'too_large' } } });

    const invalid = canonicalJson({ ...defaultPolicy(), maxFileBytes: -1 });
    expect(await put(invalid)).toMatchObject({ status: 400, body: { error: { code: 'invalid_policy', details: { reason: 'schema' } } } });

    const partial = JSON.stringify({ maxFileBytes: 1000 });
    expect(await put(partial)).toMatchObject({ status: 400, body: { error: { details: { reason: 'not_canonical' } } } });
    const spaced = JSON.stringify(JSON.parse(canonicalJson(defaultPolicy())), null, 2);
    expect(await put(spaced)).toMatchObject({ status: 400, body: { error: { details: { reason: 'not_canonical' } } } });

    for (const body of [invalid, partial, spaced]) {
      const hash = `0x${Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString('hex')}`;
      expect((await fetch(`${devnet.profile.validatorUrl}/policies/${hash}`)).status).toBe(404);
    }
  });

  it('refuses a document whose bytes do not hash to the hash asked for (a hostile server)', async () => {
    const asked = policyWith({}, { maxFileBytes: 1 });
    const served = policyDocumentBytes(policyWith({}, { maxFileBytes: 2 }));
    // The attack: a server answers every hash with another valid policy document.
    const hostile: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(served);
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
    try {
      const error = await fetchPolicyDocument(outboundFetchBytes(undefined), url, policyDocumentHash(asked)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'invalid_policy', details: { reason: 'hash_mismatch', expected: policyDocumentHash(asked) } });
    } finally {
      await new Promise<void>((resolve) => hostile.close(() => resolve()));
    }
    expect(() => verifyPolicyDocument(served, policyDocumentHash(asked))).toThrow(/does not match/);
    expect(verifyPolicyDocument(served, policyDocumentHash(policyWith({}, { maxFileBytes: 2 }))).policy.maxFileBytes).toBe(2);
  });

  it('stops reading a served document past 256 KB', async () => {
    const hostile: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.alloc(MAX_POLICY_BYTES + 1, 0x20));
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
    try {
      const error = await fetchPolicyDocument(outboundFetchBytes(undefined), url, keccak256('0x01')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).not.toBe('internal');
    } finally {
      await new Promise<void>((resolve) => hostile.close(() => resolve()));
    }
  });
});
