import { z } from 'zod';
import { method } from './define';
import { idSchema, policyChangeSchema } from './datanets';
import { appErrorDataSchema } from '../errors';
import { bytes32Schema } from '../hex';
import { policySchema } from '../policy';

/** A proposal id: the registry's uint256 counter, as a decimal string. */
export const proposalIdSchema = z.string().regex(/^[1-9][0-9]{0,77}$/, 'a proposal id (a positive whole number)');

/** The registry's proposal states, with `active` named as people read it. */
export const PROPOSAL_STATUSES = ['open', 'passed', 'failed', 'expired', 'executed'] as const;

export const proposalSchema = z.object({
  proposalId: proposalIdSchema,
  onchainId: bytes32Schema,
  /** The local Datanet that follows the proposal's Datanet. */
  datanetId: idSchema,
  proposer: z.string(),
  policyHash: bytes32Schema,
  baseVersion: z.number().int().positive(),
  /** Unix seconds: votes strictly before, execution at or after. */
  endsAt: z.number().int().nonnegative(),
  state: z.enum(PROPOSAL_STATUSES),
  yes: z.number().int().nonnegative(),
  no: z.number().int().nonnegative(),
  electorateWeight: z.number().int().nonnegative(),
  quorumWeight: z.number().int().nonnegative(),
  /** Whether the wallet voted on it; null without a wallet. */
  hasVoted: z.boolean().nullable(),
  /** The proposed policy (verified against its hash), or null when its document could not be had. */
  policy: policySchema.nullable(),
  /** Field by field against the Datanet's current policy; null with `policy`. */
  changes: z.array(policyChangeSchema).nullable(),
  documentError: appErrorDataSchema.nullable(),
});
export type Proposal = z.infer<typeof proposalSchema>;

export const governanceMethods = {
  'governance.propose': method(
    z.object({ datanetId: idSchema, policy: policySchema }).strict(),
    z.object({ proposalId: proposalIdSchema, endsAt: z.number().int(), policyHash: bytes32Schema, txHash: bytes32Schema }),
    'Propose a new policy for a shared Datanet (stores its document with the validator, then proposes on chain).',
  ),
  'governance.vote': method(
    z.object({ proposalId: proposalIdSchema, choice: z.enum(['yes', 'no']) }).strict(),
    z.object({
      proposalId: proposalIdSchema,
      yes: z.number().int(),
      no: z.number().int(),
      weight: z.number().int(),
      txHash: bytes32Schema,
    }),
    'Vote yes or no with the wallet; answers the tally after the vote.',
  ),
  'governance.execute': method(
    z.object({ proposalId: proposalIdSchema }).strict(),
    z.object({ proposalId: proposalIdSchema, passed: z.boolean(), policyVersion: z.number().int().positive(), txHash: bytes32Schema }),
    'Execute a passed proposal after its voting period: it becomes the next policy version.',
  ),
  'governance.list': method(
    z.object({ datanetId: idSchema }).strict(),
    z.array(proposalSchema),
    "A shared Datanet's proposals, oldest first, with tally, state and diff against the current policy.",
  ),
} as const;
