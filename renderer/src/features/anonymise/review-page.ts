import type { ReviewDetection } from '../../../../shared/api/anonymise';

/** One page of a text under review; `end` never splits a surrogate pair (safePageEnd). */
export type ReviewPage = { start: number; end: number; text: string; textLength: number };

/** A stretch of the page the reviewer selected or found, in absolute offsets. */
export type TextSelection = { start: number; end: number; text: string };

export type DetectionIndex = {
  byId: Map<string, ReviewDetection>;
  /** The start of the first run each detection covers on this page: where focus goes for it. */
  firstRunOf: Map<string, number>;
};
