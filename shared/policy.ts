import { z } from 'zod';
import { FILE_TYPES, fileTypeSchema } from './file-types';
import { anonymisationPolicySchema, DEFAULT_POLICY } from './pii/operators';
import { DEFAULT_MIN_CONFIDENCE } from './pii/types';

/** Bytes in the policy's "MB": SI megabytes, as the published 10 MB/day limit is stated. */
export const MB = 1_000_000;
export const POLICY_SCHEMA_VERSION = 1;

export const DEFAULT_BYTES_PER_DAY = 10 * MB;
export const DEFAULT_FILES_PER_SUBMISSION = 20;
export const DEFAULT_MAX_FILE_BYTES = 10 * MB;

/**
 * A Datanet's policy. Versioned: every edit stores a new version so that a submission can name
 * the policy it was checked against. Limits are configurable per Datanet (docs/architecture.md, Product rules).
 */
export const policySchema = z
  .object({
    schemaVersion: z.literal(POLICY_SCHEMA_VERSION).default(POLICY_SCHEMA_VERSION),
    acceptedTypes: z
      .array(fileTypeSchema)
      .min(1, 'accept at least one file type')
      .refine((types) => new Set(types).size === types.length, 'file types must not repeat')
      .default([...FILE_TYPES]),
    maxFileBytes: z.number().int().positive().max(1_000_000_000).default(DEFAULT_MAX_FILE_BYTES),
    quota: z
      .object({
        bytesPerDay: z.number().int().positive().default(DEFAULT_BYTES_PER_DAY),
        filesPerSubmission: z.number().int().positive().max(1000).default(DEFAULT_FILES_PER_SUBMISSION),
        filesPerDay: z.number().int().positive().nullable().default(null),
      })
      .strict()
      .prefault({}),
    anonymisation: z
      .object({
        required: z.boolean().default(true),
        /** Detections below this confidence are neither shown nor applied (each item can change it). */
        minConfidence: z.number().min(0).max(1).default(DEFAULT_MIN_CONFIDENCE),
        /** Detections nobody decided on, at or above the threshold, at export: accepted (replaced) or a refusal to export. */
        pendingAtExport: z.enum(['accept', 'refuse']).default('accept'),
        /** Operator per entity type (placeholders unless set). */
        operators: anonymisationPolicySchema.default(DEFAULT_POLICY),
        /** k of the k-anonymity check on a table's quasi-identifiers: every group must have at least k rows. */
        k: z.number().int().min(1).max(10_000).default(5),
      })
      .strict()
      .prefault({}),
    // Review rooms: when the room's signed votes decide an item (docs/architecture.md, Product rules: review rooms). Only
    // valid votes count; the newest valid vote of each reviewer replaces that reviewer's older ones.
    review: z
      .object({
        /** Accept votes an item needs to be accepted. */
        minAccepts: z.number().int().min(1).max(100).default(2),
        /** Reject votes an item may have and still be accepted (0: any reject blocks acceptance). */
        maxRejects: z.number().int().min(0).max(100).default(0),
        /** Reject votes that reject the item. */
        minRejects: z.number().int().min(1).max(100).default(2),
      })
      .strict()
      .prefault({}),
    // Differential privacy for structured items (tables). Caps are on the total ε spent, composed
    // by the tightest valid accountant; null means no cap at that scope.
    dp: z
      .object({
        required: z.boolean().default(false),
        /** ε one application spends per record, offered as the default in the UI. */
        perRecordEpsilon: z.number().positive().nullable().default(null),
        /** δ one application may spend (Gaussian mechanisms); pure mechanisms spend 0. */
        delta: z.number().min(0).lt(1).nullable().default(null),
        /** Total ε any one dataset (the same original bytes) may spend in this Datanet. */
        totalEpsilonCap: z.number().positive().nullable().default(null),
        /** Total ε all datasets of this Datanet together may spend. */
        datanetEpsilonCap: z.number().positive().nullable().default(null),
        /** Total δ a scope may reach before it is refused. */
        totalDeltaCap: z.number().min(0).lt(1).default(1e-5),
      })
      .strict()
      .prefault({}),
    // Fee caps of the on-chain attestation: the RPC reports the fees, and a hostile or broken one
    // must not be able to drain the wallet. They only tighten the user's own caps (wallet settings).
    fees: z
      .object({
        /** Highest maxFeePerGas (gwei) a transaction for this Datanet may carry; null: the user's cap only. */
        maxFeePerGasGwei: z.number().positive().max(1_000_000).nullable().default(null),
        /** Highest gasLimit × maxFeePerGas (wei, decimal) one submission's share may cost; null: the user's cap only. */
        maxTotalWeiPerSubmission: z
          .string()
          .regex(/^[1-9][0-9]{0,30}$/, 'a positive whole number of wei')
          .nullable()
          .default(null),
      })
      .strict()
      .prefault({}),
    // Shared Datanets: whether items the validator accepted wait for a curator's approval (a
    // curator publishes the approved batch's Merkle root as the next Datanet version) before they
    // count as accepted on chain (devnet/README.md, Owner approval).
    curation: z
      .object({ ownerApproval: z.boolean().default(false) })
      .strict()
      .prefault({}),
    // Who may join and how the policy changes. The registry contract stores and enforces these
    // per policy version (shared/datanet-registry.ts maps them; devnet/README.md, Governance).
    governance: z
      .object({
        join: z.enum(['open', 'approval']).default('open'),
        /** `active-contributors`: reviewers and contributors with at least one accepted item. */
        electorate: z.enum(['members', 'active-contributors']).default('members'),
        weight: z.enum(['one-member-one-vote', 'accepted-contributions']).default('one-member-one-vote'),
        /** Share of the electorate's weight (at proposal time) that must vote, basis points. */
        quorumBps: z.number().int().min(0).max(10_000).default(2_000),
        /** Passes when yes weight is more than this share of the weight cast, basis points (5000: majority). */
        thresholdBps: z.number().int().min(0).max(9_999).default(5_000),
        votingPeriodSeconds: z
          .number()
          .int()
          .min(60)
          .max(365 * 24 * 3600)
          .default(3 * 24 * 3600),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

/** The default policy of a new Datanet. */
export function defaultPolicy(): Policy {
  return policySchema.parse({});
}

export const datanetFieldsSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'a Datanet needs a name')
    .max(120, 'a Datanet name has at most 120 characters')
    .refine((s) => !/\p{Cc}/u.test(s), 'a Datanet name cannot contain control characters'),
  domain: z.string().trim().max(120).default(''),
  description: z.string().max(10_000).default(''),
});

export const DATANET_EXPORT_FORMAT = 'datanet-desk.datanet';
export const DATANET_EXPORT_VERSION = 1;

/** The JSON document a Datanet is exported to and imported from. */
export const datanetExportSchema = z
  .object({
    format: z.literal(DATANET_EXPORT_FORMAT),
    version: z.literal(DATANET_EXPORT_VERSION),
    datanet: datanetFieldsSchema,
    policy: policySchema,
    policyVersion: z.number().int().positive().optional(),
    exportedAt: z.string().optional(),
  })
  .strict();

export type DatanetExport = z.infer<typeof datanetExportSchema>;
