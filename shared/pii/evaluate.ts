import { z } from 'zod';
import { AppError } from '../errors';
import type { Detection, EntityType } from './types';
import { ENTITY_TYPES } from './types';

/**
 * Scores detections against gold annotations: per-label precision, recall and F1 with overlap
 * matching, and character-level redaction recall/precision (which ignores types: a name
 * redacted as a place is still redacted). The label mapping is documented in README.md.
 */

/** Presidio's and presidio-research's labels (and common aliases) mapped to ours; null = not personal data here. */
export const SOURCE_LABEL_MAP: Readonly<Record<string, EntityType | null>> = {
  PERSON: 'PERSON',
  PER: 'PERSON',
  NAME: 'PERSON',
  ORGANIZATION: 'ORGANIZATION',
  ORG: 'ORGANIZATION',
  LOCATION: 'LOCATION',
  LOC: 'LOCATION',
  GPE: 'LOCATION',
  ADDRESS: 'ADDRESS',
  STREET_ADDRESS: 'ADDRESS',
  ZIP: 'POSTCODE',
  ZIP_CODE: 'POSTCODE',
  UK_POSTCODE: 'POSTCODE',
  DE_PLZ: 'POSTCODE',
  DATE_TIME: 'DATE',
  DATE: 'DATE',
  AGE: 'AGE',
  PHONE_NUMBER: 'PHONE',
  PHONE: 'PHONE',
  PH_MOBILE_NUMBER: 'PHONE',
  TR_PHONE_NUMBER: 'PHONE',
  FAX: 'FAX',
  EMAIL_ADDRESS: 'EMAIL',
  EMAIL: 'EMAIL',
  URL: 'URL',
  DOMAIN_NAME: 'URL',
  IP_ADDRESS: 'IP_ADDRESS',
  MAC_ADDRESS: 'DEVICE_ID',
  US_SSN: 'SSN',
  SSN: 'SSN',
  CREDIT_CARD: 'CREDIT_CARD',
  IBAN_CODE: 'IBAN',
  US_BANK_NUMBER: 'ACCOUNT',
  ABA_ROUTING_NUMBER: 'ACCOUNT',
  CRYPTO: 'ACCOUNT',
  US_PASSPORT: 'PASSPORT',
  UK_PASSPORT: 'PASSPORT',
  DE_PASSPORT: 'PASSPORT',
  ES_PASSPORT: 'PASSPORT',
  IT_PASSPORT: 'PASSPORT',
  KR_PASSPORT: 'PASSPORT',
  IN_PASSPORT: 'PASSPORT',
  US_DRIVER_LICENSE: 'DRIVER_LICENSE',
  UK_DRIVING_LICENCE: 'DRIVER_LICENSE',
  IT_DRIVER_LICENSE: 'DRIVER_LICENSE',
  KR_DRIVER_LICENSE: 'DRIVER_LICENSE',
  DE_FUEHRERSCHEIN: 'DRIVER_LICENSE',
  MEDICAL_LICENSE: 'LICENSE',
  US_NPI: 'NPI',
  DE_LANR: 'NPI',
  DE_BSNR: 'NPI',
  MEDICAL_RECORD: 'MEDICAL_RECORD',
  MRN: 'MEDICAL_RECORD',
  US_MBI: 'HEALTH_PLAN',
  AU_MEDICARE: 'HEALTH_PLAN',
  DE_HEALTH_INSURANCE: 'HEALTH_PLAN',
  UK_NHS: 'NHS',
  US_ITIN: 'TAX_ID',
  DE_TAX_ID: 'TAX_ID',
  DE_TAX_NUMBER: 'TAX_ID',
  AU_TFN: 'TAX_ID',
  PH_TIN: 'TAX_ID',
  IN_PAN: 'TAX_ID',
  CA_SIN: 'NATIONAL_ID',
  UK_NINO: 'NATIONAL_ID',
  FI_PERSONAL_IDENTITY_CODE: 'NATIONAL_ID',
  SE_PERSONNUMMER: 'NATIONAL_ID',
  KR_RRN: 'NATIONAL_ID',
  KR_FRN: 'NATIONAL_ID',
  TH_TNIN: 'NATIONAL_ID',
  TR_NATIONAL_ID: 'NATIONAL_ID',
  ZA_ID_NUMBER: 'NATIONAL_ID',
  SG_NRIC_FIN: 'NATIONAL_ID',
  PL_PESEL: 'NATIONAL_ID',
  IT_FISCAL_CODE: 'NATIONAL_ID',
  IT_IDENTITY_CARD: 'NATIONAL_ID',
  ES_NIF: 'NATIONAL_ID',
  ES_NIE: 'NATIONAL_ID',
  NG_NIN: 'NATIONAL_ID',
  IN_AADHAAR: 'NATIONAL_ID',
  IN_VOTER: 'NATIONAL_ID',
  DE_ID_CARD: 'NATIONAL_ID',
  DE_SOCIAL_SECURITY: 'NATIONAL_ID',
  AU_ABN: 'BUSINESS_ID',
  AU_ACN: 'BUSINESS_ID',
  SG_UEN: 'BUSINESS_ID',
  SE_ORGANISATIONSNUMMER: 'BUSINESS_ID',
  KR_BRN: 'BUSINESS_ID',
  IT_VAT_CODE: 'BUSINESS_ID',
  DE_VAT_ID: 'BUSINESS_ID',
  DE_HANDELSREGISTER: 'BUSINESS_ID',
  IN_GSTIN: 'BUSINESS_ID',
  UK_VEHICLE_REGISTRATION: 'VEHICLE_ID',
  TR_LICENSE_PLATE: 'VEHICLE_ID',
  NG_VEHICLE_REGISTRATION: 'VEHICLE_ID',
  DE_KFZ: 'VEHICLE_ID',
  IN_VEHICLE_REGISTRATION: 'VEHICLE_ID',
  // Job titles and nationality/religious/political groups are not identifiers under HIPAA.
  TITLE: null,
  NRP: null,
};

/**
 * Types scored as one label: an address, its postcode and a place name are all "where", and a
 * fax number is a phone number. Everything else is its own label.
 */
export function evalLabel(type: EntityType): string {
  if (type === 'ADDRESS' || type === 'POSTCODE') return 'LOCATION';
  if (type === 'FAX') return 'PHONE';
  return type;
}

/** Our types that score under the same label as `type` (what to request for a gold label). */
export function typesForLabel(type: EntityType): EntityType[] {
  const label = evalLabel(type);
  return ENTITY_TYPES.filter((t) => evalLabel(t) === label);
}

/** Maps a source label; undefined when the label is unknown (the caller decides). */
export function mapSourceLabel(label: string): EntityType | null | undefined {
  const key = label.toUpperCase();
  if (key in SOURCE_LABEL_MAP) return SOURCE_LABEL_MAP[key];
  return (ENTITY_TYPES as readonly string[]).includes(key) ? (key as EntityType) : undefined;
}

/** One annotated span. `optional` spans neither count as misses nor make a match a false positive. */
export type GoldSpan = { start: number; end: number; label: string; optional?: boolean };

/** One annotated document. */
export type GoldDoc = { id?: string; text: string; spans: GoldSpan[] };

/** Scores for one label. */
export type LabelScore = {
  label: string;
  /** Gold spans found. */
  tp: number;
  /** Predictions that match no gold span of their label. */
  fp: number;
  /** Gold spans missed. */
  fn: number;
  support: number;
  precision: number;
  recall: number;
  f1: number;
};

/** Recall per source label (precision needs a predicted label, which has no source form). */
export type SourceLabelRecall = { label: string; support: number; found: number; recall: number };

export type EvaluationResult = {
  docs: number;
  perLabel: LabelScore[];
  micro: LabelScore;
  perSourceLabel: SourceLabelRecall[];
  /** Characters of required gold spans covered by any prediction, whatever its type. */
  charRecall: number;
  /** Predicted characters that fall inside some gold span. */
  charPrecision: number;
  /** Gold spans whose label is not mapped (ignored), by label. */
  unmapped: Record<string, number>;
};

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}

function score(label: string, tp: number, fp: number, fn: number, predTp: number): LabelScore {
  const precision = ratio(predTp, predTp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { label, tp, fp, fn, support: tp + fn, precision, recall, f1 };
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Scores predictions against gold documents (pairs in the same order). */
export function evaluate(pairs: readonly { gold: GoldDoc; predicted: readonly Detection[] }[]): EvaluationResult {
  type Acc = { tp: number; fp: number; fn: number; predTp: number };
  const acc = new Map<string, Acc>();
  const get = (label: string): Acc => {
    let a = acc.get(label);
    if (a === undefined) {
      a = { tp: 0, fp: 0, fn: 0, predTp: 0 };
      acc.set(label, a);
    }
    return a;
  };
  const bySource = new Map<string, { support: number; found: number }>();
  const unmapped: Record<string, number> = {};
  let goldChars = 0;
  let goldCovered = 0;
  let predChars = 0;
  let predInside = 0;
  for (const { gold, predicted } of pairs) {
    const mapped: { span: GoldSpan; label: string | null }[] = gold.spans.map((span) => {
      const t = mapSourceLabel(span.label);
      if (t === undefined) unmapped[span.label] = (unmapped[span.label] ?? 0) + 1;
      return { span, label: t === null || t === undefined ? null : evalLabel(t) };
    });
    for (const { span, label } of mapped) {
      if (label === null || span.optional === true) continue;
      const hit = predicted.some((p) => overlaps(p, span) && evalLabel(p.type) === label);
      const a = get(label);
      if (hit) a.tp++;
      else a.fn++;
      const s = bySource.get(span.label) ?? { support: 0, found: 0 };
      s.support++;
      if (hit) s.found++;
      bySource.set(span.label, s);
    }
    for (const p of predicted) {
      const label = evalLabel(p.type);
      const sameLabel = mapped.filter((m) => overlaps(p, m.span) && m.label === label);
      if (sameLabel.some((m) => m.span.optional !== true)) {
        get(label).predTp++;
      } else if (sameLabel.length > 0 || mapped.some((m) => m.label === null && overlaps(p, m.span))) {
        // Matches only optional or unscored spans: neither right nor wrong.
      } else {
        get(label).fp++;
      }
    }
    // Character level, over a per-document coverage map.
    const n = gold.text.length;
    const isGold = new Uint8Array(n);
    const isRequired = new Uint8Array(n);
    const isPred = new Uint8Array(n);
    for (const { span, label } of mapped) {
      if (label === null) continue;
      for (let i = Math.max(0, span.start); i < Math.min(n, span.end); i++) {
        isGold[i] = 1;
        if (span.optional !== true) isRequired[i] = 1;
      }
    }
    for (const p of predicted) for (let i = Math.max(0, p.start); i < Math.min(n, p.end); i++) isPred[i] = 1;
    for (let i = 0; i < n; i++) {
      if (isRequired[i] === 1) {
        goldChars++;
        if (isPred[i] === 1) goldCovered++;
      }
      if (isPred[i] === 1) {
        predChars++;
        if (isGold[i] === 1) predInside++;
      }
    }
  }
  const perLabel = [...acc.entries()]
    .map(([label, a]) => score(label, a.tp, a.fp, a.fn, a.predTp))
    .sort((x, y) => x.label.localeCompare(y.label));
  const sum = (f: (a: Acc) => number) => [...acc.values()].reduce((s, a) => s + f(a), 0);
  const micro = score(
    'micro',
    sum((a) => a.tp),
    sum((a) => a.fp),
    sum((a) => a.fn),
    sum((a) => a.predTp),
  );
  const perSourceLabel = [...bySource.entries()]
    .map(([label, s]) => ({ label, support: s.support, found: s.found, recall: ratio(s.found, s.support) }))
    .sort((x, y) => x.label.localeCompare(y.label));
  return {
    docs: pairs.length,
    perLabel,
    micro,
    perSourceLabel,
    charRecall: ratio(goldCovered, goldChars),
    charPrecision: ratio(predInside, predChars),
    unmapped,
  };
}

const presidioResearchSchema = z.array(
  z
    .object({
      full_text: z.string(),
      spans: z.array(
        z
          .object({
            entity_type: z.string(),
            start_position: z.number().int().nonnegative(),
            end_position: z.number().int().nonnegative(),
          })
          .loose(),
      ),
    })
    .loose(),
);

const spansDocSchema = z
  .object({
    id: z.string().optional(),
    text: z.string(),
    spans: z.array(
      z
        .object({
          start: z.number().int().nonnegative(),
          end: z.number().int().nonnegative(),
          entity_type: z.string(),
          optional: z.boolean().optional(),
        })
        .loose(),
    ),
  })
  .loose();

function parseJson(content: string, what: string): unknown {
  try {
    return JSON.parse(content) as unknown;
  } catch (error) {
    throw new AppError('invalid_input', `The ${what} file is not valid JSON: ${(error as Error).message}`);
  }
}

function failure(what: string, error: z.ZodError): AppError {
  const first = error.issues[0];
  const where = first !== undefined ? ` at ${first.path.join('.') || '(root)'}: ${first.message}` : '';
  return new AppError('invalid_input', `The ${what} file does not have the expected shape${where}.`);
}

function checkSpans(docs: GoldDoc[], what: string): GoldDoc[] {
  docs.forEach((d, i) => {
    for (const s of d.spans) {
      if (s.end < s.start || s.end > d.text.length) {
        throw new AppError('invalid_input', `The ${what} file has a span outside its text in document ${i + 1}.`, {
          start: s.start,
          end: s.end,
        });
      }
    }
  });
  return docs;
}

/** presidio-research JSON: `[{full_text, spans: [{entity_type, start_position, end_position}]}]`. */
export function parsePresidioResearch(content: string): GoldDoc[] {
  const parsed = presidioResearchSchema.safeParse(parseJson(content, 'presidio-research'));
  if (!parsed.success) throw failure('presidio-research', parsed.error);
  return checkSpans(
    parsed.data.map((d, i) => ({
      id: String(i + 1),
      text: d.full_text,
      spans: d.spans.map((s) => ({ start: s.start_position, end: s.end_position, label: s.entity_type })),
    })),
    'presidio-research',
  );
}

/** `spans` format: a JSON array or JSON lines of `{text, spans: [{start, end, entity_type}]}`. */
export function parseSpansFormat(content: string): GoldDoc[] {
  const trimmed = content.trim();
  const raw: unknown[] = trimmed.startsWith('[')
    ? (() => {
        const v = parseJson(trimmed, 'spans');
        if (!Array.isArray(v)) throw new AppError('invalid_input', 'The spans file must hold an array of documents.');
        return v as unknown[];
      })()
    : trimmed
        .split('\n')
        .filter((l) => l.trim().length > 0)
        .map((l, i) => parseJson(l, `spans (line ${i + 1})`));
  const docs = raw.map((d) => {
    const parsed = spansDocSchema.safeParse(d);
    if (!parsed.success) throw failure('spans', parsed.error);
    return {
      ...(parsed.data.id !== undefined ? { id: parsed.data.id } : {}),
      text: parsed.data.text,
      spans: parsed.data.spans.map((s) => ({
        start: s.start,
        end: s.end,
        label: s.entity_type,
        ...(s.optional !== undefined ? { optional: s.optional } : {}),
      })),
    };
  });
  return checkSpans(docs, 'spans');
}

const recognizerCaseSchema = z.array(
  z
    .object({
      source: z.string(),
      test: z.string(),
      text: z.string(),
      expected_count: z.number().int(),
      spans: z.array(z.object({ entity_type: z.string(), start: z.number().int(), end: z.number().int() }).loose()),
      entities_requested: z.array(z.string()).nullable(),
      extra: z.record(z.string(), z.unknown()),
      model_dependent: z.boolean(),
    })
    .loose(),
);

/** One of Presidio's recognizer test cases, ready to score. */
export type RecognizerCase = {
  doc: GoldDoc;
  /** Our types to request, mirroring the upstream test's `entities=[…]`. */
  entities: EntityType[];
  /** The Presidio label the case tests. */
  label: string;
  isNegative: boolean;
};

/**
 * The lowest score upstream accepts for span `i` of a case (from `expected_score`,
 * `expected_score_ranges`, `score`…), or undefined when it states none.
 */
function upstreamFloor(extra: Record<string, unknown>, i: number): number | undefined {
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const ranges = extra.expected_score_ranges;
  if (Array.isArray(ranges) && ranges.length > 0) {
    const r = (ranges[Math.min(i, ranges.length - 1)] ?? []) as unknown[];
    return num(r[0]);
  }
  const single = num(extra.expected_score) ?? num(extra.score);
  if (single !== undefined) return single;
  const scores = extra.expected_scores;
  if (Array.isArray(scores) && scores.length > 0) return num(scores[Math.min(i, scores.length - 1)]);
  return undefined;
}

/** Below this upstream floor a span is a "weak" match that a stricter detector may skip. */
export const WEAK_SCORE_FLOOR = 0.3;

/**
 * Presidio's recognizer cases (`recognizer_test_cases.json`) as gold documents. Cases that
 * need an NER model are left out, and so are phone cases run with a non-default leniency;
 * spans upstream accepts below a score of 0.3 are optional.
 */
export function parsePresidioRecognizerCases(content: string): { cases: RecognizerCase[]; skipped: number } {
  const parsed = recognizerCaseSchema.safeParse(parseJson(content, 'recognizer cases'));
  if (!parsed.success) throw failure('recognizer cases', parsed.error);
  const cases: RecognizerCase[] = [];
  let skipped = 0;
  for (const c of parsed.data) {
    const leniency = c.extra.leniency;
    if (c.model_dependent || (typeof leniency === 'number' && leniency !== 1)) {
      skipped++;
      continue;
    }
    const labels = c.entities_requested ?? c.spans.map((s) => s.entity_type);
    const label = labels[0] ?? c.spans[0]?.entity_type ?? 'UNKNOWN';
    const mapped = mapSourceLabel(label);
    if (mapped === null || mapped === undefined) {
      skipped++;
      continue;
    }
    cases.push({
      doc: {
        id: `${c.source.split('/').pop() ?? c.source}:${c.test}`,
        text: c.text,
        spans: c.spans.map((s, i) => {
          const floor = upstreamFloor(c.extra, i);
          return {
            start: s.start,
            end: s.end,
            label: s.entity_type,
            ...(floor !== undefined && floor < WEAK_SCORE_FLOOR ? { optional: true } : {}),
          };
        }),
      },
      // Like the upstream test, ask for the one entity under test (a fax is a phone number).
      entities: mapped === 'PHONE' ? ['PHONE', 'FAX'] : [mapped],
      label,
      isNegative: c.expected_count === 0,
    });
  }
  return { cases, skipped };
}
