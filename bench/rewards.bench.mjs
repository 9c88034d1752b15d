// Rewards indexer catch-up speed on the devnet, measured in this run: many verdict attestations
// (EAS Attested, by the validator, about one contributor) and FileRewarded / EpochPaid events are
// generated on anvil, then a fresh index catches up from the deployment block. Figure: events per
// second into PGlite (getLogs in chunks, attestation data by getAttestation, block times, one
// transaction per chunk). Baseline: raw eth_getLogs of the same filters over the same chunks,
// which is the floor any indexer pays; the ratio says what decoding, the extra reads and storage cost.
import { join } from 'node:path';
import {
  AbiCoder,
  Contract,
  HDNodeWallet,
  Interface,
  JsonRpcProvider,
  Mnemonic,
  Wallet,
  ZeroHash,
  keccak256,
  toUtf8Bytes,
  zeroPadValue,
} from 'ethers';
import { loadServices, report, startDevnet, tempDir } from './lib.mjs';

const VERDICT_TXS = 20;
const VERDICTS_PER_TX = 50; // ≈ 17 M gas, under anvil's 30 M block gas limit
const EPOCHS = 10;
const FILES_PER_EPOCH = 200;
const CHUNK_BLOCKS = 2_000;
const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

const EAS_ABI = [
  'function multiAttest((bytes32 schema, (address recipient, uint64 expirationTime, bool revocable, bytes32 refUID, bytes data, uint256 value)[] data)[] multiRequests) payable returns (bytes32[])',
  'event Attested(address indexed recipient, address indexed attester, bytes32 uid, bytes32 indexed schemaUID)',
];
const REWARDS_ABI = [
  'function payEpoch(uint64 epoch, (bytes32 datanet, address contributor, bytes32 contentHash, uint256 score)[] items) returns (uint256 totalPaid)',
  'function lastEpoch() view returns (uint64)',
  'event FileRewarded(uint64 indexed epoch, bytes32 indexed datanet, address indexed contributor, bytes32 contentHash, uint256 score, uint256 amount)',
  'event EpochPaid(uint64 indexed epoch, uint256 budget, uint256 totalScore, uint256 totalPaid, uint256 fileCount)',
];

/** @typedef {import('../shared/network-profile').NetworkProfile} NetworkProfile */

/**
 * @param {NetworkProfile} profile
 * @param {string} contributor
 * @param {JsonRpcProvider} rpc
 */
async function generate(profile, contributor, rpc) {
  // The validator's own key (anvil account 1): only its verdicts count for the network.
  const validator = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(ANVIL_MNEMONIC), "m/44'/60'/0'/0/1").connect(rpc);
  const eas = new Contract(profile.contracts.eas, EAS_ABI, validator);
  const rewards = new Contract(profile.contracts.rewards, REWARDS_ABI, validator);
  const coder = AbiCoder.defaultAbiCoder();
  const datanet = keccak256(toUtf8Bytes('bench'));
  let n = 0;
  for (let t = 0; t < VERDICT_TXS; t++) {
    const data = Array.from({ length: VERDICTS_PER_TX }, () => {
      n++;
      const hash = keccak256(toUtf8Bytes(`manifest ${n}`));
      return {
        recipient: contributor,
        expirationTime: 0n,
        revocable: true,
        refUID: ZeroHash,
        data: coder.encode(
          ['bool', 'uint8', 'string', 'bytes32', 'bytes32'],
          [n % 4 !== 0, n % 4 ? 80 : 0, n % 4 ? 'accepted' : 'duplicate', hash, hash],
        ),
        value: 0n,
      };
    });
    await (await eas.getFunction('multiAttest')([{ schema: profile.schemas.verdict, data }])).wait();
  }
  const first = Number(await rewards.getFunction('lastEpoch')()) + 1;
  for (let e = 0; e < EPOCHS; e++) {
    const items = Array.from({ length: FILES_PER_EPOCH }, (_, i) => [
      datanet,
      contributor,
      keccak256(toUtf8Bytes(`file ${i}`)),
      BigInt(1 + (i % 7)),
    ]);
    await (await rewards.getFunction('payEpoch')(first + e, items)).wait();
  }
}

/**
 * @param {NetworkProfile} profile
 * @param {string} contributor
 * @param {JsonRpcProvider} rpc
 * @param {number} from
 * @param {number} to
 */
async function rawGetLogs(profile, contributor, rpc, from, to) {
  const eas = new Interface(EAS_ABI);
  const rewards = new Interface(REWARDS_ABI);
  /** @param {Interface} abi @param {string} name */
  const topicOf = (abi, name) => {
    const event = abi.getEvent(name);
    if (!event) throw new Error(`no event ${name} in the ABI`);
    return event.topicHash;
  };
  const who = zeroPadValue(contributor, 32);
  if (!profile.validatorAddress) throw new Error('the devnet profile names no validator address');
  const attester = zeroPadValue(profile.validatorAddress, 32);
  let events = 0;
  for (let start = from; start <= to; start += CHUNK_BLOCKS) {
    const end = Math.min(to, start + CHUNK_BLOCKS - 1);
    const logs = await Promise.all([
      rpc.getLogs({
        address: profile.contracts.eas,
        topics: [topicOf(eas, 'Attested'), who, attester, profile.schemas.verdict],
        fromBlock: start,
        toBlock: end,
      }),
      rpc.getLogs({
        address: profile.contracts.rewards,
        topics: [topicOf(rewards, 'FileRewarded'), null, null, who],
        fromBlock: start,
        toBlock: end,
      }),
      rpc.getLogs({
        address: profile.contracts.rewards,
        topics: [topicOf(rewards, 'EpochPaid')],
        fromBlock: start,
        toBlock: end,
      }),
    ]);
    events += logs.reduce((s, l) => s + l.length, 0);
  }
  return events;
}

const { openDatabase, RewardsIndexer } = await loadServices();
const tmp = tempDir('rewards-bench-');
const devnet = await startDevnet(join(tmp.dir, 'chain'));
const { profile } = devnet;
const rpc = new JsonRpcProvider(profile.rpcUrl, profile.chainId, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
try {
  const contributor = Wallet.createRandom().address;
  await generate(profile, contributor, rpc);
  const head = await rpc.getBlockNumber();
  const from = profile.startBlock ?? 0;

  const t0 = performance.now();
  const rawEvents = await rawGetLogs(profile, contributor, rpc, from, head);
  const rawSeconds = (performance.now() - t0) / 1000;

  const db = await openDatabase(undefined);
  const indexer = new RewardsIndexer(db, rpc, profile, contributor, {
    confirmations: 0,
    chunkBlocks: CHUNK_BLOCKS,
    reorgWindow: 64,
    concurrency: 8,
  });
  const t1 = performance.now();
  const run = await indexer.run();
  const indexSeconds = (performance.now() - t1) / 1000;
  const indexed = run.verdicts + run.rewards + run.epochs;
  if (indexed !== rawEvents) throw new Error(`indexed ${indexed} events, getLogs found ${rawEvents}`);

  // Caught up: the next run reads one block-hash check and nothing else.
  const t2 = performance.now();
  await indexer.run();
  const idleMs = performance.now() - t2;
  await db.close();

  // The same catch-up reading each verdict's data with getAttestation (one eth_call per verdict).
  const db2 = await openDatabase(undefined);
  const perCall = new RewardsIndexer(db2, rpc, profile, contributor, {
    confirmations: 0,
    chunkBlocks: CHUNK_BLOCKS,
    reorgWindow: 64,
    concurrency: 8,
    isCalldataDecoding: false,
  });
  const t3 = performance.now();
  await perCall.run();
  const perCallSeconds = (performance.now() - t3) / 1000;
  await db2.close();

  report('rewards', 'indexer_catch_up_events', indexed, 'events');
  report('rewards', 'indexer_catch_up_events_per_second', indexed / indexSeconds, 'events/s', rawEvents / rawSeconds);
  report('rewards', 'indexer_catch_up_seconds', indexSeconds, 's', rawSeconds);
  report('rewards', 'indexer_caught_up_sync_ms', idleMs, 'ms');
  report('rewards', 'indexer_catch_up_events_per_second_getAttestation', indexed / perCallSeconds, 'events/s', rawEvents / rawSeconds);
} finally {
  rpc.destroy();
  await devnet.stop();
  tmp.remove();
}
