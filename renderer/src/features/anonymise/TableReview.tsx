import { useCallback, useEffect, useState } from 'react';
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
import { useApi, useEvent } from '../../api/ApiContext';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
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
  const api = useApi();
  const detection = useDetectionRun(itemId);
  const [review, setReview] = useState<TableReviewState | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [exported, setExported] = useState<ExportResult | null>(null);
  const [isExporting, setIsExporting] = useState(false);

  const refresh = useCallback(() => {
    api.call('anonymise.columns', { itemId }).then(setReview, (e: unknown) => setError(toAppError(e)));
  }, [api, itemId]);
  useEffect(refresh, [refresh, detection.run.outcome]);
  useEvent(
    'anonymise.changed',
    useCallback((p: { itemId: string }) => p.itemId === itemId && refresh(), [itemId, refresh]),
  );

  const setPolicy = async (
    column: string,
    change: { action?: ColumnAction; generalisation?: Generalisation | null; isQuasiIdentifier?: boolean },
  ): Promise<void> => {
    setError(null);
    setRefusal(null);
    try {
      const next = await api.call('anonymise.setColumnPolicy', { itemId, column, ...change });
      setReview((r) => r && { ...r, columns: r.columns.map((c) => (c.column === column ? next : c)) });
    } catch (e) {
      setError(toAppError(e));
      refresh();
    }
  };

  const exportVersion = async (): Promise<void> => {
    setIsExporting(true);
    setError(null);
    setRefusal(null);
    try {
      setExported(await api.call('anonymise.export', { itemId }));
      onExported?.();
    } catch (e) {
      const err = toAppError(e);
      const r = refusalOf(err);
      if (r) setRefusal(r);
      else setError(err);
      setExported(null);
    } finally {
      setIsExporting(false);
    }
  };

  const run = detection.run;
  if (!review) {
    return (
      <section className="anon-panel" aria-label="Anonymise">
        <ErrorNote error={error} onDismiss={() => setError(null)} />
        {!error && <p className="muted">Loading…</p>}
      </section>
    );
  }
  const isRunning = run.isRunning || review.state === 'running';
  const k = review.kCheck;

  return (
    <section className="anon-panel" aria-label="Anonymise">
      <ErrorNote error={error ?? run.error} onDismiss={() => (error ? setError(null) : detection.clear())} />
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
        <button type="button" className="primary" onClick={() => void exportVersion()} disabled={isExporting || isRunning}>
          {isExporting ? 'Exporting…' : 'Export anonymised version'}
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
