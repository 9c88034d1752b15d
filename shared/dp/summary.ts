import type { AppliedDpParameters } from './column-config';

/** An aggregate of one noised column, computed from the noised records only. */
export type ColumnSummary =
  | { column: string; kind: 'numeric'; count: number; sum: number; mean: number; standardError: number | null }
  | { column: string; kind: 'categorical'; count: number; histogram: Record<string, number> };

/**
 * Aggregates of a table after local DP, for the manifest and the UI. They are computed from the
 * noised records alone, so they are post-processing and spend no further budget (Dwork & Roth
 * 2014, Prop. 2.1). Numeric means are unbiased for the mean of the clamped values because the
 * noise is zero-mean; category frequencies are debiased for randomized response:
 * p̂ = (f − q) / (p − q), with p the probability of the truth and q of each other value
 * (Wang et al. 2017, "Locally Differentially Private Protocols for Frequency Estimation").
 */
export function summariseNoisedTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  applied: AppliedDpParameters,
): ColumnSummary[] {
  const index = new Map(columns.map((c, i) => [c, i]));
  const summaries: ColumnSummary[] = [];
  for (const col of applied.columns) {
    const i = index.get(col.column);
    if (i === undefined) continue;
    if (col.treatment === 'categorical') {
      const p = col.pTruth ?? 1;
      const q = col.pOther ?? 0;
      const counts = new Map<string, number>();
      for (const row of rows) {
        const v = row[i] ?? '';
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const n = rows.length;
      const histogram: Record<string, number> = {};
      for (const value of col.domain ?? []) {
        const f = n === 0 ? 0 : (counts.get(value) ?? 0) / n;
        histogram[value] = p - q > 0 ? (f - q) / (p - q) : f;
      }
      summaries.push({ column: col.column, kind: 'categorical', count: n, histogram });
    } else {
      let sum = 0;
      let sumSquares = 0;
      let count = 0;
      for (const row of rows) {
        const x = Number(row[i]);
        if (!Number.isFinite(x)) continue;
        sum += x;
        sumSquares += x * x;
        count++;
      }
      const mean = count === 0 ? 0 : sum / count;
      const variance = count > 1 ? (sumSquares - count * mean * mean) / (count - 1) : null;
      summaries.push({
        column: col.column,
        kind: 'numeric',
        count,
        sum,
        mean,
        standardError: variance === null ? null : Math.sqrt(Math.max(0, variance) / count),
      });
    }
  }
  return summaries;
}
