import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { SearchHit } from '../../../../shared/api/embeddings';
import type { MethodOutput } from '../../../../shared/api/index';
import type { AppError } from '../../../../shared/errors';
import { useApi, useEvent } from '../../api/ApiContext';
import { ErrorNote, toAppError } from '../../components/ErrorNote';
import { EmbedProgress } from './EmbedProgress';
import './embeddings.css';

type Coverage = MethodOutput<'embeddings.coverage'>;

/** Semantic search over a Datanet's items, with how many are embedded and a button to embed the rest. */
export function SemanticSearchPanel({ datanetId, onOpenItem }: { datanetId: string; onOpenItem?: (itemId: string) => void }) {
  const api = useApi();
  const [query, setQuery] = useState('');
  const [k, setK] = useState(10);
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [coverage, setCoverage] = useState<Coverage | null>(null);
  const [isSearching, setIsSearching] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  const refresh = useCallback(() => {
    api.call('embeddings.coverage', { datanetId }).then(setCoverage, (e: unknown) => setError(toAppError(e)));
  }, [api, datanetId]);
  useEffect(refresh, [refresh]);
  useEvent(
    'embeddings.changed',
    useCallback((p: { datanetId: string }) => p.datanetId === datanetId && refresh(), [datanetId, refresh]),
  );
  useEvent(
    'items.changed',
    useCallback((p: { datanetId: string }) => p.datanetId === datanetId && refresh(), [datanetId, refresh]),
  );

  const search = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!query.trim()) return;
    setError(null);
    setIsSearching(true);
    try {
      setHits(await api.call('embeddings.search', { datanetId, query, k }));
    } catch (err) {
      setError(toAppError(err));
    } finally {
      setIsSearching(false);
    }
  };

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
      <EmbedProgress datanetId={datanetId} onFinished={refresh} />
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
      <ErrorNote error={error} onDismiss={() => setError(null)} />
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
