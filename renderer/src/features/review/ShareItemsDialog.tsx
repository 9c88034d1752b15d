import { useState } from 'react';
import { useApi } from '../../api/ApiContext';
import { useQuery, useTask } from '../../api/useContract';
import { ErrorNote } from '../../components/ErrorNote';
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
  const list = useQuery('items.list', { datanetId });
  const items = list.data ?? null;
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const sharing = useTask();
  const isSharing = sharing.isRunning;

  const share = async (): Promise<void> => {
    list.clearError();
    // One item after another: each answer carries the room update for that item, applied in order.
    const done = await sharing.run(async () => {
      for (const itemId of selected) {
        const result = await api.call('rooms.shareItem', { id: roomId, itemId });
        if (!result.isAlreadyShared) onShared(result.update);
      }
    });
    if (done.isOk) onClose();
  };
  const error = sharing.error ?? list.error;

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
      <ErrorNote
        error={error}
        onDismiss={() => {
          sharing.reset();
          list.clearError();
        }}
      />
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
