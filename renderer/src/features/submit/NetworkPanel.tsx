import { useState } from 'react';
import { describeZodError } from '../../../../shared/api/dispatcher';
import type { NetworkStatus } from '../../../../shared/api/network';
import { networkProfileSchema, profileEndpoints } from '../../../../shared/network-profile';
import type { NetworkProfile, ProfileEndpoint } from '../../../../shared/network-profile';
import { AppError } from '../../../../shared/errors';
import { useApi } from '../../api/ApiContext';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
import { Modal } from '../../components/Modal';

const ROLE_LABELS: Record<ProfileEndpoint['role'], string> = {
  'chain-rpc': 'Chain RPC',
  validator: 'Validator',
  faucet: 'Faucet',
  signaling: 'Review signaling',
};

type Pending = { json: string; profile: NetworkProfile; endpoints: ProfileEndpoint[] };

/** Parses a chosen file the way the host will; nothing is sent or stored here. */
function readProfile(json: string): Pending {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new AppError('invalid_input', 'The network profile is not JSON.');
  }
  const parsed = networkProfileSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('invalid_input', `The network profile is not valid: ${describeZodError(parsed.error)}.`);
  return { json, profile: parsed.data, endpoints: profileEndpoints(parsed.data) };
}

/**
 * The network submissions go to: a profile JSON file chosen here (or `--network` on the CLI).
 * Choosing a network decides which servers get the user's manifests, transactions and room
 * topics, so the profile's servers are listed for confirmation before the host is told: a file
 * picked by mistake (or handed over by someone else) contacts nothing until the user agrees.
 */
export function NetworkPanel({ profile, onChanged }: { profile: NetworkProfile | null; onChanged: () => void }) {
  const api = useApi();
  const [status, setStatus] = useState<NetworkStatus | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [isReloadNeeded, setIsReloadNeeded] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  const choose = async (input: HTMLInputElement): Promise<void> => {
    const file = input.files?.[0];
    // Cleared so that choosing the same file again after Cancel opens the confirmation again.
    input.value = '';
    if (!file) return;
    setError(null);
    try {
      setPending(readProfile(await file.text()));
    } catch (e) {
      setError(toAppError(e));
    }
  };

  const confirm = async (): Promise<void> => {
    if (!pending) return;
    setIsBusy(true);
    try {
      const result = await api.call('network.setProfile', { json: pending.json });
      // Never cleared by a later load: the page's policy still lists the servers it was loaded with.
      if (result.isReloadNeeded) setIsReloadNeeded(true);
      setStatus(null);
      setPending(null);
      onChanged();
    } catch (e) {
      setPending(null);
      setError(toAppError(e));
    } finally {
      setIsBusy(false);
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
            onChange={(e) => void choose(e.currentTarget)}
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
      {pending && (
        <Modal title={`Switch to the network “${pending.profile.name}”?`} onClose={() => setPending(null)}>
          <p>
            Chain {pending.profile.chainId}. The app will send submissions, signed transactions and review-room traffic to these servers.
            Nothing has been sent to them yet.
          </p>
          <table className="items" aria-label="Servers of the network" data-testid="network-confirm-hosts">
            <thead>
              <tr>
                <th>Role</th>
                <th>Host and port</th>
                <th>Connection</th>
              </tr>
            </thead>
            <tbody>
              {pending.endpoints.map((endpoint, i) => (
                <tr key={`${endpoint.role}-${i}`}>
                  <td>{ROLE_LABELS[endpoint.role]}</td>
                  <td className="mono">{endpoint.hostPort}</td>
                  <td>{endpoint.isEncrypted ? 'encrypted (TLS)' : 'unencrypted, this computer only'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">Only switch to a network whose servers you recognise. Queued submissions resume on it.</p>
          <div className="actions">
            <button type="button" onClick={() => setPending(null)}>
              Cancel
            </button>
            <button type="button" disabled={isBusy} data-testid="network-profile-confirm" onClick={() => void confirm()}>
              Use this network
            </button>
          </div>
        </Modal>
      )}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </section>
  );
}
