import { useState, type FormEvent } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import type { AppError } from '../../../../shared/errors';
import { useApi } from '../../api/ApiContext';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
import { Modal } from '../../components/Modal';
import { FILE_TYPES, STRUCTURED_TYPES } from '../../../../shared/file-types';
import { defaultPolicy } from '../../../../shared/policy';

/**
 * The registry's data type is fixed at publishing and follows the accepted file types (a Datanet
 * accepting only tables publishes as a table one), so choosing a type here sets those types.
 * Image and audio Datanets exist on chain, but the library cannot import such files yet.
 */
const DATA_TYPE_FILES = {
  any: [...FILE_TYPES],
  text: FILE_TYPES.filter((t) => !STRUCTURED_TYPES.includes(t)),
  table: [...STRUCTURED_TYPES],
} as const;
type CreatableType = keyof typeof DATA_TYPE_FILES;

export function CreateDatanetDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (d: Datanet) => void }) {
  const api = useApi();
  const [name, setName] = useState('');
  const [domain, setDomain] = useState('');
  const [description, setDescription] = useState('');
  const [dataType, setDataType] = useState<CreatableType>('any');
  const [error, setError] = useState<AppError | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setIsBusy(true);
    try {
      const policy = dataType === 'any' ? undefined : { ...defaultPolicy(), acceptedTypes: [...DATA_TYPE_FILES[dataType]] };
      onCreated(await api.call('datanets.create', { name, domain, description, ...(policy ? { policy } : {}) }));
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
          Data type
          <select name="dataType" value={dataType} onChange={(e) => setDataType(e.target.value as CreatableType)}>
            <option value="any">Text and tables (published as Text)</option>
            <option value="text">Text (.txt, .md, .pdf, .docx)</option>
            <option value="table">Table (.csv, .json, .jsonl)</option>
            <option value="image" disabled>
              Image (not importable yet)
            </option>
            <option value="audio" disabled>
              Audio (not importable yet)
            </option>
          </select>
        </label>
        <label>
          Description
          <textarea name="description" value={description} onChange={(e) => setDescription(e.target.value)} rows={3} />
        </label>
        <p className="muted small">
          It starts with the default policy: 10 MB per day, 20 files per submission, anonymisation required. You can change it later; the
          data type is fixed once the Datanet is published.
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
