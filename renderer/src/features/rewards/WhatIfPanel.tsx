import { useState } from 'react';
import type { Datanet } from '../../../../shared/api/datanets';
import type { WhatIf } from '../../../../shared/api/rewards';
import { useMutation, useQuery } from '../../api/useContract';
import { ErrorNote } from '../../components/ErrorNote';

const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
const today = (): string => new Date().toISOString().slice(0, 10);

/**
 * What-if: the projected acceptance rate and standing after a planned batch, either items selected
 * here (planned across days within the quota, refused items left out) or submissions per day.
 */
export function WhatIfPanel({ datanets }: { datanets: Datanet[] }) {
  const [mode, setMode] = useState<'items' | 'planned'>('items');
  const [datanetId, setDatanetId] = useState<string>(datanets[0]?.id ?? '');
  // The previous Datanet's items stay until the new list arrives, so the list does not flash "no items".
  const itemList = useQuery('items.list', datanetId ? { datanetId } : null, { isPreviousKept: true });
  const items = itemList.data ?? [];
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [day, setDay] = useState(today());
  const [count, setCount] = useState(1);
  const [result, setResult] = useState<WhatIf | null>(null);
  const projecting = useMutation('rewards.whatIf');
  const isBusy = projecting.isRunning;

  const project = async (): Promise<void> => {
    itemList.clearError();
    const done = await projecting.run(
      mode === 'items' ? { datanetId, itemIds: [...selected] } : { planned: [{ day, submissions: count }] },
    );
    if (done.isOk) setResult(done.value);
  };
  const error = projecting.error ?? itemList.error;

  const toggle = (id: string): void =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section className="rewards-card what-if" aria-label="What if">
      <h3>What if: a planned batch</h3>
      <div className="row" role="radiogroup" aria-label="Plan from">
        <label>
          <input type="radio" name="whatif-mode" checked={mode === 'items'} onChange={() => setMode('items')} /> Items I select
        </label>
        <label>
          <input type="radio" name="whatif-mode" checked={mode === 'planned'} onChange={() => setMode('planned')} /> Submissions on a day
        </label>
      </div>
      {mode === 'items' ? (
        datanets.length === 0 ? (
          <p className="muted">No Datanets yet: import items into a Datanet to plan a batch.</p>
        ) : (
          <>
            <label className="field">
              Datanet
              <select
                value={datanetId}
                onChange={(e) => {
                  setDatanetId(e.target.value);
                  setSelected(new Set());
                }}
              >
                {datanets.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
            {items.length === 0 ? (
              <p className="muted">This Datanet has no items.</p>
            ) : (
              <fieldset className="what-if-items">
                <legend>Selection ({selected.size})</legend>
                <button type="button" className="link" onClick={() => setSelected(new Set(items.map((i) => i.id)))}>
                  Select all
                </button>
                <ul>
                  {items.map((i) => (
                    <li key={i.id}>
                      <label>
                        <input type="checkbox" checked={selected.has(i.id)} onChange={() => toggle(i.id)} /> {i.name}
                      </label>
                    </li>
                  ))}
                </ul>
              </fieldset>
            )}
          </>
        )
      ) : (
        <div className="row">
          <label className="field">
            UTC day
            <input type="date" value={day} onChange={(e) => setDay(e.target.value)} />
          </label>
          <label className="field">
            Submissions
            <input type="number" min={1} max={1000} value={count} onChange={(e) => setCount(Math.max(1, Number(e.target.value) || 1))} />
          </label>
        </div>
      )}
      <button
        type="button"
        className="primary"
        disabled={isBusy || (mode === 'items' && selected.size === 0)}
        onClick={() => void project()}
      >
        {isBusy ? 'Projecting…' : 'Project'}
      </button>
      <ErrorNote
        error={error}
        onDismiss={() => {
          projecting.reset();
          itemList.clearError();
        }}
      />
      {result && (
        <div className="what-if-result" data-testid="what-if-result">
          <table aria-label="Projection">
            <thead>
              <tr>
                <th />
                <th>Now</th>
                <th>Expected</th>
                <th>All accepted</th>
                <th>All rejected</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Acceptance rate</th>
                <td>{pct(result.current.acceptanceRate)}</td>
                <td>{pct(result.expected.acceptanceRate)}</td>
                <td>{pct(result.best.acceptanceRate)}</td>
                <td>{pct(result.worst.acceptanceRate)}</td>
              </tr>
              <tr>
                <th scope="row">Standing</th>
                <td>{result.current.standing}</td>
                <td>{result.expected.standing.toFixed(2)}</td>
                <td>{result.best.standing}</td>
                <td>{result.worst.standing}</td>
              </tr>
            </tbody>
          </table>
          <p className="muted small">
            {result.submissions.length} planned submission{result.submissions.length === 1 ? '' : 's'}
            {result.newDays.length > 0 && <> · new days that can add standing: {result.newDays.join(', ')}</>}. {result.assumption} A
            rejection never lowers standing.
          </p>
          {result.excluded.length > 0 && (
            <ul className="reasons" aria-label="Left out of the plan">
              {result.excluded.map((x) => (
                <li key={x.itemId}>
                  {x.name}: <span className="mono">{x.reasons.join(', ')}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
