import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../../api/useContract';
import { ErrorNote } from '../../components/ErrorNote';
import { AuditLogBlock } from '../audit/AuditLogBlock';
import { ModelStatusBlock } from '../embeddings/ModelStatusBlock';

/** The contributor's overall privacy budget across every Datanet. */
function PrivacyBudgetSettings() {
  const stored = useQuery('dp.contributorCap', {});
  const saving = useMutation('dp.setContributorCap');
  // null: show the stored cap until the contributor types.
  const [editedCap, setCap] = useState<string | null>(null);
  const storedCap = stored.data?.epsilonCap;
  const cap = editedCap ?? (storedCap === undefined || storedCap === null ? '' : String(storedCap));
  const [status, setStatus] = useState('');
  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    stored.clearError();
    const done = await saving.run({ epsilonCap: cap.trim() === '' ? null : Number(cap) });
    if (done.isOk) setStatus(done.value.epsilonCap === null ? 'No overall cap.' : `Overall cap set to ε ${done.value.epsilonCap}.`);
  };
  const error = saving.error ?? stored.error;
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
        <ErrorNote
          error={error}
          onDismiss={() => {
            saving.reset();
            stored.clearError();
          }}
        />
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
