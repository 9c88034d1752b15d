import { useState, type FormEvent } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import type { AppError } from '../../../../shared/errors';
import { useApi } from '../../api/ApiContext';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
import { Modal } from '../../components/Modal';

export function CreateDatanetDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (d: Datanet) => void }) {
  const api = useApi();
  const [name, setName] = useState('');
  const [domain, setDomain] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setIsBusy(true);
    try {
      onCreated(await api.call('datanets.create', { name, domain, description }));
    } catch (err) {
      setError(toAppError(err));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <Modal title="New Datanet" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} className="form">
        <label>
          Name
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />
        </label>
        <label>
          Domain
          <input name="domain" value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="e.g. clinical notes" />
        </label>
        <label>
          Description
          <textarea name="description" value={description} onChange={(e) => setDescription(e.target.value)} rows={3} />
        </label>
        <p className="muted small">
          It starts with the default policy: 10 MB per day, 20 files per submission, anonymisation required. You can change it later.
        </p>
        <ErrorNote error={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={isBusy}>
            Create
          </button>
        </div>
      </form>
    </Modal>
  );
}
