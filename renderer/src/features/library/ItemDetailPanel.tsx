import { useEffect, useState } from 'react';
import type { ItemDetail } from '../../../../shared/api/library';
import type { AppError } from '../../../../shared/errors';
import { formatBytes } from '../../../../shared/import-rules';
import { useApi } from '../../api/ApiContext';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
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
