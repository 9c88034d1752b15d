import type { DetectionDecision, ReviewState } from '../../../../shared/api/anonymise';
import type { EntityType } from '../../../../shared/pii/types';
import { OPERATOR_NAMES, TYPE_NAMES, typeColour } from './entity-style';

/** Counts of detections per type with their operator, and the per-type Accept all / Reject all. */
export function TypeLegend({
  review,
  onDecideType,
}: {
  review: ReviewState;
  onDecideType: (type: EntityType, decision: DetectionDecision) => void;
}) {
  if (review.counts.length === 0) return null;
  return (
    <table className="anon-legend" aria-label="Legend">
      <thead>
        <tr>
          <th>Type</th>
          <th>Found</th>
          <th>Pending</th>
          <th>Accepted</th>
          <th>Rejected</th>
          <th>Operator</th>
          <th>
            <span className="visually-hidden">All of this type</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {review.counts.map((c) => (
          <tr key={c.type} data-type={c.type}>
            <td>
              <span className="swatch" style={{ background: typeColour(c.type) }} aria-hidden="true" />
              {TYPE_NAMES[c.type]}
            </td>
            <td className="total">{c.total}</td>
            <td className="pending">{c.pending}</td>
            <td className="accepted">{c.accepted}</td>
            <td className="rejected">{c.rejected}</td>
            <td className="small">{OPERATOR_NAMES[review.operators[c.type] ?? review.defaultOperator]}</td>
            <td className="nowrap">
              <button
                type="button"
                className="small-button"
                onClick={() => onDecideType(c.type, 'accepted')}
                aria-label={`Accept all ${TYPE_NAMES[c.type]}`}
              >
                Accept all
              </button>
              <button
                type="button"
                className="small-button"
                onClick={() => onDecideType(c.type, 'rejected')}
                aria-label={`Reject all ${TYPE_NAMES[c.type]}`}
              >
                Reject all
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
