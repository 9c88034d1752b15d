import type { ImportRun } from './useImporter';

/** Progress of a running import, then its outcome per file with each refusal's code and reason. */
export function ImportPanel({ run, onCancel, onClose }: { run: ImportRun; onCancel: () => void; onClose: () => void }) {
  if (run.total === 0 && !run.isRunning && !run.error) return null;
  const count = (status: string): number => run.results.filter((r) => r.status === status).length;
  return (
    <section className="import-panel" aria-label="Import">
      <div className="import-head">
        {run.isRunning ? (
          <>
            <progress max={run.total || undefined} value={run.total ? run.done : undefined} aria-label="Import progress" />
            <span role="status">
              {run.total === 0
                ? 'Preparing the import…'
                : `Importing ${Math.min(run.done + 1, run.total)} of ${run.total}${run.current ? `: ${run.current}` : ''}`}
            </span>
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <span role="status" className="import-summary">
              {run.error ? (
                `Import failed: ${run.error.message}`
              ) : (
                <>
                  {run.isCancelled ? 'Import cancelled. ' : 'Import finished. '}
                  {count('imported')} imported, {count('duplicate')} duplicate, {count('rejected')} rejected
                  {run.isCancelled ? `, ${run.total - run.done} not started` : ''}.
                </>
              )}
            </span>
            <button type="button" onClick={onClose}>
              Close
            </button>
          </>
        )}
      </div>
      {run.results.some((r) => r.status !== 'imported') && (
        <ul className="import-results">
          {run.results
            .filter((r) => r.status !== 'imported')
            .map((r, i) => (
              <li key={`${r.path}-${i}`} className={`result-${r.status}`} data-path={r.path}>
                <span className="path">{r.path}</span>
                <span className="code">{r.status === 'duplicate' ? 'duplicate' : r.code}</span>
                <span className="message">{r.message}</span>
              </li>
            ))}
        </ul>
      )}
    </section>
  );
}
