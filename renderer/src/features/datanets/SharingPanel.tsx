import type { SharedDatanet } from '../../../../shared/api/datanets';
import type { AppError } from '../../../../shared/errors';
import { useMutation, useQuery } from '../../api/useContract';
import { ErrorNote } from '../../components/ErrorNote';
import { PolicySummary } from './PolicySummary';

/** Wei (decimal string) as ETH, exact: no floating point between the chain's figure and the screen. */
export function formatEth(wei: string): string {
  const digits = wei.replace(/^0+(?=\d)/, '').padStart(19, '0');
  const whole = digits.slice(0, -18);
  const fraction = digits.slice(-18).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

const TYPE_LABELS: Record<NonNullable<SharedDatanet['dataType']>, string> = {
  text: 'Text',
  table: 'Table',
  image: 'Image',
  audio: 'Audio',
};

/** What a refused publish means for the user, beyond the message: the balance, the cap. */
function FeeHint({ error }: { error: AppError | null }) {
  if (!error) return null;
  const details = error.details ?? {};
  if (error.code === 'insufficient_funds' && typeof details.balanceWei === 'string') {
    return (
      <p className="small" data-testid="publish-balance">
        Wallet balance: {formatEth(details.balanceWei)} ETH
        {typeof details.neededWei === 'string' ? `; up to ${formatEth(details.neededWei)} ETH needed` : ''}. Fund the wallet in the Submit
        tab.
      </p>
    );
  }
  if (error.code === 'fee_cap_exceeded') {
    return <p className="small">The fee is above your cap: raise it under Settings → Wallet and fees, or try again when fees drop.</p>;
  }
  if (error.code === 'consent_required') return <p className="small">Nothing was signed or sent.</p>;
  return null;
}

/** A draft's Publish action, or a shared Datanet's place in the registry. */
export function SharingPanel({ shared, onChanged }: { shared: SharedDatanet; onChanged: () => void }) {
  const network = useQuery('network.get', {});
  const publishing = useMutation('datanets.publish');
  const profile = network.data?.profile ?? null;
  const dataType = shared.dataType;

  if (shared.onchainId === null) {
    return (
      <section className="sharing" aria-label="Publish">
        <h2>Publish this Datanet</h2>
        <p className="muted">
          It is a local draft, known on this machine only. Publishing records it in the network&rsquo;s Datanet registry, with your wallet
          as owner, so others can find it, join it and vote on its policy. Its items stay here.
        </p>
        <dl className="facts">
          <div>
            <dt>Network</dt>
            <dd data-testid="publish-network">
              {network.isLoading ? 'Loading…' : profile ? `${profile.name} (chain ${profile.chainId})` : 'none selected'}
            </dd>
          </div>
          <div>
            <dt>Data type</dt>
            <dd data-testid="publish-data-type">{dataType ? TYPE_LABELS[dataType] : 'unknown'}</dd>
          </div>
        </dl>
        <p className="muted small">
          The data type follows the accepted file types (only tables: Table; otherwise Text) and is fixed on the chain once published.
        </p>
        {!profile && !network.isLoading && <p>Select a network in the Submit tab first.</p>}
        <ErrorNote error={publishing.error ?? network.error} onDismiss={publishing.reset} />
        <FeeHint error={publishing.error} />
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={!profile || publishing.isRunning}
            onClick={() =>
              void publishing.run({ id: shared.id, ...(dataType ? { dataType } : {}) }).then((r) => {
                if (r.isOk) onChanged();
              })
            }
          >
            {publishing.isRunning ? 'Publishing…' : 'Publish'}
          </button>
        </div>
      </section>
    );
  }

  return (
    <section className="sharing" aria-label="Shared Datanet">
      <h2>Shared on the network</h2>
      {shared.isStale && (
        <p className="banner" role="status" data-testid="stale-policy">
          Offline — last known policy (synced {shared.syncedAt ? new Date(shared.syncedAt).toLocaleString() : 'never'}).
          {shared.syncError ? ` ${shared.syncError.message}` : ''}
        </p>
      )}
      <dl className="facts">
        <div>
          <dt>On-chain id</dt>
          <dd>
            <code data-testid="onchain-id">{shared.onchainId}</code>
          </dd>
        </div>
        <div>
          <dt>Your role</dt>
          <dd data-testid="shared-role">{shared.role}</dd>
        </div>
        <div>
          <dt>Data type</dt>
          <dd>{dataType ? TYPE_LABELS[dataType] : 'unknown'}</dd>
        </div>
        <div>
          <dt>Members</dt>
          <dd>{shared.members ?? '—'}</dd>
        </div>
        <div>
          <dt>Accepted items</dt>
          <dd>{shared.acceptedItems ?? '—'}</dd>
        </div>
        <div>
          <dt>Policy version</dt>
          <dd data-testid="shared-policy-version">{shared.policyVersion}</dd>
        </div>
      </dl>
      <h3>Current policy</h3>
      <PolicySummary policy={shared.policy} />
    </section>
  );
}
