import type { CountryCode } from 'libphonenumber-js/max';
import { findPhoneNumbersInText } from 'libphonenumber-js/max';
import { findContext } from '../context';
import type { IdRule, RunView, ScanEnv } from './id-runs';
import { CONTEXT_AFTER, CONTEXT_BEFORE, runs } from './id-runs';

/**
 * Phone and fax numbers. The run scanner proposes phone-shaped candidates; libphonenumber
 * (full metadata) decides whether one is a valid number in a region. It costs tens of
 * microseconds a call, so it only sees candidates that look like phone numbers, each once per
 * text (memoised), and never the whole text.
 */

const PHONE_WORDS = [
  'phone',
  'telephone',
  'tel',
  'tel.',
  'cell',
  'cellphone',
  'mobile',
  'call',
  'contact',
  'reach',
  'whatsapp',
  'office',
  'desk',
  'home',
  'work',
  'pager',
  'telepono',
  'telefon',
  'telefono',
  'téléphone',
  'cep',
  'number',
  'numbers',
  'phones',
  'fax',
  'facsimile',
];
const FAX_WORDS = new Set(['fax', 'facsimile']);
const CALL_WORDS = new Set(PHONE_WORDS.filter((w) => w !== 'number' && w !== 'numbers'));
const ANY_PHONE_WORD = new Set(PHONE_WORDS);

type PhoneVerdict = { region: string; country: string } | null;

const NANP_REGIONS: readonly string[] = ['US', 'CA'];

function validate(candidate: string, env: ScanEnv, nanpFormatted: boolean): PhoneVerdict {
  const key = `phone:${candidate}`;
  if (env.memo.has(key)) return env.memo.get(key) as PhoneVerdict;
  let verdict: PhoneVerdict = null;
  // "(415) 555-0132" is written the North American way: other plans need not be tried.
  const regions = candidate.startsWith('+') ? [env.phoneRegions[0] ?? 'US'] : nanpFormatted ? NANP_REGIONS : env.phoneRegions;
  for (const region of regions) {
    const found = findPhoneNumbersInText(candidate, { defaultCountry: region as CountryCode });
    const whole = found.find((f) => f.startsAt <= 1 && f.endsAt >= candidate.length - 1);
    if (whole !== undefined && whole.number.isValid()) {
      verdict = { region, country: whole.number.country ?? region };
      break;
    }
  }
  env.memo.set(key, verdict);
  return verdict;
}

/** NANP (North American Numbering Plan): area and exchange codes start with 2-9. */
function isNanpShape(v: RunView): boolean {
  const d = v.compact;
  return /^1?[2-9]\d{2}[2-9]\d{6}$/.test(d);
}

/** Every phrase the phone rule asks the context index about. */
export const PHONE_PHRASES: readonly string[] = PHONE_WORDS;

export const phoneRule: IdRule = {
  detector: 'phone',
  type: 'PHONE',
  minLength: 7,
  maxLength: 22,
  maxGroups: 7,
  maxLetters: 1,
  minDigits: 7,
  sepChars: ' -.()\u00a0',
  specificity: 1,
  context: PHONE_WORDS.filter((w) => w !== 'number' && w !== 'numbers'),
  contextBoost: 0.25,
  match(v, env) {
    const c = v.compact;
    // Letters only as an extension marker ("2294x751").
    const ext = /^(\d+)X(\d{1,6})$/.exec(c);
    const digits = ext !== null ? (ext[1] ?? '') : c;
    if (!/^\d+$/.test(digits) || digits.length < 7 || digits.length > 15) return null;
    if (ext !== null && !/[xX]\d+$/.test(v.text.slice(v.start, v.end))) return null;
    const seps = v.seps;
    for (const s of seps) if (s.includes('/') || s === '_') return null;
    const isPlus = v.before === '+' && v.isRunStart;
    const open = v.before === '(' && v.isRunStart;
    const grouped = v.groups.length >= 2;
    if (grouped) {
      // Dates and IPv4 addresses share these separators; their own rules report them.
      if (seps.every((s) => s === '.') && v.groups.length === 4 && v.groups.every((g) => g <= 3)) return null;
      const [g0 = 0, g1 = 0, g2 = 0] = v.groups;
      const dateSeps = seps.every((s) => s === '.' || s === '-');
      if (v.groups.length === 3 && dateSeps && g0 <= 2 && g1 <= 2 && (g2 === 4 || g2 === 2)) return null;
      if (v.groups.length === 3 && dateSeps && g0 === 4 && g1 <= 2 && g2 <= 2) return null;
    }
    const extLength = ext !== null ? (ext[2] ?? '').length + 1 : 0;
    const groupSizes = v.groups.map((g, k) => (k === v.groups.length - 1 ? g - extLength : g));
    if (grouped && groupSizes.some((g) => g > (isPlus ? 10 : 8))) return null;
    // Phone numbers are written in a few groups; only a country code or trunk digit stands alone.
    if (grouped && (groupSizes.length > 6 || groupSizes.slice(1).filter((g) => g < 2).length > 1)) return null;
    // A number glued to a word ("is415-555-0132") does not start in the middle of that word's run.
    if (!v.isRunStart && v.before !== ' ' && v.before !== '(' && v.before !== '\u00a0') return null;
    const trunk = digits.startsWith('0');
    // A bare run of digits is a phone number only when a phone word comes just before it
    // ("my number is 13812345678"); a word after it belongs to whatever comes next.
    const phrase = findContext(env.context, ANY_PHONE_WORD, Math.max(0, v.start - 32), v.start, v.start, v.end);
    if (!grouped && !isPlus && !open && !(trunk && digits.length >= 10 && digits.length <= 12) && phrase === undefined) return null;
    if (!runs.isStandalone(v) && !isPlus && !open) return null;
    const start = isPlus || open ? v.start - 1 : v.start;
    const candidate = v.text.slice(start, v.end);
    // The fax word must be on the same line; look only a few characters either way (a search
    // for the line's ends would cost the whole line for every candidate on a 50 MB line).
    let lineStart = start;
    while (lineStart > 0 && start - lineStart < 24 && v.text.charCodeAt(lineStart - 1) !== 10) lineStart--;
    let lineEnd = v.end;
    while (lineEnd < v.text.length && lineEnd - v.end < 6 && v.text.charCodeAt(lineEnd) !== 10) lineEnd++;
    const nearFax =
      findContext(env.context, FAX_WORDS, Math.max(lineStart, start - 24), Math.min(lineEnd, v.end + 6), start, v.end) !== undefined;
    const type = nearFax ? 'FAX' : 'PHONE';
    const label = nearFax ? 'fax number' : 'phone number';
    // (415) 555-0132, 415-555-0132, 415.555.0132: the North American layout with area and
    // exchange codes starting 2-9 is a phone number whether or not the area code is assigned,
    // and needs no metadata lookup.
    const nanpLayout =
      isNanpShape(v) &&
      ((runs.groupsAre(v, [3, 3, 4]) && (open || (runs.uniformSeps(v) && runs.sepsIn(v, '-.')))) ||
        (runs.groupsAre(v, [1, 3, 3, 4]) && v.compact.startsWith('1') && runs.sepsIn(v, ' -.') && !open));
    if (nanpLayout && !isPlus) {
      return { confidence: 0.7, reason: `North American ${label} layout (NANP)`, type, start, scheme: 'nanp' };
    }
    const verdict = validate(candidate, env, false);
    if (verdict !== null) {
      const base = isPlus || grouped || open ? 0.65 : trunk ? 0.45 : 0.35;
      return {
        confidence: base,
        reason: `valid ${verdict.country} ${label} (libphonenumber)`,
        type,
        start,
        scheme: verdict.country.toLowerCase(),
      };
    }
    // Fictional (555) and unassigned numbers still identify someone in a note; keep the
    // unmistakable shapes at a lower confidence.
    const call = findContext(env.context, CALL_WORDS, Math.max(0, start - CONTEXT_BEFORE), v.end + CONTEXT_AFTER, start, v.end);
    if (grouped && (isNanpShape(v) || (isPlus && digits.length >= 8) || (call !== undefined && digits.length >= 9))) {
      return { confidence: 0.4, reason: `${label} by its shape (not valid in the regions tried)`, type, start };
    }
    return null;
  },
};
