import { AppError } from '../errors';
import { normalCdf } from './erfc';
import { preciseLog } from './precise-log';
import { bernoulli, uniformIntBelow, type RandomSource } from './random';
import {
  discreteGaussianSampler,
  discreteLaplaceSampler,
  sampleDiscreteGaussian,
  sampleDiscreteLaplace,
  type DiscreteGaussianSampler,
  type DiscreteLaplaceSampler,
} from './samplers';

/*
 * Calibration (closed forms and the analytic Gaussian search) and the hardened mechanisms.
 *
 * Sampling approach (defence against Mironov 2012, "On significance of the least significant
 * bits for differential privacy", CCS: the textbook −b·sign(u)·ln(1 − 2|u|) sampler on doubles
 * leaves input-dependent holes in the output's support). Rather than the snapping mechanism
 * (Mironov 2012, §5), every numeric mechanism here samples EXACTLY from a discrete distribution
 * over the integers and works on a grid, as Google's library does for Laplace (noise on a
 * granularity grid) and OpenDP does with exact samplers:
 *   1. clamp the value to the declared bounds [L, U];
 *   2. map it to one of W + 1 integer levels n = round((x − L)/step) ∈ [0, W], step = (U − L)/W.
 *      This map is deterministic, so whatever its floating-point rounding, two records' levels
 *      differ by at most W: the sensitivity is exactly the integer W, with no slack term;
 *   3. add exact discrete Laplace or discrete Gaussian noise Y in level units (Canonne, Kamath &
 *      Steinke 2020, Algorithms 2 and 3; see samplers.ts), the scale rounded UP to a rational
 *      so the achieved ε never exceeds the requested one;
 *   4. output L + (n + Y)·step. That is a deterministic function of the integer n + Y alone, so
 *      its floating-point rounding and any later formatting are post-processing and cannot leak.
 * W is chosen so the level step is tiny next to the noise (2^-24 of the bound width for Laplace,
 * ~σ/1024 for Gaussian): the rounding in step 2 costs no visible accuracy.
 * Compared with snapping: no ln(u) anywhere, an exact privacy statement for the integer
 * mechanism instead of a bound with extra slack, and a per-value path of plain double-integer
 * arithmetic (no bigint), which matters at a million rows.
 */

const TWO_POW_48 = 281_474_976_710_656;
const TWO_POW_53 = 9_007_199_254_740_992;
/** Laplace levels for a numeric column: the step is 2^-24 of the bound width. */
export const LAPLACE_LEVELS = 16_777_216;
/** Gaussian target: σ ≈ 1024 levels, which keeps 2·a·b·t² below 2^53 in the exact sampler. */
export const GAUSSIAN_SIGMA_LEVELS = 1024;
/** Beyond this σ in levels (only when W = 1, i.e. σ > 8192·(U − L)) the exact step would overflow. */
const MAX_GAUSSIAN_SIGMA_LEVELS = 8192;
/** Target size of σ² numerators (precision of the rounded-up σ² ≈ 2^-20 relative). */
const SIGMA_SQUARED_PRECISION_BITS = 20;

/** Throws the user-facing error for an unusable parameter. */
function invalid(message: string, details?: Record<string, unknown>): never {
  throw new AppError('invalid_input', message, details);
}

function requirePositiveFinite(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) invalid(`${name} must be a positive finite number, got ${value}`);
}

/** Clamps x into [lower, upper]; NaN clamps to lower so that it can never escape the bounds. */
export function clamp(x: number, lower: number, upper: number): number {
  if (x >= upper) return upper;
  if (x >= lower) return x;
  return lower;
}

// ---------------------------------------------------------------------------------------------
// Laplace
// ---------------------------------------------------------------------------------------------

/** Laplace scale b = Δ₁/ε (Dwork, McSherry, Nissim & Smith 2006; Dwork & Roth 2014, Def. 3.3). */
export function laplaceScale(sensitivity: number, epsilon: number): number {
  return sensitivity / epsilon;
}

/** Variance of Laplace(b): 2b². */
export function laplaceVariance(scale: number): number {
  return 2 * scale * scale;
}

/** ε of the Laplace mechanism with the given scale: ε = Δ/scale (OpenDP's privacy map). */
export function laplaceEpsilon(sensitivity: number, scale: number): number {
  if (sensitivity < 0 || scale < 0) invalid('sensitivity and scale must be non-negative');
  if (sensitivity === 0) return 0;
  if (scale === 0) return Number.POSITIVE_INFINITY;
  return sensitivity / scale;
}

// ---------------------------------------------------------------------------------------------
// Gaussian
// ---------------------------------------------------------------------------------------------

/**
 * Classic Gaussian σ = Δ₂·√(2 ln(1.25/δ))/ε (Dwork & Roth 2014, Thm A.1). Only a valid
 * guarantee for ε < 1 and loose even there; kept for comparison, never used to calibrate.
 */
export function classicGaussianSigma(sensitivity: number, epsilon: number, delta: number): number {
  return (sensitivity * Math.sqrt(2 * preciseLog(1.25 / delta))) / epsilon;
}

/**
 * δ achieved by Gaussian noise σ for L2 sensitivity Δ at ε (Balle & Wang 2018, "Improving the
 * Gaussian mechanism for differential privacy", ICML, Thm 8):
 * δ = Φ(Δ/(2σ) − εσ/Δ) − e^ε·Φ(−Δ/(2σ) − εσ/Δ). Exact, not a bound.
 */
export function analyticGaussianDelta(sigma: number, sensitivity: number, epsilon: number): number {
  if (sigma < 0 || sensitivity < 0 || epsilon < 0) invalid('σ, sensitivity and ε must be non-negative');
  if (sensitivity === 0 || epsilon === Number.POSITIVE_INFINITY) return 0;
  if (sigma === 0) return 1;
  const half = sensitivity / (2 * sigma);
  const shift = (epsilon * sigma) / sensitivity;
  const upper = normalCdf(half - shift);
  const lowerCdf = normalCdf(-half - shift);
  // e^ε overflows past ε ≈ 709 while Φ is tiny; multiply in log space there.
  const lower = lowerCdf === 0 ? 0 : epsilon < 700 ? Math.exp(epsilon) * lowerCdf : Math.exp(epsilon + Math.log(lowerCdf));
  return Math.max(0, upper - lower);
}

/**
 * The smallest σ with δ(σ) ≤ δ (Balle & Wang 2018, Thm 8 and §4): δ(σ) is decreasing in σ, so a
 * bracket-and-bisect to adjacent doubles; the upper end is returned so δ(σ) ≤ δ holds.
 */
export function analyticGaussianSigma(sensitivity: number, epsilon: number, delta: number): number {
  requirePositiveFinite('sensitivity', sensitivity);
  requirePositiveFinite('ε', epsilon);
  if (!(delta > 0 && delta < 1)) invalid(`δ must be in (0, 1) for the Gaussian mechanism, got ${delta}`);
  let high = sensitivity;
  while (analyticGaussianDelta(high, sensitivity, epsilon) > delta) high *= 2;
  let low = high;
  while (low > Number.MIN_VALUE && analyticGaussianDelta(low, sensitivity, epsilon) <= delta) low /= 2;
  for (let i = 0; i < 2000; i += 1) {
    const middle = low + (high - low) / 2;
    if (middle <= low || middle >= high) break;
    if (analyticGaussianDelta(middle, sensitivity, epsilon) <= delta) high = middle;
    else low = middle;
  }
  return high;
}

/** zCDP ρ of Gaussian noise σ for L2 sensitivity Δ: ρ = Δ²/(2σ²) (Bun & Steinke 2016, Prop 1.6). */
export function gaussianRho(sensitivity: number, sigma: number): number {
  if (sensitivity === 0) return 0;
  if (sigma === 0) return Number.POSITIVE_INFINITY;
  return (sensitivity * sensitivity) / (2 * sigma * sigma);
}

/** ρ-zCDP implied by pure ε-DP: ρ = ε²/2 (Bun & Steinke 2016, Prop 1.4). */
export function pureDpToZcdp(epsilon: number): number {
  return (epsilon * epsilon) / 2;
}

/** ε for ρ-zCDP at δ by the simple conversion ε = ρ + 2√(ρ ln(1/δ)) (Bun & Steinke 2016, Prop 1.3). */
export function zcdpToApproxDpEpsilon(rho: number, delta: number): number {
  if (rho < 0) invalid('ρ must be non-negative');
  if (!(delta > 0 && delta <= 1)) invalid(`δ must be in (0, 1], got ${delta}`);
  if (rho === 0) return 0;
  return rho + 2 * Math.sqrt(rho * preciseLog(1 / delta));
}

/**
 * δ for ρ-zCDP at ε by the optimal Rényi conversion (Canonne, Kamath & Steinke 2020, §2.3):
 * δ = min over α > 1 of exp((α−1)(αρ − ε) + α·ln(1 − 1/α))/(α − 1); the minimiser is found by
 * bisection on the sign of the derivative, as in OpenDP's `cdp_delta`.
 */
export function cdpDelta(rho: number, epsilon: number): number {
  if (rho < 0 || epsilon < 0) invalid('ρ and ε must be non-negative');
  if (rho === 0 || epsilon === Number.POSITIVE_INFINITY) return 0;
  if (rho === Number.POSITIVE_INFINITY) return 1;
  let alphaMax = (epsilon + 1) / (2 * rho) + 2;
  let alphaMin = 1.01;
  for (;;) {
    const alphaMid = alphaMin + (alphaMax - alphaMin) / 2;
    if (alphaMid === alphaMax || alphaMid === alphaMin) break;
    const derivative = (2 * alphaMid - 1) * rho - epsilon + Math.log1p(-1 / alphaMid);
    if (derivative < 0) alphaMin = alphaMid;
    else alphaMax = alphaMid;
  }
  const exponent = (alphaMax - 1) * (alphaMax * rho - epsilon) + alphaMax * Math.log1p(-1 / alphaMax);
  return Math.min(1, Math.exp(exponent) / (alphaMax - 1));
}

/**
 * ε for ρ-zCDP at δ by the optimal Rényi conversion (CKS 2020, §2.3):
 * ε = inf over α > 1 of αρ + (ln(1/δ) + (α−1)·ln(1 − 1/α) − ln α)/(α − 1), as OpenDP's `cdp_epsilon`.
 */
export function cdpEpsilon(rho: number, delta: number): number {
  if (rho < 0) invalid('ρ must be non-negative');
  if (!(delta > 0)) invalid('δ must be positive');
  if (rho === 0) return 0;
  if (rho === Number.POSITIVE_INFINITY) return rho;
  // The objective's derivative in α is positive iff ρ > −ln(αδ)/(α − 1)².
  const isDerivativePositive = (alpha: number): boolean => rho > -Math.log(alpha * delta) / (alpha - 1) ** 2;
  let alphaMin = 1.01;
  let alphaMax = 2;
  while (!isDerivativePositive(alphaMax)) alphaMax *= 2;
  for (;;) {
    const alphaMid = alphaMin + (alphaMax - alphaMin) / 2;
    if (alphaMid === alphaMax || alphaMid === alphaMin) break;
    if (isDerivativePositive(alphaMid)) alphaMax = alphaMid;
    else alphaMin = alphaMid;
  }
  const alphaMinusOne = alphaMax - 1;
  const numerator = Math.log(alphaMinusOne / alphaMax) * alphaMinusOne - Math.log(alphaMax) + preciseLog(1 / delta);
  return Math.max(0, alphaMax * rho + numerator / alphaMinusOne);
}

/**
 * Exact δ of the discrete Gaussian N_ℤ(0, σ²) for integer sensitivity Δ at ε (Canonne, Kamath &
 * Steinke 2020, Thm 7): δ = P[Y > εσ²/Δ − Δ/2] − e^ε·P[Y > εσ²/Δ + Δ/2], summed term by term as
 * Σ_{m > εσ²/Δ − Δ/2} w(m)·(1 − e^(ε − (2mΔ + Δ²)/(2σ²))) / Σ_y w(y), w(y) = e^(−y²/(2σ²)), so
 * every term is non-negative and nothing cancels.
 */
export function discreteGaussianDelta(sigmaSquared: number, sensitivity: number, epsilon: number): number {
  if (!(sigmaSquared > 0)) invalid('σ² must be positive');
  if (!Number.isInteger(sensitivity) || sensitivity < 1) invalid('discrete Gaussian sensitivity must be a positive integer');
  if (epsilon < 0) invalid('ε must be non-negative');
  const twoSigmaSquared = 2 * sigmaSquared;
  // exp(−745.2) is the smallest positive double: terms beyond this radius are exactly zero.
  const radius = Math.ceil(Math.sqrt(twoSigmaSquared * 746));
  let normaliser = 1;
  for (let y = 1; y <= radius; y += 1) normaliser += 2 * Math.exp(-(y * y) / twoSigmaSquared);
  const threshold = (epsilon * sigmaSquared) / sensitivity - sensitivity / 2;
  const deltaSquared = sensitivity * sensitivity;
  let sum = 0;
  for (let m = Math.max(Math.floor(threshold) + 1, -radius); m <= radius; m += 1) {
    const lossGap = epsilon - (2 * m * sensitivity + deltaSquared) / twoSigmaSquared;
    if (lossGap >= 0) continue;
    sum += Math.exp(-(m * m) / twoSigmaSquared) * -Math.expm1(lossGap);
  }
  return Math.min(1, sum / normaliser);
}

// ---------------------------------------------------------------------------------------------
// Randomized response
// ---------------------------------------------------------------------------------------------

/**
 * Probability that k-ary randomized response reports the true value: e^ε/(e^ε + k − 1)
 * (Warner 1965 for k = 2; Kairouz, Oh & Viswanath 2016 "Extremal mechanisms", k-RR).
 */
export function randomizedResponsePTruth(epsilon: number, categories: number): number {
  if (!(epsilon >= 0)) invalid('ε must be non-negative');
  if (!Number.isInteger(categories) || categories < 2) invalid('randomized response needs at least 2 categories');
  const expEpsilon = Math.exp(epsilon);
  if (expEpsilon === Number.POSITIVE_INFINITY) return 1;
  return expEpsilon / (expEpsilon + (categories - 1));
}

/** Probability of reporting one particular other value: 1/(e^ε + k − 1). */
export function randomizedResponsePOther(epsilon: number, categories: number): number {
  if (!(epsilon >= 0)) invalid('ε must be non-negative');
  if (!Number.isInteger(categories) || categories < 2) invalid('randomized response needs at least 2 categories');
  const expEpsilon = Math.exp(epsilon);
  if (expEpsilon === Number.POSITIVE_INFINITY) return 0;
  return 1 / (expEpsilon + (categories - 1));
}

/** ε of k-ary randomized response with truth probability p ∈ [1/k, 1]: ln(p(k − 1)/(1 − p)) (OpenDP). */
export function randomizedResponseEpsilon(pTruth: number, categories: number): number {
  if (!Number.isInteger(categories) || categories < 2) invalid('randomized response needs at least 2 categories');
  if (!(pTruth >= 1 / categories && pTruth <= 1)) invalid(`pTruth must be in [1/k, 1], got ${pTruth}`);
  if (pTruth === 1) return Number.POSITIVE_INFINITY;
  return Math.max(0, preciseLog((pTruth * (categories - 1)) / (1 - pTruth)));
}

// ---------------------------------------------------------------------------------------------
// Discrete Laplace (geometric)
// ---------------------------------------------------------------------------------------------

/**
 * Geometric-mechanism parameter α = e^(−ε/Δ): P(z) ∝ α^|z| on ℤ (Ghosh, Roughgarden & Sundararajan
 * 2009; CKS 2020 Def. 18 with scale t = Δ/ε).
 */
export function discreteLaplaceParameter(sensitivity: number, epsilon: number): number {
  return Math.exp(-epsilon / sensitivity);
}

/** Variance of the discrete Laplace distribution with scale b: 2α/(1 − α)², α = e^(−1/b). */
export function discreteLaplaceVariance(scale: number): number {
  const alpha = Math.exp(-1 / scale);
  const oneMinusAlpha = -Math.expm1(-1 / scale);
  return (2 * alpha) / (oneMinusAlpha * oneMinusAlpha);
}

/** Expected |Z| of the discrete Laplace distribution with scale b: 2α/(1 − α²). */
export function discreteLaplaceExpectedAbs(scale: number): number {
  const alpha = Math.exp(-1 / scale);
  return (2 * alpha) / -Math.expm1(-2 / scale);
}

/** A discrete Laplace scale t/s ≥ Δ/ε rounded up to a rational, and the ε it actually achieves. */
export type DiscreteLaplaceCalibration = {
  readonly scaleNumerator: number;
  readonly scaleDenominator: number;
  /** t/s in grid units. */
  readonly scale: number;
  /** Δ·s/t ≤ the requested ε. */
  readonly epsilon: number;
};

/**
 * Rounds the scale Δ/ε up to t/s with s a power of two (t ≈ 2^31 where possible, so the
 * rounding costs at most ~2^-31 of ε and draws stay one word); rounding up keeps ε' ≤ ε.
 */
export function calibrateDiscreteLaplace(sensitivity: number, epsilon: number): DiscreteLaplaceCalibration {
  if (!Number.isSafeInteger(sensitivity) || sensitivity < 1) invalid('discrete Laplace sensitivity must be a positive integer');
  requirePositiveFinite('ε', epsilon);
  const scale = sensitivity / epsilon;
  if (!(scale <= TWO_POW_48)) {
    invalid(`ε = ${epsilon} is too small for a sensitivity of ${sensitivity}: the noise would swamp every value`);
  }
  const exponent = Math.max(0, Math.min(32, 31 - Math.ceil(Math.log2(scale))));
  const denominator = 2 ** exponent;
  let numerator = Math.ceil((sensitivity * denominator) / epsilon);
  while ((sensitivity * denominator) / numerator > epsilon) numerator += 1;
  return {
    scaleNumerator: numerator,
    scaleDenominator: denominator,
    scale: numerator / denominator,
    epsilon: (sensitivity * denominator) / numerator,
  };
}

// ---------------------------------------------------------------------------------------------
// Mechanism plans: calibrated once per column, applied per value
// ---------------------------------------------------------------------------------------------

/** The level grid shared by the numeric mechanisms: [L, U] mapped onto the integers 0…W. */
export type LevelGrid = {
  readonly lower: number;
  readonly upper: number;
  /** W: the number of steps between L and U, and the exact sensitivity in level units. */
  readonly levels: number;
  /** (U − L)/W in value units. */
  readonly step: number;
  /** Integer columns round outputs back to integers (post-processing). */
  readonly isInteger: boolean;
};

/** A calibrated Laplace (numeric) or discrete Laplace (integer) mechanism on a level grid. */
export type LaplacePlan = LevelGrid & {
  readonly mechanism: 'laplace' | 'discrete-laplace';
  /** Noise scale in value units: step·t/s. */
  readonly scale: number;
  /** ε actually achieved (≤ requested). */
  readonly epsilon: number;
  readonly sampler: DiscreteLaplaceSampler;
};

/** A calibrated Gaussian mechanism (exact discrete Gaussian on a level grid). */
export type GaussianPlan = LevelGrid & {
  readonly mechanism: 'gaussian';
  /** σ in value units: step·√(a/b). */
  readonly sigma: number;
  readonly epsilon: number;
  /** δ actually achieved at ε (CKS 2020 Thm 7), ≤ requested. */
  readonly delta: number;
  /** zCDP ρ = W²/(2σ²) in level units (CKS 2020 §2: as for the continuous Gaussian). */
  readonly rho: number;
  readonly sampler: DiscreteGaussianSampler;
};

/** A calibrated k-ary randomized response over a fixed domain. */
export type RandomizedResponsePlan = {
  readonly mechanism: 'randomized-response';
  readonly domain: readonly string[];
  readonly pTruth: number;
  readonly pOther: number;
  readonly epsilon: number;
  readonly indexOf: ReadonlyMap<string, number>;
};

function requireBounds(lower: number, upper: number, isInteger: boolean): void {
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) invalid('bounds must be finite numbers');
  if (!(lower < upper)) invalid(`the lower bound must be below the upper bound, got [${lower}, ${upper}]`);
  if (!Number.isFinite(upper - lower)) invalid('the bounds are too far apart');
  if (isInteger && (!Number.isSafeInteger(lower) || !Number.isSafeInteger(upper) || !Number.isSafeInteger(upper - lower))) {
    invalid('integer columns need integer bounds');
  }
}

function levelGrid(lower: number, upper: number, levels: number, isInteger: boolean): LevelGrid {
  return { lower, upper, levels, step: (upper - lower) / levels, isInteger };
}

/**
 * Calibrates Laplace noise for one value in [lower, upper] at ε (local DP, a record's value
 * replaced: Δ = U − L). Integer columns use one level per integer (the discrete Laplace or
 * geometric mechanism, Ghosh, Roughgarden & Sundararajan 2009).
 */
export function planLaplace(lower: number, upper: number, epsilon: number, isInteger: boolean): LaplacePlan {
  requireBounds(lower, upper, isInteger);
  requirePositiveFinite('ε', epsilon);
  const grid = levelGrid(lower, upper, isInteger ? upper - lower : LAPLACE_LEVELS, isInteger);
  const calibration = calibrateDiscreteLaplace(grid.levels, epsilon);
  return {
    ...grid,
    mechanism: isInteger ? 'discrete-laplace' : 'laplace',
    scale: grid.step * calibration.scale,
    epsilon: calibration.epsilon,
    sampler: discreteLaplaceSampler(calibration.scaleNumerator, calibration.scaleDenominator),
  };
}

/** Rounds σ² up to a/b with b a power of two, keeping 2·a·b·t² below 2^53 (exact rejection step). */
function rationalSigmaSquared(sigmaSquared: number): { numerator: number; denominator: number } {
  let denominator =
    sigmaSquared >= 2 ** SIGMA_SQUARED_PRECISION_BITS ? 1 : 2 ** Math.ceil(SIGMA_SQUARED_PRECISION_BITS - Math.log2(sigmaSquared));
  for (;;) {
    const numerator = Math.ceil(sigmaSquared * denominator);
    const t = Math.floor(Math.sqrt(numerator / denominator)) + 1;
    if (2 * numerator * denominator * t * t < TWO_POW_53 || denominator === 1) return { numerator, denominator };
    denominator /= 2;
  }
}

/**
 * Calibrates Gaussian noise for one value in [lower, upper] at (ε, δ): σ from the analytic
 * Gaussian (Balle & Wang 2018) for the level sensitivity W, σ² rounded up to a rational, then
 * checked (and raised if ever needed) against the discrete Gaussian's exact δ (CKS 2020 Thm 7).
 */
export function planGaussian(lower: number, upper: number, epsilon: number, delta: number, isInteger: boolean): GaussianPlan {
  requireBounds(lower, upper, isInteger);
  requirePositiveFinite('ε', epsilon);
  if (!(delta > 0 && delta < 1)) invalid(`the Gaussian mechanism needs δ in (0, 1), got ${delta}`);
  const width = upper - lower;
  const continuousSigma = analyticGaussianSigma(width, epsilon, delta);
  // Integer columns keep one level per integer while σ is small enough for exact arithmetic.
  const levels =
    isInteger && continuousSigma <= GAUSSIAN_SIGMA_LEVELS
      ? width
      : Math.max(1, Math.ceil((GAUSSIAN_SIGMA_LEVELS * width) / continuousSigma));
  const grid = levelGrid(lower, upper, levels, isInteger);
  const levelSigma = analyticGaussianSigma(levels, epsilon, delta);
  if (levelSigma > MAX_GAUSSIAN_SIGMA_LEVELS) {
    invalid(`ε = ${epsilon} is too small for the Gaussian mechanism here: the noise would swamp every value`);
  }
  const rational = rationalSigmaSquared(levelSigma * levelSigma);
  const denominator = rational.denominator;
  let numerator = rational.numerator;
  let achievedDelta = discreteGaussianDelta(numerator / denominator, levels, epsilon);
  for (let attempt = 0; achievedDelta > delta; attempt += 1) {
    if (attempt > 200) throw new AppError('internal', 'could not calibrate the discrete Gaussian');
    numerator = Math.ceil(numerator * (1 + 2 ** -20)) + 1;
    achievedDelta = discreteGaussianDelta(numerator / denominator, levels, epsilon);
  }
  const sigmaSquared = numerator / denominator;
  return {
    ...grid,
    mechanism: 'gaussian',
    sigma: grid.step * Math.sqrt(sigmaSquared),
    epsilon,
    delta: achievedDelta,
    rho: (levels * levels) / (2 * sigmaSquared),
    sampler: discreteGaussianSampler(numerator, denominator),
  };
}

/** Calibrates k-ary randomized response over `domain` at ε. */
export function planRandomizedResponse(domain: readonly string[], epsilon: number): RandomizedResponsePlan {
  if (new Set(domain).size !== domain.length) invalid('the categorical domain must not repeat values');
  if (domain.length < 2) invalid('randomized response needs a domain of at least 2 values');
  if (!(epsilon >= 0) || !Number.isFinite(epsilon)) invalid('ε must be a non-negative finite number');
  const indexOf = new Map<string, number>();
  domain.forEach((value, index) => indexOf.set(value, index));
  return {
    mechanism: 'randomized-response',
    domain: [...domain],
    pTruth: randomizedResponsePTruth(epsilon, domain.length),
    pOther: randomizedResponsePOther(epsilon, domain.length),
    epsilon,
    indexOf,
  };
}

/** The level of a clamped value, forced into [0, W] whatever the floating-point rounding. */
function toLevel(grid: LevelGrid, value: number): number {
  const level = Math.round((clamp(value, grid.lower, grid.upper) - grid.lower) / grid.step);
  return level < 0 ? 0 : level > grid.levels ? grid.levels : level;
}

/** Maps a noisy level back to value units: post-processing of the integer n + Y only. */
function fromLevel(grid: LevelGrid, noisyLevel: number): number {
  const value = grid.lower + noisyLevel * grid.step;
  return grid.isInteger ? Math.round(value) : value;
}

/** Adds calibrated Laplace noise to one value: clamp, map to a level, add exact discrete noise. */
export function applyLaplace(plan: LaplacePlan, value: number, rng: RandomSource): number {
  return fromLevel(plan, toLevel(plan, value) + sampleDiscreteLaplace(rng, plan.sampler));
}

/** Adds calibrated Gaussian noise to one value: clamp, map to a level, add exact discrete Gaussian noise. */
export function applyGaussian(plan: GaussianPlan, value: number, rng: RandomSource): number {
  return fromLevel(plan, toLevel(plan, value) + sampleDiscreteGaussian(rng, plan.sampler));
}

/**
 * Randomized response for one value: the truth with probability pTruth, otherwise one of the
 * other k − 1 values uniformly. A value outside the domain is answered uniformly at random, as in
 * OpenDP's `make_randomized_response` (uniform output is independent of the input, so ε holds).
 */
export function applyRandomizedResponse(plan: RandomizedResponsePlan, value: string, rng: RandomSource): string {
  const { domain } = plan;
  const index = plan.indexOf.get(value);
  if (index === undefined) return domain[uniformIntBelow(rng, domain.length)] as string;
  // Exact Bernoulli on the double pTruth: no rounded comparison of a uniform double.
  if (bernoulli(rng, plan.pTruth)) return value;
  const other = uniformIntBelow(rng, domain.length - 1);
  return domain[other >= index ? other + 1 : other] as string;
}

// ---------------------------------------------------------------------------------------------
// Noisy aggregates for the dataset summary (central DP over the table, add/remove one record)
// ---------------------------------------------------------------------------------------------

/** A released aggregate with the parameters it was released under. */
export type NoisyAggregate = {
  readonly value: number;
  readonly epsilon: number;
  /** Noise scale in value units. */
  readonly scale: number;
  readonly sensitivity: number;
  readonly mechanism: 'discrete-laplace' | 'laplace';
};

/** Record count plus discrete Laplace noise: adding or removing one record changes it by 1. */
export function noisyCount(count: number, epsilon: number, rng: RandomSource): NoisyAggregate {
  if (!Number.isSafeInteger(count) || count < 0) invalid('count must be a non-negative integer');
  const calibration = calibrateDiscreteLaplace(1, epsilon);
  const sampler = discreteLaplaceSampler(calibration.scaleNumerator, calibration.scaleDenominator);
  return {
    value: count + sampleDiscreteLaplace(rng, sampler),
    epsilon: calibration.epsilon,
    scale: calibration.scale,
    sensitivity: 1,
    mechanism: 'discrete-laplace',
  };
}

/**
 * Sum of values clamped to [lower, upper] plus Laplace noise. Under add/remove one record the
 * sensitivity is M = max(|L|, |U|); each value is mapped to an integer level in [−W, W] with
 * step M/W, so the level sum has sensitivity exactly W.
 */
export function noisySum(
  values: readonly number[],
  lower: number,
  upper: number,
  epsilon: number,
  rng: RandomSource,
  isInteger = false,
): NoisyAggregate {
  requireBounds(lower, upper, isInteger);
  requirePositiveFinite('ε', epsilon);
  const magnitude = Math.max(Math.abs(lower), Math.abs(upper));
  const levels = isInteger ? magnitude : LAPLACE_LEVELS;
  const step = magnitude / levels;
  let total = 0;
  for (const value of values) {
    const level = Math.round(clamp(value, lower, upper) / step);
    total += level < -levels ? -levels : level > levels ? levels : level;
  }
  if (!Number.isSafeInteger(total)) invalid('the sum is too large to add noise exactly; narrow the bounds');
  const calibration = calibrateDiscreteLaplace(levels, epsilon);
  const sampler = discreteLaplaceSampler(calibration.scaleNumerator, calibration.scaleDenominator);
  return {
    value: (total + sampleDiscreteLaplace(rng, sampler)) * step,
    epsilon: calibration.epsilon,
    scale: calibration.scale * step,
    sensitivity: magnitude,
    mechanism: isInteger ? 'discrete-laplace' : 'laplace',
  };
}

/** Mean of clamped values as noisy sum / noisy count, ε split in half (basic composition). */
export function noisyMean(
  values: readonly number[],
  lower: number,
  upper: number,
  epsilon: number,
  rng: RandomSource,
): { value: number; epsilon: number; sum: NoisyAggregate; count: NoisyAggregate } {
  requirePositiveFinite('ε', epsilon);
  const sum = noisySum(values, lower, upper, epsilon / 2, rng);
  const count = noisyCount(values.length, epsilon / 2, rng);
  // Post-processing of the two releases: cannot cost privacy.
  const value = clamp(sum.value / Math.max(1, count.value), lower, upper);
  return { value, epsilon: sum.epsilon + count.epsilon, sum, count };
}

/** A histogram over a fixed domain, each bin plus discrete Laplace noise. */
export type NoisyHistogram = {
  readonly bins: readonly { readonly value: string; readonly count: number }[];
  /** Records whose value is outside the domain, as one more noisy bin. */
  readonly outOfDomain: number;
  readonly epsilon: number;
  readonly scale: number;
};

/**
 * Noisy histogram: adding or removing one record changes exactly one bin by 1, so L1 sensitivity
 * is 1 and every bin gets discrete Laplace(1/ε) (Dwork & Roth 2014, §3.3, histogram queries).
 */
export function noisyHistogram(values: readonly string[], domain: readonly string[], epsilon: number, rng: RandomSource): NoisyHistogram {
  if (new Set(domain).size !== domain.length) invalid('the histogram domain must not repeat values');
  const counts = new Map<string, number>(domain.map((value) => [value, 0]));
  let outside = 0;
  for (const value of values) {
    const current = counts.get(value);
    if (current === undefined) outside += 1;
    else counts.set(value, current + 1);
  }
  const calibration = calibrateDiscreteLaplace(1, epsilon);
  const sampler = discreteLaplaceSampler(calibration.scaleNumerator, calibration.scaleDenominator);
  return {
    bins: domain.map((value) => ({ value, count: (counts.get(value) ?? 0) + sampleDiscreteLaplace(rng, sampler) })),
    outOfDomain: outside + sampleDiscreteLaplace(rng, sampler),
    epsilon: calibration.epsilon,
    scale: calibration.scale,
  };
}
