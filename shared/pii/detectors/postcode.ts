import type { IdRule } from './id-runs';
import { LETTERS, runs } from './id-runs';

/**
 * Postal codes. Five digits alone are far more often a quantity than a ZIP code, so a bare
 * five-digit number stays below the default threshold until an address word or a state
 * abbreviation sits next to it. UK postcodes have a shape of their own and need less help.
 */

const US_STATES = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP'.split(
    ' ',
  ),
);

const STATE_BEFORE = /\b([A-Z]{2})\.?,?\s+$/;

export const zipRule: IdRule = {
  detector: 'postcode',
  type: 'POSTCODE',
  minLength: 5,
  maxLength: 9,
  maxLetters: 0,
  maxGroups: 2,
  minDigits: 5,
  sepChars: '-',
  context: [
    'zip',
    'zip code',
    'zipcode',
    'postal code',
    'postcode',
    'post code',
    'address',
    'plz',
    'postleitzahl',
    'postanschrift',
    'adresse',
    'wohnort',
    'straße',
    'strasse',
  ],
  contextBoost: 0.45,
  match(v) {
    const isZip4 = runs.groupsAre(v, [5, 4]) && v.seps[0] === '-';
    if (!(runs.isSingle(v) && v.compact.length === 5) && !isZip4) return null;
    if (v.compact === '00000' || v.compact === '99999') return null;
    const before = v.text.slice(Math.max(0, v.start - 6), v.start);
    const state = STATE_BEFORE.exec(before);
    if (state !== null && US_STATES.has(state[1] ?? '')) {
      return { confidence: 0.65, reason: `ZIP code after the state abbreviation ${state[1] ?? ''}`, scheme: 'us-zip' };
    }
    if (isZip4) return { confidence: 0.5, reason: 'ZIP+4 code', scheme: 'us-zip' };
    return { confidence: 0.1, reason: 'five digits, a possible ZIP or postal code', scheme: 'zip' };
  },
};

// Royal Mail PAF outward/inward code shapes (BS 7666), including the special GIR 0AA.
const UK_POSTCODE =
  /^(?:GIR0AA|[A-PR-UWYZ][0-9][ABCDEFGHJKPSTUW]?[0-9][ABD-HJLNP-UW-Z]{2}|[A-PR-UWYZ][0-9]{2}[0-9][ABD-HJLNP-UW-Z]{2}|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]?[0-9][ABD-HJLNP-UW-Z]{2}|[A-PR-UWYZ][A-HK-Y][0-9]{2}[0-9][ABD-HJLNP-UW-Z]{2})$/;

export const ukPostcodeRule: IdRule = {
  detector: 'postcode',
  type: 'POSTCODE',
  minLength: 5,
  maxLength: 7,
  maxGroups: 2,
  minLetters: 2,
  leading: LETTERS,
  specificity: 2,
  context: ['postcode', 'post code', 'postal code', 'zip', 'address', 'delivery', 'mailing', 'shipping', 'correspondence'],
  match(v) {
    const c = v.compact;
    if (!UK_POSTCODE.test(c)) return null;
    const raw = v.text.slice(v.start, v.end);
    if (/[a-z]/.test(raw)) return null;
    if (v.groups.length === 2) {
      if (v.seps[0] !== ' ' || v.groups[1] !== 3) return null;
      return { confidence: 0.4, reason: 'UK postcode (outward and inward code)', scheme: 'uk-postcode' };
    }
    return { confidence: 0.2, reason: 'UK postcode written without its space', scheme: 'uk-postcode' };
  },
};

export const POSTCODE_RULES: readonly IdRule[] = [zipRule, ukPostcodeRule];
