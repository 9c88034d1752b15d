import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import { ITEM_STATUSES, type ItemStatus, type ItemSummary } from '../../../../shared/api/library';
import type { AppError } from '../../../../shared/errors';
import { FILE_TYPES, type FileType } from '../../../../shared/file-types';
import { formatBytes } from '../../../../shared/import-rules';
import { useApi, useEvent } from '../../api/ApiContext';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
import { filesFromDrop, filesFromInput } from './collect-files';
import { ImportPanel } from './ImportPanel';
import { ItemDetailPanel, type DetailTab } from './ItemDetailPanel';
import { useImporter } from './useImporter';

const ACCEPT = FILE_TYPES.map((t) => `.${t}`).join(',');

/** A Datanet's items with import, filters and the detail of one item (`initialItemId` opens one at once). */
export function LibraryView({ datanet, initialItemId }: { datanet: Datanet; initialItemId?: string }) {
  const api = useApi();
  const [items, setItems] = useState<ItemSummary[] | null>(null);
  const [type, setType] = useState<FileType | ''>('');
  const [status, setStatus] = useState<ItemStatus | ''>('');
  const [query, setQuery] = useState('');
  const [selectedId, setSelectedId] = useState<string | null>(initialItemId ?? null);
  const [openTab, setOpenTab] = useState<{ tab: DetailTab; seq: number }>({ tab: 'preview', seq: 0 });
  const [error, setError] = useState<AppError | null>(null);
  const [isDragging, setIsDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const importer = useImporter(datanet.id, datanet.policy);

  const refresh = useCallback(async () => {
    try {
      setItems(
        await api.call('items.list', {
          datanetId: datanet.id,
          ...(type ? { type } : {}),
          ...(status ? { status } : {}),
          ...(query ? { query } : {}),
        }),
      );
    } catch (e) {
      setError(toAppError(e));
    }
  }, [api, datanet.id, type, status, query]);

  useEffect(() => {
    void refresh();
  }, [refresh]);
  useEvent(
    'items.changed',
    useCallback((p: { datanetId: string }) => p.datanetId === datanet.id && void refresh(), [datanet.id, refresh]),
  );

  useEffect(() => {
    // `webkitdirectory` is not a React prop; set it on the element so this input picks folders.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    setIsDragging(false);
    importer.drop(e.dataTransfer, filesFromDrop);
  };

  return (
    <div
      className={`library${isDragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setIsDragging(true);
      }}
      onDragLeave={(e) => e.currentTarget === e.target && setIsDragging(false)}
      onDrop={onDrop}
    >
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          onClick={() => importer.pick('files', () => fileInput.current?.click())}
          disabled={importer.run.isRunning}
        >
          Import files…
        </button>
        <button type="button" onClick={() => importer.pick('folder', () => folderInput.current?.click())} disabled={importer.run.isRunning}>
          Import folder…
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          accept={ACCEPT}
          hidden
          data-testid="import-files-input"
          onChange={(e) => {
            const files = e.target.files ? filesFromInput(e.target.files) : [];
            e.target.value = '';
            void importer.start(files);
          }}
        />
        <input
          ref={folderInput}
          type="file"
          multiple
          hidden
          data-testid="import-folder-input"
          onChange={(e) => {
            const files = e.target.files ? filesFromInput(e.target.files) : [];
            e.target.value = '';
            void importer.start(files);
          }}
        />
        <span className="spacer" />
        <label className="inline">
          Type
          <select value={type} onChange={(e) => setType(e.target.value as FileType | '')} aria-label="Filter by type">
            <option value="">All</option>
            {FILE_TYPES.map((t) => (
              <option key={t} value={t}>
                .{t}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as ItemStatus | '')} aria-label="Filter by status">
            <option value="">All</option>
            {ITEM_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          placeholder="Search names"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          aria-label="Search items by name"
        />
      </div>
      <ImportPanel run={importer.run} onCancel={importer.cancel} onClose={importer.clear} />
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <div className="library-body">
        <div className="item-list">
          {items === null ? (
            <p className="muted">Loading…</p>
          ) : items.length === 0 ? (
            query || type || status ? (
              <EmptyState title="No items match">
                <p>Clear the search or the filters.</p>
              </EmptyState>
            ) : (
              <EmptyState title="This Datanet has no files yet">
                <p>
                  Import files or a whole folder, or drop them here. Datanet Desk reads {FILE_TYPES.map((t) => `.${t}`).join(' ')};
                  originals stay on this machine.
                </p>
              </EmptyState>
            )
          ) : (
            <table className="items" aria-label="Items">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>Size</th>
                  <th>Status</th>
                  <th>Imported</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr
                    key={item.id}
                    tabIndex={0}
                    className={item.id === selectedId ? 'selected' : ''}
                    aria-selected={item.id === selectedId}
                    onClick={() => {
                      setOpenTab((t) => ({ tab: 'preview', seq: t.seq }));
                      setSelectedId(item.id);
                    }}
                    onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && setSelectedId(item.id)}
                  >
                    <td className="name" title={item.relativePath}>
                      {item.name}
                    </td>
                    <td>.{item.type}</td>
                    <td>{formatBytes(item.size)}</td>
                    <td>
                      <span className={`status status-${item.status}`}>{item.status}</span>
                    </td>
                    <td>{new Date(item.createdAt).toLocaleString()}</td>
                    <td>
                      <button
                        type="button"
                        className="library-anon-button"
                        aria-label={`Anonymise ${item.name}`}
                        onClick={(e) => {
                          e.stopPropagation();
                          setOpenTab((t) => ({ tab: 'anonymise', seq: t.seq + 1 }));
                          setSelectedId(item.id);
                        }}
                        onKeyDown={(e) => e.stopPropagation()}
                      >
                        Anonymise
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        {selectedId && (
          <ItemDetailPanel
            key={`${selectedId}:${openTab.seq}`}
            id={selectedId}
            policy={datanet.policy}
            initialTab={openTab.tab}
            onClose={() => setSelectedId(null)}
            onRemoved={() => setSelectedId(null)}
          />
        )}
      </div>
    </div>
  );
}
