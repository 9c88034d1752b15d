import { useMutation, useQuery } from '../../api/useContract';
import { ErrorNote } from '../../components/ErrorNote';
import { DUPLICATE_KIND_LABELS, percent, relevanceLabel } from './format';
import './embeddings.css';

/** An item's relevance to its Datanet and its near-duplicates, with the override that lets a flagged copy be submitted. */
export function ItemQualityBlock({ itemId, onOpenItem }: { itemId: string; onOpenItem?: (itemId: string) => void }) {
  const query = useQuery('embeddings.itemQuality', { itemId }, { refreshOn: ['embeddings.changed'] });
  const quality = query.data ?? null;
  const override = useMutation('embeddings.overrideDuplicate');

  const setOverride = async (isOverridden: boolean): Promise<void> => {
    query.clearError();
    // The box shows the choice at once (a controlled checkbox would otherwise snap back until the host answers).
    query.setData((q) => ({ ...q, isOverridden }));
    const done = await override.run({ itemId, isOverridden });
    if (done.isOk) query.setData((q) => ({ ...q, isOverridden: done.value.isOverridden, isBlocked: done.value.isBlocked }));
    else query.retry();
  };
  const error = override.error ?? query.error;

  const earlier = quality?.duplicates.filter((d) => d.isEarlier) ?? [];
  return (
    <section className="embeddings-block" aria-label="Quality">
      <h3>Quality</h3>
      <ErrorNote
        error={error}
        onDismiss={() => {
          override.reset();
          query.clearError();
        }}
      />
      {quality && quality.state === 'none' && (
        <p className="muted small">Not embedded yet: embed the Datanet's items to see relevance and duplicates.</p>
      )}
      {quality && quality.state !== 'none' && (
        <>
          {quality.state === 'stale' && <p className="small muted">Changed since it was embedded; embed again to update these figures.</p>}
          <dl className="facts">
            <dt>Relevance</dt>
            <dd aria-label="Relevance">
              {percent(quality.relevance?.score)} · {relevanceLabel(quality.relevance?.score ?? null)}
            </dd>
            <dt>To the description</dt>
            <dd>{percent(quality.relevance?.toDescription)}</dd>
            <dt>To accepted items</dt>
            <dd>
              {percent(quality.relevance?.toAccepted)}
              <span className="muted small"> ({quality.relevance?.acceptedCount ?? 0} items)</span>
            </dd>
          </dl>
          <div aria-label="Duplicates">
            {quality.duplicates.length === 0 ? (
              <span className="quality-flag ok">No duplicates found</span>
            ) : (
              <>
                <span className={`quality-flag ${quality.isBlocked ? 'blocked' : ''}`} role="status">
                  {quality.isBlocked
                    ? 'Duplicate: left out of submissions'
                    : earlier.length > 0
                      ? 'Duplicate, submitted anyway (override)'
                      : 'Others duplicate this item'}
                </span>
                <ul className="duplicate-list">
                  {quality.duplicates.map((d) => (
                    <li key={d.itemId}>
                      {onOpenItem ? (
                        <button type="button" className="link" onClick={() => onOpenItem(d.itemId)}>
                          {d.name}
                        </button>
                      ) : (
                        d.name
                      )}{' '}
                      <span className="small muted">
                        {DUPLICATE_KIND_LABELS[d.kind]} · {percent(d.score)} · {d.isEarlier ? 'came first' : 'came later'}
                      </span>
                    </li>
                  ))}
                </ul>
                {earlier.length > 0 && (
                  <label className="inline small">
                    <input
                      type="checkbox"
                      checked={quality.isOverridden}
                      disabled={override.isRunning}
                      onChange={(e) => void setOverride(e.target.checked)}
                    />{' '}
                    Submit anyway (not a duplicate)
                  </label>
                )}
              </>
            )}
          </div>
        </>
      )}
    </section>
  );
}
