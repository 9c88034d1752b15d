/**
 * Context words ("ssn", "passport", "MRN", …) found in one pass over the text. Every detector
 * asks the same index whether one of its words sits near a candidate, instead of each one
 * lower-casing and searching its own window: one combined regex costs about as much as one
 * detector's, however many detectors there are.
 */

/** Positions of every context phrase in a text, sorted by start. */
export type ContextIndex = {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  /** The phrase as listed by the detectors (lower case, single spaces). */
  readonly phrases: readonly string[];
};

/** Builds indexes for one fixed set of phrases. */
export type ContextMatcher = {
  index(text: string): ContextIndex;
};

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\]/g;
// eslint-disable-next-line no-control-regex -- the ASCII range
const NON_ASCII = /[^\x00-\x7f]/;

/** Normalises a phrase the way the index reports it. */
export function normalisePhrase(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\s\-_]+/g, ' ')
    .trim();
}

function isAsciiWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Compiles the phrases into one case-insensitive regex over their first words (V8 runs an
 * alternation of single words far faster than one of multi-word phrases), and checks the
 * remaining words of each hit by hand. Words may be joined by spaces, hyphens or underscores
 * ("Steuer-ID", "social security"). ASCII first words match on word boundaries; others (Korean,
 * Thai, German compounds) anywhere, since those scripts glue words together.
 */
export function createContextMatcher(phrases: Iterable<string>): ContextMatcher {
  const unique = [...new Set([...phrases].map(normalisePhrase))].filter((p) => p.length > 0);
  type Entry = { phrase: string; words: readonly string[] };
  const byFirst = new Map<string, Entry[]>();
  for (const p of unique) {
    const words = p.split(' ');
    const first = words[0] ?? '';
    const list = byFirst.get(first) ?? [];
    list.push({ phrase: p, words });
    byFirst.set(first, list);
  }
  // Longest phrase first, so that "social security number" wins over "social".
  for (const list of byFirst.values()) list.sort((a, b) => b.phrase.length - a.phrase.length);
  const firstWords = [...byFirst.keys()].sort((a, b) => b.length - a.length);
  const ascii = firstWords.filter((w) => /^[\x20-\x7e]+$/.test(w));
  const other = firstWords.filter((w) => !/^[\x20-\x7e]+$/.test(w));
  // Two regexes rather than one alternation of both: the scans are merged by position below,
  // which finds the same matches, and a text without a non-ASCII character (every `other`
  // word has one) skips the second scan, which costs a third of the time for no match.
  const asciiSource =
    ascii.length > 0 ? `\\b(?:${ascii.map((w) => w.replace(REGEX_SPECIALS, '\\$&')).join('|')})(?![A-Za-z0-9])` : undefined;
  const otherSource = other.length > 0 ? `(?:${other.map((w) => w.replace(REGEX_SPECIALS, '\\$&')).join('|')})` : undefined;
  // Case-insensitive matching never pairs an ASCII character with a non-ASCII one, so a word with
  // a character beyond ASCII cannot occur in a text without one.
  const isOtherNonAscii = other.every((w) => NON_ASCII.test(w));

  // The end of `words` matched from `pos` (just after the first word), or -1.
  const matchRest = (text: string, pos: number, words: readonly string[]): number => {
    let p = pos;
    for (let k = 1; k < words.length; k++) {
      const w = words[k] ?? '';
      while (
        p < text.length &&
        (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 45 || text.charCodeAt(p) === 95 || text.charCodeAt(p) === 9)
      )
        p++;
      if (!equalsLower(text, p, w)) return -1;
      p += w.length;
      if (isAsciiWordCode(w.charCodeAt(w.length - 1)) && p < text.length && isAsciiWordCode(text.charCodeAt(p))) return -1;
    }
    return p;
  };

  // The phrases that may start with a word, keyed by the word as written: the same few words
  // recur in every document, so this skips lower-casing each match.
  const byWritten = new Map<string, Entry[] | undefined>();
  const entriesFor = (written: string): Entry[] | undefined => {
    if (byWritten.has(written)) return byWritten.get(written);
    const entries = byFirst.get(written.toLowerCase());
    // Bounded: a document that writes its words in ever new capitalisations must not grow it.
    if (byWritten.size > 10_000) byWritten.clear();
    byWritten.set(written, entries);
    return entries;
  };

  return {
    index(text: string): ContextIndex {
      const asciiRe = asciiSource !== undefined ? new RegExp(asciiSource, 'gi') : undefined;
      const otherRe = otherSource !== undefined && (!isOtherNonAscii || NON_ASCII.test(text)) ? new RegExp(otherSource, 'gi') : undefined;
      const starts: number[] = [];
      const ends: number[] = [];
      const found: string[] = [];
      // The next match of each regex at or after `pos`. Where both match at one position the
      // ASCII word wins, as the first branch of one alternation would.
      let pos = 0;
      let a = asciiRe?.exec(text) ?? null;
      let o = otherRe?.exec(text) ?? null;
      for (;;) {
        if (a !== null && a.index < pos && asciiRe !== undefined) {
          asciiRe.lastIndex = pos;
          a = asciiRe.exec(text);
        }
        if (o !== null && o.index < pos && otherRe !== undefined) {
          otherRe.lastIndex = pos;
          o = otherRe.exec(text);
        }
        const m = a !== null && (o === null || a.index <= o.index) ? a : o;
        if (m === null) break;
        pos = m.index + m[0].length;
        const candidates = entriesFor(m[0]);
        if (candidates === undefined) continue;
        for (const { phrase, words } of candidates) {
          const end = words.length === 1 ? m.index + m[0].length : matchRest(text, m.index + m[0].length, words);
          if (end < 0) continue;
          starts.push(m.index);
          ends.push(end);
          found.push(phrase);
          // Like a regex alternation, a phrase consumes its words ("driver's license number"
          // is not also "license number").
          pos = Math.max(pos, end);
          break;
        }
      }
      return { starts, ends, phrases: found };
    },
  };
}

/** `text.slice(p, p + w.length).toLowerCase() === w`, without the slice for ASCII text. */
function equalsLower(text: string, p: number, w: string): boolean {
  const n = w.length;
  if (p + n > text.length) return text.slice(p, p + n).toLowerCase() === w;
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(p + k);
    // Outside ASCII, lower-casing can change a string's length ("İ"): the library decides.
    if (c >= 128) return text.slice(p, p + n).toLowerCase() === w;
    const lower = c >= 65 && c <= 90 ? c + 32 : c;
    if (lower !== w.charCodeAt(k)) return false;
  }
  return true;
}

function lowerBound(arr: readonly number[], value: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arr[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The nearest of `wanted` that lies within [from, to) and outside [spanStart, spanEnd), or
 * undefined. A phrase inside the span itself (the "DE" of a VAT number) is not context.
 */
export function findContext(
  index: ContextIndex,
  wanted: ReadonlySet<string>,
  from: number,
  to: number,
  spanStart = -1,
  spanEnd = -1,
): string | undefined {
  if (wanted.size === 0 || index.starts.length === 0) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (let i = lowerBound(index.starts, from); i < index.starts.length; i++) {
    const s = index.starts[i] ?? 0;
    if (s >= to) break;
    const e = index.ends[i] ?? 0;
    if (e > to) continue;
    if (s < spanEnd && e > spanStart) continue;
    const phrase = index.phrases[i] ?? '';
    if (!wanted.has(phrase)) continue;
    const distance = s >= spanEnd ? s - spanEnd : spanStart - e;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = phrase;
    }
  }
  return best;
}
