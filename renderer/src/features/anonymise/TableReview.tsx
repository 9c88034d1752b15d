import { useEffect, useRef, useState } from 'react';
import type { ColumnSummary, ExportResult, TableReview as TableReviewState } from '../../../../shared/api/anonymise';
import type { AppError } from '../../../../shared/errors';
import {
  COLUMN_ACTIONS,
  GENERALISATIONS,
  kGroupSchema,
  type ColumnAction,
  type Generalisation,
  type KGroup,
} from '../../../../shared/pii/tables';
import { useActions, useMutation, useQuery } from '../../api/useContract';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { COLUMN_ACTION_NAMES, GENERALISATION_NAMES, percent, TYPE_NAMES } from './entity-style';
import { ReportView } from './ReportView';
import { useDetectionRun } from './useDetectionRun';
import { DetectionToolbar } from './DetectionToolbar';

type Refusal = { k: number; groups: KGroup[]; groupsTotal: number; rowsAtRisk: number; message: string };

/** The offending groups a k-anonymity refusal carries in its details, read defensively (details are untyped on the wire). */
function refusalOf(error: AppError): Refusal | null {
  if (error.code !== 'k_anonymity_violation') return null;
  const d = error.details ?? {};
  const groups = Array.isArray(d.groups) ? d.groups.flatMap((g) => (kGroupSchema.safeParse(g).success ? [g as KGroup] : [])) : [];
  return {
    k: typeof d.k === 'number' ? d.k : 0,
    groups,
    groupsTotal: typeof d.groupsTotal === 'number' ? d.groupsTotal : groups.length,
    rowsAtRisk: typeof d.rowsAtRisk === 'number' ? d.rowsAtRisk : 0,
    message: error.message,
  };
}

/** Review of a table item: what each column holds, its policy, the quasi-identifiers and the k-anonymity check. */
export function TableReview({ itemId, onExported }: { itemId: string; onExported?: () => void }) {
  const detection = useDetectionRun(itemId);
  const columns = useQuery(
    'anonymise.columns',
    { itemId },
    { refreshOn: [{ event: 'anonymise.changed', when: (p) => p.itemId === itemId }] },
  );
  const review: TableReviewState | null = columns.data ?? null;
  const actions = useActions();
  const exporting = useMutation('anonymise.export');
  const [exported, setExported] = useState<ExportResult | null>(null);

  // A finished scan brings new detections: read the columns again.
  const lastOutcome = useRef(detection.run.outcome);
  const { retry: reload } = columns;
  useEffect(() => {
    if (detection.run.outcome !== lastOutcome.current) {
      lastOutcome.current = detection.run.outcome;
      reload();
    }
  }, [detection.run.outcome, reload]);

  const setPolicy = async (
    column: string,
    change: { action?: ColumnAction; generalisation?: Generalisation | null; isQuasiIdentifier?: boolean },
  ): Promise<void> => {
    exporting.reset();
    columns.clearError();
    const done = await actions.call('anonymise.setColumnPolicy', { itemId, column, ...change });
    if (done.isOk) columns.setData((r) => ({ ...r, columns: r.columns.map((c) => (c.column === column ? done.value : c)) }));
    else reload();
  };

  const exportVersion = async (): Promise<void> => {
    actions.reset();
    columns.clearError();
    const done = await exporting.run({ itemId });
    if (done.isOk) {
      setExported(done.value);
      onExported?.();
    } else setExported(null);
  };

  // A k-anonymity refusal is shown with its groups instead of as a plain error.
  const refusal = exporting.error ? refusalOf(exporting.error) : null;
  const error = actions.error ?? (refusal ? null : exporting.error) ?? columns.error;
  const dismiss = (): void => {
    if (!error) return detection.clear();
    actions.reset();
    if (!refusal) exporting.reset();
    columns.clearError();
  };

  const run = detection.run;
  if (!review) {
    return (
      <section className="anon-panel" aria-label="Anonymise">
        <ErrorNote error={error} onDismiss={dismiss} />
        {!error && <p className="muted">Loading…</p>}
      </section>
    );
  }
  const isRunning = run.isRunning || review.state === 'running';
  const k = review.kCheck;

  return (
    <section className="anon-panel" aria-label="Anonymise">
      <ErrorNote error={error ?? run.error} onDismiss={dismiss} />
      {review.isRequired && <p className="small muted">This Datanet requires an anonymised version before an item can be submitted.</p>}
      <DetectionToolbar
        detection={detection}
        isRunning={isRunning}
        hasStored={review.state !== 'none'}
        runningText="Scanning columns…"
        startLabel="Scan columns for personal data"
        againLabel="Scan again"
        cancelledText="Cancelled: the stored scan is as it was."
        doneText={(n) => `Done: ${n} detections in the sampled cells.`}
      />
      {review.state === 'none' && !isRunning && (
        <EmptyState title="Columns not scanned yet">
          <p>Scan the columns to see what personal data each holds. The policies below start from the column names until then.</p>
        </EmptyState>
      )}
      {review.columns.length === 0 ? (
        <EmptyState title="This table has no columns" />
      ) : (
        <div className="scroll">
          <table className="anon-table anon-columns" aria-label="Column policies">
            <thead>
              <tr>
                <th>Column</th>
                <th>Found</th>
                <th>Policy</th>
                <th>Quasi-identifier</th>
              </tr>
            </thead>
            <tbody>
              {review.columns.map((c) => (
                <ColumnRow key={c.column} column={c} onChange={(change) => void setPolicy(c.column, change)} />
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div className={`anon-k ${k.isSatisfied ? 'ok' : 'bad'}`} aria-label="k-anonymity" role="status">
        {k.quasiIdentifiers.length === 0 ? (
          <>No quasi-identifiers marked: the k-anonymity check (k = {k.k}) has nothing to group on.</>
        ) : k.isSatisfied ? (
          <>
            ✓ k-anonymous: every group over {k.quasiIdentifiers.join(', ')} has at least {k.k} rows (smallest {k.smallestGroup},{' '}
            {k.groupCount} groups).
          </>
        ) : (
          <>
            ✗ Not k-anonymous: {k.violationsTotal} of {k.groupCount} groups over {k.quasiIdentifiers.join(', ')} have fewer than {k.k} rows
            ({k.rowsAtRisk} rows at risk). Generalise or drop a quasi-identifier.
          </>
        )}
      </div>

      {refusal && (
        <div className="error-note anon-refusal" role="alert" data-code="k_anonymity_violation">
          <span className="code">k_anonymity_violation</span>
          <span className="message">
            Export refused: {refusal.groupsTotal} group(s) smaller than k = {refusal.k}, {refusal.rowsAtRisk} rows at risk.
          </span>
          <table className="anon-table" aria-label="Offending groups">
            <thead>
              <tr>
                {Object.keys(refusal.groups[0]?.values ?? {}).map((q) => (
                  <th key={q}>{q}</th>
                ))}
                <th>Rows</th>
              </tr>
            </thead>
            <tbody>
              {refusal.groups.map((g, i) => (
                <tr key={i}>
                  {Object.entries(g.values).map(([q, v]) => (
                    <td key={q}>{v === '' ? '(empty)' : v}</td>
                  ))}
                  <td className="size">{g.size}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {refusal.groupsTotal > refusal.groups.length && <p className="small">…and {refusal.groupsTotal - refusal.groups.length} more.</p>}
        </div>
      )}

      <div className="actions anon-actions">
        <button type="button" className="primary" onClick={() => void exportVersion()} disabled={exporting.isRunning || isRunning}>
          {exporting.isRunning ? 'Exporting…' : 'Export anonymised version'}
        </button>
      </div>
      {exported && <ReportView result={exported} />}
    </section>
  );
}

function ColumnRow({
  column: c,
  onChange,
}: {
  column: ColumnSummary;
  onChange: (change: { action?: ColumnAction; generalisation?: Generalisation | null; isQuasiIdentifier?: boolean }) => void;
}) {
  const p = c.policy;
  return (
    <tr data-column={c.column}>
      <th scope="row">{c.column}</th>
      <td className="small">
        {c.types.length === 0 ? (
          <span className="muted">nothing</span>
        ) : (
          <>
            {c.types.map((t) => `${TYPE_NAMES[t.type]} ${t.count}`).join(', ')}
            <span className="muted">
              {' '}
              · {c.detectedCells}/{c.sampleCount} cells ({percent(c.sampleCount ? c.detectedCells / c.sampleCount : 0)})
            </span>
          </>
        )}
      </td>
      <td className="nowrap">
        <select
          aria-label={`Policy of ${c.column}`}
          value={p.action}
          onChange={(e) => {
            const action = e.target.value as ColumnAction;
            // Generalise needs a target; start from the suggestion when it has one.
            onChange(
              action === 'generalise'
                ? { action, generalisation: p.generalisation ?? c.suggested.generalisation ?? 'age_band' }
                : { action },
            );
          }}
        >
          {COLUMN_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {COLUMN_ACTION_NAMES[a]}
            </option>
          ))}
        </select>
        {p.action === 'generalise' && (
          <select
            aria-label={`Generalisation of ${c.column}`}
            value={p.generalisation ?? 'age_band'}
            onChange={(e) => onChange({ action: 'generalise', generalisation: e.target.value as Generalisation })}
          >
            {GENERALISATIONS.map((g) => (
              <option key={g} value={g}>
                {GENERALISATION_NAMES[g]}
              </option>
            ))}
          </select>
        )}
        {c.suggested.action !== p.action && <span className="small muted"> suggested: {COLUMN_ACTION_NAMES[c.suggested.action]}</span>}
      </td>
      <td>
        <input
          type="checkbox"
          aria-label={`${c.column} is a quasi-identifier`}
          checked={p.isQuasiIdentifier}
          disabled={p.action === 'drop'}
          onChange={(e) => onChange({ isQuasiIdentifier: e.target.checked })}
        />
      </td>
    </tr>
  );
}
