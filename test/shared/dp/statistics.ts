import type { RandomSource } from '../../../shared/dp/random';

/*
 * Goodness-of-fit helpers for the sampler tests. Seeds are fixed, so every test is deterministic;
 * thresholds are at significance 0.001 so a correct sampler fails on a given seed only with
 * probability 1/1000, and each test also shows its statistic rejects a slightly wrong target.
 */

/** c(α) for the asymptotic Kolmogorov distribution at α = 0.001. */
const KOLMOGOROV_C_0_001 = 1.9495;
/** Standard normal quantile at 1 − 0.001. */
const Z_0_999 = 3.0902;

/**
 * Kolmogorov–Smirnov statistic of `samples` against a continuous CDF. For lattice samples pass the
 * lattice step: the CDF is then read half a step either side (continuity correction).
 */
export function ksStatistic(samples: readonly number[], cdf: (x: number) => number, latticeStep = 0): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  let statistic = 0;
  for (let i = 0; i < n; i += 1) {
    const x = sorted[i] as number;
    statistic = Math.max(statistic, (i + 1) / n - cdf(x + latticeStep / 2), cdf(x - latticeStep / 2) - i / n);
  }
  return statistic;
}

/** Critical KS value at α = 0.001 for n samples. */
export function ksCritical(n: number): number {
  return KOLMOGOROV_C_0_001 / Math.sqrt(n);
}

/** Pearson's χ² of observed counts against expected counts. */
export function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  let statistic = 0;
  observed.forEach((count, i) => {
    const e = expected[i] as number;
    statistic += ((count - e) * (count - e)) / e;
  });
  return statistic;
}

/** Critical χ² at α = 0.001 (Wilson–Hilferty approximation, accurate to <1% for df ≥ 3). */
export function chiSquareCritical(degreesOfFreedom: number): number {
  const k = degreesOfFreedom;
  return k * (1 - 2 / (9 * k) + Z_0_999 * Math.sqrt(2 / (9 * k))) ** 3;
}

/** Bins integer samples into [low, high] with one bin for each tail; returns counts and the bins' probabilities. */
export function binIntegers(
  samples: readonly number[],
  low: number,
  high: number,
  pmf: (k: number) => number,
): { observed: number[]; probabilities: number[] } {
  const observed = new Array<number>(high - low + 3).fill(0);
  for (const sample of samples) {
    const index = sample < low ? 0 : sample > high ? high - low + 2 : sample - low + 1;
    observed[index] = (observed[index] as number) + 1;
  }
  const inside: number[] = [];
  for (let k = low; k <= high; k += 1) inside.push(pmf(k));
  let below = 0;
  for (let k = low - 1; k >= low - 10_000 && pmf(k) > 0; k -= 1) below += pmf(k);
  let above = 0;
  for (let k = high + 1; k <= high + 10_000 && pmf(k) > 0; k += 1) above += pmf(k);
  return { observed, probabilities: [below, ...inside, above] };
}

/** |z| of an observed success count against Binomial(n, p). */
export function binomialZ(successes: number, n: number, p: number): number {
  return Math.abs(successes - n * p) / Math.sqrt(n * p * (1 - p));
}

/** FAKE for tests: replays fixed 32-bit words, to pin exact decisions of the samplers. */
export function scriptedWordsForTests(words: readonly number[]): RandomSource {
  let index = 0;
  return {
    kind: 'seeded-test-only',
    nextUint32(): number {
      const word = words[index];
      if (word === undefined) throw new Error('scripted words exhausted');
      index += 1;
      return word;
    },
  };
}
