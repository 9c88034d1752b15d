import type { ContextIndex } from '../context';
import { CALENDAR, COMMON, COUNTRY, FIRST, LAST, PLACE, STREET_TYPE, classify, lexicon } from '../lexicon/lexicon';
import { ADDRESS_CUES, STREET_COMPOUND_ENDINGS, STREET_PREFIXES } from '../lexicon/word-lists';
import type { Candidate } from '../types';

/**
 * Street addresses (HIPAA: street address, city, county, precinct, ZIP code). Three ways in:
 * a house number followed by a street ("1755 Nelson Mandela Drive", "48 Rue Abdelaziz",
 * "11 Školní 939"), a compound street name followed by its number ("Nassaustraat 123"), and
 * the words "address:", "lives at", … Each address then takes in the city, postcode and
 * country that follow on its line and on the next short lines of a postal block.
 */

const PREFIXES = new Set(STREET_PREFIXES);
const COMPOUND_RE = new RegExp(`(?:${STREET_COMPOUND_ENDINGS.join('|')})$`, 'i');
const NUMBER_START = /(?<![\p{L}\p{N}.,/:-])\d{1,5}[A-Za-z]?(?:[ \t]+\d{1,5}[A-Za-z]?)?[ \t]+(?=\p{L})/gu;
const WORD = /[\p{L}][\p{L}\p{M}'’-]*\.?/uy;
const HOUSE_NUMBER = /[ \t]+(\d{1,5}[A-Za-z]?)(?![\p{L}\p{N}])\.?/uy;
const UNITS = new Set(
  'mg mcg g kg ml l mm cm m km lb lbs oz in ft units unit tablets tablet tabs caps capsules puffs drops days day weeks week months month years year hours hour hrs hr minutes min mins times x patients people beds'.split(
    ' ',
  ),
);
const ADDRESS_CUE_SET = new Set(ADDRESS_CUES);

const UNIT_PIECE =
  /[ \t]*,?[ \t]*(?:apt|apartment|suite|ste|unit|flat|fl|floor|room|rm|bldg|no|#)\.?[ \t]*#?[A-Za-z0-9-]*\d[A-Za-z0-9-]*(?![\p{L}\p{N}])/iuy;

/** Components that may follow a street on the same line: unit, city, state, postcode, country. */
const TAIL =
  /(?:[ \t]*,?[ \t]*(?:(?:apt|apartment|suite|ste|unit|flat|fl|floor|room|rm|bldg|no|#)\.?[ \t]*#?[A-Za-z0-9-]+|\d{3,6}(?:-\d{3,4})?(?![\p{L}\p{N}])|[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}|\p{Lu}[^\s,;:()"]{0,40}|\((?:[^)\n]{1,30})\)|(?:and|et|y|de|nad|an der|am|im|upon|on)(?=[ \t]+\p{Lu})))/uy;

type Word = { start: number; end: number; raw: string; lower: string };

function readWordAt(text: string, pos: number): Word | undefined {
  WORD.lastIndex = pos;
  const m = WORD.exec(text);
  if (m === null) return undefined;
  const raw = m[0];
  return { start: pos, end: pos + raw.length, raw, lower: (raw.endsWith('.') ? raw.slice(0, -1) : raw).toLowerCase() };
}

function isCapitalised(w: Word): boolean {
  const c = w.raw.charAt(0);
  return c !== c.toLowerCase();
}

/** Extends an address over unit, city, state, postcode and country on the same line. */
function extendTail(text: string, end: number): number {
  let e = end;
  for (let k = 0; k < 12; k++) {
    // Unit designators in any case ("Apt 4B", "suite 771"), then the other components.
    UNIT_PIECE.lastIndex = e;
    const unit = UNIT_PIECE.exec(text);
    if (unit !== null) {
      e += unit[0].length;
      continue;
    }
    TAIL.lastIndex = e;
    const m = TAIL.exec(text);
    if (m === null || m[0].length === 0) break;
    const piece = m[0].replace(/^[ \t,]+/, '');
    // A lower-case-led sentence or a common word ends the address ("… in case of an issue").
    const firstWord = piece.split(/[ \t]/)[0]?.replace(/[.,]$/, '').toLowerCase() ?? '';
    const flags = classify(firstWord);
    const newSegment = /^[ \t]*,/.test(m[0]) || e === end;
    if (
      newSegment &&
      /^\p{Lu}/u.test(piece) &&
      !/^\p{Lu}{2,3}\b/u.test(piece) &&
      (flags & COMMON) !== 0 &&
      (flags & (PLACE | COUNTRY)) === 0 &&
      !/^(apt|apartment|suite|ste|unit|flat|floor|room|bldg|no)$/i.test(firstWord)
    )
      break;
    e += m[0].length;
  }
  // Drop a trailing full stop that ends the sentence.
  while (e > end && /[ \t,]/.test(text.charAt(e - 1))) e--;
  return e;
}

const HEAD_WITH_POSTCODE = /^[ \t]*(?:[\p{L}\p{M}'’.-]+[ \t,]+){0,5}?\d{4,6}(?:-\d{4})?(?![\p{L}\p{N}])/u;
const UNIT_LINE = /^(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|bldg|building|po box|p\.o\. box|#)\b/i;
const POSTCODE_IN_LINE = /(?<![\p{L}\p{N}])(?:\d{4,6}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})(?![\p{L}\p{N}])/u;
const CITY_LINE = /^[,\s]*[\p{L}][\p{L}\p{M}'’.\- ]{0,40}?(?:[ \t]+\d{1,3})?(?:[ \t]*\([^)\n]{1,30}\))?[,\s]*$/u;

function isCountryLine(line: string): boolean {
  const words = line.replace(/[,\d]/g, ' ').trim().toLowerCase();
  if (words === '') return false;
  if (((lexicon().get(words) ?? 0) & COUNTRY) !== 0) return true;
  return words.split(/\s+/).some((w) => ((lexicon().get(w) ?? 0) & COUNTRY) !== 0);
}

/** True for a short line that reads like part of a postal block. */
function isAddressLine(line: string): boolean {
  const t = line.trim().replace(/^[^\p{L}\p{N},(#]+/u, '');
  if (t.length === 0 || t.length > 60 || /[:?!@]/.test(t) || /\.$/.test(t.replace(/\d+\.$/, ''))) return false;
  if (t.split(/\s+/).length > 6) return false;
  if (UNIT_LINE.test(t) || POSTCODE_IN_LINE.test(t) || isCountryLine(t)) return true;
  if (!CITY_LINE.test(t)) return false;
  const words = t
    .replace(/[,()]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter((w) => /\p{L}/u.test(w));
  if (words.length === 0 || words.length > 4) return false;
  // Region codes ("VAN", "JN") are written in capitals; a line of everyday words ("Thank
  // you", "Best regards") is not a city.
  if (words.every((w) => /^\p{Lu}{2,3}$/u.test(w))) return true;
  return !words.every((w) => {
    const f = classify(w.toLowerCase());
    return (f & COMMON) !== 0 && (f & (PLACE | COUNTRY)) === 0;
  });
}

/** Extends an address that ends its line over the following lines of a postal block. */
function extendBlock(text: string, end: number): number {
  let e = end;
  const rest = text.slice(e, e + 3);
  if (!/^[ \t,]*(?:\n|\r\n?)/.test(rest) && e < text.length) return e;
  let pos = e;
  let blanks = 0;
  for (let lines = 0; lines < 6; lines++) {
    let nl = pos;
    while (nl < text.length && nl - pos < 124 && text.charCodeAt(nl) !== 10) nl++;
    if (nl >= text.length || text.charCodeAt(nl) !== 10) break;
    const lineStart = nl + 1;
    // Postal lines are short; never search further than that for the line's end.
    let lineEnd = lineStart;
    while (lineEnd < text.length && lineEnd - lineStart < 120 && text.charCodeAt(lineEnd) !== 10) lineEnd++;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (line.trim() === '') {
      if (++blanks > 1) break;
      pos = lineStart;
      continue;
    }
    if (!isAddressLine(line)) {
      // "Portugal 76970 in case of an issue.": the block ends with its postcode.
      const head = HEAD_WITH_POSTCODE.exec(line);
      if (head !== null) e = lineStart + head[0].length;
      break;
    }
    blanks = 0;
    const trimmedEnd = lineStart + line.replace(/[\s,]+$/, '').length;
    e = trimmedEnd;
    pos = lineStart;
  }
  return e;
}

const LOWER_LAST_SEGMENT = /,[ \t]*[\p{Ll}][\p{L}\p{M}'’ -]{0,30}(?=[ \t]*(?:\r?\n|$))/uy;
const CORNER_BEFORE = /(?:\bthe[ \t]+)?\bcorner[ \t]+of[ \t]+$/i;

function emitAddress(
  text: string,
  start: number,
  coreEnd: number,
  confidence: number,
  reason: string,
  emit: (c: Candidate) => void,
): number {
  let end = extendTail(text, coreEnd);
  // A lower-case town closing the line ("…426, opocnice").
  LOWER_LAST_SEGMENT.lastIndex = end;
  const lowerTown = LOWER_LAST_SEGMENT.exec(text);
  if (lowerTown !== null && lowerTown[0].split(/\s+/).length <= 4) end += lowerTown[0].length;
  end = extendBlock(text, end);
  const corner = CORNER_BEFORE.exec(text.slice(Math.max(0, start - 20), start));
  if (corner !== null) start -= corner[0].length;
  emit({ type: 'ADDRESS', start, end, text: text.slice(start, end), confidence, reason, detector: 'address', specificity: 1 });
  return end;
}

function wordsAfterNumber(text: string, pos: number, max: number): Word[] {
  const words: Word[] = [];
  let p = pos;
  for (let k = 0; k < max; k++) {
    const w = readWordAt(text, p);
    if (w === undefined) break;
    words.push(w);
    const gap = /^[ \t]+/.exec(text.slice(w.end, w.end + 4));
    if (gap === null) break;
    p = w.end + gap[0].length;
  }
  return words;
}

function hasCueBefore(context: ContextIndex, pos: number): boolean {
  // Binary search for the last phrase starting before `pos`, then look back 48 characters.
  let lo = 0;
  let hi = context.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((context.starts[mid] ?? 0) < pos) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) {
    if (pos - (context.starts[i] ?? 0) > 48) return false;
    if (ADDRESS_CUE_SET.has(context.phrases[i] ?? '')) return true;
  }
  return false;
}

/** Addresses that start with a house number. */
function fromHouseNumbers(text: string, context: ContextIndex, emit: (c: Candidate) => void): void {
  NUMBER_START.lastIndex = 0;
  let lastEnd = -1;
  let m: RegExpExecArray | null;
  while ((m = NUMBER_START.exec(text)) !== null) {
    const start = m.index;
    if (start < lastEnd) continue;
    const afterNumber = start + m[0].length;
    const w0 = readWordAt(text, afterNumber);
    if (w0 === undefined) continue;
    // Fast exit for quantities ("400 mg", "2 weeks"): a lower-case word that is not a street word.
    const lowerFirst = !isCapitalised(w0);
    if (UNITS.has(w0.lower)) continue;
    // "10 to 15 minutes", "72 beats": an everyday lower-case word after a number starts prose.
    if (lowerFirst && (classify(w0.lower) & COMMON) !== 0 && !PREFIXES.has(w0.lower) && !COMPOUND_RE.test(w0.lower)) continue;
    const words = wordsAfterNumber(text, afterNumber, 6);
    const marked = words
      .slice(0, 4)
      .some((w) => PREFIXES.has(w.lower) || COMPOUND_RE.test(w.lower) || (w.lower.length > 3 && (classify(w.lower) & STREET_TYPE) !== 0));
    const w0Street = PREFIXES.has(w0.lower) || COMPOUND_RE.test(w0.lower);
    let cue = lowerFirst && !marked ? hasCueBefore(context, start) : false;
    if (lowerFirst && !marked && !cue) continue;
    let coreEnd = -1;
    let confidence = 0;
    let reason = '';
    // "… Road", "… St", "… Place" after one to five words.
    for (let k = 1; k < words.length; k++) {
      const w = words[k] as Word;
      if ((classify(w.lower) & STREET_TYPE) !== 0 && (isCapitalised(w) || !lowerFirst || cue || w.lower.length > 3)) {
        const between = words.slice(0, k);
        if (between.every((b) => !UNITS.has(b.lower))) {
          coreEnd = w.end;
          confidence = 0.7;
          reason = `house number and street ("${w.raw}")`;
        }
        break;
      }
      if (!isCapitalised(w) && !cue && !marked) break;
    }
    // "48 Rue Abdelaziz Thâalbi", "12 Via Roma".
    if (coreEnd < 0 && PREFIXES.has(w0.lower) && words.length > 1) {
      let k = 1;
      while (k < words.length && (isCapitalised(words[k] as Word) || cue)) k++;
      if (k > 1) {
        coreEnd = (words[k - 1] as Word).end;
        confidence = 0.7;
        reason = `house number and street ("${w0.raw} …")`;
      }
    }
    // "11 Školní 939", "87 Jakobi 69", "45 aðalgata 37": number, street name, number.
    if (coreEnd < 0) {
      for (let k = 0; k < Math.min(words.length, 3); k++) {
        const w = words[k] as Word;
        const lastWord = w;
        HOUSE_NUMBER.lastIndex = lastWord.end;
        const hn = HOUSE_NUMBER.exec(text);
        if (hn !== null) {
          const streetWords = words.slice(0, k + 1);
          const known = streetWords.every((s) => {
            const f = classify(s.lower);
            return ((f & (COMMON | CALENDAR)) !== 0 && (f & (PLACE | FIRST | LAST)) === 0) || UNITS.has(s.lower);
          });
          const marker = streetWords.some((s) => COMPOUND_RE.test(s.lower) || PREFIXES.has(s.lower));
          const capitalised = streetWords.every((s) => isCapitalised(s) || s.raw.endsWith('.'));
          if (!known && (capitalised || marker || cue || marked)) {
            coreEnd = lastWord.end + hn[0].length;
            if (text.charAt(coreEnd - 1) === '.' && !/\d\.$/.test(text.slice(coreEnd - 3, coreEnd))) coreEnd--;
            confidence = cue || marker ? 0.65 : 0.55;
            reason = 'street name between house numbers';
          }
          break;
        }
        if (!isCapitalised(w) && !cue && !marked) break;
      }
    }
    // Any street-marked word ("aðalgata") after the number, or an address cue before it.
    if (coreEnd < 0 && !cue && !lowerFirst) cue = hasCueBefore(context, start);
    if (coreEnd < 0 && (w0Street || cue) && words.length > 0) {
      let k = 0;
      while (k < words.length && k < 4) k++;
      coreEnd = cue ? (words[Math.min(k, words.length) - 1] as Word).end : w0.end;
      confidence = cue ? 0.6 : 0.55;
      reason = cue ? 'number after an address word' : 'house number and street';
    }
    if (coreEnd < 0) continue;
    lastEnd = emitAddress(text, start, coreEnd, confidence, reason, emit);
    NUMBER_START.lastIndex = Math.max(NUMBER_START.lastIndex, lastEnd);
  }
}

/**
 * "Nassaustraat 123", "Ziegelgasse 26": a compound street name and its number, found by the
 * name detector's word scan (which visits every capitalised word anyway).
 */
export function emitStreetWithNumber(text: string, wordStart: number, numberEnd: number, emit: (c: Candidate) => void): void {
  let s = wordStart;
  // Include a preceding capitalised word of the street name ("Korte Noordsstraat").
  const before = /(\p{Lu}[\p{L}\p{M}'’-]*)[ \t]+$/u.exec(text.slice(Math.max(0, s - 30), s));
  if (before !== null && (classify((before[1] ?? '').toLowerCase()) & COMMON) === 0) s -= before[0].length;
  emitAddress(text, s, numberEnd, 0.7, 'street name and house number', emit);
}

/** Street addresses in `text`. */
export function detectAddresses(text: string, context: ContextIndex, emit: (c: Candidate) => void): void {
  fromHouseNumbers(text, context, emit);
}
