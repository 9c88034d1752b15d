import { randomUUID } from 'node:crypto';
import type { FeeEstimate, PreparedSubmission, Preflight, QuotaStatus, Submission } from '../../../shared/api/submissions';
import type { WalletSettings } from '../../../shared/api/wallet';
import { DEFAULT_WALLET_SETTINGS } from '../../../shared/api/wallet';
import { AppError, isAppError } from '../../../shared/errors';
import { buildManifest, manifestHash } from '../../../shared/manifest';
import { checkQuota, planBatches, remainingQuota, utcDay } from '../../../shared/quota';
import type { BatchPlan } from '../../../shared/quota';
import { signingPrompt } from '../../../shared/submission-prompt';
import { verifyOffchainPackage } from '../chain/offchain';
import type { OffchainVerification } from '../chain/offchain';
import type { DatanetService } from '../datanets/datanet-service';
import type { Database } from '../db/database';
import type { NetworkService } from '../network/network-service';
import type { BlobStore } from '../storage/blob-store';
import type { NetworkProfile } from '../../../shared/network-profile';
import type { Policy } from '../../../shared/policy';
import type { SigningConsent } from '../wallet/signing-consent';
import type { ContributorSigner, WalletService } from '../wallet/wallet-service';
import { effectiveFeeCaps, maxCostPerSubmission } from './fee-caps';
import { resolveItemFiles } from './item-files';
import type { EmbeddingModelLookup } from './item-files';
import { preflightItems } from './preflight';
import type { DuplicateChecker } from './preflight';
import { attestationCallData } from './submission-queue';
import type { SubmissionQueue } from './submission-queue';
import type { SubmissionStore } from './submission-store';

export type SubmissionServiceOptions = {
  db: Database;
  store: SubmissionStore;
  queue: SubmissionQueue;
  blobs: BlobStore;
  datanets: DatanetService;
  wallet: WalletService;
  network: NetworkService;
  now?: () => number;
  /** The embeddings service's near-duplicate verdict per item, when it exists. */
  isBlockedDuplicate?: DuplicateChecker;
  /** The embedding model an item was embedded with, when known. */
  embeddingModelOf?: EmbeddingModelLookup;
  /** Prepared signing requests; a submission is signed only for one of them. */
  consent: SigningConsent;
  /** The user's fee caps, shown in the prompt beside the fee estimate. */
  walletSettings?: () => Promise<WalletSettings>;
};

/**
 * What submissions need of a shared Datanet (SharedDatanetService): the on-chain id and policy
 * version its local copy follows, and a way to bring that up to date.
 */
export type SharedPolicySource = {
  linkOf(datanetId: string): Promise<{ chainId: number; onchainId: string; policyVersion: number; policyHash: string } | null>;
  /** Reads the current on-chain policy; an unreachable chain keeps the last known one (no throw). */
  sync(datanetId: string): Promise<unknown>;
};

/** What a submission's signing request remembers between prepare and submit. */
type SubmissionRequest = { datanetId: string; itemIds: string[]; createdAt: string };

type Built = Omit<PreparedSubmission, 'requestId' | 'expiresAt' | 'fees'> & {
  datanetName: string;
  policy: Policy;
  profile: NetworkProfile;
  /** The network the prompt names: an existing submission's own. */
  promptProfile: NetworkProfile;
};

/**
 * Submitting within quota: the figures the UI shows (left today, reset time, a plan across days),
 * the preflight, the manifest and what signing it means, and the hand-over to the durable queue.
 * Quota and preflight refuse before anything is signed.
 */
export class SubmissionService {
  private readonly now: () => number;
  private shared: SharedPolicySource | null = null;

  constructor(private readonly options: SubmissionServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Lets submissions to a Datanet that follows a published one name its on-chain id and policy
   * version (a version 2 manifest). Set once by wiring.ts: the shared Datanet service is built
   * after this one, from the wallet and network this one comes with.
   */
  followSharedDatanets(source: SharedPolicySource): void {
    this.shared = source;
  }

  private async contributor(): Promise<string | null> {
    return (await this.options.wallet.status()).address;
  }

  /** What is left of today's quota (UTC) for the wallet in a Datanet. */
  async quota(datanetId: string): Promise<QuotaStatus> {
    const datanet = await this.options.datanets.get(datanetId);
    const contributor = await this.contributor();
    const now = this.now();
    const day = utcDay(now);
    const usage = contributor ? await this.options.store.usage(datanetId, contributor, day) : { day, bytes: 0, files: 0 };
    const left = remainingQuota(datanet.policy.quota, usage, now);
    return {
      datanetId,
      contributor,
      day,
      resetsAt: left.resetsAt,
      bytesPerDay: datanet.policy.quota.bytesPerDay,
      filesPerDay: datanet.policy.quota.filesPerDay,
      filesPerSubmission: datanet.policy.quota.filesPerSubmission,
      usedBytes: usage.bytes,
      usedFiles: usage.files,
      bytesLeft: left.bytes,
      filesLeft: left.files,
    };
  }

  /** Splits a selection into submissions across UTC days within the quota. */
  async plan(datanetId: string, itemIds: readonly string[]): Promise<BatchPlan & { quotaStatus: QuotaStatus }> {
    const datanet = await this.options.datanets.get(datanetId);
    const quotaStatus = await this.quota(datanetId);
    const resolved = await resolveItemFiles(this.options.db, itemIds);
    const items = itemIds.flatMap((id) => {
      const r = resolved.get(id);
      return r ? [{ id, bytes: r.file.bytes }] : [];
    });
    const usage = { day: quotaStatus.day, bytes: quotaStatus.usedBytes, files: quotaStatus.usedFiles };
    return { ...planBatches(datanet.policy.quota, usage, items, this.now()), quotaStatus };
  }

  /** Checks each selected item against the policy, and the selection against today's quota. */
  async preflight(datanetId: string, itemIds: readonly string[]): Promise<Preflight> {
    const datanet = await this.options.datanets.get(datanetId);
    const contributor = await this.contributor();
    const resolved = await resolveItemFiles(this.options.db, itemIds, this.options.embeddingModelOf);
    const items = await preflightItems(itemIds, resolved, {
      datanetId,
      policy: datanet.policy,
      blobs: this.options.blobs,
      isBlockedDuplicate: this.options.isBlockedDuplicate,
      submittedContent: contributor ? await this.options.store.submittedContent(datanetId, contributor) : new Set(),
    });
    const quotaStatus = await this.quota(datanetId);
    const totals = {
      files: items.length,
      bytes: items.reduce((sum, i) => sum + (i.file?.bytes ?? 0), 0),
    };
    const quota = checkQuota(
      datanet.policy.quota,
      { day: quotaStatus.day, bytes: quotaStatus.usedBytes, files: quotaStatus.usedFiles },
      totals,
    );
    return {
      datanetId,
      isReady: quota.ok && items.every((i) => i.reasons.length === 0),
      items: items.map((i) => ({ ...i, isReady: i.reasons.length === 0 })),
      totals,
      quota,
      quotaStatus,
    };
  }

  /**
   * Builds the manifest of a selection, describes what signing it means (with the fee estimate
   * and caps) and registers it as a signing request. Refuses with `quota_exceeded` (with a plan
   * across days) or `invalid_input` (with each item's reasons) before anything is signed. When the
   * same files are already pending or accepted, describes that submission instead (submitting
   * returns it).
   */
  async prepare(datanetId: string, itemIds: readonly string[]): Promise<PreparedSubmission> {
    // A policy version that arrived since the last sync is caught here, before anything is
    // signed; offline, the last known version is named and the validator decides.
    if (this.shared && (await this.shared.linkOf(datanetId))) await this.shared.sync(datanetId);
    const built = await this.build(datanetId, itemIds);
    const fees = built.existingSubmissionId ? await this.feeCapsOnly(built.policy) : await this.estimateFees(built);
    const { datanetName, profile } = built;
    const request: SubmissionRequest = { datanetId, itemIds: [...itemIds], createdAt: built.createdAt };
    const { requestId, expiresAt } = this.options.consent.register(
      'submission',
      built.manifestHash,
      {
        kind: 'submission',
        datanetName,
        networkName: `${profile.name} (chain ${profile.chainId})`,
        manifestHash: built.manifestHash,
        itemCount: built.manifest.totals.files,
        totalBytes: built.manifest.totals.bytes,
        maxFeeWei: fees.capMaxTotalWeiPerSubmission ?? fees.maxTotalWei,
      },
      request,
    );
    return {
      requestId,
      expiresAt,
      fees,
      datanetId,
      itemIds: built.itemIds,
      createdAt: built.createdAt,
      manifest: built.manifest,
      manifestHash: built.manifestHash,
      prompt: signingPrompt(built.manifest, built.manifestHash, built.promptProfile, datanetName, fees),
      existingSubmissionId: built.existingSubmissionId,
    };
  }

  private async caps(policy: Policy): Promise<ReturnType<typeof effectiveFeeCaps>> {
    return effectiveFeeCaps(policy, (await this.options.walletSettings?.()) ?? DEFAULT_WALLET_SETTINGS);
  }

  private async feeCapsOnly(policy: Policy): Promise<FeeEstimate> {
    const caps = await this.caps(policy);
    return {
      maxFeePerGasWei: null,
      gasLimit: null,
      maxTotalWei: null,
      capMaxFeePerGasWei: caps.maxFeePerGasWei?.toString() ?? null,
      capMaxTotalWeiPerSubmission: caps.maxTotalWeiPerSubmission?.toString() ?? null,
      isWithinCaps: null,
    };
  }

  /** The RPC's fee figures now for this submission's attestation, against the caps; unknown when offline. */
  private async estimateFees(built: Built): Promise<FeeEstimate> {
    const base = await this.feeCapsOnly(built.policy);
    const { profile, manifest } = built;
    const provider = this.options.network.provider(profile, 3_000);
    try {
      const data = attestationCallData(profile.schemas.contribution, [
        {
          datanetId: manifest.datanetId,
          merkleRoot: manifest.merkleRoot,
          manifestHash: built.manifestHash,
          fileCount: manifest.totals.files,
          totalBytes: manifest.totals.bytes,
        },
      ]);
      const [fees, gas] = await Promise.all([
        provider.getFeeData(),
        provider.estimateGas({ from: manifest.contributor, to: profile.contracts.eas, data }),
      ]);
      const maxFeePerGas = fees.maxFeePerGas ?? fees.gasPrice ?? 1_000_000_000n;
      // The queue signs with 20% headroom over the estimate; the prompt shows the same figure.
      const gasLimit = (gas * 12n) / 10n;
      const total = maxCostPerSubmission(gasLimit, maxFeePerGas, 1);
      const capFee = base.capMaxFeePerGasWei === null ? null : BigInt(base.capMaxFeePerGasWei);
      const capTotal = base.capMaxTotalWeiPerSubmission === null ? null : BigInt(base.capMaxTotalWeiPerSubmission);
      return {
        ...base,
        maxFeePerGasWei: maxFeePerGas.toString(),
        gasLimit: gasLimit.toString(),
        maxTotalWei: total.toString(),
        isWithinCaps: (capFee === null || maxFeePerGas <= capFee) && (capTotal === null || total <= capTotal),
      };
    } catch {
      return base;
    } finally {
      provider.destroy();
    }
  }

  private async build(datanetId: string, itemIds: readonly string[], createdAt?: string): Promise<Built> {
    const datanet = await this.options.datanets.get(datanetId);
    const profile = await this.options.network.require();
    const { address: contributor } = await this.options.wallet.address();
    const resolved = await resolveItemFiles(this.options.db, itemIds, this.options.embeddingModelOf);
    const context = { datanetName: datanet.name, policy: datanet.policy, profile };

    const contentShas = itemIds.map((id) => resolved.get(id)?.contentSha256 ?? '');
    const existingId = await this.options.store.findSame(datanetId, contributor, contentShas, profile.chainId);
    if (existingId) {
      const existing = await this.options.store.get(existingId);
      if (existing) {
        return {
          ...context,
          promptProfile: existing.network,
          datanetId,
          itemIds: [...itemIds],
          createdAt: existing.manifest.createdAt,
          manifest: existing.manifest,
          manifestHash: existing.manifestHash,
          prompt: signingPrompt(existing.manifest, existing.manifestHash, existing.network, datanet.name),
          existingSubmissionId: existing.id,
        };
      }
    }

    const preflight = await this.preflight(datanetId, itemIds);
    if (!preflight.quota.ok) {
      const plan = await this.plan(datanetId, itemIds);
      throw new AppError('quota_exceeded', preflight.quota.reasons.map((r) => r.message).join('; '), {
        reasons: preflight.quota.reasons,
        quota: preflight.quotaStatus,
        plan: { batches: plan.batches, unplannable: plan.unplannable },
      });
    }
    const failing = preflight.items.filter((i) => !i.isReady);
    if (failing.length > 0) {
      throw new AppError(
        'invalid_input',
        `${failing.length} of ${preflight.items.length} items cannot be submitted yet: ${failing[0]?.reasons[0]?.message ?? ''}`,
        { items: failing.map((i) => ({ itemId: i.itemId, name: i.name, reasons: i.reasons })) },
      );
    }
    const link = (await this.shared?.linkOf(datanetId)) ?? null;
    if (link && link.chainId !== profile.chainId) {
      throw new AppError('conflict', `This Datanet is shared on chain ${link.chainId}; select that network to submit to it.`, {
        chainId: link.chainId,
      });
    }
    const manifest = buildManifest({
      datanetId,
      ...(link ? { shared: { onchainId: link.onchainId, policyVersion: link.policyVersion, policyHash: link.policyHash } } : {}),
      contributor,
      files: itemIds.map((id) => (resolved.get(id) as NonNullable<ReturnType<typeof resolved.get>>).manifestEntry),
      createdAt: createdAt ?? new Date(this.now()).toISOString(),
    });
    const hash = manifestHash(manifest);
    return {
      ...context,
      promptProfile: profile,
      datanetId,
      itemIds: [...itemIds],
      createdAt: manifest.createdAt,
      manifest,
      manifestHash: hash,
      prompt: signingPrompt(manifest, hash, profile, datanet.name),
      existingSubmissionId: null,
    };
  }

  /**
   * Signs what {@link prepare} showed and queues the submission. The request must be one prepare
   * registered, unexpired and unused, with the manifest hash the caller showed, and the manifest
   * rebuilt from its items now must still have that hash (items may have changed in between);
   * otherwise `consent_required` and nothing is signed or stored. Electron main also asks its
   * native confirmation here.
   */
  async submit(input: { requestId: string; manifestHash: string }): Promise<Submission> {
    const claim = this.options.consent.claim<SubmissionRequest>('submission', input.requestId, input.manifestHash);
    const selection = claim.payload;
    let prepared: Built;
    let signer: ContributorSigner;
    try {
      prepared = await this.build(selection.datanetId, selection.itemIds, selection.createdAt);
      if (prepared.existingSubmissionId) return await this.get(prepared.existingSubmissionId);
      if (prepared.manifestHash !== input.manifestHash.toLowerCase()) {
        throw new AppError('consent_required', 'The selected items changed since the signing prompt was shown; review them again.');
      }
      // Before anything is stored: a locked wallet refuses here, and the prompt asks to unlock.
      signer = await this.options.wallet.signer();
    } catch (error) {
      // Only a locked wallet or an unreachable network leaves the consent standing for a retry.
      if (isAppError(error) && (error.code === 'wallet_locked' || error.code === 'unavailable')) claim.release();
      throw error;
    }
    await claim.confirm();
    return this.record(prepared, signer);
  }

  /**
   * Prepares and submits in one go, for in-process callers that are the user themselves (the
   * CLI's `submit` command, benches, tests); the renderer goes through prepare and its prompt.
   */
  async submitSelection(datanetId: string, itemIds: readonly string[]): Promise<Submission> {
    const prepared = await this.prepare(datanetId, itemIds);
    return this.submit({ requestId: prepared.requestId, manifestHash: prepared.manifestHash });
  }

  private async record(prepared: Built, signer: ContributorSigner): Promise<Submission> {
    const input = { datanetId: prepared.datanetId, itemIds: prepared.itemIds };
    const datanet = await this.options.datanets.get(input.datanetId);
    const profile = await this.options.network.require();
    const resolved = await resolveItemFiles(this.options.db, input.itemIds, this.options.embeddingModelOf);
    const { manifest } = prepared;
    const { id, isNew } = await this.options.store.insert({
      id: randomUUID(),
      manifestHash: prepared.manifestHash,
      datanetId: input.datanetId,
      contributor: manifest.contributor,
      status: 'queued',
      network: profile,
      manifest,
      datanet: { name: datanet.name, description: datanet.description, policy: datanet.policy },
      signature: null,
      offchain: null,
      offchainUid: null,
      batchId: null,
      batchPosition: null,
      onchainUid: null,
      isOnchainSkipped: false,
      verdict: null,
      reasons: [],
      attempts: 0,
      nextAttemptAt: null,
      lastError: null,
      quotaDay: utcDay(this.now()),
      fileCount: manifest.totals.files,
      totalBytes: manifest.totals.bytes,
      files: input.itemIds.map((itemId, position) => {
        const r = resolved.get(itemId) as NonNullable<ReturnType<typeof resolved.get>>;
        return {
          position,
          itemId,
          versionId: r.file.versionId,
          name: r.file.name,
          contentSha256: r.contentSha256,
          bytes: r.file.bytes,
          type: r.file.type,
        };
      }),
    });
    if (isNew) {
      await this.options.queue.signNew(id, signer);
      this.options.queue.kick();
    }
    return this.get(id);
  }

  /** Submissions, newest first, of one Datanet or all. */
  async list(datanetId?: string): Promise<Submission[]> {
    const records = await this.options.store.list(datanetId);
    return Promise.all(records.map((r) => this.options.store.toPublic(r)));
  }

  /** One submission, or `not_found`. */
  async get(id: string): Promise<Submission> {
    const record = await this.options.store.get(id);
    if (!record) throw new AppError('not_found', 'That submission does not exist.', { id });
    return this.options.store.toPublic(record);
  }

  /** Makes waiting submissions due now and runs the queue. */
  async retry(id?: string): Promise<{ queued: number }> {
    const records = id ? [await this.options.store.get(id)] : await this.options.store.list();
    let queued = 0;
    for (const record of records) {
      if (!record || record.status === 'accepted' || record.status === 'rejected') continue;
      await this.options.store.update(record.id, { nextAttemptAt: null });
      queued++;
    }
    if (id && queued === 0 && !records[0]) throw new AppError('not_found', 'That submission does not exist.', { id });
    this.options.queue.kick();
    return { queued };
  }

  /** A submission's off-chain attestation as the EAS shareable package JSON. */
  async attestationJson(id: string): Promise<{ json: string }> {
    const record = await this.options.store.get(id);
    if (!record) throw new AppError('not_found', 'That submission does not exist.', { id });
    if (!record.offchain) throw new AppError('not_found', 'This submission has no off-chain attestation yet.');
    return { json: JSON.stringify(record.offchain) };
  }

  /** Verifies an EAS off-chain attestation package given as JSON text. */
  verifyAttestationJson(json: string): OffchainVerification {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      throw new AppError('invalid_input', 'The attestation is not JSON.');
    }
    return verifyOffchainPackage(value);
  }

  /** The wallet's balance on the selected network. */
  async balance(): Promise<{ address: string; chainId: number; balanceWei: string }> {
    const profile = await this.options.network.require();
    const { address } = await this.options.wallet.address();
    const provider = this.options.network.provider(profile, 5_000);
    try {
      return { address, chainId: profile.chainId, balanceWei: (await provider.getBalance(address)).toString() };
    } catch {
      throw new AppError('unavailable', `${profile.name} cannot be reached.`);
    } finally {
      provider.destroy();
    }
  }

  /** Test ether from the selected network's faucet (devnet profiles only). */
  async fund(): Promise<{ address: string; amountWei: string; txHash: string }> {
    const profile = await this.options.network.require();
    if (!profile.faucetUrl) throw new AppError('invalid_input', `${profile.name} has no faucet; fund the wallet from another account.`);
    const { address } = await this.options.wallet.address();
    const result = await this.options.network.validator(profile).faucet(profile.faucetUrl, address);
    return { address, amountWei: result.amount, txHash: result.txHash };
  }
}
