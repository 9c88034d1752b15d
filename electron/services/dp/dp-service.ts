import { applyDpToRows, previewDp, type AppliedDpParameters, type ColumnDpConfig, type DpBudget } from '../../../shared/dp/column-config';
import type { RandomSource } from '../../../shared/dp/random';
import { summariseNoisedTable, type ColumnSummary } from '../../../shared/dp/summary';
import { AppError } from '../../../shared/errors';
import type { DatanetService } from '../datanets/datanet-service';
import type { LibraryService } from '../library/library-service';
import type { VersionService } from '../library/version-service';
import {
  LOCAL_CONTRIBUTOR,
  budgetRefusal,
  isWithinCaps,
  type BudgetStatus,
  type DpLedger,
  type LedgerEntry,
  type Spend,
  type SpendContext,
} from './ledger';

type ApplyInput = { itemId: string; columns: ColumnDpConfig[]; budget: DpBudget };

/** The ledger spends of one application: one per noised column, so each mechanism is accounted as itself. */
function spendsOf(applied: AppliedDpParameters): Spend[] {
  return applied.columns.map((c) => ({
    operation: `dp.apply:${c.column}`,
    mechanism: c.mechanism,
    epsilon: c.epsilon,
    delta: c.delta,
    ...(c.rho === undefined ? {} : { rho: c.rho }),
  }));
}

/** Local differential privacy on table items, within the privacy-budget ledger. */
export class DpService {
  constructor(
    private readonly library: LibraryService,
    private readonly versions: VersionService,
    private readonly datanets: DatanetService,
    private readonly ledger: DpLedger,
    private readonly random: () => RandomSource,
  ) {}

  private async context(itemId: string) {
    const item = await this.library.get(itemId, 1);
    if (item.kind !== 'table') {
      throw new AppError(
        'invalid_input',
        'Differential privacy is applied to tables (CSV, JSONL, JSON records). Free text gets anonymisation instead: noise does not protect identities in prose.',
        { itemId },
      );
    }
    const datanet = await this.datanets.get(item.datanetId);
    const context: SpendContext = { contributor: LOCAL_CONTRIBUTOR, datanetId: datanet.id, datasetSha256: item.sha256, itemId };
    return { item, datanet, context };
  }

  /** Expected error per column and the budget left after; spends nothing. */
  async preview(
    input: ApplyInput,
  ): Promise<{ columns: ReturnType<typeof previewDp>; budgetAfter: BudgetStatus[]; isWithinBudget: boolean }> {
    const { datanet, context } = await this.context(input.itemId);
    const columns = previewDp(input.columns, input.budget);
    const spends: Spend[] = columns
      .filter((c) => c.mechanism !== null && c.epsilon > 0)
      .map((c) => ({ operation: `dp.apply:${c.column}`, mechanism: c.mechanism as string, epsilon: c.epsilon, delta: c.delta }));
    const budgetAfter = await this.ledger.status(context, datanet.policy, spends);
    return { columns, budgetAfter, isWithinBudget: isWithinCaps(budgetAfter) };
  }

  /**
   * Adds noise to every configured column of the item's current table and stores the result as a
   * new version with the parameters applied. The ledger is checked first, and again inside the
   * version's transaction; past a cap nothing is stored and `budget_exhausted` is thrown.
   */
  async apply(
    input: ApplyInput,
  ): Promise<{ versionId: string; applied: AppliedDpParameters; summary: ColumnSummary[]; budget: BudgetStatus[] }> {
    const { item, datanet, context } = await this.context(input.itemId);
    // Refuse before the noise is drawn when the budget cannot cover it; the ledger checks again
    // inside the version's transaction against any spend that raced this one.
    const refusal = budgetRefusal((await this.preview(input)).budgetAfter);
    if (refusal) throw refusal;
    const table = await this.library.readTable(item.id);
    const { rows, applied } = applyDpToRows(table.columns, table.rows, input.columns, input.budget, this.random());
    const summary = summariseNoisedTable(table.columns, rows, applied);
    const version = await this.versions.create({
      itemId: item.id,
      kind: 'dp',
      parentVersionId: table.versionId,
      content: { kind: 'table', columns: table.columns, rows },
      dpParameters: applied,
      report: { dpSummary: summary },
      beforeCommit: async (tx, versionId) => {
        await this.ledger.spend(tx, context, datanet.policy, spendsOf(applied), versionId);
      },
    });
    return { versionId: version.id, applied, summary, budget: await this.ledger.status(context, datanet.policy) };
  }

  /** The budget of an item's three scopes and its ledger entries. */
  async budget(itemId: string): Promise<{ status: BudgetStatus[]; entries: LedgerEntry[] }> {
    const { datanet, context } = await this.context(itemId);
    const status = await this.ledger.status(context, datanet.policy);
    const entries = (await this.ledger.list({ datanetId: datanet.id })).filter((e) => e.datasetSha256 === context.datasetSha256);
    return { status, entries };
  }
}
