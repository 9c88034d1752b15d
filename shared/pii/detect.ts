import { AppError } from '../errors';
import type { ContextMatcher } from './context';
import { createContextMatcher } from './context';
import { cryptoWalletRule } from './detectors/crypto-wallet';
import { ageRule, detectWrittenDates, numericDateRule } from './detectors/date';
import { detectEmails, detectUrls } from './detectors/email-url';
import { EU_RULES } from './detectors/eu-ids';
import type { IdRule, RuleSet, ScanEnv } from './detectors/id-runs';
import { compileRules, ruleContextPhrases, scanIdRuns } from './detectors/id-runs';
import { INTL_RULES } from './detectors/intl-ids';
import { NAME_CONTEXT_PHRASES, detectNames } from './detectors/names';
import { detectIpv6, detectMac, ipv4Rule } from './detectors/network';
import { PAYMENT_RULES } from './detectors/payment';
import { PHONE_PHRASES, phoneRule } from './detectors/phone';
import { POSTCODE_RULES } from './detectors/postcode';
import { RECORD_LABEL_PHRASES, detectRecordNumbers, genericNumberRule } from './detectors/record-number';
import { UK_RULES } from './detectors/uk-ids';
import { US_RULES } from './detectors/us-ids';
import type { Candidate, DetectOptions, Detection, EntityType } from './types';
import { DEFAULT_MIN_CONFIDENCE, DEFAULT_PHONE_REGIONS, detectOptionsSchema } from './types';

/**
 * Runs every detector over a text and resolves overlaps into one list of non-overlapping
 * detections, sorted by position. Pure and synchronous: the caller decides where it runs (the
 * app runs it off the main thread for big documents).
 */

/** Version of each detector, recorded in anonymisation reports. Bump when behaviour changes. */
export const DETECTOR_VERSIONS: Readonly<Record<string, string>> = {
  'id-runs': '1.0.0',
  email: '1.0.0',
  url: '1.0.0',
  phone: '1.0.0',
  'ip-address': '1.0.0',
  'mac-address': '1.0.0',
  date: '1.0.0',
  age: '1.0.0',
  postcode: '1.0.0',
  'record-number': '1.0.0',
  names: '1.0.0',
  address: '1.0.0',
};

/** Every rule the run scanner knows, in priority order. */
export const ID_RULES: readonly IdRule[] = [
  ...PAYMENT_RULES,
  cryptoWalletRule,
  ...US_RULES,
  ...UK_RULES,
  ...EU_RULES,
  ...INTL_RULES,
  numericDateRule,
  ageRule,
  ...POSTCODE_RULES,
  ipv4Rule,
  phoneRule,
  genericNumberRule,
];

type Engine = { matcher: ContextMatcher; ruleSets: Map<string, RuleSet> };
let engine: Engine | undefined;

function getEngine(): Engine {
  if (engine === undefined) {
    const phrases = [...ruleContextPhrases(ID_RULES), ...RECORD_LABEL_PHRASES, ...NAME_CONTEXT_PHRASES, ...PHONE_PHRASES];
    engine = { matcher: createContextMatcher(phrases), ruleSets: new Map() };
  }
  return engine;
}

function ruleSetFor(e: Engine, wanted: ReadonlySet<EntityType> | undefined): RuleSet {
  const key = wanted === undefined ? '*' : [...wanted].sort().join(',');
  let set = e.ruleSets.get(key);
  if (set === undefined) {
    const rules = wanted === undefined ? ID_RULES : ID_RULES.filter((r) => wanted.has(r.type) || (r === phoneRule && wanted.has('FAX')));
    set = compileRules(rules);
    e.ruleSets.set(key, set);
  }
  return set;
}

/** Detects personal data in `text`. Throws AppError('invalid_input') for a non-string or bad options. */
export function detectAll(text: string, options: DetectOptions = {}): Detection[] {
  if (typeof text !== 'string') throw new AppError('invalid_input', 'The text to scan must be a string.');
  const parsed = detectOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new AppError('invalid_input', `Invalid detection options: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const opts = parsed.data;
  if (text.length === 0) return [];
  const wanted = opts.entities !== undefined ? new Set<EntityType>(opts.entities) : undefined;
  const wants = (...types: EntityType[]) => wanted === undefined || types.some((t) => wanted.has(t));
  const minConfidence = opts.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const e = getEngine();
  const context = e.matcher.index(text);
  const env: ScanEnv = {
    phoneRegions: opts.phoneRegions ?? DEFAULT_PHONE_REGIONS,
    memo: new Map(),
    context,
    minConfidence,
  };
  const candidates: Candidate[] = [];
  const emit = (c: Candidate): void => {
    if (c.end <= c.start || c.confidence < minConfidence) return;
    if (wanted !== undefined && !wanted.has(c.type)) return;
    candidates.push(c);
  };
  scanIdRuns(text, ruleSetFor(e, wanted), env, emit);
  if (wants('EMAIL')) detectEmails(text, emit);
  if (wants('URL')) detectUrls(text, emit);
  if (wants('IP_ADDRESS')) detectIpv6(text, emit);
  if (wants('DEVICE_ID')) detectMac(text, emit);
  if (wants('DATE')) detectWrittenDates(text, emit);
  detectRecordNumbers(text, context, emit);
  if (opts.names !== false && wants('PERSON', 'ORGANIZATION', 'LOCATION', 'ADDRESS', 'POSTCODE')) {
    detectNames(text, context, emit);
  }
  return resolveOverlaps(candidates, text).map((c, i) => ({
    id: `d${i + 1}`,
    type: c.type,
    start: c.start,
    end: c.end,
    text: c.text,
    confidence: c.confidence,
    reason: c.reason,
    detector: c.detector,
  }));
}

const WHERE_TYPES: ReadonlySet<EntityType> = new Set(['ADDRESS', 'LOCATION', 'POSTCODE']);

function rank(c: Candidate): number {
  return c.confidence + 0.02 * c.specificity;
}

/**
 * Keeps the best candidate where spans overlap. Candidates are split into clusters of
 * transitively overlapping spans (one sort by start), and within a cluster taken best first:
 * one that overlaps a kept span is dropped, unless it contains the kept spans entirely and is
 * nearly as confident (a URL around its IP), or it is an address running into a place name or
 * postcode, in which case it replaces them, so that redaction covers the larger span.
 */
export function resolveOverlaps(candidates: readonly Candidate[], text: string): Candidate[] {
  const byStart = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Candidate[] = [];
  // A cluster is a run of byStart: [from, to). Most are one candidate, which is kept as it is.
  let from = 0;
  let clusterEnd = -1;
  const flush = (to: number): void => {
    if (to - from === 1) out.push(byStart[from] as Candidate);
    else if (to - from > 1) {
      const cluster = byStart.slice(from, to);
      const kept = cluster.length <= SMALL_CLUSTER ? resolveSmallCluster(cluster, text) : resolveCluster(cluster, text);
      for (const k of kept) out.push(k);
    }
  };
  for (let i = 0; i < byStart.length; i++) {
    const c = byStart[i] as Candidate;
    if (c.start >= clusterEnd) {
      flush(i);
      from = i;
      clusterEnd = c.end;
    } else {
      clusterEnd = Math.max(clusterEnd, c.end);
    }
  }
  flush(byStart.length);
  return out;
}

function byRank(a: Candidate, b: Candidate): number {
  return rank(b) - rank(a) || b.end - b.start - (a.end - a.start) || a.start - b.start;
}

function narrowed(c: Candidate, start: number, end: number, text: string): Candidate {
  return start === c.start && end === c.end
    ? c
    : {
        type: c.type,
        start,
        end,
        text: text.slice(start, end),
        confidence: c.confidence,
        reason: c.reason,
        detector: c.detector,
        specificity: c.specificity,
      };
}

/**
 * Most clusters are two to four matches of one number ("MRN 12345678" as a record number, a
 * bank account and a driver's licence): below this size the kept spans are compared directly,
 * which decides exactly as `resolveCluster` does without its per-character table.
 */
const SMALL_CLUSTER = 12;
const NONE: readonly Candidate[] = [];

/** Sorts `cluster` (a fresh array) in place by rank. */
function resolveSmallCluster(cluster: Candidate[], text: string): Candidate[] {
  // Insertion sort: stable like Array.prototype.sort, so the order is the same, and it
  // allocates nothing for the two or three candidates a cluster usually has.
  const sorted = cluster;
  for (let i = 1; i < sorted.length; i++) {
    const c = sorted[i] as Candidate;
    let k = i - 1;
    while (k >= 0 && byRank(sorted[k] as Candidate, c) > 0) {
      sorted[k + 1] = sorted[k] as Candidate;
      k--;
    }
    sorted[k + 1] = c;
  }
  // Kept spans never overlap one another, so "overlaps a kept span" is an interval test, and
  // ordering the overlapping ones by start gives the order the table scan finds them in.
  let kept: Candidate[] = [];
  const overlappingIn = (start: number, end: number): readonly Candidate[] => {
    // An empty span owns no character: it neither overlaps nor is overlapped, as in the table.
    if (start >= end) return NONE;
    let found: Candidate[] | undefined;
    for (let i = 0; i < kept.length; i++) {
      const k = kept[i] as Candidate;
      if (k.start < end && k.end > start && k.start < k.end) (found ??= []).push(k);
    }
    if (found === undefined) return NONE;
    if (found.length > 1) found.sort((a, b) => a.start - b.start);
    return found;
  };
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i] as Candidate;
    const others = overlappingIn(c.start, c.end);
    if (others.length === 0) {
      kept.push(c);
      continue;
    }
    if (c.type === 'ADDRESS' && c.confidence >= 0.5 && others.every((k) => WHERE_TYPES.has(k.type))) {
      let start = c.start;
      let end = c.end;
      for (const k of others) {
        start = Math.min(start, k.start);
        end = Math.max(end, k.end);
      }
      const all = overlappingIn(start, end);
      if (all.every((k) => others.includes(k))) {
        let base = c;
        for (const k of others) if (k.type === 'ADDRESS' && k.confidence > base.confidence) base = k;
        kept = kept.filter((k) => !others.includes(k));
        kept.push(narrowed(base, start, end, text));
      }
      continue;
    }
    let containsAll = true;
    let weakest = Infinity;
    let isStrictlyLarger = false;
    for (const k of others) {
      if (k.start < c.start || k.end > c.end) containsAll = false;
      weakest = Math.min(weakest, k.confidence);
      if (k.end - k.start < c.end - c.start) isStrictlyLarger = true;
    }
    if (containsAll && isStrictlyLarger && c.confidence >= weakest - 0.25 && c.confidence >= 0.5) {
      kept = kept.filter((k) => !others.includes(k));
      kept.push(c);
    }
  }
  return kept.sort((a, b) => a.start - b.start);
}

function resolveCluster(candidates: readonly Candidate[], text: string): Candidate[] {
  const sorted = [...candidates].sort(byRank);
  // Which kept candidate owns each character of the cluster. Checking a candidate costs its own
  // length, so a cluster of any size resolves in time linear in the spans' total length (an
  // adversarial text like "12.12.12.12…" makes one cluster of the whole document).
  let lo = Infinity;
  let hi = 0;
  for (const c of candidates) {
    lo = Math.min(lo, c.start);
    hi = Math.max(hi, c.end);
  }
  const owner = new Int32Array(hi - lo).fill(-1);
  const kept: (Candidate | undefined)[] = [];
  const ownersIn = (start: number, end: number): Set<number> => {
    const found = new Set<number>();
    for (let p = start; p < end; p++) {
      const o = owner[p - lo] ?? -1;
      if (o >= 0) found.add(o);
    }
    return found;
  };
  const claim = (c: Candidate, start: number, end: number): void => {
    const id = kept.length;
    kept.push(
      start === c.start && end === c.end
        ? c
        : {
            type: c.type,
            start,
            end,
            text: text.slice(start, end),
            confidence: c.confidence,
            reason: c.reason,
            detector: c.detector,
            specificity: c.specificity,
          },
    );
    owner.fill(id, start - lo, end - lo);
  };
  const release = (ids: Iterable<number>): void => {
    for (const id of ids) {
      const k = kept[id];
      if (k === undefined) continue;
      owner.fill(-1, k.start - lo, k.end - lo);
      kept[id] = undefined;
    }
  };
  for (const c of sorted) {
    const overlapping = ownersIn(c.start, c.end);
    if (overlapping.size === 0) {
      claim(c, c.start, c.end);
      continue;
    }
    const others = [...overlapping].map((id) => kept[id] as Candidate);
    // An address that runs into a place name or postcode absorbs it: the union is redacted.
    if (c.type === 'ADDRESS' && c.confidence >= 0.5 && others.every((k) => WHERE_TYPES.has(k.type))) {
      const start = Math.min(c.start, ...others.map((k) => k.start));
      const end = Math.max(c.end, ...others.map((k) => k.end));
      const all = ownersIn(start, end);
      if ([...all].every((id) => overlapping.has(id))) {
        // The union keeps the reason of the strongest address among the parts.
        const addresses = [c, ...others.filter((k) => k.type === 'ADDRESS')];
        const base = addresses.reduce((best, k) => (k.confidence > best.confidence ? k : best), c);
        release(overlapping);
        claim(base, start, end);
      }
      continue;
    }
    const containsAll = others.every((k) => k.start >= c.start && k.end <= c.end);
    const weakest = Math.min(...others.map((k) => k.confidence));
    const isStrictlyLarger = others.some((k) => k.end - k.start < c.end - c.start);
    if (containsAll && isStrictlyLarger && c.confidence >= weakest - 0.25 && c.confidence >= 0.5) {
      release(overlapping);
      claim(c, c.start, c.end);
    }
  }
  return kept.filter((k): k is Candidate => k !== undefined).sort((a, b) => a.start - b.start);
}
