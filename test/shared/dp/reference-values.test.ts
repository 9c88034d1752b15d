import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  advancedCompositionEpsilon,
  basicComposition,
  kovHeterogeneousBounds,
  kovHeterogeneousComposition,
  optimalHomogeneousComposition,
  optimalHomogeneousEpsilonFor,
  tightestTotal,
} from '../../../shared/dp/accountant';
import {
  analyticGaussianDelta,
  analyticGaussianSigma,
  cdpDelta,
  cdpEpsilon,
  classicGaussianSigma,
  gaussianRho,
  laplaceEpsilon,
  laplaceScale,
  laplaceVariance,
  randomizedResponseEpsilon,
  randomizedResponsePTruth,
} from '../../../shared/dp/mechanisms';
import { DP_REFERENCE_DIRECTORY, LN3, loadDpReference, referenceNumber, relativeError } from './dp-reference';

describe('DP reference folder', () => {
  it('is present beside the repository', () => {
    expect(() => loadDpReference(), `expected the reference values in ${DP_REFERENCE_DIRECTORY}`).not.toThrow();
  });

  it('fails with a message saying it is absent when it is missing', () => {
    expect(() => loadDpReference(path.join(DP_REFERENCE_DIRECTORY, 'no-such-folder'))).toThrow(/DP reference values are absent/);
  });
});

describe('Laplace closed forms (Google, diffprivlib, OpenDP)', () => {
  it('scale = Δ/ε and variance = 2b² reproduce the published values exactly', () => {
    const [unit, lnThree, doubled] = loadDpReference().laplace;
    expect(laplaceScale(Number(unit?.l1_sensitivity), Number(unit?.epsilon))).toBe(unit?.scale);
    expect(laplaceVariance(laplaceScale(1, 1))).toBe(unit?.variance);
    expect(laplaceScale(Number(lnThree?.l1_sensitivity), referenceNumber(lnThree?.epsilon))).toBe(lnThree?.scale);
    expect(laplaceScale(Number(doubled?.l1_sensitivity), referenceNumber(doubled?.epsilon))).toBe(doubled?.scale);
    expect(laplaceVariance(laplaceScale(1, LN3))).toBeCloseTo(2 / LN3 ** 2, 15);
    // The reference prints "2/ln(3)^2=1.6570908406"; the formula it cites evaluates to
    // 1.6570708994 (Python agrees), so the printed decimal has two digits transposed. The
    // formula is what Google's test asserts, and is what is checked here.
    expect(laplaceVariance(laplaceScale(1, LN3))).toBeCloseTo(1.6570708994, 10);
  });

  it("OpenDP's privacy map ε = d_in/scale holds, with its edge cases", () => {
    const map = loadDpReference().laplace[3] as { cases: number[][] };
    for (const [dIn, scale, epsilon] of map.cases) expect(laplaceEpsilon(dIn as number, scale as number)).toBe(epsilon);
    expect(laplaceEpsilon(0, 1)).toBe(0);
    expect(laplaceEpsilon(1, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(() => laplaceEpsilon(-1, 1)).toThrow();
  });
});

describe('analytic Gaussian (Balle & Wang 2018)', () => {
  it('δ(σ) reproduces Google TestDeltaForGaussian to 1e-12 relative, and its edge cases exactly', () => {
    for (const row of loadDpReference().gaussian_delta_for_sigma_balle_wang) {
      const actual = analyticGaussianDelta(row.sigma, row.l2_sensitivity, referenceNumber(row.epsilon));
      if (row.delta === 0 || row.delta === 1) expect(actual).toBe(row.delta);
      else expect(relativeError(actual, row.delta), JSON.stringify(row)).toBeLessThan(1e-12);
    }
  });

  it('σ(ε, δ) matches the exact analytic σ within 1e-6 relative (observed ~1e-11), and classic σ', () => {
    for (const row of loadDpReference().gaussian_sigma_for_eps_delta.rows) {
      const [epsilon, delta, sensitivity, classic, analytic, googleSearch, googleVariance] = row.map((cell) =>
        typeof cell === 'string' && cell.includes('/') ? Number.NaN : referenceNumber(cell),
      ) as number[];
      const sigma = analyticGaussianSigma(sensitivity as number, epsilon as number, delta as number);
      expect(relativeError(sigma, analytic as number), JSON.stringify(row)).toBeLessThan(1e-6);
      expect(relativeError(sigma, analytic as number), 'tighter than the 10 printed decimals need').toBeLessThan(1e-9);
      expect(
        relativeError(classicGaussianSigma(sensitivity as number, epsilon as number, delta as number), classic as number),
      ).toBeLessThan(1e-9);
      // Google returns the upper end of a 1e-3-relative bracket; ours is the tight value under it.
      expect(sigma).toBeLessThanOrEqual(googleSearch as number);
      expect((googleSearch as number) / sigma).toBeLessThan(1.001);
      expect(relativeError(sigma * sigma, googleVariance as number)).toBeLessThan(0.01);
      expect(analyticGaussianDelta(sigma, sensitivity as number, epsilon as number)).toBeLessThanOrEqual(delta as number);
    }
  });

  it('reproduces the derived (ε, δ) grid to the 6 printed decimals', () => {
    for (const [epsilon, delta, classic, analytic] of loadDpReference().gaussian_sigma_for_eps_delta.derived_grid_sensitivity_1.rows) {
      expect(analyticGaussianSigma(1, epsilon as number, delta as number)).toBeCloseTo(analytic as number, 5);
      expect(classicGaussianSigma(1, epsilon as number, delta as number)).toBeCloseTo(classic as number, 5);
    }
  });
});

describe('zCDP (OpenDP)', () => {
  it('ρ = (d_in/scale)²/2 and the optimal conversions match OpenDP', () => {
    const [unit, scaleFour, deltaA, deltaB, deltaTiny] = loadDpReference().opendp_gaussian_zcdp as Record<string, number>[];
    expect(gaussianRho(unit?.d_in as number, unit?.scale as number)).toBe(unit?.rho);
    expect([gaussianRho(2, 1), gaussianRho(3, 1)]).toEqual([2, 4.5]);
    const rho = gaussianRho(scaleFour?.d_in as number, scaleFour?.scale as number);
    expect(rho).toBe(scaleFour?.rho);
    expect(relativeError(cdpEpsilon(rho, 1e-3), scaleFour?.['epsilon_at_delta_1e-3'] as number)).toBeLessThan(1e-12);
    expect(relativeError(cdpDelta(rho, 0), scaleFour?.delta_at_epsilon_0 as number)).toBeLessThan(1e-12);
    expect(relativeError(cdpDelta(0.05, 0.25), deltaA?.['cdp_delta(rho=0.05, eps=0.25)'] as number)).toBeLessThan(1e-12);
    expect(relativeError(cdpDelta(0.5, 0), deltaB?.['cdp_delta(rho=0.5, eps=0)'] as number)).toBeLessThan(1e-12);
    // OpenDP rounds every step outward; plain doubles agree to ~3e-13 this deep in the tail.
    expect(relativeError(cdpDelta(5e-30, 1e-13), deltaTiny?.['cdp_delta(rho=5e-30, eps=1e-13)'] as number)).toBeLessThan(1e-9);
  });
});

describe('randomized response (OpenDP, Warner)', () => {
  it('ε = ln(p(k−1)/(1−p)) and pTruth = e^ε/(e^ε + k − 1) reproduce the published values exactly', () => {
    const [half, halfExtreme, certain, fourWay, fiveWay, warner] = loadDpReference().randomized_response;
    expect(randomizedResponseEpsilon(half?.prob_truth as number, 2)).toBe(referenceNumber(half?.epsilon));
    expect(randomizedResponseEpsilon(halfExtreme?.prob_truth as number, 2)).toBe(halfExtreme?.epsilon);
    expect(randomizedResponseEpsilon(certain?.prob_truth as number, 2)).toBe(referenceNumber(certain?.epsilon));
    expect(randomizedResponseEpsilon(fourWay?.prob_truth as number, 4)).toBe(referenceNumber(fourWay?.epsilon));
    // OpenDP's 2.2e-16 is the outward rounding of an exact 0; ours rounds to nearest.
    expect(randomizedResponseEpsilon(fiveWay?.prob_truth as number, 5)).toBeLessThanOrEqual(fiveWay?.epsilon as number);
    expect(randomizedResponsePTruth(warner?.epsilon as number, 2)).toBe(referenceNumber(warner?.prob_truth));
    expect(randomizedResponsePTruth(LN3, 2)).toBeCloseTo(0.75, 15);
  });
});

describe('composition', () => {
  const composition = (): Record<string, unknown>[] => loadDpReference().composition;

  it("diffprivlib's BudgetAccountant.total: 700 × (2⁻⁹, 0) with slack 2⁻²⁵", () => {
    const row = composition()[1] as { expected_total_epsilon: number; components: Record<string, number> };
    const entries = Array.from({ length: 700 }, () => ({ epsilon: 2 ** -9, delta: 0 }));
    const bounds = kovHeterogeneousBounds(entries, 2 ** -25);
    expect(basicComposition(entries).epsilon).toBe(row.components.naive);
    expect(bounds.drv).toBeCloseTo(row.components.drv as number, 14);
    expect(bounds.kov).toBeCloseTo(row.components.kov as number, 14);
    const total = kovHeterogeneousComposition(entries, 2 ** -25);
    expect(total.epsilon).toBeCloseTo(row.expected_total_epsilon, 14);
    expect(total.delta).toBe(2 ** -25);
    // The tightest accountant can only do better than diffprivlib's minimum.
    expect(tightestTotal(entries, 2 ** -25).epsilon).toBeLessThanOrEqual(row.expected_total_epsilon);
  });

  it('classic DRV advanced composition gives the derived value', () => {
    const row = composition()[2] as { value: number };
    expect(advancedCompositionEpsilon(2 ** -9, 700, 2 ** -25)).toBeCloseTo(row.value, 14);
  });

  it("optimal homogeneous composition (KOV Thm 3.3) matches Google's dp_accounting exactly", () => {
    const row = composition()[3] as {
      cases: { epsilon: number; delta: number; k: number; total_delta: number; total_epsilon: number | null }[];
    };
    for (const c of row.cases) {
      expect(optimalHomogeneousComposition(c.epsilon, c.delta, c.k, c.total_delta), JSON.stringify(c)).toBe(c.total_epsilon);
    }
  });

  it('its inverse recovers the per-query ε', () => {
    const row = composition()[4] as { cases: { total_epsilon: number; total_delta: number; delta: number; k: number; epsilon: number }[] };
    for (const c of row.cases) {
      const epsilon = optimalHomogeneousEpsilonFor(c.total_epsilon, c.total_delta, c.k, c.delta);
      expect(epsilon, JSON.stringify(c)).not.toBeNull();
      expect(relativeError(epsilon as number, c.epsilon)).toBeLessThan(1e-9);
    }
  });
});
