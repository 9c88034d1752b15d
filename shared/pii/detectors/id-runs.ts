import type { ContextIndex } from '../context';
import { findContext, normalisePhrase } from '../context';
import type { Candidate, EntityType } from '../types';

/**
 * The engine behind every number-like identifier (cards, IBANs, national ids, dates, postcodes,
 * IPv4, …). One scan finds "runs": ASCII alphanumeric chunks that contain a digit, joined by
 * single separators (space, - . / _ and phone parentheses), with short letter-only chunks allowed
 * next to digit chunks ("AB51 ABC", "QA58 DOHB 0000"). Each contiguous sub-run is offered to the
 * rules registered for its compact length, so a rule never runs a regex over the whole text and
 * adding a scheme costs nothing where its length does not occur. Text without digits is skipped
 * at regex speed.
 */

/** One sub-run as a rule sees it. The object is reused: rules must not keep it. */
export type RunView = {
  readonly text: string;
  /** Offsets of the sub-run in `text` (chunks only, without a leading + or parenthesis). */
  start: number;
  end: number;
  /** The chunks' characters, separators removed, upper-cased. */
  compact: string;
  /** Chunk lengths, in order. */
  groups: number[];
  /** Separators between chunks (groups.length - 1 of them). */
  seps: string[];
  digits: number;
  letters: number;
  /** The character just before the run's first chunk ('' at the start of the text). */
  before: string;
  /** The character just after the sub-run ('' at the end). */
  after: string;
  /** True when this sub-run is the whole run or starts at its first chunk. */
  isRunStart: boolean;
  isRunEnd: boolean;
  /** True when the first chunk had leading letters stripped ("is030594W903B"). */
  strippedPrefix: boolean;
};

/** What a rule reports for a sub-run it accepts. */
export type RuleMatch = {
  confidence: number;
  reason: string;
  /** Overrides the entity type (a phone number with "fax" before it, an ITIN among SSNs). */
  type?: EntityType;
  /** Overrides the span (an ISO date-time whose time part the run did not include). */
  start?: number;
  end?: number;
  /** Added to the detector id, e.g. `kr-rrn`. */
  scheme?: string;
};

/** A number-like identifier scheme. */
export type IdRule = {
  /** Detector id, e.g. `national-id`; the match's scheme is appended after a slash. */
  readonly detector: string;
  readonly type: EntityType;
  /** Compact lengths the rule accepts (inclusive range). */
  readonly minLength: number;
  readonly maxLength: number;
  readonly minDigits?: number;
  readonly maxLetters?: number;
  /** At most this many chunks (default 8). */
  readonly maxGroups?: number;
  /** At least this many chunks (default 1). */
  readonly minGroups?: number;
  /** At least this many letters. */
  readonly minLetters?: number;
  /** Characters the sub-run may start with, upper case (checked before any work is done for it). */
  readonly leading?: string;
  /** Characters a separator between chunks may start with (checked before any work is done). */
  readonly sepChars?: string;
  /** A cheap look at the text where a sub-run starts, before the sub-run is assembled. */
  readonly prefilter?: (text: string, start: number) => boolean;
  /** Phrases that raise confidence when near (lower case). */
  readonly context?: readonly string[];
  /** How much a context phrase adds (default 0.35). */
  readonly contextBoost?: number;
  /** Confidence is capped here even with context (default 0.99). */
  readonly maxConfidence?: number;
  /** Also try the first chunk with leading letters removed ("code is030594W903B"). */
  readonly allowGluedPrefix?: boolean;
  /** Higher wins among overlapping matches of equal confidence. */
  readonly specificity?: number;
  match(v: RunView, env: ScanEnv): RuleMatch | null;
};

/** Per-call settings and caches that some rules need (phone regions, memoised validations). */
export type ScanEnv = {
  readonly phoneRegions: readonly string[];
  readonly memo: Map<string, unknown>;
  readonly context: ContextIndex;
  /** Matches that end up below this are not even built. */
  readonly minConfidence: number;
};

/**
 * A rule with every option filled in. All compiled rules share one object shape, so that the
 * scan's property reads stay monomorphic (V8 slows down badly on objects of many shapes).
 */
type CompiledRule = {
  readonly index: number;
  readonly rule: IdRule;
  readonly type: EntityType;
  readonly detector: string;
  readonly minLength: number;
  readonly maxLength: number;
  readonly minDigits: number;
  readonly maxLetters: number;
  readonly minLetters: number;
  readonly minGroups: number;
  readonly maxGroups: number;
  readonly leading: string;
  /** `leading` as a table over ASCII codes, both cases (1 = may start with it; all 1 when unset). */
  readonly leadingCodes: Uint8Array;
  readonly sepChars: string;
  readonly contextSet: ReadonlySet<string>;
  readonly contextBoost: number;
  readonly maxConfidence: number;
  readonly specificity: number;
  readonly prefilter: ((text: string, start: number) => boolean) | undefined;
  /** `detector/scheme` strings already built, by scheme. */
  readonly detectorIds: Map<string, string>;
};

/** Rules indexed by compact length for the scan. */
export type RuleSet = {
  readonly byLength: readonly (readonly CompiledRule[])[];
  /** The same, limited to rules that accept a sub-run without letters (most runs). */
  readonly digitsOnlyByLength: readonly (readonly CompiledRule[])[];
  readonly maxLength: number;
  readonly gluedRules: readonly CompiledRule[];
  readonly ruleCount: number;
  /** The most chunks any rule accepts: longer sub-runs are not even looked at. */
  readonly maxGroups: number;
  /**
   * Rules by shape, at `length * (maxGroups + 1) + chunks`: those whose length and chunk
   * bounds admit it, for sub-runs with letters (`withLetters`) and without (`digitsOnly`). A
   * sub-run then meets only the rules that can take it, in priority order.
   */
  readonly withLettersByShape: readonly (readonly CompiledRule[])[];
  readonly digitsOnlyByShape: readonly (readonly CompiledRule[])[];
};

/** Indexes rules by length once; reuse the result for every text. */
export function compileRules(rules: readonly IdRule[]): RuleSet {
  let maxLength = 0;
  for (const r of rules) maxLength = Math.max(maxLength, r.maxLength);
  const byLength: CompiledRule[][] = Array.from({ length: maxLength + 1 }, () => []);
  const digitsOnlyByLength: CompiledRule[][] = Array.from({ length: maxLength + 1 }, () => []);
  const gluedRules: CompiledRule[] = [];
  for (const [index, r] of rules.entries()) {
    const compiled: CompiledRule = {
      index,
      rule: r,
      type: r.type,
      detector: r.detector,
      minLength: r.minLength,
      maxLength: r.maxLength,
      minDigits: r.minDigits ?? 0,
      maxLetters: r.maxLetters ?? Number.MAX_SAFE_INTEGER,
      minLetters: r.minLetters ?? 0,
      minGroups: r.minGroups ?? 1,
      maxGroups: r.maxGroups ?? 8,
      leading: r.leading ?? '',
      leadingCodes: leadingTable(r.leading ?? ''),
      sepChars: r.sepChars ?? '',
      contextSet: new Set((r.context ?? []).map(normalisePhrase)),
      contextBoost: r.contextBoost ?? 0.35,
      maxConfidence: r.maxConfidence ?? 0.99,
      specificity: r.specificity ?? 1,
      prefilter: r.prefilter,
      detectorIds: new Map(),
    };
    for (let len = r.minLength; len <= r.maxLength; len++) {
      byLength[len]?.push(compiled);
      if (compiled.minLetters === 0) digitsOnlyByLength[len]?.push(compiled);
    }
    if (r.allowGluedPrefix === true) gluedRules.push(compiled);
  }
  const maxGroups = rules.reduce((m, r) => Math.max(m, r.maxGroups ?? 8), 1);
  const withLettersByShape: CompiledRule[][] = Array.from({ length: (maxLength + 1) * (maxGroups + 1) }, () => []);
  const digitsOnlyByShape: CompiledRule[][] = Array.from({ length: (maxLength + 1) * (maxGroups + 1) }, () => []);
  for (let len = 0; len <= maxLength; len++) {
    for (const rule of byLength[len] ?? []) {
      for (let g = rule.minGroups; g <= Math.min(rule.maxGroups, maxGroups); g++) {
        if (rule.maxLetters > 0) withLettersByShape[len * (maxGroups + 1) + g]?.push(rule);
        if (rule.minLetters === 0) digitsOnlyByShape[len * (maxGroups + 1) + g]?.push(rule);
      }
    }
  }
  return { byLength, digitsOnlyByLength, maxLength, gluedRules, ruleCount: rules.length, maxGroups, withLettersByShape, digitsOnlyByShape };
}

function leadingTable(leading: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    table[c] = leading === '' || leading.includes(ch.toUpperCase()) ? 1 : 0;
  }
  return table;
}

/** All phrases the rules listen for, to build the shared context index. */
export function ruleContextPhrases(rules: readonly IdRule[]): string[] {
  return rules.flatMap((r) => r.context ?? []);
}

const MAX_RUN_CHUNKS = 48;
const MAX_SUBRUN_CHUNKS = 10;
const MAX_SUBRUN_CHARS = 96;
/** Context is looked for this far before and after a candidate (characters). */
export const CONTEXT_BEFORE = 64;
export const CONTEXT_AFTER = 32;

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isSepChar(c: number): boolean {
  // space - . / _ ( ) and no-break space
  return c === 32 || c === 45 || c === 46 || c === 47 || c === 95 || c === 40 || c === 41 || c === 160;
}

/**
 * Length of a valid separator starting at `i`, or 0. At most three characters, one space, one
 * of - . / _, one of each parenthesis; a full stop followed by a space ends a sentence instead.
 */
function separatorLength(text: string, i: number, limit: number): number {
  let spaces = 0;
  let punct = 0;
  let open = 0;
  let close = 0;
  let dot = false;
  let n = 0;
  while (n < 3 && i + n < limit) {
    const c = text.charCodeAt(i + n);
    if (!isSepChar(c)) break;
    if (c === 32 || c === 160) spaces++;
    else if (c === 40) open++;
    else if (c === 41) close++;
    else {
      punct++;
      if (c === 46) dot = true;
    }
    if (spaces > 1 || punct > 1 || open > 1 || close > 1) return 0;
    n++;
  }
  if (n === 0 || i + n >= limit) return 0;
  if (dot && spaces > 0) return 0;
  if (!isAsciiAlnum(text.charCodeAt(i + n))) return 0;
  return n;
}

type Chunk = { start: number; end: number; digits: number; letters: number };

const GROUPS_BY_COUNT: readonly number[][] = Array.from({ length: MAX_SUBRUN_CHUNKS + 1 }, (_, n) => Array.from({ length: n }, () => 0));
const SEPS_BY_COUNT: readonly string[][] = Array.from({ length: MAX_SUBRUN_CHUNKS + 1 }, (_, n) =>
  Array.from({ length: Math.max(0, n - 1) }, () => ''),
);

/** Per rule, the last chunk index it matched in the current run (stamped by run id). */
type RunState = { runId: number; stampRun: Int32Array; stampEnd: Int32Array; prefix: Int32Array };

/**
 * Scans `text` for runs and reports every rule match as a candidate. `from`/`to` bound the scan
 * (a window), the whole text by default.
 */
export function scanIdRuns(text: string, ruleSet: RuleSet, env: ScanEnv, emit: (c: Candidate) => void): void {
  const chunks: Chunk[] = [];
  for (let i = 0; i < MAX_RUN_CHUNKS; i++) chunks.push({ start: 0, end: 0, digits: 0, letters: 0 });
  const view: RunView = {
    text,
    start: 0,
    end: 0,
    compact: '',
    groups: [],
    seps: [],
    digits: 0,
    letters: 0,
    before: '',
    after: '',
    isRunStart: false,
    isRunEnd: false,
    strippedPrefix: false,
  };
  const n = text.length;
  const state: RunState = {
    runId: 0,
    stampRun: new Int32Array(ruleSet.ruleCount).fill(-1),
    stampEnd: new Int32Array(ruleSet.ruleCount),
    prefix: new Int32Array(3 * (MAX_RUN_CHUNKS + 1)),
  };
  // A regex `test` finds the next digit: irregexp skips prose faster than a JS loop, and `test`
  // allocates no match object.
  const nextDigit = /[0-9]/g;
  let at = 0;
  while (at < n) {
    nextDigit.lastIndex = at;
    if (!nextDigit.test(text)) break;
    at = nextDigit.lastIndex - 1;
    // The chunk holding this digit.
    let s = at;
    while (s > 0 && isAsciiAlnum(text.charCodeAt(s - 1))) s--;
    let count = 0;
    let pos = s;
    // One letter-only chunk of at most four letters may precede ("AA 12 34 56 B", "GIR 0AA").
    if (s >= 2) {
      const sep = text.charCodeAt(s - 1);
      if (sep === 32 || sep === 45) {
        let ls = s - 1;
        while (ls > 0 && isAsciiAlnum(text.charCodeAt(ls - 1))) ls--;
        const len = s - 1 - ls;
        let lettersOnly = len >= 1 && len <= 4;
        for (let k = ls; lettersOnly && k < s - 1; k++) if (isDigit(text.charCodeAt(k))) lettersOnly = false;
        const beforeLs = ls > 0 ? text.charCodeAt(ls - 1) : 32;
        if (lettersOnly && !isAsciiAlnum(beforeLs) && beforeLs !== 46) pos = ls;
      }
    }
    // Collect chunks.
    let prevHasDigit = false;
    while (pos < n && count < MAX_RUN_CHUNKS) {
      let e = pos;
      let digits = 0;
      let letters = 0;
      while (e < n) {
        const c = text.charCodeAt(e);
        if (isDigit(c)) digits++;
        else if (isAsciiAlnum(c)) letters++;
        else break;
        e++;
      }
      if (e === pos) break;
      if (count > 0 && digits === 0 && (!prevHasDigit || letters > 4)) break;
      const ch = chunks[count] as Chunk;
      ch.start = pos;
      ch.end = e;
      ch.digits = digits;
      ch.letters = letters;
      count++;
      prevHasDigit = digits > 0;
      const sepLen = separatorLength(text, e, n);
      if (sepLen === 0) break;
      pos = e + sepLen;
    }
    if (count === 0) {
      at++;
      continue;
    }
    // A trailing letter-only chunk after a letter-only chunk was refused above; a leading one
    // without a digit chunk after it is not a run.
    const runEnd = (chunks[count - 1] as Chunk).end;
    state.runId++;
    evaluateRun(text, chunks, count, ruleSet, env, view, state, emit);
    at = Math.max(runEnd, at + 1);
  }
}

function evaluateRun(
  text: string,
  chunks: readonly Chunk[],
  count: number,
  ruleSet: RuleSet,
  env: ScanEnv,
  view: RunView,
  state: RunState,
  emit: (c: Candidate) => void,
): void {
  // Per rule, matches do not overlap and the leftmost-longest wins, as with a regex scan.
  const runStart = (chunks[0] as Chunk).start;
  const before = runStart > 0 ? text.charAt(runStart - 1) : '';
  // Prefix sums make each sub-run's length, digits and letters O(1) to read.
  const pre = state.prefix;
  pre[0] = 0;
  pre[MAX_RUN_CHUNKS + 1] = 0;
  pre[2 * (MAX_RUN_CHUNKS + 1)] = 0;
  for (let k = 0; k < count; k++) {
    const ch = chunks[k] as Chunk;
    pre[k + 1] = (pre[k] ?? 0) + ch.end - ch.start;
    pre[MAX_RUN_CHUNKS + 2 + k] = (pre[MAX_RUN_CHUNKS + 1 + k] ?? 0) + ch.digits;
    pre[2 * (MAX_RUN_CHUNKS + 1) + 1 + k] = (pre[2 * (MAX_RUN_CHUNKS + 1) + k] ?? 0) + ch.letters;
  }
  for (let i = 0; i < count; i++) {
    const first = chunks[i] as Chunk;
    const jMax = Math.min(count - 1, i + MAX_SUBRUN_CHUNKS - 1);
    const lead = text.charCodeAt(first.start);
    for (let j = jMax; j >= i; j--) {
      const last = chunks[j] as Chunk;
      if (last.end - first.start > MAX_SUBRUN_CHARS) continue;
      const length = (pre[j + 1] ?? 0) - (pre[i] ?? 0);
      const digits = (pre[MAX_RUN_CHUNKS + 2 + j] ?? 0) - (pre[MAX_RUN_CHUNKS + 1 + i] ?? 0);
      const letters = (pre[2 * (MAX_RUN_CHUNKS + 1) + 1 + j] ?? 0) - (pre[2 * (MAX_RUN_CHUNKS + 1) + i] ?? 0);
      if (digits === 0) continue;
      const groups = j - i + 1;
      const rules =
        length > ruleSet.maxLength || groups > ruleSet.maxGroups
          ? undefined
          : letters === 0
            ? ruleSet.digitsOnlyByShape[length * (ruleSet.maxGroups + 1) + groups]
            : ruleSet.withLettersByShape[length * (ruleSet.maxGroups + 1) + groups];
      if (rules !== undefined && rules.length > 0) {
        let filled = false;
        // Indexed loops: this runs for every sub-run, and an iterator object each time adds up.
        for (let r = 0; r < rules.length; r++) {
          const rule = rules[r] as CompiledRule;
          if (!quickAccept(rule, state, i, groups, digits, letters, lead)) continue;
          if (groups > 1 && rule.sepChars !== '' && !sepsStartWith(text, chunks, i, j, rule.sepChars)) continue;
          if (rule.prefilter !== undefined && !rule.prefilter(text, first.start)) continue;
          if (!filled) {
            fillView(view, text, chunks, i, j, before, count, false, 0, digits, letters);
            filled = true;
          }
          tryRule(rule, view, j, state, env, emit);
        }
      }
      // Identifiers glued to a word ("code is030594W903B"): retry without the leading letters.
      if (ruleSet.gluedRules.length > 0 && first.letters > 0 && first.digits > 0 && !isDigit(text.charCodeAt(first.start))) {
        let k = first.start;
        while (k < first.end && !isDigit(text.charCodeAt(k))) k++;
        const strip = k - first.start;
        if (strip > 0 && strip < first.end - first.start) {
          let filled = false;
          for (let r = 0; r < ruleSet.gluedRules.length; r++) {
            const rule = ruleSet.gluedRules[r] as CompiledRule;
            if (length - strip < rule.minLength || length - strip > rule.maxLength) continue;
            if (!quickAccept(rule, state, i, groups, digits, letters - strip, text.charCodeAt(k))) continue;
            if (!filled) {
              fillView(view, text, chunks, i, j, before, count, true, strip, digits, letters - strip);
              filled = true;
            }
            tryRule(rule, view, j, state, env, emit);
          }
        }
      }
    }
  }
}

function sepsStartWith(text: string, chunks: readonly Chunk[], i: number, j: number, allowed: string): boolean {
  for (let k = i; k < j; k++) if (!allowed.includes(text.charAt((chunks[k] as Chunk).end))) return false;
  return true;
}

function quickAccept(
  rule: CompiledRule,
  state: RunState,
  i: number,
  groups: number,
  digits: number,
  letters: number,
  lead: number,
): boolean {
  if (state.stampRun[rule.index] === state.runId && (state.stampEnd[rule.index] ?? -1) >= i) return false;
  if (digits < rule.minDigits || letters > rule.maxLetters || letters < rule.minLetters) return false;
  if (groups > rule.maxGroups || groups < rule.minGroups) return false;
  // Runs are made of ASCII letters and digits, so the table decides; the string is a fallback.
  if (lead < 128 ? rule.leadingCodes[lead] === 0 : rule.leading !== '' && !rule.leading.includes(String.fromCharCode(lead).toUpperCase()))
    return false;
  return true;
}

function fillView(
  view: RunView,
  text: string,
  chunks: readonly Chunk[],
  i: number,
  j: number,
  runBefore: string,
  count: number,
  stripped: boolean,
  strip: number,
  digits: number,
  letters: number,
): void {
  const first = chunks[i] as Chunk;
  const last = chunks[j] as Chunk;
  view.start = first.start + strip;
  view.end = last.end;
  // One pair of arrays per chunk count, reused: emptying and refilling one array would free
  // and reallocate its storage for every sub-run.
  const groups = GROUPS_BY_COUNT[j - i + 1] as number[];
  const seps = SEPS_BY_COUNT[j - i + 1] as string[];
  let compact = '';
  for (let k = i; k <= j; k++) {
    const ch = chunks[k] as Chunk;
    const s = k === i ? ch.start + strip : ch.start;
    compact += text.slice(s, ch.end);
    groups[k - i] = ch.end - s;
    if (k > i) seps[k - i - 1] = text.slice((chunks[k - 1] as Chunk).end, ch.start);
  }
  view.groups = groups;
  view.seps = seps;
  // The caller counted the chunks' digits and letters (every character is one or the other).
  if (letters > 0 && /[a-z]/.test(compact)) compact = compact.toUpperCase();
  view.compact = compact;
  view.digits = digits;
  view.letters = letters;
  view.before = stripped ? text.charAt(first.start + strip - 1) : i === 0 ? runBefore : text.charAt(first.start - 1);
  view.after = last.end < text.length ? text.charAt(last.end) : '';
  view.isRunStart = i === 0 && !stripped;
  view.isRunEnd = j === count - 1;
  view.strippedPrefix = stripped;
}

function tryRule(rule: CompiledRule, view: RunView, j: number, state: RunState, env: ScanEnv, emit: (c: Candidate) => void): void {
  const result = rule.rule.match(view, env);
  if (result === null) return;
  state.stampRun[rule.index] = state.runId;
  state.stampEnd[rule.index] = j;
  const start = result.start ?? view.start;
  const end = result.end ?? view.end;
  let confidence = result.confidence;
  let reason = result.reason;
  const phrase = findContext(env.context, rule.contextSet, Math.max(0, start - CONTEXT_BEFORE), end + CONTEXT_AFTER, start, end);
  if (phrase !== undefined) {
    confidence += rule.contextBoost;
    reason += `; context word "${phrase}"`;
  }
  confidence = Math.min(rule.maxConfidence, confidence);
  if (confidence < env.minConfidence) return;
  emit({
    type: result.type ?? rule.type,
    start,
    end,
    text: view.text.slice(start, end),
    confidence: Math.round(confidence * 1000) / 1000,
    reason,
    detector: result.scheme !== undefined ? detectorId(rule, result.scheme) : rule.detector,
    specificity: rule.specificity,
  });
}

function detectorId(rule: CompiledRule, scheme: string): string {
  let id = rule.detectorIds.get(scheme);
  if (id === undefined) {
    id = `${rule.detector}/${scheme}`;
    rule.detectorIds.set(scheme, id);
  }
  return id;
}

/** Leading-character sets for `IdRule.leading`. */
export const DIGITS = '0123456789';
export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Helpers for rules. */
export const runs = {
  /** Separators are all equal (or there is none). */
  uniformSeps(v: RunView): boolean {
    for (let k = 1; k < v.seps.length; k++) if (v.seps[k] !== v.seps[0]) return false;
    return true;
  },
  /** The chunk lengths are exactly `pattern`. */
  groupsAre(v: RunView, pattern: readonly number[]): boolean {
    if (v.groups.length !== pattern.length) return false;
    for (let k = 0; k < pattern.length; k++) if (v.groups[k] !== pattern[k]) return false;
    return true;
  },
  /** Every separator is one of `allowed` (single characters). */
  sepsIn(v: RunView, allowed: string): boolean {
    for (const s of v.seps) if (s.length !== 1 || !allowed.includes(s)) return false;
    return true;
  },
  /** One chunk, no separators. */
  isSingle(v: RunView): boolean {
    return v.groups.length === 1;
  },
  /** Neither end touches a letter or digit outside the run (the run scanner's ASCII view). */
  isStandalone(v: RunView): boolean {
    return !/[\p{L}\p{N}]/u.test(v.before) && !/[\p{L}\p{N}]/u.test(v.after);
  },
};
