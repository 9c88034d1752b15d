/**
 * A correctly rounded natural logarithm for privacy parameters.
 *
 * ECMAScript lets `Math.log` be approximate, and V8 returns ln 3 one ulp low
 * (1.0986122886681096 where the nearest double is 1.0986122886681098). An ε written into a
 * signed manifest should not depend on which JavaScript engine computed it, so calibration and
 * accounting use this logarithm: the value is evaluated in 128-bit fixed point with bigint and
 * rounded once (`Number(bigint)` rounds to nearest). Never on a per-row path.
 */

const FRACTION_BITS = 128n;
const FIXED_ONE = 1n << FRACTION_BITS;
const FIXED_TO_NUMBER = 2 ** 128;

let ln2Fixed: bigint | undefined;

/** atanh(numerator/denominator) in fixed point, by its odd power series; |ratio| ≤ 1/3. */
function atanhFixed(numerator: bigint, denominator: bigint): bigint {
  const ratio = (numerator << FRACTION_BITS) / denominator;
  const ratioSquared = (ratio * ratio) >> FRACTION_BITS;
  let power = ratio;
  let sum = 0n;
  for (let n = 1n; power !== 0n; n += 2n) {
    sum += power / n;
    // Division truncates toward zero, so a negative series also reaches 0 (`>>` would stick at −1).
    power = (power * ratioSquared) / FIXED_ONE;
  }
  return sum;
}

/** ln 2 = 2·atanh(1/3). */
function ln2(): bigint {
  ln2Fixed ??= 2n * atanhFixed(1n, 3n);
  return ln2Fixed;
}

/** ln(x) rounded to the nearest double (barring ties closer than 2^-120), for x > 0. */
export function preciseLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x === 1) return 0;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biasedExponent = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  // x = mantissa · 2^exponent exactly, with an integer mantissa.
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const exponent = biasedExponent === 0 ? -1074 : biasedExponent - 1075;
  const topBit = BigInt(mantissa.toString(2).length - 1);
  // x = m · 2^k with m = mantissa / 2^topBit ∈ [1, 2); fold m into [√½, √2) so the series
  // argument (m − 1)/(m + 1) stays below 0.172 in magnitude.
  let k = exponent + Number(topBit);
  let unit = 1n << topBit;
  if (mantissa * mantissa > 2n * unit * unit) {
    k += 1;
    unit <<= 1n;
  }
  const logFixed = BigInt(k) * ln2() + 2n * atanhFixed(mantissa - unit, mantissa + unit);
  return Number(logFixed) / FIXED_TO_NUMBER;
}
