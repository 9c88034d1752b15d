import { z } from 'zod';
import { AppError } from '../errors';
import {
  applyGaussian,
  applyLaplace,
  applyRandomizedResponse,
  discreteLaplaceExpectedAbs,
  discreteLaplaceVariance,
  planGaussian,
  planLaplace,
  planRandomizedResponse,
  type GaussianPlan,
  type LaplacePlan,
  type RandomizedResponsePlan,
} from './mechanisms';
import type { RandomSource } from './random';

/*
 * Per-column local differential privacy for a table (CSV, JSONL rows).
 *
 * Model: each row is one person's record and the contributor releases every row after noise, so
 * the guarantee is per record — two records differing in any values are (ε, δ)-indistinguishable,
 * where ε = Σ column εᵢ and δ = Σ column δᵢ (basic composition over the columns of a row,
 * Dwork & Roth 2014, Thm 3.16). Rows belonging to different people compose in parallel. If one
 * person owns several rows, their guarantee is the composition over those rows.
 */

export const DP_TREATMENTS = ['ignore', 'numeric', 'integer', 'categorical'] as const;
export const DP_MECHANISMS = ['laplace', 'gaussian', 'discrete-laplace', 'randomized-response'] as const;
export const APPLIED_DP_SCHEMA_VERSION = 1;
/** Share sums above 1 by less than this are float noise from adding decimal shares (0.1 + 0.2 …). */
const SHARE_SUM_TOLERANCE = 1e-9;

export type DpTreatment = (typeof DP_TREATMENTS)[number];
export type DpMechanism = (typeof DP_MECHANISMS)[number];

const ALLOWED_MECHANISMS: Record<Exclude<DpTreatment, 'ignore'>, readonly DpMechanism[]> = {
  numeric: ['laplace', 'gaussian'],
  integer: ['discrete-laplace', 'gaussian'],
  categorical: ['randomized-response'],
};

/** One column's DP configuration. `mechanism` and `epsilonShare` are disregarded for `ignore`. */
export const columnDpConfigSchema = z
  .object({
    column: z.string().min(1, 'name the column'),
    treatment: z.enum(DP_TREATMENTS),
    lower: z.number().finite().optional(),
    upper: z.number().finite().optional(),
    domain: z.array(z.string()).optional(),
    mechanism: z.enum(DP_MECHANISMS).optional(),
    epsilonShare: z.number().min(0).max(1),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.treatment === 'ignore') return;
    const allowed = ALLOWED_MECHANISMS[config.treatment];
    if (config.mechanism === undefined || !allowed.includes(config.mechanism)) {
      context.addIssue({
        code: 'custom',
        path: ['mechanism'],
        message: `a ${config.treatment} column needs one of: ${allowed.join(', ')}`,
      });
    }
    if (!(config.epsilonShare > 0)) {
      context.addIssue({ code: 'custom', path: ['epsilonShare'], message: 'give the column a share of ε above 0' });
    }
    if (config.treatment === 'categorical') {
      const domain = config.domain ?? [];
      if (domain.length < 2) {
        context.addIssue({ code: 'custom', path: ['domain'], message: 'a categorical column needs at least 2 values in its domain' });
      } else if (new Set(domain).size !== domain.length) {
        context.addIssue({ code: 'custom', path: ['domain'], message: 'the domain must not repeat values' });
      }
      return;
    }
    if (config.lower === undefined || config.upper === undefined) {
      context.addIssue({ code: 'custom', path: ['lower'], message: `a ${config.treatment} column needs lower and upper bounds` });
      return;
    }
    if (!(config.lower < config.upper)) {
      context.addIssue({ code: 'custom', path: ['upper'], message: 'the upper bound must be above the lower bound' });
    }
    if (config.treatment === 'integer' && (!Number.isSafeInteger(config.lower) || !Number.isSafeInteger(config.upper))) {
      context.addIssue({ code: 'custom', path: ['lower'], message: 'an integer column needs integer bounds' });
    }
  });

export type ColumnDpConfig = z.infer<typeof columnDpConfigSchema>;

/** A table's configuration: one entry per configured column, shares of ε summing to at most 1. */
export const tableDpConfigSchema = z.array(columnDpConfigSchema).superRefine((configs, context) => {
  const seen = new Set<string>();
  for (const config of configs) {
    if (seen.has(config.column)) {
      context.addIssue({ code: 'custom', message: `column "${config.column}" is configured twice` });
    }
    seen.add(config.column);
  }
  const shareSum = configs.reduce((total, config) => total + (config.treatment === 'ignore' ? 0 : config.epsilonShare), 0);
  if (shareSum > 1 + SHARE_SUM_TOLERANCE) {
    context.addIssue({ code: 'custom', message: `the ε shares add up to ${shareSum}; they must add up to at most 1` });
  }
});

/** The privacy budget one application of DP may spend per record. */
export const dpBudgetSchema = z
  .object({
    epsilon: z.number().positive().finite(),
    delta: z.number().min(0).lt(1),
  })
  .strict();

export type DpBudget = z.infer<typeof dpBudgetSchema>;

/** What was applied to one column: enough to state and re-verify the guarantee in a manifest. */
export const appliedColumnDpSchema = z
  .object({
    column: z.string(),
    treatment: z.enum(['numeric', 'integer', 'categorical']),
    mechanism: z.enum(DP_MECHANISMS),
    /** ε actually achieved (never above the column's allocation). */
    epsilon: z.number().nonnegative(),
    delta: z.number().min(0).max(1),
    rho: z.number().nonnegative().optional(),
    lower: z.number().optional(),
    upper: z.number().optional(),
    domain: z.array(z.string()).optional(),
    /** Values were mapped to the integer levels 0…gridLevels (step (upper − lower)/gridLevels) before noise. */
    gridLevels: z.number().int().positive().optional(),
    /** Laplace / discrete Laplace scale in value units. */
    scale: z.number().positive().optional(),
    sigma: z.number().positive().optional(),
    pTruth: z.number().min(0).max(1).optional(),
    pOther: z.number().min(0).max(1).optional(),
    sampler: z.enum(['discrete-laplace-exact', 'discrete-gaussian-exact', 'randomized-response-exact']),
    /** How cells that are empty or unparsable were handled (before noise, so missingness stays private). */
    missingValues: z.enum(['midpoint-before-noise', 'uniform-over-domain']),
  })
  .strict();

export type AppliedColumnDp = z.infer<typeof appliedColumnDpSchema>;

/** The applied-parameters record stored with a version and carried into the submission manifest. */
export const appliedDpParametersSchema = z
  .object({
    schemaVersion: z.literal(APPLIED_DP_SCHEMA_VERSION),
    model: z.literal('local-per-record'),
    composition: z.literal('basic'),
    randomness: z.enum(['csprng', 'seeded-test-only']),
    budget: dpBudgetSchema,
    totalEpsilon: z.number().nonnegative(),
    totalDelta: z.number().min(0).max(1),
    rowCount: z.number().int().nonnegative(),
    columns: z.array(appliedColumnDpSchema),
    /** Columns copied unchanged (treatment `ignore`, or not configured). */
    unchangedColumns: z.array(z.string()),
  })
  .strict();

export type AppliedDpParameters = z.infer<typeof appliedDpParametersSchema>;

/** The expected effect of DP on one column, for a preview before applying. */
export type ColumnErrorEstimate = {
  readonly column: string;
  readonly treatment: DpTreatment;
  readonly mechanism: DpMechanism | null;
  readonly epsilon: number;
  readonly delta: number;
  /** E|noise| in value units (numeric and integer columns). */
  readonly expectedAbsoluteError?: number;
  /** Standard deviation of the noise in value units (numeric and integer columns). */
  readonly standardDeviation?: number;
  /** Probability a categorical value is reported truthfully. */
  readonly probabilityOfTruth?: number;
  /** Probability of reporting one particular other category. */
  readonly probabilityOfEachOther?: number;
};

function invalidFromZod(error: z.ZodError, what: string): never {
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? ` (${first.path.join('.')})` : '';
  throw new AppError('invalid_input', `Invalid ${what}${where}: ${first?.message ?? 'invalid value'}`, {
    issues: error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
  });
}

function parseConfigs(configs: unknown): ColumnDpConfig[] {
  const parsed = tableDpConfigSchema.safeParse(configs);
  if (!parsed.success) invalidFromZod(parsed.error, 'DP column configuration');
  return parsed.data;
}

function parseBudget(budget: unknown): DpBudget {
  const parsed = dpBudgetSchema.safeParse(budget);
  if (!parsed.success) invalidFromZod(parsed.error, 'privacy budget');
  return parsed.data;
}

type ColumnPlan = LaplacePlan | GaussianPlan | RandomizedResponsePlan;

/** Calibrates one configured (non-ignored) column for its own (ε, δ). */
function planColumn(config: ColumnDpConfig, epsilon: number, delta: number): ColumnPlan {
  const lower = config.lower ?? 0;
  const upper = config.upper ?? 0;
  switch (config.mechanism) {
    case 'laplace':
    case 'discrete-laplace':
      return planLaplace(lower, upper, epsilon, config.treatment === 'integer');
    case 'gaussian':
      return planGaussian(lower, upper, epsilon, delta, config.treatment === 'integer');
    case 'randomized-response':
      return planRandomizedResponse(config.domain ?? [], epsilon);
    default:
      throw new AppError('invalid_input', `column "${config.column}" has no mechanism`);
  }
}

function estimateFromPlan(config: ColumnDpConfig, plan: ColumnPlan): ColumnErrorEstimate {
  const base = { column: config.column, treatment: config.treatment, mechanism: plan.mechanism };
  if (plan.mechanism === 'randomized-response') {
    return { ...base, epsilon: plan.epsilon, delta: 0, probabilityOfTruth: plan.pTruth, probabilityOfEachOther: plan.pOther };
  }
  if (plan.mechanism === 'gaussian') {
    // The discrete Gaussian's variance is at most σ² (CKS 2020, Cor. 23); the continuous
    // values are what a person reads, and the difference is below 1e-6 of σ here.
    return {
      ...base,
      epsilon: plan.epsilon,
      delta: plan.delta,
      expectedAbsoluteError: plan.sigma * Math.sqrt(2 / Math.PI),
      standardDeviation: plan.sigma,
    };
  }
  const levelScale = plan.scale / plan.step;
  return {
    ...base,
    epsilon: plan.epsilon,
    delta: 0,
    expectedAbsoluteError: discreteLaplaceExpectedAbs(levelScale) * plan.step,
    standardDeviation: Math.sqrt(discreteLaplaceVariance(levelScale)) * plan.step,
  };
}

/**
 * Expected error of one column given the (ε, δ) allocated to that column: E|noise| and standard
 * deviation for numbers, probabilities of truth and of each other value for categories.
 * Clamping bias is data-dependent and not included.
 */
export function expectedError(config: ColumnDpConfig, epsilon: number, delta: number): ColumnErrorEstimate {
  const parsed = columnDpConfigSchema.safeParse(config);
  if (!parsed.success) invalidFromZod(parsed.error, 'DP column configuration');
  const column = parsed.data;
  if (column.treatment === 'ignore') {
    return { column: column.column, treatment: 'ignore', mechanism: null, epsilon: 0, delta: 0 };
  }
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new AppError('invalid_input', 'ε must be a positive finite number');
  return estimateFromPlan(column, planColumn(column, epsilon, delta));
}

/** Each configured column's share of the budget: ε·share, and δ split over Gaussian columns by share. */
export function allocateBudget(
  configs: readonly ColumnDpConfig[],
  budget: DpBudget,
): { config: ColumnDpConfig; epsilon: number; delta: number }[] {
  const active = configs.filter((config) => config.treatment !== 'ignore');
  const shareSum = active.reduce((total, config) => total + config.epsilonShare, 0);
  // Shares a hair over 1 from decimal addition are scaled down so Σεᵢ never exceeds the budget.
  const normaliser = Math.max(1, shareSum);
  const gaussianShare = active
    .filter((config) => config.mechanism === 'gaussian')
    .reduce((total, config) => total + config.epsilonShare, 0);
  return active.map((config) => ({
    config,
    epsilon: (budget.epsilon * config.epsilonShare) / normaliser,
    delta: config.mechanism === 'gaussian' ? (budget.delta * config.epsilonShare) / gaussianShare : 0,
  }));
}

/** Expected errors for every column of a table under a budget, for the preview before applying. */
export function previewDp(configs: unknown, budget: unknown): ColumnErrorEstimate[] {
  const columns = parseConfigs(configs);
  const parsedBudget = parseBudget(budget);
  requireDeltaForGaussian(columns, parsedBudget);
  const allocations = allocateBudget(columns, parsedBudget);
  const byColumn = new Map(allocations.map((allocation) => [allocation.config.column, allocation]));
  return columns.map((config) => {
    const allocation = byColumn.get(config.column);
    if (allocation === undefined) {
      return { column: config.column, treatment: config.treatment, mechanism: null, epsilon: 0, delta: 0 };
    }
    return estimateFromPlan(config, planColumn(config, allocation.epsilon, allocation.delta));
  });
}

function requireDeltaForGaussian(configs: readonly ColumnDpConfig[], budget: DpBudget): void {
  const hasGaussian = configs.some((config) => config.treatment !== 'ignore' && config.mechanism === 'gaussian');
  if (hasGaussian && !(budget.delta > 0)) {
    throw new AppError('invalid_input', 'The Gaussian mechanism needs a δ above 0 in the budget; use Laplace for pure ε-DP.');
  }
}

/** Decimal places that keep output resolution ~1/1000 of the noise scale (post-processing only). */
function outputDecimals(noiseScale: number): number {
  return Math.max(0, Math.min(15, Math.ceil(-Math.log10(noiseScale)) + 3));
}

type CellTransform = (cell: string) => string;

function numericTransform(plan: LaplacePlan | GaussianPlan, rng: RandomSource, isInteger: boolean): CellTransform {
  const midpoint = plan.lower + (plan.upper - plan.lower) / 2;
  const fallback = isInteger ? Math.round(midpoint) : midpoint;
  const noiseScale = plan.mechanism === 'gaussian' ? plan.sigma : plan.scale;
  const decimals = isInteger ? 0 : outputDecimals(noiseScale);
  const add =
    plan.mechanism === 'gaussian'
      ? (value: number): number => applyGaussian(plan, value, rng)
      : (value: number): number => applyLaplace(plan, value, rng);
  return (cell) => {
    // Number('') is 0, so blank cells are caught before parsing. Missing and unparsable cells are
    // imputed *before* noise: leaving them blank would publish which records lack the value.
    const parsed = cell.trim() === '' ? Number.NaN : Number(cell);
    const value = Number.isNaN(parsed) ? fallback : isInteger ? Math.round(parsed) : parsed;
    const noisy = add(value);
    return isInteger ? String(noisy) : noisy.toFixed(decimals);
  };
}

/**
 * Applies local DP to every configured column of `rows` (a header `columns` and string cells),
 * returning new rows and the parameters applied. Unconfigured and ignored columns are copied
 * unchanged and listed; invalid configurations throw AppError('invalid_input') before any work.
 */
export function applyDpToRows(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  configs: unknown,
  budget: unknown,
  rng: RandomSource,
): { rows: string[][]; applied: AppliedDpParameters } {
  const parsedConfigs = parseConfigs(configs);
  const parsedBudget = parseBudget(budget);
  requireDeltaForGaussian(parsedConfigs, parsedBudget);
  const indexByName = new Map<string, number>();
  const duplicated = new Set<string>();
  columns.forEach((name, index) => {
    if (indexByName.has(name)) duplicated.add(name);
    indexByName.set(name, index);
  });
  for (const config of parsedConfigs) {
    if (!indexByName.has(config.column)) {
      throw new AppError('invalid_input', `The table has no column named "${config.column}".`);
    }
    if (config.treatment !== 'ignore' && duplicated.has(config.column)) {
      throw new AppError('invalid_input', `The table has more than one column named "${config.column}"; rename one first.`);
    }
  }

  const transforms: { index: number; transform: CellTransform }[] = [];
  const appliedColumns: AppliedColumnDp[] = [];
  for (const { config, epsilon, delta } of allocateBudget(parsedConfigs, parsedBudget)) {
    const plan = planColumn(config, epsilon, delta);
    const index = indexByName.get(config.column) as number;
    if (plan.mechanism === 'randomized-response') {
      transforms.push({ index, transform: (cell) => applyRandomizedResponse(plan, cell, rng) });
      appliedColumns.push({
        column: config.column,
        treatment: 'categorical',
        mechanism: 'randomized-response',
        epsilon: plan.epsilon,
        delta: 0,
        domain: [...plan.domain],
        pTruth: plan.pTruth,
        pOther: plan.pOther,
        sampler: 'randomized-response-exact',
        missingValues: 'uniform-over-domain',
      });
      continue;
    }
    const treatment = config.treatment === 'integer' ? 'integer' : 'numeric';
    transforms.push({ index, transform: numericTransform(plan, rng, treatment === 'integer') });
    appliedColumns.push({
      column: config.column,
      treatment,
      mechanism: plan.mechanism,
      epsilon: plan.epsilon,
      delta: plan.mechanism === 'gaussian' ? plan.delta : 0,
      ...(plan.mechanism === 'gaussian' ? { rho: plan.rho, sigma: plan.sigma } : { scale: plan.scale }),
      lower: plan.lower,
      upper: plan.upper,
      gridLevels: plan.levels,
      sampler: plan.mechanism === 'gaussian' ? 'discrete-gaussian-exact' : 'discrete-laplace-exact',
      missingValues: 'midpoint-before-noise',
    });
  }

  const outputRows: string[][] = new Array<string[]>(rows.length);
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r] as readonly string[];
    const output = row.slice();
    // Short rows are padded so a noised cell never leaves holes before it.
    while (output.length < columns.length) output.push('');
    for (let c = 0; c < transforms.length; c += 1) {
      const { index, transform } = transforms[c] as { index: number; transform: CellTransform };
      output[index] = transform(row[index] ?? '');
    }
    outputRows[r] = output;
  }

  const changed = new Set(appliedColumns.map((column) => column.column));
  const applied: AppliedDpParameters = {
    schemaVersion: APPLIED_DP_SCHEMA_VERSION,
    model: 'local-per-record',
    composition: 'basic',
    randomness: rng.kind,
    budget: parsedBudget,
    totalEpsilon: appliedColumns.reduce((total, column) => total + column.epsilon, 0),
    totalDelta: Math.min(
      1,
      appliedColumns.reduce((total, column) => total + column.delta, 0),
    ),
    rowCount: rows.length,
    columns: appliedColumns,
    unchangedColumns: [...new Set(columns.filter((name) => !changed.has(name)))],
  };
  return { rows: outputRows, applied };
}
