import { useEffect, useState, type FormEvent } from 'react';
import type { AppError } from '../../../../shared/errors';
import { useApi } from '../../api/ApiContext';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
import { AuditLogBlock } from '../audit/AuditLogBlock';
import { ModelStatusBlock } from '../embeddings/ModelStatusBlock';

/** The contributor's overall privacy budget across every Datanet. */
function PrivacyBudgetSettings() {
  const api = useApi();
  const [cap, setCap] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  useEffect(() => {
    api.call('dp.contributorCap', {}).then(
      (r) => setCap(r.epsilonCap === null ? '' : String(r.epsilonCap)),
      (e: unknown) => setError(toAppError(e)),
    );
  }, [api]);
  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api.call('dp.setContributorCap', { epsilonCap: cap.trim() === '' ? null : Number(cap) });
      setStatus(r.epsilonCap === null ? 'No overall cap.' : `Overall cap set to ε ${r.epsilonCap}.`);
    } catch (err) {
      setError(toAppError(err));
    }
  };
  return (
    <form className="form" onSubmit={(e) => void save(e)} aria-label="Privacy budget settings">
      <fieldset>
        <legend>Privacy budget</legend>
        <p className="muted small">
          Every application of differential privacy spends ε. Each Datanet caps what one dataset and the whole Datanet may spend; this caps
          what you spend across all Datanets together.
        </p>
        <label>
          Overall ε cap (empty: none)
          <input type="number" min="0" step="any" value={cap} onChange={(e) => setCap(e.target.value)} />
        </label>
        <ErrorNote error={error} onDismiss={() => setError(null)} />
        {status && <p role="status">{status}</p>}
        <div className="actions">
          <button type="submit" className="primary">
            Save
          </button>
        </div>
      </fieldset>
    </form>
  );
}

/** App-wide settings. Sections of other features are mounted here. */
export function SettingsView() {
  return (
    <section className="settings" aria-label="Settings">
      <h1>Settings</h1>
      <PrivacyBudgetSettings />
      <ModelStatusBlock />
      <AuditLogBlock />
    </section>
  );
}
