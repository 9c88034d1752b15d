import type { Proposal } from '../../../shared/api/governance';
import type { WalletSettings } from '../../../shared/api/wallet';
import { policyDocumentHash } from '../../../shared/datanet-registry';
import type { ProposalRecord } from '../../../shared/datanet-registry-client';
import { AppError } from '../../../shared/errors';
import { diffPolicies } from '../../../shared/policy-diff';
import type { Policy } from '../../../shared/policy';
import type { OutboundRecorder } from '../audit/audit-log';
import type { DatanetService } from '../datanets/datanet-service';
import type { Database } from '../db/database';
import { assertFunded, putPolicyDocument, registryReader, registryWriter, withFundsCode } from '../datanets/registry-access';
import type { RegistryConsent, RegistryWriter } from '../datanets/registry-access';
import type { SharedDatanetService } from '../datanets/shared-datanet-service';
import type { NetworkService } from '../network/network-service';
import { fetchVerifiedPolicy } from '../network/policy-document';
import type { WalletService } from '../wallet/wallet-service';

export type GovernanceDeps = {
  db: Database;
  datanets: DatanetService;
  shared: SharedDatanetService;
  network: NetworkService;
  wallet: WalletService;
  walletSettings: () => Promise<WalletSettings>;
  /** Asked before every registry transaction is signed (Electron: the native prompt). */
  consent: RegistryConsent;
  outbound?: OutboundRecorder;
};

const STATUS: Record<ProposalRecord['state'], Proposal['state'] | null> = {
  none: null,
  active: 'open',
  passed: 'passed',
  failed: 'failed',
  expired: 'expired',
  executed: 'executed',
};

/**
 * Governance of shared Datanets: members propose a policy change, vote with their wallets, and
 * anyone executes a passed proposal, which becomes the next policy version on chain. The registry
 * enforces every rule (devnet/README.md, Proposals); a refusal is its AppError (`conflict` for
 * voting twice, after the period, or executing a failed or expired proposal) and nothing stored
 * here changes.
 */
export class GovernanceService {
  constructor(private readonly deps: GovernanceDeps) {}

  /** Stores the proposed policy's document with the validator, then proposes its hash on chain. */
  async propose(input: {
    datanetId: string;
    policy: Policy;
  }): Promise<{ proposalId: string; endsAt: number; policyHash: string; txHash: string }> {
    const link = await this.deps.shared.requireLink(input.datanetId);
    const profile = await this.deps.shared.profileFor(link);
    const policyHash = policyDocumentHash(input.policy);
    if (policyHash === link.policyHash) {
      throw new AppError('invalid_input', 'The proposed policy is the current one: change at least one field.', { policyHash });
    }
    const current = await this.deps.datanets.get(input.datanetId);
    const writer = await registryWriter(this.deps, profile, current.policy);
    try {
      await assertFunded(writer.provider, writer.account, 1n);
      await putPolicyDocument(profile, input.policy, this.deps.outbound);
      writer.intend({
        action: 'propose',
        datanetName: current.name,
        onchainId: link.onchainId,
        policyHash,
        proposalId: null,
        choice: null,
        account: null,
      });
      const proposed = await this.send(writer, () => writer.client.propose(link.onchainId, input.policy));
      await this.deps.shared.cacheDocument(this.deps.db, policyHash, input.policy);
      return { proposalId: proposed.proposalId, endsAt: proposed.endsAt, policyHash, txHash: proposed.txHash };
    } finally {
      writer.destroy();
    }
  }

  /** Votes yes or no on a proposal of the selected network's registry. */
  async vote(input: {
    proposalId: string;
    choice: 'yes' | 'no';
  }): Promise<{ proposalId: string; yes: number; no: number; weight: number; txHash: string }> {
    const profile = await this.deps.network.require();
    const writer = await registryWriter(this.deps, profile);
    try {
      const proposal = await writer.client.getProposal(input.proposalId);
      writer.intend({
        action: 'vote',
        ...(await this.describe(proposal.onchainId, proposal.policyHash)),
        proposalId: input.proposalId,
        choice: input.choice,
      });
      const voted = await this.send(writer, () => writer.client.vote(input.proposalId, input.choice === 'yes'));
      return { proposalId: input.proposalId, yes: voted.yes, no: voted.no, weight: voted.weight, txHash: voted.txHash };
    } finally {
      writer.destroy();
    }
  }

  /**
   * Executes a passed proposal after its voting period; the local Datanet that follows its Datanet
   * then syncs to the new version (a sync that cannot finish now leaves it for the next sync).
   */
  async execute(input: { proposalId: string }): Promise<{ proposalId: string; passed: boolean; policyVersion: number; txHash: string }> {
    const profile = await this.deps.network.require();
    const writer = await registryWriter(this.deps, profile);
    try {
      const proposal = await writer.client.getProposal(input.proposalId);
      writer.intend({
        action: 'execute',
        ...(await this.describe(proposal.onchainId, proposal.policyHash)),
        proposalId: input.proposalId,
        choice: null,
      });
      const executed = await this.send(writer, () => writer.client.execute(input.proposalId));
      const follower = await this.deps.shared.followerOf(profile, proposal.onchainId);
      if (follower) await this.deps.shared.sync(follower).catch(() => undefined);
      return { proposalId: input.proposalId, passed: true, policyVersion: executed.policyVersion, txHash: executed.txHash };
    } finally {
      writer.destroy();
    }
  }

  /** A shared Datanet's proposals, oldest first, with tally, state and diff against its current policy. */
  async list(input: { datanetId: string }): Promise<Proposal[]> {
    const link = await this.deps.shared.requireLink(input.datanetId);
    const profile = await this.deps.shared.profileFor(link);
    const current = await this.deps.datanets.get(input.datanetId);
    const account = (await this.deps.wallet.status()).address ?? null;
    const reader = registryReader(this.deps.network, profile);
    try {
      const records = await reader.client.proposalsOf(link.onchainId);
      const proposals: Proposal[] = [];
      for (const r of records) {
        const state = STATUS[r.state];
        if (state === null) continue;
        let policy: Policy | null = await this.deps.shared.cachedDocument(r.policyHash);
        let documentError: Proposal['documentError'] = null;
        if (!policy) {
          try {
            policy = (await fetchVerifiedPolicy(profile.validatorUrl, r.policyHash, this.deps.outbound)).policy;
            await this.deps.shared.cacheDocument(this.deps.db, r.policyHash, policy);
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            documentError = { code: error.code, message: error.message };
          }
        }
        proposals.push({
          proposalId: r.proposalId,
          onchainId: r.onchainId.toLowerCase(),
          datanetId: input.datanetId,
          proposer: r.proposer,
          policyHash: r.policyHash,
          baseVersion: r.baseVersion,
          endsAt: r.endsAt,
          state,
          yes: r.yes,
          no: r.no,
          electorateWeight: r.electorateWeight,
          quorumWeight: r.quorumWeight,
          hasVoted: account === null ? null : await reader.client.hasVoted(r.proposalId, account),
          policy,
          changes: policy ? diffPolicies(current.policy, policy) : null,
          documentError,
        });
      }
      return proposals;
    } finally {
      reader.destroy();
    }
  }

  /** The consent prompt's facts about a proposal's Datanet: its local name where followed, else its on-chain name. */
  private async describe(
    onchainId: string,
    policyHash: string,
  ): Promise<{ datanetName: string; onchainId: string; policyHash: string; account: null }> {
    const profile = await this.deps.network.require();
    const follower = await this.deps.shared.followerOf(profile, onchainId);
    let datanetName = onchainId;
    if (follower) datanetName = (await this.deps.datanets.get(follower)).name;
    else {
      const reader = registryReader(this.deps.network, profile);
      try {
        datanetName = (await reader.client.getDatanet(onchainId)).name;
      } finally {
        reader.destroy();
      }
    }
    return { datanetName, onchainId: onchainId.toLowerCase(), policyHash, account: null };
  }

  private async send<T>(writer: RegistryWriter, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw withFundsCode(error);
    }
  }
}
