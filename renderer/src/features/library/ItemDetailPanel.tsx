import { useCallback, useEffect, useState } from 'react';
import type { ItemDetail, ShareOriginalState } from '../../../../shared/api/library';
import type { AppError } from '../../../../shared/errors';
import { formatBytes } from '../../../../shared/import-rules';
import { useApi } from '../../api/ApiContext';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
import { Modal } from '../../components/Modal';
import { DpPanel } from '../dp/DpPanel';
import { ItemQualityBlock } from '../embeddings/ItemQualityBlock';
import { AnonymisePanel } from '../anonymise/AnonymisePanel';
import type { Policy } from '../../../../shared/policy';

export type DetailTab = 'preview' | 'privacy' | 'anonymise';

export function ItemDetailPanel({
  id,
  policy,
  initialTab = 'preview',
  onClose,
  onRemoved,
}: {
  id: string;
  policy: Policy;
  /** The tab shown first (the library's Anonymise button opens the item on its Anonymise tab). */
  initialTab?: DetailTab;
  onClose: () => void;
  onRemoved: () => void;
}) {
  const api = useApi();
  const [item, setItem] = useState<ItemDetail | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [tab, setTab] = useState<DetailTab>(initialTab);
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    let isCurrent = true;
    api.call('items.get', { id }).then(
      (d) => isCurrent && setItem(d),
      (e: unknown) => isCurrent && setError(toAppError(e)),
    );
    return () => {
      isCurrent = false;
    };
  }, [api, id, revision]);

  const remove = async (): Promise<void> => {
    if (!item || !window.confirm(`Remove "${item.name}" from this Datanet?`)) return;
    try {
      await api.call('items.remove', { id });
      onRemoved();
    } catch (e) {
      setError(toAppError(e));
    }
  };

  return (
    <aside className={`item-detail${tab === 'privacy' ? ' wide' : ''}${tab === 'anonymise' ? ' anon-wide' : ''}`} aria-label="Item detail">
      <header>
        <h2>{item?.name ?? '…'}</h2>
        <button type="button" className="link" onClick={onClose} aria-label="Close detail">
          ×
        </button>
      </header>
      <ErrorNote error={error} />
      <div role="tablist" className="tabs small-tabs">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'preview'}
          className={tab === 'preview' ? 'active' : ''}
          onClick={() => setTab('preview')}
        >
          Preview
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'privacy'}
          className={tab === 'privacy' ? 'active' : ''}
          onClick={() => setTab('privacy')}
        >
          Privacy
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'anonymise'}
          className={tab === 'anonymise' ? 'active' : ''}
          onClick={() => setTab('anonymise')}
        >
          Anonymise
        </button>
      </div>
      {item && tab === 'anonymise' && <AnonymisePanel item={item} onExported={() => setRevision((r) => r + 1)} />}
      {item &&
        tab === 'privacy' &&
        (item.kind === 'table' ? (
          <DpPanel item={item} policy={policy} onApplied={() => setRevision((r) => r + 1)} />
        ) : (
          <p className="note" role="note">
            Differential privacy is not applied to free text: noise added to prose does not hide who it is about. Text items are protected
            by anonymisation (detecting and replacing personal data) instead.
          </p>
        ))}
      {item && tab === 'preview' && (
        <>
          <dl className="facts">
            <dt>Path</dt>
            <dd>{item.relativePath}</dd>
            <dt>Type</dt>
            <dd>
              .{item.type} ({item.mediaType})
            </dd>
            <dt>Size</dt>
            <dd>{formatBytes(item.size)}</dd>
            <dt>sha256</dt>
            <dd className="mono">{item.sha256}</dd>
            {item.pages !== null && (
              <>
                <dt>Pages</dt>
                <dd>{item.pages}</dd>
              </>
            )}
          </dl>
          {!policy.anonymisation.required && <ShareOriginalBlock item={item} onAnonymise={() => setTab('anonymise')} />}
          <ItemQualityBlock itemId={item.id} />
          {item.table ? (
            <div className="table-preview">
              <p className="muted small">
                {item.table.rowCount} rows × {item.table.columns.length} columns
                {item.table.rowCount > item.table.rows.length ? ` (first ${item.table.rows.length} shown)` : ''}
              </p>
              <div className="scroll">
                <table aria-label="Table preview">
                  <thead>
                    <tr>
                      {item.table.columns.map((c, i) => (
                        <th key={i}>{c}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {item.table.rows.map((row, r) => (
                      <tr key={r}>
                        {row.map((cell, c) => (
                          <td key={c}>{cell}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          ) : (
            <div className="text-preview">
              {item.textLength !== null && item.textPreview !== null && item.textLength > item.textPreview.length && (
                <p className="muted small">
                  First {item.textPreview.length.toLocaleString()} of {item.textLength.toLocaleString()} characters.
                </p>
              )}
              <pre aria-label="Text preview">{item.textPreview}</pre>
            </div>
          )}
          <div className="actions">
            <button type="button" className="danger" onClick={() => void remove()}>
              Remove item
            </button>
          </div>
        </>
      )}
    </aside>
  );
}

/**
 * Where a Datanet accepts un-anonymised files, the original still leaves only after the
 * contributor says so here, in a dialog naming the file and the Datanet; stopping is one click.
 */
function ShareOriginalBlock({ item, onAnonymise }: { item: ItemDetail; onAnonymise: () => void }) {
  const api = useApi();
  const [state, setState] = useState<ShareOriginalState | null>(null);
  const [datanetName, setDatanetName] = useState('');
  const [isConfirming, setIsConfirming] = useState(false);
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    let isCurrent = true;
    Promise.all([api.call('items.shareOriginalStatus', { id: item.id }), api.call('datanets.get', { id: item.datanetId })]).then(
      ([s, d]) => {
        if (!isCurrent) return;
        setState(s);
        setDatanetName(d.name);
      },
      (e: unknown) => isCurrent && setError(toAppError(e)),
    );
    return () => {
      isCurrent = false;
    };
  }, [api, item.id, item.datanetId]);

  const closeDialog = useCallback(() => setIsConfirming(false), []);

  const set = async (isShared: boolean): Promise<void> => {
    setIsBusy(true);
    try {
      setState(await api.call('items.setShareOriginal', isShared ? { id: item.id, isShared, confirm: true } : { id: item.id, isShared }));
      setIsConfirming(false);
    } catch (e) {
      setError(toAppError(e));
    } finally {
      setIsBusy(false);
    }
  };

  // Once a version exists, that version is what is sent; the block matters only for a mark left behind.
  if (state === null || (item.status !== 'imported' && !state.isShared)) return <ErrorNote error={error} />;
  return (
    <section className="share-original" aria-label="Sending the original">
      {state.isShared ? (
        <p className="note" role="note">
          The un-anonymised original is marked to be sent to “{datanetName}” when you submit it
          {state.markedAt ? ` (since ${new Date(state.markedAt).toLocaleString()})` : ''}.
        </p>
      ) : (
        <p className="note" role="note">
          “{datanetName}” does not require anonymisation, but the original is never sent without your consent. Anonymise the item, or share
          the original as it is.
        </p>
      )}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <div className="actions">
        {state.isShared ? (
          <button type="button" disabled={isBusy} onClick={() => void set(false)}>
            Stop sharing original
          </button>
        ) : (
          <>
            <button type="button" onClick={onAnonymise}>
              Anonymise…
            </button>
            <button type="button" disabled={isBusy} onClick={() => setIsConfirming(true)}>
              Share original…
            </button>
          </>
        )}
      </div>
      {isConfirming && (
        <Modal title="Share the original?" onClose={closeDialog}>
          <p>
            The un-anonymised bytes of <strong>{item.name}</strong> ({formatBytes(item.size)}) will leave this machine and go to the Datanet{' '}
            <strong>{datanetName}</strong> when you submit it. Nothing in it is detected or replaced.
          </p>
          <p className="muted small">You can stop sharing it at any time before you submit. This decision is recorded in the audit log.</p>
          <div className="actions">
            <button type="button" onClick={closeDialog}>
              Cancel
            </button>
            <button type="button" className="danger" disabled={isBusy} onClick={() => void set(true)}>
              Share original
            </button>
          </div>
        </Modal>
      )}
    </section>
  );
}
