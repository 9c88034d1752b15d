import { sha256 } from 'ethers';
import type { z } from 'zod';
import { datanetKey, decodeContributionData } from '../../shared/attestation-schemas';
import { STRUCTURED_TYPES } from '../../shared/file-types';
import { checkManifestConsistency, recoverManifestSigner } from '../../shared/manifest';
import type { Manifest, ManifestFile } from '../../shared/manifest';
import type { Policy } from '../../shared/policy';
import { checkQuota as checkQuotaLimits } from '../../shared/quota';
import type { QuotaUsage } from '../../shared/quota';
import { offchainVersionOf } from '../../shared/validator-api';
import type { submissionRequestSchema, Verdict, VerdictReason, VerdictReasonCode } from '../../shared/validator-api';
import { easSdk } from '../../electron/services/chain/eas-sdk';
import type { ValidatorChain } from './chain';
import { formatProblem, textOf } from './format';
import type { OffchainPackage } from './offchain';
import type { CorpusItem, StoredDatanet } from './state';
import { EMBEDDING_DIMS, cosine, embed, jaccardEstimate, minhash, normalise, tokenize } from './text';

// The checks of a submission, one per function. They run in the order of VERDICT_REASON_CODES
// (shared/validator-api.ts), the order a verdict lists its reasons in, so that a check that ends a
// file's judgement (a wrong format, an exact duplicate) spares the ones listed after it. The one
// exception: a file listed twice is caught first, so that its repeated listing is judged once.

export type ParsedRequest = z.infer<typeof submissionRequestSchema>;

/** What the corpus keeps of an accepted text: its words, MinHash signature and embedding. */
export type FileFeatures = { tokens: string[]; minhash: number[] | null; embedding: number[] };

/** MinHash Jaccard at or above which a text counts as a near-duplicate of accepted text. */
export const NEAR_DUPLICATE_JACCARD = 0.8;

export type AuthenticityDeps = {
  chain: ValidatorChain;
  /** The EAS SDK's verification of an off-chain attestation package (UID, domain, types, signature). */
  verifyOffchain: (pkg: OffchainPackage, attester: string) => boolean;
};

// ---- authenticity: who sends it ----------------------------------------------------------------

/**
 * The first reason the request is not the contributor's own (signature, off-chain attestation,
 * on-chain attestation); null when it is.
 */
export async function checkAuthenticity(
  request: ParsedRequest,
  hash: string,
  now: number,
  deps: AuthenticityDeps,
): Promise<{ code: VerdictReasonCode; message: string } | null> {
  const { manifest } = request;
  const signature = checkSignature(request, deps.chain.deployment.chainId);
  if (signature) return { code: 'bad_signature', message: signature };
  const offchainProblem = checkOffchainAttestation(request.offchainAttestation, manifest, hash, now, deps);
  if (offchainProblem) return { code: 'bad_attestation', message: offchainProblem };
  if (request.onchainUid) {
    const onchainProblem = await checkOnchainAttestation(request.onchainUid, manifest, hash, deps.chain);
    if (onchainProblem) return { code: 'bad_attestation', message: onchainProblem };
  }
  return null;
}

function checkSignature(request: ParsedRequest, chainId: number): string | null {
  const { manifest } = request;
  if (recoverManifestSigner(manifest, chainId, request.signature) !== manifest.contributor) {
    return `the manifest signature is not ${manifest.contributor}'s`;
  }
  return null;
}

function checkOffchainAttestation(
  pkg: OffchainPackage,
  manifest: Manifest,
  hash: string,
  now: number,
  deps: AuthenticityDeps,
): string | null {
  const { deployment } = deps.chain;
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
  const expected = contributionProblem(sig.message.data, manifest, hash);
  if (expected) return expected;
  if (sig.message.expirationTime !== 0n && sig.message.expirationTime * 1000n < BigInt(now)) return 'the attestation has expired';
  // The SDK checks the UID (with its schema-as-UTF-8 quirk), the domain, the types and the
  // signature: the same code an independent verifier of the attestation would run.
  return deps.verifyOffchain(pkg, manifest.contributor) ? null : 'the off-chain attestation does not verify (UID or signature)';
}

async function checkOnchainAttestation(uid: string, manifest: Manifest, hash: string, chain: ValidatorChain): Promise<string | null> {
  const { deployment } = chain;
  const attestation = await chain.getAttestation(uid);
  if (!attestation) return `no on-chain attestation ${uid}`;
  if (attestation.schema !== deployment.schemas.contribution) return 'the on-chain attestation is not a contribution';
  if (attestation.attester !== manifest.contributor) return 'the on-chain attestation was not made by the contributor';
  if (attestation.revocationTime !== 0n) return 'the on-chain attestation was revoked';
  return contributionProblem(attestation.data, manifest, hash);
}

/** Whether attestation data is contribution data of exactly this manifest. */
function contributionProblem(data: string, manifest: Manifest, hash: string): string | null {
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

// ---- the submission: what it is -----------------------------------------------------------------

export type SubmissionInput = {
  request: ParsedRequest;
  /** The Datanet the manifest names, when the validator knows it. */
  datanet: StoredDatanet | undefined;
  /** Every accepted file, of every Datanet. */
  corpus: readonly CorpusItem[];
  /** What the contributor has used of a Datanet's quota today. */
  usage: (datanetId: string) => QuotaUsage;
  /** Why `datanet` is missing, when the validator knows better than "unknown" (a stale policy version). */
  datanetProblem?: VerdictReason;
  /** A shared Datanet's content hashes the registry already records as accepted, from anyone. */
  acceptedOnChain?: ReadonlySet<string>;
};

export type SubmissionJudgement = {
  reasons: VerdictReason[];
  /** The quality measures of each file judged on quality. */
  files: Verdict['files'];
  /** The features of each file that got that far, for the corpus if the submission is accepted. */
  features: Map<string, FileFeatures>;
};

/** Every reason to reject an authenticated submission (unsorted), with the measures of the files judged on quality. */
export function judgeSubmission(input: SubmissionInput): SubmissionJudgement {
  const { request, datanet } = input;
  const { manifest } = request;
  const reasons: VerdictReason[] = [];
  const features = new Map<string, FileFeatures>();
  const files: Verdict['files'] = [];
  reasons.push(...(datanet ? [] : input.datanetProblem ? [input.datanetProblem] : checkDatanetKnown(manifest, datanet)));
  reasons.push(...checkManifest(manifest));
  const delivery = checkDelivery(manifest, request.files);
  reasons.push(...delivery.reasons);
  if (!datanet) return { reasons, files, features };
  reasons.push(...checkQuota(manifest, datanet, input.usage(datanet.id)));

  const corpus = input.corpus.filter((c) => c.datanetId === datanet.id);
  const judging: FileJudging = {
    datanet,
    corpus,
    reference: relevanceReference(datanet, corpus),
    features,
    acceptedOnChain: input.acceptedOnChain ?? new Set(),
  };
  const seen = new Set<string>();
  for (const file of manifest.files) {
    const repeated = checkListedOnce(file, seen);
    if (repeated) {
      reasons.push(repeated);
      continue;
    }
    // A file that did not arrive intact was rejected by checkDelivery: there is nothing to judge.
    const content = delivery.intact.get(file.sha256);
    if (!content) continue;
    const judged = judgeFile(file, content, judging);
    reasons.push(...judged.reasons);
    if (judged.score) files.push(judged.score);
  }
  return { reasons, files, features };
}

function checkDatanetKnown(manifest: Manifest, datanet: StoredDatanet | undefined): VerdictReason[] {
  if (datanet) return [];
  return [
    {
      code: 'unknown_datanet',
      message: `this validator does not know Datanet ${manifest.datanetId}; register it or send its policy`,
    },
  ];
}

/** Totals and the Merkle root of the files listed. */
function checkManifest(manifest: Manifest): VerdictReason[] {
  return checkManifestConsistency(manifest).map((problem) => ({
    code: problem.kind === 'merkle_mismatch' ? 'merkle_mismatch' : 'invalid_manifest',
    message: problem.message,
  }));
}

/** Whether each listed file was sent with the bytes the manifest hashes, and nothing else was: only intact files are judged further. */
function checkDelivery(
  manifest: Manifest,
  sentFiles: ParsedRequest['files'],
): { reasons: VerdictReason[]; intact: Map<string, Uint8Array> } {
  const reasons: VerdictReason[] = [];
  const intact = new Map<string, Uint8Array>();
  const sent = new Map(sentFiles.map((f) => [f.sha256, f.contentBase64]));
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
  for (const file of sentFiles) {
    if (!listed.has(file.sha256)) {
      reasons.push({ code: 'tampered_file', message: 'a file was sent that the manifest does not list', sha256: file.sha256 });
    }
  }
  return { reasons, intact };
}

function checkQuota(manifest: Manifest, datanet: StoredDatanet, usage: QuotaUsage): VerdictReason[] {
  const quota = checkQuotaLimits(datanet.policy.quota, usage, {
    files: manifest.files.length,
    bytes: manifest.files.reduce((s, f) => s + f.bytes, 0),
  });
  return quota.reasons.map((reason) => ({ code: 'quota_exceeded', message: reason.message, details: { ...reason } }));
}

// ---- each file: its format, privacy and quality ---------------------------------------------------

type FileJudging = {
  datanet: StoredDatanet;
  /** The Datanet's accepted files. */
  corpus: readonly CorpusItem[];
  /** The direction relevance is measured against; null when the Datanet has neither description nor corpus. */
  reference: number[] | null;
  /** Features of this submission's files judged so far: a near-duplicate within one submission counts too. */
  features: Map<string, FileFeatures>;
  acceptedOnChain: ReadonlySet<string>;
};

/** The checks of one intact file, in order; a wrong format or an exact duplicate ends them. */
function judgeFile(
  file: ManifestFile,
  content: Uint8Array,
  judging: FileJudging,
): { reasons: VerdictReason[]; score?: Verdict['files'][number] } {
  const { policy } = judging.datanet;
  const format = checkFormat(file, content, policy);
  if (format) return { reasons: [format] };
  const reasons = [checkAnonymised(file, policy), checkDp(file, policy)].filter((r): r is VerdictReason => r !== null);
  const exact = checkExactDuplicate(file, judging.corpus, judging.acceptedOnChain);
  if (exact) return { reasons: [...reasons, exact] };
  const features = featuresOf(file, content);
  judging.features.set(file.sha256, features);
  const near = checkNearDuplicate(file, features, judging);
  if (near.reason) reasons.push(near.reason);
  const relevance = checkRelevance(file, features, judging);
  if (relevance.reason) reasons.push(relevance.reason);
  return { reasons, score: { sha256: file.sha256, bytes: file.bytes, relevance: relevance.value, novelty: near.novelty } };
}

function checkListedOnce(file: ManifestFile, seen: Set<string>): VerdictReason | null {
  if (seen.has(file.sha256)) {
    return { code: 'duplicate', message: 'the same file is listed twice', sha256: file.sha256, details: { kind: 'exact' } };
  }
  seen.add(file.sha256);
  return null;
}

function checkFormat(file: ManifestFile, content: Uint8Array, policy: Policy): VerdictReason | null {
  const problem = formatProblem(file.type, content, policy);
  return problem ? { code: 'wrong_format', message: problem, sha256: file.sha256, details: { type: file.type } } : null;
}

function checkAnonymised(file: ManifestFile, policy: Policy): VerdictReason | null {
  if (policy.anonymisation.required && file.anonymisationReportHash === null) {
    return {
      code: 'not_anonymised',
      message: 'this Datanet requires anonymisation and the file has no anonymisation report',
      sha256: file.sha256,
    };
  }
  return null;
}

function checkDp(file: ManifestFile, policy: Policy): VerdictReason | null {
  if (policy.dp.required && STRUCTURED_TYPES.includes(file.type) && file.dpParameters === null) {
    return {
      code: 'dp_missing',
      message: 'this Datanet requires differential privacy on structured data and the file has no DP parameters',
      sha256: file.sha256,
    };
  }
  return null;
}

function checkExactDuplicate(
  file: ManifestFile,
  corpus: readonly CorpusItem[],
  acceptedOnChain: ReadonlySet<string>,
): VerdictReason | null {
  const known = corpus.find((c) => c.sha256 === file.sha256);
  if (!known && acceptedOnChain.has(file.sha256)) {
    // The registry is the record across validators and machines: accepted there from anyone is taken.
    return {
      code: 'duplicate',
      message: 'these exact bytes are already accepted in this Datanet (recorded on chain)',
      sha256: file.sha256,
      details: { kind: 'exact', onchain: true },
    };
  }
  if (!known) return null;
  return {
    code: 'duplicate',
    message: 'these exact bytes are already accepted in this Datanet',
    sha256: file.sha256,
    details: { kind: 'exact', of: known.manifestHash },
  };
}

function featuresOf(file: ManifestFile, content: Uint8Array): FileFeatures {
  const text = textOf(file.type, content);
  const tokens = text === null ? [] : tokenize(text);
  return { tokens, minhash: minhash(tokens), embedding: embed(tokens) };
}

/** The closest text among the accepted ones and this submission's earlier files; novelty is 1 minus its similarity. */
function checkNearDuplicate(
  file: ManifestFile,
  features: FileFeatures,
  judging: FileJudging,
): { reason: VerdictReason | null; novelty: number | null } {
  const signature = features.minhash;
  if (!signature) return { reason: null, novelty: null };
  let closest: { similarity: number; sha256: string } | undefined;
  const others = [
    ...judging.corpus.flatMap((c) => (c.minhash ? [{ sha256: c.sha256, minhash: c.minhash }] : [])),
    ...[...judging.features.entries()].flatMap(([sha, f]) =>
      sha !== file.sha256 && f.minhash ? [{ sha256: sha, minhash: f.minhash }] : [],
    ),
  ];
  for (const other of others) {
    const similarity = jaccardEstimate(signature, other.minhash);
    if (!closest || similarity > closest.similarity) closest = { similarity, sha256: other.sha256 };
  }
  const novelty = closest ? 1 - closest.similarity : 1;
  if (closest && closest.similarity >= NEAR_DUPLICATE_JACCARD) {
    return {
      reason: {
        code: 'duplicate',
        message: `the text is a near-duplicate (MinHash Jaccard ${closest.similarity.toFixed(2)}) of ${closest.sha256}`,
        sha256: file.sha256,
        details: { kind: 'near', of: closest.sha256, similarity: closest.similarity },
      },
      novelty,
    };
  }
  return { reason: null, novelty };
}

function checkRelevance(
  file: ManifestFile,
  features: FileFeatures,
  judging: FileJudging,
): { reason: VerdictReason | null; value: number | null } {
  const { reference, datanet } = judging;
  const value = reference && features.tokens.length > 0 ? Math.min(1, Math.max(0, cosine(features.embedding, reference))) : null;
  if (value !== null && datanet.minRelevance > 0 && value < datanet.minRelevance) {
    return {
      reason: {
        code: 'low_relevance',
        message: `relevance ${value.toFixed(2)} is below this Datanet's minimum of ${datanet.minRelevance}`,
        sha256: file.sha256,
      },
      value,
    };
  }
  return { reason: null, value };
}

/** The Datanet's description and accepted corpus as one direction to measure relevance against. */
function relevanceReference(datanet: StoredDatanet, corpus: readonly CorpusItem[]): number[] | null {
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
