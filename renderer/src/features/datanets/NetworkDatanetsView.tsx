import { useState } from 'react';
import type { NetworkDatanet } from '../../../../shared/api/datanets';
import { useMutation, useQuery } from '../../api/useContract';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';

/** The Datanets published on the selected network, to join (or open the local one that follows it). */
export function NetworkDatanetsView({ onOpen }: { onOpen: (datanetId: string) => void }) {
  const listed = useQuery('datanets.browse', {});
  const joining = useMutation('datanets.join');
  const [requested, setRequested] = useState<ReadonlySet<string>>(new Set());

  const join = async (d: NetworkDatanet): Promise<void> => {
    const result = await joining.run({ onchainId: d.onchainId });
    if (result.isOk) onOpen(result.value.id);
    else if (result.error.code === 'approval_required') {
      joining.reset();
      setRequested((r) => new Set([...r, d.onchainId]));
    }
  };

  return (
    <section className="network-datanets" aria-label="Network Datanets">
      <header className="datanet-header">
        <h1>Network Datanets</h1>
        <button type="button" onClick={listed.retry} disabled={listed.isLoading}>
          Refresh
        </button>
      </header>
      <ErrorNote error={listed.error} onDismiss={listed.clearError} />
      <ErrorNote error={joining.error} onDismiss={joining.reset} />
      {listed.isLoading && !listed.data ? (
        <p className="muted">Loading…</p>
      ) : listed.data && listed.data.length === 0 ? (
        <EmptyState title="No Datanets on this network yet">
          <p>Publish one of yours from its Network tab, or select another network in a Datanet&rsquo;s Submit tab.</p>
        </EmptyState>
      ) : listed.data ? (
        <table aria-label="Datanets on the network">
          <thead>
            <tr>
              <th>Name</th>
              <th>Domain</th>
              <th>Type</th>
              <th>Members</th>
              <th>Accepted items</th>
              <th>Policy version</th>
              <th>Joining</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {listed.data.map((d) => (
              <tr key={d.onchainId} data-onchain-id={d.onchainId}>
                <td className="name">{d.name}</td>
                <td>{d.domain || '—'}</td>
                <td>{d.dataType}</td>
                <td>{d.members}</td>
                <td>{d.acceptedItems}</td>
                <td>{d.policyVersion}</td>
                <td>{d.join === 'open' ? 'open' : 'curator approval'}</td>
                <td>
                  {d.followedBy ? (
                    <button type="button" onClick={() => onOpen(d.followedBy as string)}>
                      Open
                    </button>
                  ) : requested.has(d.onchainId) ? (
                    <span role="status">Request sent, waiting for a curator.</span>
                  ) : (
                    <button type="button" className="primary" disabled={joining.isRunning} onClick={() => void join(d)}>
                      Join
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
