import {
  TWO_POW_53,
  bernoulliExpMinus,
  bernoulliExpMinusBig,
  divMod,
  geometricExpMinus,
  randomBit,
  uniformIntBelow,
  type RandomSource,
} from './random';

/**
 * Exact samplers over the integers, after Canonne, Kamath & Steinke 2020, "The Discrete Gaussian
 * for Differential Privacy" (NeurIPS 2020; arXiv:2004.00010), §5. Every branch is decided by an
 * exact Bernoulli trial on integer ratios, so the output distribution is exactly the one the
 * privacy proof is about: no rounded logarithms, no support holes (Mironov 2012, §3).
 *
 * Parameters are plain doubles holding integers below 2^53 so the per-sample hot path never
 * touches bigint; a bigint fallback exists only for the astronomically rare tail draws of the
 * discrete Gaussian whose square would leave the exactly representable integers.
 */

/** Largest integer numerator or denominator accepted without losing exactness. */
const MAX_EXACT = TWO_POW_53 - 1;
/** Larger s would let V·(t mod s) approach 2^53 within plausible draws of V. */
const MAX_SCALE_DENOMINATOR = 4_294_967_296;

/** Discrete Laplace with scale t/s: P(z) ∝ exp(−|z|·s/t) over all integers z. */
export type DiscreteLaplaceSampler = {
  readonly scaleNumerator: number;
  readonly scaleDenominator: number;
  /** ⌊t/s⌋ and t mod s, precomputed for the exact division in the hot path. */
  readonly quotient: number;
  readonly remainder: number;
};

/** Prepares a discrete Laplace sampler with scale t/s (positive integers, t < 2^53, s ≤ 2^32). */
export function discreteLaplaceSampler(scaleNumerator: number, scaleDenominator: number): DiscreteLaplaceSampler {
  if (!Number.isInteger(scaleNumerator) || scaleNumerator < 1 || scaleNumerator > MAX_EXACT) {
    throw new RangeError(`discrete Laplace scale numerator must be an integer in [1, 2^53), got ${scaleNumerator}`);
  }
  if (!Number.isInteger(scaleDenominator) || scaleDenominator < 1 || scaleDenominator > MAX_SCALE_DENOMINATOR) {
    throw new RangeError(`discrete Laplace scale denominator must be an integer in [1, 2^32], got ${scaleDenominator}`);
  }
  const [quotient, remainder] = divMod(scaleNumerator, scaleDenominator);
  return { scaleNumerator, scaleDenominator, quotient, remainder };
}

/**
 * One exact draw from the discrete Laplace distribution. CKS 2020 Algorithm 2: U uniform in
 * [0, t) kept with probability e^(−U/t) and V ~ Geometric(1 − e^−1) make X = U + tV geometric
 * with ratio e^(−1/t); Y = ⌊X/s⌋ is geometric with ratio e^(−s/t); a random sign, rejecting
 * "−0", gives the two-sided distribution.
 */
export function sampleDiscreteLaplace(rng: RandomSource, sampler: DiscreteLaplaceSampler): number {
  const { scaleNumerator: t, scaleDenominator: s, quotient, remainder } = sampler;
  for (;;) {
    const u = uniformIntBelow(rng, t);
    if (!bernoulliExpMinus(rng, u, t)) continue;
    const v = geometricExpMinus(rng, 1, 1);
    // ⌊(U + tV)/s⌋ = V·⌊t/s⌋ + ⌊(U + V·(t mod s))/s⌋ keeps every intermediate below 2^53 for any
    // V that can occur (P(V ≥ 2^20) = e^(−2^20)).
    const magnitude = s === 1 ? u + t * v : v * quotient + divMod(u + v * remainder, s)[0];
    const isNegative = randomBit(rng);
    if (isNegative && magnitude === 0) continue;
    return isNegative ? -magnitude : magnitude;
  }
}

/** Discrete Gaussian N_Z(0, σ²) with σ² = a/b, ready for exact sampling. */
export type DiscreteGaussianSampler = {
  readonly sigmaSquaredNumerator: number;
  readonly sigmaSquaredDenominator: number;
  /** t = ⌊σ⌋ + 1, the scale of the discrete Laplace proposal. */
  readonly proposal: DiscreteLaplaceSampler;
  /** 2·a·b·t², the denominator of the rejection exponent γ (kept below 2^53). */
  readonly gammaDenominator: number;
};

/** Prepares a discrete Gaussian sampler for σ² = a/b (positive integers with 2·a·b·(⌊σ⌋+1)² < 2^53). */
export function discreteGaussianSampler(sigmaSquaredNumerator: number, sigmaSquaredDenominator: number): DiscreteGaussianSampler {
  const a = sigmaSquaredNumerator;
  const b = sigmaSquaredDenominator;
  if (!Number.isSafeInteger(a) || a < 1 || !Number.isSafeInteger(b) || b < 1) {
    throw new RangeError(`discrete Gaussian σ² must be a ratio of positive safe integers, got ${a}/${b}`);
  }
  // Any t > 0 gives an exact sampler (the acceptance ratio below is correct for every t);
  // t = ⌊σ⌋ + 1 is the choice CKS 2020 (§5.3) show keeps the expected number of rounds small.
  const t = Math.floor(Math.sqrt(a / b)) + 1;
  const gammaDenominator = 2 * a * b * t * t;
  if (!(gammaDenominator <= MAX_EXACT)) {
    throw new RangeError('discrete Gaussian parameters too large for exact double arithmetic');
  }
  return {
    sigmaSquaredNumerator: a,
    sigmaSquaredDenominator: b,
    proposal: discreteLaplaceSampler(t, 1),
    gammaDenominator,
  };
}

/**
 * One exact draw from N_Z(0, σ²). CKS 2020 Algorithm 3: propose Y from discrete Laplace(t) and
 * accept with probability exp(−(|Y| − σ²/t)²/(2σ²)). With σ² = a/b the exponent is the integer
 * ratio (|Y|·b·t − a)² / (2·a·b·t²), evaluated exactly.
 */
export function sampleDiscreteGaussian(rng: RandomSource, sampler: DiscreteGaussianSampler): number {
  const a = sampler.sigmaSquaredNumerator;
  const b = sampler.sigmaSquaredDenominator;
  const t = sampler.proposal.scaleNumerator;
  for (;;) {
    const y = sampleDiscreteLaplace(rng, sampler.proposal);
    const scaled = Math.abs(y) * b * t;
    const centred = scaled - a;
    const squared = centred * centred;
    const isAccepted =
      scaled <= MAX_EXACT && squared <= MAX_EXACT
        ? bernoulliExpMinus(rng, squared, sampler.gammaDenominator)
        : bernoulliExpMinusBig(rng, (BigInt(Math.abs(y)) * BigInt(b) * BigInt(t) - BigInt(a)) ** 2n, BigInt(sampler.gammaDenominator));
    if (isAccepted) return y;
  }
}
