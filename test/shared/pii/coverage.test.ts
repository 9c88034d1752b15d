import { describe, expect, it } from 'vitest';
import { detectAll, DETECTOR_VERSIONS } from '../../../shared/pii/detect';
import { applyOperators, OPERATOR_KINDS } from '../../../shared/pii/operators';
import type { OperatorKind } from '../../../shared/pii/operators';
import type { EntityType } from '../../../shared/pii/types';
import { ENTITY_TYPES } from '../../../shared/pii/types';
import { hmacSha256Hex } from '../../../electron/services/anonymise/hmac';

/**
 * Every entity type has a positive example and every detector fires at least once, so that a
 * detector broken by a refactor cannot hide behind the others; negatives are near misses.
 */
const EXAMPLES: Record<EntityType, [text: string, value: string]> = {
  PERSON: ['Seen by Dr. Alice Carter today.', 'Alice Carter'],
  ORGANIZATION: ['She works at Acme Holdings Inc. in sales.', 'Acme Holdings Inc'],
  LOCATION: ['The patient lives in Springfield with her son.', 'Springfield'],
  ADDRESS: ['Lives at 42 Oak Street, apartment 3.', '42 Oak Street'],
  POSTCODE: ['Springfield, IL 62704', '62704'],
  DATE: ['admitted on 12/03/2021 with', '12/03/2021'],
  AGE: ['a 92-year-old woman', '92'],
  PHONE: ['call (415) 555-0132 tomorrow', '(415) 555-0132'],
  FAX: ['Fax: 001-420-335-7509x38548', '001-420-335-7509x38548'],
  EMAIL: ['write to jane.doe@clinic.example.com today', 'jane.doe@clinic.example.com'],
  URL: ['see https://www.example.org/path?q=1.', 'https://www.example.org/path?q=1'],
  IP_ADDRESS: ['from 192.168.0.1 via', '192.168.0.1'],
  DEVICE_ID: ['MAC 00:1A:2B:3C:4D:5E seen', '00:1A:2B:3C:4D:5E'],
  SSN: ['SSN 078-05-1123', '078-05-1123'],
  NATIONAL_ID: ['PESEL 44051401458', '44051401458'],
  TAX_ID: ['ITIN 911-70-1234', '911-70-1234'],
  PASSPORT: ['Reisepass C01234565 ausgestellt am 01.01.2020.', 'C01234565'],
  DRIVER_LICENSE: ['driving licence MORGA657054SM9IJ', 'MORGA657054SM9IJ'],
  LICENSE: ['DEA number BB1388568', 'BB1388568'],
  NPI: ['NPI 1234567893', '1234567893'],
  MEDICAL_RECORD: ['MRN: 00123456', '00123456'],
  HEALTH_PLAN: ['Medicare ID: 1EG4-TE5-MK73', '1EG4-TE5-MK73'],
  NHS: ['NHS number 401 023 2137', '401 023 2137'],
  ACCOUNT: ['account # 123-456-789', '123-456-789'],
  CREDIT_CARD: ['card 4012-8888-8888-1881 on file', '4012-8888-8888-1881'],
  IBAN: ['IBAN GB29 NWBK 6016 1331 9268 19 please', 'GB29 NWBK 6016 1331 9268 19'],
  VEHICLE_ID: ['my car reg is AB51 ABC', 'AB51 ABC'],
  BUSINESS_ID: ['ABN 51 824 753 556', '51 824 753 556'],
  OTHER_ID: ['Claim number: 77-AB-3321 was filed.', '77-AB-3321'],
};

describe('every entity type and detector', () => {
  it.each(ENTITY_TYPES.map((t) => [t, ...EXAMPLES[t]] as const))('%s is found in %j', (type, text, value) => {
    const ds = detectAll(text, { minConfidence: 0.3 });
    const hit = ds.find((d) => d.type === type && d.text.includes(value));
    expect(hit, JSON.stringify(ds)).toBeDefined();
    expect(text.slice(hit!.start, hit!.end)).toBe(hit!.text);
    expect(hit!.reason.length).toBeGreaterThan(0);
  });

  it('exercises every versioned detector', () => {
    const seen = new Set<string>();
    for (const [text] of Object.values(EXAMPLES)) for (const d of detectAll(text)) seen.add(d.detector.split('/')[0] as string);
    const versioned = Object.keys(DETECTOR_VERSIONS).filter((k) => k !== 'id-runs');
    expect(versioned.filter((k) => !seen.has(k))).toEqual([]);
  });

  it('does not report near misses: wrong check digits, wrong lengths, no context', () => {
    const negatives: [EntityType, string][] = [
      ['PASSPORT', 'Reisepass C01234566 ausgestellt'],
      ['OTHER_ID', 'Claim number: none yet'],
      ['NPI', 'NPI 1234567894'],
      ['NHS', 'NHS number 401 023 2138'],
      ['TAX_ID', 'ITIN 911-93-1234'],
      ['PERSON', 'The Patient Was Seen Today'],
      ['EMAIL', 'contact@localhost'],
      ['URL', 'e.g. and i.e. are abbreviations'],
      ['PHONE', 'dose 500 mg twice daily'],
      ['DATE', 'ratio 3/4 of the dose'],
    ];
    for (const [type, text] of negatives) {
      expect(
        detectAll(text).filter((d) => d.type === type),
        `${type} in ${text}`,
      ).toEqual([]);
    }
  });
});

describe('every operator', () => {
  const text = 'Ann Lee (ann@example.com) was born on 2021-03-14 and is 37; ZIP 02139.';
  const spans = [
    { type: 'PERSON' as const, value: 'Ann Lee' },
    { type: 'EMAIL' as const, value: 'ann@example.com' },
    { type: 'DATE' as const, value: '2021-03-14' },
    { type: 'AGE' as const, value: '37' },
    { type: 'POSTCODE' as const, value: '02139' },
  ].map((s) => ({ type: s.type, start: text.indexOf(s.value), end: text.indexOf(s.value) + s.value.length }));
  const ctx = { hmac: hmacSha256Hex, key: 'a'.repeat(64), subject: 'p1' };
  const expected: Record<OperatorKind, (out: string) => void> = {
    keep: (out) => expect(out).toBe(text),
    redact: (out) => expect(out).toBe('[REDACTED] ([REDACTED]) was born on [REDACTED] and is [REDACTED]; ZIP [REDACTED].'),
    mask: (out) => expect(out).toBe('*** *** (***@*******.***) was born on ****-**-** and is **; ZIP *****.'),
    placeholder: (out) => expect(out).toBe('[PERSON_1] ([EMAIL_1]) was born on [DATE_1] and is [AGE_1]; ZIP [POSTCODE_1].'),
    pseudonym: (out) => {
      expect(out).not.toContain('Ann Lee');
      expect(out).not.toContain('ann@example.com');
      expect(out).toMatch(/is 30-39; ZIP \d{5}\.$/);
    },
    date_shift: (out) => {
      expect(out).toMatch(/born on \d{4}-\d{2}-\d{2} /);
      expect(out).not.toContain('2021-03-14');
      expect(out).toContain('[PERSON_1]');
    },
    generalise: (out) => expect(out).toBe('[PERSON_1] ([EMAIL_1]) was born on 2021 and is 30-39; ZIP 021.'),
  };
  it.each(OPERATOR_KINDS.map((k) => [k]))('%s', (kind) => {
    const op = kind === 'mask' ? { kind: 'mask' as const } : ({ kind } as { kind: OperatorKind });
    const out = applyOperators(text, spans, { default: op as never }, ctx);
    expected[kind](out.text);
    for (const r of out.replacements) expect(out.text.slice(r.outputStart, r.outputEnd)).toBe(r.replacement);
  });
});
