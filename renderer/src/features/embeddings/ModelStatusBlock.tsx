import { useState, type FormEvent } from 'react';
import type { EmbeddingStatus } from '../../../../shared/api/embeddings';
import { useActions, useQuery, type MutationResult } from '../../api/useContract';
import { ErrorNote } from '../../components/ErrorNote';
import { SOURCE_LABELS, shortVersion } from './format';
import './embeddings.css';

/** Settings for the embedding model: which one is active and from where, a model folder, import for air-gapped machines, network use. */
export function ModelStatusBlock() {
  const query = useQuery('embeddings.status', {});
  const status = query.data ?? null;
  const actions = useActions();
  const isBusy = actions.isRunning;
  // null: show the stored folder; the reviewer's typing replaces it until the next save.
  const [editedFolder, setFolder] = useState<string | null>(null);
  const folder = editedFolder ?? status?.settings.modelDir ?? '';
  const [importPath, setImportPath] = useState('');
  const [note, setNote] = useState('');

  const act = async (work: Promise<MutationResult<EmbeddingStatus>>, done: string): Promise<void> => {
    query.clearError();
    setNote('');
    const result = await work;
    if (!result.isOk) return;
    // The answer is the whole status; without a first one there is nothing to replace, so read it.
    if (status) query.setData(() => result.value);
    else query.retry();
    setFolder(null);
    setNote(done);
  };

  const saveFolder = (e: FormEvent): void => {
    e.preventDefault();
    void act(actions.call('embeddings.configure', { modelDir: folder.trim() === '' ? null : folder.trim() }), 'Model folder saved.');
  };
  const importFolder = (e: FormEvent): void => {
    e.preventDefault();
    if (!importPath.trim()) return;
    void act(actions.call('embeddings.importModel', { path: importPath.trim() }), 'Model imported into this computer’s cache.');
  };
  const error = actions.error ?? query.error;

  return (
    <section className="embeddings-block form" aria-label="Embedding model">
      <h3>Embedding model</h3>
      {status && (
        <dl className="facts" aria-label="Model status">
          <dt>Model</dt>
          <dd>{status.modelId}</dd>
          <dt>Source</dt>
          <dd>{SOURCE_LABELS[status.source]}</dd>
          <dt>Version</dt>
          <dd className="mono" title={status.modelVersion ?? undefined}>
            {shortVersion(status.modelVersion)}
            {status.dtype ? ` (${status.dtype})` : ''}
          </dd>
          <dt>State</dt>
          <dd role="status">{status.isUsable ? 'Ready' : `Not usable: ${status.reason ?? 'unknown reason'}`}</dd>
        </dl>
      )}
      {status?.overrideDir && (
        <p className="small muted">A model folder given at start-up ({status.overrideDir}) overrides these settings.</p>
      )}
      <form onSubmit={saveFolder}>
        <label>
          Model folder (empty: use the bundled or imported model)
          <input type="text" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/path/to/all-MiniLM-L6-v2" />
        </label>
        <div className="actions">
          <button type="submit" disabled={isBusy}>
            Save folder
          </button>
        </div>
      </form>
      <form onSubmit={importFolder}>
        <label>
          Import a model folder (copied into this computer’s cache, for machines without network)
          <input type="text" value={importPath} onChange={(e) => setImportPath(e.target.value)} placeholder="/media/usb/all-MiniLM-L6-v2" />
        </label>
        <div className="actions">
          <button type="submit" disabled={isBusy || !importPath.trim()}>
            Import model
          </button>
        </div>
      </form>
      <label className="check">
        <input
          type="checkbox"
          checked={status?.settings.allowNetwork ?? false}
          disabled={isBusy || !status}
          onChange={(e) => {
            const allowNetwork = e.target.checked;
            void act(actions.call('embeddings.configure', { allowNetwork }), allowNetwork ? 'Downloads allowed.' : 'Downloads turned off.');
          }}
        />{' '}
        Allow downloading the model from the Hugging Face hub
      </label>
      {note && (
        <p className="small muted" role="status">
          {note}
        </p>
      )}
      <ErrorNote
        error={error}
        onDismiss={() => {
          actions.reset();
          query.clearError();
        }}
      />
    </section>
  );
}
