import { getAddress, isAddress, parseEther, ZeroHash } from 'ethers';
import type { z } from 'zod';
import { datanetKey, encodeVerdictData } from '../../shared/attestation-schemas';
import { canonicalJson } from '../../shared/canonical-json';
import { AppError } from '../../shared/errors';
import { manifestHash } from '../../shared/manifest';
import type { Manifest } from '../../shared/manifest';
import { utcDay } from '../../shared/quota';
import type { QuotaUsage } from '../../shared/quota';
import { acceptanceRate, standing } from '../../shared/standing';
import {
  ACCEPTED_CODE,
  VERDICT_REASON_CODES,
  datanetRegistrationSchema,
  faucetRequestSchema,
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
import { runRetrievalWorkload } from './attribution';
import type { ValidatorChain } from './chain';
import { serial } from './chain';
import { checkAuthenticity, judgeSubmission } from './checks';
import type { FileFeatures, ParsedRequest } from './checks';
import { createOffchainVerifier } from './offchain';
import type { OffchainPackage } from './offchain';
import { loadState, saveState, VALIDATOR_STATE_VERSION } from './state';
import type { StoredDatanet, ValidatorState } from './state';
import { keyTerms } from './text';

export { NEAR_DUPLICATE_JACCARD } from './checks';
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

type VerdictBase = Omit<Verdict, 'status' | 'reasonCode' | 'reasons' | 'score' | 'files' | 'attestation' | 'countsTowardQuota'>;

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

    let datanet = this.state.datanets[manifest.datanetId];
    if (!datanet && request.datanet) datanet = this.addDatanet({ ...request.datanet, id: manifest.datanetId }, 'submission');
    const judged = judgeSubmission({
      request,
      datanet,
      corpus: this.state.corpus,
      usage: (datanetId) => this.usage(datanetId, manifest.contributor, base.day),
    });
    const verdict = judgedVerdict(base, judged.reasons, judged.files);

    this.state.submissions[hash] = verdict;
    if (verdict.status === 'accepted') this.addToCorpus(manifest, hash, base.receivedAt, judged.features);
    // Saved before the chain is touched: a crash after this point leaves a pending attestation
    // that the next start sends, rather than a verdict nobody remembers.
    await this.save();
    this.options.log(`${hash.slice(0, 10)} ${verdict.reasonCode} (${manifest.files.length} files, ${manifest.contributor})`);
    return verdict;
  }

  private addToCorpus(manifest: Manifest, hash: string, acceptedAt: string, features: ReadonlyMap<string, FileFeatures>): void {
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
      });
    }
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
