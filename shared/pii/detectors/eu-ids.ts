import { isAllDigits, isRepeatedDigit, isValidDate, luhnValid, mod11_10Valid, weightedSum } from '../checksums';
import type { IdRule, RunView } from './id-runs';
import { runs } from './id-runs';

/** Identifiers of Germany, Spain, Italy, Finland, Sweden and Poland. */

/** ICAO Doc 9303 Part 3 §4.9 check digit: weights 7-3-1, digits as-is, A=10 … Z=35. */
export function icaoCheckDigit(s: string): number {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const value = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += value * (weights[i % 3] ?? 0);
  }
  return sum % 10;
}

// German identity card and passport serial numbers use this alphabet (no vowels, no B D Q S).
const DE_DOC_RE = /^[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{7}[0-9]$/;

export const deIdCardRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 9,
  maxLength: 9,
  maxGroups: 1,
  specificity: 2,
  context: [
    'personalausweis',
    'ausweis',
    'personalausweisnummer',
    'ausweisnummer',
    'ausweis nr',
    'dokumentennummer',
    'npa',
    'identity card',
    'id card',
    'national id',
  ],
  match(v) {
    const c = v.compact;
    if (DE_DOC_RE.test(c) && icaoCheckDigit(c.slice(0, 8)) === c.charCodeAt(8) - 48) {
      return { confidence: 0.45, reason: 'German identity card serial with a valid ICAO 9303 check digit', scheme: 'de-id-card' };
    }
    if (/^T[0-9]{8}$/.test(c)) return { confidence: 0.3, reason: 'German identity card number (pre-2010 format)', scheme: 'de-id-card' };
    return null;
  },
};

export const dePassportRule: IdRule = {
  detector: 'passport',
  type: 'PASSPORT',
  minLength: 9,
  maxLength: 9,
  maxGroups: 1,
  specificity: 2,
  context: [
    'reisepass',
    'pass',
    'passnummer',
    'reisepassnummer',
    'passport',
    'passport number',
    'pass-nr',
    'pass nr',
    'dokumentennummer',
    'mrz',
  ],
  match(v) {
    const c = v.compact;
    if (!DE_DOC_RE.test(c) || /[ABDEIOQSU]/.test(c.slice(0, 8))) return null;
    if (icaoCheckDigit(c.slice(0, 8)) !== c.charCodeAt(8) - 48) return null;
    return { confidence: 0.45, reason: 'German passport serial with a valid ICAO 9303 check digit', scheme: 'de-passport' };
  },
};

export const deTaxIdRule: IdRule = {
  detector: 'tax-id',
  type: 'TAX_ID',
  minLength: 11,
  maxLength: 11,
  maxLetters: 0,
  maxGroups: 1,
  specificity: 2,
  context: [
    'steueridentifikationsnummer',
    'steuer-id',
    'steuerid',
    'steuer id',
    'steuerliche identifikationsnummer',
    'identifikationsnummer',
    'idnr',
    'steuer-idnr',
    'steuernummer',
    'bzst',
    'tax id',
  ],
  match(v) {
    const d = v.compact;
    if (!isAllDigits(d) || d[0] === '0') return null;
    // §139b AO: in the first ten digits one digit occurs two or three times, no digit more.
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10; i++) counts[d.charCodeAt(i) - 48] = (counts[d.charCodeAt(i) - 48] ?? 0) + 1;
    if (Math.max(...counts) > 3) return null;
    if (!mod11_10Valid(d)) return null;
    return { confidence: 0.35, reason: 'eleven digits with a valid Steuer-ID check digit (ISO 7064 MOD 11,10)', scheme: 'de-steuer-id' };
  },
};

export const deVatIdRule: IdRule = {
  detector: 'business-id',
  type: 'BUSINESS_ID',
  minLength: 11,
  maxLength: 11,
  maxGroups: 4,
  specificity: 3,
  leading: 'D',
  minLetters: 2,
  maxLetters: 2,
  context: [
    'ust-idnr',
    'ust-id',
    'ustidnr',
    'umsatzsteuer',
    'umsatzsteuer-identifikationsnummer',
    'vat',
    'vat id',
    'vat number',
    'mehrwertsteuer',
  ],
  match(v) {
    const c = v.compact;
    if (!/^DE[0-9]{9}$/.test(c) || !mod11_10Valid(c.slice(2))) return null;
    return { confidence: 0.6, reason: 'German VAT id with a valid MOD 11,10 check digit', scheme: 'de-vat-id' };
  },
};

export const deHandelsregisterRule: IdRule = {
  detector: 'business-id',
  type: 'BUSINESS_ID',
  minLength: 4,
  maxLength: 9,
  maxGroups: 2,
  minLetters: 3,
  maxLetters: 3,
  leading: 'H',
  context: ['handelsregister', 'handelsregisternummer', 'amtsgericht', 'registergericht', 'hr-nummer', 'registerauszug'],
  contextBoost: 0.2,
  match(v) {
    if (!/^HR[AB][0-9]{1,6}$/.test(v.compact) || (v.groups[0] ?? 0) < 3) return null;
    return { confidence: 0.4, reason: 'German commercial register number (HRA/HRB)', scheme: 'de-handelsregister' };
  },
};

/** Krankenversichertennummer (GKV-Spitzenverband, §290 SGB V): letter as 01-26, weights 1-2, digit sums. */
export function isValidKvnr(c: string): boolean {
  if (!/^[A-Z][0-9]{9}$/.test(c)) return false;
  const effective = String(c.charCodeAt(0) - 64).padStart(2, '0') + c.slice(1, 9);
  let total = 0;
  for (let i = 0; i < 10; i++) {
    let p = (effective.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 2);
    if (p >= 10) p = Math.floor(p / 10) + (p % 10);
    total += p;
  }
  return total % 10 === c.charCodeAt(9) - 48;
}

export const deHealthInsuranceRule: IdRule = {
  detector: 'health-plan',
  type: 'HEALTH_PLAN',
  minLength: 10,
  maxLength: 10,
  maxGroups: 1,
  specificity: 3,
  context: [
    'krankenversicherungsnummer',
    'krankenversichertennummer',
    'versichertennummer',
    'kvnr',
    'krankenkasse',
    'krankenversicherung',
    'gesundheitskarte',
    'egk',
    'versichertenkarte',
    'aok',
    'barmer',
    'dak',
    'tk',
  ],
  match(v) {
    if (!isValidKvnr(v.compact)) return null;
    return { confidence: 0.45, reason: 'German health insurance number with a valid check digit', scheme: 'de-kvnr' };
  },
};

/** LANR (KBV Arztnummer): weights 4-9 over six digits, check = (10 − sum mod 10) mod 10. */
export function isValidLanr(d: string): boolean {
  if (d.length !== 9 || !isAllDigits(d)) return false;
  return (10 - (weightedSum(d, [4, 9, 4, 9, 4, 9]) % 10)) % 10 === d.charCodeAt(6) - 48;
}

export const deLanrRule: IdRule = {
  detector: 'provider-id',
  type: 'NPI',
  minLength: 9,
  maxLength: 9,
  maxLetters: 0,
  maxGroups: 1,
  specificity: 2,
  context: [
    'arztnummer',
    'lanr',
    'lebenslange arztnummer',
    'arzt-nr',
    'arzt nr',
    'vertragsarzt',
    'kassenarzt',
    'kbv',
    'rezept',
    'behandelnder arzt',
    'hausarzt',
    'facharzt',
  ],
  match(v) {
    if (!isValidLanr(v.compact) || isRepeatedDigit(v.compact)) return null;
    return { confidence: 0.35, reason: 'nine digits with a valid LANR check digit', scheme: 'de-lanr' };
  },
};

// Kassenärztliche Vereinigung codes that open a BSNR (KBV Arztnummern-Richtlinie, Anlage 1).
const KV_CODES = new Set([
  '01',
  '02',
  '03',
  '17',
  '20',
  '35',
  '38',
  '46',
  '51',
  '52',
  '71',
  '72',
  '73',
  '74',
  '78',
  '83',
  '88',
  '93',
  '98',
]);

export const deBsnrRule: IdRule = {
  detector: 'provider-id',
  type: 'NPI',
  minLength: 9,
  maxLength: 9,
  maxLetters: 0,
  maxGroups: 1,
  context: ['betriebsstättennummer', 'bsnr', 'betriebsstätte', 'praxisnummer', 'arztpraxis', 'praxis', 'kassenärztliche vereinigung'],
  contextBoost: 0.4,
  match(v) {
    if (!KV_CODES.has(v.compact.slice(0, 2)) || isRepeatedDigit(v.compact)) return null;
    return { confidence: 0.1, reason: 'nine digits opening with a KV region code (BSNR)', scheme: 'de-bsnr' };
  },
};

export const deSocialSecurityRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 12,
  maxLength: 12,
  maxGroups: 1,
  specificity: 3,
  context: [
    'rentenversicherungsnummer',
    'sozialversicherungsnummer',
    'versicherungsnummer',
    'rvnr',
    'svnr',
    'sv-nummer',
    'rentenversicherung',
    'sozialversicherung',
    'sozialversicherungsausweis',
  ],
  match(v) {
    const c = v.compact;
    if (!/^[0-9]{8}[A-Z][0-9]{3}$/.test(c)) return null;
    const day = Number(c.slice(2, 4));
    const month = Number(c.slice(4, 6));
    if (!((day >= 1 && day <= 31) || (day >= 51 && day <= 81)) || month < 1 || month > 12) return null;
    // DRV: the letter becomes its two-digit alphabet position; weights 2,1,2,5,7,1,2,1,2,1,2,1;
    // cross sums of the products, mod 10.
    const effective = c.slice(0, 8) + String(c.charCodeAt(8) - 64).padStart(2, '0') + c.slice(9, 11);
    const weights = [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1];
    let total = 0;
    for (let i = 0; i < 12; i++) {
      const p = (effective.charCodeAt(i) - 48) * (weights[i] ?? 0);
      total += Math.floor(p / 10) + (p % 10);
    }
    if (total % 10 !== c.charCodeAt(11) - 48) return null;
    return { confidence: 0.55, reason: 'German pension insurance number with birth date and a valid check digit', scheme: 'de-rvnr' };
  },
};

export const deDriverLicenceRule: IdRule = {
  detector: 'driver-license',
  type: 'DRIVER_LICENSE',
  minLength: 11,
  maxLength: 11,
  maxGroups: 1,
  context: [
    'führerscheinnummer',
    'führerschein',
    'fahrerlaubnis',
    'fahrerlaubnisnummer',
    'driving licence',
    'driving license',
    "driver's license",
    'licence number',
    'license number',
  ],
  contextBoost: 0.4,
  match(v) {
    if (!/^[A-Z]{2}[0-9]{8}[A-Z0-9]$/.test(v.compact)) return null;
    return { confidence: 0.1, reason: 'German driving licence number format (EU, since 2013)', scheme: 'de-fuehrerschein' };
  },
};

const ES_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

export const esNifRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 8,
  maxLength: 10,
  maxGroups: 2,
  specificity: 3,
  context: ['documento nacional de identidad', 'dni', 'nif', 'identificación', 'nie', 'número de identificación de extranjero'],
  match(v) {
    const c = v.compact;
    if (v.groups.length === 2 && !(v.seps[0] === '-' && v.groups[1] === 1)) return null;
    // Real Decreto 1553/2005 art. 11: the letter is the number mod 23 in this table; NIE
    // numbers (RD 2393/2004) replace X, Y, Z by 0, 1, 2 first.
    let m = /^([0-9]{7,8})([A-Z])$/.exec(c);
    if (m !== null) {
      if (ES_LETTERS[Number(m[1]) % 23] !== m[2]) return null;
      return { confidence: 0.5, reason: 'Spanish DNI/NIF with a valid control letter', scheme: 'es-nif' };
    }
    m = /^([XYZ])([0-9]{7})([A-Z])$/.exec(c);
    if (m !== null) {
      const n = Number(String('XYZ'.indexOf(m[1] ?? 'X')) + (m[2] ?? ''));
      if (ES_LETTERS[n % 23] !== m[3]) return null;
      return { confidence: 0.5, reason: 'Spanish NIE with a valid control letter', scheme: 'es-nie' };
    }
    return null;
  },
};

export const esPassportRule: IdRule = {
  detector: 'passport',
  type: 'PASSPORT',
  minLength: 9,
  maxLength: 9,
  maxGroups: 1,
  context: ['pasaporte', 'passport', 'número de pasaporte', 'passport number'],
  contextBoost: 0.35,
  match(v) {
    if (!/^[A-Z]{3}[0-9]{6}$/.test(v.compact)) return null;
    return { confidence: 0.05, reason: 'three letters and six digits, the Spanish passport format', scheme: 'es-passport' };
  },
};

// Codice fiscale (DM 23/12/1976): omocodia replaces digits by L M N P Q R S T U V.
const OMOCODIA = 'LMNPQRSTUV';
const IT_CF_RE = /^[A-Z]{6}[0-9LMNP-V]{2}[ABCDEHLMPRST][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]$/;
const IT_CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

function cfDigit(ch: string): number {
  const k = OMOCODIA.indexOf(ch);
  return k >= 0 ? k : Number(ch);
}

export const itFiscalCodeRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 16,
  maxLength: 16,
  maxGroups: 1,
  specificity: 3,
  context: ['codice fiscale', 'cf', 'fiscal code'],
  match(v) {
    const c = v.compact;
    if (!IT_CF_RE.test(c)) return null;
    const day = cfDigit(c[9] ?? '') * 10 + cfDigit(c[10] ?? '');
    if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71))) return null;
    // Check character: odd positions through the DM table, even positions by value, mod 26.
    let sum = 0;
    for (let i = 0; i < 15; i++) {
      const ch = c.charCodeAt(i);
      const value = ch >= 48 && ch <= 57 ? ch - 48 : ch - 65;
      sum += i % 2 === 0 ? (IT_CF_ODD[value] ?? 0) : value;
    }
    const valid = String.fromCharCode(65 + (sum % 26)) === c[15];
    return valid
      ? { confidence: 0.85, reason: 'Italian codice fiscale with a valid check character', scheme: 'it-fiscal-code' }
      : { confidence: 0.35, reason: 'Italian codice fiscale structure (check character does not match)', scheme: 'it-fiscal-code' };
  },
};

export const itVatRule: IdRule = {
  detector: 'business-id',
  type: 'BUSINESS_ID',
  minLength: 11,
  maxLength: 11,
  maxLetters: 0,
  maxGroups: 4,
  specificity: 2,
  context: ['piva', 'p.iva', 'partita iva', 'vat', 'vat number'],
  match(v) {
    const d = v.compact;
    if (!isAllDigits(d) || isRepeatedDigit(d) || !runs.sepsIn(v, ' _')) return null;
    // Partita IVA (DPR 633/1972): the Luhn algorithm over all eleven digits.
    if (!luhnValid(d)) return null;
    return { confidence: 0.35, reason: 'eleven digits with a valid partita IVA check digit', scheme: 'it-vat' };
  },
};

export const itDocumentRules: readonly IdRule[] = [
  {
    detector: 'driver-license',
    type: 'DRIVER_LICENSE',
    minLength: 10,
    maxLength: 10,
    maxGroups: 1,
    context: ['patente', 'patente di guida', 'licenza', 'licenza di guida', 'license', 'licence'],
    contextBoost: 0.3,
    match(v) {
      if (!/^(?:[A-Z]{2}[0-9]{7}[A-Z]|U1[BCDEFGHLJKMNPRSTUWYXZ0-9]{7}[A-Z])$/.test(v.compact)) return null;
      return { confidence: 0.2, reason: 'Italian driving licence format', scheme: 'it-patente' };
    },
  },
  {
    detector: 'national-id',
    type: 'NATIONAL_ID',
    minLength: 9,
    maxLength: 9,
    maxGroups: 2,
    context: ["carta d'identità", 'carta di identità', 'identità', 'cie', 'documento di riconoscimento'],
    contextBoost: 0.4,
    match(v) {
      const c = v.compact;
      if (!/^(?:[A-Z]{2}[0-9]{7}|[0-9]{7}[A-Z]{2}|[A-Z]{2}[0-9]{5}[A-Z]{2})$/.test(c)) return null;
      return { confidence: 0.02, reason: 'Italian identity card number format', scheme: 'it-identity-card' };
    },
  },
  {
    detector: 'passport',
    type: 'PASSPORT',
    minLength: 9,
    maxLength: 9,
    maxGroups: 1,
    context: ['passaporto', 'passaporto elettronico'],
    contextBoost: 0.4,
    match(v) {
      if (!/^[A-Z]{2}[0-9]{7}$/.test(v.compact)) return null;
      return { confidence: 0.02, reason: 'Italian passport number format', scheme: 'it-passport' };
    },
  },
];

// Henkilötunnus (Finnish Population Register Centre): DDMMYY, century sign, individual number,
// control character = DDMMYYNNN mod 31 in this alphabet.
const FI_CONTROL = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const FI_CENTURY: Readonly<Record<string, number>> = {
  '+': 1800,
  '-': 1900,
  Y: 1900,
  X: 1900,
  W: 1900,
  V: 1900,
  U: 1900,
  A: 2000,
  B: 2000,
  C: 2000,
  D: 2000,
  E: 2000,
  F: 2000,
};

export const fiHetuRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 10,
  maxLength: 11,
  maxGroups: 2,
  allowGluedPrefix: true,
  specificity: 3,
  context: ['hetu', 'henkilötunnus', 'personbeteckningen', 'personal identity code', 'finnish id'],
  match(v: RunView) {
    let body: string;
    let sign: string;
    if (v.groups.length === 1 && v.compact.length === 11) {
      body = v.compact.slice(0, 6) + v.compact.slice(7);
      sign = v.compact[6] ?? '';
      if (sign === '-' || sign === '+') return null;
    } else if (runs.groupsAre(v, [6, 4]) && v.seps[0] === '-') {
      body = v.compact;
      sign = '-';
    } else {
      return null;
    }
    const century = FI_CENTURY[sign];
    if (century === undefined || !isAllDigits(body.slice(0, 9))) return null;
    const dd = Number(body.slice(0, 2));
    const mm = Number(body.slice(2, 4));
    const yy = Number(body.slice(4, 6));
    if (!isValidDate(century + yy, mm, dd)) return null;
    if (FI_CONTROL[Number(body.slice(0, 9)) % 31] !== body[9]) return null;
    return { confidence: 0.65, reason: 'Finnish personal identity code with a valid date and control character', scheme: 'fi-hetu' };
  },
};

export const sePersonnummerRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 10,
  maxLength: 12,
  maxLetters: 0,
  maxGroups: 2,
  allowGluedPrefix: true,
  specificity: 2,
  context: ['personnummer', 'svenskt personnummer', 'pnr', 'samordningsnummer', 'personal identity number', 'swedish id'],
  match(v) {
    const d = v.compact;
    if (v.groups.length === 2 && !(v.seps[0] === '-' && v.groups[1] === 4)) return null;
    if (d.length === 11) return null;
    // Skatteverket SKV 704: YYMMDD (day + 60 for coordination numbers), serial, Luhn check
    // over the ten-digit form.
    const ten = d.slice(-10);
    if (d.length === 12 && !(d.startsWith('18') || d.startsWith('19') || d.startsWith('20'))) return null;
    const mm = Number(ten.slice(2, 4));
    let dd = Number(ten.slice(4, 6));
    if (dd > 60) dd -= 60;
    if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return null;
    if (!luhnValid(ten) || isRepeatedDigit(ten)) return null;
    return { confidence: 0.45, reason: 'Swedish personnummer with a valid date and Luhn check digit', scheme: 'se-personnummer' };
  },
};

export const seOrgNumberRule: IdRule = {
  detector: 'business-id',
  type: 'BUSINESS_ID',
  minLength: 10,
  maxLength: 10,
  maxLetters: 0,
  maxGroups: 2,
  specificity: 2,
  context: ['organisationsnummer', 'orgnr', 'org nr', 'orgnummer', 'företagsnummer', 'company identity'],
  match(v) {
    const d = v.compact;
    if (v.groups.length === 2 && !(v.seps[0] === '-' && v.groups[0] === 6)) return null;
    // Bolagsverket: the third digit is at least 2 (so it never reads as a birth month), Luhn.
    if (Number(d[2]) < 2 || !luhnValid(d) || isRepeatedDigit(d)) return null;
    return { confidence: 0.4, reason: 'Swedish organisationsnummer with a valid Luhn check digit', scheme: 'se-organisationsnummer' };
  },
};

export const plPeselRule: IdRule = {
  detector: 'national-id',
  type: 'NATIONAL_ID',
  minLength: 11,
  maxLength: 11,
  maxLetters: 0,
  maxGroups: 1,
  specificity: 2,
  context: ['pesel'],
  match(v) {
    const d = v.compact;
    if (isRepeatedDigit(d)) return null;
    // Ustawa o ewidencji ludności, zał.: months +80/+20/+40/+60 encode the century.
    const yy = Number(d.slice(0, 2));
    let mm = Number(d.slice(2, 4));
    const dd = Number(d.slice(4, 6));
    let century = 1900;
    if (mm > 80) {
      century = 1800;
      mm -= 80;
    } else if (mm > 60) {
      century = 2200;
      mm -= 60;
    } else if (mm > 40) {
      century = 2100;
      mm -= 40;
    } else if (mm > 20) {
      century = 2000;
      mm -= 20;
    }
    if (!isValidDate(century + yy, mm, dd)) return null;
    const check = (10 - (weightedSum(d, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10)) % 10;
    if (check !== d.charCodeAt(10) - 48) return null;
    return { confidence: 0.45, reason: 'PESEL with a valid birth date and check digit', scheme: 'pl-pesel' };
  },
};

export const EU_RULES: readonly IdRule[] = [
  deIdCardRule,
  dePassportRule,
  deTaxIdRule,
  deVatIdRule,
  deHandelsregisterRule,
  deHealthInsuranceRule,
  deLanrRule,
  deBsnrRule,
  deSocialSecurityRule,
  deDriverLicenceRule,
  esNifRule,
  esPassportRule,
  itFiscalCodeRule,
  itVatRule,
  ...itDocumentRules,
  fiHetuRule,
  sePersonnummerRule,
  seOrgNumberRule,
  plPeselRule,
];
