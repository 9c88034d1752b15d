import { isAllDigits, isRepeatedDigit, weightedSum } from '../checksums';
import type { IdRule } from './id-runs';
import { LETTERS, runs } from './id-runs';

/** United Kingdom identifiers: NHS number, National Insurance number, passport, driving licence, vehicle registration. */

/**
 * NHS number (NHS Data Dictionary, "NHS Number"): weights 10..2 over the first nine digits,
 * check = 11 − (sum mod 11), 11 → 0, and 10 means the number is invalid.
 */
export function isValidNhsNumber(d: string): boolean {
  if (d.length !== 10 || !isAllDigits(d) || isRepeatedDigit(d)) return false;
  let check = 11 - (weightedSum(d, [10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11);
  if (check === 11) check = 0;
  if (check === 10) return false;
  return check === d.charCodeAt(9) - 48;
}

export const nhsRule: IdRule = {
  detector: 'uk-nhs',
  type: 'NHS',
  minLength: 10,
  maxLength: 10,
  maxLetters: 0,
  maxGroups: 3,
  specificity: 3,
  context: [
    'nhs',
    'nhs number',
    'nhs no',
    'national health service',
    'health service',
    'health services authority',
    'health authority',
    'chi',
  ],
  match(v) {
    if (!isValidNhsNumber(v.compact)) return null;
    if (runs.groupsAre(v, [3, 3, 4]) && runs.sepsIn(v, ' -') && runs.uniformSeps(v)) {
      return { confidence: 0.6, reason: 'NNN NNN NNNN with a valid NHS mod-11 check digit' };
    }
    if (runs.isSingle(v)) return { confidence: 0.4, reason: 'ten digits with a valid NHS mod-11 check digit' };
    return null;
  },
};

/**
 * National Insurance number (HMRC NIM39110): two prefix letters, neither D F I Q U V, the second
 * not O, not BG GB KN NK NT TN ZZ; six digits; suffix A-D.
 */
const NINO_RE = /^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$/;

export const ninoRule: IdRule = {
  detector: 'uk-nino',
  type: 'NATIONAL_ID',
  minLength: 9,
  maxLength: 9,
  maxGroups: 5,
  specificity: 3,
  context: ['national insurance', 'national insurance number', 'ni number', 'nino', 'nin'],
  match(v) {
    if (!NINO_RE.test(v.compact)) return null;
    if (!runs.sepsIn(v, ' ')) return null;
    return { confidence: 0.55, reason: 'National Insurance number with allocated prefix letters and an A-D suffix' };
  },
};

export const ukPassportRule: IdRule = {
  detector: 'uk-passport',
  type: 'PASSPORT',
  minLength: 9,
  maxLength: 9,
  maxGroups: 1,
  minLetters: 2,
  maxLetters: 2,
  context: ['passport', 'passport number', 'travel document', 'uk passport', 'british passport', 'hm passport', 'hmpo'],
  contextBoost: 0.4,
  match(v) {
    if (!/^[A-Z]{2}[0-9]{7}$/.test(v.compact)) return null;
    return { confidence: 0.1, reason: 'two letters and seven digits, the UK passport format' };
  },
};

// DVLA driver number: surname (5, padded with 9), decade, month (+50 for women), day, year,
// two initials (9 padded), a computer digit and two check letters.
const UK_DL_RE = /^[A-Z9]{5}[0-9](?:0[1-9]|1[0-2]|5[1-9]|6[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9][A-Z9]{2}[A-Z0-9][A-Z]{2}$/;

export const ukDrivingLicenceRule: IdRule = {
  detector: 'uk-driving-licence',
  type: 'DRIVER_LICENSE',
  minLength: 16,
  maxLength: 16,
  maxGroups: 1,
  specificity: 3,
  context: [
    'driving licence',
    'driving license',
    "driver's licence",
    "driver's license",
    'dvla',
    'dl number',
    'licence number',
    'license number',
    'licence',
  ],
  match(v) {
    const c = v.compact;
    if (!UK_DL_RE.test(c) || c.startsWith('99999') || !/^[A-Z]+9*$/.test(c.slice(0, 5))) return null;
    return { confidence: 0.45, reason: 'DVLA driver number (surname, birth date and initials fields)' };
  },
};

// DVLA registration marks: current (2001-) AB12 CDE with age identifiers 02-29 and 51-79
// issued so far; prefix (1983-2001) A123 BCD; suffix (1963-1983) ABC 123D. I, Q (and Z in the
// current area code) are not used.
const UK_REG_CURRENT = /^[A-HJ-PR-Y]{2}([0-9]{2})[A-HJ-PR-Z]{3}$/;
const UK_REG_PREFIX = /^[A-HJ-NPR-TV-Y][0-9]{1,3}[A-HJ-PR-Y][A-HJ-PR-Z]{2}$/;
const UK_REG_SUFFIX = /^[A-HJ-PR-Z]{3}[0-9]{1,3}[A-HJ-NPR-TV-Y]$/;

export const ukVehicleRule: IdRule = {
  detector: 'uk-vehicle-registration',
  type: 'VEHICLE_ID',
  minLength: 4,
  maxLength: 7,
  maxGroups: 3,
  minLetters: 3,
  leading: LETTERS,
  specificity: 2,
  context: [
    'vehicle',
    'registration',
    'number plate',
    'licence plate',
    'license plate',
    'reg',
    'vrn',
    'dvla',
    'v5c',
    'logbook',
    'mot',
    'car',
    'insured vehicle',
  ],
  contextBoost: 0.3,
  match(v) {
    const c = v.compact;
    if (!runs.sepsIn(v, ' -') || v.groups.length > 2) return null;
    const cur = UK_REG_CURRENT.exec(c);
    if (cur !== null) {
      const age = Number(cur[1]);
      if (!((age >= 2 && age <= 29) || (age >= 51 && age <= 79))) return null;
      if (v.groups.length === 2 && v.groups[0] !== 4) return null;
      return { confidence: 0.5, reason: 'UK registration mark (current format, issued age identifier)' };
    }
    if (UK_REG_PREFIX.test(c)) return { confidence: 0.2, reason: 'UK registration mark (prefix format)' };
    if (UK_REG_SUFFIX.test(c)) return { confidence: 0.15, reason: 'UK registration mark (suffix format)' };
    return null;
  },
};

export const UK_RULES: readonly IdRule[] = [nhsRule, ninoRule, ukPassportRule, ukDrivingLicenceRule, ukVehicleRule];
