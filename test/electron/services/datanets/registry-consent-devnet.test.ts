import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyDocumentHash } from '../../../../shared/datanet-registry';
import { AppError } from '../../../../shared/errors';
import { policySchema } from '../../../../shared/policy';
import type { Devnet } from '../../../../devnet/devnet';
import type { ConsentPrompt, ConsentRequest } from '../../../../electron/services/wallet/signing-consent';
import type { Services } from '../../../../electron/services/wiring';
import { provider, startTestDevnet } from '../../../devnet/devnet-client';
import { makeTempDir } from '../../../helpers/temp-dir';
import { openServices, typedApi } from '../submissions/helpers';

/** Stands in for Electron's native dialog (which needs a display): answers as told and keeps what it was shown. */
class FakeConsentPrompt implements ConsentPrompt {
  isConfirming = false;
  readonly asked: ConsentRequest[] = [];
  async confirm(request: ConsentRequest): Promise<boolean> {
    this.asked.push(request);
    return this.isConfirming;
  }
}

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

type App = { services: Services; api: ReturnType<typeof typedApi>; address: string; prompt: FakeConsentPrompt };

async function freshApp(): Promise<App> {
  const tmp = makeTempDir();
  cleanups.push(tmp.remove);
  const prompt = new FakeConsentPrompt();
  const services = await openServices(tmp.dir, { isAutomatic: false, consentPrompt: prompt });
  cleanups.push(() => services.close());
  const { address } = await services.wallet.create({});
  await services.network.setProfile(devnet.profile);
  const api = typedApi(services);
  await api('wallet.fund', {});
  return { services, api, address, prompt };
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

const nonceOf = (address: string): Promise<number> => rpc.getTransactionCount(address, 'latest');

describe('consent for registry transactions (devnet)', () => {
  let alice: App;
  let bob: App;

  it('a declined publish sends nothing (nonce unchanged, still a draft); the prompt showed what would be signed', async () => {
    alice = await freshApp();
    const policy = policySchema.parse({ governance: { join: 'approval' } });
    const draft = await alice.services.datanets.create({ name: 'Gated notes', domain: 'clinical', description: '', policy });
    const nonce = await nonceOf(alice.address);

    const declined = await refusal(alice.api('datanets.publish', { id: draft.id }));
    expect([declined.code, declined.details?.action]).toEqual(['consent_required', 'publish']);
    expect(await nonceOf(alice.address)).toBe(nonce);
    expect(await alice.api('datanets.show', { id: draft.id })).toMatchObject({ onchainId: null });
    const shown = alice.prompt.asked.at(-1);
    expect(shown).toMatchObject({
      kind: 'registry',
      action: 'publish',
      datanetName: 'Gated notes',
      networkName: devnet.profile.name,
      policyHash: policyDocumentHash(policy),
    });
    expect(BigInt((shown as { maxFeeWei: string }).maxFeeWei)).toBeGreaterThan(0n);

    alice.prompt.isConfirming = true;
    const published = await alice.api('datanets.publish', { id: draft.id });
    expect(alice.prompt.asked.at(-1)).toMatchObject({ action: 'publish', onchainId: published.onchainId });
    expect(await nonceOf(alice.address)).toBe(nonce + 1);
  });

  it("the wallet's total fee cap refuses a registry transaction before the prompt (fee_cap_exceeded), nothing sent", async () => {
    const draft = await alice.services.datanets.create({ name: 'Capped', domain: 'x', description: '', policy: policySchema.parse({}) });
    await alice.api('wallet.updateSettings', { maxTotalWeiPerSubmission: '1000' });
    const asked = alice.prompt.asked.length;
    const nonce = await nonceOf(alice.address);
    const error = await refusal(alice.api('datanets.publish', { id: draft.id }));
    expect([error.code, error.details?.capWei]).toEqual(['fee_cap_exceeded', '1000']);
    expect(alice.prompt.asked.length).toBe(asked);
    expect(await nonceOf(alice.address)).toBe(nonce);
    await alice.api('wallet.updateSettings', { maxTotalWeiPerSubmission: null, maxFeePerGasGwei: 0.000001 });
    // The per-gas cap too (ethers hands the signer a Transaction whose fields a naive read sees as 0).
    const perGas = await refusal(alice.api('datanets.publish', { id: draft.id }));
    expect([perGas.code, perGas.details?.capWei]).toEqual(['fee_cap_exceeded', '1000']);
    expect(await nonceOf(alice.address)).toBe(nonce);
    await alice.api('wallet.updateSettings', { maxFeePerGasGwei: null });
  });

  it('a join request is listed for the curator; a declined approval changes nothing, a confirmed one admits the member', async () => {
    const gatedId = (await alice.services.datanets.list()).find((d) => d.name === 'Gated notes')?.id as string;
    const { onchainId } = await alice.api('datanets.show', { id: gatedId });
    bob = await freshApp();
    bob.prompt.isConfirming = true;
    expect((await refusal(bob.api('datanets.join', { onchainId: onchainId as string }))).code).toBe('approval_required');
    expect(bob.prompt.asked.at(-1)).toMatchObject({ action: 'request-join', onchainId, datanetName: 'Gated notes' });
    expect(await alice.api('datanets.requests', { datanetId: gatedId })).toEqual([
      { address: bob.address, blockNumber: expect.any(Number) },
    ]);

    alice.prompt.isConfirming = false;
    const nonce = await nonceOf(alice.address);
    expect((await refusal(alice.api('datanets.approveMember', { datanetId: gatedId, address: bob.address }))).code).toBe(
      'consent_required',
    );
    expect(alice.prompt.asked.at(-1)).toMatchObject({ action: 'approve-member', account: bob.address, onchainId });
    expect(await nonceOf(alice.address)).toBe(nonce);
    expect((await alice.api('datanets.requests', { datanetId: gatedId })).map((r) => r.address)).toEqual([bob.address]);

    alice.prompt.isConfirming = true;
    await alice.api('datanets.approveMember', { datanetId: gatedId, address: bob.address });
    expect(await alice.api('datanets.requests', { datanetId: gatedId })).toEqual([]);
    // Nobody left to admit: refused before any transaction.
    expect((await refusal(alice.api('datanets.approveMember', { datanetId: gatedId, address: bob.address }))).code).toBe('not_found');
    const joined = await bob.api('datanets.join', { onchainId: onchainId as string });
    expect(joined).toMatchObject({ onchainId, role: 'contributor' });

    // A contributor is no curator: the registry refuses the approval of a third wallet's request.
    const carol = await freshApp();
    carol.prompt.isConfirming = true;
    await refusal(carol.api('datanets.join', { onchainId: onchainId as string }));
    const notCurator = await refusal(bob.api('datanets.approveMember', { datanetId: joined.id, address: carol.address }));
    expect(notCurator.details?.reason).toBe('NotCurator');
  });

  it('a declined vote leaves the proposal without it (nonce unchanged); the prompt named the proposal and the choice', async () => {
    const gatedId = (await alice.services.datanets.list()).find((d) => d.name === 'Gated notes')?.id as string;
    const bobId = (await bob.services.datanets.list()).find((d) => d.name === 'Gated notes')?.id as string;
    const current = await alice.services.datanets.get(gatedId);
    const next = { ...current.policy, maxFileBytes: 3_000_000 };
    const proposed = await alice.api('governance.propose', { datanetId: gatedId, policy: next });
    expect(alice.prompt.asked.at(-1)).toMatchObject({ action: 'propose', policyHash: policyDocumentHash(next) });

    bob.prompt.isConfirming = false;
    const nonce = await nonceOf(bob.address);
    const declined = await refusal(bob.api('governance.vote', { proposalId: proposed.proposalId, choice: 'yes' }));
    expect(declined.code).toBe('consent_required');
    expect(bob.prompt.asked.at(-1)).toMatchObject({
      action: 'vote',
      proposalId: proposed.proposalId,
      choice: 'yes',
      datanetName: 'Gated notes',
    });
    expect(await nonceOf(bob.address)).toBe(nonce);
    const listed = (await bob.api('governance.list', { datanetId: bobId })).find((p) => p.proposalId === proposed.proposalId);
    expect(listed).toMatchObject({ yes: 0, no: 0, hasVoted: false });
  });
});
