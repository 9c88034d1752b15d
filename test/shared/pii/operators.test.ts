import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '../../../electron/services/anonymise/hmac';
import { isAppError } from '../../../shared/errors';
import { DETECTOR_VERSIONS, detectAll } from '../../../shared/pii/detect';
import { parseDate, shiftDate } from '../../../shared/pii/date-shift';
import type { AnonymisationPolicy, AnonymisedText, OperatorContext } from '../../../shared/pii/operators';
import { applyOperators, snapToGraphemes } from '../../../shared/pii/operators';
import type { ReviewedDetection } from '../../../shared/pii/report';
import { anonymisationReportSchema, buildReport } from '../../../shared/pii/report';
import type { Detection, EntityType } from '../../../shared/pii/types';

const keyed: OperatorContext = { hmac: hmacSha256Hex, key: 'datanet-secret-for-tests', subject: 'patient-1' };

function span(text: string, needle: string, type: EntityType, from = 0): Detection {
  const start = text.indexOf(needle, from);
  if (start < 0) throw new Error(`"${needle}" not in text`);
  return { type, start, end: start + needle.length, text: needle, confidence: 1, reason: 'test', detector: 'test' };
}

function expectConsistent(original: string, out: AnonymisedText): void {
  // Every replacement sits where it says in the output, and the text between is untouched.
  let cursorIn = 0;
  let cursorOut = 0;
  for (const r of out.replacements) {
    expect(out.text.slice(r.outputStart, r.outputEnd)).toBe(r.replacement);
    expect(out.text.slice(cursorOut, r.outputStart)).toBe(original.slice(cursorIn, r.start));
    cursorIn = r.end;
    cursorOut = r.outputEnd;
  }
  expect(out.text.slice(cursorOut)).toBe(original.slice(cursorIn));
}

describe('placeholder', () => {
  it('numbers values per type, stable within the document', () => {
    const text = 'John Smith met Mary Jones; later john  smith called Mary Jones again.';
    const ds = [
      span(text, 'John Smith', 'PERSON'),
      span(text, 'Mary Jones', 'PERSON'),
      span(text, 'john  smith', 'PERSON'),
      span(text, 'Mary Jones', 'PERSON', 30),
    ];
    const out = applyOperators(text, ds);
    expect(out.text).toBe('[PERSON_1] met [PERSON_2]; later [PERSON_1] called [PERSON_2] again.');
    expectConsistent(text, out);
  });
});

describe('redact and mask', () => {
  it('redacts and masks, keeping separators and the last digits when asked', () => {
    const text = 'Card 4012-8888-8888-1881, SSN 078-05-1123.';
    const policy: AnonymisationPolicy = {
      default: { kind: 'redact' },
      byType: { CREDIT_CARD: { kind: 'mask', keepLast: 4 } },
    };
    const out = applyOperators(text, [span(text, '4012-8888-8888-1881', 'CREDIT_CARD'), span(text, '078-05-1123', 'SSN')], policy);
    expect(out.text).toBe('Card ****-****-****-1881, SSN [REDACTED].');
  });
});

describe('pseudonym', () => {
  it('maps the same value to the same substitute across documents, and differs with another key', () => {
    const a = 'Dr. Nielsen saw Anna Berg (MRN 00123456).';
    const b = 'Anna Berg returned; MRN 00123456 on file.';
    const policy: AnonymisationPolicy = { default: { kind: 'pseudonym' } };
    const outA = applyOperators(a, [span(a, 'Anna Berg', 'PERSON'), span(a, '00123456', 'MEDICAL_RECORD')], policy, keyed);
    const outB = applyOperators(b, [span(b, 'Anna Berg', 'PERSON'), span(b, '00123456', 'MEDICAL_RECORD')], policy, keyed);
    const nameA = outA.replacements[0]?.replacement;
    expect(nameA).toBe(outB.replacements[0]?.replacement);
    expect(nameA).not.toBe('Anna Berg');
    expect(nameA).toMatch(/^\p{Lu}\p{Ll}+ \p{Lu}\p{Ll}+$/u);
    const mrn = outA.replacements[1]?.replacement ?? '';
    expect(mrn).toMatch(/^\d{8}$/);
    expect(mrn).toBe(outB.replacements[1]?.replacement);
    const other = applyOperators(a, [span(a, '00123456', 'MEDICAL_RECORD')], policy, { ...keyed, key: 'another-datanet' });
    expect(other.replacements[0]?.replacement).not.toBe(mrn);
  });

  it('refuses to run without a key', () => {
    const text = 'Anna Berg';
    try {
      applyOperators(text, [span(text, 'Anna Berg', 'PERSON')], { default: { kind: 'pseudonym' } }, {});
      expect.fail('should have thrown');
    } catch (error) {
      expect(isAppError(error) && error.code === 'invalid_input').toBe(true);
    }
  });
});

describe('date shift', () => {
  it('moves every date of one subject by the same offset and keeps the format', () => {
    const text = 'Admitted 03/01/2021, discharged 03/15/2021; seen again on 5 March 2024 and 2024-06-05T09:15:30Z.';
    const ds = ['03/01/2021', '03/15/2021', '5 March 2024', '2024-06-05T09:15:30Z'].map((d) => span(text, d, 'DATE'));
    const out = applyOperators(text, ds, { default: { kind: 'date_shift' } }, keyed);
    const [a, b, c, d] = out.replacements.map((r) => r.replacement);
    expect(a).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(c).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}$/);
    expect(d).toMatch(/^\d{4}-\d{2}-\d{2}T09:15:30Z$/);
    const day = (s: string) => {
      const p = parseDate(s);
      return Date.UTC(p?.year ?? 0, (p?.month ?? 1) - 1, p?.day ?? 1) / 86_400_000;
    };
    // The fourteen days between admission and discharge survive.
    expect(day(b ?? '') - day(a ?? '')).toBe(14);
    expect(a).not.toBe('03/01/2021');
    // Another subject gets another offset.
    const other = applyOperators(text, ds, { default: { kind: 'date_shift' } }, { ...keyed, subject: 'patient-2' });
    expect(other.replacements[0]?.replacement).not.toBe(a);
  });

  it('writes shifted dates the way they were written', () => {
    expect(shiftDate('5-May-2021', 1)).toBe('6-May-2021');
    expect(shiftDate('May 1st, 1977', 30)).toBe('May 31st, 1977');
    expect(shiftDate('21.5.21', -21)).toBe('30.4.21');
    expect(shiftDate('31 DECEMBER 2020', 1)).toBe('1 JANUARY 2021');
    expect(shiftDate('1998-06-28 14:48:14', 4)).toBe('1998-07-02 14:48:14');
  });

  it('falls back to a placeholder for what it cannot read', () => {
    const text = 'Seen in spring.';
    const out = applyOperators(text, [span(text, 'spring', 'DATE')], { default: { kind: 'date_shift' } }, keyed);
    expect(out.text).toBe('Seen in [DATE_1].');
    expect(out.replacements[0]?.fallback).toBeDefined();
  });
});

describe('generalise', () => {
  it('turns ages into bands, ZIP codes into three digits and dates into years', () => {
    const text = 'Age 92, another 45; ZIP 02139 and 03601; born 12/03/1961.';
    const ds = [
      span(text, '92', 'AGE'),
      span(text, '45', 'AGE'),
      span(text, '02139', 'POSTCODE'),
      span(text, '03601', 'POSTCODE'),
      span(text, '12/03/1961', 'DATE'),
    ];
    const out = applyOperators(text, ds, { default: { kind: 'generalise' } });
    expect(out.text).toBe('Age 90+, another 40-49; ZIP 021 and 000; born 1961.');
  });
});

describe('offsets with emoji, combining characters and right-to-left text', () => {
  it('replaces exactly the detected spans', () => {
    const text = '👩‍⚕️ Dr. Jose\u0301 Nuñez 🇵🇹 · שלום 050-5555123 · المريض أحمد · Zoë 📞 +44 20 7946 0958';
    const ds = detectAll(text, { phoneRegions: ['IL', 'GB', 'US'] });
    const phones = ds.filter((d) => d.type === 'PHONE').map((d) => d.text);
    expect(phones).toEqual(['050-5555123', '+44 20 7946 0958']);
    const out = applyOperators(text, ds);
    expectConsistent(text, out);
    expect(out.text).toContain('שלום [PHONE_1]');
    expect(out.text.endsWith('📞 [PHONE_2]')).toBe(true);
    expect(out.text.startsWith('👩‍⚕️ Dr. ')).toBe(true);
  });

  it('never splits a surrogate pair or strands a combining accent', () => {
    const text = 'Jose\u0301😀x';
    // "Jose" without its combining acute accent, and half of the emoji.
    expect(snapToGraphemes(text, 0, 4)).toEqual([0, 5]);
    expect(snapToGraphemes(text, 5, 6)).toEqual([5, 7]);
    const out = applyOperators(text, [{ type: 'PERSON', start: 0, end: 4 }]);
    expect(out.text).toBe('[PERSON_1]😀x');
  });

  it('keeps offsets right for any text and any detections (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        // Random non-overlapping spans over the text.
        const points = [...new Set(cuts.map((c) => (text.length === 0 ? 0 : c % (text.length + 1))))].sort((a, b) => a - b);
        const ds: Detection[] = [];
        for (let i = 0; i + 1 < points.length; i += 2) {
          const start = points[i] ?? 0;
          const end = points[i + 1] ?? 0;
          if (end > start) ds.push({ type: 'OTHER_ID', start, end, text: text.slice(start, end), confidence: 1, reason: '', detector: '' });
        }
        let out: AnonymisedText;
        try {
          out = applyOperators(text, ds);
        } catch (error) {
          // Widening to whole characters may make two random spans touch; that is reported.
          expect(isAppError(error) && error.code === 'invalid_input').toBe(true);
          return;
        }
        expectConsistent(text, out);
      }),
      { numRuns: 300 },
    );
  });
});

describe('bad input', () => {
  it.each([
    [
      'overlapping spans',
      [
        { type: 'PERSON', start: 0, end: 4 },
        { type: 'PERSON', start: 2, end: 6 },
      ],
    ],
    ['a span past the end', [{ type: 'PERSON', start: 0, end: 99 }]],
    ['an empty span', [{ type: 'PERSON', start: 3, end: 3 }]],
    ['an unknown type', [{ type: 'SECRET', start: 0, end: 2 }]],
  ])('rejects %s with invalid_input', (_name, spans) => {
    try {
      applyOperators('abcdefgh', spans as Detection[]);
      expect.fail('should have thrown');
    } catch (error) {
      expect(isAppError(error) && error.code === 'invalid_input').toBe(true);
    }
  });

  it('rejects a bad policy with invalid_input', () => {
    try {
      applyOperators('abc', [], { default: { kind: 'shred' } } as unknown as AnonymisationPolicy);
      expect.fail('should have thrown');
    } catch (error) {
      expect(isAppError(error) && error.code === 'invalid_input').toBe(true);
    }
  });
});

describe('report', () => {
  it('counts types, decisions and operators without carrying the personal data', () => {
    const text = 'Patient John Carter, MRN 00123456, seen 03/01/2021 at Mercy Hospital.';
    const detected = detectAll(text);
    const reviewed: ReviewedDetection[] = detected.map((d) =>
      d.type === 'ORGANIZATION' ? { ...d, decision: 'rejected' } : { ...d, decision: 'accepted' },
    );
    reviewed.push({ ...span(text, 'Patient', 'OTHER_ID'), decision: 'added' });
    const policy: AnonymisationPolicy = { default: { kind: 'placeholder' }, byType: { DATE: { kind: 'date_shift' } } };
    const applied = reviewed.filter((d) => d.decision !== 'rejected');
    const out = applyOperators(text, applied, policy, keyed);
    const report = buildReport({
      inputText: text,
      outputText: out.text,
      reviewed,
      replacements: out.replacements,
      policy,
      detectorVersions: DETECTOR_VERSIONS,
      minConfidence: 0.3,
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    expect(anonymisationReportSchema.parse(report)).toEqual(report);
    expect(report.counts.PERSON).toMatchObject({ detected: 1, accepted: 1, replaced: 1 });
    expect(report.counts.ORGANIZATION).toMatchObject({ detected: 1, rejected: 1, replaced: 0 });
    expect(report.decisions).toEqual({ accepted: 3, rejected: 1, added: 1, retyped: 0 });
    expect(report.operators.DATE).toBe('date_shift');
    expect(report.leftIn).toEqual([{ type: 'ORGANIZATION', count: 1, reason: 'rejected by the reviewer as not personal data' }]);
    expect(report.detectors.names).toBeDefined();
    const json = JSON.stringify(report);
    for (const secret of ['John', 'Carter', '00123456', '03/01/2021', 'Mercy']) expect(json).not.toContain(secret);
  });
});
