import { Contract, hexlify, isError, randomBytes } from 'ethers';
import type { ContractRunner, ContractTransactionResponse, Interface, Log, TransactionReceipt } from 'ethers';
import {
  DATA_TYPES,
  DATANET_REGISTRY_ABI,
  enumAt,
  policyDocumentHash,
  governanceFromTuple,
  governanceToTuple,
  PROPOSAL_STATES,
  ROLES,
} from './datanet-registry';
import type { DataType, Governance, GovernanceTuple, ProposalState, Role } from './datanet-registry';
import { AppError } from './errors';
import type { ErrorCode } from './errors';
import type { Policy } from './policy';

export type DatanetRecord = {
  onchainId: string;
  owner: string;
  name: string;
  domain: string;
  dataType: DataType;
  /** Unix seconds. */
  createdAt: number;
  policyVersion: number;
  policyHash: string;
  governance: Governance;
  members: number;
  acceptedItems: number;
  datanetVersion: number;
  latestRoot: string;
};

export type MemberRecord = { address: string; role: Role; joinedBlock: number; accepted: number };

export type ProposalRecord = {
  proposalId: string;
  onchainId: string;
  proposer: string;
  policyHash: string;
  /** The rules deciding this proposal (the version current when it was made). */
  rules: Governance;
  /** The governance the new version would bring. */
  next: Governance;
  baseVersion: number;
  createdBlock: number;
  /** Unix seconds; votes are taken strictly before, execution at or after. */
  endsAt: number;
  electorateWeight: number;
  yes: number;
  no: number;
  quorumWeight: number;
  state: ProposalState;
};

export type TxResult = { txHash: string; gasUsed: bigint; blockNumber: number };

/** Per custom error: the AppError code it surfaces as and a message a person can act on. */
const REFUSALS: Record<string, [ErrorCode, string]> = {
  UnknownDatanet: ['not_found', 'No Datanet with this on-chain id is published on this network.'],
  DatanetExists: ['conflict', 'This Datanet is already published (same owner and salt).'],
  InvalidName: ['invalid_input', 'A Datanet name must have 1 to 120 bytes.'],
  InvalidDomain: ['invalid_input', 'A Datanet domain may have at most 120 bytes.'],
  InvalidPolicyHash: ['invalid_input', 'The policy hash is zero or names no policy version.'],
  InvalidGovernance: [
    'invalid_input',
    'The governance parameters are out of range (quorum 0–10000 bp, threshold 0–9999 bp, voting period 60 s–365 days).',
  ],
  NotMember: ['invalid_input', 'Only members of this Datanet may do this; join it first.'],
  AlreadyMember: ['conflict', 'This account is already a member of the Datanet.'],
  NeedsApproval: ['invalid_input', "This Datanet's policy needs a curator's approval to join: request to join instead."],
  JoinIsOpen: ['invalid_input', 'This Datanet is open: join it directly.'],
  AlreadyRequested: ['conflict', 'A join request from this account is already waiting for a curator.'],
  NoJoinRequest: ['not_found', 'This account has not asked to join.'],
  NotCurator: ['invalid_input', 'Only a curator or the owner of this Datanet may do this.'],
  NotOwner: ['invalid_input', "Only the Datanet's owner may make or unmake curators."],
  InvalidRole: ['invalid_input', 'The role must be contributor, reviewer or curator.'],
  CannotChangeOwner: ['invalid_input', "The owner's role cannot be changed."],
  NotValidator: ['invalid_input', "Only the network's validator account may record accepted items."],
  DuplicateContent: ['conflict', 'This content was already accepted in this Datanet.'],
  EmptyBatch: ['invalid_input', 'The batch is empty.'],
  UnknownProposal: ['not_found', 'No proposal with this id exists.'],
  VotingClosed: ['conflict', 'The voting period of this proposal has ended.'],
  VotingOpen: ['conflict', 'The proposal is still open for votes; execute it after the period ends.'],
  AlreadyVoted: ['conflict', 'This account has already voted on this proposal.'],
  NotInElectorate: ['invalid_input', "This account is not in the proposal's electorate (or has no voting weight)."],
  JoinedAfterProposal: ['invalid_input', 'Members who joined after a proposal was made cannot vote on it.'],
  ProposalFailed: ['conflict', 'The proposal did not pass (quorum or threshold not met); nothing changed.'],
  ProposalExpired: [
    'conflict',
    'The proposal expired (another policy version came first, or it was not executed in time); nothing changed.',
  ],
  AlreadyExecuted: ['conflict', 'The proposal was already executed.'],
  OwnableUnauthorizedAccount: ['invalid_input', "Only the registry's admin may do this."],
};

/**
 * Turns a failed registry call into an AppError: a custom error keeps its name and arguments in
 * `details.reason` / `details.args`, an unfunded account is `invalid_input` (`insufficient_funds`),
 * a chain that does not answer is `unavailable`.
 */
export function registryError(error: unknown, iface: Interface): AppError {
  if (error instanceof AppError) return error;
  const data = revertData(error);
  if (data) {
    const parsed = iface.parseError(data);
    if (parsed) {
      const [code, message] = REFUSALS[parsed.name] ?? ['internal', `The registry refused (${parsed.name}).`];
      const args = parsed.args.toArray().map((a: unknown) => (typeof a === 'bigint' ? a.toString() : a));
      return new AppError(code, message, { reason: parsed.name, args }, { cause: error });
    }
  }
  if (isError(error, 'INSUFFICIENT_FUNDS')) {
    return new AppError(
      'invalid_input',
      'The wallet has not enough ether to pay for this transaction.',
      { reason: 'insufficient_funds' },
      { cause: error },
    );
  }
  if (isError(error, 'NETWORK_ERROR') || isError(error, 'TIMEOUT') || isError(error, 'SERVER_ERROR')) {
    return new AppError('unavailable', 'The chain cannot be reached; try again later.', { isNetworkError: true }, { cause: error });
  }
  return new AppError('internal', 'The registry call failed.', undefined, { cause: error });
}

function revertData(error: unknown): string | undefined {
  const e = error as { data?: unknown; info?: { error?: { data?: unknown } }; error?: { data?: unknown } };
  for (const candidate of [e?.data, e?.info?.error?.data, e?.error?.data]) {
    if (typeof candidate === 'string' && candidate.startsWith('0x') && candidate.length >= 10) return candidate;
  }
  return undefined;
}

type ResultLike = Record<string, unknown> & { toArray?: () => unknown[] };

/**
 * Thin typed wrappers over the registry contract, for the app, the CLI and the devnet. `runner`
 * is a Signer for transactions or a Provider for reads. Every transaction waits for its receipt;
 * every failure is an AppError (see {@link registryError}).
 */
export class DatanetRegistryClient {
  readonly contract: Contract;

  constructor(
    readonly address: string,
    runner: ContractRunner,
  ) {
    this.contract = new Contract(address, [...DATANET_REGISTRY_ABI], runner);
  }

  /** A fresh random salt for {@link publish}: the on-chain id is keccak256(abi.encode(owner, salt)). */
  static randomSalt(): string {
    return hexlify(randomBytes(32));
  }

  /**
   * Publishes a Datanet; its owner is the signer, the salt decides the id (see datanetIdFor).
   * The hash and the governance parameters both come from `policy`, so that they cannot disagree;
   * store the document (policyDocumentBytes) where the network serves it by hash.
   */
  async publish(input: {
    salt: string;
    name: string;
    domain: string;
    dataType: DataType;
    policy: Policy;
  }): Promise<TxResult & { onchainId: string; policyVersion: number; policyHash: string }> {
    const dataType = DATA_TYPES.indexOf(input.dataType);
    if (dataType < 0) throw new AppError('invalid_input', `Unknown data type ${input.dataType}.`);
    const policyHash = policyDocumentHash(input.policy);
    const args = [input.salt, input.name, input.domain, dataType, policyHash, governanceToTuple(input.policy.governance)];
    const tx = await this.send('publish', args);
    const published = this.eventIn(tx.receipt, 'DatanetPublished');
    return { ...strip(tx), onchainId: String(published.datanetId), policyVersion: 1, policyHash };
  }

  /** Joins an open Datanet as a contributor (NeedsApproval where a curator must approve). */
  async join(onchainId: string): Promise<TxResult> {
    return strip(await this.send('join', [onchainId]));
  }

  /** Asks a curator to let the signer join. */
  async requestJoin(onchainId: string): Promise<TxResult> {
    return strip(await this.send('requestJoin', [onchainId]));
  }

  /** A curator (or the owner) admits an account that asked to join. */
  async approve(onchainId: string, account: string): Promise<TxResult> {
    return strip(await this.send('approve', [onchainId, account]));
  }

  async setRole(onchainId: string, account: string, role: Exclude<Role, 'none' | 'owner'>): Promise<TxResult> {
    return strip(await this.send('setRole', [onchainId, account, ROLES.indexOf(role)]));
  }

  /** Proposes `policy` as the next policy version (its hash, and its governance for that version). */
  async propose(onchainId: string, policy: Policy): Promise<TxResult & { proposalId: string; endsAt: number; policyHash: string }> {
    const policyHash = policyDocumentHash(policy);
    const args = [onchainId, policyHash, governanceToTuple(policy.governance)];
    const tx = await this.send('propose', args);
    const created = this.eventIn(tx.receipt, 'ProposalCreated');
    return { ...strip(tx), proposalId: String(created.proposalId), endsAt: Number(created.endsAt), policyHash };
  }

  /** Votes yes (`support`) or no; answers the tally after the vote. */
  async vote(proposalId: string, support: boolean): Promise<TxResult & { weight: number; yes: number; no: number }> {
    const tx = await this.send('vote', [proposalId, support]);
    const voted = this.eventIn(tx.receipt, 'Voted');
    return { ...strip(tx), weight: Number(voted.weight), yes: Number(voted.yes), no: Number(voted.no) };
  }

  /** Executes a passed proposal; a failed or expired one is refused and changes nothing. */
  async execute(proposalId: string): Promise<TxResult & { policyVersion: number }> {
    const tx = await this.send('execute', [proposalId]);
    const executed = this.eventIn(tx.receipt, 'ProposalExecuted');
    return { ...strip(tx), policyVersion: Number(executed.policyVersion) };
  }

  /** The validator records content hashes it accepted from `contributor` (refuses any already accepted). */
  async recordAccepted(onchainId: string, contributor: string, contentHashes: string[]): Promise<TxResult> {
    return strip(await this.send('recordAccepted', [onchainId, contributor, contentHashes]));
  }

  /** A curator publishes the Merkle root of an approved batch as the next Datanet version. */
  async publishVersion(onchainId: string, merkleRoot: string, itemCount: number): Promise<TxResult & { version: number }> {
    const tx = await this.send('publishVersion', [onchainId, merkleRoot, itemCount]);
    const published = this.eventIn(tx.receipt, 'DatanetVersionPublished');
    return { ...strip(tx), version: Number(published.version) };
  }

  async getDatanet(onchainId: string): Promise<DatanetRecord> {
    const v = await this.call<ResultLike>('getDatanet', [onchainId]);
    return {
      onchainId: String(v.id),
      owner: String(v.owner),
      name: String(v.name),
      domain: String(v.domain),
      dataType: enumAt(DATA_TYPES, v.dataType, 'data type'),
      createdAt: Number(v.createdAt),
      policyVersion: Number(v.policyVersion),
      policyHash: String(v.policyHash),
      governance: governanceFromTuple(v.governance as GovernanceTupleLike),
      members: Number(v.memberCount),
      acceptedItems: Number(v.acceptedTotal),
      datanetVersion: Number(v.datanetVersion),
      latestRoot: String(v.latestRoot),
    };
  }

  /** Every published Datanet, in publish order (read in pages of `pageSize`). */
  async listDatanets(pageSize = 100): Promise<DatanetRecord[]> {
    const total = Number(await this.call<bigint>('datanetCount', []));
    const ids: string[] = [];
    for (let start = 0; start < total; start += pageSize) {
      ids.push(...(await this.call<string[]>('listDatanets', [start, pageSize])).map(String));
    }
    return Promise.all(ids.map((id) => this.getDatanet(id)));
  }

  /** Policy version `version` (1-based): its document hash and governance. */
  async policyAt(onchainId: string, version: number): Promise<{ policyHash: string; governance: Governance }> {
    const r = await this.call<ResultLike>('policyAt', [onchainId, version]);
    return { policyHash: String(r.policyHash), governance: governanceFromTuple(r.governance as GovernanceTupleLike) };
  }

  async member(onchainId: string, account: string): Promise<MemberRecord> {
    const r = await this.call<ResultLike>('memberOf', [onchainId, account]);
    return { address: account, role: enumAt(ROLES, r.role, 'role'), joinedBlock: Number(r.joinedBlock), accepted: Number(r.accepted) };
  }

  /** Every member with role and accepted count, in join order. */
  async members(onchainId: string): Promise<MemberRecord[]> {
    const addresses = (await this.call<string[]>('membersOf', [onchainId])).map(String);
    return Promise.all(addresses.map((a) => this.member(onchainId, a)));
  }

  async isJoinRequested(onchainId: string, account: string): Promise<boolean> {
    return Boolean(await this.call('isJoinRequested', [onchainId, account]));
  }

  async isAccepted(onchainId: string, contentHash: string): Promise<boolean> {
    return Boolean(await this.call('isAccepted', [onchainId, contentHash]));
  }

  async hasVoted(proposalId: string, account: string): Promise<boolean> {
    return Boolean(await this.call('hasVoted', [proposalId, account]));
  }

  /** A proposal with its tally, quorum and state as of the latest block. */
  async getProposal(proposalId: string): Promise<ProposalRecord> {
    const v = await this.call<ResultLike>('getProposal', [proposalId]);
    return {
      proposalId: String(v.id),
      onchainId: String(v.datanetId),
      proposer: String(v.proposer),
      policyHash: String(v.policyHash),
      rules: governanceFromTuple(v.rules as GovernanceTupleLike),
      next: governanceFromTuple(v.next as GovernanceTupleLike),
      baseVersion: Number(v.baseVersion),
      createdBlock: Number(v.createdBlock),
      endsAt: Number(v.endsAt),
      electorateWeight: Number(v.electorateWeight),
      yes: Number(v.yes),
      no: Number(v.no),
      quorumWeight: Number(v.quorumWeight),
      state: enumAt(PROPOSAL_STATES, v.state, 'proposal state'),
    };
  }

  /** The proposals of one Datanet, oldest first, found by their ProposalCreated events from `fromBlock`. */
  async proposalsOf(onchainId: string, fromBlock = 0): Promise<ProposalRecord[]> {
    let logs: Array<Log>;
    try {
      logs = (await this.contract.queryFilter(this.contract.getEvent('ProposalCreated')(null, onchainId), fromBlock)) as Log[];
    } catch (error) {
      throw registryError(error, this.contract.interface);
    }
    const ids = logs.map((log) => String(this.contract.interface.parseLog(log)?.args.proposalId));
    return Promise.all(ids.map((id) => this.getProposal(id)));
  }

  private async call<T>(method: string, args: unknown[]): Promise<T> {
    try {
      return (await this.contract.getFunction(method)(...args)) as T;
    } catch (error) {
      throw registryError(error, this.contract.interface);
    }
  }

  private async send(method: string, args: unknown[]): Promise<TxResult & { receipt: TransactionReceipt }> {
    try {
      const tx = (await this.contract.getFunction(method)(...args)) as ContractTransactionResponse;
      const receipt = await tx.wait();
      if (!receipt || receipt.status !== 1) throw new AppError('unavailable', `The ${method} transaction did not succeed on the chain.`);
      return { txHash: receipt.hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber, receipt };
    } catch (error) {
      throw registryError(error, this.contract.interface);
    }
  }

  private eventIn(receipt: TransactionReceipt, name: string): ResultLike {
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== this.address.toLowerCase()) continue;
      const parsed = this.contract.interface.parseLog(log);
      if (parsed?.name === name) return parsed.args as unknown as ResultLike;
    }
    throw new AppError('internal', `The registry emitted no ${name} event.`);
  }
}

type GovernanceTupleLike = { [K in keyof GovernanceTuple]: unknown };

function strip<T extends { receipt: TransactionReceipt }>(tx: T): Omit<T, 'receipt'> {
  const { receipt: _receipt, ...rest } = tx;
  return rest;
}
