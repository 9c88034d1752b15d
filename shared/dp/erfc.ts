/**
 * The complementary error function and the standard normal CDF, because JavaScript has no
 * `Math.erfc`. W. J. Cody, "Rational Chebyshev approximations for the error function",
 * Math. Comp. 23 (1969) 631–637, as in his CALERF routine (SPECFUN, 1985): three intervals with
 * rational approximations of relative error below 1e-16 in double precision, and the
 * exp(−x²) factor split as exp(−x₀²)·exp(−(x−x₀)(x+x₀)) with x₀ = ⌊16x⌋/16 so that the large
 * tails keep their relative accuracy. The coefficients are Cody's, written as the doubles they
 * round to. The analytic Gaussian calibration needs Φ deep in the tail (δ down to 1e-12 and
 * below), where `1 − erf` would have lost every digit.
 */

const ERF_A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const ERF_B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const ERFC_C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707, 2051.0783778260716,
  1230.3393547979972, 2.1531153547440383e-8,
];
const ERFC_D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247, 3439.3676741437216,
  1230.3393548037495,
];
const ERFC_P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378, 0.016315387137302097,
];
const ERFC_Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];

const ONE_OVER_SQRT_PI = 0.5641895835477563;
const SQRT_HALF = 0.7071067811865476;
const ERF_THRESHOLD = 0.46875;
// Beyond this erfc(x) underflows to 0 in double precision (Cody's XBIG for IEEE doubles).
const ERFC_UNDERFLOW = 26.543;

function coefficient(values: readonly number[], index: number): number {
  const value = values[index];
  if (value === undefined) throw new RangeError('coefficient index out of range');
  return value;
}

/** exp(−y²) with the argument split so the result keeps full relative accuracy for large y. */
function expMinusSquare(y: number): number {
  const rounded = Math.trunc(y * 16) / 16;
  const remainder = (y - rounded) * (y + rounded);
  return Math.exp(-rounded * rounded) * Math.exp(-remainder);
}

/** erf(x) for |x| ≤ 0.46875 (Cody's first interval). */
function erfSmall(x: number): number {
  const ySquared = x * x;
  let numerator = coefficient(ERF_A, 4) * ySquared;
  let denominator = ySquared;
  for (let i = 0; i < 3; i += 1) {
    numerator = (numerator + coefficient(ERF_A, i)) * ySquared;
    denominator = (denominator + coefficient(ERF_B, i)) * ySquared;
  }
  return (x * (numerator + coefficient(ERF_A, 3))) / (denominator + coefficient(ERF_B, 3));
}

/** erfc(y) for y > 0.46875 (Cody's second and third intervals). */
function erfcPositive(y: number): number {
  if (y >= ERFC_UNDERFLOW) return 0;
  if (y <= 4) {
    let numerator = coefficient(ERFC_C, 8) * y;
    let denominator = y;
    for (let i = 0; i < 7; i += 1) {
      numerator = (numerator + coefficient(ERFC_C, i)) * y;
      denominator = (denominator + coefficient(ERFC_D, i)) * y;
    }
    return ((numerator + coefficient(ERFC_C, 7)) / (denominator + coefficient(ERFC_D, 7))) * expMinusSquare(y);
  }
  const inverseSquare = 1 / (y * y);
  let numerator = coefficient(ERFC_P, 5) * inverseSquare;
  let denominator = inverseSquare;
  for (let i = 0; i < 4; i += 1) {
    numerator = (numerator + coefficient(ERFC_P, i)) * inverseSquare;
    denominator = (denominator + coefficient(ERFC_Q, i)) * inverseSquare;
  }
  const tail = (inverseSquare * (numerator + coefficient(ERFC_P, 4))) / (denominator + coefficient(ERFC_Q, 4));
  return ((ONE_OVER_SQRT_PI - tail) / y) * expMinusSquare(y);
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate to ~1e-15 relative. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= ERF_THRESHOLD) return 1 - erfSmall(x);
  const tail = erfcPositive(y);
  return x < 0 ? 2 - tail : tail;
}

/** The error function erf(x). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= ERF_THRESHOLD) return erfSmall(x);
  const value = 1 - erfcPositive(y);
  return x < 0 ? -value : value;
}

/** The standard normal CDF Φ(x) = erfc(−x/√2)/2, accurate in both tails. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * SQRT_HALF);
}
