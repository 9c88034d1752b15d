import { describe, expect, it } from 'vitest';
import { applyDpToRows, type ColumnDpConfig } from '../../../shared/dp/column-config';
import { createSeededRandomForTests } from '../../../shared/dp/seeded-random';
import { summariseNoisedTable } from '../../../shared/dp/summary';

describe('summaries of a noised table', () => {
  it('estimate the clamped mean and the category frequencies from the noised records alone', () => {
    const n = 40_000;
    const rows = Array.from({ length: n }, (_, i) => [String(30 + (i % 41)), i % 4 === 0 ? 'A' : 'B']);
    const configs: ColumnDpConfig[] = [
      { column: 'age', treatment: 'numeric', mechanism: 'laplace', lower: 0, upper: 100, epsilonShare: 0.5 },
      { column: 'group', treatment: 'categorical', mechanism: 'randomized-response', domain: ['A', 'B', 'C'], epsilonShare: 0.5 },
    ];
    const { rows: noised, applied } = applyDpToRows(
      ['age', 'group'],
      rows,
      configs,
      { epsilon: 2, delta: 0 },
      createSeededRandomForTests(11),
    );
    const [age, group] = summariseNoisedTable(['age', 'group'], noised, applied);
    if (age?.kind !== 'numeric' || group?.kind !== 'categorical') throw new Error('unexpected summary kinds');
    expect(age.count).toBe(n);
    // True mean 50; the estimate is within 4 standard errors.
    expect(Math.abs(age.mean - 50)).toBeLessThan(4 * (age.standardError ?? 1));
    expect(group.histogram.A).toBeGreaterThan(0.2);
    expect(group.histogram.A).toBeLessThan(0.3);
    expect(group.histogram.B).toBeGreaterThan(0.7);
    expect(group.histogram.B).toBeLessThan(0.8);
    expect(Math.abs(group.histogram.C ?? 1)).toBeLessThan(0.05);
  });
});
