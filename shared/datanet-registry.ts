import { AbiCoder, keccak256, sha256, toUtf8Bytes } from 'ethers';
import { canonicalJson } from './canonical-json';
import type { Policy } from './policy';

/**
 * The Datanet registry contract (devnet/contracts/datanet-registry.sol) as the app, the CLI and
 * the devnet see it: its human-readable ABI (ethers format; a devnet test checks it against the
 * compiled contract), the enums in contract order, and the mapping between a policy document
 * and the governance parameters the contract stores and enforces.
 */

const GOVERNANCE =
  '(bool joinNeedsApproval, uint8 electorate, uint8 weight, uint16 quorumBps, uint16 thresholdBps, uint32 votingPeriodSeconds)';

export const DATANET_REGISTRY_ABI = [
  'function validator() view returns (address)',
  // owner(): the registry's admin (rotates the validator key), not a Datanet's owner.
  'function owner() view returns (address)',
  'function setValidator(address validator_)',
  'function transferOwnership(address newOwner)',
  'function renounceOwnership()',
  'function MAX_TEXT_BYTES() view returns (uint32)',
  'function MIN_VOTING_PERIOD() view returns (uint32)',
  'function MAX_VOTING_PERIOD() view returns (uint32)',
  'function EXECUTION_WINDOW() view returns (uint64)',
  'function datanetIdFor(address owner, bytes32 salt) pure returns (bytes32)',
  `function publish(bytes32 salt, string name, string domain, uint8 dataType, bytes32 policyHash, ${GOVERNANCE} governance) returns (bytes32 id)`,
  'function datanetCount() view returns (uint256)',
  'function listDatanets(uint256 start, uint256 count) view returns (bytes32[] ids)',
  `function getDatanet(bytes32 id) view returns ((bytes32 id, address owner, string name, string domain, uint8 dataType, uint64 createdAt, uint64 policyVersion, bytes32 policyHash, ${GOVERNANCE} governance, uint32 memberCount, uint64 acceptedTotal, uint64 datanetVersion, bytes32 latestRoot) v)`,
  `function policyAt(bytes32 id, uint64 version) view returns (bytes32 policyHash, ${GOVERNANCE} governance)`,
  'function policyVersionCount(bytes32 id) view returns (uint64)',
  'function join(bytes32 id)',
  'function requestJoin(bytes32 id)',
  'function approve(bytes32 id, address account)',
  'function setRole(bytes32 id, address account, uint8 role)',
  'function memberOf(bytes32 id, address account) view returns (uint8 role, uint64 joinedBlock, uint64 accepted)',
  'function membersOf(bytes32 id) view returns (address[])',
  'function isJoinRequested(bytes32, address) view returns (bool)',
  'function recordAccepted(bytes32 id, address contributor, bytes32[] contentHashes)',
  'function isAccepted(bytes32, bytes32) view returns (bool)',
  'function publishVersion(bytes32 id, bytes32 merkleRoot, uint32 itemCount) returns (uint64 version)',
  'function versionRoot(bytes32, uint64) view returns (bytes32)',
  `function propose(bytes32 id, bytes32 policyHash, ${GOVERNANCE} next) returns (uint256 proposalId)`,
  'function vote(uint256 proposalId, bool support)',
  'function execute(uint256 proposalId) returns (uint64 policyVersion)',
  'function proposalCount() view returns (uint256)',
  'function hasVoted(uint256, address) view returns (bool)',
  'function votingWeight(uint256 proposalId, address account) view returns (uint64)',
  `function getProposal(uint256 proposalId) view returns ((uint256 id, bytes32 datanetId, address proposer, bytes32 policyHash, ${GOVERNANCE} rules, ${GOVERNANCE} next, uint64 baseVersion, uint64 createdBlock, uint64 endsAt, uint64 electorateWeight, uint64 yes, uint64 no, uint64 quorumWeight, uint8 state) v)`,
  'event ValidatorChanged(address indexed validator)',
  'event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)',
  'event DatanetPublished(bytes32 indexed datanetId, address indexed owner, string name, string domain, uint8 dataType, bytes32 policyHash)',
  `event PolicyVersionAdded(bytes32 indexed datanetId, uint64 indexed version, bytes32 policyHash, ${GOVERNANCE} governance)`,
  'event JoinRequested(bytes32 indexed datanetId, address indexed account)',
  'event MemberApproved(bytes32 indexed datanetId, address indexed account, address indexed curator)',
  'event MemberJoined(bytes32 indexed datanetId, address indexed account, uint8 role)',
  'event RoleChanged(bytes32 indexed datanetId, address indexed account, uint8 role, address indexed by)',
  `event ProposalCreated(uint256 indexed proposalId, bytes32 indexed datanetId, address indexed proposer, bytes32 policyHash, ${GOVERNANCE} next, uint64 baseVersion, uint64 endsAt)`,
  'event Voted(uint256 indexed proposalId, address indexed voter, bool support, uint64 weight, uint64 yes, uint64 no)',
  'event ProposalExecuted(uint256 indexed proposalId, bytes32 indexed datanetId, uint64 policyVersion)',
  'event ItemsAccepted(bytes32 indexed datanetId, address indexed contributor, uint64 count, uint64 accepted)',
  'event DatanetVersionPublished(bytes32 indexed datanetId, uint64 indexed version, bytes32 merkleRoot, uint32 itemCount, address indexed curator)',
  'error UnknownDatanet(bytes32 datanetId)',
  'error DatanetExists(bytes32 datanetId)',
  'error InvalidName()',
  'error InvalidDomain()',
  'error InvalidPolicyHash()',
  'error InvalidGovernance()',
  'error NotMember(bytes32 datanetId, address account)',
  'error AlreadyMember(bytes32 datanetId, address account)',
  'error NeedsApproval(bytes32 datanetId)',
  'error JoinIsOpen(bytes32 datanetId)',
  'error AlreadyRequested(bytes32 datanetId, address account)',
  'error NoJoinRequest(bytes32 datanetId, address account)',
  'error NotCurator(bytes32 datanetId, address account)',
  'error NotOwner(bytes32 datanetId, address account)',
  'error InvalidRole()',
  'error CannotChangeOwner()',
  'error NotValidator(address account)',
  'error DuplicateContent(bytes32 datanetId, bytes32 contentHash)',
  'error EmptyBatch()',
  'error UnknownProposal(uint256 proposalId)',
  'error VotingClosed(uint256 proposalId, uint64 endsAt)',
  'error VotingOpen(uint256 proposalId, uint64 endsAt)',
  'error AlreadyVoted(uint256 proposalId, address voter)',
  'error NotInElectorate(uint256 proposalId, address voter)',
  'error JoinedAfterProposal(uint256 proposalId, address voter)',
  'error ProposalFailed(uint256 proposalId, uint64 yes, uint64 no, uint64 quorumWeight)',
  'error ProposalExpired(uint256 proposalId)',
  'error AlreadyExecuted(uint256 proposalId)',
  'error OwnableUnauthorizedAccount(address account)',
  'error OwnableInvalidOwner(address owner)',
] as const;

/** Enum values in the contract's order: the index is the on-chain uint8. */
export const DATA_TYPES = ['text', 'table', 'image', 'audio'] as const;
export type DataType = (typeof DATA_TYPES)[number];
export const ROLES = ['none', 'contributor', 'reviewer', 'curator', 'owner'] as const;
export type Role = (typeof ROLES)[number];
export const ELECTORATES = ['members', 'active-contributors'] as const;
export const WEIGHTS = ['one-member-one-vote', 'accepted-contributions'] as const;
export const PROPOSAL_STATES = ['none', 'active', 'passed', 'failed', 'expired', 'executed'] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

/** A policy document above this size is refused by the policy endpoint and by the verifying fetch. */
export const MAX_POLICY_BYTES = 256 * 1024;

/** The governance parameters one policy version carries, as the policy states them. */
export type Governance = Policy['governance'];

/** The contract's Governance struct, in field order. */
export type GovernanceTuple = {
  joinNeedsApproval: boolean;
  electorate: number;
  weight: number;
  quorumBps: number;
  thresholdBps: number;
  votingPeriodSeconds: number;
};

export function governanceToTuple(g: Governance): GovernanceTuple {
  return {
    joinNeedsApproval: g.join === 'approval',
    electorate: ELECTORATES.indexOf(g.electorate),
    weight: WEIGHTS.indexOf(g.weight),
    quorumBps: g.quorumBps,
    thresholdBps: g.thresholdBps,
    votingPeriodSeconds: g.votingPeriodSeconds,
  };
}

/** Reads a Governance struct as ethers decodes it (a Result with named fields, uints as bigint). */
export function governanceFromTuple(t: { [K in keyof GovernanceTuple]: unknown }): Governance {
  return {
    join: t.joinNeedsApproval === true ? 'approval' : 'open',
    electorate: enumAt(ELECTORATES, t.electorate, 'electorate'),
    weight: enumAt(WEIGHTS, t.weight, 'weight'),
    quorumBps: Number(t.quorumBps),
    thresholdBps: Number(t.thresholdBps),
    votingPeriodSeconds: Number(t.votingPeriodSeconds),
  };
}

/** Maps an on-chain uint8 to its name; an index the app does not know is a contract it does not know. */
export function enumAt<T extends string>(names: readonly T[], value: unknown, what: string): T {
  const name = names[Number(value)];
  if (name === undefined) throw new RangeError(`unknown ${what} ${String(value)} from the registry contract`);
  return name;
}

/**
 * The hash a policy version is known by on chain: sha256 of the canonical JSON (RFC 8785 style,
 * shared/canonical-json.ts) of the policy document, 0x-prefixed lower-case hex. Hash the parsed,
 * fully stated document (`policySchema.parse` output): the policy endpoint refuses any document
 * that leaves a field to its default, because a default may change between app versions while
 * the hash on chain cannot.
 */
export function policyDocumentHash(policy: Policy): string {
  return sha256(toUtf8Bytes(canonicalJson(policy)));
}

/** The exact bytes of a policy document as stored and served: its canonical JSON in UTF-8. */
export function policyDocumentBytes(policy: Policy): Uint8Array {
  return toUtf8Bytes(canonicalJson(policy));
}

/** The on-chain id the registry gives a Datanet `owner` publishes with `salt` (keccak256(abi.encode(owner, salt))). */
export function datanetIdFor(owner: string, salt: string): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(['address', 'bytes32'], [owner, salt]));
}
