import { useState, type FormEvent } from 'react';
import type { SearchHit } from '../../../../shared/api/embeddings';
import { useMutation, useQuery } from '../../api/useContract';
import { ErrorNote } from '../../components/ErrorNote';
import { EmbedProgress } from './EmbedProgress';
import './embeddings.css';

/** Semantic search over a Datanet's items, with how many are embedded and a button to embed the rest. */
export function SemanticSearchPanel({ datanetId, onOpenItem }: { datanetId: string; onOpenItem?: (itemId: string) => void }) {
  const [query, setQuery] = useState('');
  const [k, setK] = useState(10);
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const isOfDatanet = (p: { datanetId: string }): boolean => p.datanetId === datanetId;
  const coverageQuery = useQuery(
    'embeddings.coverage',
    { datanetId },
    {
      refreshOn: [
        { event: 'embeddings.changed', when: isOfDatanet },
        { event: 'items.changed', when: isOfDatanet },
      ],
    },
  );
  const coverage = coverageQuery.data ?? null;
  const searching = useMutation('embeddings.search');
  const isSearching = searching.isRunning;

  const search = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!query.trim()) return;
    coverageQuery.clearError();
    const done = await searching.run({ datanetId, query, k });
    if (done.isOk) setHits(done.value);
  };
  const error = searching.error ?? coverageQuery.error;

  const pending = coverage ? coverage.items - coverage.current : 0;
  return (
    <section className="embeddings-block" aria-label="Semantic search">
      <h3>Search by meaning</h3>
      {coverage && (
        <p className="small muted" aria-label="Embedding coverage">
          {coverage.current} of {coverage.items} items embedded ({coverage.chunks} chunks)
          {pending > 0 ? ` · ${pending} to embed${coverage.stale > 0 ? `, ${coverage.stale} changed since` : ''}` : ''}.
        </p>
      )}
      <EmbedProgress datanetId={datanetId} onFinished={coverageQuery.retry} />
      <form className="search-form" onSubmit={(e) => void search(e)} role="search">
        <input
          type="search"
          aria-label="Search query"
          placeholder="Describe what you are looking for"
          value={query}
          maxLength={2000}
          onChange={(e) => setQuery(e.target.value)}
        />
        <label className="inline small">
          Results
          <select aria-label="Number of results" value={k} onChange={(e) => setK(Number(e.target.value))}>
            {[5, 10, 20, 50].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={isSearching || !query.trim()}>
          {isSearching ? 'Searching…' : 'Search'}
        </button>
      </form>
      <ErrorNote
        error={error}
        onDismiss={() => {
          searching.reset();
          coverageQuery.clearError();
        }}
      />
      {hits !== null &&
        (hits.length === 0 ? (
          <p className="muted small">No embedded item matches yet. Embed the items first.</p>
        ) : (
          <ol className="search-hits" aria-label="Search results">
            {hits.map((h) => (
              <li key={h.itemId}>
                {onOpenItem ? (
                  <button type="button" className="link" onClick={() => onOpenItem(h.itemId)}>
                    {h.name}
                  </button>
                ) : (
                  <strong>{h.name}</strong>
                )}{' '}
                <span className="small muted" title="Cosine similarity of the best passage to the query">
                  {Math.round((1 - h.distance) * 100)} % similar
                </span>
                <p className="snippet small">{h.snippet}</p>
              </li>
            ))}
          </ol>
        ))}
    </section>
  );
}
