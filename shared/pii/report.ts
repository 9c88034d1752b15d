import { z } from 'zod';
import type { AnonymisationPolicy, OperatorKind, Replacement } from './operators';
import { OPERATOR_KINDS, operatorFor } from './operators';
import type { Detection, EntityType } from './types';
import { ENTITY_TYPES, entityTypeSchema } from './types';

/**
 * The anonymisation report stored with an anonymised version: what was found, what the reviewer
 * decided, which operator replaced what, which detector versions ran, and what was left in and
 * why. It carries counts and types only, never the personal data itself, because its hash goes
 * into the submission manifest and the report may be shown to validators.
 */

export const REVIEW_DECISIONS = ['accepted', 'rejected', 'added'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** A detection after review: accepted or rejected as proposed, or added by the reviewer. */
export type ReviewedDetection = Detection & {
  decision: ReviewDecision;
  /** The type the detector proposed, when the reviewer changed it. */
  originalType?: EntityType;
};

const typeCountsSchema = z.object({
  detected: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  added: z.number().int().nonnegative(),
  retyped: z.number().int().nonnegative(),
  replaced: z.number().int().nonnegative(),
});

export const anonymisationReportSchema = z.object({
  version: z.literal(1),
  createdAt: z.string(),
  input: z.object({ characters: z.number().int().nonnegative() }),
  output: z.object({ characters: z.number().int().nonnegative() }),
  minConfidence: z.number().min(0).max(1),
  counts: z.partialRecord(entityTypeSchema, typeCountsSchema),
  decisions: z.object({
    accepted: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
    added: z.number().int().nonnegative(),
    retyped: z.number().int().nonnegative(),
  }),
  operators: z.partialRecord(entityTypeSchema, z.enum(OPERATOR_KINDS)),
  fallbacks: z.array(z.object({ type: entityTypeSchema, operator: z.enum(OPERATOR_KINDS), reason: z.string() })),
  leftIn: z.array(z.object({ type: entityTypeSchema, count: z.number().int().positive(), reason: z.string() })),
  detectors: z.record(z.string(), z.string()),
});

export type AnonymisationReport = z.infer<typeof anonymisationReportSchema>;
export type TypeCounts = z.infer<typeof typeCountsSchema>;

export type ReportInput = {
  inputText: string;
  outputText: string;
  reviewed: readonly ReviewedDetection[];
  replacements: readonly Replacement[];
  policy: AnonymisationPolicy;
  detectorVersions: Readonly<Record<string, string>>;
  minConfidence: number;
  /** ISO 8601; passed in so that the report is a pure function of its inputs. */
  createdAt: string;
};

/** Builds the report for one anonymised document. */
export function buildReport(input: ReportInput): AnonymisationReport {
  const counts: Partial<Record<EntityType, TypeCounts>> = {};
  const bump = (type: EntityType, field: keyof TypeCounts): void => {
    const c = (counts[type] ??= { detected: 0, accepted: 0, rejected: 0, added: 0, retyped: 0, replaced: 0 });
    c[field]++;
  };
  const decisions = { accepted: 0, rejected: 0, added: 0, retyped: 0 };
  for (const d of input.reviewed) {
    if (d.decision !== 'added') bump(d.originalType ?? d.type, 'detected');
    bump(d.type, d.decision);
    decisions[d.decision]++;
    if (d.originalType !== undefined && d.originalType !== d.type) {
      bump(d.type, 'retyped');
      decisions.retyped++;
    }
  }
  const operators: Partial<Record<EntityType, OperatorKind>> = {};
  const fallbacks: AnonymisationReport['fallbacks'] = [];
  const keptByType = new Map<EntityType, number>();
  for (const r of input.replacements) {
    if (r.operator === 'keep') keptByType.set(r.type, (keptByType.get(r.type) ?? 0) + 1);
    else bump(r.type, 'replaced');
    if (r.fallback !== undefined && !fallbacks.some((f) => f.type === r.type && f.reason === r.fallback)) {
      fallbacks.push({ type: r.type, operator: operatorFor(input.policy, r.type).kind, reason: r.fallback });
    }
  }
  for (const type of ENTITY_TYPES) {
    if (counts[type] !== undefined) operators[type] = operatorFor(input.policy, type).kind;
  }
  const leftIn: AnonymisationReport['leftIn'] = [];
  for (const type of ENTITY_TYPES) {
    const rejected = counts[type]?.rejected ?? 0;
    if (rejected > 0) leftIn.push({ type, count: rejected, reason: 'rejected by the reviewer as not personal data' });
    const kept = keptByType.get(type) ?? 0;
    if (kept > 0) leftIn.push({ type, count: kept, reason: 'the policy keeps this type' });
  }
  return {
    version: 1,
    createdAt: input.createdAt,
    input: { characters: input.inputText.length },
    output: { characters: input.outputText.length },
    minConfidence: input.minConfidence,
    counts,
    decisions,
    operators,
    fallbacks,
    leftIn,
    detectors: { ...input.detectorVersions },
  };
}
