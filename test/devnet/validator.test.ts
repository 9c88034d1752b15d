import { Contract, keccak256, toUtf8Bytes, Wallet, ZeroHash } from 'ethers';
import type { InterfaceAbi, JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeVerdictData } from '../../shared/attestation-schemas';
import { contributorStatsSchema, verdictSchema } from '../../shared/validator-api';
import type { DatanetRegistrationInput, Verdict } from '../../shared/validator-api';
import type { Devnet } from '../../devnet/devnet';
import { easArtifacts } from '../../devnet/eas-artifacts';
import { CLINICAL_DESCRIPTION, NOTES, syntheticNote } from './corpus';
import { attestOnchain, buildSubmission, getJson, postJson, provider, report, startTestDevnet } from './devnet-client';
import type { SubmissionOptions } from './devnet-client';

let devnet: Devnet;
let remove: () => void;
let rpc: JsonRpcProvider;
// The validator's clock: fixed, so that a test can move it to the next UTC day.
let clock = Date.parse('2026-03-10T12:00:00.000Z');

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

async function register(id: string, overrides: Partial<DatanetRegistrationInput> = {}): Promise<void> {
  const response = await postJson(url('/datanets'), {
    id,
    name: 'Clinical notes',
    description: CLINICAL_DESCRIPTION,
    policy: {},
    ...overrides,
  });
  expect(response.status).toBe(201);
}

async function submit(options: SubmissionOptions): Promise<{ verdict: Verdict; manifestHash: string; offchainUid: string }> {
  const built = await buildSubmission(devnet.profile, options);
  const response = await postJson(url('/submissions'), built.request);
  expect(response.status).toBe(200);
  return { verdict: verdictSchema.parse(response.body), manifestHash: built.manifestHash, offchainUid: built.offchainUid };
}

async function onchainVerdict(uid: string): Promise<{ attester: string; recipient: string; refUID: string; schema: string; data: string }> {
  const eas = new Contract(devnet.profile.contracts.eas, easArtifacts().eas.abi as InterfaceAbi, rpc);
  return (await eas.getFunction('getAttestation')(uid)) as {
    attester: string;
    recipient: string;
    refUID: string;
    schema: string;
    data: string;
  };
}

describe('the devnet validator', () => {
  it('accepts a good submission and records the verdict on-chain, referencing the contribution', async () => {
    await register('accept');
    const wallet = Wallet.createRandom();
    const { verdict, manifestHash, offchainUid } = await submit({
      datanetId: 'accept',
      wallet,
      files: [{ content: NOTES[0] }, { content: NOTES[1] }],
    });
    expect(verdict).toMatchObject({
      status: 'accepted',
      reasonCode: 'accepted',
      reasons: [],
      manifestHash,
      offchainUid,
      countsTowardQuota: true,
    });
    expect(verdict.score).toBeGreaterThan(50);
    expect(verdict.files.every((f) => f.relevance !== null && f.relevance > 0)).toBe(true);
    expect(verdict.attestation.status).toBe('attested');
    report('verdict_attestation_gas', verdict.attestation.gasUsed ?? 0, 'gas', { refUID: 'none (off-chain contribution)' });

    const onchain = await onchainVerdict(verdict.attestation.uid as string);
    expect(onchain.attester).toBe(devnet.profile.validatorAddress);
    expect(onchain.recipient).toBe(wallet.address);
    expect(onchain.schema).toBe(devnet.profile.schemas.verdict);
    // An off-chain contribution cannot be a refUID (EAS reverts on unknown refUIDs); the data carries it.
    expect(onchain.refUID).toBe(ZeroHash);
    expect(decodeVerdictData(onchain.data)).toEqual({
      accepted: true,
      score: verdict.score,
      reasonCode: 'accepted',
      manifestHash,
      contributionUid: offchainUid,
    });

    expect((await getJson(url(`/submissions/${manifestHash}`))).body).toEqual(verdict);
  });

  it('judges a full 20-file submission (measured from request to on-chain verdict)', async () => {
    await register('twenty');
    const built = await buildSubmission(devnet.profile, {
      datanetId: 'twenty',
      wallet: Wallet.createRandom(),
      files: Array.from({ length: 20 }, (_, i) => ({ content: syntheticNote(i, 400) })),
    });
    const started = performance.now();
    const verdict = verdictSchema.parse((await postJson(url('/submissions'), built.request)).body);
    report('submit_to_verdict_20_files', Math.round(performance.now() - started), 'ms', { bytes: verdict.totalBytes });
    expect(verdict).toMatchObject({ status: 'accepted', fileCount: 20, attestation: { status: 'attested' } });
  });

  it('is idempotent by manifest hash: the same submission again gets the same verdict and counts once', async () => {
    await register('idempotent');
    const wallet = Wallet.createRandom();
    const built = await buildSubmission(devnet.profile, { datanetId: 'idempotent', wallet, files: [{ content: NOTES[2] }] });
    const first = await postJson(url('/submissions'), built.request);
    const second = await postJson(url('/submissions'), built.request);
    expect(second.body).toEqual(first.body);
    const stats = contributorStatsSchema.parse((await getJson(url(`/contributors/${wallet.address}`))).body);
    expect(stats).toMatchObject({ submissions: 1, accepted: 1, acceptedFiles: 1 });
  });

  it('uses an on-chain contribution attestation as the verdict refUID', async () => {
    await register('onchain');
    const wallet = Wallet.createRandom();
    expect((await postJson(url('/faucet'), { address: wallet.address })).status).toBe(200);
    const draft = await buildSubmission(devnet.profile, {
      datanetId: 'onchain',
      wallet,
      files: [{ content: NOTES[3] }],
      createdAt: '2026-03-10T11:00:00.000Z',
    });
    const { uid } = await attestOnchain(devnet.profile, wallet, draft.manifest, draft.manifestHash);
    const { verdict } = await submit({
      datanetId: 'onchain',
      wallet,
      files: [{ content: NOTES[3] }],
      createdAt: '2026-03-10T11:00:00.000Z',
      onchainUid: uid,
    });
    expect(verdict).toMatchObject({ status: 'accepted', refUID: uid, onchainContributionUid: uid });
    const onchain = await onchainVerdict(verdict.attestation.uid as string);
    expect(onchain.refUID).toBe(uid);
    expect(decodeVerdictData(onchain.data).contributionUid).toBe(uid);
    report('verdict_attestation_gas_with_refuid', verdict.attestation.gasUsed ?? 0, 'gas');
  });

  it('rejects a submission over the daily byte quota with quota_exceeded, and accepts it the next UTC day', async () => {
    await register('quota', { policy: { quota: { bytesPerDay: 500 } } });
    const wallet = Wallet.createRandom();
    const first = await submit({ datanetId: 'quota', wallet, files: [{ content: NOTES[0] }] });
    expect(first.verdict.status).toBe('accepted');
    const files = [{ content: NOTES[1] }, { content: NOTES[2] }];
    const over = await submit({ datanetId: 'quota', wallet, files, createdAt: '2026-03-10T12:00:01.000Z' });
    expect(over.verdict).toMatchObject({ status: 'rejected', reasonCode: 'quota_exceeded', countsTowardQuota: false });
    expect(over.verdict.reasons[0]?.details).toMatchObject({ limit: 'bytes_per_day', max: 500 });

    const saved = clock;
    clock = Date.parse('2026-03-11T00:00:00.000Z');
    try {
      // The same manifest again: a quota rejection is not final.
      const nextDay = await submit({ datanetId: 'quota', wallet, files, createdAt: '2026-03-10T12:00:01.000Z' });
      expect(nextDay.verdict).toMatchObject({ status: 'accepted', day: '2026-03-11', manifestHash: over.manifestHash });
    } finally {
      clock = saved;
    }
  });

  it('rejects more files than a submission may hold with quota_exceeded', async () => {
    await register('per-submission', { policy: { quota: { filesPerSubmission: 2 } } });
    const { verdict } = await submit({
      datanetId: 'per-submission',
      wallet: Wallet.createRandom(),
      files: NOTES.slice(0, 3).map((content) => ({ content })),
    });
    expect(verdict.reasonCode).toBe('quota_exceeded');
    expect(verdict.reasons[0]?.details).toMatchObject({ limit: 'files_per_submission' });
  });

  it('rejects a manifest not signed by its contributor with bad_signature, without recording anything', async () => {
    await register('signature');
    const wallet = Wallet.createRandom();
    const forged = await submit({
      datanetId: 'signature',
      wallet,
      manifestSigner: Wallet.createRandom(),
      files: [{ content: NOTES[4] }],
      createdAt: '2026-03-10T10:00:00.000Z',
    });
    expect(forged.verdict).toMatchObject({ status: 'rejected', reasonCode: 'bad_signature', attestation: { status: 'not_recorded' } });
    expect((await getJson(url(`/submissions/${forged.manifestHash}`))).status).toBe(404);
    // A forged request cannot fix a rejection onto the real contributor's manifest.
    const genuine = await submit({ datanetId: 'signature', wallet, files: [{ content: NOTES[4] }], createdAt: '2026-03-10T10:00:00.000Z' });
    expect(genuine.manifestHash).toBe(forged.manifestHash);
    expect(genuine.verdict.status).toBe('accepted');
  });

  it('rejects an off-chain attestation that does not verify with bad_attestation', async () => {
    await register('attestation');
    const built = await buildSubmission(devnet.profile, {
      datanetId: 'attestation',
      wallet: Wallet.createRandom(),
      files: [{ content: NOTES[5] }],
    });
    const pkg = built.request.offchainAttestation as { sig: { signature: { r: string } } };
    pkg.sig.signature.r = keccak256(toUtf8Bytes('not the signature'));
    const verdict = verdictSchema.parse((await postJson(url('/submissions'), built.request)).body);
    expect(verdict.reasonCode).toBe('bad_attestation');
  });

  it('rejects a file whose bytes were changed after signing with tampered_file', async () => {
    await register('tampered');
    const { verdict } = await submit({
      datanetId: 'tampered',
      wallet: Wallet.createRandom(),
      files: [{ content: NOTES[5] }, { content: NOTES[6] }],
      editFiles: (files) =>
        files.map((f, i) =>
          i === 1 ? { ...f, contentBase64: Buffer.from(`${NOTES[6]} Patient name: John Smith.`).toString('base64') } : f,
        ),
    });
    expect(verdict).toMatchObject({ status: 'rejected', reasonCode: 'tampered_file', countsTowardQuota: false });
    expect(verdict.reasons).toHaveLength(1);
  });

  it('rejects a manifest whose files do not hash to its Merkle root with merkle_mismatch', async () => {
    await register('merkle');
    const { verdict } = await submit({
      datanetId: 'merkle',
      wallet: Wallet.createRandom(),
      files: [{ content: NOTES[7] }, { content: NOTES[8] }],
      editManifest: (m) => ({ ...m, merkleRoot: keccak256(toUtf8Bytes('another tree')) }),
    });
    expect(verdict).toMatchObject({ status: 'rejected', reasonCode: 'merkle_mismatch' });
  });

  it('rejects exact and near duplicates of accepted files with duplicate', async () => {
    await register('duplicates');
    const wallet = Wallet.createRandom();
    expect((await submit({ datanetId: 'duplicates', wallet, files: [{ content: NOTES[9] }] })).verdict.status).toBe('accepted');

    const exact = await submit({ datanetId: 'duplicates', wallet: Wallet.createRandom(), files: [{ content: NOTES[9] }] });
    expect(exact.verdict).toMatchObject({ status: 'rejected', reasonCode: 'duplicate' });
    expect(exact.verdict.reasons[0]?.details).toMatchObject({ kind: 'exact' });

    const near = await submit({
      datanetId: 'duplicates',
      wallet: Wallet.createRandom(),
      files: [{ content: NOTES[9].replace('score 3', 'score 4') }],
    });
    expect(near.verdict).toMatchObject({ status: 'rejected', reasonCode: 'duplicate' });
    expect(near.verdict.reasons[0]?.details).toMatchObject({ kind: 'near' });

    const inOne = await submit({ datanetId: 'duplicates', wallet, files: [{ content: NOTES[0] }, { content: NOTES[0] }] });
    expect(inOne.verdict.reasonCode).toBe('duplicate');
  });

  it('rejects files that do not meet the Datanet format policy with wrong_format', async () => {
    await register('format', { policy: { acceptedTypes: ['txt', 'json'] } });
    const notJson = await submit({
      datanetId: 'format',
      wallet: Wallet.createRandom(),
      files: [{ content: '{"note": "unterminated', type: 'json' }],
    });
    expect(notJson.verdict).toMatchObject({ status: 'rejected', reasonCode: 'wrong_format' });
    expect(notJson.verdict.reasons[0]?.message).toMatch(/JSON/);
    const notAccepted = await submit({
      datanetId: 'format',
      wallet: Wallet.createRandom(),
      files: [{ content: 'age,sex\n41,F\n', type: 'csv' }],
    });
    expect(notAccepted.verdict.reasonCode).toBe('wrong_format');
    expect(notAccepted.verdict.reasons[0]?.message).toMatch(/not csv/);
  });

  it('rejects files the policy wants anonymised or DP-noised when they are not', async () => {
    await register('policy', { policy: { dp: { required: true } } });
    const { verdict } = await submit({
      datanetId: 'policy',
      wallet: Wallet.createRandom(),
      files: [
        { content: NOTES[1], isAnonymised: false },
        { content: 'age,sex\n41,F\n', type: 'csv' },
      ],
    });
    expect(verdict.reasons.map((r) => r.code)).toEqual(['not_anonymised', 'dp_missing']);
  });

  it('rejects an unknown Datanet, and registers one whose policy the submission carries', async () => {
    const wallet = Wallet.createRandom();
    const unknown = await submit({ datanetId: 'nobody-knows', wallet, files: [{ content: NOTES[2] }] });
    expect(unknown.verdict.reasonCode).toBe('unknown_datanet');
    const carried = await submit({
      datanetId: 'carried',
      wallet,
      files: [{ content: NOTES[2] }],
      datanet: { description: CLINICAL_DESCRIPTION, policy: { acceptedTypes: ['txt'] } },
    });
    expect(carried.verdict.status).toBe('accepted');
    expect((await getJson(url('/datanets/carried'))).body).toMatchObject({
      id: 'carried',
      source: 'submission',
      policy: { acceptedTypes: ['txt'] },
    });
  });

  it('reports the acceptance rate, and a rejection does not lower standing', async () => {
    await register('standing');
    const wallet = Wallet.createRandom();
    await submit({ datanetId: 'standing', wallet, files: [{ content: NOTES[3] }] });
    const before = contributorStatsSchema.parse((await getJson(url(`/contributors/${wallet.address}`))).body);
    expect(before).toMatchObject({ accepted: 1, rejected: 0, acceptanceRate: 1, standing: 1 });
    await submit({ datanetId: 'standing', wallet, files: [{ content: '{', type: 'json' }] });
    const after = contributorStatsSchema.parse((await getJson(url(`/contributors/${wallet.address}`))).body);
    expect(after).toMatchObject({ accepted: 1, rejected: 1, acceptanceRate: 0.5, standing: before.standing });
    expect(after.today).toEqual([{ datanetId: 'standing', day: '2026-03-10', bytes: NOTES[3].length + 1, files: 2 }]);
  });

  it('answers malformed requests with invalid_input and unknown things with not_found', async () => {
    const bad = await postJson(url('/submissions'), { manifest: {} });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid_input' } });
    expect((await getJson(url(`/submissions/${ZeroHash}`))).status).toBe(404);
    expect((await getJson(url('/nothing'))).status).toBe(404);
    expect((await postJson(url('/faucet'), { address: Wallet.createRandom().address, amount: '1000000000000000000000' })).status).toBe(400);
    expect((await getJson(url('/health'))).body).toMatchObject({ ok: true, chainId: 31337 });
  });
});
