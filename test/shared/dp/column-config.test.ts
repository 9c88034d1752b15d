import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import {
  allocateBudget,
  appliedDpParametersSchema,
  applyDpToRows,
  expectedError,
  previewDp,
  tableDpConfigSchema,
  type ColumnDpConfig,
} from '../../../shared/dp/column-config';
import { analyticGaussianSigma, clamp, randomizedResponsePTruth } from '../../../shared/dp/mechanisms';
import { createSeededRandomForTests } from '../../../shared/dp/seeded-random';

const PROPERTY_OPTIONS = { seed: 7_777, numRuns: 200 };

const HEADER = ['id', 'age', 'income', 'blood', 'notes'];
const CONFIGS: ColumnDpConfig[] = [
  { column: 'age', treatment: 'integer', lower: 0, upper: 120, mechanism: 'discrete-laplace', epsilonShare: 0.3 },
  { column: 'income', treatment: 'numeric', lower: 0, upper: 200_000, mechanism: 'gaussian', epsilonShare: 0.3 },
  { column: 'blood', treatment: 'categorical', domain: ['A', 'B', 'AB', 'O'], mechanism: 'randomized-response', epsilonShare: 0.4 },
  { column: 'notes', treatment: 'ignore', epsilonShare: 0 },
];

function table(rows: number): string[][] {
  return Array.from({ length: rows }, (_, i) => [
    String(i),
    String(20 + (i % 50)),
    (30_000 + ((i * 7919) % 90_000)).toFixed(2),
    ['A', 'B', 'AB', 'O'][i % 4] as string,
    `note ${i}`,
  ]);
}

function expectInvalid(call: () => unknown, message: RegExp): void {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_input');
    expect((error as AppError).message).toMatch(message);
    return;
  }
  expect.unreachable('expected AppError(invalid_input)');
}

describe('column configuration validation', () => {
  it('accepts a well-formed table configuration', () => {
    expect(tableDpConfigSchema.safeParse(CONFIGS).success).toBe(true);
  });

  it('refuses bad configurations with invalid_input and a message a person can act on', () => {
    const rows = table(3);
    const budget = { epsilon: 1, delta: 1e-6 };
    const apply =
      (configs: unknown, b: unknown = budget) =>
      () =>
        applyDpToRows(HEADER, rows, configs, b, createSeededRandomForTests(1));
    expectInvalid(
      apply([
        { ...CONFIGS[0], epsilonShare: 0.7 },
        { ...CONFIGS[1], epsilonShare: 0.7 },
      ]),
      /add up to/,
    );
    expectInvalid(apply([{ column: 'blood', treatment: 'categorical', mechanism: 'randomized-response', epsilonShare: 0.5 }]), /domain/);
    expectInvalid(apply([{ column: 'age', treatment: 'numeric', mechanism: 'laplace', epsilonShare: 0.5 }]), /bounds/);
    expectInvalid(
      apply([{ column: 'age', treatment: 'integer', lower: 0.5, upper: 9, mechanism: 'discrete-laplace', epsilonShare: 0.5 }]),
      /integer bounds/,
    );
    expectInvalid(
      apply([{ column: 'age', treatment: 'numeric', lower: 9, upper: 1, mechanism: 'laplace', epsilonShare: 0.5 }]),
      /above the lower/,
    );
    expectInvalid(
      apply([{ column: 'age', treatment: 'numeric', lower: 0, upper: 1, mechanism: 'randomized-response', epsilonShare: 0.5 }]),
      /laplace, gaussian/,
    );
    expectInvalid(apply([{ column: 'age', treatment: 'numeric', lower: 0, upper: 1, mechanism: 'laplace', epsilonShare: 0 }]), /share/);
    expectInvalid(apply([CONFIGS[0], CONFIGS[0]]), /twice/);
    expectInvalid(apply([{ ...CONFIGS[0], column: 'weight' }]), /no column named "weight"/);
    expectInvalid(apply([CONFIGS[1]], { epsilon: 1, delta: 0 }), /δ above 0/);
    expectInvalid(apply(CONFIGS, { epsilon: 0, delta: 0 }), /budget/);
    expectInvalid(
      () => applyDpToRows(['age', 'age'], [['1', '2']], [CONFIGS[0]], budget, createSeededRandomForTests(1)),
      /more than one column/,
    );
  });

  it('tolerates decimal share sums a hair over 1 but never allocates more than the budget', () => {
    const configs = [0.1, 0.2, 0.7].map((share, i) => ({
      column: `c${i}`,
      treatment: 'numeric' as const,
      lower: 0,
      upper: 1,
      mechanism: 'laplace' as const,
      epsilonShare: share,
    }));
    expect(tableDpConfigSchema.safeParse(configs).success).toBe(true);
    const allocation = allocateBudget(configs, { epsilon: 3, delta: 0 });
    expect(allocation.reduce((sum, column) => sum + column.epsilon, 0)).toBeLessThanOrEqual(3);
  });
});

describe('expected error preview', () => {
  it('gives E|noise| and σ for numbers and the probability of truth for categories', () => {
    const laplace = expectedError({ column: 'x', treatment: 'numeric', lower: 0, upper: 100, mechanism: 'laplace', epsilonShare: 1 }, 1, 0);
    expect(laplace.expectedAbsoluteError).toBeCloseTo(100, 4);
    expect(laplace.standardDeviation).toBeCloseTo(100 * Math.SQRT2, 4);
    const gaussian = expectedError(
      { column: 'x', treatment: 'numeric', lower: 0, upper: 100, mechanism: 'gaussian', epsilonShare: 1 },
      1,
      1e-5,
    );
    const sigma = analyticGaussianSigma(100, 1, 1e-5);
    expect(Math.abs((gaussian.standardDeviation as number) / sigma - 1)).toBeLessThan(1e-5);
    expect(gaussian.delta).toBeLessThanOrEqual(1e-5);
    const categorical = expectedError(
      { column: 'x', treatment: 'categorical', domain: ['a', 'b', 'c'], mechanism: 'randomized-response', epsilonShare: 1 },
      2,
      0,
    );
    expect(categorical.probabilityOfTruth).toBe(randomizedResponsePTruth(2, 3));
    expect(expectedError({ column: 'x', treatment: 'ignore', epsilonShare: 0 }, 1, 0).mechanism).toBeNull();
  });

  it('previews a whole table with the budget split by share, δ to the Gaussian column', () => {
    const preview = previewDp(CONFIGS, { epsilon: 2, delta: 1e-6 });
    expect(preview.map((column) => column.epsilon)).toEqual([expect.closeTo(0.6, 9), 0.6, 0.8, 0]);
    expect(preview[1]?.delta).toBeLessThanOrEqual(1e-6);
    expect(preview[0]?.delta).toBe(0);
  });

  it('predicts the error that applying actually produces', () => {
    const n = 20_000;
    const rows = Array.from({ length: n }, () => ['50', '100000']);
    const configs = [
      { column: 'age', treatment: 'integer', lower: 0, upper: 120, mechanism: 'discrete-laplace', epsilonShare: 0.5 },
      { column: 'income', treatment: 'numeric', lower: 0, upper: 200_000, mechanism: 'gaussian', epsilonShare: 0.5 },
    ] as const;
    const budget = { epsilon: 4, delta: 1e-6 };
    const preview = previewDp(configs, budget);
    const { rows: noisy } = applyDpToRows(['age', 'income'], rows, configs, budget, createSeededRandomForTests(31));
    for (const [column, truth] of [
      [0, 50],
      [1, 100_000],
    ] as const) {
      const meanAbs = noisy.reduce((sum, row) => sum + Math.abs(Number(row[column]) - truth), 0) / n;
      expect(Math.abs(meanAbs / (preview[column]?.expectedAbsoluteError as number) - 1), `column ${column}`).toBeLessThan(0.03);
    }
  });
});

describe('applyDpToRows', () => {
  it('noises configured columns, copies the rest, leaves the input untouched, and records what it applied', () => {
    const rows = table(2_000);
    const snapshot = JSON.stringify(rows);
    const budget = { epsilon: 3, delta: 1e-6 };
    const { rows: output, applied } = applyDpToRows(HEADER, rows, CONFIGS, budget, createSeededRandomForTests(2));
    expect(JSON.stringify(rows)).toBe(snapshot);
    expect(output).toHaveLength(rows.length);
    output.forEach((row, i) => {
      expect(row[0]).toBe(rows[i]?.[0]);
      expect(row[4]).toBe(rows[i]?.[4]);
      expect(Number.isInteger(Number(row[1]))).toBe(true);
      expect(Number.isFinite(Number(row[2]))).toBe(true);
      expect(['A', 'B', 'AB', 'O']).toContain(row[3]);
    });
    expect(output.some((row, i) => row[1] !== rows[i]?.[1])).toBe(true);
    expect(appliedDpParametersSchema.parse(applied)).toEqual(applied);
    expect(applied).toMatchObject({
      randomness: 'seeded-test-only',
      model: 'local-per-record',
      rowCount: 2_000,
      unchangedColumns: ['id', 'notes'],
    });
    expect(applied.totalEpsilon).toBeLessThanOrEqual(budget.epsilon);
    expect(applied.totalDelta).toBeLessThanOrEqual(budget.delta);
    expect(applied.columns.map((column) => [column.column, column.mechanism, column.sampler])).toEqual([
      ['age', 'discrete-laplace', 'discrete-laplace-exact'],
      ['income', 'gaussian', 'discrete-gaussian-exact'],
      ['blood', 'randomized-response', 'randomized-response-exact'],
    ]);
  });

  it('is unbiased for values inside the bounds and clamps values outside them before noise', () => {
    const n = 20_000;
    const config = [{ column: 'v', treatment: 'numeric', lower: 0, upper: 10, mechanism: 'laplace', epsilonShare: 1 }];
    const run = (cell: string, seed: number): number => {
      const { rows } = applyDpToRows(
        ['v'],
        Array.from({ length: n }, () => [cell]),
        config,
        { epsilon: 2, delta: 0 },
        createSeededRandomForTests(seed),
      );
      return rows.reduce((sum, row) => sum + Number(row[0]), 0) / n;
    };
    const standardError = ((10 / 2) * Math.SQRT2) / Math.sqrt(n);
    expect(Math.abs(run('3', 41) - 3) / standardError).toBeLessThan(4);
    expect(Math.abs(run('1e9', 42) - 10) / standardError).toBeLessThan(4);
    expect(Math.abs(run('-7', 43) - 0) / standardError).toBeLessThan(4);
    // Missing cells are imputed at the midpoint before noise, so blanks do not survive.
    expect(Math.abs(run('', 44) - 5) / standardError).toBeLessThan(4);
  });

  it('pads short rows and noises their missing cells instead of leaving holes', () => {
    const { rows } = applyDpToRows(
      ['a', 'b'],
      [['1']],
      [{ column: 'b', treatment: 'integer', lower: 0, upper: 4, mechanism: 'discrete-laplace', epsilonShare: 1 }],
      { epsilon: 1, delta: 0 },
      createSeededRandomForTests(3),
    );
    expect(rows[0]).toHaveLength(2);
    expect(Number.isInteger(Number(rows[0]?.[1]))).toBe(true);
  });
});

describe('properties (fast-check)', () => {
  it('clamping always lands inside the bounds, including NaN and infinities', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: false }),
        fc.double({ min: -1e12, max: 1e12, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e12, noNaN: true }),
        (x, lower, width) => {
          const upper = lower + width;
          fc.pre(lower < upper);
          const clamped = clamp(x, lower, upper);
          expect(clamped >= lower && clamped <= upper).toBe(true);
        },
      ),
      PROPERTY_OPTIONS,
    );
  });

  it('integer columns always come out as integers and numeric ones as finite numbers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.constantFrom('discrete-laplace', 'gaussian'),
        fc.array(fc.oneof(fc.string(), fc.double().map(String)), { minLength: 1, maxLength: 20 }),
        fc.integer(),
        (lower, width, epsilon, mechanism, cells, seed) => {
          const configs = [
            { column: 'i', treatment: 'integer', lower, upper: lower + width, mechanism, epsilonShare: 0.5 },
            {
              column: 'x',
              treatment: 'numeric',
              lower,
              upper: lower + width,
              mechanism: mechanism === 'gaussian' ? 'gaussian' : 'laplace',
              epsilonShare: 0.5,
            },
          ];
          const { rows, applied } = applyDpToRows(
            ['i', 'x'],
            cells.map((cell) => [cell, cell]),
            configs,
            { epsilon, delta: 1e-6 },
            createSeededRandomForTests(seed),
          );
          for (const row of rows) {
            expect(Number.isSafeInteger(Number(row[0]))).toBe(true);
            expect(Number.isFinite(Number(row[1]))).toBe(true);
          }
          expect(applied.totalEpsilon).toBeLessThanOrEqual(epsilon);
        },
      ),
      { ...PROPERTY_OPTIONS, numRuns: 60 },
    );
  });
});
