import { z } from 'zod';
import { errorCodeSchema } from '../errors';
import { fileTypeSchema } from '../file-types';
import { addressSchema, bytes32Schema, decimalStringSchema } from '../hex';
import { manifestSchema } from '../manifest';
import { QUOTA_LIMITS } from '../quota';
import { verdictReasonSchema } from '../validator-api';
import { idSchema } from './datanets';
import { event, method } from './define';

/**
 * Submissions: quota, preflight, the signing prompt's content, the durable queue and the
 * validator's verdicts. A submission is idempotent by manifest hash and moves through
 * {@link SUBMISSION_STATUSES} in order (a failed transaction sends it back to attested_offchain).
 */
export const SUBMISSION_STATUSES = ['queued', 'signed', 'attested_offchain', 'sent', 'attested_onchain', 'accepted', 'rejected'] as const;
export const submissionStatusSchema = z.enum(SUBMISSION_STATUSES);
export type SubmissionStatus = z.infer<typeof submissionStatusSchema>;

/** Why an item cannot be submitted yet; each failing item lists every reason that applies. */
export const PREFLIGHT_REASON_CODES = [
  'not_found', // the item no longer exists
  'other_datanet', // the item belongs to another Datanet
  'listed_twice', // the same item or the same content is selected twice
  'not_anonymised', // the policy requires anonymisation and the item has no anonymised version
  'original_not_shared', // the policy allows originals, but the contributor has not consented to send this one
  'dp_missing', // the policy requires DP on tables and the table has no DP version
  'wrong_format', // the content to submit breaks the policy's format rules (type, size, parse)
  'missing_content', // the stored content to submit is gone
  'blocked_duplicate', // the duplicate checker (embeddings) blocks it
  'already_submitted', // the same content is in a submission that is pending or accepted
] as const;
export const preflightReasonCodeSchema = z.enum(PREFLIGHT_REASON_CODES);

export const preflightReasonSchema = z.object({ code: preflightReasonCodeSchema, message: z.string() });
export type PreflightReason = z.infer<typeof preflightReasonSchema>;

/** What of an item would be submitted: its current version's content, or the original. */
export const submissionFileSchema = z.object({
  itemId: idSchema,
  name: z.string(),
  versionId: z.string().nullable(),
  sha256: bytes32Schema,
  bytes: z.number().int().nonnegative(),
  type: fileTypeSchema,
  isAnonymised: z.boolean(),
  hasDp: z.boolean(),
});
export type SubmissionFile = z.infer<typeof submissionFileSchema>;

export const quotaStatusSchema = z.object({
  datanetId: idSchema,
  contributor: addressSchema.nullable(),
  /** The UTC day the figures are for (`YYYY-MM-DD`). */
  day: z.string(),
  /** ISO time at which the day's quota resets (00:00 UTC). */
  resetsAt: z.string(),
  bytesPerDay: z.number().int(),
  filesPerDay: z.number().int().nullable(),
  filesPerSubmission: z.number().int(),
  usedBytes: z.number().int().nonnegative(),
  usedFiles: z.number().int().nonnegative(),
  bytesLeft: z.number().int().nonnegative(),
  /** null when the policy sets no per-day file limit. */
  filesLeft: z.number().int().nonnegative().nullable(),
});
export type QuotaStatus = z.infer<typeof quotaStatusSchema>;

export const quotaReasonSchema = z.object({
  limit: z.enum(QUOTA_LIMITS),
  max: z.number(),
  used: z.number(),
  requested: z.number(),
  message: z.string(),
});

export const batchPlanSchema = z.object({
  batches: z.array(z.object({ day: z.string(), itemIds: z.array(idSchema), bytes: z.number().int() })),
  unplannable: z.array(z.object({ id: idSchema, bytes: z.number().int(), limit: z.enum(QUOTA_LIMITS), message: z.string() })),
});

export const preflightSchema = z.object({
  datanetId: idSchema,
  isReady: z.boolean(),
  items: z.array(
    z.object({
      itemId: idSchema,
      name: z.string(),
      isReady: z.boolean(),
      reasons: z.array(preflightReasonSchema),
      file: submissionFileSchema.nullable(),
    }),
  ),
  totals: z.object({ files: z.number().int(), bytes: z.number().int() }),
  quota: z.object({ ok: z.boolean(), reasons: z.array(quotaReasonSchema) }),
  quotaStatus: quotaStatusSchema,
});
export type Preflight = z.infer<typeof preflightSchema>;

const signingFieldSchema = z.object({ label: z.string(), value: z.string() });

/**
 * What the contributor is asked to sign, in words and fields: the EIP-712 manifest, the EAS
 * off-chain attestation, and (when online) the on-chain attestation transaction.
 */
export const signingPromptSchema = z.object({
  summary: z.array(z.string()),
  network: z.object({ name: z.string(), chainId: z.number().int() }),
  signer: addressSchema,
  manifest: z.object({
    domain: z.array(signingFieldSchema),
    fields: z.array(signingFieldSchema),
    files: z.array(z.array(signingFieldSchema)),
  }),
  attestation: z.object({ fields: z.array(signingFieldSchema) }),
  transaction: z.object({ fields: z.array(signingFieldSchema) }),
  /** The fee estimate (the RPC's figures now, when reachable) and the caps the transaction is held to. */
  fees: z.object({ fields: z.array(signingFieldSchema) }),
});
export type SigningPrompt = z.infer<typeof signingPromptSchema>;

/** Fees of the on-chain attestation as known when preparing: wei, decimal strings; null where unknown. */
export const feeEstimateSchema = z.object({
  maxFeePerGasWei: decimalStringSchema.nullable(),
  gasLimit: decimalStringSchema.nullable(),
  /** gasLimit × maxFeePerGas: the most this submission's attestation would cost at today's fees. */
  maxTotalWei: decimalStringSchema.nullable(),
  capMaxFeePerGasWei: decimalStringSchema.nullable(),
  capMaxTotalWeiPerSubmission: decimalStringSchema.nullable(),
  /** false: at today's fees the attestation would wait (fee_cap_exceeded); null: fees unknown (offline). */
  isWithinCaps: z.boolean().nullable(),
});
export type FeeEstimate = z.infer<typeof feeEstimateSchema>;

export const preparedSubmissionSchema = z.object({
  /** The signing request this prompt registered with the host: submitting must name it. */
  requestId: z.uuid(),
  /** When the request lapses (ISO); submitting after it needs a fresh prepare. */
  expiresAt: z.string(),
  fees: feeEstimateSchema,
  datanetId: idSchema,
  itemIds: z.array(idSchema),
  createdAt: z.string(),
  manifest: manifestSchema,
  manifestHash: bytes32Schema,
  prompt: signingPromptSchema,
  /** Set when the same files are already in a pending or accepted submission: submitting returns it. */
  existingSubmissionId: z.string().nullable(),
});
export type PreparedSubmission = z.infer<typeof preparedSubmissionSchema>;

export const verdictSummarySchema = z.object({
  status: z.enum(['accepted', 'rejected']),
  reasonCode: z.string(),
  score: z.number().int(),
  reasons: z.array(verdictReasonSchema),
  attestationUid: bytes32Schema.nullable(),
  attestationTxHash: bytes32Schema.nullable(),
  receivedAt: z.string(),
  day: z.string(),
  countsTowardQuota: z.boolean(),
});

export const submissionSchema = z.object({
  id: z.string(),
  datanetId: idSchema,
  contributor: addressSchema,
  manifestHash: bytes32Schema,
  merkleRoot: bytes32Schema,
  status: submissionStatusSchema,
  fileCount: z.number().int(),
  totalBytes: z.number().int(),
  files: z.array(z.object({ itemId: z.string(), name: z.string(), sha256: bytes32Schema, bytes: z.number().int(), type: fileTypeSchema })),
  network: z.object({ name: z.string(), chainId: z.number().int() }),
  offchainUid: bytes32Schema.nullable(),
  onchainUid: bytes32Schema.nullable(),
  txHash: bytes32Schema.nullable(),
  /** Gas of the transaction that attested this submission (shared with the others in its batch). */
  gasUsed: decimalStringSchema.nullable(),
  /** How many submissions the on-chain transaction attested together. */
  batchSize: z.number().int().nullable(),
  /** True when it went to the validator with its off-chain attestation only (no funds, no faucet). */
  isOnchainSkipped: z.boolean(),
  verdict: verdictSummarySchema.nullable(),
  /** Why it was rejected (the validator's reasons, or the app's when it could not be sent). */
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  /** Why it is waiting, when it is: the last failed attempt. */
  lastError: z.object({ code: errorCodeSchema, message: z.string() }).nullable(),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Submission = z.infer<typeof submissionSchema>;

const selectionSchema = z.object({ datanetId: idSchema, itemIds: z.array(idSchema).min(1).max(10_000) }).strict();

export const submissionMethods = {
  'submissions.quota': method(
    z.object({ datanetId: idSchema }).strict(),
    quotaStatusSchema,
    "What is left of today's quota (UTC day) for the wallet in a Datanet, and when it resets.",
  ),
  'submissions.plan': method(
    selectionSchema,
    batchPlanSchema.extend({ quotaStatus: quotaStatusSchema }),
    'Split a selection into submissions across UTC days within the quota.',
  ),
  'submissions.preflight': method(
    selectionSchema,
    preflightSchema,
    'Check each selected item against the policy, with every reason it fails.',
  ),
  'submissions.prepare': method(
    selectionSchema,
    preparedSubmissionSchema,
    'Build the manifest, describe what will be signed and register the signing request; refuses (quota_exceeded, invalid_input) before anything is signed.',
  ),
  'submissions.submit': method(
    z.object({ requestId: z.uuid(), manifestHash: bytes32Schema }).strict(),
    submissionSchema,
    'Sign what submissions.prepare showed (its request id and manifest hash; consent_required otherwise) and queue the submission.',
  ),
  'submissions.list': method(
    z.object({ datanetId: idSchema.optional() }).strict(),
    z.array(submissionSchema),
    'Submissions, newest first, with status and verdict.',
  ),
  'submissions.get': method(z.object({ id: z.string().min(1).max(100) }).strict(), submissionSchema, 'One submission.'),
  'submissions.retry': method(
    z.object({ id: z.string().min(1).max(100).optional() }).strict(),
    z.object({ queued: z.number().int() }),
    'Try waiting submissions again now instead of at their next scheduled attempt.',
  ),
  'submissions.verifyAttestation': method(
    z.object({ json: z.string().min(2).max(1_000_000) }).strict(),
    z.object({ valid: z.boolean(), signer: z.string().nullable(), uid: z.string().nullable() }),
    'Verify an EAS off-chain attestation package {sig, signer} with the EAS SDK.',
  ),
  'submissions.attestation': method(
    z.object({ id: z.string().min(1).max(100) }).strict(),
    z.object({ json: z.string() }),
    "A submission's off-chain attestation as the EAS shareable package JSON.",
  ),
} as const;

export const submissionEvents = {
  'submissions.changed': event(
    z.object({ id: z.string(), datanetId: idSchema, status: submissionStatusSchema }),
    'A submission moved to another status or was retried.',
  ),
} as const;
