import { useState } from 'react';
import type { Datanet, SharedDatanet } from '../../../../shared/api/datanets';
import type { Proposal } from '../../../../shared/api/governance';
import type { Policy } from '../../../../shared/policy';
import { useApi } from '../../api/ApiContext';
import { toAppError } from '../../api/contract-query';
import { useActions, useQuery } from '../../api/useContract';
import { EmptyState } from '../../components/EmptyState';
import { ErrorNote } from '../../components/ErrorNote';
import { PolicyEditor } from '../datanets/PolicyEditor';
import { PolicyChanges } from '../datanets/PolicySummary';

const OUTCOMES: Record<Proposal['state'], string> = {
  open: 'open',
  passed: 'passed, waiting to be executed',
  failed: 'failed',
  expired: 'expired (not executed in time)',
  executed: 'executed',
};

const short = (address: string): string => `${address.slice(0, 6)}…${address.slice(-4)}`;

/** A proposal's tally as it stands: yes/no, quorum, threshold, when voting ends. */
function Tally({ proposal, thresholdBps }: { proposal: Proposal; thresholdBps: number }) {
  const cast = proposal.yes + proposal.no;
  return (
    <dl className="facts tally" aria-label="Tally">
      <div>
        <dt>Yes</dt>
        <dd data-testid="tally-yes">{proposal.yes}</dd>
      </div>
      <div>
        <dt>No</dt>
        <dd data-testid="tally-no">{proposal.no}</dd>
      </div>
      <div>
        <dt>Quorum</dt>
        <dd>
          {cast} of {proposal.quorumWeight} needed (electorate {proposal.electorateWeight})
        </dd>
      </div>
      <div>
        <dt>Threshold</dt>
        <dd>yes above {thresholdBps / 100}% of votes cast</dd>
      </div>
      <div>
        <dt>{proposal.state === 'open' ? 'Voting ends at' : 'Voting ended at'}</dt>
        <dd>{new Date(proposal.endsAt * 1000).toLocaleString()}</dd>
      </div>
    </dl>
  );
}

/** The join requests a curator (or the owner) decides on. */
function JoinRequests({ datanetId }: { datanetId: string }) {
  const requests = useQuery('datanets.requests', { datanetId });
  const actions = useActions();
  return (
    <section aria-label="Join requests">
      <h2>Join requests</h2>
      <ErrorNote error={requests.error ?? actions.error} onDismiss={() => (actions.reset(), requests.clearError())} />
      {requests.isLoading && !requests.data ? (
        <p className="muted">Loading…</p>
      ) : requests.data?.length === 0 ? (
        <p className="muted">No one is waiting to join.</p>
      ) : (
        <ul className="requests">
          {requests.data?.map((r) => (
            <li key={r.address}>
              <code>{r.address}</code>{' '}
              <button
                type="button"
                disabled={actions.isRunning}
                onClick={() =>
                  void actions.call('datanets.approveMember', { datanetId, address: r.address }).then((x) => {
                    if (x.isOk) requests.retry();
                  })
                }
              >
                Approve
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * A shared Datanet's governance: open proposals with their diff against the current policy and
 * the tally, votes and execution, past outcomes, and a proposal form over a copy of the policy.
 */
export function GovernanceView({ datanet, shared, onChanged }: { datanet: Datanet; shared: SharedDatanet; onChanged: () => void }) {
  const api = useApi();
  const proposals = useQuery('governance.list', { datanetId: datanet.id });
  const actions = useActions();
  const [isProposing, setIsProposing] = useState(false);
  const thresholdBps = shared.policy.governance.thresholdBps;
  const isCurator = shared.role === 'curator' || shared.role === 'owner';
  const all = proposals.data ?? [];
  const isActionable = (p: Proposal): boolean => p.state === 'open' || p.state === 'passed';
  const open = all.filter(isActionable);
  const past = all.filter((p) => !isActionable(p));

  const act = async (run: () => ReturnType<typeof actions.call>): Promise<void> => {
    const result = await run();
    if (!result.isOk) return;
    proposals.retry();
    onChanged();
  };

  const propose = async (policy: Policy): Promise<ReturnType<typeof toAppError> | null> => {
    try {
      await api.call('governance.propose', { datanetId: datanet.id, policy });
      setIsProposing(false);
      proposals.retry();
      return null;
    } catch (error) {
      return toAppError(error);
    }
  };

  return (
    <section className="governance" aria-label="Governance">
      {shared.isStale && (
        <p className="banner" role="status">
          Offline — last known policy. Proposals and votes need the chain.
        </p>
      )}
      <ErrorNote error={proposals.error} onDismiss={proposals.clearError} />
      <ErrorNote error={actions.error} onDismiss={actions.reset} />
      <h2>Open proposals</h2>
      {proposals.isLoading && !proposals.data ? (
        <p className="muted">Loading…</p>
      ) : open.length === 0 ? (
        <EmptyState title="No open proposals">
          <p>Any member can propose a change to the policy; members then vote on it.</p>
        </EmptyState>
      ) : (
        <ul className="proposals" aria-label="Open proposals">
          {open.map((p) => {
            // The chain's state, not this machine's clock, says whether voting ended (the chain's time is what counts).
            const hasEnded = p.state !== 'open';
            return (
              <li key={p.proposalId} className="proposal" aria-label={`Proposal ${p.proposalId}`} data-state={p.state}>
                <h3>
                  Proposal {p.proposalId}{' '}
                  <span className="muted small">
                    by {short(p.proposer)}, against version {p.baseVersion}
                  </span>
                </h3>
                {p.changes ? (
                  <PolicyChanges changes={p.changes} label="Proposed changes" />
                ) : (
                  <ErrorNote error={p.documentError ? toAppError(p.documentError) : null} />
                )}
                <Tally proposal={p} thresholdBps={thresholdBps} />
                <div className="actions">
                  {!hasEnded && p.hasVoted === false && (
                    <>
                      <button
                        type="button"
                        disabled={actions.isRunning}
                        onClick={() => void act(() => actions.call('governance.vote', { proposalId: p.proposalId, choice: 'yes' }))}
                      >
                        Vote yes
                      </button>
                      <button
                        type="button"
                        disabled={actions.isRunning}
                        onClick={() => void act(() => actions.call('governance.vote', { proposalId: p.proposalId, choice: 'no' }))}
                      >
                        Vote no
                      </button>
                    </>
                  )}
                  {!hasEnded && p.hasVoted === true && <span className="muted">You voted.</span>}
                  {hasEnded && (
                    <button
                      type="button"
                      className="primary"
                      disabled={actions.isRunning}
                      onClick={() => void act(() => actions.call('governance.execute', { proposalId: p.proposalId }))}
                    >
                      Execute
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <div className="actions">
        <button type="button" onClick={proposals.retry} disabled={proposals.isLoading}>
          Refresh
        </button>
        {!isProposing && (
          <button type="button" className="primary" onClick={() => setIsProposing(true)}>
            Propose a change
          </button>
        )}
      </div>
      {isProposing && (
        <section aria-label="Propose a change">
          <h2>Propose a change</h2>
          <p className="muted small">A copy of the current policy (version {shared.policyVersion}); change what should change.</p>
          <PolicyEditor
            datanet={{ ...datanet, policy: shared.policy }}
            onSaved={() => undefined}
            onRemoved={() => undefined}
            onPropose={propose}
          />
          <button type="button" onClick={() => setIsProposing(false)}>
            Cancel
          </button>
        </section>
      )}
      <h2>Past proposals</h2>
      {past.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="proposals" aria-label="Past proposals">
          {past.map((p) => (
            <li key={p.proposalId} data-state={p.state}>
              Proposal {p.proposalId}: <strong data-testid="proposal-outcome">{OUTCOMES[p.state]}</strong> ({p.yes} yes, {p.no} no)
              {p.changes && p.changes.length > 0 && <PolicyChanges changes={p.changes} label={`Changes of proposal ${p.proposalId}`} />}
            </li>
          ))}
        </ul>
      )}
      {isCurator && <JoinRequests datanetId={datanet.id} />}
    </section>
  );
}
