import { z } from 'zod';

/**
 * The kinds of personal data the detectors report. The set covers the HIPAA Safe Harbor list
 * (45 CFR 164.514(b)(2)(i)) wherever plain text can carry the identifier, plus the national and
 * financial identifiers Presidio recognises. Photographs and biometric records cannot be
 * carried by text, so they have no type; country-specific identifiers are grouped by purpose
 * (NATIONAL_ID, TAX_ID, PASSPORT, …) and the detector id names the scheme. README.md maps
 * Presidio's and presidio-research's labels onto these.
 */
export const ENTITY_TYPES = [
  'PERSON',
  'ORGANIZATION',
  'LOCATION',
  'ADDRESS',
  'POSTCODE',
  'DATE',
  'AGE',
  'PHONE',
  'FAX',
  'EMAIL',
  'URL',
  'IP_ADDRESS',
  'DEVICE_ID',
  'SSN',
  'NATIONAL_ID',
  'TAX_ID',
  'PASSPORT',
  'DRIVER_LICENSE',
  'LICENSE',
  'NPI',
  'MEDICAL_RECORD',
  'HEALTH_PLAN',
  'NHS',
  'ACCOUNT',
  'CREDIT_CARD',
  'IBAN',
  'VEHICLE_ID',
  'BUSINESS_ID',
  'OTHER_ID',
] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];

export const entityTypeSchema = z.enum(ENTITY_TYPES);

/** One span of personal data: UTF-16 offsets into the text, `end` exclusive. */
export type Detection = {
  id?: string;
  type: EntityType;
  start: number;
  end: number;
  text: string;
  /** 0..1; what the threshold control compares against. */
  confidence: number;
  /** Why the detector thinks so, in words a reviewer can check. */
  reason: string;
  /** Which detector (and scheme) produced it, e.g. `iban` or `national-id/kr-rrn`. */
  detector: string;
};

export const detectionSchema = z.object({
  id: z.string().optional(),
  type: entityTypeSchema,
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  text: z.string(),
  confidence: z.number().min(0).max(1),
  reason: z.string(),
  detector: z.string(),
});

/**
 * Detections below this confidence are not reported unless the caller lowers the threshold.
 * Pattern-only matches with no validation and no context words sit below it by design.
 */
export const DEFAULT_MIN_CONFIDENCE = 0.3;

/** Regions tried, in order, for phone numbers written without an international prefix. */
export const DEFAULT_PHONE_REGIONS = ['US', 'GB', 'DE', 'FR', 'IL', 'IN', 'CA', 'BR', 'AU', 'TR', 'PH', 'JP', 'CN'] as const;

export const detectOptionsSchema = z
  .object({
    /** Report only these types (the others are not even computed where that saves work). */
    entities: z.array(entityTypeSchema).optional(),
    minConfidence: z.number().min(0).max(1).optional(),
    /** ISO 3166 alpha-2 regions for phone numbers without a `+` prefix. */
    phoneRegions: z.array(z.string().regex(/^[A-Z]{2}$/)).optional(),
    /** Names, organisations, places and street addresses (lexicons and rules). */
    names: z.boolean().optional(),
  })
  .strict();

export type DetectOptions = z.infer<typeof detectOptionsSchema>;

/** A detection before overlaps are resolved; detectors return these. */
export type Candidate = Detection & {
  /** Tie-breaker when spans overlap: validated schemes beat bare patterns of equal confidence. */
  specificity: number;
};
