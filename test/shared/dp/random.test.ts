import { describe, expect, it } from 'vitest';
import { erfc, normalCdf } from '../../../shared/dp/erfc';
import { preciseLog } from '../../../shared/dp/precise-log';
import {
  bernoulli,
  bernoulliExpMinus,
  bernoulliExpMinusBig,
  bernoulliRational,
  geometricExpMinus,
  uniformBigIntBelow,
  uniformDouble,
  uniformIntBelow,
} from '../../../shared/dp/random';
import { createSeededRandomForTests } from '../../../shared/dp/seeded-random';
import { binomialZ, chiSquare, chiSquareCritical, scriptedWordsForTests } from './statistics';

const MAX_Z = 4;

describe('seeded generator (test only)', () => {
  it('is reproducible per seed, labelled test-only, and yields 32-bit words', () => {
    const a = createSeededRandomForTests(42);
    const b = createSeededRandomForTests(42);
    const c = createSeededRandomForTests(43);
    const wordsA = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(wordsA);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(wordsA);
    expect(a.kind).toBe('seeded-test-only');
    for (const word of wordsA) expect(Number.isInteger(word) && word >= 0 && word < 2 ** 32).toBe(true);
  });
});

describe('uniform draws', () => {
  it('uniformDouble covers [0, 1) with 53-bit resolution', () => {
    expect(uniformDouble(scriptedWordsForTests([0, 0]))).toBe(0);
    expect(uniformDouble(scriptedWordsForTests([0xffffffff, 0xffffffff]))).toBe(1 - 2 ** -53);
    expect(uniformDouble(scriptedWordsForTests([0, 0x40]))).toBe(2 ** -53);
  });

  it('uniformIntBelow is uniform below 2^32 (χ²) and stays in range above it', () => {
    const rng = createSeededRandomForTests(7);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i += 1) {
      const value = uniformIntBelow(rng, 6);
      counts[value] = (counts[value] as number) + 1;
    }
    expect(chiSquare(counts, new Array<number>(6).fill(10_000))).toBeLessThan(chiSquareCritical(5));
    const big = 3 * 2 ** 40 + 5;
    let total = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const value = uniformIntBelow(rng, big);
      expect(Number.isSafeInteger(value) && value >= 0 && value < big).toBe(true);
      total += value;
    }
    const meanZ = Math.abs(total / 20_000 - (big - 1) / 2) / (big / Math.sqrt(12 * 20_000));
    expect(meanZ).toBeLessThan(MAX_Z);
    expect(uniformIntBelow(rng, 1)).toBe(0);
    expect(() => uniformIntBelow(rng, 2 ** 53 + 2)).toThrow(RangeError);
  });

  it('uniformBigIntBelow stays in range', () => {
    const rng = createSeededRandomForTests(8);
    const n = 10n ** 30n + 7n;
    for (let i = 0; i < 1000; i += 1) {
      const value = uniformBigIntBelow(rng, n);
      expect(value >= 0n && value < n).toBe(true);
    }
  });
});

describe('exact Bernoulli trials', () => {
  it('compares random bits against the exact binary expansion of p', () => {
    expect(bernoulli(scriptedWordsForTests([0x7fffffff]), 0.5)).toBe(true);
    // U = 0.5 exactly continues, then the expansion of p ends: U ≥ p, so false.
    expect(bernoulli(scriptedWordsForTests([0x80000000]), 0.5)).toBe(false);
    // p = 2^-40: the first word must be 0, then the second below 2^24.
    expect(bernoulli(scriptedWordsForTests([0, 5]), 2 ** -40)).toBe(true);
    expect(bernoulli(scriptedWordsForTests([0, 2 ** 24]), 2 ** -40)).toBe(false);
    expect(bernoulli(scriptedWordsForTests([1]), 2 ** -40)).toBe(false);
    expect(bernoulli(scriptedWordsForTests([]), 1)).toBe(true);
    expect(bernoulli(scriptedWordsForTests([]), 0)).toBe(false);
    expect(() => bernoulli(scriptedWordsForTests([]), 1.5)).toThrow(RangeError);
  });

  it('have the right frequencies', () => {
    const rng = createSeededRandomForTests(9);
    const n = 200_000;
    const count = (trial: () => boolean): number => {
      let successes = 0;
      for (let i = 0; i < n; i += 1) if (trial()) successes += 1;
      return successes;
    };
    expect(
      binomialZ(
        count(() => bernoulli(rng, 0.3)),
        n,
        0.3,
      ),
    ).toBeLessThan(MAX_Z);
    expect(
      binomialZ(
        count(() => bernoulliRational(rng, 2, 7)),
        n,
        2 / 7,
      ),
    ).toBeLessThan(MAX_Z);
    for (const [numerator, denominator] of [
      [1, 3],
      [1, 1],
      [7, 2],
      [5, 1],
    ] as const) {
      const p = Math.exp(-numerator / denominator);
      expect(
        binomialZ(
          count(() => bernoulliExpMinus(rng, numerator, denominator)),
          n,
          p,
        ),
        `exp(-${numerator}/${denominator})`,
      ).toBeLessThan(MAX_Z);
    }
    expect(
      binomialZ(
        count(() => bernoulliExpMinusBig(rng, 7n, 2n)),
        n,
        Math.exp(-3.5),
      ),
    ).toBeLessThan(MAX_Z);
    expect(count(() => bernoulliExpMinus(rng, 0, 5))).toBe(n);
  });

  it('geometricExpMinus has mean e^−γ/(1 − e^−γ)', () => {
    const rng = createSeededRandomForTests(10);
    const n = 100_000;
    let total = 0;
    let totalSquares = 0;
    for (let i = 0; i < n; i += 1) {
      const v = geometricExpMinus(rng, 1, 1);
      total += v;
      totalSquares += v * v;
    }
    const q = Math.exp(-1);
    const mean = q / (1 - q);
    const variance = q / (1 - q) ** 2;
    expect(Math.abs(total / n - mean) / Math.sqrt(variance / n)).toBeLessThan(MAX_Z);
    expect(totalSquares / n - (total / n) ** 2).toBeCloseTo(variance, 1);
  });
});

describe('special functions', () => {
  it('preciseLog is correctly rounded where Math.log is not (values from mpmath)', () => {
    const cases: [number, number][] = [
      [3, 1.0986122886681098],
      [9, 2.1972245773362196],
      [10, 2.302585092994046],
      [2 ** 25, 17.328679513998633],
      [1.25e10, 23.248994481254666],
      [5e-324, -744.4400719213812],
      [0.1, -2.3025850929940455],
      [1 + 2 ** -52, 2.2204460492503128e-16],
    ];
    for (const [x, expected] of cases) expect(preciseLog(x), `ln ${x}`).toBe(expected);
    expect(preciseLog(1)).toBe(0);
    expect(preciseLog(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(preciseLog(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(preciseLog(-1)).toBeNaN();
  });

  it('erfc keeps ~1e-15 relative accuracy into the far tail (values from mpmath)', () => {
    const cases: [number, number][] = [
      [0, 1],
      [1, 0.15729920705028513],
      [-1, 1.8427007929497148],
      [0.3, 0.6713732405408726],
      [2.5, 0.0004069520174449589],
      [5, 1.537459794428035e-12],
      [10, 2.088487583762545e-45],
      [26, 5.663192408856143e-296],
      [-3, 1.9999779095030015],
    ];
    for (const [x, expected] of cases) {
      expect(Math.abs(erfc(x) - expected) / expected, `erfc(${x})`).toBeLessThan(2e-15);
    }
    expect(erfc(30)).toBe(0);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-40)).toBe(0);
  });
});
