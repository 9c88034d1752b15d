/**
 * Check-digit algorithms shared by several identifier schemes. Each takes the identifier's
 * digits (or characters) only, separators already removed, and never throws: a malformed input
 * simply fails the check.
 */

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** True when every character is 0-9. */
export function isAllDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigitCode(s.charCodeAt(i))) return false;
  return true;
}

/** Luhn (ISO/IEC 7812-1 Annex B): payment cards, Canadian SIN, Swedish personnummer, … */
export function luhnValid(digits: string): boolean {
  if (!isAllDigits(digits) || digits.length < 2) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * ISO 7064 MOD 97-10 over an alphanumeric string, letters counted A=10 … Z=35, as ISO 13616-1
 * §7.1 prescribes for IBAN. Computed piecewise so that no number exceeds 2^53.
 */
export function mod97(s: string): number {
  let rem = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigitCode(c)) {
      rem = (rem * 10 + (c - 48)) % 97;
    } else if (c >= 65 && c <= 90) {
      rem = (rem * 100 + (c - 55)) % 97;
    } else {
      return -1;
    }
  }
  return rem;
}

/** Sum of digit × weight; the shared core of the weighted mod-10/mod-11 schemes below. */
export function weightedSum(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (digits.charCodeAt(i) - 48) * (weights[i] ?? 0);
  return sum;
}

// Verhoeff (1969) dihedral-group tables, as used by Aadhaar (UIDAI) and Nigeria's NIN.
const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
] as const;
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
] as const;

/** Verhoeff check (the last digit checks the rest). */
export function verhoeffValid(digits: string): boolean {
  if (!isAllDigits(digits)) return false;
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    const p = VERHOEFF_P[i % 8]?.[d] ?? 0;
    c = VERHOEFF_D[c]?.[p] ?? 0;
  }
  return c === 0;
}

/**
 * ISO 7064 MOD 11,10 (hybrid system), as used by the German Steuer-ID (§139b AO) and USt-IdNr:
 * the last digit checks the first `digits.length - 1`.
 */
export function mod11_10Valid(digits: string): boolean {
  if (!isAllDigits(digits) || digits.length < 2) return false;
  let product = 10;
  for (let i = 0; i < digits.length - 1; i++) {
    let total = (digits.charCodeAt(i) - 48 + product) % 10;
    if (total === 0) total = 10;
    product = (total * 2) % 11;
  }
  let check = 11 - product;
  if (check === 10) check = 0;
  return check === digits.charCodeAt(digits.length - 1) - 48;
}

/** True when every digit is the same one: test patterns like 111111111 that pass many checks. */
export function isRepeatedDigit(s: string): boolean {
  for (let i = 1; i < s.length; i++) if (s.charCodeAt(i) !== s.charCodeAt(0)) return false;
  return true;
}

/** Day-month-year plausibility with real month lengths (Gregorian leap years). */
export function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (lengths[month - 1] ?? 0);
}
