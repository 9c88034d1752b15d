import { z } from 'zod';
import { addressSchema, bytes32Schema, decimalStringSchema } from '../hex';
import { idSchema } from './datanets';
import { event, method } from './define';

/**
 * Rewards and standing: an index of the chain (the validator's verdict attestations about the
 * contributor, the rewards contract's per-file payouts and epochs) kept in PGlite, so every figure
 * here is served from the last indexed block, offline too. Amounts of $OPEN are decimal strings
 * of its smallest unit (18 decimals).
 */

export const freshnessSchema = z.object({
  /** Last block whose events are in the index (null: nothing indexed yet). */
  lastIndexedBlock: z.number().int().nullable(),
  /** That block's timestamp (ISO), the time the figures describe. */
  lastIndexedBlockTime: z.string().nullable(),
  /** When the index was last brought up to date (ISO). */
  syncedAt: z.string().nullable(),
  /** The chain head seen at that sync; blocks above head − confirmations wait. */
  headBlock: z.number().int().nullable(),
  confirmations: z.number().int().nonnegative(),
});
export type Freshness = z.infer<typeof freshnessSchema>;

export const syncResultSchema = z.object({
  fromBlock: z.number().int(),
  toBlock: z.number().int(),
  headBlock: z.number().int(),
  verdicts: z.number().int(),
  rewards: z.number().int(),
  epochs: z.number().int(),
  /** Set when indexed blocks were no longer on the chain: the index went back to `rolledBackTo` and re-read. */
  reorg: z.object({ rolledBackTo: z.number().int(), droppedBlocks: z.number().int() }).nullable(),
  freshness: freshnessSchema,
});
export type SyncResult = z.infer<typeof syncResultSchema>;

const rateSchema = z.number().min(0).max(1).nullable();

export const rewardsSummarySchema = z.object({
  /** null: no wallet yet. */
  address: addressSchema.nullable(),
  /** null: no network profile chosen. */
  network: z.object({ name: z.string(), chainId: z.number().int() }).nullable(),
  /** $OPEN held, from the token contract; `isLive` false when it is the last value read (offline). */
  balance: z.object({ amount: decimalStringSchema, isLive: z.boolean(), readAt: z.string() }).nullable(),
  /** Sum of FileRewarded amounts to the address in the index. */
  earned: decimalStringSchema,
  accepted: z.number().int(),
  rejected: z.number().int(),
  acceptanceRate: rateSchema,
  standing: z.number().int(),
  formulas: z.object({ acceptanceRate: z.string(), standing: z.string() }),
  paidFiles: z.number().int(),
  epochs: z.number().int(),
  decimals: z.number().int(),
  freshness: freshnessSchema,
});
export type RewardsSummary = z.infer<typeof rewardsSummarySchema>;

export const earningsSchema = z.object({
  /** $OPEN per UTC day of payout, with the running total. */
  overTime: z.array(z.object({ day: z.string(), amount: decimalStringSchema, cumulative: decimalStringSchema })),
  perDatanet: z.array(
    z.object({
      datanetKey: bytes32Schema,
      datanetId: z.string().nullable(),
      name: z.string().nullable(),
      amount: decimalStringSchema,
      files: z.number().int(),
    }),
  ),
});
export type Earnings = z.infer<typeof earningsSchema>;

export const trailPaymentSchema = z.object({
  epoch: z.number().int(),
  score: decimalStringSchema,
  amount: decimalStringSchema,
  txHash: bytes32Schema,
  blockNumber: z.number().int(),
  paidAt: z.string(),
});

/** One file's path: file → submission → verdict and reason → attribution score → $OPEN paid. */
export const trailRowSchema = z.object({
  /** sha256 of the submitted bytes, 0x-prefixed (the rewards contract's contentHash). */
  contentHash: bytes32Schema,
  itemId: z.string().nullable(),
  fileName: z.string().nullable(),
  datanetId: z.string().nullable(),
  datanetName: z.string().nullable(),
  submissionId: z.string().nullable(),
  manifestHash: bytes32Schema.nullable(),
  verdict: z
    .object({
      isAccepted: z.boolean(),
      reasonCode: z.string(),
      /** The validator's words for this file or submission, when the app kept them. */
      reason: z.string().nullable(),
      score: z.number().int(),
      attestationUid: bytes32Schema,
      at: z.string(),
    })
    .nullable(),
  /** Sum of the attribution scores over epochs. */
  score: decimalStringSchema,
  amount: decimalStringSchema,
  payments: z.array(trailPaymentSchema),
});
export type TrailRow = z.infer<typeof trailRowSchema>;

const projectedSchema = z.object({ acceptanceRate: rateSchema, standing: z.number() });

export const whatIfSchema = z.object({
  submissions: z.array(
    z.object({
      day: z.string(),
      files: z.number().int(),
      itemIds: z.array(z.string()),
      acceptanceProbability: z.number().min(0).max(1),
    }),
  ),
  /** Selected items the preflight refuses: they would not be sent, so they are left out of the plan. */
  excluded: z.array(z.object({ itemId: z.string(), name: z.string(), reasons: z.array(z.string()) })),
  current: z.object({ acceptanceRate: rateSchema, standing: z.number().int(), submissions: z.number().int() }),
  expected: projectedSchema,
  best: projectedSchema,
  worst: projectedSchema,
  newDays: z.array(z.string()),
  assumption: z.string(),
  formulas: z.object({ acceptanceRate: z.string(), standing: z.string() }),
});
export type WhatIf = z.infer<typeof whatIfSchema>;

const daySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

export const rewardsMethods = {
  'rewards.sync': method(
    z.object({}).strict(),
    syncResultSchema,
    'Index new verdicts and payouts up to head − confirmations (rolls back blocks a reorganisation replaced); progress as rewards.syncProgress.',
  ),
  'rewards.summary': method(
    z.object({ isBalanceLive: z.boolean().optional() }).strict(),
    rewardsSummarySchema,
    'Balance, earned, acceptance rate, standing with its formula, and how fresh the index is.',
  ),
  'rewards.earnings': method(z.object({}).strict(), earningsSchema, '$OPEN earned per UTC day and per Datanet, from the index.'),
  'rewards.trail': method(
    z.object({ datanetId: idSchema.optional() }).strict(),
    z.array(trailRowSchema),
    'Per file: submission, verdict and reason, attribution score and $OPEN paid.',
  ),
  'rewards.exportTrail': method(
    z.object({ datanetId: idSchema.optional() }).strict(),
    z.object({ fileName: z.string(), csv: z.string() }),
    'The trail as CSV, one line per payment (and one per file not paid yet).',
  ),
  'rewards.whatIf': method(
    z
      .object({
        datanetId: idSchema.optional(),
        /** Items to submit: planned across days within the quota, checked by preflight. */
        itemIds: z.array(idSchema).max(10_000).optional(),
        /** Or a batch described directly: submissions per UTC day. */
        planned: z
          .array(z.object({ day: daySchema, submissions: z.number().int().min(1).max(1000) }))
          .max(366)
          .optional(),
        /** Overrides the assumed chance that a ready submission is accepted. */
        acceptanceProbability: z.number().min(0).max(1).optional(),
      })
      .strict(),
    whatIfSchema,
    'Projected acceptance rate and standing after a planned batch (expected, best, worst).',
  ),
} as const;

export const rewardsEvents = {
  'rewards.syncProgress': event(
    z.object({ fromBlock: z.number().int(), toBlock: z.number().int(), currentBlock: z.number().int(), done: z.boolean() }),
    'Progress of a rewards sync, per chunk of blocks read.',
  ),
} as const;
