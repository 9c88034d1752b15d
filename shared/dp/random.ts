/**
 * Randomness primitives for differential privacy.
 *
 * Every sampler in `shared/dp` draws from an injected {@link RandomSource} and turns its uniform
 * 32-bit words into *exact* draws: Bernoulli trials compare random bits against the exact value of
 * the probability (a double or a ratio of integers), never `Math.random() < p` on a rounded
 * double. This is what makes the discrete samplers in `samplers.ts` exact, which in turn is the
 * defence against the floating-point attacks of Mironov 2012 ("On significance of the least
 * significant bits for differential privacy", CCS 2012, §3): a textbook sampler built on
 * `ln(u)` leaves holes in the support of the output that depend on the private input.
 *
 * Timing is not constant: the number of words drawn depends on the outcome. Noise is added on the
 * contributor's own machine (local DP), so there is no remote observer of that timing.
 */

/** Where random words come from; the app injects a CSPRNG, tests a seeded generator. */
export type RandomSource = {
  /**
   * `csprng` for every draw the app makes; `seeded-test-only` marks a reproducible generator that
   * only tests may inject. Recorded with the applied DP parameters so a manifest can show it.
   */
  readonly kind: 'csprng' | 'seeded-test-only';
  /** A uniformly distributed integer in [0, 2^32). */
  nextUint32(): number;
};

export const TWO_POW_32 = 4_294_967_296;
export const TWO_POW_53 = 9_007_199_254_740_992;
const TWO_POW_26 = 67_108_864;
const TWO_POW_32_BIG = 4_294_967_296n;

/** A uniform double in [0, 1) with all 53 bits of the significand random (a multiple of 2^-53). */
export function uniformDouble(rng: RandomSource): number {
  // 27 + 26 bits: the classic construction that reaches every multiple of 2^-53 with equal mass;
  // `u / 2^32` would leave the low 21 bits of every sample zero.
  const high = rng.nextUint32() >>> 5;
  const low = rng.nextUint32() >>> 6;
  return (high * TWO_POW_26 + low) / TWO_POW_53;
}

/** One fair random bit. */
export function randomBit(rng: RandomSource): boolean {
  return (rng.nextUint32() & 1) === 1;
}

/** A uniform integer in [0, n) for an integer 1 ≤ n ≤ 2^53, by rejection (no modulo bias). */
export function uniformIntBelow(rng: RandomSource, n: number): number {
  if (n <= TWO_POW_32) {
    if (n === 1) return 0;
    // Reject the last, partial block of 2^32 mod n words so each residue has equal mass.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const word = rng.nextUint32();
      if (word < limit) return word % n;
    }
  }
  if (!(n <= TWO_POW_53) || !Number.isInteger(n)) {
    throw new RangeError(`uniformIntBelow needs an integer n in [1, 2^53], got ${n}`);
  }
  // Mask the high word to the bit length of n − 1 so at least half the candidates are accepted.
  const highMax = Math.floor((n - 1) / TWO_POW_32);
  const highBits = 32 - Math.clz32(highMax);
  for (;;) {
    const high = rng.nextUint32() >>> (32 - highBits);
    const candidate = high * TWO_POW_32 + rng.nextUint32();
    if (candidate < n) return candidate;
  }
}

/** A uniform bigint in [0, n) for a bigint n ≥ 1, by rejection. */
export function uniformBigIntBelow(rng: RandomSource, n: bigint): bigint {
  if (n < 1n) throw new RangeError('uniformBigIntBelow needs n ≥ 1');
  const bitLength = (n - 1n).toString(2).length;
  const words = Math.ceil(bitLength / 32);
  const excessBits = BigInt(words * 32 - bitLength);
  for (;;) {
    let candidate = 0n;
    for (let i = 0; i < words; i += 1) candidate = candidate * TWO_POW_32_BIG + BigInt(rng.nextUint32());
    candidate >>= excessBits;
    if (candidate < n) return candidate;
  }
}

/**
 * An exact Bernoulli(p) trial for a double p in [0, 1]: compares a lazily generated uniform real
 * against the exact binary expansion of p, 32 bits at a time (expected cost just over one word).
 */
export function bernoulli(rng: RandomSource, p: number): boolean {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli needs p in [0, 1], got ${p}`);
  if (p === 1) return true;
  let rest = p;
  while (rest > 0) {
    // Scaling by 2^32, taking the floor and subtracting are all exact on doubles in [0, 1).
    rest *= TWO_POW_32;
    const digit = Math.floor(rest);
    rest -= digit;
    const word = rng.nextUint32();
    if (word < digit) return true;
    if (word > digit) return false;
  }
  return false;
}

/** An exact Bernoulli(numerator / denominator) trial for integers 0 ≤ numerator ≤ denominator ≤ 2^53. */
export function bernoulliRational(rng: RandomSource, numerator: number, denominator: number): boolean {
  if (numerator >= denominator) return true;
  if (numerator <= 0) return false;
  return uniformIntBelow(rng, denominator) < numerator;
}

/** floor(a / b) and a mod b for non-negative safe integers, exact despite the rounded division. */
export function divMod(a: number, b: number): [number, number] {
  let quotient = Math.floor(a / b);
  let remainder = a - quotient * b;
  // The quotient of two doubles is rounded, so the floor can be one off in either direction.
  if (remainder < 0) {
    quotient -= 1;
    remainder += b;
  } else if (remainder >= b) {
    quotient += 1;
    remainder -= b;
  }
  return [quotient, remainder];
}

/**
 * Bernoulli(exp(−γ)) for γ = numerator/denominator ∈ [0, 1], exactly.
 * Canonne, Kamath & Steinke 2020, "The Discrete Gaussian for Differential Privacy", Algorithm 1
 * (γ ∈ [0,1] branch): the least K with a failed Bernoulli(γ/K) trial is odd with probability e^−γ.
 */
function bernoulliExpMinusAtMostOne(rng: RandomSource, numerator: number, denominator: number): boolean {
  let k = 1;
  // Bernoulli(γ/K) is drawn as Bernoulli(γ)·Bernoulli(1/K) so that γ·K never needs a product
  // that could leave the exactly representable integers.
  while (bernoulliRational(rng, numerator, denominator) && (k === 1 || uniformIntBelow(rng, k) === 0)) {
    k += 1;
  }
  return k % 2 === 1;
}

/**
 * An exact Bernoulli(exp(−numerator/denominator)) trial for safe integers numerator ≥ 0,
 * denominator ≥ 1. CKS 2020 Algorithm 1: for γ > 1, ⌊γ⌋ independent Bernoulli(e^−1) trials
 * must all succeed, then one Bernoulli(e^−(γ−⌊γ⌋)).
 */
export function bernoulliExpMinus(rng: RandomSource, numerator: number, denominator: number): boolean {
  if (numerator === 0) return true;
  if (numerator <= denominator) return bernoulliExpMinusAtMostOne(rng, numerator, denominator);
  const [whole, fraction] = divMod(numerator, denominator);
  for (let i = 0; i < whole; i += 1) {
    if (!bernoulliExpMinusAtMostOne(rng, 1, 1)) return false;
  }
  return bernoulliExpMinusAtMostOne(rng, fraction, denominator);
}

/** {@link bernoulliExpMinus} for bigint numerator and denominator (the rare overflow path). */
export function bernoulliExpMinusBig(rng: RandomSource, numerator: bigint, denominator: bigint): boolean {
  if (numerator === 0n) return true;
  const whole = numerator / denominator;
  const fraction = numerator % denominator;
  // ⌊γ⌋ can be huge here, but each Bernoulli(e^−1) fails with probability 1 − 1/e, so the loop
  // stops after a couple of trials in expectation.
  for (let i = 0n; i < whole; i += 1n) {
    if (!bernoulliExpMinusAtMostOne(rng, 1, 1)) return false;
  }
  let k = 1;
  while (uniformBigIntBelow(rng, denominator) < fraction && (k === 1 || uniformIntBelow(rng, k) === 0)) {
    k += 1;
  }
  return k % 2 === 1;
}

/**
 * A geometric count: the number of successes of independent Bernoulli(exp(−γ)) trials before the
 * first failure, so P(V = v) = e^(−γv)·(1 − e^−γ). Exact, via {@link bernoulliExpMinus}.
 */
export function geometricExpMinus(rng: RandomSource, numerator: number, denominator: number): number {
  let count = 0;
  while (bernoulliExpMinus(rng, numerator, denominator)) count += 1;
  return count;
}

/** The number of failures before the first success of exact Bernoulli(p) trials (p a double in (0, 1]). */
export function geometric(rng: RandomSource, p: number): number {
  if (!(p > 0 && p <= 1)) throw new RangeError(`geometric needs p in (0, 1], got ${p}`);
  let failures = 0;
  while (!bernoulli(rng, p)) failures += 1;
  return failures;
}
