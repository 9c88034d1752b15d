import { useEffect, useState } from 'react';
import type { ItemSummary } from '../../../../shared/api/library';
import type { AppError } from '../../../../shared/errors';
import { useApi } from '../../api/ApiContext';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
import { Modal } from '../../components/Modal';

/**
 * Picks items of the Datanet to share with the room. The host builds what goes in from each
 * item's latest anonymised version and refuses an item without one (`not_anonymised`).
 */
export function ShareItemsDialog({
  roomId,
  datanetId,
  onShared,
  onClose,
}: {
  roomId: string;
  datanetId: string;
  onShared: (update: string) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const [items, setItems] = useState<ItemSummary[] | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [isSharing, setIsSharing] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    void api.call('items.list', { datanetId }).then(setItems, (e: unknown) => setError(toAppError(e)));
  }, [api, datanetId]);

  const share = async (): Promise<void> => {
    setIsSharing(true);
    setError(null);
    try {
      for (const itemId of selected) {
        const result = await api.call('rooms.shareItem', { id: roomId, itemId });
        if (!result.isAlreadyShared) onShared(result.update);
      }
      onClose();
    } catch (e) {
      setError(toAppError(e));
    } finally {
      setIsSharing(false);
    }
  };

  return (
    <Modal title="Share items with the room" onClose={onClose}>
      <p className="muted">Only the anonymised version of an item is shared: its text and hashes, never the original or its file name.</p>
      {items === null ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p className="muted">This Datanet has no items yet: import some in the Library.</p>
      ) : (
        <ul className="share-list" aria-label="Items">
          {items.map((item) => (
            <li key={item.id}>
              <label>
                <input
                  type="checkbox"
                  checked={selected.has(item.id)}
                  onChange={(e) => {
                    const next = new Set(selected);
                    if (e.target.checked) next.add(item.id);
                    else next.delete(item.id);
                    setSelected(next);
                  }}
                />{' '}
                {item.name} <span className="muted small">({item.status})</span>
              </label>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={selected.size === 0 || isSharing} onClick={() => void share()}>
          {isSharing ? 'Sharing…' : `Share ${selected.size || ''}`.trim()}
        </button>
      </div>
    </Modal>
  );
}
