import type { ContextIndex } from '../context';
import type { Candidate, EntityType } from '../types';
import type { IdRule } from './id-runs';

/**
 * Identifiers that have no checksum and no national format: medical record, account, member,
 * policy, licence, certificate, serial and case numbers. They are recognised by the label in
 * front of them ("MRN:", "Policy No.", "Account #"), which the shared context index has
 * already found, so this costs one short sticky match per label.
 */

/** Label phrases and the type of the number that follows them. */
export const RECORD_LABELS: Readonly<Record<string, EntityType>> = {
  mrn: 'MEDICAL_RECORD',
  'medical record': 'MEDICAL_RECORD',
  'medical record number': 'MEDICAL_RECORD',
  'med rec': 'MEDICAL_RECORD',
  'record number': 'MEDICAL_RECORD',
  'record no': 'MEDICAL_RECORD',
  chart: 'MEDICAL_RECORD',
  'chart number': 'MEDICAL_RECORD',
  'patient id': 'MEDICAL_RECORD',
  'patient number': 'MEDICAL_RECORD',
  'patient no': 'MEDICAL_RECORD',
  'hospital number': 'MEDICAL_RECORD',
  'hospital no': 'MEDICAL_RECORD',
  'unit number': 'MEDICAL_RECORD',
  'encounter number': 'MEDICAL_RECORD',
  'visit number': 'MEDICAL_RECORD',
  'accession number': 'MEDICAL_RECORD',
  'specimen number': 'MEDICAL_RECORD',
  account: 'ACCOUNT',
  'account number': 'ACCOUNT',
  'account no': 'ACCOUNT',
  acct: 'ACCOUNT',
  'acct no': 'ACCOUNT',
  'billing number': 'ACCOUNT',
  'member id': 'HEALTH_PLAN',
  'member number': 'HEALTH_PLAN',
  'subscriber id': 'HEALTH_PLAN',
  'policy number': 'HEALTH_PLAN',
  'policy no': 'HEALTH_PLAN',
  policy: 'HEALTH_PLAN',
  'group number': 'HEALTH_PLAN',
  'insurance id': 'HEALTH_PLAN',
  'insurance number': 'HEALTH_PLAN',
  'health plan': 'HEALTH_PLAN',
  'plan id': 'HEALTH_PLAN',
  'beneficiary number': 'HEALTH_PLAN',
  medicaid: 'HEALTH_PLAN',
  license: 'LICENSE',
  licence: 'LICENSE',
  'license number': 'LICENSE',
  'licence number': 'LICENSE',
  'license no': 'LICENSE',
  'licence no': 'LICENSE',
  certificate: 'LICENSE',
  'certificate number': 'LICENSE',
  'certificate no': 'LICENSE',
  'cert no': 'LICENSE',
  'registration number': 'LICENSE',
  permit: 'LICENSE',
  'serial number': 'DEVICE_ID',
  'serial no': 'DEVICE_ID',
  's/n': 'DEVICE_ID',
  'device id': 'DEVICE_ID',
  imei: 'DEVICE_ID',
  udi: 'DEVICE_ID',
  vin: 'VEHICLE_ID',
  'vehicle identification number': 'VEHICLE_ID',
  'plate number': 'VEHICLE_ID',
  'case number': 'OTHER_ID',
  'case no': 'OTHER_ID',
  'claim number': 'OTHER_ID',
  'claim no': 'OTHER_ID',
  'reference number': 'OTHER_ID',
  'ref no': 'OTHER_ID',
  'file number': 'OTHER_ID',
  docket: 'OTHER_ID',
  'docket number': 'OTHER_ID',
  'employee id': 'OTHER_ID',
  'student id': 'OTHER_ID',
  'id number': 'OTHER_ID',
  'id no': 'OTHER_ID',
  identifier: 'OTHER_ID',
  id: 'OTHER_ID',
};

// After the label: an optional "number/no./#", punctuation, then one token with a digit.
const AFTER_LABEL =
  /\.?(?:\s*(?:number|num\.?|no\.?|nr\.?|#|id))?\s*(?:[:#=]|is|was)?\s*#?\s*([A-Za-z]{0,4}-?[0-9][A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+){0,4})/iy;

/** Numbers right after a record label. */
export function detectRecordNumbers(text: string, context: ContextIndex, emit: (c: Candidate) => void): void {
  for (let i = 0; i < context.phrases.length; i++) {
    const phrase = context.phrases[i] ?? '';
    const type = RECORD_LABELS[phrase];
    if (type === undefined) continue;
    const labelEnd = context.ends[i] ?? 0;
    AFTER_LABEL.lastIndex = labelEnd;
    const m = AFTER_LABEL.exec(text);
    if (m === null) continue;
    const token = (m[1] ?? '').replace(/[.-]+$/, '');
    const digits = token.replace(/\D/g, '').length;
    if (token.length < 4 || digits < 3) continue;
    const start = labelEnd + m[0].length - (m[1] ?? '').length;
    const end = start + token.length;
    // "account for 3 days" and "policy 2024/25" are prose, not identifiers.
    if (/^\d{4}$/.test(token) && type !== 'MEDICAL_RECORD') continue;
    emit({
      type,
      start,
      end,
      text: token,
      confidence: 0.7,
      reason: `number after the label "${phrase}"`,
      detector: 'record-number',
      specificity: 1,
    });
  }
}

/** Words that label record numbers; they join the shared context index. */
export const RECORD_LABEL_PHRASES: readonly string[] = Object.keys(RECORD_LABELS);

/**
 * Any long digit string that no scheme claimed: HIPAA §164.514(b)(2)(i)(R) lists "any other
 * unique identifying number", and seven or more digits in a note rarely mean anything else.
 */
export const genericNumberRule: IdRule = {
  detector: 'generic-number',
  type: 'OTHER_ID',
  minLength: 6,
  maxLength: 30,
  maxGroups: 1,
  minDigits: 6,
  specificity: 0,
  match(v) {
    if (v.digits < 6) return null;
    if (/^0+$/.test(v.compact)) return null;
    const standalone = !/[\p{L}\p{N}]/u.test(v.before) && !/[\p{L}\p{N}]/u.test(v.after);
    if (!standalone) return null;
    if (v.letters === 0) {
      return v.digits >= 7
        ? { confidence: 0.3, reason: `${v.digits}-digit number, a possible identifier` }
        : { confidence: 0.15, reason: 'six-digit number, a possible identifier' };
    }
    return { confidence: 0.3, reason: 'code of letters and at least six digits, a possible identifier' };
  },
};
