import { useState } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import { SemanticSearchPanel } from '../embeddings/SemanticSearchPanel';
import { LibraryView } from '../library/LibraryView';
import { SubmitView } from '../submit/SubmitView';
import { ReviewView } from '../review/ReviewView';
import { PolicyEditor } from './PolicyEditor';

type Tab = 'library' | 'search' | 'review' | 'policy' | 'submit';

const TAB_LABELS: Record<Tab, string> = { library: 'Library', search: 'Search', review: 'Review', policy: 'Policy', submit: 'Submit' };

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
          </p>
        </div>
        <div role="tablist" className="tabs">
          {(['library', 'search', 'review', 'policy', 'submit'] as const).map((t) => (
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
      {tab === 'library' && <LibraryView datanet={datanet} initialItemId={openItemId} />}
      {tab === 'search' && <SemanticSearchPanel datanetId={datanet.id} onOpenItem={openItem} />}
      {tab === 'review' && <ReviewView datanet={datanet} />}
      {tab === 'policy' && <PolicyEditor datanet={datanet} onSaved={onChanged} onRemoved={onRemoved} />}
      {tab === 'submit' && <SubmitView datanet={datanet} focusSubmissionId={focus?.submissionId} />}
    </section>
  );
}
