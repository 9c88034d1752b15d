// Gas per Datanet registry operation on the devnet (devnet/contracts/datanet-registry.sol),
// measured in this run: publish, join, request + approve, set role, propose, vote (one member one
// vote, and by accepted contributions), execute, record accepted items (per item, batch of 20 and
// the validator's one-file submission),
// publish a Datanet version. Baseline: one plain ERC-20 transfer of $OPEN to a fresh address in
// the same run, the cheapest useful token transaction; the ratio says how many transfers each
// operation costs.
import { Contract, HDNodeWallet, JsonRpcProvider, Mnemonic, keccak256, toUtf8Bytes } from 'ethers';
import { report, startDevnet, tempDir } from './lib.mjs';

const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
const GOVERNANCE =
  '(bool joinNeedsApproval, uint8 electorate, uint8 weight, uint16 quorumBps, uint16 thresholdBps, uint32 votingPeriodSeconds)';
// The slice of shared/datanet-registry.ts the bench calls (a .mjs cannot import the TypeScript).
const REGISTRY_ABI = [
  `function publish(bytes32 salt, string name, string domain, uint8 dataType, bytes32 policyHash, ${GOVERNANCE} governance) returns (bytes32 id)`,
  'function datanetIdFor(address owner, bytes32 salt) pure returns (bytes32)',
  'function join(bytes32 id)',
  'function requestJoin(bytes32 id)',
  'function approve(bytes32 id, address account)',
  'function setRole(bytes32 id, address account, uint8 role)',
  'function recordAccepted(bytes32 id, address contributor, bytes32[] contentHashes)',
  'function publishVersion(bytes32 id, bytes32 merkleRoot, uint32 itemCount) returns (uint64 version)',
  `function propose(bytes32 id, bytes32 policyHash, ${GOVERNANCE} next) returns (uint256 proposalId)`,
  'function vote(uint256 proposalId, bool support)',
  'function execute(uint256 proposalId) returns (uint64 policyVersion)',
  'function proposalCount() view returns (uint256)',
];
const TOKEN_ABI = ['function transfer(address to, uint256 value) returns (bool)'];
const PERIOD = 600;
const BATCH = 20;

/**
 * The registry's functions the bench calls (ethers builds them from the ABI at run time).
 * @typedef {import('ethers').Contract & Record<'publish' | 'datanetIdFor' | 'join' | 'requestJoin' | 'approve' | 'setRole' | 'recordAccepted' | 'publishVersion' | 'propose' | 'vote' | 'execute' | 'proposalCount', import('ethers').BaseContractMethod>} Registry
 */
/** @typedef {{ joinNeedsApproval: boolean, electorate: number, weight: number, quorumBps: number, thresholdBps: number, votingPeriodSeconds: number }} Governance */

/** @type {(rpc: JsonRpcProvider, index: number) => HDNodeWallet} */
const wallet = (rpc, index) => HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(ANVIL_MNEMONIC), `m/44'/60'/0'/0/${index}`).connect(rpc);
/** @param {Promise<import('ethers').ContractTransactionResponse>} tx */
const gasOf = async (tx) => {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error('a transaction has no receipt');
  return Number(receipt.gasUsed);
};
/** @type {(overrides?: Partial<Governance>) => Governance} */
const governance = (overrides = {}) => ({
  joinNeedsApproval: false,
  electorate: 0,
  weight: 0,
  quorumBps: 2000,
  thresholdBps: 5000,
  votingPeriodSeconds: PERIOD,
  ...overrides,
});
/** @param {string} text */
const hash = (text) => keccak256(toUtf8Bytes(text));

const chain = tempDir('datanet-desk-bench-registry-');
const devnet = await startDevnet(chain.dir);
const { profile } = devnet;
const rpc = new JsonRpcProvider(profile.rpcUrl, profile.chainId, { staticNetwork: true, cacheTimeout: -1 });
try {
  const deployer = wallet(rpc, 0);
  const validator = wallet(rpc, 1);
  const [owner, alice, bob, carol] = /** @type {[HDNodeWallet, HDNodeWallet, HDNodeWallet, HDNodeWallet]} */ (
    [3, 4, 5, 6].map((i) => wallet(rpc, i))
  );
  const registryAddress = profile.contracts.datanetRegistry;
  if (!registryAddress) throw new Error('the devnet profile names no Datanet registry');
  /** @type {(signer: HDNodeWallet) => Registry} */
  const registry = (signer) => /** @type {Registry} */ (new Contract(registryAddress, REGISTRY_ABI, signer));
  const advance = async () => {
    await rpc.send('evm_increaseTime', [PERIOD]);
    await rpc.send('evm_mine', []);
  };

  const transfer = await gasOf(
    new Contract(profile.contracts.token, TOKEN_ABI, deployer).getFunction('transfer')(HDNodeWallet.createRandom().address, 1n),
  );
  /** @type {[string, number][]} */
  const figures = [];

  // An open Datanet: publish, join, propose, vote, execute.
  const salt = hash('bench open');
  const open = await registry(owner).datanetIdFor(owner.address, salt);
  figures.push([
    'publish_gas',
    await gasOf(registry(owner).publish(salt, 'Clinical notes', 'clinical', 0, hash('policy 1'), governance())),
  ]);
  figures.push(['join_gas', await gasOf(registry(alice).join(open))]);
  await gasOf(registry(bob).join(open));
  figures.push(['set_role_gas', await gasOf(registry(owner).setRole(open, bob.address, 2))]);
  figures.push(['propose_gas', await gasOf(registry(alice).propose(open, hash('policy 2'), governance({ quorumBps: 3000 })))]);
  const proposalId = await registry(owner).proposalCount();
  figures.push(['vote_gas', await gasOf(registry(alice).vote(proposalId, true))]);
  await gasOf(registry(bob).vote(proposalId, true));
  await advance();
  figures.push(['execute_gas', await gasOf(registry(carol).execute(proposalId))]);

  // A Datanet needing approval: request, approve.
  const gatedSalt = hash('bench gated');
  const gated = await registry(owner).datanetIdFor(owner.address, gatedSalt);
  await gasOf(registry(owner).publish(gatedSalt, 'Radiology', 'imaging', 2, hash('policy g'), governance({ joinNeedsApproval: true })));
  figures.push(['request_join_gas', await gasOf(registry(alice).requestJoin(gated))]);
  figures.push(['approve_gas', await gasOf(registry(owner).approve(gated, alice.address))]);

  // Accepted items (the validator), a weighted vote, a Datanet version.
  const items = Array.from({ length: BATCH }, (_, i) => hash(`item ${i}`));
  const recorded = await gasOf(registry(validator).recordAccepted(open, alice.address, items));
  figures.push([`record_accepted_gas_per_item_batch_${BATCH}`, recorded / BATCH]);
  // The validator sends one recordAccepted per accepted submission (devnet/validator/validator.ts):
  // a one-file submission pays the whole transaction for its item (here the member's first).
  figures.push([
    'record_accepted_gas_per_item_batch_1',
    await gasOf(registry(validator).recordAccepted(open, bob.address, [hash('single')])),
  ]);
  const weightedSalt = hash('bench weighted');
  const weighted = await registry(owner).datanetIdFor(owner.address, weightedSalt);
  await gasOf(registry(owner).publish(weightedSalt, 'Weighted', 'clinical', 0, hash('policy w'), governance({ electorate: 1, weight: 1 })));
  await gasOf(registry(alice).join(weighted));
  await gasOf(registry(validator).recordAccepted(weighted, alice.address, [hash('w 1'), hash('w 2')]));
  await gasOf(registry(alice).propose(weighted, hash('policy w2'), governance()));
  figures.push(['vote_weighted_gas', await gasOf(registry(alice).vote(await registry(owner).proposalCount(), true))]);
  figures.push(['publish_version_gas', await gasOf(registry(owner).publishVersion(open, hash('root 1'), BATCH))]);

  report('datanet-registry', 'erc20_transfer_gas', transfer, 'gas');
  for (const [metric, value] of figures) report('datanet-registry', metric, value, 'gas', transfer);
} finally {
  rpc.destroy();
  await devnet.stop();
  chain.remove();
}
