import { describe, expect, it } from 'vitest';
import { krippendorffAlphaNominal } from '../../../shared/review/alpha';

// Published values from Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011).
describe("Krippendorff's alpha (nominal)", () => {
  it('reproduces the two-observer binary example: α = 0.095', () => {
    const a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    const units = a.map((v, i) => [String(v), String(b[i])]);
    expect(krippendorffAlphaNominal(units)).toBeCloseTo(0.095, 3);
  });

  it('reproduces the four-observer example with missing values: α = 0.743', () => {
    const table: (number | null)[][] = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
      [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
    ];
    const units = Array.from({ length: 12 }, (_, u) =>
      table
        .map((row) => row[u])
        .filter((v): v is number => v !== null)
        .map(String),
    );
    expect(krippendorffAlphaNominal(units)).toBeCloseTo(0.743, 3);
  });

  it('is 1 for perfect agreement with variation, and undefined without pairable values or variation', () => {
    expect(
      krippendorffAlphaNominal([
        ['accept', 'accept'],
        ['reject', 'reject', 'reject'],
      ]),
    ).toBe(1);
    expect(
      krippendorffAlphaNominal([
        ['accept', 'accept'],
        ['accept', 'accept'],
      ]),
    ).toBeNull();
    expect(krippendorffAlphaNominal([['accept'], []])).toBeNull();
  });
});
