import { describe, expect, it } from 'vitest';
import { normalCdf } from '../../../shared/dp/erfc';
import {
  applyGaussian,
  applyLaplace,
  applyRandomizedResponse,
  discreteGaussianDelta,
  analyticGaussianDelta,
  planGaussian,
  planLaplace,
  planRandomizedResponse,
  randomizedResponsePTruth,
} from '../../../shared/dp/mechanisms';
import {
  discreteGaussianSampler,
  discreteLaplaceSampler,
  sampleDiscreteGaussian,
  sampleDiscreteLaplace,
} from '../../../shared/dp/samplers';
import { createSeededRandomForTests } from '../../../shared/dp/seeded-random';
import { binIntegers, binomialZ, chiSquare, chiSquareCritical, ksCritical, ksStatistic } from './statistics';

const SEEDS = [101, 202, 303];
const KS_SAMPLES = 20_000;
const CHI_SAMPLES = 50_000;

function laplaceCdf(location: number, scale: number): (x: number) => number {
  return (x) => (x < location ? 0.5 * Math.exp((x - location) / scale) : 1 - 0.5 * Math.exp(-(x - location) / scale));
}

function chiSquareAgainst(
  samples: number[],
  low: number,
  high: number,
  pmf: (k: number) => number,
): { statistic: number; critical: number } {
  const { observed, probabilities } = binIntegers(samples, low, high, pmf);
  const total = probabilities.reduce((sum, p) => sum + p, 0);
  const expected = probabilities.map((p) => (p / total) * samples.length);
  return { statistic: chiSquare(observed, expected), critical: chiSquareCritical(observed.length - 1) };
}

describe('Laplace mechanism (exact discrete Laplace on a 2^-24 grid)', () => {
  it('outputs follow Laplace(x, Δ/ε) by Kolmogorov–Smirnov, and the test rejects a 20% wrong scale', () => {
    const plan = planLaplace(0, 1, 1, false);
    expect(plan.scale).toBe(1);
    for (const seed of SEEDS) {
      const rng = createSeededRandomForTests(seed);
      const samples = Array.from({ length: KS_SAMPLES }, () => applyLaplace(plan, 0.5, rng));
      expect(ksStatistic(samples, laplaceCdf(0.5, plan.scale), plan.step), `seed ${seed}`).toBeLessThan(ksCritical(KS_SAMPLES));
      expect(ksStatistic(samples, laplaceCdf(0.5, 1.2 * plan.scale), plan.step)).toBeGreaterThan(ksCritical(KS_SAMPLES));
    }
  });

  it('clamps before adding noise: a value far out of bounds is noised from the bound', () => {
    const plan = planLaplace(0, 1, 1, false);
    const rng = createSeededRandomForTests(5);
    const samples = Array.from({ length: KS_SAMPLES }, () => applyLaplace(plan, 1e9, rng));
    expect(ksStatistic(samples, laplaceCdf(1, plan.scale), plan.step)).toBeLessThan(ksCritical(KS_SAMPLES));
  });
});

describe('Gaussian mechanism (exact discrete Gaussian, σ ≈ 1024 grid steps)', () => {
  it('outputs follow N(x, σ²) with the analytic σ by Kolmogorov–Smirnov, and the test rejects a 20% wrong σ', () => {
    const plan = planGaussian(0, 1, 1, 1e-5, false);
    for (const seed of SEEDS) {
      const rng = createSeededRandomForTests(seed);
      const samples = Array.from({ length: KS_SAMPLES }, () => applyGaussian(plan, 0.5, rng));
      const cdf = (sigma: number) => (x: number) => normalCdf((x - 0.5) / sigma);
      expect(ksStatistic(samples, cdf(plan.sigma), plan.step), `seed ${seed}`).toBeLessThan(ksCritical(KS_SAMPLES));
      expect(ksStatistic(samples, cdf(1.2 * plan.sigma), plan.step)).toBeGreaterThan(ksCritical(KS_SAMPLES));
    }
  });

  it("the discrete Gaussian's exact δ (CKS Thm 7) is within the target and close to the continuous one", () => {
    const plan = planGaussian(0, 1, 1, 1e-5, false);
    expect(plan.delta).toBeLessThanOrEqual(1e-5);
    expect(plan.delta).toBeGreaterThan(0.99e-5);
    // Worst case really is the full shift: every smaller integer shift has a smaller δ.
    const sigmaSquared = (plan.sigma / plan.step) ** 2;
    for (let shift = 1; shift < plan.levels; shift += 37) {
      expect(discreteGaussianDelta(sigmaSquared, shift, 1)).toBeLessThanOrEqual(plan.delta);
    }
    expect(discreteGaussianDelta(sigmaSquared, plan.levels, 1)).toBeCloseTo(
      analyticGaussianDelta(Math.sqrt(sigmaSquared), plan.levels, 1),
      9,
    );
  });
});

describe('discrete Laplace sampler (CKS 2020 Algorithm 2)', () => {
  it('matches P(z) ∝ e^(−|z|/b) by χ² for an integer column and for a rational scale t/s = 3/2', () => {
    const plan = planLaplace(0, 2, 1, true);
    expect(plan.scale).toBe(2);
    const rng = createSeededRandomForTests(404);
    const noise = Array.from({ length: CHI_SAMPLES }, () => applyLaplace(plan, 1, rng) - 1);
    const fit = chiSquareAgainst(noise, -10, 10, (k) => Math.exp(-Math.abs(k) / 2));
    expect(fit.statistic).toBeLessThan(fit.critical);
    expect(chiSquareAgainst(noise, -10, 10, (k) => Math.exp(-Math.abs(k) / 2.2)).statistic).toBeGreaterThan(fit.critical);
    const rational = discreteLaplaceSampler(3, 2);
    const samples = Array.from({ length: CHI_SAMPLES }, () => sampleDiscreteLaplace(rng, rational));
    const { statistic, critical } = chiSquareAgainst(samples, -6, 6, (k) => Math.exp((-2 * Math.abs(k)) / 3));
    expect(statistic).toBeLessThan(critical);
  });

  it('outputs integers for an integer column', () => {
    const plan = planLaplace(-5, 5, 0.5, true);
    const rng = createSeededRandomForTests(405);
    for (let i = 0; i < 1000; i += 1) expect(Number.isInteger(applyLaplace(plan, 3, rng))).toBe(true);
  });
});

describe('discrete Gaussian sampler (CKS 2020 Algorithm 3)', () => {
  it('matches P(y) ∝ e^(−y²/2σ²) by χ² for σ² = 4 and σ² = 9/4', () => {
    const rng = createSeededRandomForTests(505);
    for (const [a, b] of [
      [4, 1],
      [9, 4],
    ] as const) {
      const sampler = discreteGaussianSampler(a, b);
      const samples = Array.from({ length: CHI_SAMPLES }, () => sampleDiscreteGaussian(rng, sampler));
      const pmf = (sigmaSquared: number) => (y: number) => Math.exp(-(y * y) / (2 * sigmaSquared));
      const { statistic, critical } = chiSquareAgainst(samples, -7, 7, pmf(a / b));
      expect(statistic, `σ² = ${a}/${b}`).toBeLessThan(critical);
      expect(chiSquareAgainst(samples, -7, 7, pmf((a / b) * 1.1)).statistic).toBeGreaterThan(critical);
    }
  });

  it('takes the exact bigint path when the rejection exponent leaves 2^53', () => {
    // σ² = 2^-30: every non-zero proposal has (|Y|·b·t − a)² > 2^53 and must be rejected.
    const sampler = discreteGaussianSampler(1, 2 ** 30);
    const rng = createSeededRandomForTests(506);
    for (let i = 0; i < 2000; i += 1) expect(sampleDiscreteGaussian(rng, sampler)).toBe(0);
  });
});

describe('randomized response', () => {
  it('reports the truth with e^ε/(e^ε + k − 1) and each other value uniformly (χ²)', () => {
    const domain = ['a', 'b', 'c', 'd'];
    const plan = planRandomizedResponse(domain, 1);
    expect(plan.pTruth).toBe(randomizedResponsePTruth(1, 4));
    expect(plan.pTruth + 3 * plan.pOther).toBeCloseTo(1, 15);
    const rng = createSeededRandomForTests(606);
    const counts = new Map(domain.map((value) => [value, 0]));
    const n = 40_000;
    for (let i = 0; i < n; i += 1) {
      const reported = applyRandomizedResponse(plan, 'b', rng);
      counts.set(reported, (counts.get(reported) ?? 0) + 1);
    }
    const observed = domain.map((value) => counts.get(value) ?? 0);
    const expected = domain.map((value) => (value === 'b' ? plan.pTruth : plan.pOther) * n);
    expect(chiSquare(observed, expected)).toBeLessThan(chiSquareCritical(3));
    const wrong = domain.map((value) => (value === 'b' ? 0.45 : 0.55 / 3) * n);
    expect(chiSquare(observed, wrong)).toBeGreaterThan(chiSquareCritical(3));
  });

  it('binary RR at ε = ln 3 tells the truth 3/4 of the time; values outside the domain come out uniform', () => {
    const rng = createSeededRandomForTests(607);
    const binary = planRandomizedResponse(['yes', 'no'], Math.log(3));
    let truths = 0;
    for (let i = 0; i < 40_000; i += 1) if (applyRandomizedResponse(binary, 'yes', rng) === 'yes') truths += 1;
    expect(binomialZ(truths, 40_000, 0.75)).toBeLessThan(4);
    const plan = planRandomizedResponse(['a', 'b', 'c'], 2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i += 1) {
      const index = ['a', 'b', 'c'].indexOf(applyRandomizedResponse(plan, 'not-in-domain', rng));
      counts[index] = (counts[index] as number) + 1;
    }
    expect(chiSquare(counts, [10_000, 10_000, 10_000])).toBeLessThan(chiSquareCritical(2));
  });
});
