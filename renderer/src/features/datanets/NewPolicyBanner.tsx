import type { SharedDatanet } from '../../../../shared/api/datanets';
import { useMutation } from '../../api/useContract';
import { ErrorNote } from '../../components/ErrorNote';
import { PolicyChanges } from './PolicySummary';

/** Says that a new on-chain policy version arrived and what changed, until dismissed. */
export function NewPolicyBanner({ shared, onDismissed }: { shared: SharedDatanet; onDismissed: (next: SharedDatanet) => void }) {
  const acknowledging = useMutation('datanets.acknowledgePolicy');
  const notice = shared.newVersion;
  if (!notice) return null;
  return (
    <div className="banner policy-banner" role="region" aria-label="New policy version">
      <p>
        <strong>
          New policy version {notice.toVersion} (was {notice.fromVersion})
        </strong>{' '}
        — preflight, quota and anonymisation now follow it.
      </p>
      <PolicyChanges changes={notice.changes} label="What changed" />
      <ErrorNote error={acknowledging.error} onDismiss={acknowledging.reset} />
      <button
        type="button"
        onClick={() =>
          void acknowledging.run({ id: shared.id }).then((r) => {
            if (r.isOk) onDismissed(r.value);
          })
        }
      >
        Dismiss
      </button>
    </div>
  );
}
