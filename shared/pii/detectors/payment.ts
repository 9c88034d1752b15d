import { isAllDigits, isRepeatedDigit, luhnValid, mod97 } from '../checksums';
import type { IdRule, RunView } from './id-runs';
import { LETTERS, runs } from './id-runs';

/**
 * Payment identifiers: card numbers (Luhn) and IBANs (ISO 13616 mod-97 with the registry's
 * length per country).
 */

/** Issuer prefixes (ISO/IEC 7812 IIN ranges as published by the schemes) and their lengths. */
function cardBrand(d: string): string | undefined {
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  const len = d.length;
  if (d.startsWith('4') && (len === 13 || len === 16 || len === 19)) return 'Visa';
  if (((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) && len === 16) return 'Mastercard';
  if ((two === 34 || two === 37) && len === 15) return 'American Express';
  if ((two === 36 || two === 38 || two === 39 || (four >= 3000 && four <= 3059) || four === 3095) && len >= 14 && len <= 19)
    return 'Diners Club';
  if ((four === 6011 || two === 65 || (four >= 6440 && four <= 6499)) && len >= 16 && len <= 19) return 'Discover';
  if (four >= 3528 && four <= 3589 && len >= 16 && len <= 19) return 'JCB';
  if (two === 62 && len >= 16 && len <= 19) return 'UnionPay';
  if ((two === 50 || (two >= 56 && two <= 69)) && len >= 12 && len <= 19) return 'Maestro';
  if (d.startsWith('1') && len === 15) return 'UATP';
  return undefined;
}

/** Groupings printed on cards: 4-4-4-4(-3), Amex 4-6-5, Diners 4-6-4. */
const CARD_GROUPINGS: readonly (readonly number[])[] = [
  [4, 4, 4, 4],
  [4, 4, 4, 4, 3],
  [4, 6, 5],
  [4, 6, 4],
  [4, 4, 4, 3],
  [4, 4, 4, 2],
];

export const creditCardRule: IdRule = {
  detector: 'credit-card',
  type: 'CREDIT_CARD',
  minLength: 12,
  maxLength: 19,
  maxLetters: 0,
  maxGroups: 5,
  specificity: 3,
  sepChars: ' -',
  context: [
    'credit',
    'card',
    'credit card',
    'visa',
    'mastercard',
    'amex',
    'american express',
    'discover',
    'jcb',
    'diners',
    'maestro',
    'cc',
    'debit card',
  ],
  contextBoost: 0.1,
  match(v: RunView) {
    const d = v.compact;
    if (!isAllDigits(d) || isRepeatedDigit(d)) return null;
    let grouped = false;
    if (v.groups.length > 1) {
      if (!runs.sepsIn(v, ' -') || !runs.uniformSeps(v)) return null;
      if (!CARD_GROUPINGS.some((g) => runs.groupsAre(v, g))) return null;
      grouped = true;
    }
    const brand = cardBrand(d);
    if (brand === undefined) return null;
    if (!luhnValid(d)) return null;
    const confidence = grouped ? 0.9 : d.length >= 15 ? 0.85 : 0.6;
    return { confidence, reason: `${d.length}-digit ${brand} number with a valid Luhn check digit` };
  },
};

/**
 * IBAN lengths per country, from the SWIFT IBAN Registry (release 2024). A length outside
 * this table is not an IBAN whatever its check digits say.
 */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

/** True for a compact IBAN (no separators) that passes ISO 13616 length and mod-97 checks. */
export function isValidIban(compact: string): boolean {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(compact)) return false;
  if (IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length) return false;
  // ISO 13616-1 §7.1: move the first four characters to the end; the number mod 97 must be 1.
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

export const ibanRule: IdRule = {
  detector: 'iban',
  type: 'IBAN',
  minLength: 15,
  maxLength: 34,
  maxGroups: 10,
  specificity: 4,
  sepChars: ' -',
  leading: LETTERS,
  minLetters: 2,
  prefilter: (text, start) => IBAN_LENGTHS[text.slice(start, start + 2)] !== undefined && /^\d\d/.test(text.slice(start + 2, start + 4)),
  context: ['iban', 'bank', 'account', 'transaction', 'transfer'],
  contextBoost: 0.05,
  match(v: RunView) {
    // The country code and check digits sit in the first chunk, written in capitals.
    if ((v.groups[0] ?? 0) < 4) return null;
    if (v.groups.length > 1) {
      if (!runs.sepsIn(v, ' -') || !runs.uniformSeps(v)) return null;
      for (let k = 0; k < v.groups.length - 1; k++) if (v.groups[k] !== 4) return null;
    }
    const raw = v.text.slice(v.start, v.end);
    if (/[a-z]/.test(raw)) return null;
    const reason = `IBAN for ${v.compact.slice(0, 2)} with the registry length and valid mod-97 check digits`;
    if (isValidIban(v.compact)) return { confidence: 0.95, reason };
    // A final group of letters after a group of letters ("… CDEF G") does not join the run.
    if (v.isRunEnd && v.groups.length > 1) {
      const tail = /^[ -]([A-Z0-9]{1,3})(?![A-Za-z0-9])/.exec(v.text.slice(v.end, v.end + 5));
      if (tail !== null && tail[0][0] === v.seps[0] && isValidIban(v.compact + (tail[1] ?? ''))) {
        return { confidence: 0.95, reason, end: v.end + tail[0].length };
      }
    }
    return null;
  },
};

export const PAYMENT_RULES: readonly IdRule[] = [creditCardRule, ibanRule];
