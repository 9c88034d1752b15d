import { useState } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import { LibraryView } from '../library/LibraryView';
import { PolicyEditor } from './PolicyEditor';

type Tab = 'library' | 'policy';

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
          {(['library', 'policy'] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={tab === t ? 'active' : ''}
              onClick={() => setTab(t)}
            >
              {t === 'library' ? 'Library' : 'Policy'}
            </button>
          ))}
        </div>
      </header>
      {tab === 'library' ? <LibraryView datanet={datanet} /> : <PolicyEditor datanet={datanet} onSaved={onChanged} onRemoved={onRemoved} />}
    </section>
  );
}
