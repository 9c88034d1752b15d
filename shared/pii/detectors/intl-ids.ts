import { isRepeatedDigit, isValidDate, luhnValid, verhoeffValid, weightedSum } from '../checksums';
import type { IdRule } from './id-runs';
import { DIGITS, LETTERS, runs } from './id-runs';

/**
 * Identifiers of Australia, Canada, Korea, Singapore, Thailand, Turkey, South Africa, Nigeria,
 * the Philippines and India.
 */

function grouped(v: Parameters<IdRule['match']>[0], pattern: readonly number[], seps = ' -'): boolean {
  return runs.groupsAre(v, pattern) && runs.sepsIn(v, seps) && runs.uniformSeps(v);
}

export const auAbnRule: IdRule = {
  detector: 'business-id',
  type: 'BUSINESS_ID',
  minLength: 11,
  maxLength: 11,
  maxLetters: 0,
  maxGroups: 4,
  specificity: 3,
  context: ['australian business number', 'abn'],
  match(v) {
    const d = v.compact;
    if (!(runs.isSingle(v) || grouped(v, [2, 3, 3, 3]))) return null;
    // ATO ABN format: subtract 1 from the first digit, weights 10,1,3,…,19, sum divisible by 89.
    const first = d.charCodeAt(0) - 49;
    if (first < 0) return null;
    const sum = first * 10 + weightedSum(d.slice(1), [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    if (sum % 89 !== 0) return null;
    return { confidence: runs.isSingle(v) ? 0.4 : 0.6, reason: 'Australian Business Number with a valid mod-89 check', scheme: 'au-abn' };
  },
};

export const auAcnRule: IdRule = {
  detector: 'business-id',
  type: 'BUSINESS_ID',
  minLength: 9,
  maxLength: 9,
  maxLetters: 0,
  maxGroups: 3,
  specificity: 2,
  context: ['australian company number', 'acn'],
  match(v) {
    const d = v.compact;
    if (!(runs.isSingle(v) || grouped(v, [3, 3, 3]))) return null;
    // ASIC ACN: weights 8..1 over eight digits, check = (10 − sum mod 10) mod 10.
    const check = (10 - (weightedSum(d, [8, 7, 6, 5, 4, 3, 2, 1]) % 10)) % 10;
    if (check !== d.charCodeAt(8) - 48 || isRepeatedDigit(d.slice(0, 8))) return null;
    return { confidence: runs.isSingle(v) ? 0.35 : 0.5, reason: 'Australian Company Number with a valid check digit', scheme: 'au-acn' };
  },
};

export const auTfnRule: IdRule = {
  detector: 'tax-id',
  type: 'TAX_ID',
  minLength: 9,
  maxLength: 9,
  maxLetters: 0,
  maxGroups: 3,
  specificity: 2,
  context: ['tax file number', 'tfn'],
  match(v) {
    const d = v.compact;
    if (!(runs.isSingle(v) || grouped(v, [3, 3, 3])) || isRepeatedDigit(d)) return null;
    // ATO TFN: weights 1,4,3,7,5,8,6,9,10, sum divisible by 11.
    if (weightedSum(d, [1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 !== 0) return null;
    return { confidence: runs.isSingle(v) ? 0.35 : 0.5, reason: 'Australian Tax File Number with a valid mod-11 check', scheme: 'au-tfn' };
  },
};

export const auMedicareRule: IdRule = {
  detector: 'health-plan',
  type: 'HEALTH_PLAN',
  minLength: 10,
  maxLength: 10,
  maxLetters: 0,
  maxGroups: 3,
  specificity: 2,
  context: ['medicare', 'medicare card', 'medicare number'],
  match(v) {
    const d = v.compact;
    if (!(runs.isSingle(v) || grouped(v, [4, 5, 1]))) return null;
    // Services Australia: first digit 2-6, weights 1,3,7,9,1,3,7,9, sum mod 10 is the ninth digit.
    if (d < '2' || d > '7') return null;
    if (weightedSum(d, [1, 3, 7, 9, 1, 3, 7, 9]) % 10 !== d.charCodeAt(8) - 48) return null;
    return {
      confidence: runs.isSingle(v) ? 0.35 : 0.55,
      reason: 'Australian Medicare number with a valid check digit',
      scheme: 'au-medicare',
    };
  },
};

export const caSinRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 9,
  maxLength: 9,
  maxLetters: 0,
  maxGroups: 3,
  specificity: 2,
  context: [
    'sin',
    'sin number',
    'social insurance',
    'social insurance number',
    'nas',
    'numéro nas',
    "numéro d'assurance sociale",
    'assurance sociale',
  ],
  contextBoost: 0.3,
  match(v) {
    const d = v.compact;
    // Service Canada: first digit is the province group (0 and 8 unused), Luhn check digit.
    if (d[0] === '0' || d[0] === '8' || isRepeatedDigit(d) || !luhnValid(d)) return null;
    if (grouped(v, [3, 3, 3])) return { confidence: 0.5, reason: 'NNN NNN NNN with a valid SIN (Luhn) check digit', scheme: 'ca-sin' };
    if (runs.isSingle(v)) return { confidence: 0.2, reason: 'nine digits with a valid SIN (Luhn) check digit', scheme: 'ca-sin' };
    return null;
  },
};

/** Korean RRN/FRN: YYMMDD, gender/century digit, weights 2..9,2..5 (주민등록법 시행규칙). */
function krResident(v: Parameters<IdRule['match']>[0], foreign: boolean): { confidence: number; reason: string; scheme: string } | null {
  const d = v.compact;
  if (!(runs.isSingle(v) || grouped(v, [6, 7], '-')) || isRepeatedDigit(d)) return null;
  const g = d.charCodeAt(6) - 48;
  if (foreign ? g < 5 || g > 8 : g < 1 || g > 4) return null;
  const century = g === 1 || g === 2 || g === 5 || g === 6 ? 1900 : 2000;
  if (!isValidDate(century + Number(d.slice(0, 2)), Number(d.slice(2, 4)), Number(d.slice(4, 6)))) return null;
  const sum = weightedSum(d, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]);
  const check = foreign ? (13 - (sum % 11)) % 10 : (11 - (sum % 11)) % 10;
  const region = Number(d.slice(7, 9));
  const name = foreign ? 'Korean foreigner registration number' : 'Korean resident registration number';
  const scheme = foreign ? 'kr-frn' : 'kr-rrn';
  if (check === d.charCodeAt(12) - 48 && region <= 95) {
    return { confidence: 0.65, reason: `${name} with a valid birth date and check digit`, scheme };
  }
  // Numbers issued since October 2020 no longer carry a check digit.
  return { confidence: 0.35, reason: `${name} structure with a valid birth date`, scheme };
}

export const krRrnRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 13,
  maxLength: 13,
  maxLetters: 0,
  maxGroups: 2,
  specificity: 2,
  context: ['rrn', 'resident registration number', 'korean rrn', '주민등록번호'],
  match: (v) => krResident(v, false),
};

export const krFrnRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 13,
  maxLength: 13,
  maxLetters: 0,
  maxGroups: 2,
  specificity: 2,
  context: ['frn', 'foreigner registration number', 'korean frn', '외국인등록번호', '외국인번호'],
  match: (v) => krResident(v, true),
};

export const krBrnRule: IdRule = {
  detector: 'business-id',
  type: 'BUSINESS_ID',
  minLength: 10,
  maxLength: 10,
  maxLetters: 0,
  maxGroups: 3,
  specificity: 2,
  context: ['brn', 'business registration number', '사업자등록번호', '사업자번호', '사업자', 'business number'],
  match(v) {
    const d = v.compact;
    if (!(runs.isSingle(v) || grouped(v, [3, 2, 5], '-')) || isRepeatedDigit(d)) return null;
    // National Tax Service: weights 1,3,7,1,3,7,1,3,5 plus the tens of the ninth product.
    const ninth = (d.charCodeAt(8) - 48) * 5;
    const sum = weightedSum(d, [1, 3, 7, 1, 3, 7, 1, 3]) + ninth + Math.floor(ninth / 10);
    if ((10 - (sum % 10)) % 10 !== d.charCodeAt(9) - 48) return null;
    return {
      confidence: runs.isSingle(v) ? 0.35 : 0.55,
      reason: 'Korean business registration number with a valid check digit',
      scheme: 'kr-brn',
    };
  },
};

const KR_DL_REGIONS = new Set(['11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24', '25', '26', '28']);

export const krDriverLicenseRule: IdRule = {
  detector: 'driver-license',
  type: 'DRIVER_LICENSE',
  minLength: 12,
  maxLength: 12,
  maxLetters: 0,
  maxGroups: 4,
  context: ['운전면허', '운전면허번호', '면허번호', 'korean driver license', "korean driver's license", 'license', 'licence'],
  contextBoost: 0.3,
  match(v) {
    if (!(runs.isSingle(v) || grouped(v, [2, 2, 6, 2]))) return null;
    if (!KR_DL_REGIONS.has(v.compact.slice(0, 2))) return null;
    return {
      confidence: runs.isSingle(v) ? 0.3 : 0.5,
      reason: 'Korean driver licence number with a valid region code',
      scheme: 'kr-driver-license',
    };
  },
};

export const krPassportRule: IdRule = {
  detector: 'passport',
  type: 'PASSPORT',
  minLength: 9,
  maxLength: 9,
  maxGroups: 1,
  context: ['korean passport', '대한민국 여권', '여권', 'passport', 'passport number'],
  contextBoost: 0.35,
  match(v) {
    const c = v.compact;
    if (/^[MSROD][0-9]{3}[A-Z][0-9]{4}$/.test(c))
      return { confidence: 0.15, reason: 'Korean passport number format', scheme: 'kr-passport' };
    if (/^[MSROD][0-9]{8}$/.test(c)) return { confidence: 0.05, reason: 'Korean passport number (pre-2021 format)', scheme: 'kr-passport' };
    return null;
  },
};

// Singapore NRIC/FIN (ICA): weights 2,7,6,5,4,3,2, an offset by prefix, and a letter table.
const SG_ST = 'JZIHGFEDCBA';
const SG_FG = 'XWUTRQPNMLK';
const SG_M = 'KLJNPQRTUWX';

export const sgNricRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 9,
  maxLength: 9,
  maxGroups: 1,
  specificity: 2,
  context: ['nric', 'nric#', 'fin', 'fin#', 'ic number'],
  match(v) {
    const c = v.compact;
    const m = /^([A-Z])([0-9]{7})([A-Z])$/.exec(c);
    if (m === null) return null;
    const prefix = m[1] ?? '';
    if (!'STFGM'.includes(prefix)) return { confidence: 0.1, reason: 'letter, seven digits, letter (NRIC-like)', scheme: 'sg-nric' };
    let sum = weightedSum(m[2] ?? '', [2, 7, 6, 5, 4, 3, 2]);
    if (prefix === 'T' || prefix === 'G') sum += 4;
    if (prefix === 'M') sum += 3;
    const table = prefix === 'S' || prefix === 'T' ? SG_ST : prefix === 'M' ? SG_M : SG_FG;
    const valid = table[sum % 11] === m[3];
    return valid
      ? { confidence: 0.6, reason: 'Singapore NRIC/FIN with a valid check letter', scheme: 'sg-nric' }
      : { confidence: 0.3, reason: 'Singapore NRIC/FIN format (check letter does not match)', scheme: 'sg-nric' };
  },
};

const UEN_A_W = [10, 4, 9, 3, 8, 2, 7, 1];
const UEN_B_W = [10, 8, 6, 4, 9, 7, 5, 3, 1];
const UEN_C_W = [4, 3, 5, 3, 10, 2, 2, 5, 7];
const UEN_C_ALPHA = 'ABCDEFGHJKLMNPQRSTUVWX0123456789';
const UEN_C_TYPES = new Set([
  'LP',
  'LL',
  'FC',
  'PF',
  'RF',
  'MQ',
  'MM',
  'NB',
  'CC',
  'CS',
  'MB',
  'FM',
  'GS',
  'DP',
  'CP',
  'NR',
  'CM',
  'CD',
  'MD',
  'HS',
  'VH',
  'CH',
  'MH',
  'CL',
  'XL',
  'CX',
  'HC',
  'RP',
  'TU',
  'TC',
  'FB',
  'FN',
  'PA',
  'PB',
  'SS',
  'MC',
  'SM',
  'GA',
  'GB',
]);

export const sgUenRule: IdRule = {
  detector: 'business-id',
  type: 'BUSINESS_ID',
  minLength: 9,
  maxLength: 10,
  maxGroups: 1,
  specificity: 3,
  context: ['uen', 'unique entity number', 'business registration', 'acra'],
  match(v) {
    const c = v.compact;
    // ACRA UEN formats A (businesses), B (local companies), C (other entities).
    if (/^[0-9]{8}[A-Z]$/.test(c)) {
      if ('XMKECAWLJDB'[weightedSum(c, UEN_A_W) % 11] !== c[8]) return null;
      return { confidence: 0.5, reason: 'Singapore UEN (business) with a valid check letter', scheme: 'sg-uen' };
    }
    if (/^[0-9]{9}[A-Z]$/.test(c)) {
      if (Number(c.slice(0, 4)) > new Date().getUTCFullYear() || Number(c.slice(0, 4)) < 1800) return null;
      if ('ZKCMDNERGWH'[weightedSum(c, UEN_B_W) % 11] !== c[9]) return null;
      return { confidence: 0.5, reason: 'Singapore UEN (local company) with a valid check letter', scheme: 'sg-uen' };
    }
    if (/^[TSR][0-9]{2}[A-Z]{2}[0-9]{4}[A-Z]$/.test(c) && UEN_C_TYPES.has(c.slice(3, 5))) {
      let sum = 0;
      for (let i = 0; i < 9; i++) sum += UEN_C_ALPHA.indexOf(c[i] ?? '') * (UEN_C_W[i] ?? 0);
      if (UEN_C_ALPHA[(((sum - 5) % 11) + 11) % 11] !== c[9]) return null;
      return { confidence: 0.55, reason: 'Singapore UEN (other entity) with a valid check letter', scheme: 'sg-uen' };
    }
    return null;
  },
};

export const thTninRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 13,
  maxLength: 13,
  maxLetters: 0,
  maxGroups: 1,
  specificity: 2,
  context: ['thai national id', 'thai id', 'thai id number', 'tnin', 'เลขประจำตัวประชาชน', 'เลขบัตรประชาชน', 'รหัสปชช'],
  match(v) {
    const d = v.compact;
    // Department of Provincial Administration: person type 1-9, province code, mod-11 check.
    if (!/^[1-9](?:[134][0-9]|2[0-7]|5[0-8]|[67][0-7]|[89][0-6])[0-9]{10}$/.test(d)) return null;
    const x = weightedSum(d, [13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    if ((x <= 1 ? 1 - x : 11 - x) !== d.charCodeAt(12) - 48) return null;
    return { confidence: 0.45, reason: 'Thai national id with a valid province code and check digit', scheme: 'th-tnin' };
  },
};

export const trNationalIdRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 11,
  maxLength: 11,
  maxLetters: 0,
  maxGroups: 1,
  specificity: 3,
  context: ['tc kimlik', 'kimlik no', 'kimlik numarası', 'tckn', 'tc no', 'nüfus cüzdanı', 'national id', 'turkish id', 'türk kimlik'],
  match(v) {
    const d = v.compact;
    if (d[0] === '0') return null;
    // T.C. Kimlik No: d10 = (7·Σodd − Σeven) mod 10 over d1..d9, d11 = Σd1..d10 mod 10.
    const odd = weightedSum(d, [1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const even = weightedSum(d, [0, 1, 0, 1, 0, 1, 0, 1]);
    if ((((odd * 7 - even) % 10) + 10) % 10 !== d.charCodeAt(9) - 48) return null;
    if (weightedSum(d, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) % 10 !== d.charCodeAt(10) - 48) return null;
    return { confidence: 0.5, reason: 'Turkish national id with both check digits valid', scheme: 'tr-tckn' };
  },
};

const PLATE_UNITS = new Set([
  'AM',
  'PM',
  'MG',
  'ML',
  'KG',
  'CM',
  'MM',
  'HR',
  'HRS',
  'MIN',
  'MCG',
  'IU',
  'BPM',
  'KM',
  'MPH',
  'LB',
  'LBS',
  'OZ',
  'SEC',
]);

export const trPlateRule: IdRule = {
  detector: 'vehicle-id',
  type: 'VEHICLE_ID',
  minLength: 5,
  maxLength: 9,
  maxGroups: 3,
  minLetters: 1,
  maxLetters: 3,
  leading: DIGITS,
  context: [
    'plaka',
    'araç plakası',
    'plaka numarası',
    'kayıt plakası',
    'license plate',
    'number plate',
    'plate',
    'taşıt plakası',
    'vehicle',
  ],
  contextBoost: 0.3,
  match(v) {
    const m = /^(0[1-9]|[1-7][0-9]|8[01])([A-PR-VYZ]{1,3})([0-9]{2,4})$/.exec(v.compact);
    if (m === null || !runs.sepsIn(v, ' -')) return null;
    if (PLATE_UNITS.has(m[2] ?? '')) return null;
    const raw = v.text.slice(v.start, v.end);
    // Lower-case letters are how running text writes "10 am 2022", not how plates are printed.
    const isUpper = !/[a-z]/.test(raw);
    return { confidence: isUpper ? 0.4 : 0.1, reason: 'Turkish licence plate (province code 01-81, letters, digits)', scheme: 'tr-plate' };
  },
};

export const zaIdRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 13,
  maxLength: 13,
  maxLetters: 0,
  maxGroups: 1,
  specificity: 3,
  context: ['id', 'identity', 'identity number', 'id number', 'south african id', 'rsa id', 'smart id', 'national id'],
  contextBoost: 0.2,
  match(v) {
    const d = v.compact;
    // Identification Act 68 of 1997: YYMMDD, sequence, citizenship 0-2, legacy 8/9, Luhn.
    const yy = Number(d.slice(0, 2));
    const now = new Date();
    const pivot = now.getUTCFullYear() % 100;
    const year = (yy > pivot ? 1900 : 2000) + yy;
    if (!isValidDate(year, Number(d.slice(2, 4)), Number(d.slice(4, 6)))) return null;
    if (!'012'.includes(d[10] ?? 'x') || !'89'.includes(d[11] ?? 'x')) return null;
    if (!luhnValid(d)) return null;
    return { confidence: 0.55, reason: 'South African id number with a valid birth date and Luhn check digit', scheme: 'za-id' };
  },
};

export const ngNinRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 11,
  maxLength: 11,
  maxLetters: 0,
  maxGroups: 1,
  specificity: 2,
  context: [
    'nin',
    'national identification number',
    'national identity number',
    'nimc',
    'national identity',
    'nigeria id',
    'nigerian identification',
  ],
  match(v) {
    const d = v.compact;
    if (isRepeatedDigit(d) || !verhoeffValid(d)) return null;
    return { confidence: 0.35, reason: 'eleven digits with a valid Verhoeff check digit (Nigerian NIN)', scheme: 'ng-nin' };
  },
};

export const ngPlateRule: IdRule = {
  detector: 'vehicle-id',
  type: 'VEHICLE_ID',
  minLength: 8,
  maxLength: 8,
  maxGroups: 2,
  minLetters: 5,
  maxLetters: 5,
  leading: LETTERS,
  context: ['plate number', 'vehicle registration', 'license plate', 'number plate', 'plate', 'vehicle', 'registration'],
  contextBoost: 0.3,
  match(v) {
    if (!/^[A-Z]{3}[0-9]{3}[A-Z]{2}$/.test(v.compact) || !runs.sepsIn(v, ' -')) return null;
    if (v.groups.length === 2 && v.groups[0] !== 3) return null;
    const raw = v.text.slice(v.start, v.end);
    // "was 500mg" has this shape in lower case; plates are printed in capitals.
    const isLower = /[a-z]/.test(raw);
    if (isLower && v.seps[0] !== '-') return { confidence: 0.05, reason: 'Nigerian plate shape in lower case', scheme: 'ng-plate' };
    return { confidence: 0.45, reason: 'Nigerian vehicle registration format', scheme: 'ng-plate' };
  },
};

export const phTinRule: IdRule = {
  detector: 'tax-id',
  type: 'TAX_ID',
  minLength: 9,
  maxLength: 12,
  maxLetters: 0,
  maxGroups: 4,
  context: ['tin', 'taxpayer identification number', 'bir', 'taxpayer id', 'tax id', 'rdo'],
  contextBoost: 0.3,
  match(v) {
    const d = v.compact;
    if (d.length !== 9 && d.length !== 12) return null;
    const isGrouped = grouped(v, [3, 3, 3], '-') || grouped(v, [3, 3, 3, 3], '-');
    if (!isGrouped && !runs.isSingle(v)) return null;
    // BIR: weights 9..2 over eight digits, sum mod 11 is the ninth digit.
    if (weightedSum(d, [9, 8, 7, 6, 5, 4, 3, 2]) % 11 !== d.charCodeAt(8) - 48) return null;
    return { confidence: isGrouped ? 0.05 : 0.02, reason: 'Philippine TIN with a valid check digit', scheme: 'ph-tin' };
  },
};

export const inAadhaarRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 12,
  maxLength: 12,
  maxLetters: 0,
  maxGroups: 3,
  specificity: 2,
  context: ['aadhaar', 'aadhar', 'uidai'],
  match(v) {
    const d = v.compact;
    const isGrouped = grouped(v, [4, 4, 4]);
    if (!isGrouped && !runs.isSingle(v)) return null;
    // UIDAI: first digit 2-9, Verhoeff check digit; palindromes are reserved.
    if (d < '2' || !verhoeffValid(d) || d === [...d].reverse().join('')) return null;
    return { confidence: isGrouped ? 0.45 : 0.3, reason: 'Aadhaar number with a valid Verhoeff check digit', scheme: 'in-aadhaar' };
  },
};

export const inPanRule: IdRule = {
  detector: 'tax-id',
  type: 'TAX_ID',
  minLength: 10,
  maxLength: 10,
  maxGroups: 1,
  context: ['permanent account number', 'pan'],
  match(v) {
    // Income Tax Department: five letters (the fourth the holder type), four digits, a letter.
    if (!/^[A-Z]{3}[ABCFGHLJPT][A-Z][0-9]{4}[A-Z]$/.test(v.compact)) return null;
    return { confidence: 0.4, reason: 'Indian PAN format with a valid holder-type letter', scheme: 'in-pan' };
  },
};

export const inGstinRule: IdRule = {
  detector: 'business-id',
  type: 'BUSINESS_ID',
  minLength: 15,
  maxLength: 15,
  maxGroups: 1,
  specificity: 2,
  context: ['gstin', 'gst', 'goods and services tax', 'gst number'],
  match(v) {
    const c = v.compact;
    const m = /^([0-9]{2})([A-Z]{5}[0-9]{4}[A-Z])([0-9A-Z])Z([0-9A-Z])$/.exec(c);
    if (m === null) return null;
    const state = Number(m[1]);
    if (state < 1 || state > 37) return null;
    return { confidence: 0.5, reason: 'Indian GSTIN (state code, PAN, entity number)', scheme: 'in-gstin' };
  },
};

export const inVoterRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 10,
  maxLength: 10,
  maxGroups: 1,
  context: ['voter', 'voter id', 'epic', 'elector photo identity card'],
  contextBoost: 0.4,
  match(v) {
    if (!/^[A-Z]{3}[0-9]{7}$/.test(v.compact)) return null;
    return { confidence: 0.2, reason: 'Indian voter id (EPIC) format', scheme: 'in-voter' };
  },
};

export const inPassportRule: IdRule = {
  detector: 'passport',
  type: 'PASSPORT',
  minLength: 8,
  maxLength: 8,
  maxGroups: 2,
  context: ['passport', 'indian passport', 'passport number'],
  contextBoost: 0.35,
  match(v) {
    if (!/^[A-Z][1-9][0-9]{5}[1-9]$/.test(v.compact)) return null;
    return { confidence: 0.1, reason: 'Indian passport number format', scheme: 'in-passport' };
  },
};

export const INTL_RULES: readonly IdRule[] = [
  auAbnRule,
  auAcnRule,
  auTfnRule,
  auMedicareRule,
  caSinRule,
  krRrnRule,
  krFrnRule,
  krBrnRule,
  krDriverLicenseRule,
  krPassportRule,
  sgNricRule,
  sgUenRule,
  thTninRule,
  trNationalIdRule,
  trPlateRule,
  zaIdRule,
  ngNinRule,
  ngPlateRule,
  phTinRule,
  inAadhaarRule,
  inPanRule,
  inGstinRule,
  inVoterRule,
  inPassportRule,
];
