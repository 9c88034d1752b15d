/**
 * Shifting a written date by a number of days while keeping the way it was written: separators,
 * zero padding, two- or four-digit years, month names and their case, a time of day. Used by the
 * date-shift operator, which derives the number of days from the document's subject so that
 * intervals between one subject's dates survive anonymisation.
 */

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** How a date was written, enough to write a shifted one the same way. */
type Shape =
  | { kind: 'numeric'; order: 'YMD' | 'MDY' | 'DMY'; sep: string; widths: [number, number, number]; yearDigits: number; rest: string }
  | {
      kind: 'named';
      template: string;
      monthStyle: 'full' | 'abbr';
      monthCase: 'lower' | 'upper' | 'title';
      hasYear: boolean;
      hasDay: boolean;
      yearDigits: number;
    };

type Parsed = { year: number; month: number; day: number; shape: Shape };

function fullYear(y: string): number {
  const n = Number(y);
  if (y.length === 4) return n;
  return n < 50 ? 2000 + n : 1900 + n;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isReal(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const NUMERIC = /^(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})(.*)$/s;

/** Reads a date; `preferDayFirst` breaks the tie for 03/04/2021. Undefined when it cannot. */
export function parseDate(text: string, preferDayFirst = false): Parsed | undefined {
  const t = text.trim();
  const n = NUMERIC.exec(t);
  if (n !== null) {
    const [, a = '', sep = '', b = '', c = '', rest = ''] = n;
    // A time after the date is kept as written ("1998-06-28 14:48:14").
    if (rest !== '' && !/^(?:[T ]\d{2}:\d{2}.*)$/s.test(rest)) return undefined;
    if (a.length === 4) {
      const shape: Shape = { kind: 'numeric', order: 'YMD', sep, widths: [4, b.length, c.length], yearDigits: 4, rest };
      const parsed = { year: Number(a), month: Number(b), day: Number(c), shape };
      return isReal(parsed.year, parsed.month, parsed.day) ? parsed : undefined;
    }
    if (c.length !== 2 && c.length !== 4) return undefined;
    const year = fullYear(c);
    const first = Number(a);
    const second = Number(b);
    const mdy = isReal(year, first, second);
    const dmy = isReal(year, second, first);
    if (!mdy && !dmy) return undefined;
    const dayFirst = dmy && (!mdy || preferDayFirst || sep === '.');
    const shape: Shape = {
      kind: 'numeric',
      order: dayFirst ? 'DMY' : 'MDY',
      sep,
      widths: [a.length, b.length, c.length],
      yearDigits: c.length,
      rest,
    };
    return dayFirst ? { year, month: second, day: first, shape } : { year, month: first, day: second, shape };
  }
  const monthMatch = /[A-Za-z]{3,9}\.?/.exec(t);
  if (monthMatch === null) return undefined;
  const token = monthMatch[0].replace('.', '');
  const lower = token.toLowerCase();
  const month = MONTHS.findIndex(
    (m) => m === lower || (lower.length >= 3 && m.startsWith(lower) && (lower.length === 3 || lower === 'sept')),
  );
  if (month < 0) return undefined;
  const before = t.slice(0, monthMatch.index);
  const after = t.slice(monthMatch.index + monthMatch[0].length);
  const dayBefore = /(\d{1,2})(st|nd|rd|th)?(\s+of)?[\s.-]*$/.exec(before);
  const dayAfter = dayBefore === null ? /^[\s-]*(\d{1,2})(st|nd|rd|th)?(?!\d)/.exec(after) : null;
  const yearMatch = /(\d{4}|'\d{2})(?!\d)\s*$/.exec(dayAfter !== null ? after.slice(dayAfter[0].length) : after);
  const day = dayBefore !== null ? Number(dayBefore[1]) : dayAfter !== null ? Number(dayAfter[1]) : 1;
  const yearText = yearMatch?.[1]?.replace("'", '');
  const year = yearText !== undefined ? fullYear(yearText) : 2000;
  if (!isReal(year, month + 1, day)) return undefined;
  // The template keeps everything but the numbers and the month name.
  let template = t.replace(monthMatch[0], `{M}${monthMatch[0].endsWith('.') ? '.' : ''}`);
  if (dayBefore !== null) template = template.replace(/\d{1,2}(?=(st|nd|rd|th)?(\s+of)?[\s.-]*\{M\})/, '{D}');
  if (dayAfter !== null) template = template.replace(/(\{M\}\.?[\s-]*)\d{1,2}/, '$1{D}');
  if (yearText !== undefined) template = template.replace(/(\d{4}|'\d{2})(?!\d)(\s*)$/, '{Y}$2');
  const monthCase = token === token.toUpperCase() ? 'upper' : token === token.toLowerCase() ? 'lower' : 'title';
  return {
    year,
    month: month + 1,
    day,
    shape: {
      kind: 'named',
      template,
      monthStyle: token.length > 3 && lower !== 'sept' ? 'full' : 'abbr',
      monthCase,
      hasYear: yearText !== undefined,
      hasDay: dayBefore !== null || dayAfter !== null,
      yearDigits: yearText?.length ?? 4,
    },
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function ordinal(day: number): string {
  if (day % 100 >= 11 && day % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][day % 10] ?? 'th';
}

function format(year: number, month: number, day: number, shape: Shape): string {
  if (shape.kind === 'numeric') {
    const y = shape.yearDigits === 2 ? pad(year % 100, 2) : pad(year, 4);
    const [w0, w1, w2] = shape.widths;
    if (shape.order === 'YMD') return `${y}${shape.sep}${pad(month, w1)}${shape.sep}${pad(day, w2)}${shape.rest}`;
    if (shape.order === 'MDY') return `${pad(month, w0)}${shape.sep}${pad(day, w1)}${shape.sep}${y}${shape.rest}`;
    return `${pad(day, w0)}${shape.sep}${pad(month, w1)}${shape.sep}${y}${shape.rest}`;
  }
  const name = MONTHS[month - 1] ?? '';
  let m = shape.monthStyle === 'full' ? name : name.slice(0, 3);
  m = shape.monthCase === 'upper' ? m.toUpperCase() : shape.monthCase === 'lower' ? m : m.charAt(0).toUpperCase() + m.slice(1);
  const y = shape.yearDigits === 2 ? pad(year % 100, 2) : String(year);
  return shape.template
    .replace('{M}', m)
    .replace(/\{D\}(st|nd|rd|th)?/, (_all, suffix: string | undefined) => `${day}${suffix !== undefined ? ordinal(day) : ''}`)
    .replace('{Y}', shape.template.includes("'{Y}") ? y.slice(-2) : y);
}

/** The date in `text` moved by `days`, written the same way; undefined when it cannot be read. */
export function shiftDate(text: string, days: number, preferDayFirst = false): string | undefined {
  const parsed = parseDate(text, preferDayFirst);
  if (parsed === undefined) return undefined;
  const base = Date.UTC(parsed.year, parsed.month - 1, parsed.day);
  const moved = new Date(base + days * 86_400_000);
  const leading = /^\s*/.exec(text)?.[0] ?? '';
  const trailing = /\s*$/.exec(text)?.[0] ?? '';
  return leading + format(moved.getUTCFullYear(), moved.getUTCMonth() + 1, moved.getUTCDate(), parsed.shape) + trailing;
}

/** The year of a date, for generalisation ("2021"); undefined when it has none. */
export function yearOf(text: string, preferDayFirst = false): string | undefined {
  const parsed = parseDate(text, preferDayFirst);
  if (parsed === undefined) return undefined;
  if (parsed.shape.kind === 'named' && !parsed.shape.hasYear) return undefined;
  return String(parsed.year);
}
