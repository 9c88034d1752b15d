import type { ContextIndex } from '../context';
import { findContext } from '../context';
import {
  CALENDAR,
  COMMON,
  COUNTRY,
  FIRST,
  FULL_NAME,
  LAST,
  ORG,
  ORG_SUFFIX,
  PLACE,
  STREET_TYPE,
  TITLE,
  VERB,
  classify,
  lexicon,
} from '../lexicon/lexicon';
import { ADDRESS_CUES, STREET_COMPOUND_ENDINGS } from '../lexicon/word-lists';
import type { Candidate, EntityType } from '../types';
import { detectAddresses, emitStreetWithNumber } from './address';

/**
 * Names of people, organisations and places without a model: capitalised sequences scored by
 * lexicons (first and last names, places, organisations, everyday words), the words around them
 * (titles, roles such as patient or plaintiff, "lives in", "works for"), and their position
 * (a capitalised word that opens a sentence proves nothing). Lower-case names are looked for
 * only where a name is expected: at the start of a line and after "my name is" and titles.
 */

const PARTICLES = new Set([
  'van',
  'von',
  'de',
  'der',
  'den',
  'del',
  'della',
  'di',
  'da',
  'du',
  'la',
  'le',
  'bin',
  'ibn',
  'al',
  'nad',
  'zu',
  'ten',
  'ter',
  'dos',
  'das',
  'y',
]);
const POST_NOMINALS = new Set([
  'md',
  'phd',
  'rn',
  'np',
  'pa',
  'dds',
  'dmd',
  'esq',
  'jr',
  'sr',
  'ii',
  'iii',
  'iv',
  'mba',
  'facs',
  'frcs',
  'mrcp',
  'lpn',
  'pharmd',
  'dpm',
]);

/** Single words before a name that make it a person. */
const PERSON_CUE_WORDS = new Set(
  'patient pt plaintiff plaintiffs defendant defendants counsel attorney lawyer solicitor barrister witness claimant respondent petitioner appellant appellee decedent deceased testator beneficiary guardian caregiver judge justice nurse physician doctor surgeon therapist resident son daughter wife husband mother father mom dad mum brother sister grandson granddaughter grandmother grandfather grandma grandpa aunt uncle cousin niece nephew spouse partner fiancé fiancee friend boyfriend girlfriend kid child baby neighbor neighbour colleague boss manager employee client tenant landlord dear hi hello hey thanks sincerely regards attn by with said says told asked starring featuring feat and'.split(
    ' ',
  ),
);
/** Single words before a name that make it a place. */
const PLACE_CUE_WORDS = new Set('in at from near into towards toward outside inside across around via visiting visited of'.split(' '));
/** Phrases (found by the context index) before a name. */
const PERSON_PHRASES = [
  'my name is',
  'name is',
  'named',
  'called',
  'call me',
  'calls me',
  'known as',
  'aka',
  'signed',
  'last name',
  'first name',
  'maiden name',
  'surname',
  'patient name',
  'full name',
  'directed by',
  'written by',
  'seen by',
  'referred by',
  'accompanied by',
  'assistant to',
  'married to',
  'on behalf of',
  'the name of',
];
const PLACE_PHRASES = [
  'grew up in',
  'lives in',
  'lived in',
  'live in',
  'living in',
  'born in',
  'moved to',
  'moved from',
  'moved here from',
  'located in',
  'based in',
  'trip to',
  'travelled to',
  'traveled to',
  'where',
  'city of',
  'town of',
  'village of',
  'county of',
  'state of',
  'arrived at',
  'returned to',
  'went to',
  'flew to',
  'drove to',
];
const ORG_PHRASES = [
  'work for',
  'works for',
  'worked for',
  'working for',
  'work at',
  'works at',
  'worked at',
  'employed by',
  'employed at',
  'employer',
  'company',
  'firm',
  'joined',
  'according to the',
];

const PERSON_PHRASE_SET = new Set(PERSON_PHRASES);
const PLACE_PHRASE_SET = new Set(PLACE_PHRASES);
const ORG_PHRASE_SET = new Set(ORG_PHRASES);
const TITLE_PHRASE_SET = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'prof', 'mx']);
const ADDRESS_CUE_SET = new Set(ADDRESS_CUES);

/** Phrases the shared context index must find for this detector. */
export const NAME_CONTEXT_PHRASES: readonly string[] = [
  ...PERSON_PHRASES,
  ...PLACE_PHRASES,
  ...ORG_PHRASES,
  ...ADDRESS_CUES,
  ...TITLE_PHRASE_SET,
];

const PLACE_SUFFIX =
  /(?:ville|burg|burgh|borough|bury|ford|field|ton|town|shire|stadt|stad|dorf|hausen|heim|grad|polis|haven|mouth|chester|caster|wick|by|thorpe|holm|köping|fors|vik|berg|bad|kirchen|ice|ovo|evo|ino)$/;

const MAX_SEQUENCE = 8;
const LEADING_FUNCTION_WORDS = new Set(
  'the a an this that these those our my your his her their its and or but so then when if ex of to for in on at by with from'.split(' '),
);

type Token = { start: number; end: number; word: string; lower: string; flags: number; isInitial: boolean; allCaps: boolean };

const CAP_TOKEN = /\p{Lu}[\p{L}\p{M}'’]*(?:-\p{L}[\p{L}\p{M}'’]*)*\.?/gu;
const LETTER = /[\p{L}\p{M}\p{N}]/u;

function isLetterAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  // ASCII decides without the Unicode regex: letters and digits are \p{L} / \p{N}, nothing else is.
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return LETTER.test(text.charAt(i));
}

/** Lower-cased words before `pos`, nearest first, not crossing a sentence or line end. */
function wordsBefore(text: string, pos: number, count: number): { words: string[]; boundary: string } {
  const words: string[] = [];
  let i = pos - 1;
  let boundary = '';
  while (words.length < count && i >= 0 && pos - i < 40) {
    while (i >= 0 && (text.charAt(i) === ' ' || text.charAt(i) === '\t' || `"'“‘(*•`.includes(text.charAt(i)))) i--;
    if (i < 0) {
      boundary = 'start';
      break;
    }
    const ch = text.charAt(i);
    if ('.!?\n:;,'.includes(ch)) {
      // "Dr." and "Mrs." end in a full stop without ending the sentence.
      if (ch === '.') {
        let k = i - 1;
        while (k >= 0 && (text.charCodeAt(k) | 32) >= 97 && (text.charCodeAt(k) | 32) <= 122) k--;
        const w = text.slice(k + 1, i).toLowerCase();
        if (TITLE_PHRASE_SET.has(w) || w === 'st') {
          words.push(w);
          i = k;
          continue;
        }
      }
      boundary = ch;
      break;
    }
    let k = i;
    while (k >= 0 && isLetterAt(text, k)) k--;
    if (k === i) {
      boundary = ch;
      break;
    }
    words.push(text.slice(k + 1, i + 1).toLowerCase());
    i = k;
  }
  if (words.length === 0 && boundary === '' && i < 0) boundary = 'start';
  return { words, boundary };
}

function wordAfter(text: string, pos: number): { word: string; punct: string } {
  let i = pos;
  const punct = text.charAt(i);
  while (i < text.length && ' \t,;'.includes(text.charAt(i))) i++;
  let k = i;
  while (k < text.length && isLetterAt(text, k)) k++;
  return { word: text.slice(i, k).toLowerCase(), punct };
}

function emitSpan(
  emit: (c: Candidate) => void,
  text: string,
  start: number,
  end: number,
  type: EntityType,
  confidence: number,
  reason: string,
): void {
  // A possessive belongs to the sentence, not the name ("Arne's address").
  let e = end;
  const apostrophe = text.charCodeAt(e - 2);
  if (e - 2 > start && (text.charCodeAt(e - 1) === 115 || text.charCodeAt(e - 1) === 83) && (apostrophe === 39 || apostrophe === 0x2019))
    e -= 2;
  if (e <= start) return;
  emit({ type, start, end: e, text: text.slice(start, e), confidence, reason, detector: 'names', specificity: 1 });
}

const CONTRACTION = /['’](?:d|m|ve|ll|re|t|s)$/i;

function tokenFlags(word: string): number {
  // "I'd", "You're", "Don't": pronouns and auxiliaries, whatever follows the apostrophe.
  if (CONTRACTION.test(word) && !/['’]s$/i.test(word)) return COMMON;
  return classify(word.toLowerCase());
}

function isWordCode(c: number): boolean {
  // ASCII letters and digits decide most cases without a Unicode regex.
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
  if (c < 128) return false;
  return LETTER.test(String.fromCharCode(c));
}

function isUpperCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c > 127 && /\p{Lu}/u.test(String.fromCharCode(c)));
}

const exactMemo = new Map<string, number>();

/** `classify` keyed by the word as written, so that repeated words skip lower-casing. */
function classifyExact(raw: string): number {
  let f = exactMemo.get(raw);
  if (f === undefined) {
    const word = raw.endsWith('.') ? raw.slice(0, -1) : raw;
    f = tokenFlags(word.endsWith("'s") || word.endsWith('’s') ? word.slice(0, -2) : word);
    if (exactMemo.size > 100_000) exactMemo.clear();
    exactMemo.set(raw, f);
  }
  return f;
}

/**
 * What a capitalised token's text alone decides: everything but its position. Prose repeats its
 * words, so keying this by the token as matched skips the slicing, case mapping and lexicon
 * look-ups that dominate the name pass.
 */
type TokenInfo = {
  /** The token as matched (the memo's key). */
  readonly matched: string;
  /** Flags of the token as matched (before a full stop or apostrophe is trimmed). */
  readonly exact: number;
  /** Length after trimming a full stop that is not part of the word, and a closing apostrophe. */
  readonly length: number;
  readonly word: string;
  readonly lower: string;
  readonly flags: number;
  readonly isInitial: boolean;
  readonly allCaps: boolean;
  readonly isCompoundStreet: boolean;
};

const tokenMemo = new Map<string, TokenInfo>();

function tokenInfo(matched: string): TokenInfo {
  let info = tokenMemo.get(matched);
  if (info === undefined) {
    info = buildTokenInfo(matched);
    if (tokenMemo.size > 100_000) tokenMemo.clear();
    tokenMemo.set(matched, info);
  }
  return info;
}

function buildTokenInfo(matched: string): TokenInfo {
  let raw = matched;
  if (raw.endsWith('.')) {
    const bare = raw.slice(0, -1);
    const lowerBare = bare.toLowerCase();
    const keepDot =
      bare.length === 1 || ((lexicon().get(lowerBare) ?? 0) & TITLE) !== 0 || POST_NOMINALS.has(lowerBare) || lowerBare === 'st';
    if (!keepDot) raw = bare;
  }
  if (raw.endsWith("'") || raw.endsWith('’')) raw = raw.slice(0, -1);
  const word = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  const lower = word.toLowerCase();
  return {
    matched,
    exact: classifyExact(matched),
    length: raw.length,
    word,
    lower,
    flags: tokenFlags(word.endsWith("'s") || word.endsWith('’s') ? word.slice(0, -2) : word),
    isInitial: word.length === 1,
    allCaps: word.length > 1 && word === word.toUpperCase(),
    isCompoundStreet: COMPOUND_STREET_END.test(lower),
  };
}

const COMPOUND_STREET_END = new RegExp(`(?:${STREET_COMPOUND_ENDINGS.join('|')})$`);
const HOUSE_NUMBER_AFTER = /[ \t]+\d{1,5}[A-Za-z]?(?![\p{L}\p{N}])/uy;

/*
 * The capitalised-token scan, equal to running CAP_TOKEN globally: a token starts at the next
 * upper-case letter and runs as far as the pattern allows. Tokens of ASCII letters (nearly all
 * of them in English text) are read by hand and looked up by a hash of their characters, so
 * that a known word costs neither a match object nor a string; anything else goes to the regex.
 */
/** End of the token `nextCapToken` found. */
let capEnd = 0;
/** Hash of its characters, or -1 when the regex read it (it has non-ASCII characters). */
let capHash = -1;
/** The token's text when the regex read it. */
let capText = '';

function isAsciiLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Start of the next token at or after `from`, or -1; sets `capEnd` and `capHash`. */
function nextCapToken(text: string, from: number): number {
  // Tokens are a few words apart: a loop reaches the next capital sooner than a regex call
  // returns. Beyond ASCII, the regex knows which letters are capitals.
  let p = from;
  const n = text.length;
  while (p < n) {
    const c = text.charCodeAt(p);
    if ((c >= 65 && c <= 90) || c >= 128) break;
    p++;
  }
  if (p >= n) return -1;
  const first = text.charCodeAt(p);
  if (first < 128) {
    let h = first;
    let j = p + 1;
    let plain = true;
    for (;;) {
      const d = text.charCodeAt(j);
      if (isAsciiLetterCode(d) || d === 39 || d === 0x2019) {
        h = (Math.imul(h, 31) + d) | 0;
        j++;
      } else if (d === 45) {
        const e = text.charCodeAt(j + 1);
        if (isAsciiLetterCode(e)) {
          h = (Math.imul(Math.imul(h, 31) + d, 31) + e) | 0;
          j += 2;
        } else {
          // A hyphen joins only a letter; a non-ASCII one is for the regex to judge.
          plain = !(e >= 128);
          break;
        }
      } else {
        // A non-ASCII letter or mark may continue the token.
        plain = !(d >= 128);
        break;
      }
    }
    if (plain) {
      if (text.charCodeAt(j) === 46) {
        h = (Math.imul(h, 31) + 46) | 0;
        j++;
      }
      capEnd = j;
      capHash = h >>> 1;
      return p;
    }
  }
  // From a capital this matches right here; from any other non-ASCII character, at the next
  // capital, wherever that is.
  CAP_TOKEN.lastIndex = p;
  const m = CAP_TOKEN.exec(text);
  if (m === null) return -1;
  capEnd = m.index + m[0].length;
  capHash = -1;
  capText = m[0];
  return m.index;
}

const tokenByHash = new Map<number, TokenInfo>();

/** `tokenInfo` of text[start, end), without slicing it when the hash finds it. */
function tokenInfoAt(text: string, start: number, end: number, hash: number): TokenInfo {
  if (hash >= 0) {
    const known = tokenByHash.get(hash);
    if (known !== undefined && known.matched.length === end - start && text.startsWith(known.matched, start)) return known;
  }
  const info = tokenInfo(hash >= 0 ? text.slice(start, end) : capText);
  if (hash >= 0) {
    if (tokenByHash.size > 100_000) tokenByHash.clear();
    tokenByHash.set(hash, info);
  }
  return info;
}

const TOKEN_POOL: readonly Token[] = Array.from({ length: MAX_SEQUENCE }, () => ({
  start: 0,
  end: 0,
  word: '',
  lower: '',
  flags: 0,
  isInitial: false,
  allCaps: false,
}));
/** One array per sequence length, handed to classifySequence. */
const SEQUENCE_ARRAYS: readonly Token[][] = Array.from({ length: MAX_SEQUENCE + 1 }, (_, n) => TOKEN_POOL.slice(0, n));

/** Capitalised names, organisations and places. */
function detectCapitalised(text: string, context: ContextIndex, emit: (c: Candidate) => void): void {
  // The current sequence is TOKEN_POOL[0, seqLength): tokens and arrays are reused, since
  // classifySequence keeps neither, and a document has one sequence every few words.
  let seqLength = 0;
  const flush = (): void => {
    if (seqLength === 0) return;
    const all = SEQUENCE_ARRAYS[seqLength] as Token[];
    for (let k = 0; k < seqLength; k++) all[k] = TOKEN_POOL[k] as Token;
    seqLength = 0;
    classifySequence(text, all, context, emit);
  };
  let pos = 0;
  let start: number;
  while ((start = nextCapToken(text, pos)) >= 0) {
    const matchedEnd = capEnd;
    pos = matchedEnd;
    if (start > 0 && isWordCode(text.charCodeAt(start - 1))) continue;
    // Glued to digits ("HbA1c") or a unit after a slash ("mmol/L"): not a word of prose.
    const after = text.charCodeAt(matchedEnd);
    if ((after >= 48 && after <= 57) || (start > 0 && text.charCodeAt(start - 1) === 47)) {
      flush();
      continue;
    }
    const info = tokenInfoAt(text, start, matchedEnd, capHash);
    // The commonest token by far is a lone everyday word ("The", "Denies", "HISTORY"): when
    // it cannot join a sequence and no title precedes it, it is dropped before any allocation.
    if (seqLength === 0) {
      const exact = info.exact;
      const joinsNext = text.charCodeAt(matchedEnd) === 32 && isUpperCode(text.charCodeAt(matchedEnd + 1));
      if (!joinsNext && (exact & NAME_FLAGS) === 0 && (exact & COMMON) !== 0 && !isTitleBefore(text, start)) {
        continue;
      }
    }
    const end = start + info.length;
    // "Nassaustraat 123": a compound street name followed by its house number.
    const afterSpace = text.charCodeAt(end + 1);
    if (text.charCodeAt(end) === 32 && afterSpace >= 48 && afterSpace <= 57 && info.isCompoundStreet) {
      HOUSE_NUMBER_AFTER.lastIndex = end;
      if (HOUSE_NUMBER_AFTER.test(text)) {
        flush();
        emitStreetWithNumber(text, start, HOUSE_NUMBER_AFTER.lastIndex, emit);
        pos = Math.max(pos, HOUSE_NUMBER_AFTER.lastIndex);
        continue;
      }
    }
    const prev = seqLength > 0 ? TOKEN_POOL[seqLength - 1] : undefined;
    let startsSequence = prev === undefined;
    if (prev !== undefined) {
      const gapLength = start - prev.end;
      const joins =
        (gapLength === 1 && text.charCodeAt(prev.end) === 32) ||
        (gapLength > 2 &&
          gapLength < 7 &&
          PARTICLES.has(text.slice(prev.end + 1, start - 1)) &&
          text.charCodeAt(prev.end) === 32 &&
          text.charCodeAt(start - 1) === 32);
      // Names run to a handful of words; a longer capitalised run is a heading or a list, and
      // cutting it keeps the work per token constant ("MR. MR. MR. …" must not go quadratic).
      startsSequence = !joins || prev.word.endsWith("'s") || prev.word.endsWith('’s') || seqLength >= MAX_SEQUENCE;
    }
    // A token that starts a sequence no later token can join, and that classifySequence would
    // drop on its own (an everyday word or a short acronym, no title before it), is dropped
    // here: the same verdict without building it. Most sentence openers end up here.
    if (
      startsSequence &&
      (info.flags & NAME_FLAGS) === 0 &&
      ((info.flags & COMMON) !== 0 || (info.allCaps && info.word.length <= 5)) &&
      !mayBeJoined(text, end) &&
      !isTitleBefore(text, start)
    ) {
      flush();
      continue;
    }
    if (startsSequence) flush();
    const token = TOKEN_POOL[seqLength] as Token;
    token.start = start;
    token.end = end;
    token.word = info.word;
    token.lower = info.lower;
    token.flags = info.flags;
    token.isInitial = info.isInitial;
    token.allCaps = info.allCaps;
    seqLength++;
  }
  flush();
}

/**
 * False only when no token can join one ending at `end`: joining needs a space, then a
 * capital right after it or a particle ("de", "van") and another space. Errs towards true.
 */
function mayBeJoined(text: string, end: number): boolean {
  if (text.charCodeAt(end) !== 32) return false;
  const c = text.charCodeAt(end + 1);
  if (isUpperCode(c) || (c >= 0xd800 && c <= 0xdbff)) return true;
  let k = end + 1;
  while (k < end + 7 && text.charCodeAt(k) >= 97 && text.charCodeAt(k) <= 122) k++;
  return k > end + 1 && text.charCodeAt(k) === 32;
}

function has(t: Token, flag: number): boolean {
  return (t.flags & flag) !== 0;
}

const NAME_FLAGS = FIRST | LAST | PLACE | ORG | FULL_NAME | TITLE;
/** True when "Mr", "Dr.", "Prof" … (any case) ends just before `pos`, without allocating for the usual "no". */
function isTitleBefore(text: string, pos: number): boolean {
  let i = pos - 1;
  if (i < 0 || (text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9)) return false;
  while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  if (i >= 0 && text.charCodeAt(i) === 46) i--;
  let k = i;
  while (k >= 0 && i - k < 5 && (text.charCodeAt(k) | 32) >= 97 && (text.charCodeAt(k) | 32) <= 122) k--;
  const length = i - k;
  if (length < 2 || length > 4 || (k >= 0 && isWordCode(text.charCodeAt(k)))) return false;
  return isTitleWordAt(text, k + 1, i + 1);
}

const TITLE_WORDS: readonly string[] = [...TITLE_PHRASE_SET];

/** TITLE_PHRASE_SET.has(text.slice(start, end).toLowerCase()) for a span of ASCII letters, without the slice. */
function isTitleWordAt(text: string, start: number, end: number): boolean {
  for (const w of TITLE_WORDS) {
    if (w.length !== end - start) continue;
    let same = true;
    for (let q = 0; q < w.length && same; q++) same = (text.charCodeAt(start + q) | 32) === w.charCodeAt(q);
    if (same) return true;
  }
  return false;
}
/** Labels ("Patient:", "Signed by:") whose value is a person. */
const PERSON_LABELS = new Set(
  'patient pt name client plaintiff defendant physician provider doctor attending referring signed by from to cc contact guardian witness nurse mother father spouse kin author reviewer surgeon resident'.split(
    ' ',
  ),
);

function labelWord(text: string, colon: number): string {
  let k = colon - 1;
  while (k >= 0 && text.charAt(k) === ' ') k--;
  let b = k;
  while (b >= 0 && isAsciiLetterCode(text.charCodeAt(b))) b--;
  return text.slice(b + 1, k + 1).toLowerCase();
}

function classifySequence(text: string, all: Token[], context: ContextIndex, emit: (c: Candidate) => void): void {
  const head = all[0] as Token;
  // Fast paths for the commonest cases: a lone everyday word (sentence openers), an acronym
  // (MRN, DOB, HPI), a heading in capitals.
  if (all.length === 1 && (head.flags & NAME_FLAGS) === 0 && ((head.flags & COMMON) !== 0 || (head.allCaps && head.word.length <= 5))) {
    if (!isTitleBefore(text, head.start)) return;
  }
  if (all.length > 1 && all.every((t) => t.allCaps && (t.flags & COMMON) !== 0 && (t.flags & NAME_FLAGS) === 0)) return;
  let tokens = all;
  const before = wordsBefore(text, head.start, 1);
  let hasTitle = TITLE_PHRASE_SET.has(before.words[0] ?? '') || (before.words[0] ?? '') === 'dr';
  let personCue = PERSON_CUE_WORDS.has(before.words[0] ?? '');
  let placeCue = PLACE_CUE_WORDS.has(before.words[0] ?? '');
  const label = before.boundary === ':' && before.words.length === 0 ? labelWord(text, text.lastIndexOf(':', head.start)) : '';
  if (PERSON_LABELS.has(label)) personCue = true;
  const first = tokens[0] as Token;
  const isInitialPos = before.boundary !== '' && before.words.length === 0;
  // Leading titles and cue words inside the sequence ("Dr. Smith", "Patient John Doe").
  while (tokens.length > 0) {
    const t = tokens[0] as Token;
    if (has(t, TITLE) && !has(t, FIRST)) {
      hasTitle = true;
      tokens = tokens.slice(1);
    } else if (PERSON_CUE_WORDS.has(t.lower) && has(t, COMMON) && !has(t, FIRST)) {
      personCue = true;
      tokens = tokens.slice(1);
    } else if (
      has(t, COMMON) &&
      !has(t, FIRST | LAST | PLACE | ORG) &&
      tokens.length > 1 &&
      !has(tokens[tokens.length - 1] as Token, ORG_SUFFIX) &&
      ((t === first && isInitialPos) || LEADING_FUNCTION_WORDS.has(t.lower))
    ) {
      // "Today John …", "The Smiths": a sentence opener or determiner, not part of the name.
      tokens = tokens.slice(1);
      placeCue = placeCue || PLACE_CUE_WORDS.has(t.lower);
    } else {
      break;
    }
  }
  // Function words closing a title-case run ("Musicians Of The") are not part of a name.
  while (tokens.length > 1 && LEADING_FUNCTION_WORDS.has((tokens[tokens.length - 1] as Token).lower)) tokens = tokens.slice(0, -1);
  // Post-nominals ("MD", "Jr.") are evidence, not part of the name's core.
  let postNominal = false;
  while (tokens.length > 1 && POST_NOMINALS.has((tokens[tokens.length - 1] as Token).lower)) {
    postNominal = true;
    tokens = tokens.slice(0, -1);
  }
  if (tokens.length === 0) return;
  const core = tokens;
  const start = (core[0] as Token).start;
  const end = (core[core.length - 1] as Token).end;
  const coreEnd = postNominal ? (all[all.length - 1] as Token).end : end;
  const last = core[core.length - 1] as Token;
  const phraseWindowStart = Math.max(0, start - 40);
  // The context look-ups below are pure and cost more than the early verdicts (titles, calendar
  // words, acronyms, known names) that most sequences reach first: they are made when needed.
  let placePhraseMemo: { value: string | undefined } | undefined;
  const placePhraseAt = (): string | undefined =>
    (placePhraseMemo ??= { value: findContext(context, PLACE_PHRASE_SET, phraseWindowStart, start, start, end) }).value;
  const sentenceInitial = core[0] === first && isInitialPos && !hasTitle;
  const labelPlace = label !== '' && /^(where|location|place|city|town|from|venue|site)$/.test(label);

  // Street names belong to the address detector.
  if (has(last, STREET_TYPE) && core.length > 1 && !has(last, FIRST | LAST)) {
    if (last.word.length > 3 && !last.word.endsWith('.'))
      emitSpan(emit, text, start, coreEnd, 'ADDRESS', 0.6, `street name ("${last.word}")`);
    return;
  }
  const allCommon = core.every((t) => has(t, COMMON) && !has(t, FIRST | LAST | PLACE | ORG | FULL_NAME));
  if (core.every((t) => has(t, CALENDAR))) return;

  if (hasTitle && !allCommon) {
    emitSpan(emit, text, start, coreEnd, 'PERSON', 0.9, 'name after a courtesy or professional title');
    return;
  }
  if (hasTitle && core.length <= 2 && !core.some((t) => t.allCaps && t.word.length > 1)) {
    emitSpan(emit, text, start, coreEnd, 'PERSON', 0.8, 'capitalised word after a title');
    return;
  }
  if (allCommon) {
    // A title-case run of everyday words inside a sentence names something ("Next Step
    // Living", "Weight Watchers"); at low confidence, since headings look the same.
    if (core.length >= 2 && !sentenceInitial && before.boundary === '' && !core.some((t) => has(t, CALENDAR) || t.allCaps)) {
      emitSpan(emit, text, start, coreEnd, 'ORGANIZATION', 0.3, 'title-case phrase inside a sentence');
    }
    return;
  }
  if (core.every((t) => t.allCaps) && !(placeCue || labelPlace || placePhraseAt() !== undefined)) {
    // Acronyms (BP, MRN, ICU) and shouted headings are not names without a place cue.
    if (!core.some((t) => has(t, PLACE | FIRST)) || core.some((t) => t.word.length < 3)) return;
  }
  const orgSuffix = core.length > 1 && has(last, ORG_SUFFIX);
  if (orgSuffix) {
    if (labelPlace) emitSpan(emit, text, start, coreEnd, 'LOCATION', 0.6, 'named venue after a place label');
    else emitSpan(emit, text, start, coreEnd, 'ORGANIZATION', 0.75, `organisation name ending in "${last.word}"`);
    return;
  }
  const lowerAll = core.length > 1 ? core.map((t) => t.lower).join(' ') : (core[0] as Token).lower;
  const multiKnown = lexicon().get(lowerAll) ?? 0;
  if ((multiKnown & FULL_NAME) !== 0 || (core.length > 1 && (multiKnown & (FIRST | LAST)) !== 0)) {
    emitSpan(emit, text, start, coreEnd, 'PERSON', 0.85, 'known person name');
    return;
  }
  if (core.length > 1 && (multiKnown & ORG) !== 0) {
    emitSpan(emit, text, start, coreEnd, 'ORGANIZATION', 0.75, 'known organisation');
    return;
  }
  if (core.length > 1 && (multiKnown & PLACE) !== 0 && personCue === false) {
    emitSpan(emit, text, start, coreEnd, 'LOCATION', (multiKnown & COUNTRY) !== 0 ? 0.8 : 0.7, 'known place name');
    return;
  }
  const firstTok = core[0] as Token;
  const firstIsName = has(firstTok, FIRST) && !firstTok.allCaps;
  const restNotCommon = core.slice(1).every((t) => !has(t, COMMON) || has(t, FIRST | LAST) || t.isInitial);
  if (core.length > 1 && firstIsName && restNotCommon) {
    emitSpan(emit, text, start, coreEnd, 'PERSON', 0.85, 'first name followed by a surname');
    return;
  }
  if (core.length === 2 && firstIsName && !has(firstTok, COMMON) && !has(last, CALENDAR | ORG_SUFFIX)) {
    // Surnames that are also words ("John Brown", "Maria Baker").
    emitSpan(emit, text, start, coreEnd, 'PERSON', sentenceInitial ? 0.6 : 0.75, 'first name followed by a capitalised word');
    return;
  }
  if (postNominal) {
    emitSpan(emit, text, start, coreEnd, 'PERSON', 0.85, 'name with a professional suffix');
    return;
  }
  const personPhrase = findContext(context, PERSON_PHRASE_SET, phraseWindowStart, start, start, end);
  const placePhrase = placePhraseAt();
  const orgPhrase = findContext(context, ORG_PHRASE_SET, phraseWindowStart, start, start, end);
  const next = wordAfter(text, coreEnd);
  const placeContext = placeCue || placePhrase !== undefined || labelPlace;
  const personContext = personCue || personPhrase !== undefined || next.punct === "'" || next.punct === '’';
  const nextFlags = next.word === '' ? 0 : classify(next.word);
  const actsLikeName =
    /['’]s$/.test(last.word) ||
    next.punct === ',' ||
    next.punct === "'" ||
    next.punct === '’' ||
    next.word === '' ||
    (nextFlags & VERB) !== 0 ||
    /^(is|was|has|had|will|would|can|could|and|said|says|did|does)$/.test(next.word);
  const strongPlace = placePhrase !== undefined || labelPlace || (placeCue && /^(in|near|into)$/.test(before.words[0] ?? ''));
  if (core.length === 1) {
    const t = firstTok;
    if (has(t, LAST | FIRST) && !has(t, PLACE) && strongPlace && !personContext) {
      emitSpan(
        emit,
        text,
        start,
        coreEnd,
        'LOCATION',
        0.5,
        placePhrase !== undefined ? `place after "${placePhrase}"` : 'name of a place after "in"',
      );
      return;
    }
    if (has(t, PLACE) && !(personContext && has(t, FIRST | LAST))) {
      if (personCue && !placeContext) {
        emitSpan(emit, text, start, coreEnd, 'PERSON', 0.55, 'place name used as a personal name after a person word');
        return;
      }
      emitSpan(emit, text, start, coreEnd, 'LOCATION', has(t, COUNTRY) ? 0.8 : 0.65, has(t, COUNTRY) ? 'country name' : 'known place name');
      return;
    }
    if (has(t, ORG) && !has(t, COMMON | FIRST | LAST)) {
      emitSpan(emit, text, start, coreEnd, 'ORGANIZATION', 0.7, 'known organisation');
      return;
    }
    if (has(t, FIRST) && !has(t, COMMON)) {
      const confidence = !sentenceInitial ? 0.75 : actsLikeName ? 0.6 : 0.35;
      emitSpan(emit, text, start, coreEnd, 'PERSON', confidence, 'known first name');
      return;
    }
    if (has(t, FIRST) && (personContext || (!sentenceInitial && before.boundary !== ':'))) {
      emitSpan(emit, text, start, coreEnd, 'PERSON', personContext ? 0.6 : 0.45, 'first name that is also a word, used as a name');
      return;
    }
    if (has(t, FIRST) && sentenceInitial && actsLikeName && /^(had|has|was|is|said|says|told|asked|and|will|would)$/.test(next.word)) {
      emitSpan(emit, text, start, coreEnd, 'PERSON', 0.4, 'first name that is also a word, opening a sentence as its subject');
      return;
    }
    if (has(t, LAST) && !has(t, COMMON)) {
      emitSpan(emit, text, start, coreEnd, 'PERSON', sentenceInitial ? 0.45 : 0.6, 'known surname');
      return;
    }
    if (has(t, COMMON) && !personContext) return;
  }
  // Unknown capitalised words: the context decides.
  if (orgPhrase !== undefined && !placeCue) {
    emitSpan(emit, text, start, coreEnd, 'ORGANIZATION', 0.6, `name after "${orgPhrase}"`);
    return;
  }
  if (placeCue && (before.words[0] ?? '') === 'at' && core.length > 1 && core.some((t) => has(t, COMMON))) {
    emitSpan(emit, text, start, coreEnd, 'ORGANIZATION', 0.5, 'name of a place of work after "at"');
    return;
  }
  if (placeContext && !personPhrase) {
    const suffix = PLACE_SUFFIX.test(last.lower);
    emitSpan(
      emit,
      text,
      start,
      coreEnd,
      'LOCATION',
      suffix ? 0.65 : 0.55,
      placePhrase !== undefined ? `place after "${placePhrase}"` : 'capitalised word after a place preposition',
    );
    return;
  }
  if (personContext) {
    emitSpan(
      emit,
      text,
      start,
      coreEnd,
      'PERSON',
      0.65,
      personPhrase !== undefined ? `name after "${personPhrase}"` : 'capitalised word after a person word',
    );
    return;
  }
  if (sentenceInitial || before.boundary === ':') {
    // Opening a sentence, a capitalised word is only a name if it acts like one: a verb,
    // a comma of address or a possessive follows.
    if (core.length === 1 && actsLikeName && next.word !== '' && !has(firstTok, COMMON)) {
      emitSpan(emit, text, start, coreEnd, 'PERSON', 0.45, 'unknown capitalised word acting as a subject');
    }
    return;
  }
  const suffix = PLACE_SUFFIX.test(last.lower) && core.length === 1;
  emitSpan(emit, text, start, coreEnd, suffix ? 'LOCATION' : 'PERSON', 0.45, 'unknown capitalised word inside a sentence');
}

const LOWER_WORD = /\p{Ll}[\p{Ll}\p{M}'’-]*/uy;

const ANY_WORD = /[\p{L}][\p{L}\p{M}'’-]*/uy;

function readWord(text: string, pos: number): { start: number; end: number; lower: string } | undefined {
  let i = pos;
  while (i < text.length && (text.charAt(i) === ' ' || text.charAt(i) === '\t')) i++;
  ANY_WORD.lastIndex = i;
  const m = ANY_WORD.exec(text);
  if (m === null) return undefined;
  return { start: i, end: i + m[0].length, lower: m[0].toLowerCase() };
}

/** Lower-case names where a name is expected. */
function detectLowercase(text: string, context: ContextIndex, emit: (c: Candidate) => void): void {
  const lex = lexicon();
  const isNameWord = (lower: string) => {
    const f = classify(lower);
    return (f & (FIRST | LAST)) !== 0 && (f & COMMON) === 0;
  };
  const isOtherWord = (lower: string) => (classify(lower) & (COMMON | PLACE | CALENDAR)) === 0 && lower.length > 1;
  // After "my name is", "call me", titles: the next one or two words, whatever their case.
  for (let i = 0; i < context.phrases.length; i++) {
    const phrase = context.phrases[i] ?? '';
    const isTitle = TITLE_PHRASE_SET.has(phrase);
    if (!PERSON_PHRASE_SET.has(phrase) && !isTitle) continue;
    let pos = context.ends[i] ?? 0;
    if (isTitle && text.charAt(pos) === '.') pos++;
    while (pos < text.length && ' \t:?'.includes(text.charAt(pos))) pos++;
    const w1 = readWord(text, pos);
    if (w1 === undefined || w1.start - pos > 2) continue;
    if (text.charAt(w1.start) !== text.charAt(w1.start).toLowerCase()) continue;
    if (!isNameWord(w1.lower) && !(isOtherWord(w1.lower) && (lex.get(w1.lower) ?? 0) === 0)) continue;
    let end = w1.end;
    const w2 = readWord(text, end);
    if (w2 !== undefined && w2.start === end + 1 && isOtherWord(w2.lower)) end = w2.end;
    emitSpan(emit, text, w1.start, end, 'PERSON', isTitle ? 0.8 : 0.6, isTitle ? 'name after a title' : `name after "${phrase}"`);
  }
  // At the start of the text, of each line and after a label's colon: "tracy sukhorukova",
  // "john had given …", "billing address: tracy …".
  const starts: number[] = [0];
  for (let i = 0; i < context.phrases.length; i++) {
    if (!ADDRESS_CUE_SET.has(context.phrases[i] ?? '')) continue;
    const e = context.ends[i] ?? 0;
    if (text.charAt(e) === ':') starts.push(e + 1);
  }
  for (const s of starts) {
    const w1 = readWord(text, s);
    if (w1 === undefined || w1.start - s > 4 || text.charAt(w1.start) === text.charAt(w1.start).toUpperCase()) continue;
    if (!isNameWord(w1.lower)) continue;
    let end = w1.end;
    const w2 = readWord(text, end);
    if (w2 !== undefined && w2.start === end + 1 && isOtherWord(w2.lower)) end = w2.end;
    emitSpan(emit, text, w1.start, end, 'PERSON', 0.5, 'first name at the start of a line');
  }
  let lineStart = text.indexOf('\n') + 1;
  while (lineStart > 0 && lineStart < text.length) {
    // Skip, without reading a word, lines that open with a capital, a digit or punctuation.
    let p = lineStart;
    while (p < text.length && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
    const c = text.charCodeAt(p);
    const mayBeLower = (c >= 97 && c <= 122) || c > 127;
    const w1 = mayBeLower ? readWord(text, lineStart) : undefined;
    if (w1 !== undefined && w1.start - lineStart < 8 && text.charAt(w1.start) !== text.charAt(w1.start).toUpperCase()) {
      LOWER_WORD.lastIndex = w1.start;
      if (LOWER_WORD.test(text) && isNameWord(w1.lower)) {
        let end = w1.end;
        const w2 = readWord(text, end);
        if (w2 !== undefined && w2.start === end + 1 && isOtherWord(w2.lower)) end = w2.end;
        emitSpan(emit, text, w1.start, end, 'PERSON', 0.5, 'first name at the start of a line');
      }
    }
    const nl = text.indexOf('\n', lineStart);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
}

/** Names of people, organisations and places, and street addresses. */
export function detectNames(text: string, context: ContextIndex, emit: (c: Candidate) => void): void {
  detectCapitalised(text, context, emit);
  detectLowercase(text, context, emit);
  detectAddresses(text, context, emit);
}
