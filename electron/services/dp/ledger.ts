import { randomUUID } from 'node:crypto';
import type { Transaction } from '@electric-sql/pglite';
import { tightestTotal, type CompositionTotal, type PrivacyCost } from '../../../shared/dp/accountant';
import { AppError } from '../../../shared/errors';
import type { Policy } from '../../../shared/policy';
import type { Database } from '../db/database';

/** δ' spent by the advanced accountants on top of Σδ; small against any sensible δ cap. */
export const COMPOSITION_SLACK = 1e-9;
/** The contributor of entries made before a wallet exists: this installation's user. */
export const LOCAL_CONTRIBUTOR = 'local';
const CONTRIBUTOR_CAP_KEY = 'dp.contributorEpsilonCap';

export type LedgerEntry = {
  id: string;
  createdAt: string;
  contributor: string;
  datanetId: string;
  datasetSha256: string;
  itemId: string;
  versionId: string | null;
  operation: string;
  mechanism: string;
  epsilon: number;
  delta: number;
  rho: number | null;
};

export type BudgetScope = 'dataset' | 'datanet' | 'contributor';

export type BudgetStatus = {
  scope: BudgetScope;
  epsilonCap: number | null;
  deltaCap: number;
  spent: { epsilon: number; delta: number; accountant: string; basicEpsilon: number };
  remainingEpsilon: number | null;
  entries: number;
};

export type SpendContext = { contributor: string; datanetId: string; datasetSha256: string; itemId: string };
export type Spend = { operation: string; mechanism: string; epsilon: number; delta: number; rho?: number };

type Queryable = Pick<Database, 'query'> | Transaction;

type LedgerRow = {
  id: string;
  created_at: Date;
  contributor: string;
  datanet_id: string;
  dataset_sha256: string;
  item_id: string;
  version_id: string | null;
  operation: string;
  mechanism: string;
  epsilon: number;
  delta: number;
  rho: number | null;
};

function toEntry(r: LedgerRow): LedgerEntry {
  return {
    id: r.id,
    createdAt: r.created_at.toISOString(),
    contributor: r.contributor,
    datanetId: r.datanet_id,
    datasetSha256: r.dataset_sha256,
    itemId: r.item_id,
    versionId: r.version_id,
    operation: r.operation,
    mechanism: r.mechanism,
    epsilon: r.epsilon,
    delta: r.delta,
    rho: r.rho,
  };
}

function cost(e: { epsilon: number; delta: number; rho?: number | null }): PrivacyCost {
  return e.rho === null || e.rho === undefined
    ? { epsilon: e.epsilon, delta: e.delta }
    : { epsilon: e.epsilon, delta: e.delta, rho: e.rho };
}

/** Budget remaining and its composition, for one scope. */
function statusOf(scope: BudgetScope, costs: PrivacyCost[], epsilonCap: number | null, deltaCap: number): BudgetStatus {
  const total: CompositionTotal = tightestTotal(costs, COMPOSITION_SLACK, { maxDelta: deltaCap });
  const basicEpsilon = costs.reduce((n, c) => n + c.epsilon, 0);
  return {
    scope,
    epsilonCap,
    deltaCap,
    spent: { epsilon: total.epsilon, delta: total.delta, accountant: total.accountant, basicEpsilon },
    remainingEpsilon: epsilonCap === null ? null : Math.max(0, epsilonCap - total.epsilon),
    entries: costs.length,
  };
}

/** Whether every scope stays within its ε and δ caps. */
export function isWithinCaps(statuses: readonly BudgetStatus[]): boolean {
  return budgetRefusal(statuses) === undefined;
}

/** The `budget_exhausted` error for statuses past a cap, naming the scope; undefined when within. */
export function budgetRefusal(statuses: readonly BudgetStatus[]): AppError | undefined {
  const over = statuses.filter(
    (s) => (s.epsilonCap !== null && s.spent.epsilon > s.epsilonCap * (1 + 1e-12)) || s.spent.delta > s.deltaCap,
  );
  const first = over[0];
  if (!first) return undefined;
  return new AppError(
    'budget_exhausted',
    `This would spend ε ${first.spent.epsilon.toFixed(3)} of the ${first.scope} budget (cap ${first.epsilonCap ?? 'none'}, δ cap ${first.deltaCap}); nothing was applied. Lower ε, or ask the Datanet to raise its cap.`,
    { scopes: over.map((s) => ({ scope: s.scope, cap: s.epsilonCap, wouldSpend: s.spent.epsilon, delta: s.spent.delta })) },
  );
}

/**
 * The privacy-budget ledger: per dataset (the same original bytes within a Datanet), per Datanet,
 * and per contributor overall. A spend that would take any scope past its cap is refused with
 * `budget_exhausted` before anything is written; the check and the append run in the caller's
 * transaction, so two spends cannot both pass on the same remaining budget.
 */
export class DpLedger {
  constructor(private readonly db: Database) {}

  /** The contributor's overall ε cap (an app setting), or null for none. */
  async contributorCap(q: Queryable = this.db): Promise<number | null> {
    const { rows } = await q.query<{ value: unknown }>('select value from app_settings where key = $1', [CONTRIBUTOR_CAP_KEY]);
    const value = rows[0]?.value;
    return typeof value === 'number' ? value : null;
  }

  /** Sets or clears the contributor's overall ε cap. */
  async setContributorCap(cap: number | null): Promise<void> {
    if (cap === null) await this.db.query('delete from app_settings where key = $1', [CONTRIBUTOR_CAP_KEY]);
    else {
      await this.db.query(
        `insert into app_settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value, updated_at = now()`,
        [CONTRIBUTOR_CAP_KEY, JSON.stringify(cap)],
      );
    }
  }

  /** Budget status of the three scopes of a dataset, optionally as if `extra` were also spent. */
  async status(context: SpendContext, policy: Policy, extra: Spend[] = [], q: Queryable = this.db): Promise<BudgetStatus[]> {
    const { rows } = await q.query<LedgerRow>('select * from dp_ledger where contributor = $1 or datanet_id = $2', [
      context.contributor,
      context.datanetId,
    ]);
    const more = extra.map(cost);
    const dataset = rows.filter((r) => r.datanet_id === context.datanetId && r.dataset_sha256 === context.datasetSha256).map(cost);
    const datanet = rows.filter((r) => r.datanet_id === context.datanetId).map(cost);
    const contributor = rows.filter((r) => r.contributor === context.contributor).map(cost);
    const deltaCap = policy.dp.totalDeltaCap;
    return [
      statusOf('dataset', [...dataset, ...more], policy.dp.totalEpsilonCap, deltaCap),
      statusOf('datanet', [...datanet, ...more], policy.dp.datanetEpsilonCap, deltaCap),
      statusOf('contributor', [...contributor, ...more], await this.contributorCap(q), deltaCap),
    ];
  }

  /** Refuses with `budget_exhausted` when the spends would pass a cap; otherwise records them. */
  async spend(q: Queryable, context: SpendContext, policy: Policy, spends: Spend[], versionId: string | null): Promise<LedgerEntry[]> {
    const after = await this.status(context, policy, spends, q);
    const refusal = budgetRefusal(after);
    if (refusal) throw refusal;
    const entries: LedgerEntry[] = [];
    for (const s of spends) {
      const id = randomUUID();
      const { rows } = await q.query<LedgerRow>(
        `insert into dp_ledger (id, contributor, datanet_id, dataset_sha256, item_id, version_id, operation, mechanism, epsilon, delta, rho)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning *`,
        [
          id,
          context.contributor,
          context.datanetId,
          context.datasetSha256,
          context.itemId,
          versionId,
          s.operation,
          s.mechanism,
          s.epsilon,
          s.delta,
          s.rho ?? null,
        ],
      );
      entries.push(toEntry(rows[0] as LedgerRow));
    }
    return entries;
  }

  /** Ledger entries, newest first. */
  async list(filter: { datanetId?: string; itemId?: string }): Promise<LedgerEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.datanetId) where.push(`datanet_id = $${params.push(filter.datanetId)}`);
    if (filter.itemId) where.push(`item_id = $${params.push(filter.itemId)}`);
    const { rows } = await this.db.query<LedgerRow>(
      `select * from dp_ledger ${where.length ? `where ${where.join(' and ')}` : ''} order by created_at desc, id`,
      params,
    );
    return rows.map(toEntry);
  }
}
