import { Contract } from 'ethers';
import type { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../../shared/api/dispatcher';
import { decodeContributionData } from '../../../../shared/attestation-schemas';
import { EAS_ABI } from '../../../../shared/eas-abi';
import { offchainAttestationPackageSchema, verdictSchema } from '../../../../shared/validator-api';
import type { Devnet } from '../../../../devnet/devnet';
import { createOffchainVerifier } from '../../../../devnet/validator/offchain';
import { QueueHalt } from '../../../../electron/services/submissions/submission-queue';
import type { QueueStep } from '../../../../electron/services/submissions/submission-queue';
import type { Services } from '../../../../electron/services/wiring';
import { syntheticNote } from '../../../devnet/corpus';
import { getJson, provider, startTestDevnet } from '../../../devnet/devnet-client';
import { makeTempDir } from '../../../helpers/temp-dir';
import { onchainContributions } from './devnet-helpers';
import { createDatanet, importAnonymised, openServices, typedApi } from './helpers';

let devnet: Devnet;
let removeDevnet: () => void;
let rpc: JsonRpcProvider;
let seed = 1000;
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

/** Services on a fresh data folder with a wallet and the devnet selected; the queue driven by the test. */
async function freshApp(tuning: Parameters<typeof openServices>[1] = {}): Promise<{ services: Services; dataDir: string }> {
  const tmp = makeTempDir();
  cleanups.push(tmp.remove);
  const services = await openServices(tmp.dir, { isAutomatic: false, ...tuning });
  cleanups.push(() => services.close());
  await services.wallet.create({});
  await services.network.setProfile(devnet.profile);
  return { services, dataDir: tmp.dir };
}

async function anonymisedItems(services: Services, datanetId: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await importAnonymised(services, datanetId, `note-${seed}.txt`, syntheticNote(seed++)));
  return ids;
}

describe('submitting to the devnet', () => {
  it('submits 3 anonymised files: attested off-chain at once, then on-chain, and accepted by the validator', async () => {
    const { services } = await freshApp();
    const datanetId = await createDatanet(services, 'Clinical notes');
    const itemIds = await anonymisedItems(services, datanetId, 3);
    const { address } = await services.wallet.address();

    const prepared = await typedApi(services)('submissions.prepare', { datanetId, itemIds });
    expect(prepared.fees).toMatchObject({ isWithinCaps: true, capMaxFeePerGasWei: '100000000000' });
    const queued = await typedApi(services)('submissions.submit', { requestId: prepared.requestId, manifestHash: prepared.manifestHash });
    expect(queued).toMatchObject({ status: 'attested_offchain', fileCount: 3, contributor: address, onchainUid: null, txHash: null });
    expect(queued.offchainUid).toMatch(/^0x[0-9a-f]{64}$/);

    await services.submissionQueue.settle([queued.id]);
    const done = await services.submissions.get(queued.id);
    expect(done).toMatchObject({ status: 'accepted', manifestHash: queued.manifestHash, lastError: null, batchSize: 1 });
    expect(done.verdict).toMatchObject({ status: 'accepted', reasonCode: 'accepted', countsTowardQuota: true });
    expect(done.onchainUid).toMatch(/^0x[0-9a-f]{64}$/);
    expect(done.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(BigInt(done.gasUsed ?? '0')).toBeGreaterThan(0n);

    // On-chain: one contribution attestation by the contributor, of this manifest.
    const eas = new Contract(devnet.profile.contracts.eas, EAS_ABI, rpc);
    const onchain = (await eas.getFunction('getAttestation')(done.onchainUid)) as { attester: string; schema: string; data: string };
    expect(onchain.attester).toBe(address);
    expect(onchain.schema).toBe(devnet.profile.schemas.contribution);
    expect(decodeContributionData(onchain.data)).toMatchObject({
      manifestHash: done.manifestHash,
      merkleRoot: done.merkleRoot,
      fileCount: 3,
    });
    expect((await rpc.getTransactionReceipt(done.txHash as string))?.from).toBe(address);

    // The validator's verdict references the on-chain attestation and is attested itself.
    const verdict = verdictSchema.parse((await getJson(`${devnet.profile.validatorUrl}/submissions/${done.manifestHash}`)).body);
    expect(verdict).toMatchObject({
      status: 'accepted',
      onchainContributionUid: done.onchainUid,
      refUID: done.onchainUid,
      offchainUid: done.offchainUid,
    });
    expect(verdict.attestation.status).toBe('attested');

    // The app's off-chain attestation verifies with the EAS SDK for this deployment, by the contributor.
    const { json } = await services.submissions.attestationJson(done.id);
    const pkg = offchainAttestationPackageSchema.parse(JSON.parse(json));
    const verify = createOffchainVerifier({
      eas: devnet.profile.contracts.eas,
      easVersion: devnet.deployment.easVersion,
      chainId: devnet.profile.chainId,
    });
    expect(verify(pkg, address)).toBe(true);
    expect(services.submissions.verifyAttestationJson(json)).toEqual({ valid: true, signer: address, uid: done.offchainUid });

    // Quota counts it; submitting the same items again is the same submission.
    expect(await services.submissions.quota(datanetId)).toMatchObject({ usedFiles: 3, usedBytes: done.totalBytes });
    expect((await services.submissions.submitSelection(datanetId, itemIds)).id).toBe(done.id);
    expect(await onchainContributions(rpc, devnet.profile, address)).toHaveLength(1);
  });

  it('batches queued submissions into one multiAttest transaction', async () => {
    const { services } = await freshApp();
    const datanetId = await createDatanet(services, 'Batched');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await services.submissions.submitSelection(datanetId, await anonymisedItems(services, datanetId, 2))).id);
    await services.submissionQueue.settle(ids);
    const done = await Promise.all(ids.map((id) => services.submissions.get(id)));
    expect(done.map((s) => s.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(new Set(done.map((s) => s.txHash)).size).toBe(1);
    expect(done.map((s) => s.batchSize)).toEqual([3, 3, 3]);
    expect(new Set(done.map((s) => s.onchainUid)).size).toBe(3);
    const { address } = await services.wallet.address();
    const onchain = await onchainContributions(rpc, devnet.profile, address);
    expect(onchain.map((o) => o.manifestHash).sort()).toEqual(done.map((s) => s.manifestHash).sort());
  });

  it('refuses a selection over what is left today with quota_exceeded, before signing, and plans it from tomorrow', async () => {
    const { services } = await freshApp();
    const api = createDispatcher(services.handlers, (e) => console.error(e));
    const datanetId = await createDatanet(services, 'Small quota', { quota: { bytesPerDay: 3_000, filesPerSubmission: 3 } });
    const first = await services.submissions.submitSelection(datanetId, await anonymisedItems(services, datanetId, 2));
    await services.submissionQueue.settle([first.id]);
    expect((await services.submissions.get(first.id)).status).toBe('accepted');
    const quota = await services.submissions.quota(datanetId);
    expect(quota.bytesLeft).toBe(3_000 - first.totalBytes);

    const more = await anonymisedItems(services, datanetId, 4);
    const refused = await api('submissions.prepare', { datanetId, itemIds: more });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('quota_exceeded');
    const plan = (refused.error.details as { plan: { batches: { day: string; itemIds: string[] }[] } }).plan;
    expect(plan.batches.flatMap((b) => b.itemIds).sort()).toEqual([...more].sort());
    expect(plan.batches.some((b) => b.day > quota.day)).toBe(true);
    expect((await services.submissions.list(datanetId)).map((s) => s.id)).toEqual([first.id]);

    // The first batch of the plan fits, and goes through.
    const today = plan.batches.filter((b) => b.day === quota.day).flatMap((b) => b.itemIds);
    expect(today.length).toBeGreaterThan(0);
    const second = await services.submissions.submitSelection(datanetId, today);
    await services.submissionQueue.settle([second.id]);
    expect((await services.submissions.get(second.id)).status).toBe('accepted');
  });
});

describe('without ether', () => {
  it('sends the off-chain attestation alone when the wallet has no ether and the network no faucet', async () => {
    const { services } = await freshApp();
    const { faucetUrl: _faucet, ...withoutFaucet } = devnet.profile;
    await services.network.setProfile(withoutFaucet);
    const datanetId = await createDatanet(services, 'No ether');
    const submitted = await services.submissions.submitSelection(datanetId, await anonymisedItems(services, datanetId, 2));
    await services.submissionQueue.settle([submitted.id]);
    const done = await services.submissions.get(submitted.id);
    expect(done).toMatchObject({ status: 'accepted', isOnchainSkipped: true, onchainUid: null, txHash: null });
    const verdict = verdictSchema.parse((await getJson(`${devnet.profile.validatorUrl}/submissions/${done.manifestHash}`)).body);
    expect(verdict).toMatchObject({ onchainContributionUid: null, offchainUid: done.offchainUid });
    expect(await onchainContributions(rpc, devnet.profile, done.contributor)).toEqual([]);
  });

  it('sends no original whose "share original" mark was withdrawn after the submission was queued', async () => {
    const { services } = await freshApp();
    const datanetId = await createDatanet(services, 'Open notes', { anonymisation: { required: false } });
    const imported = await services.library.importBytes({
      datanetId,
      name: 'raw.txt',
      bytes: new TextEncoder().encode(syntheticNote(seed++)),
    });
    const itemId = imported.itemId as string;
    await services.handlers['items.setShareOriginal']({ id: itemId, isShared: true, confirm: true });
    const queued = await services.submissions.submitSelection(datanetId, [itemId]);
    // The user changes their mind while the submission waits in the queue.
    await services.handlers['items.setShareOriginal']({ id: itemId, isShared: false });
    await services.submissionQueue.settle([queued.id]);

    const done = await services.submissions.get(queued.id);
    expect(done).toMatchObject({ status: 'rejected', verdict: null });
    expect(done.reasons.map((r) => r.code)).toEqual(['original_not_shared']);
    // The validator never received the submission (nor, therefore, the original's bytes).
    const asked = await getJson(`${devnet.profile.validatorUrl}/submissions/${done.manifestHash}`);
    expect(asked.status).toBe(404);
  });
});

describe('a kill at any step', () => {
  const STEPS: QueueStep[] = [
    'signed',
    'attested_offchain',
    'batch_journaled',
    'batch_recorded',
    'broadcast',
    'attested_onchain',
    'validator_answered',
    'verdict_stored',
  ];

  it.each(STEPS)('after %s: the restarted app finishes, and exactly one attestation reaches the chain', async (step) => {
    let haltAt: QueueStep | undefined = step;
    const afterStep = (at: QueueStep): void => {
      if (at === haltAt) {
        haltAt = undefined;
        throw new QueueHalt(at);
      }
    };
    const { services, dataDir } = await freshApp({ afterStep });
    const datanetId = await createDatanet(services, `Kill ${step}`);
    const itemIds = await anonymisedItems(services, datanetId, 2);
    const { address } = await services.wallet.address();

    let halted = false;
    try {
      const submitted = await services.submissions.submitSelection(datanetId, itemIds);
      await services.submissionQueue.settle([submitted.id]);
    } catch (error) {
      if (!(error instanceof QueueHalt)) throw error;
      halted = true;
    }
    expect(halted).toBe(true);
    // The "kill": the process goes away mid-step; nothing after the step ran.
    await services.close();

    const reopened = await openServices(dataDir, { isAutomatic: false });
    cleanups.push(() => reopened.close());
    const [record] = await reopened.submissions.list(datanetId);
    if (!record) throw new Error('the submission was lost');
    await reopened.submissionQueue.settle([record.id]);
    const done = await reopened.submissions.get(record.id);
    expect(done.status).toBe('accepted');
    expect(done.onchainUid).not.toBeNull();

    const onchain = await onchainContributions(rpc, devnet.profile, address);
    expect(onchain).toHaveLength(1);
    expect(onchain[0]).toMatchObject({ uid: done.onchainUid, manifestHash: done.manifestHash, txHash: done.txHash });
    // And submitting the same items after the restart is still the same submission.
    expect((await reopened.submissions.submitSelection(datanetId, itemIds)).id).toBe(done.id);
  });
});
