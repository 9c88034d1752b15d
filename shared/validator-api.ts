import { z } from 'zod';
import {
  addressSchema,
  bytes32Schema,
  decimalStringSchema,
  hexBytesSchema,
  looseAddressSchema,
  signatureHexSchema,
  uintLikeSchema,
} from './hex';
import { manifestSchema } from './manifest';
import { policySchema } from './policy';

/**
 * The Datanet validator's HTTP JSON contract (the devnet implements it; a real network's
 * validator is expected to answer the same shapes). Requests and responses are validated with
 * these schemas on both sides.
 */

/**
 * Why a submission was rejected. Listed in priority order: a verdict's `reasonCode` is the first
 * of its reasons in this order, and every reason is listed in `reasons`.
 */
export const VERDICT_REASON_CODES = [
  'bad_signature', // the manifest's EIP-712 signature is not the contributor's
  'bad_attestation', // the contribution attestation is not the contributor's, or does not match the manifest
  'unknown_datanet', // the validator does not know the Datanet and the request carries no policy (or the chain has no such Datanet)
  'policy_outdated', // the manifest names a policy version of the shared Datanet that is not its current one on chain
  'not_member', // the contributor is not a member of the shared Datanet on chain
  'invalid_manifest', // totals do not add up
  'merkle_mismatch', // the files listed do not hash to the manifest's Merkle root
  'missing_file', // a file listed in the manifest was not sent
  'tampered_file', // a file's bytes do not hash to (or are not the size) the manifest says
  'quota_exceeded', // over the Datanet's quota for the contributor today (UTC)
  'wrong_format', // a type the policy does not accept, over its size limit, or not parseable as its type
  'not_anonymised', // the policy requires anonymisation and a file has no anonymisation report
  'dp_missing', // the policy requires DP on structured data and a structured file has no DP parameters
  'duplicate', // the same bytes (exact) or nearly the same text (MinHash) is already accepted or repeated
  'low_relevance', // below the Datanet's minimum relevance
] as const;
export const verdictReasonCodeSchema = z.enum(VERDICT_REASON_CODES);
export type VerdictReasonCode = z.infer<typeof verdictReasonCodeSchema>;

/** The `reasonCode` of an accepted verdict, on-chain and in responses. */
export const ACCEPTED_CODE = 'accepted';

export const verdictReasonSchema = z.object({
  code: verdictReasonCodeSchema,
  message: z.string(),
  /** The file concerned, when the reason is about one file. */
  sha256: bytes32Schema.optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type VerdictReason = z.infer<typeof verdictReasonSchema>;

/**
 * An EAS off-chain attestation as the SDK's shareable package `{sig, signer}`, after
 * JSON (bigints as decimal strings). Loose: the SDK may add fields; the validator checks what
 * it relies on and lets the SDK verify the rest.
 */
export const offchainAttestationPackageSchema = z.object({
  sig: z.looseObject({
    /** Older SDK packages carry the version only in `message` (and version 0 nowhere). */
    version: z.number().int().nonnegative().optional(),
    uid: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
    domain: z.looseObject({
      name: z.string(),
      version: z.string(),
      chainId: uintLikeSchema,
      verifyingContract: looseAddressSchema,
    }),
    primaryType: z.string(),
    types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
    message: z.looseObject({
      version: z.number().int().nonnegative().optional(),
      schema: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
      recipient: looseAddressSchema,
      time: uintLikeSchema,
      expirationTime: uintLikeSchema,
      revocable: z.boolean(),
      refUID: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
      data: hexBytesSchema,
      salt: z
        .string()
        .regex(/^0x[0-9a-fA-F]{64}$/)
        .optional(),
    }),
    signature: z.object({ v: z.number().int(), r: hexBytesSchema, s: hexBytesSchema }),
  }),
  signer: looseAddressSchema,
});
export type OffchainAttestationPackage = z.input<typeof offchainAttestationPackageSchema>;

/** The off-chain attestation format version of a package (0, 1 or 2). */
export function offchainVersionOf(pkg: z.infer<typeof offchainAttestationPackageSchema>): number {
  return pkg.sig.version ?? pkg.sig.message.version ?? 0;
}

/** A Datanet as the validator knows it: its policy, and what it is about (for relevance). */
export const datanetRegistrationSchema = z
  .object({
    id: z.string().min(1).max(100),
    name: z.string().max(120).default(''),
    description: z.string().max(10_000).default(''),
    policy: policySchema,
    /** Relevance (0..1) below which a file is rejected as `low_relevance`; 0 never rejects. */
    minRelevance: z.number().min(0).max(1).default(0),
  })
  .strict();
export type DatanetRegistration = z.infer<typeof datanetRegistrationSchema>;
export type DatanetRegistrationInput = z.input<typeof datanetRegistrationSchema>;

export const submissionFileSchema = z
  .object({
    sha256: bytes32Schema,
    /** The anonymised bytes, base64. Raw files never leave the device; these are what was reviewed. */
    contentBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  })
  .strict();

export const submissionRequestSchema = z
  .object({
    manifest: manifestSchema,
    /** The contributor's EIP-712 signature of the manifest. */
    signature: signatureHexSchema,
    offchainAttestation: offchainAttestationPackageSchema,
    /** The on-chain contribution attestation, when the app has made one; becomes the verdict's refUID. */
    onchainUid: bytes32Schema.optional(),
    files: z.array(submissionFileSchema).max(1000),
    /**
     * The Datanet as the app knows it. Used only when the validator has not registered this
     * Datanet yet (a devnet convenience: a real network's Datanets are registered by their
     * governance, and a policy sent by a contributor would be ignored).
     */
    datanet: datanetRegistrationSchema.omit({ id: true }).optional(),
  })
  .strict();
export type SubmissionRequest = z.input<typeof submissionRequestSchema>;

export const verdictFileSchema = z.object({
  sha256: bytes32Schema,
  bytes: z.number().int().nonnegative(),
  /** 0..1, null when the file has no text to compare (PDF, DOCX) or the Datanet nothing to compare to. */
  relevance: z.number().min(0).max(1).nullable(),
  /** 1 minus the highest MinHash Jaccard similarity to accepted text; null without text. */
  novelty: z.number().min(0).max(1).nullable(),
});

export const attestationRecordSchema = z.object({
  /** `attested`: on-chain; `pending`: to be retried; `not_recorded`: the submission was not attributable. */
  status: z.enum(['attested', 'pending', 'not_recorded']),
  uid: bytes32Schema.nullable(),
  txHash: bytes32Schema.nullable(),
  gasUsed: decimalStringSchema.nullable(),
});

export const verdictSchema = z.object({
  manifestHash: bytes32Schema,
  datanetId: z.string(),
  contributor: addressSchema,
  /** The manifest's files and bytes: what the submission counts for quota when it counts. */
  fileCount: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative(),
  status: z.enum(['accepted', 'rejected']),
  /** `accepted`, or the first reason's code in {@link VERDICT_REASON_CODES} order. */
  reasonCode: z.union([z.literal(ACCEPTED_CODE), verdictReasonCodeSchema]),
  reasons: z.array(verdictReasonSchema),
  /** 0..100; 0 when rejected. */
  score: z.number().int().min(0).max(100),
  /** Quality measures of each file that was judged on quality (intact, well-formed). */
  files: z.array(verdictFileSchema),
  offchainUid: bytes32Schema,
  onchainContributionUid: bytes32Schema.nullable(),
  /** The verdict attestation's refUID: the on-chain contribution UID, or zero when there is none. */
  refUID: bytes32Schema,
  attestation: attestationRecordSchema,
  /**
   * A shared Datanet's (version 2 manifest) side on chain: the policy version judged against,
   * whether the accepted items wait for a curator (`held`) or are approved, and the
   * DatanetRegistry.recordAccepted transaction that recorded them. Absent for a draft's manifest.
   */
  registry: z
    .object({
      onchainId: bytes32Schema,
      policyVersion: z.number().int().positive(),
      /** `none`: the policy needs no curator approval; `held`: accepted by the validator, waiting for a curator. */
      approval: z.enum(['none', 'held', 'approved']),
      /** `pending`: to be recorded (or retried); `recorded`: on chain; `not_recorded`: rejected or held. */
      record: z.enum(['pending', 'recorded', 'not_recorded']),
      txHash: bytes32Schema.nullable(),
      /** The Datanet version (DatanetRegistry.publishVersion) whose batch approved the items. */
      datanetVersion: z.number().int().positive().nullable(),
    })
    .optional(),
  receivedAt: z.iso.datetime(),
  /** The UTC day the submission counts on for quota. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** Whether the submission counts toward the day's quota. */
  countsTowardQuota: z.boolean(),
});
export type Verdict = z.infer<typeof verdictSchema>;

export const contributorStatsSchema = z.object({
  address: addressSchema,
  submissions: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  acceptanceRate: z.number().min(0).max(1).nullable(),
  standing: z.number().int().nonnegative(),
  acceptedFiles: z.number().int().nonnegative(),
  acceptedBytes: z.number().int().nonnegative(),
  /** $OPEN paid by reward epochs, smallest unit, decimal. */
  earned: decimalStringSchema,
  /** Quota used on the current UTC day, per Datanet. */
  today: z.array(z.object({ datanetId: z.string(), day: z.string(), bytes: z.number(), files: z.number() })),
});
export type ContributorStats = z.infer<typeof contributorStatsSchema>;

export const epochFileSchema = z.object({
  datanetId: z.string(),
  datanetKey: bytes32Schema,
  contributor: addressSchema,
  sha256: bytes32Schema,
  score: z.number().int().nonnegative(),
  amount: decimalStringSchema,
});

export const epochResultSchema = z.object({
  epoch: z.number().int().positive(),
  seed: z.string(),
  queries: z.number().int().nonnegative(),
  budget: decimalStringSchema,
  totalScore: z.number().int().nonnegative(),
  totalPaid: decimalStringSchema,
  txHash: bytes32Schema,
  gasUsed: decimalStringSchema,
  blockNumber: z.number().int().nonnegative(),
  files: z.array(epochFileSchema),
  paidAt: z.iso.datetime(),
});
export type EpochResult = z.infer<typeof epochResultSchema>;

export const faucetRequestSchema = z.object({
  address: looseAddressSchema,
  /** Wei, decimal; at most 100 ether. Defaults to 10 ether. */
  amount: decimalStringSchema.optional(),
});
export const faucetResultSchema = z.object({ address: addressSchema, amount: decimalStringSchema, txHash: bytes32Schema });

export const healthSchema = z.object({
  ok: z.literal(true),
  chainId: z.number().int(),
  blockNumber: z.number().int(),
  validatorAddress: addressSchema,
  datanets: z.number().int(),
  submissions: z.number().int(),
  epochs: z.number().int(),
});

/** The body of every error response: `{error: {code, message, details?}}` with an AppError code. */
export const errorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

/** `POST /datanets/<onchainId>/approve`: a batch a curator published with DatanetRegistry.publishVersion. */
export const approvalRequestSchema = z
  .object({
    /** The Datanet version whose Merkle root (versionRoot) is the root of `items`. */
    version: z.number().int().positive(),
    /** The held items' sha256, in the order their Merkle root was computed. */
    items: z.array(bytes32Schema).min(1).max(10_000),
  })
  .strict();

export const heldItemSchema = z.object({ sha256: bytes32Schema, contributor: addressSchema, manifestHash: bytes32Schema });

/** `GET /datanets/<onchainId>/held`: what waits for a curator, and the root to publish for approving all of it. */
export const heldBatchSchema = z.object({
  onchainId: bytes32Schema,
  items: z.array(heldItemSchema),
  merkleRoot: bytes32Schema.nullable(),
});
export type HeldBatch = z.infer<typeof heldBatchSchema>;

export const approvalResultSchema = z.object({
  onchainId: bytes32Schema,
  version: z.number().int().positive(),
  approved: z.number().int().nonnegative(),
  txHashes: z.array(bytes32Schema),
});
export type ApprovalResult = z.infer<typeof approvalResultSchema>;
