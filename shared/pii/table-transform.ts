import { AppError } from '../errors';
import { yearOf } from './date-shift';
import { detectAll } from './detect';
import type { AnonymisationPolicy, OperatorContext } from './operators';
import { applyOperators } from './operators';
import type { ColumnPolicy, ColumnStats } from './tables';
import { generaliseCell } from './tables';
import type { EntityType } from './types';

export type TableTransformInput = {
  columns: readonly string[];
  rows: readonly (readonly string[])[];
  policies: readonly ColumnPolicy[];
  /** The Datanet's operators, for `spans` columns. */
  operators: AnonymisationPolicy;
  ctx: OperatorContext;
  minConfidence: number;
  /** The dominant detected type of each column (placeholders and pseudonyms are typed by it). */
  columnTypes: Readonly<Record<string, EntityType | undefined>>;
};

export type TableTransformOutput = { columns: string[]; rows: string[][]; changedCells: Record<string, number> };

/** Applies column policies to every row; columns without a policy are kept. */
export function transformTable(input: TableTransformInput): TableTransformOutput {
  const byColumn = new Map(input.policies.map((p) => [p.column, p]));
  const kept: number[] = [];
  const cellFns: ((cell: string) => string)[] = [];
  const changedCells: Record<string, number> = {};
  input.columns.forEach((column, index) => {
    const policy = byColumn.get(column);
    if (policy?.action === 'drop') return;
    kept.push(index);
    changedCells[column] = 0;
    cellFns.push(cellFunction(policy, input.columnTypes[column] ?? 'OTHER_ID', input));
  });
  const rows = input.rows.map((row) =>
    kept.map((index, j) => {
      const before = row[index] ?? '';
      const after = (cellFns[j] as (cell: string) => string)(before);
      if (after !== before) changedCells[input.columns[index] as string]! += 1;
      return after;
    }),
  );
  return { columns: kept.map((i) => input.columns[i] as string), rows, changedCells };
}

function cellFunction(policy: ColumnPolicy | undefined, type: EntityType, input: TableTransformInput): (cell: string) => string {
  const whole = (cell: string, operators: AnonymisationPolicy): string =>
    cell.length === 0 ? cell : applyOperators(cell, [{ type, start: 0, end: cell.length }], operators, input.ctx).text;
  switch (policy?.action ?? 'keep') {
    case 'keep':
    case 'drop':
      return (cell) => cell;
    case 'redact':
      return (cell) => (cell.length === 0 ? cell : '[REDACTED]');
    case 'mask':
      return (cell) => whole(cell, { default: { kind: 'mask' } });
    case 'placeholder': {
      // Stable within the column: the same value gets the same placeholder on every row.
      const seen = new Map<string, string>();
      return (cell) => {
        if (cell.trim().length === 0) return cell;
        const key = cell.trim().toLowerCase();
        let p = seen.get(key);
        if (p === undefined) {
          p = `[${type}_${seen.size + 1}]`;
          seen.set(key, p);
        }
        return p;
      };
    }
    case 'pseudonym':
      return (cell) => whole(cell, { default: { kind: 'pseudonym' } });
    case 'generalise': {
      const kind = policy?.generalisation;
      if (kind === null || kind === undefined)
        throw new AppError('invalid_input', `Column "${policy?.column}": choose what to generalise to.`);
      return (cell) => generaliseCell(kind, cell, (t) => yearOf(t, input.ctx.dayFirst === true));
    }
    case 'spans':
      return (cell) => {
        if (cell.length === 0) return cell;
        const found = detectAll(cell, { minConfidence: input.minConfidence });
        return found.length === 0 ? cell : applyOperators(cell, found, input.operators, input.ctx).text;
      };
  }
}

/** Detections per column over (a sample of) the rows. */
export function scanColumns(columns: readonly string[], rows: readonly (readonly string[])[], minConfidence: number): ColumnStats[] {
  return columns.map((column, index) => {
    const counts = new Map<EntityType, number>();
    let detectedCells = 0;
    let sampleCount = 0;
    for (const row of rows) {
      const cell = row[index] ?? '';
      if (cell.trim().length === 0) continue;
      sampleCount++;
      const found = detectAll(cell, { minConfidence });
      if (found.length > 0) detectedCells++;
      for (const d of found) counts.set(d.type, (counts.get(d.type) ?? 0) + 1);
    }
    const types = [...counts].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count);
    return { column, types, detectedCells, sampleCount };
  });
}
