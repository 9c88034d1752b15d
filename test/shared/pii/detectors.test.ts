import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors';
import { detectAll } from '../../../shared/pii/detect';
import type { EntityType } from '../../../shared/pii/types';

/** The detections of `type` in `text`, as their texts. */
function found(text: string, type: EntityType, minConfidence?: number): string[] {
  return detectAll(text, { entities: [type], ...(minConfidence !== undefined ? { minConfidence } : {}) }).map((d) => d.text);
}

describe('structured identifiers: valid ones are found', () => {
  const positives: [EntityType, string, string][] = [
    ['EMAIL', 'write to jane.doe+notes@clinic.example.com today', 'jane.doe+notes@clinic.example.com'],
    ['EMAIL', 'punycode a@xn--d1acufc.xn--p1ai works', 'a@xn--d1acufc.xn--p1ai'],
    ['URL', 'see https://www.example.org/path?q=1.', 'https://www.example.org/path?q=1'],
    ['URL', 'visit microsoft.com for details', 'microsoft.com'],
    ['PHONE', 'call (415) 555-0132 tomorrow', '(415) 555-0132'],
    ['PHONE', 'mobile +44 20 7946 0958', '+44 20 7946 0958'],
    ['PHONE', 'My Israeli number is 09-7625400', '09-7625400'],
    ['FAX', 'Fax: 001-420-335-7509x38548', '001-420-335-7509x38548'],
    ['CREDIT_CARD', 'card 4012-8888-8888-1881 on file', '4012-8888-8888-1881'],
    ['CREDIT_CARD', 'amex 371449635398431', '371449635398431'],
    ['IBAN', 'IBAN GB29 NWBK 6016 1331 9268 19 please', 'GB29 NWBK 6016 1331 9268 19'],
    ['IBAN', 'QA58 DOHB 0000 1234 5678 90AB CDEF G', 'QA58 DOHB 0000 1234 5678 90AB CDEF G'],
    ['SSN', 'SSN 078-05-1123', '078-05-1123'],
    ['SSN', 'my social security number is 532051234', '532051234'],
    ['NHS', 'NHS number 401 023 2137', '401 023 2137'],
    ['IP_ADDRESS', 'from 192.168.0.1 via', '192.168.0.1'],
    ['IP_ADDRESS', 'host 2001:db8::8a2e:370:7334 up', '2001:db8::8a2e:370:7334'],
    ['IP_ADDRESS', 'mapped ::ffff:10.0.0.1 ok', '::ffff:10.0.0.1'],
    ['DEVICE_ID', 'MAC 00:1A:2B:3C:4D:5E seen', '00:1A:2B:3C:4D:5E'],
    ['DATE', 'admitted on 12/03/2021 with', '12/03/2021'],
    ['DATE', 'born 29 March 2017, in', '29 March 2017'],
    ['DATE', 'on May 1st, 1977 she', 'May 1st, 1977'],
    ['DATE', 'at 2024-03-15T14:30:00Z exactly', '2024-03-15T14:30:00Z'],
    ['AGE', 'a 92-year-old woman', '92'],
    ['POSTCODE', 'Springfield, IL 62704', '62704'],
    ['POSTCODE', 'postcode SW1A 1AA', 'SW1A 1AA'],
    ['MEDICAL_RECORD', 'MRN: 00123456', '00123456'],
    ['ACCOUNT', 'account # 123-456-789', '123-456-789'],
    ['HEALTH_PLAN', 'Medicare ID: 1EG4-TE5-MK73', '1EG4-TE5-MK73'],
    ['NPI', 'NPI 1234567893', '1234567893'],
    ['LICENSE', 'DEA number BB1388568', 'BB1388568'],
    ['DRIVER_LICENSE', 'driving licence MORGA657054SM9IJ', 'MORGA657054SM9IJ'],
    ['TAX_ID', 'ITIN 911-70-1234', '911-70-1234'],
    ['NATIONAL_ID', 'henkilötunnus 131052-308T', '131052-308T'],
    ['NATIONAL_ID', 'PESEL 44051401458', '44051401458'],
    ['NATIONAL_ID', 'DNI 55555555-K', '55555555-K'],
    ['BUSINESS_ID', 'ABN 51 824 753 556', '51 824 753 556'],
    ['VEHICLE_ID', 'my car reg is AB51 ABC', 'AB51 ABC'],
    ['ACCOUNT', 'wallet 16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ', '16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ'],
  ];
  it.each(positives)('%s in %j', (type, text, expected) => {
    expect(found(text, type)).toContain(expected);
  });
});

describe('structured identifiers: invalid checksums and near misses are not reported', () => {
  const negatives: [EntityType, string][] = [
    ['CREDIT_CARD', 'card 4012-8888-8888-1882'],
    ['CREDIT_CARD', '1748503543012'],
    ['IBAN', 'GB29 NWBK 6016 1331 9268 10'],
    ['IBAN', 'AL47/2121/1009/0000/0002/3569/8741'],
    ['IBAN', 'G T82 TRAJ 0102 0000 0012 1002 9690'],
    ['SSN', '000-12-3456'],
    ['SSN', '666-12-3456'],
    ['SSN', '078-05-1120'],
    ['SSN', '123-00-4567'],
    ['SSN', '693-09.4444'],
    ['NHS', '401-023-2138'],
    ['IP_ADDRESS', '256.256.256.256'],
    ['IP_ADDRESS', 'Version 1.2.3'],
    ['IP_ADDRESS', 'std::cout'],
    ['IP_ADDRESS', 'Time 12:34:56'],
    ['IP_ADDRESS', '2001::db8::1'],
    ['DEVICE_ID', 'Broadcast: FF:FF:FF:FF:FF:FF'],
    ['EMAIL', 'my email is info@presidio.'],
    ['URL', 'www.microsoft'],
    ['DATE', 'BP 120/80'],
    ['DATE', 'Today is5/21'],
    ['AGE', 'a 45-year-old man'],
    ['NATIONAL_ID', '311190-1111'],
    ['NATIONAL_ID', '11110021111'],
    ['NATIONAL_ID', '12345678a'],
    ['NATIONAL_ID', 'UV 98 76 54 B'],
    ['NPI', '1234567890'],
    ['HEALTH_PLAN', '1SG4-TE5-MK73'],
    ['BUSINESS_ID', '52 824 753 556'],
    ['VEHICLE_ID', 'AB00 ABC'],
    ['ACCOUNT', '16Yeky6GMjeNkAiNcBY7ZhrLoMSgg1BoyZ2'],
    ['POSTCODE', 'QA1 1AA'],
  ];
  it.each(negatives)('%s in %j', (type, text) => {
    expect(found(text, type)).toEqual([]);
  });
});

describe('context words', () => {
  it('raise a bare number above the threshold only when they are present', () => {
    expect(found('078051121', 'SSN')).toEqual([]);
    expect(found('my social security number is 078051121', 'SSN')).toEqual(['078051121']);
    const bare = detectAll('876 543 210', { entities: ['TAX_ID'] })[0];
    const withContext = detectAll('tax file number 876 543 210', { entities: ['TAX_ID'] })[0];
    expect(withContext?.confidence ?? 0).toBeGreaterThan(bare?.confidence ?? 1);
    expect(withContext?.reason).toContain('tax file number');
  });

  it('turn a phone number into a fax number', () => {
    expect(detectAll('Fax: (212) 555-1234').map((d) => d.type)).toEqual(['FAX']);
  });
});

describe('names, organisations, places and addresses', () => {
  const cases: [EntityType, string, string][] = [
    ['PERSON', 'Patient seen by Dr. Nielsen today.', 'Nielsen'],
    ['PERSON', 'Follow up with Colleen Wiley in 2 months.', 'Colleen Wiley'],
    ['PERSON', "It's under my partner's name Brian Andersson", 'Brian Andersson'],
    ['PERSON', 'The plaintiff, Mr. Okafor, appeared with counsel.', 'Okafor'],
    ['PERSON', 'billing address: tracy sukhorukova', 'tracy sukhorukova'],
    ['PERSON', 'Jakobine, can I please speak to your boss?', 'Jakobine'],
    ['ORGANIZATION', 'She works at Tableau Software in Seattle.', 'Tableau Software'],
    ['LOCATION', 'He grew up in Monroe.', 'Monroe'],
    ['LOCATION', 'We moved here from Küsnacht', 'Küsnacht'],
    ['LOCATION', 'The Princess Royal arrived from Niger.', 'Niger'],
    ['ADDRESS', 'The restaurant is at 19 1755 Nelson Mandela Drive', '19 1755 Nelson Mandela Drive'],
    ['ADDRESS', 'Filip lives on Nassaustraat 123 street.', 'Nassaustraat 123'],
    [
      'ADDRESS',
      'How do I change my address to 16 48 rue Descartes, Monte Gil, Canada for post mail?',
      '16 48 rue Descartes, Monte Gil, Canada',
    ],
  ];
  it.each(cases)('%s in %j', (type, text, expected) => {
    expect(
      detectAll(text)
        .filter((d) => d.type === type)
        .map((d) => d.text),
    ).toContain(expected);
  });

  it('takes in the lines of a postal block', () => {
    const text = 'Michael Urner\n\n11 Školní 939\n Apt. 827\n Kaplice 1\n\n Iceland 80392';
    const address = detectAll(text).find((d) => d.type === 'ADDRESS');
    expect(address?.text).toBe('11 Školní 939\n Apt. 827\n Kaplice 1\n\n Iceland 80392');
  });

  it('leaves capitalised everyday words and headings alone', () => {
    const text = 'Capitalized words like Wisdom and Discipline are often mistaken with names.\nHISTORY OF PRESENT ILLNESS: Denies fever.';
    expect(detectAll(text)).toEqual([]);
  });
});

describe('detectAll', () => {
  it('returns non-overlapping detections sorted by position, with offsets that match the text', () => {
    const text = 'Dr. Smith (NPI 1234567893) saw John Carter, DOB 04/05/1961, at 10 Main Street, Boston, MA 02139; call 617-555-0199.';
    const ds = detectAll(text);
    for (let i = 0; i < ds.length; i++) {
      const d = ds[i]!;
      expect(text.slice(d.start, d.end)).toBe(d.text);
      if (i > 0) expect(d.start).toBeGreaterThanOrEqual(ds[i - 1]!.end);
    }
    expect(ds.map((d) => d.type)).toEqual(['PERSON', 'NPI', 'PERSON', 'DATE', 'ADDRESS', 'PHONE']);
  });

  it('honours the threshold', () => {
    expect(detectAll('postcode 12345', { minConfidence: 0.99 })).toEqual([]);
    expect(detectAll('12345', { minConfidence: 0 }).map((d) => d.type)).toContain('POSTCODE');
  });

  it('rejects bad input with invalid_input', () => {
    const cases: unknown[][] = [[42], ['x', { minConfidence: 2 }], ['x', { entities: ['NOPE'] }], ['x', { extra: true }]];
    for (const args of cases) {
      try {
        (detectAll as (...a: unknown[]) => unknown)(...args);
        expect.fail('should have thrown');
      } catch (error) {
        expect(isAppError(error) && error.code === 'invalid_input').toBe(true);
      }
    }
  });

  it('returns nothing for an empty text', () => {
    expect(detectAll('')).toEqual([]);
  });
});
