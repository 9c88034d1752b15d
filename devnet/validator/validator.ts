import { getAddress, isAddress, parseEther, ZeroHash } from 'ethers';
import type { z } from 'zod';
import { datanetKey, encodeVerdictData } from '../../shared/attestation-schemas';
import { canonicalJson } from '../../shared/canonical-json';
import { AppError } from '../../shared/errors';
import { checkPolicyDocument } from '../../shared/datanet-registry-policy';
import { manifestHash, SHARED_MANIFEST_VERSION } from '../../shared/manifest';
import type { Manifest, SharedManifest } from '../../shared/manifest';
import { merkleRoot } from '../../shared/merkle';
import { utcDay } from '../../shared/quota';
import type { QuotaUsage } from '../../shared/quota';
import { acceptanceRate, standing } from '../../shared/standing';
import {
  ACCEPTED_CODE,
  VERDICT_REASON_CODES,
  approvalRequestSchema,
  datanetRegistrationSchema,
  faucetRequestSchema,
  submissionRequestSchema,
} from '../../shared/validator-api';
import type {
  ApprovalResult,
  ContributorStats,
  HeldBatch,
  DatanetRegistration,
  EpochResult,
  Verdict,
  VerdictReason,
  VerdictReasonCode,
} from '../../shared/validator-api';
import { runRetrievalWorkload } from './attribution';
import type { ValidatorChain } from './chain';
import { serial } from './chain';
import { checkAuthenticity, judgeSubmission } from './checks';
import type { FileFeatures, ParsedRequest } from './checks';
import { createOffchainVerifier } from './offchain';
import type { OffchainPackage } from './offchain';
import type { PolicyStore } from './policies';
import { loadState, saveState, VALIDATOR_STATE_VERSION } from './state';
import type { CorpusItem, StoredDatanet, ValidatorState } from './state';
import { keyTerms } from './text';

export { NEAR_DUPLICATE_JACCARD } from './checks';
export const DEFAULT_FAUCET_AMOUNT = parseEther('10');
export const MAX_FAUCET_AMOUNT = parseEther('100');

/**
 * Rejections that say nothing about the contribution itself, only about its delivery or timing:
 * the same manifest may be sent again and is then judged afresh. Any other verdict is final for
 * its manifest hash, and sending the manifest again returns it.
 */
export const RETRYABLE_REASONS: readonly VerdictReasonCode[] = [
  'quota_exceeded',
  'missing_file',
  'tampered_file',
  'unknown_datanet',
  // Joining is a transaction away: the same manifest may come back once the contributor is a member.
  'not_member',
];

export type ValidatorOptions = {
  chain: ValidatorChain;
  /** Policy documents by hash: a shared Datanet's policy is the document its on-chain version names. */
  policies: PolicyStore;
  statePath: string;
  seed: string;
  /** The validator's clock (epoch ms): decides the UTC day a submission counts on. */
  now: () => number;
  queriesPerDatanet: number;
  topK: number;
  log: (line: string) => void;
};

type VerdictBase = Omit<
  Verdict,
  'status' | 'reasonCode' | 'reasons' | 'score' | 'files' | 'attestation' | 'countsTowardQuota' | 'registry'
>;

/** A shared Datanet as the chain states it now, for one manifest: its policy, or why there is none to judge by. */
type SharedContext = {
  datanet: StoredDatanet | undefined;
  problem: VerdictReason | undefined;
  reasons: VerdictReason[];
  acceptedOnChain: Set<string>;
};

const reasonRank = (code: VerdictReasonCode): number => VERDICT_REASON_CODES.indexOf(code);

function isRetryable(verdict: Verdict): boolean {
  return verdict.status === 'rejected' && verdict.reasons.every((r) => RETRYABLE_REASONS.includes(r.code));
}

/** What every verdict on this request says, whatever the checks find (its key order is the stored JSON's). */
function verdictBase(request: ParsedRequest, hash: string, now: number): VerdictBase {
  const { manifest } = request;
  return {
    manifestHash: hash,
    datanetId: manifest.datanetId,
    contributor: manifest.contributor,
    fileCount: manifest.files.length,
    totalBytes: manifest.files.reduce((s, f) => s + f.bytes, 0),
    offchainUid: request.offchainAttestation.sig.uid.toLowerCase(),
    onchainContributionUid: request.onchainUid ?? null,
    refUID: request.onchainUid ?? ZeroHash,
    receivedAt: new Date(now).toISOString(),
    day: utcDay(now),
  };
}

/** The answer to a request whose sender is not the contributor: never stored, never attested, no quota. */
function unrecordedVerdict(base: VerdictBase, { code, message }: { code: VerdictReasonCode; message: string }): Verdict {
  return {
    ...base,
    status: 'rejected',
    reasonCode: code,
    reasons: [{ code, message }],
    score: 0,
    files: [],
    attestation: { status: 'not_recorded', uid: null, txHash: null, gasUsed: null },
    countsTowardQuota: false,
  };
}

/** The verdict on an authenticated submission: accepted when no check found a reason, scored by novelty and relevance. */
function judgedVerdict(base: VerdictBase, reasons: VerdictReason[], fileScores: Verdict['files']): Verdict {
  reasons.sort((a, b) => reasonRank(a.code) - reasonRank(b.code));
  const isAccepted = reasons.length === 0;
  const score = isAccepted
    ? Math.round(
        (100 * fileScores.reduce((s, f) => s + 0.5 * (f.novelty ?? 1) + 0.5 * (f.relevance ?? 1), 0)) / Math.max(1, fileScores.length),
      )
    : 0;
  return {
    ...base,
    status: isAccepted ? 'accepted' : 'rejected',
    reasonCode: isAccepted ? ACCEPTED_CODE : (reasons[0] as VerdictReason).code,
    reasons,
    score,
    files: fileScores,
    attestation: { status: 'pending', uid: null, txHash: null, gasUsed: null },
    // A retryable rejection costs no quota: the same manifest may come back (see RETRYABLE_REASONS).
    countsTowardQuota: !reasons.some((r) => RETRYABLE_REASONS.includes(r.code)),
  };
}

/**
 * The Datanet validator of the devnet: judges submissions, records verdicts on-chain as EAS
 * attestations, keeps contributor statistics, and runs attribution epochs that pay $OPEN.
 * All state changes run one at a time (submissions, epochs), so quota and duplicate checks
 * always see every earlier decision.
 */
export class Validator {
  private readonly lock = serial();
  private readonly verifyOffchain: (pkg: OffchainPackage, attester: string) => boolean;

  private constructor(
    private readonly options: ValidatorOptions,
    private state: ValidatorState,
  ) {
    const { deployment } = options.chain;
    this.verifyOffchain = createOffchainVerifier({
      eas: deployment.contracts.eas,
      easVersion: deployment.easVersion,
      chainId: deployment.chainId,
    });
  }

  /** Opens the validator on its state file; a state from another deployment is replaced. */
  static async open(options: ValidatorOptions): Promise<Validator> {
    const { deployment } = options.chain;
    const loaded = await loadState(options.statePath);
    const matches = loaded !== undefined && loaded.chainId === deployment.chainId && loaded.eas === deployment.contracts.eas;
    if (loaded && !matches) options.log('validator state belongs to another deployment; starting afresh');
    const state: ValidatorState = matches
      ? loaded
      : {
          version: VALIDATOR_STATE_VERSION,
          chainId: deployment.chainId,
          eas: deployment.contracts.eas,
          seed: options.seed,
          datanets: {},
          submissions: {},
          corpus: [],
          epochs: [],
          approvedVersions: {},
        };
    const validator = new Validator(options, state);
    if (!matches) await validator.save();
    await validator.lock(async () => {
      await validator.flushPendingAttestations();
      await validator.flushPendingRecords();
    });
    return validator;
  }

  get seed(): string {
    return this.state.seed;
  }

  private async save(): Promise<void> {
    await saveState(this.options.statePath, this.state);
  }

  /** Registers a Datanet, or confirms one registered with the same settings. */
  async registerDatanet(input: unknown): Promise<{ datanet: StoredDatanet; isNew: boolean }> {
    const parsed = datanetRegistrationSchema.safeParse(input);
    if (!parsed.success) throw invalidInput('the Datanet registration is not valid', parsed.error);
    return this.lock(async () => {
      const existing = this.state.datanets[parsed.data.id];
      if (existing) {
        const { registeredAt: _at, source: _source, ...settings } = existing;
        if (canonicalJson(settings) !== canonicalJson(parsed.data)) {
          throw new AppError('conflict', `Datanet ${parsed.data.id} is already registered with other settings`);
        }
        return { datanet: existing, isNew: false };
      }
      const datanet = this.addDatanet(parsed.data, 'api');
      await this.save();
      return { datanet, isNew: true };
    });
  }

  private addDatanet(registration: DatanetRegistration, source: StoredDatanet['source']): StoredDatanet {
    const datanet: StoredDatanet = { ...registration, registeredAt: new Date(this.options.now()).toISOString(), source };
    this.state.datanets[registration.id] = datanet;
    return datanet;
  }

  listDatanets(): StoredDatanet[] {
    return Object.values(this.state.datanets).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  getDatanet(id: string): StoredDatanet {
    const datanet = this.state.datanets[id];
    if (!datanet) throw new AppError('not_found', `no Datanet ${id}`);
    return datanet;
  }

  /** Judges a submission; idempotent by manifest hash (see {@link RETRYABLE_REASONS}). */
  async submit(input: unknown): Promise<Verdict> {
    const parsed = submissionRequestSchema.safeParse(input);
    if (!parsed.success) throw invalidInput('the submission is not valid', parsed.error);
    return this.lock(async () => {
      const verdict = await this.evaluate(parsed.data);
      if (verdict.attestation.status === 'not_recorded') return verdict;
      await this.flushPendingAttestations();
      await this.flushPendingRecords();
      return this.state.submissions[verdict.manifestHash] ?? verdict;
    });
  }

  getSubmission(hash: string): Verdict {
    const verdict = this.state.submissions[hash.toLowerCase()];
    if (!verdict) throw new AppError('not_found', `no submission with manifest hash ${hash}`);
    return verdict;
  }

  /**
   * Judges one submission: a verdict already final for its manifest hash stands; an unauthenticated
   * request is rejected without a trace; anything else is judged by the checks (checks.ts), stored,
   * and, when accepted, added to the corpus.
   */
  private async evaluate(request: ParsedRequest): Promise<Verdict> {
    const now = this.options.now();
    const { manifest } = request;
    const hash = manifestHash(manifest);

    const existing = this.state.submissions[hash];
    if (existing && !isRetryable(existing)) return existing;

    const base = verdictBase(request, hash, now);
    // Until the contributor is authenticated nothing is stored or attested: a forged or replayed
    // request must not be able to fix a rejection onto someone else's manifest hash.
    const forged = await checkAuthenticity(request, hash, now, { chain: this.options.chain, verifyOffchain: this.verifyOffchain });
    if (forged) return unrecordedVerdict(base, forged);

    const shared = manifest.version === SHARED_MANIFEST_VERSION ? await this.sharedContext(manifest) : undefined;
    let datanet = shared ? shared.datanet : this.state.datanets[manifest.datanetId];
    // A shared Datanet's policy comes from the chain only; one a contributor sends is ignored.
    if (!datanet && !shared && request.datanet) datanet = this.addDatanet({ ...request.datanet, id: manifest.datanetId }, 'submission');
    const judged = judgeSubmission({
      request,
      datanet,
      corpus: this.state.corpus,
      usage: (datanetId) => this.usage(datanetId, manifest.contributor, base.day),
      datanetProblem: shared?.problem,
      acceptedOnChain: shared?.acceptedOnChain,
    });
    const verdict = judgedVerdict(base, [...judged.reasons, ...(shared?.reasons ?? [])], judged.files);
    const isHeld = verdict.status === 'accepted' && datanet?.policy.curation.ownerApproval === true;
    if (manifest.version === SHARED_MANIFEST_VERSION) {
      verdict.registry = {
        onchainId: manifest.datanetId,
        policyVersion: manifest.policy.version,
        approval: isHeld ? 'held' : 'none',
        record: verdict.status === 'accepted' && !isHeld ? 'pending' : 'not_recorded',
        txHash: null,
        datanetVersion: null,
      };
    }

    this.state.submissions[hash] = verdict;
    if (verdict.status === 'accepted') {
      const onchain = manifest.version !== SHARED_MANIFEST_VERSION ? undefined : isHeld ? 'held' : 'pending';
      this.addToCorpus(manifest, hash, base.receivedAt, judged.features, onchain);
    }
    // Saved before the chain is touched: a crash after this point leaves a pending attestation
    // that the next start sends, rather than a verdict nobody remembers.
    await this.save();
    this.options.log(`${hash.slice(0, 10)} ${verdict.reasonCode} (${manifest.files.length} files, ${manifest.contributor})`);
    return verdict;
  }

  /**
   * Reads a shared Datanet from the registry for a version 2 manifest: the policy is the document
   * of the version the manifest names, and only while that version is the current one (a stale or
   * unknown version is `policy_outdated`). The document comes from this validator's policy store,
   * which checks its hash. A chain that does not answer throws (`unavailable`): nothing is judged.
   */
  private async sharedContext(manifest: SharedManifest): Promise<SharedContext> {
    const { registry } = this.options.chain;
    const none = { datanet: undefined, reasons: [], acceptedOnChain: new Set<string>() };
    let record;
    try {
      record = await registry.getDatanet(manifest.datanetId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') {
        return { ...none, problem: { code: 'unknown_datanet', message: `no Datanet ${manifest.datanetId} is published on this network` } };
      }
      throw error;
    }
    const named = manifest.policy;
    const current = { version: record.policyVersion, hash: record.policyHash.toLowerCase() };
    if (named.version !== current.version || named.hash !== current.hash) {
      const message =
        named.version > current.version
          ? `the manifest names policy version ${named.version}, which this Datanet does not have (current: ${current.version})`
          : named.version < current.version
            ? `the manifest was checked against policy version ${named.version}; version ${current.version} superseded it: sync the Datanet and submit again`
            : `the manifest names another policy document than version ${current.version}'s`;
      return {
        ...none,
        problem: {
          code: 'policy_outdated',
          message,
          details: { namedVersion: named.version, namedHash: named.hash, currentVersion: current.version, currentHash: current.hash },
        },
      };
    }
    let policy;
    try {
      policy = checkPolicyDocument(await this.options.policies.get(current.hash)).policy;
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'not_found') throw error;
      return {
        ...none,
        problem: { code: 'unknown_datanet', message: `this validator does not have the policy document ${current.hash} of this Datanet` },
      };
    }
    const member = await registry.member(manifest.datanetId, manifest.contributor);
    const reasons: VerdictReason[] =
      member.role === 'none'
        ? [{ code: 'not_member', message: `${manifest.contributor} is not a member of this Datanet on chain: join it first` }]
        : [];
    const hashes = [...new Set(manifest.files.map((f) => f.sha256))];
    const accepted = await Promise.all(hashes.map((h) => registry.isAccepted(manifest.datanetId, h)));
    const datanet: StoredDatanet = {
      id: manifest.datanetId,
      name: record.name,
      description: record.domain,
      policy,
      minRelevance: 0,
      registeredAt: new Date(record.createdAt * 1000).toISOString(),
      source: 'registry',
    };
    return { datanet, problem: undefined, reasons, acceptedOnChain: new Set(hashes.filter((_h, i) => accepted[i])) };
  }

  private addToCorpus(
    manifest: Manifest,
    hash: string,
    acceptedAt: string,
    features: ReadonlyMap<string, FileFeatures>,
    onchain: CorpusItem['onchain'],
  ): void {
    for (const file of manifest.files) {
      const f = features.get(file.sha256);
      this.state.corpus.push({
        datanetId: manifest.datanetId,
        sha256: file.sha256,
        contributor: manifest.contributor,
        manifestHash: hash,
        bytes: file.bytes,
        type: file.type,
        acceptedAt,
        minhash: f?.minhash ?? null,
        embedding: f && f.tokens.length > 0 ? f.embedding : null,
        keyTerms: f ? keyTerms(f.tokens) : [],
        ...(onchain ? { onchain } : {}),
      });
    }
  }

  /**
   * Records accepted (and approved) shared-Datanet items on chain, one recordAccepted per
   * submission. Hashes the chain already has are skipped, so a retry after a crash between the
   * transaction and the save does not revert as DuplicateContent. Failures stay pending.
   */
  private async flushPendingRecords(): Promise<void> {
    const byManifest = new Map<string, CorpusItem[]>();
    for (const item of this.state.corpus) {
      if (item.onchain !== 'pending') continue;
      byManifest.set(item.manifestHash, [...(byManifest.get(item.manifestHash) ?? []), item]);
    }
    const { chain } = this.options;
    for (const [manifestHash, items] of byManifest) {
      const first = items[0] as CorpusItem;
      try {
        const known = await Promise.all(items.map((i) => chain.registry.isAccepted(first.datanetId, i.sha256)));
        const toRecord = items.filter((_i, k) => !known[k]).map((i) => i.sha256);
        const tx = toRecord.length > 0 ? await chain.recordAccepted(first.datanetId, first.contributor, toRecord) : undefined;
        for (const item of items) item.onchain = 'recorded';
        const verdict = this.state.submissions[manifestHash];
        const isDone = !this.state.corpus.some((c) => c.manifestHash === manifestHash && c.onchain !== 'recorded');
        if (verdict?.registry && isDone) verdict.registry = { ...verdict.registry, record: 'recorded', txHash: tx?.txHash ?? null };
        await this.save();
        if (tx) this.options.log(`recorded ${toRecord.length} accepted items of ${manifestHash.slice(0, 10)} (gas ${tx.gasUsed})`);
      } catch (error) {
        this.options.log(`recording the accepted items of ${manifestHash} is pending: ${(error as Error).message}`);
        return;
      }
    }
  }

  /** The items of a shared Datanet waiting for a curator, and the Merkle root that approves all of them. */
  heldItems(onchainId: string): HeldBatch {
    const id = onchainId.toLowerCase();
    const items = this.state.corpus
      .filter((c) => c.datanetId === id && c.onchain === 'held')
      .map((c) => ({ sha256: c.sha256, contributor: c.contributor, manifestHash: c.manifestHash }));
    return { onchainId: id, items, merkleRoot: items.length > 0 ? merkleRoot(items.map((i) => i.sha256)) : null };
  }

  /**
   * Applies a curator's approval. The curator's act is on chain: DatanetRegistry.publishVersion
   * (curators only) with the Merkle root of the approved items; this request only names the
   * version and the items, and counts when they hash to that version's root and are all held
   * here. Each version is applied once. The approved items are then recorded as accepted.
   */
  async approve(onchainId: string, input: unknown): Promise<ApprovalResult> {
    const parsed = approvalRequestSchema.safeParse(input);
    if (!parsed.success) throw invalidInput('the approval is not valid', parsed.error);
    const id = onchainId.toLowerCase();
    const { version, items } = parsed.data;
    return this.lock(async () => {
      if ((this.state.approvedVersions[id] ?? []).includes(version)) {
        throw new AppError('conflict', `Datanet version ${version} was already applied`);
      }
      const root = await this.options.chain.versionRoot(id, version);
      if (root === ZeroHash) throw new AppError('not_found', `Datanet ${id} has no version ${version} on chain`);
      if (merkleRoot(items) !== root) {
        throw new AppError('invalid_input', `the items do not hash to the Merkle root of version ${version} (${root})`);
      }
      const held = new Map(this.state.corpus.filter((c) => c.datanetId === id && c.onchain === 'held').map((c) => [c.sha256, c]));
      const missing = items.filter((h) => !held.has(h));
      if (missing.length > 0)
        throw new AppError('invalid_input', `${missing.length} of the items are not held for approval here`, { missing });
      const manifests = new Set<string>();
      for (const h of items) {
        const item = held.get(h) as CorpusItem;
        item.onchain = 'pending';
        manifests.add(item.manifestHash);
      }
      for (const m of manifests) {
        const verdict = this.state.submissions[m];
        const isStillHeld = this.state.corpus.some((c) => c.manifestHash === m && c.onchain === 'held');
        if (verdict?.registry && !isStillHeld) {
          verdict.registry = { ...verdict.registry, approval: 'approved', record: 'pending', datanetVersion: version };
        }
      }
      this.state.approvedVersions[id] = [...(this.state.approvedVersions[id] ?? []), version];
      await this.save();
      await this.flushPendingRecords();
      const txHashes = [...manifests].flatMap((m) => {
        const tx = this.state.submissions[m]?.registry?.txHash;
        return tx ? [tx] : [];
      });
      this.options.log(`Datanet ${id.slice(0, 10)} version ${version}: ${items.length} items approved`);
      return { onchainId: id, version, approved: items.length, txHashes };
    });
  }

  /** Sends every verdict attestation still pending; failures stay pending for the next try. */
  private async flushPendingAttestations(): Promise<void> {
    for (const verdict of Object.values(this.state.submissions)) {
      if (verdict.attestation.status !== 'pending') continue;
      try {
        const data = encodeVerdictData({
          accepted: verdict.status === 'accepted',
          score: verdict.score,
          reasonCode: verdict.reasonCode,
          manifestHash: verdict.manifestHash,
          contributionUid: verdict.onchainContributionUid ?? verdict.offchainUid,
        });
        const result = await this.options.chain.attestVerdict(verdict.contributor, verdict.refUID, data);
        verdict.attestation = { status: 'attested', uid: result.uid, txHash: result.txHash, gasUsed: result.gasUsed.toString() };
        await this.save();
      } catch (error) {
        this.options.log(`verdict attestation for ${verdict.manifestHash} is pending: ${(error as Error).message}`);
        return;
      }
    }
  }

  private usage(datanetId: string, contributor: string, day: string): QuotaUsage {
    const usage: QuotaUsage = { day, bytes: 0, files: 0 };
    for (const v of Object.values(this.state.submissions)) {
      if (v.datanetId !== datanetId || v.contributor !== contributor || v.day !== day || !v.countsTowardQuota) continue;
      usage.bytes += v.totalBytes;
      usage.files += v.fileCount;
    }
    return usage;
  }

  /** Acceptance rate, standing and usage of one contributor (rejections never lower standing). */
  async contributorStats(address: string): Promise<ContributorStats> {
    if (!isAddress(address)) throw new AppError('invalid_input', `${address} is not an address`);
    const contributor = getAddress(address);
    const verdicts = Object.values(this.state.submissions).filter((v) => v.contributor === contributor);
    const outcomes = verdicts.map((v) => ({ day: v.day, isAccepted: v.status === 'accepted' }));
    const accepted = verdicts.filter((v) => v.status === 'accepted');
    const day = utcDay(this.options.now());
    const today = [...new Set(verdicts.map((v) => v.datanetId))].sort().map((datanetId) => ({
      datanetId,
      ...this.usage(datanetId, contributor, day),
    }));
    return {
      address: contributor,
      submissions: verdicts.length,
      accepted: accepted.length,
      rejected: verdicts.length - accepted.length,
      acceptanceRate: acceptanceRate(outcomes),
      standing: standing(outcomes),
      acceptedFiles: accepted.reduce((s, v) => s + v.fileCount, 0),
      acceptedBytes: accepted.reduce((s, v) => s + v.totalBytes, 0),
      earned: (await this.options.chain.earned(contributor)).toString(),
      today,
    };
  }

  /** Runs one attribution epoch over every accepted file and pays it through the rewards contract. */
  async runEpoch(): Promise<EpochResult> {
    return this.lock(async () => {
      const { chain } = this.options;
      // The contract's epoch counter is the truth: after a crash between payout and save, the
      // next epoch number still follows what was paid.
      const epoch = (await chain.lastPaidEpoch()) + 1;
      // Held items are not accepted yet: they earn nothing until a curator approves them. A shared
      // Datanet's items carry its on-chain id, so every contributor's are scored in one workload.
      const items = this.state.corpus.flatMap((c) =>
        c.embedding && c.onchain !== 'held'
          ? [{ datanetId: c.datanetId, contributor: c.contributor, sha256: c.sha256, embedding: c.embedding, keyTerms: c.keyTerms }]
          : [],
      );
      const workload = runRetrievalWorkload(items, {
        seed: this.state.seed,
        epoch,
        queriesPerDatanet: this.options.queriesPerDatanet,
        topK: this.options.topK,
      });
      const payout = await chain.payEpoch(
        epoch,
        workload.scores.map((s) => ({
          datanet: datanetKey(s.datanetId),
          contributor: s.contributor,
          contentHash: s.sha256,
          score: s.score,
        })),
      );
      const files = workload.scores.map((s, i) => {
        const paid = payout.files[i];
        if (!paid || paid.contentHash !== s.sha256) throw new AppError('internal', 'the payout events do not match the attribution');
        return {
          datanetId: s.datanetId,
          datanetKey: datanetKey(s.datanetId),
          contributor: s.contributor,
          sha256: s.sha256,
          score: s.score,
          amount: paid.amount.toString(),
        };
      });
      const result: EpochResult = {
        epoch,
        seed: this.state.seed,
        queries: workload.queries,
        budget: payout.budget.toString(),
        totalScore: Number(payout.totalScore),
        totalPaid: payout.totalPaid.toString(),
        txHash: payout.txHash,
        gasUsed: payout.gasUsed.toString(),
        blockNumber: payout.blockNumber,
        files,
        paidAt: new Date(this.options.now()).toISOString(),
      };
      this.state.epochs.push(result);
      await this.save();
      this.options.log(`epoch ${epoch}: ${files.length} files, ${result.totalPaid} paid`);
      return result;
    });
  }

  listEpochs(): EpochResult[] {
    return this.state.epochs;
  }

  /** Sends test ether (devnet only: a real network has no faucet). */
  async faucet(input: unknown): Promise<{ address: string; amount: string; txHash: string }> {
    const parsed = faucetRequestSchema.safeParse(input);
    if (!parsed.success) throw invalidInput('the faucet request is not valid', parsed.error);
    const amount = parsed.data.amount === undefined ? DEFAULT_FAUCET_AMOUNT : BigInt(parsed.data.amount);
    if (amount > MAX_FAUCET_AMOUNT) throw new AppError('invalid_input', 'the faucet sends at most 100 ether at a time');
    const txHash = await this.options.chain.fund(parsed.data.address, amount);
    return { address: parsed.data.address, amount: amount.toString(), txHash };
  }

  async health(): Promise<{
    ok: true;
    chainId: number;
    blockNumber: number;
    validatorAddress: string;
    datanets: number;
    submissions: number;
    epochs: number;
  }> {
    return {
      ok: true,
      chainId: this.options.chain.deployment.chainId,
      blockNumber: await this.options.chain.blockNumber(),
      validatorAddress: this.options.chain.validatorAddress,
      datanets: Object.keys(this.state.datanets).length,
      submissions: Object.keys(this.state.submissions).length,
      epochs: this.state.epochs.length,
    };
  }

  /** Waits for the submission or epoch in progress, then refuses nothing more (used by stop()). */
  async drain(): Promise<void> {
    await this.lock(async () => undefined);
  }
}

function invalidInput(message: string, error: z.ZodError): AppError {
  const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return new AppError('invalid_input', `${message}: ${issues[0]?.path ?? ''} ${issues[0]?.message ?? ''}`.trim(), { issues });
}
