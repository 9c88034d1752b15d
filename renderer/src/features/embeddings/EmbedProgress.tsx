import { ErrorNote } from '../../components/ErrorNote';
import './embeddings.css';
import { useEmbeddingRun } from './useEmbeddingRun';

/** A button that embeds a Datanet's changed items, with a progress bar and Cancel while it runs. */
export function EmbedProgress({ datanetId, onFinished }: { datanetId?: string; onFinished?: () => void }) {
  const { run, start, cancel, clear } = useEmbeddingRun(datanetId);
  const p = run.progress;
  const phase = p?.phase ?? (run.isRunning ? 'loading' : null);
  const begin = async (): Promise<void> => {
    await start();
    onFinished?.();
  };
  return (
    <div className="embed-progress" aria-label="Embedding">
      {run.isRunning ? (
        <>
          <progress max={Math.max(1, p?.itemsTotal ?? 1)} value={p?.itemsDone ?? 0} aria-label="Embedding progress" />
          <span role="status" className="small">
            {phase === 'loading'
              ? 'Loading the model…'
              : `${p?.itemsDone ?? 0} of ${p?.itemsTotal ?? 0} items · ${p?.chunksDone ?? 0} chunks`}
          </span>
          <button type="button" onClick={() => void cancel()}>
            Cancel
          </button>
        </>
      ) : (
        <>
          <button type="button" className="primary" onClick={() => void begin()}>
            Embed items
          </button>
          {run.result && (
            <span role="status" className="small muted">
              {run.result.cancelled ? 'Cancelled: ' : 'Done: '}
              {run.result.embedded} embedded, {run.result.skipped} unchanged
              {run.result.failed.length > 0 ? `, ${run.result.failed.length} failed` : ''}.
            </span>
          )}
        </>
      )}
      <ErrorNote error={run.error} onDismiss={clear} />
    </div>
  );
}
