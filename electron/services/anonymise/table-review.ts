import type { MethodOutput, MethodParsedInput } from '../../../shared/api';
import type { ColumnSummary } from '../../../shared/api/anonymise';
import { AppError } from '../../../shared/errors';
import { yearOf } from '../../../shared/pii/date-shift';
import type { ColumnPolicy, KCheck } from '../../../shared/pii/tables';
import { checkKAnonymity, generaliseCell, suggestColumnPolicy } from '../../../shared/pii/tables';
import type { LibraryService } from '../library/library-service';
import type { ItemInfo, ReviewContext, ReviewRow } from './review-context';

/** The review of a table, column by column: each column's policy (suggested or set) and the k-anonymity they leave. */
export class TableReview {
  constructor(
    private readonly ctx: ReviewContext,
    private readonly library: LibraryService,
  ) {}

  /** The table's columns with their policies: the reviewer's where set, else the one suggested by the scan. */
  async columnState(item: ItemInfo): Promise<{ review: ReviewRow | undefined; policies: ColumnPolicy[]; columns: string[] }> {
    const review = await this.ctx.reviewRow(item.id);
    const { rows } = await this.ctx.db.query<{
      column_name: string;
      action: ColumnPolicy['action'];
      generalisation: ColumnPolicy['generalisation'];
      is_quasi_identifier: boolean;
    }>('select column_name, action, generalisation, is_quasi_identifier from anonymise_column_policies where item_id = $1', [item.id]);
    const stored = new Map(rows.map((r) => [r.column_name, r]));
    const detail = await this.library.get(item.id, 1);
    const columns = detail.table?.columns ?? [];
    const stats = new Map((review?.column_stats ?? []).map((s) => [s.column, s]));
    const policies = columns.map((column) => {
      const r = stored.get(column);
      if (r) return { column, action: r.action, generalisation: r.generalisation, isQuasiIdentifier: r.is_quasi_identifier };
      return suggestColumnPolicy(stats.get(column) ?? { column, types: [], detectedCells: 0, sampleCount: 0 });
    });
    return { review, policies, columns };
  }

  /** Values of the quasi-identifier columns as export would write them (one-to-one operators keep the groups as they are). */
  kCheckOf(table: { columns: string[]; rows: string[][] }, policies: readonly ColumnPolicy[], k: number): KCheck {
    const qi = policies.filter((p) => p.isQuasiIdentifier && p.action !== 'drop');
    const rows = table.rows.map((row) =>
      qi.map((p) => {
        const cell = row[table.columns.indexOf(p.column)] ?? '';
        if (p.action === 'generalise' && p.generalisation !== null) return generaliseCell(p.generalisation, cell, (t) => yearOf(t));
        if (p.action === 'redact') return cell.length === 0 ? '' : '[REDACTED]';
        return cell;
      }),
    );
    return checkKAnonymity(
      qi.map((p) => p.column),
      rows,
      qi.map((p) => p.column),
      k,
    );
  }

  private summaries(review: ReviewRow | undefined, policies: readonly ColumnPolicy[]): ColumnSummary[] {
    const stats = new Map((review?.column_stats ?? []).map((s) => [s.column, s]));
    return policies.map((policy, index) => {
      const s = stats.get(policy.column) ?? { column: policy.column, types: [], detectedCells: 0, sampleCount: 0 };
      return {
        column: policy.column,
        index,
        types: s.types,
        detectedCells: s.detectedCells,
        sampleCount: s.sampleCount,
        suggested: suggestColumnPolicy(s),
        policy,
      };
    });
  }

  /** A table's per-column summary, policies and k-anonymity check. */
  async columns(itemId: string): Promise<MethodOutput<'anonymise.columns'>> {
    const { ctx } = this;
    const item = await ctx.item(itemId);
    if (item.kind !== 'table') throw new AppError('invalid_input', 'Column policies are for tables; texts are reviewed span by span.');
    const { review, policies } = await this.columnState(item);
    const policy = await ctx.policy(item);
    const table = await ctx.originalTable(item);
    return {
      itemId: item.id,
      state: ctx.runningItems.has(item.id) ? 'running' : review?.detected_at ? 'ready' : 'none',
      rowCount: table.rows.length,
      columns: this.summaries(review, policies),
      kCheck: this.kCheckOf(table, policies, policy.anonymisation.k),
      isRequired: policy.anonymisation.required,
      latestVersion: await ctx.latestVersion(item.id),
    };
  }

  /** Changes one column's policy. */
  async setColumnPolicy(input: MethodParsedInput<'anonymise.setColumnPolicy'>): Promise<MethodOutput<'anonymise.setColumnPolicy'>> {
    const { ctx } = this;
    const item = await ctx.item(input.itemId);
    if (item.kind !== 'table') throw new AppError('invalid_input', 'Column policies are for tables.');
    const { review, policies } = await this.columnState(item);
    const current = policies.find((p) => p.column === input.column);
    if (!current) throw new AppError('not_found', `The table has no column "${input.column}".`, { column: input.column });
    const action = input.action ?? current.action;
    let generalisation = input.generalisation === undefined ? current.generalisation : input.generalisation;
    if (action !== 'generalise') generalisation = null;
    else if (generalisation === null) {
      throw new AppError('invalid_input', 'Choose what to generalise to: age band, ZIP to 3 digits, or date to year.');
    }
    const next: ColumnPolicy = {
      column: current.column,
      action,
      generalisation,
      isQuasiIdentifier: input.isQuasiIdentifier ?? current.isQuasiIdentifier,
    };
    await ctx.db.query(
      `insert into anonymise_column_policies (item_id, column_name, action, generalisation, is_quasi_identifier) values ($1, $2, $3, $4, $5)
       on conflict (item_id, column_name) do update set action = $3, generalisation = $4, is_quasi_identifier = $5`,
      [item.id, next.column, next.action, next.generalisation, next.isQuasiIdentifier],
    );
    ctx.touch(item.id);
    const summary = this.summaries(
      review,
      policies.map((p) => (p.column === next.column ? next : p)),
    ).find((s) => s.column === next.column);
    if (!summary) throw new AppError('internal', 'The column vanished.');
    return summary;
  }

  /** k-anonymity of the marked quasi-identifiers after the column policies. */
  async checkK(itemId: string): Promise<MethodOutput<'anonymise.checkK'>> {
    const { ctx } = this;
    const item = await ctx.item(itemId);
    if (item.kind !== 'table') throw new AppError('invalid_input', 'The k-anonymity check is for tables.');
    const { policies } = await this.columnState(item);
    return this.kCheckOf(await ctx.originalTable(item), policies, (await ctx.policy(item)).anonymisation.k);
  }
}
