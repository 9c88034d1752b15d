import { isAllDigits, isRepeatedDigit, luhnValid, weightedSum } from '../checksums';
import type { IdRule, RunView } from './id-runs';
import { DIGITS, LETTERS, runs } from './id-runs';

/** United States identifiers: SSN, ITIN, NPI, MBI, DEA, ABA routing, passport, licence, bank. */

// Numbers the SSA never issued or that circulated as samples (the Woolworth wallet card
// 078-05-1120; 219-09-9999 in a Social Security pamphlet); they appear in text as examples.
const SAMPLE_SSNS = new Set(['078051120', '219099999', '123456789', '987654320', '987654321']);

/**
 * SSA issuance rules (SSA POMS RM 10201.035): area 001-899 except 666 (900-999 are ITINs),
 * group 01-99, serial 0001-9999.
 */
export function isPlausibleSsn(d: string): boolean {
  if (d.length !== 9 || !isAllDigits(d) || isRepeatedDigit(d)) return false;
  const area = Number(d.slice(0, 3));
  if (area === 0 || area === 666 || area >= 900) return false;
  if (d.slice(3, 5) === '00' || d.slice(5) === '0000') return false;
  return !SAMPLE_SSNS.has(d);
}

const SSN_CONTEXT = ['social', 'security', 'social security', 'social security number', 'ssn', 'ssns', 'ssn#', 'ssid'];

export const ssnRule: IdRule = {
  detector: 'us-ssn',
  type: 'SSN',
  minLength: 9,
  maxLength: 9,
  maxLetters: 0,
  maxGroups: 3,
  specificity: 2,
  context: SSN_CONTEXT,
  contextBoost: 0.3,
  match(v: RunView) {
    if (!isPlausibleSsn(v.compact)) return null;
    if (runs.groupsAre(v, [3, 2, 4]) && runs.sepsIn(v, '- .') && runs.uniformSeps(v)) {
      return { confidence: 0.6, reason: 'NNN-NN-NNNN with an area, group and serial the SSA issues' };
    }
    if (runs.isSingle(v)) {
      return { confidence: 0.25, reason: 'nine digits with an area, group and serial the SSA issues' };
    }
    if ((runs.groupsAre(v, [3, 6]) || runs.groupsAre(v, [5, 4])) && runs.sepsIn(v, '-')) {
      return { confidence: 0.1, reason: 'nine digits in an unusual SSN grouping' };
    }
    return null;
  },
};

/** IRS ITIN: 9XX-[50-65|70-88|90-92|94-99]-XXXX (IRS Publication 1915). */
function isPlausibleItin(d: string): boolean {
  if (d.length !== 9 || !isAllDigits(d) || d[0] !== '9') return false;
  const group = Number(d.slice(3, 5));
  return (group >= 50 && group <= 65) || (group >= 70 && group <= 88) || (group >= 90 && group <= 92) || group >= 94;
}

export const itinRule: IdRule = {
  detector: 'us-itin',
  type: 'TAX_ID',
  minLength: 9,
  maxLength: 9,
  maxLetters: 0,
  maxGroups: 3,
  specificity: 2,
  context: ['individual', 'taxpayer', 'itin', 'tax', 'payer', 'taxid', 'tax id', 'tin'],
  contextBoost: 0.3,
  match(v) {
    if (!isPlausibleItin(v.compact)) return null;
    if (runs.groupsAre(v, [3, 2, 4]) && runs.sepsIn(v, '- ') && runs.uniformSeps(v)) {
      return { confidence: 0.55, reason: '9NN-NN-NNNN with an ITIN group number (IRS)' };
    }
    if (runs.isSingle(v)) return { confidence: 0.3, reason: 'nine digits in the ITIN range (IRS)' };
    if ((runs.groupsAre(v, [3, 6]) || runs.groupsAre(v, [5, 4])) && runs.sepsIn(v, '- ')) {
      return { confidence: 0.1, reason: 'nine digits in the ITIN range, unusual grouping' };
    }
    return null;
  },
};

/** NPI: 10 digits, Luhn over "80840" + the number (CMS NPI check digit, ISO 7812 prefix). */
export function isValidNpi(d: string): boolean {
  if (d.length !== 10 || !isAllDigits(d) || (d[0] !== '1' && d[0] !== '2')) return false;
  if (isRepeatedDigit(d.slice(0, 9))) return false;
  return luhnValid(`80840${d}`);
}

export const npiRule: IdRule = {
  detector: 'us-npi',
  type: 'NPI',
  minLength: 10,
  maxLength: 10,
  maxLetters: 0,
  maxGroups: 3,
  specificity: 3,
  context: [
    'npi',
    'national provider',
    'national provider identifier',
    'provider',
    'provider id',
    'provider identifier',
    'taxonomy',
    'prescriber',
  ],
  match(v) {
    if (!isValidNpi(v.compact)) return null;
    if (runs.isSingle(v)) return { confidence: 0.45, reason: 'ten digits with a valid NPI check digit (CMS)' };
    if (runs.groupsAre(v, [4, 3, 3]) && runs.sepsIn(v, ' -') && runs.uniformSeps(v)) {
      return { confidence: 0.55, reason: 'NNNN-NNN-NNN with a valid NPI check digit (CMS)' };
    }
    return null;
  },
};

// CMS MBI format: C A AN N A AN N A A N N, letters excluding S L O I B Z.
const MBI_RE = /^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y]{2}[0-9]{2}$/;

export const mbiRule: IdRule = {
  detector: 'us-mbi',
  type: 'HEALTH_PLAN',
  minLength: 11,
  maxLength: 11,
  maxGroups: 3,
  minLetters: 4,
  leading: DIGITS,
  specificity: 3,
  context: ['medicare', 'mbi', 'beneficiary', 'cms', 'medicaid', 'hic', 'hicn', 'medicare id'],
  match(v) {
    if (!MBI_RE.test(v.compact)) return null;
    if (runs.groupsAre(v, [4, 3, 4]) && runs.sepsIn(v, '-')) {
      return { confidence: 0.55, reason: 'Medicare Beneficiary Identifier in the CMS format' };
    }
    if (runs.isSingle(v)) return { confidence: 0.35, reason: 'eleven characters in the CMS Medicare Beneficiary Identifier format' };
    return null;
  },
};

/**
 * DEA registration number: two letters (registrant type, surname initial or 9) and seven digits;
 * (d1+d3+d5) + 2·(d2+d4+d6) ends in d7 (21 CFR 1301 numbering, as published by the DEA).
 */
export function isValidDea(c: string): boolean {
  if (!/^[ABCDEFGHJKLMPRSTUX][A-Z9][0-9]{7}$/.test(c)) return false;
  const d = c.slice(2);
  const sum = weightedSum(d, [1, 2, 1, 2, 1, 2]);
  return sum % 10 === d.charCodeAt(6) - 48;
}

export const deaRule: IdRule = {
  detector: 'us-dea',
  type: 'LICENSE',
  minLength: 9,
  maxLength: 9,
  maxGroups: 1,
  minLetters: 1,
  maxLetters: 2,
  leading: LETTERS,
  specificity: 3,
  context: ['dea', 'medical', 'certificate', 'license', 'licence', 'registration', 'prescriber'],
  match(v) {
    if (!runs.isSingle(v) || !isValidDea(v.compact)) return null;
    return { confidence: 0.45, reason: 'DEA registration number with a valid check digit' };
  },
};

/**
 * ABA routing number: the first two digits are a Federal Reserve routing symbol (00-12, 21-32,
 * 61-72, 80) and 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 mod 10 (ABA Key to Routing Numbers).
 */
export function isValidAba(d: string): boolean {
  if (d.length !== 9 || !isAllDigits(d) || isRepeatedDigit(d)) return false;
  const prefix = Number(d.slice(0, 2));
  const okPrefix = prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80;
  if (!okPrefix) return false;
  return weightedSum(d, [3, 7, 1, 3, 7, 1, 3, 7, 1]) % 10 === 0;
}

export const abaRule: IdRule = {
  detector: 'us-aba-routing',
  type: 'ACCOUNT',
  minLength: 9,
  maxLength: 9,
  maxLetters: 0,
  maxGroups: 3,
  specificity: 2,
  context: ['aba', 'routing', 'routing number', 'abarouting', 'bank routing', 'transit'],
  match(v) {
    if (!isValidAba(v.compact)) return null;
    if (runs.isSingle(v)) return { confidence: 0.35, reason: 'nine digits with a valid ABA routing check digit' };
    if (runs.groupsAre(v, [4, 4, 1]) && runs.sepsIn(v, '-') && runs.uniformSeps(v)) {
      return { confidence: 0.55, reason: 'NNNN-NNNN-N with a valid ABA routing check digit' };
    }
    return null;
  },
};

export const usPassportRule: IdRule = {
  detector: 'us-passport',
  type: 'PASSPORT',
  minLength: 9,
  maxLength: 9,
  maxGroups: 1,
  minDigits: 8,
  context: ['passport', 'passport#', 'passport number', 'travel document', 'us passport'],
  contextBoost: 0.4,
  match(v) {
    const c = v.compact;
    if (isAllDigits(c) && !isRepeatedDigit(c)) return { confidence: 0.05, reason: 'nine digits, the US passport book format' };
    if (/^[A-Z][0-9]{8}$/.test(c)) return { confidence: 0.1, reason: 'a letter and eight digits, the US next-generation passport format' };
    return null;
  },
};

// Letter-and-digit shapes used by US state licences (AAMVA DL/ID Card Design Standard, Annex D).
const US_DL_ALNUM = /^(?:[A-Z]{1,2}[0-9]{5,14}|[0-9]{7,9}[A-Z]{1,2}|[0-9]{2}[A-Z]{3}[0-9]{5,6}|[0-9]{3}[A-Z]{2}[0-9]{4})$/;

export const usDriverLicenseRule: IdRule = {
  detector: 'us-driver-license',
  type: 'DRIVER_LICENSE',
  minLength: 6,
  maxLength: 16,
  maxGroups: 1,
  minDigits: 4,
  context: [
    'driver',
    "driver's",
    'drivers',
    'license',
    'licence',
    'driver license',
    "driver's license",
    'driving',
    'permit',
    'lic',
    'lic#',
    'dl',
    'dls',
    'cdl',
    'cdls',
    'identification',
  ],
  contextBoost: 0.4,
  match(v) {
    const c = v.compact;
    // One letter and seven or more digits is the commonest state format (CA, FL, IL, NY, …).
    if (/^[A-Z][0-9]{7,14}$/.test(c)) {
      return { confidence: 0.3, reason: 'a letter and digits in a US state driver licence format' };
    }
    if (US_DL_ALNUM.test(c)) return { confidence: 0.15, reason: 'letters and digits in a US state driver licence format' };
    if (isAllDigits(c) && (c.length <= 14 || c.length === 16) && !isRepeatedDigit(c)) {
      return { confidence: 0.02, reason: 'digits only, a possible US driver licence' };
    }
    return null;
  },
};

export const usBankRule: IdRule = {
  detector: 'us-bank-account',
  type: 'ACCOUNT',
  minLength: 8,
  maxLength: 17,
  maxLetters: 0,
  maxGroups: 1,
  context: ['check', 'checking', 'account', 'account#', 'account number', 'acct', 'bank', 'savings', 'debit', 'bank account'],
  contextBoost: 0.45,
  match(v) {
    if (!isAllDigits(v.compact) || isRepeatedDigit(v.compact)) return null;
    return { confidence: 0.05, reason: `${v.compact.length} digits, a possible bank account number` };
  },
};

export const US_RULES: readonly IdRule[] = [
  ssnRule,
  itinRule,
  npiRule,
  mbiRule,
  deaRule,
  abaRule,
  usPassportRule,
  usDriverLicenseRule,
  usBankRule,
];
