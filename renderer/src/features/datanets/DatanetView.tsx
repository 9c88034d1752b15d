import { useState } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import { SemanticSearchPanel } from '../embeddings/SemanticSearchPanel';
import { LibraryView } from '../library/LibraryView';
import { SubmitView } from '../submit/SubmitView';
import { ReviewView } from '../review/ReviewView';
import { GovernanceView } from '../governance/GovernanceView';
import { ErrorNote } from '../../components/ErrorNote';
import { NewPolicyBanner } from './NewPolicyBanner';
import { PolicyEditor } from './PolicyEditor';
import { PolicySummary } from './PolicySummary';
import { SharingPanel } from './SharingPanel';
import { useSharedDatanet } from './useSharedDatanet';

type Tab = 'library' | 'search' | 'review' | 'policy' | 'submit' | 'network' | 'governance';

const TAB_LABELS: Record<Tab, string> = {
  library: 'Library',
  search: 'Search',
  review: 'Review',
  policy: 'Policy',
  submit: 'Submit',
  network: 'Network',
  governance: 'Governance',
};

export function DatanetView({
  datanet,
  onChanged,
  onRemoved,
  focus,
}: {
  datanet: Datanet;
  onChanged: () => void;
  onRemoved: () => void;
  /** Opened from elsewhere (the rewards trail): an item in the Library, or a submission in the Submit tab. */
  focus?: { itemId?: string; submissionId?: string };
}) {
  const [tab, setTab] = useState<Tab>(focus?.submissionId ? 'submit' : 'library');
  // An item picked in search results opens in the Library tab, where its detail and quality live.
  const [openItemId, setOpenItemId] = useState<string | undefined>(focus?.itemId);
  const sharedState = useSharedDatanet(datanet.id);
  const shared = sharedState.data?.view ?? null;
  const isShared = shared !== null && shared.onchainId !== null;
  const tabs: Tab[] = ['library', 'search', 'review', 'policy', 'submit', 'network', ...(isShared ? (['governance'] as const) : [])];
  const refreshShared = (): void => {
    sharedState.retry();
    onChanged();
  };
  const openItem = (itemId: string): void => {
    setOpenItemId(itemId);
    setTab('library');
  };
  return (
    <section className="datanet-view" aria-label={datanet.name}>
      <header className="datanet-header">
        <div>
          <h1>{datanet.name}</h1>
          <p className="muted">
            {datanet.domain || 'No domain set'} · {datanet.itemCount} item{datanet.itemCount === 1 ? '' : 's'} · policy v
            {datanet.policyVersion}
            {shared && (isShared ? ` · shared (${shared.role ?? 'none'})` : ' · local draft')}
            {shared?.isStale && <span data-testid="stale-badge"> · offline — last known policy</span>}
          </p>
        </div>
        <div role="tablist" className="tabs">
          {tabs.map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={tab === t ? 'active' : ''}
              onClick={() => {
                setOpenItemId(undefined);
                setTab(t);
              }}
            >
              {TAB_LABELS[t]}
            </button>
          ))}
        </div>
      </header>
      {shared && <NewPolicyBanner shared={shared} onDismissed={(next) => sharedState.setData((state) => ({ ...state, view: next }))} />}
      <ErrorNote error={sharedState.data?.syncRefusal ?? sharedState.error} />
      {tab === 'library' && <LibraryView datanet={datanet} initialItemId={openItemId} />}
      {tab === 'search' && <SemanticSearchPanel datanetId={datanet.id} onOpenItem={openItem} />}
      {tab === 'review' && <ReviewView datanet={datanet} onOpenGovernance={isShared ? () => setTab('governance') : undefined} />}
      {tab === 'policy' &&
        (isShared && shared ? (
          <section aria-label="Policy">
            <p className="muted">
              This Datanet&rsquo;s policy is the network&rsquo;s (version {shared.policyVersion}): members change it through a governance
              proposal.{' '}
              <button type="button" className="link" onClick={() => setTab('governance')}>
                Propose a change
              </button>
            </p>
            <PolicySummary policy={shared.policy} />
          </section>
        ) : (
          <PolicyEditor datanet={datanet} onSaved={refreshShared} onRemoved={onRemoved} />
        ))}
      {tab === 'network' && shared && <SharingPanel shared={shared} onChanged={refreshShared} />}
      {tab === 'network' && !shared && <p className="muted">{sharedState.isLoading ? 'Loading…' : ''}</p>}
      {tab === 'governance' && isShared && shared && <GovernanceView datanet={datanet} shared={shared} onChanged={refreshShared} />}
      {tab === 'submit' && <SubmitView datanet={datanet} focusSubmissionId={focus?.submissionId} />}
    </section>
  );
}
