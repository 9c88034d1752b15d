import { getAddress, isAddress, parseEther, sha256, ZeroHash } from 'ethers';
import type { z } from 'zod';
import { datanetKey, decodeContributionData, encodeVerdictData } from '../../shared/attestation-schemas';
import { canonicalJson } from '../../shared/canonical-json';
import { AppError } from '../../shared/errors';
import { STRUCTURED_TYPES } from '../../shared/file-types';
import { checkManifestConsistency, manifestHash, recoverManifestSigner } from '../../shared/manifest';
import type { Manifest } from '../../shared/manifest';
import { checkQuota, utcDay } from '../../shared/quota';
import type { QuotaUsage } from '../../shared/quota';
import { acceptanceRate, standing } from '../../shared/standing';
import {
  ACCEPTED_CODE,
  VERDICT_REASON_CODES,
  datanetRegistrationSchema,
  faucetRequestSchema,
  offchainVersionOf,
  submissionRequestSchema,
} from '../../shared/validator-api';
import type {
  ContributorStats,
  DatanetRegistration,
  EpochResult,
  Verdict,
  VerdictReason,
  VerdictReasonCode,
} from '../../shared/validator-api';
import { easSdk } from '../../electron/services/chain/eas-sdk';
import { runRetrievalWorkload } from './attribution';
import type { ValidatorChain } from './chain';
import { serial } from './chain';
import { formatProblem, textOf } from './format';
import { createOffchainVerifier } from './offchain';
import type { OffchainPackage } from './offchain';
import { loadState, saveState, VALIDATOR_STATE_VERSION } from './state';
import type { CorpusItem, StoredDatanet, ValidatorState } from './state';
import { EMBEDDING_DIMS, cosine, embed, jaccardEstimate, keyTerms, minhash, normalise, tokenize } from './text';

type ParsedRequest = z.infer<typeof submissionRequestSchema>;

/** MinHash Jaccard at or above which a text counts as a near-duplicate of accepted text. */
export const NEAR_DUPLICATE_JACCARD = 0.8;
export const DEFAULT_FAUCET_AMOUNT = parseEther('10');
export const MAX_FAUCET_AMOUNT = parseEther('100');

/**
 * Rejections that say nothing about the contribution itself, only about its delivery or timing:
 * the same manifest may be sent again and is then judged afresh. Any other verdict is final for
 * its manifest hash, and sending the manifest again returns it.
 */
export const RETRYABLE_REASONS: readonly VerdictReasonCode[] = ['quota_exceeded', 'missing_file', 'tampered_file', 'unknown_datanet'];

export type ValidatorOptions = {
  chain: ValidatorChain;
  statePath: string;
  seed: string;
  /** The validator's clock (epoch ms): decides the UTC day a submission counts on. */
  now: () => number;
  queriesPerDatanet: number;
  topK: number;
  log: (line: string) => void;
};

type FileFeatures = { tokens: string[]; minhash: number[] | null; embedding: number[] };

const reasonRank = (code: VerdictReasonCode): number => VERDICT_REASON_CODES.indexOf(code);

function isRetryable(verdict: Verdict): boolean {
  return verdict.status === 'rejected' && verdict.reasons.every((r) => RETRYABLE_REASONS.includes(r.code));
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
        };
    const validator = new Validator(options, state);
    if (!matches) await validator.save();
    await validator.lock(() => validator.flushPendingAttestations());
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
      return this.state.submissions[verdict.manifestHash] ?? verdict;
    });
  }

  getSubmission(hash: string): Verdict {
    const verdict = this.state.submissions[hash.toLowerCase()];
    if (!verdict) throw new AppError('not_found', `no submission with manifest hash ${hash}`);
    return verdict;
  }

  private async evaluate(request: ParsedRequest): Promise<Verdict> {
    const { chain } = this.options;
    const { deployment } = chain;
    const now = this.options.now();
    const day = utcDay(now);
    const { manifest } = request;
    const hash = manifestHash(manifest);

    const existing = this.state.submissions[hash];
    if (existing && !isRetryable(existing)) return existing;

    const offchainUid = request.offchainAttestation.sig.uid.toLowerCase();
    const base = {
      manifestHash: hash,
      datanetId: manifest.datanetId,
      contributor: manifest.contributor,
      fileCount: manifest.files.length,
      totalBytes: manifest.files.reduce((s, f) => s + f.bytes, 0),
      offchainUid,
      onchainContributionUid: request.onchainUid ?? null,
      refUID: request.onchainUid ?? ZeroHash,
      receivedAt: new Date(now).toISOString(),
      day,
    };
    // Until the contributor is authenticated nothing is stored or attested: a forged or replayed
    // request must not be able to fix a rejection onto someone else's manifest hash.
    const unrecorded = (code: VerdictReasonCode, message: string): Verdict => ({
      ...base,
      status: 'rejected',
      reasonCode: code,
      reasons: [{ code, message }],
      score: 0,
      files: [],
      attestation: { status: 'not_recorded', uid: null, txHash: null, gasUsed: null },
      countsTowardQuota: false,
    });

    if (recoverManifestSigner(manifest, deployment.chainId, request.signature) !== manifest.contributor) {
      return unrecorded('bad_signature', `the manifest signature is not ${manifest.contributor}'s`);
    }
    const offchainProblem = this.offchainAttestationProblem(request.offchainAttestation, manifest, hash, now);
    if (offchainProblem) return unrecorded('bad_attestation', offchainProblem);
    if (request.onchainUid) {
      const onchainProblem = await this.onchainAttestationProblem(request.onchainUid, manifest, hash);
      if (onchainProblem) return unrecorded('bad_attestation', onchainProblem);
    }

    const reasons: VerdictReason[] = [];
    let datanet = this.state.datanets[manifest.datanetId];
    if (!datanet && request.datanet) datanet = this.addDatanet({ ...request.datanet, id: manifest.datanetId }, 'submission');
    if (!datanet) {
      reasons.push({
        code: 'unknown_datanet',
        message: `this validator does not know Datanet ${manifest.datanetId}; register it or send its policy`,
      });
    }

    for (const problem of checkManifestConsistency(manifest)) {
      reasons.push({ code: problem.kind === 'merkle_mismatch' ? 'merkle_mismatch' : 'invalid_manifest', message: problem.message });
    }

    // Which files arrived intact: only those are judged on format and quality.
    const intact = new Map<string, Uint8Array>();
    const sent = new Map(request.files.map((f) => [f.sha256, f.contentBase64]));
    for (const file of manifest.files) {
      const content = sent.get(file.sha256);
      if (content === undefined) {
        reasons.push({ code: 'missing_file', message: 'a file listed in the manifest was not sent', sha256: file.sha256 });
        continue;
      }
      const bytes = new Uint8Array(Buffer.from(content, 'base64'));
      const actual = sha256(bytes);
      if (actual !== file.sha256 || bytes.length !== file.bytes) {
        reasons.push({
          code: 'tampered_file',
          message: `the bytes sent hash to ${actual} (${bytes.length} bytes), not to the manifest's ${file.sha256} (${file.bytes} bytes)`,
          sha256: file.sha256,
        });
        continue;
      }
      intact.set(file.sha256, bytes);
    }
    const listed = new Set(manifest.files.map((f) => f.sha256));
    for (const file of request.files) {
      if (!listed.has(file.sha256)) {
        reasons.push({ code: 'tampered_file', message: 'a file was sent that the manifest does not list', sha256: file.sha256 });
      }
    }

    if (datanet) {
      const quota = checkQuota(datanet.policy.quota, this.usage(datanet.id, manifest.contributor, day), {
        files: base.fileCount,
        bytes: base.totalBytes,
      });
      for (const reason of quota.reasons) {
        reasons.push({ code: 'quota_exceeded', message: reason.message, details: { ...reason } });
      }
    }

    const features = new Map<string, FileFeatures>();
    const fileScores: Verdict['files'] = [];
    if (datanet) {
      const corpus = this.state.corpus.filter((c) => c.datanetId === datanet.id);
      const reference = this.relevanceReference(datanet, corpus);
      const seen = new Set<string>();
      for (const file of manifest.files) {
        if (seen.has(file.sha256)) {
          reasons.push({ code: 'duplicate', message: 'the same file is listed twice', sha256: file.sha256, details: { kind: 'exact' } });
          continue;
        }
        seen.add(file.sha256);
        const content = intact.get(file.sha256);
        if (!content) continue;
        const problem = formatProblem(file.type, content, datanet.policy);
        if (problem) {
          reasons.push({ code: 'wrong_format', message: problem, sha256: file.sha256, details: { type: file.type } });
          continue;
        }
        if (datanet.policy.anonymisation.required && file.anonymisationReportHash === null) {
          reasons.push({
            code: 'not_anonymised',
            message: 'this Datanet requires anonymisation and the file has no anonymisation report',
            sha256: file.sha256,
          });
        }
        if (datanet.policy.dp.required && STRUCTURED_TYPES.includes(file.type) && file.dpParameters === null) {
          reasons.push({
            code: 'dp_missing',
            message: 'this Datanet requires differential privacy on structured data and the file has no DP parameters',
            sha256: file.sha256,
          });
        }
        const known = corpus.find((c) => c.sha256 === file.sha256);
        if (known) {
          reasons.push({
            code: 'duplicate',
            message: 'these exact bytes are already accepted in this Datanet',
            sha256: file.sha256,
            details: { kind: 'exact', of: known.manifestHash },
          });
          continue;
        }
        const text = textOf(file.type, content);
        const tokens = text === null ? [] : tokenize(text);
        const signature = minhash(tokens);
        const embedding = embed(tokens);
        features.set(file.sha256, { tokens, minhash: signature, embedding });

        let novelty: number | null = null;
        if (signature) {
          let closest: { similarity: number; sha256: string } | undefined;
          const others = [
            ...corpus.flatMap((c) => (c.minhash ? [{ sha256: c.sha256, minhash: c.minhash }] : [])),
            ...[...features.entries()].flatMap(([sha, f]) =>
              sha !== file.sha256 && f.minhash ? [{ sha256: sha, minhash: f.minhash }] : [],
            ),
          ];
          for (const other of others) {
            const similarity = jaccardEstimate(signature, other.minhash);
            if (!closest || similarity > closest.similarity) closest = { similarity, sha256: other.sha256 };
          }
          novelty = closest ? 1 - closest.similarity : 1;
          if (closest && closest.similarity >= NEAR_DUPLICATE_JACCARD) {
            reasons.push({
              code: 'duplicate',
              message: `the text is a near-duplicate (MinHash Jaccard ${closest.similarity.toFixed(2)}) of ${closest.sha256}`,
              sha256: file.sha256,
              details: { kind: 'near', of: closest.sha256, similarity: closest.similarity },
            });
          }
        }
        const relevance = reference && tokens.length > 0 ? Math.min(1, Math.max(0, cosine(embedding, reference))) : null;
        if (relevance !== null && datanet.minRelevance > 0 && relevance < datanet.minRelevance) {
          reasons.push({
            code: 'low_relevance',
            message: `relevance ${relevance.toFixed(2)} is below this Datanet's minimum of ${datanet.minRelevance}`,
            sha256: file.sha256,
          });
        }
        fileScores.push({ sha256: file.sha256, bytes: file.bytes, relevance, novelty });
      }
    }

    reasons.sort((a, b) => reasonRank(a.code) - reasonRank(b.code));
    const isAccepted = reasons.length === 0;
    const score = isAccepted
      ? Math.round(
          (100 * fileScores.reduce((s, f) => s + 0.5 * (f.novelty ?? 1) + 0.5 * (f.relevance ?? 1), 0)) / Math.max(1, fileScores.length),
        )
      : 0;
    const verdict: Verdict = {
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

    this.state.submissions[hash] = verdict;
    if (isAccepted) {
      for (const file of manifest.files) {
        const f = features.get(file.sha256);
        this.state.corpus.push({
          datanetId: manifest.datanetId,
          sha256: file.sha256,
          contributor: manifest.contributor,
          manifestHash: hash,
          bytes: file.bytes,
          type: file.type,
          acceptedAt: base.receivedAt,
          minhash: f?.minhash ?? null,
          embedding: f && f.tokens.length > 0 ? f.embedding : null,
          keyTerms: f ? keyTerms(f.tokens) : [],
        });
      }
    }
    // Saved before the chain is touched: a crash after this point leaves a pending attestation
    // that the next start sends, rather than a verdict nobody remembers.
    await this.save();
    this.options.log(`${hash.slice(0, 10)} ${verdict.reasonCode} (${manifest.files.length} files, ${manifest.contributor})`);
    return verdict;
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

  private offchainAttestationProblem(pkg: OffchainPackage, manifest: Manifest, hash: string, now: number): string | null {
    const { deployment } = this.options.chain;
    const { sig } = pkg;
    const version = offchainVersionOf(pkg);
    if (version !== easSdk.OffchainAttestationVersion.Version2) {
      return `off-chain attestation version ${version} is not accepted; use version 2 (salted)`;
    }
    if (pkg.signer !== manifest.contributor) return "the attestation was not made by the manifest's contributor";
    if (sig.domain.chainId !== BigInt(deployment.chainId) || sig.domain.verifyingContract !== deployment.contracts.eas) {
      return 'the attestation was made for another network';
    }
    if (sig.message.schema.toLowerCase() !== deployment.schemas.contribution) return 'not a contribution attestation';
    const expected = this.contributionProblem(sig.message.data, manifest, hash);
    if (expected) return expected;
    if (sig.message.expirationTime !== 0n && sig.message.expirationTime * 1000n < BigInt(now)) return 'the attestation has expired';
    // The SDK checks the UID (with its schema-as-UTF-8 quirk), the domain, the types and the
    // signature: the same code an independent verifier of the attestation would run.
    return this.verifyOffchain(pkg, manifest.contributor) ? null : 'the off-chain attestation does not verify (UID or signature)';
  }

  private contributionProblem(data: string, manifest: Manifest, hash: string): string | null {
    let decoded;
    try {
      decoded = decodeContributionData(data);
    } catch {
      return 'the attestation data is not contribution data';
    }
    const bytes = manifest.files.reduce((s, f) => s + f.bytes, 0);
    if (decoded.manifestHash !== hash) return 'the attestation is of another manifest';
    if (decoded.datanetId !== datanetKey(manifest.datanetId)) return 'the attestation names another Datanet';
    if (decoded.merkleRoot !== manifest.merkleRoot) return 'the attestation names another Merkle root';
    if (decoded.fileCount !== manifest.files.length || decoded.totalBytes !== bytes) {
      return 'the attestation counts other files or bytes than the manifest';
    }
    return null;
  }

  private async onchainAttestationProblem(uid: string, manifest: Manifest, hash: string): Promise<string | null> {
    const { deployment } = this.options.chain;
    const attestation = await this.options.chain.getAttestation(uid);
    if (!attestation) return `no on-chain attestation ${uid}`;
    if (attestation.schema !== deployment.schemas.contribution) return 'the on-chain attestation is not a contribution';
    if (attestation.attester !== manifest.contributor) return 'the on-chain attestation was not made by the contributor';
    if (attestation.revocationTime !== 0n) return 'the on-chain attestation was revoked';
    return this.contributionProblem(attestation.data, manifest, hash);
  }

  /** The Datanet's description and accepted corpus as one direction to measure relevance against. */
  private relevanceReference(datanet: StoredDatanet, corpus: readonly CorpusItem[]): number[] | null {
    const description = tokenize(`${datanet.name} ${datanet.description}`);
    const vectors = corpus.flatMap((c) => (c.embedding ? [c.embedding] : []));
    if (description.length === 0 && vectors.length === 0) return null;
    const sum = new Array<number>(EMBEDDING_DIMS).fill(0);
    const add = (v: readonly number[]): void => v.forEach((x, i) => (sum[i] = (sum[i] as number) + x));
    if (description.length > 0) add(embed(description));
    if (vectors.length > 0) {
      const centroid = new Array<number>(sum.length).fill(0);
      for (const v of vectors) v.forEach((x, i) => (centroid[i] = (centroid[i] as number) + x));
      add(normalise(centroid));
    }
    return normalise(sum);
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
      const items = this.state.corpus.flatMap((c) =>
        c.embedding
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
