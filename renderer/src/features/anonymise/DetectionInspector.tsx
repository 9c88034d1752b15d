import type { RefObject } from 'react';
import type { DetectionDecision, ReviewDetection } from '../../../../shared/api/anonymise';
import { ENTITY_TYPES, type EntityType } from '../../../../shared/pii/types';
import { percent, TYPE_NAMES, typeColour } from './entity-style';

/** The detail box of the current detection: what it is and why, its decision buttons, retype, and the others it overlaps. */
export function DetectionInspector({
  detection,
  overlapping,
  retypeRef,
  onDecide,
  onRemove,
  onSelect,
}: {
  detection: ReviewDetection | null;
  overlapping: ReviewDetection[];
  retypeRef: RefObject<HTMLSelectElement | null>;
  onDecide: (id: string, decision: DetectionDecision, retypeAs?: EntityType | null) => void;
  onRemove: (id: string) => void;
  onSelect: (id: string) => void;
}) {
  if (!detection) {
    return (
      <div className="anon-inspector muted small" role="group" aria-label="Detection detail">
        Focus or point at a highlight to see its confidence and reason.
      </div>
    );
  }
  const d = detection;
  return (
    <div className="anon-inspector" role="group" aria-label="Detection detail" data-detection-id={d.id}>
      <div>
        <strong className="det-chip" style={{ ['--c' as string]: typeColour(d.effectiveType) }}>
          {TYPE_NAMES[d.effectiveType]}
        </strong>{' '}
        “{d.text}” · <span data-testid="inspector-decision">{d.decision}</span> · confidence {percent(d.confidence)}
        {d.retypedAs && <span className="small muted"> (proposed as {TYPE_NAMES[d.type]})</span>}
      </div>
      <div className="small muted">
        {d.reason} · {d.detector}
      </div>
      <div className="anon-inspector-actions">
        <button type="button" onClick={() => onDecide(d.id, 'accepted')} aria-keyshortcuts="A">
          Accept
        </button>
        <button type="button" onClick={() => onDecide(d.id, 'rejected')} aria-keyshortcuts="R">
          Reject
        </button>
        <button type="button" onClick={() => onDecide(d.id, 'pending')} aria-keyshortcuts="U">
          Back to pending
        </button>
        <label className="inline small">
          Retype
          <select
            ref={retypeRef}
            aria-keyshortcuts="T"
            value={d.effectiveType}
            onChange={(e) => onDecide(d.id, d.decision === 'rejected' ? 'accepted' : d.decision, e.target.value as EntityType)}
          >
            {ENTITY_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_NAMES[t]}
              </option>
            ))}
          </select>
        </label>
        {d.origin === 'reviewer' && (
          <button type="button" className="danger" onClick={() => onRemove(d.id)}>
            Remove span
          </button>
        )}
      </div>
      {overlapping.length > 0 && (
        <div className="small">
          Also here:{' '}
          {overlapping.map((o) => (
            <button key={o.id} type="button" className="small-button" onClick={() => onSelect(o.id)}>
              {TYPE_NAMES[o.effectiveType]} ({o.decision})
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
