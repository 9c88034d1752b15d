import { z } from 'zod';
import { AppError } from '../errors';
import { shiftDate, yearOf } from './date-shift';
import { FAKE_FIRST_NAMES, FAKE_LAST_NAMES, FAKE_ORGANIZATIONS, FAKE_PLACES, FAKE_STREETS } from './fakes';
import type { Detection, EntityType } from './types';
import { ENTITY_TYPES, entityTypeSchema } from './types';

/**
 * What happens to each detected span: kept, redacted, masked, replaced by a typed placeholder
 * stable within the document, replaced by a pseudonym stable across a Datanet (keyed HMAC),
 * date-shifted consistently per subject, or generalised (age to band, ZIP to three digits, date
 * to year).
 */

/** Keyed HMAC over UTF-8 strings, hex-encoded. Injected: the shared layer has no crypto. */
export type HmacFn = (key: string, message: string) => string;

export const OPERATOR_KINDS = ['keep', 'redact', 'mask', 'placeholder', 'pseudonym', 'date_shift', 'generalise'] as const;
export type OperatorKind = (typeof OPERATOR_KINDS)[number];

export const operatorSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('keep') }).strict(),
  z.object({ kind: z.literal('redact'), replacement: z.string().max(64).optional() }).strict(),
  z
    .object({ kind: z.literal('mask'), char: z.string().min(1).max(2).optional(), keepLast: z.number().int().min(0).max(16).optional() })
    .strict(),
  z.object({ kind: z.literal('placeholder') }).strict(),
  z.object({ kind: z.literal('pseudonym') }).strict(),
  z.object({ kind: z.literal('date_shift'), maxDays: z.number().int().min(1).max(3650).optional() }).strict(),
  z.object({ kind: z.literal('generalise') }).strict(),
]);
export type OperatorSpec = z.infer<typeof operatorSpecSchema>;

export const anonymisationPolicySchema = z
  .object({
    default: operatorSpecSchema,
    byType: z.partialRecord(entityTypeSchema, operatorSpecSchema).optional(),
  })
  .strict();

/** Which operator each type gets. */
export type AnonymisationPolicy = z.infer<typeof anonymisationPolicySchema>;

/** Placeholders everywhere: needs no key and keeps the text readable. */
export const DEFAULT_POLICY: AnonymisationPolicy = { default: { kind: 'placeholder' } };

/** Secrets and settings the keyed operators need. */
export type OperatorContext = {
  hmac?: HmacFn;
  /** The Datanet's pseudonymisation secret (from the app's secret store). */
  key?: string;
  /** Whose dates these are (a patient or case id): every date of one subject moves alike. */
  subject?: string;
  /** Read 03/04/2021 as 3 April (day first) instead of 4 March. */
  dayFirst?: boolean;
};

/** One applied replacement; offsets into the original and into the output text. */
export type Replacement = {
  detectionId?: string;
  type: EntityType;
  start: number;
  end: number;
  outputStart: number;
  outputEnd: number;
  operator: OperatorKind;
  replacement: string;
  /** Set when the chosen operator could not apply and a placeholder was used instead. */
  fallback?: string;
};

export type AnonymisedText = { text: string; replacements: Replacement[] };

/** The operator for a type under a policy. */
export function operatorFor(policy: AnonymisationPolicy, type: EntityType): OperatorSpec {
  return policy.byType?.[type] ?? policy.default;
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
// Combining marks, zero-width joiner and variation selectors belong to the character before.
const ATTACHED = /\p{M}|\u200d|\ufe0e|\ufe0f/u;

/**
 * Widens [start, end) so that it neither splits a surrogate pair nor leaves a combining mark,
 * joiner or variation selector behind: replacing "é" written as e + U+0301 must take both.
 */
export function snapToGraphemes(text: string, start: number, end: number): [number, number] {
  // Fast path: nothing at either edge can be half a character (below U+0300 nothing combines).
  if (text.charCodeAt(start) < 0x300 && (end >= text.length || text.charCodeAt(end) < 0x300)) return [start, end];
  let s = start;
  let e = end;
  if (s > 0 && isLow(text.charCodeAt(s)) && isHigh(text.charCodeAt(s - 1))) s--;
  if (e < text.length && isLow(text.charCodeAt(e)) && isHigh(text.charCodeAt(e - 1))) e++;
  while (e < text.length) {
    const cp = text.codePointAt(e) ?? 0;
    const ch = String.fromCodePoint(cp);
    if (!ATTACHED.test(ch)) break;
    e += ch.length;
    // A joiner glues the next character on too (emoji sequences).
    if (cp === 0x200d && e < text.length) e += String.fromCodePoint(text.codePointAt(e) ?? 0).length;
  }
  while (s > 0 && ATTACHED.test(text.charAt(s)) && s < e) s--;
  return [s, e];
}

/** Hex stream from the keyed HMAC, as long as needed. */
function keyedHex(ctx: OperatorContext, message: string, chars: number): string {
  if (ctx.hmac === undefined || ctx.key === undefined || ctx.key.length === 0) {
    throw new AppError('invalid_input', 'Pseudonyms and date shifts need the Datanet key; none was given.');
  }
  let out = '';
  for (let block = 0; out.length < chars; block++) {
    const h = ctx.hmac(ctx.key, block === 0 ? message : `${message}\u0000${block}`);
    if (!/^[0-9a-f]+$/i.test(h)) throw new AppError('internal', 'The HMAC function returned something other than hex.');
    out += h.toLowerCase();
  }
  return out.slice(0, chars);
}

function pickFrom<T>(list: readonly T[], hex: string): T {
  return list[parseInt(hex, 16) % list.length] as T;
}

function matchCase(fake: string, original: string): string {
  if (original === original.toUpperCase() && original !== original.toLowerCase()) return fake.toUpperCase();
  if (original === original.toLowerCase() && original !== original.toUpperCase()) return fake.toLowerCase();
  return fake;
}

/** Normalised form of a value, so that "John  Smith" and "john smith" count as one. */
function normaliseValue(s: string): string {
  // eslint-disable-next-line no-control-regex -- ASCII check
  const folded = /^[\x00-\x7f]*$/.test(s) ? s : s.normalize('NFKC');
  return folded.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Digits become other digits and letters other letters; separators and length stay. */
function formatPreserving(original: string, hex: string): string {
  let out = '';
  let k = 0;
  for (const ch of original) {
    const byte = parseInt(hex.slice(2 * k, 2 * k + 2) || '00', 16);
    if (ch >= '0' && ch <= '9') {
      out += String(byte % 10);
      k++;
    } else if (/[A-Za-z]/.test(ch)) {
      const letter = String.fromCharCode(65 + (byte % 26));
      out += ch === ch.toLowerCase() ? letter.toLowerCase() : letter;
      k++;
    } else {
      out += ch;
    }
  }
  return out;
}

function dateOffset(ctx: OperatorContext, maxDays: number): number {
  const hex = keyedHex(ctx, `date-shift\u0000${ctx.subject ?? ''}`, 12);
  const span = 2 * maxDays;
  const n = parseInt(hex, 16) % span;
  // Never zero: an unshifted date would survive anonymisation unchanged.
  return n < maxDays ? n - maxDays : n - maxDays + 1;
}

// ZIP3 areas with 20,000 people or fewer (HHS, 2000 census), which Safe Harbor sets to 000.
const RESTRICTED_ZIP3 = new Set([
  '036',
  '059',
  '063',
  '102',
  '203',
  '556',
  '692',
  '790',
  '821',
  '823',
  '830',
  '831',
  '878',
  '879',
  '884',
  '890',
  '893',
]);

function generalise(type: EntityType, original: string, ctx: OperatorContext): string | undefined {
  if (type === 'AGE') {
    const n = Number(/\d+/.exec(original)?.[0] ?? NaN);
    if (Number.isNaN(n)) return undefined;
    // 45 CFR 164.514(b)(2)(i)(C): ages over 89 aggregate into one category.
    if (n >= 90) return '90+';
    const low = Math.floor(n / 10) * 10;
    return `${low}-${low + 9}`;
  }
  if (type === 'POSTCODE') {
    const zip = /^\s*(\d{5})(?:-\d{4})?\s*$/.exec(original);
    if (zip !== null) {
      const prefix = (zip[1] ?? '').slice(0, 3);
      return RESTRICTED_ZIP3.has(prefix) ? '000' : prefix;
    }
    const uk = /^\s*([A-Z]{1,2}\d[A-Z\d]?)\s*\d[A-Z]{2}\s*$/i.exec(original);
    if (uk !== null) return (uk[1] ?? '').toUpperCase();
    return undefined;
  }
  if (type === 'DATE') return yearOf(original, ctx.dayFirst === true);
  return undefined;
}

function pseudonym(type: EntityType, original: string, ctx: OperatorContext): string | undefined {
  const hex = keyedHex(ctx, `${type}\u0000${normaliseValue(original)}`, Math.max(64, 2 * original.length + 8));
  const h = (i: number) => hex.slice(i * 8, i * 8 + 8);
  switch (type) {
    case 'PERSON': {
      const words = original.trim().split(/\s+/);
      const fake =
        words.length === 1 ? pickFrom(FAKE_LAST_NAMES, h(1)) : `${pickFrom(FAKE_FIRST_NAMES, h(0))} ${pickFrom(FAKE_LAST_NAMES, h(1))}`;
      return matchCase(fake, original);
    }
    case 'ORGANIZATION':
      return matchCase(pickFrom(FAKE_ORGANIZATIONS, h(0)), original);
    case 'LOCATION':
      return matchCase(pickFrom(FAKE_PLACES, h(0)), original);
    case 'ADDRESS':
      return `${1 + (parseInt(h(2), 16) % 980)} ${pickFrom(FAKE_STREETS, h(0))}, ${pickFrom(FAKE_PLACES, h(1))}`;
    case 'EMAIL':
      return `${pickFrom(FAKE_FIRST_NAMES, h(0))}.${pickFrom(FAKE_LAST_NAMES, h(1))}@example.org`.toLowerCase();
    case 'URL':
      return `https://example.org/${hex.slice(0, 10)}`;
    case 'IP_ADDRESS':
      // RFC 5737 and RFC 3849 reserve these ranges for documentation.
      return original.includes(':') ? `2001:db8::${hex.slice(0, 4)}` : `192.0.2.${1 + (parseInt(h(0), 16) % 254)}`;
    case 'DATE': {
      const shifted = shiftDate(original, dateOffset(ctx, 365), ctx.dayFirst === true);
      return shifted;
    }
    case 'AGE':
      return generalise('AGE', original, ctx);
    default:
      return formatPreserving(original, hex);
  }
}

function mask(original: string, char: string, keepLast: number): string {
  const chars = Array.from(original);
  let alnumSeen = 0;
  const total = chars.filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
  return chars
    .map((c) => {
      if (!/[\p{L}\p{N}]/u.test(c)) return c;
      alnumSeen++;
      return alnumSeen > total - keepLast ? c : char;
    })
    .join('');
}

type SpanInput = Pick<Detection, 'type' | 'start' | 'end'> & { id?: string };

const KNOWN_TYPES: ReadonlySet<string> = new Set(ENTITY_TYPES);

/**
 * Applies the policy's operators to the detected spans of `text`. Spans are validated (inside
 * the text, not overlapping) and widened to whole characters; the output is assembled in one
 * pass, which has the effect of replacing right to left: no replacement shifts the offsets of
 * another. Throws AppError('invalid_input') for bad spans, a bad policy, or keyed operators
 * without a key.
 */
export function applyOperators(
  text: string,
  detections: readonly SpanInput[],
  policy: AnonymisationPolicy = DEFAULT_POLICY,
  ctx: OperatorContext = {},
): AnonymisedText {
  if (typeof text !== 'string') throw new AppError('invalid_input', 'The text to anonymise must be a string.');
  const parsedPolicy = anonymisationPolicySchema.safeParse(policy);
  if (!parsedPolicy.success) {
    throw new AppError('invalid_input', `Invalid anonymisation policy: ${parsedPolicy.error.issues.map((i) => i.message).join('; ')}`);
  }
  const spans = detections.map((d) => {
    if (!Number.isInteger(d.start) || !Number.isInteger(d.end) || d.start < 0 || d.end > text.length || d.start >= d.end) {
      throw new AppError('invalid_input', 'A detection lies outside the text or is empty.', { start: d.start, end: d.end });
    }
    if (!KNOWN_TYPES.has(d.type)) throw new AppError('invalid_input', `Unknown entity type "${String(d.type)}".`);
    const [start, end] = snapToGraphemes(text, d.start, d.end);
    const copy: SpanInput = { type: d.type, start, end };
    if (d.id !== undefined) copy.id = d.id;
    return copy;
  });
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1] as SpanInput;
    const cur = spans[i] as SpanInput;
    if (cur.start < prev.end) {
      throw new AppError('invalid_input', 'Two detections overlap; resolve them before anonymising.', {
        first: { start: prev.start, end: prev.end },
        second: { start: cur.start, end: cur.end },
      });
    }
  }
  const placeholderIds = new Map<string, number>();
  const perTypeCount = new Map<EntityType, number>();
  // The same values recur (a patient's name, a clinic's phone): each spelling is normalised
  // once, and each placeholder string built once.
  const bySpelling = new Map<EntityType, Map<string, string>>();
  const placeholder = (type: EntityType, original: string): string => {
    let spellings = bySpelling.get(type);
    if (spellings === undefined) {
      spellings = new Map();
      bySpelling.set(type, spellings);
    }
    const known = spellings.get(original);
    if (known !== undefined) return known;
    const key = `${type}\u0000${normaliseValue(original)}`;
    let n = placeholderIds.get(key);
    if (n === undefined) {
      n = (perTypeCount.get(type) ?? 0) + 1;
      perTypeCount.set(type, n);
      placeholderIds.set(key, n);
    }
    const made = `[${type}_${n}]`;
    spellings.set(original, made);
    return made;
  };
  const parts: string[] = [];
  const replacements: Replacement[] = [];
  let cursor = 0;
  let outLength = 0;
  for (const span of spans) {
    const original = text.slice(span.start, span.end);
    const op = operatorFor(parsedPolicy.data, span.type);
    let kind: OperatorKind = op.kind;
    let replacement: string | undefined;
    let fallback: string | undefined;
    switch (op.kind) {
      case 'keep':
        replacement = original;
        break;
      case 'redact':
        replacement = op.replacement ?? '[REDACTED]';
        break;
      case 'mask':
        replacement = mask(original, op.char ?? '*', op.keepLast ?? 0);
        break;
      case 'placeholder':
        replacement = placeholder(span.type, original);
        break;
      case 'pseudonym':
        replacement = pseudonym(span.type, original, ctx);
        if (replacement === undefined) fallback = 'the value could not be read for a pseudonym';
        break;
      case 'date_shift':
        replacement = span.type === 'DATE' ? shiftDate(original, dateOffset(ctx, op.maxDays ?? 365), ctx.dayFirst === true) : undefined;
        if (replacement === undefined) fallback = span.type === 'DATE' ? 'the date could not be read' : 'only dates can be shifted';
        break;
      case 'generalise':
        replacement = generalise(span.type, original, ctx);
        if (replacement === undefined) fallback = `no generalisation is defined for this ${span.type === 'DATE' ? 'date' : 'type'}`;
        break;
    }
    if (replacement === undefined) {
      kind = 'placeholder';
      replacement = placeholder(span.type, original);
    }
    const between = text.slice(cursor, span.start);
    parts.push(between, replacement);
    const outputStart = outLength + between.length;
    outLength = outputStart + replacement.length;
    cursor = span.end;
    // Plain assignments rather than conditional spreads: V8 builds spread literals slowly,
    // and documents carry tens of thousands of replacements.
    const record: Replacement = {
      type: span.type,
      start: span.start,
      end: span.end,
      outputStart,
      outputEnd: outLength,
      operator: kind,
      replacement,
    };
    if (span.id !== undefined) record.detectionId = span.id;
    if (fallback !== undefined) record.fallback = fallback;
    replacements.push(record);
  }
  parts.push(text.slice(cursor));
  return { text: parts.join(''), replacements };
}
