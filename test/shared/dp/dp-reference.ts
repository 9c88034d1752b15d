import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Loads ../shared/eval/dp/dp-reference-values.json (relative to the repository root). When the
 * folder is missing the tests must fail loudly, never pass vacuously.
 */
const TEST_DIRECTORY = path.dirname(fileURLToPath(import.meta.url));
export const DP_REFERENCE_DIRECTORY = path.resolve(TEST_DIRECTORY, '../../..', '../shared/eval/dp');
const VALUES_FILE_NAME = 'dp-reference-values.json';

/** ln 3 as the reference states it (correctly rounded; V8's Math.log(3) is one ulp low). */
export const LN3 = 1.0986122886681098;

export type DpReference = {
  laplace: Record<string, unknown>[];
  gaussian_delta_for_sigma_balle_wang: { sigma: number; l2_sensitivity: number; epsilon: number | string; delta: number; status: string }[];
  gaussian_sigma_for_eps_delta: {
    rows: (number | string)[][];
    derived_grid_sensitivity_1: { rows: number[][] };
  };
  opendp_gaussian_zcdp: Record<string, unknown>[];
  randomized_response: Record<string, unknown>[];
  composition: Record<string, unknown>[];
};

let cached: DpReference | undefined;

/** The reference values; throws a clear error when the reference folder is absent. */
export function loadDpReference(directory: string = DP_REFERENCE_DIRECTORY): DpReference {
  const isDefault = directory === DP_REFERENCE_DIRECTORY;
  if (isDefault && cached !== undefined) return cached;
  const file = path.join(directory, VALUES_FILE_NAME);
  if (!existsSync(file)) {
    throw new Error(
      `DP reference values are absent: expected ${file} (the folder ../shared/eval/dp beside the repository). ` +
        'These tests check the mechanisms against published values and cannot run without it.',
    );
  }
  const reference = JSON.parse(readFileSync(file, 'utf8')) as DpReference;
  if (isDefault) cached = reference;
  return reference;
}

/** Reads a reference number written as a number, "Infinity", "ln(3)", "2*ln(3)", "sqrt(2)" or "text=1.23". */
export function referenceNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') throw new Error(`not a reference number: ${String(value)}`);
  const afterEquals = value.includes('=') ? value.slice(value.lastIndexOf('=') + 1) : value;
  const text = afterEquals.trim();
  if (text === 'Infinity') return Number.POSITIVE_INFINITY;
  if (text === 'ln(3)') return LN3;
  if (text === '2*ln(3)') return 2 * LN3;
  if (text === 'sqrt(2)') return Math.SQRT2;
  const parsed = Number(text);
  if (Number.isNaN(parsed)) throw new Error(`unreadable reference number: ${value}`);
  return parsed;
}

/** Relative difference, with |expected| = 0 treated as absolute. */
export function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs((actual - expected) / expected);
}
