import { useState } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import { SemanticSearchPanel } from '../embeddings/SemanticSearchPanel';
import { LibraryView } from '../library/LibraryView';
import { SubmitView } from '../submit/SubmitView';
import { PolicyEditor } from './PolicyEditor';

type Tab = 'library' | 'search' | 'policy' | 'submit';

const TAB_LABELS: Record<Tab, string> = { library: 'Library', search: 'Search', policy: 'Policy', submit: 'Submit' };

export function DatanetView({ datanet, onChanged, onRemoved }: { datanet: Datanet; onChanged: () => void; onRemoved: () => void }) {
  const [tab, setTab] = useState<Tab>('library');
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
          {(['library', 'search', 'policy', 'submit'] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={tab === t ? 'active' : ''}
              onClick={() => setTab(t)}
            >
              {TAB_LABELS[t]}
            </button>
          ))}
        </div>
      </header>
      {tab === 'library' && <LibraryView datanet={datanet} />}
      {tab === 'search' && <SemanticSearchPanel datanetId={datanet.id} />}
      {tab === 'policy' && <PolicyEditor datanet={datanet} onSaved={onChanged} onRemoved={onRemoved} />}
      {tab === 'submit' && <SubmitView datanet={datanet} />}
    </section>
  );
}
