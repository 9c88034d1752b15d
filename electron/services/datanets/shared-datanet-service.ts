import { randomUUID } from 'node:crypto';
import { getAddress, keccak256, toUtf8Bytes } from 'ethers';
import type { NetworkDatanet, SharedDatanet } from '../../../shared/api/datanets';
import type { WalletSettings } from '../../../shared/api/wallet';
import { datanetIdFor, policyDocumentHash } from '../../../shared/datanet-registry';
import type { DataType, Role } from '../../../shared/datanet-registry';
import type { DatanetRecord } from '../../../shared/datanet-registry-client';
import { AppError } from '../../../shared/errors';
import type { AppErrorData } from '../../../shared/errors';
import type { NetworkProfile } from '../../../shared/network-profile';
import { STRUCTURED_TYPES } from '../../../shared/file-types';
import { diffPolicies } from '../../../shared/policy-diff';
import { policySchema } from '../../../shared/policy';
import type { Policy } from '../../../shared/policy';
import type { OutboundRecorder } from '../audit/audit-log';
import type { Database } from '../db/database';
import type { NetworkService } from '../network/network-service';
import { fetchVerifiedPolicy } from '../network/policy-document';
import type { WalletService } from '../wallet/wallet-service';
import type { DatanetService } from './datanet-service';
import { assertFunded, putPolicyDocument, registryAddressOf, registryReader, registryWriter, withFundsCode } from './registry-access';
import type { RegistryConsent, RegistryReader } from './registry-access';

/** A local Datanet's link to the registry (table shared_datanets, migration 0011). */
export type SharedLink = {
  datanetId: string;
  chainId: number;
  registry: string;
  onchainId: string;
  dataType: DataType;
  account: string;
  role: Role;
  policyVersion: number;
  policyHash: string;
  previousPolicyVersion: number | null;
  lastKnown: StoredRecord;
  syncedAt: string;
  syncError: AppErrorData | null;
};

/** DatanetRecord as stored (JSON-safe already: every field is a string, number or plain object). */
type StoredRecord = DatanetRecord;

type LinkRow = {
  datanet_id: string;
  chain_id: number;
  registry: string;
  onchain_id: string;
  data_type: DataType;
  account: string;
  role: Role;
  policy_version: number;
  policy_hash: string;
  previous_policy_version: number | null;
  last_known: StoredRecord;
  synced_at: Date;
  sync_error: AppErrorData | null;
};

const LINK_SELECT = `select datanet_id, chain_id::int as chain_id, registry, onchain_id, data_type, account, role, policy_version, policy_hash,
  previous_policy_version, last_known, synced_at, sync_error from shared_datanets`;

function toLink(row: LinkRow): SharedLink {
  return {
    datanetId: row.datanet_id,
    chainId: row.chain_id,
    registry: row.registry,
    onchainId: row.onchain_id,
    dataType: row.data_type,
    account: row.account,
    role: row.role,
    policyVersion: row.policy_version,
    policyHash: row.policy_hash,
    previousPolicyVersion: row.previous_policy_version,
    lastKnown: row.last_known,
    syncedAt: row.synced_at.toISOString(),
    syncError: row.sync_error,
  };
}

/** The registry's data type for a local draft: `table` when it accepts structured files only. */
export function inferDataType(policy: Policy): DataType {
  return policy.acceptedTypes.every((t) => STRUCTURED_TYPES.includes(t)) ? 'table' : 'text';
}

/** The salt a local Datanet publishes with: fixed per local id, so a retried publish finds its first attempt. */
export function publishSalt(localId: string): string {
  return keccak256(toUtf8Bytes(`datanet-desk.publish:${localId}`));
}

const lower = (address: string): string => address.toLowerCase();

export type SharedDatanetDeps = {
  db: Database;
  datanets: DatanetService;
  network: NetworkService;
  wallet: WalletService;
  walletSettings: () => Promise<WalletSettings>;
  /** Asked before every registry transaction is signed (Electron: the native prompt). */
  consent: RegistryConsent;
  /** The audit log: policy documents go to and come from the validator through it. */
  outbound?: OutboundRecorder;
};

/**
 * Shared Datanets: publishing a local draft in the network's Datanet registry, browsing and
 * joining published ones, and following each one's current on-chain policy. The chain is the
 * authority; a policy document counts only when it hashes to what the chain names. What was last
 * read is stored, so the app keeps working on the last known policy while the chain is away.
 */
export class SharedDatanetService {
  constructor(private readonly deps: SharedDatanetDeps) {}

  /** The link of a local Datanet, or null for a draft. */
  async linkOf(datanetId: string): Promise<SharedLink | null> {
    const { rows } = await this.deps.db.query<LinkRow>(`${LINK_SELECT} where datanet_id = $1`, [datanetId]);
    return rows[0] ? toLink(rows[0]) : null;
  }

  /** The link of a local Datanet, or `invalid_input` for a draft. */
  async requireLink(datanetId: string): Promise<SharedLink> {
    await this.deps.datanets.get(datanetId);
    const link = await this.linkOf(datanetId);
    if (!link)
      throw new AppError('invalid_input', 'This Datanet is a local draft: publish it (or join a published one) first.', { datanetId });
    return link;
  }

  /** The local Datanet that follows `onchainId` on `profile`'s network, or null. */
  async followerOf(profile: NetworkProfile, onchainId: string): Promise<string | null> {
    const { rows } = await this.deps.db.query<{ datanet_id: string }>(
      'select datanet_id from shared_datanets where chain_id = $1 and registry = $2 and onchain_id = $3',
      [profile.chainId, lower(registryAddressOf(profile)), onchainId.toLowerCase()],
    );
    return rows[0]?.datanet_id ?? null;
  }

  /** Every local Datanet that follows an on-chain one, with its on-chain id (rewards and standing report under it). */
  async links(): Promise<SharedLink[]> {
    const { rows } = await this.deps.db.query<LinkRow>(`${LINK_SELECT} order by datanet_id`);
    return rows.map(toLink);
  }

  /** The selected profile, refused (`conflict`) when it is not the network `link` lives on. */
  async profileFor(link: SharedLink): Promise<NetworkProfile> {
    const profile = await this.deps.network.require();
    if (profile.chainId !== link.chainId || lower(registryAddressOf(profile)) !== link.registry) {
      throw new AppError(
        'conflict',
        `This Datanet is shared on chain ${link.chainId} (registry ${link.registry}); select that network to reach it.`,
        { chainId: link.chainId, registry: link.registry },
      );
    }
    return profile;
  }

  /**
   * Publishes a local draft: its policy document goes to the validator, then the registry records
   * it with the wallet as owner. The local items stay. Already published: `conflict`.
   */
  async publish(input: { id: string; dataType?: DataType }): Promise<{
    id: string;
    onchainId: string;
    txHash: string;
    policyVersion: number;
    policyHash: string;
  }> {
    const datanet = await this.deps.datanets.get(input.id);
    const existing = await this.linkOf(input.id);
    if (existing) {
      throw new AppError('conflict', `This Datanet is already published (on-chain id ${existing.onchainId}).`, {
        onchainId: existing.onchainId,
      });
    }
    const profile = await this.deps.network.require();
    const dataType = input.dataType ?? inferDataType(datanet.policy);
    const writer = await registryWriter(this.deps, profile, datanet.policy);
    try {
      const salt = publishSalt(datanet.id);
      const onchainId = datanetIdFor(writer.account, salt);
      const policyHash = policyDocumentHash(datanet.policy);
      let txHash = await this.publishedTx(writer, onchainId, policyHash);
      if (txHash === null) {
        // Nothing leaves for an empty wallet: the fee check proper runs before signing.
        await assertFunded(writer.provider, writer.account, 1n);
        await putPolicyDocument(profile, datanet.policy, this.deps.outbound);
        writer.intend({
          action: 'publish',
          datanetName: datanet.name,
          onchainId,
          policyHash,
          proposalId: null,
          choice: null,
          account: null,
        });
        const published = await writer.client
          .publish({ salt, name: datanet.name, domain: datanet.domain, dataType, policy: datanet.policy })
          .catch((error: unknown) => {
            throw withFundsCode(error);
          });
        txHash = published.txHash;
      }
      const record = await writer.client.getDatanet(onchainId);
      const role = (await writer.client.member(onchainId, writer.account)).role;
      await this.deps.db.transaction(async (tx) => {
        await tx.query(
          `insert into shared_datanets (datanet_id, chain_id, registry, onchain_id, data_type, account, role, policy_version, policy_hash, last_known)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            datanet.id,
            profile.chainId,
            lower(writer.client.address),
            onchainId,
            record.dataType,
            lower(writer.account),
            role,
            record.policyVersion,
            record.policyHash,
            JSON.stringify(record),
          ],
        );
        await tx.query(
          'insert into shared_datanet_policy_versions (datanet_id, onchain_version, policy_hash, local_version) values ($1, $2, $3, $4)',
          [datanet.id, record.policyVersion, record.policyHash, datanet.policyVersion],
        );
        await this.cacheDocument(tx, record.policyHash, datanet.policy);
      });
      return { id: datanet.id, onchainId, txHash, policyVersion: record.policyVersion, policyHash: record.policyHash };
    } finally {
      writer.destroy();
    }
  }

  /**
   * The transaction that already published `onchainId` (a publish that reached the chain before
   * the app could record it), or null. Another policy under the same id cannot be adopted.
   */
  private async publishedTx(reader: RegistryReader, onchainId: string, policyHash: string): Promise<string | null> {
    try {
      await reader.client.getDatanet(onchainId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return null;
      throw error;
    }
    const logs = await reader.client.contract.queryFilter(reader.client.contract.getEvent('DatanetPublished')(onchainId), 0);
    const first = logs[0];
    const parsed = first ? reader.client.contract.interface.parseLog(first) : null;
    if (!first || String(parsed?.args.policyHash) !== policyHash) {
      throw new AppError('conflict', `The on-chain id ${onchainId} is already published with another policy; nothing was changed.`, {
        onchainId,
      });
    }
    return first.transactionHash;
  }

  /** The Datanets published on the selected network, in publish order. */
  async browse(): Promise<NetworkDatanet[]> {
    const profile = await this.deps.network.require();
    const reader = registryReader(this.deps.network, profile);
    try {
      const records = await reader.client.listDatanets();
      const { rows } = await this.deps.db.query<{ datanet_id: string; onchain_id: string }>(
        'select datanet_id, onchain_id from shared_datanets where chain_id = $1 and registry = $2',
        [profile.chainId, lower(reader.client.address)],
      );
      const followers = new Map(rows.map((r) => [r.onchain_id, r.datanet_id]));
      return records.map((r) => ({
        onchainId: r.onchainId.toLowerCase(),
        name: r.name,
        domain: r.domain,
        dataType: r.dataType,
        owner: r.owner,
        members: r.members,
        acceptedItems: r.acceptedItems,
        policyVersion: r.policyVersion,
        policyHash: r.policyHash,
        join: r.governance.join,
        followedBy: followers.get(r.onchainId.toLowerCase()) ?? null,
      }));
    } finally {
      reader.destroy();
    }
  }

  /**
   * Joins an on-chain Datanet and creates the local Datanet that follows it, with the verified
   * current policy. Where the policy needs a curator's approval, the request is sent and
   * `approval_required` answers (no local Datanet yet; join again once approved). Joining one
   * already followed syncs it and answers the same local Datanet.
   */
  async join(onchainIdInput: string): Promise<{ id: string; onchainId: string; role: Role }> {
    const onchainId = onchainIdInput.toLowerCase();
    const profile = await this.deps.network.require();
    const followed = await this.followerOf(profile, onchainId);
    if (followed) {
      const view = await this.sync(followed);
      return { id: followed, onchainId, role: view.role ?? 'none' };
    }
    const writer = await registryWriter(this.deps, profile);
    try {
      const record = await writer.client.getDatanet(onchainId);
      const intent = { datanetName: record.name, onchainId, policyHash: null, proposalId: null, choice: null, account: null };
      // Verified before any transaction: a tampered document leaves nothing joined or stored.
      const document = await fetchVerifiedPolicy(profile.validatorUrl, record.policyHash, this.deps.outbound);
      let member = await writer.client.member(onchainId, writer.account);
      if (member.role === 'none') {
        if (record.governance.join === 'approval') {
          if (!(await writer.client.isJoinRequested(onchainId, writer.account))) {
            await assertFunded(writer.provider, writer.account, 1n);
            writer.intend({ action: 'request-join', ...intent });
            await writer.client.requestJoin(onchainId).catch((error: unknown) => {
              throw withFundsCode(error);
            });
          }
          throw new AppError(
            'approval_required',
            `"${record.name}" needs a curator's approval to join. Your request is on the chain; join again once a curator approved it.`,
            { onchainId, isRequested: true, account: writer.account },
          );
        }
        await assertFunded(writer.provider, writer.account, 1n);
        writer.intend({ action: 'join', ...intent });
        await writer.client.join(onchainId).catch((error: unknown) => {
          throw withFundsCode(error);
        });
        member = await writer.client.member(onchainId, writer.account);
      }
      const snapshot = await writer.client.getDatanet(onchainId);
      const id = await this.follow(profile, writer.client.address, snapshot, document.policy, writer.account, member.role);
      return { id, onchainId, role: member.role };
    } finally {
      writer.destroy();
    }
  }

  /** Creates the local Datanet for `record` with `policy` and its link, in one transaction. */
  private async follow(
    profile: NetworkProfile,
    registry: string,
    record: DatanetRecord,
    policy: Policy,
    account: string,
    role: Role,
  ): Promise<string> {
    const id = randomUUID();
    await this.deps.db.transaction(async (tx) => {
      const taken = await tx.query<{ name: string }>('select name from datanets where lower(name) = lower($1)', [record.name]);
      // Local names are unique; a shared one that clashes keeps its name with its id's prefix.
      const name = taken.rows.length === 0 ? record.name : `${record.name} (${record.onchainId.slice(2, 10)})`;
      await tx.query(`insert into datanets (id, name, domain, description, policy, policy_version) values ($1, $2, $3, '', $4, 1)`, [
        id,
        name,
        record.domain,
        JSON.stringify(policy),
      ]);
      await tx.query('insert into datanet_policy_versions (datanet_id, version, policy) values ($1, 1, $2)', [id, JSON.stringify(policy)]);
      await tx.query(
        `insert into shared_datanets (datanet_id, chain_id, registry, onchain_id, data_type, account, role, policy_version, policy_hash, last_known)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          id,
          profile.chainId,
          lower(registry),
          record.onchainId.toLowerCase(),
          record.dataType,
          lower(account),
          role,
          record.policyVersion,
          record.policyHash,
          JSON.stringify(record),
        ],
      );
      await tx.query(
        'insert into shared_datanet_policy_versions (datanet_id, onchain_version, policy_hash, local_version) values ($1, $2, $3, 1)',
        [id, record.policyVersion, record.policyHash],
      );
      await this.cacheDocument(tx, record.policyHash, policy);
    });
    return id;
  }

  /** A Datanet's shared state as last known; contacts nothing. */
  async show(id: string): Promise<SharedDatanet> {
    const datanet = await this.deps.datanets.get(id);
    const link = await this.linkOf(id);
    if (!link) {
      return {
        id,
        name: datanet.name,
        domain: datanet.domain,
        onchainId: null,
        network: null,
        dataType: inferDataType(datanet.policy),
        role: null,
        policyVersion: datanet.policyVersion,
        policyHash: null,
        policy: datanet.policy,
        members: null,
        acceptedItems: null,
        syncedAt: null,
        isStale: false,
        syncError: null,
        newVersion: null,
      };
    }
    let newVersion: SharedDatanet['newVersion'] = null;
    if (link.previousPolicyVersion !== null && link.previousPolicyVersion !== link.policyVersion) {
      const before = await this.localPolicyAt(id, link.previousPolicyVersion);
      if (before) {
        newVersion = {
          fromVersion: link.previousPolicyVersion,
          toVersion: link.policyVersion,
          changes: diffPolicies(before, datanet.policy),
        };
      }
    }
    return {
      id,
      name: datanet.name,
      domain: datanet.domain,
      onchainId: link.onchainId,
      network: { chainId: link.chainId, registry: getAddress(link.registry) },
      dataType: link.dataType,
      role: link.role,
      policyVersion: link.policyVersion,
      policyHash: link.policyHash,
      policy: datanet.policy,
      members: link.lastKnown.members,
      acceptedItems: link.lastKnown.acceptedItems,
      syncedAt: link.syncedAt,
      isStale: link.syncError !== null,
      syncError: link.syncError,
      newVersion,
    };
  }

  /** The local policy that held on-chain version `version`. */
  private async localPolicyAt(id: string, version: number): Promise<Policy | null> {
    const { rows } = await this.deps.db.query<{ policy: unknown }>(
      `select v.policy from shared_datanet_policy_versions s
       join datanet_policy_versions v on v.datanet_id = s.datanet_id and v.version = s.local_version
       where s.datanet_id = $1 and s.onchain_version = $2`,
      [id, version],
    );
    return rows[0] ? policySchema.parse(rows[0].policy) : null;
  }

  /**
   * Reads the Datanet's current on-chain policy version and the wallet's role. A new version's
   * document is fetched and verified against the chain's hash, then becomes the local Datanet's
   * next policy version (its history keeps the old one). A chain or validator that does not
   * answer (`unavailable`) keeps the last known policy and answers it with `isStale`; a document
   * that fails verification is refused (`invalid_policy`) and changes nothing.
   */
  async sync(id: string): Promise<SharedDatanet> {
    const link = await this.requireLink(id);
    const profile = await this.profileFor(link);
    const reader = registryReader(this.deps.network, profile);
    try {
      const record = await reader.client.getDatanet(link.onchainId);
      const account = (await this.walletAddress()) ?? link.account;
      const member = await reader.client.member(link.onchainId, account);
      const isNew = record.policyVersion !== link.policyVersion || record.policyHash.toLowerCase() !== link.policyHash;
      const document = isNew ? await fetchVerifiedPolicy(profile.validatorUrl, record.policyHash, this.deps.outbound) : null;
      const current = await this.deps.datanets.get(id);
      await this.deps.db.transaction(async (tx) => {
        if (document) {
          let localVersion = current.policyVersion;
          if (JSON.stringify(current.policy) !== JSON.stringify(document.policy)) {
            localVersion += 1;
            await tx.query('update datanets set policy = $2, policy_version = $3, updated_at = now() where id = $1', [
              id,
              JSON.stringify(document.policy),
              localVersion,
            ]);
            await tx.query('insert into datanet_policy_versions (datanet_id, version, policy) values ($1, $2, $3)', [
              id,
              localVersion,
              JSON.stringify(document.policy),
            ]);
          }
          await tx.query(
            `insert into shared_datanet_policy_versions (datanet_id, onchain_version, policy_hash, local_version) values ($1, $2, $3, $4)
             on conflict (datanet_id, onchain_version) do update set policy_hash = excluded.policy_hash, local_version = excluded.local_version`,
            [id, record.policyVersion, record.policyHash, localVersion],
          );
          await this.cacheDocument(tx, record.policyHash, document.policy);
        }
        // The notice keeps the oldest version not yet acknowledged, so its diff covers every change since.
        await tx.query(
          `update shared_datanets set account = $2, role = $3, policy_version = $4, policy_hash = $5, last_known = $6,
             previous_policy_version = case when $7::boolean then coalesce(previous_policy_version, policy_version) else previous_policy_version end,
             synced_at = now(), sync_error = null, sync_failed_at = null
           where datanet_id = $1`,
          [id, lower(account), member.role, record.policyVersion, record.policyHash, JSON.stringify(record), document !== null],
        );
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'unavailable') throw error;
      await this.deps.db.query('update shared_datanets set sync_error = $2, sync_failed_at = now() where datanet_id = $1', [
        id,
        JSON.stringify({ code: error.code, message: error.message }),
      ]);
    } finally {
      reader.destroy();
    }
    return this.show(id);
  }

  /**
   * The join requests still waiting on a shared Datanet, oldest first, read from the registry's
   * JoinRequested events and kept only while the chain still holds the request (an approved or
   * already-joined account drops out).
   */
  async requests(id: string): Promise<{ address: string; blockNumber: number }[]> {
    const link = await this.requireLink(id);
    const profile = await this.profileFor(link);
    const reader = registryReader(this.deps.network, profile);
    try {
      const contract = reader.client.contract;
      let logs: Awaited<ReturnType<typeof contract.queryFilter>>;
      try {
        logs = await contract.queryFilter(contract.getEvent('JoinRequested')(link.onchainId), 0);
      } catch (error) {
        throw new AppError('unavailable', 'The chain cannot be reached; try again later.', { isNetworkError: true }, { cause: error });
      }
      const seen = new Map<string, number>();
      for (const log of logs) {
        const account = String(contract.interface.parseLog(log)?.args.account ?? '');
        if (account && !seen.has(getAddress(account))) seen.set(getAddress(account), log.blockNumber);
      }
      const pending: { address: string; blockNumber: number }[] = [];
      for (const [address, blockNumber] of seen) {
        if (await reader.client.isJoinRequested(link.onchainId, address)) pending.push({ address, blockNumber });
      }
      return pending;
    } finally {
      reader.destroy();
    }
  }

  /**
   * A curator (or the owner) admits an account that asked to join; the registry refuses anyone
   * else (`NotCurator`) and an account with no request (`NoJoinRequest`). Answers the pending list after.
   */
  async approveMember(input: { datanetId: string; address: string }): Promise<{ address: string; txHash: string }> {
    const link = await this.requireLink(input.datanetId);
    const profile = await this.profileFor(link);
    const datanet = await this.deps.datanets.get(input.datanetId);
    const address = getAddress(input.address);
    const writer = await registryWriter(this.deps, profile, datanet.policy);
    try {
      if (!(await writer.client.isJoinRequested(link.onchainId, address))) {
        throw new AppError('not_found', `${address} has no pending request to join this Datanet.`, { address });
      }
      await assertFunded(writer.provider, writer.account, 1n);
      writer.intend({
        action: 'approve-member',
        datanetName: datanet.name,
        onchainId: link.onchainId,
        policyHash: null,
        proposalId: null,
        choice: null,
        account: address,
      });
      const approved = await writer.client.approve(link.onchainId, address).catch((error: unknown) => {
        throw withFundsCode(error);
      });
      return { address, txHash: approved.txHash };
    } finally {
      writer.destroy();
    }
  }

  /** Dismisses the "new policy version" notice. */
  async acknowledgePolicy(id: string): Promise<SharedDatanet> {
    await this.requireLink(id);
    await this.deps.db.query('update shared_datanets set previous_policy_version = null where datanet_id = $1', [id]);
    return this.show(id);
  }

  /** A verified policy document stored before, or null. */
  async cachedDocument(hash: string): Promise<Policy | null> {
    const { rows } = await this.deps.db.query<{ policy: unknown }>('select policy from policy_documents where hash = $1', [
      hash.toLowerCase(),
    ]);
    return rows[0] ? policySchema.parse(rows[0].policy) : null;
  }

  /** Stores a policy document only after its hash was checked (the caller's job), keyed by that hash. */
  async cacheDocument(tx: Pick<Database, 'query'>, hash: string, policy: Policy): Promise<void> {
    if (policyDocumentHash(policy) !== hash.toLowerCase())
      throw new AppError('internal', 'A policy document was cached under another hash.');
    await tx.query('insert into policy_documents (hash, policy) values ($1, $2) on conflict (hash) do nothing', [
      hash.toLowerCase(),
      JSON.stringify(policy),
    ]);
  }

  private async walletAddress(): Promise<string | null> {
    const status = await this.deps.wallet.status();
    return status.address ?? null;
  }
}
