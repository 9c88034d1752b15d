// Submission on the devnet, measured in this run:
// - gas per file of one 20-file submission (one contribution attestation covers the Merkle root
//   of its files) against one attestation per file (20 separate `attest` transactions of the same
//   schema), and per file when five queued 20-file submissions share one `multiAttest`;
// - time from `submissions.submit` to the validator's verdict for 20 files (sign the manifest,
//   attest off-chain, attest on-chain, send the anonymised files, verdict attested on-chain).
import { AbiCoder, Contract, JsonRpcProvider, keccak256, toUtf8Bytes, Wallet, ZeroAddress, ZeroHash, concat } from 'ethers';
import { at, loadServices, report, seeded, startDevnet, tempDir } from './lib.mjs';

const FILES = 20;
const ROUNDS = 5;

const WORDS = (
  'patient presented reported denies history examination revealed tenderness swelling fever cough pain nausea fatigue ' +
  'dizziness headache rash wheezing murmur oedema pressure pulse saturation temperature glucose creatinine haemoglobin ' +
  'diagnosis suspected confirmed chronic acute infection inflammation fracture asthma diabetes hypertension anaemia ' +
  'prescribed started stopped increased reduced continued dose daily twice weekly tablets injection inhaler cream ' +
  'referred follow review discharge admitted scan ultrasound radiograph electrocardiogram biopsy culture bloods'
).split(' ');

/**
 * A distinct note per seed, so the validator sees no near-duplicates.
 * @param {number} seed
 */
function note(seed) {
  const rnd = seeded(seed + 1);
  return `Note ${seed}: ${Array.from({ length: 120 }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ')}.`;
}

const CONTRIBUTION = ['bytes32', 'bytes32', 'bytes32', 'uint32', 'uint64'];
const EAS_ATTEST = [
  'function attest((bytes32 schema, (address recipient, uint64 expirationTime, bool revocable, bytes32 refUID, bytes data, uint256 value) data) request) payable returns (bytes32)',
];

/**
 * The baseline: one on-chain attestation per file, each its own transaction.
 * @param {import('../shared/network-profile').NetworkProfile} profile
 * @param {string[]} files
 */
async function gasPerFileOneByOne(profile, files) {
  if (!profile.faucetUrl) throw new Error('the devnet profile names no faucet');
  const rpc = new JsonRpcProvider(profile.rpcUrl, profile.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const wallet = Wallet.createRandom().connect(rpc);
  await fetch(profile.faucetUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ address: wallet.address }),
  });
  const eas = new Contract(profile.contracts.eas, EAS_ATTEST, wallet);
  let total = 0n;
  for (const [i, content] of files.entries()) {
    const sha = keccak256(toUtf8Bytes(content));
    const root = keccak256(concat(['0x00', sha]));
    const data = AbiCoder.defaultAbiCoder().encode(CONTRIBUTION, [
      keccak256(toUtf8Bytes('bench')),
      root,
      keccak256(toUtf8Bytes(`m${i}`)),
      1,
      content.length,
    ]);
    const tx = await eas.getFunction('attest')({
      schema: profile.schemas.contribution,
      data: { recipient: ZeroAddress, expirationTime: 0n, revocable: true, refUID: ZeroHash, data, value: 0n },
    });
    total += (await tx.wait()).gasUsed;
  }
  rpc.destroy();
  return Number(total) / files.length;
}

const chain = tempDir('datanet-desk-bench-devnet-');
const app = tempDir('datanet-desk-bench-submit-');
const devnet = await startDevnet(chain.dir);
const { createServices } = await loadServices();
const services = await createServices({
  dataDir: app.dir,
  host: 'node',
  version: 'bench',
  submission: { isAutomatic: false, keystoreScryptN: 1024, environmentPassphrase: () => 'bench passphrase', log: () => undefined },
});
try {
  await services.wallet.create({});
  await services.network.setProfile(devnet.profile);
  const datanet = await services.datanets.create({ name: 'Bench', domain: 'clinical', description: 'Anonymised clinical notes.' });
  let seed = 0;
  /** @param {number} n */
  const anonymisedItems = async (n) => {
    /** @type {string[]} */
    const ids = [];
    for (let i = 0; i < n; i++) {
      const text = note(seed++);
      const { status, itemId } = await services.library.importBytes({
        datanetId: datanet.id,
        name: `n${seed}.txt`,
        bytes: new TextEncoder().encode(text),
      });
      if (status !== 'imported' || !itemId) throw new Error(`import failed: ${status}`);
      await services.versions.create({ itemId, kind: 'anonymised', content: { kind: 'text', text }, report: { detections: [] } });
      ids.push(itemId);
    }
    return ids;
  };
  // The first submission also pays the wallet's faucet round trip: warm up on it.
  const warm = await services.submissions.submitSelection(datanet.id, await anonymisedItems(FILES));
  await services.submissionQueue.settle([warm.id]);

  // Submit to verdict, 20 files, several rounds.
  /** @type {number[]} */
  const times = [];
  let single;
  for (let r = 0; r < ROUNDS; r++) {
    const itemIds = await anonymisedItems(FILES);
    const t0 = process.hrtime.bigint();
    const submitted = await services.submissions.submitSelection(datanet.id, itemIds);
    await services.submissionQueue.settle([submitted.id]);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    single = await services.submissions.get(submitted.id);
    if (single.status !== 'accepted') throw new Error(`round ${r}: ${single.status} ${JSON.stringify(single.reasons)}`);
  }
  if (!single) throw new Error('no round ran');
  times.sort((a, b) => a - b);
  report('submit', 'submit_to_verdict_20_files_median', at(times, Math.floor(times.length / 2)), 'ms');
  report('submit', 'submit_to_verdict_20_files_max', at(times, times.length - 1), 'ms');

  // Gas: this 20-file submission's own transaction against one attestation per file.
  const baseline = await gasPerFileOneByOne(
    devnet.profile,
    Array.from({ length: FILES }, (_, i) => note(100_000 + i)),
  );
  const perFile = Number(single.gasUsed) / FILES;
  report('submit', 'gas_per_file_20_file_submission', perFile, 'gas', baseline);

  // Five queued submissions go out in one multiAttest.
  /** @type {string[]} */
  const queued = [];
  for (let i = 0; i < 5; i++) queued.push((await services.submissions.submitSelection(datanet.id, await anonymisedItems(FILES))).id);
  await services.submissionQueue.settle(queued);
  const batch = await services.submissions.get(at(queued, 0));
  if (batch.batchSize !== 5) throw new Error(`expected one batch of 5, got ${batch.batchSize}`);
  report('submit', 'gas_per_file_5x20_files_multiAttest', Number(batch.gasUsed) / (5 * FILES), 'gas', baseline);
} finally {
  await services.close();
  await devnet.stop();
  app.remove();
  chain.remove();
}
