import type { DetectionDecision, ReviewDetection } from '../../../shared/api/anonymise';
import { AppError } from '../../../shared/errors';
import type { EntityType } from '../../../shared/pii/types';
import type { Database } from '../db/database';

/** A stored detection (or reviewer span) with the reviewer's decision on it, if any. */
export type DetectionRow = {
  id: string;
  origin: 'detector' | 'reviewer';
  type: EntityType;
  start_offset: number;
  end_offset: number;
  confidence: number;
  reason: string;
  detector: string;
  decision: 'accepted' | 'rejected' | null;
  retyped_as: EntityType | null;
};

export const DETECTION_SELECT = `select d.id, d.origin, d.type, d.start_offset, d.end_offset, d.confidence, d.reason, d.detector,
  dc.decision, dc.retyped_as
  from anonymise_detections d left join anonymise_decisions dc on dc.item_id = d.item_id and dc.detection_id = d.id`;

/** Detector spans keep their id when detection runs again over the same text: same span, same type. */
export function detectionId(type: EntityType, start: number, end: number): string {
  return `${type}:${start}:${end}`;
}

/** No stored decision means pending, except for a reviewer's own span, which is accepted by adding it. */
export function decisionOf(row: DetectionRow): DetectionDecision {
  return row.decision ?? (row.origin === 'reviewer' ? 'accepted' : 'pending');
}

export function toReviewDetection(row: DetectionRow, text: string | undefined): ReviewDetection {
  const effectiveType = row.retyped_as ?? row.type;
  return {
    id: row.id,
    origin: row.origin,
    type: row.type,
    retypedAs: row.retyped_as,
    effectiveType,
    start: row.start_offset,
    end: row.end_offset,
    text: text === undefined ? '' : text.slice(row.start_offset, row.end_offset),
    confidence: row.confidence,
    reason: row.reason,
    detector: row.detector,
    decision: decisionOf(row),
  };
}

export async function readDetectionRow(db: Database, itemId: string, detectionId: string): Promise<DetectionRow> {
  const { rows } = await db.query<DetectionRow>(`${DETECTION_SELECT} where d.item_id = $1 and d.id = $2`, [itemId, detectionId]);
  const row = rows[0];
  if (!row) throw new AppError('not_found', 'That detection does not exist (detection may have run again).', { detectionId });
  return row;
}
