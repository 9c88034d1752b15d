import { isValidDate } from '../checksums';
import type { Candidate } from '../types';
import type { IdRule, RunView } from './id-runs';
import { runs } from './id-runs';

/**
 * Dates (HIPAA: every element of a date except the year) and ages over 89. Numeric forms come
 * through the run scanner; written forms ("29 March 2017", "May 1st, 1977") through one scan
 * for month names.
 */

const MONTH_ABBR: Readonly<Record<string, number>> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  SEPT: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};

const ISO_DATETIME = /(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?(?![\w:]))?/y;

function yearOf(s: string): number {
  const n = Number(s);
  return s.length === 2 ? (n < 50 ? 2000 + n : 1900 + n) : n;
}

function dmOrMd(a: number, b: number, year: number): boolean {
  return isValidDate(year, a, b) || isValidDate(year, b, a);
}

export const numericDateRule: IdRule = {
  detector: 'date',
  type: 'DATE',
  minLength: 3,
  maxLength: 11,
  minGroups: 2,
  maxGroups: 3,
  minDigits: 3,
  sepChars: '/-.',
  specificity: 2,
  context: [
    'date',
    'dob',
    'd.o.b',
    'born',
    'birth',
    'birthday',
    'date of birth',
    'admitted',
    'admission',
    'discharged',
    'discharge',
    'died',
    'deceased',
    'seen on',
  ],
  contextBoost: 0.1,
  match(v: RunView) {
    const g = v.groups;
    const c = v.compact;
    // ISO 8601 (yyyy-mm-dd, optionally with a time), read straight from the text.
    if (g[0] === 4 && v.seps[0] === '-' && (g.length === 3 || g.length === 2)) {
      ISO_DATETIME.lastIndex = v.start;
      const m = ISO_DATETIME.exec(v.text);
      if (m !== null && isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
        const end = v.start + m[0].length;
        if (end < v.end) return null;
        return { confidence: 0.8, reason: m[4] !== undefined ? 'ISO 8601 date and time' : 'ISO 8601 date (yyyy-mm-dd)', end };
      }
    }
    if (!runs.uniformSeps(v) || !runs.sepsIn(v, '/-.')) return null;
    const sep = v.seps[0] ?? '';
    // Cheap exits before any slicing: "36.5", "120/80", "12.1".
    if (g.length === 2 && v.letters === 0 && (sep === '.' || (g[0] ?? 0) > 2 || (g[1] ?? 0) === 3)) return null;
    if (g.length === 3) {
      const raw = v.text.slice(v.start, v.end).split(sep);
      const [p0 = '', p1 = '', p2 = ''] = raw;
      const month1 = MONTH_ABBR[p1.toUpperCase()];
      // 5-May-2021, 05-MAY-21
      if (month1 !== undefined && /^\d{1,2}$/.test(p0) && /^(\d{2}|\d{4})$/.test(p2)) {
        if (!isValidDate(yearOf(p2), month1, Number(p0))) return null;
        return { confidence: 0.8, reason: 'day-month name-year date' };
      }
      if (!/^\d+$/.test(c)) return null;
      // yyyy/mm/dd
      if (p0.length === 4 && p1.length <= 2 && p2.length <= 2) {
        if (!isValidDate(Number(p0), Number(p1), Number(p2))) return null;
        return { confidence: 0.75, reason: 'year-month-day date' };
      }
      if (p0.length > 2 || p1.length > 2 || !(p2.length === 2 || p2.length === 4)) return null;
      if (!dmOrMd(Number(p0), Number(p1), yearOf(p2))) return null;
      if (p2.length === 4) return { confidence: 0.8, reason: 'numeric date with a four-digit year' };
      // Two-digit years with dots read like version numbers ("1.2.10") more often than dates.
      return { confidence: sep === '.' ? 0.45 : 0.65, reason: 'numeric date with a two-digit year' };
    }
    if (g.length === 2) {
      const [p0 = '', p1 = ''] = v.text.slice(v.start, v.end).split(sep);
      if (sep === '.') return null;
      const m0 = MONTH_ABBR[p0.toUpperCase()];
      const m1 = MONTH_ABBR[p1.toUpperCase()];
      // May-21, May-2021, 21-May
      if (sep === '-' && m0 !== undefined && /^(\d{1,2}|\d{4})$/.test(p1)) {
        return { confidence: 0.65, reason: 'month name with a day or year' };
      }
      if (sep === '-' && m1 !== undefined && /^\d{1,2}$/.test(p0) && Number(p0) >= 1 && Number(p0) <= 31) {
        return { confidence: 0.65, reason: 'day with a month name' };
      }
      if (!/^\d+$/.test(c) || sep !== '/') return null;
      const month = Number(p0);
      if (p0.length > 2 || month < 1 || month > 12) return null;
      if (p1.length === 4) return { confidence: 0.2, reason: 'month/year' };
      if (p1.length === 2) return { confidence: 0.1, reason: 'month/year or month/day' };
    }
    return null;
  },
};

const MONTH_NAMES =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const MONTH_RE = new RegExp(`\\b(?:${MONTH_NAMES})\\b\\.?`, 'gi');
const DAY_BEFORE = /(?:\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s\-.]+|\bthe\s+(\d{1,2})(?:st|nd|rd|th)\s+of\s+)$/i;
const AFTER_MONTH = /(?:[\s-]+(\d{1,2})(?:st|nd|rd|th)?\b(?!:))?(?:,?[\s-]+(\d{4}|'\d{2})\b)?/iy;
const YEAR_AFTER_DAY = /[\s\-.,]+(\d{4}|'\d{2})\b/y;

function monthNumber(token: string): number {
  return MONTH_ABBR[token.slice(0, token.toUpperCase().startsWith('SEPT') ? 4 : 3).toUpperCase()] ?? 0;
}

/** Written dates around month names. */
export function detectWrittenDates(text: string, emit: (c: Candidate) => void): void {
  MONTH_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = MONTH_RE.exec(text)) !== null) {
    const token = m[0].replace(/\.$/, '');
    // "may" in lower case is the verb; month names are capitalised in running text.
    if (token === 'may' || token === 'mar' || token === 'march' || token === 'sept') continue;
    const month = monthNumber(token);
    let start = m.index;
    let end = m.index + token.length;
    let day: number | undefined;
    let year: number | undefined;
    const before = text.slice(Math.max(0, start - 16), start);
    const db = DAY_BEFORE.exec(before);
    if (db !== null) {
      day = Number(db[1] ?? db[2]);
      start -= db[0].length;
      YEAR_AFTER_DAY.lastIndex = end + (m[0].length - token.length);
      const y = YEAR_AFTER_DAY.exec(text);
      if (y !== null) {
        year = yearOf((y[1] ?? '').replace("'", ''));
        end = YEAR_AFTER_DAY.lastIndex;
      }
    } else {
      AFTER_MONTH.lastIndex = m.index + m[0].length;
      const a = AFTER_MONTH.exec(text);
      if (a !== null && a[0].length > 0) {
        if (a[1] !== undefined) day = Number(a[1]);
        if (a[2] !== undefined) year = yearOf(a[2].replace("'", ''));
        end = AFTER_MONTH.lastIndex;
      }
    }
    if (day === undefined && year === undefined) continue;
    if (day !== undefined && !isValidDate(year ?? 2000, month, day)) continue;
    const confidence = day !== undefined && year !== undefined ? 0.9 : day !== undefined ? 0.75 : 0.6;
    const reason =
      day !== undefined && year !== undefined ? 'written date' : day !== undefined ? 'written day and month' : 'written month and year';
    emit({ type: 'DATE', start, end, text: text.slice(start, end), confidence, reason, detector: 'date', specificity: 2 });
    MONTH_RE.lastIndex = Math.max(MONTH_RE.lastIndex, end);
  }
}

const AGE_AFTER =
  /(?:\s*-\s*|\s+)(?:years?|yrs?)(?:\s*-\s*|\s+)old\b|\s*(?:yo|y\/o|y\.o\.)(?![A-Za-z])|\s+years?\s+of\s+age\b|\s*-?\s*(?:year|yr)-old\b/iy;
const AGE_BEFORE = /(?:\baged?|\bage\s*:|\bage\s+of)\s*$/i;

/** HIPAA Safe Harbor §164.514(b)(2)(i)(C): ages over 89 are identifying, younger ones are not. */
export const ageRule: IdRule = {
  detector: 'age',
  type: 'AGE',
  minLength: 2,
  maxLength: 3,
  maxLetters: 0,
  maxGroups: 1,
  leading: '19',
  specificity: 2,
  match(v) {
    const n = Number(v.compact);
    if (n < 90 || n > 125) return null;
    AGE_AFTER.lastIndex = v.end;
    if (AGE_AFTER.test(v.text)) return { confidence: 0.85, reason: `age ${n}, over 89 (HIPAA Safe Harbor)` };
    if (AGE_BEFORE.test(v.text.slice(Math.max(0, v.start - 10), v.start))) {
      return { confidence: 0.8, reason: `age ${n}, over 89 (HIPAA Safe Harbor)` };
    }
    return null;
  },
};
