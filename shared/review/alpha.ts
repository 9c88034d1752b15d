/**
 * Krippendorff's α for nominal data (Krippendorff, "Computing Krippendorff's Alpha-Reliability",
 * 2011, section on nominal data with missing values). `units` holds, per unit (a room item), the
 * values the coders (reviewers) gave it; a unit with fewer than two values is not pairable and is
 * left out, as the method prescribes. Returns null when α is undefined: fewer than two pairable
 * values, or no variation at all (every value the same, so expected disagreement is zero).
 */
export function krippendorffAlphaNominal(units: ReadonlyArray<ReadonlyArray<string>>): number | null {
  // Coincidence counts o[c][k]: each ordered pair of values within a unit, weighted 1/(m_u − 1).
  const coincidences = new Map<string, Map<string, number>>();
  const add = (c: string, k: string, w: number): void => {
    let row = coincidences.get(c);
    if (!row) coincidences.set(c, (row = new Map()));
    row.set(k, (row.get(k) ?? 0) + w);
  };
  for (const values of units) {
    const m = values.length;
    if (m < 2) continue;
    const weight = 1 / (m - 1);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i !== j) add(values[i] as string, values[j] as string, weight);
      }
    }
  }
  const marginals = new Map<string, number>();
  let n = 0;
  let observedDisagreement = 0;
  for (const [c, row] of coincidences) {
    for (const [k, o] of row) {
      marginals.set(c, (marginals.get(c) ?? 0) + o);
      n += o;
      if (c !== k) observedDisagreement += o;
    }
  }
  if (n < 2) return null;
  let expectedPairs = 0;
  for (const [c, nc] of marginals) {
    for (const [k, nk] of marginals) {
      if (c !== k) expectedPairs += nc * nk;
    }
  }
  if (expectedPairs === 0) return null;
  return 1 - ((n - 1) * observedDisagreement) / expectedPairs;
}
