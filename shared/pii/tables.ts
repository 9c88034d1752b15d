import { z } from 'zod';
import type { EntityType } from './types';
import { entityTypeSchema } from './types';

/**
 * Column policies for structured items (CSV, JSONL tables): what happens to each column when the
 * anonymised version is made, which columns are quasi-identifiers, and the k-anonymity check
 * over them. Pure: the service reads the table and stores the choices; this decides.
 */

/**
 * keep: as is; drop: the column goes; redact / mask / placeholder / pseudonym: the whole cell
 * is replaced by that operator; generalise: age to a band, ZIP to three digits, date to a year;
 * spans: only the personal data detected inside each cell is replaced (free-text columns), by
 * the Datanet's operators.
 */
export const COLUMN_ACTIONS = ['keep', 'drop', 'redact', 'mask', 'placeholder', 'pseudonym', 'generalise', 'spans'] as const;
export type ColumnAction = (typeof COLUMN_ACTIONS)[number];
export const columnActionSchema = z.enum(COLUMN_ACTIONS);

export const GENERALISATIONS = ['age_band', 'zip3', 'date_year'] as const;
export type Generalisation = (typeof GENERALISATIONS)[number];
export const generalisationSchema = z.enum(GENERALISATIONS);

export const columnPolicySchema = z
  .object({
    column: z.string(),
    action: columnActionSchema,
    /** Which generalisation `generalise` applies; null for the other actions. */
    generalisation: generalisationSchema.nullable(),
    /** Part of the k-anonymity check (after its action is applied). */
    isQuasiIdentifier: z.boolean(),
  })
  .strict();
export type ColumnPolicy = z.infer<typeof columnPolicySchema>;

/** A group of rows sharing the same quasi-identifier values (after generalisation). */
export const kGroupSchema = z.object({ values: z.record(z.string(), z.string()), size: z.number().int().positive() });
export type KGroup = z.infer<typeof kGroupSchema>;

export const kCheckSchema = z.object({
  k: z.number().int().positive(),
  quasiIdentifiers: z.array(z.string()),
  rowCount: z.number().int().nonnegative(),
  groupCount: z.number().int().nonnegative(),
  /** Size of the smallest group; null without quasi-identifiers or rows. */
  smallestGroup: z.number().int().nonnegative().nullable(),
  /** No group is smaller than k (always true without quasi-identifiers). */
  isSatisfied: z.boolean(),
  /** The groups smaller than k, smallest first (at most `MAX_REPORTED_GROUPS`). */
  violations: z.array(kGroupSchema),
  /** How many groups are smaller than k in all. */
  violationsTotal: z.number().int().nonnegative(),
  /** Rows in groups smaller than k. */
  rowsAtRisk: z.number().int().nonnegative(),
});
export type KCheck = z.infer<typeof kCheckSchema>;

/** Report stored with an anonymised table version: choices and counts, never cell values. */
export const tableReportSchema = z.object({
  version: z.literal(1),
  kind: z.literal('table'),
  createdAt: z.string(),
  input: z.object({ rows: z.number().int().nonnegative(), columns: z.number().int().nonnegative() }),
  output: z.object({ rows: z.number().int().nonnegative(), columns: z.number().int().nonnegative() }),
  columns: z.array(
    z.object({
      column: z.string(),
      action: columnActionSchema,
      generalisation: generalisationSchema.nullable(),
      isQuasiIdentifier: z.boolean(),
      /** Detections per type found in the column's scanned cells. */
      detected: z.partialRecord(entityTypeSchema, z.number().int().nonnegative()),
      /** Cells changed by the action. */
      changedCells: z.number().int().nonnegative(),
    }),
  ),
  kAnonymity: z.object({
    k: z.number().int().positive(),
    quasiIdentifiers: z.array(z.string()),
    smallestGroup: z.number().int().nonnegative().nullable(),
    groupCount: z.number().int().nonnegative(),
  }),
  /** Columns kept as they are although detections were found in them, and why. */
  leftIn: z.array(z.object({ column: z.string(), reason: z.string() })),
  detectors: z.record(z.string(), z.string()),
});
export type TableReport = z.infer<typeof tableReportSchema>;

export const MAX_REPORTED_GROUPS = 100;

/** Written where a generalisation cannot read the value: suppressed rather than left in. */
export const SUPPRESSED = '*';

/**
 * Age to a ten-year band ("30-39"), ages of 90 or more to "90+" (45 CFR 164.514(b)(2)(i)(C));
 * a value without an age in 0..150 is suppressed.
 */
export function ageBand(value: string): string {
  const m = /^\s*(\d{1,3})(?:[.,]\d+)?\s*(?:y(?:ears?|rs?|o)?\.?)?\s*$/i.exec(value);
  if (m === null) return value.trim() === '' ? '' : SUPPRESSED;
  const n = Number(m[1]);
  if (n > 150) return SUPPRESSED;
  if (n >= 90) return '90+';
  const low = Math.floor(n / 10) * 10;
  return `${low}-${low + 9}`;
}

// ZIP3 areas with 20,000 people or fewer (HHS, from the 2000 census): Safe Harbor writes 000.
const RESTRICTED_ZIP3: ReadonlySet<string> = new Set('036 059 063 102 203 556 692 790 821 823 830 831 878 879 884 890 893'.split(' '));

/** US ZIP to its first three digits (000 for sparsely populated areas); UK postcode to its outward code. */
export function zip3(value: string): string {
  const zip = /^\s*(\d{5})(?:-?\d{4})?\s*$/.exec(value);
  if (zip !== null) {
    const prefix = (zip[1] ?? '').slice(0, 3);
    return RESTRICTED_ZIP3.has(prefix) ? '000' : prefix;
  }
  const uk = /^\s*([A-Z]{1,2}\d[A-Z\d]?)\s*\d[A-Z]{2}\s*$/i.exec(value);
  if (uk !== null) return (uk[1] ?? '').toUpperCase();
  return value.trim() === '' ? '' : SUPPRESSED;
}

/** Applies one generalisation to a cell; `yearOf` is injected so that date parsing stays in one place. */
export function generaliseCell(kind: Generalisation, value: string, yearOf: (text: string) => string | undefined): string {
  switch (kind) {
    case 'age_band':
      return ageBand(value);
    case 'zip3':
      return zip3(value);
    case 'date_year':
      return value.trim() === '' ? '' : (yearOf(value) ?? SUPPRESSED);
  }
}

/**
 * k-anonymity over the quasi-identifier columns (Sweeney 2002): rows are grouped by their
 * values in those columns, and every group must hold at least k rows. `rows` are the values as
 * they will be exported (after drop and generalisation). Without quasi-identifiers the check
 * passes: there is nothing to link on that the reviewer has named.
 */
export function checkKAnonymity(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  quasiIdentifiers: readonly string[],
  k: number,
): KCheck {
  const indexes = quasiIdentifiers.map((q) => {
    const i = columns.indexOf(q);
    if (i < 0) throw new Error(`checkKAnonymity: no column "${q}"`);
    return i;
  });
  if (indexes.length === 0 || rows.length === 0) {
    return {
      k,
      quasiIdentifiers: [...quasiIdentifiers],
      rowCount: rows.length,
      groupCount: 0,
      smallestGroup: null,
      isSatisfied: true,
      violations: [],
      violationsTotal: 0,
      rowsAtRisk: 0,
    };
  }
  const groups = new Map<string, { first: readonly string[]; size: number }>();
  for (const row of rows) {
    // U+0000 cannot occur in imported text cells, so the joined key is unambiguous.
    const key = indexes.map((i) => row[i] ?? '').join('\u0000');
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { first: row, size: 1 });
    else g.size++;
  }
  let smallest = Number.POSITIVE_INFINITY;
  const small: { first: readonly string[]; size: number }[] = [];
  let rowsAtRisk = 0;
  for (const g of groups.values()) {
    smallest = Math.min(smallest, g.size);
    if (g.size < k) {
      small.push(g);
      rowsAtRisk += g.size;
    }
  }
  small.sort((a, b) => a.size - b.size);
  return {
    k,
    quasiIdentifiers: [...quasiIdentifiers],
    rowCount: rows.length,
    groupCount: groups.size,
    smallestGroup: smallest,
    isSatisfied: small.length === 0,
    violations: small.slice(0, MAX_REPORTED_GROUPS).map((g) => ({
      values: Object.fromEntries(quasiIdentifiers.map((q, j) => [q, g.first[indexes[j] as number] ?? ''])),
      size: g.size,
    })),
    violationsTotal: small.length,
    rowsAtRisk,
  };
}

const AGE_HEADER = /^(?:age|age[_ ]?(?:years|yrs|at[_ ].*))$/i;
const ZIP_HEADER = /(?:^|[_ ])(?:zip|zipcode|zip[_ ]code|postcode|postal[_ ]code|post[_ ]code)$/i;
const DATE_HEADER =
  /(?:^|[_ ])(?:dob|date|birth[_ ]?date|date[_ ]of[_ ]birth|admission|discharge|admitted|discharged|died|death)(?:$|[_ ])/i;
const QUASI_HEADER = /^(?:sex|gender|race|ethnicity|marital[_ ]status|occupation)$/i;

export type ColumnStats = { column: string; types: { type: EntityType; count: number }[]; detectedCells: number; sampleCount: number };

/**
 * A starting policy for a column from its header and what the detectors found in its cells:
 * ages, ZIP codes and dates are generalised and marked quasi-identifiers (the classic linking
 * triple of Sweeney's study); a column where most cells are one identifier type is replaced by
 * placeholders; free text with scattered detections gets span replacement; the rest is kept.
 */
export function suggestColumnPolicy(stats: ColumnStats): ColumnPolicy {
  const name = stats.column.trim();
  const top = stats.types[0];
  const share = stats.sampleCount === 0 ? 0 : stats.detectedCells / stats.sampleCount;
  const policy = (action: ColumnAction, generalisation: Generalisation | null, isQuasiIdentifier: boolean): ColumnPolicy => ({
    column: stats.column,
    action,
    generalisation,
    isQuasiIdentifier,
  });
  if (AGE_HEADER.test(name) || (top?.type === 'AGE' && share >= 0.5)) return policy('generalise', 'age_band', true);
  if (ZIP_HEADER.test(name) || (top?.type === 'POSTCODE' && share >= 0.5)) return policy('generalise', 'zip3', true);
  if (DATE_HEADER.test(name) || (top?.type === 'DATE' && share >= 0.5)) return policy('generalise', 'date_year', true);
  if (QUASI_HEADER.test(name)) return policy('keep', null, true);
  // A column whose header names a direct identifier is replaced whatever the sample showed.
  if (typeFromHeader(name) !== undefined) return policy('placeholder', null, false);
  if (top !== undefined && share >= 0.5) return policy('placeholder', null, false);
  if (top !== undefined) return policy('spans', null, false);
  return policy('keep', null, false);
}

const HEADER_TYPES: readonly [RegExp, EntityType][] = [
  [/^(?:(?:full|first|last|given|family|patient|client|contact)[_ ]?name|name|surname|forename)$/i, 'PERSON'],
  [/e-?mail/i, 'EMAIL'],
  [/phone|mobile|tel(?:ephone)?$/i, 'PHONE'],
  [/fax/i, 'FAX'],
  [/address|street/i, 'ADDRESS'],
  [/^(?:city|town|county|state|country|place[_ ]of[_ ]birth)$/i, 'LOCATION'],
  [ZIP_HEADER, 'POSTCODE'],
  [AGE_HEADER, 'AGE'],
  [DATE_HEADER, 'DATE'],
  [/^(?:ssn|social[_ ]security(?:[_ ]number)?)$/i, 'SSN'],
  [/^(?:mrn|medical[_ ]record(?:[_ ]number)?)$/i, 'MEDICAL_RECORD'],
  [/^(?:ip|ip[_ ]address)$/i, 'IP_ADDRESS'],
  [/^(?:url|website)$/i, 'URL'],
];

/** The entity type a column's header names, if any (a "name" column holds people's names). */
export function typeFromHeader(column: string): EntityType | undefined {
  const name = column.trim();
  return HEADER_TYPES.find(([re]) => re.test(name))?.[1];
}
