import { z } from 'zod';
import { method } from './define';
import { idSchema } from './datanets';
import { appliedDpParametersSchema, columnDpConfigSchema, dpBudgetSchema } from '../dp/column-config';

export const budgetStatusSchema = z.object({
  scope: z.enum(['dataset', 'datanet', 'contributor']),
  epsilonCap: z.number().nullable(),
  deltaCap: z.number(),
  spent: z.object({ epsilon: z.number(), delta: z.number(), accountant: z.string(), basicEpsilon: z.number() }),
  remainingEpsilon: z.number().nullable(),
  entries: z.number().int(),
});
export type BudgetStatusData = z.infer<typeof budgetStatusSchema>;

export const ledgerEntrySchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  contributor: z.string(),
  datanetId: z.string(),
  datasetSha256: z.string(),
  itemId: z.string(),
  versionId: z.string().nullable(),
  operation: z.string(),
  mechanism: z.string(),
  epsilon: z.number(),
  delta: z.number(),
  rho: z.number().nullable(),
});

const columnEstimateSchema = z.object({
  column: z.string(),
  treatment: z.string(),
  mechanism: z.string().nullable(),
  epsilon: z.number(),
  delta: z.number(),
  expectedAbsoluteError: z.number().optional(),
  standardDeviation: z.number().optional(),
  probabilityOfTruth: z.number().optional(),
  probabilityOfEachOther: z.number().optional(),
});

const applyInput = z.object({ itemId: idSchema, columns: z.array(columnDpConfigSchema).max(1000), budget: dpBudgetSchema }).strict();

export const dpMethods = {
  'dp.preview': method(
    applyInput,
    z.object({ columns: z.array(columnEstimateSchema), budgetAfter: z.array(budgetStatusSchema), isWithinBudget: z.boolean() }),
    'Expected error per column and the budget left if this were applied; nothing is spent.',
  ),
  'dp.apply': method(
    applyInput,
    z.object({
      versionId: z.string(),
      applied: appliedDpParametersSchema,
      /** Aggregates estimated from the noised records (post-processing: no further budget). */
      summary: z.array(
        z.union([
          z.object({
            column: z.string(),
            kind: z.literal('numeric'),
            count: z.number(),
            sum: z.number(),
            mean: z.number(),
            standardError: z.number().nullable(),
          }),
          z.object({ column: z.string(), kind: z.literal('categorical'), count: z.number(), histogram: z.record(z.string(), z.number()) }),
        ]),
      ),
      budget: z.array(budgetStatusSchema),
    }),
    'Adds noise to a table item as a new version, spending budget; refused past a cap with budget_exhausted.',
  ),
  'dp.budget': method(
    z.object({ itemId: idSchema }).strict(),
    z.object({ status: z.array(budgetStatusSchema), entries: z.array(ledgerEntrySchema) }),
    'Budget spent and left for an item’s dataset, its Datanet and the contributor, with the ledger entries.',
  ),
  'dp.ledger': method(z.object({ datanetId: idSchema.optional() }).strict(), z.array(ledgerEntrySchema), 'Ledger entries, newest first.'),
  'dp.contributorCap': method(
    z.object({}).strict(),
    z.object({ epsilonCap: z.number().nullable() }),
    'The overall ε cap of this contributor across every Datanet (null: none).',
  ),
  'dp.setContributorCap': method(
    z.object({ epsilonCap: z.number().positive().nullable() }).strict(),
    z.object({ epsilonCap: z.number().nullable() }),
    'Sets the overall ε cap of this contributor across every Datanet (null: none).',
  ),
} as const;
