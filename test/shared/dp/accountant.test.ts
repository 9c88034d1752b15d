import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors';
import {
  advancedComposition,
  basicComposition,
  compositionCandidates,
  exactHomogeneousComposition,
  optimalHomogeneousComposition,
  tightestTotal,
  zcdpComposition,
  type PrivacyCost,
} from '../../../shared/dp/accountant';
import { analyticGaussianSigma, cdpEpsilon, gaussianRho, zcdpToApproxDpEpsilon } from '../../../shared/dp/mechanisms';

/** Fixed seeds keep the property runs reproducible. */
const PROPERTY_OPTIONS = { seed: 20_240_604, numRuns: 300 };

const epsilonArbitrary = fc.double({ min: 1e-4, max: 5, noNaN: true });
const pureOrApproxArbitrary: fc.Arbitrary<PrivacyCost> = fc.oneof(
  epsilonArbitrary.map((epsilon) => ({ epsilon, delta: 0 })),
  fc.record({ epsilon: epsilonArbitrary, delta: fc.double({ min: 1e-12, max: 1e-3, noNaN: true }) }),
);
const gaussianArbitrary: fc.Arbitrary<PrivacyCost> = fc
  .record({ epsilon: fc.double({ min: 0.05, max: 3, noNaN: true }), delta: fc.double({ min: 1e-10, max: 1e-4, noNaN: true }) })
  .map(({ epsilon, delta }) => ({ epsilon, delta, rho: gaussianRho(1, analyticGaussianSigma(1, epsilon, delta)) }));
const slackArbitrary = fc.double({ min: 1e-12, max: 0.1, noNaN: true });

function gaussianEntry(sigma: number, delta: number): PrivacyCost {
  // ε at this σ and δ is what the entry claims; ρ is its zCDP view.
  let low = 0;
  let high = 50;
  for (let i = 0; i < 200; i += 1) {
    const middle = (low + high) / 2;
    if (analyticGaussianSigma(1, middle, delta) > sigma) low = middle;
    else high = middle;
  }
  return { epsilon: high, delta, rho: gaussianRho(1, sigma) };
}

describe('composition accountants', () => {
  it('basic composition adds ε and δ', () => {
    expect(
      basicComposition([
        { epsilon: 0.5, delta: 1e-6 },
        { epsilon: 0.25, delta: 2e-6 },
      ]),
    ).toEqual({
      epsilon: 0.75,
      delta: 3e-6,
      accountant: 'basic',
    });
    expect(basicComposition([])).toEqual({ epsilon: 0, delta: 0, accountant: 'basic' });
  });

  it('advanced composition uses the largest ε and adds the δs and the slack', () => {
    const total = advancedComposition(
      [
        { epsilon: 0.1, delta: 1e-7 },
        { epsilon: 0.2, delta: 0 },
      ],
      1e-6,
    );
    expect(total.epsilon).toBeCloseTo(Math.sqrt(4 * Math.log(1e6)) * 0.2 + 2 * 0.2 * Math.expm1(0.2), 12);
    expect(total.delta).toBeCloseTo(1.1e-6, 18);
  });

  it('zCDP composes Gaussian spends far below basic composition, with either conversion', () => {
    const entries = Array.from({ length: 50 }, () => gaussianEntry(20, 1e-8));
    const basic = basicComposition(entries);
    const rho = 50 * gaussianRho(1, 20);
    const simple = zcdpComposition(entries, 1e-6, 'bun-steinke');
    const optimal = zcdpComposition(entries, 1e-6, 'optimal');
    expect(simple?.epsilon).toBeCloseTo(zcdpToApproxDpEpsilon(rho, 1e-6), 12);
    expect(optimal?.epsilon).toBeCloseTo(cdpEpsilon(rho, 1e-6), 12);
    expect(optimal?.epsilon as number).toBeLessThan(simple?.epsilon as number);
    expect(simple?.epsilon as number).toBeLessThan(basic.epsilon / 2);
    const tightest = tightestTotal(entries, 1e-6);
    expect(tightest.accountant).toBe('zcdp-optimal');
    expect(tightest.delta).toBe(1e-6);
  });

  it('exact homogeneous composition is never above the KOV grid value and meets it at the grid points', () => {
    for (const [epsilon, k, slack] of [
      [1, 30, 0.05],
      [0.1, 100, 1e-6],
      [2 ** -9, 700, 2 ** -25],
      [0.5, 7, 1e-3],
    ] as const) {
      const exact = exactHomogeneousComposition(epsilon, k, slack);
      const grid = optimalHomogeneousComposition(epsilon, 0, k, slack) as number;
      expect(exact).toBeLessThanOrEqual(grid * (1 + 1e-12));
      expect(exact).toBeGreaterThan(grid - 2 * epsilon);
    }
    // Two ε-DP spends are (0, tanh(ε/2))-DP: ε(e^ε − 1)/(e^ε + 1) is the δ of the canonical pair at ε_T = 0.
    expect(exactHomogeneousComposition(0.01, 2, Math.tanh(0.005) * (1 + 1e-9))).toBe(0);
  });

  it('zCDP is not applicable without a zCDP-compatible spend', () => {
    expect(zcdpComposition([{ epsilon: 1, delta: 1e-6 }], 1e-6)).toBeNull();
  });

  it('tightestTotal respects a δ cap and otherwise falls back to the smallest δ', () => {
    const entries = Array.from({ length: 40 }, () => ({ epsilon: 0.1, delta: 0 }));
    const free = tightestTotal(entries, 1e-5);
    expect(free.epsilon).toBeLessThan(4);
    const pureOnly = tightestTotal(entries, 1e-5, { maxDelta: 0 });
    expect(pureOnly).toMatchObject({ accountant: 'basic', delta: 0 });
    expect(pureOnly.epsilon).toBeCloseTo(4, 12);
  });

  it('rejects malformed spends and slack with invalid_input', () => {
    for (const call of [
      () => basicComposition([{ epsilon: -1, delta: 0 }]),
      () => basicComposition([{ epsilon: 1, delta: 2 }]),
      () => tightestTotal([{ epsilon: 1, delta: 0 }], 0),
      () => tightestTotal([{ epsilon: 1, delta: 0 }], 1),
    ]) {
      try {
        call();
        expect.unreachable('should have thrown');
      } catch (error) {
        expect(isAppError(error) && error.code === 'invalid_input').toBe(true);
      }
    }
  });
});

describe('accountant properties (fast-check)', () => {
  it('no accountant claims a total better than a single spend (never both ε and δ below it)', () => {
    fc.assert(
      fc.property(fc.array(pureOrApproxArbitrary, { minLength: 1, maxLength: 40 }), slackArbitrary, (entries, slack) => {
        for (const candidate of compositionCandidates(entries, slack)) {
          for (const entry of entries) {
            const isBelowOnBoth = candidate.epsilon < entry.epsilon * (1 - 1e-12) && candidate.delta <= entry.delta;
            expect(isBelowOnBoth, `${candidate.accountant} vs (${entry.epsilon}, ${entry.delta})`).toBe(false);
          }
        }
      }),
      PROPERTY_OPTIONS,
    );
  });

  it('the tightest total is never above basic composition nor above any applicable accountant', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(pureOrApproxArbitrary, gaussianArbitrary), { minLength: 0, maxLength: 40 }),
        slackArbitrary,
        (entries, slack) => {
          const total = tightestTotal(entries, slack);
          expect(total.epsilon).toBeLessThanOrEqual(basicComposition(entries).epsilon);
          for (const candidate of total.candidates) expect(total.epsilon).toBeLessThanOrEqual(candidate.epsilon);
        },
      ),
      PROPERTY_OPTIONS,
    );
  });

  it('homogeneous runs (where optimal composition applies) still never beat a single spend', () => {
    fc.assert(
      fc.property(pureOrApproxArbitrary, fc.integer({ min: 1, max: 300 }), slackArbitrary, (entry, k, slack) => {
        const total = tightestTotal(
          Array.from({ length: k }, () => entry),
          slack,
        );
        expect(total.epsilon < entry.epsilon * (1 - 1e-12) && total.delta <= entry.delta).toBe(false);
      }),
      PROPERTY_OPTIONS,
    );
  });

  it('appending a spend never lowers the tightest total (so a ledger can check each new spend alone)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(pureOrApproxArbitrary, gaussianArbitrary), { minLength: 1, maxLength: 25 }),
        fc.oneof(pureOrApproxArbitrary, gaussianArbitrary),
        fc.double({ min: 1e-10, max: 1e-3, noNaN: true }),
        (entries, extra, slack) => {
          const before = tightestTotal(entries, slack);
          const after = tightestTotal([...entries, extra], slack);
          expect(after.epsilon).toBeGreaterThanOrEqual(before.epsilon * (1 - 1e-12));
        },
      ),
      PROPERTY_OPTIONS,
    );
  });

  it('for identical spends, one more spend never lowers the tightest total either', () => {
    fc.assert(
      fc.property(pureOrApproxArbitrary, fc.integer({ min: 1, max: 200 }), slackArbitrary, (entry, k, slack) => {
        const before = tightestTotal(
          Array.from({ length: k }, () => entry),
          slack,
        );
        const after = tightestTotal(
          Array.from({ length: k + 1 }, () => entry),
          slack,
        );
        expect(after.epsilon).toBeGreaterThanOrEqual(before.epsilon * (1 - 1e-12));
      }),
      PROPERTY_OPTIONS,
    );
  });
});
