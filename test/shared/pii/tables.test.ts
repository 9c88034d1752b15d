import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { yearOf } from '../../../shared/pii/date-shift';
import {
  ageBand,
  checkKAnonymity,
  generaliseCell,
  suggestColumnPolicy,
  SUPPRESSED,
  typeFromHeader,
  zip3,
} from '../../../shared/pii/tables';
import { scanColumns, transformTable } from '../../../shared/pii/table-transform';
import { hmacSha256Hex } from '../../../electron/services/anonymise/hmac';

describe('column generalisation', () => {
  it('bands ages by decade, aggregates 90 and over, and suppresses what is not an age', () => {
    expect(['0', '9', '10', '37', '37 years', '37y', '89', '90', '104', ''].map(ageBand)).toEqual([
      '0-9',
      '0-9',
      '10-19',
      '30-39',
      '30-39',
      '30-39',
      '80-89',
      '90+',
      '90+',
      '',
    ]);
    expect(['abc', '-3', '200', '3 4'].map(ageBand)).toEqual([SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED]);
  });

  it('keeps three ZIP digits (000 for sparse areas) and the UK outward code; suppresses the rest', () => {
    expect(['02139', '02139-4307', '036 01'.replace(' ', ''), '99501', 'SW1A 1AA', 'm1 1ae', '1234', 'n/a'].map(zip3)).toEqual([
      '021',
      '021',
      '000',
      '995',
      'SW1A',
      'M1',
      SUPPRESSED,
      SUPPRESSED,
    ]);
  });

  it('cuts dates to their year, suppresses unreadable dates, and keeps empty cells empty', () => {
    const g = (v: string) => generaliseCell('date_year', v, (t) => yearOf(t));
    expect([g('2021-03-14'), g('March 14, 2021'), g('not a date'), g('')]).toEqual(['2021', '2021', SUPPRESSED, '']);
  });
});

describe('k-anonymity', () => {
  const columns = ['age', 'zip', 'sex'];
  const rows = [
    ['30-39', '021', 'F'],
    ['30-39', '021', 'F'],
    ['30-39', '021', 'M'],
    ['40-49', '995', 'F'],
    ['30-39', '021', 'F'],
  ];

  it('lists the groups smaller than k with their values and sizes, smallest first', () => {
    const k = checkKAnonymity(columns, rows, ['age', 'zip', 'sex'], 2);
    expect(k).toMatchObject({ k: 2, rowCount: 5, groupCount: 3, smallestGroup: 1, isSatisfied: false, violationsTotal: 2, rowsAtRisk: 2 });
    expect(k.violations).toEqual([
      { values: { age: '30-39', zip: '021', sex: 'M' }, size: 1 },
      { values: { age: '40-49', zip: '995', sex: 'F' }, size: 1 },
    ]);
  });

  it('passes when fewer quasi-identifiers leave every group at least k rows', () => {
    expect(checkKAnonymity(columns, rows.slice(0, 3).concat([rows[4] as string[]]), ['age', 'zip'], 3)).toMatchObject({
      isSatisfied: true,
      smallestGroup: 4,
      violations: [],
    });
  });

  it('passes without quasi-identifiers and refuses an unknown column', () => {
    expect(checkKAnonymity(columns, rows, [], 5)).toMatchObject({ isSatisfied: true, smallestGroup: null, groupCount: 0 });
    expect(() => checkKAnonymity(columns, rows, ['height'], 2)).toThrow();
  });

  it('agrees with a brute-force count on random tables', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('x', 'y')), { maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        (rs, k) => {
          const check = checkKAnonymity(['p', 'q'], rs, ['p', 'q'], k);
          const sizes = new Map<string, number>();
          for (const r of rs) sizes.set(r.join('|'), (sizes.get(r.join('|')) ?? 0) + 1);
          const small = [...sizes.values()].filter((n) => n < k);
          expect(check.isSatisfied).toBe(small.length === 0);
          expect(check.violationsTotal).toBe(small.length);
          expect(check.rowsAtRisk).toBe(small.reduce((a, b) => a + b, 0));
        },
      ),
    );
  });
});

describe('column policies and the table transform', () => {
  it('suggests generalisation for ages, ZIPs and dates, placeholders for identifier columns, and keeps the rest', () => {
    const none = { types: [], detectedCells: 0, sampleCount: 10 };
    expect(suggestColumnPolicy({ column: 'Age', ...none })).toMatchObject({
      action: 'generalise',
      generalisation: 'age_band',
      isQuasiIdentifier: true,
    });
    expect(suggestColumnPolicy({ column: 'zip_code', ...none })).toMatchObject({ generalisation: 'zip3' });
    expect(suggestColumnPolicy({ column: 'date_of_birth', ...none })).toMatchObject({ generalisation: 'date_year' });
    expect(suggestColumnPolicy({ column: 'sex', ...none })).toMatchObject({ action: 'keep', isQuasiIdentifier: true });
    expect(suggestColumnPolicy({ column: 'name', ...none })).toMatchObject({ action: 'placeholder' });
    expect(
      suggestColumnPolicy({ column: 'contact', types: [{ type: 'EMAIL', count: 9 }], detectedCells: 9, sampleCount: 10 }),
    ).toMatchObject({
      action: 'placeholder',
    });
    expect(
      suggestColumnPolicy({ column: 'notes', types: [{ type: 'PERSON', count: 2 }], detectedCells: 2, sampleCount: 10 }),
    ).toMatchObject({
      action: 'spans',
    });
    expect(suggestColumnPolicy({ column: 'visits', ...none })).toMatchObject({ action: 'keep', isQuasiIdentifier: false });
    expect(typeFromHeader('E-mail')).toBe('EMAIL');
    expect(typeFromHeader('visits')).toBeUndefined();
  });

  it('applies every column action and counts changed cells', () => {
    const columns = ['name', 'email', 'age', 'zip', 'dob', 'ssn', 'note', 'secret', 'city'];
    const rows = [
      ['Ann Lee', 'ann@example.com', '34', '02139', '1990-05-02', '123-45-6789', 'Met John Smith today.', 'x', 'Leeds'],
      ['Ann Lee', 'bo@example.com', '91', '99501', '1950-01-01', '987-65-4321', 'Nothing to report.', 'y', 'York'],
    ];
    const out = transformTable({
      columns,
      rows,
      policies: [
        { column: 'name', action: 'placeholder', generalisation: null, isQuasiIdentifier: false },
        { column: 'email', action: 'pseudonym', generalisation: null, isQuasiIdentifier: false },
        { column: 'age', action: 'generalise', generalisation: 'age_band', isQuasiIdentifier: true },
        { column: 'zip', action: 'generalise', generalisation: 'zip3', isQuasiIdentifier: true },
        { column: 'dob', action: 'generalise', generalisation: 'date_year', isQuasiIdentifier: true },
        { column: 'ssn', action: 'mask', generalisation: null, isQuasiIdentifier: false },
        { column: 'note', action: 'spans', generalisation: null, isQuasiIdentifier: false },
        { column: 'secret', action: 'drop', generalisation: null, isQuasiIdentifier: false },
        { column: 'city', action: 'redact', generalisation: null, isQuasiIdentifier: false },
      ],
      operators: { default: { kind: 'placeholder' } },
      ctx: { hmac: hmacSha256Hex, key: 'k'.repeat(64) },
      minConfidence: 0.3,
      columnTypes: { name: 'PERSON', email: 'EMAIL', ssn: 'SSN' },
    });
    expect(out.columns).toEqual(['name', 'email', 'age', 'zip', 'dob', 'ssn', 'note', 'city']);
    const [a, b] = out.rows as [string[], string[]];
    expect(a[0]).toBe('[PERSON_1]');
    expect(b[0]).toBe('[PERSON_1]');
    expect(a[1]).toMatch(/@example\.org$/);
    expect(a[1]).not.toBe(b[1]);
    expect([a[2], b[2], a[3], b[3], a[4], b[4]]).toEqual(['30-39', '90+', '021', '995', '1990', '1950']);
    expect(a[5]).toBe('***-**-****');
    expect(a[6]).toBe('Met [PERSON_1] today.');
    expect(b[6]).toBe('Nothing to report.');
    expect(a[7]).toBe('[REDACTED]');
    expect(out.changedCells).toMatchObject({ name: 2, email: 2, age: 2, note: 1, city: 2 });
    expect(() =>
      transformTable({
        columns,
        rows,
        policies: [{ column: 'age', action: 'generalise', generalisation: null, isQuasiIdentifier: true }],
        operators: { default: { kind: 'placeholder' } },
        ctx: {},
        minConfidence: 0.3,
        columnTypes: {},
      }),
    ).toThrow(/generalise/);
  });

  it('summarises detections per column over the scanned cells', () => {
    const stats = scanColumns(
      ['email', 'n'],
      [
        ['a@example.com', '1'],
        ['b@example.com', ''],
        ['none', '2'],
      ],
      0.3,
    );
    expect(stats[0]).toEqual({ column: 'email', types: [{ type: 'EMAIL', count: 2 }], detectedCells: 2, sampleCount: 3 });
    expect(stats[1]).toMatchObject({ detectedCells: 0, sampleCount: 2 });
  });
});
