import { useMemo, useState } from 'react';
import type { BudgetStatusData } from '../../../../shared/api/dp';
import type { MethodOutput } from '../../../../shared/api/index';
import type { ItemDetail } from '../../../../shared/api/library';
import type { ColumnDpConfig, DpMechanism, DpTreatment } from '../../../../shared/dp/column-config';
import type { Policy } from '../../../../shared/policy';
import { useActions, useQuery } from '../../api/useContract';
import { ErrorNote } from '../../components/ErrorNote';

const MECHANISMS: Record<Exclude<DpTreatment, 'ignore'>, DpMechanism[]> = {
  numeric: ['laplace', 'gaussian'],
  integer: ['discrete-laplace', 'gaussian'],
  categorical: ['randomized-response'],
};

type ColumnForm = { treatment: DpTreatment; lower: string; upper: string; domain: string; mechanism: DpMechanism; share: string };

type Preview = MethodOutput<'dp.preview'>;

/** A first guess at a column's treatment from its preview values. */
function guess(values: string[]): ColumnForm {
  const present = values.filter((v) => v.trim() !== '');
  const numbers = present.map(Number).filter((n) => Number.isFinite(n));
  const base = { lower: '', upper: '', domain: '', share: '', mechanism: 'laplace' as DpMechanism };
  if (present.length > 0 && numbers.length === present.length) {
    const isInteger = numbers.every((n) => Number.isInteger(n));
    return {
      ...base,
      treatment: 'ignore',
      lower: String(Math.min(...numbers)),
      upper: String(Math.max(...numbers)),
      mechanism: isInteger ? 'discrete-laplace' : 'laplace',
    };
  }
  const distinct = [...new Set(present)];
  return { ...base, treatment: 'ignore', domain: distinct.length <= 20 ? distinct.join(', ') : '', mechanism: 'randomized-response' };
}

function toConfig(column: string, f: ColumnForm, evenShare: number): ColumnDpConfig {
  const share = f.share.trim() === '' ? evenShare : Number(f.share);
  if (f.treatment === 'ignore') return { column, treatment: 'ignore', epsilonShare: 0 };
  if (f.treatment === 'categorical') {
    const domain = f.domain
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return { column, treatment: 'categorical', mechanism: 'randomized-response', domain, epsilonShare: share };
  }
  return { column, treatment: f.treatment, mechanism: f.mechanism, lower: Number(f.lower), upper: Number(f.upper), epsilonShare: share };
}

function fmt(x: number | undefined | null, digits = 3): string {
  return x === undefined || x === null ? '—' : Number.isFinite(x) ? x.toPrecision(digits) : '∞';
}

export function BudgetTable({ status, label = 'Privacy budget' }: { status: BudgetStatusData[]; label?: string }) {
  return (
    <table className="budget" aria-label={label}>
      <thead>
        <tr>
          <th>Scope</th>
          <th>Spent ε</th>
          <th>Cap ε</th>
          <th>Left ε</th>
          <th>δ</th>
          <th>Accountant</th>
        </tr>
      </thead>
      <tbody>
        {status.map((s) => (
          <tr key={s.scope} data-scope={s.scope}>
            <td>{s.scope}</td>
            <td>{fmt(s.spent.epsilon)}</td>
            <td>{s.epsilonCap === null ? 'none' : s.epsilonCap}</td>
            <td className="remaining">{s.remainingEpsilon === null ? '—' : fmt(s.remainingEpsilon)}</td>
            <td>{fmt(s.spent.delta, 2)}</td>
            <td title={`basic composition would give ε ${fmt(s.spent.basicEpsilon)}`}>{s.spent.accountant}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Per-column DP configuration for a table item, a preview of the expected error, apply, and the ledger. */
export function DpPanel({ item, policy, onApplied }: { item: ItemDetail; policy: Policy; onApplied: () => void }) {
  const columns = useMemo(() => item.table?.columns ?? [], [item.table]);
  const [forms, setForms] = useState<ColumnForm[]>(() => columns.map((_, i) => guess((item.table?.rows ?? []).map((r) => r[i] ?? ''))));
  const [epsilon, setEpsilon] = useState(String(policy.dp.perRecordEpsilon ?? 1));
  const [delta, setDelta] = useState(String(policy.dp.delta ?? 0));
  const [preview, setPreview] = useState<Preview | null>(null);
  const ledger = useQuery('dp.budget', { itemId: item.id });
  const budget = ledger.data?.status ?? null;
  const entries = ledger.data?.entries ?? [];
  const actions = useActions();
  const [status, setStatus] = useState('');
  const [summary, setSummary] = useState<MethodOutput<'dp.apply'>['summary']>([]);

  const active = forms.filter((f) => f.treatment !== 'ignore').length;
  const configs = columns.map((c, i) => toConfig(c, forms[i] as ColumnForm, active > 0 ? 1 / active : 0));
  const input = { itemId: item.id, columns: configs, budget: { epsilon: Number(epsilon), delta: Number(delta) } };
  const update = (i: number, patch: Partial<ColumnForm>): void => {
    setPreview(null);
    setForms((all) => all.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  };

  const run = async (kind: 'preview' | 'apply'): Promise<void> => {
    ledger.clearError();
    setStatus('');
    if (kind === 'preview') {
      const done = await actions.call('dp.preview', input);
      if (done.isOk) setPreview(done.value);
      return;
    }
    const done = await actions.call('dp.apply', input);
    if (!done.isOk) return;
    const r = done.value;
    setStatus(`Applied: a new version with noise on ${r.applied.columns.length} column(s), ε ${fmt(r.applied.totalEpsilon)}.`);
    setSummary(r.summary);
    setPreview(null);
    ledger.retry();
    onApplied();
  };
  const error = actions.error ?? ledger.error;

  return (
    <section className="dp-panel" aria-label="Differential privacy">
      <p className="muted small">
        Noise is added on this machine to each configured column of every record (local DP). Values are clamped to the bounds first; a new
        version is created and the original stays as it was.
      </p>
      <div className="dp-budget-inputs">
        <label>
          ε per record
          <input
            type="number"
            min="0.0001"
            step="any"
            value={epsilon}
            onChange={(e) => (setEpsilon(e.target.value), setPreview(null))}
            aria-label="Epsilon"
          />
        </label>
        <label>
          δ
          <input
            type="number"
            min="0"
            step="any"
            value={delta}
            onChange={(e) => (setDelta(e.target.value), setPreview(null))}
            aria-label="Delta"
          />
        </label>
      </div>
      <table className="dp-columns" aria-label="Column configuration">
        <thead>
          <tr>
            <th>Column</th>
            <th>Treatment</th>
            <th>Bounds / domain</th>
            <th>Mechanism</th>
            <th>ε share</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((column, i) => {
            const f = forms[i] as ColumnForm;
            return (
              <tr key={column} data-column={column}>
                <td>{column}</td>
                <td>
                  <select
                    aria-label={`Treatment of ${column}`}
                    value={f.treatment}
                    onChange={(e) => {
                      const treatment = e.target.value as DpTreatment;
                      update(i, { treatment, ...(treatment === 'ignore' ? {} : { mechanism: MECHANISMS[treatment][0] as DpMechanism }) });
                    }}
                  >
                    <option value="ignore">ignore</option>
                    <option value="numeric">numeric</option>
                    <option value="integer">integer</option>
                    <option value="categorical">categorical</option>
                  </select>
                </td>
                <td>
                  {f.treatment === 'numeric' || f.treatment === 'integer' ? (
                    <span className="bounds">
                      <input
                        aria-label={`Lower bound of ${column}`}
                        value={f.lower}
                        onChange={(e) => update(i, { lower: e.target.value })}
                      />
                      –
                      <input
                        aria-label={`Upper bound of ${column}`}
                        value={f.upper}
                        onChange={(e) => update(i, { upper: e.target.value })}
                      />
                    </span>
                  ) : f.treatment === 'categorical' ? (
                    <input
                      aria-label={`Domain of ${column}`}
                      value={f.domain}
                      onChange={(e) => update(i, { domain: e.target.value })}
                      placeholder="a, b, c"
                    />
                  ) : (
                    <span className="muted">copied as is</span>
                  )}
                </td>
                <td>
                  {f.treatment === 'ignore' ? (
                    '—'
                  ) : (
                    <select
                      aria-label={`Mechanism of ${column}`}
                      value={f.mechanism}
                      onChange={(e) => update(i, { mechanism: e.target.value as DpMechanism })}
                    >
                      {MECHANISMS[f.treatment].map((m) => (
                        <option key={m}>{m}</option>
                      ))}
                    </select>
                  )}
                </td>
                <td>
                  {f.treatment === 'ignore' ? (
                    '—'
                  ) : (
                    <input
                      aria-label={`Epsilon share of ${column}`}
                      className="share"
                      value={f.share}
                      placeholder={active > 0 ? (1 / active).toFixed(2) : ''}
                      onChange={(e) => update(i, { share: e.target.value })}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ErrorNote
        error={error}
        onDismiss={() => {
          actions.reset();
          ledger.clearError();
        }}
      />
      {status && (
        <p role="status" className="dp-status">
          {status}
        </p>
      )}
      {summary.length > 0 && (
        <div className="dp-summary" aria-label="Dataset summary">
          <h3>Dataset summary (estimated from the noised records)</h3>
          <ul>
            {summary.map((c) =>
              c.kind === 'numeric' ? (
                <li key={c.column}>
                  <strong>{c.column}</strong>: mean {fmt(c.mean)} ± {fmt(c.standardError)} over {c.count} records
                </li>
              ) : (
                <li key={c.column}>
                  <strong>{c.column}</strong>:{' '}
                  {Object.entries(c.histogram)
                    .map(([value, share]) => `${value} ${(Math.max(0, share) * 100).toFixed(1)}%`)
                    .join(', ')}
                </li>
              ),
            )}
          </ul>
        </div>
      )}
      {preview && (
        <div className="dp-preview" aria-label="Expected error">
          <h3>Expected error</h3>
          <ul>
            {preview.columns
              .filter((c) => c.mechanism !== null)
              .map((c) => (
                <li key={c.column} data-column={c.column}>
                  <strong>{c.column}</strong> ({c.mechanism}, ε {fmt(c.epsilon)}):{' '}
                  {c.probabilityOfTruth !== undefined
                    ? `true value kept with probability ${fmt(c.probabilityOfTruth)}`
                    : `typical error ±${fmt(c.expectedAbsoluteError)} (σ ${fmt(c.standardDeviation)})`}
                </li>
              ))}
          </ul>
          <h3>Budget after applying</h3>
          <BudgetTable status={preview.budgetAfter} label="Budget after applying" />
          {!preview.isWithinBudget && <p className="warning">This would pass a cap: applying will be refused.</p>}
        </div>
      )}
      <div className="actions">
        <button type="button" onClick={() => void run('preview')} disabled={active === 0}>
          Preview
        </button>
        <button type="button" className="primary" onClick={() => void run('apply')} disabled={active === 0}>
          Apply noise
        </button>
      </div>
      <h3>Privacy budget</h3>
      {budget ? <BudgetTable status={budget} /> : <p className="muted">Loading…</p>}
      {entries.length > 0 && (
        <ul className="ledger" aria-label="Ledger">
          {entries.map((e) => (
            <li key={e.id}>
              {new Date(e.createdAt).toLocaleString()} · {e.operation} · {e.mechanism} · ε {fmt(e.epsilon)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
