import { useState } from 'react';
import type { NetworkStatus } from '../../../../shared/api/network';
import type { NetworkProfile } from '../../../../shared/network-profile';
import type { AppError } from '../../../../shared/errors';
import { useApi } from '../../api/ApiContext';
import { ErrorNote, toAppError } from '../../components/ErrorNote';

/** The network submissions go to: a profile JSON file chosen here (or `--network` on the CLI). */
export function NetworkPanel({ profile, onChanged }: { profile: NetworkProfile | null; onChanged: () => void }) {
  const api = useApi();
  const [status, setStatus] = useState<NetworkStatus | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [isReloadNeeded, setIsReloadNeeded] = useState(false);

  const load = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    setError(null);
    try {
      const result = await api.call('network.setProfile', { json: await file.text() });
      // Never cleared by a later load: the page's policy still lists the servers it was loaded with.
      if (result.isReloadNeeded) setIsReloadNeeded(true);
      setStatus(null);
      onChanged();
    } catch (e) {
      setError(toAppError(e));
    }
  };

  const check = async (): Promise<void> => {
    try {
      setStatus(await api.call('network.status', {}));
    } catch (e) {
      setError(toAppError(e));
    }
  };

  return (
    <section className="submit-card network-panel" aria-label="Network">
      <h3>Network</h3>
      {profile ? (
        <p>
          <strong data-testid="network-name">{profile.name}</strong> <span className="muted">chain {profile.chainId}</span>
        </p>
      ) : (
        <p className="muted">No network chosen: load a network profile (the devnet writes one with npm run devnet -- --out FILE).</p>
      )}
      <div className="row">
        <label className="file-button">
          Load profile…
          <input
            type="file"
            accept=".json,application/json"
            data-testid="network-profile-input"
            onChange={(e) => void load(e.target.files?.[0])}
          />
        </label>
        {profile && (
          <button type="button" onClick={() => void check()}>
            Check connection
          </button>
        )}
      </div>
      {status && (
        <p role="status" className="small">
          Chain {status.isChainReachable ? `reachable (block ${status.blockNumber})` : 'unreachable'} · validator{' '}
          {status.isValidatorReachable ? 'reachable' : 'unreachable'}. Submissions made offline wait and go out when both answer.
        </p>
      )}
      {isReloadNeeded && (
        <p role="status" className="small" data-testid="network-reload-needed">
          This network uses other review signaling servers. The window allows connections only to the servers of the network it was opened
          with, so reload it before joining a review room.{' '}
          <button type="button" onClick={() => location.reload()}>
            Reload now
          </button>
        </p>
      )}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </section>
  );
}
