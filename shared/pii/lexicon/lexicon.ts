import nlp from 'compromise';
import { LangEn } from 'ethers';
import { AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED, EXTRA_FIRST_NAMES, ORG_SUFFIXES, STREET_TYPES, TITLES } from './word-lists';

/**
 * One lookup table for the name detector: for each lower-case word (or multi-word entry) the
 * classes it can belong to. Built once from compromise's lexicon (first and last names, cities,
 * countries, regions, organisations, and ~20k English word forms), the BIP-39 English list
 * (2,048 everyday words, via ethers) and our own lists. Loading it costs a few milliseconds;
 * running compromise's tagger instead costs about 25 ms per kilobyte, measured, which is too
 * slow for the whole text, so the tagger is not used.
 */

export const FIRST = 1;
export const LAST = 2;
export const PLACE = 4;
export const COUNTRY = 8;
export const ORG = 16;
export const COMMON = 32;
export const TITLE = 64;
export const CALENDAR = 128;
export const FULL_NAME = 256;
export const ORG_SUFFIX = 512;
export const STREET_TYPE = 1024;
export const VERB = 2048;

const NAME_TAGS = new Set(['FirstName', 'MaleName', 'FemaleName']);
const PLACE_TAGS = new Set(['City', 'Place', 'Region']);
const CALENDAR_TAGS = new Set(['Month', 'WeekDay', 'Date', 'Holiday']);
const VERB_TAGS = new Set(['PastTense', 'PresentTense', 'Copula', 'Modal', 'Auxiliary', 'Verb', 'Infinitive', 'Gerund', 'PhrasalVerb']);
const IGNORED_ABBREVIATIONS = new Set([
  'rd',
  'st',
  'dist',
  'mt',
  'ave',
  'blvd',
  'cl',
  'cres',
  'hwy',
  'dept',
  'univ',
  'assn',
  'inc',
  'ltd',
  'co',
  'fl',
  'ga',
  'ia',
  'ut',
  'va',
  'wy',
  'tex',
  'dak',
  'kan',
  'neb',
  'penn',
  'que',
  'ont',
  'alta',
  'sask',
  'conn',
  'colo',
  'ariz',
  'calif',
  'fla',
  'minn',
  'okla',
  'tenn',
  'wis',
  'wisc',
  'wyo',
  'vt',
  'kans',
  'nebr',
  'penna',
  'usafa',
]);

let table: Map<string, number> | undefined;

function add(map: Map<string, number>, word: string, flags: number): void {
  map.set(word, (map.get(word) ?? 0) | flags);
}

function build(): Map<string, number> {
  const map = new Map<string, number>();
  const lexicon = (nlp.model() as { one?: { lexicon?: Record<string, string | string[]> } }).one?.lexicon ?? {};
  for (const [word, value] of Object.entries(lexicon)) {
    if (IGNORED_ABBREVIATIONS.has(word)) continue;
    const tags = Array.isArray(value) ? value : [value];
    let flags = 0;
    for (const t of tags) {
      if (NAME_TAGS.has(t)) flags |= FIRST;
      else if (t === 'LastName') flags |= LAST;
      else if (t === 'Person') flags |= word.includes(' ') ? FULL_NAME : LAST;
      else if (t === 'Country') flags |= COUNTRY | PLACE;
      else if (PLACE_TAGS.has(t)) flags |= PLACE;
      else if (t === 'Organization' || t === 'SportsTeam') flags |= ORG;
      else if (t === 'Honorific') flags |= TITLE;
      else if (CALENDAR_TAGS.has(t)) flags |= CALENDAR | COMMON;
      else if (VERB_TAGS.has(t)) flags |= VERB | COMMON;
      else if (t !== 'ProperNoun' && t !== 'Abbreviation' && t !== 'Acronym') flags |= COMMON;
    }
    if (flags !== 0) add(map, word, flags);
  }
  const bip39 = LangEn.wordlist();
  for (let i = 0; i < 2048; i++) add(map, bip39.getWord(i), COMMON);
  for (const w of COMMON_CAPITALISED) add(map, w, COMMON);
  for (const w of EXTRA_FIRST_NAMES) add(map, w, FIRST);
  for (const w of AMBIGUOUS_FIRST_NAMES) add(map, w, FIRST | COMMON);
  for (const w of TITLES) add(map, w, TITLE);
  for (const w of ORG_SUFFIXES) add(map, w, ORG_SUFFIX);
  for (const w of STREET_TYPES) add(map, w, STREET_TYPE);
  return map;
}

/** The lexicon, built on first use. */
export function lexicon(): ReadonlyMap<string, number> {
  if (table === undefined) table = build();
  return table;
}

// Suffixes of English common nouns and adjectives (and drug stems) that names rarely have;
// applied only to words the lexicon does not know as names.
const COMMON_SUFFIX =
  /(?:tion|sion|ment|ness|ity|ism|ance|ology|itis|osis|emia|aemia|ectomy|otomy|oscopy|plasty|graphy|gram|pathy|ical|ious|eous|able|ible|ful|less|ings?|ship|hood|dom|ics|ists?|ures?|ogies|ations|ments|nesses|pril|sartan|olol|alol|statin|formin|gliptin|glitazone|mab|inib|cillin|mycin|cycline|floxacin|azole|prazole|dipine|oxetine|zepam|zolam|afil|parin|xaban|triptan|profen|codone|caine|olone|lukast|tidine|setron)s?$|[^aeiou]ly$/;

const memo = new Map<string, number>();

/** Classes of a lower-case word, with plural and suffix fallbacks for common words. */
export function classify(lower: string): number {
  const cached = memo.get(lower);
  if (cached !== undefined) return cached;
  const flags = classifyUncached(lower);
  // Bounded, so that a 50 MB document of unique words cannot grow it without end.
  if (memo.size > 100_000) memo.clear();
  memo.set(lower, flags);
  return flags;
}

function classifyUncached(lower: string): number {
  const lex = lexicon();
  let flags = lex.get(lower) ?? 0;
  if (flags === 0 && lower.length > 3) {
    if (lower.endsWith('ies')) flags = (lex.get(`${lower.slice(0, -3)}y`) ?? 0) & COMMON;
    else if (lower.endsWith('es')) flags = ((lex.get(lower.slice(0, -2)) ?? 0) | (lex.get(lower.slice(0, -1)) ?? 0)) & COMMON;
    else if (lower.endsWith('s')) flags = (lex.get(lower.slice(0, -1)) ?? 0) & COMMON;
  }
  if ((flags & (FIRST | LAST | PLACE | ORG)) === 0 && lower.length > 4 && COMMON_SUFFIX.test(lower)) flags |= COMMON;
  return flags;
}

/** True when `lower` (possibly several words) is a known place. */
export function isKnownPlace(lower: string): boolean {
  return ((lexicon().get(lower) ?? 0) & PLACE) !== 0;
}
